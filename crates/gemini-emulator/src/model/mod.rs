//! The deterministic model: text generation, schema-driven JSON, tokenizer, embeddings,
//! thought signatures, and media (pictures, speech, videos). Pure functions; no I/O.

pub(crate) mod embeddings;
pub(crate) mod generator;
pub(crate) mod hash;
pub(crate) mod media;
pub(crate) mod mp4;
pub(crate) mod output;
pub(crate) mod schema_check;
pub(crate) mod schema_gen;
pub(crate) mod schema_util;
pub(crate) mod signatures;
pub(crate) mod tokenizer;
