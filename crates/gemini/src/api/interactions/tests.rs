//! The Interactions handle's wire shapes and drivers, against a scripted transport.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt as _;
use gemini_transport::{MockTransport, ResponseBody};
use gemini_types::interactions::{
    AgentConfig, Content, Event, GenerationConfig, InteractionStatus, ServiceTier, Step, Tool,
    WebhookConfig,
};
use serde_json::{Value, json};

use super::*;
use crate::rest::mock_client as client;
use crate::{RequestOptions, Tools};
use http::Method;

fn body(request: &gemini_transport::CapturedRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

/// An SSE answer made of `events`, then `tail` (an error cuts the body).
fn sse(events: &[Value], tail: Option<&'static str>) -> http::Response<ResponseBody> {
    let mut chunks: Vec<Result<Bytes, std::io::Error>> = events
        .iter()
        .map(|e| Ok(Bytes::from(format!("data: {e}\r\n\r\n"))))
        .collect();
    if let Some(message) = tail {
        chunks.push(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            message,
        )));
    }
    http::Response::builder()
        .header("content-type", "text/event-stream")
        .body(ResponseBody::from_stream(futures_util::stream::iter(
            chunks,
        )))
        .unwrap()
}

fn events(id: &str, range: std::ops::Range<usize>, text: &[&str]) -> Vec<Value> {
    range
        .map(|i| {
            let event_id = format!("e{i}");
            match i {
                0 => json!({"event_type": "interaction.created", "event_id": event_id,
                            "interaction": {"id": id, "status": "in_progress"}}),
                1 => json!({"event_type": "step.start", "event_id": event_id, "index": 0,
                            "step": {"type": "model_output"}}),
                i if i - 2 < text.len() => json!({"event_type": "step.delta", "event_id": event_id,
                            "index": 0, "delta": {"type": "text", "text": text[i - 2]}}),
                i if i - 2 == text.len() => {
                    json!({"event_type": "step.stop", "event_id": event_id, "index": 0})
                }
                _ => json!({"event_type": "interaction.completed", "event_id": event_id,
                            "interaction": {"id": id, "status": "completed"}}),
            }
        })
        .collect()
}

#[tokio::test]
async fn model_form_request_body() {
    #[derive(schemars::JsonSchema)]
    #[allow(dead_code)]
    struct City {
        name: String,
    }
    let mock = MockTransport::new();
    mock.push_json(200, r#"{"id": "v1_a", "status": "completed"}"#);
    let prev: Interaction = serde_json::from_value(json!({"id": "v1_prev"})).unwrap();
    let it = client(&mock)
        .interactions()
        .create()
        .model("models/gemini-3-flash-preview")
        .input("Hello")
        .system_instruction("Be terse.")
        .generation_config(GenerationConfig::default().with_temperature(0.5))
        .tool(Tool::google_search())
        .previous(&prev)
        .store(true)
        .service_tier(ServiceTier::Flex)
        .webhook_config(WebhookConfig::new(["https://example.com/hook"]))
        .response_format::<City>()
        .await
        .unwrap();
    assert_eq!(it.id.as_deref(), Some("v1_a"));
    let requests = mock.requests();
    assert_eq!(requests[0].method, Method::POST);
    assert_eq!(requests[0].uri.path(), "/v1beta/interactions");
    let v = body(&requests[0]);
    assert_eq!(v["model"], "gemini-3-flash-preview");
    assert_eq!(v["input"], "Hello");
    assert_eq!(v["system_instruction"], "Be terse.");
    assert_eq!(v["generation_config"], json!({"temperature": 0.5}));
    assert_eq!(v["tools"], json!([{"type": "google_search"}]));
    assert_eq!(v["previous_interaction_id"], "v1_prev");
    assert_eq!(v["store"], true);
    assert_eq!(v["service_tier"], "flex");
    assert_eq!(v["webhook_config"]["uris"][0], "https://example.com/hook");
    assert_eq!(v["response_format"]["mime_type"], "application/json");
    assert_eq!(
        v["response_format"]["schema"]["properties"]["name"]["type"],
        "string"
    );
    assert!(v.get("stream").is_none());
}

#[tokio::test]
async fn agent_form_and_exclusive_pairs() {
    let mock = MockTransport::new();
    mock.push_json(200, r#"{"id": "v1_r", "status": "in_progress"}"#);
    let interactions = client(&mock).interactions();
    interactions
        .create()
        .agent("deep-research-pro-preview-12-2025")
        .agent_config(AgentConfig::new("deep-research"))
        .input(vec![Content::text("Research tides")])
        .background(true)
        .send()
        .await
        .unwrap();
    assert_eq!(
        body(&mock.requests()[0]),
        json!({"agent": "deep-research-pro-preview-12-2025",
               "agent_config": {"type": "deep-research"},
               "input": [{"type": "text", "text": "Research tides"}],
               "background": true})
    );
    let cases = [
        (
            interactions.create().model("m").agent("a"),
            "`model` and `agent`",
        ),
        (
            interactions
                .create()
                .agent("a")
                .generation_config(GenerationConfig::default()),
            "`generation_config` and `agent`",
        ),
        (
            interactions
                .create()
                .agent("a")
                .cached_content("cachedContents/c"),
            "`cached_content` and `agent`",
        ),
        (interactions.create().input("no model"), "needs `model`"),
    ];
    for (create, what) in cases {
        let e = create.input("x").send().await.unwrap_err();
        assert!(matches!(e, Error::Build(_)), "{e:?}");
        assert!(e.to_string().contains(what), "{e}");
    }
    let e = interactions
        .create()
        .model("m")
        .agent("a")
        .stream()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Build(_)));
    // Nothing more was sent.
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn get_cancel_delete_paths() {
    let mock = MockTransport::new();
    mock.push_json(200, r#"{"id": "v1_a", "status": "completed"}"#)
        .push_json(200, r#"{"id": "v1_a", "status": "completed", "steps": [{"type": "user_input", "content": [{"type": "text", "text": "hi"}]}]}"#)
        .push_json(200, r#"{"id": "v1_a", "status": "cancelled"}"#)
        .push_json(200, "{}");
    let i = client(&mock).interactions();
    i.get("v1_a").await.unwrap();
    let with_input = i.get_with_input("interactions/v1_a").await.unwrap();
    assert!(matches!(with_input.steps[0], Step::UserInput(_)));
    assert_eq!(
        i.cancel("v1_a").await.unwrap().status,
        Some(InteractionStatus::Cancelled)
    );
    i.delete("v1_a").await.unwrap();
    let r = mock.requests();
    assert_eq!(
        (r[0].method.as_str(), r[0].uri.path()),
        ("GET", "/v1beta/interactions/v1_a")
    );
    assert_eq!(r[1].uri.query(), Some("include_input=true"));
    assert_eq!(
        (r[2].method.as_str(), r[2].uri.path()),
        ("POST", "/v1beta/interactions/v1_a/cancel")
    );
    assert_eq!(
        (r[3].method.as_str(), r[3].uri.path()),
        ("DELETE", "/v1beta/interactions/v1_a")
    );
    // An id that would change the path is refused before sending.
    for bad in ["", "a/b", "../x", "v1?x=1"] {
        assert!(matches!(i.get(bad).await, Err(Error::Build(_))), "{bad:?}");
    }
    assert_eq!(mock.requests().len(), 4);
}

/// Two calls in one round run concurrently (each handler waits for the other) and are
/// answered with `function_result` steps continuing the interaction; the round limit holds.
#[tokio::test]
async fn automatic_function_calling_runs_parallel_calls() {
    #[derive(serde::Deserialize, schemars::JsonSchema)]
    struct Args {
        city: String,
    }
    let mock = MockTransport::new();
    let calls = r#"{"id": "v1_1", "status": "requires_action", "steps": [
        {"type": "function_call", "id": "c1", "name": "weather", "arguments": {"city": "Paris"}},
        {"type": "function_call", "id": "c2", "name": "weather", "arguments": {"city": "Oslo"}}]}"#;
    mock.push_json(200, calls).push_json(
        200,
        r#"{"id": "v1_2", "status": "completed", "steps": [{"type": "model_output", "content": [{"type": "text", "text": "Both mild."}]}]}"#,
    );
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let tools = Tools::new().function("weather", "Weather in a city", move |a: Args| {
        let barrier = barrier.clone();
        async move {
            barrier.wait().await;
            Ok::<_, String>(json!({"city": a.city, "celsius": 12}))
        }
    });
    let answer = tokio::time::timeout(
        Duration::from_secs(10),
        client(&mock)
            .interactions()
            .create()
            .model("gemini-3-flash-preview")
            .input("Weather in Paris and Oslo?")
            .tools(tools.clone())
            .send(),
    )
    .await
    .expect("the two handlers ran concurrently")
    .unwrap();
    assert_eq!(answer.output_text(), "Both mild.");
    let r = mock.requests();
    let first = body(&r[0]);
    assert_eq!(first["tools"][0]["type"], "function");
    assert_eq!(first["tools"][0]["name"], "weather");
    assert_eq!(
        first["tools"][0]["parameters"]["properties"]["city"]["type"],
        "string"
    );
    let second = body(&r[1]);
    assert_eq!(second["previous_interaction_id"], "v1_1");
    assert_eq!(
        second["input"],
        json!([
            {"type": "function_result", "call_id": "c1", "name": "weather", "result": {"city": "Paris", "celsius": 12}},
            {"type": "function_result", "call_id": "c2", "name": "weather", "result": {"city": "Oslo", "celsius": 12}}
        ])
    );

    // At most one round: the second request for calls is returned unanswered.
    let mock = MockTransport::new();
    mock.push_json(200, calls).push_json(200, calls);
    let tools = Tools::new()
        .function("weather", "w", |_: Args| async { Ok::<_, String>(1) })
        .with_max_rounds(1);
    let answer = client(&mock)
        .interactions()
        .create()
        .model("m")
        .input("x")
        .tools(tools)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status, Some(InteractionStatus::RequiresAction));
    assert_eq!(mock.requests().len(), 2);
}

/// With `store(false)` there is nothing to continue: the next round carries the history.
#[tokio::test]
async fn stateless_function_calling_sends_the_history() {
    let mock = MockTransport::new();
    mock.push_json(
        200,
        r#"{"status": "requires_action", "steps": [
            {"type": "thought", "signature": "c2ln"},
            {"type": "function_call", "id": "c1", "name": "f", "arguments": {}}]}"#,
    )
    .push_json(200, r#"{"status": "completed"}"#);
    let tools = Tools::new().function_with_declaration(
        gemini_types::FunctionDeclaration::new("f", "f"),
        |_: Value| async { Ok::<_, String>("ok") },
    );
    client(&mock)
        .interactions()
        .create()
        .model("m")
        .input("go")
        .store(false)
        .tools(tools)
        .send()
        .await
        .unwrap();
    let second = body(&mock.requests()[1]);
    assert!(second.get("previous_interaction_id").is_none());
    let types: Vec<&str> = second["input"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["user_input", "thought", "function_call", "function_result"]
    );
    assert_eq!(second["input"][1]["signature"], "c2ln");
    assert_eq!(second["input"][3]["result"], json!({"output": "ok"}));
}

/// A `requires_continuation` answer is continued with its token; the hops' steps join.
#[tokio::test]
async fn continuation_hops_are_followed_and_bounded() {
    let hop = |token: &str, text: &str| {
        format!(
            r#"{{"id": "v1_c", "status": "requires_continuation", "continuation_token": "{token}",
                "steps": [{{"type": "model_output", "content": [{{"type": "text", "text": "{text}"}}]}}]}}"#
        )
    };
    let mock = MockTransport::new();
    mock.push_json(200, &hop("t1", "a"))
        .push_json(200, &hop("t2", "b"))
        .push_json(
            200,
            r#"{"id": "v1_c", "status": "completed", "steps": [{"type": "model_output", "content": [{"type": "text", "text": "c"}]}]}"#,
        );
    let answer = client(&mock)
        .interactions()
        .create()
        .model("m")
        .input("long")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.output_text(), "abc");
    let r = mock.requests();
    assert_eq!(body(&r[1])["continuation_token"], "t1");
    assert_eq!(body(&r[2])["continuation_token"], "t2");
    assert_eq!(body(&r[2])["input"], "long");

    let mock = MockTransport::new();
    mock.push_json(200, &hop("t1", "a"));
    let answer = client(&mock)
        .interactions()
        .with_options(RequestOptions::new().with_continuation(Continuation::disabled()))
        .create()
        .model("m")
        .input("long")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status, Some(InteractionStatus::RequiresContinuation));
    assert_eq!(mock.requests().len(), 1);
}

/// A stream cut twice is resumed from the last event id each time; an event sent again is
/// dropped, so the caller sees each event once, in order.
#[tokio::test(start_paused = true)]
async fn a_stream_cut_twice_resumes_without_duplicates() {
    let text = ["Hel", "lo, ", "wor", "ld"];
    let all = events("v1_s", 0..8, &text);
    let mock = MockTransport::new();
    mock.push_response(sse(&all[0..3], Some("reset")))
        // The server replays from the event after e2, and repeats e2 for good measure.
        .push_response(sse(&all[2..5], None))
        .push_response(sse(&all[5..8], None));
    let mut stream = client(&mock)
        .interactions()
        .create()
        .model("m")
        .input("hi")
        .stream()
        .await
        .unwrap();
    let mut ids = Vec::new();
    let mut acc = gemini_types::interactions::InteractionAccumulator::new();
    while let Some(event) = stream.next().await {
        let event = event.unwrap();
        ids.push(event.event_id().unwrap().to_owned());
        acc.push(&event);
    }
    assert_eq!(ids, (0..8).map(|i| format!("e{i}")).collect::<Vec<_>>());
    assert_eq!(acc.interaction().output_text(), "Hello, world");
    assert_eq!(stream.reconnections(), 2);
    assert_eq!(stream.last_event_id(), Some("e7"));
    assert_eq!(stream.interaction_id(), Some("v1_s"));
    let r = mock.requests();
    assert_eq!(body(&r[0])["stream"], true);
    assert_eq!(r[0].headers["accept"], "text/event-stream");
    assert_eq!(r[1].method, Method::GET);
    assert_eq!(r[1].uri.path(), "/v1beta/interactions/v1_s");
    assert_eq!(r[1].uri.query(), Some("stream=true&last_event_id=e2"));
    // The second connection ended cleanly but early: resumed after its last event.
    assert_eq!(r[2].uri.query(), Some("stream=true&last_event_id=e4"));
}

/// Resumption is bounded, and impossible before the interaction's id is known.
#[tokio::test(start_paused = true)]
async fn resumption_is_bounded() {
    let all = events("v1_b", 0..8, &["a", "b", "c", "d"]);
    let mock = MockTransport::new();
    mock.push_response(sse(&all[0..2], Some("reset")));
    for _ in 0..3 {
        mock.push_response(sse(&[], Some("reset")));
    }
    let stream = client(&mock)
        .interactions()
        .create()
        .model("m")
        .input("hi")
        .resume(StreamResume::new().with_max_attempts(3))
        .stream()
        .await
        .unwrap();
    let e = stream.accumulate().await.unwrap_err();
    assert!(matches!(e, Error::Stream(_)), "{e:?}");
    assert!(e.report().contains("reset"), "{}", e.report());
    // The create, then three attempts.
    assert_eq!(mock.requests().len(), 4);

    let mock = MockTransport::new();
    mock.push_response(sse(
        &[json!({"event_type": "step.start", "index": 0, "step": {"type": "model_output"}})],
        Some("reset"),
    ));
    let mut stream = client(&mock)
        .interactions()
        .create()
        .model("m")
        .input("hi")
        .stream()
        .await
        .unwrap();
    assert!(stream.next().await.unwrap().is_ok());
    assert!(matches!(stream.next().await, Some(Err(Error::Stream(_)))));
    assert!(stream.next().await.is_none());
    assert_eq!(mock.requests().len(), 1);
}

/// `get_stream` resumes by hand; an `error` event is delivered, and `accumulate` makes it an
/// API error.
#[tokio::test]
async fn get_stream_and_error_events() {
    let all = events("v1_g", 0..8, &["a", "b", "c", "d"]);
    let mock = MockTransport::new();
    mock.push_response(sse(&all[4..8], None));
    let interaction = client(&mock)
        .interactions()
        .get_stream("v1_g", Some("e3"))
        .await
        .unwrap()
        .accumulate()
        .await
        .unwrap();
    assert_eq!(interaction.status, Some(InteractionStatus::Completed));
    assert_eq!(
        mock.requests()[0].uri.query(),
        Some("stream=true&last_event_id=e3")
    );

    let mock = MockTransport::new();
    mock.push_response(sse(
        &[
            all[0].clone(),
            json!({"event_type": "error", "event_id": "x", "error": {"code": "invalid_request", "message": "bad"}}),
        ],
        None,
    ));
    let mut stream = client(&mock)
        .interactions()
        .get_stream("v1_g", None)
        .await
        .unwrap();
    assert!(matches!(
        stream.next().await,
        Some(Ok(Event::InteractionCreated(_)))
    ));
    assert!(matches!(stream.next().await, Some(Ok(Event::Error(_)))));
    assert!(stream.next().await.is_none());

    mock.push_response(sse(
        &[json!({"event_type": "error", "error": {"code": "invalid_request", "message": "bad"}})],
        None,
    ));
    let e = client(&mock)
        .interactions()
        .get_stream("v1_g", None)
        .await
        .unwrap()
        .accumulate()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(http::StatusCode::BAD_REQUEST));
    assert_eq!(e.api_error().unwrap().message(), "bad");
}

/// `wait` polls until the interaction settles, honours `Retry-After`, reports progress, and
/// follows `requires_continuation` with its token.
#[tokio::test(start_paused = true)]
async fn wait_polls_hints_progress_and_continuation() {
    let mock = MockTransport::new();
    mock.push_response(
        http::Response::builder()
            .header("content-type", "application/json")
            .header("retry-after", "7")
            .body(ResponseBody::from(Bytes::from_static(
                br#"{"id": "v1_w", "status": "queued"}"#,
            )))
            .unwrap(),
    )
    .push_json(200, r#"{"id": "v1_w", "status": "in_progress"}"#)
    .push_json(
        200,
        r#"{"id": "v1_w", "agent": "a", "status": "requires_continuation", "continuation_token": "tok"}"#,
    )
    // The request read back with its input.
    .push_json(
        200,
        r#"{"id": "v1_w", "agent": "a", "agent_config": {"type": "deep-research"},
            "previous_interaction_id": "v1_v", "status": "requires_continuation",
            "steps": [{"type": "user_input", "content": [{"type": "text", "text": "tides"}]},
                      {"type": "thought", "signature": "c2ln"}]}"#,
    )
    .push_json(200, r#"{"id": "v1_w2", "status": "in_progress"}"#)
    .push_json(200, r#"{"id": "v1_w2", "status": "completed"}"#);
    let start = tokio::time::Instant::now();
    let mut seen = Vec::new();
    let done = client(&mock)
        .interactions()
        .wait_with_progress("v1_w", WaitOptions::new(), |i| {
            seen.push(i.status.clone().unwrap());
        })
        .await
        .unwrap();
    assert_eq!(done.id.as_deref(), Some("v1_w2"));
    assert_eq!(done.status, Some(InteractionStatus::Completed));
    // 7 s (the hint, over the 1 s backoff), then 1.5 s; the continued one was done at its
    // first poll.
    assert_eq!(start.elapsed(), Duration::from_millis(8500));
    // Three polls, the continuation's answer, one poll.
    assert_eq!(seen.len(), 5);
    let r = mock.requests();
    assert_eq!(r[3].uri.query(), Some("include_input=true"));
    assert_eq!(r[4].method, Method::POST);
    assert_eq!(
        body(&r[4]),
        json!({"agent": "a", "agent_config": {"type": "deep-research"},
               "input": [{"type": "user_input", "content": [{"type": "text", "text": "tides"}]}],
               "previous_interaction_id": "v1_v", "continuation_token": "tok", "background": true})
    );
    assert_eq!(r[5].uri.path(), "/v1beta/interactions/v1_w2");

    let mock = MockTransport::new();
    for _ in 0..50 {
        mock.push_json(200, r#"{"id": "v1_w", "status": "in_progress"}"#);
    }
    let e = client(&mock)
        .interactions()
        .wait(
            "v1_w",
            WaitOptions::new().with_timeout(Duration::from_secs(10)),
        )
        .await
        .unwrap_err();
    let Error::Operation(op) = &e else {
        panic!("{e:?}")
    };
    assert!(op.is_deadline());
    assert_eq!(op.name(), "interactions/v1_w");
}

/// A conversation chains the last id and survives a serde round trip.
#[tokio::test]
async fn conversation_chains_and_restores() {
    let mock = MockTransport::new();
    mock.push_json(200, r#"{"id": "v1_1", "status": "completed"}"#)
        .push_json(200, r#"{"id": "v1_2", "status": "completed"}"#)
        .push_json(200, r#"{"id": "v1_3", "status": "completed"}"#);
    let interactions = client(&mock).interactions();
    let mut chat = interactions
        .conversation("gemini-3-flash-preview")
        .with_system_instruction("Be terse.")
        .with_tool(Tool::url_context());
    chat.send("one").await.unwrap();
    chat.send("two").await.unwrap();
    let saved = serde_json::to_string(chat.state()).unwrap();
    let mut restored = interactions.restore(serde_json::from_str(&saved).unwrap());
    assert_eq!(restored.state(), chat.state());
    restored.send("three").await.unwrap();
    assert_eq!(restored.previous_interaction_id(), Some("v1_3"));
    assert_eq!(restored.state().turns, 3);
    let r = mock.requests();
    assert!(body(&r[0]).get("previous_interaction_id").is_none());
    assert_eq!(body(&r[1])["previous_interaction_id"], "v1_1");
    let third = body(&r[2]);
    assert_eq!(third["previous_interaction_id"], "v1_2");
    assert_eq!(third["system_instruction"], "Be terse.");
    assert_eq!(third["tools"], json!([{"type": "url_context"}]));
    assert_eq!(third["input"], "three");
}

/// The stream ends at the final event: what a server sends after it is not delivered, and a
/// body that never ends after it is not waited for.
#[tokio::test]
async fn the_final_event_ends_the_stream() {
    let all = events("v1_f", 0..8, &["a", "b", "c", "d"]);
    let mut after = all.clone();
    after.push(
        json!({"event_type": "step.delta", "event_id": "late", "index": 0,
                      "delta": {"type": "text", "text": "late"}}),
    );
    let mock = MockTransport::new();
    mock.push_response(sse(&after, None));
    let (events, _) = drain_ids(
        client(&mock)
            .interactions()
            .get_stream("v1_f", None)
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(events.len(), 8);

    // A body that stays open after the final event.
    let chunks = all
        .iter()
        .map(|e| Ok::<_, std::io::Error>(Bytes::from(format!("data: {e}\r\n\r\n"))))
        .collect::<Vec<_>>();
    let body = futures_util::stream::iter(chunks).chain(futures_util::stream::pending());
    mock.push_response(
        http::Response::builder()
            .header("content-type", "text/event-stream")
            .body(ResponseBody::from_stream(body))
            .unwrap(),
    );
    let stream = client(&mock)
        .interactions()
        .get_stream("v1_f", None)
        .await
        .unwrap();
    let (events, stream) = tokio::time::timeout(Duration::from_secs(10), drain_ids(stream))
        .await
        .expect("the stream ended at its final event");
    assert_eq!(events.len(), 8);
    assert_eq!(stream.last_event_id(), Some("e7"));
}

async fn drain_ids(mut stream: InteractionStream) -> (Vec<String>, InteractionStream) {
    let mut ids = Vec::new();
    while let Some(event) = stream.next().await {
        ids.push(event.unwrap().event_id().unwrap().to_owned());
    }
    (ids, stream)
}
