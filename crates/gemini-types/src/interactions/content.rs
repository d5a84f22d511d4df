//! Interactions contents: `type`-tagged text, image, audio, video and document items.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Extra, tagged_union};

tagged_union! {
    /// One content item of the Interactions API, tagged by `type`
    /// (`text`, `image`, `audio`, `video`, `document`).
    ///
    /// ```
    /// use gemini_types::interactions::Content;
    /// let c: Content = serde_json::from_str(r#"{"type":"text","text":"hi"}"#).unwrap();
    /// assert_eq!(c.as_text(), Some("hi"));
    /// assert_eq!(serde_json::to_value(&c).unwrap()["type"], "text");
    /// ```
    pub enum Content: tag = "type" {
        /// `{"type": "text", "text": ..., "annotations": [...]}`.
        Text(TextContent) = "text",
        /// `{"type": "image", "data" | "uri", "mime_type", "resolution"}`.
        Image(MediaContent) = "image",
        /// `{"type": "audio", "data" | "uri", "mime_type", "sample_rate", "channels"}`.
        Audio(MediaContent) = "audio",
        /// `{"type": "video", "data" | "uri", "mime_type", "resolution"}`.
        Video(MediaContent) = "video",
        /// `{"type": "document", "data" | "uri", "mime_type"}`.
        Document(MediaContent) = "document",
    }
}

impl Content {
    /// A text content item.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(TextContent {
            text: Some(text.into()),
            ..TextContent::default()
        })
    }

    /// An image given by URI (a Files API URI or an HTTPS URL) and MIME type.
    pub fn image_uri(uri: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self::Image(MediaContent::from_uri(uri, mime_type))
    }

    /// An image given inline as raw bytes (encoded as base64 on the wire).
    pub fn image_bytes(data: &[u8], mime_type: impl Into<String>) -> Self {
        Self::Image(MediaContent::from_bytes(data, mime_type))
    }

    /// An audio clip given by URI and MIME type.
    pub fn audio_uri(uri: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self::Audio(MediaContent::from_uri(uri, mime_type))
    }

    /// A video given by URI and MIME type.
    pub fn video_uri(uri: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self::Video(MediaContent::from_uri(uri, mime_type))
    }

    /// A document (e.g. a PDF) given by URI and MIME type.
    pub fn document_uri(uri: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self::Document(MediaContent::from_uri(uri, mime_type))
    }

    /// The text of a text item.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(t) => t.text.as_deref(),
            _ => None,
        }
    }

    /// The media fields of an image, audio, video or document item.
    pub fn as_media(&self) -> Option<&MediaContent> {
        match self {
            Self::Image(m) | Self::Audio(m) | Self::Video(m) | Self::Document(m) => Some(m),
            _ => None,
        }
    }
}

impl From<&str> for Content {
    fn from(s: &str) -> Self {
        Self::text(s)
    }
}

impl From<String> for Content {
    fn from(s: String) -> Self {
        Self::text(s)
    }
}

/// A text item: the text and its annotations (citations).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct TextContent {
    /// The text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Citations attached to spans of the text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// An image, audio, video or document item: inline base64 `data` or a `uri`.
///
/// `data` stays the base64 string as received (recordings sometimes carry placeholders that are not
/// valid base64); [`MediaContent::decoded_data`] decodes it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct MediaContent {
    /// Inline bytes, base64.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    /// A Files API URI or URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// The IANA MIME type, e.g. `image/png`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Media resolution hint (images and video), e.g. `low`, `medium`, `high`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// Audio sample rate in Hz.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_rate: Option<i64>,
    /// Audio channel count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<i64>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

impl MediaContent {
    /// Media referenced by URI.
    pub fn from_uri(uri: impl Into<String>, mime_type: impl Into<String>) -> Self {
        Self {
            uri: Some(uri.into()),
            mime_type: Some(mime_type.into()),
            ..Self::default()
        }
    }

    /// Inline media; the bytes are base64-encoded.
    pub fn from_bytes(data: &[u8], mime_type: impl Into<String>) -> Self {
        Self {
            data: Some(crate::wire::encode_base64(data)),
            mime_type: Some(mime_type.into()),
            ..Self::default()
        }
    }

    /// Decodes the inline `data` (standard or URL-safe base64); `None` when absent.
    pub fn decoded_data(&self) -> Option<Result<Vec<u8>, base64::DecodeError>> {
        self.data.as_deref().map(crate::wire::decode_base64)
    }
}

/// A citation attached to a span of text (`url_citation`, `file_citation`, ...).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct Annotation {
    /// The annotation kind, e.g. `url_citation`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Start of the cited span (character index into the text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_index: Option<i64>,
    /// End of the cited span (exclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_index: Option<i64>,
    /// The cited URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The cited page's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Fields this SDK version does not know, kept verbatim.
    #[cfg_attr(not(gemini_strict_unknown), serde(flatten))]
    #[cfg_attr(gemini_strict_unknown, serde(skip))]
    pub extra: Extra,
}

/// Collects the text of text items, in order.
pub(crate) fn join_text<'a>(items: impl IntoIterator<Item = &'a Content>, out: &mut String) {
    for c in items {
        if let Some(t) = c.as_text() {
            out.push_str(t);
        }
    }
}

/// Reads `text` from a raw legacy (pre-2026-05) output item `{"type": "text", "text": ...}`.
pub(crate) fn legacy_text(v: &Value) -> Option<&str> {
    (v.get("type")?.as_str()? == "text")
        .then(|| v.get("text").and_then(Value::as_str))
        .flatten()
}
