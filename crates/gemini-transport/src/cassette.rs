//! Record and replay (feature `record`): [`RecordingTransport`] writes every exchange that goes
//! through another transport to a cassette file, without credentials; [`ReplayTransport`]
//! answers from that file, so a test recorded once against the real API runs offline, with no
//! key, byte for byte.
//!
//! A cassette is JSON Lines, one exchange a line, in the order the responses ended:
//!
//! ```text
//! {"method":"POST","path":"/v1beta/models/gemini-2.5-flash:generateContent","requestHeaders":{"content-type":"application/json"},"requestBody":"{\"contents\":[...]}","status":200,"headers":{"content-type":"application/json; charset=UTF-8"},"body":"{\"candidates\":[...]}"}
//! ```
//!
//! Bodies are kept as text when they are UTF-8 (`requestBody`, `body`) and in base64 otherwise
//! (`requestBodyBase64`, `bodyBase64`); a response body that ended in an error also has
//! `bodyError`, which its replay ends with. The API key header, `Authorization`, cookies and a
//! `key` query parameter are never written. Edit a cassette by hand if you like: it is plain
//! JSON.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Request, Response, StatusCode};
use serde::{Deserialize, Serialize};

use crate::{BoxFuture, Error, ResponseBody, Transport};

/// Request headers that never reach a cassette.
const SECRET_HEADERS: [&str; 5] = [
    "x-goog-api-key",
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// Response bodies larger than this are not recorded (the exchange still goes through).
pub const DEFAULT_MAX_RECORDED_BODY: usize = 64 << 20;

/// One recorded exchange: a line of a cassette.
///
/// A cassette is JSON Lines, one exchange a line, in the order the responses ended:
///
/// ```text
/// {"method":"POST","path":"/v1beta/models/gemini-2.5-flash:generateContent","requestHeaders":{"content-type":"application/json"},"requestBody":"{\"contents\":[...]}","status":200,"headers":{"content-type":"application/json; charset=UTF-8"},"body":"{\"candidates\":[...]}"}
/// ```
///
/// Bodies are kept as text when they are UTF-8 (`requestBody`, `body`) and in base64 otherwise
/// (`requestBodyBase64`, `bodyBase64`); a response body that ended in an error also has
/// `bodyError`, which its replay ends with. The API key header, `Authorization`, cookies,
/// headers marked sensitive and a `key` query parameter are never written; bodies are written as
/// they were sent and received (an ephemeral token created while recording is in its answer).
/// A cassette is plain JSON: edit it by hand if you like.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Exchange {
    /// The request method.
    pub method: String,
    /// The request path and query, without the scheme, host and any `key` parameter.
    pub path: String,
    /// The request headers, less the secret ones (the API key, `Authorization`, cookies).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub request_headers: BTreeMap<String, String>,
    /// The request body, when it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body: Option<String>,
    /// The request body in base64, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_body_base64: Option<String>,
    /// The response status.
    pub status: u16,
    /// The response headers (`set-cookie` left out).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// The response body, when it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The response body in base64, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// The error the response body ended with, if it did not end cleanly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_error: Option<String>,
}

impl Exchange {
    /// The request body's bytes.
    pub fn request_bytes(&self) -> Result<Vec<u8>, CassetteError> {
        decode_body(
            self.request_body.as_deref(),
            self.request_body_base64.as_deref(),
        )
    }

    /// The response body's bytes.
    pub fn response_bytes(&self) -> Result<Vec<u8>, CassetteError> {
        decode_body(self.body.as_deref(), self.body_base64.as_deref())
    }
}

/// Text if `bytes` are UTF-8, base64 otherwise.
fn encode_body(bytes: &[u8]) -> (Option<String>, Option<String>) {
    if bytes.is_empty() {
        return (None, None);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (Some(text.to_owned()), None),
        Err(_) => (None, Some(BASE64.encode(bytes))),
    }
}

fn decode_body(text: Option<&str>, base64: Option<&str>) -> Result<Vec<u8>, CassetteError> {
    match (text, base64) {
        (Some(t), _) => Ok(t.as_bytes().to_vec()),
        (None, Some(b)) => BASE64
            .decode(b)
            .map_err(|e| CassetteError::new(format!("a body is not valid base64: {e}"))),
        (None, None) => Ok(Vec::new()),
    }
}

/// The path and query of `uri`, less any `key` query parameter.
fn path_of(uri: &http::Uri) -> String {
    let path = uri.path();
    let Some(query) = uri.query() else {
        return path.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| pair.split('=').next() != Some("key"))
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

/// Headers as a sorted map, less the secret ones.
fn header_map(headers: &HeaderMap) -> BTreeMap<String, String> {
    headers
        .iter()
        .filter(|(name, value)| !SECRET_HEADERS.contains(&name.as_str()) && !value.is_sensitive())
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect()
}

/// A cassette that cannot be read or written, or a request it holds no answer for.
#[derive(Debug)]
pub struct CassetteError {
    message: String,
}

impl CassetteError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for CassetteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CassetteError {}

/// Where recorded exchanges go.
struct Sink {
    path: PathBuf,
    file: Mutex<std::io::BufWriter<std::fs::File>>,
}

impl Sink {
    /// Appends one line and flushes it, so a cassette is whole after every exchange.
    fn write(&self, exchange: &Exchange) {
        let Ok(mut line) = serde_json::to_vec(exchange) else {
            return;
        };
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        if let Err(e) = file.write_all(&line).and_then(|()| file.flush()) {
            tracing::warn!(cassette = %self.path.display(), error = %e, "could not record an exchange");
        }
    }
}

/// A [`Transport`] that sends through another one and writes every exchange to a cassette
/// file (JSON Lines, one [`Exchange`] a line), without credentials. The response streams through as
/// it arrives; its exchange is written when its body ends (or is dropped).
///
/// ```no_run
/// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use gemini_transport::{HyperTransport, RecordingTransport};
/// let recorder = RecordingTransport::create(HyperTransport::new()?, "tests/cassettes/quickstart.jsonl")?;
/// // Give `Arc::new(recorder)` to the client builder's `transport`, run the calls once with a
/// // real key, then replay them with `ReplayTransport::open`.
/// # let _ = Arc::new(recorder);
/// # Ok(()) }
/// ```
pub struct RecordingTransport {
    inner: Arc<dyn Transport>,
    sink: Arc<Sink>,
    max_body: usize,
}

impl fmt::Debug for RecordingTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordingTransport")
            .field("inner", &self.inner)
            .field("cassette", &self.sink.path)
            .finish_non_exhaustive()
    }
}

impl RecordingTransport {
    /// Records what goes through `inner` to a new cassette at `path` (an existing file is
    /// replaced; its directory is created).
    pub fn create(inner: impl Transport, path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref().to_owned();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let file = std::fs::File::create(&path)?;
        Ok(Self {
            inner: Arc::new(inner),
            sink: Arc::new(Sink {
                path,
                file: Mutex::new(std::io::BufWriter::new(file)),
            }),
            max_body: DEFAULT_MAX_RECORDED_BODY,
        })
    }

    /// Response bodies larger than this are not recorded (default
    /// [`DEFAULT_MAX_RECORDED_BODY`]); their exchange still goes through, with a warning.
    #[must_use]
    pub fn max_recorded_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The cassette's path.
    pub fn path(&self) -> &Path {
        &self.sink.path
    }
}

impl Transport for RecordingTransport {
    fn send(
        &self,
        request: Request<Bytes>,
    ) -> BoxFuture<'_, Result<Response<ResponseBody>, Error>> {
        let (request_body, request_body_base64) = encode_body(request.body());
        let exchange = Exchange {
            method: request.method().as_str().to_owned(),
            path: path_of(request.uri()),
            request_headers: header_map(request.headers()),
            request_body,
            request_body_base64,
            ..Exchange::default()
        };
        Box::pin(async move {
            // A request that got no response is not an exchange: nothing is written.
            let response = self.inner.send(request).await?;
            let (parts, body) = response.into_parts();
            let mut exchange = exchange;
            exchange.status = parts.status.as_u16();
            exchange.headers = header_map(&parts.headers);
            let tee = Tee {
                body,
                kept: Some(Vec::new()),
                exchange: Some(exchange),
                sink: Arc::clone(&self.sink),
                max_body: self.max_body,
            };
            Ok(Response::from_parts(parts, ResponseBody::from_stream(tee)))
        })
    }
}

/// A response body on its way through: its bytes are kept until it ends, then its exchange is
/// written.
struct Tee {
    body: ResponseBody,
    /// The bytes so far; `None` past the size limit.
    kept: Option<Vec<u8>>,
    /// The exchange, until it is written.
    exchange: Option<Exchange>,
    sink: Arc<Sink>,
    max_body: usize,
}

impl Tee {
    fn finish(&mut self, error: Option<String>) {
        let Some(mut exchange) = self.exchange.take() else {
            return;
        };
        let Some(kept) = self.kept.take() else {
            tracing::warn!(
                cassette = %self.sink.path.display(),
                path = %exchange.path,
                limit = self.max_body,
                "a response body over the cassette's limit was not recorded"
            );
            return;
        };
        (exchange.body, exchange.body_base64) = encode_body(&kept);
        exchange.body_error = error;
        self.sink.write(&exchange);
    }
}

impl futures_core::Stream for Tee {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match this.body.poll_data(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                if let Some(kept) = &mut this.kept {
                    if kept.len() + chunk.len() > this.max_body {
                        this.kept = None;
                    } else {
                        kept.extend_from_slice(&chunk);
                    }
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.finish(Some(e.to_string()));
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => {
                this.finish(None);
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Tee {
    fn drop(&mut self) {
        // Dropped before its end: what was read is what a replay gives.
        self.finish(None);
    }
}

/// A [`Transport`] that answers from a cassette written by [`RecordingTransport`]: each
/// request gets the first exchange not used yet with the same method, path and body (a
/// request sent twice gets its recorded answers in order). A request the cassette holds no
/// answer for fails at once (an invalid-request [`Error`], not retried) with a message naming
/// its method and path; nothing goes to the network.
///
/// ```
/// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use gemini_transport::ReplayTransport;
/// let cassette = r#"{"method":"GET","path":"/v1beta/models","status":200,"body":"{\"models\":[]}"}"#;
/// let replay = ReplayTransport::from_jsonl(cassette)?;
/// assert_eq!(replay.remaining(), 1);
/// # Ok(()) }
/// # demo().unwrap();
/// ```
pub struct ReplayTransport {
    exchanges: Mutex<Vec<(Exchange, bool)>>,
    source: String,
    match_bodies: bool,
}

impl fmt::Debug for ReplayTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayTransport")
            .field("cassette", &self.source)
            .field("remaining", &self.remaining())
            .finish_non_exhaustive()
    }
}

impl ReplayTransport {
    /// Reads the cassette at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, CassetteError> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|e| {
            CassetteError::new(format!("cannot open the cassette {}: {e}", path.display()))
        })?;
        let mut exchanges = Vec::new();
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| {
                CassetteError::new(format!("cannot read the cassette {}: {e}", path.display()))
            })?;
            if let Some(exchange) = parse_line(&line, n + 1, &path.display().to_string())? {
                exchanges.push((exchange, false));
            }
        }
        Ok(Self::new(exchanges, path.display().to_string()))
    }

    /// Reads a cassette's text.
    pub fn from_jsonl(text: &str) -> Result<Self, CassetteError> {
        let mut exchanges = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if let Some(exchange) = parse_line(line, n + 1, "the cassette")? {
                exchanges.push((exchange, false));
            }
        }
        Ok(Self::new(exchanges, "(text)".to_owned()))
    }

    fn new(exchanges: Vec<(Exchange, bool)>, source: String) -> Self {
        Self {
            exchanges: Mutex::new(exchanges),
            source,
            match_bodies: true,
        }
    }

    /// Whether a request must have its recorded body to get its answer (default `true`).
    /// Without, requests are matched on method and path only, in order.
    #[must_use]
    pub fn match_bodies(mut self, on: bool) -> Self {
        self.match_bodies = on;
        self
    }

    /// How many recorded exchanges have not been used yet (a test may assert it is 0).
    pub fn remaining(&self) -> usize {
        self.exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|(_, used)| !used)
            .count()
    }

    /// The recorded exchange for `request`, marked used.
    fn take(&self, request: &Request<Bytes>) -> Result<Exchange, CassetteError> {
        let method = request.method().as_str();
        let path = path_of(request.uri());
        let mut exchanges = self
            .exchanges
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut recorded = 0;
        for (exchange, used) in exchanges.iter_mut() {
            if exchange.method != method || exchange.path != path {
                continue;
            }
            recorded += 1;
            if *used || (self.match_bodies && exchange.request_bytes()? != request.body().as_ref())
            {
                continue;
            }
            *used = true;
            return Ok(exchange.clone());
        }
        Err(CassetteError::new(if recorded == 0 {
            format!("{}: no recorded exchange for {method} {path}", self.source)
        } else {
            format!(
                "{}: no unused recorded exchange for {method} {path} with this body ({recorded} recorded for it)",
                self.source
            )
        }))
    }
}

fn parse_line(line: &str, n: usize, source: &str) -> Result<Option<Exchange>, CassetteError> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(line)
        .map(Some)
        .map_err(|e| CassetteError::new(format!("{source}, line {n}: not an exchange: {e}")))
}

impl Transport for ReplayTransport {
    fn send(
        &self,
        request: Request<Bytes>,
    ) -> BoxFuture<'_, Result<Response<ResponseBody>, Error>> {
        let answer = self.take(&request).and_then(|exchange| {
            let status = StatusCode::from_u16(exchange.status).map_err(|_| {
                CassetteError::new(format!("a recorded status {} is invalid", exchange.status))
            })?;
            let body = Bytes::from(exchange.response_bytes()?);
            let mut response = match exchange.body_error {
                None => Response::new(ResponseBody::from(body)),
                Some(error) => {
                    let items = [Ok(body), Err(Error::body(CassetteError::new(error)))];
                    Response::new(ResponseBody::from_stream(Replayed(items.into_iter())))
                }
            };
            *response.status_mut() = status;
            for (name, value) in &exchange.headers {
                if let (Ok(name), Ok(value)) = (
                    HeaderName::from_bytes(name.as_bytes()),
                    HeaderValue::from_str(value),
                ) {
                    response.headers_mut().append(name, value);
                }
            }
            Ok(response)
        });
        // Nothing was sent anywhere, and asking again cannot find another answer: an invalid
        // request, which is never retried.
        Box::pin(async move { answer.map_err(|e| Error::builder(e.to_string())) })
    }
}

/// The items of a replayed body that ended in an error.
struct Replayed(std::array::IntoIter<Result<Bytes, Error>, 2>);

impl futures_core::Stream for Replayed {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.0.next())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_reach_a_cassette() {
        let uri: http::Uri = "https://h/v1beta/files?key=SECRET&pageSize=2"
            .parse()
            .unwrap();
        assert_eq!(path_of(&uri), "/v1beta/files?pageSize=2");
        let uri: http::Uri = "https://h/v1beta/files?key=SECRET".parse().unwrap();
        assert_eq!(path_of(&uri), "/v1beta/files");
        let mut headers = HeaderMap::new();
        headers.insert("x-goog-api-key", HeaderValue::from_static("SECRET"));
        headers.insert("authorization", HeaderValue::from_static("Token SECRET"));
        let mut hidden = HeaderValue::from_static("SECRET");
        hidden.set_sensitive(true);
        headers.insert("x-custom-secret", hidden);
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        let kept = header_map(&headers);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept["content-type"], "application/json");
    }

    #[test]
    fn bodies_are_text_or_base64() {
        assert_eq!(encode_body(b"{}"), (Some("{}".to_owned()), None));
        let (text, b64) = encode_body(&[0xff, 0x00]);
        assert_eq!(text, None);
        assert_eq!(decode_body(None, b64.as_deref()).unwrap(), vec![0xff, 0x00]);
        assert!(decode_body(None, Some("not base64!")).is_err());
    }

    #[test]
    fn a_bad_line_names_its_number() {
        let err = ReplayTransport::from_jsonl("\n{\"method\":\"GET\"}\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("the cassette, line 2: not an exchange"),
            "{err}"
        );
    }
}
