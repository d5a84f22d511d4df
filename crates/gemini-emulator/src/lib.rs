//! A local, deterministic emulator of Google's Gemini API, for tests and demos.
//!
//! `gemini-emulator` sits beside the gemini-rs crates, not under them: it is the server every
//! gemini-rs integration test talks to, the backend the CLI and demos use without an API key,
//! and a test server for your own code (Rust or not: the official Python SDK runs against it).
//! It speaks the real wire protocol over HTTP on `127.0.0.1`:
//!
//! * `POST /{v}/models/{model}:generateContent`, `:streamGenerateContent` (SSE with
//!   `?alt=sse`, the incremental JSON array without), `:countTokens`, `:embedContent`,
//!   `:batchEmbedContents`, and `GET /{v}/models[/{model}]`, for `v` in `v1beta`, `v1`,
//!   `v1alpha`. `models.list` lists a curated [`Catalogue`]; an unlisted id of a known model
//!   family (`gemini-4.0-flash-preview-01-2027`, `*-tts`, `imagen-*`, `veo-*`,
//!   `*embedding*`, Live and native-audio models: [`ModelSpec::from_family`]) is served with its
//!   family's methods and limits, any other id is the real 404;
//! * long-running operations: `GET /{v}/{name}` for `models/*/operations/*`,
//!   `tunedModels/*/operations/*`, `fileSearchStores/*[/upload]/operations/*` and `batches/*`,
//!   `GET` of the matching lists (`models/*/operations`, `tunedModels/*/operations`,
//!   `batches`, paged), `POST /{v}/batches/*:cancel` and `DELETE /{v}/batches/*`. Operations
//!   finish when the emulator's [`Clock`] passes their deadline; a test starts them with
//!   [`Emulator::operation`];
//! * files: the resumable upload protocol of `POST /upload/{v}/files` (start, chunks with
//!   checked offsets and sizes, `query`, `cancel`, `upload, finalize`; the upload id
//!   authenticates keyless chunks; at most 2 GiB a file and
//!   [`EmulatorBuilder::file_storage_limit`] in all), `GET /{v}/files[/{id}]`,
//!   `DELETE /{v}/files/{id}` and `GET /{v}/files/{id}:download?alt=media`. Files are
//!   `PROCESSING` for [`EmulatorBuilder::file_processing_time`], then `ACTIVE` (or `FAILED`
//!   with [`Emulator::fail_file`]), and expire after 48 hours; upload faults come from
//!   [`Emulator::upload_fault`] ([`UploadFault`]) or scripts on `files.upload`;
//! * cached contents: `POST`, `GET`, `PATCH` (ttl or expiry) and `DELETE` on
//!   `/{v}/cachedContents[/{id}]`, with the model's minimum token count and expiry on the
//!   clock; `generateContent` with `cachedContent` uses the cached contents, system instruction
//!   and tools and reports `cachedContentTokenCount`;
//! * media from `generateContent`: image-output models (`gemini-*-image*`) answer a PNG drawn
//!   from the prompt as an `inlineData` part (`responseModalities` with `IMAGE`,
//!   `imageConfig.aspectRatio` / `imageSize`); TTS models (`*-tts*`) answer 24 kHz 16-bit mono
//!   PCM (`audio/L16;codec=pcm;rate=24000`, one tone a syllable, pitched by the prebuilt voice)
//!   for `responseModalities: ["AUDIO"]`, with one voice or two speakers; a modality the model
//!   does not produce is the real `400`;
//! * Imagen, `POST /{v}/models/{imagen}:predict`: PNG or JPEG samples in `predictions[]`
//!   (`bytesBase64Encoded`, `mimeType`), a filtered sample (`raiFilteredReason`) for a prompt
//!   containing `[filtered]`, safety attributes, and the Gemini API's `400`s for Vertex-only
//!   parameters;
//! * Veo, `POST /{v}/models/{veo}:predictLongRunning`: an operation done after
//!   [`EmulatorBuilder::video_generation_time`], whose videos download (through a `302` to
//!   `/download/{v}/files/{id}:download?alt=media`) as small MP4s of uncompressed frames;
//!   image-to-video, last frame, reference images and extension of a generated video;
//! * file search stores: `fileSearchStores` create / get / list / delete (`force`), documents
//!   list / get / delete, `uploadToFileSearchStore` (the resumable protocol) and `importFile`
//!   operations, whitespace chunking by `chunkingConfig`, `customMetadata`; `generateContent`
//!   with the `fileSearch` tool retrieves chunks lexically (BM25, `metadataFilter`, `topK`)
//!   and answers from them with `groundingMetadata` (chunks, supports, indices);
//! * batches: `models/{model}:batchGenerateContent` and `:asyncBatchEmbedContent` with inline
//!   requests or a JSONL input file, each request answered by the model, the batch moving
//!   `PENDING` → `RUNNING` → `SUCCEEDED` on the clock ([`EmulatorBuilder::batch_timing`]),
//!   results inline or in a downloadable results file, cancellable part-way;
//! * `GET /{v}/tunedModels[/{id}]` (paged), serving the tuned models given to
//!   [`EmulatorBuilder::tuned_model`] (none by default);
//! * Interactions (snake_case): `POST /{v}/interactions` in the model form (answered by the
//!   model below, over the whole stored conversation of `previous_interaction_id`; function
//!   calls make it `requires_action` until `function_result` steps answer them; a JSON
//!   `response_format` gives conforming JSON) and the agent form (a deterministic
//!   deep-research agent, [`DEEP_RESEARCH_AGENT`], emitting thought, `google_search_call`,
//!   `google_search_result` and report steps), `GET /{v}/interactions/{id}` (with
//!   `include_input`), `DELETE` and `POST .../{id}/cancel`, with the real validation errors
//!   (unknown fields, the exclusive pairs of the two forms) in the Interactions envelope.
//!   `"store": false` keeps nothing; `"background": true` moves `queued` → `in_progress` →
//!   `completed` on the clock ([`EmulatorBuilder::interaction_timing`],
//!   [`EmulatorBuilder::agent_run_time`]); long answers can end `requires_continuation` with a
//!   `continuation_token` ([`EmulatorBuilder::interaction_continuation_after`]). Streams (`"stream": true`, and
//!   `GET ...?stream=true&last_event_id=...` to resume) give every event an `event_id` and
//!   follow a background run as the clock moves; the script key `interactions.stream`
//!   injects drops and stalls into every stream connection ([`Script`]);
//! * the Live API: a WebSocket on
//!   `/ws/google.ai.generativelanguage.{v}.GenerativeService.BidiGenerateContent` (key in
//!   `x-goog-api-key` or `?key=`) and, on `v1alpha`, `...BidiGenerateContentConstrained` (an
//!   ephemeral token in `Authorization: Token ...` or `?access_token=`). The `setup` is checked
//!   strictly (an unknown field closes with 1007 and the real message); turns come from
//!   `clientContent`, `realtimeInput` (text, 16-bit PCM audio with voice activity detection or
//!   `activityStart`/`activityEnd`, `audioStreamEnd`, video frames) and `toolResponse`, and are
//!   answered in several `serverContent` messages as text or 24 kHz PCM, with transcriptions,
//!   `toolCall`, `toolCallCancellation`, `interrupted` and `usageMetadata`; replies end in
//!   ` (turn N)`, the session's turn count, so a restored conversation shows. With
//!   `sessionResumption`, every turn ends with a `sessionResumptionUpdate` whose handle restores
//!   the conversation on a new connection until it expires by the [`Clock`]
//!   ([`EmulatorBuilder::live_handle_ttl`]). Faults per connection: [`LiveFault`] (`goAway`,
//!   an abrupt drop, a close with 1011 or any code), queued with [`Emulator::live_fault`];
//! * ephemeral tokens: `POST /v1alpha/auth_tokens` with `uses`, `expireTime`,
//!   `newSessionExpireTime`, `bidiGenerateContentSetup` and `fieldMask`, enforced on the
//!   constrained Live endpoint (uses, expiry, new-session expiry, locked fields overriding the
//!   client's setup); a token is refused as an API key;
//! * authentication with `x-goog-api-key` or `?key=` and the real error envelopes;
//! * strict validation: an unknown field gets the real `400 INVALID_ARGUMENT` naming it;
//! * a deterministic model (echo text, stop sequences, token limits, JSON output that validates
//!   against the requested schema, function calls with schema-valid arguments, thinking with
//!   verifiable thought signatures, consistent token counts) and deterministic embeddings;
//! * scripted replies and fault injection ([`Reply`], [`Emulator::script`], [`Emulator::on`])
//!   for any method or any path, and request capture ([`Emulator::requests`],
//!   [`Emulator::count`]).
//!
//! Every other method of the API (`files.create` and `files:register`, tuned-model writes,
//! the legacy text and retriever methods) is in the emulator's route table: requests to it are authenticated, recorded under
//! an RPC name such as `files.get` ([`RecordedRequest::rpc`]) and can be scripted, and without
//! a script they get the real `404 NOT_FOUND` (`Method not found`). A path outside the table gets
//! the same 404 unless a path script (`emu.script("GET /v1beta/newThings/*")`) answers it.
//!
//! ```
//! use std::io::{Read, Write};
//! use gemini_emulator::Emulator;
//!
//! let emu = Emulator::start();
//! let body = r#"{"contents":[{"role":"user","parts":[{"text":"Hello"}]}]}"#;
//! let mut tcp = std::net::TcpStream::connect(emu.addr()).unwrap();
//! write!(
//!     tcp,
//!     "POST /v1beta/models/gemini-2.5-flash:generateContent HTTP/1.1\r\nhost: x\r\n\
//!      x-goog-api-key: any\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
//!      connection: close\r\n\r\n{body}",
//!     body.len()
//! )
//! .unwrap();
//! let mut response = String::new();
//! tcp.read_to_string(&mut response).unwrap();
//! assert!(response.starts_with("HTTP/1.1 200"));
//! assert!(response.contains("You said: Hello"));
//! assert_eq!(emu.count("generateContent"), 1);
//! ```
//!
//! The binary `gemini-emulator --port 8089 [--api-key K] [--host 127.0.0.1] [--tls --cert-out
//! cert.pem]` serves the same thing from the command line.
//!
//! # TLS
//!
//! With [`EmulatorBuilder::tls`] (`--tls`) the one port serves `https://` and `wss://` as well
//! as `http://` and `ws://` (a connection opening with a TLS handshake gets TLS), with a
//! self-signed certificate generated at start for `localhost`, `127.0.0.1` and `::1`
//! ([`Emulator::certificate_pem`]; `--cert-out` writes it). The official Python SDK's Live
//! client, which always uses `wss://` on the REST base URL's host and port, connects with
//! `SSL_CERT_FILE` pointing at it.
//!
//! # Time
//!
//! Resource times (`createTime`, expiry, processing, batch states, operation deadlines) come
//! from a [`Clock`]: the
//! [`SystemClock`] by default, or a [`ManualClock`] a test moves with
//! [`advance`](ManualClock::advance) ([`EmulatorBuilder::clock`]). Time is applied when a
//! resource is next read, so the effect of `advance` is visible on the next request. Response
//! pacing (reply delays, chunk intervals, stalls) is real time and does not use the clock.
//!
//! # Stability
//!
//! The wire behaviour follows the real service and may change with it. The exact wording of
//! generated text, the token counts and the embedding values are deterministic for a given
//! version of this crate, but not part of its semver promise.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
mod body;
mod catalogue;
mod clock;
mod errors;
mod live;
mod lro;
mod model;
mod paging;
mod recorded;
mod resources;
mod respond;
mod routes;
mod script;
mod server;
mod service;
mod sse;
mod state;
mod store;
mod tls;
mod upload;
mod validate;

pub use catalogue::{Catalogue, ModelSpec};
pub use clock::{Clock, ManualClock, SystemClock};
pub use live::LiveFault;
pub use lro::OperationBuilder;
pub use model::schema_check::{SchemaError, validate_json};
pub use model::schema_gen::generate_json;
pub use recorded::RecordedRequest;
pub use resources::interactions::DEEP_RESEARCH_AGENT;
pub use script::{Reply, Script, Scripted};
pub use server::{
    DEFAULT_FILE_STORAGE_LIMIT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_RECORDED, Emulator,
    EmulatorBuilder,
};
pub use upload::UploadFault;
