//! Imagen: `POST /{v}/models/{imagen-model}:predict` (`../shared/spec/API.md` section 14.1).
//!
//! One instance with a `prompt`; `parameters` as the Gemini API takes them:
//!
//! * `sampleCount` 1 to 4 (default 4): that many pictures, each drawn from the prompt
//!   ([`crate::model::media::picture`]; sample `i > 0` from the prompt and its number), 96 pixels
//!   on the long side (192 with `sampleImageSize: "2K"`) in the `aspectRatio` (`1:1`, `3:4`,
//!   `4:3`, `9:16`, `16:9`);
//! * `outputOptions.mimeType` `image/png` (default) or `image/jpeg` (with
//!   `compressionQuality`, default 75);
//! * `personGeneration` `dont_allow` or `allow_adult`, `safetySetting`
//!   `block_low_and_above`, `block_medium_and_above` or `block_only_high`, in either case;
//!   `allow_all` and `block_none` are refused, as on the Gemini API;
//! * `language`: `auto`, `en`, `ja`, `ko`, `hi`, `zh`, `pt`, `es`;
//! * `includeRaiReason`, `includeSafetyAttributes`, `guidanceScale`.
//!
//! The Vertex-only parameters (`storageUri`, `negativePrompt`, `seed`, `addWatermark`,
//! `labels`, `enhancePrompt`) and image editing (`instances[].image`) get `400
//! INVALID_ARGUMENT`; any other unknown field gets the usual unknown-field error.
//!
//! **Filtering.** A prompt containing `[filtered]` (any case) has its last sample filtered by
//! the "responsible AI" checks: with `includeRaiReason` the sample is a prediction holding only
//! `raiFilteredReason`, without it the sample is left out (as the real service does).
//!
//! **Safety attributes.** With `includeSafetyAttributes`, every picture carries
//! `safetyAttributes` (`categories` and `scores`, derived from the prompt), and a last
//! prediction with `contentType: "Positive Prompt"` carries the prompt's own.
//!
//! Answer: `{"predictions": [{"bytesBase64Encoded", "mimeType"}, ...]}` (an answer whose
//! samples were all filtered out silently is `{}`).

use base64::Engine as _;
use gemini_types::{ImagenInstance, ImagenParameters, PredictRequest};
use serde_json::{Map, Value, json};

use crate::errors::ApiError;
use crate::model::hash::hash64;
use crate::model::media;
use crate::resources::models::find_model;
use crate::resources::{Call, Handler};
use crate::respond::Payload;
use crate::validate::parse_strict;

/// The Imagen RPC.
pub(crate) const HANDLERS: &[(&str, Handler)] = &[("predict", predict)];

/// The prompt marker that makes the last sample filtered (Imagen) or one video filtered (Veo).
pub(crate) const FILTER_MARKER: &str = "[filtered]";

/// The reason given for a filtered sample.
pub(crate) const RAI_REASON: &str = "Unable to show generated images. All images were filtered \
     out because they violated Google's Responsible AI practices. You will not be charged for \
     blocked images. Try rephrasing the prompt. If you think this was an error, send feedback. \
     Support codes: 39322892";

/// Imagen parameters the Gemini API refuses (Vertex AI only): wire name and snake_case alias.
const IMAGEN_VERTEX_ONLY: &[(&str, &str)] = &[
    ("storageUri", "storage_uri"),
    ("negativePrompt", "negative_prompt"),
    ("seed", "seed"),
    ("addWatermark", "add_watermark"),
    ("labels", "labels"),
    ("enhancePrompt", "enhance_prompt"),
];

const ASPECT_RATIOS: &[&str] = &["1:1", "3:4", "4:3", "9:16", "16:9"];
const LANGUAGES: &[&str] = &["auto", "en", "ja", "ko", "hi", "zh", "pt", "es"];

/// Whether `prompt` asks to be filtered ([`FILTER_MARKER`]).
pub(crate) fn asks_to_be_filtered(prompt: &str) -> bool {
    prompt.to_ascii_lowercase().contains(FILTER_MARKER)
}

/// `400 INVALID_ARGUMENT` for the first of `names` present in `params` (`what` names the
/// request field holding them).
pub(crate) fn reject_vertex_only(
    params: &Value,
    names: &[(&str, &str)],
    what: &str,
) -> Result<(), ApiError> {
    for (camel, snake) in names {
        if params.get(camel).is_some() || params.get(snake).is_some() {
            return Err(ApiError::invalid_argument(format!(
                "* {what}.{snake}: {camel} is not supported in the Gemini API (it is a Vertex AI \
                 parameter).\n"
            )));
        }
    }
    Ok(())
}

/// `value` checked (without regard to case) against `allowed`; `refused` values get their own
/// message. Returns the lowercase value.
pub(crate) fn one_of(
    value: Option<&str>,
    allowed: &[&str],
    refused: &[&str],
    field: &str,
) -> Result<Option<String>, ApiError> {
    let Some(v) = value else { return Ok(None) };
    let lower = v.to_ascii_lowercase();
    if refused.contains(&lower.as_str()) {
        return Err(ApiError::invalid_argument(format!(
            "* {field}: {v} is not supported in the Gemini API.\n"
        )));
    }
    if !allowed.contains(&lower.as_str()) {
        return Err(ApiError::invalid_argument(format!(
            "* {field}: Unsupported value {v:?}; supported: {}.\n",
            allowed.join(", ")
        )));
    }
    Ok(Some(lower))
}

/// The one instance of a predict request, or the real 400.
pub(crate) fn single_instance<'a>(canonical: &'a Value, what: &str) -> Result<&'a Value, ApiError> {
    match canonical
        .get("instances")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([one]) => Ok(one),
        None | Some([]) => Err(ApiError::invalid_argument(format!(
            "* {what}.instances: instances is not specified\n"
        ))),
        Some(more) => Err(ApiError::invalid_argument(format!(
            "* {what}.instances: exactly one instance is supported per request, got {}\n",
            more.len()
        ))),
    }
}

fn predict(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    find_model(call, "predict")?;
    let (_, canonical) = parse_strict::<PredictRequest>(&body, |_, _| {})?;
    let instance = single_instance(&canonical, "PredictRequest")?;
    let (instance, _) = parse_strict::<ImagenInstance>(instance, |_, _| {})?;
    if instance.image.is_some() {
        return Err(ApiError::invalid_argument(
            "* PredictRequest.instances[0].image: Image editing is not supported in the Gemini \
             API.\n",
        ));
    }
    let prompt = instance
        .prompt
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            ApiError::invalid_argument(
                "* PredictRequest.instances[0].prompt: prompt is not specified\n",
            )
        })?;
    let params = canonical
        .get("parameters")
        .cloned()
        .unwrap_or_else(|| json!({}));
    reject_vertex_only(&params, IMAGEN_VERTEX_ONLY, "PredictRequest.parameters")?;
    let (p, _) = parse_strict::<ImagenParameters>(&params, |_, _| {})?;
    let field = |f: &str| format!("PredictRequest.parameters.{f}");
    let count = p.sample_count.unwrap_or(4);
    if !(1..=4).contains(&count) {
        return Err(ApiError::invalid_argument(format!(
            "* {}: must be in the range [1, 4], got {count}\n",
            field("sample_count")
        )));
    }
    let ratio = p.aspect_ratio.as_deref().unwrap_or("1:1");
    if !ASPECT_RATIOS.contains(&ratio) {
        return Err(ApiError::invalid_argument(format!(
            "* {}: Unsupported aspect ratio {ratio:?}; supported: {}.\n",
            field("aspect_ratio"),
            ASPECT_RATIOS.join(", ")
        )));
    }
    one_of(
        p.person_generation.as_deref(),
        &["dont_allow", "allow_adult"],
        &["allow_all"],
        &field("person_generation"),
    )?;
    one_of(
        p.safety_setting.as_deref(),
        &[
            "block_low_and_above",
            "block_medium_and_above",
            "block_only_high",
        ],
        &["block_none"],
        &field("safety_setting"),
    )?;
    one_of(p.language.as_deref(), LANGUAGES, &[], &field("language"))?;
    let size = p.sample_image_size.as_deref().unwrap_or("1K");
    if !matches!(size, "1K" | "2K") {
        return Err(ApiError::invalid_argument(format!(
            "* {}: Unsupported image size {size:?}; supported: 1K, 2K.\n",
            field("sample_image_size")
        )));
    }
    let options = p.output_options.unwrap_or_default();
    let mime = options.mime_type.as_deref().unwrap_or("image/png");
    if !matches!(mime, "image/png" | "image/jpeg") {
        return Err(ApiError::invalid_argument(format!(
            "* {}: Unsupported MIME type {mime:?}; supported: image/png, image/jpeg.\n",
            field("output_options.mime_type")
        )));
    }
    let quality = options.compression_quality.unwrap_or(75);
    if !(0..=100).contains(&quality) {
        return Err(ApiError::invalid_argument(format!(
            "* {}: must be in the range [0, 100], got {quality}\n",
            field("output_options.compression_quality")
        )));
    }
    let (width, height) = media::image_size(ratio, size)
        .ok_or_else(|| ApiError::invalid_argument("Unsupported aspect ratio."))?;
    let filtered = asks_to_be_filtered(prompt);
    let rai = p.include_rai_reason == Some(true);
    let safety = p.include_safety_attributes == Some(true);
    let mut predictions = Vec::new();
    for i in 0..count as usize {
        if filtered && i + 1 == count as usize {
            if rai {
                predictions.push(json!({"raiFilteredReason": RAI_REASON}));
            }
            continue;
        }
        let seed = if i == 0 {
            prompt.to_owned()
        } else {
            format!("{prompt} ({i})")
        };
        let bytes = if mime == "image/jpeg" {
            media::jpeg(&seed, width, height, quality.max(1) as u8)
                .map_err(|e| ApiError::new(500, format!("The picture could not be encoded: {e}")))?
        } else {
            media::png(&seed, width, height)
                .map_err(|e| ApiError::new(500, format!("The picture could not be encoded: {e}")))?
        };
        let mut prediction = Map::new();
        prediction.insert(
            "bytesBase64Encoded".into(),
            json!(base64::engine::general_purpose::STANDARD.encode(&bytes)),
        );
        prediction.insert("mimeType".into(), json!(mime));
        if safety {
            prediction.insert("safetyAttributes".into(), safety_attributes(&seed));
        }
        predictions.push(Value::Object(prediction));
    }
    if safety {
        predictions.push(json!({
            "safetyAttributes": safety_attributes(prompt),
            "contentType": "Positive Prompt",
        }));
    }
    let mut out = Map::new();
    if !predictions.is_empty() {
        out.insert("predictions".into(), Value::Array(predictions));
    }
    Ok(Payload::Unary(Value::Object(out)))
}

/// `{"categories", "scores"}` for `text`: two categories with small scores from its hash.
fn safety_attributes(text: &str) -> Value {
    const CATEGORIES: &[&str] = &[
        "Death, Harm & Tragedy",
        "Firearms & Weapons",
        "Health",
        "Politics",
        "Religion & Belief",
        "Violence",
    ];
    let h = hash64(0x5afe, text.as_bytes());
    let first = (h % CATEGORIES.len() as u64) as usize;
    let second = (first + 1 + (h >> 8) as usize % (CATEGORIES.len() - 1)) % CATEGORIES.len();
    let score = |bits: u64| ((bits % 100) as f64 / 1000.0 * 10.0).round() / 10.0 + 0.1;
    json!({
        "categories": [CATEGORIES[first], CATEGORIES[second]],
        "scores": [score(h >> 16), score(h >> 24)],
    })
}
