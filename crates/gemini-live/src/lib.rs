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
//! * the tokio shell (feature `tokio`): `LiveConnector` opens the WebSocket over rustls (with
//!   the HTTP transport's root options) or through an HTTP `CONNECT` proxy (`HTTPS_PROXY`,
//!   `NO_PROXY`), runs the core in a task with keepalive pings, and gives a `LiveSession` with
//!   typed senders, a `Stream` of events and `split()` for separate tasks.
//!
//! The wire messages are re-exported from `gemini-types` as [`messages`]; [`pcm`] has the
//! 16-bit PCM helpers (resampling to 16 kHz, WAV output). Most users reach this crate through
//! the `gemini` facade's `client.live()`.

//!
//! # A session
//!
//! Against the local emulator here; with the real API, drop `base_url` and `proxy` and give a
//! real key (it goes in the `x-goog-api-key` header, never in the URL).
//!
//! ```
//! # #[tokio::main] async fn main() -> Result<(), gemini_live::LiveError> {
//! use gemini_live::{ApiKey, LiveConfig, LiveConnector, LiveEvent, ProxyConfig};
//! use gemini_types::Modality;
//!
//! let emulator = gemini_emulator::Emulator::start();
//! let connector = LiveConnector::builder()
//!     .api_key(ApiKey::new("any-key"))
//!     .base_url(emulator.base_url())
//!     .proxy(ProxyConfig::none())
//!     .build()?;
//! let config = LiveConfig::new("gemini-live-2.5-flash-preview")
//!     .response_modalities([Modality::Text])
//!     // Resumption on: after a goAway or a dropped connection the session reconnects with
//!     // the latest handle and sends again what the server had not consumed.
//!     .session_resumption(true);
//! let mut session = connector.connect(config).await?;
//! session.send_text("Hello!").await?;
//! let mut answer = String::new();
//! while let Some(event) = session.next_event().await {
//!     match event? {
//!         LiveEvent::Text(chunk) => answer.push_str(&chunk),
//!         LiveEvent::Resumed { .. } => answer.clear(), // an unfinished answer starts again
//!         LiveEvent::TurnComplete { .. } => break,
//!         _ => {}
//!     }
//! }
//! assert!(answer.contains("Hello!"));
//! session.close().await?;
//! # Ok(()) }
//! ```
//!
//! # Resumption
//!
//! When the setup enables session resumption (and [`ResumptionPolicy::automatic`] is on, the
//! default), the session keeps the latest usable `sessionResumptionUpdate` handle. After a
//! `goAway` it finishes the current turn, waits briefly for the update that covers it, and
//! reconnects; after an abnormal close (1006, 1011, 1001, 1012-1014) or a keepalive timeout it
//! reconnects at once, then with exponential backoff within the policy's attempts and time
//! budget. Messages sent meanwhile wait in a bounded queue. Sent messages are kept until an
//! update's `lastConsumedClientMessageIndex` (this connection's messages, `setup` being 0)
//! says the server consumed them, and are sent again after the resume; without the index,
//! what was sent before the update counts as consumed. A turn the client saw complete that
//! the server answers again is not shown twice. [`LiveEvent::Reconnecting`] and
//! [`LiveEvent::Resumed`] report it; a refused handle ([`LiveError::ResumeRejected`]) or a spent
//! budget ([`LiveError::ResumeBudgetSpent`]) ends the session.
//!
//! # Features
//!
//! `tokio` (default): the shell ([`LiveConnector`], [`LiveSession`]). Without it the crate
//! is the sans-IO core, the events and the PCM helpers, with no runtime dependency.

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
