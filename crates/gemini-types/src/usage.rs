//! Token accounting: UsageMetadata (generateContent), ModalityTokenCount, TrafficType,
//! ServiceTier (../shared/spec/API.md §5).

use serde::{Deserialize, Serialize};

use crate::config::Modality;

crate::open_enum! {
    /// The service tier a request ran on (`serviceTier`). Unlike every other enum, the values are
    /// **lowercase** on the wire.
    pub enum ServiceTier {
        /// Unspecified.
        Unspecified = "unspecified",
        /// Standard.
        Standard = "standard",
        /// Flex (cheaper, may be slower).
        Flex = "flex",
        /// Priority.
        Priority = "priority",
    }
}

crate::open_enum! {
    /// How a request was billed (`usageMetadata.trafficType`, mostly Vertex AI).
    pub enum TrafficType {
        /// Unspecified.
        Unspecified = "TRAFFIC_TYPE_UNSPECIFIED",
        /// Pay-as-you-go.
        OnDemand = "ON_DEMAND",
        /// Pay-as-you-go, priority.
        OnDemandPriority = "ON_DEMAND_PRIORITY",
        /// Pay-as-you-go, flex.
        OnDemandFlex = "ON_DEMAND_FLEX",
        /// Provisioned throughput.
        ProvisionedThroughput = "PROVISIONED_THROUGHPUT",
    }
}

/// The token count of one modality (`*TokensDetails[]`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ModalityTokenCount {
    /// `modality`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modality: Option<Modality>,
    /// `tokenCount`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "token_count")]
    pub token_count: Option<i32>,
}

/// Token usage of a generateContent call (`usageMetadata`). Any count may be omitted when zero;
/// the getters return 0 then.
///
/// ```
/// use gemini_types::UsageMetadata;
/// let u: UsageMetadata = serde_json::from_str(
///     r#"{"promptTokenCount":8,"candidatesTokenCount":19,"thoughtsTokenCount":18,"totalTokenCount":45}"#,
/// ).unwrap();
/// assert_eq!(u.output_tokens(), 37);
/// assert_eq!(u.cached_tokens(), 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UsageMetadata {
    /// `promptTokenCount`: includes cached tokens.
    #[serde(skip_serializing_if = "Option::is_none", alias = "prompt_token_count")]
    pub prompt_token_count: Option<i32>,
    /// `cachedContentTokenCount`: the part of the prompt served from cache.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "cached_content_token_count"
    )]
    pub cached_content_token_count: Option<i32>,
    /// `candidatesTokenCount`: output tokens of all candidates (excludes thoughts).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "candidates_token_count"
    )]
    pub candidates_token_count: Option<i32>,
    /// `toolUsePromptTokenCount`: tokens of server-side tool results.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "tool_use_prompt_token_count"
    )]
    pub tool_use_prompt_token_count: Option<i32>,
    /// `thoughtsTokenCount`: thinking tokens (billed as output).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "thoughts_token_count"
    )]
    pub thoughts_token_count: Option<i32>,
    /// `totalTokenCount`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "total_token_count")]
    pub total_token_count: Option<i32>,
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
    /// `candidatesTokensDetails`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "candidates_tokens_details"
    )]
    pub candidates_tokens_details: Vec<ModalityTokenCount>,
    /// `toolUsePromptTokensDetails`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "tool_use_prompt_tokens_details"
    )]
    pub tool_use_prompt_tokens_details: Vec<ModalityTokenCount>,
    /// `trafficType` (mostly Vertex AI).
    #[serde(skip_serializing_if = "Option::is_none", alias = "traffic_type")]
    pub traffic_type: Option<TrafficType>,
    /// `serviceTier` (output only, lowercase values).
    #[serde(skip_serializing_if = "Option::is_none", alias = "service_tier")]
    pub service_tier: Option<ServiceTier>,
}

impl UsageMetadata {
    /// `promptTokenCount`, 0 when absent.
    pub fn prompt_tokens(&self) -> i32 {
        self.prompt_token_count.unwrap_or(0)
    }

    /// `cachedContentTokenCount`, 0 when absent.
    pub fn cached_tokens(&self) -> i32 {
        self.cached_content_token_count.unwrap_or(0)
    }

    /// `candidatesTokenCount`, 0 when absent.
    pub fn candidates_tokens(&self) -> i32 {
        self.candidates_token_count.unwrap_or(0)
    }

    /// `thoughtsTokenCount`, 0 when absent.
    pub fn thoughts_tokens(&self) -> i32 {
        self.thoughts_token_count.unwrap_or(0)
    }

    /// `toolUsePromptTokenCount`, 0 when absent.
    pub fn tool_use_prompt_tokens(&self) -> i32 {
        self.tool_use_prompt_token_count.unwrap_or(0)
    }

    /// Billed output tokens: candidates plus thoughts.
    pub fn output_tokens(&self) -> i32 {
        self.candidates_tokens()
            .saturating_add(self.thoughts_tokens())
    }

    /// `totalTokenCount`, or the sum of the parts when absent.
    pub fn total_tokens(&self) -> i32 {
        self.total_token_count.unwrap_or_else(|| {
            self.prompt_tokens()
                .saturating_add(self.output_tokens())
                .saturating_add(self.tool_use_prompt_tokens())
        })
    }
}
