//! Interactions stream events (the JSON in each SSE `data:` line), tagged by `event_type`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Annotation, Extra, Interaction, InteractionError, InteractionStatus, Step, Usage};

tagged_union! {
    /// One Interactions stream event, dispatched on `event_type` (not on the SSE `event:` line).
    ///
    /// Current events: `interaction.created`, `interaction.status_update`, `step.start`,
    /// `step.delta`, `step.stop`, `interaction.completed`, `error`. Recordings from before
    /// 2026-05 use `interaction.start`, `content.start`, `content.delta`, `content.stop` and
    /// `interaction.complete`; they decode into their own variants.
    ///
    /// ```
    /// use gemini_types::interactions::Event;
    /// let e: Event = serde_json::from_str(
    ///     r#"{"event_type":"step.delta","event_id":"e3","index":0,"delta":{"type":"text","text":"Hel"}}"#,
    /// ).unwrap();
    /// assert_eq!(e.text_delta(), Some("Hel"));
    /// assert_eq!(e.event_id(), Some("e3"));
    /// ```
    pub enum Event: tag = "event_type" {
        /// The interaction was created (`{interaction: {...}}`).
        InteractionCreated(InteractionEvent) = "interaction.created",
        /// The interaction's status changed.
        InteractionStatusUpdate(StatusUpdateEvent) = "interaction.status_update",
        /// A step began (`{index, step}`, the step's skeleton).
        StepStart(StepStartEvent) = "step.start",
        /// An increment of the step at `index`.
        StepDelta(DeltaEvent) = "step.delta",
        /// The step at `index` is complete.
        StepStop(StopEvent) = "step.stop",
        /// The interaction finished (`{interaction: {...final...}}`).
        InteractionCompleted(InteractionEvent) = "interaction.completed",
        /// An error (`{error: {code, message}}`).
        Error(ErrorEvent) = "error",
        /// Pre-2026-05: the interaction started.
        InteractionStart(InteractionEvent) = "interaction.start",
        /// Pre-2026-05: an output item began (`{index, content}`).
        ContentStart(ContentStartEvent) = "content.start",
        /// Pre-2026-05: an increment of the output item at `index`.
        ContentDelta(DeltaEvent) = "content.delta",
        /// Pre-2026-05: the output item at `index` is complete.
        ContentStop(StopEvent) = "content.stop",
        /// Pre-2026-05: the interaction finished.
        InteractionComplete(InteractionEvent) = "interaction.complete",
    }
}

use super::tagged_union;

impl Event {
    /// The `event_id` (use it as `last_event_id` to resume a stream).
    pub fn event_id(&self) -> Option<&str> {
        match self {
            Self::InteractionCreated(e)
            | Self::InteractionCompleted(e)
            | Self::InteractionStart(e)
            | Self::InteractionComplete(e) => e.event_id.as_deref(),
            Self::InteractionStatusUpdate(e) => e.event_id.as_deref(),
            Self::StepStart(e) => e.event_id.as_deref(),
            Self::StepDelta(e) | Self::ContentDelta(e) => e.event_id.as_deref(),
            Self::StepStop(e) | Self::ContentStop(e) => e.event_id.as_deref(),
            Self::Error(e) => e.event_id.as_deref(),
            Self::ContentStart(e) => e.event_id.as_deref(),
            Self::Unknown(m) => m.get("event_id").and_then(Value::as_str),
        }
    }

    /// The text of a `text` delta (either event generation).
    pub fn text_delta(&self) -> Option<&str> {
        match self {
            Self::StepDelta(e) | Self::ContentDelta(e) => e.delta.text_delta(),
            _ => None,
        }
    }

    /// The interaction carried by a created/completed (or legacy start/complete) event.
    pub fn interaction(&self) -> Option<&Interaction> {
        match self {
            Self::InteractionCreated(e)
            | Self::InteractionCompleted(e)
            | Self::InteractionStart(e)
            | Self::InteractionComplete(e) => e.interaction.as_ref(),
            _ => None,
        }
    }

    /// Whether this event ends the stream (`interaction.completed`, legacy
    /// `interaction.complete`, or `error`).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::InteractionCompleted(_) | Self::InteractionComplete(_) | Self::Error(_)
        )
    }
}

impl Event {
    /// Decodes one event from its JSON text (an SSE `data:` payload), like
    /// `serde_json::from_str` but faster on the service's events, whose `event_type` comes last:
    /// the tag is found in the text first, then the event's struct reads the whole object in
    /// one pass (the tag is checked to be a top-level field, and removed). Anything unusual
    /// (an escaped tag, an unknown kind, a tag that is not top-level) takes the general path,
    /// so the result is always the same as `serde_json::from_str`'s.
    ///
    /// ```
    /// use gemini_types::interactions::Event;
    /// let text = r#"{"index":0,"delta":{"text":"Hi","type":"text"},"event_id":"e1","event_type":"step.delta"}"#;
    /// let e = Event::from_json_str(text).unwrap();
    /// assert_eq!(e.text_delta(), Some("Hi"));
    /// assert_eq!(e, serde_json::from_str::<Event>(text).unwrap());
    /// ```
    pub fn from_json_str(text: &str) -> serde_json::Result<Self> {
        fn direct<T: serde::de::DeserializeOwned>(
            text: &str,
            tag: &str,
            extra: fn(&mut T) -> &mut Extra,
        ) -> Option<T> {
            let mut value: T = serde_json::from_str(text).ok()?;
            match extra(&mut value).remove("event_type") {
                Some(Value::String(t)) if t == tag => Some(value),
                _ => None,
            }
        }
        let fast = tag_in_text(text).and_then(|tag| match tag {
            "step.delta" => {
                direct(text, tag, |e: &mut DeltaEvent| &mut e.extra).map(Self::StepDelta)
            }
            "step.start" => {
                direct(text, tag, |e: &mut StepStartEvent| &mut e.extra).map(Self::StepStart)
            }
            "step.stop" => direct(text, tag, |e: &mut StopEvent| &mut e.extra).map(Self::StepStop),
            "interaction.created" => direct(text, tag, |e: &mut InteractionEvent| &mut e.extra)
                .map(Self::InteractionCreated),
            "interaction.completed" => direct(text, tag, |e: &mut InteractionEvent| &mut e.extra)
                .map(Self::InteractionCompleted),
            "interaction.status_update" => {
                direct(text, tag, |e: &mut StatusUpdateEvent| &mut e.extra)
                    .map(Self::InteractionStatusUpdate)
            }
            "content.delta" => {
                direct(text, tag, |e: &mut DeltaEvent| &mut e.extra).map(Self::ContentDelta)
            }
            _ => None,
        });
        match fast {
            Some(event) => Ok(event),
            None => serde_json::from_str(text),
        }
    }
}

/// The value of the first `"event_type":"..."` in `text`, when it has no escapes. Inside a
/// JSON string the quotes would be escaped, so this is a key; whether it is the top-level one
/// is checked after decoding.
fn tag_in_text(text: &str) -> Option<&str> {
    const KEY: &str = "\"event_type\":\"";
    let start = text.find(KEY)? + KEY.len();
    let rest = &text[start..];
    let end = rest.find('"')?;
    let tag = &rest[..end];
    (!tag.contains('\\')).then_some(tag)
}

/// An event carrying an interaction snapshot.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct InteractionEvent {
    /// The event id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The interaction (partial in `interaction.created`, final in `interaction.completed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction: Option<Interaction>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// `interaction.status_update`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct StatusUpdateEvent {
    /// The event id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The interaction's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interaction_id: Option<String>,
    /// The new status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<InteractionStatus>,
    /// Resume token (status `requires_continuation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuation_token: Option<String>,
    /// Usage so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// `step.start`: the skeleton of the step at `index`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct StepStartEvent {
    /// The event id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The step's index in the interaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    /// The step skeleton.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<Step>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// Legacy `content.start`: the output item at `index`, kept as raw JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ContentStartEvent {
    /// The event id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The item's index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    /// The item skeleton (a content item or a thought / call item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// `step.delta` (and legacy `content.delta`): an increment of the item at `index`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct DeltaEvent {
    /// The event id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The index of the step (or legacy output item) this increments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    /// The increment.
    #[serde(default)]
    pub delta: Delta,
    /// Delta metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// `step.stop` (and legacy `content.stop`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct StopEvent {
    /// The event id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The index of the finished step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    /// Usage so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// The step's own usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_usage: Option<Value>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// `error`: `{error: {code, message}}` (string code).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ErrorEvent {
    /// The event id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<InteractionError>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

crate::open_enum! {
    /// The kind of a [`Delta`].
    pub enum DeltaType {
        /// Text (`text`).
        Text = "text",
        /// A fragment of function-call arguments JSON (`arguments`, a string).
        ArgumentsDelta = "arguments_delta",
        /// A thought summary increment.
        ThoughtSummary = "thought_summary",
        /// A thought signature (`signature`).
        ThoughtSignature = "thought_signature",
        /// Image bytes or URI.
        Image = "image",
        /// Audio bytes or URI.
        Audio = "audio",
        /// Video bytes or URI.
        Video = "video",
        /// Document bytes or URI.
        Document = "document",
        /// Text annotations (citations).
        TextAnnotationDelta = "text_annotation_delta",
        /// Pre-2026-05 text annotations.
        TextAnnotation = "text_annotation",
        /// A whole function call (pre-2026-05 streams).
        FunctionCall = "function_call",
        /// A function result.
        FunctionResult = "function_result",
        /// A Google Search call.
        GoogleSearchCall = "google_search_call",
        /// A Google Search result.
        GoogleSearchResult = "google_search_result",
        /// A code execution call.
        CodeExecutionCall = "code_execution_call",
        /// A code execution result.
        CodeExecutionResult = "code_execution_result",
        /// A URL context call.
        UrlContextCall = "url_context_call",
        /// A URL context result.
        UrlContextResult = "url_context_result",
        /// A file search call.
        FileSearchCall = "file_search_call",
        /// A file search result.
        FileSearchResult = "file_search_result",
        /// A Google Maps call.
        GoogleMapsCall = "google_maps_call",
        /// A Google Maps result.
        GoogleMapsResult = "google_maps_result",
        /// An MCP server tool call.
        McpServerToolCall = "mcp_server_tool_call",
        /// An MCP server tool result.
        McpServerToolResult = "mcp_server_tool_result",
    }
}

/// The payload of a delta event. One flat struct for every delta kind: which fields are set
/// depends on [`Delta::kind`] (e.g. `text` for `text`, `arguments` for `arguments_delta`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct Delta {
    /// The delta kind.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<DeltaType>,
    /// Text (`text`, `thought_summary`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Arguments: a JSON fragment string for `arguments_delta`, an object for tool calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Value>,
    /// A thought signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// Inline media bytes, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// A media URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// The media MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Annotations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
    /// A call id (tool calls).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A function or tool name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The call a result answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// A tool result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// Whether a tool result is an error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_error: Option<bool>,
    /// Thought summary contents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

impl Delta {
    /// The text of a `text` delta.
    pub fn text_delta(&self) -> Option<&str> {
        match self.kind {
            Some(DeltaType::Text) => self.text.as_deref(),
            _ => None,
        }
    }

    /// The JSON fragment of an `arguments_delta` delta.
    pub fn arguments_fragment(&self) -> Option<&str> {
        match self.kind {
            Some(DeltaType::ArgumentsDelta) => self.arguments.as_ref().and_then(Value::as_str),
            _ => None,
        }
    }
}
