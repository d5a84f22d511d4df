//! The Gemini Live API (`BidiGenerateContent`) for gemini-rs.
//!
//! The session is built in its own issue. Until then this crate re-exports the Live wire types
//! from [`gemini_types`] so users can already build and inspect Live messages.
//!
//! ```
//! assert_eq!(gemini_live::CRATE_NAME, "gemini-live");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE_NAME: &str = "gemini-live";
