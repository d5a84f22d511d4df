//! countTokens request and response (../shared/spec/API.md §7).

use serde::{Deserialize, Serialize};

use crate::config::GenerationConfig;
use crate::content::Content;
use crate::generate::GenerateContentRequest;
use crate::tools::Tool;
use crate::usage::ModalityTokenCount;
use crate::wire;

/// The body of `models/{model}:countTokens`: either `contents`, or a whole
/// `generateContentRequest` (with `model` set) to count system instruction and tools too.
///
/// ```
/// use gemini_types::{CountTokensRequest, GenerateContentRequest};
/// let simple = CountTokensRequest::new(["How many tokens?".into()]);
/// assert_eq!(serde_json::to_string(&simple).unwrap(),
///     r#"{"contents":[{"role":"user","parts":[{"text":"How many tokens?"}]}]}"#);
/// let full = CountTokensRequest::for_request(
///     "models/gemini-2.5-flash",
///     GenerateContentRequest::from("hi").with_system_instruction("be brief"),
/// );
/// let json = serde_json::to_value(&full).unwrap();
/// assert_eq!(json["generateContentRequest"]["model"], "models/gemini-2.5-flash");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CountTokensRequest {
    /// `model` (the URL names it; rarely sent in the body).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// `contents`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize"
    )]
    pub contents: Vec<Content>,
    /// `generateContentRequest`: exclusive with `contents`; its `model` is required.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "generate_content_request"
    )]
    pub generate_content_request: Option<GenerateContentRequest>,
    /// `systemInstruction` (Vertex AI only; use `generateContentRequest` on the Gemini API).
    #[serde(skip_serializing_if = "Option::is_none", alias = "system_instruction")]
    pub system_instruction: Option<Content>,
    /// `tools` (Vertex AI only; use `generateContentRequest` on the Gemini API).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize"
    )]
    pub tools: Vec<Tool>,
    /// `generationConfig` (Vertex AI only; use `generateContentRequest` on the Gemini API).
    #[serde(skip_serializing_if = "Option::is_none", alias = "generation_config")]
    pub generation_config: Option<GenerationConfig>,
}

impl CountTokensRequest {
    /// Counts these contents.
    pub fn new(contents: impl IntoIterator<Item = Content>) -> Self {
        Self {
            contents: contents.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Counts a whole generateContent request; `model` is its full name (`models/...`).
    pub fn for_request(model: impl Into<String>, mut request: GenerateContentRequest) -> Self {
        request.model = Some(model.into());
        Self {
            generate_content_request: Some(request),
            ..Self::default()
        }
    }
}

impl From<&str> for CountTokensRequest {
    fn from(text: &str) -> Self {
        Self::new([Content::user(text)])
    }
}

/// The response of countTokens.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CountTokensResponse {
    /// `totalTokens`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "total_tokens")]
    pub total_tokens: Option<i32>,
    /// `cachedContentTokenCount`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "cached_content_token_count"
    )]
    pub cached_content_token_count: Option<i32>,
    /// `promptTokensDetails`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "prompt_tokens_details"
    )]
    pub prompt_tokens_details: Vec<ModalityTokenCount>,
    /// `cacheTokensDetails`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "cache_tokens_details"
    )]
    pub cache_tokens_details: Vec<ModalityTokenCount>,
    /// `totalBillableCharacters` (Vertex AI).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "total_billable_characters"
    )]
    pub total_billable_characters: Option<i32>,
}

impl CountTokensResponse {
    /// `totalTokens`, 0 when absent.
    pub fn total(&self) -> i32 {
        self.total_tokens.unwrap_or(0)
    }
}
