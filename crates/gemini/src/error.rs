//! The facade's one error type, organised by the phase that failed.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use gemini_types::{GenerateContentResponse, Status};
use http::StatusCode;

pub use gemini_transport::{ApiError, TimeoutKind, UnexpectedResponse};

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Everything that can go wrong in a call, by phase.
///
/// | variant | phase | may the request have reached the server? |
/// |---|---|---|
/// | [`Build`](Self::Build) | building the client or the request (bad model name, bad header, no key) | no |
/// | [`Transport`](Self::Transport) | connecting, TLS, sending, reading a unary body (also one larger than the limit) | see [`TransportError::is_request_sent`] |
/// | [`Timeout`](Self::Timeout) | a timeout fired (connect, response headers, idle stream, total) | see [`TimeoutError::kind`] |
/// | [`Api`](Self::Api) | the service answered with an error, before or in the middle of a stream | yes |
/// | [`Decode`](Self::Decode) | a successful answer was not the expected JSON or event stream (also structured output that does not parse) | yes |
/// | [`Stream`](Self::Stream) | a stream broke after it started (connection cut, malformed event) | yes |
/// | [`Operation`](Self::Operation) | a long-running operation failed, or waiting for it passed its deadline | yes |
/// | [`Io`](Self::Io) | reading or writing local data (an upload's source, a download's destination) | maybe |
/// | [`Incomplete`](Self::Incomplete) | an answer made of several requests or chunks failed part way; it holds the answer so far and the cause | yes |
///
/// Every payload is an opaque struct with accessors. `Display` describes only its own level;
/// the cause is the [`source`](StdError::source). Print the whole chain with
/// [`Error::report`]. Neither ever contains the API key.
///
/// ```
/// # async fn demo(client: gemini::Client) {
/// match client.models().generate_content("gemini-2.5-flash", "Hi").await {
///     Ok(response) => println!("{}", response.text().unwrap_or_default()),
///     Err(gemini::Error::Api(e)) if e.status() == 429 => eprintln!("quota: {}", e.message()),
///     Err(e) if e.is_retryable() => eprintln!("transient, try again: {}", e.report()),
///     Err(e) => eprintln!("failed: {}", e.report()),
/// }
/// # }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The client or the request could not be built; nothing was sent.
    Build(BuildError),
    /// The HTTP exchange failed (connect, TLS, send, unary body).
    Transport(TransportError),
    /// A timeout fired.
    Timeout(TimeoutError),
    /// The service returned an error (`google.rpc.Status`), as an HTTP error or a mid-stream
    /// `{"error": ...}` event.
    Api(Box<ApiError>),
    /// A long-running operation (or a file being processed) finished with an error, or did not
    /// finish before the wait's deadline.
    Operation(OperationError),
    /// Reading or writing local data failed: an upload's source, a download's destination, a
    /// batch's input file. Part of the request may have been sent (an upload part way).
    Io(IoError),
    /// A successful response was not the expected JSON.
    Decode(DecodeError),
    /// A stream broke after it started.
    Stream(StreamError),
    /// An answer failed part way, after some of it arrived: a continuation hop failed, or an
    /// accumulated stream broke. Holds the answer so far
    /// ([`IncompleteError::partial`]) and the cause ([`IncompleteError::cause`]); the
    /// classification methods ([`is_retryable`](Self::is_retryable),
    /// [`api_error`](Self::api_error), ...) answer for the cause.
    Incomplete(IncompleteError),
}

impl Error {
    /// Whether retrying the same call may succeed: a retryable API status (408, 429, 500, 502,
    /// 503, 504), a connection that failed before the request was sent, or a timeout.
    ///
    /// ```
    /// let e = gemini::Error::from(gemini::ApiError::from_body(http::StatusCode::SERVICE_UNAVAILABLE, "".into()));
    /// assert!(e.is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(e) => e.is_retryable(),
            Self::Transport(e) => e.inner.is_retryable(),
            Self::Timeout(_) => true,
            Self::Stream(e) => e.is_body(),
            Self::Incomplete(e) => e.cause.is_retryable(),
            Self::Operation(e) => e.is_deadline(),
            Self::Build(_) | Self::Decode(_) | Self::Io(_) => false,
        }
    }

    /// How long the server asked us to wait (`RetryInfo.retryDelay` or `Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api(e) => e.retry_after(),
            Self::Incomplete(e) => e.cause.retry_after(),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            Self::Incomplete(e) => e.cause.api_error(),
            _ => None,
        }
    }

    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<StatusCode> {
        self.api_error().map(ApiError::status)
    }

    /// Whether a timeout fired.
    pub fn is_timeout(&self) -> bool {
        match self {
            Self::Timeout(_) => true,
            Self::Incomplete(e) => e.cause.is_timeout(),
            _ => false,
        }
    }

    /// The answer received before the failure, for an [`Error::Incomplete`].
    pub fn partial_response(&self) -> Option<&GenerateContentResponse> {
        match self {
            Self::Incomplete(e) => Some(e.partial()),
            _ => None,
        }
    }

    /// Wraps `cause` with the answer received before it.
    pub(crate) fn incomplete(partial: GenerateContentResponse, cause: Self) -> Self {
        // Never nest: the partial answer of an inner failure is part of the outer one.
        let cause = match cause {
            Self::Incomplete(inner) => *inner.cause,
            other => other,
        };
        Self::Incomplete(IncompleteError {
            partial: Box::new(partial),
            cause: Box::new(cause),
        })
    }

    /// The whole chain of causes on one line: `outer: cause: root cause`.
    ///
    /// ```
    /// let e = gemini::ModelName::new("../etc").unwrap_err();
    /// assert!(e.report().starts_with("invalid model name"));
    /// ```
    pub fn report(&self) -> String {
        let mut out = self.to_string();
        let mut cur: Option<&(dyn StdError + 'static)> = self.source();
        while let Some(e) = cur {
            let s = e.to_string();
            if !s.is_empty() && !out.ends_with(&s) {
                out.push_str(": ");
                out.push_str(&s);
            }
            cur = e.source();
        }
        out
    }

    pub(crate) fn build(message: impl Into<String>) -> Self {
        Self::Build(BuildError {
            message: message.into(),
            source: None,
        })
    }

    pub(crate) fn build_with(message: impl Into<String>, source: impl Into<BoxError>) -> Self {
        Self::Build(BuildError {
            message: message.into(),
            source: Some(source.into()),
        })
    }

    /// A stream failure from the body (connection cut).
    pub(crate) fn stream_body(source: gemini_transport::Error) -> Self {
        if source.is_timeout() {
            return Self::from(source);
        }
        Self::Stream(StreamError {
            kind: StreamKind::Body,
            truncated: false,
            source: Box::new(source),
        })
    }

    /// A stream whose body ended without an error, but before the answer's finish reason.
    pub(crate) fn stream_truncated() -> Self {
        Self::Stream(StreamError {
            kind: StreamKind::Body,
            truncated: true,
            source: Box::new(gemini_transport::Error::body(
                "the stream ended before the answer's finish reason",
            )),
        })
    }

    /// A malformed event (invalid UTF-8, too large).
    pub(crate) fn stream_event(source: gemini_sse::DecodeError) -> Self {
        Self::Stream(StreamError {
            kind: StreamKind::Event,
            truncated: false,
            source: Box::new(source),
        })
    }

    /// Any other failure of an event stream after it started.
    pub(crate) fn stream_other(source: gemini_sse::StreamError<gemini_transport::Error>) -> Self {
        Self::Stream(StreamError {
            kind: StreamKind::Event,
            truncated: false,
            source: Box::new(source),
        })
    }

    /// Local data could not be read or written (`message` says which, and where).
    pub(crate) fn io(message: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io(IoError {
            message: message.into(),
            source,
        })
    }

    pub(crate) fn decode_json(source: serde_json::Error, body: &[u8]) -> Self {
        Self::Decode(DecodeError {
            snippet: snippet(body),
            raw_text: None,
            source: Box::new(source),
        })
    }

    pub(crate) fn structured(source: gemini_types::ParseError) -> Self {
        let raw = source.raw_text().to_owned();
        Self::Decode(DecodeError {
            snippet: snippet(raw.as_bytes()),
            raw_text: Some(raw),
            source: Box::new(source),
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Build(e) => fmt::Display::fmt(e, f),
            Self::Transport(e) => fmt::Display::fmt(e, f),
            Self::Timeout(e) => fmt::Display::fmt(e, f),
            Self::Api(e) => fmt::Display::fmt(e, f),
            Self::Decode(e) => fmt::Display::fmt(e, f),
            Self::Stream(e) => fmt::Display::fmt(e, f),
            Self::Operation(e) => fmt::Display::fmt(e, f),
            Self::Io(e) => fmt::Display::fmt(e, f),
            Self::Incomplete(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Build(e) => e.source(),
            Self::Transport(e) => e.source(),
            Self::Timeout(e) => e.source(),
            Self::Api(e) => e.source(),
            Self::Decode(e) => e.source(),
            Self::Stream(e) => e.source(),
            Self::Operation(e) => e.source(),
            Self::Io(e) => e.source(),
            Self::Incomplete(e) => e.source(),
        }
    }
}

impl From<gemini_transport::Error> for Error {
    fn from(e: gemini_transport::Error) -> Self {
        if e.is_api() {
            return match e.into_api_error() {
                Ok(api) => Self::Api(Box::new(api)),
                Err(e) => Self::Transport(TransportError { inner: e }),
            };
        }
        if e.is_builder() {
            return Self::Build(BuildError {
                message: "invalid request or configuration".to_owned(),
                source: Some(Box::new(e)),
            });
        }
        if let Some(kind) = e.timeout_kind() {
            return Self::Timeout(TimeoutError { kind, inner: e });
        }
        if let Some(unexpected) = e.unexpected_response() {
            // A 2xx that is not what the call expects (a stream that is not an event stream,
            // or an empty one): the answer did not decode.
            return Self::Decode(DecodeError {
                snippet: unexpected.snippet().to_owned(),
                raw_text: None,
                source: Box::new(e),
            });
        }
        if e.is_decode() {
            return Self::Decode(DecodeError {
                snippet: e.decode_snippet().unwrap_or_default().to_owned(),
                raw_text: None,
                source: Box::new(e),
            });
        }
        Self::Transport(TransportError { inner: e })
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Self::Api(Box::new(e))
    }
}

/// An answer failed part way: what arrived before the failure, and the failure.
///
/// ```
/// # async fn demo(client: gemini::Client) {
/// match client.models().generate_content("gemini-2.5-flash", "A long story").await {
///     Ok(r) => println!("{}", r.text().unwrap_or_default()),
///     Err(gemini::Error::Incomplete(e)) => {
///         eprintln!("cut short ({}); so far: {}", e.cause(), e.partial().text().unwrap_or_default());
///     }
///     Err(e) => eprintln!("{}", e.report()),
/// }
/// # }
/// ```
#[derive(Debug)]
pub struct IncompleteError {
    partial: Box<GenerateContentResponse>,
    cause: Box<Error>,
}

impl IncompleteError {
    /// The answer so far, folded as the whole answer would have been (its finish reason is
    /// the last one received, for example `CONTINUATION`).
    pub fn partial(&self) -> &GenerateContentResponse {
        &self.partial
    }

    /// Takes the answer so far.
    pub fn into_partial(self) -> GenerateContentResponse {
        *self.partial
    }

    /// What failed.
    pub fn cause(&self) -> &Error {
        &self.cause
    }
}

impl fmt::Display for IncompleteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the answer was cut short; the part received is kept")
    }
}

impl StdError for IncompleteError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.cause)
    }
}

/// The client or a request could not be built: an invalid model name, header, base URL or
/// request body, or no API key. Nothing was sent.
#[derive(Debug)]
pub struct BuildError {
    message: String,
    source: Option<BoxError>,
}

impl BuildError {
    /// What was wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for BuildError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// The HTTP exchange failed: DNS, connect, TLS, sending, or reading a unary body.
#[derive(Debug)]
pub struct TransportError {
    inner: gemini_transport::Error,
}

impl TransportError {
    /// Whether the response body was larger than the limit on what is buffered
    /// ([`Config::with_max_body_size`](gemini_transport::Config::with_max_body_size), 64 MiB by
    /// default); the rest of it was not read.
    pub fn is_body_too_large(&self) -> bool {
        self.inner.is_body_too_large()
    }

    /// The limit the body exceeded, in bytes, when [`is_body_too_large`](Self::is_body_too_large).
    pub fn body_limit(&self) -> Option<u64> {
        self.inner.body_limit()
    }

    /// Whether connecting failed (DNS, TCP, proxy, TLS). Nothing was sent.
    pub fn is_connect(&self) -> bool {
        self.inner.is_connect()
    }

    /// Whether the TLS handshake failed.
    pub fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }

    /// Whether the request may have reached the server (so a retry may repeat its effect).
    pub fn is_request_sent(&self) -> bool {
        self.inner.is_request_sent()
    }

    /// How many attempts were made (retries included).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HTTP transport error")
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.inner)
    }
}

/// A timeout fired.
#[derive(Debug)]
pub struct TimeoutError {
    kind: TimeoutKind,
    inner: gemini_transport::Error,
}

impl TimeoutError {
    /// Which timeout: connect, response headers, idle (a stalled stream) or total.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }

    /// Whether it was the idle timeout between stream chunks (a stalled stream).
    pub fn is_idle(&self) -> bool {
        self.kind == TimeoutKind::Idle
    }

    /// How many attempts were made (retries included).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts()
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} timeout", self.kind)
    }
}

impl StdError for TimeoutError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.inner)
    }
}

/// A successful response was not the expected JSON, or structured output did not parse into
/// the requested type.
#[derive(Debug)]
pub struct DecodeError {
    snippet: String,
    raw_text: Option<String>,
    source: BoxError,
}

impl DecodeError {
    /// What a successful answer held when it was not what the call expects: a stream whose
    /// content type is not `text/event-stream`, or an empty stream (status, content type and the
    /// start of the body).
    pub fn unexpected_response(&self) -> Option<&UnexpectedResponse> {
        self.source
            .downcast_ref::<gemini_transport::Error>()
            .and_then(gemini_transport::Error::unexpected_response)
    }

    /// The beginning of the body or text that failed to decode (at most 256 bytes).
    pub fn snippet(&self) -> &str {
        &self.snippet
    }

    /// For structured output ([`Models::generate_json`](crate::Models::generate_json)): the
    /// model's whole text that did not parse (empty when the response had no text).
    pub fn raw_text(&self) -> Option<&str> {
        self.raw_text.as_deref()
    }

    /// Whether this is structured output that did not parse into the requested type.
    pub fn is_structured_output(&self) -> bool {
        self.raw_text.is_some()
    }

    /// The serde error, when the text was there but was not the expected JSON.
    pub fn json_error(&self) -> Option<&serde_json::Error> {
        if let Some(e) = self.source.downcast_ref::<serde_json::Error>() {
            return Some(e);
        }
        self.source
            .downcast_ref::<gemini_types::ParseError>()
            .and_then(gemini_types::ParseError::json_error)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.raw_text.is_some() {
            f.write_str("structured output did not match the requested type")
        } else {
            f.write_str("the response is not the expected JSON")
        }
    }
}

impl StdError for DecodeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source as &(dyn StdError + 'static))
    }
}

/// A long-running operation finished with an error (its `google.rpc.Status`, whose `code` is a
/// gRPC code number), or waiting for it passed the deadline of
/// [`WaitOptions`](crate::WaitOptions).
#[derive(Debug)]
pub struct OperationError {
    name: String,
    status: Option<Box<Status>>,
}

impl OperationError {
    /// The operation failed with `status`.
    pub(crate) fn failed(name: impl Into<String>, status: Status) -> Self {
        Self {
            name: name.into(),
            status: Some(Box::new(status)),
        }
    }

    /// The wait's deadline passed before the operation finished.
    pub(crate) fn deadline(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            status: None,
        }
    }

    /// The operation's name (`batches/x`, `models/m/operations/y`, ...), to look it up again.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The error the operation finished with; `None` when the wait's deadline passed.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_deref()
    }

    /// Whether the wait's deadline passed (the operation may still finish: get or wait on it
    /// again by [`name`](Self::name)).
    pub fn is_deadline(&self) -> bool {
        self.status.is_none()
    }
}

impl fmt::Display for OperationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.status {
            Some(s) => {
                write!(f, "{} failed", self.name)?;
                if let Some(code) = &s.code {
                    write!(f, " (code {code})")?;
                }
                write!(f, ": {}", s.message.as_deref().unwrap_or_default())
            }
            None => write!(
                f,
                "operation {} did not finish before the deadline",
                self.name
            ),
        }
    }
}

impl StdError for OperationError {}

/// Reading or writing local data failed: an upload's source, a download's destination, a
/// batch's input file. The [`io_error`](Self::io_error) says why.
#[derive(Debug)]
pub struct IoError {
    message: String,
    source: std::io::Error,
}

impl IoError {
    /// The underlying I/O error.
    pub fn io_error(&self) -> &std::io::Error {
        &self.source
    }
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for IoError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.source)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StreamKind {
    Body,
    Event,
}

/// A stream broke after it started: the connection was cut, or an event could not be decoded
/// (invalid UTF-8, larger than the limit). The stream ends after this error.
#[derive(Debug)]
pub struct StreamError {
    kind: StreamKind,
    /// The body ended cleanly, but before the answer's finish reason.
    truncated: bool,
    source: BoxError,
}

impl StreamError {
    /// Whether reading the body failed (the connection was cut), or it ended before the
    /// answer did ([`is_truncated`](Self::is_truncated)).
    pub fn is_body(&self) -> bool {
        self.kind == StreamKind::Body
    }

    /// Whether the body ended without an error but before the answer's finish reason: the
    /// answer was cut short.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Whether an event could not be decoded as SSE.
    pub fn is_event(&self) -> bool {
        self.kind == StreamKind::Event
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.truncated {
            return f.write_str("the response stream ended before the answer was complete");
        }
        f.write_str(match self.kind {
            StreamKind::Body => "the response stream broke",
            StreamKind::Event => "a stream event could not be decoded",
        })
    }
}

impl StdError for StreamError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source as &(dyn StdError + 'static))
    }
}

const SNIPPET_LEN: usize = 256;

fn snippet(body: &[u8]) -> String {
    let mut end = body.len().min(SNIPPET_LEN);
    while end > 0 && end < body.len() && (body[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    let mut s = String::from_utf8_lossy(&body[..end]).into_owned();
    if end < body.len() {
        s.push_str("...");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_is_bounded_on_char_boundary() {
        let body = "é".repeat(300);
        let s = snippet(body.as_bytes());
        assert!(s.ends_with("..."));
        assert!(s.len() <= SNIPPET_LEN + 3);
        assert!(!s.contains('\u{FFFD}'));
    }

    #[test]
    fn transport_errors_map_by_phase() {
        let e = Error::from(gemini_transport::Error::timeout(TimeoutKind::Idle, None));
        assert!(matches!(&e, Error::Timeout(t) if t.is_idle()));
        assert!(e.is_retryable());
        let e = Error::from(gemini_transport::Error::connect("refused"));
        assert!(matches!(&e, Error::Transport(t) if t.is_connect() && !t.is_request_sent()));
        let e = Error::from(gemini_transport::Error::decode("eof", "{\"a\""));
        assert!(matches!(&e, Error::Decode(d) if d.snippet() == "{\"a\""));
        let api = ApiError::from_body(StatusCode::NOT_FOUND, "{}".into());
        let e = Error::from(gemini_transport::Error::api(api));
        assert_eq!(e.status(), Some(StatusCode::NOT_FOUND));
        assert!(!e.is_retryable());
    }

    #[test]
    fn unexpected_answers_are_decode_errors_and_big_bodies_transport_errors() {
        let e = Error::from(gemini_transport::Error::unexpected(
            StatusCode::OK,
            Some("application/json".to_owned()),
            r#"[{"candidates": []}]"#,
        ));
        let Error::Decode(d) = &e else {
            panic!("expected Error::Decode, got {e:?}");
        };
        let u = d.unexpected_response().unwrap();
        assert_eq!(u.content_type(), Some("application/json"));
        assert!(d.snippet().starts_with("[{"));
        let e = Error::from(gemini_transport::Error::body_too_large(1024, Some(4096)));
        assert!(
            matches!(&e, Error::Transport(t) if t.is_body_too_large() && t.body_limit() == Some(1024))
        );
    }

    #[test]
    fn error_is_send_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
    }
}
