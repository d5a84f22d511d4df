//! gemini-rs: the Rust SDK for Google's Gemini API.
//!
//! The client is being built in its own issue; this crate compiles so the workspace does.
//!
//! ```
//! assert_eq!(gemini::CRATE_NAME, "gemini");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE_NAME: &str = "gemini";
