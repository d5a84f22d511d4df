//! generateContent / streamGenerateContent requests and responses: GenerateContentRequest,
//! GenerateContentResponse, Candidate, FinishReason, PromptFeedback, LogprobsResult, and the
//! response helpers (`text()`, `function_calls()`, `parsed::<T>()`, ...)
//! (../shared/spec/API.md §4-5).

use std::collections::BTreeMap;
use std::fmt;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::config::GenerationConfig;
use crate::content::{Blob, Content, FunctionCall, Part, PartData};
use crate::grounding::{
    CitationMetadata, GroundingAttribution, GroundingMetadata, UrlContextMetadata,
};
use crate::models::ModelStage;
use crate::safety::{SafetyRating, SafetySetting};
use crate::tools::{Tool, ToolConfig};
use crate::usage::{ServiceTier, UsageMetadata};
use crate::wire;

/// The body of `models/{model}:generateContent` and `:streamGenerateContent`.
///
/// ```
/// use gemini_types::{Content, GenerateContentRequest, GenerationConfig, Tool};
/// let req = GenerateContentRequest::new([Content::user("What's the weather in Paris?")])
///     .with_system_instruction("You are a concise assistant.")
///     .with_tools([Tool::google_search()])
///     .with_generation_config(GenerationConfig::new().with_temperature(0.4));
/// let json = serde_json::to_value(&req).unwrap();
/// assert_eq!(json["systemInstruction"]["parts"][0]["text"], "You are a concise assistant.");
/// assert_eq!(json["generationConfig"]["temperature"], 0.4);
///
/// // A plain prompt is a single user turn.
/// let req: GenerateContentRequest = "Hello".into();
/// assert_eq!(serde_json::to_string(&req).unwrap(),
///     r#"{"contents":[{"role":"user","parts":[{"text":"Hello"}]}]}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GenerateContentRequest {
    /// `model`: only inside `countTokens.generateContentRequest` and batch requests (the URL
    /// names the model otherwise). Full name, `models/...`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// `contents`: the conversation so far.
    #[serde(default, deserialize_with = "wire::one_or_many::deserialize")]
    pub contents: Vec<Content>,
    /// `systemInstruction`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "system_instruction")]
    pub system_instruction: Option<Content>,
    /// `tools`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize"
    )]
    pub tools: Vec<Tool>,
    /// `toolConfig`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "tool_config")]
    pub tool_config: Option<ToolConfig>,
    /// `safetySettings`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "safety_settings"
    )]
    pub safety_settings: Vec<SafetySetting>,
    /// `generationConfig`.
    ///
    /// Boxed: the config is large (about 1.3 KB) and usually absent or set once, and the
    /// request is moved through every layer of a call.
    #[serde(skip_serializing_if = "Option::is_none", alias = "generation_config")]
    pub generation_config: Option<Box<GenerationConfig>>,
    /// `cachedContent`: `cachedContents/{id}` (then do not send systemInstruction/tools/toolConfig).
    #[serde(skip_serializing_if = "Option::is_none", alias = "cached_content")]
    pub cached_content: Option<String>,
    /// `serviceTier` (lowercase values).
    #[serde(skip_serializing_if = "Option::is_none", alias = "service_tier")]
    pub service_tier: Option<ServiceTier>,
    /// `store` (Gemini API only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<bool>,
    /// `continuationToken`: resume after finish reason CONTINUATION.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::base64_bytes::serialize",
        deserialize_with = "wire::base64_bytes::deserialize",
        alias = "continuation_token"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub continuation_token: Option<Bytes>,
    /// `labels`: billing labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// `modelArmorConfig` (Vertex AI only).
    #[serde(skip_serializing_if = "Option::is_none", alias = "model_armor_config")]
    pub model_armor_config: Option<ModelArmorConfig>,
}

impl GenerateContentRequest {
    /// A request with the given conversation.
    pub fn new(contents: impl IntoIterator<Item = Content>) -> Self {
        Self {
            contents: contents.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Appends a turn.
    #[must_use]
    pub fn with_content(mut self, content: impl Into<Content>) -> Self {
        self.contents.push(content.into());
        self
    }

    /// Sets `systemInstruction` (sent without a role).
    #[must_use]
    pub fn with_system_instruction(mut self, instruction: impl Into<Content>) -> Self {
        let mut c = instruction.into();
        c.role = None;
        self.system_instruction = Some(c);
        self
    }

    /// Sets `tools`.
    #[must_use]
    pub fn with_tools(mut self, tools: impl IntoIterator<Item = Tool>) -> Self {
        self.tools = tools.into_iter().collect();
        self
    }

    /// Appends a tool.
    #[must_use]
    pub fn with_tool(mut self, tool: impl Into<Tool>) -> Self {
        self.tools.push(tool.into());
        self
    }

    /// Sets `toolConfig`.
    #[must_use]
    pub fn with_tool_config(mut self, config: ToolConfig) -> Self {
        self.tool_config = Some(config);
        self
    }

    /// Sets `safetySettings`.
    #[must_use]
    pub fn with_safety_settings(
        mut self,
        settings: impl IntoIterator<Item = SafetySetting>,
    ) -> Self {
        self.safety_settings = settings.into_iter().collect();
        self
    }

    /// Sets `generationConfig`.
    #[must_use]
    pub fn with_generation_config(mut self, config: GenerationConfig) -> Self {
        self.generation_config = Some(Box::new(config));
        self
    }

    /// Sets `cachedContent` (`cachedContents/{id}`).
    #[must_use]
    pub fn with_cached_content(mut self, name: impl Into<String>) -> Self {
        self.cached_content = Some(name.into());
        self
    }

    /// Sets `serviceTier`.
    #[must_use]
    pub fn with_service_tier(mut self, tier: ServiceTier) -> Self {
        self.service_tier = Some(tier);
        self
    }

    /// Sets `continuationToken` (from [`Candidate::continuation_token`]).
    #[must_use]
    pub fn with_continuation_token(mut self, token: impl Into<Bytes>) -> Self {
        self.continuation_token = Some(token.into());
        self
    }

    /// Sets `model` (only for countTokens' `generateContentRequest` and batch requests).
    #[must_use]
    pub fn with_model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Adds a billing label.
    #[must_use]
    pub fn with_label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// The generation config, created empty if unset (for in-place edits).
    pub fn generation_config_mut(&mut self) -> &mut GenerationConfig {
        self.generation_config.get_or_insert_with(Box::default)
    }
}

impl From<&str> for GenerateContentRequest {
    /// A single user turn.
    fn from(prompt: &str) -> Self {
        Self::new([Content::user(prompt)])
    }
}

impl From<String> for GenerateContentRequest {
    /// A single user turn.
    fn from(prompt: String) -> Self {
        Self::new([Content::user(prompt)])
    }
}

impl From<Content> for GenerateContentRequest {
    fn from(content: Content) -> Self {
        Self::new([content])
    }
}

impl From<Vec<Content>> for GenerateContentRequest {
    fn from(contents: Vec<Content>) -> Self {
        Self::new(contents)
    }
}

impl From<Part> for GenerateContentRequest {
    /// A single user turn with this part.
    fn from(part: Part) -> Self {
        Self::new([Content::user(part)])
    }
}

impl From<Vec<Part>> for GenerateContentRequest {
    /// A single user turn with these parts.
    fn from(parts: Vec<Part>) -> Self {
        Self::new([Content::from(parts)])
    }
}

/// Model Armor templates (`modelArmorConfig`, Vertex AI only).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ModelArmorConfig {
    /// `promptTemplateName`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "prompt_template_name"
    )]
    pub prompt_template_name: Option<String>,
    /// `responseTemplateName`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "response_template_name"
    )]
    pub response_template_name: Option<String>,
}

crate::open_enum! {
    /// Why a candidate stopped.
    pub enum FinishReason {
        /// Unspecified.
        Unspecified = "FINISH_REASON_UNSPECIFIED",
        /// Natural stop or a stop sequence.
        Stop = "STOP",
        /// `maxOutputTokens` reached (thinking tokens count too).
        MaxTokens = "MAX_TOKENS",
        /// Blocked for safety.
        Safety = "SAFETY",
        /// Blocked for recitation.
        Recitation = "RECITATION",
        /// Unsupported language.
        Language = "LANGUAGE",
        /// Other reason.
        Other = "OTHER",
        /// Blocked by the terminology blocklist.
        Blocklist = "BLOCKLIST",
        /// Prohibited content.
        ProhibitedContent = "PROHIBITED_CONTENT",
        /// Sensitive personally identifiable information.
        Spii = "SPII",
        /// The model produced an invalid function call (see `finishMessage`).
        MalformedFunctionCall = "MALFORMED_FUNCTION_CALL",
        /// Generated image blocked for safety.
        ImageSafety = "IMAGE_SAFETY",
        /// Generated image had prohibited content.
        ImageProhibitedContent = "IMAGE_PROHIBITED_CONTENT",
        /// Image generation stopped for another reason.
        ImageOther = "IMAGE_OTHER",
        /// An image was expected but none was generated.
        NoImage = "NO_IMAGE",
        /// Image blocked for recitation.
        ImageRecitation = "IMAGE_RECITATION",
        /// A tool call to a tool that was not declared.
        UnexpectedToolCall = "UNEXPECTED_TOOL_CALL",
        /// Too many tool calls in one turn.
        TooManyToolCalls = "TOO_MANY_TOOL_CALLS",
        /// A thought signature was missing from the history.
        MissingThoughtSignature = "MISSING_THOUGHT_SIGNATURE",
        /// The response was malformed.
        MalformedResponse = "MALFORMED_RESPONSE",
        /// Escalation.
        Escalation = "ESCALATION",
        /// PUP limited / disabled.
        PupLimitedDisabled = "PUP_LIMITED_DISABLED",
        /// Generation paused; resume with the candidate's `continuationToken`.
        Continuation = "CONTINUATION",
        /// Blocked by Model Armor (Vertex AI).
        ModelArmor = "MODEL_ARMOR",
    }
}

impl FinishReason {
    /// Whether the candidate ended normally (STOP) or paused for continuation.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Stop | Self::Continuation)
    }

    /// Whether the candidate was blocked by a content filter.
    pub fn is_blocked(&self) -> bool {
        matches!(
            self,
            Self::Safety
                | Self::Recitation
                | Self::Blocklist
                | Self::ProhibitedContent
                | Self::Spii
                | Self::ImageSafety
                | Self::ImageProhibitedContent
                | Self::ImageRecitation
                | Self::ModelArmor
        )
    }
}

crate::open_enum! {
    /// Why a prompt was blocked (`promptFeedback.blockReason`).
    pub enum BlockReason {
        /// Unspecified.
        Unspecified = "BLOCK_REASON_UNSPECIFIED",
        /// Safety.
        Safety = "SAFETY",
        /// Other.
        Other = "OTHER",
        /// Terminology blocklist.
        Blocklist = "BLOCKLIST",
        /// Prohibited content.
        ProhibitedContent = "PROHIBITED_CONTENT",
        /// Unsafe image in the prompt.
        ImageSafety = "IMAGE_SAFETY",
        /// Model Armor (Vertex AI).
        ModelArmor = "MODEL_ARMOR",
        /// Jailbreak attempt.
        Jailbreak = "JAILBREAK",
    }
}

/// The status of the model that answered (`modelStatus`, newer).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ModelStatus {
    /// `modelStage`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "model_stage")]
    pub model_stage: Option<ModelStage>,
    /// `retirementTime`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "retirement_time")]
    pub retirement_time: Option<Timestamp>,
    /// `message`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Feedback about the prompt (`promptFeedback`); `blockReason` set means no candidates.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PromptFeedback {
    /// `blockReason`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "block_reason")]
    pub block_reason: Option<BlockReason>,
    /// `blockReasonMessage`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "block_reason_message"
    )]
    pub block_reason_message: Option<String>,
    /// `safetyRatings` of the prompt.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "safety_ratings"
    )]
    pub safety_ratings: Vec<SafetyRating>,
}

/// One token and its log probability (`LogprobsResult.Candidate`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogprobsCandidate {
    /// `token`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// `tokenId`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "token_id")]
    pub token_id: Option<i32>,
    /// `logProbability`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "log_probability")]
    pub log_probability: Option<f64>,
}

/// The top alternatives at one decoding step (`LogprobsResult.TopCandidates`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TopCandidates {
    /// `candidates`, by descending log probability.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<LogprobsCandidate>,
}

/// Token log probabilities (`logprobsResult`, with `responseLogprobs`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LogprobsResult {
    /// `logProbabilitySum`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "log_probability_sum")]
    pub log_probability_sum: Option<f64>,
    /// `topCandidates`: one entry per decoding step.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "top_candidates"
    )]
    pub top_candidates: Vec<TopCandidates>,
    /// `chosenCandidates`: the chosen token per decoding step.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "chosen_candidates"
    )]
    pub chosen_candidates: Vec<LogprobsCandidate>,
}

/// One generated answer (`candidates[]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Candidate {
    /// `content` (role `model`); may be absent, e.g. when blocked or out of tokens while thinking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
    /// `finishReason`: set on the last chunk of a candidate.
    #[serde(skip_serializing_if = "Option::is_none", alias = "finish_reason")]
    pub finish_reason: Option<FinishReason>,
    /// `finishMessage`: details, e.g. with MALFORMED_FUNCTION_CALL.
    #[serde(skip_serializing_if = "Option::is_none", alias = "finish_message")]
    pub finish_message: Option<String>,
    /// `index` of the candidate (absent means 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<i32>,
    /// `safetyRatings`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "safety_ratings"
    )]
    pub safety_ratings: Vec<SafetyRating>,
    /// `citationMetadata`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "citation_metadata")]
    pub citation_metadata: Option<CitationMetadata>,
    /// `tokenCount`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "token_count")]
    pub token_count: Option<i32>,
    /// `groundingAttributions` (AQA only).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "grounding_attributions"
    )]
    pub grounding_attributions: Vec<GroundingAttribution>,
    /// `groundingMetadata`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "grounding_metadata")]
    pub grounding_metadata: Option<GroundingMetadata>,
    /// `avgLogprobs`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "avg_logprobs")]
    pub avg_logprobs: Option<f64>,
    /// `logprobsResult`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "logprobs_result")]
    pub logprobs_result: Option<LogprobsResult>,
    /// `urlContextMetadata`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "url_context_metadata"
    )]
    pub url_context_metadata: Option<UrlContextMetadata>,
    /// `continuationToken`: present with finish reason CONTINUATION; send it back in
    /// [`GenerateContentRequest::continuation_token`].
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::base64_bytes::serialize",
        deserialize_with = "wire::base64_bytes::deserialize",
        alias = "continuation_token"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub continuation_token: Option<Bytes>,
}

impl Candidate {
    /// The candidate index (`index`, 0 when absent).
    pub fn index(&self) -> i32 {
        self.index.unwrap_or(0)
    }

    /// The parts of the content (empty when there is none).
    pub fn parts(&self) -> &[Part] {
        self.content.as_ref().map_or(&[], |c| c.parts.as_slice())
    }

    /// The concatenated non-thought text, or `None` when there is no text part.
    pub fn text(&self) -> Option<String> {
        self.content.as_ref().and_then(Content::text)
    }

    /// The concatenated thought summaries, or `None`.
    pub fn thoughts(&self) -> Option<String> {
        self.content.as_ref().and_then(Content::thoughts)
    }

    /// The function calls, in order.
    pub fn function_calls(&self) -> Vec<&FunctionCall> {
        self.parts()
            .iter()
            .filter_map(Part::as_function_call)
            .collect()
    }
}

/// The response of generateContent, and each chunk of streamGenerateContent.
///
/// ```
/// use gemini_types::{FinishReason, GenerateContentResponse};
/// let resp: GenerateContentResponse = serde_json::from_str(r#"{
///   "candidates": [{"content": {"role": "model", "parts": [
///       {"text": "Let me think", "thought": true},
///       {"text": "{\"answer\": "}, {"text": "42}"}]},
///     "finishReason": "STOP", "index": 0}],
///   "usageMetadata": {"promptTokenCount": 5, "totalTokenCount": 12},
///   "modelVersion": "gemini-2.5-flash", "responseId": "abc"}"#).unwrap();
/// assert_eq!(resp.text().as_deref(), Some(r#"{"answer": 42}"#));
/// assert_eq!(resp.thoughts().as_deref(), Some("Let me think"));
/// assert_eq!(resp.finish_reason(), Some(&FinishReason::Stop));
///
/// #[derive(serde::Deserialize)]
/// struct Answer { answer: u32 }
/// assert_eq!(resp.parsed::<Answer>().unwrap().answer, 42);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GenerateContentResponse {
    /// `candidates`: absent when the prompt was blocked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Candidate>,
    /// `promptFeedback` (only on the first chunk of a stream).
    #[serde(skip_serializing_if = "Option::is_none", alias = "prompt_feedback")]
    pub prompt_feedback: Option<PromptFeedback>,
    /// `usageMetadata` (cumulative; use the last one of a stream).
    #[serde(skip_serializing_if = "Option::is_none", alias = "usage_metadata")]
    pub usage_metadata: Option<UsageMetadata>,
    /// `modelVersion`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "model_version")]
    pub model_version: Option<String>,
    /// `responseId`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "response_id")]
    pub response_id: Option<String>,
    /// `createTime` (Vertex AI).
    #[serde(skip_serializing_if = "Option::is_none", alias = "create_time")]
    pub create_time: Option<Timestamp>,
    /// `modelStatus` (newer).
    #[serde(skip_serializing_if = "Option::is_none", alias = "model_status")]
    pub model_status: Option<ModelStatus>,
}

impl GenerateContentResponse {
    /// The first candidate (index 0 or the first listed).
    pub fn candidate(&self) -> Option<&Candidate> {
        self.candidates
            .iter()
            .find(|c| c.index() == 0)
            .or_else(|| self.candidates.first())
    }

    /// The candidate with the given index.
    pub fn candidate_at(&self, index: i32) -> Option<&Candidate> {
        self.candidates.iter().find(|c| c.index() == index)
    }

    /// The content of the first candidate.
    pub fn content(&self) -> Option<&Content> {
        self.candidate().and_then(|c| c.content.as_ref())
    }

    /// The parts of the first candidate (empty when there is none).
    pub fn parts(&self) -> &[Part] {
        self.candidate().map_or(&[], Candidate::parts)
    }

    /// The first candidate's content, owned: the model turn to append to a conversation
    /// history (sent back unchanged, thought signatures included).
    pub fn into_content(self) -> Option<Content> {
        let pos = self
            .candidates
            .iter()
            .position(|c| c.index() == 0)
            .unwrap_or(0);
        self.candidates.into_iter().nth(pos).and_then(|c| c.content)
    }

    /// The first candidate's text: all non-thought text parts concatenated, or `None` when
    /// there is no text part (blocked prompt, function call only, image only...).
    pub fn text(&self) -> Option<String> {
        self.candidate().and_then(Candidate::text)
    }

    /// The first candidate's thought summaries concatenated (with `includeThoughts`).
    pub fn thoughts(&self) -> Option<String> {
        self.candidate().and_then(Candidate::thoughts)
    }

    /// The first candidate's function calls, in order.
    pub fn function_calls(&self) -> Vec<&FunctionCall> {
        self.candidate()
            .map(Candidate::function_calls)
            .unwrap_or_default()
    }

    /// The first candidate's inline data (generated images, audio), in order.
    pub fn inline_data(&self) -> Vec<&Blob> {
        self.parts()
            .iter()
            .filter(|p| !p.is_thought())
            .filter_map(|p| match &p.data {
                PartData::InlineData(b) => Some(b),
                _ => None,
            })
            .collect()
    }

    /// The first candidate's finish reason.
    pub fn finish_reason(&self) -> Option<&FinishReason> {
        self.candidate().and_then(|c| c.finish_reason.as_ref())
    }

    /// Why the prompt was blocked, if it was.
    pub fn block_reason(&self) -> Option<&BlockReason> {
        self.prompt_feedback
            .as_ref()
            .and_then(|f| f.block_reason.as_ref())
    }

    /// The first candidate's continuation token (finish reason CONTINUATION).
    pub fn continuation_token(&self) -> Option<&Bytes> {
        self.candidate().and_then(|c| c.continuation_token.as_ref())
    }

    /// Decodes the first candidate's text (structured output) as JSON into `T`.
    ///
    /// A text wrapped in a Markdown code fence (```` ```json ... ``` ````) is accepted too.
    /// The error keeps the raw text and the serde error.
    pub fn parsed<T: serde::de::DeserializeOwned>(&self) -> Result<T, ParseError> {
        let Some(text) = self.text() else {
            return Err(ParseError {
                text: String::new(),
                source: None,
                finish_reason: self.finish_reason().cloned(),
            });
        };
        match serde_json::from_str(&text) {
            Ok(v) => Ok(v),
            Err(e) => {
                if let Some(inner) = strip_code_fence(&text) {
                    if let Ok(v) = serde_json::from_str(inner) {
                        return Ok(v);
                    }
                }
                Err(ParseError {
                    text,
                    source: Some(e),
                    finish_reason: self.finish_reason().cloned(),
                })
            }
        }
    }
}

fn strip_code_fence(text: &str) -> Option<&str> {
    let t = text.trim();
    let rest = t.strip_prefix("```")?;
    let rest = rest.strip_suffix("```")?;
    // Skip the info string (`json`) up to the end of the first line.
    let body = rest.split_once('\n').map_or(rest, |(_, b)| b);
    Some(body.trim())
}

/// The error of [`GenerateContentResponse::parsed`]: the response had no text, or its text was
/// not valid JSON for the target type. Keeps the raw text.
#[derive(Debug)]
pub struct ParseError {
    text: String,
    source: Option<serde_json::Error>,
    finish_reason: Option<FinishReason>,
}

impl ParseError {
    /// The raw text that failed to parse (empty when the response had no text).
    pub fn raw_text(&self) -> &str {
        &self.text
    }

    /// The raw text, owned.
    pub fn into_raw_text(self) -> String {
        self.text
    }

    /// The JSON error, when there was text.
    pub fn json_error(&self) -> Option<&serde_json::Error> {
        self.source.as_ref()
    }

    /// Whether the response had no text at all.
    pub fn is_missing_text(&self) -> bool {
        self.source.is_none()
    }

    /// The finish reason of the candidate, which often explains bad JSON (MAX_TOKENS...).
    pub fn finish_reason(&self) -> Option<&FinishReason> {
        self.finish_reason.as_ref()
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            None => f.write_str("the response has no text to parse")?,
            Some(_) => write!(
                f,
                "the response text is not the expected JSON ({} bytes)",
                self.text.len()
            )?,
        }
        if let Some(r) = &self.finish_reason {
            write!(f, " (finish reason {r})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_snake_case_and_single_objects() {
        let r: GenerateContentRequest = serde_json::from_value(json!({
            "contents": {"role": "user", "parts": {"text": "hi"}},
            "system_instruction": {"parts": {"text": "be brief"}},
            "generation_config": {"max_output_tokens": 5},
            "safety_settings": {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "OFF"},
            "tool_config": {"include_server_side_tool_invocations": true},
            "tools": {"google_search": {}},
            "cached_content": "cachedContents/x",
            "service_tier": "flex",
            "continuation_token": "AQID",
            "labels": {"team": "a"}
        }))
        .unwrap();
        assert_eq!(r.contents.len(), 1);
        assert_eq!(r.contents[0].text().as_deref(), Some("hi"));
        assert_eq!(r.safety_settings.len(), 1);
        assert_eq!(r.tools.len(), 1);
        assert_eq!(r.service_tier, Some(ServiceTier::Flex));
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["systemInstruction"]["parts"][0]["text"], "be brief");
        assert_eq!(v["serviceTier"], "flex");
        assert_eq!(v["continuationToken"], "AQID");
        assert_eq!(v["toolConfig"]["includeServerSideToolInvocations"], true);
    }

    #[test]
    fn response_round_trip_and_helpers() {
        let v = json!({
            "candidates": [{
                "content": {"role": "model", "parts": [
                    {"text": "plan", "thought": true},
                    {"functionCall": {"id": "a", "name": "f", "args": {"x": 1}}, "thoughtSignature": "AQID"},
                    {"functionCall": {"id": "b", "name": "g", "args": {}}}
                ]},
                "finishReason": "STOP", "index": 0, "finishMessage": "ok",
                "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}],
                "citationMetadata": {"citationSources": [{"startIndex": 1, "endIndex": 5, "uri": "u", "license": "l"}]},
                "avgLogprobs": -0.25,
                "logprobsResult": {"logProbabilitySum": -1.5,
                    "topCandidates": [{"candidates": [{"token": "a", "tokenId": 3, "logProbability": -0.1}]}],
                    "chosenCandidates": [{"token": "a", "tokenId": 3, "logProbability": -0.1}]},
                "urlContextMetadata": {"urlMetadata": [{"retrievedUrl": "https://x", "urlRetrievalStatus": "URL_RETRIEVAL_STATUS_SUCCESS"}]},
                "tokenCount": 7
            }],
            "promptFeedback": {"safetyRatings": []},
            "usageMetadata": {"promptTokenCount": 3, "totalTokenCount": 9, "serviceTier": "standard",
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 3}]},
            "modelVersion": "m", "responseId": "r", "createTime": "2026-05-04T20:01:02.264968Z",
            "modelStatus": {"modelStage": "LEGACY", "retirementTime": "2026-12-01T00:00:00Z", "message": "bye"}
        });
        let r: GenerateContentResponse = serde_json::from_value(v.clone()).unwrap();
        let mut expected = v;
        expected["promptFeedback"] = json!({});
        assert_eq!(serde_json::to_value(&r).unwrap(), expected);
        assert_eq!(r.text(), None);
        assert_eq!(r.thoughts().as_deref(), Some("plan"));
        let calls = r.function_calls();
        assert_eq!(
            calls.iter().map(|c| c.name()).collect::<Vec<_>>(),
            ["f", "g"]
        );
        assert_eq!(
            r.usage_metadata.as_ref().unwrap().service_tier,
            Some(ServiceTier::Standard)
        );
    }

    #[test]
    fn blocked_prompt_and_continuation() {
        let r: GenerateContentResponse = serde_json::from_value(json!({
            "promptFeedback": {"blockReason": "PROHIBITED_CONTENT", "blockReasonMessage": "no"}
        }))
        .unwrap();
        assert_eq!(r.block_reason(), Some(&BlockReason::ProhibitedContent));
        assert!(r.text().is_none());
        let e = r.parsed::<Value>().unwrap_err();
        assert!(e.is_missing_text());
        let r: GenerateContentResponse = serde_json::from_value(json!({
            "candidates": [{"content": {}, "finishReason": "CONTINUATION", "continuationToken": "AQID"}]
        }))
        .unwrap();
        assert_eq!(r.finish_reason(), Some(&FinishReason::Continuation));
        assert_eq!(r.continuation_token().map(Bytes::len), Some(3));
        let req = GenerateContentRequest::from("go on")
            .with_continuation_token(r.continuation_token().cloned().unwrap());
        assert_eq!(
            serde_json::to_value(&req).unwrap()["continuationToken"],
            "AQID"
        );
        let r: GenerateContentResponse = serde_json::from_value(
            json!({"candidates": [{"content": {}, "finishReason": "NO_IMAGE"}]}),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&r).unwrap()["candidates"][0]["content"],
            json!({})
        );
    }

    use serde_json::Value;

    #[derive(Debug, Deserialize)]
    struct A {
        a: bool,
    }

    #[test]
    fn parsed_error_keeps_raw_text() {
        let r: GenerateContentResponse = serde_json::from_value(json!({
            "candidates": [{"content": {"parts": [{"text": "{\"a\": tru"}]}, "finishReason": "MAX_TOKENS"}]
        }))
        .unwrap();
        let e = r.parsed::<A>().unwrap_err();
        assert_eq!(e.raw_text(), "{\"a\": tru");
        assert!(e.json_error().is_some());
        assert_eq!(e.finish_reason(), Some(&FinishReason::MaxTokens));
        assert!(e.to_string().contains("MAX_TOKENS"));
        assert!(std::error::Error::source(&e).is_some());
        let r: GenerateContentResponse = serde_json::from_value(json!({
            "candidates": [{"content": {"parts": [{"text": "```json\n{\"a\": true}\n```"}]}}]
        }))
        .unwrap();
        assert!(r.parsed::<A>().unwrap().a);
    }

    #[test]
    fn candidate_selection_by_index() {
        let r: GenerateContentResponse = serde_json::from_value(json!({
            "candidates": [{"index": 1, "content": {"parts": [{"text": "b"}]}},
                           {"content": {"parts": [{"text": "a"}]}}]
        }))
        .unwrap();
        assert_eq!(r.text().as_deref(), Some("a"));
        assert_eq!(
            r.candidate_at(1).and_then(Candidate::text).as_deref(),
            Some("b")
        );
    }
}
