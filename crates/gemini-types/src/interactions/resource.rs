//! The Interaction resource, its status and usage, and the Interactions error envelope.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Extra, GenerationConfig, ServiceTier, Step, Tool};
use crate::Timestamp;

crate::open_enum! {
    /// The lifecycle status of an interaction (lowercase on the wire).
    pub enum InteractionStatus {
        /// Still running.
        InProgress = "in_progress",
        /// Waiting for the client (e.g. function results).
        RequiresAction = "requires_action",
        /// Finished.
        Completed = "completed",
        /// Failed; see `errors`.
        Failed = "failed",
        /// Cancelled by the client.
        Cancelled = "cancelled",
        /// Finished early (e.g. token limit).
        Incomplete = "incomplete",
        /// Stopped because a budget ran out.
        BudgetExceeded = "budget_exceeded",
        /// Waiting to start.
        Queued = "queued",
        /// Idle.
        Idle = "idle",
        /// Resume with `continuation_token`.
        RequiresContinuation = "requires_continuation",
    }
}

/// An interaction (`POST /{v}/interactions`, `GET /{v}/interactions/{id}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct Interaction {
    /// The interaction id (`v1_...`); pass it as `previous_interaction_id` to continue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The object kind, `"interaction"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// The status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<InteractionStatus>,
    /// The model id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The agent id (agent form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// When it last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Timestamp>,
    /// The steps: outputs, and inputs when fetched with `include_input=true`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// The outputs in the pre-2026-05 shape (content items and thought / function-call items),
    /// kept as raw JSON. New servers send [`Interaction::steps`] instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<Value>,
    /// The role of the outputs in the pre-2026-05 shape (`"model"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Token usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// The interaction this one continues.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_interaction_id: Option<String>,
    /// The system instruction used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_instruction: Option<String>,
    /// The tools used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    /// The generation config used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_config: Option<GenerationConfig>,
    /// The tier that served the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<ServiceTier>,
    /// Resume token when `status` is `requires_continuation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuation_token: Option<String>,
    /// Errors (when `status` is `failed`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<InteractionError>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

impl Interaction {
    /// The concatenated text of every `model_output` step (or, for a pre-2026-05 recording,
    /// of every `text` output item). Thoughts are skipped.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for step in &self.steps {
            if let Step::ModelOutput(s) = step {
                super::content::join_text(&s.content, &mut out);
            }
        }
        for item in &self.outputs {
            if let Some(t) = super::content::legacy_text(item) {
                out.push_str(t);
            }
        }
        out
    }

    /// The answer's text: every `text` item of every `model_output` step, concatenated
    /// (the official SDKs' `output_text`). Thoughts and tool steps are skipped; a pre-2026-05
    /// interaction's `text` output items are read too.
    ///
    /// ```
    /// use gemini_types::interactions::Interaction;
    /// let it: Interaction = serde_json::from_str(
    ///     r#"{"steps":[{"type":"thought","signature":"c2ln"},
    ///                  {"type":"model_output","content":[{"type":"text","text":"4"}]}]}"#,
    /// ).unwrap();
    /// assert_eq!(it.output_text(), "4");
    /// ```
    pub fn output_text(&self) -> String {
        self.text()
    }

    /// The answer's text parsed as JSON into `T` (structured output, `response_format`). A
    /// Markdown code fence around the JSON is tolerated. The error keeps the raw text.
    ///
    /// ```
    /// use gemini_types::interactions::Interaction;
    /// #[derive(Debug, serde::Deserialize)]
    /// struct City { name: String }
    /// let it: Interaction = serde_json::from_str(
    ///     r#"{"steps":[{"type":"model_output","content":[{"type":"text","text":"{\"name\":\"Paris\"}"}]}]}"#,
    /// ).unwrap();
    /// assert_eq!(it.parsed::<City>().unwrap().name, "Paris");
    /// assert!(Interaction::default().parsed::<City>().unwrap_err().is_missing_text());
    /// ```
    pub fn parsed<T: serde::de::DeserializeOwned>(&self) -> Result<T, crate::ParseError> {
        // One parser for both APIs: the answer's text goes through the generateContent
        // response's (same fence rule, same error).
        let text = self.text();
        let mut response = crate::GenerateContentResponse::default();
        if !text.is_empty() {
            response.candidates.push(crate::Candidate {
                content: Some(crate::Content::new(
                    crate::Role::Model,
                    [crate::Part::text(text)],
                )),
                ..crate::Candidate::default()
            });
        }
        response.parsed()
    }

    /// The token usage, when the server reported it.
    pub fn usage(&self) -> Option<&Usage> {
        self.usage.as_ref()
    }

    /// The images of the answer (`image` items of `model_output` steps), in order; decode
    /// inline ones with [`MediaContent::decoded_data`](super::MediaContent::decoded_data).
    pub fn images(&self) -> impl Iterator<Item = &super::MediaContent> {
        self.output_contents().filter_map(|c| match c {
            super::Content::Image(m) => Some(m),
            _ => None,
        })
    }

    /// The audio clips of the answer (`audio` items of `model_output` steps), in order.
    pub fn audio(&self) -> impl Iterator<Item = &super::MediaContent> {
        self.output_contents().filter_map(|c| match c {
            super::Content::Audio(m) => Some(m),
            _ => None,
        })
    }

    /// Every content item of every `model_output` step, in order.
    pub fn output_contents(&self) -> impl Iterator<Item = &super::Content> {
        self.steps.iter().flat_map(|s| match s {
            Step::ModelOutput(s) => s.content.as_slice(),
            _ => &[],
        })
    }

    /// The `function_call` steps, in order.
    pub fn function_calls(&self) -> impl Iterator<Item = &super::FunctionCallStep> {
        self.steps.iter().filter_map(|s| match s {
            Step::FunctionCall(c) => Some(c),
            _ => None,
        })
    }

    /// The status, when present.
    pub fn status(&self) -> Option<&InteractionStatus> {
        self.status.as_ref()
    }

    /// Whether the interaction reached a final state (`completed`, `failed`, `cancelled`,
    /// `incomplete`, `budget_exceeded`).
    pub fn is_finished(&self) -> bool {
        matches!(
            self.status,
            Some(
                InteractionStatus::Completed
                    | InteractionStatus::Failed
                    | InteractionStatus::Cancelled
                    | InteractionStatus::Incomplete
                    | InteractionStatus::BudgetExceeded
            )
        )
    }
}

/// Token usage of an interaction (snake_case, unlike generateContent's `usageMetadata`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct Usage {
    /// Input tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_input_tokens: Option<i64>,
    /// Output tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_output_tokens: Option<i64>,
    /// Thinking tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_thought_tokens: Option<i64>,
    /// Tokens served from cache.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_cached_tokens: Option<i64>,
    /// Tokens of server-side tool use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_tool_use_tokens: Option<i64>,
    /// All tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_tokens: Option<i64>,
    /// Input tokens per modality.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub input_tokens_by_modality: Vec<ModalityTokens>,
    /// Output tokens per modality.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub output_tokens_by_modality: Vec<ModalityTokens>,
    /// Cached tokens per modality.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cached_tokens_by_modality: Vec<ModalityTokens>,
    /// Tool-use tokens per modality.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_use_tokens_by_modality: Vec<ModalityTokens>,
    /// Grounding tool invocation counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grounding_tool_count: Vec<Value>,
    /// Raw prompt tokens before processing (seen on video inputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_prompt_token: Option<i64>,
    /// Per-model-invocation token details (`prompt_tokens_details`, ...), kept raw.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub model_invocation_token_counts: Vec<Value>,
    /// The same, excluding grounding invocations, kept raw.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub non_grounding_model_invocation_token_counts: Vec<Value>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// A token count for one modality: `{"modality": "text", "tokens": 10}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ModalityTokens {
    /// The modality (`text`, `image`, `audio`, `video`, `document`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modality: Option<String>,
    /// The token count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<i64>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// An Interactions error: a **string** `code` (`"invalid_request"`) and a message, unlike
/// `google.rpc.Status`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct InteractionError {
    /// The error code, e.g. `invalid_request`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// The error body of a failed Interactions call: `{"error": {"code": "...", "message": "..."}}`.
///
/// ```
/// use gemini_types::interactions::ErrorResponse;
/// let e: ErrorResponse = serde_json::from_str(
///     r#"{"error":{"message":"Invalid input","code":"invalid_request"}}"#,
/// ).unwrap();
/// assert_eq!(e.error.code.as_deref(), Some("invalid_request"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ErrorResponse {
    /// The error.
    #[serde(default)]
    pub error: InteractionError,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}
