//! [`Raw`]: JSON calls for endpoints and fields this SDK does not model yet.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};
use http::Method;
use serde_json::Value;

use crate::call::{self, Events};
use crate::{Client, Error, RequestOptions};

/// Raw JSON calls: `client.raw()`.
///
/// Paths are relative to the API version, exactly as in the REST reference
/// (`models/gemini-2.5-flash:generateContent`, `cachedContents`). The calls get the same API
/// key header, user agent, retries, timeouts and typed errors as every other call; only the
/// bodies are untyped.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// use serde_json::json;
/// let client = gemini::Client::from_env()?;
/// let answer = client
///     .raw()
///     .post_json(
///         "models/gemini-2.5-flash:generateContent",
///         &json!({"contents": [{"role": "user", "parts": [{"text": "Hi"}]}], "someNewField": true}),
///     )
///     .await?;
/// println!("{}", answer["candidates"][0]["content"]["parts"][0]["text"]);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Raw {
    client: Client,
    options: Option<Arc<RequestOptions>>,
}

impl Raw {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            client,
            options: None,
        }
    }

    /// Per-call options for the calls made through this handle.
    #[must_use]
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.options = Some(Arc::new(options));
        self
    }

    /// Any method, path, query and optional JSON body; returns the JSON answer (`null` for an
    /// empty body).
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value, Error> {
        let options = self.options.as_deref();
        let body = body.map(|b| call::encode(b, options)).transpose()?;
        let mut spec = call::spec(method, path.to_owned(), body, options);
        for (k, v) in query {
            spec = spec.query(k, v);
        }
        let response = Box::pin(self.client.http().execute(spec)).await?;
        let bytes = response.into_body();
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(|e| Error::decode_json(e, &bytes))
    }

    /// `GET path`.
    pub async fn get_json(&self, path: &str) -> Result<Value, Error> {
        self.request(Method::GET, path, &[], None).await
    }

    /// `POST path` with a JSON body.
    pub async fn post_json(&self, path: &str, body: &Value) -> Result<Value, Error> {
        self.request(Method::POST, path, &[], Some(body)).await
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> Result<Value, Error> {
        self.request(Method::DELETE, path, &[], None).await
    }

    /// `POST path?alt=sse` with a JSON body: the events' JSON payloads as a stream. An
    /// `{"error": ...}` event is an [`Error::Api`] and ends the stream, as in
    /// [`GenerateContentStream`](crate::GenerateContentStream).
    pub async fn post_stream(&self, path: &str, body: &Value) -> Result<RawStream, Error> {
        let options = self.options.as_deref();
        let body = call::encode(body, options)?;
        let spec = call::spec(Method::POST, path.to_owned(), Some(body), options);
        let events = call::open_events(&self.client, spec).await?;
        Ok(RawStream { events })
    }
}

/// The JSON payloads of a server-sent event stream, from [`Raw::post_stream`].
pub struct RawStream {
    events: Events,
}

impl fmt::Debug for RawStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawStream").finish_non_exhaustive()
    }
}

impl Stream for RawStream {
    type Item = Result<Value, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().events.poll_decoded::<Value>(cx)
    }
}

impl FusedStream for RawStream {
    fn is_terminated(&self) -> bool {
        self.events.is_done()
    }
}
