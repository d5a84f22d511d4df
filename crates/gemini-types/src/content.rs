//! Content, Part and every part kind (text, inline data, file data, function calls and
//! responses, code execution, server-side tool calls), thoughts and thought signatures.
//!
//! [`Content`], [`Part`], [`FunctionCall`] and [`FunctionResponse`] are sent back to the API as
//! history, so they keep every field they do not know in an `extra` map and write it back
//! unchanged: a model turn received from the API re-serializes with nothing lost
//! (../shared/spec/API.md §3, "send the model's previous `content` back unmodified").
//!
//! Their serde code is written by hand: a [`Part`]'s data is a oneof decoded by which key is
//! present (never `#[serde(untagged)]`), and nothing is buffered through an intermediate value,
//! so decoding a part with megabytes of inline data is a single pass.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use bytes::Bytes;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::config::MediaResolution;
use crate::wire;

crate::open_enum! {
    /// The producer of a [`Content`].
    pub enum Role {
        /// The user (also used for function results).
        User = "user",
        /// The model.
        Model = "model",
        /// Function results, in older documentation (the SDKs now send [`Role::User`]).
        Function = "function",
    }
}

/// A multi-part message: the unit of a conversation turn.
///
/// ```
/// use gemini_types::{Content, Part, Role};
/// let turn = Content::user("Describe this picture")
///     .with_part(Part::inline_data("image/png", vec![0x89, b'P', b'N', b'G']));
/// assert_eq!(turn.role, Some(Role::User));
/// assert_eq!(turn.parts.len(), 2);
/// let json = serde_json::to_value(&turn).unwrap();
/// assert_eq!(json["parts"][1]["inlineData"]["data"], "iVBORw==");
/// ```
///
/// Unknown fields are kept in [`extra`](Content::extra) and serialized back.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Content {
    /// `role`: who produced the content; optional in single-turn requests.
    pub role: Option<Role>,
    /// `parts`: the ordered parts of the message (a single object is accepted when decoding).
    pub parts: Vec<Part>,
    /// Fields this version of the SDK does not know, kept verbatim.
    pub extra: Map<String, Value>,
}

impl Content {
    /// A content with the given role and parts.
    pub fn new(role: impl Into<Role>, parts: impl IntoIterator<Item = Part>) -> Self {
        Self {
            role: Some(role.into()),
            parts: parts.into_iter().collect(),
            extra: Map::new(),
        }
    }

    /// A user turn with a single part (text, with `&str` / `String`).
    pub fn user(part: impl Into<Part>) -> Self {
        Self::new(Role::User, [part.into()])
    }

    /// A model turn with a single part (text, with `&str` / `String`).
    pub fn model(part: impl Into<Part>) -> Self {
        Self::new(Role::Model, [part.into()])
    }

    /// A content without a role, e.g. for `systemInstruction`.
    pub fn from_parts(parts: impl IntoIterator<Item = Part>) -> Self {
        Self {
            role: None,
            parts: parts.into_iter().collect(),
            extra: Map::new(),
        }
    }

    /// A user turn answering function calls (one `functionResponse` part per response).
    pub fn function_responses(responses: impl IntoIterator<Item = FunctionResponse>) -> Self {
        Self::new(Role::User, responses.into_iter().map(Part::from))
    }

    /// Appends a part.
    #[must_use]
    pub fn with_part(mut self, part: impl Into<Part>) -> Self {
        self.parts.push(part.into());
        self
    }

    /// Sets the role.
    #[must_use]
    pub fn with_role(mut self, role: impl Into<Role>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// The concatenated text of the non-thought text parts, or `None` if there is none.
    pub fn text(&self) -> Option<String> {
        concat_text(self.parts.iter().filter(|p| !p.is_thought()))
    }

    /// The concatenated text of the thought-summary parts, or `None` if there is none.
    pub fn thoughts(&self) -> Option<String> {
        concat_text(self.parts.iter().filter(|p| p.is_thought()))
    }

    /// The function calls in this content, in order.
    pub fn function_calls(&self) -> impl Iterator<Item = &FunctionCall> {
        self.parts.iter().filter_map(|p| match &p.data {
            PartData::FunctionCall(fc) => Some(fc),
            _ => None,
        })
    }
}

fn concat_text<'a>(parts: impl Iterator<Item = &'a Part>) -> Option<String> {
    let mut out: Option<String> = None;
    for p in parts {
        if let PartData::Text(t) = &p.data {
            out.get_or_insert_with(String::new).push_str(t);
        }
    }
    out
}

impl From<&str> for Content {
    fn from(text: &str) -> Self {
        Self::user(text)
    }
}

impl From<String> for Content {
    fn from(text: String) -> Self {
        Self::user(text)
    }
}

impl From<Part> for Content {
    /// A user turn with this single part.
    fn from(part: Part) -> Self {
        Self::user(part)
    }
}

impl From<Vec<Part>> for Content {
    /// A user turn with these parts.
    fn from(parts: Vec<Part>) -> Self {
        Self::new(Role::User, parts)
    }
}

/// The media resolution of one part (`Part.mediaResolution`): an object here, unlike the bare
/// enum [`GenerationConfig::media_resolution`](crate::GenerationConfig::media_resolution).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PartMediaResolution {
    /// `level`: the resolution level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<MediaResolution>,
    /// `numTokens`: an explicit token budget for this media.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "num_tokens",
        serialize_with = "wire::int32::serialize",
        deserialize_with = "wire::int32::deserialize"
    )]
    pub num_tokens: Option<i32>,
}

impl PartMediaResolution {
    /// A per-part resolution with the given level.
    pub fn new(level: MediaResolution) -> Self {
        Self {
            level: Some(level),
            num_tokens: None,
        }
    }
}

/// One part of a [`Content`]: exactly one kind of data ([`PartData`]) plus optional metadata.
///
/// ```
/// use gemini_types::{Part, PartData};
/// let part: Part = serde_json::from_str(r#"{"text":"hi","thoughtSignature":"AQID"}"#).unwrap();
/// assert_eq!(part.as_text(), Some("hi"));
/// let sig = part.thought_signature.as_ref().unwrap();
/// assert_eq!(sig.as_str(), "AQID");
/// assert_eq!(sig.decode().unwrap(), [1, 2, 3]);
///
/// // An unknown part kind is kept with its key and raw JSON.
/// # #[cfg(not(gemini_strict_unknown))] {
/// let part: Part = serde_json::from_str(r#"{"hologram":{"depth":3}}"#).unwrap();
/// assert!(matches!(&part.data, PartData::Unknown { key, .. } if key == "hologram"));
/// assert_eq!(serde_json::to_string(&part).unwrap(), r#"{"hologram":{"depth":3}}"#);
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Part {
    /// The data of the part (`text`, `inlineData`, `functionCall`, ...), flattened on the wire.
    pub data: PartData,
    /// `thought`: `true` on a thought-summary part (only with `includeThoughts`).
    pub thought: Option<bool>,
    /// `thoughtSignature`: opaque signature that must be sent back on the same part, kept
    /// exactly as received (see [`ThoughtSignature`]).
    pub thought_signature: Option<ThoughtSignature>,
    /// `videoMetadata`: clipping and frame rate of video data.
    pub video_metadata: Option<VideoMetadata>,
    /// `partMetadata`: free-form client-side bookkeeping (a `Struct`).
    pub part_metadata: Option<Map<String, Value>>,
    /// `mediaResolution`: per-part media resolution.
    pub media_resolution: Option<PartMediaResolution>,
    /// `mediaProcessing`: newer, passed through untouched.
    pub media_processing: Option<Value>,
    /// `documentMetadata`: newer, passed through untouched.
    pub document_metadata: Option<Value>,
    /// `spreadsheetMetadata`: newer, passed through untouched.
    pub spreadsheet_metadata: Option<Value>,
    /// `audioMetadata`: newer, passed through untouched.
    pub audio_metadata: Option<Value>,
    /// `speechMetadata`: newer, passed through untouched.
    pub speech_metadata: Option<Value>,
    /// Fields this version of the SDK does not know, kept verbatim.
    pub extra: Map<String, Value>,
}

/// The data of a [`Part`]: a oneof decoded by which key is present.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub enum PartData {
    /// No data: `{}`, or a part carrying only metadata such as a `thoughtSignature`.
    #[default]
    None,
    /// `text`.
    Text(String),
    /// `inlineData`: bytes sent inline.
    InlineData(Blob),
    /// `fileData`: a reference to an uploaded file or a URL.
    FileData(FileData),
    /// `functionCall`: a call the model wants the client to make.
    FunctionCall(FunctionCall),
    /// `functionResponse`: the result of a function call.
    FunctionResponse(FunctionResponse),
    /// `executableCode`: code generated by the code-execution tool.
    ExecutableCode(ExecutableCode),
    /// `codeExecutionResult`: the result of running [`ExecutableCode`].
    CodeExecutionResult(CodeExecutionResult),
    /// `toolCall`: a server-side tool invocation shown to the client.
    ToolCall(ToolCall),
    /// `toolResponse`: the result of a server-side tool invocation.
    ToolResponse(ToolResponse),
    /// A part kind this version of the SDK does not know: its key and raw JSON value.
    Unknown {
        /// The wire key (e.g. `"hologram"`).
        key: String,
        /// The raw JSON value under that key.
        value: Value,
    },
}

impl PartData {
    /// The wire key of this kind of data (`"text"`, `"inlineData"`, ...); `None` for
    /// [`PartData::None`].
    pub fn key(&self) -> Option<&str> {
        Some(match self {
            Self::None => return None,
            Self::Text(_) => "text",
            Self::InlineData(_) => "inlineData",
            Self::FileData(_) => "fileData",
            Self::FunctionCall(_) => "functionCall",
            Self::FunctionResponse(_) => "functionResponse",
            Self::ExecutableCode(_) => "executableCode",
            Self::CodeExecutionResult(_) => "codeExecutionResult",
            Self::ToolCall(_) => "toolCall",
            Self::ToolResponse(_) => "toolResponse",
            Self::Unknown { key, .. } => key,
        })
    }
}

impl Part {
    /// A part with the given data and no metadata.
    pub fn new(data: PartData) -> Self {
        Self {
            data,
            ..Self::default()
        }
    }

    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        Self::new(PartData::Text(text.into()))
    }

    /// An inline-data part (`inlineData`), e.g. `Part::inline_data("image/png", bytes)`.
    pub fn inline_data(mime_type: impl Into<String>, data: impl Into<Bytes>) -> Self {
        Self::new(PartData::InlineData(Blob::new(mime_type, data)))
    }

    /// A file-data part (`fileData`) referring to an uploaded file (`File.uri`) or a URL.
    pub fn file_data(mime_type: impl Into<String>, file_uri: impl Into<String>) -> Self {
        Self::new(PartData::FileData(FileData::new(mime_type, file_uri)))
    }

    /// A function-call part (normally produced by the model).
    pub fn function_call(name: impl Into<String>, args: Value) -> Self {
        Self::new(PartData::FunctionCall(FunctionCall::new(name, args)))
    }

    /// A function-response part answering a call named `name`.
    pub fn function_response(name: impl Into<String>, response: Value) -> Self {
        Self::new(PartData::FunctionResponse(FunctionResponse::new(
            name, response,
        )))
    }

    /// Sets `thought` to `true` (marks a thought-summary part).
    #[must_use]
    pub fn with_thought(mut self, thought: bool) -> Self {
        self.thought = Some(thought);
        self
    }

    /// Sets the thought signature (bytes, or a [`ThoughtSignature`] kept as received).
    #[must_use]
    pub fn with_thought_signature(mut self, signature: impl Into<ThoughtSignature>) -> Self {
        self.thought_signature = Some(signature.into());
        self
    }

    /// Sets the video metadata.
    #[must_use]
    pub fn with_video_metadata(mut self, video_metadata: VideoMetadata) -> Self {
        self.video_metadata = Some(video_metadata);
        self
    }

    /// Sets the per-part media resolution.
    #[must_use]
    pub fn with_media_resolution(mut self, level: MediaResolution) -> Self {
        self.media_resolution = Some(PartMediaResolution::new(level));
        self
    }

    /// Whether this is a thought-summary part (`thought: true`).
    pub fn is_thought(&self) -> bool {
        self.thought == Some(true)
    }

    /// The text, if this is a text part.
    pub fn as_text(&self) -> Option<&str> {
        match &self.data {
            PartData::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The function call, if this is a function-call part.
    pub fn as_function_call(&self) -> Option<&FunctionCall> {
        match &self.data {
            PartData::FunctionCall(fc) => Some(fc),
            _ => None,
        }
    }

    /// The inline data, if this is an inline-data part.
    pub fn as_inline_data(&self) -> Option<&Blob> {
        match &self.data {
            PartData::InlineData(b) => Some(b),
            _ => None,
        }
    }
}

/// A `thoughtSignature`: an opaque token the model attaches to a part, which must be sent back
/// on the same part unmodified (../shared/spec/API.md §22, gotcha 4).
///
/// On the wire it is a base64 `bytes` field, but the client never reads it, only echoes it, so
/// it is kept as the exact string received instead of being decoded:
///
/// * decoding a response never fails because of a signature: recordings whose signatures were
///   redacted (`"<redacted>"`) decode, and a change in the server's encoding cannot break a
///   client;
/// * it is sent back byte-identical, whatever base64 alphabet or padding it arrived in;
/// * a multi-megabyte signature costs one string copy, no base64 pass each way.
///
/// [`decode`](Self::decode) gives the bytes when they are wanted. A signature made from bytes
/// (`From<Vec<u8>>`, `From<&[u8]>`, `From<Bytes>`) is encoded as standard base64 with padding, as
/// the API sends them; [`from_wire`](Self::from_wire) keeps a string exactly (e.g. the documented
/// bypass value `skip_thought_signature_validator`). Equality compares the wire strings.
///
/// ```
/// use gemini_types::{Part, ThoughtSignature};
/// let part: Part =
///     serde_json::from_str(r#"{"functionCall":{"name":"f"},"thoughtSignature":"<redacted>"}"#)
///         .unwrap();
/// let sig = part.thought_signature.as_ref().unwrap();
/// assert_eq!(sig.as_str(), "<redacted>");
/// assert!(sig.decode().is_err());
/// assert_eq!(
///     serde_json::to_string(&part).unwrap(),
///     r#"{"functionCall":{"name":"f"},"thoughtSignature":"<redacted>"}"#
/// );
/// assert_eq!(ThoughtSignature::from(vec![1, 2, 3]).as_str(), "AQID");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct ThoughtSignature(String);

impl ThoughtSignature {
    /// A signature with this exact wire string (normally base64), kept as given.
    pub fn from_wire(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// A signature holding `bytes`, encoded as standard base64 with padding.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self(wire::encode_base64(bytes))
    }

    /// The wire string, exactly as received or given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The wire string.
    pub fn into_string(self) -> String {
        self.0
    }

    /// Whether the wire string is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Decodes the wire string as base64 (standard or URL-safe, padded or not). Fails when the
    /// string is not base64 (e.g. a recording's placeholder); the signature is still sent back
    /// as received.
    pub fn decode(&self) -> Result<Vec<u8>, base64::DecodeError> {
        wire::decode_base64(&self.0)
    }
}

impl fmt::Debug for ThoughtSignature {
    /// Short: signatures can be megabytes long. Shows the first characters and the length.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 24;
        match self.0.get(..SHOWN) {
            Some(head) if self.0.len() > SHOWN => {
                write!(f, "ThoughtSignature({head:?}... {} chars)", self.0.len())
            }
            _ => write!(f, "ThoughtSignature({:?})", self.0),
        }
    }
}

impl From<Vec<u8>> for ThoughtSignature {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from_bytes(&bytes)
    }
}

impl From<&[u8]> for ThoughtSignature {
    fn from(bytes: &[u8]) -> Self {
        Self::from_bytes(bytes)
    }
}

impl<const N: usize> From<&[u8; N]> for ThoughtSignature {
    fn from(bytes: &[u8; N]) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<Bytes> for ThoughtSignature {
    fn from(bytes: Bytes) -> Self {
        Self::from_bytes(&bytes)
    }
}

impl From<&str> for Part {
    fn from(text: &str) -> Self {
        Self::text(text)
    }
}

impl From<String> for Part {
    fn from(text: String) -> Self {
        Self::text(text)
    }
}

impl From<PartData> for Part {
    fn from(data: PartData) -> Self {
        Self::new(data)
    }
}

impl From<Blob> for Part {
    fn from(blob: Blob) -> Self {
        Self::new(PartData::InlineData(blob))
    }
}

impl From<FileData> for Part {
    fn from(file: FileData) -> Self {
        Self::new(PartData::FileData(file))
    }
}

impl From<FunctionCall> for Part {
    fn from(call: FunctionCall) -> Self {
        Self::new(PartData::FunctionCall(call))
    }
}

impl From<FunctionResponse> for Part {
    fn from(response: FunctionResponse) -> Self {
        Self::new(PartData::FunctionResponse(response))
    }
}

/// Raw bytes with their MIME type (`inlineData`; also `FunctionResponseBlob`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Blob {
    /// `mimeType`, e.g. `image/png`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "mime_type")]
    pub mime_type: Option<String>,
    /// `data`: the raw bytes (base64 on the wire).
    ///
    /// Unlike a [`ThoughtSignature`], which is only echoed, these bytes are what the caller
    /// reads (an image, audio), so they are decoded: standard or URL-safe base64, padded or
    /// not, as the service accepts. A string that is not base64 is rejected with an error naming
    /// `inlineData.data`, never decoded approximately; re-serialized, the same bytes are written
    /// as standard base64 with padding.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::base64_bytes::serialize",
        deserialize_with = "blob_data"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub data: Option<Bytes>,
    /// `displayName`: only honoured with server-side tools and in function responses.
    #[serde(skip_serializing_if = "Option::is_none", alias = "display_name")]
    pub display_name: Option<String>,
}

impl Blob {
    /// Bytes with their MIME type.
    pub fn new(mime_type: impl Into<String>, data: impl Into<Bytes>) -> Self {
        Self {
            mime_type: Some(mime_type.into()),
            data: Some(data.into()),
            display_name: None,
        }
    }
}

fn blob_data<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Bytes>, D::Error> {
    wire::base64_bytes::deserialize_named(d, "`inlineData.data`")
}

/// `FunctionResponseBlob`: the same shape as [`Blob`].
pub type FunctionResponseBlob = Blob;

/// A reference to an uploaded file or a URL (`fileData`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FileData {
    /// `mimeType` of the file.
    #[serde(skip_serializing_if = "Option::is_none", alias = "mime_type")]
    pub mime_type: Option<String>,
    /// `fileUri`: `File.uri`, a YouTube URL, or an `https://` URL.
    #[serde(skip_serializing_if = "Option::is_none", alias = "file_uri")]
    pub file_uri: Option<String>,
    /// `displayName`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "display_name")]
    pub display_name: Option<String>,
}

impl FileData {
    /// A file reference with its MIME type.
    pub fn new(mime_type: impl Into<String>, file_uri: impl Into<String>) -> Self {
        Self {
            mime_type: Some(mime_type.into()),
            file_uri: Some(file_uri.into()),
            display_name: None,
        }
    }
}

/// `FunctionResponseFileData`: the same shape as [`FileData`].
pub type FunctionResponseFileData = FileData;

/// Clipping and sampling of video input (`videoMetadata`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VideoMetadata {
    /// `startOffset`, e.g. `"10s"`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::duration::serialize",
        deserialize_with = "wire::duration::deserialize",
        alias = "start_offset"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub start_offset: Option<Duration>,
    /// `endOffset`, e.g. `"40s"`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::duration::serialize",
        deserialize_with = "wire::duration::deserialize",
        alias = "end_offset"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub end_offset: Option<Duration>,
    /// `fps`: frames per second to sample.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fps: Option<f64>,
}

crate::open_enum! {
    /// The programming language of [`ExecutableCode`].
    pub enum ExecutableCodeLanguage {
        /// Unspecified.
        Unspecified = "LANGUAGE_UNSPECIFIED",
        /// Python.
        Python = "PYTHON",
    }
}

/// Code generated by the code-execution tool (`executableCode`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ExecutableCode {
    /// `language`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<ExecutableCodeLanguage>,
    /// `code`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `id`: links the code to its [`CodeExecutionResult`]s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

crate::open_enum! {
    /// The outcome of a [`CodeExecutionResult`].
    pub enum CodeExecutionOutcome {
        /// Unspecified.
        Unspecified = "OUTCOME_UNSPECIFIED",
        /// The code ran successfully.
        Ok = "OUTCOME_OK",
        /// The code failed; `output` has the error.
        Failed = "OUTCOME_FAILED",
        /// The code ran too long and was cancelled.
        DeadlineExceeded = "OUTCOME_DEADLINE_EXCEEDED",
    }
}

/// The result of running [`ExecutableCode`] (`codeExecutionResult`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CodeExecutionResult {
    /// `outcome`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<CodeExecutionOutcome>,
    /// `output`: stdout, or the error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// `id` of the [`ExecutableCode`] this result belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

crate::open_enum! {
    /// The kind of a server-side tool invocation ([`ToolCall`], [`ToolResponse`]).
    pub enum ToolType {
        /// Unspecified.
        Unspecified = "TOOL_TYPE_UNSPECIFIED",
        /// Google Search (web).
        GoogleSearchWeb = "GOOGLE_SEARCH_WEB",
        /// Google Search (images).
        GoogleSearchImage = "GOOGLE_SEARCH_IMAGE",
        /// URL context.
        UrlContext = "URL_CONTEXT",
        /// Google Maps.
        GoogleMaps = "GOOGLE_MAPS",
        /// File search.
        FileSearch = "FILE_SEARCH",
        /// Media processing.
        MediaProcessing = "MEDIA_PROCESSING",
    }
}

/// A server-side tool invocation shown to the client (`toolCall`, with
/// `toolConfig.includeServerSideToolInvocations`); send it back unchanged.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ToolCall {
    /// `id`: links the call to its [`ToolResponse`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `toolType`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "tool_type")]
    pub tool_type: Option<ToolType>,
    /// `args`: the tool's arguments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<Map<String, Value>>,
}

/// The result of a server-side tool invocation (`toolResponse`); send it back unchanged.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ToolResponse {
    /// `id` of the [`ToolCall`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `toolType`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "tool_type")]
    pub tool_type: Option<ToolType>,
    /// `response`: the tool's result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<Map<String, Value>>,
}

/// A function call predicted by the model (`functionCall`).
///
/// Keeps unknown fields in [`extra`](FunctionCall::extra). On Vertex AI, arguments may be
/// streamed in pieces ([`partial_args`](FunctionCall::partial_args) with
/// [`will_continue`](FunctionCall::will_continue)); [`StreamAccumulator`](crate::StreamAccumulator)
/// assembles them into [`args`](FunctionCall::args).
///
/// ```
/// use gemini_types::FunctionCall;
/// let call: FunctionCall =
///     serde_json::from_str(r#"{"name":"get_weather","args":{"city":"Paris"}}"#).unwrap();
/// #[derive(serde::Deserialize)]
/// struct Args { city: String }
/// let args: Args = call.args_as().unwrap();
/// assert_eq!(args.city, "Paris");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct FunctionCall {
    /// `id`: echo it in the matching [`FunctionResponse::id`].
    pub id: Option<String>,
    /// `name` of the function.
    pub name: Option<String>,
    /// `args`: the arguments as a JSON object.
    pub args: Option<Map<String, Value>>,
    /// `partialArgs`: streamed argument fragments (Vertex AI).
    pub partial_args: Vec<PartialArg>,
    /// `willContinue`: more fragments of this call follow (Vertex AI).
    pub will_continue: Option<bool>,
    /// Fields this version of the SDK does not know, kept verbatim.
    pub extra: Map<String, Value>,
}

impl FunctionCall {
    /// A call to `name` with `args` (a JSON object; any other value is sent as `{}`
    /// unless it is `null`, which sends no `args` at all).
    pub fn new(name: impl Into<String>, args: Value) -> Self {
        Self {
            name: Some(name.into()),
            args: match args {
                Value::Object(m) => Some(m),
                Value::Null => None,
                _ => Some(Map::new()),
            },
            ..Self::default()
        }
    }

    /// Sets the call id.
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The function name, or `""` when absent.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    /// Decodes the arguments into `T` (missing arguments decode as `{}`).
    pub fn args_as<T: de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        match &self.args {
            Some(m) => T::deserialize(m),
            None => T::deserialize(&Map::new()),
        }
    }
}

/// One streamed fragment of function-call arguments (`partialArgs[]`, Vertex AI).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PartialArg {
    /// `jsonPath` of the value inside `args`, e.g. `$.recipe.steps[0]`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "json_path")]
    pub json_path: Option<String>,
    /// `stringValue`: a string, or a piece of one when `willContinue` is set.
    #[serde(skip_serializing_if = "Option::is_none", alias = "string_value")]
    pub string_value: Option<String>,
    /// `numberValue`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "number_value")]
    pub number_value: Option<f64>,
    /// `boolValue`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "bool_value")]
    pub bool_value: Option<bool>,
    /// `nullValue`: present (usually `"NULL_VALUE"` or `null`) when the value is JSON null.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present_value",
        alias = "null_value"
    )]
    pub null_value: Option<Value>,
    /// `willContinue`: the string value continues in the next fragment.
    #[serde(skip_serializing_if = "Option::is_none", alias = "will_continue")]
    pub will_continue: Option<bool>,
}

impl PartialArg {
    /// The JSON value carried by this fragment.
    pub fn value(&self) -> Option<Value> {
        if let Some(s) = &self.string_value {
            Some(Value::String(s.clone()))
        } else if let Some(n) = self.number_value {
            Some(serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number))
        } else if let Some(b) = self.bool_value {
            Some(Value::Bool(b))
        } else if self.null_value.is_some() {
            Some(Value::Null)
        } else {
            None
        }
    }
}

/// Keeps a present JSON `null` as `Some(Value::Null)` (plain `Option<Value>` would drop it).
fn present_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

crate::open_enum! {
    /// How the model schedules a NON_BLOCKING [`FunctionResponse`] (mostly Live).
    pub enum FunctionResponseScheduling {
        /// Unspecified.
        Unspecified = "SCHEDULING_UNSPECIFIED",
        /// Only add the result to the context; do not interrupt or trigger generation.
        Silent = "SILENT",
        /// Add the result and generate once the model is idle.
        WhenIdle = "WHEN_IDLE",
        /// Interrupt the current generation and answer with the result.
        Interrupt = "INTERRUPT",
    }
}

/// One multimodal piece of a function result (`functionResponse.parts[]`): inline bytes or a
/// file reference.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FunctionResponsePart {
    /// `inlineData`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "inline_data")]
    pub inline_data: Option<FunctionResponseBlob>,
    /// `fileData`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "file_data")]
    pub file_data: Option<FunctionResponseFileData>,
}

impl FunctionResponsePart {
    /// Inline bytes.
    pub fn inline_data(mime_type: impl Into<String>, data: impl Into<Bytes>) -> Self {
        Self {
            inline_data: Some(Blob::new(mime_type, data)),
            file_data: None,
        }
    }

    /// A file reference.
    pub fn file_data(mime_type: impl Into<String>, file_uri: impl Into<String>) -> Self {
        Self {
            inline_data: None,
            file_data: Some(FileData::new(mime_type, file_uri)),
        }
    }
}

/// The result of a function call, sent by the client (`functionResponse`).
///
/// Keeps unknown fields in [`extra`](FunctionResponse::extra).
///
/// ```
/// use gemini_types::FunctionResponse;
/// use serde_json::json;
/// let r = FunctionResponse::new("get_weather", json!({"temp_c": 14})).with_id("call-1");
/// assert_eq!(
///     serde_json::to_value(&r).unwrap(),
///     json!({"id": "call-1", "name": "get_weather", "response": {"temp_c": 14}})
/// );
/// // A non-object result is wrapped as {"output": ...}, as the API documents.
/// let r = FunctionResponse::new("add", json!(42));
/// assert_eq!(r.response.unwrap()["output"], 42);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct FunctionResponse {
    /// `id` of the [`FunctionCall`] this answers.
    pub id: Option<String>,
    /// `name` of the function.
    pub name: Option<String>,
    /// `response`: the result as a JSON object (use `"output"` / `"error"` keys by convention).
    pub response: Option<Map<String, Value>>,
    /// `parts`: multimodal results.
    pub parts: Vec<FunctionResponsePart>,
    /// `willContinue`: more responses for this call follow (NON_BLOCKING functions).
    pub will_continue: Option<bool>,
    /// `scheduling`: how the model should react (NON_BLOCKING functions).
    pub scheduling: Option<FunctionResponseScheduling>,
    /// Fields this version of the SDK does not know, kept verbatim.
    pub extra: Map<String, Value>,
}

impl FunctionResponse {
    /// A response for the function `name`. A JSON object is sent as is; any other value is
    /// wrapped as `{"output": value}`.
    pub fn new(name: impl Into<String>, response: Value) -> Self {
        let response = match response {
            Value::Object(m) => m,
            other => {
                let mut m = Map::new();
                m.insert("output".to_owned(), other);
                m
            }
        };
        Self {
            name: Some(name.into()),
            response: Some(response),
            ..Self::default()
        }
    }

    /// A response answering `call` (copies its id and name).
    pub fn for_call(call: &FunctionCall, response: Value) -> Self {
        let mut r = Self::new(call.name(), response);
        r.id.clone_from(&call.id);
        r
    }

    /// Sets the call id.
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Appends a multimodal result part.
    #[must_use]
    pub fn with_part(mut self, part: FunctionResponsePart) -> Self {
        self.parts.push(part);
        self
    }

    /// Sets the scheduling (NON_BLOCKING functions).
    #[must_use]
    pub fn with_scheduling(mut self, scheduling: FunctionResponseScheduling) -> Self {
        self.scheduling = Some(scheduling);
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-written serde for the round-tripped types.
// ---------------------------------------------------------------------------------------------

/// A wire key: one of the known fields of a type (camelCase or proto snake_case), or another key.
enum Key<K> {
    Known(K),
    Other(String),
}

trait WireKey: Sized {
    fn parse(s: &str) -> Option<Self>;
}

struct KeySeed<K>(PhantomData<K>);

impl<'de, K: WireKey> DeserializeSeed<'de> for KeySeed<K> {
    type Value = Key<K>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key<K>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<K: WireKey> Visitor<'_> for KeySeed<K> {
    type Value = Key<K>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<K>, E> {
        Ok(K::parse(s).map_or_else(|| Key::Other(s.to_owned()), Key::Known))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Key<K>, E> {
        Ok(K::parse(&s).map_or(Key::Other(s), Key::Known))
    }
}

fn next_key<'de, K: WireKey, A: MapAccess<'de>>(map: &mut A) -> Result<Option<Key<K>>, A::Error> {
    map.next_key_seed(KeySeed(PhantomData))
}

macro_rules! wire_keys {
    ($name:ident { $($variant:ident = $camel:literal $(| $alias:literal)*),+ $(,)? }) => {
        #[derive(Clone, Copy)]
        enum $name { $($variant),+ }
        impl WireKey for $name {
            fn parse(s: &str) -> Option<Self> {
                match s {
                    $($camel $(| $alias)* => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

/// Stores an unknown field, or fails under `--cfg gemini_strict_unknown`.
fn keep_unknown<'de, A: MapAccess<'de>>(
    map: &mut A,
    extra: &mut Map<String, Value>,
    key: String,
    ty: &str,
) -> Result<(), A::Error> {
    if cfg!(gemini_strict_unknown) {
        return Err(de::Error::custom(format_args!(
            "strict-unknown: unknown field `{key}` in {ty}"
        )));
    }
    let value: Value = map.next_value()?;
    extra.insert(key, value);
    Ok(())
}

fn set_once<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// `Option<T>` where an explicit JSON `null` means "absent" (proto JSON semantics).
fn set_nullable<'de, T: Deserialize<'de>, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error> {
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = map.next_value::<Option<T>>()?;
    Ok(())
}

struct OneOrManyVec<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrManyVec<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        wire::one_or_many::deserialize(d).map(OneOrManyVec)
    }
}

fn serialize_extra<M: SerializeMap>(m: &mut M, extra: &Map<String, Value>) -> Result<(), M::Error> {
    for (k, v) in extra {
        m.serialize_entry(k, v)?;
    }
    Ok(())
}

// --- Content ---

wire_keys!(ContentKey {
    Role = "role",
    Parts = "parts",
});

impl Serialize for Content {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(role) = &self.role {
            m.serialize_entry("role", role)?;
        }
        if !self.parts.is_empty() {
            m.serialize_entry("parts", &self.parts)?;
        }
        serialize_extra(&mut m, &self.extra)?;
        m.end()
    }
}

impl<'de> Deserialize<'de> for Content {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Content;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Content object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Content, A::Error> {
                let mut c = Content::default();
                let mut seen_parts = false;
                while let Some(key) = next_key::<ContentKey, _>(&mut map)? {
                    match key {
                        Key::Known(ContentKey::Role) => {
                            set_nullable(&mut map, &mut c.role, "role")?;
                        }
                        Key::Known(ContentKey::Parts) => {
                            if seen_parts {
                                return Err(de::Error::duplicate_field("parts"));
                            }
                            seen_parts = true;
                            c.parts = map.next_value::<OneOrManyVec<Part>>()?.0;
                        }
                        Key::Other(k) => keep_unknown(&mut map, &mut c.extra, k, "Content")?,
                    }
                }
                Ok(c)
            }
        }
        d.deserialize_map(V)
    }
}

// --- Part ---

wire_keys!(PartKey {
    Text = "text",
    InlineData = "inlineData" | "inline_data",
    FileData = "fileData" | "file_data",
    FunctionCall = "functionCall" | "function_call",
    FunctionResponse = "functionResponse" | "function_response",
    ExecutableCode = "executableCode" | "executable_code",
    CodeExecutionResult = "codeExecutionResult" | "code_execution_result",
    ToolCall = "toolCall" | "tool_call",
    ToolResponse = "toolResponse" | "tool_response",
    Thought = "thought",
    ThoughtSignature = "thoughtSignature" | "thought_signature",
    VideoMetadata = "videoMetadata" | "video_metadata",
    PartMetadata = "partMetadata" | "part_metadata",
    MediaResolution = "mediaResolution" | "media_resolution",
    MediaProcessing = "mediaProcessing" | "media_processing",
    DocumentMetadata = "documentMetadata" | "document_metadata",
    SpreadsheetMetadata = "spreadsheetMetadata" | "spreadsheet_metadata",
    AudioMetadata = "audioMetadata" | "audio_metadata",
    SpeechMetadata = "speechMetadata" | "speech_metadata",
});

impl Serialize for Part {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match &self.data {
            PartData::None => {}
            PartData::Text(t) => m.serialize_entry("text", t)?,
            PartData::InlineData(b) => m.serialize_entry("inlineData", b)?,
            PartData::FileData(f) => m.serialize_entry("fileData", f)?,
            PartData::FunctionCall(f) => m.serialize_entry("functionCall", f)?,
            PartData::FunctionResponse(f) => m.serialize_entry("functionResponse", f)?,
            PartData::ExecutableCode(c) => m.serialize_entry("executableCode", c)?,
            PartData::CodeExecutionResult(r) => m.serialize_entry("codeExecutionResult", r)?,
            PartData::ToolCall(c) => m.serialize_entry("toolCall", c)?,
            PartData::ToolResponse(r) => m.serialize_entry("toolResponse", r)?,
            PartData::Unknown { key, value } => m.serialize_entry(key, value)?,
        }
        if let Some(v) = &self.thought {
            m.serialize_entry("thought", v)?;
        }
        if let Some(v) = &self.thought_signature {
            m.serialize_entry("thoughtSignature", v)?;
        }
        if let Some(v) = &self.video_metadata {
            m.serialize_entry("videoMetadata", v)?;
        }
        if let Some(v) = &self.part_metadata {
            m.serialize_entry("partMetadata", v)?;
        }
        if let Some(v) = &self.media_resolution {
            m.serialize_entry("mediaResolution", v)?;
        }
        for (k, v) in [
            ("mediaProcessing", &self.media_processing),
            ("documentMetadata", &self.document_metadata),
            ("spreadsheetMetadata", &self.spreadsheet_metadata),
            ("audioMetadata", &self.audio_metadata),
            ("speechMetadata", &self.speech_metadata),
        ] {
            if let Some(v) = v {
                m.serialize_entry(k, v)?;
            }
        }
        serialize_extra(&mut m, &self.extra)?;
        m.end()
    }
}

impl<'de> Deserialize<'de> for Part {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Part;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Part object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Part, A::Error> {
                let mut p = Part::default();
                while let Some(key) = next_key::<PartKey, _>(&mut map)? {
                    let k = match key {
                        Key::Known(k) => k,
                        Key::Other(k) => {
                            if matches!(p.data, PartData::None) && cfg!(not(gemini_strict_unknown))
                            {
                                let value: Value = map.next_value()?;
                                p.data = PartData::Unknown { key: k, value };
                            } else {
                                keep_unknown(&mut map, &mut p.extra, k, "Part")?;
                            }
                            continue;
                        }
                    };
                    let data = match k {
                        PartKey::Text => PartData::Text(map.next_value()?),
                        PartKey::InlineData => PartData::InlineData(map.next_value()?),
                        PartKey::FileData => PartData::FileData(map.next_value()?),
                        PartKey::FunctionCall => PartData::FunctionCall(map.next_value()?),
                        PartKey::FunctionResponse => PartData::FunctionResponse(map.next_value()?),
                        PartKey::ExecutableCode => PartData::ExecutableCode(map.next_value()?),
                        PartKey::CodeExecutionResult => {
                            PartData::CodeExecutionResult(map.next_value()?)
                        }
                        PartKey::ToolCall => PartData::ToolCall(map.next_value()?),
                        PartKey::ToolResponse => PartData::ToolResponse(map.next_value()?),
                        PartKey::Thought => {
                            set_nullable(&mut map, &mut p.thought, "thought")?;
                            continue;
                        }
                        PartKey::ThoughtSignature => {
                            set_nullable(&mut map, &mut p.thought_signature, "thoughtSignature")?;
                            continue;
                        }
                        PartKey::VideoMetadata => {
                            set_nullable(&mut map, &mut p.video_metadata, "videoMetadata")?;
                            continue;
                        }
                        PartKey::PartMetadata => {
                            set_nullable(&mut map, &mut p.part_metadata, "partMetadata")?;
                            continue;
                        }
                        PartKey::MediaResolution => {
                            set_nullable(&mut map, &mut p.media_resolution, "mediaResolution")?;
                            continue;
                        }
                        PartKey::MediaProcessing => {
                            set_once(&mut map, &mut p.media_processing, "mediaProcessing")?;
                            continue;
                        }
                        PartKey::DocumentMetadata => {
                            set_once(&mut map, &mut p.document_metadata, "documentMetadata")?;
                            continue;
                        }
                        PartKey::SpreadsheetMetadata => {
                            set_once(&mut map, &mut p.spreadsheet_metadata, "spreadsheetMetadata")?;
                            continue;
                        }
                        PartKey::AudioMetadata => {
                            set_once(&mut map, &mut p.audio_metadata, "audioMetadata")?;
                            continue;
                        }
                        PartKey::SpeechMetadata => {
                            set_once(&mut map, &mut p.speech_metadata, "speechMetadata")?;
                            continue;
                        }
                    };
                    match &p.data {
                        PartData::None => p.data = data,
                        PartData::Unknown { .. } => {
                            // A known kind wins; the unknown key moves to `extra`.
                            if let PartData::Unknown { key, value } =
                                std::mem::replace(&mut p.data, data)
                            {
                                p.extra.insert(key, value);
                            }
                        }
                        _ => {
                            return Err(de::Error::custom(format_args!(
                                "Part has more than one data field (`{}` and `{}`)",
                                p.data.key().unwrap_or_default(),
                                data.key().unwrap_or_default()
                            )));
                        }
                    }
                }
                Ok(p)
            }
        }
        d.deserialize_map(V)
    }
}

// --- FunctionCall ---

wire_keys!(FunctionCallKey {
    Id = "id",
    Name = "name",
    Args = "args",
    PartialArgs = "partialArgs" | "partial_args",
    WillContinue = "willContinue" | "will_continue",
});

impl Serialize for FunctionCall {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(v) = &self.id {
            m.serialize_entry("id", v)?;
        }
        if let Some(v) = &self.name {
            m.serialize_entry("name", v)?;
        }
        if let Some(v) = &self.args {
            m.serialize_entry("args", v)?;
        }
        if !self.partial_args.is_empty() {
            m.serialize_entry("partialArgs", &self.partial_args)?;
        }
        if let Some(v) = &self.will_continue {
            m.serialize_entry("willContinue", v)?;
        }
        serialize_extra(&mut m, &self.extra)?;
        m.end()
    }
}

impl<'de> Deserialize<'de> for FunctionCall {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FunctionCall;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a FunctionCall object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FunctionCall, A::Error> {
                let mut c = FunctionCall::default();
                while let Some(key) = next_key::<FunctionCallKey, _>(&mut map)? {
                    match key {
                        Key::Known(FunctionCallKey::Id) => {
                            set_nullable(&mut map, &mut c.id, "id")?;
                        }
                        Key::Known(FunctionCallKey::Name) => {
                            set_nullable(&mut map, &mut c.name, "name")?;
                        }
                        Key::Known(FunctionCallKey::Args) => {
                            set_nullable(&mut map, &mut c.args, "args")?;
                        }
                        Key::Known(FunctionCallKey::PartialArgs) => {
                            c.partial_args = map.next_value::<OneOrManyVec<_>>()?.0;
                        }
                        Key::Known(FunctionCallKey::WillContinue) => {
                            set_nullable(&mut map, &mut c.will_continue, "willContinue")?;
                        }
                        Key::Other(k) => keep_unknown(&mut map, &mut c.extra, k, "FunctionCall")?,
                    }
                }
                Ok(c)
            }
        }
        d.deserialize_map(V)
    }
}

// --- FunctionResponse ---

wire_keys!(FunctionResponseKey {
    Id = "id",
    Name = "name",
    Response = "response",
    Parts = "parts",
    WillContinue = "willContinue" | "will_continue",
    Scheduling = "scheduling",
});

impl Serialize for FunctionResponse {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(v) = &self.id {
            m.serialize_entry("id", v)?;
        }
        if let Some(v) = &self.name {
            m.serialize_entry("name", v)?;
        }
        if let Some(v) = &self.response {
            m.serialize_entry("response", v)?;
        }
        if !self.parts.is_empty() {
            m.serialize_entry("parts", &self.parts)?;
        }
        if let Some(v) = &self.will_continue {
            m.serialize_entry("willContinue", v)?;
        }
        if let Some(v) = &self.scheduling {
            m.serialize_entry("scheduling", v)?;
        }
        serialize_extra(&mut m, &self.extra)?;
        m.end()
    }
}

impl<'de> Deserialize<'de> for FunctionResponse {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FunctionResponse;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a FunctionResponse object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<FunctionResponse, A::Error> {
                let mut r = FunctionResponse::default();
                while let Some(key) = next_key::<FunctionResponseKey, _>(&mut map)? {
                    match key {
                        Key::Known(FunctionResponseKey::Id) => {
                            set_nullable(&mut map, &mut r.id, "id")?;
                        }
                        Key::Known(FunctionResponseKey::Name) => {
                            set_nullable(&mut map, &mut r.name, "name")?;
                        }
                        Key::Known(FunctionResponseKey::Response) => {
                            set_nullable(&mut map, &mut r.response, "response")?;
                        }
                        Key::Known(FunctionResponseKey::Parts) => {
                            r.parts = map.next_value::<OneOrManyVec<_>>()?.0;
                        }
                        Key::Known(FunctionResponseKey::WillContinue) => {
                            set_nullable(&mut map, &mut r.will_continue, "willContinue")?;
                        }
                        Key::Known(FunctionResponseKey::Scheduling) => {
                            set_nullable(&mut map, &mut r.scheduling, "scheduling")?;
                        }
                        Key::Other(k) => {
                            keep_unknown(&mut map, &mut r.extra, k, "FunctionResponse")?;
                        }
                    }
                }
                Ok(r)
            }
        }
        d.deserialize_map(V)
    }
}

// --- JSON Schema (for `cargo xtask api-coverage`) ---

#[cfg(feature = "schemars")]
mod schema_impls {
    use super::{Content, FunctionCall, FunctionResponse, Part};
    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
    use std::borrow::Cow;

    impl JsonSchema for Content {
        fn schema_name() -> Cow<'static, str> {
            "Content".into()
        }
        fn json_schema(g: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": "object",
                "additionalProperties": true,
                "properties": {
                    "role": g.subschema_for::<Option<super::Role>>(),
                    "parts": g.subschema_for::<Vec<Part>>(),
                }
            })
        }
    }

    impl JsonSchema for Part {
        fn schema_name() -> Cow<'static, str> {
            "Part".into()
        }
        fn json_schema(g: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": "object",
                "description": "Exactly one data field (text, inlineData, ...) plus optional metadata.",
                "additionalProperties": true,
                "properties": {
                    "text": g.subschema_for::<String>(),
                    "inlineData": g.subschema_for::<super::Blob>(),
                    "fileData": g.subschema_for::<super::FileData>(),
                    "functionCall": g.subschema_for::<FunctionCall>(),
                    "functionResponse": g.subschema_for::<FunctionResponse>(),
                    "executableCode": g.subschema_for::<super::ExecutableCode>(),
                    "codeExecutionResult": g.subschema_for::<super::CodeExecutionResult>(),
                    "toolCall": g.subschema_for::<super::ToolCall>(),
                    "toolResponse": g.subschema_for::<super::ToolResponse>(),
                    "thought": g.subschema_for::<bool>(),
                    "thoughtSignature": { "type": "string", "contentEncoding": "base64" },
                    "videoMetadata": g.subschema_for::<super::VideoMetadata>(),
                    "partMetadata": g.subschema_for::<serde_json::Map<String, serde_json::Value>>(),
                    "mediaResolution": g.subschema_for::<super::PartMediaResolution>(),
                    "mediaProcessing": true,
                    "documentMetadata": true,
                    "spreadsheetMetadata": true,
                    "audioMetadata": true,
                    "speechMetadata": true,
                }
            })
        }
    }

    impl JsonSchema for FunctionCall {
        fn schema_name() -> Cow<'static, str> {
            "FunctionCall".into()
        }
        fn json_schema(g: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": "object",
                "additionalProperties": true,
                "properties": {
                    "id": g.subschema_for::<String>(),
                    "name": g.subschema_for::<String>(),
                    "args": g.subschema_for::<serde_json::Map<String, serde_json::Value>>(),
                    "partialArgs": g.subschema_for::<Vec<super::PartialArg>>(),
                    "willContinue": g.subschema_for::<bool>(),
                }
            })
        }
    }

    impl JsonSchema for FunctionResponse {
        fn schema_name() -> Cow<'static, str> {
            "FunctionResponse".into()
        }
        fn json_schema(g: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": "object",
                "additionalProperties": true,
                "properties": {
                    "id": g.subschema_for::<String>(),
                    "name": g.subschema_for::<String>(),
                    "response": g.subschema_for::<serde_json::Map<String, serde_json::Value>>(),
                    "parts": g.subschema_for::<Vec<super::FunctionResponsePart>>(),
                    "willContinue": g.subschema_for::<bool>(),
                    "scheduling": g.subschema_for::<super::FunctionResponseScheduling>(),
                }
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rt<T: Serialize + for<'de> Deserialize<'de>>(v: &Value) -> Value {
        let t: T = serde_json::from_value(v.clone()).unwrap();
        serde_json::to_value(&t).unwrap()
    }

    #[test]
    fn part_kinds_decode_by_key() {
        let cases = [
            (json!({"text": "hi"}), "text"),
            (
                json!({"inlineData": {"mimeType": "image/png", "data": "AQID"}}),
                "inlineData",
            ),
            (
                json!({"fileData": {"fileUri": "files/x", "mimeType": "video/mp4"}}),
                "fileData",
            ),
            (
                json!({"functionCall": {"name": "f", "args": {"a": 1}}}),
                "functionCall",
            ),
            (
                json!({"functionResponse": {"name": "f", "response": {"ok": true}}}),
                "functionResponse",
            ),
            (
                json!({"executableCode": {"language": "PYTHON", "code": "print(1)", "id": "c1"}}),
                "executableCode",
            ),
            (
                json!({"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "1\n", "id": "c1"}}),
                "codeExecutionResult",
            ),
            (
                json!({"toolCall": {"id": "t", "toolType": "GOOGLE_SEARCH_WEB", "args": {"q": "x"}}}),
                "toolCall",
            ),
            (
                json!({"toolResponse": {"id": "t", "toolType": "FILE_SEARCH", "response": {}}}),
                "toolResponse",
            ),
        ];
        for (v, key) in cases {
            let p: Part = serde_json::from_value(v.clone()).unwrap();
            assert_eq!(p.data.key(), Some(key));
            assert!(p.extra.is_empty());
            assert_eq!(serde_json::to_value(&p).unwrap(), v);
        }
    }

    #[test]
    fn snake_case_part_keys() {
        let p: Part = serde_json::from_value(json!({
            "inline_data": {"mime_type": "image/png", "data": "AQID"},
            "thought_signature": "AQ=="
        }))
        .unwrap();
        let b = p.as_inline_data().unwrap();
        assert_eq!(b.mime_type.as_deref(), Some("image/png"));
        assert_eq!(b.data.as_deref(), Some(&[1u8, 2, 3][..]));
        assert_eq!(
            p.thought_signature.as_ref().map(ThoughtSignature::as_str),
            Some("AQ==")
        );
        let p: Part = serde_json::from_value(json!({
            "function_response": {"name": "f", "will_continue": false, "parts": {"inline_data": {"data": ""}}}
        }))
        .unwrap();
        let PartData::FunctionResponse(r) = &p.data else {
            panic!()
        };
        assert_eq!(r.will_continue, Some(false));
        assert_eq!(r.parts.len(), 1);
    }

    #[test]
    fn metadata_only_and_empty_parts() {
        let p: Part = serde_json::from_value(json!({"thoughtSignature": "AQID"})).unwrap();
        assert_eq!(p.data, PartData::None);
        assert_eq!(
            rt::<Part>(&json!({"thoughtSignature": "AQID"})),
            json!({"thoughtSignature": "AQID"})
        );
        assert_eq!(rt::<Part>(&json!({})), json!({}));
        let v = json!({"text": "", "thought": true, "thoughtSignature": "AQID",
            "videoMetadata": {"startOffset": "1.5s", "endOffset": "10s", "fps": 2.0},
            "partMetadata": {"k": [1]}, "mediaResolution": {"level": "MEDIA_RESOLUTION_HIGH", "numTokens": 3}});
        assert_eq!(rt::<Part>(&v), v);
    }

    #[cfg(not(gemini_strict_unknown))]
    #[test]
    fn unknown_part_kind_and_extra_fields_round_trip() {
        let v = json!({"hologram": {"depth": 3}, "thoughtSignature": "AQID", "sparkle": 1});
        let p: Part = serde_json::from_value(v.clone()).unwrap();
        assert!(matches!(&p.data, PartData::Unknown { key, .. } if key == "hologram"));
        assert_eq!(p.extra.len(), 1);
        assert_eq!(serde_json::to_value(&p).unwrap(), v);
        // A known kind after an unknown key: the known kind wins, the unknown key is kept.
        let v = json!({"sparkle": 1, "text": "x"});
        let p: Part = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(p.as_text(), Some("x"));
        assert_eq!(p.extra["sparkle"], 1);
        assert_eq!(serde_json::to_value(&p).unwrap(), v);

        let v =
            json!({"role": "model", "parts": [{"text": "a", "newMeta": {"x": 1}}], "turnId": "t1"});
        assert_eq!(rt::<Content>(&v), v);
        let v = json!({"name": "f", "args": {}, "id": "1", "newThing": [1, 2]});
        assert_eq!(rt::<FunctionCall>(&v), v);
        let v = json!({"name": "f", "response": {"a": null}, "scheduling": "SILENT", "willContinue": true, "other": "x"});
        assert_eq!(rt::<FunctionResponse>(&v), v);
        let v = json!({"role": "narrator", "parts": []});
        let c: Content = serde_json::from_value(v).unwrap();
        assert_eq!(c.role.as_ref().map(Role::as_str), Some("narrator"));
    }

    #[cfg(gemini_strict_unknown)]
    #[test]
    fn strict_unknown_rejects_unknown_keys() {
        assert!(serde_json::from_value::<Part>(json!({"hologram": {}})).is_err());
        assert!(serde_json::from_value::<Part>(json!({"text": "x", "sparkle": 1})).is_err());
        assert!(serde_json::from_value::<Content>(json!({"parts": [], "x": 1})).is_err());
        assert!(serde_json::from_value::<FunctionCall>(json!({"x": 1})).is_err());
        assert!(serde_json::from_value::<FunctionResponse>(json!({"x": 1})).is_err());
    }

    #[test]
    fn two_data_fields_is_an_error_naming_both() {
        let e = serde_json::from_str::<Part>(r#"{"text":"a","inlineData":{}}"#).unwrap_err();
        assert!(e.to_string().contains("`text` and `inlineData`"), "{e}");
    }

    #[test]
    fn content_one_or_many_parts_and_nulls() {
        let c: Content =
            serde_json::from_value(json!({"role": "user", "parts": {"text": "hi"}})).unwrap();
        assert_eq!(c.parts.len(), 1);
        let c: Content = serde_json::from_value(json!({"role": null, "parts": null})).unwrap();
        assert_eq!(c, Content::default());
        assert_eq!(serde_json::to_value(&c).unwrap(), json!({}));
        assert!(serde_json::from_str::<Content>(r#"{"parts":[],"parts":[]}"#).is_err());
    }

    #[test]
    fn errors_name_the_problem() {
        let e = serde_json::from_str::<Content>(r#"{"parts":[{"inlineData":{"data":"!!"}}]}"#)
            .unwrap_err();
        assert!(e.to_string().contains("Invalid"), "{e}");
        let e = serde_json::from_str::<Content>(r#"{"parts":[{"text":3}]}"#).unwrap_err();
        assert!(e.to_string().contains("invalid type"), "{e}");
        assert!(serde_json::from_str::<Content>(r#"{"parts":[{"text":"x"#).is_err());
        assert!(serde_json::from_str::<Part>("[]").is_err());
    }

    #[test]
    fn constructors() {
        let c = Content::user("hi");
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            json!({"role": "user", "parts": [{"text": "hi"}]})
        );
        let c: Content = "hello".into();
        assert_eq!(c.text().as_deref(), Some("hello"));
        let p = Part::file_data("application/pdf", "files/abc");
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            json!({"fileData": {"mimeType": "application/pdf", "fileUri": "files/abc"}})
        );
        let p = Part::function_call("f", json!({"a": 1}));
        assert_eq!(p.as_function_call().unwrap().name(), "f");
        let call = FunctionCall::new("g", Value::Null).with_id("c1");
        assert_eq!(
            serde_json::to_value(&call).unwrap(),
            json!({"id": "c1", "name": "g"})
        );
        let r = FunctionResponse::for_call(&call, json!("done"));
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"id": "c1", "name": "g", "response": {"output": "done"}})
        );
        let turn = Content::function_responses([r]);
        assert_eq!(turn.role, Some(Role::User));
        let m = Content::model(Part::text("thinking").with_thought(true)).with_part("answer");
        assert_eq!(m.text().as_deref(), Some("answer"));
        assert_eq!(m.thoughts().as_deref(), Some("thinking"));
    }

    #[test]
    fn partial_args_values() {
        let c: FunctionCall = serde_json::from_value(json!({"partialArgs": [
            {"jsonPath": "$.a", "stringValue": "x", "willContinue": true},
            {"jsonPath": "$.b", "numberValue": 0.5},
            {"jsonPath": "$.c", "boolValue": true},
            {"jsonPath": "$.d", "nullValue": null},
            {"jsonPath": "$.e", "nullValue": "NULL_VALUE"}
        ], "willContinue": true}))
        .unwrap();
        let vals: Vec<_> = c.partial_args.iter().map(PartialArg::value).collect();
        assert_eq!(
            vals,
            [
                Some(json!("x")),
                Some(json!(0.5)),
                Some(json!(true)),
                Some(Value::Null),
                Some(Value::Null)
            ]
        );
        let back = serde_json::to_value(&c).unwrap();
        assert_eq!(
            back["partialArgs"][3],
            json!({"jsonPath": "$.d", "nullValue": null})
        );
    }
}
