//! Imagen `:predict` and Veo `:predictLongRunning` payloads (../shared/spec/API.md section 14).
//!
//! The protos type `instances` and `parameters` as free JSON (`google.protobuf.Value`), so
//! [`PredictRequest`], [`PredictResponse`] and [`PredictLongRunningRequest`] are generic and
//! default to raw JSON; the Imagen and Veo shapes are typed in [`ImagenInstance`],
//! [`ImagenParameters`], [`ImagenPrediction`], [`VeoInstance`] and [`VeoParameters`].
//!
//! ```
//! use gemini_types::{ImagenParameters, ImagenRequest, ImagenResponse};
//! let req = ImagenRequest::imagen("A man with a dog", ImagenParameters::default().with_sample_count(2));
//! let v = serde_json::to_value(&req).unwrap();
//! assert_eq!(v["instances"][0]["prompt"], "A man with a dog");
//! assert_eq!(v["parameters"]["sampleCount"], 2);
//!
//! let resp: ImagenResponse = serde_json::from_str(
//!     r#"{"predictions": [{"bytesBase64Encoded": "iVBORw==", "mimeType": "image/png"},
//!                         {"raiFilteredReason": "blocked"}]}"#,
//! ).unwrap();
//! assert_eq!(resp.predictions[0].image_bytes().unwrap().unwrap(), b"\x89PNG");
//! assert!(resp.predictions[1].is_filtered());
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The body of `POST /{v}/models/{model}:predict`. `I` and `P` default to raw JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(
    serialize = "I: Serialize, P: Serialize",
    deserialize = "I: Deserialize<'de>, P: Deserialize<'de>"
))]
#[non_exhaustive]
pub struct PredictRequest<I = Value, P = Value> {
    /// The model name (`models/...`); usually only in the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The inputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<I>,
    /// The parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<P>,
}

/// An Imagen `:predict` request.
pub type ImagenRequest = PredictRequest<ImagenInstance, ImagenParameters>;

impl PredictRequest<ImagenInstance, ImagenParameters> {
    /// An Imagen request for one prompt.
    pub fn imagen(prompt: impl Into<String>, parameters: ImagenParameters) -> Self {
        Self {
            model: None,
            instances: vec![ImagenInstance::new(prompt)],
            parameters: Some(parameters),
        }
    }
}

/// The answer of `:predict`. `T` defaults to raw JSON; Imagen's is [`ImagenResponse`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: Deserialize<'de>"))]
#[non_exhaustive]
pub struct PredictResponse<T = Value> {
    /// One prediction per output (generated image, embedding, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub predictions: Vec<T>,
    /// Safety attributes of the prompt (Imagen, when requested).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positive_prompt_safety_attributes: Option<Value>,
    /// Response metadata (Vertex AI, e.g. `billableCharacterCount`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
}

/// An Imagen `:predict` response.
pub type ImagenResponse = PredictResponse<ImagenPrediction>;

impl PredictResponse<ImagenPrediction> {
    /// The predictions that carry an image (skipping filtered samples and prompt safety info).
    pub fn images(&self) -> impl Iterator<Item = &ImagenPrediction> {
        self.predictions
            .iter()
            .filter(|p| p.bytes_base64_encoded.is_some() && !p.is_prompt_safety_info())
    }
}

/// One Imagen input.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ImagenInstance {
    /// The text prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// An input image (editing, upscaling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<MediaImage>,
}

impl ImagenInstance {
    /// An instance with a prompt.
    pub fn new(prompt: impl Into<String>) -> Self {
        Self {
            prompt: Some(prompt.into()),
            image: None,
        }
    }
}

/// Imagen parameters. Values are sent as given (the SDK sends the enums in UPPERCASE, e.g.
/// `personGeneration: "ALLOW_ADULT"`, `safetySetting: "BLOCK_LOW_AND_ABOVE"`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ImagenParameters {
    /// How many images to generate.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "sample_count",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub sample_count: Option<i32>,
    /// Aspect ratio, e.g. `16:9`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "aspect_ratio"
    )]
    pub aspect_ratio: Option<String>,
    /// Guidance scale.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "guidance_scale"
    )]
    pub guidance_scale: Option<f64>,
    /// `DONT_ALLOW`, `ALLOW_ADULT` (`ALLOW_ALL` is rejected on the Gemini API).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "person_generation"
    )]
    pub person_generation: Option<String>,
    /// `BLOCK_LOW_AND_ABOVE`, `BLOCK_MEDIUM_AND_ABOVE`, `BLOCK_ONLY_HIGH`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "safety_setting"
    )]
    pub safety_setting: Option<String>,
    /// Return safety attributes per image.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "include_safety_attributes"
    )]
    pub include_safety_attributes: Option<bool>,
    /// Return the reason of filtered images.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "include_rai_reason"
    )]
    pub include_rai_reason: Option<bool>,
    /// Prompt language: `auto`, `en`, `ja`, `ko`, `hi`, `zh`, `pt`, `es`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Output size, e.g. `1K`, `2K`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "sample_image_size"
    )]
    pub sample_image_size: Option<String>,
    /// Output encoding.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "output_options"
    )]
    pub output_options: Option<ImagenOutputOptions>,
    /// What to avoid (Vertex AI only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "negative_prompt"
    )]
    pub negative_prompt: Option<String>,
    /// Random seed (Vertex AI only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Add a SynthID watermark (Vertex AI only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "add_watermark"
    )]
    pub add_watermark: Option<bool>,
    /// Let the service rewrite the prompt (Vertex AI only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "enhance_prompt"
    )]
    pub enhance_prompt: Option<bool>,
    /// Cloud Storage output prefix (Vertex AI only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "storage_uri"
    )]
    pub storage_uri: Option<String>,
}

impl ImagenParameters {
    /// Sets the number of images.
    #[must_use]
    pub fn with_sample_count(mut self, n: i32) -> Self {
        self.sample_count = Some(n);
        self
    }

    /// Sets the aspect ratio (`1:1`, `3:4`, `4:3`, `9:16`, `16:9`).
    #[must_use]
    pub fn with_aspect_ratio(mut self, ratio: impl Into<String>) -> Self {
        self.aspect_ratio = Some(ratio.into());
        self
    }

    /// Sets the person generation policy (`DONT_ALLOW`, `ALLOW_ADULT`).
    #[must_use]
    pub fn with_person_generation(mut self, policy: impl Into<String>) -> Self {
        self.person_generation = Some(policy.into());
        self
    }
}

/// Imagen output encoding.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ImagenOutputOptions {
    /// `image/png` or `image/jpeg`.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "mime_type")]
    pub mime_type: Option<String>,
    /// JPEG quality, 0-100.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "compression_quality",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub compression_quality: Option<i32>,
}

/// An image inside a predict payload: base64 bytes (or a Cloud Storage URI) and a MIME type.
///
/// `bytesBase64Encoded` stays the string as received; [`MediaImage::bytes`] decodes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MediaImage {
    /// The image bytes, base64.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "bytes_base64_encoded"
    )]
    pub bytes_base64_encoded: Option<String>,
    /// A `gs://` URI (Vertex AI).
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "gcs_uri")]
    pub gcs_uri: Option<String>,
    /// The MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "mime_type")]
    pub mime_type: Option<String>,
}

impl MediaImage {
    /// An inline image.
    pub fn from_bytes(data: &[u8], mime_type: impl Into<String>) -> Self {
        Self {
            bytes_base64_encoded: Some(crate::wire::encode_base64(data)),
            gcs_uri: None,
            mime_type: Some(mime_type.into()),
        }
    }

    /// Decodes the inline bytes.
    pub fn bytes(&self) -> Option<Result<Vec<u8>, base64::DecodeError>> {
        self.bytes_base64_encoded
            .as_deref()
            .map(crate::wire::decode_base64)
    }
}

/// One Imagen prediction: an image, a filtered sample (`raiFilteredReason`), or prompt safety
/// information (`contentType: "Positive Prompt"`); the fields sit flat at the same level.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ImagenPrediction {
    /// The image, base64 (kept as received; see [`ImagenPrediction::image_bytes`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_base64_encoded: Option<String>,
    /// The image MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Why the sample was filtered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rai_filtered_reason: Option<String>,
    /// Safety attributes (`{"categories": [...], "scores": [...]}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety_attributes: Option<Value>,
    /// `"Positive Prompt"` when this entry describes the prompt, not an image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// The (possibly enhanced) prompt used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
}

impl ImagenPrediction {
    /// Decodes the image bytes.
    pub fn image_bytes(&self) -> Option<Result<Vec<u8>, base64::DecodeError>> {
        self.bytes_base64_encoded
            .as_deref()
            .map(crate::wire::decode_base64)
    }

    /// Whether the sample was filtered by responsible-AI checks.
    pub fn is_filtered(&self) -> bool {
        self.rai_filtered_reason.is_some()
    }

    /// Whether this entry is prompt safety information rather than an image.
    pub fn is_prompt_safety_info(&self) -> bool {
        self.content_type.as_deref() == Some("Positive Prompt")
    }
}

/// The body of `POST /{v}/models/{model}:predictLongRunning` (Veo). `I` and `P` default to raw
/// JSON; [`VeoRequest`] is the typed Veo form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(
    serialize = "I: Serialize, P: Serialize",
    deserialize = "I: Deserialize<'de>, P: Deserialize<'de>"
))]
#[non_exhaustive]
pub struct PredictLongRunningRequest<I = Value, P = Value> {
    /// The model name (`models/...`); usually only in the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The inputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<I>,
    /// The parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<P>,
    /// Where to notify on completion (newer, Gemini API only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "webhook_config"
    )]
    pub webhook_config: Option<crate::WebhookConfig>,
}

/// A Veo `:predictLongRunning` request.
pub type VeoRequest = PredictLongRunningRequest<VeoInstance, VeoParameters>;

impl PredictLongRunningRequest<VeoInstance, VeoParameters> {
    /// A Veo request for one prompt.
    pub fn veo(prompt: impl Into<String>, parameters: VeoParameters) -> Self {
        Self {
            model: None,
            instances: vec![VeoInstance::new(prompt)],
            parameters: Some(parameters),
            webhook_config: None,
        }
    }
}

/// One Veo input.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VeoInstance {
    /// The text prompt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
    /// The first frame (image-to-video).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<MediaImage>,
    /// The last frame (interpolation).
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "last_frame")]
    pub last_frame: Option<MediaImage>,
    /// A video to extend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<VeoVideo>,
    /// Reference images (assets or style).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "reference_images"
    )]
    pub reference_images: Vec<VeoReferenceImage>,
}

impl VeoInstance {
    /// An instance with a prompt.
    pub fn new(prompt: impl Into<String>) -> Self {
        Self {
            prompt: Some(prompt.into()),
            ..Self::default()
        }
    }
}

/// A video inside a Veo request: a URI (Gemini API) or bytes in `encodedVideo`, with its MIME
/// type in `encoding` (not `mimeType`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VeoVideo {
    /// The video URI (e.g. a generated file's URI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// The video bytes, base64 (Vertex AI).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "encoded_video"
    )]
    pub encoded_video: Option<String>,
    /// The MIME type, e.g. `video/mp4`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

/// A Veo reference image.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VeoReferenceImage {
    /// The image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<MediaImage>,
    /// `ASSET` or `STYLE`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "reference_type"
    )]
    pub reference_type: Option<String>,
}

/// Veo parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VeoParameters {
    /// How many videos.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "sample_count",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub sample_count: Option<i32>,
    /// Length in seconds.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "duration_seconds",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub duration_seconds: Option<i32>,
    /// Aspect ratio, `16:9` or `9:16`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "aspect_ratio"
    )]
    pub aspect_ratio: Option<String>,
    /// Resolution, e.g. `720p`, `1080p`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// Person generation policy, e.g. `allow_adult`, `dont_allow`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "person_generation"
    )]
    pub person_generation: Option<String>,
    /// What to avoid.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "negative_prompt"
    )]
    pub negative_prompt: Option<String>,
    /// Let the service rewrite the prompt.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "enhance_prompt"
    )]
    pub enhance_prompt: Option<bool>,
    /// Random seed (Vertex AI only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Generate audio (Vertex AI only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "generate_audio"
    )]
    pub generate_audio: Option<bool>,
    /// Frames per second (Vertex AI only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub fps: Option<i32>,
    /// Cloud Storage output prefix (Vertex AI only).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "storage_uri"
    )]
    pub storage_uri: Option<String>,
}

impl VeoParameters {
    /// Sets the aspect ratio.
    #[must_use]
    pub fn with_aspect_ratio(mut self, ratio: impl Into<String>) -> Self {
        self.aspect_ratio = Some(ratio.into());
        self
    }

    /// Sets the duration in seconds.
    #[must_use]
    pub fn with_duration_seconds(mut self, seconds: i32) -> Self {
        self.duration_seconds = Some(seconds);
        self
    }

    /// Sets the negative prompt.
    #[must_use]
    pub fn with_negative_prompt(mut self, text: impl Into<String>) -> Self {
        self.negative_prompt = Some(text.into());
        self
    }
}

/// The operation returned by `:predictLongRunning` (Veo); poll `GET /{v}/{name}` until done.
pub type PredictLongRunningOperation = crate::Operation<Value, PredictLongRunningResponse>;

/// The `response` of a finished `:predictLongRunning` operation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PredictLongRunningResponse {
    /// The `google.protobuf.Any` type URL.
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub type_url: Option<String>,
    /// The generated videos.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate_video_response: Option<PredictLongRunningGeneratedVideoResponse>,
}

impl PredictLongRunningResponse {
    /// The URIs of the generated videos (download with the API key).
    pub fn video_uris(&self) -> impl Iterator<Item = &str> {
        self.generate_video_response
            .iter()
            .flat_map(|r| r.generated_samples.iter())
            .filter_map(|m| m.video.as_ref()?.uri.as_deref())
    }
}

/// The Veo result: generated samples and filter information.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PredictLongRunningGeneratedVideoResponse {
    /// The generated videos.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub generated_samples: Vec<Media>,
    /// How many videos were filtered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rai_media_filtered_count: Option<i32>,
    /// Why they were filtered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rai_media_filtered_reasons: Vec<String>,
}

/// A generated media item (`oneof type { Video video }`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Media {
    /// The video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video: Option<Video>,
}

/// A generated video: inline bytes or a URI (`oneof content`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Video {
    /// The video bytes.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::base64_bytes"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub video: Option<bytes::Bytes>,
    /// The video URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
}

/// `PredictLongRunningMetadata` (empty in the protos; kept for completeness).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PredictLongRunningMetadata {
    /// The `google.protobuf.Any` type URL.
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub type_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::testutil::{documents, real_files, round_trip, shared_spec};
    use serde_json::json;

    #[test]
    fn veo_operation_example() {
        if shared_spec("media::veo_operation_example").is_none() {
            return;
        }
        for doc in documents("examples/veo_operation_done.json") {
            let op: PredictLongRunningOperation = round_trip("veo", &doc);
            assert!(op.is_done());
            let resp = op.response.unwrap();
            assert!(resp.type_url.is_some());
            assert_eq!(resp.video_uris().count(), 1);
        }
    }

    #[test]
    fn real_predict_round_trip() {
        if shared_spec("media::real_predict_round_trip").is_none() {
            return;
        }
        for file in real_files("predict") {
            for doc in documents(&file) {
                if file.starts_with("real/requests/") {
                    let _: PredictRequest = round_trip(&file, &doc);
                } else if file.contains("image") {
                    let r: ImagenResponse = round_trip(&file, &doc);
                    assert!(!r.predictions.is_empty());
                } else {
                    let _: PredictResponse = round_trip(&file, &doc);
                }
            }
        }
    }

    #[test]
    fn veo_request_shape() {
        let mut inst = VeoInstance::new("a cat surfing");
        inst.image = Some(MediaImage::from_bytes(b"img", "image/png"));
        inst.video = Some(VeoVideo {
            uri: Some("https://x/files/v".into()),
            ..VeoVideo::default()
        });
        let mut req = VeoRequest::veo(
            "unused",
            VeoParameters::default()
                .with_aspect_ratio("16:9")
                .with_duration_seconds(8),
        );
        req.instances = vec![inst];
        let v = serde_json::to_value(&req).unwrap();
        assert_eq!(
            v,
            json!({"instances": [{"prompt": "a cat surfing",
                "image": {"bytesBase64Encoded": "aW1n", "mimeType": "image/png"},
                "video": {"uri": "https://x/files/v"}}],
              "parameters": {"aspectRatio": "16:9", "durationSeconds": 8}})
        );
        let snake: VeoParameters =
            serde_json::from_value(json!({"aspect_ratio": "9:16", "negative_prompt": "rain"}))
                .unwrap();
        assert_eq!(snake.aspect_ratio.as_deref(), Some("9:16"));
    }

    #[test]
    fn imagen_filters_and_prompt_info() {
        let r: ImagenResponse = serde_json::from_value(json!({"predictions": [
            {"bytesBase64Encoded": "aW1n", "mimeType": "image/png"},
            {"raiFilteredReason": "blocked"},
            {"safetyAttributes": {"categories": [], "scores": []}, "contentType": "Positive Prompt"}
        ]}))
        .unwrap();
        assert_eq!(r.images().count(), 1);
        assert!(r.predictions[2].is_prompt_safety_info());
    }
}
