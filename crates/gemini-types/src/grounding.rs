//! Grounding and attribution: GroundingMetadata (search, retrieval, maps and image chunks,
//! supports), UrlContextMetadata, CitationMetadata, GroundingAttribution
//! (../shared/spec/API.md §5).

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::content::Content;
use crate::wire;

/// How a response is grounded in search results, retrieved documents or places
/// (`groundingMetadata`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroundingMetadata {
    /// `searchEntryPoint`: the Google Search suggestion widget to display.
    #[serde(skip_serializing_if = "Option::is_none", alias = "search_entry_point")]
    pub search_entry_point: Option<SearchEntryPoint>,
    /// `groundingChunks`: the sources.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "grounding_chunks"
    )]
    pub grounding_chunks: Vec<GroundingChunk>,
    /// `groundingSupports`: which text segment is supported by which chunks.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "grounding_supports"
    )]
    pub grounding_supports: Vec<GroundingSupport>,
    /// `retrievalMetadata`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "retrieval_metadata")]
    pub retrieval_metadata: Option<RetrievalMetadata>,
    /// `webSearchQueries`: the queries the model ran.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "web_search_queries"
    )]
    pub web_search_queries: Vec<String>,
    /// `imageSearchQueries`: the image queries the model ran.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "image_search_queries"
    )]
    pub image_search_queries: Vec<String>,
    /// `retrievalQueries` (Vertex AI).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "retrieval_queries"
    )]
    pub retrieval_queries: Vec<String>,
    /// `googleMapsWidgetContextToken`: renders the Maps widget.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "google_maps_widget_context_token"
    )]
    pub google_maps_widget_context_token: Option<String>,
}

impl GroundingMetadata {
    /// Whether no field is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// The Google Search suggestion widget (`searchEntryPoint`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SearchEntryPoint {
    /// `renderedContent`: HTML/CSS to embed.
    #[serde(skip_serializing_if = "Option::is_none", alias = "rendered_content")]
    pub rendered_content: Option<String>,
    /// `sdkBlob`: base64 JSON of `(search term, search url)` pairs.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::base64_bytes::serialize",
        deserialize_with = "wire::base64_bytes::deserialize",
        alias = "sdk_blob"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub sdk_blob: Option<Bytes>,
}

/// One grounding source (`groundingChunks[]`): exactly one of the kinds is set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroundingChunk {
    /// `web`: a web page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web: Option<GroundingChunkWeb>,
    /// `retrievedContext`: a retrieved document chunk (file search, RAG).
    #[serde(skip_serializing_if = "Option::is_none", alias = "retrieved_context")]
    pub retrieved_context: Option<GroundingChunkRetrievedContext>,
    /// `maps`: a place.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maps: Option<GroundingChunkMaps>,
    /// `image`: an image search result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<GroundingChunkImage>,
}

/// A web source (`groundingChunks[].web`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroundingChunkWeb {
    /// `uri` (often a `vertexaisearch` redirect).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// `title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `domain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
}

/// A retrieved document chunk (`groundingChunks[].retrievedContext`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroundingChunkRetrievedContext {
    /// `uri`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// `title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `text`: the chunk text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `fileSearchStore`: the store the chunk came from.
    #[serde(skip_serializing_if = "Option::is_none", alias = "file_search_store")]
    pub file_search_store: Option<String>,
    /// `customMetadata` of the source document.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "custom_metadata"
    )]
    pub custom_metadata: Vec<GroundingCustomMetadata>,
    /// `pageNumber`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "page_number")]
    pub page_number: Option<i32>,
    /// `mediaId`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "media_id")]
    pub media_id: Option<String>,
    /// `documentName` (Vertex AI).
    #[serde(skip_serializing_if = "Option::is_none", alias = "document_name")]
    pub document_name: Option<String>,
}

/// One custom metadata entry of a retrieved document (`customMetadata[]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroundingCustomMetadata {
    /// `key`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `stringValue`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "string_value")]
    pub string_value: Option<String>,
    /// `stringListValue`: `{"values": [...]}`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "string_list_value")]
    pub string_list_value: Option<GroundingStringList>,
    /// `numericValue`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "numeric_value")]
    pub numeric_value: Option<f64>,
}

/// A list of strings (`stringListValue`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroundingStringList {
    /// `values`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// A place (`groundingChunks[].maps`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroundingChunkMaps {
    /// `uri`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// `title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `text`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `placeId`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "place_id")]
    pub place_id: Option<String>,
    /// `placeAnswerSources`: review snippets.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "place_answer_sources"
    )]
    pub place_answer_sources: Option<PlaceAnswerSources>,
}

/// Review snippets about a place (`placeAnswerSources`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PlaceAnswerSources {
    /// `reviewSnippets`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "review_snippets"
    )]
    pub review_snippets: Vec<ReviewSnippet>,
}

/// A review snippet (`reviewSnippets[]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ReviewSnippet {
    /// `reviewId`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "review_id")]
    pub review_id: Option<String>,
    /// `googleMapsUri`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "google_maps_uri")]
    pub google_maps_uri: Option<String>,
    /// `title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// An image search result (`groundingChunks[].image`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroundingChunkImage {
    /// `sourceUri`: the page the image is on.
    #[serde(skip_serializing_if = "Option::is_none", alias = "source_uri")]
    pub source_uri: Option<String>,
    /// `imageUri`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "image_uri")]
    pub image_uri: Option<String>,
    /// `title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `domain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
}

/// A text segment supported by grounding chunks (`groundingSupports[]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroundingSupport {
    /// `segment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<Segment>,
    /// `groundingChunkIndices`: indices into `groundingChunks`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "grounding_chunk_indices"
    )]
    pub grounding_chunk_indices: Vec<i32>,
    /// `confidenceScores`, parallel to `groundingChunkIndices`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "confidence_scores"
    )]
    pub confidence_scores: Vec<f64>,
    /// `renderedParts` (newer).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "rendered_parts"
    )]
    pub rendered_parts: Vec<i32>,
}

/// A segment of a part's text (`segment`). Indices are UTF-8 **byte** offsets.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Segment {
    /// `partIndex`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "part_index")]
    pub part_index: Option<i32>,
    /// `startIndex` (bytes, inclusive).
    #[serde(skip_serializing_if = "Option::is_none", alias = "start_index")]
    pub start_index: Option<i32>,
    /// `endIndex` (bytes, exclusive).
    #[serde(skip_serializing_if = "Option::is_none", alias = "end_index")]
    pub end_index: Option<i32>,
    /// `text`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// Legacy dynamic-retrieval metadata (`retrievalMetadata`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RetrievalMetadata {
    /// `googleSearchDynamicRetrievalScore`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "google_search_dynamic_retrieval_score"
    )]
    pub google_search_dynamic_retrieval_score: Option<f64>,
}

crate::open_enum! {
    /// Whether a URL could be fetched by the URL-context tool.
    pub enum UrlRetrievalStatus {
        /// Unspecified.
        Unspecified = "URL_RETRIEVAL_STATUS_UNSPECIFIED",
        /// Fetched.
        Success = "URL_RETRIEVAL_STATUS_SUCCESS",
        /// Failed.
        Error = "URL_RETRIEVAL_STATUS_ERROR",
        /// Behind a paywall.
        Paywall = "URL_RETRIEVAL_STATUS_PAYWALL",
        /// Unsafe content.
        Unsafe = "URL_RETRIEVAL_STATUS_UNSAFE",
    }
}

/// What the URL-context tool fetched (`urlContextMetadata`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UrlContextMetadata {
    /// `urlMetadata`.
    #[serde(default, skip_serializing_if = "Vec::is_empty", alias = "url_metadata")]
    pub url_metadata: Vec<UrlMetadata>,
}

/// One fetched URL (`urlMetadata[]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UrlMetadata {
    /// `retrievedUrl`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "retrieved_url")]
    pub retrieved_url: Option<String>,
    /// `urlRetrievalStatus`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "url_retrieval_status"
    )]
    pub url_retrieval_status: Option<UrlRetrievalStatus>,
}

/// Sources the candidate recites (`citationMetadata`; the wire list is `citationSources`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CitationMetadata {
    /// `citationSources`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "citation_sources"
    )]
    pub citation_sources: Vec<CitationSource>,
    /// `citations`: the Vertex AI spelling of the same list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citations: Vec<CitationSource>,
}

/// One cited source (`citationSources[]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CitationSource {
    /// `startIndex` of the cited segment in the candidate text.
    #[serde(skip_serializing_if = "Option::is_none", alias = "start_index")]
    pub start_index: Option<i32>,
    /// `endIndex`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "end_index")]
    pub end_index: Option<i32>,
    /// `uri`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// `license`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// `title` (Vertex AI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `publicationDate` (Vertex AI; `{year, month, day}`).
    #[serde(skip_serializing_if = "Option::is_none", alias = "publication_date")]
    pub publication_date: Option<serde_json::Value>,
}

/// Attribution of an answer to a grounding source (`groundingAttributions[]`, AQA only).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroundingAttribution {
    /// `sourceId`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "source_id")]
    pub source_id: Option<AttributionSourceId>,
    /// `content`: the grounding source content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Content>,
}

/// The identifier of an attributed source (`AttributionSourceId`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AttributionSourceId {
    /// `groundingPassage`: an inline passage.
    #[serde(skip_serializing_if = "Option::is_none", alias = "grounding_passage")]
    pub grounding_passage: Option<GroundingPassageId>,
    /// `semanticRetrieverChunk`: a semantic retriever chunk.
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "semantic_retriever_chunk"
    )]
    pub semantic_retriever_chunk: Option<SemanticRetrieverChunk>,
}

/// An inline passage (`AttributionSourceId.GroundingPassageId`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroundingPassageId {
    /// `passageId`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "passage_id")]
    pub passage_id: Option<String>,
    /// `partIndex`.
    #[serde(skip_serializing_if = "Option::is_none", alias = "part_index")]
    pub part_index: Option<i32>,
}

/// A semantic retriever chunk (`AttributionSourceId.SemanticRetrieverChunk`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SemanticRetrieverChunk {
    /// `source`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `chunk`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chunk: Option<String>,
}

/// A span of the answer's text and the retrieved chunks that support it: one
/// `groundingSupports[]` entry with its `groundingChunkIndices` resolved
/// ([`GroundingMetadata::citations`]).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Citation<'a> {
    /// The supported segment: part index, UTF-8 byte range and text.
    pub segment: &'a Segment,
    /// The chunks cited for it, in the order of `groundingChunkIndices`.
    pub sources: Vec<CitedChunk<'a>>,
}

impl<'a> Citation<'a> {
    /// The segment's text as the server gave it (`segment.text`).
    pub fn text(&self) -> Option<&'a str> {
        self.segment.text.as_deref()
    }

    /// The segment's UTF-8 byte range in its part's text, when both ends are given and valid.
    pub fn byte_range(&self) -> Option<std::ops::Range<usize>> {
        let start = usize::try_from(self.segment.start_index.unwrap_or(0)).ok()?;
        let end = usize::try_from(self.segment.end_index?).ok()?;
        (start <= end).then_some(start..end)
    }

    /// The segment cut out of `part_text` by its byte range; `None` when the range is outside
    /// the text or not on character boundaries.
    pub fn text_in<'t>(&self, part_text: &'t str) -> Option<&'t str> {
        part_text.get(self.byte_range()?)
    }
}

/// One chunk cited by a [`Citation`]: its index in `groundingChunks`, the chunk, and the
/// confidence the server gave it (when it gave one).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CitedChunk<'a> {
    /// The index in `groundingChunks`.
    pub index: usize,
    /// The chunk.
    pub chunk: &'a GroundingChunk,
    /// `confidenceScores[i]`, parallel to the indices.
    pub confidence: Option<f64>,
}

impl<'a> CitedChunk<'a> {
    /// The retrieved document chunk (file search), if this is one.
    pub fn retrieved_context(&self) -> Option<&'a GroundingChunkRetrievedContext> {
        self.chunk.retrieved_context.as_ref()
    }

    /// The title of the source: the document's display name for a retrieved chunk, the page's
    /// title for a web source.
    pub fn title(&self) -> Option<&'a str> {
        let chunk: &'a GroundingChunk = self.chunk;
        chunk
            .retrieved_context
            .as_ref()
            .and_then(|r| r.title.as_deref())
            .or_else(|| chunk.web.as_ref().and_then(|w| w.title.as_deref()))
    }

    /// The retrieved text of the chunk (file search).
    pub fn text(&self) -> Option<&'a str> {
        self.retrieved_context().and_then(|r| r.text.as_deref())
    }
}

impl GroundingMetadata {
    /// The answer's supported text spans, each with the chunks it cites: `groundingSupports`
    /// with `groundingChunkIndices` resolved into `groundingChunks`. An index that points
    /// nowhere (negative, or past the chunks) is skipped, never a panic.
    ///
    /// ```
    /// let m: gemini_types::GroundingMetadata = serde_json::from_str(r#"{
    ///   "groundingChunks": [{"retrievedContext": {"title": "manual.txt", "text": "Press the red button."}}],
    ///   "groundingSupports": [{"segment": {"startIndex": 0, "endIndex": 9, "text": "Press red"},
    ///                          "groundingChunkIndices": [0, 7], "confidenceScores": [0.9]}]
    /// }"#).unwrap();
    /// let citations = m.citations();
    /// assert_eq!(citations[0].text(), Some("Press red"));
    /// assert_eq!(citations[0].sources.len(), 1);
    /// assert_eq!(citations[0].sources[0].title(), Some("manual.txt"));
    /// assert_eq!(citations[0].sources[0].confidence, Some(0.9));
    /// ```
    pub fn citations(&self) -> Vec<Citation<'_>> {
        static EMPTY: Segment = Segment {
            part_index: None,
            start_index: None,
            end_index: None,
            text: None,
        };
        self.grounding_supports
            .iter()
            .map(|support| Citation {
                segment: support.segment.as_ref().unwrap_or(&EMPTY),
                sources: support
                    .grounding_chunk_indices
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &index)| {
                        let index = usize::try_from(index).ok()?;
                        let chunk = self.grounding_chunks.get(index)?;
                        Some(CitedChunk {
                            index,
                            chunk,
                            confidence: support.confidence_scores.get(i).copied(),
                        })
                    })
                    .collect(),
            })
            .collect()
    }

    /// The chunks cited by at least one support, each once, in index order.
    pub fn cited_chunks(&self) -> Vec<(usize, &GroundingChunk)> {
        let mut seen: Vec<usize> = self
            .grounding_supports
            .iter()
            .flat_map(|s| s.grounding_chunk_indices.iter())
            .filter_map(|&i| usize::try_from(i).ok())
            .filter(|&i| i < self.grounding_chunks.len())
            .collect();
        seen.sort_unstable();
        seen.dedup();
        seen.into_iter()
            .map(|i| (i, &self.grounding_chunks[i]))
            .collect()
    }
}

impl crate::GenerateContentResponse {
    /// The first candidate's citations ([`GroundingMetadata::citations`]); empty when the
    /// answer is not grounded.
    pub fn citations(&self) -> Vec<Citation<'_>> {
        self.candidate()
            .and_then(|c| c.grounding_metadata.as_ref())
            .map(GroundingMetadata::citations)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn citations_resolve_indices_and_ranges() {
        let m: GroundingMetadata = serde_json::from_value(json!({
            "groundingChunks": [
                {"retrievedContext": {"title": "a.txt", "text": "alpha", "fileSearchStore": "fileSearchStores/s"}},
                {"web": {"title": "Page", "uri": "https://x"}}
            ],
            "groundingSupports": [
                {"segment": {"partIndex": 0, "startIndex": 4, "endIndex": 10, "text": "héllo"},
                 "groundingChunkIndices": [1, 0, -1, 2], "confidenceScores": [0.5, 0.75]},
                {"groundingChunkIndices": [0]}
            ]
        }))
        .unwrap();
        let c = m.citations();
        assert_eq!(c.len(), 2);
        let idx: Vec<usize> = c[0].sources.iter().map(|s| s.index).collect();
        assert_eq!(idx, [1, 0]);
        assert_eq!(c[0].sources[0].title(), Some("Page"));
        assert_eq!(c[0].sources[1].text(), Some("alpha"));
        assert_eq!(c[0].sources[1].confidence, Some(0.75));
        assert_eq!(c[0].byte_range(), Some(4..10));
        assert_eq!(c[0].text_in("say héllo"), Some("héllo"));
        // A range that cuts a character, or is outside the text, gives nothing.
        assert_eq!(c[0].text_in("say hé"), None);
        assert_eq!(c[1].text(), None);
        assert_eq!(c[1].byte_range(), None);
        let cited: Vec<usize> = m.cited_chunks().iter().map(|(i, _)| *i).collect();
        assert_eq!(cited, [0, 1]);
    }
}
