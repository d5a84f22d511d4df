//! [`RequestSpec`] (what to send) and [`RequestOptions`] (per-call overrides).

use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::{Error, RetryPolicy};

/// Characters left as-is in a query component (RFC 3986 unreserved).
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Per-call overrides of the client's configuration.
///
/// ```
/// use std::time::Duration;
/// use gemini_transport::{RequestOptions, RetryPolicy};
/// let opts = RequestOptions::new()
///     .with_timeout(Duration::from_secs(30))
///     .with_retry_policy(RetryPolicy::disabled())
///     .with_header(http::header::HeaderName::from_static("x-goog-user-project"), http::HeaderValue::from_static("p"));
/// assert_eq!(opts.timeout(), Some(Duration::from_secs(30)));
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) response_headers_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) headers: HeaderMap,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// The total deadline of this call (unary and streaming), retries included.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The idle timeout between body chunks for this call.
    #[must_use]
    pub fn with_idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    /// The response-headers timeout for this call.
    #[must_use]
    pub fn with_response_headers_timeout(mut self, timeout: Duration) -> Self {
        self.response_headers_timeout = Some(timeout);
        self
    }

    /// The retry policy for this call.
    #[must_use]
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// A header for this call; it replaces a default or endpoint header of the same name.
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// The total deadline, if set.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The retry policy override, if set.
    pub fn retry_policy(&self) -> Option<&RetryPolicy> {
        self.retry.as_ref()
    }

    /// The extra headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Target {
    Path { path: String, upload: bool },
    Absolute(http::Uri),
}

/// One API call to make: method, path under the API version, query, headers, body, options.
///
/// The path is relative to `{base_url}/{version}/`, exactly as in the REST reference
/// (`models/gemini-2.5-flash:generateContent`). The API key, user agent and
/// `X-Server-Timeout` are added by the [`HttpClient`](crate::HttpClient).
///
/// ```
/// use gemini_transport::RequestSpec;
/// let spec = RequestSpec::post("models/gemini-2.5-flash:streamGenerateContent")
///     .query("alt", "sse")
///     .json(&serde_json::json!({"contents": [{"parts": [{"text": "hi"}]}]}))
///     .unwrap();
/// assert_eq!(spec.method(), http::Method::POST);
/// ```
#[derive(Clone, Debug)]
pub struct RequestSpec {
    pub(crate) method: Method,
    pub(crate) target: Target,
    pub(crate) query: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    /// Boxed: most calls have none, and the spec is held by every call's future.
    pub(crate) options: Option<Box<RequestOptions>>,
}

impl RequestSpec {
    /// A request for `path` (relative to the API version) with `method`.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Self {
            method,
            target: Target::Path {
                path: path.into(),
                upload: false,
            },
            query: String::new(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            options: None,
        }
    }

    /// A `GET` request.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    /// A `POST` request.
    pub fn post(path: impl Into<String>) -> Self {
        Self::new(Method::POST, path)
    }

    /// A `PATCH` request.
    pub fn patch(path: impl Into<String>) -> Self {
        Self::new(Method::PATCH, path)
    }

    /// A `DELETE` request.
    pub fn delete(path: impl Into<String>) -> Self {
        Self::new(Method::DELETE, path)
    }

    /// A request to an absolute URL (for example the `X-Goog-Upload-URL` of a resumable
    /// upload). The API key is sent only if the URL has the same scheme, host and port as the
    /// base URL.
    pub fn absolute(method: Method, uri: http::Uri) -> Self {
        let mut s = Self::new(method, String::new());
        s.target = Target::Absolute(uri);
        s
    }

    /// Sends the request under the upload prefix: `{base_url}/upload/{version}/{path}`.
    #[must_use]
    pub fn upload(mut self) -> Self {
        if let Target::Path { upload, .. } = &mut self.target {
            *upload = true;
        }
        self
    }

    /// Appends a query parameter; both parts are percent-encoded.
    #[must_use]
    pub fn query(mut self, name: &str, value: &str) -> Self {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        self.query.extend(utf8_percent_encode(name, QUERY));
        self.query.push('=');
        self.query.extend(utf8_percent_encode(value, QUERY));
        self
    }

    /// Adds a header (it replaces a default header of the same name).
    #[must_use]
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// Sets a raw body.
    #[must_use]
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Serializes `value` as the JSON body and sets `content-type: application/json`.
    pub fn json<T: serde::Serialize + ?Sized>(mut self, value: &T) -> Result<Self, Error> {
        let body = serde_json::to_vec(value)
            .map_err(|e| Error::builder(format!("could not serialize the request body: {e}")))?;
        self.body = body.into();
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(self)
    }

    /// Sets the per-call options.
    #[must_use]
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = Some(Box::new(options));
        self
    }

    /// The method.
    pub fn method(&self) -> Method {
        self.method.clone()
    }

    /// The per-call options.
    pub fn request_options(&self) -> &RequestOptions {
        static NONE: std::sync::LazyLock<RequestOptions> =
            std::sync::LazyLock::new(RequestOptions::default);
        self.options.as_deref().unwrap_or(&NONE)
    }

    /// The body.
    pub fn body_bytes(&self) -> &Bytes {
        &self.body
    }

    /// The path (for tracing; `""` for absolute URLs, whose path is used instead).
    pub(crate) fn log_path(&self) -> &str {
        match &self.target {
            Target::Path { path, .. } => path,
            Target::Absolute(uri) => uri.path(),
        }
    }

    /// Builds the absolute URI on `base`.
    pub(crate) fn uri(&self, base: &Base) -> Result<http::Uri, Error> {
        let (path, upload) = match &self.target {
            Target::Absolute(uri) => return Ok(uri.clone()),
            Target::Path { path, upload } => (path.trim_start_matches('/'), *upload),
        };
        let invalid = || Error::builder(format!("invalid request path `{path}`"));
        if !valid_path(path.as_bytes()) {
            return Err(invalid());
        }
        let mut s = String::with_capacity(
            base.prefix.len() + base.version.len() + path.len() + self.query.len() + 10,
        );
        s.push_str(&base.prefix);
        s.push('/');
        if upload {
            s.push_str("upload/");
        }
        s.push_str(&base.version);
        s.push('/');
        s.push_str(path);
        if !self.query.is_empty() {
            s.push('?');
            s.push_str(&self.query);
        }
        let path_and_query =
            http::uri::PathAndQuery::from_maybe_shared(Bytes::from(s)).map_err(|_| invalid())?;
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(base.scheme.clone());
        parts.authority = Some(base.authority.clone());
        parts.path_and_query = Some(path_and_query);
        http::Uri::from_parts(parts).map_err(|_| invalid())
    }
}

/// A relative API path: no `?`, `#`, spaces or control characters, and no `.` or `..`
/// segment. Runs on every request, so it is written to be cheap: one branch-free pass for the
/// forbidden bytes, then a look at each `.` only.
#[allow(clippy::needless_bitwise_bool)] // Branch-free on purpose.
fn valid_path(path: &[u8]) -> bool {
    let forbidden = path.iter().fold(false, |acc, &b| {
        acc | (b <= b' ') | (b == 0x7f) | (b == b'?') | (b == b'#')
    });
    if forbidden {
        return false;
    }
    let mut from = 0;
    while let Some(i) = path[from..].iter().position(|&b| b == b'.') {
        let at = from + i;
        let starts_segment = at == 0 || path[at - 1] == b'/';
        if starts_segment {
            let mut end = at + 1;
            if path.get(end) == Some(&b'.') {
                end += 1;
            }
            if matches!(path.get(end), None | Some(b'/')) {
                return false;
            }
        }
        from = at + 1;
    }
    true
}

/// The base URL and API version, parsed once per client: every request URI is built from
/// their parts without re-parsing the scheme and authority.
#[derive(Clone, Debug)]
pub(crate) struct Base {
    pub(crate) scheme: http::uri::Scheme,
    pub(crate) authority: http::uri::Authority,
    /// The base URL's path without its trailing `/` (usually empty).
    prefix: String,
    version: String,
}

impl Base {
    /// Parses `base_url` (scheme, authority, optional path).
    pub(crate) fn new(base_url: &str, version: &str) -> Result<Self, Error> {
        let uri: http::Uri = base_url
            .parse()
            .map_err(|_| Error::builder("invalid base URL"))?;
        let parts = uri.into_parts();
        let (Some(scheme), Some(authority)) = (parts.scheme, parts.authority) else {
            return Err(Error::builder(
                "the base URL needs a scheme and a host (`https://host`)",
            ));
        };
        let prefix = parts
            .path_and_query
            .as_ref()
            .map_or("", http::uri::PathAndQuery::path)
            .trim_end_matches('/')
            .to_owned();
        Ok(Self {
            scheme,
            authority,
            prefix,
            version: version.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_urls() {
        let s = RequestSpec::post("models/gemini-2.5-flash:streamGenerateContent")
            .query("alt", "sse")
            .query("page token", "a/b&c");
        assert_eq!(
            s.uri(&Base::new("https://h", "v1beta").unwrap())
                .unwrap()
                .to_string(),
            "https://h/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&page%20token=a%2Fb%26c"
        );
        for good in [
            "models/gemini-2.5-flash",
            "a/.b",
            "a/..b/c",
            "a./b",
            "x.",
            "...",
        ] {
            assert!(valid_path(good.as_bytes()), "{good}");
        }
        let s = RequestSpec::post("/files").upload();
        assert_eq!(
            s.uri(&Base::new("http://127.0.0.1:1/p/", "v1").unwrap())
                .unwrap()
                .to_string(),
            "http://127.0.0.1:1/p/upload/v1/files"
        );
        for bad in [
            "models/../x",
            "a?b",
            "a b",
            "a#b",
            "..",
            "x/.",
            "./x",
            "a/../b",
            "a\u{7f}",
        ] {
            assert!(
                RequestSpec::get(bad)
                    .uri(&Base::new("https://h", "v1").unwrap())
                    .is_err(),
                "{bad}"
            );
        }
        let abs = RequestSpec::absolute(Method::PUT, "https://h/upload?id=1".parse().unwrap());
        assert_eq!(
            abs.uri(&Base::new("https://x", "v1").unwrap())
                .unwrap()
                .to_string(),
            "https://h/upload?id=1"
        );
    }

    #[test]
    fn json_body_sets_content_type() {
        let s = RequestSpec::post("x")
            .json(&serde_json::json!({"a": 1}))
            .unwrap();
        assert_eq!(s.body_bytes().as_ref(), br#"{"a":1}"#);
        assert_eq!(s.headers[CONTENT_TYPE], "application/json");
    }
}
