//! Server-Sent Events for gemini-rs: a spec-complete, sans-IO decoder and a stream adapter.
//!
//! This crate sits below the `gemini` facade, which uses it to read `streamGenerateContent`
//! (`?alt=sse`) responses and turns each event's data into a typed response. Most users want the
//! `gemini` crate; use this one directly to decode any `text/event-stream`. It knows nothing
//! about Gemini's JSON and does no I/O.
//!
//! * [`Decoder`]: push bytes in, pull [`Event`]s out, [`finish`](Decoder::finish) at the end.
//!   It follows the WHATWG EventSource parsing rules exactly (CR, LF and CRLF line endings split
//!   anywhere across chunks, no splitting on Unicode separators, comments, multi-line data, `id`
//!   and `retry`), decodes UTF-8 per line without mangling characters split across chunks, has
//!   configurable size limits ([`DecoderConfig`]), and works in time linear in its input.
//! * [`SseStream`] (feature `stream`): a `futures_core::Stream` of events over any
//!   [`http_body::Body`], with no runtime and no spawned task.
//!
//! ```
//! use gemini_sse::{Decoder, DecodeErrorKind};
//!
//! let mut decoder = Decoder::new();
//! // Chunks may split lines, line endings and UTF-8 characters anywhere.
//! for chunk in [&b"data: {\"text\":\"caf\xC3"[..], b"\xA9\"}\r", b"\n\r\n: keep-alive\r\n"] {
//!     decoder.push(chunk);
//! }
//! decoder.push(b"data: \xFF\r\n\r\n"); // not UTF-8
//! decoder.finish();
//!
//! let event = decoder.next_event().unwrap()?;
//! assert_eq!(event.event_type(), "message");
//! assert_eq!(event.data(), r#"{"text":"café"}"#);
//! let error = decoder.next_event().unwrap().unwrap_err();
//! assert_eq!(error.kind(), DecodeErrorKind::InvalidUtf8);
//! assert!(decoder.next_event().is_none());
//! # Ok::<(), gemini_sse::DecodeError>(())
//! ```
//!
//! # Features
//!
//! | Feature | Default | What it adds |
//! |---|---|---|
//! | `stream` | yes | [`SseStream`] and [`StreamError`] (dependencies: `futures-core`, `http-body`, `pin-project-lite`) |
//!
//! # Stability
//!
//! Semver covers the types and methods. It does not cover the [`Display`](std::fmt::Display)
//! text of errors or the [`Debug`] output; match on [`DecodeError::kind`] instead.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod config;
mod data;
mod decoder;
mod error;
mod event;
#[cfg(feature = "stream")]
mod stream;
mod utf8;

pub use config::{DEFAULT_MAX_SIZE, DecoderConfig, UnfinishedEvent};
pub use decoder::Decoder;
pub use error::{DecodeError, DecodeErrorKind};
pub use event::Event;
#[cfg(feature = "stream")]
#[cfg_attr(docsrs, doc(cfg(feature = "stream")))]
pub use stream::{SseStream, StreamError};
