//! A tiny HTTP/1.1 client over plain TCP for the emulator's tests.

// Each test crate uses a different subset; helpers may panic (they are test code).
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use bytes::Bytes;
use gemini_emulator::Emulator;
use http::{HeaderMap, Request};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::Value;

/// Every network wait in these tests is bounded by this.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A whole response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `error.message` of an error envelope.
    pub fn message(&self) -> String {
        self.json()["error"]["message"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
}

/// Sends a request and returns the response head with its streaming body.
pub async fn open(
    emu: &Emulator,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> hyper::Response<Incoming> {
    let stream = tokio::time::timeout(TIMEOUT, tokio::net::TcpStream::connect(emu.addr()))
        .await
        .expect("connect timed out")
        .expect("connect");
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req.body(Full::new(body.into())).expect("request");
    tokio::time::timeout(TIMEOUT, send.send_request(req))
        .await
        .expect("response timed out")
        .expect("response")
}

/// Sends a request and reads the whole response.
pub async fn send(
    emu: &Emulator,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Resp {
    let resp = open(emu, method, path, headers, body).await;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = tokio::time::timeout(TIMEOUT, resp.into_body().collect())
        .await
        .expect("body timed out")
        .expect("body")
        .to_bytes();
    Resp {
        status,
        headers,
        body,
    }
}

/// `POST` a JSON body with an API key.
pub async fn post(emu: &Emulator, path: &str, body: &Value) -> Resp {
    send(
        emu,
        "POST",
        path,
        &[
            ("x-goog-api-key", "test-key"),
            ("content-type", "application/json"),
        ],
        body.to_string(),
    )
    .await
}

/// `GET` with an API key.
pub async fn get(emu: &Emulator, path: &str) -> Resp {
    send(
        emu,
        "GET",
        path,
        &[("x-goog-api-key", "test-key")],
        Bytes::new(),
    )
    .await
}

/// The body frames of a streaming response as they arrive, ending with `Err` when the
/// connection broke and `Ok(None)` at a clean end; each wait is bounded by `wait`.
pub async fn next_frame(body: &mut Incoming, wait: Duration) -> Result<Option<Bytes>, String> {
    loop {
        match tokio::time::timeout(wait, body.frame()).await {
            Err(_) => return Err("timeout".into()),
            Ok(None) => return Ok(None),
            Ok(Some(Err(e))) => return Err(format!("broken: {e}")),
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    return Ok(Some(data));
                }
            }
        }
    }
}

/// A user prompt request body.
pub fn prompt(text: &str) -> Value {
    serde_json::json!({"contents": [{"role": "user", "parts": [{"text": text}]}]})
}

/// The SSE `data:` payloads of a body, checking the framing on the way.
pub fn sse_events(body: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(body).expect("utf-8");
    assert!(text.ends_with("\r\n\r\n") || text.is_empty(), "{text:?}");
    text.split_terminator("\r\n\r\n")
        .map(|event| {
            let data = event.strip_prefix("data: ").expect("data: prefix");
            assert!(
                !data.contains('\n') && !data.contains('\r'),
                "one line per event"
            );
            serde_json::from_str(data).expect("event JSON")
        })
        .collect()
}

// Fault tests measure wall time; this is their only clock.
#[allow(clippy::disallowed_methods)]
pub fn now() -> Instant {
    Instant::now()
}

/// `../shared/spec` (beside the repository), or `None` after printing one line when it is
/// absent. Under `CI=true` its absence is a failure.
pub fn shared_spec(what: &str) -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what}: ../shared/spec not found, and CI=true requires it"
    );
    // Straight to stderr: the test harness captures `println!`, and this line must show.
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("skipping {what}: ../shared/spec not found\n").as_bytes(),
    );
    None
}

/// The folder of real recorded traffic (`../shared/spec/real`), or `None` as
/// [`shared_spec`].
pub fn real_dir(what: &str) -> Option<std::path::PathBuf> {
    shared_spec(what).map(|spec| spec.join("real"))
}
