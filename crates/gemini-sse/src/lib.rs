//! Server-Sent Events for gemini-rs: a sans-IO decoder and a stream adapter.
//!
//! The decoder is being built in its own issue; this crate compiles so the workspace does.
//!
//! ```
//! assert_eq!(gemini_sse::CRATE_NAME, "gemini-sse");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE_NAME: &str = "gemini-sse";
