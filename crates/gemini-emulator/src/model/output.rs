//! What a `generateContent` answer is made of, by model and `generationConfig`: text, text and
//! pictures (image-output models, `responseModalities` with `IMAGE`, `imageConfig`), or speech
//! (TTS models, `responseModalities: ["AUDIO"]`, `speechConfig`).
//!
//! * Text models accept `responseModalities` `["TEXT"]` only.
//! * Image-output models (`gemini-*-image*`) answer text and one PNG per candidate by default
//!   (`["TEXT", "IMAGE"]`), the PNG alone with `["IMAGE"]`, text alone with `["TEXT"]`. The
//!   picture is drawn from the prompt ([`media::picture`]); `imageConfig.aspectRatio` (one of
//!   [`media::ASPECT_RATIOS`]) and `imageSize` (`1K`, and `2K` or `4K` on Gemini 3 image
//!   models) set its size.
//! * TTS models (`*-tts*`) accept `["AUDIO"]` only and answer one `inlineData` part of 24 kHz
//!   16-bit mono PCM (`audio/L16;codec=pcm;rate=24000`) speaking the last user text
//!   ([`media::speech`]); a stream sends it a second of audio a chunk. `speechConfig.voiceConfig` names one prebuilt voice (default
//!   `Kore`); `multiSpeakerVoiceConfig` names exactly two speakers with distinct names, and a
//!   line of the prompt starting `Name:` is spoken by that speaker's voice.
//!
//! A combination the model does not accept is the real `400 INVALID_ARGUMENT`.

use base64::Engine as _;
use serde_json::{Value, json};

use super::media;
use crate::catalogue::ModelSpec;
use crate::errors::ApiError;

/// Output tokens billed for one generated picture (what the real image models report).
pub(crate) const IMAGE_TOKENS: u32 = 1290;
/// Output tokens billed per second of generated speech.
pub(crate) const AUDIO_TOKENS_PER_SECOND: f64 = 32.0;

/// The kind of answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Text (or function calls), as before.
    Text,
    /// A picture per candidate of `width` × `height`, after the text when `text`.
    Image { text: bool, width: u32, height: u32 },
    /// Speech: the default voice, and `(speaker, voice)` pairs for multi-speaker speech.
    Speech {
        voice: &'static str,
        speakers: Vec<(String, &'static str)>,
    },
}

/// What kind of output a model produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Image,
    Speech,
}

fn kind(model: &ModelSpec) -> Kind {
    let id = model.id();
    if id.ends_with("-tts") || id.contains("-tts-") {
        Kind::Speech
    } else if id.starts_with("gemini-") && id.contains("-image") {
        Kind::Image
    } else {
        Kind::Text
    }
}

fn modalities_error(model: &ModelSpec, asked: &[String], accepted: &[&str]) -> ApiError {
    let mut message = format!(
        "The requested combination of response modalities ({}) is not supported by the model. \
         models/{} accepts the following combination of response modalities:\n",
        asked.join(", "),
        model.id()
    );
    for a in accepted {
        message.push_str("* ");
        message.push_str(a);
        message.push('\n');
    }
    ApiError::invalid_argument(message)
}

/// The plan for `config` (a canonical `generationConfig`) on `model`, or the real 400.
pub(crate) fn plan(model: &ModelSpec, config: &Value) -> Result<Plan, ApiError> {
    let mut asked: Vec<String> = config
        .get("responseModalities")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter(|m| *m != "MODALITY_UNSPECIFIED")
                .map(str::to_ascii_uppercase)
                .collect()
        })
        .unwrap_or_default();
    asked.dedup();
    let has = |m: &str| asked.iter().any(|a| a == m);
    let kind = kind(model);
    let shown = if asked.is_empty() {
        vec!["TEXT".to_owned()]
    } else {
        asked.clone()
    };
    match kind {
        Kind::Text => {
            if asked.iter().any(|m| m != "TEXT") {
                return Err(modalities_error(model, &shown, &["TEXT"]));
            }
            if config.get("speechConfig").is_some() {
                return Err(ApiError::invalid_argument(format!(
                    "Speech generation is not supported by models/{}: use a TTS model with \
                     responseModalities [\"AUDIO\"].",
                    model.id()
                )));
            }
            Ok(Plan::Text)
        }
        Kind::Image => {
            if asked.iter().any(|m| m != "TEXT" && m != "IMAGE") {
                return Err(modalities_error(
                    model,
                    &shown,
                    &["TEXT, IMAGE", "IMAGE", "TEXT"],
                ));
            }
            let (width, height) = image_size(model, config)?;
            if asked.is_empty() || has("IMAGE") {
                Ok(Plan::Image {
                    text: asked.is_empty() || has("TEXT"),
                    width,
                    height,
                })
            } else {
                Ok(Plan::Text)
            }
        }
        Kind::Speech => {
            if asked != ["AUDIO"] {
                return Err(modalities_error(model, &shown, &["AUDIO"]));
            }
            speech_plan(config.get("speechConfig"))
        }
    }
}

/// The picture size `imageConfig` asks for (`imageSize` other than `1K` needs a Gemini 3
/// image model).
fn image_size(model: &ModelSpec, config: &Value) -> Result<(u32, u32), ApiError> {
    let image = config.get("imageConfig");
    let ratio = image
        .and_then(|c| c.get("aspectRatio"))
        .and_then(Value::as_str)
        .unwrap_or("1:1");
    if !media::ASPECT_RATIOS.contains(&ratio) {
        return Err(ApiError::invalid_argument(format!(
            "* GenerateContentRequest.generation_config.image_config.aspect_ratio: Unsupported \
             aspect ratio {ratio:?}; supported: {}.\n",
            media::ASPECT_RATIOS.join(", ")
        )));
    }
    let size = image
        .and_then(|c| c.get("imageSize"))
        .and_then(Value::as_str)
        .unwrap_or("1K");
    if size != "1K" && model.id().starts_with("gemini-2") {
        return Err(ApiError::invalid_argument(format!(
            "* GenerateContentRequest.generation_config.image_config.image_size: models/{} \
             supports only the 1K image size, got {size:?}.\n",
            model.id()
        )));
    }
    if !matches!(size, "1K" | "2K" | "4K") {
        return Err(ApiError::invalid_argument(format!(
            "* GenerateContentRequest.generation_config.image_config.image_size: Unsupported \
             image size {size:?}; supported: 1K, 2K, 4K.\n"
        )));
    }
    media::image_size(ratio, size).ok_or_else(|| ApiError::invalid_argument("bad aspect ratio"))
}

/// The voice a `voiceConfig` names.
fn voice_of(voice_config: Option<&Value>, field: &str) -> Result<&'static str, ApiError> {
    let Some(name) = voice_config
        .and_then(|v| v.pointer("/prebuiltVoiceConfig/voiceName"))
        .and_then(Value::as_str)
    else {
        return Ok("Kore");
    };
    media::voice(name).ok_or_else(|| {
        ApiError::invalid_argument(format!(
            "* GenerateContentRequest.generation_config.speech_config.{field}.prebuilt_voice_config.voice_name: \
             Voice {name:?} is not a prebuilt voice.\n"
        ))
    })
}

fn speech_plan(speech: Option<&Value>) -> Result<Plan, ApiError> {
    let voice_config = speech.and_then(|s| s.get("voiceConfig"));
    let multi = speech.and_then(|s| s.get("multiSpeakerVoiceConfig"));
    if voice_config.is_some() && multi.is_some() {
        return Err(ApiError::invalid_argument(
            "* GenerateContentRequest.generation_config.speech_config: voice_config and \
             multi_speaker_voice_config are mutually exclusive: set only one of them.\n",
        ));
    }
    let voice = voice_of(voice_config, "voice_config")?;
    let mut speakers = Vec::new();
    if let Some(multi) = multi {
        let configs = multi
            .get("speakerVoiceConfigs")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        if configs.len() != 2 {
            return Err(ApiError::invalid_argument(format!(
                "* GenerateContentRequest.generation_config.speech_config.multi_speaker_voice_config.speaker_voice_configs: \
                 Multi-speaker speech needs exactly 2 speakers, got {}.\n",
                configs.len()
            )));
        }
        for (i, c) in configs.iter().enumerate() {
            let field = format!("multi_speaker_voice_config.speaker_voice_configs[{i}]");
            let speaker = c
                .get("speaker")
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| {
                    ApiError::invalid_argument(format!(
                        "* GenerateContentRequest.generation_config.speech_config.{field}.speaker: \
                         speaker is not specified\n"
                    ))
                })?;
            if speakers.iter().any(|(s, _)| s == speaker) {
                return Err(ApiError::invalid_argument(format!(
                    "* GenerateContentRequest.generation_config.speech_config.{field}.speaker: \
                     Speaker {speaker:?} is named twice.\n"
                )));
            }
            if c.pointer("/voiceConfig/prebuiltVoiceConfig/voiceName")
                .is_none()
            {
                return Err(ApiError::invalid_argument(format!(
                    "* GenerateContentRequest.generation_config.speech_config.{field}.voice_config: \
                     voice_config is not specified\n"
                )));
            }
            let v = voice_of(c.get("voiceConfig"), &format!("{field}.voice_config"))?;
            speakers.push((speaker.to_owned(), v));
        }
    }
    let voice = speakers.first().map_or(voice, |(_, v)| *v);
    Ok(Plan::Speech { voice, speakers })
}

/// An `inlineData` part of `mime` holding `bytes`.
fn inline(mime: &str, bytes: &[u8]) -> Value {
    json!({"inlineData": {
        "mimeType": mime,
        "data": base64::engine::general_purpose::STANDARD.encode(bytes),
    }})
}

/// The picture part for `prompt` (candidate `index` gets its own picture).
pub(crate) fn image_part(
    prompt: &str,
    index: usize,
    width: u32,
    height: u32,
) -> Result<Value, ApiError> {
    let seed = if index == 0 {
        prompt.to_owned()
    } else {
        format!("{prompt} ({index})")
    };
    let png = media::png(&seed, width, height)
        .map_err(|e| ApiError::new(500, format!("The picture could not be encoded: {e}")))?;
    Ok(inline("image/png", &png))
}

/// Speech: the whole `inlineData` part, the parts a stream sends it in (one second of audio
/// each), and its output tokens.
#[derive(Debug, Clone)]
pub(crate) struct Speech {
    pub(crate) part: Value,
    pub(crate) pieces: Vec<Value>,
    pub(crate) tokens: u32,
}

/// The speech for `text` under `plan` (a [`Plan::Speech`]).
pub(crate) fn speech_part(plan: &Plan, text: &str) -> Speech {
    let (voice, speakers) = match plan {
        Plan::Speech { voice, speakers } => (*voice, speakers.as_slice()),
        _ => ("Kore", &[][..]),
    };
    let lines: Vec<(&str, &str)> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            speakers
                .iter()
                .find_map(|(name, v)| {
                    line.trim_start()
                        .strip_prefix(name.as_str())
                        .and_then(|rest| rest.trim_start().strip_prefix(':'))
                        .map(|rest| (*v, rest))
                })
                .unwrap_or((voice, line))
        })
        .collect();
    let pcm = media::speech(&lines);
    let tokens = (media::speech_seconds(pcm.len()) * AUDIO_TOKENS_PER_SECOND).ceil() as u32;
    let second = 2 * media::SPEECH_RATE as usize;
    Speech {
        part: inline(media::SPEECH_MIME, &pcm),
        pieces: pcm
            .chunks(second)
            .map(|c| inline(media::SPEECH_MIME, c))
            .collect(),
        tokens: tokens.max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;

    fn model(id: &str) -> ModelSpec {
        Catalogue::realistic().resolve(id).unwrap().into_owned()
    }

    #[test]
    fn modalities_by_model() {
        let text = model("gemini-2.5-flash");
        assert_eq!(plan(&text, &json!({})).unwrap(), Plan::Text);
        assert_eq!(
            plan(&text, &json!({"responseModalities": ["TEXT"]})).unwrap(),
            Plan::Text
        );
        let e = plan(&text, &json!({"responseModalities": ["TEXT", "IMAGE"]})).unwrap_err();
        assert_eq!(e.code, 400);
        assert!(e.message.contains("(TEXT, IMAGE)"), "{}", e.message);

        let image = model("gemini-2.5-flash-image");
        assert_eq!(
            plan(&image, &json!({})).unwrap(),
            Plan::Image {
                text: true,
                width: 96,
                height: 96
            }
        );
        let only = plan(
            &image,
            &json!({"responseModalities": ["IMAGE"], "imageConfig": {"aspectRatio": "16:9"}}),
        )
        .unwrap();
        assert_eq!(
            only,
            Plan::Image {
                text: false,
                width: 96,
                height: 54
            }
        );
        let e = plan(&image, &json!({"imageConfig": {"aspectRatio": "7:3"}})).unwrap_err();
        assert!(e.message.contains("aspect_ratio"), "{}", e.message);
        assert!(plan(&image, &json!({"responseModalities": ["AUDIO"]})).is_err());
        let e = plan(&image, &json!({"imageConfig": {"imageSize": "2K"}})).unwrap_err();
        assert!(e.message.contains("1K"), "{}", e.message);
        let pro = model("gemini-3-pro-image-preview");
        assert_eq!(
            plan(
                &pro,
                &json!({"imageConfig": {"imageSize": "2K", "aspectRatio": "4:3"}})
            )
            .unwrap(),
            Plan::Image {
                text: true,
                width: 192,
                height: 144
            }
        );
        assert!(plan(&pro, &json!({"imageConfig": {"imageSize": "8K"}})).is_err());

        let tts = model("gemini-2.5-flash-preview-tts");
        let e = plan(&tts, &json!({})).unwrap_err();
        assert!(e.message.contains("* AUDIO"), "{}", e.message);
        let p = plan(&tts, &json!({"responseModalities": ["AUDIO"]})).unwrap();
        assert_eq!(
            p,
            Plan::Speech {
                voice: "Kore",
                speakers: vec![]
            }
        );
    }

    #[test]
    fn speech_config_is_validated() {
        let tts = model("gemini-2.5-flash-preview-tts");
        let cfg = |speech: Value| json!({"responseModalities": ["AUDIO"], "speechConfig": speech});
        let voice = |v: &str| json!({"prebuiltVoiceConfig": {"voiceName": v}});
        let p = plan(&tts, &cfg(json!({"voiceConfig": voice("puck")}))).unwrap();
        assert!(matches!(p, Plan::Speech { voice: "Puck", .. }));
        assert!(plan(&tts, &cfg(json!({"voiceConfig": voice("Nobody")}))).is_err());
        let two = json!({"speakerVoiceConfigs": [
            {"speaker": "Joe", "voiceConfig": voice("Puck")},
            {"speaker": "Jane", "voiceConfig": voice("Kore")},
        ]});
        let p = plan(&tts, &cfg(json!({"multiSpeakerVoiceConfig": two}))).unwrap();
        let speech = speech_part(&p, "Joe: Hello\nJane: Hi there");
        let part = speech.part;
        assert!(speech.tokens > 0);
        assert_eq!(speech.pieces.len(), 1);
        assert_eq!(part["inlineData"]["mimeType"], media::SPEECH_MIME);
        let joe_only = media::speech(&[("Puck", " Hello"), ("Kore", " Hi there")]);
        let data = base64::engine::general_purpose::STANDARD
            .decode(part["inlineData"]["data"].as_str().unwrap())
            .unwrap();
        assert_eq!(data, joe_only);
        for bad in [
            json!({"voiceConfig": voice("Kore"), "multiSpeakerVoiceConfig": two}),
            json!({"multiSpeakerVoiceConfig": {"speakerVoiceConfigs": [
                {"speaker": "Joe", "voiceConfig": voice("Puck")}]}}),
            json!({"multiSpeakerVoiceConfig": {"speakerVoiceConfigs": [
                {"speaker": "Joe", "voiceConfig": voice("Puck")},
                {"speaker": "Joe", "voiceConfig": voice("Kore")}]}}),
            json!({"multiSpeakerVoiceConfig": {"speakerVoiceConfigs": [
                {"speaker": "Joe", "voiceConfig": voice("Puck")},
                {"speaker": "Ann"}]}}),
        ] {
            let e = plan(&tts, &cfg(bad.clone())).unwrap_err();
            assert_eq!(e.code, 400, "{bad}");
        }
    }
}
