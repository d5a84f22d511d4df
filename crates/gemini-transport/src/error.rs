//! The crate's one error type.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::{ApiError, BoxError};

/// An error from sending a request or reading its response.
///
/// Opaque on purpose: ask it questions instead of matching on it.
///
/// | predicate | meaning | may the request have been sent? |
/// |---|---|---|
/// | [`is_builder`](Self::is_builder) | invalid configuration or request | no |
/// | [`is_connect`](Self::is_connect) | DNS, TCP or proxy failure (TLS failures are also [`is_tls`](Self::is_tls)) | no |
/// | [`is_timeout`](Self::is_timeout) | a timeout fired, see [`timeout_kind`](Self::timeout_kind) | yes, except [`TimeoutKind::Connect`] |
/// | [`is_request`](Self::is_request) | the connection failed while sending or waiting for the head | yes |
/// | [`is_body`](Self::is_body) | the response body failed midway | yes |
/// | [`is_api`](Self::is_api) | the server answered with a non-2xx status, see [`api_error`](Self::api_error) | yes |
/// | [`is_decode`](Self::is_decode) | a 2xx body was not the expected JSON | yes |
/// | [`is_body_too_large`](Self::is_body_too_large) | a body to buffer was larger than the limit, see [`body_limit`](Self::body_limit) | yes |
/// | [`is_unexpected_response`](Self::is_unexpected_response) | a 2xx that is not what the call expects (an event stream that is not `text/event-stream`, or empty), see [`unexpected_response`](Self::unexpected_response) | yes |
///
/// `Display` describes only this level; the underlying hyper, rustls or io error is the
/// [`source`](StdError::source). Neither ever contains the API key.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    source: Option<BoxError>,
    attempts: u32,
}

#[derive(Clone)]
enum Kind {
    Builder(String),
    Connect,
    Tls,
    Timeout(TimeoutKind, Option<Duration>),
    Request,
    Body,
    Api(ApiError),
    Decode(String),
    TooLarge {
        limit: u64,
        content_length: Option<u64>,
    },
    Unexpected(Box<UnexpectedResponse>),
}

/// What a 2xx answer that the call could not use contained: its status, its content type, and
/// the start of its body (at most 256 bytes, control characters escaped, the API key masked).
///
/// ```
/// let e = gemini_transport::Error::unexpected(
///     http::StatusCode::OK,
///     Some("application/json".to_owned()),
///     "[{\"candidates\": []}]",
/// );
/// let r = e.unexpected_response().unwrap();
/// assert_eq!(r.content_type(), Some("application/json"));
/// assert_eq!(r.snippet(), "[{\"candidates\": []}]");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnexpectedResponse {
    status: http::StatusCode,
    content_type: Option<String>,
    snippet: String,
}

impl UnexpectedResponse {
    /// The HTTP status.
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    /// The `content-type` header, if there was one.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The start of the body (empty for an empty body).
    pub fn snippet(&self) -> &str {
        &self.snippet
    }
}

impl fmt::Display for UnexpectedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}, content type ", self.status.as_u16())?;
        match &self.content_type {
            Some(t) => write!(f, "`{t}`")?,
            None => f.write_str("(none)")?,
        }
        if self.snippet.is_empty() {
            f.write_str(", empty body")
        } else {
            write!(f, ", body `{}`", self.snippet)
        }
    }
}

/// Which timeout fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing the connection (TCP, proxy tunnel and TLS handshake). Nothing was sent.
    Connect,
    /// Waiting for the response status and headers after sending the request.
    ResponseHeaders,
    /// Waiting for the next chunk of a response body (a stalled stream).
    Idle,
    /// The total deadline of the call, retries included.
    Total,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Connect => "connect",
            Self::ResponseHeaders => "response headers",
            Self::Idle => "idle body",
            Self::Total => "total",
        })
    }
}

impl Error {
    fn new(kind: Kind, source: Option<BoxError>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                source,
                attempts: 1,
            }),
        }
    }

    /// An invalid configuration or request; nothing was sent.
    pub fn builder(message: impl Into<String>) -> Self {
        Self::new(Kind::Builder(message.into()), None)
    }

    /// A failure to connect (DNS, TCP, proxy); nothing was sent.
    pub fn connect(source: impl Into<BoxError>) -> Self {
        Self::new(Kind::Connect, Some(source.into()))
    }

    /// A TLS failure while connecting (for example an untrusted certificate); nothing was sent.
    pub fn tls(source: impl Into<BoxError>) -> Self {
        Self::new(Kind::Tls, Some(source.into()))
    }

    /// A failure after the connection was up: the request may have reached the server.
    pub fn request(source: impl Into<BoxError>) -> Self {
        Self::new(Kind::Request, Some(source.into()))
    }

    /// A failure while reading the response body.
    pub fn body(source: impl Into<BoxError>) -> Self {
        Self::new(Kind::Body, Some(source.into()))
    }

    /// A timeout of the given kind, after `after` if known.
    pub fn timeout(kind: TimeoutKind, after: Option<Duration>) -> Self {
        Self::new(Kind::Timeout(kind, after), None)
    }

    /// A non-2xx answer from the API.
    pub fn api(error: ApiError) -> Self {
        Self::new(Kind::Api(error), None)
    }

    /// A response body that is not the expected JSON. `snippet` is a bounded excerpt of it.
    pub fn decode(source: impl Into<BoxError>, snippet: impl Into<String>) -> Self {
        Self::new(Kind::Decode(snippet.into()), Some(source.into()))
    }

    /// A body larger than `limit` bytes, the buffering limit; `content_length` is the length
    /// the server announced, when it did.
    pub fn body_too_large(limit: u64, content_length: Option<u64>) -> Self {
        Self::new(
            Kind::TooLarge {
                limit,
                content_length,
            },
            None,
        )
    }

    /// A 2xx answer the call cannot use: `snippet` is the start of its body (control
    /// characters are escaped here).
    pub fn unexpected(
        status: http::StatusCode,
        content_type: Option<String>,
        snippet: &str,
    ) -> Self {
        Self::new(
            Kind::Unexpected(Box::new(UnexpectedResponse {
                status,
                content_type: content_type.map(|t| escape_controls(&t)),
                snippet: escape_controls(snippet),
            })),
            None,
        )
    }

    /// An error of the same kind as `shared`, whose source is the source of `shared`: one
    /// failure reported to several callers (the requests that waited for one connect).
    pub(crate) fn duplicate(shared: &Arc<Self>) -> Self {
        let source = shared
            .inner
            .source
            .is_some()
            .then(|| Box::new(SharedSource(Arc::clone(shared))) as BoxError);
        let mut e = Self::new(shared.inner.kind.clone(), source);
        e.inner.attempts = shared.inner.attempts;
        e
    }

    /// Sets the number of attempts made (used by the retry loop).
    #[must_use]
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// Whether the configuration or the request was invalid.
    pub fn is_builder(&self) -> bool {
        matches!(self.inner.kind, Kind::Builder(_))
    }

    /// Whether connecting failed (including TLS and connect timeouts).
    pub fn is_connect(&self) -> bool {
        matches!(
            self.inner.kind,
            Kind::Connect | Kind::Tls | Kind::Timeout(TimeoutKind::Connect, _)
        )
    }

    /// Whether the TLS handshake failed.
    pub fn is_tls(&self) -> bool {
        matches!(self.inner.kind, Kind::Tls)
    }

    /// Whether a timeout fired.
    pub fn is_timeout(&self) -> bool {
        matches!(self.inner.kind, Kind::Timeout(..))
    }

    /// Which timeout fired.
    pub fn timeout_kind(&self) -> Option<TimeoutKind> {
        match self.inner.kind {
            Kind::Timeout(k, _) => Some(k),
            _ => None,
        }
    }

    /// Whether the connection failed after it was established, before a response head arrived.
    pub fn is_request(&self) -> bool {
        matches!(self.inner.kind, Kind::Request)
    }

    /// Whether reading the response body failed.
    pub fn is_body(&self) -> bool {
        matches!(
            self.inner.kind,
            Kind::Body | Kind::Timeout(TimeoutKind::Idle, _)
        )
    }

    /// Whether the server answered with an error status.
    pub fn is_api(&self) -> bool {
        matches!(self.inner.kind, Kind::Api(_))
    }

    /// Whether a successful response could not be decoded.
    pub fn is_decode(&self) -> bool {
        matches!(self.inner.kind, Kind::Decode(_))
    }

    /// Whether a body to buffer (a unary answer, or an error answer's body) was larger than
    /// the configured limit ([`Config::with_max_body_size`](crate::Config::with_max_body_size)).
    pub fn is_body_too_large(&self) -> bool {
        matches!(self.inner.kind, Kind::TooLarge { .. })
    }

    /// The limit a body exceeded, in bytes.
    pub fn body_limit(&self) -> Option<u64> {
        match self.inner.kind {
            Kind::TooLarge { limit, .. } => Some(limit),
            _ => None,
        }
    }

    /// Whether a 2xx answer was not what the call expects (see [`UnexpectedResponse`]).
    pub fn is_unexpected_response(&self) -> bool {
        matches!(self.inner.kind, Kind::Unexpected(_))
    }

    /// What the unexpected 2xx answer contained.
    pub fn unexpected_response(&self) -> Option<&UnexpectedResponse> {
        match &self.inner.kind {
            Kind::Unexpected(u) => Some(u),
            _ => None,
        }
    }

    /// Whether the request may have reached the server (so retrying a non-idempotent call may
    /// repeat it). `false` only when it certainly did not.
    pub fn is_request_sent(&self) -> bool {
        !matches!(
            self.inner.kind,
            Kind::Builder(_) | Kind::Connect | Kind::Tls | Kind::Timeout(TimeoutKind::Connect, _)
        )
    }

    /// The API error, when the server answered with an error status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match &self.inner.kind {
            Kind::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Takes the API error out.
    pub fn into_api_error(self) -> Result<ApiError, Self> {
        match self.inner.kind {
            Kind::Api(e) => Ok(e),
            _ => Err(self),
        }
    }

    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<http::StatusCode> {
        self.api_error().map(ApiError::status)
    }

    /// The bounded excerpt of a body that failed to decode.
    pub fn decode_snippet(&self) -> Option<&str> {
        match &self.inner.kind {
            Kind::Decode(s) => Some(s),
            _ => None,
        }
    }

    /// How many attempts were made, retries included (at least 1).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// Whether the default policy would retry this error: retryable API statuses (408, 429,
    /// 500, 502, 503, 504) and connection failures where nothing was sent.
    pub fn is_retryable(&self) -> bool {
        match &self.inner.kind {
            Kind::Api(e) => e.is_retryable(),
            Kind::Connect | Kind::Timeout(TimeoutKind::Connect, _) => true,
            _ => false,
        }
    }

    /// The delay the server asked for before a retry (`RetryInfo` or `Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.api_error().and_then(ApiError::retry_after)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("gemini_transport::Error");
        match &self.inner.kind {
            Kind::Builder(m) => d.field("kind", &"Builder").field("message", m),
            Kind::Connect => d.field("kind", &"Connect"),
            Kind::Tls => d.field("kind", &"Tls"),
            Kind::Timeout(k, after) => d
                .field("kind", &"Timeout")
                .field("timeout", k)
                .field("after", after),
            Kind::Request => d.field("kind", &"Request"),
            Kind::Body => d.field("kind", &"Body"),
            Kind::Api(e) => d.field("kind", &"Api").field("api", e),
            Kind::Decode(s) => d.field("kind", &"Decode").field("snippet", s),
            Kind::TooLarge {
                limit,
                content_length,
            } => d
                .field("kind", &"TooLarge")
                .field("limit", limit)
                .field("content_length", content_length),
            Kind::Unexpected(u) => d.field("kind", &"Unexpected").field("response", u),
        };
        if self.inner.attempts > 1 {
            d.field("attempts", &self.inner.attempts);
        }
        if let Some(s) = &self.inner.source {
            d.field("source", s);
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.kind {
            Kind::Builder(m) => write!(f, "invalid request or configuration: {m}")?,
            Kind::Connect => f.write_str("error connecting to the server")?,
            Kind::Tls => f.write_str("TLS handshake failed")?,
            Kind::Timeout(k, Some(after)) => write!(f, "{k} timeout after {after:?}")?,
            Kind::Timeout(k, None) => write!(f, "{k} timeout")?,
            Kind::Request => f.write_str("error sending the request")?,
            Kind::Body => f.write_str("error reading the response body")?,
            Kind::Api(e) => fmt::Display::fmt(e, f)?,
            Kind::Decode(s) => write!(f, "unexpected response body: `{s}`")?,
            Kind::TooLarge {
                limit,
                content_length: Some(len),
            } => write!(
                f,
                "the response body ({len} bytes) is larger than the {limit}-byte limit"
            )?,
            Kind::TooLarge {
                limit,
                content_length: None,
            } => write!(f, "the response body is larger than the {limit}-byte limit")?,
            Kind::Unexpected(u) => write!(f, "unexpected response: {u}")?,
        }
        if self.inner.attempts > 1 {
            write!(f, " (after {} attempts)", self.inner.attempts)?;
        }
        Ok(())
    }
}

/// `s` with every control character escaped (`\n`, `\u{1b}`, ...), so that a snippet of a
/// body prints on one line and cannot drive a terminal.
pub(crate) fn escape_controls(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The source of a shared error, seen through the `Arc` (see [`Error::duplicate`]).
struct SharedSource(Arc<Error>);

impl fmt::Debug for SharedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.inner.source {
            Some(s) => fmt::Debug::fmt(s, f),
            None => f.write_str("None"),
        }
    }
}

impl fmt::Display for SharedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.inner.source {
            Some(s) => fmt::Display::fmt(s, f),
            None => Ok(()),
        }
    }
}

impl StdError for SharedSource {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0.inner.source.as_deref().and_then(StdError::source)
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predicates() {
        let e = Error::connect("refused");
        assert!(e.is_connect() && !e.is_request_sent() && e.is_retryable());
        let e = Error::tls("bad cert");
        assert!(e.is_tls() && e.is_connect() && !e.is_request_sent() && !e.is_retryable());
        let e = Error::timeout(TimeoutKind::Idle, Some(Duration::from_secs(1)));
        assert!(e.is_timeout() && e.is_body() && e.is_request_sent());
        assert_eq!(e.to_string(), "idle body timeout after 1s");
        let e = Error::timeout(TimeoutKind::Connect, None).with_attempts(3);
        assert!(e.is_connect() && !e.is_request_sent());
        assert_eq!(e.attempts(), 3);
        assert_eq!(e.to_string(), "connect timeout (after 3 attempts)");
        let e = Error::body_too_large(10, Some(11));
        assert!(e.is_body_too_large() && e.is_request_sent() && !e.is_retryable());
        assert_eq!(e.body_limit(), Some(10));
        assert_eq!(
            e.to_string(),
            "the response body (11 bytes) is larger than the 10-byte limit"
        );
        let e = Error::unexpected(http::StatusCode::OK, None, "a\u{1b}[2Jb\r\n");
        assert!(e.is_unexpected_response() && !e.is_retryable());
        assert_eq!(
            e.to_string(),
            "unexpected response: HTTP 200, content type (none), body `a\\u{1b}[2Jb\\r\\n`"
        );
        let e = Error::decode("eof", "{\"a\"");
        assert!(e.is_decode());
        assert_eq!(e.decode_snippet(), Some("{\"a\""));
        assert!(e.source().is_some());
    }

    #[test]
    fn error_is_send_sync() {
        fn check<T: Send + Sync + 'static>() {}
        check::<Error>();
    }
}
