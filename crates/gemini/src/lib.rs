//! The Rust SDK for Google's Gemini API.
//!
//! `gemini` is the crate most users want: a [`Client`] with one handle per REST resource
//! ([`client.models()`](Client::models), [`client.chats()`](Client::chats),
//! [`client.files()`](Client::files), [`client.caches()`](Client::caches),
//! [`client.batches()`](Client::batches), [`client.operations()`](Client::operations),
//! [`client.tuned_models()`](Client::tuned_models),
//! [`client.images()`](Client::images) (Imagen), [`client.videos()`](Client::videos) (Veo),
//! [`client.file_search_stores()`](Client::file_search_stores) (RAG),
//! [`client.auth_tokens()`](Client::auth_tokens) (ephemeral tokens),
//! [`client.interactions()`](Client::interactions),
//! and [`client.raw()`](Client::raw) for anything else), typed requests and responses from
//! [`gemini-types`](types), streams, chats that keep thought signatures, automatic function
//! calling, typed structured output, automatic continuation, waiting on long-running operations,
//! and errors you can act on. It sits on top of
//! `gemini-transport` (HTTP, retries, timeouts), `gemini-sse` (event streams) and
//! `gemini-types` (the data model).
//!
//! # Quickstart
//!
//! ```no_run
//! #[tokio::main]
//! async fn main() -> Result<(), gemini::Error> {
//!     // Reads GEMINI_API_KEY (or GOOGLE_API_KEY).
//!     let client = gemini::Client::from_env()?;
//!     let answer = client
//!         .models()
//!         .generate_content("gemini-3.5-flash", "Explain how AI works in a few words")
//!         .await?
//!         .text();
//!     println!("{}", answer.unwrap_or_default());
//!     Ok(())
//! }
//! ```
//!
//! The same code runs against the local emulator (no key, no network) by pointing the client
//! at it; this is how the examples and tests run:
//!
//! ```
//! # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
//! let emulator = gemini_emulator::Emulator::start();
//! let client = gemini::Client::builder()
//!     .api_key("any-key")
//!     .base_url(emulator.base_url())
//!     .build()?;
//! let answer = client
//!     .models()
//!     .generate_content("gemini-3.5-flash", "Explain how AI works in a few words")
//!     .await?
//!     .text();
//! assert!(answer.unwrap().contains("Explain how AI works"));
//! # Ok(()) }
//! ```
//!
//! The [`guide`] has how-tos for streaming, chats and thought signatures, function calling,
//! structured output, retries and timeouts, custom transports and testing with the emulator.
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `hyper` | yes | the default transport (hyper 1 + rustls), [`Client::new`] and [`Client::from_env`]. Without it, give [`ClientBuilder::transport`] and [`ClientBuilder::sleeper`]. |
//! | `schemars` | yes | [`Tools::function`], [`Models::generate_json`] and [`schema_for`]: JSON schemas derived from your Rust types |
//! | `fs` | yes | [`UploadSource::path`]: uploads from a file on disk (tokio's `fs`), and batch input files written to a temporary file |
//! | `live` | yes | [`Client::live`] and [`live`]: Live API sessions over WebSocket that resume after disconnects (`gemini-live` with its tokio shell) |
//! | `record` | no | `transport::RecordingTransport` and `transport::ReplayTransport`: record a test's exchanges with the real API to a cassette file (no credentials), replay them offline with no key |
//!
//! # Stability
//!
//! Semver covers the public types and methods. It does not cover: the `Display` text of
//! errors, the concrete types behind [`source()`](std::error::Error::source), the default
//! values of retries and timeouts (documented on [`ClientBuilder`]), and the `Debug` output.
//! Match on [`Error`] variants and use the accessors instead of parsing messages.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
mod client;
mod error;
pub mod guide;
mod options;
mod rest;
mod structured;
mod tools;
mod turns;

pub use api::auth_tokens::{AuthTokens, EphemeralToken};
pub use api::batches::{BatchResult, BatchResultStream, Batches};
pub use api::caches::Caches;
pub use api::chats::{Chat, ChatConfig, ChatHistory, ChatStream, Chats};
pub use api::file_search_stores::{
    DocumentUploadOptions, Documents, FileSearchStores, FileSearchTool,
};
pub use api::files::{DEFAULT_CHUNK_SIZE, Files, UploadOptions, UploadProgress, UploadSource};
pub use api::images::{
    AspectRatio, FilteredImage, GenerateImages, GeneratedImage, GeneratedImages,
    IMAGEN_ASPECT_RATIOS, IMAGEN_LANGUAGES, Images, PersonGeneration, SafetyFilterLevel,
};
pub use api::input::{InvalidInput, InvalidInputKind};
pub use api::interactions::{
    Conversation, ConversationState, CreateInteraction, InteractionStream, Interactions,
    StreamResume,
};
#[cfg(feature = "live")]
#[cfg_attr(docsrs, doc(cfg(feature = "live")))]
pub use api::live::Live;
pub use api::models::{GenerateContentStream, Models, OpenStream};
pub use api::operations::Operations;
pub use api::raw::{Raw, RawStream};
pub use api::tuned_models::TunedModels;
pub use api::videos::{
    GenerateVideos, GeneratedVideo, GeneratedVideos, ReferenceType, VideoProgress, Videos,
};
pub use client::{Client, ClientBuilder};
pub use error::{
    ApiError, BuildError, DecodeError, Error, IncompleteError, IoError, OperationError,
    StreamError, TimeoutError, TimeoutKind, TransportError, UnexpectedResponse,
};
pub use options::{Continuation, RequestOptions};
pub use rest::names::ModelName;
pub use rest::pager::Pager;
pub use rest::wait::WaitOptions;
#[cfg(feature = "schemars")]
pub use structured::schema_for;
pub use tools::{DEFAULT_MAX_ROUNDS, Tools};

#[cfg(feature = "hyper")]
pub use gemini_transport::HyperTransport;
pub use gemini_transport::{ApiKey, ApiVersion, RetryPolicy, Timeouts};

/// The data model (`gemini-types`): every request and response of the API.
pub use gemini_types as types;

/// The HTTP layer (`gemini-transport`), for custom transports: the [`Transport`](transport::Transport)
/// trait, [`ResponseBody`](transport::ResponseBody), clocks and sleepers.
pub use gemini_transport as transport;

/// The Live API: sessions, events, the sans-IO core and the PCM helpers (`gemini-live`),
/// reached with [`Client::live`].
#[cfg(feature = "live")]
#[cfg_attr(docsrs, doc(cfg(feature = "live")))]
pub use gemini_live as live;

pub use gemini_types::{
    Content, FunctionCall, FunctionDeclaration, FunctionResponse, GenerateContentRequest,
    GenerateContentResponse, GenerationConfig, Part, Role, Tool,
};
