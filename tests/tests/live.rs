//! `client.live()` against the emulator's Live endpoint over loopback: the client's key and
//! base URL, automatic tool calls and their cancellation, ephemeral tokens, resumption.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use gemini::Tools;
use gemini::live::{LiveConfig, LiveError, LiveEvent, LiveSession};
use gemini::types::{FunctionDeclaration, Modality};
use gemini_emulator::LiveFault;
use integration_tests::{KEY, client, emulator, within};
use serde_json::{Value, json};

const MODEL: &str = "gemini-live-2.5-flash-preview";

fn text() -> LiveConfig {
    LiveConfig::default().response_modalities([Modality::Text])
}

/// The events of one turn, up to its `turnComplete`.
async fn turn(session: &mut LiveSession) -> Vec<LiveEvent> {
    let mut seen = Vec::new();
    loop {
        let event = within(session.next_event())
            .await
            .expect("the session ended")
            .expect("the session failed");
        let done = matches!(event, LiveEvent::TurnComplete { .. });
        seen.push(event);
        if done {
            return seen;
        }
    }
}

fn text_of(events: &[LiveEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            LiveEvent::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_session_with_the_clients_key_and_base_url() {
    let emu = emulator();
    let client = client(&emu);
    let live = client.live();
    assert!(
        live.connector()
            .unwrap()
            .url()
            .starts_with("ws://127.0.0.1:")
    );
    assert!(!format!("{live:?}").contains(KEY));
    let mut session = within(live.connect(MODEL, text())).await.unwrap();
    within(session.send_text("Hello there")).await.unwrap();
    let answer = text_of(&turn(&mut session).await);
    assert!(answer.contains("Hello there"), "{answer}");
    within(session.close()).await.unwrap();

    // A client with another key is refused with the server's close code.
    let other = gemini::Client::builder()
        .api_key("wrong-key")
        .base_url(emu.base_url())
        .build()
        .unwrap();
    let err = within(other.live().connect(MODEL, text()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, LiveError::Rejected { code: 1008, .. }),
        "{err:?}"
    );
    // A model that does not serve bidiGenerateContent is refused too.
    let err = within(client.live().connect("gemini-3.5-flash", text()))
        .await
        .unwrap_err();
    assert!(
        matches!(err, LiveError::Rejected { code: 1008, .. }),
        "{err:?}"
    );
}

fn weather_tools(calls: Arc<AtomicUsize>) -> Tools {
    let decl = FunctionDeclaration::new("get_weather", "The weather in a city.")
        .with_parameters_json_schema(json!({
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"]
        }));
    Tools::new().function_with_declaration(decl, move |args: Value| {
        let calls = calls.clone();
        async move {
            calls.fetch_add(1, Ordering::SeqCst);
            Ok::<_, String>(json!({"city": args["city"], "celsius": 21}))
        }
    })
}

#[tokio::test]
async fn tool_calls_are_answered_through_the_handler_registry() {
    let emu = emulator();
    let client = client(&emu);
    let calls = Arc::new(AtomicUsize::new(0));
    let live = client.live().tools(weather_tools(calls.clone()));
    let mut session = within(live.connect(MODEL, text())).await.unwrap();
    within(session.send_text("What does get_weather say for Paris?"))
        .await
        .unwrap();
    let events = turn(&mut session).await;
    // Answered by the handler: not reported as a call to answer.
    assert!(
        !events.iter().any(|e| matches!(e, LiveEvent::ToolCall(_))),
        "{events:?}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert!(!text_of(&events).is_empty(), "{events:?}");
    within(session.close()).await.unwrap();
}

#[tokio::test]
async fn a_cancelled_tool_call_is_aborted_and_never_answered() {
    let emu = emulator();
    let client = client(&emu);
    let started = Arc::new(tokio::sync::Notify::new());
    let finished = Arc::new(AtomicBool::new(false));
    let decl = FunctionDeclaration::new("slow_lookup", "A lookup that takes its time.")
        .with_parameters_json_schema(json!({"type": "object", "properties": {}}));
    let (s, f) = (started.clone(), finished.clone());
    let tools = Tools::new().function_with_declaration(decl, move |_: Value| {
        let (s, f) = (s.clone(), f.clone());
        async move {
            s.notify_one();
            tokio::time::sleep(Duration::from_secs(30)).await;
            f.store(true, Ordering::SeqCst);
            Ok::<_, String>(json!({"found": true}))
        }
    });
    let mut session = within(client.live().tools(tools).connect(MODEL, text()))
        .await
        .unwrap();
    within(session.send_text("Please run slow_lookup."))
        .await
        .unwrap();
    within(started.notified()).await;
    // The user moves on: the server cancels the pending call.
    within(session.send_text("Never mind, say hello."))
        .await
        .unwrap();
    let events = turn(&mut session).await;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, LiveEvent::ToolCallCancellation(ids) if ids.len() == 1)),
        "{events:?}"
    );
    assert!(text_of(&events).contains("say hello"), "{events:?}");
    // An answer to the cancelled call would have made the server close the session; it goes on.
    within(session.send_text("Still there?")).await.unwrap();
    assert!(text_of(&turn(&mut session).await).contains("Still there?"));
    assert!(!finished.load(Ordering::SeqCst), "the handler was aborted");
    within(session.close()).await.unwrap();
}

#[tokio::test]
async fn an_ephemeral_token_opens_a_session_on_the_constrained_endpoint() {
    let emu = emulator();
    let client = client(&emu);
    let created = gemini::Client::builder()
        .api_key(KEY)
        .base_url(emu.base_url())
        .api_version(gemini::ApiVersion::V1Alpha)
        .build()
        .unwrap()
        .raw()
        .post_json("auth_tokens", &json!({"uses": 1}))
        .await
        .unwrap();
    let token = created["name"].as_str().unwrap().to_owned();
    assert!(token.starts_with("auth_tokens/"), "{created}");
    let live = client.live().ephemeral_token(&token);
    let url = live.connector().unwrap().url();
    assert!(
        url.ends_with("v1alpha.GenerativeService.BidiGenerateContentConstrained"),
        "{url}"
    );
    assert!(!url.contains(&token) && !format!("{live:?}").contains(&token));
    let mut session = within(live.connect(MODEL, text())).await.unwrap();
    within(session.send_text("Hi with a token")).await.unwrap();
    assert!(text_of(&turn(&mut session).await).contains("Hi with a token"));
    within(session.close()).await.unwrap();
    // One use only: a second session is refused.
    let err = within(live.connect(MODEL, text())).await.unwrap_err();
    assert!(
        matches!(err, LiveError::Rejected { code: 1008, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn resumption_through_the_facade() {
    let emu = emulator();
    emu.live_fault(LiveFault::go_away(Duration::from_secs(2)).after_server_messages(4));
    emu.live_fault(LiveFault::unavailable().after_client_messages(2));
    let client = client(&emu);
    let config = text()
        .session_resumption(true)
        .context_window_compression(25_600, 12_800);
    let mut session = within(client.live().connect(MODEL, config)).await.unwrap();
    for i in 1..=6 {
        within(session.send_text(format!("number {i}")))
            .await
            .unwrap();
        let mut events = turn(&mut session).await;
        if let Some(at) = events
            .iter()
            .rposition(|e| matches!(e, LiveEvent::Resumed { .. }))
        {
            events.drain(..at);
        }
        let answer = text_of(&events);
        assert!(
            answer.contains(&format!("number {i}")) && answer.contains(&format!("(turn {i})")),
            "{i}: {answer}"
        );
    }
    assert!(session.resumption_handle().is_some());
    within(session.close()).await.unwrap();
}
