//! A local emulator of the Gemini API, for tests and demos.
//!
//! Built in its own issue; this crate compiles so the workspace does.
//!
//! ```
//! assert_eq!(gemini_emulator::CRATE_NAME, "gemini-emulator");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE_NAME: &str = "gemini-emulator";
