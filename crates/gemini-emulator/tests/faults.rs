//! Every scripted fault, the script queue, handlers and request capture.

// Test helpers outside #[test] functions may panic too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use gemini_emulator::{Emulator, Reply};
use serde_json::json;
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

#[test]
fn shutdown_closes_the_port() {
    let emu = Emulator::start();
    let addr = emu.addr();
    assert!(std::net::TcpStream::connect(addr).is_ok());
    emu.shutdown();
    assert!(std::net::TcpStream::connect(addr).is_err());
}
