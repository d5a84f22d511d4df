//! The Live session configuration: the `setup` client message and its sub-configs.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{AudioTranscriptionConfig, Content, GenerationConfig, SafetySetting, Tool};

/// The first client message of a Live session (`{"setup": {...}}`); also the constraint object of
/// an ephemeral token (`bidiGenerateContentSetup`, without the `setup` wrapper).
///
/// ```
/// use gemini_types::{BidiGenerateContentSetup, ContextWindowCompressionConfig, Modality};
/// let setup = BidiGenerateContentSetup::new("gemini-2.5-flash-native-audio-preview-09-2025")
///     .with_response_modalities([Modality::Audio])
///     .with_system_instruction("You are terse.")
///     .with_session_resumption(None)
///     .with_context_window_compression(ContextWindowCompressionConfig::sliding_window(25_600, 12_800))
///     .with_input_audio_transcription()
///     .with_output_audio_transcription();
/// let v = serde_json::to_value(&setup).unwrap();
/// assert_eq!(v["model"], "models/gemini-2.5-flash-native-audio-preview-09-2025");
/// assert_eq!(v["contextWindowCompression"]["triggerTokens"], "25600");
/// assert_eq!(v["sessionResumption"], serde_json::json!({}));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BidiGenerateContentSetup {
    /// The full model name, `models/...` (required).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Generation settings; Live honours `responseModalities` (exactly one of TEXT or AUDIO),
    /// `temperature`, `topP`, `topK`, `maxOutputTokens`, `seed`, `mediaResolution`,
    /// `speechConfig`, `thinkingConfig`, `enableAffectiveDialog`, `translationConfig`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "generation_config"
    )]
    pub generation_config: Option<GenerationConfig>,
    /// The system instruction.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "system_instruction"
    )]
    pub system_instruction: Option<Content>,
    /// Tools (function declarations, Google Search, code execution).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    /// Voice activity detection and interruption behaviour.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "realtime_input_config"
    )]
    pub realtime_input_config: Option<RealtimeInputConfig>,
    /// Session resumption: `{}` to enable, `{"handle": ...}` to resume.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "session_resumption"
    )]
    pub session_resumption: Option<SessionResumptionConfig>,
    /// Context window compression (for sessions longer than the context window).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "context_window_compression"
    )]
    pub context_window_compression: Option<ContextWindowCompressionConfig>,
    /// Transcribe the user's audio (`{}` to enable).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "input_audio_transcription"
    )]
    pub input_audio_transcription: Option<AudioTranscriptionConfig>,
    /// Transcribe the model's audio (`{}` to enable).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "output_audio_transcription"
    )]
    pub output_audio_transcription: Option<AudioTranscriptionConfig>,
    /// Proactive audio (native-audio models, v1alpha).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proactivity: Option<ProactivityConfig>,
    /// History handling (newer).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "history_config"
    )]
    pub history_config: Option<HistoryConfig>,
    /// Safety settings (newer).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "safety_settings"
    )]
    pub safety_settings: Vec<SafetySetting>,
    /// Avatar configuration (newer), kept as raw JSON.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "avatar_config"
    )]
    pub avatar_config: Option<Value>,
    /// Explicit VAD signals (Vertex AI only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "explicit_vad_signal"
    )]
    pub explicit_vad_signal: Option<bool>,
}

impl BidiGenerateContentSetup {
    /// A setup for `model`; a bare id gets the `models/` prefix the Live API requires.
    pub fn new(model: impl Into<String>) -> Self {
        let model = model.into();
        let model = if model.starts_with("models/") || model.starts_with("tunedModels/") {
            model
        } else {
            format!("models/{model}")
        };
        Self {
            model: Some(model),
            ..Self::default()
        }
    }

    /// Sets the generation config.
    #[must_use]
    pub fn with_generation_config(mut self, config: GenerationConfig) -> Self {
        self.generation_config = Some(config);
        self
    }

    /// Sets `generationConfig.responseModalities` (Live allows exactly one of TEXT or AUDIO).
    #[must_use]
    pub fn with_response_modalities(
        mut self,
        modalities: impl IntoIterator<Item = crate::Modality>,
    ) -> Self {
        self.generation_config
            .get_or_insert_with(GenerationConfig::default)
            .response_modalities = modalities.into_iter().collect();
        self
    }

    /// Sets the system instruction.
    #[must_use]
    pub fn with_system_instruction(mut self, instruction: impl Into<Content>) -> Self {
        self.system_instruction = Some(instruction.into());
        self
    }

    /// Adds a tool.
    #[must_use]
    pub fn with_tool(mut self, tool: Tool) -> Self {
        self.tools.push(tool);
        self
    }

    /// Sets the realtime input config.
    #[must_use]
    pub fn with_realtime_input_config(mut self, config: RealtimeInputConfig) -> Self {
        self.realtime_input_config = Some(config);
        self
    }

    /// Enables session resumption; `Some(handle)` resumes a previous session.
    #[must_use]
    pub fn with_session_resumption(mut self, handle: Option<String>) -> Self {
        self.session_resumption = Some(SessionResumptionConfig {
            handle,
            transparent: None,
        });
        self
    }

    /// Sets context window compression.
    #[must_use]
    pub fn with_context_window_compression(
        mut self,
        config: ContextWindowCompressionConfig,
    ) -> Self {
        self.context_window_compression = Some(config);
        self
    }

    /// Enables transcription of the user's audio.
    #[must_use]
    pub fn with_input_audio_transcription(mut self) -> Self {
        self.input_audio_transcription = Some(AudioTranscriptionConfig::default());
        self
    }

    /// Enables transcription of the model's audio.
    #[must_use]
    pub fn with_output_audio_transcription(mut self) -> Self {
        self.output_audio_transcription = Some(AudioTranscriptionConfig::default());
        self
    }

    /// Enables proactive audio.
    #[must_use]
    pub fn with_proactive_audio(mut self, enabled: bool) -> Self {
        self.proactivity = Some(ProactivityConfig {
            proactive_audio: Some(enabled),
        });
        self
    }

    /// Sets `generationConfig.enableAffectiveDialog` (native-audio models).
    #[must_use]
    pub fn with_affective_dialog(mut self, enabled: bool) -> Self {
        self.generation_config
            .get_or_insert_with(GenerationConfig::default)
            .enable_affective_dialog = Some(enabled);
        self
    }
}

crate::open_enum! {
    /// What happens when the user starts speaking while the model talks.
    pub enum ActivityHandling {
        /// Unspecified (defaults to interrupting).
        Unspecified = "ACTIVITY_HANDLING_UNSPECIFIED",
        /// The start of user activity interrupts the model (barge-in).
        StartOfActivityInterrupts = "START_OF_ACTIVITY_INTERRUPTS",
        /// The model is not interrupted.
        NoInterruption = "NO_INTERRUPTION",
    }
}

crate::open_enum! {
    /// Which input belongs to a user turn.
    pub enum TurnCoverage {
        /// Unspecified (defaults to only activity).
        Unspecified = "TURN_COVERAGE_UNSPECIFIED",
        /// Only input during detected activity.
        TurnIncludesOnlyActivity = "TURN_INCLUDES_ONLY_ACTIVITY",
        /// All input since the last turn.
        TurnIncludesAllInput = "TURN_INCLUDES_ALL_INPUT",
    }
}

crate::open_enum! {
    /// How readily speech start is detected.
    pub enum StartSensitivity {
        /// Unspecified (defaults to high).
        Unspecified = "START_SENSITIVITY_UNSPECIFIED",
        /// Detects speech start more often.
        High = "START_SENSITIVITY_HIGH",
        /// Detects speech start less often.
        Low = "START_SENSITIVITY_LOW",
    }
}

crate::open_enum! {
    /// How readily speech end is detected.
    pub enum EndSensitivity {
        /// Unspecified (defaults to high).
        Unspecified = "END_SENSITIVITY_UNSPECIFIED",
        /// Ends speech more often.
        High = "END_SENSITIVITY_HIGH",
        /// Ends speech less often.
        Low = "END_SENSITIVITY_LOW",
    }
}

/// Realtime input handling.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RealtimeInputConfig {
    /// Server-side voice activity detection.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "automatic_activity_detection"
    )]
    pub automatic_activity_detection: Option<AutomaticActivityDetection>,
    /// Interruption behaviour.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "activity_handling"
    )]
    pub activity_handling: Option<ActivityHandling>,
    /// Turn coverage.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "turn_coverage"
    )]
    pub turn_coverage: Option<TurnCoverage>,
}

impl RealtimeInputConfig {
    /// Disables automatic activity detection (the client sends `activityStart` /
    /// `activityEnd`).
    pub fn manual_activity() -> Self {
        Self {
            automatic_activity_detection: Some(AutomaticActivityDetection {
                disabled: Some(true),
                ..AutomaticActivityDetection::default()
            }),
            ..Self::default()
        }
    }
}

/// Server-side voice activity detection settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AutomaticActivityDetection {
    /// Turn detection off (the client signals activity itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// Speech start sensitivity.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "start_of_speech_sensitivity"
    )]
    pub start_of_speech_sensitivity: Option<StartSensitivity>,
    /// Audio kept before detected speech start, in milliseconds.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "prefix_padding_ms",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub prefix_padding_ms: Option<i32>,
    /// Speech end sensitivity.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "end_of_speech_sensitivity"
    )]
    pub end_of_speech_sensitivity: Option<EndSensitivity>,
    /// Silence that ends speech, in milliseconds.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "silence_duration_ms",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub silence_duration_ms: Option<i32>,
}

/// Session resumption: `{}` enables it, `{"handle": ...}` resumes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SessionResumptionConfig {
    /// The `newHandle` of a previous session's last `sessionResumptionUpdate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    /// Transparent resumption (Vertex AI only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transparent: Option<bool>,
}

/// Context window compression: when the context reaches `triggerTokens`, it is cut down to
/// `slidingWindow.targetTokens`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ContextWindowCompressionConfig {
    /// The sliding-window mechanism (`oneof compression_mechanism`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "sliding_window"
    )]
    pub sliding_window: Option<SlidingWindow>,
    /// Context size that triggers compression (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64",
        alias = "trigger_tokens"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub trigger_tokens: Option<i64>,
}

impl ContextWindowCompressionConfig {
    /// Sliding-window compression from `trigger_tokens` down to `target_tokens`.
    pub fn sliding_window(trigger_tokens: i64, target_tokens: i64) -> Self {
        Self {
            sliding_window: Some(SlidingWindow {
                target_tokens: Some(target_tokens),
            }),
            trigger_tokens: Some(trigger_tokens),
        }
    }
}

/// The sliding-window compression mechanism.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SlidingWindow {
    /// Context size to keep after compression (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64",
        alias = "target_tokens"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub target_tokens: Option<i64>,
}

/// Proactivity settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ProactivityConfig {
    /// Let the model decide not to answer irrelevant input.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "proactive_audio"
    )]
    pub proactive_audio: Option<bool>,
}

/// History settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HistoryConfig {
    /// The first `clientContent` seeds the history (sent before any realtime input).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "initial_history_in_client_content"
    )]
    pub initial_history_in_client_content: Option<bool>,
}
