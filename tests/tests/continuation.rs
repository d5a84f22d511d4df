//! Automatic continuation: a long answer that ends with finish reason `CONTINUATION` is
//! followed by resending the same request with the continuation token.

use futures_util::StreamExt;
use gemini::{Continuation, RequestOptions};
use integration_tests::{
    MODEL, RecordedRequest, Reply, accumulated, client, contents, emulator, within,
};
use serde_json::{Value, json};

/// Tokens t1..t3 (base64), then the end.
const TOKENS: [&str; 3] = ["dG9rLTE=", "dG9rLTI=", "dG9rLTM="];
const PIECES: [&str; 4] = ["Once upon a time, ", "a crab ", "wrote Rust ", "forever."];

/// Which hop a request is: 0 without a token, n after token n.
fn hop_of(req: &RecordedRequest) -> usize {
    let token = req
        .json()
        .and_then(|b| b.get("continuationToken"))
        .and_then(Value::as_str);
    match token {
        None => 0,
        Some(t) => TOKENS.iter().position(|x| *x == t).map_or(99, |i| i + 1),
    }
}

fn candidate(text: &str, hop: usize, last_chunk: bool) -> Value {
    let mut c = json!({"index": 0, "content": {"role": "model", "parts": [{"text": text}]}});
    if last_chunk {
        if hop < TOKENS.len() {
            c["finishReason"] = json!("CONTINUATION");
            c["continuationToken"] = json!(TOKENS[hop]);
        } else {
            c["finishReason"] = json!("STOP");
        }
    }
    c
}

fn usage(hop: usize) -> Value {
    let prompt = 10 + 5 * hop;
    json!({"promptTokenCount": prompt, "candidatesTokenCount": 5, "totalTokenCount": prompt + 5})
}

fn unary_reply(req: &RecordedRequest) -> Reply {
    let hop = hop_of(req);
    match PIECES.get(hop) {
        Some(text) => Reply::json(json!({
            "candidates": [candidate(text, hop, true)],
            "usageMetadata": usage(hop),
            "responseId": format!("r{hop}"),
        })),
        None => Reply::status(400),
    }
}

fn stream_reply(req: &RecordedRequest) -> Reply {
    let hop = hop_of(req);
    match PIECES.get(hop) {
        Some(text) => {
            let (a, b) = text.split_at(text.len() / 2);
            Reply::chunks([
                json!({"candidates": [candidate(a, hop, false)], "usageMetadata": {"promptTokenCount": 10 + 5 * hop}}),
                json!({"candidates": [candidate(b, hop, true)], "usageMetadata": usage(hop)}),
            ])
        }
        None => Reply::status(400),
    }
}

fn assert_same_request_resent(requests: &[RecordedRequest]) {
    assert_eq!(requests.len(), 4, "the first request and three hops");
    for (i, r) in requests.iter().enumerate() {
        assert_eq!(hop_of(r), i, "hop {i} carries token {i}");
        assert_eq!(
            contents(r),
            contents(&requests[0]),
            "the same request, never the partial output"
        );
    }
}

#[tokio::test]
async fn unary_continuation_across_three_hops() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("generateContent")
        .reply_with(unary_reply)
        .forever();
    let r = within(client.models().generate_content(MODEL, "Tell a long story"))
        .await
        .unwrap();
    assert_eq!(r.text().as_deref(), Some(PIECES.concat().as_str()));
    assert_eq!(
        r.finish_reason().map(gemini::types::FinishReason::as_str),
        Some("STOP")
    );
    assert!(r.continuation_token().is_none());
    let u = r.usage_metadata.as_ref().unwrap();
    assert_eq!(
        u.candidates_tokens(),
        20,
        "token counts are summed over hops"
    );
    assert_eq!(u.prompt_tokens(), 10 + 15 + 20 + 25);
    assert_eq!(r.response_id.as_deref(), Some("r3"));
    assert_same_request_resent(&emu.requests_for("generateContent"));
}

#[tokio::test]
async fn streaming_continuation_across_three_hops() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("streamGenerateContent")
        .reply_with(stream_reply)
        .forever();
    let mut stream = within(
        client
            .models()
            .generate_content_stream(MODEL, "Tell a long story"),
    )
    .await
    .unwrap();
    let mut text = String::new();
    let mut chunks = 0;
    while let Some(chunk) = within(stream.next()).await {
        text.push_str(&chunk.unwrap().text().unwrap_or_default());
        chunks += 1;
        assert!(chunks < 100);
    }
    assert_eq!(chunks, 8, "every hop's chunks, in order");
    assert_eq!(text, PIECES.concat());
    assert_same_request_resent(&emu.requests_for("streamGenerateContent"));

    emu.clear_requests();
    let folded = accumulated(&client, MODEL, "Tell a long story")
        .await
        .unwrap();
    assert_eq!(folded.text().as_deref(), Some(PIECES.concat().as_str()));
    assert_eq!(
        folded
            .finish_reason()
            .map(gemini::types::FinishReason::as_str),
        Some("STOP")
    );
    let u = folded.usage_metadata.as_ref().unwrap();
    assert_eq!(
        u.candidates_tokens(),
        20,
        "last usage per hop, summed over hops"
    );
}

#[tokio::test]
async fn continuation_can_be_limited_or_turned_off() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("generateContent")
        .reply_with(unary_reply)
        .forever();

    let off = client
        .models()
        .with_options(RequestOptions::new().with_continuation(Continuation::disabled()));
    let r = within(off.generate_content(MODEL, "story")).await.unwrap();
    assert_eq!(r.text().as_deref(), Some(PIECES[0]));
    assert_eq!(
        r.finish_reason().map(gemini::types::FinishReason::as_str),
        Some("CONTINUATION")
    );
    assert_eq!(
        r.continuation_token().map(AsRef::as_ref),
        Some(&b"tok-1"[..])
    );
    assert_eq!(emu.count("generateContent"), 1);

    // Driving it by hand with the token.
    let next = gemini::GenerateContentRequest::from("story")
        .with_continuation_token(r.continuation_token().cloned().unwrap());
    let r2 = within(off.generate_content(MODEL, next)).await.unwrap();
    assert_eq!(r2.text().as_deref(), Some(PIECES[1]));

    let limited = client
        .models()
        .with_options(RequestOptions::new().with_continuation(Continuation::new(1)));
    let r = within(limited.generate_content(MODEL, "story"))
        .await
        .unwrap();
    assert_eq!(r.text().as_deref(), Some(PIECES[..2].concat().as_str()));
    assert_eq!(
        r.finish_reason().map(gemini::types::FinishReason::as_str),
        Some("CONTINUATION")
    );
    assert_eq!(emu.count("generateContent"), 2 + 2);
}

/// The third request (hop 2) fails with a non-retryable 400.
fn failing_at_hop_2<F: Fn(&RecordedRequest) -> Reply>(ok: F) -> impl Fn(&RecordedRequest) -> Reply {
    move |req| {
        if hop_of(req) == 2 {
            Reply::status(400)
        } else {
            ok(req)
        }
    }
}

#[tokio::test]
async fn a_failed_hop_keeps_the_answer_so_far() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("generateContent")
        .reply_with(failing_at_hop_2(unary_reply))
        .forever();
    let err = within(client.models().generate_content(MODEL, "Tell a long story"))
        .await
        .unwrap_err();
    let gemini::Error::Incomplete(incomplete) = &err else {
        panic!("expected Error::Incomplete, got {err:?}");
    };
    assert_eq!(
        incomplete.partial().text().as_deref(),
        Some(PIECES[..2].concat().as_str()),
        "the two hops that succeeded"
    );
    assert_eq!(
        incomplete
            .partial()
            .finish_reason()
            .map(gemini::types::FinishReason::as_str),
        Some("CONTINUATION")
    );
    assert!(matches!(incomplete.cause(), gemini::Error::Api(_)));
    assert_eq!(
        err.status().map(|s| s.as_u16()),
        Some(400),
        "answers for the cause"
    );
    assert!(!err.is_retryable());
    assert_eq!(
        err.partial_response().unwrap().text(),
        incomplete.partial().text()
    );
    assert!(err.report().contains("cut short"), "{}", err.report());
    assert_eq!(emu.count("generateContent"), 3);
}

#[tokio::test]
async fn an_accumulated_stream_that_fails_keeps_the_answer_so_far() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("streamGenerateContent")
        .reply_with(failing_at_hop_2(stream_reply))
        .forever();
    let err = accumulated(&client, MODEL, "Tell a long story")
        .await
        .unwrap_err();
    let partial = err.partial_response().expect("an Incomplete error");
    assert_eq!(
        partial.text().as_deref(),
        Some(PIECES[..2].concat().as_str())
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));

    // A failure before any chunk is returned as it is.
    let emu = emulator();
    let client = integration_tests::client(&emu);
    emu.script("streamGenerateContent")
        .reply_with(|_| {
            Reply::chunks([
                json!({"error": {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT"}}),
            ])
        })
        .forever();
    let err = accumulated(&client, MODEL, "Tell a long story")
        .await
        .unwrap_err();
    assert!(matches!(err, gemini::Error::Api(_)), "{err:?}");
}
