//! File search stores (`../shared/spec/API.md` section 16): stores, their documents, the
//! upload and import operations, and the lexical retrieval behind the `fileSearch` tool of
//! `generateContent`.
//!
//! * `fileSearchStores.create` / `get` / `list` / `delete`: a store's name is
//!   `fileSearchStores/{id}`, the id made of its display name's letters and digits (at most 27)
//!   and a random suffix, as the real service does (`testfilesearchstore-q7prdj5dqu8p`). The
//!   store reports `activeDocumentsCount`, `pendingDocumentsCount`, `failedDocumentsCount` and
//!   `sizeBytes`. Deleting a store that has documents needs `force=true`, else `400
//!   FAILED_PRECONDITION`.
//! * Documents come from `uploadToFileSearchStore` (the resumable upload protocol of
//!   [`crate::upload`] on `/upload/{v}/fileSearchStores/{id}:uploadToFileSearchStore`; the final
//!   chunk is answered with the operation `fileSearchStores/{id}/upload/operations/{doc}`) or
//!   `importFile` (a `files/{id}` of this emulator; the operation
//!   `fileSearchStores/{id}/operations/{doc}`). Both take `customMetadata` (at most 20 entries,
//!   each with exactly one value) and `chunkingConfig.whiteSpaceConfig` (`maxTokensPerChunk`
//!   1 to 512, default 200; `maxOverlapTokens` below it, default 20). A document is
//!   `STATE_PENDING` for
//!   [`EmulatorBuilder::document_processing_time`](crate::EmulatorBuilder::document_processing_time)
//!   (default zero), then `STATE_ACTIVE`; its operation is done then with an
//!   `UploadToFileSearchStoreResponse` / `ImportFileResponse` (`documentName`, `parent`,
//!   `mimeType`, `sizeBytes`). The emulator indexes text: a document whose bytes are not UTF-8
//!   ends `STATE_FAILED` and its operation fails (`INVALID_ARGUMENT`), as does one whose
//!   chunks would hold more than 64 MiB of text (`RESOURCE_EXHAUSTED`). Chunk text counts
//!   toward [`EmulatorBuilder::file_storage_limit`](crate::EmulatorBuilder::file_storage_limit).
//! * `documents.list` / `get` / `delete` (a document with chunks needs `force=true`).
//! * Chunking splits the text at whitespace: chunks of at most `maxTokensPerChunk` words, each
//!   starting `maxOverlapTokens` words before the previous one ended; a chunk's text is the
//!   exact span of the document it covers.
//! * Retrieval is BM25 (k1 = 1.2, b = 0.75) over the chunks of the active documents of the
//!   stores the tool names, after `metadataFilter` (the AIP-160 subset `key op value` with
//!   `=`, `!=`, `<`, `<=`, `>`, `>=`, `:` (has), joined by `AND`, `OR`, `NOT` and
//!   parentheses; a string-list entry matches `=` or `:` when it holds the value), keeping the
//!   `topK` best (default 5). The answer ([`crate::model::generator`]) is made of the
//!   sentence of each retrieved chunk that shares the most words with the question, with
//!   `groundingMetadata`: `groundingChunks[].retrievedContext` (`title`, `text`,
//!   `fileSearchStore`, `customMetadata`, `documentName`) and `groundingSupports` (each
//!   sentence's byte `segment` and its `groundingChunkIndices`).

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use gemini_types::{FileSearchStore, ImportFileRequest};
use serde_json::{Map, Value, json};

use crate::clock::rfc3339;
use crate::errors::ApiError;
use crate::lro::{self, Operation, Outcome};
use crate::model::tokenizer::count_text;
use crate::paging::PageSpec;
use crate::resources::files::{self, FileState};
use crate::resources::{Call, Handler, empty};
use crate::respond::Payload;
use crate::state::State;
use crate::store::{Record, Resource};
use crate::validate::parse_strict;

/// The served file search RPCs (`uploadToFileSearchStore` is answered by [`crate::upload`]).
pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("fileSearchStores.create", create),
    ("fileSearchStores.get", get),
    ("fileSearchStores.list", list),
    ("fileSearchStores.delete", delete),
    ("fileSearchStores.importFile", import_file),
    ("fileSearchStores.documents.list", list_documents),
    ("fileSearchStores.documents.get", get_document),
    ("fileSearchStores.documents.delete", delete_document),
];

const PAGES: PageSpec = PageSpec {
    default: 10,
    max: 20,
};
const TYPE_PREFIX: &str = "type.googleapis.com/google.ai.generativelanguage.v1main.";
/// Default and largest `maxTokensPerChunk`, default `maxOverlapTokens`.
const DEFAULT_CHUNK: usize = 200;
const MAX_CHUNK: usize = 512;
const DEFAULT_OVERLAP: usize = 20;
/// The most `customMetadata` entries of a document.
const MAX_METADATA: usize = 20;
/// The most bytes of chunk text one document may index (overlapping chunks repeat words).
const MAX_INDEX_BYTES: usize = 64 * 1024 * 1024;
/// Default `topK`.
const DEFAULT_TOP_K: usize = 5;
/// BM25 parameters.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// A file search store.
pub(crate) struct Store {
    display_name: Option<String>,
    embedding_model: Option<String>,
}

impl Resource for Store {
    const KIND: &'static str = "FileSearchStore";

    fn to_json(r: &Record<Self>) -> Value {
        let mut out = Map::new();
        out.insert("name".into(), json!(r.name));
        if let Some(d) = &r.value.display_name {
            out.insert("displayName".into(), json!(d));
        }
        out.insert("createTime".into(), json!(rfc3339(r.create_time)));
        out.insert("updateTime".into(), json!(rfc3339(r.update_time)));
        if let Some(m) = &r.value.embedding_model {
            out.insert("embeddingModel".into(), json!(m));
        }
        Value::Object(out)
    }

    fn not_found(name: &str) -> ApiError {
        ApiError::not_found(format!("FileSearchStore {name} not found."))
    }
}

/// A document's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocState {
    Pending,
    Active,
    Failed,
}

impl DocState {
    fn wire(self) -> &'static str {
        match self {
            Self::Pending => "STATE_PENDING",
            Self::Active => "STATE_ACTIVE",
            Self::Failed => "STATE_FAILED",
        }
    }
}

/// One chunk of a document.
struct Chunk {
    text: String,
    /// Lowercase terms, for BM25.
    terms: Vec<String>,
}

/// A document of a store (`fileSearchStores/{s}/documents/{d}`).
pub(crate) struct Document {
    display_name: Option<String>,
    mime_type: String,
    size: u64,
    custom_metadata: Vec<Value>,
    state: DocState,
    chunks: Vec<Chunk>,
}

impl Resource for Document {
    const KIND: &'static str = "Document";

    fn to_json(r: &Record<Self>) -> Value {
        let d = &r.value;
        let mut out = Map::new();
        out.insert("name".into(), json!(r.name));
        if let Some(n) = &d.display_name {
            out.insert("displayName".into(), json!(n));
        }
        if !d.custom_metadata.is_empty() {
            out.insert("customMetadata".into(), json!(d.custom_metadata));
        }
        out.insert("updateTime".into(), json!(rfc3339(r.update_time)));
        out.insert("createTime".into(), json!(rfc3339(r.create_time)));
        out.insert("state".into(), json!(d.state.wire()));
        out.insert("sizeBytes".into(), json!(d.size.to_string()));
        out.insert("mimeType".into(), json!(d.mime_type));
        Value::Object(out)
    }

    fn not_found(name: &str) -> ApiError {
        ApiError::not_found(format!("Document {name} not found."))
    }
}

/// What a new document is given: its metadata and chunking.
#[derive(Debug, Clone)]
pub(crate) struct DocOptions {
    custom_metadata: Vec<Value>,
    max_tokens: usize,
    overlap: usize,
}

/// The `customMetadata` and `chunkingConfig` of a canonical upload or import request, checked.
pub(crate) fn document_options(canonical: &Value, what: &str) -> Result<DocOptions, ApiError> {
    let metadata = canonical
        .get("customMetadata")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if metadata.len() > MAX_METADATA {
        return Err(ApiError::invalid_argument(format!(
            "* {what}.custom_metadata: at most {MAX_METADATA} entries are allowed, got {}\n",
            metadata.len()
        )));
    }
    for (i, m) in metadata.iter().enumerate() {
        let key = m.get("key").and_then(Value::as_str).unwrap_or("");
        if key.is_empty() {
            return Err(ApiError::invalid_argument(format!(
                "* {what}.custom_metadata[{i}].key: key is not specified\n"
            )));
        }
        let values = ["stringValue", "numericValue", "stringListValue"]
            .iter()
            .filter(|k| m.get(**k).is_some())
            .count();
        if values != 1 {
            return Err(ApiError::invalid_argument(format!(
                "* {what}.custom_metadata[{i}]: exactly one of string_value, numeric_value or \
                 string_list_value must be set\n"
            )));
        }
    }
    let ws = canonical.pointer("/chunkingConfig/whiteSpaceConfig");
    let int = |k: &str| ws.and_then(|w| w.get(k)).and_then(Value::as_i64);
    let max = int("maxTokensPerChunk").unwrap_or(DEFAULT_CHUNK as i64);
    if !(1..=MAX_CHUNK as i64).contains(&max) {
        return Err(ApiError::invalid_argument(format!(
            "* {what}.chunking_config.white_space_config.max_tokens_per_chunk: must be in the \
             range [1, {MAX_CHUNK}], got {max}\n"
        )));
    }
    let overlap = int("maxOverlapTokens").unwrap_or_else(|| (DEFAULT_OVERLAP as i64).min(max - 1));
    if overlap < 0 || overlap >= max {
        return Err(ApiError::invalid_argument(format!(
            "* {what}.chunking_config.white_space_config.max_overlap_tokens: must be in the \
             range [0, {max}), got {overlap}\n"
        )));
    }
    Ok(DocOptions {
        custom_metadata: metadata,
        max_tokens: max as usize,
        overlap: overlap as usize,
    })
}

/// The lowercase alphanumeric terms of `text`.
fn terms(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Splits `text` into chunks of at most `max` whitespace-separated words, each starting
/// `overlap` words before the previous one ended; `None` when the chunks would hold more than
/// `budget` bytes of text.
fn chunk(text: &str, max: usize, overlap: usize, budget: usize) -> Option<Vec<Chunk>> {
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, text.len()));
    }
    let step = max.saturating_sub(overlap).max(1);
    let mut out = Vec::new();
    let mut first = 0;
    let mut used = 0usize;
    // Bounded: `first` grows by `step` (at least 1) each turn.
    while first < words.len() {
        let last = (first + max).min(words.len()) - 1;
        let span = &text[words[first].0..words[last].1];
        used += span.len();
        if used > budget {
            return None;
        }
        out.push(Chunk {
            text: span.to_owned(),
            terms: terms(span),
        });
        if last + 1 == words.len() {
            break;
        }
        first += step;
    }
    Some(out)
}

/// The `force` query parameter.
fn force(call: &Call<'_>) -> bool {
    call.request
        .query_param("force")
        .is_some_and(|f| f.eq_ignore_ascii_case("true") || f == "1")
}

/// A store id from its display name: its letters and digits (at most 27), a dash and 12
/// random characters; or 12 random characters.
fn store_id(display_name: Option<&str>, random: &str) -> String {
    let prefix: String = display_name
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .take(27)
        .collect();
    if prefix.is_empty() {
        random.to_owned()
    } else {
        format!("{prefix}-{random}")
    }
}

fn create(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    let (store, _) = parse_strict::<FileSearchStore>(&body, |_, _| {})?;
    if let Some(d) = &store.display_name {
        if d.chars().count() > 512 {
            return Err(ApiError::invalid_argument(
                "* FileSearchStore.display_name: must be at most 512 characters\n",
            ));
        }
    }
    if let Some(m) = &store.embedding_model {
        let id = m.strip_prefix("models/").unwrap_or(m);
        if !id.contains("embedding") {
            return Err(ApiError::invalid_argument(format!(
                "* FileSearchStore.embedding_model: {m} is not an embedding model\n"
            )));
        }
    }
    let now = call.now();
    call.state
        .store
        .with::<Store, _>(now, |t| {
            let random = t.new_id("");
            let name = format!(
                "fileSearchStores/{}",
                store_id(store.display_name.as_deref(), &random)
            );
            let r = t.insert(
                now,
                name,
                Store {
                    display_name: store.display_name.clone(),
                    embedding_model: store.embedding_model.clone(),
                },
            )?;
            Ok(Store::to_json(r))
        })
        .map(Payload::Unary)
}

/// `(active, pending, failed, bytes)` of the documents of store `name`.
fn counts(state: &State, now: SystemTime, name: &str) -> (u64, u64, u64, u64) {
    let prefix = format!("{name}/documents/");
    state.store.with::<Document, _>(now, |t| {
        let mut c = (0, 0, 0, 0);
        for r in t.iter().filter(|r| r.name.starts_with(&prefix)) {
            match r.value.state {
                DocState::Active => c.0 += 1,
                DocState::Pending => c.1 += 1,
                DocState::Failed => c.2 += 1,
            }
            c.3 += r.value.size;
        }
        c
    })
}

/// A store as served: its record and its document counts.
fn store_json(state: &State, now: SystemTime, mut store: Value) -> Value {
    let name = store["name"].as_str().unwrap_or("").to_owned();
    let (active, pending, failed, bytes) = counts(state, now, &name);
    if let Some(o) = store.as_object_mut() {
        for (key, n) in [
            ("activeDocumentsCount", active),
            ("pendingDocumentsCount", pending),
            ("failedDocumentsCount", failed),
            ("sizeBytes", bytes),
        ] {
            if n > 0 {
                o.insert(key.into(), json!(n.to_string()));
            }
        }
    }
    store
}

/// Bytes held by the chunks of every document (counted in the file storage limit).
pub(crate) fn stored_bytes(state: &State, now: SystemTime) -> u64 {
    state.store.with::<Document, _>(now, |t| {
        t.iter()
            .flat_map(|r| r.value.chunks.iter())
            .map(|c| c.text.len() as u64)
            .sum()
    })
}

/// Checks that store `name` exists.
pub(crate) fn check_store(state: &State, now: SystemTime, name: &str) -> Result<(), ApiError> {
    state
        .store
        .with::<Store, _>(now, |t| t.get(name).map(|_| ()))
}

fn get(call: &Call<'_>) -> Result<Payload, ApiError> {
    let now = call.now();
    let store = call
        .state
        .store
        .with::<Store, _>(now, |t| t.get(&call.route.name).map(Store::to_json))?;
    Ok(Payload::Unary(store_json(call.state, now, store)))
}

fn list(call: &Call<'_>) -> Result<Payload, ApiError> {
    let page = call.page(PAGES)?;
    let now = call.now();
    let mut out = call.state.store.with::<Store, _>(now, |t| {
        t.list(&page, |_| true)
            .map(|p| p.to_json("fileSearchStores"))
    })?;
    if let Some(stores) = out
        .get_mut("fileSearchStores")
        .and_then(Value::as_array_mut)
    {
        for s in stores.iter_mut() {
            *s = store_json(call.state, now, std::mem::take(s));
        }
    }
    Ok(Payload::Unary(out))
}

fn not_empty(message: String) -> ApiError {
    let mut e = ApiError::invalid_argument(message);
    "FAILED_PRECONDITION".clone_into(&mut e.status);
    e
}

fn delete(call: &Call<'_>) -> Result<Payload, ApiError> {
    let now = call.now();
    let name = &call.route.name;
    check_store(call.state, now, name)?;
    let prefix = format!("{name}/documents/");
    let docs: Vec<String> = call.state.store.with::<Document, _>(now, |t| {
        t.iter()
            .filter(|r| r.name.starts_with(&prefix))
            .map(|r| r.name.clone())
            .collect()
    });
    if !docs.is_empty() && !force(call) {
        return Err(not_empty(format!(
            "Cannot delete FileSearchStore {name}: it has {} document(s). Delete them first, or \
             set force=true to delete them with the store.",
            docs.len()
        )));
    }
    call.state.store.with::<Document, _>(now, |t| {
        for d in &docs {
            let _ = t.remove(d);
        }
    });
    call.state
        .store
        .with::<Store, _>(now, |t| t.remove(name).map(|_| ()))?;
    Ok(empty())
}

/// Which operation makes a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    Upload,
    Import,
}

/// A document to add to a store.
pub(crate) struct NewDocument<'a> {
    pub(crate) store: &'a str,
    pub(crate) display_name: Option<String>,
    pub(crate) mime_type: String,
    pub(crate) bytes: &'a [u8],
    pub(crate) options: DocOptions,
    pub(crate) via: Via,
}

/// Adds a document to its store and starts the operation that reports it; returns the
/// operation as served now.
pub(crate) fn add_document(
    state: &State,
    now: SystemTime,
    new: NewDocument<'_>,
) -> Result<Value, ApiError> {
    let NewDocument {
        store,
        display_name,
        mime_type,
        bytes,
        options,
        via,
    } = new;
    check_store(state, now, store)?;
    let processing: Duration = state.config.resources.document_processing;
    let done_at = now + processing;
    let text = std::str::from_utf8(bytes).ok();
    let chunked = text.map(|t| chunk(t, options.max_tokens, options.overlap, MAX_INDEX_BYTES));
    let failure = match &chunked {
        None => Some((
            3,
            format!(
                "The document's {mime_type} content could not be read as text: the emulator \
                 indexes UTF-8 text documents only."
            ),
        )),
        Some(None) => Some((
            8,
            format!(
                "The document's chunks would hold more than {MAX_INDEX_BYTES} bytes of text, \
                 the emulator's limit: use fewer overlapping tokens or a smaller document."
            ),
        )),
        Some(Some(_)) => None,
    };
    let chunks = chunked.flatten().unwrap_or_default();
    let indexed: u64 = chunks.iter().map(|c| c.text.len() as u64).sum();
    let limit = state.config.resources.file_storage_limit;
    let used = stored_bytes(state, now) + files::stored_bytes(state, now);
    if used.saturating_add(indexed) > limit {
        return Err(ApiError::new(
            429,
            format!(
                "The emulator's file storage limit of {limit} bytes is reached ({used} bytes in \
                 use): delete files or documents, or raise EmulatorBuilder::file_storage_limit."
            ),
        ));
    }
    let size = bytes.len() as u64;
    let doc_prefix = format!("{store}/documents/");
    let name = state.store.with::<Document, _>(now, |t| {
        let id = format!("{}-{}", t.new_id(&doc_prefix), t.new_id(""));
        let name = format!("{doc_prefix}{id}");
        let failed = failure.is_some();
        let r = t.insert(
            now,
            name.clone(),
            Document {
                display_name,
                mime_type: mime_type.clone(),
                size,
                custom_metadata: options.custom_metadata,
                state: DocState::Pending,
                chunks,
            },
        )?;
        r.at(done_at, move |r| {
            r.value.state = if failed {
                DocState::Failed
            } else {
                DocState::Active
            };
        });
        Ok::<_, ApiError>(name)
    })?;
    let id = name.rsplit('/').next().unwrap_or("").to_owned();
    let (op_name, kind) = match via {
        Via::Upload => (
            format!("{store}/upload/operations/{id}"),
            "UploadToFileSearchStoreResponse",
        ),
        Via::Import => (format!("{store}/operations/{id}"), "ImportFileResponse"),
    };
    let outcome = if let Some((code, message)) = failure {
        Outcome::Error {
            code,
            message,
            details: Vec::new(),
        }
    } else {
        Outcome::Response(json!({
            "@type": format!("{TYPE_PREFIX}{kind}"),
            "documentName": name,
            "mimeType": mime_type,
            "parent": store,
            "sizeBytes": size.to_string(),
        }))
    };
    state.store.with::<Operation, _>(now, |t| {
        let _ = t.remove(&op_name);
        lro::start(t, now, op_name, Operation::new(None), done_at, outcome)
    })
}

fn import_file(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    let (request, canonical) = parse_strict::<ImportFileRequest>(&body, |_, _| {})?;
    let now = call.now();
    let store = &call.route.name;
    check_store(call.state, now, store)?;
    let file = request.file_name.filter(|f| !f.is_empty()).ok_or_else(|| {
        ApiError::invalid_argument("* ImportFileRequest.file_name: file_name is not specified\n")
    })?;
    let file = if file.starts_with("files/") {
        file
    } else {
        format!("files/{file}")
    };
    let options = document_options(&canonical, "ImportFileRequest")?;
    let content = files::read(call.state, now, &file)?;
    if content.state != FileState::Active {
        let mut e = ApiError::invalid_argument(format!(
            "The File {} is not in an ACTIVE state and usage is not allowed.",
            file.trim_start_matches("files/")
        ));
        "FAILED_PRECONDITION".clone_into(&mut e.status);
        return Err(e);
    }
    let (display_name, mime) = call.state.store.with::<files::File, _>(now, |t| {
        t.get(&file)
            .map(|r| (r.value.display_name.clone(), r.value.mime_type.clone()))
            .unwrap_or_default()
    });
    let bytes = content.bytes.ok_or_else(|| {
        ApiError::new(
            404,
            format!("The bytes of {file} were not kept (EmulatorBuilder::keep_file_bytes(false))."),
        )
    })?;
    let new = NewDocument {
        store,
        display_name: display_name.or_else(|| Some(file.trim_start_matches("files/").to_owned())),
        mime_type: mime,
        bytes: &bytes,
        options,
        via: Via::Import,
    };
    add_document(call.state, now, new).map(Payload::Unary)
}

fn list_documents(call: &Call<'_>) -> Result<Payload, ApiError> {
    let page = call.page(PAGES)?;
    let now = call.now();
    let store = call.route.name.trim_end_matches("/documents");
    check_store(call.state, now, store)?;
    let prefix = format!("{store}/documents/");
    call.state
        .store
        .with::<Document, _>(now, |t| {
            t.list(&page, |r| r.name.starts_with(&prefix))
                .map(|p| p.to_json("documents"))
        })
        .map(Payload::Unary)
}

fn get_document(call: &Call<'_>) -> Result<Payload, ApiError> {
    call.state
        .store
        .with::<Document, _>(call.now(), |t| {
            t.get(&call.route.name).map(Document::to_json)
        })
        .map(Payload::Unary)
}

fn delete_document(call: &Call<'_>) -> Result<Payload, ApiError> {
    let name = &call.route.name;
    let force = force(call);
    call.state.store.with::<Document, _>(call.now(), |t| {
        let r = t.get(name)?;
        if !r.value.chunks.is_empty() && !force {
            return Err(not_empty(format!(
                "Cannot delete Document {name}: it has {} chunk(s). Set force=true to delete it \
                 with its chunks.",
                r.value.chunks.len()
            )));
        }
        t.remove(name).map(|_| ())
    })?;
    Ok(empty())
}

/// One retrieved chunk.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) store: String,
    pub(crate) document: String,
    pub(crate) title: Option<String>,
    pub(crate) text: String,
    pub(crate) custom_metadata: Vec<Value>,
    pub(crate) score: f64,
}

impl Hit {
    /// The `groundingChunks[]` entry.
    pub(crate) fn grounding_chunk(&self) -> Value {
        let mut c = Map::new();
        if let Some(t) = &self.title {
            c.insert("title".into(), json!(t));
        }
        c.insert("text".into(), json!(self.text));
        c.insert("fileSearchStore".into(), json!(self.store));
        if !self.custom_metadata.is_empty() {
            c.insert("customMetadata".into(), json!(self.custom_metadata));
        }
        c.insert("documentName".into(), json!(self.document));
        json!({ "retrievedContext": c })
    }
}

/// What the `fileSearch` tool found for a request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Retrieval {
    /// The best chunks, best first.
    pub(crate) hits: Vec<Hit>,
    /// The question searched for.
    pub(crate) query: String,
    /// Prompt tokens the tool used (the retrieved text).
    pub(crate) tool_tokens: u32,
}

/// Runs the `fileSearch` tool of a canonical `GenerateContentRequest`, if it has one: `None`
/// without the tool.
pub(crate) fn retrieve(state: &State, request: &Value) -> Result<Option<Retrieval>, ApiError> {
    let tools = request
        .get("tools")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let Some((i, tool)) = tools
        .iter()
        .enumerate()
        .find_map(|(i, t)| t.get("fileSearch").map(|f| (i, f)))
    else {
        return Ok(None);
    };
    let field = format!("GenerateContentRequest.tools[{i}].file_search");
    let mut stores: Vec<String> = tool
        .get("fileSearchStoreNames")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if let Some(resources) = tool.get("retrievalResources").and_then(Value::as_array) {
        stores.extend(
            resources
                .iter()
                .filter_map(|r| r.get("ragStoreName").and_then(Value::as_str))
                .map(str::to_owned),
        );
    }
    if stores.is_empty() {
        return Err(ApiError::invalid_argument(format!(
            "* {field}.file_search_store_names: at least one file search store is required\n"
        )));
    }
    let config = tool.get("retrievalConfig");
    let top_k = tool
        .get("topK")
        .or_else(|| config.and_then(|c| c.get("topK")))
        .and_then(Value::as_i64)
        .unwrap_or(DEFAULT_TOP_K as i64);
    if !(1..=100).contains(&top_k) {
        return Err(ApiError::invalid_argument(format!(
            "* {field}.top_k: must be in the range [1, 100], got {top_k}\n"
        )));
    }
    let filter = match tool
        .get("metadataFilter")
        .or_else(|| config.and_then(|c| c.get("metadataFilter")))
        .and_then(Value::as_str)
        .filter(|f| !f.trim().is_empty())
    {
        Some(f) => Some(filter::parse(f).map_err(|e| {
            ApiError::invalid_argument(format!(
                "* {field}.metadata_filter: Invalid metadata filter {f:?}: {e}\n"
            ))
        })?),
        None => None,
    };
    let now = state.config.clock.now();
    for s in &stores {
        check_store(state, now, s)?;
    }
    let query = last_user_text(request);
    let query_terms = terms(&query);
    let hits = state.store.with::<Document, _>(now, |t| {
        // Candidate chunks: active documents of the named stores passing the filter.
        let mut docs = Vec::new();
        for r in t.iter() {
            if r.value.state != DocState::Active {
                continue;
            }
            let Some(store) = stores
                .iter()
                .find(|s| r.name.starts_with(&format!("{s}/documents/")))
            else {
                continue;
            };
            if filter
                .as_ref()
                .is_some_and(|f| !f.matches(&r.value.custom_metadata))
            {
                continue;
            }
            docs.push((store.clone(), r));
        }
        let n = docs
            .iter()
            .map(|(_, r)| r.value.chunks.len())
            .sum::<usize>();
        if n == 0 || query_terms.is_empty() {
            return Vec::new();
        }
        let avg = docs
            .iter()
            .flat_map(|(_, r)| r.value.chunks.iter())
            .map(|c| c.terms.len())
            .sum::<usize>() as f64
            / n as f64;
        let mut df: HashMap<&str, usize> = HashMap::new();
        for q in &query_terms {
            if df.contains_key(q.as_str()) {
                continue;
            }
            let count = docs
                .iter()
                .flat_map(|(_, r)| r.value.chunks.iter())
                .filter(|c| c.terms.iter().any(|t| t == q))
                .count();
            df.insert(q, count);
        }
        let mut scored = Vec::new();
        for (store, r) in &docs {
            for c in &r.value.chunks {
                let len = c.terms.len() as f64;
                let mut score = 0.0;
                for q in &query_terms {
                    let f = c.terms.iter().filter(|t| *t == q).count() as f64;
                    if f == 0.0 {
                        continue;
                    }
                    let d = df.get(q.as_str()).copied().unwrap_or(0) as f64;
                    let idf = ((n as f64 - d + 0.5) / (d + 0.5) + 1.0).ln();
                    score += idf * f * (K1 + 1.0) / (f + K1 * (1.0 - B + B * len / avg.max(1.0)));
                }
                if score > 0.0 {
                    scored.push(Hit {
                        store: store.clone(),
                        document: r.name.clone(),
                        title: r.value.display_name.clone(),
                        text: c.text.clone(),
                        custom_metadata: r.value.custom_metadata.clone(),
                        score,
                    });
                }
            }
        }
        scored.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.document.cmp(&b.document))
        });
        scored.truncate(top_k as usize);
        scored
    });
    let tool_tokens = hits.iter().map(|h| count_text(&h.text)).sum();
    Ok(Some(Retrieval {
        hits,
        query,
        tool_tokens,
    }))
}

/// The text of the last user turn of a canonical request.
fn last_user_text(request: &Value) -> String {
    request
        .get("contents")
        .and_then(Value::as_array)
        .and_then(|c| {
            c.iter()
                .rev()
                .find(|c| c.get("role").and_then(Value::as_str) != Some("model"))
        })
        .and_then(|c| c.get("parts"))
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// A byte span of an answer and the indices of the chunks supporting it.
pub(crate) type Support = (usize, usize, Vec<usize>);

/// The answer to `retrieval`: for each hit (best first), the sentence of its text sharing the
/// most terms with the question, each used once; and for each sentence of the answer, its byte
/// span and the hits that contain it. `None` when nothing was retrieved.
pub(crate) fn answer(retrieval: &Retrieval) -> Option<(String, Vec<Support>)> {
    let query: Vec<String> = terms(&retrieval.query);
    let mut text = String::new();
    let mut spans = Vec::new();
    let mut used: Vec<String> = Vec::new();
    for hit in retrieval.hits.iter().take(3) {
        let best = sentences(&hit.text)
            .into_iter()
            .filter(|s| !used.iter().any(|u| u == s))
            .max_by_key(|s| {
                let t = terms(s);
                (
                    query.iter().filter(|q| t.contains(q)).count(),
                    usize::MAX - s.len(),
                )
            });
        let Some(sentence) = best else { continue };
        used.push(sentence.clone());
        if !text.is_empty() {
            text.push(' ');
        }
        let start = text.len();
        text.push_str(&sentence);
        let chunks: Vec<usize> = retrieval
            .hits
            .iter()
            .enumerate()
            .filter(|(_, h)| h.text.contains(sentence.as_str()))
            .map(|(i, _)| i)
            .collect();
        spans.push((start, text.len(), chunks));
    }
    (!text.is_empty()).then_some((text, spans))
}

/// The sentences of `text` (ending at `.`, `!` or `?` followed by whitespace, or at the end),
/// trimmed, on one line.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(if c.is_whitespace() { ' ' } else { c });
        let end = matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|n| n.is_whitespace());
        if end {
            let s = current.split_whitespace().collect::<Vec<_>>().join(" ");
            if !s.is_empty() {
                out.push(s);
            }
            current.clear();
        }
    }
    let s = current.split_whitespace().collect::<Vec<_>>().join(" ");
    if !s.is_empty() {
        out.push(s);
    }
    out
}

/// `metadataFilter`: the AIP-160 subset the emulator understands.
pub(crate) mod filter {
    use serde_json::Value;

    /// A parsed filter.
    #[derive(Debug, Clone, PartialEq)]
    pub(crate) enum Filter {
        And(Box<Self>, Box<Self>),
        Or(Box<Self>, Box<Self>),
        Not(Box<Self>),
        Cmp(String, Op, Literal),
    }

    /// A comparison.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(crate) enum Op {
        Eq,
        Ne,
        Lt,
        Le,
        Gt,
        Ge,
        Has,
    }

    /// A value in a filter.
    #[derive(Debug, Clone, PartialEq)]
    pub(crate) enum Literal {
        Text(String),
        Number(f64),
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Token {
        Word(String),
        Text(String),
        Op(Op),
        Open,
        Close,
    }

    /// The longest filter accepted.
    const MAX_LEN: usize = 4096;
    /// The deepest nesting accepted.
    const MAX_DEPTH: usize = 32;

    fn tokens(input: &str) -> Result<Vec<Token>, String> {
        let mut out = Vec::new();
        let chars: Vec<char> = input.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match c {
                c if c.is_whitespace() => i += 1,
                '(' => {
                    out.push(Token::Open);
                    i += 1;
                }
                ')' => {
                    out.push(Token::Close);
                    i += 1;
                }
                '"' | '\'' => {
                    let mut s = String::new();
                    i += 1;
                    loop {
                        match chars.get(i) {
                            None => return Err("unterminated string".into()),
                            Some('\\') => {
                                if let Some(n) = chars.get(i + 1) {
                                    s.push(*n);
                                }
                                i += 2;
                            }
                            Some(q) if *q == c => {
                                i += 1;
                                break;
                            }
                            Some(other) => {
                                s.push(*other);
                                i += 1;
                            }
                        }
                    }
                    out.push(Token::Text(s));
                }
                '=' | '!' | '<' | '>' | ':' => {
                    let next = chars.get(i + 1).copied();
                    let (op, len) = match (c, next) {
                        ('!', Some('=')) => (Op::Ne, 2),
                        ('<', Some('=')) => (Op::Le, 2),
                        ('>', Some('=')) => (Op::Ge, 2),
                        ('=', _) => (Op::Eq, 1),
                        ('<', _) => (Op::Lt, 1),
                        ('>', _) => (Op::Gt, 1),
                        (':', _) => (Op::Has, 1),
                        _ => return Err(format!("unexpected {c:?}")),
                    };
                    out.push(Token::Op(op));
                    i += len;
                }
                _ => {
                    let start = i;
                    while i < chars.len()
                        && !chars[i].is_whitespace()
                        && !"()=!<>:\"'".contains(chars[i])
                    {
                        i += 1;
                    }
                    out.push(Token::Word(chars[start..i].iter().collect()));
                }
            }
        }
        Ok(out)
    }

    struct Parser {
        tokens: Vec<Token>,
        at: usize,
    }

    impl Parser {
        fn peek_word(&self, w: &str) -> bool {
            matches!(self.tokens.get(self.at), Some(Token::Word(x)) if x == w)
        }

        fn or(&mut self, depth: usize) -> Result<Filter, String> {
            let mut left = self.and(depth)?;
            while self.peek_word("OR") {
                self.at += 1;
                let right = self.and(depth)?;
                left = Filter::Or(Box::new(left), Box::new(right));
            }
            Ok(left)
        }

        fn and(&mut self, depth: usize) -> Result<Filter, String> {
            let mut left = self.unary(depth)?;
            loop {
                if self.peek_word("AND") {
                    self.at += 1;
                } else if !matches!(self.tokens.get(self.at), Some(Token::Word(_) | Token::Open))
                    || self.peek_word("OR")
                {
                    return Ok(left);
                }
                let right = self.unary(depth)?;
                left = Filter::And(Box::new(left), Box::new(right));
            }
        }

        fn unary(&mut self, depth: usize) -> Result<Filter, String> {
            if depth > MAX_DEPTH {
                return Err("too deeply nested".into());
            }
            if self.peek_word("NOT") {
                self.at += 1;
                return Ok(Filter::Not(Box::new(self.unary(depth + 1)?)));
            }
            match self.tokens.get(self.at).cloned() {
                Some(Token::Open) => {
                    self.at += 1;
                    let inner = self.or(depth + 1)?;
                    if self.tokens.get(self.at) != Some(&Token::Close) {
                        return Err("missing ')'".into());
                    }
                    self.at += 1;
                    Ok(inner)
                }
                Some(Token::Word(key)) => {
                    self.at += 1;
                    let Some(Token::Op(op)) = self.tokens.get(self.at).cloned() else {
                        return Err(format!("expected an operator after {key:?}"));
                    };
                    self.at += 1;
                    let value = match self.tokens.get(self.at).cloned() {
                        Some(Token::Text(s)) => Literal::Text(s),
                        Some(Token::Word(w)) => match w.parse::<f64>() {
                            Ok(n) => Literal::Number(n),
                            Err(_) => Literal::Text(w),
                        },
                        _ => return Err(format!("expected a value after {key:?}")),
                    };
                    self.at += 1;
                    Ok(Filter::Cmp(key, op, value))
                }
                other => Err(format!("unexpected {other:?}")),
            }
        }
    }

    /// Parses `input`.
    pub(crate) fn parse(input: &str) -> Result<Filter, String> {
        if input.len() > MAX_LEN {
            return Err(format!("longer than {MAX_LEN} bytes"));
        }
        let mut p = Parser {
            tokens: tokens(input)?,
            at: 0,
        };
        let f = p.or(0)?;
        if p.at != p.tokens.len() {
            return Err(format!("unexpected {:?}", p.tokens[p.at]));
        }
        Ok(f)
    }

    fn compare(op: Op, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match op {
            Op::Eq | Op::Has => ord == Equal,
            Op::Ne => ord != Equal,
            Op::Lt => ord == Less,
            Op::Le => ord != Greater,
            Op::Gt => ord == Greater,
            Op::Ge => ord != Less,
        }
    }

    impl Filter {
        /// Whether a document with `metadata` (canonical `CustomMetadata` entries) passes.
        pub(crate) fn matches(&self, metadata: &[Value]) -> bool {
            match self {
                Self::And(a, b) => a.matches(metadata) && b.matches(metadata),
                Self::Or(a, b) => a.matches(metadata) || b.matches(metadata),
                Self::Not(a) => !a.matches(metadata),
                Self::Cmp(key, op, value) => {
                    let Some(entry) = metadata
                        .iter()
                        .find(|m| m.get("key").and_then(Value::as_str) == Some(key))
                    else {
                        return *op == Op::Ne;
                    };
                    if let Some(s) = entry.get("stringValue").and_then(Value::as_str) {
                        let want = match value {
                            Literal::Text(t) => t.clone(),
                            Literal::Number(n) => n.to_string(),
                        };
                        return compare(*op, s.cmp(want.as_str()));
                    }
                    if let Some(n) = entry.get("numericValue").and_then(Value::as_f64) {
                        let want = match value {
                            Literal::Number(w) => *w,
                            Literal::Text(t) => match t.parse::<f64>() {
                                Ok(w) => w,
                                Err(_) => return *op == Op::Ne,
                            },
                        };
                        return n.partial_cmp(&want).is_some_and(|o| compare(*op, o));
                    }
                    if let Some(list) = entry
                        .pointer("/stringListValue/values")
                        .and_then(Value::as_array)
                    {
                        let want = match value {
                            Literal::Text(t) => t.clone(),
                            Literal::Number(n) => n.to_string(),
                        };
                        let has = list.iter().any(|v| v.as_str() == Some(want.as_str()));
                        return match op {
                            Op::Eq | Op::Has => has,
                            Op::Ne => !has,
                            _ => false,
                        };
                    }
                    false
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_follow_the_white_space_config() {
        let text = "one two three four five six seven";
        let c = chunk(text, 3, 1, 1000).unwrap();
        let texts: Vec<&str> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            ["one two three", "three four five", "five six seven"]
        );
        assert!(chunk(text, 3, 1, 20).is_none());
        let c = chunk("a  b\nc", 2, 0, 1000).unwrap();
        assert_eq!(c[0].text, "a  b");
        assert_eq!(c[1].text, "c");
        assert!(chunk("   ", 5, 1, 1000).unwrap().is_empty());
        let opts = |v: Value| document_options(&v, "R");
        assert!(opts(json!({})).is_ok());
        for bad in [
            json!({"chunkingConfig": {"whiteSpaceConfig": {"maxTokensPerChunk": 0}}}),
            json!({"chunkingConfig": {"whiteSpaceConfig": {"maxTokensPerChunk": 600}}}),
            json!({"chunkingConfig": {"whiteSpaceConfig": {"maxTokensPerChunk": 10, "maxOverlapTokens": 10}}}),
            json!({"customMetadata": [{"key": "a"}]}),
            json!({"customMetadata": [{"stringValue": "a"}]}),
            json!({"customMetadata": [{"key": "a", "stringValue": "x", "numericValue": 1}]}),
        ] {
            assert_eq!(opts(bad.clone()).unwrap_err().code, 400, "{bad}");
        }
    }

    #[test]
    fn filters_parse_and_match() {
        let meta = vec![
            json!({"key": "author", "stringValue": "Ada"}),
            json!({"key": "year", "numericValue": 1843.0}),
            json!({"key": "tags", "stringListValue": {"values": ["math", "engines"]}}),
        ];
        for (f, want) in [
            ("author = \"Ada\"", true),
            ("author = 'Bob'", false),
            ("author != \"Bob\"", true),
            ("year > 1800", true),
            ("year >= 1843 AND year <= 1843", true),
            ("year < 1800 OR tags : \"math\"", true),
            ("NOT (tags = \"poetry\")", true),
            ("tags = \"poetry\"", false),
            ("missing = \"x\"", false),
            ("author = \"Ada\" year = 1843", true),
        ] {
            assert_eq!(filter::parse(f).unwrap().matches(&meta), want, "{f}");
        }
        for bad in ["author =", "(year > 1", "= 3", "author \"x\"", "year > 1 )"] {
            assert!(filter::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn answers_cite_the_sentences_they_use() {
        let hit = |doc: &str, text: &str| Hit {
            store: "fileSearchStores/s".into(),
            document: doc.into(),
            title: None,
            text: text.into(),
            custom_metadata: Vec::new(),
            score: 1.0,
        };
        let r = Retrieval {
            hits: vec![
                hit(
                    "d1",
                    "Paris is the capital of France. The Eiffel Tower is in Paris.",
                ),
                hit("d2", "Berlin is the capital of Germany."),
            ],
            query: "What is the capital of France?".into(),
            tool_tokens: 0,
        };
        let (text, spans) = answer(&r).unwrap();
        assert_eq!(
            text,
            "Paris is the capital of France. Berlin is the capital of Germany."
        );
        assert_eq!(spans[0], (0, 31, vec![0]));
        assert_eq!(spans[1], (32, text.len(), vec![1]));
        assert_eq!(
            &text[spans[1].0..spans[1].1],
            "Berlin is the capital of Germany."
        );
        assert_eq!(
            store_id(Some("Test File-Search Store"), "abc"),
            "testfilesearchstore-abc"
        );
        assert_eq!(store_id(None, "abc"), "abc");
    }
}
