//! How-tos (documentation only; this module has no items).
//!
//! * [Streaming](#streaming)
//! * [Chats and thought signatures](#chats-and-thought-signatures)
//! * [Function calling](#function-calling)
//! * [Structured output](#structured-output)
//! * [Long answers: automatic continuation](#long-answers-automatic-continuation)
//! * [Retries and timeouts](#retries-and-timeouts)
//! * [Escape hatches](#escape-hatches)
//! * [Custom transport](#custom-transport)
//! * [Testing with the emulator](#testing-with-the-emulator)
//!
//! # Streaming
//!
//! [`Models::generate_content_stream`](crate::Models::generate_content_stream) returns a
//! [`GenerateContentStream`](crate::GenerateContentStream): a `Stream` of chunks, each a
//! `GenerateContentResponse` holding only the new parts. Print text as it arrives, or fold
//! the whole answer with `accumulate()`:
//!
//! ```no_run
//! # async fn demo(client: gemini::Client) -> Result<(), gemini::Error> {
//! use futures_util::StreamExt;
//! let mut stream = client.models().generate_content_stream("gemini-2.5-flash", "Tell a story").await?;
//! while let Some(chunk) = stream.next().await {
//!     print!("{}", chunk?.text().unwrap_or_default());
//! }
//!
//! let whole = client
//!     .models()
//!     .generate_content_stream("gemini-2.5-flash", "Tell a story")
//!     .await?
//!     .accumulate()
//!     .await?;
//! println!("{:?}", whole.usage_metadata);
//! # Ok(()) }
//! ```
//!
//! Errors end the stream: an `{"error": ...}` event sent after the `200` is an
//! [`Error::Api`](crate::Error::Api) with the status and `google.rpc` details, a cut
//! connection is an [`Error::Stream`](crate::Error::Stream), and a stream that stalls longer
//! than the idle timeout is an [`Error::Timeout`](crate::Error::Timeout). Retries happen only
//! before the first chunk. When `accumulate()` fails after some chunks arrived, the error is
//! an [`Error::Incomplete`](crate::Error::Incomplete) that keeps the answer folded so far
//! ([`Error::partial_response`](crate::Error::partial_response)) beside its cause.
//!
//! # Chats and thought signatures
//!
//! Gemini 3 models sign their turns (`thoughtSignature`, on any part kind) and reject a
//! follow-up request whose history lost a signature ("Function call is missing a
//! thought_signature"). A [`Chat`](crate::Chat) keeps every model turn exactly as received:
//! every part, every signature, unknown fields, parallel function calls in one `Content`.
//! Streamed turns are folded losslessly: text chunks are joined, a signature stays with the
//! text it arrived on.
//!
//! ```no_run
//! # async fn demo(client: gemini::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use gemini::{ChatConfig, ChatHistory};
//! let mut chat = client.chats().create("gemini-3.5-flash", ChatConfig::new())?;
//! chat.send_message("Remember the number 7.").await?;
//!
//! // Save the conversation...
//! let saved = serde_json::to_string(chat.history())?;
//! // ...and continue it later, in another process.
//! let history: ChatHistory = serde_json::from_str(&saved)?;
//! let mut chat = client.chats().create("gemini-3.5-flash", ChatConfig::new().with_history(history))?;
//! let answer = chat.send_message("Which number?").await?;
//! # let _ = answer; Ok(()) }
//! ```
//!
//! The history has two views: `full()` (everything) and `curated()` (what is sent back: an
//! exchange whose answer was empty, e.g. blocked, is left out).
//!
//! # Function calling
//!
//! Register functions with typed arguments (their JSON schema is derived with schemars) and
//! async handlers. Automatic function calling runs the loop: parallel calls run concurrently,
//! errors go back to the model as `{"error": ...}`, at most 10 rounds by default. It works the
//! same with `generate_content`, `generate_content_stream` and chats.
//!
//! ```no_run
//! # async fn demo(client: gemini::Client) -> Result<(), gemini::Error> {
//! use gemini::Tools;
//!
//! #[derive(serde::Deserialize, schemars::JsonSchema)]
//! struct Weather {
//!     /// The city, e.g. "Paris".
//!     city: String,
//! }
//!
//! let tools = Tools::new().function("get_weather", "Current weather in a city", |w: Weather| async move {
//!     Ok::<_, String>(serde_json::json!({"city": w.city, "celsius": 21}))
//! });
//! let answer = client
//!     .models()
//!     .with_tools(tools)
//!     .generate_content("gemini-2.5-flash", "What's the weather in Paris?")
//!     .await?;
//! # let _ = answer; Ok(()) }
//! ```
//!
//! To handle calls yourself, use `Tools::with_automatic_calling(false)` (declarations are
//! still sent) or declare functions on the request, then answer with
//! [`Tools::respond`](crate::Tools::respond) or `FunctionResponse::for_call`, sending the
//! model's turn back unchanged.
//!
//! # Structured output
//!
//! [`Models::generate_json`](crate::Models::generate_json) sends
//! `responseMimeType: application/json` with your type's schema as `responseJsonSchema`, and
//! decodes the answer. It never returns a silent `None`: a missing or invalid answer is an
//! [`Error::Decode`](crate::Error::Decode) that keeps the raw text and the serde error.
//!
//! ```no_run
//! # async fn demo(client: gemini::Client) -> Result<(), gemini::Error> {
//! #[derive(serde::Deserialize, schemars::JsonSchema)]
//! struct City { name: String, population: u64 }
//!
//! match client.models().generate_json::<Vec<City>>("gemini-2.5-flash", "Three big cities").await {
//!     Ok(cities) => println!("{} cities", cities.len()),
//!     Err(gemini::Error::Decode(e)) => eprintln!("bad JSON {:?}: {:?}", e.raw_text(), e.json_error()),
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```
//!
//! # Long answers: automatic continuation
//!
//! Models with a per-request output cap end a long answer with finish reason `CONTINUATION`
//! and a `continuationToken`. The client resends the same request with the token and merges
//! the pieces, for unary calls and streams, up to 16 hops. Change or disable it per client
//! ([`ClientBuilder::continuation`](crate::ClientBuilder::continuation)) or per call
//! ([`RequestOptions::with_continuation`](crate::RequestOptions::with_continuation)).
//! If a hop fails after earlier hops answered, the error is an
//! [`Error::Incomplete`](crate::Error::Incomplete): the merged answer so far, and the cause
//! (which [`Error::is_retryable`](crate::Error::is_retryable) and the other accessors report
//! on).
//!
//! # Retries and timeouts
//!
//! Retries are on by default: 5 attempts with exponential backoff and jitter for 408, 429,
//! 500, 502, 503, 504 and connection failures, honouring the server's `RetryInfo.retryDelay`
//! and `Retry-After`, inside a total budget. Nothing is retried once a successful (2xx) answer
//! began. A server delay longer than the policy's longest backoff (60 s), or than what is left
//! of the deadline, ends the call at once with the 429/503 error; its hint stays readable
//! ([`Error::retry_after`](crate::Error::retry_after)).
//!
//! No call outlives a bound with the defaults:
//!
//! | bound | unary call | stream |
//! |---|---|---|
//! | connect (TCP, proxy, TLS) | 10 s | 10 s |
//! | response headers | 10 min | 60 s |
//! | idle | 5 min without a byte of the body | 5 min without a whole event |
//! | total, retries included | 10 min | 20 min |
//! | body kept in memory | 64 MiB, then [`TransportError::is_body_too_large`](crate::TransportError::is_body_too_large) | one event at a time |
//! | error body kept | 64 KiB | 64 KiB |
//!
//! Long-thinking models: a unary answer's headers come only when the whole answer is ready, so
//! the unary header bound is the 10 minutes the server itself allows. A stream's headers come at
//! once and its events as they are produced; a model that thinks for more than 5 minutes without
//! sending thought summaries (`includeThoughts`) needs a longer idle bound
//! ([`Timeouts::with_idle`](crate::Timeouts::with_idle)). A server that drips bytes cannot hold
//! a call: a unary call ends at its total, a stream at the idle bound (no event completes).
//!
//! ```no_run
//! # fn demo() -> Result<(), gemini::Error> {
//! use std::time::Duration;
//! use gemini::{Client, RequestOptions, RetryPolicy, Timeouts};
//! let client = Client::builder()
//!     .api_key("...")
//!     .retry_policy(RetryPolicy::default().with_max_attempts(3))
//!     .timeouts(Timeouts::default().with_idle(Duration::from_secs(20)))
//!     .build()?;
//! // Per call:
//! let fast = client.models().with_options(RequestOptions::new().with_timeout(Duration::from_secs(5)));
//! # let _ = fast; Ok(()) }
//! ```
//!
//! Errors say whether retrying may help ([`Error::is_retryable`](crate::Error::is_retryable),
//! [`Error::retry_after`](crate::Error::retry_after)), and API errors carry the typed
//! `google.rpc` details (quota violations, retry info, error info).
//!
//! # Escape hatches
//!
//! * [`RequestOptions::with_extra_body`](crate::RequestOptions::with_extra_body): JSON merged
//!   into the request, for fields this SDK does not model yet.
//! * [`RequestOptions::with_header`](crate::RequestOptions::with_header): extra headers.
//! * [`Client::raw`](crate::Client::raw): untyped JSON calls and event streams with the same
//!   authentication, retries and errors.
//!
//! # Custom transport
//!
//! Everything above the HTTP exchange (the key header, retries, timeouts, errors) lives in the
//! client, so any [`Transport`](crate::transport::Transport) gets it: a proxy, a recorder, a
//! test double.
//!
//! ```
//! use std::sync::Arc;
//! use bytes::Bytes;
//! use gemini::transport::{BoxFuture, Error, ResponseBody, Transport};
//!
//! /// Answers every request with the same JSON.
//! #[derive(Debug)]
//! struct Canned(&'static str);
//!
//! impl Transport for Canned {
//!     fn send(&self, _: http::Request<Bytes>) -> BoxFuture<'_, Result<http::Response<ResponseBody>, Error>> {
//!         let body = self.0;
//!         Box::pin(async move { Ok(http::Response::new(ResponseBody::from(body))) })
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), gemini::Error> {
//! let client = gemini::Client::builder()
//!     .api_key("k")
//!     .transport(Arc::new(Canned(r#"{"candidates":[{"content":{"parts":[{"text":"hi"}]}}]}"#)))
//!     .build()?;
//! let r = client.models().generate_content("gemini-2.5-flash", "Hello").await?;
//! assert_eq!(r.text().as_deref(), Some("hi"));
//! # Ok(()) }
//! ```
//!
//! # Testing with the emulator
//!
//! `gemini-emulator` is a local, deterministic Gemini API (REST and SSE) for tests and demos:
//! point the client at it, script replies and faults, and inspect what was sent.
//!
//! ```
//! # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
//! use gemini_emulator::{Emulator, Reply};
//! let emulator = Emulator::start();
//! let client = gemini::Client::builder()
//!     .api_key("test")
//!     .base_url(emulator.base_url())
//!     .retry_policy(gemini::RetryPolicy::default().with_initial_backoff(std::time::Duration::from_millis(1)))
//!     .build()?;
//!
//! // One overloaded answer, then the model: the client retries.
//! emulator.script("generateContent").reply(Reply::status(503));
//! let r = client.models().generate_content("gemini-2.5-flash", "ping").await?;
//! assert!(r.text().is_some());
//! assert_eq!(emulator.count("generateContent"), 2);
//! # Ok(()) }
//! ```
//!
//! To pin down what the real service answers, record once and replay (feature `record`):
//! `transport::RecordingTransport` writes every exchange to a
//! JSON Lines cassette without credentials while the test runs against the real API with a
//! key; `transport::ReplayTransport` then answers the same calls
//! from the file, offline and without a key, and fails any request it has no answer for.
//!
//! ```no_run
//! # #[cfg(feature = "record")]
//! # fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use gemini::transport::{RecordingTransport, ReplayTransport};
//! let cassette = "tests/cassettes/quickstart.jsonl";
//! let client = if std::env::var_os("GEMINI_RECORD").is_some() {
//!     let recorder = RecordingTransport::create(gemini::HyperTransport::new()?, cassette)?;
//!     gemini::Client::builder().with_env()?.transport(Arc::new(recorder)).build()?
//! } else {
//!     let replay = ReplayTransport::open(cassette)?;
//!     gemini::Client::builder().api_key("unused").transport(Arc::new(replay)).build()?
//! };
//! # let _ = client; Ok(()) }
//! ```
