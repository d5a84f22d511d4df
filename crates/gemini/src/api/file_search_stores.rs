//! The `fileSearchStores` resource (../shared/spec/API.md section 16): stores for retrieval
//! (RAG), their documents, resumable uploads into a store, imports of uploaded files, and the
//! `fileSearch` tool that searches them from `generateContent`.

use std::fmt;

use gemini_types::{
    ChunkingConfig, CustomMetadata, Document, FileSearch, FileSearchStore, ImportFileOperation,
    ImportFileRequest, ListDocumentsResponse, ListFileSearchStoresResponse, Tool,
    UploadToFileSearchStoreOperation, UploadToFileSearchStoreRequest,
    UploadToFileSearchStoreResponse,
};
use http::Method;

use crate::api::files::mime_type;
use crate::api::input::{InvalidInput, InvalidInputKind};
use crate::rest::upload::{self, Finished};
use crate::rest::{Rest, names, wait};
use crate::{
    Error, OperationError, Pager, UploadOptions, UploadProgress, UploadSource, WaitOptions,
};

/// File search stores: `client.file_search_stores()`.
///
/// A store holds documents, chunked and indexed for retrieval. Documents get in two ways,
/// both returning a long-running operation ([`wait_for_document`](Self::wait_for_document)
/// waits for it): [`upload_to_store`](Self::upload_to_store) sends bytes with the resumable
/// protocol (chunks, recovery, progress), and [`import_file`](Self::import_file) takes a file
/// already uploaded with [`Files::upload`](crate::Files::upload). Both take custom metadata
/// (for the tool's `metadataFilter`) and a chunking config. Then a [`FileSearchTool`] in a
/// `generateContent` request retrieves from the stores, and
/// [`GenerateContentResponse::citations`](gemini_types::GenerateContentResponse::citations)
/// maps the answer's text spans to the retrieved chunks.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// use gemini::{DocumentUploadOptions, FileSearchTool, UploadSource, WaitOptions};
/// use gemini::types::{CustomMetadata, FileSearchStore, GenerateContentRequest};
/// let client = gemini::Client::from_env()?;
/// let stores = client.file_search_stores();
/// let store = stores.create(FileSearchStore::new("manuals")).await?;
/// let store_name = store.name.clone().unwrap_or_default();
/// let op = stores
///     .upload_to_store(
///         &store_name,
///         UploadSource::path("manual.txt"),
///         DocumentUploadOptions::new()
///             .with_custom_metadata(CustomMetadata::string("product", "kettle")),
///     )
///     .await?;
/// stores.wait_for_document(op.name(), WaitOptions::new()).await?;
///
/// let tool = FileSearchTool::new([&store_name]).with_top_k(5).build()?;
/// let request = GenerateContentRequest::from("How do I descale the kettle?").with_tool(tool);
/// let answer = client.models().generate_content("gemini-2.5-flash", request).await?;
/// println!("{}", answer.text().unwrap_or_default());
/// for citation in answer.citations() {
///     for source in &citation.sources {
///         println!("{:?} <- {:?}", citation.text(), source.title());
///     }
/// }
/// stores.delete(&store_name, true).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct FileSearchStores {
    rest: Rest,
}

crate::rest::resource_handle!(FileSearchStores);

impl FileSearchStores {
    /// `fileSearchStores.create`: a new store (`displayName`, `embeddingModel` are read from
    /// `store`).
    pub async fn create(&self, store: FileSearchStore) -> Result<FileSearchStore, Error> {
        self.rest
            .call(Method::POST, "fileSearchStores")
            .json(&store)
            .send()
            .await
    }

    /// `fileSearchStores.get`: one store, by `fileSearchStores/{id}` or its id.
    pub async fn get(&self, name: impl AsRef<str>) -> Result<FileSearchStore, Error> {
        let name = store_name(name.as_ref())?;
        self.rest.call(Method::GET, name).send().await
    }

    /// `fileSearchStores.list`: every store, as a stream that fetches the pages as you go.
    pub fn list(&self) -> Pager<FileSearchStore> {
        self.rest
            .list::<ListFileSearchStoresResponse>("fileSearchStores", Vec::new())
    }

    /// `fileSearchStores.delete`. With `force`, the store's documents are deleted too;
    /// without it, deleting a store that holds documents fails.
    pub async fn delete(&self, name: impl AsRef<str>, force: bool) -> Result<(), Error> {
        let name = store_name(name.as_ref())?;
        let mut call = self.rest.call(Method::DELETE, name);
        if force {
            call = call.query("force", "true");
        }
        call.send_empty().await
    }

    /// `fileSearchStores.uploadToFileSearchStore`: sends `source` into the store with the
    /// resumable protocol (chunks, recovery after failures, progress; see
    /// [`Files::upload`](crate::Files::upload)) and returns the operation that chunks and
    /// indexes it.
    ///
    /// A missing file, a directory, or a MIME type neither given nor known from the file name
    /// is an [`Error::Build`] before anything is sent.
    pub async fn upload_to_store(
        &self,
        store: impl AsRef<str>,
        source: impl Into<UploadSource>,
        options: DocumentUploadOptions,
    ) -> Result<UploadToFileSearchStoreOperation, Error> {
        let store = store_name(store.as_ref())?;
        let source = source.into();
        let file_name = source.file_name.clone();
        let (mut reader, total) = source.open().await?;
        let mime = mime_type(&options.upload, file_name.as_deref())?;
        let mut body = UploadToFileSearchStoreRequest::default();
        body.display_name = options.upload.display_name.clone().or(file_name);
        body.mime_type = Some(mime.clone());
        body.custom_metadata = options.custom_metadata;
        body.chunking_config = options.chunking_config;
        let path = format!("{store}:uploadToFileSearchStore");
        let session = upload::start(&self.rest, &path, total, &mime, &body).await?;
        let granularity = session.granularity.max(1);
        let chunk_size = options.upload.chunk_size.div_ceil(granularity) * granularity;
        let sender = upload::Sender {
            rest: &self.rest,
            url_text: session.url.to_string(),
            url: session.url,
            total,
            chunk_size,
            max_attempts: options.upload.max_attempts,
            progress: options.upload.progress.clone(),
        };
        sender.run(&mut reader, 0).await
    }

    /// `fileSearchStores.importFile`: adds a file uploaded with the files API
    /// (`files/{id}`) to the store, and returns the operation that chunks and indexes it.
    pub async fn import_file(
        &self,
        store: impl AsRef<str>,
        request: ImportFileRequest,
    ) -> Result<ImportFileOperation, Error> {
        let store = store_name(store.as_ref())?;
        let Some(file) = request.file_name.as_deref() else {
            return Err(InvalidInput::new(
                "fileName",
                InvalidInputKind::Missing,
                "name the file to import (`files/{id}`)",
            )
            .into());
        };
        let file = names::resource("files", file)?;
        let mut request = request;
        request.file_name = Some(file);
        self.rest
            .call(Method::POST, format!("{store}:importFile"))
            .json(&request)
            .send()
            .await
    }

    /// Polls an upload or import operation until it is done, with backoff and a deadline,
    /// and returns its result (the document's name). A failed operation, or a deadline that
    /// passes first, is an [`Error::Operation`].
    pub async fn wait_for_document(
        &self,
        operation: impl AsRef<str>,
        options: WaitOptions,
    ) -> Result<UploadToFileSearchStoreResponse, Error> {
        let name = names::operation(operation.as_ref())?;
        let op: UploadToFileSearchStoreOperation = wait::poll_until(
            &self.rest.client,
            &options,
            &name,
            || self.rest.call(Method::GET, name.as_str()).send(),
            UploadToFileSearchStoreOperation::is_done,
        )
        .await?;
        if let Some(status) = op.error {
            return Err(Error::Operation(OperationError::failed(name, status)));
        }
        Ok(op.response.unwrap_or_default())
    }

    /// The documents of the stores.
    pub fn documents(&self) -> Documents {
        Documents {
            rest: self.rest.clone(),
        }
    }
}

impl Finished for UploadToFileSearchStoreOperation {
    fn from_final(response: &http::Response<bytes::Bytes>) -> Result<Self, Error> {
        let body = response.body();
        serde_json::from_slice(body).map_err(|e| Error::decode_json(e, body))
    }
}

/// The documents of file search stores: `client.file_search_stores().documents()`.
#[derive(Clone, Debug)]
pub struct Documents {
    rest: Rest,
}

impl Documents {
    /// Per-call options for the calls made through this handle.
    #[must_use]
    pub fn with_options(mut self, options: crate::RequestOptions) -> Self {
        self.rest.options = Some(std::sync::Arc::new(options));
        self
    }

    /// `fileSearchStores.documents.list`: every document of `store`, as a stream that
    /// fetches the pages as you go.
    pub fn list(&self, store: impl AsRef<str>) -> Pager<Document> {
        match store_name(store.as_ref()) {
            Ok(store) => self
                .rest
                .list::<ListDocumentsResponse>(format!("{store}/documents"), Vec::new()),
            Err(e) => {
                // The name's error, on the first poll (nothing is sent).
                let message = e.to_string();
                Pager::new(move |_, _| {
                    let e = Error::build(message.clone());
                    Box::pin(std::future::ready(Err(e)))
                })
            }
        }
    }

    /// `fileSearchStores.documents.get`: one document, by
    /// `fileSearchStores/{store}/documents/{id}`.
    pub async fn get(&self, name: impl AsRef<str>) -> Result<Document, Error> {
        let name = document_name(name.as_ref())?;
        self.rest.call(Method::GET, name).send().await
    }

    /// `fileSearchStores.documents.delete`. With `force`, its chunks are deleted too.
    pub async fn delete(&self, name: impl AsRef<str>, force: bool) -> Result<(), Error> {
        let name = document_name(name.as_ref())?;
        let mut call = self.rest.call(Method::DELETE, name);
        if force {
            call = call.query("force", "true");
        }
        call.send_empty().await
    }
}

fn store_name(name: &str) -> Result<String, Error> {
    names::resource("fileSearchStores", name)
}

/// `fileSearchStores/{store}/documents/{id}`, each segment checked.
fn document_name(name: &str) -> Result<String, Error> {
    let invalid = || {
        Error::from(InvalidInput::new(
            "document",
            InvalidInputKind::UnknownValue,
            format!("{name:?} is not `fileSearchStores/{{store}}/documents/{{id}}`"),
        ))
    };
    let rest = name.strip_prefix("fileSearchStores/").ok_or_else(invalid)?;
    let (store, doc) = rest.split_once("/documents/").ok_or_else(invalid)?;
    let store = store_name(store)?;
    names::resource("documents", doc).map_err(|_| invalid())?;
    Ok(format!("{store}/documents/{doc}"))
}

/// How to upload a document into a store: its display name, MIME type, custom metadata,
/// chunking, and the resumable upload's settings ([`UploadOptions`]: chunk size, attempts,
/// progress).
///
/// ```
/// use gemini::DocumentUploadOptions;
/// use gemini::types::{ChunkingConfig, CustomMetadata};
/// let options = DocumentUploadOptions::new()
///     .with_display_name("Kettle manual")
///     .with_mime_type("text/plain")
///     .with_custom_metadata(CustomMetadata::numeric("year", 2024.0))
///     .with_chunking_config(ChunkingConfig::white_space(200, 20))
///     .with_progress(|p| eprintln!("{}/{}", p.sent(), p.total()));
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
pub struct DocumentUploadOptions {
    upload: UploadOptions,
    custom_metadata: Vec<CustomMetadata>,
    chunking_config: Option<ChunkingConfig>,
}

impl fmt::Debug for DocumentUploadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocumentUploadOptions")
            .field("upload", &self.upload)
            .field("custom_metadata", &self.custom_metadata)
            .field("chunking_config", &self.chunking_config)
            .finish()
    }
}

impl DocumentUploadOptions {
    /// The defaults: display name and MIME type from the file name, the server's chunking.
    pub fn new() -> Self {
        Self::default()
    }

    /// The upload's settings (chunk size, attempts, progress, MIME type, display name).
    #[must_use]
    pub fn with_upload_options(mut self, upload: UploadOptions) -> Self {
        self.upload = upload;
        self
    }

    /// The document's display name (the file name by default).
    #[must_use]
    pub fn with_display_name(mut self, name: impl Into<String>) -> Self {
        self.upload = self.upload.with_display_name(name);
        self
    }

    /// The MIME type (else guessed from the file name).
    #[must_use]
    pub fn with_mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.upload = self.upload.with_mime_type(mime_type);
        self
    }

    /// Adds a metadata entry (filterable with the tool's `metadataFilter`).
    #[must_use]
    pub fn with_custom_metadata(mut self, entry: CustomMetadata) -> Self {
        self.custom_metadata.push(entry);
        self
    }

    /// How the document is split into chunks.
    #[must_use]
    pub fn with_chunking_config(mut self, config: ChunkingConfig) -> Self {
        self.chunking_config = Some(config);
        self
    }

    /// Called when the upload starts and after every chunk the server confirmed.
    #[must_use]
    pub fn with_progress(
        mut self,
        progress: impl Fn(&UploadProgress<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.upload = self.upload.with_progress(progress);
        self
    }
}

/// The `fileSearch` tool of a `generateContent` request: which stores to search, a metadata
/// filter and how many chunks to retrieve. [`build`](Self::build) checks it: no store is an
/// [`InvalidInput`] ([`Missing`](InvalidInputKind::Missing)).
///
/// ```
/// use gemini::FileSearchTool;
/// let tool = FileSearchTool::new(["manuals"])
///     .with_metadata_filter(r#"product = "kettle""#)
///     .with_top_k(3)
///     .build()?;
/// let v = serde_json::to_value(&tool).unwrap();
/// assert_eq!(v["fileSearch"]["fileSearchStoreNames"][0], "fileSearchStores/manuals");
/// assert_eq!(v["fileSearch"]["topK"], 3);
///
/// let e = FileSearchTool::new(Vec::<String>::new()).build().unwrap_err();
/// assert_eq!(gemini::InvalidInput::find(&e).unwrap().field(), "fileSearch.fileSearchStoreNames");
/// # Ok::<(), gemini::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSearchTool {
    stores: Vec<String>,
    metadata_filter: Option<String>,
    top_k: Option<u32>,
}

impl FileSearchTool {
    /// Searches `stores` (`fileSearchStores/{id}` or ids).
    pub fn new<S: AsRef<str>>(stores: impl IntoIterator<Item = S>) -> Self {
        Self {
            stores: stores.into_iter().map(|s| s.as_ref().to_owned()).collect(),
            ..Self::default()
        }
    }

    /// Keeps only documents whose custom metadata match (`author = "Ada" AND year > 2020`).
    #[must_use]
    pub fn with_metadata_filter(mut self, filter: impl Into<String>) -> Self {
        self.metadata_filter = Some(filter.into());
        self
    }

    /// How many chunks to retrieve.
    #[must_use]
    pub fn with_top_k(mut self, k: u32) -> Self {
        self.top_k = Some(k);
        self
    }

    /// The tool, or an [`Error::Build`] ([`InvalidInput`]) when no store is given, a store
    /// name is invalid, or `top_k` is 0.
    pub fn build(self) -> Result<Tool, Error> {
        if self.stores.is_empty() {
            return Err(InvalidInput::new(
                "fileSearch.fileSearchStoreNames",
                InvalidInputKind::Missing,
                "a file search tool needs at least one store",
            )
            .into());
        }
        let stores = self
            .stores
            .iter()
            .map(|s| store_name(s))
            .collect::<Result<Vec<_>, _>>()?;
        let top_k = match self.top_k {
            Some(0) => {
                return Err(InvalidInput::new(
                    "fileSearch.topK",
                    InvalidInputKind::OutOfRange,
                    "retrieve at least one chunk",
                )
                .into());
            }
            Some(k) => Some(i32::try_from(k).unwrap_or(i32::MAX)),
            None => None,
        };
        let mut tool = Tool::file_search(stores);
        if let Some(fs) = tool.file_search.as_mut() {
            let fs: &mut FileSearch = fs;
            fs.metadata_filter = self.metadata_filter;
            fs.top_k = top_k;
        }
        Ok(tool)
    }
}

impl TryFrom<FileSearchTool> for Tool {
    type Error = Error;

    fn try_from(tool: FileSearchTool) -> Result<Self, Error> {
        tool.build()
    }
}

/// Refuses a request whose `fileSearch` tool names no store (the API would answer 400 after a
/// round trip; a [`Tool`] built by hand skips [`FileSearchTool::build`]'s check).
pub(crate) fn check_file_search(tools: &[Tool]) -> Result<(), Error> {
    let empty = tools
        .iter()
        .filter_map(|t| t.file_search.as_ref())
        .any(|f| f.file_search_store_names.is_empty());
    if empty {
        return Err(InvalidInput::new(
            "fileSearch.fileSearchStoreNames",
            InvalidInputKind::Missing,
            "a file search tool needs at least one store",
        )
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures_util::TryStreamExt as _;
    use gemini_transport::{MockTransport, ResponseBody};
    use serde_json::{Value, json};

    use super::*;
    use crate::rest::mock_client as client;

    fn upload_answer(status: &str, body: &str, url: Option<&str>) -> http::Response<ResponseBody> {
        let mut b = http::Response::builder()
            .status(200)
            .header("x-goog-upload-status", status);
        if let Some(u) = url {
            b = b
                .header("x-goog-upload-url", u)
                .header("x-goog-upload-chunk-granularity", "4");
        }
        b.body(ResponseBody::from(body.to_owned())).unwrap()
    }

    /// The upload starts at the store's upload path with the document's metadata, sends
    /// chunks, and the final answer is an operation; waiting on it gives the document.
    #[tokio::test(start_paused = true)]
    async fn upload_to_store_is_resumable_and_returns_an_operation() {
        let mock = MockTransport::new();
        let session = "https://generativelanguage.googleapis.com/upload/v1beta/fileSearchStores/s:uploadToFileSearchStore?upload_id=u1";
        mock.push_response(upload_answer("active", "", Some(session)))
            .push_response(upload_answer("active", "", None))
            .push_response(upload_answer(
                "final",
                r#"{"name": "fileSearchStores/s/upload/operations/o1"}"#,
                None,
            ))
            .push_json(200, r#"{"name": "fileSearchStores/s/upload/operations/o1"}"#)
            .push_json(
                200,
                r#"{"name": "fileSearchStores/s/upload/operations/o1", "done": true,
                    "response": {"documentName": "fileSearchStores/s/documents/d1", "sizeBytes": "6"}}"#,
            );
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen2 = seen.clone();
        let stores = client(&mock).file_search_stores();
        let op = stores
            .upload_to_store(
                "s",
                UploadSource::bytes(b"abcdef".to_vec()).with_file_name("notes.txt"),
                DocumentUploadOptions::new()
                    .with_upload_options(UploadOptions::new().with_chunk_size(4))
                    .with_custom_metadata(CustomMetadata::string("author", "Ada"))
                    .with_chunking_config(ChunkingConfig::white_space(100, 10))
                    .with_progress(move |p| seen2.lock().unwrap().push(p.sent())),
            )
            .await
            .unwrap();
        assert_eq!(op.name(), "fileSearchStores/s/upload/operations/o1");
        let done = stores
            .wait_for_document(op.name(), WaitOptions::new())
            .await
            .unwrap();
        assert_eq!(
            done.document_name.as_deref(),
            Some("fileSearchStores/s/documents/d1")
        );
        assert_eq!(*seen.lock().unwrap(), [0, 4, 6]);
        let requests = mock.requests();
        assert_eq!(
            requests[0].uri.path(),
            "/upload/v1beta/fileSearchStores/s:uploadToFileSearchStore"
        );
        assert_eq!(
            requests[0].headers["x-goog-upload-header-content-type"],
            "text/plain"
        );
        let start: Value = serde_json::from_slice(&requests[0].body).unwrap();
        assert_eq!(
            start,
            json!({"displayName": "notes.txt", "mimeType": "text/plain",
                   "customMetadata": [{"key": "author", "stringValue": "Ada"}],
                   "chunkingConfig": {"whiteSpaceConfig": {"maxTokensPerChunk": 100, "maxOverlapTokens": 10}}})
        );
        assert_eq!(requests[1].body.as_ref(), b"abcd");
        assert_eq!(
            requests[2].headers["x-goog-upload-command"],
            "upload, finalize"
        );
        assert_eq!(
            requests[3].uri.path(),
            "/v1beta/fileSearchStores/s/upload/operations/o1"
        );
    }

    #[tokio::test]
    async fn stores_documents_and_imports_use_the_api_paths() {
        let mock = MockTransport::new();
        mock.push_json(200, r#"{"name": "fileSearchStores/s", "displayName": "docs"}"#)
            .push_json(200, r#"{"name": "fileSearchStores/s"}"#)
            .push_json(
                200,
                r#"{"fileSearchStores": [{"name": "fileSearchStores/s"}], "nextPageToken": "p"}"#,
            )
            .push_json(200, r#"{"fileSearchStores": [{"name": "fileSearchStores/t"}]}"#)
            .push_json(200, r#"{"name": "fileSearchStores/s/operations/i1"}"#)
            .push_json(200, r#"{"documents": [{"name": "fileSearchStores/s/documents/d", "state": "STATE_ACTIVE"}]}"#)
            .push_json(200, r#"{"name": "fileSearchStores/s/documents/d"}"#)
            .push_json(200, "{}")
            .push_json(200, "{}");
        let stores = client(&mock).file_search_stores();
        let created = stores.create(FileSearchStore::new("docs")).await.unwrap();
        assert_eq!(created.name.as_deref(), Some("fileSearchStores/s"));
        stores.get("s").await.unwrap();
        let all: Vec<FileSearchStore> = stores.list().try_collect().await.unwrap();
        assert_eq!(all.len(), 2);
        let op = stores
            .import_file("fileSearchStores/s", ImportFileRequest::new("abc"))
            .await
            .unwrap();
        assert_eq!(op.name(), "fileSearchStores/s/operations/i1");
        let docs: Vec<Document> = stores.documents().list("s").try_collect().await.unwrap();
        assert_eq!(docs.len(), 1);
        stores
            .documents()
            .get("fileSearchStores/s/documents/d")
            .await
            .unwrap();
        stores
            .documents()
            .delete("fileSearchStores/s/documents/d", true)
            .await
            .unwrap();
        stores.delete("s", true).await.unwrap();
        let seen: Vec<String> = mock
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.uri.path_and_query().unwrap()))
            .collect();
        assert_eq!(
            seen,
            [
                "POST /v1beta/fileSearchStores",
                "GET /v1beta/fileSearchStores/s",
                "GET /v1beta/fileSearchStores",
                "GET /v1beta/fileSearchStores?pageToken=p",
                "POST /v1beta/fileSearchStores/s:importFile",
                "GET /v1beta/fileSearchStores/s/documents",
                "GET /v1beta/fileSearchStores/s/documents/d",
                "DELETE /v1beta/fileSearchStores/s/documents/d?force=true",
                "DELETE /v1beta/fileSearchStores/s?force=true",
            ]
        );
        let requests = mock.requests();
        let create: Value = serde_json::from_slice(&requests[0].body).unwrap();
        assert_eq!(create, json!({"displayName": "docs"}));
        let import: Value = serde_json::from_slice(&requests[4].body).unwrap();
        assert_eq!(import, json!({"fileName": "files/abc"}));
        // Bad names never reach the server.
        assert!(
            stores
                .documents()
                .get("fileSearchStores/s/x")
                .await
                .is_err()
        );
        assert!(stores.get("../files/x").await.is_err());
        assert!(
            stores
                .import_file("s", ImportFileRequest::default())
                .await
                .is_err()
        );
        assert_eq!(mock.requests().len(), 9);
    }

    #[test]
    fn tool_builder_checks_its_input() {
        let tool = FileSearchTool::new(["a", "fileSearchStores/b"])
            .with_metadata_filter("year > 2020")
            .with_top_k(4)
            .build()
            .unwrap();
        assert_eq!(
            serde_json::to_value(&tool).unwrap(),
            json!({"fileSearch": {"fileSearchStoreNames": ["fileSearchStores/a", "fileSearchStores/b"],
                                  "topK": 4, "metadataFilter": "year > 2020"}})
        );
        let kinds: Vec<InvalidInputKind> = [
            FileSearchTool::new(Vec::<String>::new()),
            FileSearchTool::new(["a"]).with_top_k(0),
        ]
        .into_iter()
        .map(|t| InvalidInput::find(&t.build().unwrap_err()).unwrap().kind())
        .collect();
        assert_eq!(
            kinds,
            [InvalidInputKind::Missing, InvalidInputKind::OutOfRange]
        );
        assert!(FileSearchTool::new(["a/b"]).build().is_err());
    }
}
