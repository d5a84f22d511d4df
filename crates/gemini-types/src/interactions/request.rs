//! The create-interaction request (`POST /{v}/interactions`) and its configuration.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::{Content, Extra, Step, Tool};

crate::open_enum! {
    /// How much the model thinks (`generation_config.thinking_level`).
    pub enum ThinkingLevel {
        /// Almost no thinking.
        Minimal = "minimal",
        /// Little thinking.
        Low = "low",
        /// Moderate thinking.
        Medium = "medium",
        /// Deep thinking.
        High = "high",
        /// The deepest thinking.
        Xhigh = "xhigh",
    }
}

crate::open_enum! {
    /// The processing tier (lowercase on the wire).
    pub enum ServiceTier {
        /// Cheaper, best-effort latency.
        Flex = "flex",
        /// The default tier.
        Standard = "standard",
        /// Higher priority.
        Priority = "priority",
        /// Deferred processing.
        Deferred = "deferred",
    }
}

/// The body of `POST /{v}/interactions`.
///
/// Either `model` (+ `generation_config`) or `agent` (+ `agent_config`) is set.
///
/// ```
/// use gemini_types::interactions::{CreateInteractionRequest, Step};
/// let req = CreateInteractionRequest::new("gemini-3-flash-preview")
///     .with_previous_interaction_id("v1_abc")
///     .with_steps([Step::function_result("call_1", "get_weather", "14 °C")])
///     .with_stream(true);
/// let v = serde_json::to_value(&req).unwrap();
/// assert_eq!(v["input"][0]["type"], "function_result");
/// assert_eq!(v["previous_interaction_id"], "v1_abc");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct CreateInteractionRequest {
    /// The model id, e.g. `gemini-3-flash-preview` (no `models/` prefix).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The agent id (instead of `model`), e.g. `deep-research-pro-preview-12-2025`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// The input: a string, a content item, a list of contents, or a list of steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Input>,
    /// The system instruction (a plain string here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_instruction: Option<String>,
    /// Continue a stored conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_interaction_id: Option<String>,
    /// Tools the model may use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    /// Sampling and output configuration (model form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_config: Option<GenerationConfig>,
    /// Agent configuration (agent form), e.g. `{"type": "deep-research", ...}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_config: Option<AgentConfig>,
    /// The output format: an object (`{"type": "text", "mime_type", "schema"}`) or a list of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<Value>,
    /// Output modalities (`text`, `image`, `audio`); deprecated in favour of `response_format`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_modalities: Vec<String>,
    /// Output MIME type; deprecated in favour of `response_format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_mime_type: Option<String>,
    /// Safety settings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub safety_settings: Vec<SafetySetting>,
    /// Run asynchronously; poll with `GET`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background: Option<bool>,
    /// Persist the interaction for later `GET` / `previous_interaction_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<bool>,
    /// Stream server-sent events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// The processing tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<ServiceTier>,
    /// Where to notify when a background interaction finishes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_config: Option<WebhookConfig>,
    /// Billing labels.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Resume an interaction in status `requires_continuation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuation_token: Option<String>,
    /// A cached content name (`cachedContents/...`); deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_content: Option<String>,
    /// A remote execution environment (agents): an id string or an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Value>,
    /// Fields this SDK version does not know, sent verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

impl CreateInteractionRequest {
    /// A request for `model` (a bare model id such as `gemini-3-flash-preview`).
    pub fn new(model: impl Into<String>) -> Self {
        Self {
            model: Some(model.into()),
            ..Self::default()
        }
    }

    /// A request for an agent (e.g. `deep-research-pro-preview-12-2025`).
    pub fn agent(agent: impl Into<String>) -> Self {
        Self {
            agent: Some(agent.into()),
            ..Self::default()
        }
    }

    /// Sets the input (a string, a [`Content`], contents or steps; see [`Input`]).
    #[must_use]
    pub fn with_input(mut self, input: impl Into<Input>) -> Self {
        self.input = Some(input.into());
        self
    }

    /// Sets the input to a list of steps (history, function results).
    #[must_use]
    pub fn with_steps(mut self, steps: impl IntoIterator<Item = Step>) -> Self {
        self.input = Some(Input::Steps(steps.into_iter().collect()));
        self
    }

    /// Sets the system instruction.
    #[must_use]
    pub fn with_system_instruction(mut self, text: impl Into<String>) -> Self {
        self.system_instruction = Some(text.into());
        self
    }

    /// Continues the stored interaction `id`.
    #[must_use]
    pub fn with_previous_interaction_id(mut self, id: impl Into<String>) -> Self {
        self.previous_interaction_id = Some(id.into());
        self
    }

    /// Adds a tool.
    #[must_use]
    pub fn with_tool(mut self, tool: Tool) -> Self {
        self.tools.push(tool);
        self
    }

    /// Sets the generation config.
    #[must_use]
    pub fn with_generation_config(mut self, config: GenerationConfig) -> Self {
        self.generation_config = Some(config);
        self
    }

    /// Sets the agent config (agent form).
    #[must_use]
    pub fn with_agent_config(mut self, config: AgentConfig) -> Self {
        self.agent_config = Some(config);
        self
    }

    /// Sets the response format (an object or a list of objects).
    #[must_use]
    pub fn with_response_format(mut self, format: Value) -> Self {
        self.response_format = Some(format);
        self
    }

    /// Runs the interaction in the background.
    #[must_use]
    pub fn with_background(mut self, background: bool) -> Self {
        self.background = Some(background);
        self
    }

    /// Whether the server stores the interaction.
    #[must_use]
    pub fn with_store(mut self, store: bool) -> Self {
        self.store = Some(store);
        self
    }

    /// Whether to stream events.
    #[must_use]
    pub fn with_stream(mut self, stream: bool) -> Self {
        self.stream = Some(stream);
        self
    }

    /// Sets the service tier.
    #[must_use]
    pub fn with_service_tier(mut self, tier: ServiceTier) -> Self {
        self.service_tier = Some(tier);
        self
    }
}

/// The `input` of a create request.
///
/// Decoded by JSON shape: a string is [`Input::Text`], an object is [`Input::Content`], and a list
/// is [`Input::Contents`] when every item is a content kind (`text`, `image`, ...), else
/// [`Input::Steps`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Input {
    /// Plain text.
    Text(String),
    /// One content item.
    Content(Content),
    /// A list of content items (one user turn).
    Contents(Vec<Content>),
    /// A list of steps (a history, or function results).
    Steps(Vec<Step>),
}

impl From<&str> for Input {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl From<String> for Input {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<Content> for Input {
    fn from(c: Content) -> Self {
        Self::Content(c)
    }
}

impl From<Vec<Content>> for Input {
    fn from(c: Vec<Content>) -> Self {
        Self::Contents(c)
    }
}

impl From<Vec<Step>> for Input {
    fn from(s: Vec<Step>) -> Self {
        Self::Steps(s)
    }
}

impl Serialize for Input {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(t) => s.serialize_str(t),
            Self::Content(c) => c.serialize(s),
            Self::Contents(c) => c.serialize(s),
            Self::Steps(st) => st.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Input {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let v = Value::deserialize(d)?;
        match v {
            Value::String(s) => Ok(Self::Text(s)),
            Value::Object(_) => Content::deserialize(v)
                .map(Self::Content)
                .map_err(D::Error::custom),
            Value::Array(items) => {
                let all_contents = items.iter().all(|i| {
                    i.get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| Content::KNOWN_TAGS.contains(&t))
                });
                let list = Value::Array(items);
                if all_contents {
                    Vec::<Content>::deserialize(list)
                        .map(Self::Contents)
                        .map_err(D::Error::custom)
                } else {
                    Vec::<Step>::deserialize(list)
                        .map(Self::Steps)
                        .map_err(D::Error::custom)
                }
            }
            other => Err(D::Error::custom(format_args!(
                "interaction input must be a string, an object or a list, got {other}"
            ))),
        }
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Input {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "interactions.Input".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let content = generator.subschema_for::<Content>();
        let contents = generator.subschema_for::<Vec<Content>>();
        let steps = generator.subschema_for::<Vec<Step>>();
        schemars::json_schema!({
            "anyOf": [{"type": "string"}, content, contents, steps]
        })
    }
}

/// Sampling and output configuration (`generation_config`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct GenerationConfig {
    /// Sampling temperature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Top-k sampling.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub top_k: Option<i32>,
    /// Random seed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub seed: Option<i32>,
    /// Stop sequences.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stop_sequences: Vec<String>,
    /// Maximum output tokens.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub max_output_tokens: Option<i32>,
    /// How much the model thinks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_level: Option<ThinkingLevel>,
    /// Thought summaries: `auto` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_summaries: Option<String>,
    /// Tool choice: `auto`, `any`, `none`, `validated`, or `{"allowed_tools": {...}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<Value>,
    /// Speech output: `{"voice", "language", "speaker"}` or a list of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speech_config: Option<Value>,
    /// Image output: `{"aspect_ratio", "image_size"}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_config: Option<Value>,
    /// Transcription options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcription_config: Option<Value>,
    /// Video output options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_config: Option<Value>,
    /// Fields this SDK version does not know, sent verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

impl GenerationConfig {
    /// Sets the temperature.
    #[must_use]
    pub fn with_temperature(mut self, t: f64) -> Self {
        self.temperature = Some(t);
        self
    }

    /// Sets the maximum output tokens.
    #[must_use]
    pub fn with_max_output_tokens(mut self, n: i32) -> Self {
        self.max_output_tokens = Some(n);
        self
    }

    /// Sets the thinking level.
    #[must_use]
    pub fn with_thinking_level(mut self, level: ThinkingLevel) -> Self {
        self.thinking_level = Some(level);
        self
    }

    /// Sets the tool choice (`"auto"`, `"any"`, `"none"`, `"validated"` or an object).
    #[must_use]
    pub fn with_tool_choice(mut self, choice: impl Into<Value>) -> Self {
        self.tool_choice = Some(choice.into());
        self
    }
}

/// Agent configuration (`agent_config`), tagged by `type` (`deep-research`, `dynamic`, ...).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct AgentConfig {
    /// The agent kind, e.g. `deep-research`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Thought summaries: `auto` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thinking_summaries: Option<String>,
    /// Visualization options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visualization: Option<Value>,
    /// Let the agent ask the user to approve its plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collaborative_planning: Option<bool>,
    /// Fields this SDK version does not know, sent verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

impl AgentConfig {
    /// A config for the agent kind `kind` (e.g. `deep-research`).
    pub fn new(kind: impl Into<String>) -> Self {
        Self {
            kind: Some(kind.into()),
            ..Self::default()
        }
    }
}

/// A safety setting: `{"category", "threshold"}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct SafetySetting {
    /// The harm category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The block threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<String>,
    /// Fields this SDK version does not know, sent verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// Where to notify when a background interaction finishes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct WebhookConfig {
    /// Webhook URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uris: Vec<String>,
    /// Metadata echoed in the notification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_metadata: Option<Value>,
    /// Fields this SDK version does not know, sent verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

impl WebhookConfig {
    /// Notify these URLs.
    pub fn new(uris: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            uris: uris.into_iter().map(Into::into).collect(),
            ..Self::default()
        }
    }

    /// Metadata echoed in the notification.
    #[must_use]
    pub fn with_user_metadata(mut self, metadata: Value) -> Self {
        self.user_metadata = Some(metadata);
        self
    }
}
