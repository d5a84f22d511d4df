//! File search stores, their documents, and the upload / import operations
//! (../shared/spec/API.md section 16).
//!
//! ```
//! use gemini_types::{ChunkingConfig, CustomMetadata, ImportFileRequest, Operation, UploadToFileSearchStoreResponse};
//! let req = ImportFileRequest::new("files/abc")
//!     .with_custom_metadata(CustomMetadata::string("author", "Ada"))
//!     .with_custom_metadata(CustomMetadata::numeric("year", 2024.0))
//!     .with_chunking_config(ChunkingConfig::white_space(200, 20));
//! let v = serde_json::to_value(&req).unwrap();
//! assert_eq!(v["customMetadata"][1]["numericValue"], 2024.0);
//! assert_eq!(v["chunkingConfig"]["whiteSpaceConfig"]["maxTokensPerChunk"], 200);
//!
//! let op: Operation<serde_json::Value, UploadToFileSearchStoreResponse> = serde_json::from_str(
//!     r#"{"name": "fileSearchStores/s/upload/operations/o", "response": {
//!         "documentName": "fileSearchStores/s/documents/d", "sizeBytes": "79"}}"#).unwrap();
//! assert_eq!(op.response.unwrap().size_bytes, Some(79));
//! ```

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// A file search store (`fileSearchStores/{id}`); also the body of its create request
/// (`displayName`, `embeddingModel`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FileSearchStore {
    /// The resource name, `fileSearchStores/{id}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A human-readable name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "display_name"
    )]
    pub display_name: Option<String>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "create_time"
    )]
    pub create_time: Option<Timestamp>,
    /// When it last changed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "update_time"
    )]
    pub update_time: Option<Timestamp>,
    /// Documents ready for retrieval (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64",
        alias = "active_documents_count"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub active_documents_count: Option<i64>,
    /// Documents being processed (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64",
        alias = "pending_documents_count"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub pending_documents_count: Option<i64>,
    /// Documents that failed (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64",
        alias = "failed_documents_count"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub failed_documents_count: Option<i64>,
    /// Total size in bytes (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64",
        alias = "size_bytes"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub size_bytes: Option<i64>,
    /// The embedding model, `models/...`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "embedding_model"
    )]
    pub embedding_model: Option<String>,
}

impl FileSearchStore {
    /// A create request body with a display name.
    pub fn new(display_name: impl Into<String>) -> Self {
        Self {
            display_name: Some(display_name.into()),
            ..Self::default()
        }
    }

    /// Sets the embedding model (`models/...`).
    #[must_use]
    pub fn with_embedding_model(mut self, model: impl Into<String>) -> Self {
        self.embedding_model = Some(model.into());
        self
    }
}

/// A page of `GET /{v}/fileSearchStores`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListFileSearchStoresResponse {
    /// The stores.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_search_stores: Vec<FileSearchStore>,
    /// The next page's token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

crate::open_enum! {
    /// The state of a document in a file search store.
    pub enum DocumentState {
        /// Unspecified.
        Unspecified = "STATE_UNSPECIFIED",
        /// Being chunked and embedded.
        Pending = "STATE_PENDING",
        /// Ready for retrieval.
        Active = "STATE_ACTIVE",
        /// Processing failed.
        Failed = "STATE_FAILED",
    }
}

/// A document in a file search store (`fileSearchStores/{id}/documents/{doc}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Document {
    /// The resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A human-readable name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "display_name"
    )]
    pub display_name: Option<String>,
    /// The processing state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<DocumentState>,
    /// Size in bytes (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64",
        alias = "size_bytes"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub size_bytes: Option<i64>,
    /// The MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "mime_type")]
    pub mime_type: Option<String>,
    /// When it was created.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "create_time"
    )]
    pub create_time: Option<Timestamp>,
    /// When it last changed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "update_time"
    )]
    pub update_time: Option<Timestamp>,
    /// User metadata, filterable in the file search tool's `metadataFilter`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "custom_metadata"
    )]
    pub custom_metadata: Vec<CustomMetadata>,
}

/// A page of `GET /{v}/fileSearchStores/{id}/documents`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ListDocumentsResponse {
    /// The documents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    /// The next page's token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// A user metadata entry: a key and one of `stringValue`, `numericValue`, `stringListValue`
/// (a proto oneof, decoded by which key is present).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomMetadata {
    /// The key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// A string value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "string_value"
    )]
    pub string_value: Option<String>,
    /// A numeric value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "numeric_value"
    )]
    pub numeric_value: Option<f64>,
    /// A list of strings.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "string_list_value"
    )]
    pub string_list_value: Option<StringList>,
}

impl CustomMetadata {
    /// A string entry.
    pub fn string(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: Some(key.into()),
            string_value: Some(value.into()),
            ..Self::default()
        }
    }

    /// A numeric entry.
    pub fn numeric(key: impl Into<String>, value: f64) -> Self {
        Self {
            key: Some(key.into()),
            numeric_value: Some(value),
            ..Self::default()
        }
    }

    /// A string-list entry.
    pub fn string_list(
        key: impl Into<String>,
        values: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            key: Some(key.into()),
            string_list_value: Some(StringList {
                values: values.into_iter().map(Into::into).collect(),
            }),
            ..Self::default()
        }
    }
}

/// A list of strings (`{"values": [...]}`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StringList {
    /// The values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// How documents are split into chunks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChunkingConfig {
    /// Split on white space.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "white_space_config"
    )]
    pub white_space_config: Option<WhiteSpaceConfig>,
}

impl ChunkingConfig {
    /// White-space chunking with the given sizes.
    pub fn white_space(max_tokens_per_chunk: i32, max_overlap_tokens: i32) -> Self {
        Self {
            white_space_config: Some(WhiteSpaceConfig {
                max_tokens_per_chunk: Some(max_tokens_per_chunk),
                max_overlap_tokens: Some(max_overlap_tokens),
            }),
        }
    }
}

/// White-space chunking parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WhiteSpaceConfig {
    /// Maximum tokens per chunk.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "max_tokens_per_chunk",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub max_tokens_per_chunk: Option<i32>,
    /// Tokens shared by consecutive chunks.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "max_overlap_tokens",
        deserialize_with = "crate::wire::int32::deserialize"
    )]
    pub max_overlap_tokens: Option<i32>,
}

/// The start body of `POST /upload/{v}/fileSearchStores/{id}:uploadToFileSearchStore`
/// (resumable protocol; the final chunk answers with an [`Operation`](crate::Operation)).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UploadToFileSearchStoreRequest {
    /// The document's display name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "display_name"
    )]
    pub display_name: Option<String>,
    /// The MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "mime_type")]
    pub mime_type: Option<String>,
    /// User metadata.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "custom_metadata"
    )]
    pub custom_metadata: Vec<CustomMetadata>,
    /// Chunking.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "chunking_config"
    )]
    pub chunking_config: Option<ChunkingConfig>,
}

impl UploadToFileSearchStoreRequest {
    /// A request with a display name.
    pub fn new(display_name: impl Into<String>) -> Self {
        Self {
            display_name: Some(display_name.into()),
            ..Self::default()
        }
    }

    /// Sets the MIME type.
    #[must_use]
    pub fn with_mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = Some(mime_type.into());
        self
    }

    /// Adds a metadata entry.
    #[must_use]
    pub fn with_custom_metadata(mut self, entry: CustomMetadata) -> Self {
        self.custom_metadata.push(entry);
        self
    }

    /// Sets the chunking config.
    #[must_use]
    pub fn with_chunking_config(mut self, config: ChunkingConfig) -> Self {
        self.chunking_config = Some(config);
        self
    }
}

/// The body of `POST /{v}/fileSearchStores/{id}:importFile`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ImportFileRequest {
    /// The file to import, `files/...`.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "file_name")]
    pub file_name: Option<String>,
    /// User metadata.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        alias = "custom_metadata"
    )]
    pub custom_metadata: Vec<CustomMetadata>,
    /// Chunking.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "chunking_config"
    )]
    pub chunking_config: Option<ChunkingConfig>,
}

impl ImportFileRequest {
    /// Imports `files/...`.
    pub fn new(file_name: impl Into<String>) -> Self {
        Self {
            file_name: Some(file_name.into()),
            ..Self::default()
        }
    }

    /// Adds a metadata entry.
    #[must_use]
    pub fn with_custom_metadata(mut self, entry: CustomMetadata) -> Self {
        self.custom_metadata.push(entry);
        self
    }

    /// Sets the chunking config.
    #[must_use]
    pub fn with_chunking_config(mut self, config: ChunkingConfig) -> Self {
        self.chunking_config = Some(config);
        self
    }
}

/// The `response` of a finished upload operation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UploadToFileSearchStoreResponse {
    /// The `google.protobuf.Any` type URL.
    #[serde(rename = "@type", default, skip_serializing_if = "Option::is_none")]
    pub type_url: Option<String>,
    /// The created document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_name: Option<String>,
    /// The store, `fileSearchStores/...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The MIME type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// Size in bytes (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::wire::int64"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub size_bytes: Option<i64>,
}

/// The operation returned by the final chunk of an upload to a file search store.
pub type UploadToFileSearchStoreOperation =
    crate::Operation<serde_json::Value, UploadToFileSearchStoreResponse>;

/// The operation returned by `:importFile`.
pub type ImportFileOperation = crate::Operation<serde_json::Value, ImportFileResponse>;

/// The `response` of a finished import operation (same fields as an upload's).
pub type ImportFileResponse = UploadToFileSearchStoreResponse;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations::testutil::{documents, real_files, round_trip, shared_spec};
    use serde_json::json;

    #[test]
    fn real_file_search_round_trip() {
        if shared_spec("file_search::real_file_search_round_trip").is_none() {
            return;
        }
        for file in real_files("fileSearchStores") {
            for doc in documents(&file) {
                if doc.get("response").is_some() {
                    let op: UploadToFileSearchStoreOperation = round_trip(&file, &doc);
                    let r = op.response.unwrap();
                    assert!(r.document_name.is_some());
                    assert_eq!(r.size_bytes, Some(79));
                } else {
                    let _: FileSearchStore = round_trip(&file, &doc);
                }
            }
        }
    }

    #[test]
    fn documents_and_metadata() {
        let d: Document = serde_json::from_value(json!({
            "name": "fileSearchStores/s/documents/d", "state": "STATE_ACTIVE", "sizeBytes": "10",
            "customMetadata": [
                {"key": "a", "stringValue": "x"},
                {"key": "b", "numericValue": 2},
                {"key": "c", "stringListValue": {"values": ["p", "q"]}}
            ]
        }))
        .unwrap();
        assert_eq!(d.state, Some(DocumentState::Active));
        assert_eq!(
            d.custom_metadata[2],
            CustomMetadata::string_list("c", ["p", "q"])
        );
        let store: FileSearchStore = serde_json::from_value(
            json!({"display_name": "s", "embedding_model": "models/e", "activeDocumentsCount": "3"}),
        )
        .unwrap();
        assert_eq!(store.active_documents_count, Some(3));
        assert_eq!(
            FileSearchStore::new("s").with_embedding_model("models/e"),
            FileSearchStore {
                active_documents_count: None,
                ..store
            }
        );
        let up = UploadToFileSearchStoreRequest::new("doc")
            .with_mime_type("text/plain")
            .with_chunking_config(ChunkingConfig::white_space(100, 10));
        let v = serde_json::to_value(&up).unwrap();
        assert_eq!(
            v["chunkingConfig"]["whiteSpaceConfig"]["maxOverlapTokens"],
            10
        );
    }
}
