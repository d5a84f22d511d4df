//! Configuration shared by every surface: API key, base URL, API version, headers, timeouts.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderMap;
use http::header::{HeaderName, HeaderValue};

use crate::{Error, RetryPolicy};

/// The default base URL of the Gemini Developer API.
pub const DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com";

/// `gemini-rs/<version> gl-rust/<rustc version>`, sent as `user-agent` and `x-goog-api-client`.
pub const USER_AGENT: &str = concat!(
    "gemini-rs/",
    env!("CARGO_PKG_VERSION"),
    " gl-rust/",
    env!("GEMINI_TRANSPORT_RUSTC_VERSION")
);

/// An API key. A secret: `Debug` and `Display` print `***`, and it is only ever sent in the
/// `x-goog-api-key` header, marked sensitive, never in a URL.
///
/// ```
/// use gemini_transport::ApiKey;
/// let key = ApiKey::new("  AIza-secret \n");
/// assert_eq!(key.expose_secret(), "AIza-secret");
/// assert_eq!(format!("{key:?} {key}"), "ApiKey(***) ***");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(Arc<str>);

impl ApiKey {
    /// Wraps a key; surrounding whitespace is trimmed (as the official SDKs do).
    pub fn new(key: impl AsRef<str>) -> Self {
        Self(Arc::from(key.as_ref().trim()))
    }

    /// The key itself. Avoid logging it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Reads the key from the environment with the official SDKs' precedence:
    /// `GOOGLE_API_KEY`, then `GEMINI_API_KEY`; empty (after trimming) counts as unset; a
    /// warning is logged through `tracing` when both are set.
    pub fn from_env() -> Option<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with a custom variable lookup (for tests and sandboxes).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Option<Self> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        match (get("GOOGLE_API_KEY"), get("GEMINI_API_KEY")) {
            (Some(google), Some(_)) => {
                tracing::warn!(
                    "Both GOOGLE_API_KEY and GEMINI_API_KEY are set. Using GOOGLE_API_KEY."
                );
                Some(Self::new(google))
            }
            (Some(k), None) | (None, Some(k)) => Some(Self::new(k)),
            (None, None) => None,
        }
    }

    /// The `x-goog-api-key` header value, marked sensitive.
    pub(crate) fn header_value(&self) -> Result<HeaderValue, Error> {
        let mut v = HeaderValue::from_str(&self.0).map_err(|_| {
            Error::builder("the API key contains characters not allowed in an HTTP header")
        })?;
        v.set_sensitive(true);
        Ok(v)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for ApiKey {
    fn from(s: &str) -> Self {
        Self::new(s)
    }
}

impl From<String> for ApiKey {
    fn from(s: String) -> Self {
        Self::new(s)
    }
}

/// The API version, a runtime value (never a feature flag).
///
/// ```
/// use gemini_transport::ApiVersion;
/// assert_eq!(ApiVersion::default().as_str(), "v1beta");
/// assert_eq!("beta".parse::<ApiVersion>().unwrap(), ApiVersion::V1Beta);
/// assert_eq!(ApiVersion::from("v2").as_str(), "v2");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiVersion {
    /// `v1beta`: the superset where preview features land first (the default).
    #[default]
    V1Beta,
    /// `v1`: the stable surface.
    V1,
    /// `v1alpha`: needed for ephemeral auth tokens and some experimental fields.
    V1Alpha,
    /// Any other version string, used verbatim as the first path segment.
    Custom(String),
}

impl ApiVersion {
    /// The path segment (`v1beta`, ...).
    pub fn as_str(&self) -> &str {
        match self {
            Self::V1Beta => "v1beta",
            Self::V1 => "v1",
            Self::V1Alpha => "v1alpha",
            Self::Custom(s) => s,
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for ApiVersion {
    /// Accepts `v1`, `v1beta` (or `beta`, as `GOOGLE_GENAI_API_VERSION` does), `v1alpha`;
    /// anything else becomes [`ApiVersion::Custom`].
    fn from(s: &str) -> Self {
        match s.trim() {
            "v1beta" | "beta" => Self::V1Beta,
            "v1" => Self::V1,
            "v1alpha" => Self::V1Alpha,
            other => Self::Custom(other.to_owned()),
        }
    }
}

impl FromStr for ApiVersion {
    type Err = Error;
    /// Like `From<&str>`, but rejects strings that cannot be a path segment.
    fn from_str(s: &str) -> Result<Self, Error> {
        let v = Self::from(s);
        let seg = v.as_str();
        if seg.is_empty()
            || !seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        {
            return Err(Error::builder(format!("invalid API version `{seg}`")));
        }
        Ok(v)
    }
}

/// The timeouts, each with a default. `None` disables one. Every call has a bound by default
/// (see the table in the [crate docs](crate#timeouts-and-limits)).
///
/// | timeout | default | covers |
/// |---|---|---|
/// | `connect` | 10 s | TCP, proxy tunnel and TLS handshake of a new connection (the default transport); also a request waiting for another's connect |
/// | `response_headers` | 10 min | a unary call, from sending the request to the response head (the server holds it until the answer is complete) |
/// | `stream_response_headers` | 60 s | the same for a stream (the server sends the head at once) |
/// | `idle` | 5 min | the longest wait for progress of a body: any byte of a unary body, a whole event of a stream (bytes that do not complete an event do not count) |
/// | `total` | 10 min | a whole unary call, retries and body included |
/// | `stream_total` | 20 min | a whole stream, retries and every event included |
///
/// The server bounds unary calls to about 10 minutes and streams to about 20, so the totals
/// match it; the remaining whole seconds of the deadline are sent in `X-Server-Timeout`.
/// [`with_total`](Self::with_total) sets both totals, [`with_response_headers`](Self::with_response_headers)
/// both header timeouts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Connecting (TCP, proxy tunnel, TLS).
    pub connect: Option<Duration>,
    /// Waiting for the response head of a unary call.
    pub response_headers: Option<Duration>,
    /// Waiting for the response head of a stream.
    pub stream_response_headers: Option<Duration>,
    /// Waiting for progress of a body: a byte (unary) or an event (stream).
    pub idle: Option<Duration>,
    /// A whole unary call.
    pub total: Option<Duration>,
    /// A whole stream.
    pub stream_total: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Some(Duration::from_secs(10)),
            response_headers: Some(Duration::from_secs(600)),
            stream_response_headers: Some(Duration::from_secs(60)),
            idle: Some(Duration::from_secs(300)),
            total: Some(Duration::from_secs(600)),
            stream_total: Some(Duration::from_secs(1200)),
        }
    }
}

impl Timeouts {
    /// No timeouts at all.
    pub fn none() -> Self {
        Self {
            connect: None,
            response_headers: None,
            stream_response_headers: None,
            idle: None,
            total: None,
            stream_total: None,
        }
    }

    /// Sets the connect timeout.
    #[must_use]
    pub fn with_connect(mut self, t: impl Into<Option<Duration>>) -> Self {
        self.connect = t.into();
        self
    }

    /// Sets the response-headers timeout of unary calls and streams.
    #[must_use]
    pub fn with_response_headers(mut self, t: impl Into<Option<Duration>>) -> Self {
        self.response_headers = t.into();
        self.stream_response_headers = self.response_headers;
        self
    }

    /// Sets the response-headers timeout of streams only.
    #[must_use]
    pub fn with_stream_response_headers(mut self, t: impl Into<Option<Duration>>) -> Self {
        self.stream_response_headers = t.into();
        self
    }

    /// Sets the idle timeout (between body chunks of a unary call, between events of a
    /// stream).
    #[must_use]
    pub fn with_idle(mut self, t: impl Into<Option<Duration>>) -> Self {
        self.idle = t.into();
        self
    }

    /// Sets the total deadline of every call, unary and stream.
    #[must_use]
    pub fn with_total(mut self, t: impl Into<Option<Duration>>) -> Self {
        self.total = t.into();
        self.stream_total = self.total;
        self
    }

    /// Sets the total deadline of streams only.
    #[must_use]
    pub fn with_stream_total(mut self, t: impl Into<Option<Duration>>) -> Self {
        self.stream_total = t.into();
        self
    }
}

/// The default [`Config::max_body_size`]: 64 MiB.
pub const DEFAULT_MAX_BODY_SIZE: usize = 64 << 20;

/// The default [`Config::max_error_body_size`]: 64 KiB.
pub const DEFAULT_MAX_ERROR_BODY_SIZE: usize = 64 << 10;

/// Everything that configures requests, independent of the transport.
///
/// ```
/// use gemini_transport::{ApiVersion, Config};
/// let config = Config::new()
///     .with_api_key("my-key")
///     .with_api_version(ApiVersion::V1)
///     .with_base_url("http://127.0.0.1:8080")
///     .unwrap();
/// assert_eq!(config.base_url(), "http://127.0.0.1:8080");
/// assert_eq!(format!("{config:?}").contains("my-key"), false);
/// ```
#[derive(Clone, Debug)]
pub struct Config {
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) base_url: String,
    pub(crate) api_version: ApiVersion,
    pub(crate) default_headers: HeaderMap,
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) max_body_size: usize,
    pub(crate) max_error_body_size: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

impl Config {
    /// Defaults: no key, [`DEFAULT_BASE_URL`], `v1beta`, default [`Timeouts`] and
    /// [`RetryPolicy`].
    pub fn new() -> Self {
        Self {
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_version: ApiVersion::V1Beta,
            default_headers: HeaderMap::new(),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            user_agent: USER_AGENT.to_owned(),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            max_error_body_size: DEFAULT_MAX_ERROR_BODY_SIZE,
        }
    }

    /// Defaults overridden from the environment: the key ([`ApiKey::from_env`]),
    /// `GOOGLE_GEMINI_BASE_URL`, `GOOGLE_GENAI_API_VERSION`. An invalid value is an error, not
    /// silently ignored.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with a custom variable lookup.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let mut c = Self::new();
        c.api_key = ApiKey::from_lookup(&lookup);
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(url) = get("GOOGLE_GEMINI_BASE_URL") {
            c = c.with_base_url(&url)?;
        }
        if let Some(v) = get("GOOGLE_GENAI_API_VERSION") {
            c.api_version = v.parse()?;
        }
        Ok(c)
    }

    /// Sets the API key.
    #[must_use]
    pub fn with_api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Sets the base URL (`scheme://host[:port][/prefix]`, no query). A trailing `/` is ignored.
    pub fn with_base_url(mut self, url: &str) -> Result<Self, Error> {
        let trimmed = url.trim().trim_end_matches('/');
        let uri: http::Uri = trimmed
            .parse()
            .map_err(|_| Error::builder(format!("invalid base URL `{trimmed}`")))?;
        let ok_scheme = matches!(uri.scheme_str(), Some("http" | "https"));
        if !ok_scheme || uri.authority().is_none() || uri.query().is_some() {
            return Err(Error::builder(format!(
                "invalid base URL `{trimmed}`: expected http(s)://host[:port][/path]"
            )));
        }
        trimmed.clone_into(&mut self.base_url);
        Ok(self)
    }

    /// Sets the API version.
    #[must_use]
    pub fn with_api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = version;
        self
    }

    /// Adds a header sent with every request (a request's own headers win).
    #[must_use]
    pub fn with_default_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.default_headers.append(name, value);
        self
    }

    /// Sets the timeouts.
    #[must_use]
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Sets the retry policy.
    #[must_use]
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the largest 2xx body a unary call buffers ([`DEFAULT_MAX_BODY_SIZE`], 64 MiB, by
    /// default). A larger one fails the call with [`Error::is_body_too_large`]: at once when
    /// its `Content-Length` says so, or as soon as that many bytes have arrived; nothing more
    /// is read. Streams are not buffered and are not limited by it.
    #[must_use]
    pub fn with_max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// Sets how much of an error answer's body is read ([`DEFAULT_MAX_ERROR_BODY_SIZE`],
    /// 64 KiB, by default). The rest is not downloaded (the connection is dropped), and the
    /// [`ApiError`](crate::ApiError) keeps the prefix ([`ApiError::is_body_truncated`](crate::ApiError::is_body_truncated)).
    #[must_use]
    pub fn with_max_error_body_size(mut self, bytes: usize) -> Self {
        self.max_error_body_size = bytes;
        self
    }

    /// The largest 2xx body a unary call buffers.
    pub fn max_body_size(&self) -> usize {
        self.max_body_size
    }

    /// How much of an error answer's body is read.
    pub fn max_error_body_size(&self) -> usize {
        self.max_error_body_size
    }

    /// Appends a product token (`my-app/1.2`) to `user-agent` and `x-goog-api-client`.
    #[must_use]
    pub fn with_user_agent_suffix(mut self, token: &str) -> Self {
        self.user_agent.push(' ');
        self.user_agent.push_str(token.trim());
        self
    }

    /// The API key, if any.
    pub fn api_key(&self) -> Option<&ApiKey> {
        self.api_key.as_ref()
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The API version.
    pub fn api_version(&self) -> &ApiVersion {
        &self.api_version
    }

    /// The timeouts.
    pub fn timeouts(&self) -> &Timeouts {
        &self.timeouts
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The default headers.
    pub fn default_headers(&self) -> &HeaderMap {
        &self.default_headers
    }

    /// The `user-agent` / `x-goog-api-client` value.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn key_precedence() {
        let k =
            |p: &[(&str, &str)]| ApiKey::from_lookup(env(p)).map(|k| k.expose_secret().to_owned());
        assert_eq!(k(&[]), None);
        assert_eq!(k(&[("GEMINI_API_KEY", "g")]), Some("g".into()));
        assert_eq!(
            k(&[("GOOGLE_API_KEY", " a "), ("GEMINI_API_KEY", "g")]),
            Some("a".into())
        );
        assert_eq!(
            k(&[("GOOGLE_API_KEY", "  "), ("GEMINI_API_KEY", "g")]),
            Some("g".into())
        );
        assert_eq!(k(&[("GOOGLE_API_KEY", ""), ("GEMINI_API_KEY", "")]), None);
    }

    #[test]
    fn config_from_lookup() {
        let c = Config::from_lookup(env(&[
            ("GEMINI_API_KEY", "k"),
            ("GOOGLE_GEMINI_BASE_URL", " http://127.0.0.1:9/prefix/ "),
            ("GOOGLE_GENAI_API_VERSION", "beta"),
        ]))
        .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9/prefix");
        assert_eq!(c.api_version(), &ApiVersion::V1Beta);
        assert_eq!(c.api_key().unwrap().expose_secret(), "k");
        let c = Config::from_lookup(env(&[("GOOGLE_GENAI_API_VERSION", "v1alpha")])).unwrap();
        assert_eq!(c.api_version(), &ApiVersion::V1Alpha);
        assert_eq!(c.base_url(), DEFAULT_BASE_URL);
        assert!(Config::from_lookup(env(&[("GOOGLE_GEMINI_BASE_URL", "ftp://x")])).is_err());
        assert!(Config::from_lookup(env(&[("GOOGLE_GENAI_API_VERSION", "v1/../x")])).is_err());
        assert!(Config::new().with_base_url("not a url").is_err());
    }

    #[test]
    fn user_agent_shape() {
        assert!(USER_AGENT.starts_with("gemini-rs/"));
        assert!(USER_AGENT.contains(" gl-rust/"));
        let c = Config::new().with_user_agent_suffix("app/1");
        assert!(c.user_agent().ends_with(" app/1"));
    }

    #[test]
    fn invalid_key_header() {
        assert!(ApiKey::new("a\u{7f}b").header_value().is_err());
        assert!(ApiKey::new("abc").header_value().unwrap().is_sensitive());
    }
}
