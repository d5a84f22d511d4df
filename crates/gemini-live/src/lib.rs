//! The Gemini Live API (`BidiGenerateContent` over WebSocket) for gemini-rs.
//!
//! Today this crate holds the Live wire messages, re-exported from `gemini-types` as
//! [`messages`]: the setup, client and server messages, each one JSON object per WebSocket frame.
//! The session itself (a sans-IO core and a tokio-tungstenite shell that resumes after
//! disconnects) is not built yet; it arrives in its own issue.
//!
//! ```
//! use gemini_live::messages::{
//!     BidiGenerateContentClientMessage, BidiGenerateContentServerMessage, BidiGenerateContentSetup,
//! };
//! let setup = BidiGenerateContentClientMessage::setup(BidiGenerateContentSetup::new(
//!     "gemini-live-2.5-flash",
//! ));
//! let frame = serde_json::to_string(&setup).unwrap();
//! assert!(frame.starts_with(r#"{"setup":{"model":"models/gemini-live-2.5-flash""#));
//!
//! let reply: BidiGenerateContentServerMessage =
//!     serde_json::from_str(r#"{"setupComplete":{}}"#).unwrap();
//! assert!(reply.is_setup_complete());
//! ```

/// The Live API's wire messages (`gemini_types::live`).
pub use gemini_types::live as messages;
