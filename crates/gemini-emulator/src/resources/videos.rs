//! Veo: `POST /{v}/models/{veo-model}:predictLongRunning` (`../shared/spec/API.md` section
//! 14.2) starts an operation `models/{model}/operations/{id}` ([`crate::lro`]) that is done
//! after [`EmulatorBuilder::video_generation_time`](crate::EmulatorBuilder::video_generation_time)
//! by the emulator's clock. Its response is a `PredictLongRunningResponse`:
//! `generateVideoResponse.generatedSamples[].video.uri` names a generated file
//! (`files/{id}` with the operation's id, then new ids for more samples) whose download
//! (`files/{id}:download?alt=media`) is redirected, as the real service does it, to the MP4
//! ([`crate::model::mp4`]: uncompressed frames of a picture drawn from the prompt, 32 × 18
//! pixels for `16:9`, 18 × 32 for `9:16`, 8 frames a second). The files appear when the
//! operation is done and expire 48 hours later.
//!
//! One instance with a `prompt` (or an `image`), and the inputs the Gemini API takes:
//!
//! * `image` (image-to-video) and `lastFrame` (which needs `image`): inline
//!   `bytesBase64Encoded` PNG, JPEG or WebP with its `mimeType`; `gcsUri` is refused;
//! * `referenceImages`: at most three, each an inline image with `referenceType` `asset` or
//!   `style` (either case), not together with `image` or `video`;
//! * `video` (extension): the `uri` of a video this emulator generated; the answer is that
//!   video's length plus 7 seconds (at most 148). Inline `encodedVideo` is refused, as on the
//!   Gemini API.
//!
//! `parameters`: `sampleCount` 1 to 4 (default 1), `durationSeconds` 4 to 8 (default 8),
//! `aspectRatio` `16:9` (default) or `9:16`, `resolution` `720p` or `1080p` (which needs 8
//! seconds; extension needs `720p`), `personGeneration` `allow_all`, `allow_adult` or
//! `dont_allow`, `negativePrompt`, `enhancePrompt`. The Vertex-only parameters (`storageUri`,
//! `fps`, `seed`, `pubsubTopic`, `generateAudio`, `mask`, `compressionQuality`, `labels`,
//! `resizeMode`) get `400 INVALID_ARGUMENT`.
//!
//! **Filtering.** A prompt containing `[filtered]` (any case) has its last sample filtered:
//! it is left out of `generatedSamples` and counted in `raiMediaFilteredCount` with its reason
//! in `raiMediaFilteredReasons`.

use std::fmt::Write as _;
use std::time::Duration;

use base64::Engine as _;
use gemini_types::{MediaImage, PredictLongRunningRequest, VeoInstance, VeoParameters};
use serde_json::json;

use crate::errors::ApiError;
use crate::lro::{self, Operation, Outcome};
use crate::model::hash::hash64;
use crate::model::mp4;
use crate::resources::files::{self, FileState, NewFile, Source};
use crate::resources::models::find_model;
use crate::resources::predict::{asks_to_be_filtered, one_of, reject_vertex_only, single_instance};
use crate::resources::{Call, Handler, base_url};
use crate::respond::Payload;
use crate::validate::parse_strict;

/// The Veo RPC.
pub(crate) const HANDLERS: &[(&str, Handler)] = &[("predictLongRunning", predict_long_running)];

const WHAT: &str = "PredictLongRunningRequest";
const RESPONSE_TYPE: &str =
    "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse";
/// The reason given for a filtered video.
const RAI_REASON: &str = "Unable to generate a video: it was filtered out by Google's \
     Responsible AI practices. Try rephrasing the prompt. Support codes: 58061214";

/// Veo parameters the Gemini API refuses (Vertex AI only).
const VEO_VERTEX_ONLY: &[(&str, &str)] = &[
    ("storageUri", "storage_uri"),
    ("fps", "fps"),
    ("seed", "seed"),
    ("pubsubTopic", "pubsub_topic"),
    ("generateAudio", "generate_audio"),
    ("mask", "mask"),
    ("compressionQuality", "compression_quality"),
    ("labels", "labels"),
    ("resizeMode", "resize_mode"),
];

/// The longest extended video.
const MAX_SECONDS: u32 = 148;
/// What an extension adds.
const EXTENSION_SECONDS: u32 = 7;

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::invalid_argument(format!("* {WHAT}.{field}: {message}\n"))
}

/// Checks an inline image input; returns its decoded bytes.
fn check_image(image: &MediaImage, field: &str) -> Result<Vec<u8>, ApiError> {
    if image.gcs_uri.is_some() {
        return Err(invalid(
            &format!("{field}.gcs_uri"),
            "gcsUri is not supported in the Gemini API: send the image inline \
             (bytesBase64Encoded).",
        ));
    }
    let data = image
        .bytes_base64_encoded
        .as_deref()
        .ok_or_else(|| invalid(field, "the image has no bytesBase64Encoded"))?;
    let mime = image.mime_type.as_deref().unwrap_or("");
    if !matches!(mime, "image/png" | "image/jpeg" | "image/webp") {
        return Err(invalid(
            &format!("{field}.mime_type"),
            &format!(
                "Unsupported image MIME type {mime:?}; supported: image/png, image/jpeg, image/webp."
            ),
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(data.trim()))
        .map_err(|_| {
            invalid(
                &format!("{field}.bytes_base64_encoded"),
                "is not valid base64",
            )
        })?;
    let magic_ok = match mime {
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => bytes.starts_with(&[0xff, 0xd8, 0xff]),
        _ => bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
    };
    if !magic_ok {
        return Err(invalid(
            &format!("{field}.bytes_base64_encoded"),
            &format!("The image could not be decoded as {mime}."),
        ));
    }
    Ok(bytes)
}

/// The length in seconds of the generated video `uri` names (for an extension).
fn source_video_seconds(call: &Call<'_>, uri: &str) -> Result<u32, ApiError> {
    let name = files::file_name_in(uri).ok_or_else(|| {
        invalid(
            "instances[0].video.uri",
            &format!("{uri:?} does not name a video generated by Veo."),
        )
    })?;
    let content = files::read(call.state, call.now(), &name)?;
    let seconds = content
        .bytes
        .as_deref()
        .and_then(mp4::duration_seconds)
        .filter(|_| content.state == FileState::Active)
        .ok_or_else(|| {
            invalid(
                "instances[0].video.uri",
                &format!("{name} is not a video generated by Veo."),
            )
        })?;
    Ok(seconds)
}

fn predict_long_running(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    let model = find_model(call, "predictLongRunning")?;
    let (_, canonical) = parse_strict::<PredictLongRunningRequest>(&body, |_, _| {})?;
    let instance = single_instance(&canonical, WHAT)?;
    reject_vertex_only(
        instance,
        &[("mask", "mask")],
        &format!("{WHAT}.instances[0]"),
    )?;
    let (inst, _) = parse_strict::<VeoInstance>(instance, |_, _| {})?;
    let params = canonical
        .get("parameters")
        .cloned()
        .unwrap_or_else(|| json!({}));
    reject_vertex_only(&params, VEO_VERTEX_ONLY, &format!("{WHAT}.parameters"))?;
    let (p, _) = parse_strict::<VeoParameters>(&params, |_, _| {})?;

    let prompt = inst.prompt.as_deref().map_or("", str::trim);
    if prompt.is_empty() && inst.image.is_none() {
        return Err(invalid(
            "instances[0].prompt",
            "prompt is not specified (a prompt or an image is needed)",
        ));
    }
    // The picture the video shows is drawn from everything the request gives.
    let mut seed = prompt.to_owned();
    if let Some(image) = &inst.image {
        let bytes = check_image(image, "instances[0].image")?;
        let _ = write!(seed, " image:{:x}", hash64(2, &bytes));
    }
    if let Some(last) = &inst.last_frame {
        if inst.image.is_none() {
            return Err(invalid(
                "instances[0].last_frame",
                "lastFrame needs a first frame: set instances[0].image too.",
            ));
        }
        let bytes = check_image(last, "instances[0].last_frame")?;
        let _ = write!(seed, " last:{:x}", hash64(3, &bytes));
    }
    if !inst.reference_images.is_empty() {
        if inst.reference_images.len() > 3 {
            return Err(invalid(
                "instances[0].reference_images",
                &format!(
                    "at most 3 reference images are supported, got {}",
                    inst.reference_images.len()
                ),
            ));
        }
        if inst.image.is_some() || inst.video.is_some() {
            return Err(invalid(
                "instances[0].reference_images",
                "reference images cannot be combined with image or video.",
            ));
        }
        for (i, r) in inst.reference_images.iter().enumerate() {
            let field = format!("instances[0].reference_images[{i}]");
            let image = r
                .image
                .as_ref()
                .ok_or_else(|| invalid(&format!("{field}.image"), "image is not specified"))?;
            let bytes = check_image(image, &format!("{field}.image"))?;
            one_of(
                Some(r.reference_type.as_deref().unwrap_or("")),
                &["asset", "style"],
                &[],
                &format!("{WHAT}.{field}.reference_type"),
            )?;
            let _ = write!(seed, " ref:{:x}", hash64(4, &bytes));
        }
    }

    let count = p.sample_count.unwrap_or(1);
    if !(1..=4).contains(&count) {
        return Err(invalid(
            "parameters.sample_count",
            &format!("must be in the range [1, 4], got {count}"),
        ));
    }
    let duration = p.duration_seconds.unwrap_or(8);
    if !(4..=8).contains(&duration) {
        return Err(invalid(
            "parameters.duration_seconds",
            &format!("must be in the range [4, 8], got {duration}"),
        ));
    }
    let ratio = p.aspect_ratio.as_deref().unwrap_or("16:9");
    if !matches!(ratio, "16:9" | "9:16") {
        return Err(invalid(
            "parameters.aspect_ratio",
            &format!("Unsupported aspect ratio {ratio:?}; supported: 16:9, 9:16."),
        ));
    }
    let resolution = p.resolution.as_deref().unwrap_or("720p");
    if !matches!(resolution, "720p" | "1080p") {
        return Err(invalid(
            "parameters.resolution",
            &format!("Unsupported resolution {resolution:?}; supported: 720p, 1080p."),
        ));
    }
    if resolution == "1080p" && duration != 8 {
        return Err(invalid(
            "parameters.resolution",
            "1080p videos must be 8 seconds long (durationSeconds: 8).",
        ));
    }
    one_of(
        p.person_generation.as_deref(),
        &["allow_all", "allow_adult", "dont_allow"],
        &[],
        &format!("{WHAT}.parameters.person_generation"),
    )?;
    let seconds = match &inst.video {
        None => duration as u32,
        Some(video) => {
            if video.encoded_video.is_some() {
                return Err(invalid(
                    "instances[0].video.encoded_video",
                    "video bytes are not supported in the Gemini API: give the uri of a video \
                     generated by Veo.",
                ));
            }
            if resolution != "720p" {
                return Err(invalid(
                    "parameters.resolution",
                    "video extension supports 720p only.",
                ));
            }
            let uri = video
                .uri
                .as_deref()
                .ok_or_else(|| invalid("instances[0].video.uri", "uri is not specified"))?;
            let source = source_video_seconds(call, uri)?;
            let _ = write!(seed, " extends:{uri}");
            (source + EXTENSION_SECONDS).min(MAX_SECONDS)
        }
    };
    if let Some(negative) = p.negative_prompt.as_deref() {
        let _ = write!(seed, " not:{negative}");
    }

    let state = call.state;
    let now = call.now();
    let done_at = now + state.config.resources.video_generation;
    let prefix = format!("models/{}/operations/", model.id());
    let id = state.store.with::<Operation, _>(now, |t| t.new_id(&prefix));
    let (width, height) = mp4::video_size(ratio);
    let filtered = asks_to_be_filtered(prompt);
    let made = if filtered { count - 1 } else { count };
    let uri_base = format!("{}/{}/", base_url(call.request), call.route.version);
    let mut samples = Vec::new();
    for i in 0..made {
        // Ids of `[a-z0-9]` only: the SDKs cut a file id out of a URI at the first other
        // character.
        let file_id = if i == 0 {
            id.clone()
        } else {
            state
                .store
                .with::<files::File, _>(now, |t| t.new_id("files/"))
        };
        let sample_seed = if i == 0 {
            seed.clone()
        } else {
            format!("{seed} ({i})")
        };
        let video = mp4::video(&sample_seed, width, height, seconds);
        let file = files::File {
            display_name: None,
            mime_type: "video/mp4".into(),
            size: video.len() as u64,
            sha256: files::sha256_field(
                ring::digest::digest(&ring::digest::SHA256, &video).as_ref(),
            ),
            state: FileState::Active,
            source: Source::Generated,
            error: None,
            data: Some(vec![video.into()]),
            uri_base: uri_base.clone(),
            visible_from: Some(done_at),
            redirect: true,
        };
        let name = format!("files/{file_id}");
        files::create(
            state,
            now,
            NewFile {
                name: Some(name.clone()),
                file,
            },
            Duration::ZERO,
        )?;
        samples.push(json!({"video": {"uri": format!("{uri_base}{name}:download?alt=media")}}));
    }
    let mut generated = json!({"generatedSamples": samples});
    if filtered {
        generated["raiMediaFilteredCount"] = json!(1);
        generated["raiMediaFilteredReasons"] = json!([RAI_REASON]);
    }
    let response = json!({"@type": RESPONSE_TYPE, "generateVideoResponse": generated});
    state
        .store
        .with::<Operation, _>(now, |t| {
            lro::start(
                t,
                now,
                format!("{prefix}{id}"),
                Operation::new(None),
                done_at,
                Outcome::Response(response),
            )
        })
        .map(Payload::Unary)
}
