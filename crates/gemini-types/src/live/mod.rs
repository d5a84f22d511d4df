//! The Live API (`BidiGenerateContent` over WebSocket): client messages, server messages and the
//! session setup (../shared/spec/API.md section 19).
//!
//! Every message is one JSON object per WebSocket frame. The client's first message is
//! [`BidiGenerateContentClientMessage::Setup`]; it then waits for `setupComplete` before sending
//! anything else. Server messages carry one key ([`ServerMessageType`]) and sometimes a
//! [`LiveUsageMetadata`] sibling (note `responseTokenCount`, not `candidatesTokenCount`).
//!
//! ```
//! use gemini_types::{BidiGenerateContentClientMessage, BidiGenerateContentServerMessage,
//!     BidiGenerateContentSetup, Modality};
//! let setup = BidiGenerateContentClientMessage::setup(
//!     BidiGenerateContentSetup::new("gemini-live-2.5-flash").with_response_modalities([Modality::Text]),
//! );
//! let frame = serde_json::to_string(&setup).unwrap();
//! assert!(frame.starts_with(r#"{"setup":{"model":"models/gemini-live-2.5-flash""#));
//!
//! let reply: BidiGenerateContentServerMessage = serde_json::from_str(r#"{"setupComplete":{}}"#).unwrap();
//! assert!(reply.is_setup_complete());
//! ```

mod client;
mod server;
mod setup;

pub use client::*;
pub use server::*;
pub use setup::*;

#[cfg(test)]
mod tests;
