//! Turns a resolved reply (payload + faults) into an HTTP response, spawning a writer task when
//! the body has to be paced, stalled, cut or generated.
//!
//! Huge bodies ([`Payload::Huge`], [`Payload::HugeError`]) are generated piece by piece by the
//! writer task: a 64 KiB filler is shared by every piece, and at most the body channel's 16
//! pieces wait in memory, so a body of any size costs the emulator about a megabyte.

use std::io;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{HeaderName, HeaderValue, Response, StatusCode, header};
use serde_json::Value;

use crate::body::{self, BodySender, ResponseBody};
use crate::errors::ApiError;
use crate::script::{FOREVER, Fault, FaultKind};
use crate::sse::{Framing, JSON_CONTENT_TYPE, unary_body};

/// What to send, before framing.
#[derive(Debug)]
pub(crate) enum Payload {
    /// One JSON document.
    Unary(Value),
    /// Stream chunks.
    Stream(Vec<Value>),
    /// An error envelope.
    Error(ApiError),
    /// Raw bytes.
    Raw { content_type: String, body: Bytes },
    /// A `200` with no body, in the method's content type.
    Empty,
    /// A valid answer of about this many bytes, generated as it is sent.
    Huge(u64),
    /// An error envelope of about this many bytes, generated as it is sent.
    HugeError { code: u16, bytes: u64 },
    /// `302 Found` to this URL, with no body.
    Redirect(String),
    /// A `text/event-stream` body written by a task as its events become available
    /// (Interactions streams); it applies the stream faults itself.
    Live(LiveStream),
}

/// Starts the writer of a [`Payload::Live`] body: given the reply's faults and chunk interval,
/// it returns the body.
pub(crate) struct LiveStream(pub(crate) StartWriter);

/// The starter of a [`LiveStream`]'s writer.
pub(crate) type StartWriter = Box<dyn FnOnce(&[Fault], Duration) -> ResponseBody + Send>;

impl std::fmt::Debug for LiveStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LiveStream")
    }
}

/// How the body is written.
#[derive(Debug, Default)]
pub(crate) struct Delivery {
    pub(crate) status: Option<u16>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) faults: Vec<Fault>,
    pub(crate) chunk_interval: Duration,
    /// Send the body this many bytes at a time, waiting this long before each later piece.
    pub(crate) drip: Option<(usize, Duration)>,
    /// Replaces the `Content-Type`.
    pub(crate) content_type: Option<String>,
    /// Never send a `Content-Length`.
    pub(crate) chunked: bool,
}

/// Pieces of a generated body, produced on demand.
type Pieces = Box<dyn Iterator<Item = Bytes> + Send>;

enum Step {
    Bytes(Bytes),
    /// A generated body of this many bytes.
    Generate(Pieces, u64),
    Sleep(Duration),
    StallForever,
    Drop,
}

/// Builds the response. `framing` is `Some` for streaming methods.
pub(crate) fn render(
    payload: Payload,
    framing: Option<Framing>,
    mut delivery: Delivery,
) -> Response<ResponseBody> {
    if matches!(payload, Payload::Huge(_) | Payload::HugeError { .. })
        && !delivery.faults.is_empty()
    {
        tracing::warn!("mid-body faults do not apply to a generated body; ignored");
        delivery.faults.clear();
    }
    let mut extra_headers = delivery.headers;
    if let Payload::Live(live) = payload {
        let body = (live.0)(&delivery.faults, delivery.chunk_interval);
        let content_type = delivery
            .content_type
            .unwrap_or_else(|| Framing::Sse.content_type().to_owned());
        extra_headers.push(("cache-control".into(), "no-cache".into()));
        return finish(
            body,
            delivery.status.unwrap_or(200),
            &content_type,
            extra_headers,
        );
    }
    let (status, content_type, steps) = match payload {
        Payload::Live(_) => unreachable!("answered above"),
        Payload::Error(e) => {
            extra_headers.extend(e.headers.iter().cloned());
            let json = e.to_json();
            // Errors of a JSON-array stream come wrapped in an array (`[{"error": ...}]`).
            let bytes = match framing {
                Some(Framing::JsonArray) => {
                    let mut b = BytesMut::new();
                    b.extend_from_slice(&Framing::JsonArray.chunk(0, &json));
                    b.extend_from_slice(&Framing::JsonArray.end(1));
                    b.freeze()
                }
                _ => unary_body(&json),
            };
            (
                e.code,
                JSON_CONTENT_TYPE.to_owned(),
                unary_steps(bytes, &delivery.faults),
            )
        }
        Payload::Raw { content_type, body } => {
            (200, content_type, unary_steps(body, &delivery.faults))
        }
        Payload::Redirect(location) => {
            extra_headers.push(("location".into(), location));
            (302, "text/html; charset=UTF-8".to_owned(), Vec::new())
        }
        Payload::Empty => (
            200,
            framing
                .map_or(JSON_CONTENT_TYPE, Framing::content_type)
                .to_owned(),
            Vec::new(),
        ),
        Payload::Huge(bytes) => match framing {
            Some(f) => (
                200,
                f.content_type().to_owned(),
                vec![huge_stream(f, bytes)],
            ),
            None => (200, JSON_CONTENT_TYPE.to_owned(), vec![huge_answer(bytes)]),
        },
        Payload::HugeError { code, bytes } => (
            code,
            JSON_CONTENT_TYPE.to_owned(),
            vec![huge_error(code, bytes)],
        ),
        Payload::Unary(v) => match framing {
            Some(f) => (
                200,
                f.content_type().to_owned(),
                stream_steps(f, &[v], &delivery.faults, delivery.chunk_interval),
            ),
            None => (
                200,
                JSON_CONTENT_TYPE.to_owned(),
                unary_steps(unary_body(&v), &delivery.faults),
            ),
        },
        Payload::Stream(chunks) => {
            if let Some(f) = framing {
                (
                    200,
                    f.content_type().to_owned(),
                    stream_steps(f, &chunks, &delivery.faults, delivery.chunk_interval),
                )
            } else {
                let first = chunks.into_iter().next().unwrap_or(Value::Null);
                (
                    200,
                    JSON_CONTENT_TYPE.to_owned(),
                    unary_steps(unary_body(&first), &delivery.faults),
                )
            }
        }
    };
    let status = delivery.status.unwrap_or(status);
    let content_type = delivery.content_type.unwrap_or(content_type);
    let exact = !delivery.chunked && framing.is_none();
    let body = into_body(steps, delivery.drip, exact);
    finish(body, status, &content_type, extra_headers)
}

/// The response with `body`, `status`, the content type and the usual headers.
fn finish(
    body: ResponseBody,
    status: u16,
    content_type: &str,
    extra_headers: Vec<(String, String)>,
) -> Response<ResponseBody> {
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::VARY,
        HeaderValue::from_static("Origin, X-Origin, Referer"),
    );
    h.insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    for (k, v) in extra_headers {
        if let (Ok(k), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            h.append(k, v);
        }
    }
    response
}

fn unary_steps(bytes: Bytes, faults: &[Fault]) -> Vec<Step> {
    let Some(fault) = faults
        .iter()
        .find(|f| !matches!(f.kind, FaultKind::ErrorEvent(_)))
    else {
        return vec![Step::Bytes(bytes)];
    };
    let cut = if fault.after == 0 { 0 } else { bytes.len() / 2 };
    let mut steps = Vec::new();
    if cut > 0 {
        steps.push(Step::Bytes(bytes.slice(..cut)));
    }
    match fault.kind {
        FaultKind::Stall(Some(d)) => {
            steps.push(Step::Sleep(d));
            steps.push(Step::Bytes(bytes.slice(cut..)));
        }
        FaultKind::Stall(None) => steps.push(Step::StallForever),
        FaultKind::Drop | FaultKind::ErrorEvent(_) => steps.push(Step::Drop),
    }
    steps
}

fn stream_steps(
    framing: Framing,
    chunks: &[Value],
    faults: &[Fault],
    interval: Duration,
) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut sent = 0usize;
    for i in 0..=chunks.len() {
        for fault in faults.iter().filter(|f| f.after == i) {
            match &fault.kind {
                FaultKind::Stall(Some(d)) => steps.push(Step::Sleep(*d)),
                FaultKind::Stall(None) => {
                    steps.push(Step::StallForever);
                    return steps;
                }
                FaultKind::Drop => {
                    steps.push(Step::Drop);
                    return steps;
                }
                FaultKind::ErrorEvent(e) => {
                    steps.push(Step::Bytes(framing.chunk(sent, &e.to_json())));
                    steps.push(Step::Bytes(framing.end(sent + 1)));
                    return steps;
                }
            }
        }
        let Some(chunk) = chunks.get(i) else { break };
        if i > 0 && !interval.is_zero() {
            steps.push(Step::Sleep(interval));
        }
        steps.push(Step::Bytes(framing.chunk(i, chunk)));
        sent += 1;
    }
    steps.push(Step::Bytes(framing.end(sent)));
    steps
}

/// The body for `steps`: a whole buffer when nothing has to be paced, else a channel fed by
/// a writer task. With `exact`, a body whose length is known up front says so
/// (`Content-Length`).
fn into_body(steps: Vec<Step>, drip: Option<(usize, Duration)>, exact: bool) -> ResponseBody {
    let plain = steps.iter().all(|s| matches!(s, Step::Bytes(_)));
    if plain && drip.is_none() && exact {
        let mut all = BytesMut::new();
        for s in steps {
            if let Step::Bytes(b) = s {
                all.extend_from_slice(&b);
            }
        }
        return body::full(all.freeze());
    }
    // Known only when every step sends its bytes (a cut or a stall-forever ends early).
    let len = steps
        .iter()
        .try_fold(0u64, |sum, s| match s {
            Step::Bytes(b) => Some(sum + b.len() as u64),
            Step::Generate(_, n) => Some(sum + n),
            Step::Sleep(_) => Some(sum),
            Step::StallForever | Step::Drop => None,
        })
        .filter(|_| exact);
    let (tx, body) = body::channel(len);
    tokio::spawn(write_steps(tx, steps, drip));
    body
}

async fn write_steps(tx: BodySender, steps: Vec<Step>, drip: Option<(usize, Duration)>) {
    let mut first = true;
    for step in steps {
        match step {
            Step::Bytes(b) => {
                if send(&tx, b, drip, &mut first).await.is_err() {
                    return;
                }
            }
            Step::Generate(pieces, _) => {
                // Bounded: every generator yields a fixed number of pieces.
                for piece in pieces {
                    if send(&tx, piece, drip, &mut first).await.is_err() {
                        return;
                    }
                }
            }
            Step::Sleep(d) => tokio::time::sleep(d).await,
            Step::StallForever => {
                // Keep the connection open until the client goes away (or the emulator stops).
                let _ = tokio::time::timeout(FOREVER, tx.closed()).await;
                return;
            }
            Step::Drop => {
                // Let the connection flush what was already sent, so the client sees the
                // chunks before the cut (hyper flushes when the body has nothing ready).
                tokio::time::sleep(Duration::from_millis(20)).await;
                let _ = tx
                    .send(Err(io::Error::new(
                        io::ErrorKind::ConnectionReset,
                        "connection dropped by fault injection",
                    )))
                    .await;
                return;
            }
        }
    }
}

/// Sends `bytes`, in pieces of `drip.0` bytes `drip.1` apart when dripping. `Err` when the
/// client went away.
async fn send(
    tx: &BodySender,
    mut bytes: Bytes,
    drip: Option<(usize, Duration)>,
    first: &mut bool,
) -> Result<(), ()> {
    let Some((size, interval)) = drip else {
        if bytes.is_empty() {
            return Ok(());
        }
        return tx.send(Ok(bytes)).await.map_err(drop);
    };
    // Bounded: each turn sends at least one byte of `bytes`.
    while !bytes.is_empty() {
        if !*first {
            tokio::time::sleep(interval).await;
        }
        *first = false;
        let piece = bytes.split_to(size.min(bytes.len()));
        tx.send(Ok(piece)).await.map_err(drop)?;
    }
    Ok(())
}

/// The filler text of generated bodies (64 KiB, shared by every piece).
fn filler() -> Bytes {
    const LINE: &[u8] = b"All work and no play makes a huge body. ";
    let mut v = Vec::with_capacity(FILLER_LEN);
    while v.len() < FILLER_LEN {
        let n = LINE.len().min(FILLER_LEN - v.len());
        v.extend_from_slice(&LINE[..n]);
    }
    Bytes::from(v)
}

const FILLER_LEN: usize = 64 * 1024;

/// `len` bytes of filler, in pieces of at most [`FILLER_LEN`].
fn fill(filler: Bytes, len: u64) -> impl Iterator<Item = Bytes> + Send {
    let step = FILLER_LEN as u64;
    (0..len.div_ceil(step)).map(move |i| {
        let n = (len - i * step).min(step);
        // `n` is at most FILLER_LEN, which fits in usize.
        filler.slice(..usize::try_from(n).unwrap_or(FILLER_LEN))
    })
}

/// `prefix`, filler up to `bytes` in all, `suffix`: exactly `bytes` long (or just the prefix
/// and suffix when `bytes` is smaller).
fn padded(prefix: String, suffix: String, bytes: u64) -> Step {
    let fixed = (prefix.len() + suffix.len()) as u64;
    let pad = bytes.saturating_sub(fixed);
    let pieces = std::iter::once(Bytes::from(prefix))
        .chain(fill(filler(), pad))
        .chain(std::iter::once(Bytes::from(suffix)));
    Step::Generate(Box::new(pieces), fixed + pad)
}

/// One `GenerateContentResponse` of `bytes` bytes whose text is filler.
fn huge_answer(bytes: u64) -> Step {
    padded(
        r#"{"candidates":[{"content":{"role":"model","parts":[{"text":""#.to_owned(),
        r#""}]},"finishReason":"STOP","index":0}]}"#.to_owned() + "\n",
        bytes,
    )
}

/// An error envelope for `code` of `bytes` bytes whose message is filler.
fn huge_error(code: u16, bytes: u64) -> Step {
    let status = ApiError::new(code, "").status;
    padded(
        format!(r#"{{"error":{{"code":{code},"message":""#),
        format!(r#"","status":"{status}"}}}}"#) + "\n",
        bytes,
    )
}

/// Size of the text of each chunk of a generated stream.
const HUGE_CHUNK_TEXT: u64 = 16 * 1024;

/// A stream of about `bytes` bytes: chunks whose text is filler, the last with finish reason
/// `STOP`, framed as `framing` asks.
fn huge_stream(framing: Framing, bytes: u64) -> Step {
    const OPEN: &str = r#"{"candidates":[{"content":{"role":"model","parts":[{"text":""#;
    const MORE: &str = r#""}]},"index":0}]}"#;
    const LAST: &str = r#""}]},"finishReason":"STOP","index":0}]}"#;
    let per_chunk = HUGE_CHUNK_TEXT + (OPEN.len() + LAST.len() + 8) as u64;
    let chunks = bytes.div_ceil(per_chunk).max(1);
    // SSE: `data: ` and CRLF CRLF around each chunk. JSON array: `[` before the first, a
    // 4-byte separator before each later one, `\n]` after the last (4 per chunk, less one).
    let (frame, less) = match framing {
        Framing::Sse => (10, 0),
        Framing::JsonArray => (4, 1),
    };
    let total = chunks * (HUGE_CHUNK_TEXT + (OPEN.len() + MORE.len() + frame) as u64)
        + (LAST.len() - MORE.len()) as u64
        - less;
    let filler = filler();
    let text = filler.slice(..usize::try_from(HUGE_CHUNK_TEXT).unwrap_or(FILLER_LEN));
    let pieces = (0..chunks).flat_map(move |i| {
        let last = i + 1 == chunks;
        let (before, after): (&'static [u8], &'static [u8]) = match framing {
            Framing::Sse => (b"data: ", b"\r\n\r\n"),
            Framing::JsonArray if i == 0 => (b"[", b""),
            Framing::JsonArray => (b"\n,\r\n", b""),
        };
        let end: &'static [u8] = match framing {
            Framing::JsonArray if last => b"\n]",
            _ => b"",
        };
        [
            Bytes::from_static(before),
            Bytes::from_static(OPEN.as_bytes()),
            text.clone(),
            Bytes::from_static(if last { LAST } else { MORE }.as_bytes()),
            Bytes::from_static(after),
            Bytes::from_static(end),
        ]
    });
    Step::Generate(Box::new(pieces), total)
}
