//! The Interactions API end to end: `client.interactions()` against the emulator's
//! `/interactions` (conversations kept by the server, streams that survive drops and stalls,
//! background agents, automatic function calling, structured output, validation), and every
//! Interactions recording of `../shared/spec/real` through the facade.

// Test code: a panic is the failure message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt as _;
use gemini::types::interactions::{
    AgentConfig, Event, Interaction, InteractionAccumulator, InteractionStatus, Step,
};
use gemini::{Error, RequestOptions, StreamResume, Tools, WaitOptions};
use gemini_emulator::{DEEP_RESEARCH_AGENT, Emulator, ManualClock};
use integration_tests::{KEY, MODEL, Reply, builder, client, emulator, within};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::Barrier;

/// A resume policy that waits milliseconds, not seconds.
fn quick_resume() -> StreamResume {
    StreamResume::new()
        .with_initial_backoff(Duration::from_millis(5))
        .with_max_backoff(Duration::from_millis(20))
}

/// Polls every few milliseconds (the emulator's clock is moved by the test).
fn quick_wait() -> WaitOptions {
    WaitOptions::new()
        .with_initial_interval(Duration::from_millis(2))
        .with_max_interval(Duration::from_millis(5))
        .with_timeout(Duration::from_secs(15))
}

fn ids(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| e.event_id().expect("every event has an id").to_owned())
        .collect()
}

/// Reads a whole stream, each step bounded.
async fn drain(mut stream: gemini::InteractionStream) -> (Vec<Event>, gemini::InteractionStream) {
    let mut events = Vec::new();
    while let Some(event) = within(stream.next()).await {
        events.push(event.unwrap());
    }
    (events, stream)
}

/// Three turns through `previous_interaction_id`; the third answer quotes the first two,
/// which only the server kept.
#[tokio::test]
async fn a_three_turn_conversation_remembers_earlier_turns() {
    let emu = emulator();
    let client = client(&emu);
    let mut chat = client.interactions().conversation(MODEL);
    let first = within(chat.send("My name is Ada.")).await.unwrap();
    within(chat.send("I live in Paris.")).await.unwrap();
    let third = within(chat.send("What did I say earlier?")).await.unwrap();
    let text = third.output_text();
    assert!(text.contains("My name is Ada."), "{text}");
    assert!(text.contains("I live in Paris."), "{text}");
    let bodies: Vec<Value> = emu
        .requests_for("interactions.create")
        .iter()
        .map(|r| r.json().unwrap().clone())
        .collect();
    assert_eq!(bodies.len(), 3);
    assert!(bodies[0].get("previous_interaction_id").is_none());
    assert_eq!(bodies[1]["previous_interaction_id"], json!(first.id));
    // Only the new input travels.
    assert_eq!(bodies[2]["input"], "What did I say earlier?");

    // The state saves and restores: a restored conversation goes on where it was.
    let saved = serde_json::to_string(chat.state()).unwrap();
    let mut again = client
        .interactions()
        .restore(serde_json::from_str(&saved).unwrap());
    let fourth = within(again.send("Remember what I said before?"))
        .await
        .unwrap();
    assert!(fourth.output_text().contains("I live in Paris."));
    assert_eq!(again.state().turns, 4);
}

/// The emulator drops the stream twice (after 3 events of the create, then after 3 events of
/// the first resume): the caller reads one sequence, every event once, in order, and it folds
/// into the interaction the server stored.
#[tokio::test]
async fn a_stream_dropped_twice_is_one_sequence() {
    let emu = emulator();
    emu.script("interactions.create")
        .reply(Reply::model().drop_after(3));
    emu.script("interactions.get")
        .reply(Reply::model().drop_after(3));
    let client = client(&emu);
    let stream = within(
        client
            .interactions()
            .create()
            .model(MODEL)
            .input("Tell me a long story about a lighthouse keeper and the sea")
            .resume(quick_resume())
            .stream(),
    )
    .await
    .unwrap();
    let (events, stream) = drain(stream).await;
    assert_eq!(stream.reconnections(), 2);
    let seen = ids(&events);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "a duplicated event: {seen:?}");
    assert!(events.last().unwrap().is_terminal());

    // The same events, read again in one go from the server: nothing was missed.
    let id = stream.interaction_id().unwrap().to_owned();
    let (replay, _) = drain(
        within(client.interactions().get_stream(&id, None))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ids(&replay), seen);

    let mut acc = InteractionAccumulator::new();
    for e in &events {
        acc.push(e);
    }
    let stored = within(client.interactions().get(&id)).await.unwrap();
    assert!(!stored.output_text().is_empty());
    assert_eq!(acc.interaction().output_text(), stored.output_text());

    let gets = emu.requests_for("interactions.get");
    assert_eq!(gets.len(), 4);
    assert!(
        gets[0]
            .query()
            .unwrap()
            .contains(&format!("last_event_id={}", seen[2]))
    );
    assert!(
        gets[1]
            .query()
            .unwrap()
            .contains(&format!("last_event_id={}", seen[5]))
    );
}

/// A stream that goes silent is noticed by the idle timeout and resumed.
#[tokio::test]
async fn a_silent_stream_is_resumed() {
    let emu = emulator();
    emu.script("interactions.create")
        .reply(Reply::model().stall_forever_after(2));
    let client = builder(&emu)
        .idle_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let interaction = within(async {
        client
            .interactions()
            .create()
            .model(MODEL)
            .input("Say something")
            .resume(quick_resume())
            .stream()
            .await
            .unwrap()
            .accumulate()
            .await
    })
    .await
    .unwrap();
    assert_eq!(interaction.status, Some(InteractionStatus::Completed));
    assert!(interaction.output_text().contains("Say something"));
    assert_eq!(emu.count("interactions.get"), 1);
}

/// An emulator whose clock the test moves.
fn clocked() -> (Emulator, ManualClock) {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .api_key(KEY)
        .clock(clock.clone())
        .interaction_timing(Duration::from_secs(1), Duration::from_secs(2))
        .agent_run_time(Duration::from_secs(10))
        .start();
    (emu, clock)
}

/// A background deep-research run waited to completion (its steps, its report), and another
/// cancelled part-way.
#[tokio::test]
async fn background_agent_runs_wait_and_cancel() {
    let (emu, clock) = clocked();
    let client = client(&emu);
    let interactions = client.interactions();
    let started = within(
        interactions
            .create()
            .agent(DEEP_RESEARCH_AGENT)
            .agent_config(AgentConfig::new("deep-research"))
            .input("tidal power in Brittany")
            .background(true)
            .send(),
    )
    .await
    .unwrap();
    assert!(matches!(
        started.status,
        Some(InteractionStatus::Queued | InteractionStatus::InProgress)
    ));
    let id = started.id.clone().unwrap();
    let mut statuses = Vec::new();
    let done = within(interactions.wait_with_progress(&id, quick_wait(), |i| {
        statuses.push(i.status.clone().unwrap());
        // Each poll moves the server's time on by a second.
        clock.advance(Duration::from_secs(1));
    }))
    .await
    .unwrap();
    assert_eq!(done.status, Some(InteractionStatus::Completed));
    assert!(
        statuses.contains(&InteractionStatus::InProgress),
        "{statuses:?}"
    );
    let kinds: Vec<&str> = done.steps.iter().map(Step::tag).collect();
    for kind in [
        "thought",
        "google_search_call",
        "google_search_result",
        "model_output",
    ] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
    assert!(done.output_text().contains("tidal power in Brittany"));

    let other = within(
        interactions
            .create()
            .agent(DEEP_RESEARCH_AGENT)
            .input("wave energy")
            .background(true)
            .send(),
    )
    .await
    .unwrap();
    let other_id = other.id.unwrap();
    clock.advance(Duration::from_secs(3));
    let cancelled = within(interactions.cancel(&other_id)).await.unwrap();
    assert_eq!(cancelled.status, Some(InteractionStatus::Cancelled));
    clock.advance(Duration::from_secs(60));
    let after = within(interactions.wait(&other_id, quick_wait()))
        .await
        .unwrap();
    assert_eq!(after.status, Some(InteractionStatus::Cancelled));
}

/// A background agent run streamed by one process, which stops part-way; a new process (a new
/// `Client`) resumes from the interaction id and the last event id alone, while the run goes
/// on; together they read every event once.
#[tokio::test]
async fn a_stream_resumes_after_a_process_restart() {
    let (emu, clock) = clocked();
    let (id, last, first_part) = {
        let client = client(&emu);
        let started = within(
            client
                .interactions()
                .create()
                .agent(DEEP_RESEARCH_AGENT)
                .input("coral reef restoration")
                .background(true)
                .send(),
        )
        .await
        .unwrap();
        let id = started.id.unwrap();
        clock.advance(Duration::from_secs(4));
        let mut stream = within(client.interactions().get_stream(&id, None))
            .await
            .unwrap();
        let mut events = Vec::new();
        for _ in 0..4 {
            events.push(within(stream.next()).await.unwrap().unwrap());
        }
        let last = stream.last_event_id().unwrap().to_owned();
        // The process ends: its stream and client go away.
        (id, last, events)
    };
    assert!(!first_part.iter().any(Event::is_terminal));

    let client = client(&emu);
    let ticking = {
        let clock = clock.clone();
        tokio::spawn(async move {
            for _ in 0..400 {
                tokio::time::sleep(Duration::from_millis(5)).await;
                clock.advance(Duration::from_millis(250));
            }
        })
    };
    let stream = within(client.interactions().get_stream(&id, Some(&last)))
        .await
        .unwrap();
    let (rest, _) = drain(stream).await;
    ticking.abort();
    assert!(rest.last().unwrap().is_terminal());
    let mut all = first_part.clone();
    all.extend(rest);
    let (replay, _) = drain(
        within(client.interactions().get_stream(&id, None))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(ids(&all), ids(&replay));

    let mut acc = InteractionAccumulator::new();
    for e in &all {
        acc.push(e);
    }
    let stored = within(client.interactions().get(&id)).await.unwrap();
    assert_eq!(acc.interaction().output_text(), stored.output_text());
    assert_eq!(acc.interaction().status, Some(InteractionStatus::Completed));
}

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

/// Two function calls in one round run at the same time (each handler waits for the other)
/// and are answered with `function_result` steps continuing the interaction.
#[tokio::test]
async fn automatic_function_calling_with_two_parallel_calls() {
    let emu = emulator();
    let client = client(&emu);
    let barrier = Arc::new(Barrier::new(2));
    let runs = Arc::new(AtomicUsize::new(0));
    let (b1, b2, r1, r2) = (barrier.clone(), barrier, runs.clone(), runs.clone());
    let tools = Tools::new()
        .function(
            "get_weather",
            "The weather in a city.",
            move |w: Weather| {
                let b = b1.clone();
                r1.fetch_add(1, Ordering::SeqCst);
                async move {
                    b.wait().await;
                    Ok::<_, String>(json!({"city": w.city, "celsius": 21}))
                }
            },
        )
        .function("get_time", "The time in a time zone.", move |t: Time| {
            let b = b2.clone();
            r2.fetch_add(1, Ordering::SeqCst);
            async move {
                b.wait().await;
                Ok::<_, String>(json!({"timezone": t.timezone, "time": "12:00"}))
            }
        });
    let answer = within(
        client
            .interactions()
            .create()
            .model(MODEL)
            .input("Use get_weather and get_time for Paris")
            .tools(tools)
            .send(),
    )
    .await
    .unwrap();
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert_eq!(answer.status, Some(InteractionStatus::Completed));
    assert!(
        answer.output_text().contains("12:00"),
        "{}",
        answer.output_text()
    );
    let creates = emu.requests_for("interactions.create");
    assert_eq!(creates.len(), 2);
    let first = creates[0].json().unwrap();
    let declared: Vec<&str> = first["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(declared, ["get_weather", "get_time"]);
    let second = creates[1].json().unwrap();
    assert!(second["previous_interaction_id"].is_string());
    let results = second["input"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(|r| r["type"] == "function_result"));
    assert_eq!(results[0]["name"], "get_weather");
    assert_eq!(results[1]["name"], "get_time");
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
struct Recipe {
    /// The dish.
    name: String,
    /// Minutes to cook.
    minutes: u32,
    /// What goes in.
    ingredients: Vec<String>,
}

/// `response_format::<T>()` gets JSON that parses into `T`.
#[tokio::test]
async fn structured_output_into_a_struct() {
    let emu = emulator();
    let client = client(&emu);
    let answer = within(
        client
            .interactions()
            .create()
            .model(MODEL)
            .input("A recipe for pancakes")
            .response_format::<Recipe>()
            .send(),
    )
    .await
    .unwrap();
    let recipe: Recipe = answer.parsed().unwrap();
    assert!(!recipe.name.is_empty());
    let body = emu.last_body("interactions.create").unwrap();
    assert_eq!(body["response_format"]["mime_type"], "application/json");
    assert_eq!(
        body["response_format"]["schema"]["properties"]["minutes"]["type"],
        "integer"
    );
    let _ = (recipe.minutes, recipe.ingredients);
}

/// `store: false` is answered but not kept: a later `get` is a 404.
#[tokio::test]
async fn an_unstored_interaction_cannot_be_read_back() {
    let emu = emulator();
    let client = client(&emu);
    let answer = within(
        client
            .interactions()
            .create()
            .model(MODEL)
            .input("Forget me")
            .store(false)
            .send(),
    )
    .await
    .unwrap();
    assert!(answer.output_text().contains("Forget me"));
    let id = answer.id.expect("the answer still has an id");
    let e = within(client.interactions().get(&id)).await.unwrap_err();
    assert_eq!(e.status(), Some(http::StatusCode::NOT_FOUND));
    // Deleting a stored one makes it a 404 too.
    let kept = within(
        client
            .interactions()
            .create()
            .model(MODEL)
            .input("Keep me")
            .send(),
    )
    .await
    .unwrap();
    let kept_id = kept.id.unwrap();
    within(client.interactions().delete(&kept_id))
        .await
        .unwrap();
    let e = within(client.interactions().get(&kept_id))
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(http::StatusCode::NOT_FOUND));
}

/// The exclusive pairs are refused by the builder before sending; sent anyway (raw), the
/// emulator refuses them as the API does; an unknown field is refused with its name.
#[tokio::test]
async fn exclusive_pairs_and_unknown_fields_are_errors() {
    let emu = emulator();
    let client = client(&emu);
    let interactions = client.interactions();
    let e = within(
        interactions
            .create()
            .model(MODEL)
            .agent(DEEP_RESEARCH_AGENT)
            .input("x")
            .send(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, Error::Build(_)), "{e:?}");
    assert_eq!(emu.count("interactions.create"), 0);

    for body in [
        json!({"model": MODEL, "agent": DEEP_RESEARCH_AGENT, "input": "x"}),
        json!({"agent": DEEP_RESEARCH_AGENT, "generation_config": {"temperature": 1}, "input": "x", "background": true}),
        json!({"agent": DEEP_RESEARCH_AGENT, "cached_content": "cachedContents/c", "input": "x", "background": true}),
    ] {
        let e = within(client.raw().post_json("interactions", &body))
            .await
            .unwrap_err();
        assert_eq!(e.status(), Some(http::StatusCode::BAD_REQUEST), "{body}");
    }

    let e = within(
        interactions
            .clone()
            .with_options(RequestOptions::new().with_extra_body(json!({"bogus": 1})))
            .create()
            .model(MODEL)
            .input("x")
            .send(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.status(), Some(http::StatusCode::BAD_REQUEST));
    assert!(e.api_error().unwrap().message().contains("bogus"), "{e}");
}

/// `../shared/spec/real`, or `None` after one line on stderr; under `CI=true` its absence
/// fails.
fn shared_spec(what: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/spec"));
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what}: ../shared/spec not found, and CI=true requires it"
    );
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("skipping {what}: ../shared/spec not found\n").as_bytes(),
    );
    None
}

/// Every Interactions recording (both schema generations) decodes through the facade: each
/// recorded response is served by the emulator as `interactions.get`, each recorded stream as
/// the SSE body of `get_stream`, folded by `accumulate`.
#[tokio::test]
async fn every_real_recording_decodes_and_folds() {
    let Some(spec) = shared_spec("interactions::every_real_recording_decodes_and_folds") else {
        return;
    };
    let manifest = std::fs::read_to_string(spec.join("real/MANIFEST.tsv")).unwrap();
    let files: Vec<&str> = manifest
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let file = cols.next()?;
            (cols.next()? == "interactions").then_some(file)
        })
        .collect();
    assert!(files.len() > 20, "{} recordings", files.len());
    let emu = emulator();
    let client = client(&emu);
    let (mut streams, mut responses) = (0, 0);
    for file in files {
        let text = std::fs::read_to_string(spec.join("real").join(file)).unwrap();
        if file.starts_with("streams/") {
            let events: Vec<Value> = text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            let mut sse = String::new();
            for e in &events {
                sse.push_str("data: ");
                sse.push_str(&e.to_string());
                sse.push_str("\r\n\r\n");
            }
            emu.script("interactions.get")
                .reply(Reply::raw(200, "text/event-stream", sse));
            let folded: Interaction = within(async {
                client
                    .interactions()
                    .get_stream("v1_recorded", None)
                    .await?
                    .accumulate()
                    .await
            })
            .await
            .unwrap_or_else(|e| panic!("{file}: {}", e.report()));
            let last = events
                .iter()
                .rev()
                .find_map(|e| e.get("interaction"))
                .expect("a stream ends with its interaction");
            assert_eq!(
                folded.status.as_ref().map(ToString::to_string).as_deref(),
                last["status"].as_str(),
                "{file}"
            );
            let deltas: String = events
                .iter()
                .filter(|e| e["delta"]["type"] == "text")
                .filter_map(|e| e["delta"]["text"].as_str())
                .collect();
            assert_eq!(folded.output_text(), deltas, "{file}");
            streams += 1;
        } else if file.starts_with("responses/") {
            let doc: Value = serde_json::from_str(&text).unwrap();
            emu.script("interactions.get")
                .reply(Reply::json(doc.clone()));
            let got = within(client.interactions().get("v1_recorded"))
                .await
                .unwrap_or_else(|e| panic!("{file}: {}", e.report()));
            assert_eq!(got.id.as_deref(), doc["id"].as_str(), "{file}");
            let count = |k: &str| doc[k].as_array().map_or(0, Vec::len);
            assert_eq!(got.steps.len(), count("steps"), "{file}");
            assert_eq!(got.outputs.len(), count("outputs"), "{file}");
            assert!(got.steps.iter().all(|s| !s.is_unknown()), "{file}");
            responses += 1;
        }
    }
    assert!(
        streams > 5 && responses > 5,
        "{streams} streams, {responses} responses"
    );
}

/// An answer cut into parts (`requires_continuation`) is continued with its token until it is
/// whole; the parts join into one answer. With continuation off, the first part comes back.
#[tokio::test]
async fn continuation_tokens_are_followed() {
    let emu = Emulator::builder()
        .api_key(KEY)
        .interaction_continuation_after(8)
        .start();
    let client = client(&emu);
    let prompt = "Tell me a long story about a lighthouse keeper who befriends a seal and a gull";
    let whole = within(
        client
            .interactions()
            .create()
            .model(MODEL)
            .input(prompt)
            .send(),
    )
    .await
    .unwrap();
    assert_eq!(whole.status, Some(InteractionStatus::Completed));
    assert!(
        whole.output_text().contains(prompt),
        "{}",
        whole.output_text()
    );
    let creates = emu.requests_for("interactions.create");
    assert!(
        creates.len() > 1,
        "the answer came in {} part(s)",
        creates.len()
    );
    assert!(
        creates[1..]
            .iter()
            .all(|r| r.json().unwrap()["continuation_token"].is_string())
    );

    let first = within(
        client
            .interactions()
            .create()
            .model(MODEL)
            .input(prompt)
            .continuation(gemini::Continuation::disabled())
            .send(),
    )
    .await
    .unwrap();
    assert_eq!(first.status, Some(InteractionStatus::RequiresContinuation));
    assert!(first.continuation_token.is_some());
    assert!(first.output_text().len() < whole.output_text().len());
}

/// A background run that stops with `requires_continuation` is continued by `wait` with its
/// token (the request read back with its input), and the wait follows the continued run.
#[tokio::test]
async fn wait_follows_continuation_tokens() {
    let emu = Emulator::builder()
        .api_key(KEY)
        .interaction_timing(Duration::from_millis(5), Duration::from_millis(10))
        .interaction_continuation_after(8)
        .start();
    let client = client(&emu);
    let interactions = client.interactions();
    let prompt = "Tell me a long story about a lighthouse keeper who befriends a seal";
    let started = within(
        interactions
            .create()
            .model(MODEL)
            .input(prompt)
            .background(true)
            .send(),
    )
    .await
    .unwrap();
    let first_id = started.id.unwrap();
    let done = within(interactions.wait(&first_id, quick_wait()))
        .await
        .unwrap();
    assert_eq!(done.status, Some(InteractionStatus::Completed));
    assert_ne!(done.id.as_deref(), Some(first_id.as_str()));
    let creates = emu.requests_for("interactions.create");
    assert!(creates.len() > 1);
    let second = creates[1].json().unwrap();
    assert!(second["continuation_token"].is_string());
    assert_eq!(second["model"], MODEL);

    // Switched off, the wait stops at the first part.
    let again = within(
        interactions
            .create()
            .model(MODEL)
            .input(prompt)
            .background(true)
            .send(),
    )
    .await
    .unwrap();
    let stopped = within(interactions.wait_with_continuation(
        again.id.unwrap(),
        quick_wait(),
        gemini::Continuation::disabled(),
        |_| {},
    ))
    .await
    .unwrap();
    assert_eq!(
        stopped.status,
        Some(InteractionStatus::RequiresContinuation)
    );
}
