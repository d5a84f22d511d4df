//! Batch mode (`batches`): create batches of generation or embedding requests, inline or from a
//! JSONL file uploaded for you, wait for them, and read their results as typed, keyed items.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::BytesMut;
use futures_core::Stream;
use gemini_transport::ResponseBody;
use gemini_types::{
    AsyncBatchEmbedContentRequest, Batch, BatchGenerateContentRequest, BatchOperation, BatchOutput,
    BatchRequestLine, BatchResultLine, BatchResults, BatchState, BatchStats, Code,
    EmbedBatchOperation, EmbedContentBatch, EmbedContentRequest, GenerateContentBatch,
    GenerateContentBatchOutput, GenerateContentRequest, GenerateContentResponse, InlinedRequest,
    InlinedResponse, ListOperationsResponse, Operation, SingleEmbedContentResponse, Status,
};
use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::files::Files;
use crate::rest::{Rest, names, wait};
use crate::{Error, OperationError, Pager, UploadOptions, UploadSource, WaitOptions};

/// The longest line of a results file that is parsed; a longer line is that line's error.
const MAX_LINE: usize = 64 << 20;

/// Batch mode: `client.batches()`.
///
/// A batch runs many requests asynchronously at a lower price. Create one from inline keyed
/// requests ([`create_inline`](Self::create_inline)), from keyed requests written to a JSONL
/// file and uploaded for you ([`create_from_requests`](Self::create_from_requests)), or from a
/// file already uploaded ([`create`](Self::create) with
/// [`Batch::from_file`](gemini_types::Batch::from_file)); embeddings go through
/// [`create_embeddings_inline`](Self::create_embeddings_inline). Then
/// [`wait`](Self::wait) and read the [`results`](Self::results): one
/// `(key, Result<response, Status>)` item per request, whether the server returned them inline
/// or as a results file (streamed line by line, at constant memory).
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// use futures_util::TryStreamExt;
/// use gemini::{GenerateContentRequest, WaitOptions};
/// let client = gemini::Client::from_env()?;
/// let batches = client.batches();
/// let op = batches
///     .create_inline(
///         "gemini-2.5-flash",
///         [
///             ("sky", GenerateContentRequest::from("Why is the sky blue?")),
///             ("sea", GenerateContentRequest::from("Why is the sea salty?")),
///         ],
///     )
///     .await?;
/// let done = batches
///     .wait_with_progress(op.name(), WaitOptions::new(), |stats| {
///         eprintln!("{:?} of {:?} done", stats.successful_request_count, stats.request_count);
///     })
///     .await?;
/// let mut results = batches.results(&done).await?;
/// while let Some(item) = results.try_next().await? {
///     match item.result {
///         Ok(response) => println!("{:?}: {}", item.key, response.text().unwrap_or_default()),
///         Err(status) => eprintln!("{:?} failed: {}", item.key, status.message()),
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Batches {
    rest: Rest,
}

crate::rest::resource_handle!(Batches);

impl Batches {
    /// `models.batchGenerateContent`: starts `batch` (inline requests or a file, with its
    /// display name, priority and webhook) on `model`.
    ///
    /// A batch with no inline request and no file is an [`Error::Build`] before sending.
    pub async fn create(
        &self,
        model: impl AsRef<str>,
        batch: GenerateContentBatch,
    ) -> Result<BatchOperation, Error> {
        check_not_empty(&batch)?;
        let body = BatchGenerateContentRequest::new(batch);
        self.start(model.as_ref(), "batchGenerateContent", &body)
            .await
    }

    /// Starts a batch of inline requests, each with its key (`metadata.key`, echoed in its
    /// result). An empty list is an [`Error::Build`] before sending.
    pub async fn create_inline<K: Into<String>>(
        &self,
        model: impl AsRef<str>,
        requests: impl IntoIterator<Item = (K, GenerateContentRequest)>,
    ) -> Result<BatchOperation, Error> {
        let batch = GenerateContentBatch::inline(
            requests
                .into_iter()
                .map(|(k, r)| InlinedRequest::new(r).with_key(k)),
        );
        self.create(model, batch).await
    }

    /// Writes the keyed requests as a JSONL file (`{"key": ..., "request": ...}` per line),
    /// uploads it (`application/jsonl`), and starts a batch reading it. With the `fs` feature
    /// (on by default) the file is written to the temporary directory one line at a time and
    /// removed afterwards, so memory does not grow with the number of requests; without it,
    /// the file is built in memory. An empty list is an [`Error::Build`] before sending.
    pub async fn create_from_requests<K: Into<String>>(
        &self,
        model: impl AsRef<str>,
        requests: impl IntoIterator<Item = (K, GenerateContentRequest)>,
    ) -> Result<BatchOperation, Error> {
        let model = names::resolve(model.as_ref())?.into_owned();
        let file = self.upload_jsonl(requests).await?;
        let name = file.name.unwrap_or_default();
        self.create(model, GenerateContentBatch::from_file(name))
            .await
    }

    /// Writes the JSONL input file and uploads it: through a temporary file (feature `fs`),
    /// so memory stays one line whatever the number of requests; in memory without it.
    async fn upload_jsonl<K: Into<String>, Q: Serialize>(
        &self,
        requests: impl IntoIterator<Item = (K, Q)>,
    ) -> Result<gemini_types::File, Error> {
        let options = UploadOptions::new()
            .with_mime_type("application/jsonl")
            .with_display_name("batch-input.jsonl");
        let files = Files::from_rest(self.rest.clone());
        #[cfg(feature = "fs")]
        {
            let temp = TempFile::new();
            write_jsonl(&temp.0, requests).await?;
            files.upload(UploadSource::path(&temp.0), options).await
        }
        #[cfg(not(feature = "fs"))]
        {
            files
                .upload(UploadSource::bytes(jsonl(requests)?), options)
                .await
        }
    }

    /// `models.asyncBatchEmbedContent`: starts an embedding batch.
    pub async fn create_embeddings(
        &self,
        model: impl AsRef<str>,
        batch: EmbedContentBatch,
    ) -> Result<EmbedBatchOperation, Error> {
        check_not_empty(&batch)?;
        let body = AsyncBatchEmbedContentRequest::new(batch);
        self.start(model.as_ref(), "asyncBatchEmbedContent", &body)
            .await
    }

    /// `POST {model}:{verb}` with `body`: starts a batch and returns its operation.
    async fn start<B: Serialize, T: DeserializeOwned + Send + 'static>(
        &self,
        model: &str,
        verb: &str,
        body: &B,
    ) -> Result<T, Error> {
        let model = names::resolve(model)?;
        self.rest
            .call(Method::POST, format!("{model}:{verb}"))
            .json(body)
            .send()
            .await
    }

    /// Starts an embedding batch of inline keyed requests.
    pub async fn create_embeddings_inline<K: Into<String>>(
        &self,
        model: impl AsRef<str>,
        requests: impl IntoIterator<Item = (K, EmbedContentRequest)>,
    ) -> Result<EmbedBatchOperation, Error> {
        let batch = EmbedContentBatch::inline(
            requests
                .into_iter()
                .map(|(k, r)| InlinedRequest::new(r).with_key(k)),
        );
        self.create_embeddings(model, batch).await
    }

    /// `batches.get`: the batch's operation (its state, counts and, once done, its output), by
    /// `batches/{id}` or its id.
    pub async fn get(&self, name: impl AsRef<str>) -> Result<BatchOperation, Error> {
        let name = names::resource("batches", name.as_ref())?;
        self.rest.call(Method::GET, name).send().await
    }

    /// `batches.get` of an embedding batch.
    pub async fn get_embeddings(
        &self,
        name: impl AsRef<str>,
    ) -> Result<EmbedBatchOperation, Error> {
        let name = names::resource("batches", name.as_ref())?;
        self.rest.call(Method::GET, name).send().await
    }

    /// `batches.list`: every batch, as a stream that fetches the pages as you go. Embedding
    /// batches are listed too (their state and counts read the same); read one's results with
    /// [`get_embeddings`](Self::get_embeddings).
    pub fn list(&self) -> Pager<BatchOperation> {
        self.rest
            .list::<ListOperationsResponse<GenerateContentBatch, GenerateContentBatchOutput>>(
                "batches",
                Vec::new(),
            )
    }

    /// `batches.cancel`: asks the server to stop the batch (requests already done keep their
    /// results).
    pub async fn cancel(&self, name: impl AsRef<str>) -> Result<(), Error> {
        let name = names::resource("batches", name.as_ref())?;
        self.rest
            .call(Method::POST, format!("{name}:cancel"))
            .json(&serde_json::json!({}))
            .send_empty()
            .await
    }

    /// `batches.delete`.
    pub async fn delete(&self, name: impl AsRef<str>) -> Result<(), Error> {
        let name = names::resource("batches", name.as_ref())?;
        self.rest.call(Method::DELETE, name).send_empty().await
    }

    /// Polls the batch until it reaches a terminal state (succeeded, failed, cancelled,
    /// expired), with backoff and a deadline (`options`); see
    /// [`wait_with_progress`](Self::wait_with_progress).
    pub async fn wait(
        &self,
        name: impl AsRef<str>,
        options: WaitOptions,
    ) -> Result<BatchOperation, Error> {
        self.wait_with_progress(name, options, |_| {}).await
    }

    /// Polls the batch until it reaches a terminal state, calling `progress` with its request
    /// counts (total, pending, succeeded, failed) after every poll. Each poll is one `get`,
    /// retried on 429/5xx as the server's retry hints say.
    ///
    /// A `FAILED` batch is an [`Error::Operation`] with the batch's error; a deadline that
    /// passes first is one whose [`is_deadline`](OperationError::is_deadline) is true. A
    /// cancelled or expired batch is returned as it is (check its [`state`](Operation::state)).
    pub async fn wait_with_progress(
        &self,
        name: impl AsRef<str>,
        options: WaitOptions,
        progress: impl Fn(&BatchStats),
    ) -> Result<BatchOperation, Error> {
        self.wait_as(name.as_ref(), options, progress).await
    }

    /// [`wait_with_progress`](Self::wait_with_progress) for an embedding batch.
    pub async fn wait_embeddings(
        &self,
        name: impl AsRef<str>,
        options: WaitOptions,
        progress: impl Fn(&BatchStats),
    ) -> Result<EmbedBatchOperation, Error> {
        self.wait_as(name.as_ref(), options, progress).await
    }

    async fn wait_as<Q, P>(
        &self,
        name: &str,
        options: WaitOptions,
        progress: impl Fn(&BatchStats),
    ) -> Result<Operation<Batch<Q, P>, BatchOutput<P>>, Error>
    where
        Q: DeserializeOwned + Send + 'static,
        P: DeserializeOwned + Send + 'static,
    {
        let name = names::resource("batches", name)?;
        let op: Operation<Batch<Q, P>, BatchOutput<P>> = wait::poll_until(
            &self.rest.client,
            &options,
            &name,
            || self.rest.call(Method::GET, name.as_str()).send(),
            |op: &Operation<Batch<Q, P>, BatchOutput<P>>| {
                if let Some(stats) = op.batch().and_then(|b| b.batch_stats.as_ref()) {
                    progress(stats);
                }
                op.is_done() || op.state().is_some_and(BatchState::is_terminal)
            },
        )
        .await?;
        let failed = op.state() == Some(&BatchState::Failed);
        match (&op.error, failed) {
            (Some(status), _) if op.state() != Some(&BatchState::Cancelled) => Err(
                Error::Operation(OperationError::failed(name, status.clone())),
            ),
            (None, true) => Err(Error::Operation(OperationError::failed(
                name,
                Status::new(Code::Internal, "the batch failed (no error given)"),
            ))),
            _ => Ok(op),
        }
    }

    /// The results of a finished batch, one item per request: inline responses, or the
    /// results file streamed and parsed line by line (a malformed line is that item's error,
    /// the rest go on). A batch without output yet is an [`Error::Build`].
    pub async fn results(
        &self,
        op: &BatchOperation,
    ) -> Result<BatchResultStream<GenerateContentResponse>, Error> {
        self.results_of(op).await
    }

    /// The results of a finished embedding batch; see [`results`](Self::results).
    pub async fn embedding_results(
        &self,
        op: &EmbedBatchOperation,
    ) -> Result<BatchResultStream<SingleEmbedContentResponse>, Error> {
        self.results_of(op).await
    }

    async fn results_of<Q, P: Clone + DeserializeOwned>(
        &self,
        op: &Operation<Batch<Q, P>, BatchOutput<P>>,
    ) -> Result<BatchResultStream<P>, Error> {
        let output = op
            .output()
            .or_else(|| op.response.as_ref().and_then(BatchOutput::results));
        match output {
            Some(BatchResults::Inline(items)) => Ok(BatchResultStream {
                inner: Inner::Inline(Vec::from(items).into_iter()),
            }),
            Some(BatchResults::File(file)) => {
                let body = Files::from_rest(self.rest.clone())
                    .open_download(file)
                    .await?
                    .into_body();
                Ok(BatchResultStream::from_body(body, MAX_LINE))
            }
            _ => Err(Error::build(format!(
                "batch {} has no results yet (state {:?})",
                op.name(),
                op.state()
            ))),
        }
    }
}

fn check_not_empty<Q, P>(batch: &Batch<Q, P>) -> Result<(), Error> {
    let input = batch.input_config.as_ref();
    let has_file = input
        .and_then(|i| i.file_name.as_deref())
        .is_some_and(|f| !f.is_empty());
    let has_requests = input
        .and_then(|i| i.requests.as_ref())
        .is_some_and(|r| !r.requests.is_empty());
    if has_file || has_requests {
        Ok(())
    } else {
        Err(Error::build(
            "the batch is empty: give at least one request, or an input file",
        ))
    }
}

/// One line of the JSONL input file, newline included.
fn jsonl_line<K: Into<String>, Q: Serialize>(
    out: &mut Vec<u8>,
    key: K,
    request: Q,
) -> Result<(), Error> {
    serde_json::to_writer(&mut *out, &BatchRequestLine::new(key, request))
        .map_err(|e| Error::build_with("could not serialize a batch request", e))?;
    out.push(b'\n');
    Ok(())
}

fn empty_batch() -> Error {
    Error::build("the batch is empty: give at least one request")
}

/// The JSONL input file of keyed requests, in memory.
#[cfg(not(feature = "fs"))]
fn jsonl<K: Into<String>, Q: Serialize>(
    requests: impl IntoIterator<Item = (K, Q)>,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    for (key, request) in requests {
        jsonl_line(&mut out, key, request)?;
    }
    if out.is_empty() {
        return Err(empty_batch());
    }
    Ok(out)
}

/// Writes the JSONL input file of keyed requests to `path`, one line at a time.
#[cfg(feature = "fs")]
async fn write_jsonl<K: Into<String>, Q: Serialize>(
    path: &std::path::Path,
    requests: impl IntoIterator<Item = (K, Q)>,
) -> Result<(), Error> {
    use tokio::io::AsyncWriteExt as _;
    let io = |e: std::io::Error| {
        Error::io(
            format!("could not write the batch input file {}", path.display()),
            e,
        )
    };
    let file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .await
        .map_err(io)?;
    let mut file = tokio::io::BufWriter::new(file);
    let mut line = Vec::new();
    let mut lines = 0u64;
    for (key, request) in requests {
        line.clear();
        jsonl_line(&mut line, key, request)?;
        file.write_all(&line).await.map_err(io)?;
        lines += 1;
    }
    file.flush().await.map_err(io)?;
    if lines == 0 {
        return Err(empty_batch());
    }
    Ok(())
}

/// A file in the temporary directory, removed when dropped.
#[cfg(feature = "fs")]
struct TempFile(std::path::PathBuf);

#[cfg(feature = "fs")]
impl TempFile {
    fn new() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Self(std::env::temp_dir().join(format!(
            "gemini-batch-input-{}-{n}.jsonl",
            std::process::id()
        )))
    }
}

#[cfg(feature = "fs")]
impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// One request's result: its key and its response or error.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct BatchResult<P = GenerateContentResponse> {
    /// The request's key (`None` when the request had none, or a malformed line had none).
    pub key: Option<String>,
    /// The line of the results file, from 1 (`None` for inline results).
    pub line: Option<u64>,
    /// The response, or the error: the server's for a failed request, `DATA_LOSS` for a line
    /// of the results file that is not a valid result.
    pub result: Result<P, Status>,
}

/// The results of a batch as a `Stream` of [`BatchResult`]s (from
/// [`Batches::results`]): inline results, or a results file read as it downloads, one line at
/// a time. A stream error (a broken connection) ends the stream; a bad line does not.
pub struct BatchResultStream<P = GenerateContentResponse> {
    inner: Inner<P>,
}

enum Inner<P> {
    Inline(std::vec::IntoIter<InlinedResponse<P>>),
    File(Box<Lines>),
}

struct Lines {
    body: ResponseBody,
    buf: BytesMut,
    /// How much of `buf` is known to hold no newline.
    scanned: usize,
    line: u64,
    /// Discarding the rest of a line longer than `max_line`.
    skipping: bool,
    /// The longest line parsed ([`MAX_LINE`]).
    max_line: usize,
    ended: bool,
}

impl<P> BatchResultStream<P> {
    /// The results in a JSONL body, lines of at most `max_line` bytes.
    fn from_body(body: ResponseBody, max_line: usize) -> Self {
        Self {
            inner: Inner::File(Box::new(Lines {
                body,
                buf: BytesMut::new(),
                scanned: 0,
                line: 0,
                skipping: false,
                max_line,
                ended: false,
            })),
        }
    }
}

impl<P> fmt::Debug for BatchResultStream<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner {
            Inner::Inline(items) => f
                .debug_struct("BatchResultStream")
                .field("inline_left", &items.len())
                .finish(),
            Inner::File(lines) => f
                .debug_struct("BatchResultStream")
                .field("line", &lines.line)
                .finish_non_exhaustive(),
        }
    }
}

impl<P: DeserializeOwned + Unpin> Stream for BatchResultStream<P> {
    type Item = Result<BatchResult<P>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.get_mut().inner {
            Inner::Inline(items) => Poll::Ready(items.next().map(|item| Ok(inline_result(item)))),
            Inner::File(lines) => lines.poll_line::<P>(cx),
        }
    }
}

fn inline_result<P>(item: InlinedResponse<P>) -> BatchResult<P> {
    let key = item.key().map(str::to_owned);
    let result = match (item.error, item.response) {
        (Some(e), _) => Err(e),
        (None, Some(r)) => Ok(r),
        (None, None) => Err(Status::new(
            Code::DataLoss,
            "the result has neither a response nor an error",
        )),
    };
    BatchResult {
        key,
        line: None,
        result,
    }
}

impl Lines {
    fn poll_line<P: DeserializeOwned>(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<BatchResult<P>, Error>>> {
        loop {
            if let Some(at) = self.buf[self.scanned..].iter().position(|&b| b == b'\n') {
                let end = self.scanned + at;
                let line = self.buf.split_to(end + 1);
                self.scanned = 0;
                self.line += 1;
                if std::mem::take(&mut self.skipping) {
                    return Poll::Ready(Some(Ok(too_long(self.line, self.max_line))));
                }
                if let Some(item) = parse_line(&line[..end], self.line) {
                    return Poll::Ready(Some(Ok(item)));
                }
                continue;
            }
            self.scanned = self.buf.len();
            if self.buf.len() > self.max_line {
                self.skipping = true;
                self.buf.clear();
                self.scanned = 0;
            }
            if self.ended {
                if self.buf.is_empty() && !self.skipping {
                    return Poll::Ready(None);
                }
                self.line += 1;
                let rest = std::mem::take(&mut self.buf);
                self.scanned = 0;
                if std::mem::take(&mut self.skipping) {
                    return Poll::Ready(Some(Ok(too_long(self.line, self.max_line))));
                }
                match parse_line(&rest, self.line) {
                    Some(item) => return Poll::Ready(Some(Ok(item))),
                    None => return Poll::Ready(None),
                }
            }
            match self.body.poll_data(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => self.ended = true,
                Poll::Ready(Some(Ok(chunk))) => self.buf.extend_from_slice(&chunk),
                Poll::Ready(Some(Err(e))) => {
                    self.ended = true;
                    self.buf.clear();
                    self.scanned = 0;
                    self.skipping = false;
                    return Poll::Ready(Some(Err(Error::stream_body(e))));
                }
            }
        }
    }
}

fn too_long<P>(line: u64, max_line: usize) -> BatchResult<P> {
    BatchResult {
        key: None,
        line: Some(line),
        result: Err(Status::new(
            Code::DataLoss,
            format!("line {line} of the results file is longer than {max_line} bytes"),
        )),
    }
}

/// One line of a results file; `None` for a blank line.
fn parse_line<P: DeserializeOwned>(line: &[u8], number: u64) -> Option<BatchResult<P>> {
    let line = line.trim_ascii();
    if line.is_empty() {
        return None;
    }
    let item = match serde_json::from_slice::<BatchResultLine<P>>(line) {
        Ok(parsed) => BatchResult {
            key: parsed.key,
            line: Some(number),
            result: match (parsed.error, parsed.response) {
                (Some(e), _) => Err(e),
                (None, Some(r)) => Ok(r),
                (None, None) => Err(Status::new(
                    Code::DataLoss,
                    format!(
                        "line {number} of the results file has neither a response nor an error"
                    ),
                )),
            },
        },
        Err(e) => {
            #[derive(serde::Deserialize)]
            struct KeyOnly {
                key: Option<String>,
            }
            let key = serde_json::from_slice::<KeyOnly>(line)
                .ok()
                .and_then(|k| k.key);
            BatchResult {
                key,
                line: Some(number),
                result: Err(Status::new(
                    Code::DataLoss,
                    format!("line {number} of the results file is not a valid result: {e}"),
                )),
            }
        }
    };
    Some(item)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use bytes::Bytes;
    use futures_util::TryStreamExt as _;
    use gemini_transport::{MockTransport, ResponseBody};
    use serde_json::{Value, json};

    use super::*;

    use crate::rest::mock_client as client;

    fn body(r: &gemini_transport::CapturedRequest) -> Value {
        serde_json::from_slice(&r.body).unwrap()
    }

    const RUNNING: &str = r#"{"name": "batches/b1", "metadata": {"state": "BATCH_STATE_RUNNING",
        "batchStats": {"requestCount": "2", "pendingRequestCount": "1", "successfulRequestCount": "1"}}}"#;

    #[tokio::test]
    async fn create_inline_and_embeddings_wire_shapes() {
        let mock = MockTransport::new();
        mock.push_json(200, RUNNING).push_json(200, RUNNING);
        let batches = client(&mock).batches();
        let op = batches
            .create_inline(
                "gemini-2.5-flash",
                [("a", GenerateContentRequest::from("hi"))],
            )
            .await
            .unwrap();
        assert_eq!(op.state(), Some(&BatchState::Running));
        batches
            .create_embeddings_inline(
                "gemini-embedding-001",
                [("e", EmbedContentRequest::from("text"))],
            )
            .await
            .unwrap();
        let requests = mock.requests();
        assert_eq!(
            requests[0].uri,
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:batchGenerateContent"
        );
        assert_eq!(
            body(&requests[0]),
            json!({"batch": {"inputConfig": {"requests": {"requests": [
                {"request": {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
                 "metadata": {"key": "a"}}]}}}})
        );
        assert_eq!(
            requests[1].uri,
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent"
        );
        assert_eq!(
            body(&requests[1])["batch"]["inputConfig"]["requests"]["requests"][0]["metadata"]["key"],
            "e"
        );
    }

    /// An empty batch is a typed error before anything is sent.
    #[tokio::test]
    async fn empty_batches_fail_before_sending() {
        let mock = MockTransport::new();
        let batches = client(&mock).batches();
        let none: Vec<(String, GenerateContentRequest)> = Vec::new();
        for e in [
            batches
                .create_inline("gemini-2.5-flash", none.clone())
                .await
                .unwrap_err(),
            batches
                .create_from_requests("gemini-2.5-flash", none)
                .await
                .unwrap_err(),
            batches
                .create_embeddings_inline(
                    "gemini-embedding-001",
                    Vec::<(String, EmbedContentRequest)>::new(),
                )
                .await
                .unwrap_err(),
        ] {
            assert!(matches!(e, Error::Build(_)), "{e}");
            assert!(e.to_string().contains("empty"), "{e}");
        }
        assert!(mock.requests().is_empty());
    }

    /// The keyed requests become a JSONL file, uploaded, then named in the batch.
    #[tokio::test]
    async fn create_from_requests_uploads_jsonl() {
        let mock = MockTransport::new();
        let mut start = http::Response::new(ResponseBody::empty());
        start.headers_mut().insert(
            "x-goog-upload-url",
            http::HeaderValue::from_static(
                "https://generativelanguage.googleapis.com/upload/v1beta/files?upload_id=x",
            ),
        );
        mock.push_response(start);
        let mut done = http::Response::new(ResponseBody::from(
            r#"{"file": {"name": "files/in1", "mimeType": "application/jsonl"}}"#,
        ));
        done.headers_mut().insert(
            "x-goog-upload-status",
            http::HeaderValue::from_static("final"),
        );
        mock.push_response(done);
        mock.push_json(200, RUNNING);
        client(&mock)
            .batches()
            .create_from_requests(
                "gemini-2.5-flash",
                [
                    ("r1", GenerateContentRequest::from("one")),
                    ("r2", GenerateContentRequest::from("two")),
                ],
            )
            .await
            .unwrap();
        let requests = mock.requests();
        assert_eq!(
            requests[0].headers["x-goog-upload-header-content-type"],
            "application/jsonl"
        );
        let jsonl = String::from_utf8(requests[1].body.to_vec()).unwrap();
        let lines: Vec<Value> = jsonl
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            lines,
            [
                json!({"key": "r1", "request": {"contents": [{"role": "user", "parts": [{"text": "one"}]}]}}),
                json!({"key": "r2", "request": {"contents": [{"role": "user", "parts": [{"text": "two"}]}]}}),
            ]
        );
        assert!(jsonl.ends_with('\n'));
        assert_eq!(
            body(&requests[2]),
            json!({"batch": {"inputConfig": {"fileName": "files/in1"}}})
        );
    }

    /// Progress after every poll; a terminal state ends the wait; FAILED is typed.
    #[tokio::test(start_paused = true)]
    async fn wait_reports_progress_and_types_failures() {
        let mock = MockTransport::new();
        mock.push_json(
            200,
            r#"{"name": "batches/b1", "metadata": {"state": "BATCH_STATE_PENDING"}}"#,
        )
        .push_json(200, RUNNING)
        .push_json(
            200,
            r#"{"name": "batches/b1", "done": true, "metadata": {"state": "BATCH_STATE_SUCCEEDED",
                    "batchStats": {"requestCount": "2", "successfulRequestCount": "2"}}}"#,
        )
        .push_json(
            200,
            r#"{"name": "batches/b2", "done": true, "metadata": {"state": "BATCH_STATE_FAILED"},
                    "error": {"code": 3, "message": "bad file"}}"#,
        );
        let batches = client(&mock).batches();
        let seen = Mutex::new(Vec::new());
        let op = batches
            .wait_with_progress("b1", WaitOptions::new(), |s| {
                seen.lock()
                    .unwrap()
                    .push((s.successful_request_count, s.request_count));
            })
            .await
            .unwrap();
        assert_eq!(op.state(), Some(&BatchState::Succeeded));
        assert_eq!(
            *seen.lock().unwrap(),
            [(Some(1), Some(2)), (Some(2), Some(2))]
        );
        let e = batches
            .wait("batches/b2", WaitOptions::new())
            .await
            .unwrap_err();
        let Error::Operation(op) = &e else {
            panic!("expected Error::Operation, got {e:?}")
        };
        assert_eq!(op.status().unwrap().message(), "bad file");
    }

    #[tokio::test]
    async fn inline_results_are_keyed() {
        let op: BatchOperation = serde_json::from_value(json!({
            "name": "batches/b", "done": true,
            "metadata": {"state": "BATCH_STATE_SUCCEEDED", "output": {"inlinedResponses": {"inlinedResponses": [
                {"response": {"candidates": [{"content": {"parts": [{"text": "A"}]}}]}, "metadata": {"key": "a"}},
                {"error": {"code": 3, "message": "nope"}, "metadata": {"key": "b"}}
            ]}}}
        }))
        .unwrap();
        let mock = MockTransport::new();
        let items: Vec<BatchResult> = client(&mock)
            .batches()
            .results(&op)
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].key.as_deref(), Some("a"));
        assert_eq!(
            items[0].result.as_ref().unwrap().text().as_deref(),
            Some("A")
        );
        assert_eq!(items[1].key.as_deref(), Some("b"));
        assert_eq!(items[1].result.as_ref().unwrap_err().message(), "nope");
        assert!(mock.requests().is_empty());
    }

    /// The results file is parsed line by line as it arrives, across chunk boundaries; a
    /// malformed line is that line's error and the rest go on.
    #[tokio::test]
    async fn file_results_stream_line_by_line() {
        let file = concat!(
            r#"{"key": "a", "response": {"candidates": [{"content": {"parts": [{"text": "A"}]}}]}}"#,
            "\n",
            r#"{"key": "bad", "response": {"candidates": 7}}"#,
            "\n\n",
            "not json at all\n",
            r#"{"key": "c", "error": {"code": 13, "message": "boom"}}"#,
        );
        // Chunks cut anywhere, lines included.
        let chunks: Vec<Result<Bytes, std::io::Error>> = file
            .as_bytes()
            .chunks(7)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let mock = MockTransport::new();
        mock.push_response(http::Response::new(ResponseBody::from_stream(
            futures_util::stream::iter(chunks),
        )));
        let op: BatchOperation = serde_json::from_value(json!({
            "name": "batches/b", "done": true,
            "metadata": {"state": "BATCH_STATE_SUCCEEDED", "output": {"responsesFile": "files/out-1"}}
        }))
        .unwrap();
        let items: Vec<BatchResult> = client(&mock)
            .batches()
            .results(&op)
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(
            mock.requests()[0].uri,
            "https://generativelanguage.googleapis.com/v1beta/files/out-1:download?alt=media"
        );
        let summary: Vec<(Option<&str>, Option<u64>, bool)> = items
            .iter()
            .map(|i| (i.key.as_deref(), i.line, i.result.is_ok()))
            .collect();
        assert_eq!(
            summary,
            [
                (Some("a"), Some(1), true),
                (Some("bad"), Some(2), false),
                (None, Some(4), false),
                (Some("c"), Some(5), false),
            ]
        );
        let bad = items[1].result.as_ref().unwrap_err();
        assert_eq!(bad.status, Some(Code::DataLoss));
        assert!(bad.message().contains("line 2"), "{}", bad.message());
        assert_eq!(items[3].result.as_ref().unwrap_err().message(), "boom");
    }

    /// A line over the limit is that line's error (its bytes are dropped as they arrive); the
    /// lines after it are parsed; a broken body is a stream error that ends the stream.
    #[tokio::test]
    async fn long_lines_and_broken_bodies() {
        let long = format!(
            r#"{{"key": "long", "response": {{"x": "{}"}}}}"#,
            "y".repeat(100)
        );
        let text = format!("{long}\n{}\n{long}", r#"{"key": "ok", "response": {}}"#);
        let chunks: Vec<Result<Bytes, std::io::Error>> = text
            .as_bytes()
            .chunks(9)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .chain([Err(std::io::Error::other("cut"))])
            .collect();
        let mut stream = BatchResultStream::<GenerateContentResponse>::from_body(
            ResponseBody::from_stream(futures_util::stream::iter(chunks)),
            40,
        );
        let first = stream.try_next().await.unwrap().unwrap();
        assert_eq!((first.key, first.line), (None, Some(1)));
        assert!(
            first
                .result
                .unwrap_err()
                .message()
                .contains("longer than 40 bytes")
        );
        let second = stream.try_next().await.unwrap().unwrap();
        assert_eq!(second.key.as_deref(), Some("ok"));
        assert!(second.result.is_ok());
        let e = stream.try_next().await.unwrap_err();
        assert!(matches!(e, Error::Stream(_)), "{e:?}");
        assert!(stream.try_next().await.unwrap().is_none());
    }

    /// The futures and the results stream can be spawned and stored.
    #[test]
    fn futures_and_streams_are_send() {
        fn send<T: Send>(_: &T) {}
        fn stream<T: Send + Unpin + 'static>() {}
        let mock = MockTransport::new();
        let client = client(&mock);
        let files = client.files();
        let upload = files.upload(UploadSource::reader(&b"abc"[..], 3), UploadOptions::new());
        send(&upload);
        let mut out = Vec::new();
        let download = files.download("a", &mut out);
        send(&download);
        let batches = client.batches();
        let create = batches.create_from_requests("m", [("k", GenerateContentRequest::from("x"))]);
        send(&create);
        let wait = batches.wait("b", WaitOptions::new());
        send(&wait);
        stream::<BatchResultStream<GenerateContentResponse>>();
        stream::<BatchResultStream<SingleEmbedContentResponse>>();
    }

    #[tokio::test]
    async fn get_list_cancel_delete_paths() {
        let mock = MockTransport::new();
        mock.push_json(200, RUNNING)
            .push_json(200, &format!(r#"{{"operations": [{RUNNING}]}}"#))
            .push_json(200, "{}")
            .push_json(200, "{}");
        let batches = client(&mock).batches();
        assert_eq!(batches.get("b1").await.unwrap().name(), "batches/b1");
        let all: Vec<BatchOperation> = batches.list().try_collect().await.unwrap();
        assert_eq!(all.len(), 1);
        batches.cancel("batches/b1").await.unwrap();
        batches.delete("b1").await.unwrap();
        let seen: Vec<String> = mock
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.uri.path()))
            .collect();
        assert_eq!(
            seen,
            [
                "GET /v1beta/batches/b1",
                "GET /v1beta/batches",
                "POST /v1beta/batches/b1:cancel",
                "DELETE /v1beta/batches/b1",
            ]
        );
        assert!(batches.get("operations/x").await.is_err());
    }
}
