//! Live client messages: the one-key-per-message `BidiGenerateContentClientMessage` and its
//! payloads.

use std::fmt;

use bytes::Bytes;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::BidiGenerateContentSetup;
use crate::{Blob, Content, FunctionResponse, Tool};

/// A message from client to server: exactly one top-level key.
///
/// Decoded by which key is present; the snake_case keys some clients send (`client_content`,
/// `realtime_input`, `tool_response`, `context_update`) are accepted, and a key this SDK does not
/// know becomes [`BidiGenerateContentClientMessage::Unknown`]. Always encoded with camelCase keys.
///
/// ```
/// use gemini_types::{BidiGenerateContentClientMessage as Msg, FunctionResponse};
/// let audio = Msg::realtime_audio(vec![0u8, 0, 1, 0], 16_000);
/// assert_eq!(
///     serde_json::to_string(&audio).unwrap(),
///     r#"{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=16000","data":"AAABAA=="}}}"#
/// );
/// let hi = Msg::text("Hello");
/// assert_eq!(serde_json::to_value(&hi).unwrap()["clientContent"]["turnComplete"], true);
/// let back: Msg = serde_json::from_str(r#"{"client_content":{"turns":[],"turnComplete":true}}"#).unwrap();
/// assert!(matches!(back, Msg::ClientContent(_)));
/// let reply = Msg::tool_response([FunctionResponse::new("get_weather", serde_json::json!({"t": 14}))
///     .with_id("fc-1")]);
/// assert_eq!(serde_json::to_value(&reply).unwrap()["toolResponse"]["functionResponses"][0]["id"], "fc-1");
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum BidiGenerateContentClientMessage {
    /// `setup`: the session configuration; must be the first message.
    Setup(Box<BidiGenerateContentSetup>),
    /// `clientContent`: ordered, turn-based content (history, typed text).
    ClientContent(BidiGenerateContentClientContent),
    /// `realtimeInput`: streaming audio, video or text.
    RealtimeInput(BidiGenerateContentRealtimeInput),
    /// `toolResponse`: results of the server's function calls.
    ToolResponse(BidiGenerateContentToolResponse),
    /// `contextUpdate` (newer): replaces the system instruction and tools mid-session.
    ContextUpdate(BidiGenerateContentContextUpdate),
    /// A message kind this SDK does not know: its key and raw value, re-encoded unchanged.
    Unknown {
        /// The top-level key.
        key: String,
        /// Its value.
        value: Value,
    },
}

impl BidiGenerateContentClientMessage {
    /// A `setup` message.
    pub fn setup(setup: BidiGenerateContentSetup) -> Self {
        Self::Setup(Box::new(setup))
    }

    /// A `clientContent` message with one user text turn that completes the turn.
    pub fn text(text: impl Into<String>) -> Self {
        Self::client_content([Content::user(text.into())], true)
    }

    /// A `clientContent` message; `turn_complete: false` only appends context.
    pub fn client_content(turns: impl IntoIterator<Item = Content>, turn_complete: bool) -> Self {
        Self::ClientContent(BidiGenerateContentClientContent {
            turns: turns.into_iter().collect(),
            turn_complete: Some(turn_complete),
        })
    }

    /// A `realtimeInput.audio` chunk of 16-bit little-endian mono PCM at `sample_rate` Hz
    /// (16 000 is native).
    pub fn realtime_audio(pcm: impl Into<Bytes>, sample_rate: u32) -> Self {
        Self::RealtimeInput(BidiGenerateContentRealtimeInput {
            audio: Some(Blob::new(format!("audio/pcm;rate={sample_rate}"), pcm)),
            ..BidiGenerateContentRealtimeInput::default()
        })
    }

    /// A `realtimeInput.video` frame (a JPEG or PNG image).
    pub fn realtime_video(frame: impl Into<Bytes>, mime_type: impl Into<String>) -> Self {
        Self::RealtimeInput(BidiGenerateContentRealtimeInput {
            video: Some(Blob::new(mime_type, frame)),
            ..BidiGenerateContentRealtimeInput::default()
        })
    }

    /// A `realtimeInput.text` message.
    pub fn realtime_text(text: impl Into<String>) -> Self {
        Self::RealtimeInput(BidiGenerateContentRealtimeInput {
            text: Some(text.into()),
            ..BidiGenerateContentRealtimeInput::default()
        })
    }

    /// `realtimeInput.audioStreamEnd`: the microphone paused (automatic VAD only).
    pub fn audio_stream_end() -> Self {
        Self::RealtimeInput(BidiGenerateContentRealtimeInput {
            audio_stream_end: Some(true),
            ..BidiGenerateContentRealtimeInput::default()
        })
    }

    /// `realtimeInput.activityStart` (manual VAD only).
    pub fn activity_start() -> Self {
        Self::RealtimeInput(BidiGenerateContentRealtimeInput {
            activity_start: Some(ActivityStart {}),
            ..BidiGenerateContentRealtimeInput::default()
        })
    }

    /// `realtimeInput.activityEnd` (manual VAD only).
    pub fn activity_end() -> Self {
        Self::RealtimeInput(BidiGenerateContentRealtimeInput {
            activity_end: Some(ActivityEnd {}),
            ..BidiGenerateContentRealtimeInput::default()
        })
    }

    /// A `toolResponse` message (each response's `id` must match its call's).
    pub fn tool_response(responses: impl IntoIterator<Item = FunctionResponse>) -> Self {
        Self::ToolResponse(BidiGenerateContentToolResponse {
            function_responses: responses.into_iter().collect(),
        })
    }

    /// The top-level key this message is encoded with.
    pub fn key(&self) -> &str {
        match self {
            Self::Setup(_) => "setup",
            Self::ClientContent(_) => "clientContent",
            Self::RealtimeInput(_) => "realtimeInput",
            Self::ToolResponse(_) => "toolResponse",
            Self::ContextUpdate(_) => "contextUpdate",
            Self::Unknown { key, .. } => key,
        }
    }
}

impl From<BidiGenerateContentSetup> for BidiGenerateContentClientMessage {
    fn from(s: BidiGenerateContentSetup) -> Self {
        Self::setup(s)
    }
}

impl Serialize for BidiGenerateContentClientMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Self::Setup(v) => map.serialize_entry("setup", v)?,
            Self::ClientContent(v) => map.serialize_entry("clientContent", v)?,
            Self::RealtimeInput(v) => map.serialize_entry("realtimeInput", v)?,
            Self::ToolResponse(v) => map.serialize_entry("toolResponse", v)?,
            Self::ContextUpdate(v) => map.serialize_entry("contextUpdate", v)?,
            Self::Unknown { key, value } => map.serialize_entry(key, value)?,
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for BidiGenerateContentClientMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BidiGenerateContentClientMessage;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Live client message object with exactly one key")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                type M = BidiGenerateContentClientMessage;
                let mut out: Option<M> = None;
                while let Some(key) = map.next_key::<String>()? {
                    let msg = match key.as_str() {
                        "setup" => M::Setup(Box::new(map.next_value()?)),
                        "clientContent" | "client_content" => M::ClientContent(map.next_value()?),
                        "realtimeInput" | "realtime_input" => M::RealtimeInput(map.next_value()?),
                        "toolResponse" | "tool_response" => M::ToolResponse(map.next_value()?),
                        "contextUpdate" | "context_update" => M::ContextUpdate(map.next_value()?),
                        _ => {
                            let value: Value = map.next_value()?;
                            #[cfg(gemini_strict_unknown)]
                            {
                                let _ = value;
                                return Err(de::Error::custom(format_args!(
                                    "strict-unknown: unknown Live client message `{key}`"
                                )));
                            }
                            #[allow(unreachable_code)]
                            M::Unknown { key, value }
                        }
                    };
                    if let Some(prev) = &out {
                        return Err(de::Error::custom(format_args!(
                            "a Live client message has exactly one key, got `{}` and `{}`",
                            prev.key(),
                            msg.key()
                        )));
                    }
                    out = Some(msg);
                }
                out.ok_or_else(|| de::Error::custom("empty Live client message"))
            }
        }
        deserializer.deserialize_map(V)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for BidiGenerateContentClientMessage {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "BidiGenerateContentClientMessage".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let setup = generator.subschema_for::<BidiGenerateContentSetup>();
        let content = generator.subschema_for::<BidiGenerateContentClientContent>();
        let realtime = generator.subschema_for::<BidiGenerateContentRealtimeInput>();
        let tool = generator.subschema_for::<BidiGenerateContentToolResponse>();
        let update = generator.subschema_for::<BidiGenerateContentContextUpdate>();
        schemars::json_schema!({
            "type": "object",
            "description": "Exactly one of these keys.",
            "properties": {
                "setup": setup,
                "clientContent": content,
                "realtimeInput": realtime,
                "toolResponse": tool,
                "contextUpdate": update
            },
            "minProperties": 1,
            "maxProperties": 1
        })
    }
}

/// `clientContent`: turns appended to the conversation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BidiGenerateContentClientContent {
    /// The turns (history, or the new user turn).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub turns: Vec<Content>,
    /// Whether the model should answer now (`false` only appends context).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "turn_complete"
    )]
    pub turn_complete: Option<bool>,
}

/// `realtimeInput`: one kind of streamed input per message.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BidiGenerateContentRealtimeInput {
    /// Deprecated form of `audio` / `video`.
    #[serde(default, skip_serializing_if = "Vec::is_empty", alias = "media_chunks")]
    pub media_chunks: Vec<Blob>,
    /// An audio chunk (`audio/pcm;rate=16000`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<Blob>,
    /// The audio stream paused for more than a second (flush cached audio).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "audio_stream_end"
    )]
    pub audio_stream_end: Option<bool>,
    /// A video frame (`image/jpeg`, `image/png`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<Blob>,
    /// Typed text, streamed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// User activity started (manual VAD).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "activity_start"
    )]
    pub activity_start: Option<ActivityStart>,
    /// User activity ended (manual VAD).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "activity_end"
    )]
    pub activity_end: Option<ActivityEnd>,
}

/// `realtimeInput.activityStart` (an empty object).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ActivityStart {}

/// `realtimeInput.activityEnd` (an empty object).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ActivityEnd {}

/// `toolResponse`: results of function calls.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BidiGenerateContentToolResponse {
    /// The responses; each `id` matches a `toolCall.functionCalls[].id`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "function_responses"
    )]
    pub function_responses: Vec<FunctionResponse>,
}

/// `contextUpdate` (newer): replaces the system instruction and tools mid-session.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BidiGenerateContentContextUpdate {
    /// The new system instruction.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "system_instruction"
    )]
    pub system_instruction: Option<Content>,
    /// The new tools (`{"tools": [...]}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<ContextUpdateTools>,
}

/// The `tools` wrapper of a context update.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ContextUpdateTools {
    /// The tools.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
}
