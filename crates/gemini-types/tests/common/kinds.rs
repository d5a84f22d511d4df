//! Which Rust type each kind of document decodes into. The one place the round-trip suites name
//! our types, so a rename touches only this file.

#![allow(dead_code, unreachable_pub)]

use gemini_types as t;
use gemini_types::interactions as i;
use serde_json::Value;

use super::{Opts, Outcome, round_trip};

/// A kind of JSON document of the Gemini API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    GenerateContentRequest,
    GenerateContentResponse,
    /// An SSE event of `streamGenerateContent`: a response chunk, or `{"error": ...}`.
    StreamEvent,
    CountTokensRequest,
    CountTokensResponse,
    EmbedContentRequest,
    EmbedContentResponse,
    BatchEmbedContentsRequest,
    BatchEmbedContentsResponse,
    Model,
    ListModelsResponse,
    CachedContent,
    ListCachedContentsResponse,
    File,
    CreateFileRequest,
    CreateFileResponse,
    FileSearchStore,
    Operation,
    /// The operation returned by `uploadToFileSearchStore` / `importFile`.
    FileSearchOperation,
    /// An Imagen `predict` response.
    ImagenResponse,
    /// The long-running operation of a batch (`metadata` is a `GenerateContentBatch`).
    BatchOperation,
    /// The long-running operation of Veo `predictLongRunning`.
    VideoOperation,
    ErrorEnvelope,
    PredictRequest,
    PredictResponse,
    BatchCreateRequest,
    /// A line of a batch input file: `{key, request: GenerateContentRequest}`.
    BatchInputLine,
    /// A line of a batch results file: `{key, response | error}`.
    BatchResultLine,
    /// A line of an embeddings batch input file: `{key, request: EmbedContentRequest}`.
    EmbedBatchInputLine,
    /// A line of an embeddings batch results file.
    EmbedBatchResultLine,
    AuthTokenRequest,
    AuthToken,
    LiveClientMessage,
    LiveServerMessage,
    /// `{"dir": "client"|"server", "msg": {...}}`.
    LiveFrame,
    Interaction,
    InteractionEvent,
    CreateInteractionRequest,
    InteractionsErrorEnvelope,
    /// `{}` (the body of a DELETE).
    Empty,
}

impl Kind {
    /// Request documents may use snake_case keys and single objects for lists.
    pub fn is_request(self) -> bool {
        matches!(
            self,
            Self::GenerateContentRequest
                | Self::CountTokensRequest
                | Self::EmbedContentRequest
                | Self::BatchEmbedContentsRequest
                | Self::CreateFileRequest
                | Self::PredictRequest
                | Self::BatchCreateRequest
                | Self::BatchInputLine
                | Self::EmbedBatchInputLine
                | Self::AuthTokenRequest
                | Self::LiveClientMessage
        )
    }

    /// Round-trips one document of this kind; `request` marks a request body (lenient spelling)
    /// even when the kind is also used for responses (a `CachedContent` PATCH body, ...).
    pub fn check(self, text: &str, request: bool) -> Outcome {
        let o = Opts {
            lenient_request: request || self.is_request(),
        };
        match self {
            Self::GenerateContentRequest => round_trip::<t::GenerateContentRequest>(text, o),
            Self::GenerateContentResponse => round_trip::<t::GenerateContentResponse>(text, o),
            Self::StreamEvent => {
                if is_error_event(text) {
                    round_trip::<t::ErrorEnvelope>(text, o)
                } else {
                    round_trip::<t::GenerateContentResponse>(text, o)
                }
            }
            Self::CountTokensRequest => round_trip::<t::CountTokensRequest>(text, o),
            Self::CountTokensResponse => round_trip::<t::CountTokensResponse>(text, o),
            Self::EmbedContentRequest => round_trip::<t::EmbedContentRequest>(text, o),
            Self::EmbedContentResponse => round_trip::<t::EmbedContentResponse>(text, o),
            Self::BatchEmbedContentsRequest => round_trip::<t::BatchEmbedContentsRequest>(text, o),
            Self::BatchEmbedContentsResponse => {
                round_trip::<t::BatchEmbedContentsResponse>(text, o)
            }
            Self::Model => round_trip::<t::Model>(text, o),
            Self::ListModelsResponse => round_trip::<t::ListModelsResponse>(text, o),
            Self::CachedContent => round_trip::<t::CachedContent>(text, o),
            Self::ListCachedContentsResponse => {
                round_trip::<t::ListCachedContentsResponse>(text, o)
            }
            Self::File => round_trip::<t::File>(text, o),
            Self::CreateFileRequest => round_trip::<t::CreateFileRequest>(text, o),
            Self::CreateFileResponse => round_trip::<t::CreateFileResponse>(text, o),
            Self::FileSearchStore => round_trip::<t::FileSearchStore>(text, o),
            Self::Operation => round_trip::<t::Operation>(text, o),
            Self::FileSearchOperation => {
                round_trip::<t::Operation<Value, t::UploadToFileSearchStoreResponse>>(text, o)
            }
            Self::ImagenResponse => round_trip::<t::ImagenResponse>(text, o),
            Self::BatchOperation => round_trip::<t::BatchOperation>(text, o),
            Self::VideoOperation => round_trip::<
                t::Operation<t::PredictLongRunningMetadata, t::PredictLongRunningResponse>,
            >(text, o),
            Self::ErrorEnvelope => round_trip::<t::ErrorEnvelope>(text, o),
            Self::PredictRequest => round_trip::<t::PredictRequest>(text, o),
            Self::PredictResponse => round_trip::<t::PredictResponse>(text, o),
            Self::BatchCreateRequest => round_trip::<t::BatchGenerateContentRequest>(text, o),
            Self::BatchInputLine => round_trip::<t::BatchRequestLine>(text, o),
            Self::BatchResultLine => round_trip::<t::BatchResultLine>(text, o),
            Self::EmbedBatchInputLine => {
                round_trip::<t::BatchRequestLine<t::EmbedContentRequest>>(text, o)
            }
            Self::EmbedBatchResultLine => {
                round_trip::<t::BatchResultLine<t::SingleEmbedContentResponse>>(text, o)
            }
            Self::AuthTokenRequest | Self::AuthToken => round_trip::<t::AuthToken>(text, o),
            Self::LiveClientMessage => {
                round_trip::<t::live::BidiGenerateContentClientMessage>(text, o)
            }
            Self::LiveServerMessage => {
                round_trip::<t::live::BidiGenerateContentServerMessage>(text, o)
            }
            Self::LiveFrame => live_frame(text),
            Self::Interaction => round_trip::<i::Interaction>(text, o),
            Self::InteractionEvent => round_trip::<i::Event>(text, o),
            Self::CreateInteractionRequest => round_trip::<i::CreateInteractionRequest>(text, o),
            Self::InteractionsErrorEnvelope => round_trip::<i::ErrorResponse>(text, o),
            Self::Empty => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(m)) if m.is_empty() => Outcome::Ok,
                Ok(other) => Outcome::DecodeError(format!("expected {{}}, got {other}")),
                Err(e) => Outcome::DecodeError(format!("not JSON: {e}")),
            },
        }
    }
}

/// Whether an SSE payload is an error envelope (`{"error": {...}}`) rather than a chunk.
pub fn is_error_event(text: &str) -> bool {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| {
            v.as_object()
                .map(|o| o.len() == 1 && o.contains_key("error"))
        })
        .unwrap_or(false)
}

fn live_frame(text: &str) -> Outcome {
    let frame: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Outcome::DecodeError(format!("not JSON: {e}")),
    };
    let kind = match frame.get("dir").and_then(Value::as_str) {
        Some("client") => Kind::LiveClientMessage,
        Some("server") => Kind::LiveServerMessage,
        other => {
            return Outcome::DecodeError(format!("frame without dir client|server: {other:?}"));
        }
    };
    let Some(msg) = frame.get("msg") else {
        return Outcome::DecodeError("frame without msg".to_owned());
    };
    match kind.check(&msg.to_string(), false) {
        Outcome::Lost(losses) => Outcome::Lost(
            losses
                .into_iter()
                .map(|mut l| {
                    l.path = l.path.replacen('$', "$.msg", 1);
                    l
                })
                .collect(),
        ),
        Outcome::DecodeError(e) => Outcome::DecodeError(format!("{kind:?}: {e}")),
        Outcome::Ok => Outcome::Ok,
    }
}
