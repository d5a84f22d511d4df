//! [`Raw`]: JSON calls for endpoints and fields this SDK does not model yet.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};
use http::Method;
use serde_json::Value;

use crate::Error;
use crate::rest::Rest;
use crate::rest::events::Events;

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
    rest: Rest,
}

crate::rest::resource_handle!(Raw);

impl Raw {
    /// Any method, path, query and optional JSON body; returns the JSON answer (`null` for an
    /// empty body).
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value, Error> {
        let mut call = self.rest.call(method, path);
        for (k, v) in query {
            call = call.query(k, v);
        }
        if let Some(body) = body {
            call = call.json(body);
        }
        call.send_value().await
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
        let events = self
            .rest
            .call(Method::POST, path)
            .json(body)
            .open_events()
            .await?;
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
