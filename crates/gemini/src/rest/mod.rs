//! The plumbing every resource shares: the handle state ([`Rest`]), typed calls ([`Call`]),
//! resource names, pagers, event streams and waiting on long-running operations.
//!
//! A resource's method is a declaration on top of it:
//!
//! ```ignore
//! pub async fn get(&self, name: &str) -> Result<TunedModel, Error> {
//!     let name = names::resource("tunedModels", name)?;
//!     self.rest.call(Method::GET, name).send().await
//! }
//! ```

pub(crate) mod events;
pub(crate) mod names;
pub(crate) mod pager;
pub(crate) mod upload;
pub(crate) mod wait;

use std::sync::Arc;

use bytes::Bytes;
use futures_util::TryFutureExt as _;
use gemini_transport::{BoxFuture, RequestSpec, ResponseBody};
use http::{HeaderName, HeaderValue, Method, header::CONTENT_TYPE};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use self::events::Events;
use self::pager::{ListPage, Pager};
use crate::options::merge_json;
use crate::{Client, Error, RequestOptions};

/// Declares what every resource handle (a struct with one `rest: Rest` field) has: `new`, and
/// `with_options` for the per-call options of the calls made through it.
macro_rules! resource_handle {
    ($handle:ident) => {
        impl $handle {
            pub(crate) fn new(client: $crate::Client) -> Self {
                Self {
                    rest: $crate::rest::Rest::new(client),
                }
            }

            /// Per-call options for the calls made through this handle.
            #[must_use]
            pub fn with_options(mut self, options: $crate::RequestOptions) -> Self {
                self.rest.options = Some(std::sync::Arc::new(options));
                self
            }
        }
    };
}
pub(crate) use resource_handle;

/// What every resource handle holds: the client and the per-call options of its calls.
#[derive(Clone, Debug)]
pub(crate) struct Rest {
    pub(crate) client: Client,
    pub(crate) options: Option<Arc<RequestOptions>>,
}

impl Rest {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            client,
            options: None,
        }
    }

    /// The per-call options, if any were set on the handle.
    pub(crate) fn options(&self) -> Option<&RequestOptions> {
        self.options.as_deref()
    }

    /// A call of `method` on `path` (relative to the API version, e.g. `tunedModels/x` or
    /// `models/m:countTokens`) with the handle's options.
    pub(crate) fn call(&self, method: Method, path: impl Into<String>) -> Call {
        let mut spec = RequestSpec::new(method, path.into());
        if let Some(o) = self.options() {
            spec = spec.options(o.transport.clone());
        }
        self.new_call(spec)
    }

    /// A call of `spec`; refused before sending on a client that holds an ephemeral token.
    fn new_call(&self, spec: RequestSpec) -> Call {
        Call {
            client: self.client.clone(),
            options: self.options.clone(),
            spec: match self.client.refuse_rest() {
                Some(e) => Err(e),
                None => Ok(spec),
            },
        }
    }

    /// A call of `method` on an absolute URL (an upload session's URL): the API key goes only
    /// to the configured origin.
    pub(crate) fn call_absolute(&self, method: Method, uri: http::Uri) -> Call {
        let mut spec = RequestSpec::absolute(method, uri);
        if let Some(o) = self.options() {
            spec = spec.options(o.transport.clone());
        }
        self.new_call(spec)
    }

    /// Every item of the list at `path`, fetching pages as they are used (`pageSize`,
    /// `pageToken`, `nextPageToken`), with extra `query` parameters on every page.
    pub(crate) fn list<P>(
        &self,
        path: impl Into<String>,
        query: Vec<(String, String)>,
    ) -> Pager<P::Item>
    where
        P: ListPage + DeserializeOwned + Send + 'static,
        P::Item: Send + 'static,
    {
        let rest = self.clone();
        let path: Arc<str> = path.into().into();
        let query: Arc<[(String, String)]> = query.into();
        Pager::new(move |size, token| {
            Box::pin(
                rest.page::<P>(&path, &query, size, token.as_deref())
                    .map_ok(ListPage::into_page),
            )
        })
    }

    /// One page of the list at `path`.
    pub(crate) fn page<P: DeserializeOwned + Send + 'static>(
        &self,
        path: &str,
        query: &[(String, String)],
        page_size: Option<u32>,
        page_token: Option<&str>,
    ) -> impl Future<Output = Result<P, Error>> + Send + use<P> {
        let mut call = self.call(Method::GET, path);
        for (k, v) in query {
            call = call.query(k, v);
        }
        if let Some(size) = page_size {
            call = call.query("pageSize", &size.to_string());
        }
        if let Some(token) = page_token.filter(|t| !t.is_empty()) {
            call = call.query("pageToken", token);
        }
        call.send()
    }
}

/// One typed call being built: path, query, JSON body; then [`send`](Self::send) (a JSON
/// answer), [`send_empty`](Self::send_empty) (an empty answer) or
/// [`open_events`](Self::open_events) (a server-sent event stream).
///
/// A body that does not serialize is kept as the call's error and returned when it is sent,
/// so building never fails half way.
#[derive(Debug)]
pub(crate) struct Call {
    client: Client,
    options: Option<Arc<RequestOptions>>,
    spec: Result<RequestSpec, Error>,
}

impl Call {
    /// Adds a query parameter.
    pub(crate) fn query(mut self, name: &str, value: &str) -> Self {
        self.spec = self.spec.map(|s| s.query(name, value));
        self
    }

    /// Sends the call under the upload prefix (`{base}/upload/{version}/{path}`).
    pub(crate) fn upload(mut self) -> Self {
        self.spec = self.spec.map(RequestSpec::upload);
        self
    }

    /// Adds a header; a value that is not a valid header value is the call's error.
    pub(crate) fn header(mut self, name: HeaderName, value: &str) -> Self {
        self.spec = self.spec.and_then(|s| match HeaderValue::from_str(value) {
            Ok(v) => Ok(s.header(name, v)),
            Err(e) => Err(Error::build_with(
                format!("invalid value {value:?} for the header {name}"),
                e,
            )),
        });
        self
    }

    /// A raw body (no content type).
    pub(crate) fn body(mut self, body: Bytes) -> Self {
        self.spec = self.spec.map(|s| s.body(body));
        self
    }

    /// Makes exactly one attempt (the caller recovers itself, as an upload does by asking the
    /// server what it received).
    pub(crate) fn no_retry(mut self) -> Self {
        self.spec = self.spec.map(|s| {
            let options = s
                .request_options()
                .clone()
                .with_retry_policy(gemini_transport::RetryPolicy::default().with_max_attempts(1));
            s.options(options)
        });
        self
    }

    /// Sends the call and returns the whole answer: status, headers and body.
    pub(crate) async fn send_response(self) -> Result<http::Response<Bytes>, Error> {
        Ok(Box::pin(self.client.http().execute(self.spec?)).await?)
    }

    /// Sends the call once (no retries) and returns its answer with the body still streaming,
    /// whatever its content type (a file's bytes): the response-headers timeout applies until
    /// the head arrives, then the idle timeout between chunks of the body. A non-2xx answer is
    /// an [`Error::Api`].
    pub(crate) async fn open_raw(self) -> Result<http::Response<ResponseBody>, Error> {
        self.open_raw_following(0).await
    }

    /// [`open_raw`](Self::open_raw) for a `GET` that may answer with redirects
    /// (301, 302, 303, 307, 308 and a `Location`): follows up to `max_redirects` of them.
    /// Each hop is a request to an absolute URL, so the API key (in the `x-goog-api-key`
    /// header, never in the URL) goes only to the configured origin; a hop to another host
    /// (a signed storage URL) carries no key.
    pub(crate) async fn open_raw_following(
        self,
        max_redirects: u32,
    ) -> Result<http::Response<ResponseBody>, Error> {
        let Self {
            client,
            options,
            spec,
        } = self;
        let mut spec = spec?;
        let http = client.http();
        let mut hops = 0u32;
        loop {
            let current = http.build_request(&spec)?.uri().clone();
            let response = send_raw(&client, &spec).await?;
            let status = response.status();
            let redirect = matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308);
            if !redirect || max_redirects == 0 {
                return finish_raw(&client, options.as_deref(), response).await;
            }
            let location = response
                .headers()
                .get(http::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let Some(location) = location else {
                return finish_raw(&client, options.as_deref(), response).await;
            };
            hops += 1;
            if hops > max_redirects {
                return Err(Error::from(gemini_transport::Error::unexpected(
                    status,
                    None,
                    &format!("more than {max_redirects} redirects"),
                )));
            }
            let next = resolve_location(&current, &location).ok_or_else(|| {
                Error::from(gemini_transport::Error::unexpected(
                    status,
                    None,
                    "a redirect to an invalid location",
                ))
            })?;
            tracing::debug!(hop = hops, "following a redirect");
            let options = spec.request_options().clone();
            spec = RequestSpec::absolute(Method::GET, next).options(options);
        }
    }
}

/// Sends `spec` once and returns the answer's head with the body still streaming, whatever
/// its status (the response-headers timeout applies).
async fn send_raw(
    client: &Client,
    spec: &RequestSpec,
) -> Result<http::Response<ResponseBody>, Error> {
    let http = client.http();
    let timeouts = *http.config().timeouts();
    let request = http.build_request(spec)?;
    let send = http.transport().send(request);
    let response = match timeouts.response_headers {
        None => send.await?,
        Some(limit) => {
            let sleep = http.timer().sleep(limit);
            match futures_util::future::select(send, sleep).await {
                futures_util::future::Either::Left((response, _)) => response?,
                futures_util::future::Either::Right(((), _)) => {
                    return Err(Error::from(gemini_transport::Error::timeout(
                        gemini_transport::TimeoutKind::ResponseHeaders,
                        Some(limit),
                    )));
                }
            }
        }
    };
    Ok(response)
}

/// A streaming answer as [`Call::open_raw`] returns it: a non-2xx is an [`Error::Api`] (its
/// body scrubbed of the key), a 2xx gets the idle timeout.
async fn finish_raw(
    client: &Client,
    options: Option<&RequestOptions>,
    response: http::Response<ResponseBody>,
) -> Result<http::Response<ResponseBody>, Error> {
    let http = client.http();
    let timeouts = *http.config().timeouts();
    let (parts, body) = response.into_parts();
    if !parts.status.is_success() {
        let (bytes, truncated) = body
            .collect_prefix(http.config().max_error_body_size())
            .await?;
        let bytes = match http.config().api_key() {
            Some(key) => scrub(&bytes, key.expose_secret()),
            None => bytes,
        };
        let api = crate::ApiError::from_response(
            parts.status,
            &parts.headers,
            bytes,
            http.clock().system_now(),
        )
        .with_body_truncated(truncated);
        return Err(Error::from(api));
    }
    let idle = options.and_then(|o| o.idle_timeout).or(timeouts.idle);
    let body = match idle {
        Some(idle) => body.with_idle_timeout(idle, http.timer().clone()),
        None => body,
    };
    Ok(http::Response::from_parts(parts, body))
}

impl Call {
    /// The JSON body, with the caller's `extra_body` merged into it.
    pub(crate) fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        let body = encode(body, self.options.as_deref());
        self.spec = match (self.spec, body) {
            (Ok(spec), Ok(body)) => Ok(spec
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body)),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        self
    }

    /// Sends the call and decodes its JSON answer. The future owns everything (it is
    /// `'static`) and is boxed once, here, so the futures above it stay small.
    pub(crate) fn send<T: DeserializeOwned + Send + 'static>(
        self,
    ) -> BoxFuture<'static, Result<T, Error>> {
        match self.spec {
            Ok(spec) => Box::pin(self.client.http().execute_json(spec).err_into()),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }

    /// Sends the call and decodes its JSON answer as a [`Value`] (`null` for an empty body).
    pub(crate) async fn send_value(self) -> Result<Value, Error> {
        let response = Box::pin(self.client.http().execute(self.spec?)).await?;
        let bytes = response.into_body();
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|e| Error::decode_json(e, &bytes))
    }

    /// Sends the call and ignores its answer (`{}` or empty, e.g. a `delete`).
    pub(crate) async fn send_empty(self) -> Result<(), Error> {
        Box::pin(self.client.http().execute(self.spec?)).await?;
        Ok(())
    }

    /// Opens the call as a server-sent event stream (`alt=sse`). The request goes out when
    /// the future is first polled.
    pub(crate) fn open_events(self) -> BoxFuture<'static, Result<Events, Error>> {
        match self.spec {
            // The transport applies the idle timeout, the per-call override included (it
            // travels in the spec's transport options).
            Ok(spec) => Box::pin(
                self.client
                    .http()
                    .execute_streaming(spec.query("alt", "sse"))
                    .map_ok(|response| Events::new(response.into_body()))
                    .err_into(),
            ),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }
}

/// The absolute URL a `Location` header names, relative to `base` (the URL that answered).
fn resolve_location(base: &http::Uri, location: &str) -> Option<http::Uri> {
    let parsed: http::Uri = location.parse().ok()?;
    if parsed.scheme().is_some() {
        let scheme = parsed.scheme_str()?;
        return (scheme == "http" || scheme == "https").then_some(parsed);
    }
    let path_and_query = if location.starts_with('/') {
        location.to_owned()
    } else {
        let dir = base.path().rsplit_once('/').map_or("", |(d, _)| d);
        format!("{dir}/{location}")
    };
    http::Uri::builder()
        .scheme(base.scheme()?.clone())
        .authority(base.authority()?.clone())
        .path_and_query(path_and_query)
        .build()
        .ok()
}

impl Call {
    /// Opens the call as a server-sent event stream without `alt=sse` (the Interactions API
    /// streams when its body or query says so, and asks for `Accept: text/event-stream`).
    pub(crate) fn open_sse(self) -> BoxFuture<'static, Result<Events, Error>> {
        let call = self.header(http::header::ACCEPT, "text/event-stream");
        match call.spec {
            Ok(spec) => Box::pin(
                call.client
                    .http()
                    .execute_streaming(spec)
                    .map_ok(|response| Events::new(response.into_body()))
                    .err_into(),
            ),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }
}

/// `body` with every occurrence of `secret` replaced by `***` (an error body never carries the
/// key).
fn scrub(body: &Bytes, secret: &str) -> Bytes {
    let s = secret.as_bytes();
    if s.is_empty() || !body.windows(s.len()).any(|w| w == s) {
        return body.clone();
    }
    let mut out = Vec::with_capacity(body.len());
    let mut rest: &[u8] = body;
    while !rest.is_empty() {
        if rest.starts_with(s) {
            out.extend_from_slice(b"***");
            rest = &rest[s.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    Bytes::from(out)
}

/// Serializes a request body, deep-merging the caller's `extra_body` when there is one.
pub(crate) fn encode<T: Serialize + ?Sized>(
    body: &T,
    options: Option<&RequestOptions>,
) -> Result<Bytes, Error> {
    let bytes = match options.and_then(|o| o.extra_body.as_ref()) {
        None => serde_json::to_vec(body),
        Some(extra) => serde_json::to_value(body).and_then(|mut v| {
            merge_json(&mut v, extra);
            serde_json::to_vec(&v)
        }),
    };
    bytes
        .map(Bytes::from)
        .map_err(|e| Error::build_with("could not serialize the request body", e))
}

/// A client whose calls go to `mock` (unit tests of the resources' wire shapes).
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn mock_client(mock: &gemini_transport::MockTransport) -> Client {
    Client::builder()
        .api_key("k")
        .transport(Arc::new(mock.clone()))
        .build()
        .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrub_masks_every_occurrence() {
        let body = Bytes::from_static(b"key=AIzaSECRET; again AIzaSECRET.");
        assert_eq!(
            scrub(&body, "AIzaSECRET"),
            Bytes::from_static(b"key=***; again ***.")
        );
        assert_eq!(scrub(&Bytes::from_static(b"ab"), "abc"), "ab");
        assert_eq!(scrub(&Bytes::from_static(b"abc"), ""), "abc");
    }

    /// A raw (download) call's error body never carries the key.
    #[tokio::test]
    async fn raw_errors_are_scrubbed() {
        let mock = gemini_transport::MockTransport::new();
        mock.push_json(
            403,
            r#"{"error": {"code": 403, "message": "key AIzaSECRET is not allowed"}}"#,
        );
        let client = Client::builder()
            .api_key("AIzaSECRET")
            .transport(Arc::new(mock.clone()))
            .build()
            .unwrap();
        let e = client
            .files()
            .download("files/a", &mut Vec::new())
            .await
            .unwrap_err();
        let api = e.api_error().unwrap();
        assert_eq!(api.message(), "key *** is not allowed");
        assert!(!format!("{e:?}").contains("AIzaSECRET"));
    }

    #[test]
    fn extra_body_is_merged() {
        let o = RequestOptions::new()
            .with_extra_body(serde_json::json!({"generationConfig": {"x": 1}}));
        let b = encode(
            &serde_json::json!({"contents": [], "generationConfig": {"seed": 2}}),
            Some(&o),
        )
        .unwrap();
        let v: Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(
            v["generationConfig"],
            serde_json::json!({"seed": 2, "x": 1})
        );
    }
}
