//! Veo (`POST /{v}/models/{model}:predictLongRunning`, ../shared/spec/API.md section 14.2):
//! videos from a prompt, a first (and last) frame, reference images, or a video to extend;
//! waiting on the operation; downloading the result.

use std::time::Duration;

use bytes::Bytes;
use gemini_types::{
    MediaImage, PredictLongRunningOperation, VeoInstance, VeoParameters, VeoReferenceImage,
    VeoRequest, VeoVideo,
};
use http::Method;
use tokio::io::{AsyncWrite, AsyncWriteExt as _};

use crate::api::input::{self, InvalidInput, InvalidInputKind};
use crate::rest::{Rest, names, wait};
use crate::{Error, OperationError, WaitOptions};

/// How many redirects a video download follows.
const MAX_REDIRECTS: u32 = 5;

/// Veo: `client.videos()`.
///
/// [`generate`](Self::generate) starts a generation and returns its operation;
/// [`wait`](Self::wait) polls it through the operations engine (backoff, a deadline from
/// [`WaitOptions`], and an optional progress callback) and returns the videos;
/// [`download`](Self::download) streams a video into any [`AsyncWrite`], following
/// redirects, with the API key in the `x-goog-api-key` header only (never in a URL, and only
/// to the configured origin).
///
/// Parameters the Gemini API rejects (`seed`, `fps`, `generateAudio`, `storageUri`, video
/// bytes instead of a URI) and unknown aspect ratios are an [`Error::Build`] holding an
/// [`InvalidInput`] before anything is sent.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// use gemini::{GenerateVideos, WaitOptions};
/// let client = gemini::Client::from_env()?;
/// let videos = client.videos();
/// let op = videos
///     .generate("veo-3.1-generate-preview", GenerateVideos::new("A cat surfing a wave"))
///     .await?;
/// let done = videos
///     .wait_with_progress(op.name(), WaitOptions::new(), |p| {
///         eprintln!("still generating after {:?} ({} polls)", p.elapsed(), p.polls());
///     })
///     .await?;
/// let mut out = tokio::fs::File::create("cat.mp4").await.unwrap();
/// videos.download(&done.videos[0], &mut out).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Videos {
    rest: Rest,
}

crate::rest::resource_handle!(Videos);

impl Videos {
    /// `models.predictLongRunning` on a Veo model: starts the generation and returns its
    /// operation (`models/{model}/operations/{id}`). The request is checked first.
    pub async fn generate(
        &self,
        model: impl AsRef<str>,
        request: impl Into<VeoRequest>,
    ) -> Result<PredictLongRunningOperation, Error> {
        let model = names::resolve(model.as_ref())?;
        let request = request.into();
        validate(&request)?;
        self.rest
            .call(Method::POST, format!("{model}:predictLongRunning"))
            .json(&request)
            .send()
            .await
    }

    /// Polls the operation until it is done and returns its videos. A failed operation, or a
    /// deadline that passes first, is an [`Error::Operation`].
    pub async fn wait(
        &self,
        operation: impl AsRef<str>,
        options: WaitOptions,
    ) -> Result<GeneratedVideos, Error> {
        self.wait_with_progress(operation, options, |_| {}).await
    }

    /// [`wait`](Self::wait), calling `progress` after every poll.
    pub async fn wait_with_progress(
        &self,
        operation: impl AsRef<str>,
        options: WaitOptions,
        mut progress: impl FnMut(&VideoProgress<'_>),
    ) -> Result<GeneratedVideos, Error> {
        let name = names::operation(operation.as_ref())?;
        let op: PredictLongRunningOperation = wait::poll_until_observed(
            &self.rest.client,
            &options,
            &name,
            || self.rest.call(Method::GET, name.as_str()).send(),
            PredictLongRunningOperation::is_done,
            |op, polled| {
                progress(&VideoProgress {
                    polls: polled.polls,
                    elapsed: polled.elapsed,
                    operation: op,
                });
            },
        )
        .await?;
        if let Some(status) = op.error.clone() {
            return Err(Error::Operation(OperationError::failed(name, status)));
        }
        Ok(GeneratedVideos::from_operation(op))
    }

    /// Writes a generated video into `writer` chunk by chunk (never the whole video in
    /// memory), flushes it, and returns the bytes written.
    ///
    /// A video whose URI names a file (`.../files/{id}...`) is fetched as
    /// `files/{id}:download?alt=media` on the configured endpoint; any other URI is fetched
    /// as is. Redirects are followed (at most 5); the key is sent in the header, and only to
    /// the configured origin. A video returned inline is written as is.
    pub async fn download<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        video: &GeneratedVideo,
        writer: &mut W,
    ) -> Result<u64, Error> {
        if let Some(data) = &video.data {
            writer
                .write_all(data)
                .await
                .map_err(|e| Error::io("could not write the video", e))?;
            writer
                .flush()
                .await
                .map_err(|e| Error::io("could not flush the video", e))?;
            return Ok(data.len() as u64);
        }
        let Some(uri) = video.uri.as_deref() else {
            return Err(InvalidInput::new(
                "video",
                InvalidInputKind::Missing,
                "the video has neither a URI nor bytes",
            )
            .into());
        };
        self.download_uri(uri, writer).await
    }

    /// [`download`](Self::download) from a video's URI.
    pub async fn download_uri<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        uri: &str,
        writer: &mut W,
    ) -> Result<u64, Error> {
        let call = if let Some(file) = gemini_types::file_name_from_uri(uri) {
            self.rest
                .call(Method::GET, format!("{file}:download"))
                .query("alt", "media")
        } else {
            let parsed = crate::rest::upload::parse_url(uri)?;
            self.rest.call_absolute(Method::GET, parsed)
        };
        let mut body = call.open_raw_following(MAX_REDIRECTS).await?.into_body();
        let mut written = 0u64;
        while let Some(chunk) = std::future::poll_fn(|cx| body.poll_data(cx)).await {
            let chunk = chunk.map_err(Error::stream_body)?;
            writer.write_all(&chunk).await.map_err(|e| {
                Error::io(format!("could not write the video at byte {written}"), e)
            })?;
            written += chunk.len() as u64;
        }
        writer
            .flush()
            .await
            .map_err(|e| Error::io("could not flush the video", e))?;
        Ok(written)
    }
}

/// Where a video generation is, after each poll.
#[derive(Clone, Copy, Debug)]
pub struct VideoProgress<'a> {
    polls: u32,
    elapsed: Duration,
    operation: &'a PredictLongRunningOperation,
}

impl VideoProgress<'_> {
    /// Polls so far (1 after the first).
    pub fn polls(&self) -> u32 {
        self.polls
    }

    /// Time since the wait started.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }

    /// Whether the operation is done.
    pub fn is_done(&self) -> bool {
        self.operation.is_done()
    }

    /// The operation as last fetched.
    pub fn operation(&self) -> &PredictLongRunningOperation {
        self.operation
    }
}

/// Checks a Veo request against what the Gemini API accepts.
fn validate(request: &VeoRequest) -> Result<(), Error> {
    if request.instances.is_empty() {
        return Err(InvalidInput::new(
            "instances",
            InvalidInputKind::Missing,
            "no instance: give a prompt, an image or a video",
        )
        .into());
    }
    for (i, inst) in request.instances.iter().enumerate() {
        let has_input = inst.prompt.as_deref().is_some_and(|p| !p.trim().is_empty())
            || inst.image.is_some()
            || inst.video.is_some();
        if !has_input {
            return Err(InvalidInput::new(
                format!("instances[{i}].prompt"),
                InvalidInputKind::Missing,
                "give a prompt, an image or a video",
            )
            .into());
        }
        if let Some(v) = &inst.video {
            input::not_on_gemini_api(
                &format!("instances[{i}].video.encodedVideo"),
                v.encoded_video.is_some(),
            )?;
            if v.uri.is_none() {
                return Err(InvalidInput::new(
                    format!("instances[{i}].video.uri"),
                    InvalidInputKind::Missing,
                    "a video to extend is given by its URI on the Gemini API",
                )
                .into());
            }
        }
        let images = inst
            .image
            .iter()
            .map(|m| ("image", m))
            .chain(inst.last_frame.iter().map(|m| ("lastFrame", m)))
            .chain(
                inst.reference_images
                    .iter()
                    .filter_map(|r| r.image.as_ref())
                    .map(|m| ("referenceImages.image", m)),
            );
        for (field, image) in images {
            input::not_on_gemini_api(
                &format!("instances[{i}].{field}.gcsUri"),
                image.gcs_uri.is_some(),
            )?;
        }
        for (j, r) in inst.reference_images.iter().enumerate() {
            input::one_of(
                &format!("instances[{i}].referenceImages[{j}].referenceType"),
                r.reference_type.as_deref(),
                &["ASSET", "STYLE"],
            )?;
        }
    }
    let Some(p) = &request.parameters else {
        return Ok(());
    };
    let vertex_only: [(&str, bool); 4] = [
        ("parameters.seed", p.seed.is_some()),
        ("parameters.fps", p.fps.is_some()),
        ("parameters.generateAudio", p.generate_audio.is_some()),
        ("parameters.storageUri", p.storage_uri.is_some()),
    ];
    for (field, set) in vertex_only {
        input::not_on_gemini_api(field, set)?;
    }
    input::one_of(
        "parameters.aspectRatio",
        p.aspect_ratio.as_deref(),
        &["16:9", "9:16"],
    )?;
    input::one_of(
        "parameters.personGeneration",
        p.person_generation.as_deref(),
        &["dont_allow", "allow_adult", "allow_all"],
    )?;
    input::in_range(
        "parameters.durationSeconds",
        p.duration_seconds.map(i64::from),
        1..=60,
    )?;
    input::in_range(
        "parameters.sampleCount",
        p.sample_count.map(i64::from),
        1..=4,
    )
}

/// The kind of a Veo reference image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReferenceType {
    /// `ASSET`: a subject to keep (a person, a character, a product).
    Asset,
    /// `STYLE`: a look to follow.
    Style,
}

impl ReferenceType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asset => "ASSET",
            Self::Style => "STYLE",
        }
    }
}

/// A typed Veo request: text-to-video, image-to-video (a first frame, and a last frame),
/// reference images, or the extension of a generated video. It converts into a
/// [`VeoRequest`].
///
/// ```
/// use gemini::{GenerateVideos, ReferenceType};
/// let request: gemini::types::VeoRequest = GenerateVideos::new("The cat jumps")
///     .with_image(b"\x89PNG...".to_vec(), "image/png")
///     .with_last_frame(b"\x89PNG...".to_vec(), "image/png")
///     .with_reference_image(b"\x89PNG...".to_vec(), "image/png", ReferenceType::Asset)
///     .with_aspect_ratio("9:16")
///     .with_duration_seconds(8)
///     .into();
/// let v = serde_json::to_value(&request).unwrap();
/// assert_eq!(v["instances"][0]["lastFrame"]["mimeType"], "image/png");
/// assert_eq!(v["instances"][0]["referenceImages"][0]["referenceType"], "ASSET");
/// assert_eq!(v["parameters"]["durationSeconds"], 8);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GenerateVideos {
    instance: VeoInstance,
    parameters: VeoParameters,
}

impl GenerateVideos {
    /// Text-to-video from `prompt`.
    pub fn new(prompt: impl Into<String>) -> Self {
        Self {
            instance: VeoInstance::new(prompt),
            parameters: VeoParameters::default(),
        }
    }

    /// Extends a generated video (by its URI) following `prompt`.
    pub fn extend(prompt: impl Into<String>, video: &GeneratedVideo) -> Self {
        let mut r = Self::new(prompt);
        let mut v = VeoVideo::default();
        v.uri.clone_from(&video.uri);
        v.encoding = Some("video/mp4".to_owned());
        r.instance.video = Some(v);
        r
    }

    /// Image-to-video: the first frame.
    #[must_use]
    pub fn with_image(mut self, data: impl AsRef<[u8]>, mime_type: impl Into<String>) -> Self {
        self.instance.image = Some(MediaImage::from_bytes(data.as_ref(), mime_type));
        self
    }

    /// The last frame (interpolation between the first and the last).
    #[must_use]
    pub fn with_last_frame(mut self, data: impl AsRef<[u8]>, mime_type: impl Into<String>) -> Self {
        self.instance.last_frame = Some(MediaImage::from_bytes(data.as_ref(), mime_type));
        self
    }

    /// Adds a reference image (an asset to keep, or a style to follow).
    #[must_use]
    pub fn with_reference_image(
        mut self,
        data: impl AsRef<[u8]>,
        mime_type: impl Into<String>,
        kind: ReferenceType,
    ) -> Self {
        let mut r = VeoReferenceImage::default();
        r.image = Some(MediaImage::from_bytes(data.as_ref(), mime_type));
        r.reference_type = Some(kind.as_str().to_owned());
        self.instance.reference_images.push(r);
        self
    }

    /// The aspect ratio: `16:9` or `9:16` (checked when sent).
    #[must_use]
    pub fn with_aspect_ratio(mut self, ratio: impl Into<String>) -> Self {
        self.parameters.aspect_ratio = Some(ratio.into());
        self
    }

    /// The length in seconds.
    #[must_use]
    pub fn with_duration_seconds(mut self, seconds: u8) -> Self {
        self.parameters.duration_seconds = Some(i32::from(seconds));
        self
    }

    /// The resolution, e.g. `720p`, `1080p`.
    #[must_use]
    pub fn with_resolution(mut self, resolution: impl Into<String>) -> Self {
        self.parameters.resolution = Some(resolution.into());
        self
    }

    /// What to avoid.
    #[must_use]
    pub fn with_negative_prompt(mut self, text: impl Into<String>) -> Self {
        self.parameters.negative_prompt = Some(text.into());
        self
    }

    /// Whether people may be generated: `dont_allow`, `allow_adult` or `allow_all`.
    #[must_use]
    pub fn with_person_generation(mut self, policy: impl Into<String>) -> Self {
        self.parameters.person_generation = Some(policy.into());
        self
    }

    /// How many videos, 1 to 4.
    #[must_use]
    pub fn with_sample_count(mut self, n: u8) -> Self {
        self.parameters.sample_count = Some(i32::from(n));
        self
    }
}

impl From<GenerateVideos> for VeoRequest {
    fn from(r: GenerateVideos) -> Self {
        let mut req = Self::default();
        req.instances = vec![r.instance];
        req.parameters = Some(r.parameters);
        req
    }
}

impl From<&str> for GenerateVideos {
    fn from(prompt: &str) -> Self {
        Self::new(prompt)
    }
}

/// The result of a finished Veo operation.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct GeneratedVideos {
    /// The videos, in order.
    pub videos: Vec<GeneratedVideo>,
    /// How many videos the responsible-AI filters removed.
    pub filtered_count: u32,
    /// Why they were removed.
    pub filtered_reasons: Vec<String>,
    /// The finished operation as received.
    pub operation: PredictLongRunningOperation,
}

/// One generated video: a URI to download, or (Vertex AI) its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GeneratedVideo {
    /// Where to download it ([`Videos::download`]).
    pub uri: Option<String>,
    /// The bytes, when returned inline.
    pub data: Option<Bytes>,
}

impl GeneratedVideos {
    /// The videos of a finished operation.
    pub fn from_operation(operation: PredictLongRunningOperation) -> Self {
        let r = operation
            .response
            .as_ref()
            .and_then(|r| r.generate_video_response.as_ref());
        let videos = r
            .map(|r| {
                r.generated_samples
                    .iter()
                    .filter_map(|s| s.video.as_ref())
                    .map(|v| GeneratedVideo {
                        uri: v.uri.clone(),
                        data: v.video.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            videos,
            filtered_count: r
                .and_then(|r| r.rai_media_filtered_count)
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0),
            filtered_reasons: r
                .map(|r| r.rai_media_filtered_reasons.clone())
                .unwrap_or_default(),
            operation,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use gemini_transport::{MockTransport, ResponseBody};
    use serde_json::{Value, json};

    use super::*;
    use crate::rest::mock_client as client;

    const DONE: &str = r#"{"name": "models/veo/operations/o1", "done": true, "response": {
        "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
        "generateVideoResponse": {"generatedSamples": [{"video": {"uri": "https://generativelanguage.googleapis.com/v1beta/files/abc:download?alt=media"}}],
        "raiMediaFilteredCount": 1, "raiMediaFilteredReasons": ["celebrity"]}}}"#;

    fn redirect(status: u16, location: &str) -> http::Response<ResponseBody> {
        http::Response::builder()
            .status(status)
            .header("location", location)
            .body(ResponseBody::from(Bytes::new()))
            .unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn generate_wait_with_progress_and_download_with_redirects() {
        let mock = MockTransport::new();
        mock.push_json(200, r#"{"name": "models/veo/operations/o1"}"#)
            .push_json(200, r#"{"name": "models/veo/operations/o1"}"#)
            .push_json(200, DONE)
            .push_response(redirect(302, "/v1beta/files/abc:download?alt=media&hop=1"))
            .push_response(redirect(307, "https://storage.example.com/v/abc.mp4?sig=x"))
            .push_response(
                http::Response::builder()
                    .status(200)
                    .header("content-type", "video/mp4")
                    .body(ResponseBody::from(Bytes::from_static(
                        b"\0\0\0\x18ftypmp42",
                    )))
                    .unwrap(),
            );
        let videos = client(&mock).videos();
        let op = videos
            .generate(
                "veo",
                GenerateVideos::new("a cat").with_aspect_ratio("16:9"),
            )
            .await
            .unwrap();
        let mut seen = Vec::new();
        let done = videos
            .wait_with_progress(op.name(), WaitOptions::new(), |p| {
                seen.push((p.polls(), p.elapsed(), p.is_done()));
            })
            .await
            .unwrap();
        let polls: Vec<(u32, bool)> = seen.iter().map(|(n, _, d)| (*n, *d)).collect();
        assert_eq!(polls, [(1, false), (2, true)]);
        assert!(seen[1].1 >= Duration::from_secs(1));
        assert_eq!(done.filtered_count, 1);
        assert_eq!(done.filtered_reasons, ["celebrity"]);
        let mut out = Vec::new();
        let n = videos.download(&done.videos[0], &mut out).await.unwrap();
        assert_eq!(n, 12);
        assert_eq!(&out[4..8], b"ftyp");

        let requests = mock.requests();
        let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
        assert_eq!(
            body,
            json!({"instances": [{"prompt": "a cat"}], "parameters": {"aspectRatio": "16:9"}})
        );
        assert_eq!(
            requests[0].uri.path(),
            "/v1beta/models/veo:predictLongRunning"
        );
        let hops: Vec<String> = requests[3..].iter().map(|r| r.uri.to_string()).collect();
        assert_eq!(
            hops,
            [
                "https://generativelanguage.googleapis.com/v1beta/files/abc:download?alt=media",
                "https://generativelanguage.googleapis.com/v1beta/files/abc:download?alt=media&hop=1",
                "https://storage.example.com/v/abc.mp4?sig=x",
            ]
        );
        // The key goes in the header to the API's origin, never to another host, never in
        // a URL.
        assert_eq!(requests[3].headers["x-goog-api-key"], "k");
        assert_eq!(requests[4].headers["x-goog-api-key"], "k");
        assert!(requests[5].headers.get("x-goog-api-key").is_none());
        assert!(hops.iter().all(|u| !u.contains("key=")));
    }

    #[tokio::test]
    async fn redirect_loops_end() {
        let mock = MockTransport::new();
        for _ in 0..=MAX_REDIRECTS {
            mock.push_response(redirect(302, "/v1beta/files/abc:download?alt=media"));
        }
        let video = GeneratedVideo {
            uri: Some("https://generativelanguage.googleapis.com/v1beta/files/abc".into()),
            data: None,
        };
        let e = client(&mock)
            .videos()
            .download(&video, &mut Vec::new())
            .await
            .unwrap_err();
        assert!(e.report().contains("redirects"), "{}", e.report());
        assert_eq!(mock.requests().len() as u32, MAX_REDIRECTS + 1);
    }

    #[tokio::test]
    async fn failed_operations_and_rejected_parameters() {
        let mock = MockTransport::new();
        mock.push_json(
            200,
            r#"{"name": "models/veo/operations/o1", "done": true, "error": {"code": 3, "message": "bad prompt"}}"#,
        );
        let videos = client(&mock).videos();
        let e = videos
            .wait("models/veo/operations/o1", WaitOptions::new())
            .await
            .unwrap_err();
        assert!(
            matches!(&e, Error::Operation(op) if !op.is_deadline()),
            "{e:?}"
        );

        let with = |f: fn(&mut VeoParameters)| {
            let mut r = GenerateVideos::new("a cat");
            f(&mut r.parameters);
            r
        };
        let cases = [
            (with(|p| p.seed = Some(1)), "parameters.seed"),
            (with(|p| p.fps = Some(24)), "parameters.fps"),
            (
                with(|p| p.generate_audio = Some(true)),
                "parameters.generateAudio",
            ),
            (
                with(|p| p.storage_uri = Some("gs://x".into())),
                "parameters.storageUri",
            ),
            (
                with(|p| p.aspect_ratio = Some("4:3".into())),
                "parameters.aspectRatio",
            ),
        ];
        for (request, field) in cases {
            let e = videos.generate("veo", request).await.unwrap_err();
            assert_eq!(InvalidInput::find(&e).unwrap().field(), field);
        }
        let mut bytes_video = GenerateVideos::new("more");
        let mut v = VeoVideo::default();
        v.encoded_video = Some("AAAA".into());
        bytes_video.instance.video = Some(v);
        let e = videos.generate("veo", bytes_video).await.unwrap_err();
        assert_eq!(
            InvalidInput::find(&e).unwrap().kind(),
            InvalidInputKind::NotOnGeminiApi
        );
        assert_eq!(mock.requests().len(), 1);
        let extended: VeoRequest = GenerateVideos::extend(
            "then it rains",
            &GeneratedVideo {
                uri: Some("https://x/files/v".into()),
                data: None,
            },
        )
        .into();
        assert_eq!(
            serde_json::to_value(&extended).unwrap()["instances"][0]["video"],
            json!({"uri": "https://x/files/v", "encoding": "video/mp4"})
        );
    }
}
