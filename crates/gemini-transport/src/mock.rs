//! [`MockTransport`] (feature `test-util`): scripted responses and captured requests.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, StatusCode, Uri};

use crate::{BoxFuture, Error, ResponseBody, Transport};

enum Reply {
    Ready(Result<Response<ResponseBody>, Error>),
    Never,
}

#[derive(Default)]
struct State {
    replies: VecDeque<Reply>,
    requests: Vec<CapturedRequest>,
}

/// A request as the transport received it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CapturedRequest {
    /// The method.
    pub method: Method,
    /// The absolute URI.
    pub uri: Uri,
    /// The headers (the API key header is marked sensitive, so `Debug` hides it).
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

/// A [`Transport`] that answers from a script and records what it was sent (feature
/// `test-util`). When the script is exhausted, requests fail with a (not retried) request
/// error.
///
/// ```
/// # async fn demo() -> Result<(), gemini_transport::Error> {
/// use std::sync::Arc;
/// use gemini_transport::{Config, HttpClient, MockTransport, RequestSpec};
/// let mock = MockTransport::new();
/// mock.push_json(200, r#"{"ok": true}"#);
/// let client = HttpClient::builder()
///     .config(Config::new().with_api_key("k"))
///     .transport(Arc::new(mock.clone()))
///     .build()?;
/// let v: serde_json::Value = client.execute_json(RequestSpec::get("models")).await?;
/// assert_eq!(v["ok"], true);
/// assert_eq!(mock.requests()[0].uri, "https://generativelanguage.googleapis.com/v1beta/models");
/// # Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct MockTransport {
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for MockTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.lock();
        f.debug_struct("MockTransport")
            .field("pending_replies", &s.replies.len())
            .field("requests", &s.requests.len())
            .finish()
    }
}

impl MockTransport {
    /// An empty script.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues a response.
    pub fn push_response(&self, response: Response<ResponseBody>) -> &Self {
        self.lock().replies.push_back(Reply::Ready(Ok(response)));
        self
    }

    /// Queues a response with `status` and a JSON body.
    pub fn push_json(&self, status: u16, body: &str) -> &Self {
        let mut resp = Response::new(ResponseBody::from(Bytes::copy_from_slice(body.as_bytes())));
        *resp.status_mut() =
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        resp.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        self.push_response(resp)
    }

    /// Queues a transport error.
    pub fn push_error(&self, error: Error) -> &Self {
        self.lock().replies.push_back(Reply::Ready(Err(error)));
        self
    }

    /// Queues a request that never gets an answer (for timeout tests).
    pub fn push_never(&self) -> &Self {
        self.lock().replies.push_back(Reply::Never);
        self
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<CapturedRequest> {
        self.lock().requests.clone()
    }

    /// How many scripted replies are left.
    pub fn pending(&self) -> usize {
        self.lock().replies.len()
    }
}

impl Transport for MockTransport {
    fn send(
        &self,
        request: Request<Bytes>,
    ) -> BoxFuture<'_, Result<Response<ResponseBody>, Error>> {
        let (parts, body) = request.into_parts();
        let reply = {
            let mut s = self.lock();
            s.requests.push(CapturedRequest {
                method: parts.method,
                uri: parts.uri,
                headers: parts.headers,
                body,
            });
            s.replies.pop_front()
        };
        match reply {
            Some(Reply::Ready(r)) => Box::pin(std::future::ready(r)),
            Some(Reply::Never) => Box::pin(std::future::pending()),
            None => Box::pin(std::future::ready(Err(Error::request(
                "MockTransport: no scripted reply left",
            )))),
        }
    }
}
