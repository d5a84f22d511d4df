//! Automatic function calling against a model that rejects any request whose function-call
//! turns lost a thought signature.

// Helpers below assert on captured requests; a panic is the test failure.
#![allow(clippy::unwrap_used, clippy::needless_pass_by_value)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::StreamExt;
use gemini::{ChatConfig, Tools};
use integration_tests::{RecordedRequest, Reply, SIGNED_MODEL, client, contents, emulator, within};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::Barrier;

const ASK: &str = "Use get_weather and get_time for Paris";

#[derive(Deserialize, schemars::JsonSchema)]
struct Weather {
    /// The city.
    city: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct Time {
    /// An IANA time zone.
    timezone: String,
}

/// Two functions whose handlers only finish when both run at the same time (a barrier of 2),
/// so sequential execution would hang (and time out). `get_time` fails on its second call.
fn tools(calls: Arc<AtomicUsize>) -> Tools {
    let barrier = Arc::new(Barrier::new(2));
    let b1 = Arc::clone(&barrier);
    let c1 = Arc::clone(&calls);
    let c2 = Arc::clone(&calls);
    Tools::new()
        .function(
            "get_weather",
            "The weather in a city.",
            move |w: Weather| {
                let b = Arc::clone(&b1);
                c1.fetch_add(1, Ordering::SeqCst);
                async move {
                    b.wait().await;
                    Ok::<_, String>(json!({"city": w.city, "celsius": 21}))
                }
            },
        )
        .function("get_time", "The time in a time zone.", move |t: Time| {
            let b = Arc::clone(&barrier);
            let n = c2.fetch_add(1, Ordering::SeqCst);
            async move {
                b.wait().await;
                if n >= 2 {
                    return Err(format!("clock for {} is broken", t.timezone));
                }
                Ok(json!({"time": "12:00"}))
            }
        })
}

/// Answers a request by repeating the model's last function-call turn (signed by the
/// emulator), so the conversation gets another round of the same calls.
fn repeat_calls(req: &RecordedRequest) -> Reply {
    let turn = contents(req)
        .into_iter()
        .rev()
        .find(|c| c["role"] == "model")
        .unwrap_or(Value::Null);
    Reply::json(json!({"candidates": [{"index": 0, "content": turn, "finishReason": "STOP"}]}))
}

fn script_three_rounds(emu: &gemini_emulator::Emulator, rpc: &str) {
    // Round 1: the model asks for both functions (signed); round 2: the same calls again;
    // round 3: the model (which checks every signature of the turn) answers.
    emu.script(rpc).reply(Reply::model());
    emu.script(rpc).reply_with(repeat_calls);
}

fn check_rounds(requests: &[RecordedRequest]) {
    assert_eq!(requests.len(), 3, "three rounds");
    let last = contents(&requests[2]);
    assert_eq!(last.len(), 5, "user, model, responses, model, responses");
    for i in [1, 3] {
        let parts = last[i]["parts"].as_array().unwrap();
        assert_eq!(
            parts.len(),
            2,
            "parallel calls stay in one content: {}",
            last[i]
        );
        assert!(parts[0]["thoughtSignature"].is_string(), "signature kept");
        assert_eq!(last[i]["role"], "model");
    }
    for i in [2, 4] {
        assert_eq!(last[i]["role"], "user");
        let parts = last[i]["parts"].as_array().unwrap();
        assert_eq!(parts.len(), 2, "all responses in one content");
        assert_eq!(parts[0]["functionResponse"]["name"], "get_weather");
        assert_eq!(parts[1]["functionResponse"]["name"], "get_time");
    }
    assert_eq!(
        last[2]["parts"][1]["functionResponse"]["response"],
        json!({"time": "12:00"})
    );
    let error = &last[4]["parts"][1]["functionResponse"]["response"]["error"];
    assert!(error.as_str().unwrap().contains("is broken"), "{error}");
    // The declarations carry JSON schemas derived from the Rust types.
    let decl = &requests[0].json().unwrap()["tools"][0]["functionDeclarations"][0];
    assert_eq!(decl["name"], "get_weather");
    assert_eq!(
        decl["parametersJsonSchema"]["properties"]["city"]["type"],
        "string"
    );
}

#[tokio::test]
async fn three_rounds_with_parallel_calls_keep_every_signature() {
    let emu = emulator();
    let client = client(&emu);
    script_three_rounds(&emu, "generateContent");
    let calls = Arc::new(AtomicUsize::new(0));
    let r = within(
        client
            .models()
            .with_tools(tools(Arc::clone(&calls)))
            .generate_content(SIGNED_MODEL, ASK),
    )
    .await
    .unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    let text = r.text().unwrap();
    assert!(text.contains("celsius"), "{text}");
    check_rounds(&emu.requests_for("generateContent"));
}

#[tokio::test]
async fn the_emulator_rejects_a_dropped_signature() {
    let emu = emulator();
    let client = client(&emu);
    let first = within(
        client
            .models()
            .with_tools(tools(Arc::new(AtomicUsize::new(0))).with_automatic_calling(false))
            .generate_content(SIGNED_MODEL, ASK),
    )
    .await
    .unwrap();
    assert_eq!(first.function_calls().len(), 2, "automatic calling is off");
    let mut turn = first.content().unwrap().clone();
    turn.parts[0].thought_signature = None;
    let request = gemini::GenerateContentRequest::new([
        gemini::Content::user(ASK),
        turn,
        gemini::Content::function_responses([
            gemini::FunctionResponse::new("get_weather", json!({})),
            gemini::FunctionResponse::new("get_time", json!({})),
        ]),
    ])
    .with_tool(tools(Arc::new(AtomicUsize::new(0))).tool());
    let e = within(client.models().generate_content(SIGNED_MODEL, request))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(http::StatusCode::BAD_REQUEST));
    assert!(
        e.api_error()
            .unwrap()
            .message()
            .contains("thought_signature")
    );
}

#[tokio::test]
async fn streaming_runs_the_same_loop() {
    let emu = emulator();
    let client = client(&emu);
    script_three_rounds(&emu, "streamGenerateContent");
    let calls = Arc::new(AtomicUsize::new(0));
    let mut stream = within(
        client
            .models()
            .with_tools(tools(Arc::clone(&calls)))
            .generate_content_stream(SIGNED_MODEL, ASK),
    )
    .await
    .unwrap();
    let mut saw_calls = 0;
    let mut text = String::new();
    let mut n = 0;
    while let Some(chunk) = within(stream.next()).await {
        let chunk = chunk.unwrap();
        saw_calls += chunk.function_calls().len();
        text.push_str(&chunk.text().unwrap_or_default());
        n += 1;
        assert!(n < 1000);
    }
    assert_eq!(saw_calls, 4, "the call chunks are yielded too");
    assert!(text.contains("celsius"), "{text}");
    assert_eq!(calls.load(Ordering::SeqCst), 4);
    check_rounds(&emu.requests_for("streamGenerateContent"));
}

#[tokio::test]
async fn chats_record_every_turn_of_the_loop() {
    let emu = emulator();
    let client = client(&emu);
    let mut chat = client
        .chats()
        .create(
            SIGNED_MODEL,
            ChatConfig::new().with_tools(tools(Arc::new(AtomicUsize::new(0)))),
        )
        .unwrap();
    let r = within(chat.send_message(ASK)).await.unwrap();
    assert!(r.text().is_some());
    let h = chat.history();
    assert_eq!(
        h.full().len(),
        4,
        "user, model calls, responses, model answer"
    );
    assert_eq!(h.curated(), h.full());
    assert!(h.full()[1].parts[0].thought_signature.is_some());
    // The next message sends the whole signed history back, and the model accepts it.
    let r = within(chat.send_message("Thanks! And in Rome?"))
        .await
        .unwrap();
    assert!(r.text().is_some());
    assert_eq!(chat.history().full().len(), 6);

    // Streaming in a chat: the loop's turns are recorded when the stream ends.
    let mut chat = client
        .chats()
        .create(
            SIGNED_MODEL,
            ChatConfig::new().with_tools(tools(Arc::new(AtomicUsize::new(0)))),
        )
        .unwrap();
    let r = within(
        within(chat.send_message_stream(ASK))
            .await
            .unwrap()
            .accumulate(),
    )
    .await
    .unwrap();
    assert!(r.text().unwrap().contains("celsius"));
    let full = chat.history().full();
    assert_eq!(full.len(), 4);
    assert_eq!(full[1].function_calls().count(), 2);
    assert!(full[1].parts[0].thought_signature.is_some());
    assert!(
        full[3].parts.iter().any(|p| p.thought_signature.is_some()),
        "the answer's signature is kept"
    );
    let r = within(chat.send_message("Thanks! And in Rome?"))
        .await
        .unwrap();
    assert!(r.text().is_some());
}

#[tokio::test]
async fn round_limit_returns_the_unanswered_calls() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("generateContent").reply(Reply::model());
    emu.script("generateContent")
        .reply_with(repeat_calls)
        .forever();
    let r = within(
        client
            .models()
            .with_tools(tools(Arc::new(AtomicUsize::new(0))).with_max_rounds(1))
            .generate_content(SIGNED_MODEL, ASK),
    )
    .await
    .unwrap();
    assert_eq!(r.function_calls().len(), 2);
    assert_eq!(emu.count("generateContent"), 2);
}
