//! The complete, lossless data model of Google's Gemini API.
//!
//! `gemini-types` holds every request and response message of the Gemini Developer API
//! (`generativelanguage.googleapis.com`) as plain serde types, and nothing else: no I/O, no async
//! runtime, no HTTP. Names follow the API's own message names (`GenerateContentRequest`,
//! `Candidate`, `BidiGenerateContentServerContent`, ...), so the official documentation maps to
//! this crate one to one.
//!
//! Three promises:
//!
//! * **Exact wire format.** camelCase names (snake_case accepted when decoding requests, as the
//!   service does), optional fields omitted when unset, int64 as strings, bytes as base64,
//!   durations as `"3.5s"`, timestamps as RFC 3339. See [`wire`].
//! * **Never fail on something new.** Every enum the server sends is open (unknown values keep
//!   their string, see [`open_enum!`]); an unknown part kind is kept with its key and raw JSON;
//!   the types you send back as history keep unknown fields.
//! * **Nothing lost.** A model turn received from the API re-serializes with every field, every
//!   `thoughtSignature` included.
//!
//! ```
//! let ts: gemini_types::Timestamp = "2026-11-25T13:09:31Z".parse().unwrap();
//! assert_eq!(ts.to_string(), "2026-11-25T13:09:31Z");
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

mod open_enum;
pub mod wire;

mod accumulator;
mod auth_tokens;
mod batches;
mod caches;
mod config;
mod content;
mod embed;
mod file_search;
mod files;
mod fold;
mod generate;
mod grounding;
pub mod interactions;
pub mod live;
mod media;
mod models;
mod operations;
mod safety;
mod schema;
mod status;
mod tokens;
mod tools;
mod usage;

pub use wire::Timestamp;

pub use accumulator::*;
pub use auth_tokens::*;
pub use batches::*;
pub use caches::*;
pub use config::*;
pub use content::*;
pub use embed::*;
pub use file_search::*;
pub use files::*;
pub use fold::*;
pub use generate::*;
pub use grounding::*;
pub use live::*;
pub use media::*;
pub use models::*;
pub use operations::*;
pub use safety::*;
pub use schema::*;
pub use status::*;
pub use tokens::*;
pub use tools::*;
pub use usage::*;
