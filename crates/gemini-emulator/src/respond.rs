//! Turns a resolved reply (payload + faults) into an HTTP response, spawning a writer task when
//! the body has to be paced, stalled or cut.

use std::io;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{HeaderName, HeaderValue, Response, StatusCode, header};
use serde_json::Value;

use crate::body::{self, BodySender, ResponseBody};
use crate::errors::ApiError;
use crate::script::{Fault, FaultKind};
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
}

/// How the body is written.
#[derive(Debug, Default)]
pub(crate) struct Delivery {
    pub(crate) status: Option<u16>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) faults: Vec<Fault>,
    pub(crate) chunk_interval: Duration,
}

enum Step {
    Bytes(Bytes),
    Sleep(Duration),
    StallForever,
    Drop,
}

/// Builds the response. `framing` is `Some` for streaming methods.
pub(crate) fn render(
    payload: Payload,
    framing: Option<Framing>,
    delivery: Delivery,
) -> Response<ResponseBody> {
    let mut extra_headers = delivery.headers;
    let (status, content_type, steps) = match payload {
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
    let body = into_body(steps);
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
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

fn into_body(steps: Vec<Step>) -> ResponseBody {
    if steps.iter().all(|s| matches!(s, Step::Bytes(_))) {
        let mut all = BytesMut::new();
        for s in steps {
            if let Step::Bytes(b) = s {
                all.extend_from_slice(&b);
            }
        }
        return body::full(all.freeze());
    }
    let (tx, body) = body::channel();
    tokio::spawn(write_steps(tx, steps));
    body
}

async fn write_steps(tx: BodySender, steps: Vec<Step>) {
    for step in steps {
        match step {
            Step::Bytes(b) => {
                if b.is_empty() {
                    continue;
                }
                if tx.send(Ok(b)).await.is_err() {
                    return;
                }
            }
            Step::Sleep(d) => tokio::time::sleep(d).await,
            Step::StallForever => {
                // Keep the connection open until the client goes away.
                tx.closed().await;
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
