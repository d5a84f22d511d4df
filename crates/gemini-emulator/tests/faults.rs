//! Every scripted fault, the script queue, handlers and request capture.

// Test helpers outside #[test] functions may panic too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use bytes::Bytes;
use gemini_emulator::{Emulator, Reply};
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use support::{next_frame, now, open, post, prompt};

const GEN: &str = "/v1beta/models/gemini-2.5-flash:generateContent";
const SSE: &str = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
const KEY: [(&str, &str); 1] = [("x-goog-api-key", "k")];

#[tokio::test]
async fn status_with_retry_info_then_the_model_resumes() {
    let emu = Emulator::start();
    emu.script("generateContent")
        .reply(
            Reply::status(429)
                .with_retry_info(Duration::from_millis(1500))
                .with_retry_after(2),
        )
        .times(2);
    for _ in 0..2 {
        let r = post(&emu, GEN, &prompt("hi")).await;
        assert_eq!(r.status, 429);
        assert_eq!(r.header("retry-after"), Some("2"));
        let e = r.json();
        assert_eq!(e["error"]["status"], "RESOURCE_EXHAUSTED");
        assert_eq!(
            e["error"]["details"][0]["@type"],
            "type.googleapis.com/google.rpc.RetryInfo"
        );
        assert_eq!(e["error"]["details"][0]["retryDelay"], "1.5s");
    }
    assert_eq!(post(&emu, GEN, &prompt("hi")).await.status, 200);
    assert_eq!(emu.count("generateContent"), 3);
}

#[tokio::test]
async fn reply_status_uses_the_real_status_names() {
    let emu = Emulator::start();
    let scripted = emu.script("*").reply_status(503);
    scripted.times(1);
    assert_eq!(scripted.remaining(), Some(1));
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:countTokens",
        &prompt("x"),
    )
    .await;
    assert_eq!(r.status, 503);
    assert_eq!(r.json()["error"]["status"], "UNAVAILABLE");
    assert_eq!(
        r.json()["error"]["message"],
        "The model is overloaded. Please try again later."
    );
    assert_eq!(scripted.remaining(), Some(0));
}

#[tokio::test]
async fn delay_before_headers() {
    let emu = Emulator::start();
    emu.script("generateContent")
        .reply(Reply::model().delay(Duration::from_millis(300)));
    let t = now();
    let r = post(&emu, GEN, &prompt("hi")).await;
    assert_eq!(r.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn stall_mid_stream_then_resume() {
    let emu = Emulator::start();
    emu.script("streamGenerateContent")
        .reply(Reply::model().stall_after(1, Duration::from_millis(400)));
    let resp = open(
        &emu,
        "POST",
        SSE,
        &KEY,
        prompt("a b c d e f g h i j k l m n").to_string(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let mut body = resp.into_body();
    assert!(
        next_frame(&mut body, Duration::from_secs(5))
            .await
            .unwrap()
            .is_some()
    );
    // Nothing arrives during the stall...
    assert_eq!(
        next_frame(&mut body, Duration::from_millis(150)).await,
        Err("timeout".into())
    );
    // ...then the rest of the stream does, and it ends cleanly.
    let mut remaining_chunks = 0;
    while next_frame(&mut body, Duration::from_secs(5))
        .await
        .unwrap()
        .is_some()
    {
        remaining_chunks += 1;
    }
    assert!(remaining_chunks >= 1);
}

#[tokio::test]
async fn stall_forever_keeps_the_connection_open() {
    let emu = Emulator::start();
    emu.script("streamGenerateContent")
        .reply(Reply::model().stall_forever_after(1));
    let resp = open(
        &emu,
        "POST",
        SSE,
        &KEY,
        prompt("one two three four").to_string(),
    )
    .await;
    let mut body = resp.into_body();
    assert!(
        next_frame(&mut body, Duration::from_secs(5))
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        next_frame(&mut body, Duration::from_millis(300)).await,
        Err("timeout".into())
    );
    drop(body);
    // The emulator still serves other requests.
    assert_eq!(post(&emu, GEN, &prompt("hi")).await.status, 200);
}

#[tokio::test]
async fn dropped_connection_mid_stream() {
    let emu = Emulator::start();
    emu.script("streamGenerateContent")
        .reply(Reply::model().drop_after(1));
    let resp = open(
        &emu,
        "POST",
        SSE,
        &KEY,
        prompt("one two three four").to_string(),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let mut body = resp.into_body();
    assert!(
        next_frame(&mut body, Duration::from_secs(5))
            .await
            .unwrap()
            .is_some()
    );
    let end = next_frame(&mut body, Duration::from_secs(5)).await;
    assert!(matches!(&end, Err(e) if e.starts_with("broken")), "{end:?}");

    // A unary body can be cut too.
    emu.script("generateContent")
        .reply(Reply::model().drop_after(1));
    let resp = open(&emu, "POST", GEN, &KEY, prompt("x").to_string()).await;
    let mut body = resp.into_body();
    let mut broke = false;
    for _ in 0..10 {
        match next_frame(&mut body, Duration::from_secs(5)).await {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => {
                broke = true;
                break;
            }
        }
    }
    assert!(broke);
}

#[tokio::test]
async fn error_event_after_a_200() {
    let emu = Emulator::start();
    emu.script("streamGenerateContent")
        .reply(Reply::model().error_after(1, 503));
    let r = post(&emu, SSE, &prompt("one two three four")).await;
    assert_eq!(r.status, 200);
    let events = support::sse_events(&r.body);
    assert_eq!(events.len(), 2);
    assert!(events[0]["candidates"].is_array());
    assert_eq!(
        events[1],
        json!({"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}})
    );
    // The same fault in the JSON-array framing.
    emu.script("streamGenerateContent")
        .reply(Reply::model().error_after(1, 500));
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
        &prompt("a b c"),
    )
    .await;
    assert_eq!(r.json()[1]["error"]["code"], 500);
}

#[tokio::test]
async fn raw_bodies_and_status_overrides() {
    let emu = Emulator::start();
    emu.script("generateContent")
        .reply(Reply::raw(502, "text/html", "<html>Bad Gateway</html>"));
    let r = post(&emu, GEN, &prompt("x")).await;
    assert_eq!(r.status, 502);
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert_eq!(r.text(), "<html>Bad Gateway</html>");

    emu.script("generateContent")
        .reply(Reply::json(json!({"odd": true})).with_http_status(500));
    let r = post(&emu, GEN, &prompt("x")).await;
    assert_eq!(r.status, 500);
    assert_eq!(r.json(), json!({"odd": true}));
}

#[tokio::test]
async fn handlers_queues_and_capture() {
    let emu = Emulator::start();
    emu.on("countTokens", |req| {
        let text = req.json().unwrap()["contents"][0]["parts"][0]["text"]
            .as_str()
            .unwrap()
            .len();
        Reply::json(json!({"totalTokens": text}))
    });
    // Queued entries run before the handler.
    emu.script("countTokens")
        .reply_json(json!({"totalTokens": -1}));
    let url = "/v1beta/models/gemini-2.5-flash:countTokens";
    assert_eq!(
        post(&emu, url, &prompt("abc")).await.json()["totalTokens"],
        -1
    );
    assert_eq!(
        post(&emu, url, &prompt("abcd")).await.json()["totalTokens"],
        4
    );
    emu.clear_handler("countTokens");
    assert_eq!(
        post(&emu, url, &prompt("abcd")).await.json()["totalTokens"],
        1
    );

    emu.script("generateContent").reply_with(|req| {
        Reply::json(json!({"path": req.path(), "sdk": req.header("x-goog-api-client")}))
    });
    let r = support::send(
        &emu,
        "POST",
        GEN,
        &[
            ("x-goog-api-key", "k"),
            ("x-goog-api-client", "genai-rust/0.1.0"),
        ],
        prompt("x").to_string(),
    )
    .await;
    assert_eq!(r.json(), json!({"path": GEN, "sdk": "genai-rust/0.1.0"}));

    let reqs = emu.requests_for("generateContent");
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].model(), Some("gemini-2.5-flash"));
    assert_eq!(reqs[0].api_version(), "v1beta");
    assert_eq!(reqs[0].method(), "POST");
    assert_eq!(emu.last_body("generateContent"), Some(prompt("x")));
    assert!(format!("{:?}", reqs[0].headers()).contains("Sensitive"));
    assert_eq!(emu.count("*"), 4);
    emu.clear_requests();
    assert_eq!(emu.count("*"), 0);

    emu.script("generateContent").reply_status(500).forever();
    assert_eq!(post(&emu, GEN, &prompt("x")).await.status, 500);
    assert_eq!(post(&emu, GEN, &prompt("x")).await.status, 500);
    emu.reset();
    assert_eq!(post(&emu, GEN, &prompt("x")).await.status, 200);
}

/// Sends a `POST` with the key on a fresh connection and waits at most `wait` for the
/// response head: `Ok(status)`, `Err("timeout")`, or `Err` with the connection error.
async fn head_within(emu: &Emulator, path: &str, wait: Duration) -> Result<u16, String> {
    let stream = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let req = http::Request::post(path)
        .header("host", "127.0.0.1")
        .header("x-goog-api-key", "k")
        .body(Full::new(Bytes::from(prompt("hi").to_string())))
        .unwrap();
    match tokio::time::timeout(wait, send.send_request(req)).await {
        Err(_) => Err("timeout".into()),
        Ok(Ok(r)) => Ok(r.status().as_u16()),
        Ok(Err(e)) => Err(format!("connection: {e}")),
    }
}

/// Reads a whole body frame by frame: the frames' sizes and the bytes.
async fn frames(resp: hyper::Response<hyper::body::Incoming>) -> (Vec<usize>, Vec<u8>) {
    let mut body = resp.into_body();
    let (mut sizes, mut all) = (Vec::new(), Vec::new());
    for _ in 0..100_000 {
        match next_frame(&mut body, Duration::from_secs(10))
            .await
            .unwrap()
        {
            Some(b) => {
                sizes.push(b.len());
                all.extend_from_slice(&b);
            }
            None => return (sizes, all),
        }
    }
    panic!("the body did not end");
}

#[tokio::test]
async fn stall_forever_before_headers_and_reset() {
    let emu = Emulator::start();
    emu.script("generateContent")
        .reply(Reply::model().stall_forever_before_headers());
    assert_eq!(
        head_within(&emu, GEN, Duration::from_millis(400)).await,
        Err("timeout".into())
    );
    // The request was read and recorded; the emulator still serves others.
    assert_eq!(emu.count("generateContent"), 1);
    assert_eq!(post(&emu, GEN, &prompt("hi")).await.status, 200);

    // A timed stall before the headers, then the answer.
    emu.script("generateContent")
        .reply(Reply::model().stall_before_headers(Duration::from_millis(200)));
    let t = now();
    assert_eq!(
        head_within(&emu, GEN, Duration::from_secs(10)).await,
        Ok(200)
    );
    assert!(t.elapsed() >= Duration::from_millis(200));

    // A reset: the connection closes with no answer at all.
    emu.script("streamGenerateContent")
        .reply(Reply::model().reset());
    let r = head_within(&emu, SSE, Duration::from_secs(10)).await;
    assert!(matches!(&r, Err(e) if e.starts_with("connection")), "{r:?}");
    assert_eq!(emu.count("streamGenerateContent"), 1);
    assert_eq!(post(&emu, SSE, &prompt("hi")).await.status, 200);
}

#[tokio::test]
async fn drip_sends_small_pieces_of_the_same_answer() {
    let emu = Emulator::start();
    let whole = post(&emu, GEN, &prompt("drip")).await;
    emu.script("generateContent")
        .reply(Reply::model().drip(7, Duration::from_millis(2)));
    let resp = open(&emu, "POST", GEN, &KEY, prompt("drip").to_string()).await;
    assert_eq!(
        resp.headers()["content-length"],
        whole.body.len().to_string().as_str(),
        "a dripped unary body still has its length"
    );
    let (sizes, bytes) = frames(resp).await;
    // The client may read two pieces at once when it is slow to poll (a loaded machine), so
    // most reads, not all, are one piece.
    assert!(
        sizes.len() > 3 && sizes.iter().filter(|&&n| n <= 7).count() * 2 > sizes.len(),
        "{sizes:?}"
    );
    let (mut dripped, mut whole): (Value, Value) =
        (serde_json::from_slice(&bytes).unwrap(), whole.json());
    // Every answer has its own id.
    dripped["responseId"].take();
    whole["responseId"].take();
    assert_eq!(dripped, whole);

    // A stream drips across its events.
    emu.script("streamGenerateContent")
        .reply(Reply::model().drip(3, Duration::from_millis(1)));
    let resp = open(&emu, "POST", SSE, &KEY, prompt("a b").to_string()).await;
    let (sizes, bytes) = frames(resp).await;
    assert!(
        sizes.len() > 3 && sizes.iter().filter(|&&n| n <= 3).count() * 2 > sizes.len(),
        "{sizes:?}"
    );
    let events = support::sse_events(&bytes);
    assert!(events.last().unwrap()["candidates"][0]["finishReason"] == "STOP");
}

#[tokio::test]
async fn huge_bodies_are_exact_valid_and_generated() {
    let emu = Emulator::start();
    let n: u64 = 3 * 1024 * 1024 + 17;
    emu.script("generateContent").reply(Reply::huge_body(n));
    let resp = open(&emu, "POST", GEN, &KEY, prompt("x").to_string()).await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-length"], n.to_string().as_str());
    let (_, bytes) = frames(resp).await;
    assert_eq!(bytes.len() as u64, n);
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["candidates"][0]["finishReason"], "STOP");
    assert!(
        v["candidates"][0]["content"]["parts"][0]["text"]
            .as_str()
            .unwrap()
            .len()
            > 3_000_000
    );

    // Chunked: the same body with no length.
    emu.script("generateContent")
        .reply(Reply::huge_body(100_000).chunked());
    let resp = open(&emu, "POST", GEN, &KEY, prompt("x").to_string()).await;
    assert!(resp.headers().get("content-length").is_none());
    assert_eq!(frames(resp).await.1.len(), 100_000);

    // Smaller than the smallest document: the smallest document.
    emu.script("generateContent").reply(Reply::huge_body(1));
    let v = post(&emu, GEN, &prompt("x")).await.json();
    assert_eq!(v["candidates"][0]["content"]["parts"][0]["text"], "");

    // Mid-body faults do not apply to a generated body: it arrives whole.
    emu.script("generateContent")
        .reply(Reply::huge_body(100_000).drop_after(1));
    let resp = open(&emu, "POST", GEN, &KEY, prompt("x").to_string()).await;
    assert_eq!(frames(resp).await.1.len(), 100_000);

    // A huge error.
    emu.script("generateContent")
        .reply(Reply::huge_error(500, 2_000_000));
    let r = post(&emu, GEN, &prompt("x")).await;
    assert_eq!(r.status, 500);
    assert_eq!(r.header("content-length"), Some("2000000"));
    assert_eq!(r.body.len(), 2_000_000);
    assert_eq!(r.json()["error"]["code"], 500);
    assert_eq!(r.json()["error"]["status"], "INTERNAL");
}

#[tokio::test]
async fn huge_streams_are_many_valid_events() {
    let emu = Emulator::start();
    emu.script("streamGenerateContent")
        .reply(Reply::huge_body(1024 * 1024));
    let r = post(&emu, SSE, &prompt("x")).await;
    assert_eq!(r.header("content-type"), Some("text/event-stream"));
    assert!(r.header("content-length").is_none());
    assert!(r.body.len() >= 1024 * 1024);
    let events = support::sse_events(&r.body);
    assert!(events.len() >= 60, "{}", events.len());
    assert!(
        events[..events.len() - 1]
            .iter()
            .all(|e| e["candidates"][0].get("finishReason").is_none())
    );
    assert_eq!(
        events.last().unwrap()["candidates"][0]["finishReason"],
        "STOP"
    );

    // The JSON-array framing.
    emu.script("streamGenerateContent")
        .reply(Reply::huge_body(100_000));
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
        &prompt("x"),
    )
    .await;
    let chunks = r.json();
    let chunks = chunks.as_array().unwrap();
    assert!(chunks.len() >= 6, "{}", chunks.len());
    assert_eq!(
        chunks.last().unwrap()["candidates"][0]["finishReason"],
        "STOP"
    );
}

/// The test process's resident memory, in bytes (Linux), or `None`.
fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

#[tokio::test]
async fn a_huge_body_is_never_held_in_memory() {
    let emu = Emulator::start();
    let n: u64 = 512 * 1024 * 1024;
    emu.script("generateContent").reply(Reply::huge_body(n));
    let before = rss();
    let resp = open(&emu, "POST", GEN, &KEY, prompt("x").to_string()).await;
    let mut body = resp.into_body();
    let mut read = 0u64;
    let mut peak = before;
    for i in 0..1_000_000u64 {
        match next_frame(&mut body, Duration::from_secs(10))
            .await
            .unwrap()
        {
            Some(b) => read += b.len() as u64,
            None => break,
        }
        if i % 256 == 0 {
            peak = peak.max(rss());
        }
    }
    assert_eq!(read, n);
    if let (Some(before), Some(peak)) = (before, peak) {
        let growth = peak.saturating_sub(before);
        assert!(growth < 64 * 1024 * 1024, "grew by {growth} bytes");
    }
}

#[tokio::test]
async fn empty_wrong_type_and_error_with_200() {
    let emu = Emulator::start();
    emu.script("generateContent").reply(Reply::empty());
    let r = post(&emu, GEN, &prompt("x")).await;
    assert_eq!((r.status, r.body.len()), (200, 0));
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=UTF-8")
    );
    emu.script("streamGenerateContent").reply(Reply::empty());
    let r = post(&emu, SSE, &prompt("x")).await;
    assert_eq!((r.status, r.body.len()), (200, 0));
    assert_eq!(r.header("content-type"), Some("text/event-stream"));

    // A JSON array for an `alt=sse` request.
    emu.script("streamGenerateContent")
        .reply(Reply::model().json_array_stream());
    let r = post(&emu, SSE, &prompt("a b c")).await;
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=UTF-8")
    );
    assert!(r.headers.get("cache-control").is_none());
    let chunks = r.json();
    assert!(chunks.as_array().unwrap().len() > 1);

    // Any content type, replacing the real one.
    emu.script("streamGenerateContent")
        .reply(Reply::model().with_content_type("text/html"));
    let r = post(&emu, SSE, &prompt("a b c")).await;
    assert_eq!(r.headers.get_all("content-type").iter().count(), 1);
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert!(!support::sse_events(&r.body).is_empty());

    // An error envelope sent with 200.
    emu.script("generateContent")
        .reply(Reply::status(503).with_http_status(200));
    let r = post(&emu, GEN, &prompt("x")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["error"]["code"], 503);

    // Retry-After with any value.
    emu.script("generateContent")
        .reply(Reply::status(429).with_header("retry-after", "Fri, 31 Dec 2100 23:59:59 GMT"));
    let r = post(&emu, GEN, &prompt("x")).await;
    assert_eq!(
        r.header("retry-after"),
        Some("Fri, 31 Dec 2100 23:59:59 GMT")
    );
}

#[test]
fn shutdown_closes_the_port() {
    let emu = Emulator::start();
    let addr = emu.addr();
    assert!(std::net::TcpStream::connect(addr).is_ok());
    emu.shutdown();
    assert!(std::net::TcpStream::connect(addr).is_err());
}
