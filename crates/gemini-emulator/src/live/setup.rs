//! The `setup` message: strict parsing, the model check and the settings the session runs by.

use gemini_types::BidiGenerateContentSetup;
use serde_json::Value;

use super::Close;
use crate::catalogue::ModelSpec;
use crate::state::State;
use crate::validate::{content_extras, parse_strict_under};

/// What a session needs from its setup.
#[derive(Debug, Clone)]
pub(crate) struct Setup {
    /// The canonical (camelCase) setup.
    pub(crate) raw: Value,
    pub(crate) model: ModelSpec,
    /// Replies are audio (`AUDIO`) rather than text.
    pub(crate) audio_out: bool,
    /// `sessionResumption` is present: the session sends resumption updates.
    pub(crate) resumption: bool,
    /// The handle to resume from.
    pub(crate) handle: Option<String>,
    pub(crate) input_transcription: bool,
    pub(crate) output_transcription: bool,
    /// `automaticActivityDetection.disabled`: turns are delimited by activityStart/End.
    pub(crate) manual_activity: bool,
    /// The start of user activity interrupts the model (not `NO_INTERRUPTION`).
    pub(crate) interrupts: bool,
    /// Silence that ends a spoken turn with automatic activity detection.
    pub(crate) silence_ms: u64,
    /// `contextWindowCompression.slidingWindow`: `(triggerTokens, targetTokens)`.
    pub(crate) compression: Option<(u64, u64)>,
}

/// The silence that ends a spoken turn when the setup does not say.
const DEFAULT_SILENCE_MS: u64 = 500;

/// The generic 1007 reason of the real service.
pub(crate) const INVALID_ARGUMENT: &str = "Request contains an invalid argument.";

fn int64(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Checks a `setup` (the value under the `setup` key) strictly and gives its canonical
/// (camelCase) JSON. Unknown fields close with 1007 and the real proto-JSON message (`Invalid
/// JSON payload received. Unknown name "x" at 'setup.generation_config': Cannot find field.`).
pub(crate) fn canonical(value: &Value) -> Result<Value, Close> {
    parse_strict_under::<BidiGenerateContentSetup>(value, "setup", |s, u| {
        if let Some(si) = &s.system_instruction {
            content_extras(si, "system_instruction", u);
        }
    })
    .map(|(_, raw)| raw)
    .map_err(|e| Close::invalid(e.message))
}

/// The settings a session runs by, from a canonical setup, for API version `version`.
///
/// A model that does not exist or does not serve `bidiGenerateContent`, or is not given by its
/// full `models/...` name, closes with 1008 and the real not-found message; a missing model or
/// more than one response modality with 1007. Without `responseModalities`, native-audio
/// models answer in audio and the others in text.
pub(crate) fn settings(state: &State, raw: Value, version: &str) -> Result<Setup, Close> {
    let Some(model_name) = raw
        .get("model")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty())
    else {
        return Err(Close::invalid(
            "Invalid resource field value in the request.",
        ));
    };
    // The real reason names the model as sent: a bare id (the Live API wants the full name)
    // is not found either.
    let not_found = || {
        Close::policy(format!(
            "{model_name} is not found for API version {version}, or is not supported for \
             bidiGenerateContent. Call ListModels to see the list of available models and their \
             supported methods."
        ))
    };
    let Some(id) = model_name.strip_prefix("models/") else {
        return Err(not_found());
    };
    let model = state
        .config
        .catalogue
        .resolve(id)
        .filter(|m| m.supports("bidiGenerateContent"))
        .ok_or_else(not_found)?
        .into_owned();
    let modalities: Vec<String> = raw
        .pointer("/generationConfig/responseModalities")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let audio_out = match modalities.as_slice() {
        [] => id.contains("native-audio"),
        [one] if one == "AUDIO" => true,
        [one] if one == "TEXT" => false,
        _ => return Err(Close::invalid(INVALID_ARGUMENT)),
    };
    let vad = raw.pointer("/realtimeInputConfig/automaticActivityDetection");
    let compression = raw.get("contextWindowCompression").map(|c| {
        let target = int64(c.pointer("/slidingWindow/targetTokens"));
        let trigger = int64(c.get("triggerTokens"))
            .unwrap_or_else(|| u64::from(model_input_limit(&model)) * 8 / 10);
        (trigger, target.unwrap_or(trigger / 2).min(trigger))
    });
    Ok(Setup {
        audio_out,
        resumption: raw.get("sessionResumption").is_some(),
        handle: raw
            .pointer("/sessionResumption/handle")
            .and_then(Value::as_str)
            .filter(|h| !h.is_empty())
            .map(str::to_owned),
        input_transcription: raw.get("inputAudioTranscription").is_some(),
        output_transcription: raw.get("outputAudioTranscription").is_some(),
        manual_activity: vad
            .and_then(|v| v.get("disabled"))
            .and_then(Value::as_bool)
            .unwrap_or(false),
        interrupts: raw
            .pointer("/realtimeInputConfig/activityHandling")
            .and_then(Value::as_str)
            != Some("NO_INTERRUPTION"),
        silence_ms: vad
            .and_then(|v| int64(v.get("silenceDurationMs")))
            .unwrap_or(DEFAULT_SILENCE_MS),
        compression,
        model,
        raw,
    })
}

/// The model's `inputTokenLimit` (the Live default when the resource has none).
pub(crate) fn model_input_limit(model: &ModelSpec) -> u32 {
    model
        .resource()
        .get("inputTokenLimit")
        .and_then(Value::as_u64)
        .map_or(131_072, |n| n as u32)
}
