//! Scripted replies and fault injection: what a test tells the emulator to answer instead of
//! (or on top of) its deterministic model.
//!
//! A [`Reply`] describes one whole HTTP response: status, headers, body (the model's answer,
//! a JSON document, a list of stream chunks, an error envelope, raw bytes, or a huge body
//! generated as it is sent) and faults. [`Emulator::script`](crate::Emulator::script) queues
//! replies for the next matching requests; [`Emulator::on`](crate::Emulator::on) installs a
//! handler closure.
//!
//! # Faults a client must survive
//!
//! | fault | how to script it |
//! |---|---|
//! | stall before the headers | [`Reply::stall_before_headers`], [`Reply::stall_forever_before_headers`] |
//! | stall mid-body | [`Reply::stall_after`], [`Reply::stall_forever_after`] |
//! | drip the body slowly | [`Reply::drip`] |
//! | a huge body (never held in memory) | [`Reply::huge_body`] (one JSON document, or many stream events) |
//! | a huge error body | [`Reply::huge_error`] |
//! | a wrong content type | [`Reply::with_content_type`], [`Reply::json_array_stream`], [`Reply::raw`] |
//! | an empty `200` | [`Reply::empty`] |
//! | an error envelope with status `200` | [`Reply::status`]`(code).`[`with_http_status`](Reply::with_http_status)`(200)` |
//! | `Retry-After` with any value | [`Reply::with_retry_after`], or [`Reply::with_header`] for a date or garbage |
//! | a reset connection | [`Reply::reset`] (before the headers), [`Reply::drop_after`] (mid-body) |
//!
//! Every wait is on the tokio timer and every generated body has a fixed length, so no fault
//! runs forever: a "forever" stall lasts until the client goes away or the emulator stops
//! (at most 24 hours).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

use crate::errors::{ApiError, default_message};
use crate::recorded::RecordedRequest;
use crate::state::State;

/// A handler closure: builds the reply for one request.
pub(crate) type Handler = Arc<dyn Fn(&RecordedRequest) -> Reply + Send + Sync>;

/// One scripted HTTP response.
///
/// ```
/// use std::time::Duration;
/// use gemini_emulator::Reply;
///
/// // 429 with a RetryInfo delay and a Retry-After header.
/// let quota = Reply::status(429)
///     .with_retry_info(Duration::from_secs(2))
///     .with_retry_after(2);
/// // The model's normal answer, but the connection drops after the first stream chunk.
/// let flaky = Reply::model().drop_after(1);
/// // A 200 stream whose second event is `data: {"error": ...}`.
/// let broken = Reply::model().error_after(1, 503);
/// # let _ = (quota, flaky, broken);
/// ```
#[derive(Clone)]
pub struct Reply {
    pub(crate) status: Option<u16>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) delay: Duration,
    pub(crate) chunk_interval: Option<Duration>,
    pub(crate) body: ReplyBody,
    pub(crate) faults: Vec<Fault>,
    /// What happens instead of sending the headers (after `delay`).
    pub(crate) before_headers: Option<BeforeHeaders>,
    /// Send the body `bytes` at a time, waiting `interval` between pieces.
    pub(crate) drip: Option<(usize, Duration)>,
    /// Replaces the `Content-Type` header.
    pub(crate) content_type: Option<String>,
    /// Frame a streaming method's chunks as one JSON array, whatever the request asked.
    pub(crate) json_array: bool,
    /// Never send a `Content-Length` (the body is chunked).
    pub(crate) chunked: bool,
}

/// The longest a "forever" stall lasts (until the client goes away or the emulator stops,
/// whichever comes first; this bound only keeps the emulator from holding a task forever).
pub(crate) const FOREVER: Duration = Duration::from_secs(24 * 60 * 60);

/// A fault in place of the response headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BeforeHeaders {
    /// Never answer (see [`FOREVER`]).
    StallForever,
    /// Close the connection without an answer.
    Reset,
}

/// What a [`Reply`] sends as its body.
#[derive(Clone, Debug)]
pub(crate) enum ReplyBody {
    /// Whatever the deterministic model answers.
    Model,
    /// One JSON document (one chunk on streaming methods).
    Json(Value),
    /// Stream chunks (unary methods send the first one).
    Chunks(Vec<Value>),
    /// An error envelope.
    Error(ApiError),
    /// Raw bytes with a content type.
    Raw { content_type: String, body: Bytes },
    /// A `200` with no body, in the method's content type.
    Empty,
    /// A valid answer of about this many bytes, generated while it is sent.
    Huge(u64),
    /// An error envelope of about this many bytes with this status, generated while it is sent.
    HugeError { code: u16, bytes: u64 },
}

/// A fault injected after `after` stream chunks (for unary bodies: `0` = before any body byte,
/// anything else = half-way through the body).
#[derive(Clone, Debug)]
pub(crate) struct Fault {
    pub(crate) after: usize,
    pub(crate) kind: FaultKind,
}

#[derive(Clone, Debug)]
pub(crate) enum FaultKind {
    /// Send nothing for a while (`None`: until the client goes away).
    Stall(Option<Duration>),
    /// Cut the connection without finishing the body.
    Drop,
    /// Send an error event (`data: {"error": ...}`) and end the stream.
    ErrorEvent(ApiError),
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("delay", &self.delay)
            .field("body", &self.body)
            .field("faults", &self.faults)
            .field("before_headers", &self.before_headers)
            .field("drip", &self.drip)
            .field("content_type", &self.content_type)
            .field("json_array", &self.json_array)
            .field("chunked", &self.chunked)
            .finish_non_exhaustive()
    }
}

impl Reply {
    fn with_body(body: ReplyBody) -> Self {
        Self {
            status: None,
            headers: Vec::new(),
            delay: Duration::ZERO,
            chunk_interval: None,
            body,
            faults: Vec::new(),
            before_headers: None,
            drip: None,
            content_type: None,
            json_array: false,
            chunked: false,
        }
    }

    /// The deterministic model's normal answer (combine with faults and delays).
    pub fn model() -> Self {
        Self::with_body(ReplyBody::Model)
    }

    /// `200` with this JSON body. On `streamGenerateContent` it is sent as one chunk.
    pub fn json(body: Value) -> Self {
        Self::with_body(ReplyBody::Json(body))
    }

    /// `200` with these stream chunks (framed as SSE or as a JSON array, as the request asked).
    /// Unary methods answer with the first chunk.
    pub fn chunks(chunks: impl IntoIterator<Item = Value>) -> Self {
        Self::with_body(ReplyBody::Chunks(chunks.into_iter().collect()))
    }

    /// An error in the real envelope, with the status name and the message the real service
    /// uses for `code` (`503` gives `UNAVAILABLE`, "The model is overloaded. ...").
    pub fn status(code: u16) -> Self {
        Self::error(code, default_message(code))
    }

    /// An error in the real envelope with your own message.
    pub fn error(code: u16, message: impl Into<String>) -> Self {
        Self::with_body(ReplyBody::Error(ApiError::new(code, message)))
    }

    /// Raw bytes (for example an HTML `502` page from a proxy).
    pub fn raw(code: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        let mut r = Self::with_body(ReplyBody::Raw {
            content_type: content_type.to_owned(),
            body: body.into(),
        });
        r.status = Some(code);
        r
    }

    /// `200` with an empty body, in the content type the method answers with
    /// (`text/event-stream` for `?alt=sse` streams, JSON otherwise). A client must not take
    /// it for an answer.
    pub fn empty() -> Self {
        Self::with_body(ReplyBody::Empty)
    }

    /// `200` with a valid answer of `bytes` bytes, generated piece by piece as it is sent
    /// (never held in the emulator's memory).
    ///
    /// On a unary method it is one `GenerateContentResponse` JSON document whose text fills
    /// it, exactly `bytes` long (or the smallest such document, if `bytes` is smaller), sent
    /// with a `Content-Length` unless [`chunked`](Self::chunked). On a streaming method it is
    /// as many chunks of about 16 KiB as it takes to reach `bytes` (the last one ends with
    /// finish reason `STOP`), in the framing the request asked for.
    ///
    /// A generated body takes [`drip`](Self::drip), the faults before the headers and the
    /// header options; the mid-body faults ([`stall_after`](Self::stall_after),
    /// [`drop_after`](Self::drop_after), [`error_after`](Self::error_after)) and the chunk
    /// interval do not apply to it (a warning is logged when they are set).
    pub fn huge_body(bytes: u64) -> Self {
        Self::with_body(ReplyBody::Huge(bytes))
    }

    /// An error envelope with status `code` whose message makes it exactly `bytes` long
    /// (or the smallest envelope, if `bytes` is smaller), generated as it is sent and sent
    /// with a `Content-Length` unless [`chunked`](Self::chunked). As with
    /// [`huge_body`](Self::huge_body), the mid-body faults do not apply to it.
    pub fn huge_error(code: u16, bytes: u64) -> Self {
        let mut r = Self::with_body(ReplyBody::HugeError { code, bytes });
        r.status = Some(code);
        r
    }

    /// Overrides the HTTP status (a JSON body with `500`, say). `Reply::status(503)`
    /// `.with_http_status(200)` is an error envelope sent with `200`.
    #[must_use]
    pub fn with_http_status(mut self, code: u16) -> Self {
        self.status = Some(code);
        self
    }

    /// Adds a `google.rpc.RetryInfo` detail (`"retryDelay": "2s"`) to an error reply.
    #[must_use]
    pub fn with_retry_info(mut self, delay: Duration) -> Self {
        if let ReplyBody::Error(e) = self.body {
            self.body = ReplyBody::Error(e.with_retry_info(delay));
        }
        self
    }

    /// Adds a `details[]` entry (any `google.rpc` detail with its `@type`) to an error reply.
    #[must_use]
    pub fn with_error_detail(mut self, detail: Value) -> Self {
        if let ReplyBody::Error(e) = self.body {
            self.body = ReplyBody::Error(e.with_detail(detail));
        }
        self
    }

    /// Adds a `Retry-After: <seconds>` header.
    #[must_use]
    pub fn with_retry_after(self, seconds: u64) -> Self {
        self.with_header("retry-after", &seconds.to_string())
    }

    /// Replaces the `Content-Type` header (a model stream labelled `application/json`, say).
    #[must_use]
    pub fn with_content_type(mut self, content_type: &str) -> Self {
        self.content_type = Some(content_type.to_owned());
        self
    }

    /// On a streaming method, sends the chunks as one JSON array with `application/json`
    /// (what the service sends without `alt=sse`), even when the request asked for
    /// `alt=sse`.
    #[must_use]
    pub fn json_array_stream(mut self) -> Self {
        self.json_array = true;
        self
    }

    /// Sends the body without a `Content-Length` (chunked), so a client learns its size only
    /// by reading it.
    #[must_use]
    pub fn chunked(mut self) -> Self {
        self.chunked = true;
        self
    }

    /// Adds a response header.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Waits this long before sending the response headers.
    #[must_use]
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Waits this long before sending the response headers (the same as
    /// [`delay`](Self::delay), named for fault scripts).
    #[must_use]
    pub fn stall_before_headers(self, pause: Duration) -> Self {
        self.delay(pause)
    }

    /// Never sends the response headers: the request is read and recorded, then nothing is
    /// sent until the client goes away (or the emulator stops; at most 24 hours).
    #[must_use]
    pub fn stall_forever_before_headers(mut self) -> Self {
        self.before_headers = Some(BeforeHeaders::StallForever);
        self
    }

    /// Closes the connection without any answer, after reading and recording the request
    /// (HTTP/2: resets the stream). For a cut after the headers, see
    /// [`drop_after`](Self::drop_after).
    #[must_use]
    pub fn reset(mut self) -> Self {
        self.before_headers = Some(BeforeHeaders::Reset);
        self
    }

    /// Sends the body `bytes` at a time (at least one), waiting `interval` before each piece
    /// after the first: a server that drips bytes. Applies to every body, generated ones
    /// included, and adds to the stream's chunk interval.
    #[must_use]
    pub fn drip(mut self, bytes: usize, interval: Duration) -> Self {
        self.drip = Some((bytes.max(1), interval));
        self
    }

    /// Waits this long between stream chunks.
    #[must_use]
    pub fn chunk_interval(mut self, interval: Duration) -> Self {
        self.chunk_interval = Some(interval);
        self
    }

    /// After `chunks` stream chunks, sends nothing for `pause` and then carries on. The
    /// connection stays open.
    #[must_use]
    pub fn stall_after(mut self, chunks: usize, pause: Duration) -> Self {
        self.faults.push(Fault {
            after: chunks,
            kind: FaultKind::Stall(Some(pause)),
        });
        self
    }

    /// After `chunks` stream chunks, sends nothing ever again; the connection stays open until
    /// the client gives up.
    #[must_use]
    pub fn stall_forever_after(mut self, chunks: usize) -> Self {
        self.faults.push(Fault {
            after: chunks,
            kind: FaultKind::Stall(None),
        });
        self
    }

    /// After `chunks` stream chunks, cuts the connection mid-body (no final chunk terminator).
    /// On a unary body, `0` cuts it right after the headers, and any other value half-way.
    #[must_use]
    pub fn drop_after(mut self, chunks: usize) -> Self {
        self.faults.push(Fault {
            after: chunks,
            kind: FaultKind::Drop,
        });
        self
    }

    /// After `chunks` stream chunks, sends an error event with `code` (the real mid-stream
    /// error: `data: {"error": {...}}` after a `200`) and ends the stream.
    #[must_use]
    pub fn error_after(mut self, chunks: usize, code: u16) -> Self {
        self.faults.push(Fault {
            after: chunks,
            kind: FaultKind::ErrorEvent(ApiError::new(code, default_message(code))),
        });
        self
    }
}

/// What a script entry or handler answers: an RPC name, `*`, or a path pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Key {
    /// Every routed request.
    Any,
    /// Routed requests recorded under this RPC name.
    Rpc(String),
    /// Requests (routed or not) whose method matches (`None`: any) and whose decoded path
    /// matches the glob `pattern` (`*`: any characters but `/`; `**`: anything).
    Path {
        method: Option<http::Method>,
        pattern: String,
    },
}

impl Key {
    /// `*`, `METHOD /path/pattern`, `* /path/pattern`, `/path/pattern`, or an RPC name.
    pub(crate) fn parse(key: &str) -> Self {
        let key = key.trim();
        if key == "*" {
            return Self::Any;
        }
        if key.starts_with('/') {
            return Self::Path {
                method: None,
                pattern: key.to_owned(),
            };
        }
        match key.split_once(' ') {
            Some((method, pattern)) if pattern.trim_start().starts_with('/') => Self::Path {
                method: if method == "*" {
                    None
                } else {
                    http::Method::from_bytes(method.to_ascii_uppercase().as_bytes()).ok()
                },
                pattern: pattern.trim_start().to_owned(),
            },
            _ => Self::Rpc(key.to_owned()),
        }
    }

    /// Whether this key answers `request`.
    pub(crate) fn matches(&self, request: &RecordedRequest) -> bool {
        match self {
            Self::Any => request.routed,
            Self::Rpc(rpc) if rpc == INTERACTIONS_STREAM => {
                request.routed && is_interactions_stream(request)
            }
            Self::Rpc(rpc) => request.routed && *rpc == request.rpc,
            Self::Path { .. } => self.matches_path(&request.method, &request.path),
        }
    }

    /// Whether this is a path key matching `method` and `path`.
    pub(crate) fn matches_path(&self, method: &http::Method, path: &str) -> bool {
        match self {
            Self::Path {
                method: want,
                pattern,
            } => {
                want.as_ref().is_none_or(|m| m == method)
                    && glob(pattern.as_bytes(), path.as_bytes())
            }
            _ => false,
        }
    }
}

/// The script key of every streamed Interactions connection: a create with `"stream": true`
/// and a `GET .../interactions/{id}?stream=true` (resume), whichever comes first.
pub(crate) const INTERACTIONS_STREAM: &str = "interactions.stream";

/// Whether `request` opens an Interactions event stream.
pub(crate) fn is_interactions_stream(request: &RecordedRequest) -> bool {
    match request.rpc() {
        "interactions.create" => {
            request
                .json()
                .and_then(|b| b.get("stream"))
                .and_then(Value::as_bool)
                == Some(true)
        }
        "interactions.get" => request.query_param("stream").as_deref() == Some("true"),
        _ => false,
    }
}

/// Matches `text` against `pattern`, where `*` is any run of characters other than `/` and `**`
/// is any run at all.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => {
            let (deep, rest) = match rest.split_first() {
                Some((b'*', r)) => (true, r),
                _ => (false, rest),
            };
            for skip in 0..=text.len() {
                if glob(rest, &text[skip..]) {
                    return true;
                }
                if !deep && text.get(skip) == Some(&b'/') {
                    return false;
                }
            }
            false
        }
        Some((c, rest)) => text
            .split_first()
            .is_some_and(|(t, tail)| t == c && glob(rest, tail)),
    }
}

/// One queued scripted reply.
pub(crate) struct Entry {
    pub(crate) id: u64,
    /// The key as given (unrouted requests are recorded under it).
    pub(crate) raw: String,
    pub(crate) key: Key,
    /// `None`: forever.
    pub(crate) remaining: Option<usize>,
    pub(crate) action: Action,
}

#[derive(Clone)]
pub(crate) enum Action {
    Reply(Box<Reply>),
    With(Handler),
}

/// Queues scripted replies for one method; made by [`Emulator::script`](crate::Emulator::script).
///
/// A script key is one of:
///
/// * an RPC name: the model RPCs `generateContent`, `streamGenerateContent`, `countTokens`,
///   `embedContent`, `batchEmbedContents`, `listModels`, `getModel` (and the other model verbs,
///   such as `predict`), or `{collection}.{method}` for every other method of the API
///   (`files.get`, `cachedContents.create`, `operations.get`, `batches.list`,
///   `fileSearchStores.documents.get`, `authTokens.create`, `interactions.create`, ...; see
///   [`RecordedRequest::rpc`]);
/// * `interactions.stream`: every Interactions request that opens an event stream, the
///   create with `"stream": true` and the resuming `GET .../interactions/{id}?stream=true`
///   alike, so that `emu.script("interactions.stream").reply(Reply::model().drop_after(3))
///   .times(2)` drops the first two stream connections after three events each (whether
///   the first was a create or a resume), and [`Reply::stall_forever_after`] makes one go
///   silent;
/// * `*`: any routed request;
/// * a path pattern, `METHOD /path` or `/path` (any method), matched against the decoded path
///   without the query: `*` matches any characters but `/`, `**` anything
///   (`"GET /v1beta/files/*"`, `"POST /v1beta/models/*:generateContent"`, `"/v1beta/**"`).
///   Path patterns also answer paths the emulator does not route at all (a new endpoint
///   the emulator does not know yet); such requests are recorded with the pattern as their
///   [`rpc`](RecordedRequest::rpc). Without a matching script, an unrouted path gets the real
///   `404 NOT_FOUND`.
///
/// Each call queues one entry that answers the next matching request (use [`Scripted::times`]
/// for more); entries are used in the order they were queued, and once the queue is empty the
/// emulator answers as usual again.
///
/// ```
/// # use gemini_emulator::Emulator;
/// # use serde_json::json;
/// let emu = Emulator::start();
/// emu.script("files.get").reply_json(json!({"name": "files/abc", "state": "ACTIVE"}));
/// emu.script("GET /v1beta/newThings/*").reply_json(json!({"name": "newThings/1"}));
/// ```
#[derive(Clone)]
pub struct Script {
    state: Arc<State>,
    rpc: String,
}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Script")
            .field("rpc", &self.rpc)
            .finish_non_exhaustive()
    }
}

impl Script {
    pub(crate) fn new(state: Arc<State>, rpc: &str) -> Self {
        Self {
            state,
            rpc: rpc.to_owned(),
        }
    }

    fn push(&self, action: Action) -> Scripted {
        let id = self.state.push_script(&self.rpc, action);
        Scripted {
            state: Arc::clone(&self.state),
            id,
        }
    }

    /// Answers the next request with `reply`.
    pub fn reply(&self, reply: Reply) -> Scripted {
        self.push(Action::Reply(Box::new(reply)))
    }

    /// Answers the next request with an error envelope for `code` (see [`Reply::status`]).
    pub fn reply_status(&self, code: u16) -> Scripted {
        self.reply(Reply::status(code))
    }

    /// Answers the next request with `200` and this JSON body.
    pub fn reply_json(&self, body: Value) -> Scripted {
        self.reply(Reply::json(body))
    }

    /// Answers the next request with these stream chunks.
    pub fn reply_chunks(&self, chunks: impl IntoIterator<Item = Value>) -> Scripted {
        self.reply(Reply::chunks(chunks))
    }

    /// Answers the next request with whatever `f` returns for it.
    pub fn reply_with(
        &self,
        f: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
    ) -> Scripted {
        self.push(Action::With(Arc::new(f)))
    }
}

/// A queued scripted reply; adjust how many requests it answers.
#[derive(Clone)]
pub struct Scripted {
    state: Arc<State>,
    id: u64,
}

impl fmt::Debug for Scripted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scripted")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Scripted {
    /// Answers the next `n` matching requests (instead of one). `0` removes the entry.
    pub fn times(&self, n: usize) -> &Self {
        self.state.set_script_remaining(self.id, Some(n));
        self
    }

    /// Answers every matching request from now on (entries queued after it never run).
    pub fn forever(&self) -> &Self {
        self.state.set_script_remaining(self.id, None);
        self
    }

    /// How many more requests this entry will answer (`None`: unlimited); `Some(0)` once used up.
    pub fn remaining(&self) -> Option<usize> {
        self.state.script_remaining(self.id)
    }
}
