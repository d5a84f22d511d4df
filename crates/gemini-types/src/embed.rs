//! embedContent and batchEmbedContents requests and responses (../shared/spec/API.md §8).

use serde::{Deserialize, Serialize};

use crate::content::Content;
use crate::usage::ModalityTokenCount;
use crate::wire;

crate::open_enum! {
    /// What an embedding will be used for (`taskType`).
    pub enum TaskType {
        /// Unspecified.
        Unspecified = "TASK_TYPE_UNSPECIFIED",
        /// A search query.
        RetrievalQuery = "RETRIEVAL_QUERY",
        /// A document in a search corpus.
        RetrievalDocument = "RETRIEVAL_DOCUMENT",
        /// Semantic text similarity.
        SemanticSimilarity = "SEMANTIC_SIMILARITY",
        /// Classification.
        Classification = "CLASSIFICATION",
        /// Clustering.
        Clustering = "CLUSTERING",
        /// Question answering.
        QuestionAnswering = "QUESTION_ANSWERING",
        /// Fact verification.
        FactVerification = "FACT_VERIFICATION",
        /// A code search query.
        CodeRetrievalQuery = "CODE_RETRIEVAL_QUERY",
    }
}

/// The body of `models/{model}:embedContent`, and each item of batchEmbedContents.
///
/// ```
/// use gemini_types::{EmbedContentRequest, TaskType};
/// let r = EmbedContentRequest::new("hello")
///     .with_task_type(TaskType::RetrievalQuery)
///     .with_output_dimensionality(768);
/// assert_eq!(serde_json::to_string(&r).unwrap(),
///     r#"{"content":{"parts":[{"text":"hello"}]},"taskType":"RETRIEVAL_QUERY","outputDimensionality":768}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EmbedContentRequest {
    /// `model`: required in every batchEmbedContents item (full name, equal to the URL's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// `content` to embed (role ignored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
    /// `taskType`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "task_type")]
    pub task_type: Option<TaskType>,
    /// `title` (only with RETRIEVAL_DOCUMENT).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `outputDimensionality`: truncate the embedding (newer models).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "output_dimensionality",
        serialize_with = "wire::int32::serialize",
        deserialize_with = "wire::int32::deserialize"
    )]
    pub output_dimensionality: Option<i32>,
    /// `mimeType` (Vertex AI only).
    #[serde(skip_serializing_if = "Option::is_none", alias = "mime_type")]
    pub mime_type: Option<String>,
    /// `autoTruncate` (Vertex AI only).
    #[serde(skip_serializing_if = "Option::is_none", alias = "auto_truncate")]
    pub auto_truncate: Option<bool>,
}

/// Embeds one text: `client.models().embed_content(model, "text")`.
///
/// ```
/// let r = gemini_types::EmbedContentRequest::from("hello");
/// assert_eq!(serde_json::to_value(&r).unwrap(), serde_json::json!({"content": {"parts": [{"text": "hello"}]}}));
/// ```
impl From<&str> for EmbedContentRequest {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for EmbedContentRequest {
    fn from(text: String) -> Self {
        Self::new(text)
    }
}

impl From<Content> for EmbedContentRequest {
    fn from(content: Content) -> Self {
        Self::new(content)
    }
}

impl EmbedContentRequest {
    /// Embeds this content (a `&str` becomes a text part; the role is dropped).
    pub fn new(content: impl Into<Content>) -> Self {
        let mut content = content.into();
        content.role = None;
        Self {
            content: Some(content),
            ..Self::default()
        }
    }

    /// Sets `model` (required inside batchEmbedContents).
    #[must_use]
    pub fn with_model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Sets `taskType`.
    #[must_use]
    pub fn with_task_type(mut self, task_type: TaskType) -> Self {
        self.task_type = Some(task_type);
        self
    }

    /// Sets `title`.
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets `outputDimensionality`.
    #[must_use]
    pub fn with_output_dimensionality(mut self, dims: i32) -> Self {
        self.output_dimensionality = Some(dims);
        self
    }
}

/// An embedding vector (`ContentEmbedding`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ContentEmbedding {
    /// `values`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<f64>,
    /// `statistics` (Vertex AI: `{tokenCount, truncated}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistics: Option<serde_json::Value>,
}

/// The response of embedContent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EmbedContentResponse {
    /// `embedding`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embedding: Option<ContentEmbedding>,
    /// `usageMetadata` (newer).
    #[serde(skip_serializing_if = "Option::is_none", alias = "usage_metadata")]
    pub usage_metadata: Option<EmbeddingUsageMetadata>,
}

/// The body of `models/{model}:batchEmbedContents`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchEmbedContentsRequest {
    /// `model` (the URL names it; rarely sent in the body).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// `requests`: each with `model` set.
    #[serde(default, deserialize_with = "wire::one_or_many::deserialize")]
    pub requests: Vec<EmbedContentRequest>,
}

impl BatchEmbedContentsRequest {
    /// A batch for `model` (full name); sets `model` on every item, as the API requires.
    pub fn new(
        model: impl Into<String>,
        requests: impl IntoIterator<Item = EmbedContentRequest>,
    ) -> Self {
        let model = model.into();
        Self {
            model: None,
            requests: requests
                .into_iter()
                .map(|mut r| {
                    r.model = Some(model.clone());
                    r
                })
                .collect(),
        }
    }
}

/// The response of batchEmbedContents (embeddings in request order).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BatchEmbedContentsResponse {
    /// `embeddings`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub embeddings: Vec<ContentEmbedding>,
    /// `usageMetadata` (note `promptTokenDetails`, singular "Token", on this surface).
    #[serde(skip_serializing_if = "Option::is_none", alias = "usage_metadata")]
    pub usage_metadata: Option<EmbeddingUsageMetadata>,
}

/// Token usage of an embedding call. The wire spells the details `promptTokenDetails`
/// (singular "Token"), unlike generateContent's `promptTokensDetails`; both are accepted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EmbeddingUsageMetadata {
    /// `promptTokenCount`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "prompt_token_count")]
    pub prompt_token_count: Option<i32>,
    /// `totalTokenCount`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "total_token_count")]
    pub total_token_count: Option<i32>,
    /// `promptTokenDetails` (as the embedding surface spells it).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "prompt_token_details"
    )]
    pub prompt_token_details: Vec<ModalityTokenCount>,
    /// `promptTokensDetails` (the generateContent spelling, should it appear here).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "prompt_tokens_details"
    )]
    pub prompt_tokens_details: Vec<ModalityTokenCount>,
}
