//! Live server messages: `BidiGenerateContentServerMessage` (one message key plus an optional
//! `usageMetadata` sibling) and its payloads.

use std::fmt;
use std::time::Duration;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{
    Blob, Content, FunctionCall, GroundingMetadata, ModalityTokenCount, ServiceTier, TrafficType,
    UrlContextMetadata,
};

/// A message from server to client.
///
/// The server sends one message key (`setupComplete`, `serverContent`, `toolCall`, ...) and
/// possibly a `usageMetadata` sibling. The key is decoded into [`ServerMessageType`]; any other
/// key, or a second message key, is kept in [`extra`](Self::extra) (or, when no known key is
/// present, becomes [`ServerMessageType::Unknown`]) and is re-encoded unchanged.
///
/// ```
/// use gemini_types::BidiGenerateContentServerMessage;
/// let m: BidiGenerateContentServerMessage = serde_json::from_str(
///     r#"{"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AAEC"}}]}}}"#,
/// ).unwrap();
/// assert_eq!(m.audio_chunks().next().unwrap().data.as_deref(), Some(&b"\x00\x01\x02"[..]));
///
/// let done: BidiGenerateContentServerMessage = serde_json::from_str(
///     r#"{"serverContent":{"turnComplete":true},"usageMetadata":{"responseTokenCount":96,"totalTokenCount":508}}"#,
/// ).unwrap();
/// assert!(done.is_turn_complete());
/// assert_eq!(done.usage_metadata.unwrap().response_token_count, Some(96));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct BidiGenerateContentServerMessage {
    /// The message (`oneof message_type`); `None` for a message carrying only `usageMetadata`.
    pub message_type: Option<ServerMessageType>,
    /// Token usage, which may accompany any message.
    pub usage_metadata: Option<LiveUsageMetadata>,
    /// Other top-level keys, kept verbatim.
    pub extra: Map<String, Value>,
}

/// The `message_type` oneof of a server message.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ServerMessageType {
    /// `setupComplete`: the session is ready.
    SetupComplete(BidiGenerateContentSetupComplete),
    /// `serverContent`: model output, transcriptions and turn signals.
    ServerContent(Box<BidiGenerateContentServerContent>),
    /// `toolCall`: functions the client must run.
    ToolCall(BidiGenerateContentToolCall),
    /// `toolCallCancellation`: calls cancelled by a user interruption.
    ToolCallCancellation(BidiGenerateContentToolCallCancellation),
    /// `goAway`: the connection will close soon.
    GoAway(GoAway),
    /// `sessionResumptionUpdate`: a new resumption handle.
    SessionResumptionUpdate(SessionResumptionUpdate),
    /// `voiceActivityDetectionSignal` (newer).
    VoiceActivityDetectionSignal(VoiceActivityDetectionSignal),
    /// `voiceActivity` (newer).
    VoiceActivity(VoiceActivity),
    /// A message kind this SDK does not know: its key and raw value.
    Unknown {
        /// The top-level key.
        key: String,
        /// Its value.
        value: Value,
    },
}

impl ServerMessageType {
    /// The top-level key of this message kind.
    pub fn key(&self) -> &str {
        match self {
            Self::SetupComplete(_) => "setupComplete",
            Self::ServerContent(_) => "serverContent",
            Self::ToolCall(_) => "toolCall",
            Self::ToolCallCancellation(_) => "toolCallCancellation",
            Self::GoAway(_) => "goAway",
            Self::SessionResumptionUpdate(_) => "sessionResumptionUpdate",
            Self::VoiceActivityDetectionSignal(_) => "voiceActivityDetectionSignal",
            Self::VoiceActivity(_) => "voiceActivity",
            Self::Unknown { key, .. } => key,
        }
    }
}

impl BidiGenerateContentServerMessage {
    /// A message of the given kind.
    pub fn new(message_type: ServerMessageType) -> Self {
        Self {
            message_type: Some(message_type),
            usage_metadata: None,
            extra: Map::new(),
        }
    }

    /// Whether this is `setupComplete`.
    pub fn is_setup_complete(&self) -> bool {
        matches!(self.message_type, Some(ServerMessageType::SetupComplete(_)))
    }

    /// The `serverContent` payload.
    pub fn server_content(&self) -> Option<&BidiGenerateContentServerContent> {
        match &self.message_type {
            Some(ServerMessageType::ServerContent(c)) => Some(c),
            _ => None,
        }
    }

    /// The `toolCall` payload.
    pub fn tool_call(&self) -> Option<&BidiGenerateContentToolCall> {
        match &self.message_type {
            Some(ServerMessageType::ToolCall(c)) => Some(c),
            _ => None,
        }
    }

    /// The function calls of a `toolCall` message (empty for other messages).
    pub fn function_calls(&self) -> &[FunctionCall] {
        self.tool_call()
            .map_or(&[], |c| c.function_calls.as_slice())
    }

    /// The `toolCallCancellation` payload.
    pub fn tool_call_cancellation(&self) -> Option<&BidiGenerateContentToolCallCancellation> {
        match &self.message_type {
            Some(ServerMessageType::ToolCallCancellation(c)) => Some(c),
            _ => None,
        }
    }

    /// The `goAway` payload.
    pub fn go_away(&self) -> Option<&GoAway> {
        match &self.message_type {
            Some(ServerMessageType::GoAway(g)) => Some(g),
            _ => None,
        }
    }

    /// The `sessionResumptionUpdate` payload.
    pub fn session_resumption_update(&self) -> Option<&SessionResumptionUpdate> {
        match &self.message_type {
            Some(ServerMessageType::SessionResumptionUpdate(u)) => Some(u),
            _ => None,
        }
    }

    /// The text of the model turn's non-thought text parts, concatenated (`None` when there is
    /// no model turn or no text).
    pub fn text(&self) -> Option<String> {
        let turn = self.server_content()?.model_turn.as_ref()?;
        let mut out = String::new();
        let mut any = false;
        for part in &turn.parts {
            if let (false, Some(t)) = (part.is_thought(), part.as_text()) {
                out.push_str(t);
                any = true;
            }
        }
        any.then_some(out)
    }

    /// The model turn's audio chunks (`inlineData` parts with an `audio/*` MIME type), in order.
    pub fn audio_chunks(&self) -> impl Iterator<Item = &Blob> {
        self.server_content()
            .and_then(|c| c.model_turn.as_ref())
            .into_iter()
            .flat_map(|turn| turn.parts.iter())
            .filter_map(|p| p.as_inline_data())
            .filter(|b| {
                b.mime_type
                    .as_deref()
                    .is_some_and(|m| m.starts_with("audio/"))
            })
    }

    /// The transcription of the user's audio, when this message carries some.
    pub fn input_transcription(&self) -> Option<&str> {
        self.server_content()?
            .input_transcription
            .as_ref()?
            .text
            .as_deref()
    }

    /// The transcription of the model's audio, when this message carries some.
    pub fn output_transcription(&self) -> Option<&str> {
        self.server_content()?
            .output_transcription
            .as_ref()?
            .text
            .as_deref()
    }

    /// Whether the model finished its turn.
    pub fn is_turn_complete(&self) -> bool {
        self.server_content()
            .is_some_and(|c| c.turn_complete == Some(true))
    }

    /// Whether the model finished generating (audio may still be playing).
    pub fn is_generation_complete(&self) -> bool {
        self.server_content()
            .is_some_and(|c| c.generation_complete == Some(true))
    }

    /// Whether the user interrupted the model (stop playback, drop queued audio).
    pub fn is_interrupted(&self) -> bool {
        self.server_content()
            .is_some_and(|c| c.interrupted == Some(true))
    }
}

impl Serialize for BidiGenerateContentServerMessage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match &self.message_type {
            Some(ServerMessageType::SetupComplete(v)) => map.serialize_entry("setupComplete", v)?,
            Some(ServerMessageType::ServerContent(v)) => map.serialize_entry("serverContent", v)?,
            Some(ServerMessageType::ToolCall(v)) => map.serialize_entry("toolCall", v)?,
            Some(ServerMessageType::ToolCallCancellation(v)) => {
                map.serialize_entry("toolCallCancellation", v)?;
            }
            Some(ServerMessageType::GoAway(v)) => map.serialize_entry("goAway", v)?,
            Some(ServerMessageType::SessionResumptionUpdate(v)) => {
                map.serialize_entry("sessionResumptionUpdate", v)?;
            }
            Some(ServerMessageType::VoiceActivityDetectionSignal(v)) => {
                map.serialize_entry("voiceActivityDetectionSignal", v)?;
            }
            Some(ServerMessageType::VoiceActivity(v)) => map.serialize_entry("voiceActivity", v)?,
            Some(ServerMessageType::Unknown { key, value }) => map.serialize_entry(key, value)?,
            None => {}
        }
        if let Some(u) = &self.usage_metadata {
            map.serialize_entry("usageMetadata", u)?;
        }
        for (k, v) in &self.extra {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for BidiGenerateContentServerMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BidiGenerateContentServerMessage;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Live server message object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                type T = ServerMessageType;
                let mut msg = BidiGenerateContentServerMessage::default();
                while let Some(key) = map.next_key::<String>()? {
                    let kind = match key.as_str() {
                        "usageMetadata" | "usage_metadata" => {
                            msg.usage_metadata = Some(map.next_value()?);
                            continue;
                        }
                        // A second message key (not expected from the server): kept raw rather
                        // than failing the whole frame.
                        k if msg.message_type.is_some() && is_message_key(k) => {
                            let value: Value = map.next_value()?;
                            msg.extra.insert(key, value);
                            continue;
                        }
                        "setupComplete" | "setup_complete" => T::SetupComplete(map.next_value()?),
                        "serverContent" | "server_content" => {
                            T::ServerContent(Box::new(map.next_value()?))
                        }
                        "toolCall" | "tool_call" => T::ToolCall(map.next_value()?),
                        "toolCallCancellation" | "tool_call_cancellation" => {
                            T::ToolCallCancellation(map.next_value()?)
                        }
                        "goAway" | "go_away" => T::GoAway(map.next_value()?),
                        "sessionResumptionUpdate" | "session_resumption_update" => {
                            T::SessionResumptionUpdate(map.next_value()?)
                        }
                        "voiceActivityDetectionSignal" | "voice_activity_detection_signal" => {
                            T::VoiceActivityDetectionSignal(map.next_value()?)
                        }
                        "voiceActivity" | "voice_activity" => T::VoiceActivity(map.next_value()?),
                        _ => {
                            let value: Value = map.next_value()?;
                            #[cfg(gemini_strict_unknown)]
                            {
                                let _ = value;
                                return Err(serde::de::Error::custom(format_args!(
                                    "strict-unknown: unknown Live server message key `{key}`"
                                )));
                            }
                            #[allow(unreachable_code)]
                            {
                                msg.extra.insert(key, value);
                                continue;
                            }
                        }
                    };
                    msg.message_type = Some(kind);
                }
                // No known kind but unknown keys: the first unknown key is the message.
                if msg.message_type.is_none() {
                    let first = msg.extra.keys().next().cloned();
                    if let Some(key) = first {
                        if let Some(value) = msg.extra.remove(&key) {
                            msg.message_type = Some(T::Unknown { key, value });
                        }
                    }
                }
                Ok(msg)
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// Whether `key` names a known server message kind (camelCase or snake_case).
fn is_message_key(key: &str) -> bool {
    matches!(
        key,
        "setupComplete"
            | "setup_complete"
            | "serverContent"
            | "server_content"
            | "toolCall"
            | "tool_call"
            | "toolCallCancellation"
            | "tool_call_cancellation"
            | "goAway"
            | "go_away"
            | "sessionResumptionUpdate"
            | "session_resumption_update"
            | "voiceActivityDetectionSignal"
            | "voice_activity_detection_signal"
            | "voiceActivity"
            | "voice_activity"
    )
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for BidiGenerateContentServerMessage {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "BidiGenerateContentServerMessage".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let setup = generator.subschema_for::<BidiGenerateContentSetupComplete>();
        let content = generator.subschema_for::<BidiGenerateContentServerContent>();
        let call = generator.subschema_for::<BidiGenerateContentToolCall>();
        let cancel = generator.subschema_for::<BidiGenerateContentToolCallCancellation>();
        let go_away = generator.subschema_for::<GoAway>();
        let resumption = generator.subschema_for::<SessionResumptionUpdate>();
        let vad = generator.subschema_for::<VoiceActivityDetectionSignal>();
        let activity = generator.subschema_for::<VoiceActivity>();
        let usage = generator.subschema_for::<LiveUsageMetadata>();
        schemars::json_schema!({
            "type": "object",
            "description": "One message key, plus an optional usageMetadata.",
            "properties": {
                "setupComplete": setup,
                "serverContent": content,
                "toolCall": call,
                "toolCallCancellation": cancel,
                "goAway": go_away,
                "sessionResumptionUpdate": resumption,
                "voiceActivityDetectionSignal": vad,
                "voiceActivity": activity,
                "usageMetadata": usage
            }
        })
    }
}

/// `setupComplete`: the session is ready for input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BidiGenerateContentSetupComplete {
    /// The session id (Vertex AI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
}

crate::open_enum! {
    /// Why a turn completed (`serverContent.turnCompleteReason`, newer).
    pub enum TurnCompleteReason {
        /// Unspecified.
        Unspecified = "TURN_COMPLETE_REASON_UNSPECIFIED",
        /// The model produced a malformed function call.
        MalformedFunctionCall = "MALFORMED_FUNCTION_CALL",
        /// The response was rejected.
        ResponseRejected = "RESPONSE_REJECTED",
        /// The model needs more input.
        NeedMoreInput = "NEED_MORE_INPUT",
        /// The input was prohibited.
        ProhibitedInputContent = "PROHIBITED_INPUT_CONTENT",
    }
}

/// `serverContent`: model output and turn signals.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BidiGenerateContentServerContent {
    /// A chunk of the model's turn (audio `inlineData` at 24 kHz, or text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_turn: Option<Content>,
    /// The model finished generating (audio may still be playing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_complete: Option<bool>,
    /// The model is done with the turn; the next user input is expected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn_complete: Option<bool>,
    /// The user barged in: stop playback and drop queued audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interrupted: Option<bool>,
    /// Grounding information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grounding_metadata: Option<GroundingMetadata>,
    /// Transcription of the user's audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_transcription: Option<BidiGenerateContentTranscription>,
    /// Transcription of the model's audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_transcription: Option<BidiGenerateContentTranscription>,
    /// URL context information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_context_metadata: Option<UrlContextMetadata>,
    /// Why the turn completed (newer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turn_complete_reason: Option<TurnCompleteReason>,
    /// The model waits for more input (newer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_for_input: Option<bool>,
}

/// A transcription fragment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BidiGenerateContentTranscription {
    /// The text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Whether this ends the transcription of the utterance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished: Option<bool>,
}

/// `toolCall`: functions the client must run; answer with a `toolResponse`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BidiGenerateContentToolCall {
    /// The calls (each with an `id`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub function_calls: Vec<FunctionCall>,
}

/// `toolCallCancellation`: calls cancelled because the user interrupted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BidiGenerateContentToolCallCancellation {
    /// The ids of the cancelled calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
}

/// `goAway`: the server will close the connection soon.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GoAway {
    /// Time left before the connection closes (`"50s"`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::duration"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub time_left: Option<Duration>,
}

/// `sessionResumptionUpdate`: store `newHandle` when `resumable` is true.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SessionResumptionUpdate {
    /// The handle to resume with (valid about 2 hours after the session ends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_handle: Option<String>,
    /// Whether the session can be resumed at this point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumable: Option<bool>,
    /// Index of the last client message included in the resumable state (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub last_consumed_client_message_index: Option<i64>,
}

impl SessionResumptionUpdate {
    /// The handle to store: `newHandle` when `resumable` is true and the handle non-empty.
    pub fn usable_handle(&self) -> Option<&str> {
        if self.resumable == Some(true) {
            self.new_handle.as_deref().filter(|h| !h.is_empty())
        } else {
            None
        }
    }
}

crate::open_enum! {
    /// A voice activity detection signal type.
    pub enum VadSignalType {
        /// Unspecified.
        Unspecified = "VAD_SIGNAL_TYPE_UNSPECIFIED",
        /// Start of speech.
        Sos = "VAD_SIGNAL_TYPE_SOS",
        /// End of speech.
        Eos = "VAD_SIGNAL_TYPE_EOS",
    }
}

/// `voiceActivityDetectionSignal` (newer).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VoiceActivityDetectionSignal {
    /// The signal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vad_signal_type: Option<VadSignalType>,
}

crate::open_enum! {
    /// A voice activity type.
    pub enum VoiceActivityType {
        /// Unspecified.
        Unspecified = "TYPE_UNSPECIFIED",
        /// Activity started.
        ActivityStart = "ACTIVITY_START",
        /// Activity ended.
        ActivityEnd = "ACTIVITY_END",
    }
}

/// `voiceActivity` (newer).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VoiceActivity {
    /// Start or end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_activity_type: Option<VoiceActivityType>,
    /// Offset of the event in the input audio (`"1.2s"`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::duration"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub audio_offset: Option<Duration>,
}

/// The Live API's `UsageMetadata`: like generateContent's, but with `responseTokenCount` /
/// `responseTokensDetails` instead of `candidatesTokenCount` / `candidatesTokensDetails`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LiveUsageMetadata {
    /// Prompt tokens (including cached ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_token_count: Option<i32>,
    /// Cached prompt tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_content_token_count: Option<i32>,
    /// Response tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_token_count: Option<i32>,
    /// Tool-use prompt tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_use_prompt_token_count: Option<i32>,
    /// Thinking tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thoughts_token_count: Option<i32>,
    /// All tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_token_count: Option<i32>,
    /// Prompt tokens per modality.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prompt_tokens_details: Vec<ModalityTokenCount>,
    /// Cached tokens per modality.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cache_tokens_details: Vec<ModalityTokenCount>,
    /// Response tokens per modality.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_tokens_details: Vec<ModalityTokenCount>,
    /// Tool-use prompt tokens per modality.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_use_prompt_tokens_details: Vec<ModalityTokenCount>,
    /// How the request was billed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_type: Option<TrafficType>,
    /// The service tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<ServiceTier>,
}
