//! Generation settings: GenerationConfig, ThinkingConfig, SpeechConfig, ImageConfig,
//! AudioTranscriptionConfig, Modality, MediaResolution (../shared/spec/API.md §4.4).

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::schema::Schema;
use crate::wire;

crate::open_enum! {
    /// A kind of input or output media (`responseModalities`, token-count details).
    pub enum Modality {
        /// Unspecified.
        Unspecified = "MODALITY_UNSPECIFIED",
        /// Text.
        Text = "TEXT",
        /// Images.
        Image = "IMAGE",
        /// Video.
        Video = "VIDEO",
        /// Audio.
        Audio = "AUDIO",
        /// Documents (PDF...).
        Document = "DOCUMENT",
    }
}

crate::open_enum! {
    /// The resolution at which input media is tokenized.
    pub enum MediaResolution {
        /// Unspecified.
        Unspecified = "MEDIA_RESOLUTION_UNSPECIFIED",
        /// Low (64 tokens per image).
        Low = "MEDIA_RESOLUTION_LOW",
        /// Medium (256 tokens per image).
        Medium = "MEDIA_RESOLUTION_MEDIUM",
        /// High (zoomed reframing, 256 tokens).
        High = "MEDIA_RESOLUTION_HIGH",
        /// Ultra high (per-part only, newer models).
        UltraHigh = "MEDIA_RESOLUTION_ULTRA_HIGH",
    }
}

crate::open_enum! {
    /// The thinking effort of Gemini 3-family models (`thinkingConfig.thinkingLevel`).
    pub enum ThinkingLevel {
        /// Unspecified.
        Unspecified = "THINKING_LEVEL_UNSPECIFIED",
        /// Minimal thinking.
        Minimal = "MINIMAL",
        /// Low.
        Low = "LOW",
        /// Medium.
        Medium = "MEDIUM",
        /// High.
        High = "HIGH",
        /// Extra high.
        XHigh = "XHIGH",
    }
}

/// Options for text, image, audio and structured output (`generationConfig`). All optional.
///
/// ```
/// use gemini_types::{GenerationConfig, ThinkingLevel};
/// let config = GenerationConfig::default()
///     .with_temperature(0.2)
///     .with_max_output_tokens(1024)
///     .with_thinking_level(ThinkingLevel::Low)
///     .with_include_thoughts(true);
/// let json = serde_json::to_value(&config).unwrap();
/// assert_eq!(json["maxOutputTokens"], 1024);
/// assert_eq!(json["thinkingConfig"]["thinkingLevel"], "LOW");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GenerationConfig {
    /// `candidateCount`: number of candidates to generate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "candidate_count",
        serialize_with = "wire::int32::serialize",
        deserialize_with = "wire::int32::deserialize"
    )]
    pub candidate_count: Option<i32>,
    /// `stopSequences`: up to 5 strings that stop generation.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "stop_sequences"
    )]
    pub stop_sequences: Vec<String>,
    /// `maxOutputTokens` (on thinking models, thinking tokens also consume this budget).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "max_output_tokens",
        serialize_with = "wire::int32::serialize",
        deserialize_with = "wire::int32::deserialize"
    )]
    pub max_output_tokens: Option<i32>,
    /// `temperature`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// `topP`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "top_p")]
    pub top_p: Option<f64>,
    /// `topK`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "top_k",
        serialize_with = "wire::int32::serialize",
        deserialize_with = "wire::int32::deserialize"
    )]
    pub top_k: Option<i32>,
    /// `seed`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::int32::serialize",
        deserialize_with = "wire::int32::deserialize"
    )]
    pub seed: Option<i32>,
    /// `presencePenalty`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "presence_penalty")]
    pub presence_penalty: Option<f64>,
    /// `frequencyPenalty`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "frequency_penalty")]
    pub frequency_penalty: Option<f64>,
    /// `responseLogprobs`: return `logprobsResult`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "response_logprobs")]
    pub response_logprobs: Option<bool>,
    /// `logprobs`: top-N alternatives per token (needs `responseLogprobs`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::int32::serialize",
        deserialize_with = "wire::int32::deserialize"
    )]
    pub logprobs: Option<i32>,
    /// `responseMimeType`: `text/plain`, `application/json` or `text/x.enum`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "response_mime_type")]
    pub response_mime_type: Option<String>,
    /// `responseSchema`: OpenAPI-subset schema (uppercase types).
    #[serde(skip_serializing_if = "Option::is_none", alias = "response_schema")]
    pub response_schema: Option<Schema>,
    /// `responseJsonSchema`: a real JSON Schema (exclusive with `responseSchema`).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "response_json_schema"
    )]
    pub response_json_schema: Option<Value>,
    /// `_responseJsonSchema`: the proto's older json name of the same field; prefer
    /// [`response_json_schema`](Self::response_json_schema).
    #[serde(
        rename = "_responseJsonSchema",
        skip_serializing_if = "Option::is_none"
    )]
    pub legacy_response_json_schema: Option<Value>,
    /// `responseModalities`: `TEXT`, `IMAGE`, `AUDIO`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "response_modalities"
    )]
    pub response_modalities: Vec<Modality>,
    /// `speechConfig`: voices for audio output.
    #[serde(skip_serializing_if = "Option::is_none", alias = "speech_config")]
    pub speech_config: Option<SpeechConfig>,
    /// `thinkingConfig`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "thinking_config")]
    pub thinking_config: Option<ThinkingConfig>,
    /// `imageConfig`: image-output options.
    #[serde(skip_serializing_if = "Option::is_none", alias = "image_config")]
    pub image_config: Option<ImageConfig>,
    /// `mediaResolution`: default resolution for input media.
    #[serde(skip_serializing_if = "Option::is_none", alias = "media_resolution")]
    pub media_resolution: Option<MediaResolution>,
    /// `enableEnhancedCivicAnswers` (Gemini API only).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "enable_enhanced_civic_answers"
    )]
    pub enable_enhanced_civic_answers: Option<bool>,
    /// `audioTranscriptionConfig` (newer).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "audio_transcription_config"
    )]
    pub audio_transcription_config: Option<AudioTranscriptionConfig>,
    /// `enableAffectiveDialog` (Live only).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "enable_affective_dialog"
    )]
    pub enable_affective_dialog: Option<bool>,
    /// `responseFormat` (newer; passed through as JSON).
    #[serde(skip_serializing_if = "Option::is_none", alias = "response_format")]
    pub response_format: Option<Value>,
    /// `translationConfig` (newer; passed through as JSON).
    #[serde(skip_serializing_if = "Option::is_none", alias = "translation_config")]
    pub translation_config: Option<Value>,
    /// `routingConfig` (Vertex AI only; passed through as JSON).
    #[serde(skip_serializing_if = "Option::is_none", alias = "routing_config")]
    pub routing_config: Option<Value>,
    /// `modelConfig` / model selection (Vertex AI only; passed through as JSON).
    #[serde(skip_serializing_if = "Option::is_none", alias = "model_config")]
    pub model_config: Option<Value>,
    /// `audioTimestamp` (Vertex AI only).
    #[serde(skip_serializing_if = "Option::is_none", alias = "audio_timestamp")]
    pub audio_timestamp: Option<bool>,
}

impl GenerationConfig {
    /// An empty configuration (every field unset).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `temperature`.
    #[must_use]
    pub fn with_temperature(mut self, v: f64) -> Self {
        self.temperature = Some(v);
        self
    }

    /// Sets `topP`.
    #[must_use]
    pub fn with_top_p(mut self, v: f64) -> Self {
        self.top_p = Some(v);
        self
    }

    /// Sets `topK`.
    #[must_use]
    pub fn with_top_k(mut self, v: i32) -> Self {
        self.top_k = Some(v);
        self
    }

    /// Sets `maxOutputTokens`.
    #[must_use]
    pub fn with_max_output_tokens(mut self, v: i32) -> Self {
        self.max_output_tokens = Some(v);
        self
    }

    /// Sets `candidateCount`.
    #[must_use]
    pub fn with_candidate_count(mut self, v: i32) -> Self {
        self.candidate_count = Some(v);
        self
    }

    /// Sets `seed`.
    #[must_use]
    pub fn with_seed(mut self, v: i32) -> Self {
        self.seed = Some(v);
        self
    }

    /// Sets `stopSequences`.
    #[must_use]
    pub fn with_stop_sequences<S: Into<String>>(mut self, v: impl IntoIterator<Item = S>) -> Self {
        self.stop_sequences = v.into_iter().map(Into::into).collect();
        self
    }

    /// Sets `presencePenalty`.
    #[must_use]
    pub fn with_presence_penalty(mut self, v: f64) -> Self {
        self.presence_penalty = Some(v);
        self
    }

    /// Sets `frequencyPenalty`.
    #[must_use]
    pub fn with_frequency_penalty(mut self, v: f64) -> Self {
        self.frequency_penalty = Some(v);
        self
    }

    /// Sets `responseLogprobs` and `logprobs` (top-N alternatives per token).
    #[must_use]
    pub fn with_logprobs(mut self, top_n: i32) -> Self {
        self.response_logprobs = Some(true);
        self.logprobs = Some(top_n);
        self
    }

    /// Sets `responseMimeType`.
    #[must_use]
    pub fn with_response_mime_type(mut self, v: impl Into<String>) -> Self {
        self.response_mime_type = Some(v.into());
        self
    }

    /// Structured output with an OpenAPI-subset schema: sets `responseSchema` and
    /// `responseMimeType: application/json`.
    #[must_use]
    pub fn with_response_schema(mut self, schema: Schema) -> Self {
        self.response_schema = Some(schema);
        self.response_mime_type = Some("application/json".to_owned());
        self
    }

    /// Structured output with a JSON Schema: sets `responseJsonSchema` and
    /// `responseMimeType: application/json`.
    #[must_use]
    pub fn with_response_json_schema(mut self, schema: Value) -> Self {
        self.response_json_schema = Some(schema);
        self.response_mime_type = Some("application/json".to_owned());
        self
    }

    /// Sets `responseModalities`.
    #[must_use]
    pub fn with_response_modalities(mut self, v: impl IntoIterator<Item = Modality>) -> Self {
        self.response_modalities = v.into_iter().collect();
        self
    }

    /// Sets `speechConfig`.
    #[must_use]
    pub fn with_speech_config(mut self, v: SpeechConfig) -> Self {
        self.speech_config = Some(v);
        self
    }

    /// Sets `thinkingConfig`.
    #[must_use]
    pub fn with_thinking_config(mut self, v: ThinkingConfig) -> Self {
        self.thinking_config = Some(v);
        self
    }

    /// Sets `thinkingConfig.thinkingBudget` (Gemini 2.5: `0` disables, `-1` dynamic).
    #[must_use]
    pub fn with_thinking_budget(mut self, budget: i32) -> Self {
        self.thinking_config
            .get_or_insert_with(ThinkingConfig::default)
            .thinking_budget = Some(budget);
        self
    }

    /// Sets `thinkingConfig.thinkingLevel` (Gemini 3).
    #[must_use]
    pub fn with_thinking_level(mut self, level: ThinkingLevel) -> Self {
        self.thinking_config
            .get_or_insert_with(ThinkingConfig::default)
            .thinking_level = Some(level);
        self
    }

    /// Sets `thinkingConfig.includeThoughts` (return thought summaries).
    #[must_use]
    pub fn with_include_thoughts(mut self, include: bool) -> Self {
        self.thinking_config
            .get_or_insert_with(ThinkingConfig::default)
            .include_thoughts = Some(include);
        self
    }

    /// Sets `imageConfig`.
    #[must_use]
    pub fn with_image_config(mut self, v: ImageConfig) -> Self {
        self.image_config = Some(v);
        self
    }

    /// Sets `mediaResolution`.
    #[must_use]
    pub fn with_media_resolution(mut self, v: MediaResolution) -> Self {
        self.media_resolution = Some(v);
        self
    }
}

/// Thinking options (`thinkingConfig`). Send either a budget or a level, not both.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ThinkingConfig {
    /// `includeThoughts`: return thought summaries as parts with `thought: true`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "include_thoughts")]
    pub include_thoughts: Option<bool>,
    /// `thinkingBudget`: token budget (Gemini 2.5; `0` disables, `-1` dynamic).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "thinking_budget",
        serialize_with = "wire::int32::serialize",
        deserialize_with = "wire::int32::deserialize"
    )]
    pub thinking_budget: Option<i32>,
    /// `thinkingLevel` (Gemini 3).
    #[serde(skip_serializing_if = "Option::is_none", alias = "thinking_level")]
    pub thinking_level: Option<ThinkingLevel>,
}

impl ThinkingConfig {
    /// A config with the given level.
    pub fn level(level: ThinkingLevel) -> Self {
        Self {
            thinking_level: Some(level),
            ..Self::default()
        }
    }

    /// A config with the given budget.
    pub fn budget(budget: i32) -> Self {
        Self {
            thinking_budget: Some(budget),
            ..Self::default()
        }
    }

    /// Sets `includeThoughts`.
    #[must_use]
    pub fn with_include_thoughts(mut self, include: bool) -> Self {
        self.include_thoughts = Some(include);
        self
    }
}

/// Voices for audio output (`speechConfig`). `voiceConfig` and `multiSpeakerVoiceConfig` are
/// mutually exclusive.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SpeechConfig {
    /// `voiceConfig`: a single voice.
    #[serde(skip_serializing_if = "Option::is_none", alias = "voice_config")]
    pub voice_config: Option<VoiceConfig>,
    /// `multiSpeakerVoiceConfig`: one voice per speaker.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "multi_speaker_voice_config"
    )]
    pub multi_speaker_voice_config: Option<MultiSpeakerVoiceConfig>,
    /// `languageCode`, e.g. `en-US`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "language_code")]
    pub language_code: Option<String>,
}

impl SpeechConfig {
    /// A single prebuilt voice, e.g. `SpeechConfig::voice("Kore")`.
    pub fn voice(voice_name: impl Into<String>) -> Self {
        Self {
            voice_config: Some(VoiceConfig::prebuilt(voice_name)),
            ..Self::default()
        }
    }

    /// Sets `languageCode` (`en-US`, `de-DE`, ...).
    #[must_use]
    pub fn with_language_code(mut self, code: impl Into<String>) -> Self {
        self.language_code = Some(code.into());
        self
    }

    /// One prebuilt voice per speaker: `[("Joe", "Puck"), ("Jane", "Kore")]`.
    pub fn multi_speaker<S: Into<String>, V: Into<String>>(
        speakers: impl IntoIterator<Item = (S, V)>,
    ) -> Self {
        Self {
            multi_speaker_voice_config: Some(MultiSpeakerVoiceConfig {
                speaker_voice_configs: speakers
                    .into_iter()
                    .map(|(s, v)| SpeakerVoiceConfig {
                        speaker: Some(s.into()),
                        voice_config: Some(VoiceConfig::prebuilt(v)),
                    })
                    .collect(),
            }),
            ..Self::default()
        }
    }
}

/// The voice to use (`voiceConfig`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VoiceConfig {
    /// `prebuiltVoiceConfig`: one of the prebuilt voices.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "prebuilt_voice_config"
    )]
    pub prebuilt_voice_config: Option<PrebuiltVoiceConfig>,
    /// `replicatedVoiceConfig`: a voice cloned from a sample (newer).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "replicated_voice_config"
    )]
    pub replicated_voice_config: Option<ReplicatedVoiceConfig>,
    /// `voice`: a voice name (newer).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
}

impl VoiceConfig {
    /// A prebuilt voice by name (`Kore`, `Puck`, ...).
    pub fn prebuilt(voice_name: impl Into<String>) -> Self {
        Self {
            prebuilt_voice_config: Some(PrebuiltVoiceConfig {
                voice_name: Some(voice_name.into()),
            }),
            ..Self::default()
        }
    }
}

/// A prebuilt voice (`prebuiltVoiceConfig`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PrebuiltVoiceConfig {
    /// `voiceName`, e.g. `Kore`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "voice_name")]
    pub voice_name: Option<String>,
}

/// A voice replicated from an audio sample (`replicatedVoiceConfig`, newer).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReplicatedVoiceConfig {
    /// `mimeType` of the samples.
    #[serde(skip_serializing_if = "Option::is_none", alias = "mime_type")]
    pub mime_type: Option<String>,
    /// `voiceSampleAudio` (base64 on the wire).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::base64_bytes::serialize",
        deserialize_with = "wire::base64_bytes::deserialize",
        alias = "voice_sample_audio"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub voice_sample_audio: Option<Bytes>,
    /// `consentAudio` (base64 on the wire).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::base64_bytes::serialize",
        deserialize_with = "wire::base64_bytes::deserialize",
        alias = "consent_audio"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub consent_audio: Option<Bytes>,
}

/// One voice per speaker (`multiSpeakerVoiceConfig`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MultiSpeakerVoiceConfig {
    /// `speakerVoiceConfigs`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "speaker_voice_configs"
    )]
    pub speaker_voice_configs: Vec<SpeakerVoiceConfig>,
}

/// The voice of one speaker (`speakerVoiceConfigs[]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SpeakerVoiceConfig {
    /// `speaker`: the name used in the prompt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// `voiceConfig`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "voice_config")]
    pub voice_config: Option<VoiceConfig>,
}

/// Image-output options (`imageConfig`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ImageConfig {
    /// `aspectRatio`: `"1:1"`, `"16:9"`, ...
    #[serde(skip_serializing_if = "Option::is_none", alias = "aspect_ratio")]
    pub aspect_ratio: Option<String>,
    /// `imageSize`: `"1K"`, `"2K"`, `"4K"`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "image_size")]
    pub image_size: Option<String>,
    /// `personGeneration` (Vertex AI only).
    #[serde(skip_serializing_if = "Option::is_none", alias = "person_generation")]
    pub person_generation: Option<String>,
    /// `outputMimeType` (Vertex AI only).
    #[serde(skip_serializing_if = "Option::is_none", alias = "output_mime_type")]
    pub output_mime_type: Option<String>,
    /// `outputCompressionQuality` (Vertex AI only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "output_compression_quality",
        serialize_with = "wire::int32::serialize",
        deserialize_with = "wire::int32::deserialize"
    )]
    pub output_compression_quality: Option<i32>,
    /// `prominentPeople` (Vertex AI only).
    #[serde(skip_serializing_if = "Option::is_none", alias = "prominent_people")]
    pub prominent_people: Option<String>,
    /// `imageOutputOptions` (Vertex AI only; passed through as JSON).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "image_output_options"
    )]
    pub image_output_options: Option<Value>,
}

impl ImageConfig {
    /// An image config with an aspect ratio (`"16:9"`).
    pub fn aspect_ratio(ratio: impl Into<String>) -> Self {
        Self {
            aspect_ratio: Some(ratio.into()),
            ..Self::default()
        }
    }

    /// Sets `imageSize` (`"1K"`, `"2K"`, `"4K"`).
    #[must_use]
    pub fn with_image_size(mut self, size: impl Into<String>) -> Self {
        self.image_size = Some(size.into());
        self
    }
}

/// Audio transcription options (`audioTranscriptionConfig` in GenerationConfig, and the Live
/// API's `inputAudioTranscription` / `outputAudioTranscription`, which are usually `{}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AudioTranscriptionConfig {
    /// `languageCodes`: expected languages (BCP-47).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "language_codes"
    )]
    pub language_codes: Vec<String>,
    /// `diarization`: label speakers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diarization: Option<bool>,
    /// `wordTimestamp`: per-word timestamps.
    #[serde(skip_serializing_if = "Option::is_none", alias = "word_timestamp")]
    pub word_timestamp: Option<bool>,
    /// `mode` (newer; kept as its wire string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn snake_case_aliases_and_one_or_many() {
        let c: GenerationConfig = serde_json::from_value(json!({
            "max_output_tokens": 10,
            "response_mime_type": "application/json",
            "stop_sequences": "END",
            "responseModalities": "TEXT",
            "thinking_config": {"include_thoughts": true, "thinking_budget": 0, "thinking_level": "HIGH"},
            "response_schema": {"type": "OBJECT", "required": ["a"]}
        }))
        .unwrap();
        assert_eq!(c.max_output_tokens, Some(10));
        assert_eq!(c.stop_sequences, ["END"]);
        assert_eq!(c.response_modalities, [Modality::Text]);
        let t = c.thinking_config.as_ref().unwrap();
        assert_eq!(t.thinking_level, Some(ThinkingLevel::High));
        let back = serde_json::to_value(&c).unwrap();
        assert_eq!(back["maxOutputTokens"], 10);
        assert_eq!(back["thinkingConfig"]["includeThoughts"], true);
        assert_eq!(back["responseSchema"]["type"], "OBJECT");
    }

    #[test]
    fn speech_config_helpers() {
        let s = SpeechConfig::multi_speaker([("Joe", "Puck"), ("Jane", "Kore")]);
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            json!({"multiSpeakerVoiceConfig": {"speakerVoiceConfigs": [
                {"speaker": "Joe", "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Puck"}}},
                {"speaker": "Jane", "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}}
            ]}})
        );
        let c = GenerationConfig::new()
            .with_response_json_schema(json!({"type": "object"}))
            .with_speech_config(SpeechConfig::voice("Kore"));
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["responseMimeType"], "application/json");
        assert_eq!(
            v["speechConfig"]["voiceConfig"]["prebuiltVoiceConfig"]["voiceName"],
            "Kore"
        );
    }

    #[test]
    fn empty_config_is_empty_object() {
        assert_eq!(
            serde_json::to_string(&GenerationConfig::default()).unwrap(),
            "{}"
        );
        let c: GenerationConfig = serde_json::from_str(r#"{"imageConfig":{}}"#).unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"imageConfig":{}}"#);
    }
}
