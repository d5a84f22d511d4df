//! Batch mode: the batch resource, inline and file input, states, stats, inlined responses and
//! JSONL lines (../shared/spec/API.md section 12).
//!
//! One generic [`Batch`] serves both batch kinds: [`GenerateContentBatch`]
//! (`models/{m}:batchGenerateContent`) and [`EmbedContentBatch`]
//! (`models/{m}:asyncBatchEmbedContent`). Create, get and list return an
//! [`Operation`] whose `metadata` is the batch; read results from
//! `metadata.output`, as the official SDKs do. Note the doubled nesting on the wire:
//! `inputConfig.requests.requests[]` and `output.inlinedResponses.inlinedResponses[]`.
//!
//! ```
//! use gemini_types::{BatchGenerateContentRequest, BatchOperation, BatchResults, BatchState,
//!     GenerateContentBatch, GenerateContentRequest, InlinedRequest};
//! let create = BatchGenerateContentRequest::new(
//!     GenerateContentBatch::inline([InlinedRequest::new(GenerateContentRequest::default()).with_key("req-1")])
//!         .with_display_name("nightly"),
//! );
//! let v = serde_json::to_value(&create).unwrap();
//! assert_eq!(v["batch"]["inputConfig"]["requests"]["requests"][0]["metadata"]["key"], "req-1");
//!
//! let op: BatchOperation = serde_json::from_str(r#"{"name": "batches/1", "done": true,
//!   "metadata": {"state": "BATCH_STATE_SUCCEEDED", "batchStats": {"requestCount": "1"},
//!                "output": {"responsesFile": "files/batch-1"}}}"#).unwrap();
//! assert_eq!(op.state(), Some(&BatchState::Succeeded));
//! assert!(matches!(op.output(), Some(BatchResults::File("files/batch-1"))));
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{
    EmbedContentRequest, GenerateContentRequest, GenerateContentResponse, Operation, Status,
    Timestamp, WebhookConfig,
};

crate::open_enum! {
    /// The state of a batch (`metadata.state`). The SDKs map these to `JOB_STATE_*` client-side;
    /// the wire carries `BATCH_STATE_*`.
    pub enum BatchState {
        /// Unspecified.
        Unspecified = "BATCH_STATE_UNSPECIFIED",
        /// Waiting to run.
        Pending = "BATCH_STATE_PENDING",
        /// Running.
        Running = "BATCH_STATE_RUNNING",
        /// Finished; read `output`.
        Succeeded = "BATCH_STATE_SUCCEEDED",
        /// Failed.
        Failed = "BATCH_STATE_FAILED",
        /// Cancelled.
        Cancelled = "BATCH_STATE_CANCELLED",
        /// Not finished within 48 hours.
        Expired = "BATCH_STATE_EXPIRED",
    }
}

impl BatchState {
    /// Whether the batch will not change any more (succeeded, failed, cancelled or expired).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed | Self::Cancelled | Self::Expired
        )
    }
}

/// A batch: the `batch` of a create request and the `metadata` of the batch operation.
///
/// `Q` is the per-item request type and `P` the per-item response type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(
    serialize = "Q: Serialize, P: Serialize",
    deserialize = "Q: Deserialize<'de>, P: Deserialize<'de>"
))]
#[non_exhaustive]
pub struct Batch<Q = GenerateContentRequest, P = GenerateContentResponse> {
    /// The `google.protobuf.Any` type URL (present in operation metadata).
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub type_url: Option<String>,
    /// The resource name, `batches/{id}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The model, `models/...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// A human-readable name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "display_name"
    )]
    pub display_name: Option<String>,
    /// The input: inline requests or a JSONL file.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "input_config"
    )]
    pub input_config: Option<BatchInputConfig<Q>>,
    /// The output, once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<BatchOutput<P>>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "create_time"
    )]
    pub create_time: Option<Timestamp>,
    /// When it finished.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "end_time")]
    pub end_time: Option<Timestamp>,
    /// When it last changed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "update_time"
    )]
    pub update_time: Option<Timestamp>,
    /// Request counts.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "batch_stats"
    )]
    pub batch_stats: Option<BatchStats>,
    /// The state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<BatchState>,
    /// Priority (int64); higher runs first.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub priority: Option<i64>,
    /// Where to notify on completion.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "webhook_config"
    )]
    pub webhook_config: Option<WebhookConfig>,
}

/// A `batchGenerateContent` batch.
pub type GenerateContentBatch = Batch<GenerateContentRequest, GenerateContentResponse>;
/// An `asyncBatchEmbedContent` batch.
pub type EmbedContentBatch = Batch<EmbedContentRequest, SingleEmbedContentResponse>;

impl<Q, P> Batch<Q, P> {
    /// A batch of inline requests.
    pub fn inline(requests: impl IntoIterator<Item = InlinedRequest<Q>>) -> Self {
        Self::with_input(BatchInputConfig {
            file_name: None,
            requests: Some(InlinedRequests {
                requests: requests.into_iter().collect(),
            }),
        })
    }

    /// A batch reading a JSONL file uploaded with the Files API (`files/...`).
    pub fn from_file(file_name: impl Into<String>) -> Self {
        Self::with_input(BatchInputConfig {
            file_name: Some(file_name.into()),
            requests: None,
        })
    }

    fn with_input(input: BatchInputConfig<Q>) -> Self {
        Self {
            type_url: None,
            name: None,
            model: None,
            display_name: None,
            input_config: Some(input),
            output: None,
            create_time: None,
            end_time: None,
            update_time: None,
            batch_stats: None,
            state: None,
            priority: None,
            webhook_config: None,
        }
    }

    /// Sets the display name.
    #[must_use]
    pub fn with_display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// Sets the priority.
    #[must_use]
    pub fn with_priority(mut self, priority: i64) -> Self {
        self.priority = Some(priority);
        self
    }

    /// Sets the webhook.
    #[must_use]
    pub fn with_webhook_config(mut self, config: WebhookConfig) -> Self {
        self.webhook_config = Some(config);
        self
    }

    /// The state, when present.
    pub fn state(&self) -> Option<&BatchState> {
        self.state.as_ref()
    }

    /// The results, once the batch produced output.
    pub fn output(&self) -> Option<BatchResults<'_, P>> {
        self.output.as_ref()?.results()
    }
}

/// Where a batch reads its requests: inline requests or a JSONL file (`oneof source`; a message
/// carrying both is kept as received).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(serialize = "Q: Serialize", deserialize = "Q: Deserialize<'de>"))]
#[non_exhaustive]
pub struct BatchInputConfig<Q = GenerateContentRequest> {
    /// A JSONL file, `files/...`.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "file_name")]
    pub file_name: Option<String>,
    /// Inline requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<InlinedRequests<Q>>,
}

/// The inner `requests` wrapper of `inputConfig.requests.requests[]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(serialize = "Q: Serialize", deserialize = "Q: Deserialize<'de>"))]
#[non_exhaustive]
pub struct InlinedRequests<Q = GenerateContentRequest> {
    /// The requests.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<InlinedRequest<Q>>,
}

/// One inline request with its metadata (a flat string map; `key` identifies it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(serialize = "Q: Serialize", deserialize = "Q: Deserialize<'de>"))]
#[non_exhaustive]
pub struct InlinedRequest<Q = GenerateContentRequest> {
    /// The request (`model` may be omitted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Q>,
    /// Metadata echoed in the matching response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
}

impl<Q> InlinedRequest<Q> {
    /// An inline request without metadata.
    pub fn new(request: Q) -> Self {
        Self {
            request: Some(request),
            metadata: None,
        }
    }

    /// Sets `metadata.key`.
    #[must_use]
    pub fn with_key(mut self, key: impl Into<String>) -> Self {
        self.metadata
            .get_or_insert_with(Map::new)
            .insert("key".into(), Value::String(key.into()));
        self
    }
}

/// The output of a batch: inline responses or a JSONL results file (`oneof output`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(serialize = "P: Serialize", deserialize = "P: Deserialize<'de>"))]
#[non_exhaustive]
pub struct BatchOutput<P = GenerateContentResponse> {
    /// The `google.protobuf.Any` type URL (when this is an operation's `response`).
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub type_url: Option<String>,
    /// The results file, `files/...` (download with `:download?alt=media`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responses_file: Option<String>,
    /// Inline responses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inlined_responses: Option<InlinedResponses<P>>,
    /// Inline responses under the embedding-specific name some servers use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inlined_embed_content_responses: Option<InlinedResponses<P>>,
}

/// The results of a finished batch.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum BatchResults<'a, P> {
    /// Inline responses, one per request (match them by `metadata.key`).
    Inline(&'a [InlinedResponse<P>]),
    /// A JSONL results file, `files/...`, whose lines are [`BatchResultLine`]s.
    File(&'a str),
}

/// A `batchGenerateContent` operation's `response` (same shape as its `metadata.output`).
pub type GenerateContentBatchOutput = BatchOutput<GenerateContentResponse>;
/// An `asyncBatchEmbedContent` operation's `response`.
pub type EmbedContentBatchOutput = BatchOutput<SingleEmbedContentResponse>;

impl<P> BatchOutput<P> {
    /// The results: inline responses if present, else the results file.
    pub fn results(&self) -> Option<BatchResults<'_, P>> {
        if let Some(inline) = self
            .inlined_responses
            .as_ref()
            .or(self.inlined_embed_content_responses.as_ref())
        {
            return Some(BatchResults::Inline(&inline.inlined_responses));
        }
        self.responses_file.as_deref().map(BatchResults::File)
    }
}

/// The inner wrapper of `output.inlinedResponses.inlinedResponses[]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(serialize = "P: Serialize", deserialize = "P: Deserialize<'de>"))]
#[non_exhaustive]
pub struct InlinedResponses<P = GenerateContentResponse> {
    /// The responses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inlined_responses: Vec<InlinedResponse<P>>,
}

/// One inline result: a response or an error, with the request's metadata.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(serialize = "P: Serialize", deserialize = "P: Deserialize<'de>"))]
#[non_exhaustive]
pub struct InlinedResponse<P = GenerateContentResponse> {
    /// The response, on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<P>,
    /// The error, on failure (`code` is a gRPC code number here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Status>,
    /// The request's metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Map<String, Value>>,
}

impl<P> InlinedResponse<P> {
    /// `metadata.key`, when it is a string.
    pub fn key(&self) -> Option<&str> {
        self.metadata.as_ref()?.get("key")?.as_str()
    }

    /// The outcome: the response or the error (`None` when neither is present).
    pub fn result(&self) -> Option<Result<&P, &Status>> {
        match (&self.error, &self.response) {
            (Some(e), _) => Some(Err(e)),
            (None, Some(r)) => Some(Ok(r)),
            (None, None) => None,
        }
    }
}

/// Request counts of a batch (int64 strings on the wire).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchStats {
    /// All requests.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub request_count: Option<i64>,
    /// Requests that succeeded.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub successful_request_count: Option<i64>,
    /// Requests that failed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub failed_request_count: Option<i64>,
    /// Requests not yet processed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub pending_request_count: Option<i64>,
}

/// The body of `POST /{v}/models/{model}:batchGenerateContent`: `{"batch": {...}}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchGenerateContentRequest {
    /// The batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<GenerateContentBatch>,
}

impl BatchGenerateContentRequest {
    /// Wraps a batch.
    pub fn new(batch: GenerateContentBatch) -> Self {
        Self { batch: Some(batch) }
    }
}

/// The body of `POST /{v}/models/{model}:asyncBatchEmbedContent`: `{"batch": {...}}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AsyncBatchEmbedContentRequest {
    /// The batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<EmbedContentBatch>,
}

impl AsyncBatchEmbedContentRequest {
    /// Wraps a batch.
    pub fn new(batch: EmbedContentBatch) -> Self {
        Self { batch: Some(batch) }
    }
}

/// The result of one embedding request in a batch: `{"embedding": {...}, "tokenCount": "1"}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SingleEmbedContentResponse {
    /// The embedding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedding: Option<crate::ContentEmbedding>,
    /// Tokens of the input (int64, a string on the wire).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub token_count: Option<i64>,
    /// Usage (newer servers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_metadata: Option<crate::EmbeddingUsageMetadata>,
}

/// One line of a batch's JSONL input file: `{"key": "...", "request": {...}}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(serialize = "Q: Serialize", deserialize = "Q: Deserialize<'de>"))]
#[non_exhaustive]
pub struct BatchRequestLine<Q = GenerateContentRequest> {
    /// The key that identifies the result line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Q>,
}

impl<Q> BatchRequestLine<Q> {
    /// A line with a key and a request.
    pub fn new(key: impl Into<String>, request: Q) -> Self {
        Self {
            key: Some(key.into()),
            request: Some(request),
        }
    }
}

/// One line of a batch's JSONL results file: `{"key", "response"}` or `{"key", "error"}`.
/// Order is not guaranteed; match lines by `key`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(serialize = "P: Serialize", deserialize = "P: Deserialize<'de>"))]
#[non_exhaustive]
pub struct BatchResultLine<P = GenerateContentResponse> {
    /// The request's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The response, on success.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<P>,
    /// The error, on failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Status>,
}

impl<P> BatchResultLine<P> {
    /// The outcome: the response or the error (`None` when neither is present).
    pub fn result(&self) -> Option<Result<&P, &Status>> {
        match (&self.error, &self.response) {
            (Some(e), _) => Some(Err(e)),
            (None, Some(r)) => Some(Ok(r)),
            (None, None) => None,
        }
    }
}

/// The operation returned by batchGenerateContent and `GET /{v}/batches/{id}`.
pub type BatchOperation = Operation<GenerateContentBatch, GenerateContentBatchOutput>;
/// The operation returned by asyncBatchEmbedContent.
pub type EmbedBatchOperation = Operation<EmbedContentBatch, EmbedContentBatchOutput>;

impl<Q, P, R> Operation<Batch<Q, P>, R> {
    /// The batch (the operation's `metadata`).
    pub fn batch(&self) -> Option<&Batch<Q, P>> {
        self.metadata.as_ref()
    }

    /// The batch state (`metadata.state`).
    pub fn state(&self) -> Option<&BatchState> {
        self.batch()?.state()
    }

    /// The batch results (`metadata.output`), once available.
    pub fn output(&self) -> Option<BatchResults<'_, P>> {
        self.batch()?.output()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::testutil::{documents, real_files, round_trip, shared_spec};
    use serde_json::json;

    #[test]
    fn examples_round_trip() {
        if shared_spec("batches::examples_round_trip").is_none() {
            return;
        }
        for f in ["batch_create_request_inline", "batch_create_request_file"] {
            for doc in documents(&format!("examples/{f}.json")) {
                let r: BatchGenerateContentRequest = round_trip(f, &doc);
                assert!(r.batch.unwrap().input_config.is_some());
            }
        }
        for doc in documents("examples/batch_operation_running.json") {
            let op: BatchOperation = round_trip("running", &doc);
            assert_eq!(op.state(), Some(&BatchState::Running));
            assert!(!op.state().unwrap().is_terminal());
            let stats = op.batch().unwrap().batch_stats.clone().unwrap();
            assert_eq!(stats.pending_request_count, Some(2));
            assert!(op.output().is_none());
        }
        for doc in documents("examples/batch_operation_succeeded_inline.json") {
            let op: BatchOperation = round_trip("inline", &doc);
            let Some(BatchResults::Inline(items)) = op.output() else {
                panic!("expected inline results")
            };
            assert_eq!(items.len(), 2);
            assert_eq!(items[0].key(), Some("doc-001"));
            assert!(matches!(items[0].result(), Some(Ok(_))));
            assert!(matches!(items[1].result(), Some(Err(_))));
            assert!(op.response.unwrap().type_url.is_some());
        }
        for doc in documents("examples/batch_operation_succeeded_file.json") {
            let op: BatchOperation = round_trip("file", &doc);
            assert_eq!(
                op.output(),
                Some(BatchResults::File("files/batch-q8v2n4batchfile"))
            );
        }
        for doc in documents("examples/batch_input.jsonl") {
            let _: BatchRequestLine = round_trip("input line", &doc);
        }
        for doc in documents("examples/batch_results.jsonl") {
            let l: BatchResultLine = round_trip("result line", &doc);
            assert!(l.result().is_some());
        }
    }

    #[test]
    fn real_batch_lines() {
        if shared_spec("batches::real_batch_lines").is_none() {
            return;
        }
        for file in real_files("batches") {
            for doc in documents(&file) {
                let embedding = file.contains("cell40") || file.contains("cell48");
                match (file.starts_with("real/requests/"), embedding) {
                    (true, false) => {
                        let _: BatchRequestLine = round_trip(&file, &doc);
                    }
                    (true, true) => {
                        let l: BatchRequestLine<EmbedContentRequest> =
                            serde_json::from_value(doc).unwrap();
                        assert!(l.request.is_some());
                    }
                    (false, false) => {
                        let _: BatchResultLine = round_trip(&file, &doc);
                    }
                    (false, true) => {
                        let l: BatchResultLine<SingleEmbedContentResponse> =
                            round_trip(&file, &doc);
                        assert_eq!(l.response.unwrap().token_count, Some(1));
                    }
                }
            }
        }
    }

    #[test]
    fn embedding_batch_and_builders() {
        let op: EmbedBatchOperation = serde_json::from_value(json!({
            "name": "batches/e", "done": true,
            "metadata": {"state": "BATCH_STATE_SUCCEEDED", "priority": "5",
              "output": {"inlinedEmbedContentResponses": {"inlinedResponses": [
                {"response": {"embedding": {"values": [0.5]}, "tokenCount": "3"}, "metadata": {"key": "a"}}
              ]}}}
        }))
        .unwrap();
        assert_eq!(op.batch().unwrap().priority, Some(5));
        let Some(BatchResults::Inline(items)) = op.output() else {
            panic!("expected inline results")
        };
        assert_eq!(items[0].response.as_ref().unwrap().token_count, Some(3));
        let back = serde_json::to_value(&op).unwrap();
        assert_eq!(back["metadata"]["priority"], "5");

        let create = AsyncBatchEmbedContentRequest::new(
            EmbedContentBatch::from_file("files/in").with_priority(1),
        );
        assert_eq!(
            serde_json::to_value(&create).unwrap(),
            json!({"batch": {"inputConfig": {"fileName": "files/in"}, "priority": "1"}})
        );
        let snake: BatchGenerateContentRequest = serde_json::from_value(json!({
            "batch": {"display_name": "d", "input_config": {"file_name": "files/x"},
                      "webhook_config": {"uris": ["https://h"], "user_metadata": {"a": 1}}}
        }))
        .unwrap();
        let b = snake.batch.unwrap();
        assert_eq!(b.display_name.as_deref(), Some("d"));
        assert_eq!(b.webhook_config.unwrap().uris, vec!["https://h".to_owned()]);
        assert_eq!(
            serde_json::to_value(BatchRequestLine::new("k", json!({"contents": []}))).unwrap(),
            json!({"key": "k", "request": {"contents": []}})
        );
    }
}
