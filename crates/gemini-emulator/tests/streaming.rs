//! Stream framing, byte for byte: SSE with `alt=sse`, the JSON array without.

// Test helpers outside #[test] functions may panic too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use gemini_emulator::{Emulator, Reply};
use serde_json::{Value, json};
use support::{post, prompt, sse_events};

const STREAM: &str = "/v1beta/models/gemini-2.5-flash:streamGenerateContent";

#[tokio::test]
async fn scripted_sse_is_framed_exactly() {
    let emu = Emulator::start();
    let a = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Hel"}]}, "index": 0}]});
    let b = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "lo"}]}, "finishReason": "STOP", "index": 0}]});
    emu.script("streamGenerateContent")
        .reply_chunks([a.clone(), b.clone()]);
    let r = post(&emu, &format!("{STREAM}?alt=sse"), &prompt("hi")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/event-stream"));
    let expected = format!("data: {a}\r\n\r\ndata: {b}\r\n\r\n");
    assert_eq!(r.text(), expected);
    assert!(!r.text().contains("[DONE]"));
}

#[tokio::test]
async fn scripted_json_array_uses_the_real_separators() {
    let emu = Emulator::start();
    let a = json!({"candidates": [{"index": 0}]});
    let b = json!({"usageMetadata": {"promptTokenCount": 1}});
    emu.script("streamGenerateContent")
        .reply_chunks([a.clone(), b.clone()]);
    let r = post(&emu, STREAM, &prompt("hi")).await;
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=UTF-8")
    );
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap();
    assert_eq!(r.text(), format!("[{}\n,\r\n{}\n]", pretty(&a), pretty(&b)));
    assert_eq!(r.json(), json!([a, b]));
}

#[tokio::test]
async fn model_stream_has_several_chunks_and_a_signed_final_chunk() {
    let emu = Emulator::start();
    let req =
        prompt("Write a long enough sentence so that the stream needs several chunks to carry it");
    let unary = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &req,
    )
    .await
    .json();
    let r = post(&emu, &format!("{STREAM}?alt=sse"), &req).await;
    let events = sse_events(&r.body);
    assert!(events.len() >= 3, "{} events", events.len());
    let text: String = events
        .iter()
        .flat_map(|e| {
            e["candidates"][0]["content"]["parts"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|p| p["text"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        text,
        unary["candidates"][0]["content"]["parts"][0]["text"]
            .as_str()
            .unwrap()
    );
    let last = events.last().unwrap();
    let part = &last["candidates"][0]["content"]["parts"][0];
    assert_eq!(part["text"], "");
    assert!(
        part["thoughtSignature"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    assert_eq!(last["candidates"][0]["finishReason"], "STOP");
    assert_eq!(last["usageMetadata"], unary["usageMetadata"]);
    for e in &events {
        assert_eq!(e["modelVersion"], "gemini-2.5-flash");
        assert!(e["usageMetadata"]["promptTokenCount"].is_number());
        let _: gemini_types::GenerateContentResponse = serde_json::from_value(e.clone()).unwrap();
    }

    // The same stream as a JSON array.
    let r = post(&emu, STREAM, &req).await;
    let array = r.json();
    assert_eq!(array.as_array().unwrap().len(), events.len());
    assert!(r.text().starts_with("[{\n  \"candidates\""));
    assert!(r.text().contains("\n,\r\n"));
    assert!(r.text().ends_with("\n]"));
}

#[tokio::test]
async fn include_thoughts_streams_thoughts_first() {
    let emu = Emulator::start();
    let mut req = prompt("think about it");
    req["generationConfig"] = json!({"thinkingConfig": {"includeThoughts": true}});
    let events = sse_events(&post(&emu, &format!("{STREAM}?alt=sse"), &req).await.body);
    let first = &events[0]["candidates"][0]["content"]["parts"][0];
    assert_eq!(first["thought"], true);
    assert!(first["text"].as_str().unwrap().contains("Planning"));
    let last = events.last().unwrap();
    assert!(
        last["usageMetadata"]["thoughtsTokenCount"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[tokio::test]
async fn errors_before_the_stream_are_plain_or_array_wrapped() {
    let emu = Emulator::start();
    let r = post(
        &emu,
        "/v1beta/models/nope:streamGenerateContent?alt=sse",
        &prompt("x"),
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], 404);
    let r = post(
        &emu,
        "/v1beta/models/nope:streamGenerateContent",
        &prompt("x"),
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()[0]["error"]["code"], 404);
}

#[tokio::test]
async fn json_reply_on_a_stream_is_one_chunk() {
    let emu = Emulator::start();
    emu.script("streamGenerateContent")
        .reply(Reply::json(json!({"candidates": []})));
    let r = post(&emu, &format!("{STREAM}?alt=sse"), &prompt("x")).await;
    assert_eq!(r.text(), "data: {\"candidates\":[]}\r\n\r\n");
}
