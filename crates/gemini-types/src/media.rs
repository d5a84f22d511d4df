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

// ---------------------------------------------------------------------------------------------
// Images and speech in `generateContent` answers (../shared/spec/API.md section 4.4).

/// An image a Gemini model returned as inline data: its MIME type and decoded bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct InlineImage {
    /// The MIME type, e.g. `image/png`.
    pub mime_type: String,
    /// The image bytes (already decoded from base64).
    pub data: bytes::Bytes,
}

/// Raw PCM audio: signed 16-bit little-endian samples, interleaved when there are several
/// channels, at `sample_rate` samples per second. TTS models return it as inline data with a
/// MIME type like `audio/L16;codec=pcm;rate=24000` (no WAV header).
///
/// ```
/// use gemini_types::PcmAudio;
/// let audio = PcmAudio::new(vec![0u8, 0, 0xff, 0x7f], 24_000);
/// let wav = audio.to_wav().unwrap();
/// assert_eq!(&wav[..4], b"RIFF");
/// assert_eq!(&wav[8..16], b"WAVEfmt ");
/// assert_eq!(wav.len(), 44 + 4);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PcmAudio {
    /// The samples, 16-bit little-endian.
    pub pcm: bytes::Bytes,
    /// Samples per second (per channel).
    pub sample_rate: u32,
    /// Channels (1 for the Gemini API's speech output).
    pub channels: u16,
}

/// Why inline audio could not be read as 16-bit PCM.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AudioError {
    /// A parameter of the MIME type (`rate=`, `channels=`) is not a positive number.
    InvalidParameter {
        /// The whole MIME type.
        mime_type: String,
    },
    /// Two audio parts have different formats, so they cannot be joined.
    MixedFormats {
        /// The first part's MIME type.
        first: String,
        /// The MIME type that differs.
        other: String,
    },
    /// The byte count is not a whole number of samples (2 bytes per sample and channel).
    PartialSample {
        /// The byte count.
        len: usize,
    },
    /// The audio is too long for a WAV file (its data size must fit in 32 bits).
    TooLong {
        /// The byte count.
        len: usize,
    },
}

impl std::fmt::Display for AudioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InvalidParameter { mime_type } => {
                write!(
                    f,
                    "invalid rate or channel count in the audio MIME type {mime_type:?}"
                )
            }
            Self::MixedFormats { first, other } => write!(
                f,
                "the audio parts have different formats ({first:?} and {other:?})"
            ),
            Self::PartialSample { len } => write!(
                f,
                "{len} bytes of 16-bit PCM is not a whole number of samples"
            ),
            Self::TooLong { len } => write!(f, "{len} bytes of audio do not fit in a WAV file"),
        }
    }
}

impl std::error::Error for AudioError {}

/// The sample rate of the Gemini API's speech output when the MIME type does not say.
pub const DEFAULT_SPEECH_SAMPLE_RATE: u32 = 24_000;

/// The rate and channel count of a 16-bit PCM MIME type (`audio/L16;codec=pcm;rate=24000`,
/// `audio/pcm;rate=16000`), or `None` when `mime_type` is not 16-bit PCM.
fn pcm_format(mime_type: &str) -> Option<Result<(u32, u16), AudioError>> {
    let mut params = mime_type.split(';').map(str::trim);
    let essence = params.next().unwrap_or_default();
    if !(essence.eq_ignore_ascii_case("audio/L16") || essence.eq_ignore_ascii_case("audio/pcm")) {
        return None;
    }
    let mut rate = DEFAULT_SPEECH_SAMPLE_RATE;
    let mut channels = 1u16;
    let invalid = || AudioError::InvalidParameter {
        mime_type: mime_type.to_owned(),
    };
    for param in params {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match key.trim().to_ascii_lowercase().as_str() {
            "rate" => match value.parse::<u32>() {
                Ok(r) if r > 0 => rate = r,
                _ => return Some(Err(invalid())),
            },
            "channels" => match value.parse::<u16>() {
                Ok(c) if c > 0 => channels = c,
                _ => return Some(Err(invalid())),
            },
            _ => {}
        }
    }
    Some(Ok((rate, channels)))
}

impl PcmAudio {
    /// Mono 16-bit PCM at `sample_rate`.
    pub fn new(pcm: impl Into<bytes::Bytes>, sample_rate: u32) -> Self {
        Self {
            pcm: pcm.into(),
            sample_rate,
            channels: 1,
        }
    }

    /// Reads inline data as PCM when its MIME type is 16-bit PCM (`audio/L16`, `audio/pcm`;
    /// `rate=` defaults to 24 000, `channels=` to 1); `None` for other data.
    pub fn from_blob(blob: &crate::Blob) -> Option<Result<Self, AudioError>> {
        let mime = blob.mime_type.as_deref()?;
        let format = pcm_format(mime)?;
        Some(format.and_then(|(sample_rate, channels)| {
            let pcm = blob.data.clone().unwrap_or_default();
            let audio = Self {
                pcm,
                sample_rate,
                channels,
            };
            audio.check_whole().map(|()| audio)
        }))
    }

    fn check_whole(&self) -> Result<(), AudioError> {
        if self.pcm.len() % (2 * usize::from(self.channels.max(1))) == 0 {
            Ok(())
        } else {
            Err(AudioError::PartialSample {
                len: self.pcm.len(),
            })
        }
    }

    /// How long the audio plays.
    pub fn duration(&self) -> std::time::Duration {
        let frames = self.pcm.len() as u64 / (2 * u64::from(self.channels.max(1)));
        let rate = u64::from(self.sample_rate.max(1));
        std::time::Duration::from_secs(frames / rate)
            + std::time::Duration::from_nanos((frames % rate) * 1_000_000_000 / rate)
    }

    /// Writes the audio as a WAV file (RIFF, PCM format 1, 16 bits per sample) to `out`: a
    /// 44-byte header, then the samples. Nothing but `out` is touched.
    ///
    /// Audio with a partial sample or more than 4 GiB of data is an
    /// [`InvalidInput`](std::io::ErrorKind::InvalidInput) error (with an [`AudioError`]
    /// inside) before anything is written.
    pub fn write_wav<W: std::io::Write + ?Sized>(&self, out: &mut W) -> std::io::Result<()> {
        let header = self
            .wav_header()
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        out.write_all(&header)?;
        out.write_all(&self.pcm)
    }

    /// The audio as the bytes of a WAV file.
    pub fn to_wav(&self) -> Result<Vec<u8>, AudioError> {
        let header = self.wav_header()?;
        let mut out = Vec::with_capacity(header.len() + self.pcm.len());
        out.extend_from_slice(&header);
        out.extend_from_slice(&self.pcm);
        Ok(out)
    }

    fn wav_header(&self) -> Result<[u8; 44], AudioError> {
        self.check_whole()?;
        let len = self.pcm.len();
        let data_len = u32::try_from(len)
            .ok()
            .filter(|l| *l <= u32::MAX - 36)
            .ok_or(AudioError::TooLong { len })?;
        let channels = self.channels.max(1);
        let block_align = channels * 2;
        let byte_rate = self.sample_rate.saturating_mul(u32::from(block_align));
        let mut h = [0u8; 44];
        h[0..4].copy_from_slice(b"RIFF");
        h[4..8].copy_from_slice(&(36 + data_len).to_le_bytes());
        h[8..12].copy_from_slice(b"WAVE");
        h[12..16].copy_from_slice(b"fmt ");
        h[16..20].copy_from_slice(&16u32.to_le_bytes());
        h[20..22].copy_from_slice(&1u16.to_le_bytes());
        h[22..24].copy_from_slice(&channels.to_le_bytes());
        h[24..28].copy_from_slice(&self.sample_rate.to_le_bytes());
        h[28..32].copy_from_slice(&byte_rate.to_le_bytes());
        h[32..34].copy_from_slice(&block_align.to_le_bytes());
        h[34..36].copy_from_slice(&16u16.to_le_bytes());
        h[36..40].copy_from_slice(b"data");
        h[40..44].copy_from_slice(&data_len.to_le_bytes());
        Ok(h)
    }
}

impl crate::GenerateContentResponse {
    /// The images of the first candidate (inline data whose MIME type is `image/*`, thoughts
    /// excluded), decoded, in order.
    ///
    /// ```
    /// let r: gemini_types::GenerateContentResponse = serde_json::from_str(
    ///     r#"{"candidates": [{"content": {"role": "model", "parts": [
    ///         {"text": "Here it is"},
    ///         {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}}]}}]}"#,
    /// ).unwrap();
    /// let images = r.images();
    /// assert_eq!(images[0].mime_type, "image/png");
    /// assert_eq!(&images[0].data[..4], b"\x89PNG");
    /// ```
    pub fn images(&self) -> Vec<InlineImage> {
        self.inline_data()
            .into_iter()
            .filter_map(|b| {
                let mime = b.mime_type.as_deref()?;
                let essence = mime.split(';').next().unwrap_or_default().trim();
                if !essence
                    .get(..6)
                    .is_some_and(|p| p.eq_ignore_ascii_case("image/"))
                {
                    return None;
                }
                Some(InlineImage {
                    mime_type: mime.to_owned(),
                    data: b.data.clone().unwrap_or_default(),
                })
            })
            .collect()
    }

    /// The speech of the first candidate: its 16-bit PCM inline data (`audio/L16`,
    /// `audio/pcm`), joined in order, with the sample rate of its MIME type
    /// (`audio/L16;codec=pcm;rate=24000`). `None` when there is no PCM audio; an error when
    /// the parts disagree on the format or a part holds a partial sample.
    ///
    /// ```
    /// let r: gemini_types::GenerateContentResponse = serde_json::from_str(
    ///     r#"{"candidates": [{"content": {"parts": [
    ///         {"inlineData": {"mimeType": "audio/L16;codec=pcm;rate=24000", "data": "AAD/fw=="}}]}}]}"#,
    /// ).unwrap();
    /// let audio = r.audio().unwrap().unwrap();
    /// assert_eq!((audio.sample_rate, audio.pcm.len()), (24_000, 4));
    /// let mut wav = Vec::new();
    /// audio.write_wav(&mut wav).unwrap();
    /// assert_eq!(wav.len(), 48);
    /// ```
    pub fn audio(&self) -> Option<Result<PcmAudio, AudioError>> {
        let mut joined: Option<(PcmAudio, String, Vec<bytes::Bytes>)> = None;
        for blob in self.inline_data() {
            let Some(audio) = PcmAudio::from_blob(blob) else {
                continue;
            };
            let audio = match audio {
                Ok(a) => a,
                Err(e) => return Some(Err(e)),
            };
            let mime = blob.mime_type.clone().unwrap_or_default();
            match &mut joined {
                None => joined = Some((audio, mime, Vec::new())),
                Some((first, first_mime, rest)) => {
                    if (first.sample_rate, first.channels) != (audio.sample_rate, audio.channels) {
                        return Some(Err(AudioError::MixedFormats {
                            first: first_mime.clone(),
                            other: mime,
                        }));
                    }
                    rest.push(audio.pcm);
                }
            }
        }
        let (mut audio, _, rest) = joined?;
        if !rest.is_empty() {
            let mut all = Vec::with_capacity(
                audio.pcm.len() + rest.iter().map(bytes::Bytes::len).sum::<usize>(),
            );
            all.extend_from_slice(&audio.pcm);
            for part in &rest {
                all.extend_from_slice(part);
            }
            audio.pcm = all.into();
        }
        Some(Ok(audio))
    }
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

    #[test]
    fn images_and_audio_from_inline_data() {
        let r: crate::GenerateContentResponse =
            serde_json::from_value(json!({"candidates": [{"content": {"parts": [
                {"text": "x"},
                {"inlineData": {"mimeType": "image/png", "data": "iVBORw=="}},
                {"inlineData": {"mimeType": "image/jpeg", "data": "/9j/"}, "thought": true},
                {"inlineData": {"mimeType": "audio/L16;codec=pcm;rate=16000", "data": "AQACAA=="}},
                {"inlineData": {"mimeType": "audio/l16; rate=16000", "data": "AwA="}}
            ]}}]}))
            .unwrap();
        let images = r.images();
        assert_eq!(images.len(), 1);
        assert_eq!(images[0].data.as_ref(), b"\x89PNG");
        let audio = r.audio().unwrap().unwrap();
        assert_eq!(audio.sample_rate, 16_000);
        assert_eq!(audio.pcm.as_ref(), [1, 0, 2, 0, 3, 0]);
        assert_eq!(audio.duration(), std::time::Duration::from_nanos(187_500));

        let wav = audio.to_wav().unwrap();
        let u32_at = |i: usize| u32::from_le_bytes(wav[i..i + 4].try_into().unwrap());
        let u16_at = |i: usize| u16::from_le_bytes(wav[i..i + 2].try_into().unwrap());
        assert_eq!(&wav[0..4], b"RIFF");
        assert_eq!(u32_at(4), 36 + 6);
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        assert_eq!((u32_at(16), u16_at(20), u16_at(22)), (16, 1, 1));
        assert_eq!((u32_at(24), u32_at(28)), (16_000, 32_000));
        assert_eq!((u16_at(32), u16_at(34)), (2, 16));
        assert_eq!(&wav[36..40], b"data");
        assert_eq!(u32_at(40), 6);
        assert_eq!(&wav[44..], [1, 0, 2, 0, 3, 0]);
    }

    #[test]
    fn audio_errors_are_typed() {
        let mixed: crate::GenerateContentResponse =
            serde_json::from_value(json!({"candidates": [{"content": {"parts": [
                {"inlineData": {"mimeType": "audio/L16;rate=24000", "data": "AQA="}},
                {"inlineData": {"mimeType": "audio/L16;rate=16000", "data": "AQA="}}
            ]}}]}))
            .unwrap();
        assert!(matches!(
            mixed.audio(),
            Some(Err(AudioError::MixedFormats { .. }))
        ));
        let odd = crate::Blob::new("audio/pcm", vec![1u8, 2, 3]);
        assert_eq!(
            PcmAudio::from_blob(&odd),
            Some(Err(AudioError::PartialSample { len: 3 }))
        );
        let bad = crate::Blob::new("audio/L16;rate=fast", vec![1u8, 2]);
        assert!(matches!(
            PcmAudio::from_blob(&bad),
            Some(Err(AudioError::InvalidParameter { .. }))
        ));
        assert_eq!(
            PcmAudio::from_blob(&crate::Blob::new("audio/mpeg", vec![1u8])),
            None
        );
        let e = PcmAudio::new(vec![1u8], 24_000)
            .write_wav(&mut Vec::new())
            .unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
        let none: crate::GenerateContentResponse = serde_json::from_value(json!({})).unwrap();
        assert!(none.audio().is_none() && none.images().is_empty());
    }

    #[test]
    fn image_and_speech_request_builders() {
        let config = crate::GenerationConfig::new()
            .with_response_modalities([crate::Modality::Text, crate::Modality::Image])
            .with_image_config(crate::ImageConfig::aspect_ratio("16:9").with_image_size("2K"));
        assert_eq!(
            serde_json::to_value(&config).unwrap(),
            json!({"responseModalities": ["TEXT", "IMAGE"],
                   "imageConfig": {"aspectRatio": "16:9", "imageSize": "2K"}})
        );
        let config = crate::GenerationConfig::new()
            .with_response_modalities([crate::Modality::Audio])
            .with_speech_config(
                crate::SpeechConfig::multi_speaker([("Joe", "Puck"), ("Jane", "Kore")])
                    .with_language_code("en-US"),
            );
        assert_eq!(
            serde_json::to_value(&config).unwrap(),
            json!({"responseModalities": ["AUDIO"], "speechConfig": {
                "multiSpeakerVoiceConfig": {"speakerVoiceConfigs": [
                    {"speaker": "Joe", "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Puck"}}},
                    {"speaker": "Jane", "voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}}]},
                "languageCode": "en-US"}})
        );
    }
}
