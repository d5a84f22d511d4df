//! The Interactions API over HTTP: create (model and agent forms) with the real validation
//! errors, get (with `include_input`), delete, cancel, `store: false`, server-side history
//! through `previous_interaction_id`, function calling (`requires_action`), JSON output,
//! background runs on the clock, the deep-research agent, streams with event ids and replay,
//! and stream faults (drops and stalls keyed on `interactions.stream`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use gemini_emulator::{DEEP_RESEARCH_AGENT, Emulator, ManualClock, Reply, validate_json};
use serde_json::{Value, json};
use support::{TIMEOUT, get, next_frame, open, post, send};

const MODEL: &str = "gemini-3-flash-preview";

async fn create(emu: &Emulator, body: &Value) -> Value {
    let r = post(emu, "/v1beta/interactions", body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// The text of the `model_output` steps of an interaction.
fn output_text(interaction: &Value) -> String {
    interaction["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["type"] == "model_output")
        .flat_map(|s| s["content"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["text"].as_str().map(str::to_owned))
        .collect()
}

fn kinds(interaction: &Value) -> Vec<String> {
    interaction["steps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["type"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Reads a stream until it ends or breaks; the complete SSE events read, and whether it
/// ended cleanly (`Ok`), broke (`Err("broken...")`) or went silent for `wait`
/// (`Err("timeout")`).
async fn read_events(
    emu: &Emulator,
    method: &str,
    path: &str,
    body: &Value,
    wait: Duration,
) -> (Vec<Value>, Result<(), String>) {
    let resp = open(
        emu,
        method,
        path,
        &[
            ("x-goog-api-key", "k"),
            ("content-type", "application/json"),
        ],
        if method == "GET" {
            String::new()
        } else {
            body.to_string()
        },
    )
    .await;
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    let mut body = resp.into_body();
    let mut bytes = Vec::new();
    let end = loop {
        match next_frame(&mut body, wait).await {
            Ok(Some(b)) => bytes.extend_from_slice(&b),
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    let text = String::from_utf8(bytes).unwrap();
    let events = text
        .split_terminator("\r\n\r\n")
        .filter(|e| !e.is_empty())
        .map(|e| serde_json::from_str(e.strip_prefix("data: ").unwrap()).unwrap())
        .collect();
    (events, end)
}

fn event_ids(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["event_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn create_get_and_delete_on_every_api_version() {
    let clock = ManualClock::new();
    let emu = Emulator::builder().clock(clock).start();
    for version in ["v1beta", "v1", "v1alpha"] {
        let r = post(
            &emu,
            &format!("/{version}/interactions"),
            &json!({"model": MODEL, "input": "Hello", "system_instruction": "Be brief."}),
        )
        .await;
        assert_eq!(r.status, 200, "{version}: {}", r.text());
        let i = r.json();
        let id = i["id"].as_str().unwrap().to_owned();
        assert!(id.starts_with("v1_"), "{id}");
        assert_eq!(i["status"], "completed");
        assert_eq!(i["object"], "interaction");
        assert_eq!(i["model"], MODEL);
        assert_eq!(i["created"], "2026-01-01T00:00:00Z");
        assert_eq!(i["service_tier"], "standard");
        assert_eq!(output_text(&i), "[Be brief.] You said: Hello");
        let usage = &i["usage"];
        assert!(usage["total_input_tokens"].as_u64().unwrap() > 0);
        assert_eq!(
            usage["total_tokens"].as_u64().unwrap(),
            usage["total_input_tokens"].as_u64().unwrap()
                + usage["total_output_tokens"].as_u64().unwrap()
                + usage["total_thought_tokens"].as_u64().unwrap()
        );

        let path = format!("/{version}/interactions/{id}");
        let got = get(&emu, &path).await;
        assert_eq!(got.status, 200);
        assert_eq!(got.json(), i);
        let with_input = get(&emu, &format!("{path}?include_input=true"))
            .await
            .json();
        assert_eq!(
            with_input["steps"][0],
            json!({"type": "user_input", "content": [{"type": "text", "text": "Hello"}]})
        );
        assert_eq!(
            with_input["steps"].as_array().unwrap().len(),
            i["steps"].as_array().unwrap().len() + 1
        );

        let deleted = send(&emu, "DELETE", &path, &[("x-goog-api-key", "k")], "").await;
        assert_eq!(deleted.status, 200);
        assert_eq!(deleted.json(), json!({}));
        let gone = get(&emu, &path).await;
        assert_eq!(gone.status, 404);
        assert_eq!(
            gone.json(),
            json!({"error": {"message": format!("Interaction '{id}' not found."), "code": "not_found"}})
        );
    }
    assert_eq!(emu.count("interactions.create"), 3);
}

#[tokio::test]
async fn store_false_answers_but_keeps_nothing() {
    let emu = Emulator::start();
    let i = create(
        &emu,
        &json!({"model": MODEL, "input": "Hi", "store": false}),
    )
    .await;
    assert_eq!(output_text(&i), "You said: Hi");
    let id = i["id"].as_str().unwrap();
    let r = get(&emu, &format!("/v1beta/interactions/{id}")).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], "not_found");
    // Nor can it be continued.
    let r = post(
        &emu,
        "/v1beta/interactions",
        &json!({"model": MODEL, "input": "Again", "previous_interaction_id": id}),
    )
    .await;
    assert_eq!(r.status, 404);
    // A background interaction must be stored.
    let r = post(
        &emu,
        "/v1beta/interactions",
        &json!({"model": MODEL, "input": "x", "store": false, "background": true}),
    )
    .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn the_server_keeps_the_conversation() {
    let emu = Emulator::start();
    let one = create(&emu, &json!({"model": MODEL, "input": "My name is Ada."})).await;
    let two = create(
        &emu,
        &json!({"model": MODEL, "input": "I live in Paris.", "previous_interaction_id": one["id"]}),
    )
    .await;
    assert_eq!(two["previous_interaction_id"], one["id"]);
    let three = create(
        &emu,
        &json!({"model": MODEL, "input": "What did I say earlier?", "previous_interaction_id": two["id"]}),
    )
    .await;
    assert_eq!(
        output_text(&three),
        "You said: What did I say earlier? Earlier you said: \"My name is Ada.\"; \"I live in \
         Paris.\"."
    );
    // The same question without the history has no earlier turns to recall.
    let alone = create(
        &emu,
        &json!({"model": MODEL, "input": "What did I say earlier?"}),
    )
    .await;
    assert_eq!(output_text(&alone), "You said: What did I say earlier?");
    // A branch from turn one does not see turn two.
    let branch = create(
        &emu,
        &json!({"model": MODEL, "input": "Remember?", "previous_interaction_id": one["id"]}),
    )
    .await;
    assert_eq!(
        output_text(&branch),
        "You said: Remember? Earlier you said: \"My name is Ada.\"."
    );
    let r = post(
        &emu,
        "/v1beta/interactions",
        &json!({"model": MODEL, "input": "x", "previous_interaction_id": "v1_nope"}),
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json(),
        json!({"error": {"message": "Interaction 'v1_nope' not found.", "code": "not_found"}})
    );
}

#[tokio::test]
async fn invalid_requests_get_the_real_envelope() {
    let emu = Emulator::start();
    let cases = [
        (
            json!({"model": MODEL, "input": "x", "bogus": 1}),
            "Invalid input at 'bogus'.",
        ),
        (
            json!({"model": MODEL, "input": "x", "generation_config": {"temprature": 1}}),
            "Invalid input at 'generation_config.temprature'.",
        ),
        (
            json!({"model": MODEL, "agent": DEEP_RESEARCH_AGENT, "input": "x"}),
            "Invalid input: 'model' and 'agent' are mutually exclusive; set only one of them.",
        ),
        (
            json!({"agent": DEEP_RESEARCH_AGENT, "generation_config": {}, "input": "x", "background": true}),
            "Invalid input: 'generation_config' and 'agent' are mutually exclusive; set only one of them.",
        ),
        (
            json!({"agent": DEEP_RESEARCH_AGENT, "cached_content": "cachedContents/c", "input": "x", "background": true}),
            "Invalid input: 'cached_content' and 'agent' are mutually exclusive; set only one of them.",
        ),
        (
            json!({"agent": DEEP_RESEARCH_AGENT, "input": "x"}),
            "Invalid input at 'background': agent interactions must run in the background (set background=true).",
        ),
        (
            json!({"model": MODEL}),
            "Invalid input at 'input': an input is required.",
        ),
        (
            json!({"model": MODEL, "input": [{"type": "user_input", "content": [{"type": "text", "text": "x", "bogus": 1}]}]}),
            "Invalid input at 'input[0].content[0].bogus'.",
        ),
        (
            json!({"model": MODEL, "input": "x", "tools": [{"type": "teleporter"}]}),
            "Invalid input at 'tools[0].type'.",
        ),
    ];
    for (body, message) in cases {
        let r = post(&emu, "/v1beta/interactions", &body).await;
        assert_eq!(r.status, 400, "{body}");
        assert_eq!(
            r.json(),
            json!({"error": {"message": message, "code": "invalid_request"}}),
            "{body}"
        );
    }
    let r = send(
        &emu,
        "POST",
        "/v1beta/interactions",
        &[
            ("x-goog-api-key", "k"),
            ("content-type", "application/json"),
        ],
        "{\"model\": ",
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], "invalid_request");
    assert!(
        r.message().starts_with("Invalid JSON payload received."),
        "{}",
        r.text()
    );
    let r = post(
        &emu,
        "/v1beta/interactions",
        &json!({"agent": "travel-agent", "input": "x", "background": true}),
    )
    .await;
    assert_eq!(r.status, 404);
    let r = post(
        &emu,
        "/v1beta/interactions",
        &json!({"model": "no-such-model", "input": "x"}),
    )
    .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], "not_found");
}

fn weather_tools() -> Value {
    json!([
        {"type": "function", "name": "get_weather", "description": "Weather for a city",
         "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
        {"type": "function", "name": "get_time", "description": "Local time in a city",
         "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
    ])
}

#[tokio::test]
async fn function_calls_wait_for_their_results() {
    let emu = Emulator::start();
    let first = create(
        &emu,
        &json!({"model": MODEL, "input": "Call get_weather and get_time for Paris.", "tools": weather_tools()}),
    )
    .await;
    assert_eq!(first["status"], "requires_action");
    let calls: Vec<&Value> = first["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["type"] == "function_call")
        .collect();
    assert_eq!(calls.len(), 2, "{first}");
    assert_eq!(calls[0]["name"], "get_weather");
    assert_eq!(calls[1]["name"], "get_time");
    assert!(calls[0]["arguments"]["city"].is_string());
    assert_ne!(calls[0]["id"], calls[1]["id"]);
    // Gemini 3 signs the turn: the thought step carries the signature.
    assert_eq!(first["steps"][0]["type"], "thought");
    assert!(first["steps"][0]["signature"].is_string());

    let results = json!([
        {"type": "function_result", "call_id": calls[0]["id"], "name": "get_weather", "result": "{\"tempC\": 14}"},
        {"type": "function_result", "call_id": calls[1]["id"], "result": {"time": "13:20"}}
    ]);
    let second = create(
        &emu,
        &json!({"model": MODEL, "previous_interaction_id": first["id"], "input": results, "tools": weather_tools()}),
    )
    .await;
    assert_eq!(second["status"], "completed");
    assert_eq!(
        output_text(&second),
        "Function results: get_weather returned {\"result\":\"{\\\"tempC\\\": 14}\"}; get_time \
         returned {\"time\":\"13:20\"}."
    );
}

#[tokio::test]
async fn a_json_response_format_gives_conforming_json() {
    let emu = Emulator::start();
    let schema = json!({
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "age": {"type": "integer", "minimum": 0},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1}
        },
        "required": ["name", "age", "tags"]
    });
    let i = create(
        &emu,
        &json!({"model": MODEL, "input": "Describe a person.",
                "response_format": {"type": "text", "mime_type": "application/json", "schema": schema}}),
    )
    .await;
    let value: Value = serde_json::from_str(&output_text(&i)).unwrap();
    validate_json(&schema, &value).unwrap();
}

#[tokio::test]
async fn a_stream_carries_event_ids_and_replays_after_any_of_them() {
    let emu = Emulator::start();
    let (events, end) = read_events(
        &emu,
        "POST",
        "/v1beta/interactions",
        &json!({"model": MODEL, "input": "Tell me about the quick brown fox and the lazy dog today.", "stream": true}),
        TIMEOUT,
    )
    .await;
    end.unwrap();
    let ids = event_ids(&events);
    let want: Vec<String> = (1..=events.len()).map(|i| format!("evt_{i}")).collect();
    assert_eq!(ids, want);
    let types: Vec<&str> = events
        .iter()
        .map(|e| e["event_type"].as_str().unwrap())
        .collect();
    assert_eq!(types[0], "interaction.created");
    assert_eq!(types[1], "interaction.status_update");
    assert_eq!(types[2], "step.start");
    assert_eq!(*types.last().unwrap(), "interaction.completed");
    assert!(types.iter().filter(|t| **t == "step.delta").count() >= 2);
    let text: String = events
        .iter()
        .filter(|e| e["event_type"] == "step.delta" && e["delta"]["type"] == "text")
        .map(|e| e["delta"]["text"].as_str().unwrap())
        .collect();
    let id = events[0]["interaction"]["id"].as_str().unwrap().to_owned();
    let stored = get(&emu, &format!("/v1beta/interactions/{id}"))
        .await
        .json();
    assert_eq!(text, output_text(&stored));
    assert_eq!(
        events.last().unwrap()["interaction"]["usage"],
        stored["usage"]
    );

    for after in [0usize, 3, events.len() - 1, events.len()] {
        let path = if after == 0 {
            format!("/v1beta/interactions/{id}?stream=true")
        } else {
            format!("/v1beta/interactions/{id}?stream=true&last_event_id=evt_{after}")
        };
        let (replay, end) = read_events(&emu, "GET", &path, &Value::Null, TIMEOUT).await;
        end.unwrap();
        assert_eq!(replay, events[after..].to_vec(), "after {after}");
    }
    let r = get(
        &emu,
        &format!("/v1beta/interactions/{id}?stream=true&last_event_id=evt_999"),
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], "invalid_request");
    assert_eq!(emu.count("interactions.get"), 6);
}

#[tokio::test]
async fn background_runs_move_on_the_clock_and_can_be_cancelled() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .clock(clock.clone())
        .interaction_timing(Duration::from_secs(1), Duration::from_secs(2))
        .start();
    let i = create(
        &emu,
        &json!({"model": MODEL, "input": "Hello", "background": true}),
    )
    .await;
    assert_eq!(i["status"], "queued");
    assert!(i.get("steps").is_none());
    let path = format!("/v1beta/interactions/{}", i["id"].as_str().unwrap());
    clock.advance(Duration::from_secs(1));
    let running = get(&emu, &path).await.json();
    assert_eq!(running["status"], "in_progress");
    assert_eq!(running["updated"], "2026-01-01T00:00:01Z");
    clock.advance(Duration::from_secs(2));
    let done = get(&emu, &path).await.json();
    assert_eq!(done["status"], "completed");
    assert_eq!(output_text(&done), "You said: Hello");
    assert!(done["usage"].is_object());
    let cancel = send(
        &emu,
        "POST",
        &format!("{path}/cancel"),
        &[("x-goog-api-key", "k")],
        "",
    )
    .await;
    assert_eq!(cancel.status, 400);
    assert!(
        cancel.message().contains("already completed"),
        "{}",
        cancel.text()
    );

    let j = create(
        &emu,
        &json!({"model": MODEL, "input": "Hello", "background": true}),
    )
    .await;
    let path = format!("/v1beta/interactions/{}", j["id"].as_str().unwrap());
    clock.advance(Duration::from_millis(1500));
    let cancelled = send(
        &emu,
        "POST",
        &format!("{path}/cancel"),
        &[("x-goog-api-key", "k")],
        "",
    )
    .await;
    assert_eq!(cancelled.status, 200, "{}", cancelled.text());
    assert_eq!(cancelled.json()["status"], "cancelled");
    clock.advance(Duration::from_secs(60));
    let later = get(&emu, &path).await.json();
    assert_eq!(later["status"], "cancelled");
    assert!(later.get("usage").is_none());
    let (events, end) = read_events(
        &emu,
        "GET",
        &format!("{path}?stream=true"),
        &Value::Null,
        TIMEOUT,
    )
    .await;
    end.unwrap();
    let last = events.last().unwrap();
    assert_eq!(last["event_type"], "interaction.completed");
    assert_eq!(last["interaction"]["status"], "cancelled");

    // A foreground interaction is over before it could be cancelled.
    let k = create(&emu, &json!({"model": MODEL, "input": "Hello"})).await;
    let r = send(
        &emu,
        "POST",
        &format!("/v1beta/interactions/{}/cancel", k["id"].as_str().unwrap()),
        &[("x-goog-api-key", "k")],
        "",
    )
    .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn the_deep_research_agent_thinks_searches_and_reports_in_the_background() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .clock(clock.clone())
        .interaction_timing(Duration::from_secs(1), Duration::from_secs(2))
        .agent_run_time(Duration::from_secs(70))
        .start();
    let i = create(
        &emu,
        &json!({"agent": DEEP_RESEARCH_AGENT, "agent_config": {"type": "deep-research", "thinking_summaries": "auto"},
                "input": "History of the Rust language", "background": true}),
    )
    .await;
    assert_eq!(i["status"], "queued");
    assert_eq!(i["agent"], DEEP_RESEARCH_AGENT);
    assert!(i.get("model").is_none());
    assert_eq!(i["agent_config"]["type"], "deep-research");
    let path = format!("/v1beta/interactions/{}", i["id"].as_str().unwrap());
    // Seven steps over 70 s: one every 10 s after the 1 s in the queue.
    clock.advance(Duration::from_secs(21));
    let part = get(&emu, &path).await.json();
    assert_eq!(part["status"], "in_progress");
    assert_eq!(kinds(&part), ["thought", "google_search_call"]);
    clock.advance(Duration::from_secs(50));
    let done = get(&emu, &path).await.json();
    assert_eq!(done["status"], "completed");
    assert_eq!(
        kinds(&done),
        [
            "thought",
            "google_search_call",
            "google_search_result",
            "thought",
            "google_search_call",
            "google_search_result",
            "model_output"
        ]
    );
    assert!(output_text(&done).starts_with("# Research report: History of the Rust language"));
    assert_eq!(done["steps"][1]["id"], done["steps"][2]["call_id"]);
}

#[tokio::test]
async fn a_stream_follows_a_background_run_as_the_clock_moves() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .clock(clock.clone())
        .interaction_timing(Duration::from_secs(1), Duration::from_secs(2))
        .agent_run_time(Duration::from_secs(7))
        .start();
    let i = create(
        &emu,
        &json!({"agent": DEEP_RESEARCH_AGENT, "input": "Tide pools", "background": true}),
    )
    .await;
    let path = format!(
        "/v1beta/interactions/{}?stream=true",
        i["id"].as_str().unwrap()
    );
    let resp = open(&emu, "GET", &path, &[("x-goog-api-key", "k")], "").await;
    let mut body = resp.into_body();
    // Only the creation is due: then the stream waits.
    let first = next_frame(&mut body, TIMEOUT).await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("interaction.created"));
    assert_eq!(
        next_frame(&mut body, Duration::from_millis(100)).await,
        Err("timeout".into())
    );
    clock.advance(Duration::from_secs(60));
    let mut text = String::new();
    loop {
        match next_frame(&mut body, TIMEOUT).await {
            Ok(Some(b)) => text.push_str(&String::from_utf8_lossy(&b)),
            Ok(None) => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(text.contains("google_search_result"));
    assert!(text.trim_end().ends_with('}'));
    assert!(text.contains("\"event_type\":\"interaction.completed\""));
}

#[tokio::test]
async fn streams_dropped_twice_resume_without_gaps_or_duplicates() {
    let emu = Emulator::start();
    emu.script("interactions.stream")
        .reply(Reply::model().drop_after(3))
        .times(2);
    let body = json!({"model": MODEL, "input": "A long enough prompt to make several text deltas for the stream.", "stream": true});
    let (first, end) = read_events(&emu, "POST", "/v1beta/interactions", &body, TIMEOUT).await;
    assert!(end.unwrap_err().starts_with("broken"));
    assert_eq!(event_ids(&first), ["evt_1", "evt_2", "evt_3"]);
    let id = first[0]["interaction"]["id"].as_str().unwrap().to_owned();
    let mut all = first;
    let mut attempts = 0;
    let end = loop {
        attempts += 1;
        assert!(attempts <= 3, "too many resumes");
        let last = all.last().unwrap()["event_id"].as_str().unwrap().to_owned();
        let path = format!("/v1beta/interactions/{id}?stream=true&last_event_id={last}");
        let (more, end) = read_events(&emu, "GET", &path, &Value::Null, TIMEOUT).await;
        all.extend(more);
        if end.is_ok() {
            break end;
        }
    };
    end.unwrap();
    assert_eq!(attempts, 2);
    let want: Vec<String> = (1..=all.len()).map(|i| format!("evt_{i}")).collect();
    assert_eq!(event_ids(&all), want);
    assert_eq!(all.last().unwrap()["event_type"], "interaction.completed");
    // The whole stream, replayed on a fresh connection, is the same sequence.
    let (whole, end) = read_events(
        &emu,
        "GET",
        &format!("/v1beta/interactions/{id}?stream=true"),
        &Value::Null,
        TIMEOUT,
    )
    .await;
    end.unwrap();
    assert_eq!(whole, all);
}

#[tokio::test]
async fn a_stream_can_go_silent() {
    let emu = Emulator::start();
    emu.script("interactions.stream")
        .reply(Reply::model().stall_forever_after(2));
    let (events, end) = read_events(
        &emu,
        "POST",
        "/v1beta/interactions",
        &json!({"model": MODEL, "input": "Hello", "stream": true}),
        Duration::from_millis(300),
    )
    .await;
    assert_eq!(end, Err("timeout".into()));
    assert_eq!(event_ids(&events), ["evt_1", "evt_2"]);
    // Plain requests are not stream connections: the script does not touch them.
    emu.script("interactions.stream")
        .reply(Reply::model().drop_after(1));
    let i = create(&emu, &json!({"model": MODEL, "input": "Hello"})).await;
    assert_eq!(i["status"], "completed");
    let r = get(
        &emu,
        &format!("/v1beta/interactions/{}", i["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn an_error_event_ends_a_stream() {
    let emu = Emulator::start();
    emu.script("interactions.stream")
        .reply(Reply::model().error_after(1, 503));
    let (events, end) = read_events(
        &emu,
        "POST",
        "/v1beta/interactions",
        &json!({"model": MODEL, "input": "Hello", "stream": true}),
        TIMEOUT,
    )
    .await;
    end.unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[1]["event_type"], "error");
    assert_eq!(events[1]["error"]["code"], "internal");
}

/// The shape of each event: its type, and the kind of step or delta it carries.
fn shape(event: &Value) -> String {
    let kind = event["event_type"].as_str().unwrap_or("").to_owned();
    let detail = event["step"]["type"]
        .as_str()
        .or_else(|| event["delta"]["type"].as_str())
        .unwrap_or("");
    format!("{kind} {detail}")
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    k.sort();
    k
}

#[tokio::test]
async fn answers_have_the_shape_of_the_real_recordings() {
    let Some(real) = support::real_dir("interactions recordings") else {
        return;
    };
    let load = |path: &str| std::fs::read_to_string(real.join(path)).unwrap();
    let emu = Emulator::start();

    // A plain streamed turn of a thinking model, as recorded from gemini-2.5-flash.
    let recorded: Vec<Value> = load("streams/vercel-interactions-basic.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let (ours, end) = read_events(
        &emu,
        "POST",
        "/v1beta/interactions",
        &json!({"model": "gemini-2.5-flash", "input": "Hello, how are you?", "stream": true}),
        TIMEOUT,
    )
    .await;
    end.unwrap();
    let mut our_shapes: Vec<String> = ours.iter().map(shape).collect();
    our_shapes.dedup();
    let mut real_shapes: Vec<String> = recorded.iter().map(shape).collect();
    real_shapes.dedup();
    assert_eq!(our_shapes, real_shapes);
    for (o, r) in ours.iter().zip(&recorded) {
        if o["event_type"] == r["event_type"] {
            let mut ok = keys(o);
            ok.retain(|k| k != "event_id");
            assert_eq!(ok, keys(r), "{o}");
        }
    }
    let (last, real_last) = (ours.last().unwrap(), recorded.last().unwrap());
    assert_eq!(
        keys(&last["interaction"]["usage"]),
        keys(&real_last["interaction"]["usage"])
    );
    for k in keys(&real_last["interaction"]) {
        assert!(last["interaction"].get(&k).is_some(), "completed lacks {k}");
    }

    // A function call, as recorded (thought, then the call; requires_action).
    let recorded: Value =
        serde_json::from_str(&load("responses/vercel-interactions-tool-call-step1.json")).unwrap();
    let ours = create(
        &emu,
        &json!({"model": "gemini-2.5-flash", "input": "What is the weather? Call getWeather.",
                "tools": [{"type": "function", "name": "getWeather",
                           "parameters": {"type": "object", "properties": {"location": {"type": "string"}}}}]}),
    )
    .await;
    assert_eq!(ours["status"], recorded["status"]);
    assert_eq!(keys(&ours), {
        let mut k = keys(&recorded);
        k.sort();
        k
    });
    assert_eq!(keys(&ours["usage"]), keys(&recorded["usage"]));
    assert_eq!(kinds(&ours), kinds(&recorded));
    for (o, r) in ours["steps"]
        .as_array()
        .unwrap()
        .iter()
        .zip(recorded["steps"].as_array().unwrap())
    {
        assert_eq!(keys(o), keys(r));
    }
}

#[tokio::test]
async fn long_answers_continue_with_their_token() {
    let emu = Emulator::builder()
        .interaction_continuation_after(6)
        .start();
    let request = json!({"model": "gemini-2.0-flash",
                         "input": "Please repeat one two three four five six seven eight nine ten"});
    let full = "You said: Please repeat one two three four five six seven eight nine ten";
    let first = create(&emu, &request).await;
    assert_eq!(first["status"], "requires_continuation");
    assert!(first["usage"]["total_output_tokens"].as_u64().unwrap() <= 6);
    let mut text = output_text(&first);
    assert!(!text.is_empty() && text.len() < full.len(), "{text}");
    let mut token = first["continuation_token"].as_str().unwrap().to_owned();
    let mut hops = 0;
    let last = loop {
        hops += 1;
        assert!(hops <= 20, "never completed");
        let mut next = request.clone();
        next["continuation_token"] = json!(token);
        let i = create(&emu, &next).await;
        text.push_str(&output_text(&i));
        if i["status"] == "completed" {
            assert!(i.get("continuation_token").is_none());
            break i;
        }
        assert_eq!(i["status"], "requires_continuation");
        token = i["continuation_token"].as_str().unwrap().to_owned();
    };
    assert!(hops >= 2);
    assert_eq!(text, full);
    // The conversation holds the whole answer, once.
    let mut after = json!({"model": "gemini-2.0-flash", "input": "What did I say earlier?",
                           "previous_interaction_id": last["id"]});
    let mut recalled = String::new();
    for _ in 0..40 {
        let i = create(&emu, &after).await;
        recalled.push_str(&output_text(&i));
        match i["continuation_token"].as_str() {
            Some(t) => after["continuation_token"] = json!(t),
            None => break,
        }
    }
    assert_eq!(
        recalled,
        "You said: What did I say earlier? Earlier you said: \"Please repeat one two three four \
         five six seven eight nine ten\"."
    );
    let mut bad = request.clone();
    bad["continuation_token"] = json!("ct_nope");
    let r = post(&emu, "/v1beta/interactions", &bad).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json(),
        json!({"error": {"message": "Invalid input at 'continuation_token'.", "code": "invalid_request"}})
    );
    // Streamed, the final snapshot carries the token.
    let mut streamed = request.clone();
    streamed["stream"] = json!(true);
    let (events, end) = read_events(&emu, "POST", "/v1beta/interactions", &streamed, TIMEOUT).await;
    end.unwrap();
    let done = &events.last().unwrap()["interaction"];
    assert_eq!(done["status"], "requires_continuation");
    assert!(done["continuation_token"].is_string());
}
