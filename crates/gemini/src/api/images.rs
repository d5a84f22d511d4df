//! Imagen (`POST /{v}/models/{model}:predict`, ../shared/spec/API.md section 14.1): images
//! from a prompt, with the Gemini API's allowed parameters checked before sending.

use bytes::Bytes;
use gemini_types::{ImagenOutputOptions, ImagenParameters, ImagenRequest, ImagenResponse};
use http::Method;
use serde_json::Value;

use crate::Error;
use crate::api::input::{self, InvalidInput, InvalidInputKind};
use crate::rest::{Rest, names};

/// The aspect ratios Imagen accepts on the Gemini API.
pub const IMAGEN_ASPECT_RATIOS: &[&str] = &["1:1", "3:4", "4:3", "9:16", "16:9"];
/// The prompt languages Imagen accepts.
pub const IMAGEN_LANGUAGES: &[&str] = &["auto", "en", "ja", "ko", "hi", "zh", "pt", "es"];

/// Imagen: `client.images()`.
///
/// [`generate`](Self::generate) takes an [`ImagenRequest`] (or a [`GenerateImages`], its
/// typed builder) and checks it against what the Gemini API accepts before anything is sent:
/// Vertex-AI-only parameters (`negativePrompt`, `seed`, `addWatermark`, `enhancePrompt`,
/// `storageUri`, an input image), values it refuses (`ALLOW_ALL`, `BLOCK_NONE`), unknown aspect
/// ratios, languages or sizes, and out-of-range counts are an [`Error::Build`] holding an
/// [`InvalidInput`] that names the field.
///
/// The answer keeps apart the images (decoded), the samples the responsible-AI filters
/// removed (with their reasons), and the prompt's safety attributes.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// use gemini::{AspectRatio, GenerateImages};
/// let client = gemini::Client::from_env()?;
/// let answer = client
///     .images()
///     .generate(
///         "imagen-4.0-generate-001",
///         GenerateImages::new("A robot holding a red skateboard")
///             .with_sample_count(2)
///             .with_aspect_ratio(AspectRatio::Landscape16x9),
///     )
///     .await?;
/// for (i, image) in answer.images.iter().enumerate() {
///     std::fs::write(format!("robot-{i}.png"), &image.data).unwrap();
/// }
/// for filtered in &answer.filtered {
///     eprintln!("sample {} filtered: {}", filtered.index, filtered.reason);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Images {
    rest: Rest,
}

crate::rest::resource_handle!(Images);

impl Images {
    /// `models.predict` on an Imagen model: the images, filtered samples and prompt safety
    /// attributes. The request is checked first (see [`Images`]).
    pub async fn generate(
        &self,
        model: impl AsRef<str>,
        request: impl Into<ImagenRequest>,
    ) -> Result<GeneratedImages, Error> {
        let model = names::resolve(model.as_ref())?;
        let request = request.into();
        validate(&request)?;
        let response: ImagenResponse = self
            .rest
            .call(Method::POST, format!("{model}:predict"))
            .json(&request)
            .send()
            .await?;
        GeneratedImages::from_response(response)
    }
}

/// Checks an Imagen request against what the Gemini API accepts.
fn validate(request: &ImagenRequest) -> Result<(), Error> {
    if request.instances.is_empty() {
        return Err(InvalidInput::new(
            "instances",
            InvalidInputKind::Missing,
            "no prompt: give one instance with a prompt",
        )
        .into());
    }
    for (i, instance) in request.instances.iter().enumerate() {
        if instance
            .prompt
            .as_deref()
            .is_none_or(|p| p.trim().is_empty())
        {
            return Err(InvalidInput::new(
                format!("instances[{i}].prompt"),
                InvalidInputKind::Missing,
                "the prompt is empty",
            )
            .into());
        }
        input::not_on_gemini_api(&format!("instances[{i}].image"), instance.image.is_some())?;
    }
    let Some(p) = &request.parameters else {
        return Ok(());
    };
    let vertex_only: [(&str, bool); 5] = [
        ("parameters.negativePrompt", p.negative_prompt.is_some()),
        ("parameters.seed", p.seed.is_some()),
        ("parameters.addWatermark", p.add_watermark.is_some()),
        ("parameters.enhancePrompt", p.enhance_prompt.is_some()),
        ("parameters.storageUri", p.storage_uri.is_some()),
    ];
    for (field, set) in vertex_only {
        input::not_on_gemini_api(field, set)?;
    }
    input::in_range(
        "parameters.sampleCount",
        p.sample_count.map(i64::from),
        1..=4,
    )?;
    input::one_of(
        "parameters.aspectRatio",
        p.aspect_ratio.as_deref(),
        IMAGEN_ASPECT_RATIOS,
    )?;
    input::one_of(
        "parameters.personGeneration",
        p.person_generation.as_deref(),
        &["DONT_ALLOW", "ALLOW_ADULT"],
    )?;
    input::one_of(
        "parameters.safetySetting",
        p.safety_setting.as_deref(),
        &[
            "BLOCK_LOW_AND_ABOVE",
            "BLOCK_MEDIUM_AND_ABOVE",
            "BLOCK_ONLY_HIGH",
        ],
    )?;
    input::one_of(
        "parameters.language",
        p.language.as_deref(),
        IMAGEN_LANGUAGES,
    )?;
    input::one_of(
        "parameters.sampleImageSize",
        p.sample_image_size.as_deref(),
        &["1K", "2K"],
    )?;
    if let Some(o) = &p.output_options {
        input::one_of(
            "parameters.outputOptions.mimeType",
            o.mime_type.as_deref(),
            &["image/png", "image/jpeg"],
        )?;
        input::in_range(
            "parameters.outputOptions.compressionQuality",
            o.compression_quality.map(i64::from),
            0..=100,
        )?;
    }
    if let Some(g) = p.guidance_scale {
        if !g.is_finite() {
            return Err(InvalidInput::new(
                "parameters.guidanceScale",
                InvalidInputKind::OutOfRange,
                "not a finite number",
            )
            .into());
        }
    }
    Ok(())
}

/// An image aspect ratio Imagen accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AspectRatio {
    /// `1:1`.
    Square,
    /// `3:4`.
    Portrait3x4,
    /// `4:3`.
    Landscape4x3,
    /// `9:16`.
    Portrait9x16,
    /// `16:9`.
    Landscape16x9,
}

impl AspectRatio {
    /// The wire value (`16:9`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Square => "1:1",
            Self::Portrait3x4 => "3:4",
            Self::Landscape4x3 => "4:3",
            Self::Portrait9x16 => "9:16",
            Self::Landscape16x9 => "16:9",
        }
    }
}

impl std::str::FromStr for AspectRatio {
    type Err = Error;

    /// Parses `16:9` and the other ratios Imagen accepts; any other is an [`InvalidInput`]
    /// ([`UnknownValue`](InvalidInputKind::UnknownValue)).
    fn from_str(s: &str) -> Result<Self, Error> {
        let all = [
            Self::Square,
            Self::Portrait3x4,
            Self::Landscape4x3,
            Self::Portrait9x16,
            Self::Landscape16x9,
        ];
        all.into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| {
                InvalidInput::new(
                    "aspectRatio",
                    InvalidInputKind::UnknownValue,
                    format!("{s:?} is not one of {}", IMAGEN_ASPECT_RATIOS.join(", ")),
                )
                .into()
            })
    }
}

/// Whether people may be generated (`ALLOW_ALL` is refused by the Gemini API).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PersonGeneration {
    /// `DONT_ALLOW`.
    DontAllow,
    /// `ALLOW_ADULT` (the default).
    AllowAdult,
}

impl PersonGeneration {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DontAllow => "DONT_ALLOW",
            Self::AllowAdult => "ALLOW_ADULT",
        }
    }
}

/// How strictly images are filtered (`BLOCK_NONE` is refused by the Gemini API).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SafetyFilterLevel {
    /// `BLOCK_LOW_AND_ABOVE`: the strictest.
    BlockLowAndAbove,
    /// `BLOCK_MEDIUM_AND_ABOVE`.
    BlockMediumAndAbove,
    /// `BLOCK_ONLY_HIGH`.
    BlockOnlyHigh,
}

impl SafetyFilterLevel {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BlockLowAndAbove => "BLOCK_LOW_AND_ABOVE",
            Self::BlockMediumAndAbove => "BLOCK_MEDIUM_AND_ABOVE",
            Self::BlockOnlyHigh => "BLOCK_ONLY_HIGH",
        }
    }
}

/// A typed Imagen request with only the parameters the Gemini API accepts; it converts into
/// an [`ImagenRequest`].
///
/// ```
/// use gemini::{AspectRatio, GenerateImages, PersonGeneration, SafetyFilterLevel};
/// let request: gemini::types::ImagenRequest = GenerateImages::new("A lighthouse at dusk")
///     .with_sample_count(2)
///     .with_aspect_ratio(AspectRatio::Portrait9x16)
///     .with_person_generation(PersonGeneration::DontAllow)
///     .with_safety_filter_level(SafetyFilterLevel::BlockOnlyHigh)
///     .with_jpeg(80)
///     .into();
/// let v = serde_json::to_value(&request).unwrap();
/// assert_eq!(v["parameters"]["aspectRatio"], "9:16");
/// assert_eq!(v["parameters"]["personGeneration"], "DONT_ALLOW");
/// assert_eq!(v["parameters"]["outputOptions"]["compressionQuality"], 80);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateImages {
    prompt: String,
    parameters: ImagenParameters,
}

impl GenerateImages {
    /// A request for one image of `prompt`.
    pub fn new(prompt: impl Into<String>) -> Self {
        Self {
            prompt: prompt.into(),
            parameters: ImagenParameters::default(),
        }
    }

    /// How many images, 1 to 4.
    #[must_use]
    pub fn with_sample_count(mut self, n: u8) -> Self {
        self.parameters.sample_count = Some(i32::from(n));
        self
    }

    /// The aspect ratio.
    #[must_use]
    pub fn with_aspect_ratio(mut self, ratio: AspectRatio) -> Self {
        self.parameters.aspect_ratio = Some(ratio.as_str().to_owned());
        self
    }

    /// Whether people may be generated.
    #[must_use]
    pub fn with_person_generation(mut self, policy: PersonGeneration) -> Self {
        self.parameters.person_generation = Some(policy.as_str().to_owned());
        self
    }

    /// How strictly images are filtered.
    #[must_use]
    pub fn with_safety_filter_level(mut self, level: SafetyFilterLevel) -> Self {
        self.parameters.safety_setting = Some(level.as_str().to_owned());
        self
    }

    /// Returns the reason of each filtered sample (`includeRaiReason`).
    #[must_use]
    pub fn with_rai_reason(mut self, include: bool) -> Self {
        self.parameters.include_rai_reason = Some(include);
        self
    }

    /// Returns safety attributes for each image and the prompt (`includeSafetyAttributes`).
    #[must_use]
    pub fn with_safety_attributes(mut self, include: bool) -> Self {
        self.parameters.include_safety_attributes = Some(include);
        self
    }

    /// The prompt's language (one of [`IMAGEN_LANGUAGES`], checked when sent).
    #[must_use]
    pub fn with_language(mut self, language: impl Into<String>) -> Self {
        self.parameters.language = Some(language.into());
        self
    }

    /// The output size: `1K` or `2K` (checked when sent).
    #[must_use]
    pub fn with_image_size(mut self, size: impl Into<String>) -> Self {
        self.parameters.sample_image_size = Some(size.into());
        self
    }

    /// How closely to follow the prompt.
    #[must_use]
    pub fn with_guidance_scale(mut self, scale: f64) -> Self {
        self.parameters.guidance_scale = Some(scale);
        self
    }

    /// JPEG output at `quality` (0 to 100) instead of PNG.
    #[must_use]
    pub fn with_jpeg(mut self, quality: u8) -> Self {
        let mut o = ImagenOutputOptions::default();
        o.mime_type = Some("image/jpeg".to_owned());
        o.compression_quality = Some(i32::from(quality));
        self.parameters.output_options = Some(o);
        self
    }
}

impl From<GenerateImages> for ImagenRequest {
    fn from(r: GenerateImages) -> Self {
        Self::imagen(r.prompt, r.parameters)
    }
}

impl From<&str> for GenerateImages {
    fn from(prompt: &str) -> Self {
        Self::new(prompt)
    }
}

/// The answer of Imagen: images, filtered samples and prompt safety, apart.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct GeneratedImages {
    /// The generated images, decoded, in the order of the predictions.
    pub images: Vec<GeneratedImage>,
    /// The samples the responsible-AI filters removed, with their reasons.
    pub filtered: Vec<FilteredImage>,
    /// The prompt's safety attributes (`positivePromptSafetyAttributes`, or the prediction
    /// whose `contentType` is `Positive Prompt`), when requested.
    pub prompt_safety_attributes: Option<Value>,
    /// The whole answer as received.
    pub raw: ImagenResponse,
}

/// One generated image.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct GeneratedImage {
    /// Its position in `predictions`.
    pub index: usize,
    /// The image bytes (decoded from base64).
    pub data: Bytes,
    /// The MIME type (`image/png` unless the answer says otherwise).
    pub mime_type: String,
    /// Its safety attributes (`{"categories": [...], "scores": [...]}`), when requested.
    pub safety_attributes: Option<Value>,
    /// The prompt the service used, when it rewrote it.
    pub enhanced_prompt: Option<String>,
}

/// A sample removed by the responsible-AI filters.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FilteredImage {
    /// Its position in `predictions`.
    pub index: usize,
    /// Why (`raiFilteredReason`).
    pub reason: String,
}

impl GeneratedImages {
    /// Splits an answer into images, filtered samples and prompt safety; an image whose
    /// base64 does not decode is an [`Error::Decode`].
    pub fn from_response(raw: ImagenResponse) -> Result<Self, Error> {
        let mut images = Vec::new();
        let mut filtered = Vec::new();
        let mut prompt_safety_attributes = raw.positive_prompt_safety_attributes.clone();
        for (index, p) in raw.predictions.iter().enumerate() {
            if p.is_prompt_safety_info() {
                if prompt_safety_attributes.is_none() {
                    prompt_safety_attributes.clone_from(&p.safety_attributes);
                }
            } else if let Some(reason) = &p.rai_filtered_reason {
                filtered.push(FilteredImage {
                    index,
                    reason: reason.clone(),
                });
            } else if let Some(decoded) = p.image_bytes() {
                let data = decoded.map_err(|e| {
                    let msg = format!("predictions[{index}].bytesBase64Encoded is not base64: {e}");
                    Error::decode_json(serde::de::Error::custom(msg), b"")
                })?;
                images.push(GeneratedImage {
                    index,
                    data: Bytes::from(data),
                    mime_type: p
                        .mime_type
                        .clone()
                        .unwrap_or_else(|| "image/png".to_owned()),
                    safety_attributes: p.safety_attributes.clone(),
                    enhanced_prompt: p.prompt.clone(),
                });
            }
        }
        Ok(Self {
            images,
            filtered,
            prompt_safety_attributes,
            raw,
        })
    }
}

#[cfg(test)]
mod tests {
    use gemini_transport::MockTransport;
    use gemini_types::ImagenInstance;
    use serde_json::json;

    use super::*;
    use crate::rest::mock_client as client;

    #[tokio::test]
    async fn generate_sends_predict_and_splits_the_answer() {
        let mock = MockTransport::new();
        mock.push_json(
            200,
            r#"{"predictions": [
                {"bytesBase64Encoded": "iVBORw==", "mimeType": "image/png", "safetyAttributes": {"categories": ["x"], "scores": [0.1]}},
                {"raiFilteredReason": "Unsafe image filtered."},
                {"safetyAttributes": {"categories": ["Violence"], "scores": [0.2]}, "contentType": "Positive Prompt"}
            ]}"#,
        );
        let answer = client(&mock)
            .images()
            .generate(
                "imagen-4.0-generate-001",
                GenerateImages::new("a cat")
                    .with_sample_count(2)
                    .with_aspect_ratio(AspectRatio::Landscape16x9)
                    .with_rai_reason(true),
            )
            .await
            .unwrap();
        assert_eq!(answer.images.len(), 1);
        assert_eq!(answer.images[0].data.as_ref(), b"\x89PNG");
        assert_eq!(
            answer.filtered,
            [FilteredImage {
                index: 1,
                reason: "Unsafe image filtered.".into()
            }]
        );
        assert_eq!(
            answer.prompt_safety_attributes.unwrap()["categories"][0],
            "Violence"
        );
        let r = &mock.requests()[0];
        assert_eq!(
            r.uri.path(),
            "/v1beta/models/imagen-4.0-generate-001:predict"
        );
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            body,
            json!({"instances": [{"prompt": "a cat"}],
                   "parameters": {"sampleCount": 2, "aspectRatio": "16:9", "includeRaiReason": true}})
        );
    }

    /// Every parameter the Gemini API rejects, and unknown values, are refused before sending.
    #[tokio::test]
    async fn rejected_parameters_are_typed_errors() {
        let mock = MockTransport::new();
        let images = client(&mock).images();
        let with = |f: fn(&mut ImagenParameters)| {
            let mut p = ImagenParameters::default();
            f(&mut p);
            ImagenRequest::imagen("a cat", p)
        };
        let cases: Vec<(ImagenRequest, &str, InvalidInputKind)> = vec![
            (
                with(|p| p.negative_prompt = Some("dogs".into())),
                "parameters.negativePrompt",
                InvalidInputKind::NotOnGeminiApi,
            ),
            (
                with(|p| p.seed = Some(1)),
                "parameters.seed",
                InvalidInputKind::NotOnGeminiApi,
            ),
            (
                with(|p| p.add_watermark = Some(false)),
                "parameters.addWatermark",
                InvalidInputKind::NotOnGeminiApi,
            ),
            (
                with(|p| p.enhance_prompt = Some(true)),
                "parameters.enhancePrompt",
                InvalidInputKind::NotOnGeminiApi,
            ),
            (
                with(|p| p.storage_uri = Some("gs://b".into())),
                "parameters.storageUri",
                InvalidInputKind::NotOnGeminiApi,
            ),
            (
                with(|p| p.aspect_ratio = Some("5:1".into())),
                "parameters.aspectRatio",
                InvalidInputKind::UnknownValue,
            ),
            (
                with(|p| p.person_generation = Some("ALLOW_ALL".into())),
                "parameters.personGeneration",
                InvalidInputKind::UnknownValue,
            ),
            (
                with(|p| p.safety_setting = Some("BLOCK_NONE".into())),
                "parameters.safetySetting",
                InvalidInputKind::UnknownValue,
            ),
            (
                with(|p| p.sample_count = Some(5)),
                "parameters.sampleCount",
                InvalidInputKind::OutOfRange,
            ),
            (
                with(|p| p.language = Some("fr".into())),
                "parameters.language",
                InvalidInputKind::UnknownValue,
            ),
            (
                ImagenRequest::imagen("  ", ImagenParameters::default()),
                "instances[0].prompt",
                InvalidInputKind::Missing,
            ),
        ];
        for (request, field, kind) in cases {
            let e = images
                .generate("imagen-4.0-generate-001", request)
                .await
                .unwrap_err();
            let invalid = InvalidInput::find(&e).unwrap_or_else(|| panic!("{e:?}"));
            assert_eq!((invalid.field(), invalid.kind()), (field, kind));
        }
        let mut edit = ImagenRequest::imagen("a cat", ImagenParameters::default());
        let mut instance = ImagenInstance::new("a cat");
        instance.image = Some(gemini_types::MediaImage::from_bytes(b"x", "image/png"));
        edit.instances = vec![instance];
        let e = images
            .generate("imagen-4.0-generate-001", edit)
            .await
            .unwrap_err();
        assert_eq!(
            InvalidInput::find(&e).unwrap().field(),
            "instances[0].image"
        );
        // Lowercase spellings of allowed values pass (the API takes both).
        mock.push_json(200, r#"{"predictions": []}"#);
        images
            .generate(
                "imagen-4.0-generate-001",
                with(|p| p.person_generation = Some("allow_adult".into())),
            )
            .await
            .unwrap();
        assert_eq!(mock.requests().len(), 1);
        assert!("5:1".parse::<AspectRatio>().is_err());
        assert_eq!(
            "3:4".parse::<AspectRatio>().unwrap(),
            AspectRatio::Portrait3x4
        );
    }

    #[test]
    fn bad_base64_is_a_decode_error() {
        let raw: ImagenResponse =
            serde_json::from_value(json!({"predictions": [{"bytesBase64Encoded": "!!"}]})).unwrap();
        let e = GeneratedImages::from_response(raw).unwrap_err();
        assert!(matches!(e, Error::Decode(_)), "{e:?}");
    }
}
