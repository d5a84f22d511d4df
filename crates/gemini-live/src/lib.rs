//! The Gemini Live API (`BidiGenerateContent` over WebSocket) for gemini-rs: sessions that
//! survive disconnects.
//!
//! Two layers:
//!
//! * [`proto`]: a sans-IO session core (like `quinn-proto` or `rustls`). It holds the state
//!   machine (awaiting setup, active, resuming, closing, closed), turns frames into typed
//!   [`LiveEvent`]s, keeps the latest resumption handle, queues and replays messages across
//!   reconnections; the caller feeds it frames, close events and the current time, and drains
//!   frames to send and its next deadline. No socket, task or clock inside.
//! * the tokio shell (feature `tokio`): [`LiveConnector`] opens the WebSocket over rustls (or
//!   through an HTTP `CONNECT` proxy), runs the core in a task and gives a [`LiveSession`]
//!   with typed senders and a `Stream` of events.
//!
//! The wire messages are re-exported from `gemini-types` as [`messages`]; [`pcm`] has the
//! 16-bit PCM helpers (resampling to 16 kHz, WAV output).
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

mod config;
mod error;
mod event;
pub mod pcm;
pub mod proto;

#[cfg(feature = "tokio")]
mod shell;

pub use config::{LiveConfig, ResumptionPolicy};
pub use error::LiveError;
pub use event::LiveEvent;
/// TLS roots and proxy settings, shared with the HTTP transport.
#[cfg(feature = "tokio")]
pub use gemini_transport::{ApiKey, ProxyConfig, TlsRoots};
#[cfg(feature = "tokio")]
pub use shell::{
    DEFAULT_BASE_URL, LiveAuth, LiveConnector, LiveConnectorBuilder, LiveReceiver, LiveSender,
    LiveSession, RealtimeInput, ToolHandler,
};

/// The Live API's wire messages (`gemini_types::live`).
pub use gemini_types::live as messages;
