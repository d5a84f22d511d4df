//! The HTTP layer of gemini-rs: a swappable transport, configuration, layered timeouts,
//! retries that respect the server, and typed errors.
//!
//! Most users want the `gemini` crate, which builds on this one. Use `gemini-transport`
//! directly to plug in your own HTTP stack (implement [`Transport`]), to call an endpoint the
//! facade does not cover yet, to test with `MockTransport` (feature `test-util`), or to
//! record a test's exchanges with the real API once and replay them offline with
//! `RecordingTransport` and `ReplayTransport` (feature `record`).
//!
//! Layers, bottom up:
//!
//! * [`Transport`]: an object-safe trait, `http::Request<Bytes>` in,
//!   `http::Response<`[`ResponseBody`]`>` out, one attempt. [`HyperTransport`] (feature `hyper`,
//!   default) is hyper 1 over rustls with its own connection pool, HTTP/2 by ALPN, selectable
//!   TLS roots ([`TlsRoots`]) and proxies ([`ProxyConfig`]).
//! * [`HttpClient`]: URL building from [`Config`] (base URL, [`ApiVersion`]), the API key in
//!   `x-goog-api-key`, `user-agent` / `x-goog-api-client`, [`Timeouts`] (connect, response
//!   headers, idle, total), limits on what is buffered, [`RetryPolicy`] (on by default,
//!   honours `RetryInfo` and `Retry-After` up to its maximum backoff), [`ApiError`] parsing,
//!   and a `tracing` span per attempt.
//!
//! ```
//! # async fn demo() -> Result<(), gemini_transport::Error> {
//! use std::sync::Arc;
//! use gemini_transport::{Config, HttpClient, MockTransport, RequestSpec};
//!
//! let mock = MockTransport::new();
//! mock.push_json(503, r#"{"error": {"code": 503, "status": "UNAVAILABLE", "message": "busy"}}"#)
//!     .push_json(200, r#"{"totalTokens": 3}"#);
//! let client = HttpClient::builder()
//!     .config(Config::new().with_api_key("my-key"))
//!     .transport(Arc::new(mock.clone()))
//!     .retry_sleeper(Arc::new(gemini_transport::RecordingSleeper::new()))
//!     .build()?;
//! let spec = RequestSpec::post("models/gemini-2.5-flash:countTokens")
//!     .json(&serde_json::json!({"contents": [{"parts": [{"text": "hi"}]}]}))?;
//! let out: serde_json::Value = client.execute_json(spec).await?;
//! assert_eq!(out["totalTokens"], 3);
//! assert_eq!(mock.requests().len(), 2); // the 503 was retried
//! # Ok(()) }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(demo()).unwrap();
//! ```
//!
//! # Timeouts and limits
//!
//! Every call ends within a bound by default. The defaults ([`Timeouts::default`],
//! [`Config::new`]):
//!
//! | what | unary call ([`HttpClient::execute`]) | stream ([`HttpClient::execute_streaming`]) |
//! |---|---|---|
//! | connect (TCP, proxy, TLS; also waiting for another request's connect) | 10 s | 10 s |
//! | response headers | 10 min (`response_headers`) | 60 s (`stream_response_headers`) |
//! | idle: the longest wait for progress of the body | 5 min without a byte | 5 min without a whole event |
//! | total, retries and waits included | 10 min (`total`) | 20 min (`stream_total`) |
//! | body buffered | 64 MiB ([`Config::with_max_body_size`]), else [`Error::is_body_too_large`] | not buffered (the event decoder above bounds each event) |
//! | error body read | 64 KiB ([`Config::with_max_error_body_size`]); the rest is not downloaded | 64 KiB |
//! | server delay before a retry (`Retry-After`, `RetryInfo`) | waited only up to the maximum backoff (60 s) and what is left of the deadline; longer ends the call with the error | same |
//!
//! So no unary call outlives 10 minutes and no stream 20, as the server bounds them. A
//! [`Timeouts::with_total`] set on the builder applies to both kinds, and
//! [`RequestOptions::with_timeout`] to one call of either kind. The remaining whole seconds of
//! the deadline go to the server in `X-Server-Timeout`.
//!
//! Long-thinking models: a unary answer's head comes only when the whole answer is ready, so
//! the unary header timeout is the whole 10 minutes the server allows. A stream's head comes at
//! once, and its events come as the model produces them; without thought summaries
//! (`includeThoughts`) the first event may come only after the model has finished thinking, so
//! the idle timeout between events is 5 minutes. A model that thinks longer needs
//! `Timeouts::with_idle` raised (or thought summaries, which arrive as events while it
//! thinks).
//!
//! A server dripping bytes cannot hold a call: a unary call ends at its total deadline, and a
//! stream's idle timer is restarted only by whole events, not bytes.
//!
//! # Features
//!
//! | feature | default | adds |
//! |---|---|---|
//! | `hyper` | yes | [`HyperTransport`], [`TokioSleeper`], and the defaults of [`HttpClient::builder`] |
//! | `test-util` | no | `MockTransport`, `TestClock`, `RecordingSleeper` |
//!
//! Without `hyper`, pass a transport, a timer and a retry sleeper to the builder.
//!
//! TLS roots: the bundled Mozilla roots are the default because they work in minimal
//! containers; choose [`TlsRoots::native`] behind a TLS-intercepting corporate proxy.
//!
//! # Stability
//!
//! Semver covers the public types and methods. It does not cover `Display` texts, the types in
//! `source()` chains, the default timeout and retry values, or the exact tracing fields.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod api_error;
mod body;
#[cfg(feature = "record")]
mod cassette;
mod client;
mod config;
mod error;
#[cfg(feature = "hyper")]
mod hyper_transport;
#[cfg(feature = "test-util")]
mod mock;
mod request;
mod retry;
#[cfg(feature = "test-util")]
mod test_time;
mod time;
mod transport;

pub use api_error::ApiError;
pub use body::ResponseBody;
#[cfg(feature = "record")]
#[cfg_attr(docsrs, doc(cfg(feature = "record")))]
pub use cassette::{
    CassetteError, DEFAULT_MAX_RECORDED_BODY, Exchange, RecordingTransport, ReplayTransport,
};
pub use client::{HttpClient, HttpClientBuilder, decode_json};
pub use config::{
    ApiKey, ApiVersion, Config, DEFAULT_BASE_URL, DEFAULT_MAX_BODY_SIZE,
    DEFAULT_MAX_ERROR_BODY_SIZE, Timeouts, USER_AGENT,
};
pub use error::{Error, TimeoutKind, UnexpectedResponse};
#[cfg(feature = "hyper")]
pub use hyper_transport::{HyperTransport, HyperTransportBuilder, ProxyConfig, TlsRoots};
#[cfg(feature = "test-util")]
pub use mock::{CapturedRequest, MockTransport};
pub use request::{RequestOptions, RequestSpec};
pub use retry::RetryPolicy;
#[cfg(feature = "test-util")]
pub use test_time::{RecordingSleeper, TestClock};
#[cfg(feature = "hyper")]
pub use time::TokioSleeper;
pub use time::{Clock, Sleeper, SystemClock};
pub use transport::{BoxError, BoxFuture, Transport};
