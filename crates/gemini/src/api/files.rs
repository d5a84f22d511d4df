//! The `files` resource: resumable uploads at constant memory, get, list, delete, streamed
//! downloads, and waiting for a file to be processed.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use gemini_types::{CreateFileRequest, File, ListFilesResponse, Status};
use http::Method;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _};

use crate::rest::upload::{self, ProgressFn, Reader};
use crate::rest::{Rest, names, wait};
use crate::{Error, OperationError, Pager, WaitOptions};

/// The default chunk size of an upload: 8 MiB, as the official SDKs use.
pub const DEFAULT_CHUNK_SIZE: u64 = 8 << 20;

/// The `files` resource: `client.files()`.
///
/// [`upload`](Self::upload) uses the resumable protocol: it starts a session, sends the bytes in
/// chunks ([`UploadOptions::with_chunk_size`], 8 MiB by default) and finalizes. At most two
/// chunks are held in memory (the next one is read while one is sent), whatever the size of
/// the source. After a dropped connection or
/// a 5xx it asks the server how many bytes it has and goes on from there (a bounded number of
/// times, [`UploadOptions::with_max_attempts`]); [`resume`](Self::resume) does the same for a
/// session started by another process. The session URL the server returns is used on the
/// configured base URL's scheme and host (as the official Python SDK does), so behind a proxy
/// the bytes go through it.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// use gemini::{UploadOptions, UploadSource, WaitOptions};
/// let client = gemini::Client::from_env()?;
/// let files = client.files();
/// let file = files
///     .upload(UploadSource::path("clip.mp4"), UploadOptions::new().with_display_name("clip"))
///     .await?;
/// let file = files.wait_until_active(file.id(), WaitOptions::new()).await?;
/// let prompt = gemini::Content::new(
///     gemini::Role::User,
///     [file.as_part(), "Describe this clip.".into()],
/// );
/// let answer = client.models().generate_content("gemini-2.5-flash", prompt).await?;
/// println!("{}", answer.text().unwrap_or_default());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Files {
    rest: Rest,
}

crate::rest::resource_handle!(Files);

/// What to upload: bytes in memory, a file on disk, or any [`AsyncRead`] of known length.
///
/// ```
/// use gemini::UploadSource;
/// let from_memory = UploadSource::bytes(b"hello".to_vec()).with_file_name("hello.txt");
/// assert_eq!(from_memory.len(), Some(5));
/// let from_reader = UploadSource::reader(&b"hello"[..], 5).with_file_name("hello.txt");
/// # let _ = (from_memory, from_reader);
/// ```
pub struct UploadSource {
    kind: SourceKind,
    pub(crate) file_name: Option<String>,
}

enum SourceKind {
    Bytes(Bytes),
    #[cfg(feature = "fs")]
    Path(std::path::PathBuf),
    Reader {
        reader: Pin<Box<dyn AsyncRead + Send>>,
        len: u64,
    },
}

impl fmt::Debug for UploadSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("UploadSource");
        match &self.kind {
            SourceKind::Bytes(b) => d.field("bytes", &b.len()),
            #[cfg(feature = "fs")]
            SourceKind::Path(p) => d.field("path", p),
            SourceKind::Reader { len, .. } => d.field("reader_len", len),
        };
        d.field("file_name", &self.file_name).finish()
    }
}

impl UploadSource {
    /// Bytes in memory (sent in slices of the same buffer, never copied).
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Self {
            kind: SourceKind::Bytes(bytes.into()),
            file_name: None,
        }
    }

    /// A file on disk (feature `fs`, on by default). Its name gives the MIME type when none is
    /// set. A missing file or a directory is an [`Error::Build`] before anything is sent.
    #[cfg(feature = "fs")]
    #[cfg_attr(docsrs, doc(cfg(feature = "fs")))]
    pub fn path(path: impl Into<std::path::PathBuf>) -> Self {
        let path = path.into();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        Self {
            kind: SourceKind::Path(path),
            file_name,
        }
    }

    /// Any reader of exactly `len` bytes (a reader that ends early fails the upload).
    pub fn reader(reader: impl AsyncRead + Send + 'static, len: u64) -> Self {
        Self {
            kind: SourceKind::Reader {
                reader: Box::pin(reader),
                len,
            },
            file_name: None,
        }
    }

    /// The name the MIME type is guessed from (a path's own file name by default).
    #[must_use]
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The length when known without opening the source: bytes and readers, not paths.
    pub fn len(&self) -> Option<u64> {
        match &self.kind {
            SourceKind::Bytes(b) => Some(b.len() as u64),
            #[cfg(feature = "fs")]
            SourceKind::Path(_) => None,
            SourceKind::Reader { len, .. } => Some(*len),
        }
    }

    /// Whether the source is known to be empty without opening it.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// Opens the source: its reader and length. A missing file or a directory is an error.
    #[cfg_attr(not(feature = "fs"), allow(clippy::unused_async))]
    pub(crate) async fn open(self) -> Result<(Reader, u64), Error> {
        match self.kind {
            SourceKind::Bytes(b) => {
                let len = b.len() as u64;
                Ok((Reader::Bytes(b), len))
            }
            #[cfg(feature = "fs")]
            SourceKind::Path(path) => {
                let shown = path.display().to_string();
                let meta = tokio::fs::metadata(&path).await.map_err(|e| {
                    Error::build_with(format!("cannot upload {shown:?}: it cannot be read"), e)
                })?;
                if meta.is_dir() {
                    return Err(Error::build(format!(
                        "cannot upload {shown:?}: it is a directory"
                    )));
                }
                let file = tokio::fs::File::open(&path).await.map_err(|e| {
                    Error::build_with(format!("cannot upload {shown:?}: it cannot be opened"), e)
                })?;
                Ok((Reader::File(file), meta.len()))
            }
            SourceKind::Reader { reader, len } => Ok((Reader::Stream(reader), len)),
        }
    }
}

impl From<Bytes> for UploadSource {
    fn from(bytes: Bytes) -> Self {
        Self::bytes(bytes)
    }
}

impl From<Vec<u8>> for UploadSource {
    fn from(bytes: Vec<u8>) -> Self {
        Self::bytes(bytes)
    }
}

#[cfg(feature = "fs")]
impl From<std::path::PathBuf> for UploadSource {
    fn from(path: std::path::PathBuf) -> Self {
        Self::path(path)
    }
}

#[cfg(feature = "fs")]
impl From<&std::path::Path> for UploadSource {
    fn from(path: &std::path::Path) -> Self {
        Self::path(path)
    }
}

/// How to upload: the MIME type (guessed from the file name when not set), the file's display
/// name and id, the chunk size, how many failures in a row to recover from, and a progress
/// callback.
///
/// ```
/// use gemini::UploadOptions;
/// let options = UploadOptions::new()
///     .with_mime_type("application/pdf")
///     .with_display_name("Q3 report")
///     .with_chunk_size(16 << 20)
///     .with_progress(|p| eprintln!("{}/{} bytes", p.sent(), p.total()));
/// # let _ = options;
/// ```
#[derive(Clone)]
pub struct UploadOptions {
    pub(crate) mime_type: Option<String>,
    pub(crate) display_name: Option<String>,
    name: Option<String>,
    pub(crate) chunk_size: u64,
    pub(crate) max_attempts: u32,
    pub(crate) progress: Option<ProgressFn>,
}

impl Default for UploadOptions {
    fn default() -> Self {
        Self {
            mime_type: None,
            display_name: None,
            name: None,
            chunk_size: DEFAULT_CHUNK_SIZE,
            max_attempts: 5,
            progress: None,
        }
    }
}

impl fmt::Debug for UploadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadOptions")
            .field("mime_type", &self.mime_type)
            .field("display_name", &self.display_name)
            .field("name", &self.name)
            .field("chunk_size", &self.chunk_size)
            .field("max_attempts", &self.max_attempts)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl UploadOptions {
    /// The defaults: MIME type from the file name, 8 MiB chunks, 5 attempts, no callback.
    pub fn new() -> Self {
        Self::default()
    }

    /// The MIME type (else guessed from the file name; unknown is an error before sending).
    #[must_use]
    pub fn with_mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = Some(mime_type.into());
        self
    }

    /// The file's display name.
    #[must_use]
    pub fn with_display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// The file's id (`files/my-id` or `my-id`: lowercase letters, digits and dashes); the
    /// server picks one when unset.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Bytes per chunk (8 MiB by default). Rounded up to a multiple of the server's granularity
    /// (256 KiB on the real API), and at least one granule.
    #[must_use]
    pub fn with_chunk_size(mut self, bytes: u64) -> Self {
        self.chunk_size = bytes.max(1);
        self
    }

    /// How many failures in a row (dropped connections, 5xx) an upload recovers from by asking
    /// the server for its offset before giving up (5 by default; 1 never recovers). The pause
    /// before each recovery is the backoff of the client's
    /// [`RetryPolicy`](crate::RetryPolicy) (or the handle's, from its options).
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Called when the upload starts and after every chunk the server confirmed, with the
    /// bytes sent, the total and the session's URL (keep it to [`resume`](Files::resume) the
    /// upload from another process).
    #[must_use]
    pub fn with_progress(
        mut self,
        progress: impl Fn(&UploadProgress<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }
}

/// Where an upload is: bytes the server confirmed, the total, the session's URL.
#[derive(Clone, Copy, Debug)]
pub struct UploadProgress<'a> {
    pub(crate) sent: u64,
    pub(crate) total: u64,
    pub(crate) upload_url: &'a str,
}

impl UploadProgress<'_> {
    /// Bytes the server has confirmed.
    pub fn sent(&self) -> u64 {
        self.sent
    }

    /// The total size.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The session's URL, for [`Files::resume`].
    pub fn upload_url(&self) -> &str {
        self.upload_url
    }
}

impl Files {
    /// A handle sharing another handle's client and options.
    pub(crate) fn from_rest(rest: Rest) -> Self {
        Self { rest }
    }

    /// Uploads `source` with the resumable protocol and returns the file (often still
    /// `PROCESSING`: see [`wait_until_active`](Self::wait_until_active)).
    ///
    /// Before anything is sent, a missing file, a directory, or a MIME type that is neither
    /// given nor known from the file name is an [`Error::Build`].
    pub async fn upload(
        &self,
        source: impl Into<UploadSource>,
        options: UploadOptions,
    ) -> Result<File, Error> {
        let source = source.into();
        let name = options
            .name
            .as_deref()
            .map(|n| names::resource("files", n))
            .transpose()?;
        let file_name = source.file_name.clone();
        let (mut reader, total) = source.open().await?;
        let mime = mime_type(&options, file_name.as_deref())?;
        let mut file = File::default();
        file.name = name;
        file.display_name.clone_from(&options.display_name);
        let body = CreateFileRequest::new(file);
        let session = upload::start(&self.rest, "files", total, &mime, &body).await?;
        let sender = self.sender(session.url, total, session.granularity, &options);
        sender.run(&mut reader, 0).await
    }

    /// Finishes an upload started earlier (by this process or another), from the session's
    /// URL ([`UploadProgress::upload_url`]) and the same source, read from its start: asks the
    /// server how many bytes it has, skips them in the source, and sends the rest.
    pub async fn resume(
        &self,
        upload_url: &str,
        source: impl Into<UploadSource>,
        options: UploadOptions,
    ) -> Result<File, Error> {
        let url = upload::parse_url(upload_url)?;
        let (mut reader, total) = source.into().open().await?;
        let received = match upload::query(&self.rest, &url).await? {
            upload::State::Final(file) => return Ok(*file),
            upload::State::Active { received } => received,
        };
        if received > total {
            return Err(Error::build(format!(
                "cannot resume: the server has {received} bytes, more than the source's {total}"
            )));
        }
        reader.skip(received).await.map_err(|e| {
            Error::build_with(
                format!("cannot resume: could not skip the {received} bytes the server has"),
                e,
            )
        })?;
        // The granularity is not repeated by `query`: keep the chunk size as given.
        let sender = self.sender(url, total, 1, &options);
        sender.run(&mut reader, received).await
    }

    fn sender(
        &self,
        url: http::Uri,
        total: u64,
        granularity: u64,
        options: &UploadOptions,
    ) -> upload::Sender<'_> {
        let granularity = granularity.max(1);
        let chunk_size = options.chunk_size.div_ceil(granularity) * granularity;
        upload::Sender {
            rest: &self.rest,
            url_text: url.to_string(),
            url,
            total,
            chunk_size,
            max_attempts: options.max_attempts,
            progress: options.progress.clone(),
        }
    }

    /// `files.get`: one file, by `files/{id}` or its id.
    pub async fn get(&self, name: impl AsRef<str>) -> Result<File, Error> {
        let name = names::resource("files", name.as_ref())?;
        self.rest.call(Method::GET, name).send().await
    }

    /// `files.list`: every file of the project, as a stream that fetches the pages as you go.
    pub fn list(&self) -> Pager<File> {
        self.rest.list::<ListFilesResponse>("files", Vec::new())
    }

    /// `files.delete`.
    pub async fn delete(&self, name: impl AsRef<str>) -> Result<(), Error> {
        let name = names::resource("files", name.as_ref())?;
        self.rest.call(Method::DELETE, name).send_empty().await
    }

    /// Downloads a file's bytes (`files/{id}:download?alt=media`) into `writer`, chunk by chunk
    /// as they arrive (never the whole body in memory), and returns how many bytes were
    /// written. `file` is a name (`files/{id}`), an id, or a URI naming the file (a generated
    /// video's `uri`). The writer is flushed at the end.
    ///
    /// ```no_run
    /// # async fn demo(client: gemini::Client) -> Result<(), gemini::Error> {
    /// let mut out = tokio::fs::File::create("video.mp4").await.unwrap();
    /// let bytes = client.files().download("files/abc", &mut out).await?;
    /// println!("{bytes} bytes");
    /// # Ok(()) }
    /// ```
    pub async fn download<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        file: impl AsRef<str>,
        writer: &mut W,
    ) -> Result<u64, Error> {
        let mut body = self.open_download(file.as_ref()).await?.into_body();
        let mut written = 0u64;
        while let Some(chunk) = std::future::poll_fn(|cx| body.poll_data(cx)).await {
            let chunk = chunk.map_err(Error::stream_body)?;
            writer.write_all(&chunk).await.map_err(|e| {
                Error::io(format!("could not write the download at byte {written}"), e)
            })?;
            written += chunk.len() as u64;
        }
        writer
            .flush()
            .await
            .map_err(|e| Error::io("could not flush the download", e))?;
        Ok(written)
    }

    /// Opens a file's bytes as a streaming body.
    pub(crate) async fn open_download(
        &self,
        file: &str,
    ) -> Result<http::Response<gemini_transport::ResponseBody>, Error> {
        let name = if file.contains("://") {
            gemini_types::file_name_from_uri(file).ok_or_else(|| {
                Error::build(format!("no file name (`files/{{id}}`) in the URI {file:?}"))
            })?
        } else {
            names::resource("files", file)?
        };
        self.rest
            .call(Method::GET, format!("{name}:download"))
            .query("alt", "media")
            .open_raw()
            .await
    }

    /// Polls the file until it is no longer `PROCESSING`, with backoff and a deadline
    /// (`options`). A file that ends `FAILED` is an [`Error::Operation`] whose
    /// [`status`](OperationError::status) is the file's error; a deadline that passes first is
    /// one whose [`is_deadline`](OperationError::is_deadline) is true.
    pub async fn wait_until_active(
        &self,
        name: impl AsRef<str>,
        options: WaitOptions,
    ) -> Result<File, Error> {
        let name = names::resource("files", name.as_ref())?;
        let file: File = wait::poll_until(
            &self.rest.client,
            &options,
            &name,
            || self.rest.call(Method::GET, name.as_str()).send(),
            |f: &File| !f.is_processing(),
        )
        .await?;
        if file.is_failed() {
            let status = file.error.unwrap_or_else(|| {
                Status::new(
                    gemini_types::Code::Internal,
                    "the file's processing failed (no error given)",
                )
            });
            return Err(Error::Operation(OperationError::failed(name, status)));
        }
        Ok(file)
    }
}

/// The MIME type: the option, else guessed from the file name; neither is an error.
pub(crate) fn mime_type(options: &UploadOptions, file_name: Option<&str>) -> Result<String, Error> {
    if let Some(m) = &options.mime_type {
        return Ok(m.clone());
    }
    let Some(name) = file_name else {
        return Err(Error::build(
            "the upload's MIME type is unknown: set UploadOptions::with_mime_type, or give the source a file name",
        ));
    };
    mime_guess::from_path(name)
        .first()
        .map(|m| m.essence_str().to_owned())
        .ok_or_else(|| {
            Error::build(format!(
                "the MIME type of {name:?} is unknown: set UploadOptions::with_mime_type"
            ))
        })
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use futures_util::TryStreamExt as _;
    use gemini_transport::{CapturedRequest, MockTransport, ResponseBody};
    use http::Response;

    use super::*;

    const UPLOAD_URL: &str = "https://generativelanguage.googleapis.com/upload/v1beta/files?upload_id=u1&upload_protocol=resumable";

    use crate::rest::mock_client as client;

    fn reply(headers: &[(&str, &str)], body: &str) -> Response<ResponseBody> {
        let mut r = Response::new(ResponseBody::from(body.to_owned()));
        for (k, v) in headers {
            r.headers_mut().insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                http::HeaderValue::from_str(v).unwrap(),
            );
        }
        r
    }

    fn started(mock: &MockTransport, granularity: &str) {
        mock.push_response(reply(
            &[
                ("x-goog-upload-status", "active"),
                ("x-goog-upload-url", UPLOAD_URL),
                ("x-goog-upload-chunk-granularity", granularity),
            ],
            "",
        ));
    }

    fn active(mock: &MockTransport) {
        mock.push_response(reply(&[("x-goog-upload-status", "active")], ""));
    }

    fn queried(mock: &MockTransport, received: u64) {
        mock.push_response(reply(
            &[
                ("x-goog-upload-status", "active"),
                ("x-goog-upload-size-received", &received.to_string()),
            ],
            "",
        ));
    }

    fn finalized(mock: &MockTransport) {
        mock.push_response(reply(
            &[("x-goog-upload-status", "final")],
            r#"{"file": {"name": "files/abc", "mimeType": "text/plain", "sizeBytes": "20",
                "uri": "https://generativelanguage.googleapis.com/v1beta/files/abc", "state": "ACTIVE"}}"#,
        ));
    }

    fn header<'r>(r: &'r CapturedRequest, name: &str) -> &'r str {
        r.headers
            .get(name)
            .map_or("", |v| v.to_str().unwrap_or_default())
    }

    /// `(command, offset, body bytes)` of every chunk or query request.
    fn chunks(requests: &[CapturedRequest]) -> Vec<(String, String, Vec<u8>)> {
        requests
            .iter()
            .filter(|r| r.uri == UPLOAD_URL)
            .map(|r| {
                (
                    header(r, "x-goog-upload-command").to_owned(),
                    header(r, "x-goog-upload-offset").to_owned(),
                    r.body.to_vec(),
                )
            })
            .collect()
    }

    fn data() -> Vec<u8> {
        (0u8..20).collect()
    }

    /// Start (headers, metadata body, upload prefix), chunks rounded up to the granularity,
    /// `upload, finalize` on the last one, the key on every request to the same origin, and
    /// progress after every confirmed chunk.
    #[tokio::test]
    async fn upload_speaks_the_resumable_protocol() {
        let mock = MockTransport::new();
        started(&mock, "4");
        active(&mock);
        active(&mock);
        finalized(&mock);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let file = client(&mock)
            .files()
            .upload(
                UploadSource::bytes(data()).with_file_name("notes.txt"),
                UploadOptions::new()
                    .with_display_name("Notes")
                    .with_chunk_size(5)
                    .with_progress(move |p| {
                        assert_eq!(p.upload_url(), UPLOAD_URL);
                        log.lock().unwrap().push((p.sent(), p.total()));
                    }),
            )
            .await
            .unwrap();
        assert_eq!(file.name.as_deref(), Some("files/abc"));
        let requests = mock.requests();
        let start = &requests[0];
        assert_eq!(start.method, Method::POST);
        assert_eq!(
            start.uri,
            "https://generativelanguage.googleapis.com/upload/v1beta/files"
        );
        for (name, value) in [
            ("x-goog-upload-protocol", "resumable"),
            ("x-goog-upload-command", "start"),
            ("x-goog-upload-header-content-length", "20"),
            ("x-goog-upload-header-content-type", "text/plain"),
            ("content-type", "application/json"),
            ("x-goog-api-key", "k"),
        ] {
            assert_eq!(header(start, name), value, "{name}");
        }
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&start.body).unwrap(),
            serde_json::json!({"file": {"displayName": "Notes"}})
        );
        let d = data();
        assert_eq!(
            chunks(&requests),
            [
                ("upload".to_owned(), "0".to_owned(), d[..8].to_vec()),
                ("upload".to_owned(), "8".to_owned(), d[8..16].to_vec()),
                (
                    "upload, finalize".to_owned(),
                    "16".to_owned(),
                    d[16..].to_vec()
                ),
            ]
        );
        assert!(
            requests[1..]
                .iter()
                .all(|r| header(r, "x-goog-api-key") == "k")
        );
        assert_eq!(
            *seen.lock().unwrap(),
            [(0, 20), (8, 20), (16, 20), (20, 20)]
        );
    }

    /// A dropped connection and a 503 are followed by a `query`; the upload goes on from the
    /// server's offset, inside the chunk held in memory.
    #[tokio::test(start_paused = true)]
    async fn upload_resumes_from_the_servers_offset() {
        let mock = MockTransport::new();
        started(&mock, "4");
        active(&mock); // 0..8
        mock.push_error(gemini_transport::Error::request("connection reset")); // 8..16 cut
        queried(&mock, 12);
        mock.push_json(503, r#"{"error": {"code": 503, "message": "busy"}}"#); // 12..16
        queried(&mock, 16);
        finalized(&mock); // 16..20
        let file = client(&mock)
            .files()
            .upload(
                UploadSource::reader(std::io::Cursor::new(data()), 20),
                UploadOptions::new()
                    .with_mime_type("text/plain")
                    .with_chunk_size(8),
            )
            .await
            .unwrap();
        assert_eq!(file.id(), "abc");
        let d = data();
        let seen = chunks(&mock.requests());
        let expected = [
            ("upload", "0", d[..8].to_vec()),
            ("upload", "8", d[8..16].to_vec()),
            ("query", "", Vec::new()),
            ("upload", "12", d[12..16].to_vec()),
            ("query", "", Vec::new()),
            ("upload, finalize", "16", d[16..].to_vec()),
        ];
        assert_eq!(seen.len(), expected.len());
        for (got, want) in seen.iter().zip(expected) {
            assert_eq!(
                (got.0.as_str(), got.1.as_str(), &got.2),
                (want.0, want.1, &want.2)
            );
        }
    }

    /// Recovery is bounded: after `max_attempts` failures in a row the error is returned.
    #[tokio::test(start_paused = true)]
    async fn upload_gives_up_after_max_attempts() {
        let mock = MockTransport::new();
        started(&mock, "1");
        mock.push_json(500, r#"{"error": {"code": 500, "message": "a"}}"#);
        mock.push_json(500, r#"{"error": {"code": 500, "message": "b"}}"#);
        mock.push_json(500, r#"{"error": {"code": 500, "message": "c"}}"#);
        let e = client(&mock)
            .files()
            .upload(
                Bytes::from_static(b"hello"),
                UploadOptions::new()
                    .with_mime_type("text/plain")
                    .with_max_attempts(3),
            )
            .await
            .unwrap_err();
        assert_eq!(e.status(), Some(http::StatusCode::INTERNAL_SERVER_ERROR));
        assert_eq!(mock.requests().len(), 4);
        assert_eq!(mock.pending(), 0);
    }

    /// The last chunk's answer is lost, the server had finalized: the query's `final` answer
    /// is the file.
    #[tokio::test(start_paused = true)]
    async fn a_lost_final_answer_is_recovered_by_query() {
        let mock = MockTransport::new();
        started(&mock, "1");
        mock.push_json(502, r#"{"error": {"code": 502, "message": "bad gateway"}}"#);
        finalized(&mock);
        let file = client(&mock)
            .files()
            .upload(
                Bytes::from_static(b"hello"),
                UploadOptions::new().with_mime_type("text/plain"),
            )
            .await
            .unwrap();
        assert_eq!(file.id(), "abc");
        let seen = chunks(&mock.requests());
        assert_eq!(seen[0].0, "upload, finalize");
        assert_eq!(seen[1].0, "query");
        assert_eq!(seen.len(), 2);
    }

    /// An upload URL on another origin is moved to the configured base's origin (behind a
    /// proxy the chunks go through it); `resume` with a foreign URL gets no key; a 4xx on a
    /// chunk is not recovered from.
    #[tokio::test]
    async fn chunks_go_to_the_configured_origin() {
        let mock = MockTransport::new();
        mock.push_response(reply(
            &[
                ("x-goog-upload-status", "active"),
                (
                    "x-goog-upload-url",
                    "https://uploads.example.com/u?upload_id=1",
                ),
            ],
            "",
        ));
        mock.push_json(400, r#"{"error": {"code": 400, "message": "bad offset"}}"#);
        let e = client(&mock)
            .files()
            .upload(
                Bytes::from_static(b"hello"),
                UploadOptions::new().with_mime_type("text/plain"),
            )
            .await
            .unwrap_err();
        assert_eq!(e.status(), Some(http::StatusCode::BAD_REQUEST));
        let requests = mock.requests();
        assert_eq!(requests.len(), 2);
        assert_eq!(header(&requests[0], "x-goog-api-key"), "k");
        assert_eq!(
            requests[1].uri,
            "https://generativelanguage.googleapis.com/u?upload_id=1"
        );
        assert_eq!(header(&requests[1], "x-goog-api-key"), "k");

        let mock = MockTransport::new();
        mock.push_json(404, r#"{"error": {"code": 404, "message": "no session"}}"#);
        let e = client(&mock)
            .files()
            .resume(
                "https://uploads.example.com/u?upload_id=1",
                Bytes::from_static(b"hello"),
                UploadOptions::new(),
            )
            .await
            .unwrap_err();
        assert_eq!(e.status(), Some(http::StatusCode::NOT_FOUND));
        let requests = mock.requests();
        assert_eq!(requests[0].uri, "https://uploads.example.com/u?upload_id=1");
        assert!(requests[0].headers.get("x-goog-api-key").is_none());
    }

    /// A server that keeps answering `active` without taking the chunk does not keep the
    /// upload looping: it ends after `max_attempts` answers.
    #[tokio::test]
    async fn no_progress_is_bounded() {
        let mock = MockTransport::new();
        started(&mock, "1");
        for _ in 0..3 {
            queried(&mock, 0);
        }
        let e = client(&mock)
            .files()
            .upload(
                Bytes::from_static(b"hello"),
                UploadOptions::new()
                    .with_mime_type("text/plain")
                    .with_chunk_size(2)
                    .with_max_attempts(3),
            )
            .await
            .unwrap_err();
        let Error::Decode(d) = &e else {
            panic!("expected Error::Decode, got {e:?}")
        };
        assert!(d.snippet().contains("accepted none"), "{}", d.snippet());
        assert_eq!(mock.requests().len(), 4);
    }

    /// `resume` asks for the offset, skips what the server has, sends the rest.
    #[tokio::test]
    async fn resume_continues_a_session() {
        let mock = MockTransport::new();
        queried(&mock, 8);
        active(&mock);
        finalized(&mock);
        let file = client(&mock)
            .files()
            .resume(
                UPLOAD_URL,
                UploadSource::reader(std::io::Cursor::new(data()), 20),
                UploadOptions::new().with_chunk_size(8),
            )
            .await
            .unwrap();
        assert_eq!(file.id(), "abc");
        let d = data();
        let seen = chunks(&mock.requests());
        assert_eq!(seen[0].0, "query");
        assert_eq!(seen[1], ("upload".into(), "8".into(), d[8..16].to_vec()));
        assert_eq!(
            seen[2],
            ("upload, finalize".into(), "16".into(), d[16..].to_vec())
        );
        let e = client(&mock)
            .files()
            .resume("not a url", Bytes::new(), UploadOptions::new())
            .await
            .unwrap_err();
        assert!(matches!(e, Error::Build(_)), "{e}");
    }

    /// A missing file, a directory, an unknown MIME type: typed errors, nothing sent.
    #[cfg(feature = "fs")]
    #[tokio::test]
    async fn bad_sources_fail_before_sending() {
        let mock = MockTransport::new();
        let files = client(&mock).files();
        let dir = std::env::temp_dir();
        let cases: Vec<(UploadSource, &str)> = vec![
            (
                UploadSource::path(dir.join("gemini-rs-no-such-file.txt")),
                "cannot be read",
            ),
            (
                UploadSource::path(&dir).with_file_name("x.txt"),
                "is a directory",
            ),
            (UploadSource::bytes(vec![1, 2, 3]), "MIME type is unknown"),
            (
                UploadSource::bytes(vec![1]).with_file_name("data.zzz-unknown"),
                "is unknown",
            ),
        ];
        for (source, message) in cases {
            let e = files
                .upload(source, UploadOptions::new())
                .await
                .unwrap_err();
            assert!(matches!(e, Error::Build(_)), "{e}");
            assert!(e.to_string().contains(message), "{e}");
        }
        let e = files
            .upload(
                UploadSource::path(dir.join("gemini-rs-no-such-file.txt")),
                UploadOptions::new(),
            )
            .await
            .unwrap_err();
        let io = std::error::Error::source(&e)
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .unwrap();
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
        assert!(mock.requests().is_empty());
    }

    /// A source shorter than its declared length fails with a typed error.
    #[tokio::test]
    async fn a_short_reader_is_an_error() {
        let mock = MockTransport::new();
        started(&mock, "1");
        let e = client(&mock)
            .files()
            .upload(
                UploadSource::reader(&b"abc"[..], 10),
                UploadOptions::new().with_mime_type("text/plain"),
            )
            .await
            .unwrap_err();
        assert!(
            e.to_string().contains("ended before its declared length"),
            "{e}"
        );
        assert_eq!(mock.requests().len(), 1);
    }

    /// Download streams chunk by chunk into the writer; a name, an id or a URI name the file.
    #[tokio::test]
    async fn download_streams_into_a_writer() {
        let mock = MockTransport::new();
        let parts: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(Bytes::from_static(b"abc")),
            Ok(Bytes::from_static(b"def")),
            Ok(Bytes::from_static(b"g")),
        ];
        mock.push_response(Response::new(ResponseBody::from_stream(
            futures_util::stream::iter(parts),
        )));
        mock.push_json(
            404,
            r#"{"error": {"code": 404, "message": "no such file"}}"#,
        );
        let files = client(&mock).files();
        let mut out = Vec::new();
        let n = files
            .download(
                "https://generativelanguage.googleapis.com/v1beta/files/vid-1:download?alt=media",
                &mut out,
            )
            .await
            .unwrap();
        assert_eq!((n, out.as_slice()), (7, &b"abcdefg"[..]));
        let e = files.download("gone", &mut Vec::new()).await.unwrap_err();
        assert_eq!(e.status(), Some(http::StatusCode::NOT_FOUND));
        let uris: Vec<String> = mock.requests().iter().map(|r| r.uri.to_string()).collect();
        assert_eq!(
            uris,
            [
                "https://generativelanguage.googleapis.com/v1beta/files/vid-1:download?alt=media",
                "https://generativelanguage.googleapis.com/v1beta/files/gone:download?alt=media",
            ]
        );
    }

    /// PROCESSING until ACTIVE; FAILED is an `Error::Operation` with the file's status.
    #[tokio::test(start_paused = true)]
    async fn wait_until_active_polls_and_types_failures() {
        let mock = MockTransport::new();
        mock.push_json(200, r#"{"name": "files/a", "state": "PROCESSING"}"#)
            .push_json(200, r#"{"name": "files/a", "state": "ACTIVE"}"#)
            .push_json(200, r#"{"name": "files/b", "state": "PROCESSING"}"#)
            .push_json(
                200,
                r#"{"name": "files/b", "state": "FAILED", "error": {"code": 3, "message": "bad video"}}"#,
            );
        let files = client(&mock).files();
        let start = tokio::time::Instant::now();
        let file = files
            .wait_until_active("a", WaitOptions::new())
            .await
            .unwrap();
        assert!(file.is_active());
        assert_eq!(start.elapsed(), Duration::from_secs(1));
        let e = files
            .wait_until_active("files/b", WaitOptions::new())
            .await
            .unwrap_err();
        let Error::Operation(op) = &e else {
            panic!("expected Error::Operation, got {e:?}")
        };
        assert_eq!(op.name(), "files/b");
        assert_eq!(op.status().unwrap().message(), "bad video");
        assert!(!op.is_deadline());
    }

    #[tokio::test]
    async fn get_list_delete_use_the_file_paths() {
        let mock = MockTransport::new();
        mock.push_json(200, r#"{"name": "files/a"}"#)
            .push_json(
                200,
                r#"{"files": [{"name": "files/a"}], "nextPageToken": "p2"}"#,
            )
            .push_json(200, r#"{"files": [{"name": "files/b"}]}"#)
            .push_json(200, "{}");
        let files = client(&mock).files();
        assert_eq!(files.get("a").await.unwrap().id(), "a");
        let all: Vec<File> = files.list().with_page_size(1).try_collect().await.unwrap();
        assert_eq!(all.len(), 2);
        files.delete("files/b").await.unwrap();
        let seen: Vec<String> = mock
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.uri))
            .collect();
        assert_eq!(
            seen,
            [
                "GET https://generativelanguage.googleapis.com/v1beta/files/a",
                "GET https://generativelanguage.googleapis.com/v1beta/files?pageSize=1",
                "GET https://generativelanguage.googleapis.com/v1beta/files?pageSize=1&pageToken=p2",
                "DELETE https://generativelanguage.googleapis.com/v1beta/files/b",
            ]
        );
        assert!(files.get("../models").await.is_err());
    }
}
