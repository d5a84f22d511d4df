//! [`HttpClient`]: the layer every endpoint goes through (URL, headers, timeouts, retries,
//! error parsing, tracing) on top of any [`Transport`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use http::{HeaderMap, Request, Response};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::request::{Base, Target};
use crate::retry::RetryDecision;
use crate::{
    ApiError, BoxFuture, Clock, Config, Error, RequestSpec, ResponseBody, RetryPolicy, Sleeper,
    SystemClock, TimeoutKind, Transport,
};

const X_GOOG_API_KEY: HeaderName = HeaderName::from_static("x-goog-api-key");
const X_GOOG_API_CLIENT: HeaderName = HeaderName::from_static("x-goog-api-client");
const X_SERVER_TIMEOUT: HeaderName = HeaderName::from_static("x-server-timeout");

/// The longest excerpt of a body kept in a decode error.
const SNIPPET_LEN: usize = 256;

/// Sends API requests: builds the URL from the base URL, API version and path; adds the API key
/// (`x-goog-api-key`, marked sensitive), `user-agent`, `x-goog-api-client` and
/// `X-Server-Timeout`; enforces the timeouts; retries per the [`RetryPolicy`]; turns non-2xx
/// answers into [`ApiError`]s; and opens a `tracing` span per attempt (method, path, attempt,
/// status, latency; never the key or the query).
///
/// Cheap to clone (an `Arc` inside), `Send + Sync`.
///
/// ```no_run
/// # async fn demo() -> Result<(), gemini_transport::Error> {
/// use gemini_transport::{Config, HttpClient, RequestSpec};
/// let client = HttpClient::new(Config::from_env()?)?;
/// let models: serde_json::Value = client.execute_json(RequestSpec::get("models")).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    /// The parsed base URL and API version.
    base: Base,
    /// The headers every request starts from, validated once: the defaults, `user-agent` and
    /// `x-goog-api-client`. Each request inserts them into a map sized for all its headers
    /// (cheaper than cloning a map and growing it).
    base_headers: Vec<(HeaderName, HeaderValue)>,
    /// The key header (`x-goog-api-key`), sensitive.
    key_header: Option<HeaderValue>,
    /// `x-server-timeout` for the configured total timeout, the value of a first attempt.
    total_timeout_header: Option<(u64, HeaderValue)>,
    transport: Arc<dyn Transport>,
    clock: Arc<dyn Clock>,
    retry_sleeper: Arc<dyn Sleeper>,
    timer: Arc<dyn Sleeper>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("config", &self.inner.config)
            .field("transport", &self.inner.transport)
            .finish_non_exhaustive()
    }
}

/// Builds an [`HttpClient`]: configuration, transport and time sources.
#[derive(Debug, Default)]
pub struct HttpClientBuilder {
    config: Config,
    transport: Option<Arc<dyn Transport>>,
    clock: Option<Arc<dyn Clock>>,
    retry_sleeper: Option<Arc<dyn Sleeper>>,
    timer: Option<Arc<dyn Sleeper>>,
}

impl HttpClientBuilder {
    /// Sets the configuration.
    #[must_use]
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Sets the transport (default: a [`HyperTransport`](crate::HyperTransport) using the
    /// configured connect timeout and this builder's clock, with the `hyper` feature).
    #[must_use]
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Sets the clock used for deadlines and retry budgets (default: [`SystemClock`]).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Sets the sleeper used to wait between retries (default: tokio's timer).
    #[must_use]
    pub fn retry_sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.retry_sleeper = Some(sleeper);
        self
    }

    /// Sets the timer behind the timeouts (default: tokio's timer).
    #[must_use]
    pub fn timer(mut self, timer: Arc<dyn Sleeper>) -> Self {
        self.timer = Some(timer);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<HttpClient, Error> {
        let config = self.config;
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let transport = match self.transport {
            Some(t) => t,
            None => default_transport(&config, &clock)?,
        };
        let timer = match self.timer {
            Some(t) => t,
            None => default_sleeper()?,
        };
        let retry_sleeper = match self.retry_sleeper {
            Some(t) => t,
            None => default_sleeper()?,
        };
        let key_header = config
            .api_key
            .as_ref()
            .map(crate::ApiKey::header_value)
            .transpose()?;
        let ua_header = HeaderValue::from_str(&config.user_agent)
            .map_err(|_| Error::builder("the user agent is not a valid header value"))?;
        let base = Base::new(&config.base_url, config.api_version.as_str())?;
        let total_timeout_header = config.timeouts.total.map(|t| {
            let secs = server_timeout_secs(t);
            (secs, HeaderValue::from(secs))
        });
        let mut base_headers: Vec<(HeaderName, HeaderValue)> = config
            .default_headers
            .iter()
            .filter(|(name, _)| **name != USER_AGENT && **name != X_GOOG_API_CLIENT)
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        base_headers.push((USER_AGENT, ua_header.clone()));
        base_headers.push((X_GOOG_API_CLIENT, ua_header));
        Ok(HttpClient {
            inner: Arc::new(Inner {
                config,
                base,
                base_headers,
                key_header,
                total_timeout_header,
                transport,
                clock,
                retry_sleeper,
                timer,
            }),
        })
    }
}

#[cfg(feature = "hyper")]
fn default_transport(config: &Config, clock: &Arc<dyn Clock>) -> Result<Arc<dyn Transport>, Error> {
    Ok(Arc::new(
        crate::HyperTransport::builder()
            .connect_timeout(config.timeouts.connect)
            .clock(Arc::clone(clock))
            .build()?,
    ))
}

#[cfg(not(feature = "hyper"))]
fn default_transport(_: &Config, _: &Arc<dyn Clock>) -> Result<Arc<dyn Transport>, Error> {
    Err(Error::builder(
        "no transport configured: enable the `hyper` feature or call `.transport(..)`",
    ))
}

#[cfg(feature = "hyper")]
#[allow(clippy::unnecessary_wraps)] // Fallible without the feature.
fn default_sleeper() -> Result<Arc<dyn Sleeper>, Error> {
    Ok(Arc::new(crate::TokioSleeper))
}

#[cfg(not(feature = "hyper"))]
fn default_sleeper() -> Result<Arc<dyn Sleeper>, Error> {
    Err(Error::builder(
        "no timer configured: enable the `hyper` feature or call `.timer(..)` and `.retry_sleeper(..)`",
    ))
}

/// The total deadline of a call.
#[derive(Clone, Copy)]
struct Deadline {
    at: Instant,
    /// The configured total, for the error message.
    total: Option<Duration>,
    /// What was left of it when the attempt started.
    remaining: Duration,
}

/// What an attempt produced.
enum Outcome<T> {
    Done(T),
    /// A failure after a 2xx answer began: never retried, whatever the error says (an error
    /// envelope in a 200 may carry a retryable status).
    Stop(Error),
}

impl HttpClient {
    /// A builder.
    pub fn builder() -> HttpClientBuilder {
        HttpClientBuilder::default()
    }

    /// A client with the default [`HyperTransport`](crate::HyperTransport).
    #[cfg(feature = "hyper")]
    pub fn new(config: Config) -> Result<Self, Error> {
        Self::builder().config(config).build()
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The transport.
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.inner.transport
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The timer behind the timeouts (the facade uses it for its own stream timeouts).
    pub fn timer(&self) -> &Arc<dyn Sleeper> {
        &self.inner.timer
    }

    /// Makes a unary call and reads the whole body: retries, the total deadline (covering
    /// retries and the body) and the other timeouts apply. A non-2xx answer is an
    /// [`Error::api`] error, and so is a 2xx whose body is only an error envelope
    /// (`{"error": {...}}`), not retried. A body over
    /// [`Config::max_body_size`](crate::Config::max_body_size) is an
    /// [`Error::is_body_too_large`] error.
    ///
    /// The future owns what it needs (it does not borrow the client), so it can be spawned.
    pub fn execute(
        &self,
        spec: RequestSpec,
    ) -> impl Future<Output = Result<Response<Bytes>, Error>> + Send + use<> {
        let this = self.clone();
        async move { this.execute_ref(&spec).await }
    }

    /// [`execute`](Self::execute), then decodes the JSON body into `T`. A body that does not
    /// decode is an [`Error::is_decode`] error with a bounded snippet of it.
    pub fn execute_json<T: DeserializeOwned>(
        &self,
        spec: RequestSpec,
    ) -> impl Future<Output = Result<T, Error>> + Send + use<T> {
        let this = self.clone();
        async move {
            let resp = this.execute_ref(&spec).await?;
            decode_json_scrubbed(resp.body(), this.key())
        }
    }

    /// Opens a server-sent event stream and returns as soon as its first body chunk has
    /// arrived.
    ///
    /// * A non-2xx answer is an [`Error::api`] error (retried per the policy); a 2xx that is
    ///   not `text/event-stream` or has an empty body is an
    ///   [`Error::is_unexpected_response`] error (an error envelope in JSON is the matching
    ///   [`Error::api`] error); neither is retried: the server processed the request.
    /// * Retries apply only until the response head; a stream is never retried once a 2xx
    ///   began.
    /// * Timeouts: the stream's response-headers timeout, the idle timeout measured between
    ///   whole events, and the stream's total deadline (from the request's options, else
    ///   [`Timeouts::stream_total`](crate::Timeouts::stream_total)) over the whole stream.
    pub fn execute_streaming(
        &self,
        spec: RequestSpec,
    ) -> impl Future<Output = Result<Response<ResponseBody>, Error>> + Send + use<> {
        let this = self.clone();
        async move { this.execute_streaming_ref(&spec).await }
    }

    // The calls' futures are kept small: each layer of an `async` call holds its callee's
    // future, and every move of a future copies all of it. The spec lives once, in the
    // outermost future; the layers below borrow it, and the request moves straight into the
    // transport (see `start_attempt`).

    async fn execute_ref(&self, spec: &RequestSpec) -> Result<Response<Bytes>, Error> {
        let total = spec
            .request_options()
            .timeout
            .or(self.inner.config.timeouts.total);
        let per_call = self.attempt_timeouts(spec, false);
        self.run(spec, total, per_call, |attempt| async move {
            let resp = attempt.await?;
            let (parts, body) = resp.into_parts();
            if !parts.status.is_success() {
                return Err(self.read_api_error(&parts, body).await);
            }
            let bytes = body
                .collect_limited(self.inner.config.max_body_size)
                .await?;
            if is_error_envelope(&bytes) {
                return Ok(Outcome::Stop(Error::api(self.api_error(&parts, &bytes))));
            }
            Ok(Outcome::Done(Response::from_parts(parts, bytes)))
        })
        .await
    }

    async fn execute_streaming_ref(
        &self,
        spec: &RequestSpec,
    ) -> Result<Response<ResponseBody>, Error> {
        let total = spec
            .request_options()
            .timeout
            .or(self.inner.config.timeouts.stream_total);
        let per_call = self.attempt_timeouts(spec, true);
        self.run(spec, total, per_call, |attempt| async move {
            let resp = attempt.await?;
            let (parts, body) = resp.into_parts();
            if !parts.status.is_success() {
                return Err(self.read_api_error(&parts, body).await);
            }
            if !is_event_stream(&parts.headers) {
                return Ok(Outcome::Stop(self.not_an_event_stream(&parts, body).await));
            }
            let mut body = body.with_idle_per_event();
            match std::future::poll_fn(|cx| body.poll_data(cx)).await {
                Some(Ok(first)) => Ok(Outcome::Done(Response::from_parts(
                    parts,
                    body.with_prefix(first),
                ))),
                None => Ok(Outcome::Stop(self.unexpected(&parts, b""))),
                Some(Err(e)) => Err(e),
            }
        })
        .await
    }

    /// Reads the start of an error answer's body (the rest is not downloaded) into an
    /// [`ApiError`]; a body that fails midway is that failure.
    #[cold]
    async fn read_api_error(&self, parts: &http::response::Parts, body: ResponseBody) -> Error {
        match body
            .collect_prefix(self.inner.config.max_error_body_size)
            .await
        {
            Ok((bytes, truncated)) => {
                Error::api(self.api_error(parts, &bytes).with_body_truncated(truncated))
            }
            Err(e) => e,
        }
    }

    /// The error for a 2xx stream that is not `text/event-stream`: the matching [`ApiError`]
    /// for an error envelope, else what was received.
    #[cold]
    async fn not_an_event_stream(
        &self,
        parts: &http::response::Parts,
        body: ResponseBody,
    ) -> Error {
        let (bytes, truncated) = match body
            .collect_prefix(self.inner.config.max_error_body_size)
            .await
        {
            Ok(read) => read,
            Err(e) => return e,
        };
        if !truncated && is_error_envelope(&bytes) {
            return Error::api(self.api_error(parts, &bytes));
        }
        self.unexpected(parts, &bytes)
    }

    fn unexpected(&self, parts: &http::response::Parts, body: &[u8]) -> Error {
        let content_type = parts
            .headers
            .get(CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        Error::unexpected(parts.status, content_type, &snippet(body, self.key()))
    }

    /// Builds the `http::Request` that [`execute`](Self::execute) would send for `spec` on
    /// its first attempt (for logging, signing or a custom send loop).
    pub fn build_request(&self, spec: &RequestSpec) -> Result<Request<Bytes>, Error> {
        let uri = spec.uri(&self.inner.base)?;
        let total = spec
            .request_options()
            .timeout
            .or(self.inner.config.timeouts.total);
        Ok(self.request_for(spec, uri, total))
    }

    fn key(&self) -> Option<&str> {
        self.inner
            .config
            .api_key
            .as_ref()
            .map(crate::ApiKey::expose_secret)
    }

    /// The retry loop shared by unary and streaming calls: each attempt's request is handed
    /// to the transport, and `attempt_fn` reads the [`Attempt`]'s response.
    async fn run<'a, T, F, Fut>(
        &'a self,
        spec: &RequestSpec,
        total: Option<Duration>,
        timeouts: AttemptTimeouts,
        attempt_fn: F,
    ) -> Result<T, Error>
    where
        F: Fn(Attempt<'a>) -> Fut,
        Fut: Future<Output = Result<Outcome<T>, Error>>,
    {
        let inner = &*self.inner;
        let policy: &RetryPolicy = spec
            .request_options()
            .retry
            .as_ref()
            .unwrap_or(&inner.config.retry);
        let uri = spec.uri(&inner.base)?;
        let start = inner.clock.now();
        let deadline = total.map(|t| start + t);
        let limit = match (deadline, policy.budget().map(|b| start + b)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let attempt_start = if attempt == 1 {
                start
            } else {
                inner.clock.now()
            };
            let remaining = deadline.map(|d| d.saturating_duration_since(attempt_start));
            if remaining == Some(Duration::ZERO) {
                return Err(Error::timeout(TimeoutKind::Total, total).with_attempts(attempt));
            }
            let req = self.request_for(spec, uri.clone(), remaining);
            let span = tracing::debug_span!(
                "gemini_http",
                method = %spec.method,
                path = spec.log_path(),
                attempt,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let attempt_deadline = deadline.map(|at| Deadline {
                at,
                total,
                remaining: remaining.unwrap_or_default(),
            });
            let sent = self.start_attempt(req, attempt_deadline, timeouts, span.clone());
            // In a block, so the attempt's result is not kept in the future across the wait.
            let err = {
                let result = attempt_fn(sent).instrument(span.clone()).await;
                if !span.is_disabled() {
                    let latency = inner.clock.now().saturating_duration_since(attempt_start);
                    span.record("latency_ms", latency.as_millis() as u64);
                }
                match result {
                    Ok(Outcome::Done(v)) => {
                        tracing::debug!(parent: &span, "request succeeded");
                        return Ok(v);
                    }
                    Ok(Outcome::Stop(e)) => {
                        tracing::debug!(parent: &span, error = %e, "request failed after a 2xx");
                        return Err(e.with_attempts(attempt));
                    }
                    Err(e) => e,
                }
            };
            tracing::debug!(parent: &span, error = %err, "request failed");
            if attempt >= policy.max_attempts() {
                return Err(err.with_attempts(attempt));
            }
            match policy.decide(&err) {
                RetryDecision::Stop => return Err(err.with_attempts(attempt)),
                RetryDecision::Retry(server_delay) => {
                    self.wait_or_stop(policy, server_delay, attempt, limit, err)
                        .await?;
                }
            }
        }
    }

    /// Waits before the next attempt, or returns the error if the wait would not fit in the
    /// budget or the deadline, or is a server delay longer than the policy's maximum backoff.
    async fn wait_or_stop(
        &self,
        policy: &RetryPolicy,
        server_delay: Option<Duration>,
        attempt: u32,
        limit: Option<Instant>,
        err: Error,
    ) -> Result<(), Error> {
        if server_delay.is_some_and(|d| d > policy.max_backoff()) {
            tracing::debug!(
                ?server_delay,
                "the server's delay is longer than the maximum backoff"
            );
            return Err(err.with_attempts(attempt));
        }
        let wait = server_delay.unwrap_or_else(|| policy.wait(attempt - 1));
        if let Some(limit) = limit {
            if self.inner.clock.now() + wait >= limit {
                tracing::debug!(?wait, "retry budget exhausted");
                return Err(err.with_attempts(attempt));
            }
        }
        tracing::debug!(?wait, attempt, "retrying");
        self.inner.retry_sleeper.sleep(wait).await;
        Ok(())
    }

    /// The response-headers and idle timeouts of one call: the per-call
    /// [`RequestOptions`](crate::RequestOptions) override the client's configuration.
    fn attempt_timeouts(&self, spec: &RequestSpec, stream: bool) -> AttemptTimeouts {
        let config = &self.inner.config.timeouts;
        AttemptTimeouts {
            response_headers: spec
                .request_options()
                .response_headers_timeout
                .or(if stream {
                    config.stream_response_headers
                } else {
                    config.response_headers
                }),
            idle: spec.request_options().idle_timeout.or(config.idle),
        }
    }

    /// Hands one request to the transport now, under one timer (the response-headers timeout
    /// or the total deadline, whichever is sooner). The [`Attempt`] resolves to the response,
    /// whose body gets the idle timeout and the rest of the deadline.
    fn start_attempt(
        &self,
        req: Request<Bytes>,
        deadline: Option<Deadline>,
        timeouts: AttemptTimeouts,
        span: tracing::Span,
    ) -> Attempt<'_> {
        let inner = &*self.inner;
        let timer = match (timeouts.response_headers, &deadline) {
            (Some(t), Some(d)) => {
                let r = d.remaining;
                if t < r {
                    Some((t, TimeoutKind::ResponseHeaders, Some(t)))
                } else {
                    Some((r, TimeoutKind::Total, d.total))
                }
            }
            (Some(t), None) => Some((t, TimeoutKind::ResponseHeaders, Some(t))),
            (None, Some(d)) => Some((d.remaining, TimeoutKind::Total, d.total)),
            (None, None) => None,
        };
        Attempt {
            send: inner.transport.send(req),
            timer: timer.map(|(wait, kind, report)| (inner.timer.sleep(wait), kind, report)),
            idle: timeouts.idle,
            deadline,
            inner,
            span,
        }
    }

    fn api_error(&self, parts: &http::response::Parts, body: &Bytes) -> ApiError {
        let body = match self.key() {
            Some(k) => scrub(body, k),
            None => body.clone(),
        };
        ApiError::from_response(
            parts.status,
            &parts.headers,
            body,
            self.inner.clock.system_now(),
        )
    }

    fn request_for(
        &self,
        spec: &RequestSpec,
        uri: http::Uri,
        remaining: Option<Duration>,
    ) -> Request<Bytes> {
        let inner = &*self.inner;
        // Room for every header, plus `host` and `content-length` that hyper adds.
        let mut headers = HeaderMap::with_capacity(
            inner.base_headers.len()
                + spec.headers.len()
                + spec.request_options().headers.len()
                + 6,
        );
        for (name, value) in &inner.base_headers {
            headers.append(name.clone(), value.clone());
        }
        if let Some(key) = &inner.key_header {
            if self.key_allowed(spec, &uri) {
                headers.insert(X_GOOG_API_KEY, key.clone());
            }
        }
        if let Some(r) = remaining {
            let secs = server_timeout_secs(r);
            let value = match &inner.total_timeout_header {
                Some((s, v)) if *s == secs => v.clone(),
                _ => HeaderValue::from(secs),
            };
            headers.insert(X_SERVER_TIMEOUT, value);
        }
        override_headers(&mut headers, &spec.headers);
        override_headers(&mut headers, &spec.request_options().headers);
        let mut req = Request::new(spec.body.clone());
        *req.method_mut() = spec.method.clone();
        *req.uri_mut() = uri;
        *req.headers_mut() = headers;
        req
    }

    /// The key goes only to the configured origin.
    fn key_allowed(&self, spec: &RequestSpec, uri: &http::Uri) -> bool {
        match &spec.target {
            Target::Path { .. } => true,
            Target::Absolute(_) => {
                let base = &self.inner.base;
                uri.scheme() == Some(&base.scheme)
                    && uri
                        .authority()
                        .is_some_and(|a| a.as_str().eq_ignore_ascii_case(base.authority.as_str()))
            }
        }
    }
}

/// `X-Server-Timeout`: whole seconds, rounded up, at least 1, as the official SDKs send it.
fn server_timeout_secs(r: Duration) -> u64 {
    (r.as_secs() + u64::from(r.subsec_nanos() > 0)).max(1)
}

fn override_headers(headers: &mut HeaderMap, extra: &HeaderMap) {
    if extra.is_empty() {
        return;
    }
    for name in extra.keys() {
        let mut values = extra.get_all(name).iter();
        if let (Some(first), None) = (values.next(), values.next()) {
            // One value: replace in place.
            headers.insert(name.clone(), first.clone());
        } else {
            headers.remove(name);
            for value in extra.get_all(name) {
                headers.append(name.clone(), value.clone());
            }
        }
    }
}

/// Replaces every occurrence of `secret` in `body` with `***`.
pub(crate) fn scrub(body: &Bytes, secret: &str) -> Bytes {
    let s = secret.as_bytes();
    if s.is_empty() || body.len() < s.len() || !body.windows(s.len()).any(|w| w == s) {
        return body.clone();
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with(s) {
            out.extend_from_slice(b"***");
            i += s.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    Bytes::from(out)
}

/// Whether a `content-type` is `text/event-stream` (parameters allowed).
fn is_event_stream(headers: &HeaderMap) -> bool {
    headers.get(CONTENT_TYPE).is_some_and(|v| {
        let v = v.as_bytes();
        let media = v.split(|&b| b == b';').next().unwrap_or(v);
        media
            .trim_ascii()
            .eq_ignore_ascii_case(b"text/event-stream")
    })
}

/// Whether a 2xx body is only an error envelope, `{"error": ...}` with no other member (an
/// operation's `error` member does not count). Cheap when it is not: one look at the start.
fn is_error_envelope(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Envelope {
        #[allow(dead_code)]
        error: serde::de::IgnoredAny,
    }
    let Some(rest) = body.trim_ascii_start().strip_prefix(b"{") else {
        return false;
    };
    rest.trim_ascii_start().starts_with(b"\"error\"")
        && serde_json::from_slice::<Envelope>(body).is_ok()
}

/// A bounded excerpt of a body for an error: at most [`SNIPPET_LEN`] bytes (cut at a character
/// boundary, `...` when cut), the key masked, control characters escaped.
fn snippet(body: &[u8], key: Option<&str>) -> String {
    let mut end = body.len().min(SNIPPET_LEN);
    while end < body.len() && end > 0 && (body[end] & 0xC0) == 0x80 {
        end -= 1;
    }
    let mut snippet = String::from_utf8_lossy(&body[..end]).into_owned();
    if let Some(k) = key.filter(|k| !k.is_empty()) {
        snippet = snippet.replace(k, "***");
    }
    let mut snippet = crate::error::escape_controls(&snippet);
    if end < body.len() {
        snippet.push_str("...");
    }
    snippet
}

/// Decodes a JSON body; on failure the error keeps a bounded snippet of the body (control
/// characters escaped).
///
/// ```
/// let v: serde_json::Value = gemini_transport::decode_json(b"{\"a\": 1}").unwrap();
/// assert_eq!(v["a"], 1);
/// let e = gemini_transport::decode_json::<serde_json::Value>(b"<html>oops</html>").unwrap_err();
/// assert!(e.is_decode());
/// assert_eq!(e.decode_snippet(), Some("<html>oops</html>"));
/// ```
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    decode_json_scrubbed(body, None)
}

fn decode_json_scrubbed<T: DeserializeOwned>(body: &[u8], key: Option<&str>) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| Error::decode(e, snippet(body, key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The futures of every call are `Send` (users spawn them on multi-threaded runtimes).
    #[allow(dead_code, clippy::let_underscore_future)]
    fn calls_are_send(client: &HttpClient) {
        fn send<T: Send>(_: T) {}
        send(client.execute(RequestSpec::get("x")));
        send(client.execute_json::<serde_json::Value>(RequestSpec::get("x")));
        send(client.execute_streaming(RequestSpec::get("x")));
    }

    #[test]
    fn scrub_replaces_every_occurrence() {
        let b = Bytes::from_static(b"key=SECRET and SECRET!");
        assert_eq!(scrub(&b, "SECRET"), "key=*** and ***!");
        assert_eq!(scrub(&b, "nope"), b);
    }

    #[test]
    fn decode_snippet_is_bounded_and_scrubbed() {
        let body = format!("SECRET{}", "é".repeat(500));
        let e =
            decode_json_scrubbed::<serde_json::Value>(body.as_bytes(), Some("SECRET")).unwrap_err();
        let s = e.decode_snippet().unwrap();
        assert!(s.starts_with("***"));
        assert!(s.ends_with("..."));
        assert!(s.len() <= SNIPPET_LEN + 3);
        assert!(!e.to_string().contains("SECRET"));
        let e = decode_json::<serde_json::Value>(b"\x1b[2J{\r\n\x00").unwrap_err();
        assert_eq!(e.decode_snippet(), Some("\\u{1b}[2J{\\r\\n\\u{0}"));
    }

    #[test]
    fn error_envelopes_and_event_streams_are_recognised() {
        assert!(is_error_envelope(br#" { "error": {"code": 503}} "#));
        assert!(!is_error_envelope(
            br#"{"error": {"code": 503}, "name": "operations/1"}"#
        ));
        assert!(!is_error_envelope(br#"{"candidates": [], "error": {}}"#));
        assert!(!is_error_envelope(br#"{"error": "#));
        assert!(!is_error_envelope(b"[]"));
        let ct = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(CONTENT_TYPE, HeaderValue::from_static(v));
            is_event_stream(&h)
        };
        assert!(ct("text/event-stream"));
        assert!(ct("Text/Event-Stream; charset=utf-8"));
        assert!(!ct("application/json"));
        assert!(!is_event_stream(&HeaderMap::new()));
    }
}

/// The per-attempt timeouts of one call, after per-call overrides.
#[derive(Clone, Copy, Debug)]
struct AttemptTimeouts {
    response_headers: Option<Duration>,
    idle: Option<Duration>,
}

/// One request in flight: the transport's future under the attempt's timer. It resolves to the
/// response with the idle timeout and the rest of the deadline on its body.
struct Attempt<'a> {
    send: BoxFuture<'a, Result<Response<ResponseBody>, Error>>,
    timer: Option<(BoxFuture<'static, ()>, TimeoutKind, Option<Duration>)>,
    idle: Option<Duration>,
    deadline: Option<Deadline>,
    inner: &'a Inner,
    span: tracing::Span,
}

impl Future for Attempt<'_> {
    type Output = Result<Response<ResponseBody>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let resp = match this.send.as_mut().poll(cx) {
            Poll::Ready(resp) => resp?,
            Poll::Pending => {
                if let Some((sleep, kind, report)) = &mut this.timer {
                    if sleep.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Err(Error::timeout(*kind, *report)));
                    }
                }
                return Poll::Pending;
            }
        };
        this.timer = None;
        if !this.span.is_disabled() {
            this.span.record("status", resp.status().as_u16());
        }
        let inner = this.inner;
        let mut resp = resp;
        if let Some(idle) = this.idle {
            resp = resp.map(|b| b.with_idle_timeout(idle, inner.timer.clone()));
        }
        if let Some(d) = &this.deadline {
            resp = resp.map(|b| {
                b.with_deadline_at(d.at, inner.clock.clone(), d.total, inner.timer.clone())
            });
        }
        Poll::Ready(Ok(resp))
    }
}
