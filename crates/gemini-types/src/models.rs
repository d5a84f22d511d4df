//! Model resources (`models.get`, `models.list`) and tuned models (../shared/spec/API.md sections 9
//! and 17).
//!
//! ```
//! use gemini_types::ListModelsResponse;
//! let page: ListModelsResponse = serde_json::from_str(r#"{"models": [{
//!   "name": "models/gemini-2.5-flash", "inputTokenLimit": 1048576,
//!   "supportedGenerationMethods": ["generateContent", "countTokens"], "thinking": true}],
//!   "nextPageToken": "abc"}"#).unwrap();
//! assert!(page.models[0].supports("generateContent"));
//! assert_eq!(page.models[0].id(), "gemini-2.5-flash");
//! assert_eq!(page.next_page_token(), Some("abc"));
//! ```

use serde::{Deserialize, Serialize};

use crate::Timestamp;

crate::open_enum! {
    /// The release stage of a model (`modelStage`, seen in models.list).
    pub enum ModelStage {
        /// Unspecified.
        Unspecified = "MODEL_STAGE_UNSPECIFIED",
        /// An unstable experimental model.
        UnstableExperimental = "UNSTABLE_EXPERIMENTAL",
        /// An experimental model.
        Experimental = "EXPERIMENTAL",
        /// A preview model.
        Preview = "PREVIEW",
        /// A stable model.
        Stable = "STABLE",
        /// A legacy model.
        Legacy = "LEGACY",
        /// A deprecated model.
        Deprecated = "DEPRECATED",
        /// A retired model.
        Retired = "RETIRED",
    }
}

/// A model (`GET /{v}/models/{id}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Model {
    /// The resource name, `models/{id}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The base model id, e.g. `gemini-2.5-flash`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_model_id: Option<String>,
    /// The version, e.g. `001`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// A human-readable name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Maximum input tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_token_limit: Option<i32>,
    /// Maximum output tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_token_limit: Option<i32>,
    /// The RPCs the model supports (`generateContent`, `countTokens`, `embedContent`,
    /// `bidiGenerateContent`, `predict`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supported_generation_methods: Vec<String>,
    /// Default temperature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Maximum temperature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_temperature: Option<f64>,
    /// Default nucleus sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Default top-k.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_k: Option<i32>,
    /// Whether the model supports thinking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking: Option<bool>,
    /// The release stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_stage: Option<ModelStage>,
}

impl Model {
    /// The id after `models/` (or the whole name when it has no prefix).
    pub fn id(&self) -> &str {
        let name = self.name.as_deref().unwrap_or_default();
        name.strip_prefix("models/").unwrap_or(name)
    }

    /// Whether `method` (e.g. `"generateContent"`) is among the supported generation methods.
    pub fn supports(&self, method: &str) -> bool {
        self.supported_generation_methods
            .iter()
            .any(|m| m == method)
    }
}

/// A page of `GET /{v}/models`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListModelsResponse {
    /// The models.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<Model>,
    /// The next page's token; absent or empty on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

impl ListModelsResponse {
    /// The next page's token, `None` on the last page (absent or empty).
    pub fn next_page_token(&self) -> Option<&str> {
        self.next_page_token.as_deref().filter(|t| !t.is_empty())
    }
}

crate::open_enum! {
    /// The state of a tuned model.
    pub enum TunedModelState {
        /// Unspecified.
        Unspecified = "STATE_UNSPECIFIED",
        /// Being tuned.
        Creating = "CREATING",
        /// Ready.
        Active = "ACTIVE",
        /// Tuning failed.
        Failed = "FAILED",
    }
}

/// A tuned model (`tunedModels/{id}`); Gemini API tuning is largely retired, so the tuning task
/// and source are kept as raw JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TunedModel {
    /// The resource name, `tunedModels/{id}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The tuned model it was tuned from (`oneof source_model`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "tuned_model_source"
    )]
    pub tuned_model_source: Option<serde_json::Value>,
    /// The base model it was tuned from (`oneof source_model`), `models/...`.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "base_model")]
    pub base_model: Option<String>,
    /// A human-readable name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "display_name"
    )]
    pub display_name: Option<String>,
    /// A description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Default temperature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Default nucleus sampling.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "top_p")]
    pub top_p: Option<f64>,
    /// Default top-k.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "top_k")]
    pub top_k: Option<i32>,
    /// The state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<TunedModelState>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "create_time"
    )]
    pub create_time: Option<Timestamp>,
    /// When it last changed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "update_time"
    )]
    pub update_time: Option<Timestamp>,
    /// The tuning task (hyperparameters, examples, snapshots).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "tuning_task"
    )]
    pub tuning_task: Option<serde_json::Value>,
    /// Projects allowed to read the model (int64).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "reader_project_numbers"
    )]
    pub reader_project_numbers: Vec<serde_json::Value>,
}

/// A page of `GET /{v}/tunedModels`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListTunedModelsResponse {
    /// The tuned models.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tuned_models: Vec<TunedModel>,
    /// The next page's token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// The metadata of a tuning operation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateTunedModelMetadata {
    /// The `google.protobuf.Any` type URL.
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub type_url: Option<String>,
    /// The tuned model being created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tuned_model: Option<String>,
    /// Total tuning steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_steps: Option<i32>,
    /// Steps done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_steps: Option<i32>,
    /// Percent done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_percent: Option<f64>,
    /// Per-step metrics.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub snapshots: Vec<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::testutil::{documents, real_files, round_trip, shared_spec};

    #[test]
    fn real_models_round_trip() {
        if shared_spec("models::real_models_round_trip").is_none() {
            return;
        }
        let files = real_files("models");
        for file in &files {
            for doc in documents(file) {
                if doc.get("models").is_some() {
                    let page: ListModelsResponse = round_trip(file, &doc);
                    assert!(!page.models.is_empty());
                    assert!(page.models.iter().all(|m| m.name.is_some()));
                } else {
                    let m: Model = round_trip(file, &doc);
                    assert!(!m.supported_generation_methods.is_empty());
                }
            }
        }
    }

    #[test]
    fn stage_and_helpers() {
        let m: Model = serde_json::from_value(serde_json::json!({
            "name": "models/x", "modelStage": "LEGACY", "temperature": 1, "topP": 0.95
        }))
        .unwrap();
        assert_eq!(m.model_stage, Some(ModelStage::Legacy));
        assert_eq!(m.id(), "x");
        assert!(!m.supports("predict"));
        let last = ListModelsResponse {
            next_page_token: Some(String::new()),
            ..ListModelsResponse::default()
        };
        assert_eq!(last.next_page_token(), None);
    }
}
