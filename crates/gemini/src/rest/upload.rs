//! The resumable upload protocol (`../shared/spec/API.md` section 11.1): start a session, send
//! the bytes in chunks, finalize; after a dropped connection or a 5xx, ask the server how much
//! it received (`X-Goog-Upload-Command: query`) and go on from there.
//!
//! Memory stays constant: at most two chunks are held (the one being sent, and the next one,
//! read from the source meanwhile), and the transport sends that same buffer (a `Bytes` clone,
//! not a copy).

use std::io;
use std::pin::Pin;
use std::sync::Arc;

use bytes::{Buf as _, Bytes, BytesMut};
use gemini_types::{CreateFileResponse, File};
use http::{HeaderMap, HeaderName, Method};
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt as _};

use super::Rest;
use crate::Error;

const PROTOCOL: HeaderName = HeaderName::from_static("x-goog-upload-protocol");
const COMMAND: HeaderName = HeaderName::from_static("x-goog-upload-command");
const OFFSET: HeaderName = HeaderName::from_static("x-goog-upload-offset");
const HEADER_LENGTH: HeaderName = HeaderName::from_static("x-goog-upload-header-content-length");
const HEADER_TYPE: HeaderName = HeaderName::from_static("x-goog-upload-header-content-type");
const URL: &str = "x-goog-upload-url";
const STATUS: &str = "x-goog-upload-status";
const GRANULARITY: &str = "x-goog-upload-chunk-granularity";
const SIZE_RECEIVED: &str = "x-goog-upload-size-received";

/// Called with the bytes the server has confirmed, the total, and the session's URL.
pub(crate) type ProgressFn = Arc<dyn Fn(&crate::UploadProgress<'_>) + Send + Sync>;

/// Where the bytes come from, positioned at the next byte to send.
pub(crate) enum Reader {
    /// Bytes in memory (chunks are slices of it, never copies).
    Bytes(Bytes),
    /// A file on disk (seekable, so a resume skips without reading).
    #[cfg(feature = "fs")]
    File(tokio::fs::File),
    /// Any reader, read front to back.
    Stream(Pin<Box<dyn AsyncRead + Send>>),
}

impl Reader {
    /// The next `len` bytes; a source that ends first is an `UnexpectedEof` error.
    async fn next_chunk(&mut self, len: usize) -> io::Result<Bytes> {
        match self {
            Self::Bytes(b) => {
                if b.len() < len {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                Ok(b.split_to(len))
            }
            #[cfg(feature = "fs")]
            Self::File(f) => read_exact(f, len).await,
            Self::Stream(r) => read_exact(r, len).await,
        }
    }

    /// Skips `n` bytes (a resumed upload starts at the server's offset).
    pub(crate) async fn skip(&mut self, n: u64) -> io::Result<()> {
        match self {
            Self::Bytes(b) => {
                let n = usize::try_from(n).unwrap_or(usize::MAX);
                if b.len() < n {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                b.advance(n);
                Ok(())
            }
            #[cfg(feature = "fs")]
            Self::File(f) => {
                use tokio::io::AsyncSeekExt as _;
                f.seek(io::SeekFrom::Current(
                    i64::try_from(n).map_err(io::Error::other)?,
                ))
                .await
                .map(drop)
            }
            Self::Stream(r) => {
                let copied = tokio::io::copy(&mut r.take(n), &mut tokio::io::sink()).await?;
                if copied < n {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                Ok(())
            }
        }
    }
}

async fn read_exact<R: AsyncRead + Unpin + ?Sized>(r: &mut R, len: usize) -> io::Result<Bytes> {
    let mut buf = BytesMut::with_capacity(len);
    while buf.len() < len {
        let mut limited = (&mut *r).take((len - buf.len()) as u64);
        if limited.read_buf(&mut buf).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
    }
    Ok(buf.freeze())
}

/// An upload session: its URL and the server's chunk granularity.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) url: http::Uri,
    pub(crate) granularity: u64,
}

/// Starts a session at `{base}/upload/{version}/{path}` for `total` bytes of `mime`, with the
/// JSON metadata `body`.
pub(crate) async fn start(
    rest: &Rest,
    path: &str,
    total: u64,
    mime: &str,
    body: &(impl Serialize + ?Sized),
) -> Result<Session, Error> {
    let response = rest
        .call(Method::POST, path)
        .upload()
        .header(PROTOCOL, "resumable")
        .header(COMMAND, "start")
        .header(HEADER_LENGTH, &total.to_string())
        .header(HEADER_TYPE, mime)
        .json(body)
        .send_response()
        .await?;
    let headers = response.headers();
    let Some(url) = header(headers, URL) else {
        return Err(unexpected(&response, "the upload URL was not returned"));
    };
    let url: http::Uri = url
        .parse()
        .map_err(|_| unexpected(&response, "the upload URL is not a valid URL"))?;
    let url = on_base_origin(url, rest.client.config().base_url());
    let granularity = header(headers, GRANULARITY)
        .and_then(|g| g.parse::<u64>().ok())
        .filter(|g| *g > 0)
        .unwrap_or(1);
    Ok(Session { url, granularity })
}

/// The upload URL with the scheme and host of the configured base URL, as the official Python
/// SDK does: behind a proxy or a custom endpoint, the chunks go where every other call goes
/// (and carry the key, which goes only to that origin). The path and query are kept.
fn on_base_origin(url: http::Uri, base: &str) -> http::Uri {
    let Ok(base) = base.parse::<http::Uri>() else {
        return url;
    };
    if base.scheme() == url.scheme() && base.authority() == url.authority() {
        return url;
    }
    let mut parts = url.clone().into_parts();
    parts.scheme = base.scheme().cloned();
    parts.authority = base.authority().cloned();
    http::Uri::from_parts(parts).unwrap_or(url)
}

/// Parses an upload URL given by the caller (to resume a session).
pub(crate) fn parse_url(url: &str) -> Result<http::Uri, Error> {
    let uri: http::Uri = url
        .parse()
        .map_err(|e| Error::build_with(format!("invalid upload URL {url:?}"), e))?;
    if uri.scheme().is_none() || uri.authority().is_none() {
        return Err(Error::build(format!(
            "invalid upload URL {url:?}: expected an absolute http(s) URL"
        )));
    }
    Ok(uri)
}

/// What the last answer of a finished upload decodes to: `{"file": File}` for the files
/// API, an operation for an upload to a file search store.
pub(crate) trait Finished: Sized {
    /// Decodes the final answer.
    fn from_final(response: &http::Response<Bytes>) -> Result<Self, Error>;
}

impl Finished for File {
    fn from_final(response: &http::Response<Bytes>) -> Result<Self, Error> {
        let body = response.body();
        let done: CreateFileResponse =
            serde_json::from_slice(body).map_err(|e| Error::decode_json(e, body))?;
        done.file
            .ok_or_else(|| unexpected(response, "the finished upload's answer has no `file`"))
    }
}

/// What the server said about the session.
#[derive(Debug)]
pub(crate) enum State<T = File> {
    /// It has `received` bytes and waits for more.
    Active { received: u64 },
    /// The upload is finished: the file (or operation).
    Final(Box<T>),
}

/// What sending one chunk gave.
enum Sent<T> {
    State(State<T>),
    /// A 2xx without an upload status: ask the server where it is.
    Unknown,
}

/// Sends the bytes of a session from `offset` (where `reader` is positioned) to `total`.
pub(crate) struct Sender<'a> {
    pub(crate) rest: &'a Rest,
    pub(crate) url: http::Uri,
    pub(crate) url_text: String,
    pub(crate) total: u64,
    pub(crate) chunk_size: u64,
    pub(crate) max_attempts: u32,
    pub(crate) progress: Option<ProgressFn>,
}

impl Sender<'_> {
    /// Uploads the rest of the bytes and returns the finished file (or operation).
    pub(crate) async fn run<T: Finished>(
        &self,
        reader: &mut Reader,
        mut offset: u64,
    ) -> Result<T, Error> {
        let mut chunk = Bytes::new();
        let mut chunk_start = offset;
        // The chunk after `chunk`, read while `chunk` is being sent: at most two are held.
        let mut next: Option<Bytes> = None;
        let mut failures = 0u32;
        self.report(offset);
        loop {
            if offset == chunk_start + chunk.len() as u64 {
                chunk = match next.take() {
                    Some(c) => c,
                    None => reader
                        .next_chunk(self.chunk_len(offset)?)
                        .await
                        .map_err(|e| self.read_error(offset, e))?,
                };
                chunk_start = offset;
            }
            let end = chunk_start + chunk.len() as u64;
            let last = end >= self.total;
            let piece = chunk.slice(usize::try_from(offset - chunk_start).unwrap_or(0)..);
            let send = self.send_chunk(offset, piece, last, end);
            let outcome = if last || next.is_some() {
                send.await
            } else {
                let read = reader.next_chunk(self.chunk_len(end)?);
                let (outcome, read) = futures_util::future::join(send, read).await;
                next = Some(read.map_err(|e| self.read_error(end, e))?);
                outcome
            };
            let answered = matches!(outcome, Ok(Sent::State(_)));
            let state = match outcome {
                Ok(Sent::State(state)) => state,
                Ok(Sent::Unknown) => self.recover(unexpected_status(), &mut failures).await?,
                Err(e) if recoverable(&e) => self.recover(e, &mut failures).await?,
                Err(e) => return Err(e),
            };
            match state {
                State::Final(file) => {
                    self.report(self.total);
                    return Ok(*file);
                }
                State::Active { received } => {
                    if received < chunk_start || received > end {
                        return Err(unexpected_text(&format!(
                            "the upload cannot go on: the server has {received} bytes, outside the chunk held in memory ({chunk_start}..{end})"
                        )));
                    }
                    if received == end && last && offset == end {
                        return Err(unexpected_text(
                            "the server did not finalize the upload after its last chunk",
                        ));
                    }
                    if received > offset {
                        failures = 0;
                    } else if answered {
                        // The server took none of the chunk: a bounded number of times.
                        failures += 1;
                        if failures >= self.max_attempts {
                            return Err(unexpected_text(
                                "the server accepted none of the chunk's bytes",
                            ));
                        }
                    }
                    offset = received;
                    self.report(offset);
                }
            }
        }
    }

    /// The length of the chunk that starts at `offset`.
    fn chunk_len(&self, offset: u64) -> Result<usize, Error> {
        let len = self.chunk_size.min(self.total.saturating_sub(offset));
        usize::try_from(len).map_err(|e| Error::build_with("the chunk size is too large", e))
    }

    fn report(&self, sent: u64) {
        if let Some(progress) = &self.progress {
            progress(&crate::UploadProgress {
                sent,
                total: self.total,
                upload_url: &self.url_text,
            });
        }
    }

    fn read_error(&self, offset: u64, e: io::Error) -> Error {
        let what = if e.kind() == io::ErrorKind::UnexpectedEof {
            format!(
                "the upload source ended before its declared length of {} bytes (at or after byte {offset})",
                self.total
            )
        } else {
            format!("could not read the upload source at byte {offset}")
        };
        Error::io(what, e)
    }

    /// After `err`, asks the server where the session is, with backoff, until it answers or
    /// `max_attempts` failures in a row.
    async fn recover<T: Finished>(
        &self,
        mut err: Error,
        failures: &mut u32,
    ) -> Result<State<T>, Error> {
        loop {
            *failures += 1;
            if *failures >= self.max_attempts {
                return Err(err);
            }
            // The backoff of the handle's retry policy (the client's, unless overridden).
            let policy = self
                .rest
                .options()
                .and_then(|o| o.transport.retry_policy())
                .unwrap_or_else(|| self.rest.client.config().retry_policy());
            let pause = policy.backoff(*failures - 1);
            tracing::debug!(error = %err, pause_ms = pause.as_millis() as u64, "upload interrupted; asking the server for its offset");
            self.rest.client.http().timer().sleep(pause).await;
            match query(self.rest, &self.url).await {
                Ok(state) => return Ok(state),
                Err(e) if recoverable(&e) => err = e,
                Err(e) => return Err(e),
            }
        }
    }

    /// Sends `bytes` at `offset`; the chunk ends at `end`.
    async fn send_chunk<T: Finished>(
        &self,
        offset: u64,
        bytes: Bytes,
        last: bool,
        end: u64,
    ) -> Result<Sent<T>, Error> {
        let command = if last { "upload, finalize" } else { "upload" };
        let response = self
            .rest
            .call_absolute(Method::POST, self.url.clone())
            .header(COMMAND, command)
            .header(OFFSET, &offset.to_string())
            .body(bytes)
            .no_retry()
            .send_response()
            .await?;
        match header(response.headers(), STATUS) {
            Some(s) if s.eq_ignore_ascii_case("final") => Ok(Sent::State(State::Final(Box::new(
                T::from_final(&response)?,
            )))),
            Some(s) if s.eq_ignore_ascii_case("active") => {
                let received = header(response.headers(), SIZE_RECEIVED)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(end);
                Ok(Sent::State(State::Active { received }))
            }
            Some(s) if s.eq_ignore_ascii_case("cancelled") => {
                Err(unexpected(&response, "the server cancelled the upload"))
            }
            _ => Ok(Sent::Unknown),
        }
    }
}

/// `X-Goog-Upload-Command: query`: the session's state.
pub(crate) async fn query<T: Finished>(rest: &Rest, url: &http::Uri) -> Result<State<T>, Error> {
    let response = rest
        .call_absolute(Method::POST, url.clone())
        .header(COMMAND, "query")
        .no_retry()
        .send_response()
        .await?;
    match header(response.headers(), STATUS) {
        Some(s) if s.eq_ignore_ascii_case("final") => {
            Ok(State::Final(Box::new(T::from_final(&response)?)))
        }
        Some(s) if s.eq_ignore_ascii_case("active") => {
            match header(response.headers(), SIZE_RECEIVED).and_then(|v| v.parse().ok()) {
                Some(received) => Ok(State::Active { received }),
                None => Err(unexpected(
                    &response,
                    "the upload query did not say how many bytes the server has",
                )),
            }
        }
        _ => Err(unexpected(
            &response,
            "the upload session is not active (cancelled or unknown)",
        )),
    }
}

/// Whether an upload can go on after `e` by asking the server for its offset: a dropped
/// connection, a timeout, a 5xx, 408 or 429.
pub(crate) fn recoverable(e: &Error) -> bool {
    match e {
        Error::Transport(_) | Error::Timeout(_) => true,
        Error::Api(api) => {
            let s = api.status();
            s.is_server_error() || s.as_u16() == 408 || s.as_u16() == 429
        }
        _ => false,
    }
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// A 2xx answer that is not what the protocol expects.
fn unexpected(response: &http::Response<Bytes>, what: &str) -> Error {
    let content_type = header(response.headers(), "content-type").map(str::to_owned);
    let body = String::from_utf8_lossy(&response.body()[..response.body().len().min(200)]);
    Error::from(gemini_transport::Error::unexpected(
        response.status(),
        content_type,
        &format!("{what}; body: {body}"),
    ))
}

fn unexpected_text(what: &str) -> Error {
    Error::from(gemini_transport::Error::unexpected(
        http::StatusCode::OK,
        None,
        what,
    ))
}

fn unexpected_status() -> Error {
    unexpected_text("the upload answer had no X-Goog-Upload-Status")
}
