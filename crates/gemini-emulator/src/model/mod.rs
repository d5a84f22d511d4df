//! The deterministic model: text generation, schema-driven JSON, tokenizer, embeddings and
//! thought signatures. Pure functions over JSON values; no I/O.

pub(crate) mod embeddings;
pub(crate) mod generator;
pub(crate) mod hash;
pub(crate) mod schema_check;
pub(crate) mod schema_gen;
pub(crate) mod schema_util;
pub(crate) mod signatures;
pub(crate) mod tokenizer;
