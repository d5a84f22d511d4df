//! HTTP transport for gemini-rs.
//!
//! Built in its own issue; this crate compiles so the workspace does.
//!
//! ```
//! assert_eq!(gemini_transport::CRATE_NAME, "gemini-transport");
//! ```

/// The crate's name, for diagnostics.
pub const CRATE_NAME: &str = "gemini-transport";
