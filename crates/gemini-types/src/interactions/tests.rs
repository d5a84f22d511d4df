use serde_json::json;

use super::*;
use crate::operations::testutil::{documents, real_files, round_trip, shared_spec};

#[test]
fn examples_round_trip() {
    if shared_spec("interactions::examples_round_trip").is_none() {
        return;
    }
    for doc in documents("examples/interactions_create_request.json") {
        let req: CreateInteractionRequest = round_trip("create request", &doc);
        assert!(matches!(req.input, Some(Input::Text(_))));
        assert!(matches!(req.tools[0], Tool::Function(_)));
        assert_eq!(
            req.generation_config.unwrap().thinking_level,
            Some(ThinkingLevel::Low)
        );
    }
    for doc in documents("examples/interactions_function_result_request.json") {
        let req: CreateInteractionRequest = round_trip("function result", &doc);
        let Some(Input::Steps(steps)) = &req.input else {
            panic!("expected steps")
        };
        assert!(matches!(steps[0], Step::FunctionResult(_)));
    }
    for doc in documents("examples/interactions_response_requires_action.json") {
        let i: Interaction = round_trip("requires_action", &doc);
        assert_eq!(i.status, Some(InteractionStatus::RequiresAction));
        assert_eq!(i.function_calls().count(), 1);
    }
    let events = documents("examples/interactions_stream.sse");
    for doc in &events {
        let e: Event = round_trip("sse event", doc);
        assert!(!e.is_unknown());
    }
}

#[test]
fn real_recordings_round_trip_old_and_new() {
    if shared_spec("interactions::real_recordings_round_trip_old_and_new").is_none() {
        return;
    }
    for file in real_files("interactions") {
        for (i, doc) in documents(&file).iter().enumerate() {
            let what = format!("{file}#{i}");
            if file.starts_with("real/streams/") {
                let e: Event = round_trip(&what, doc);
                assert!(!e.is_unknown(), "{what}: unknown event");
            } else if file.starts_with("real/errors/") {
                let e: ErrorResponse = round_trip(&what, doc);
                assert!(e.error.code.is_some());
            } else {
                let it: Interaction = round_trip(&what, doc);
                assert!(it.steps.iter().all(|s| !s.is_unknown()), "{what}");
            }
        }
    }
}

#[test]
fn old_shape_text_and_new_shape_text() {
    let old: Interaction = serde_json::from_value(json!({
        "id": "v1_old", "role": "model",
        "outputs": [{"type": "thought", "signature": "c2ln"}, {"type": "text", "text": "Hi"}]
    }))
    .unwrap();
    assert_eq!(old.text(), "Hi");
    let new: Interaction = serde_json::from_value(json!({
        "steps": [{"type": "thought", "signature": "c2ln"},
                  {"type": "model_output", "content": [{"type": "text", "text": "Hi"}, {"type": "text", "text": "!"}]}]
    }))
    .unwrap();
    assert_eq!(new.text(), "Hi!");
}

#[cfg(not(gemini_strict_unknown))]
#[test]
fn unknown_kinds_and_fields_are_kept() {
    let raw = json!({
        "id": "x", "status": "thinking_hard", "brand_new": {"a": 1},
        "steps": [
            {"type": "hologram_call", "id": "h1", "payload": [1, 2]},
            {"type": "model_output", "content": [{"type": "smell", "odor": "rose"}], "mood": "calm"}
        ],
        "tools": [{"type": "teleport", "range": 3}]
    });
    let it: Interaction = serde_json::from_value(raw.clone()).unwrap();
    assert!(it.steps[0].is_unknown());
    assert_eq!(it.steps[0].tag(), "hologram_call");
    assert!(it.status.as_ref().unwrap().is_unknown());
    assert_eq!(serde_json::to_value(&it).unwrap(), raw);
    let ev: Event = serde_json::from_value(json!({"event_type": "step.teleport", "x": 1})).unwrap();
    assert!(ev.is_unknown());
    assert_eq!(ev.tag(), "step.teleport");
}

#[test]
fn input_shapes() {
    let text: Input = serde_json::from_value(json!("hello")).unwrap();
    assert_eq!(text, Input::Text("hello".into()));
    let one: Input = serde_json::from_value(json!({"type": "text", "text": "a"})).unwrap();
    assert!(matches!(one, Input::Content(Content::Text(_))));
    let contents: Input = serde_json::from_value(json!([
        {"type": "text", "text": "a"},
        {"type": "image", "uri": "files/x", "mime_type": "image/png"}
    ]))
    .unwrap();
    assert!(matches!(contents, Input::Contents(ref c) if c.len() == 2));
    let steps: Input = serde_json::from_value(json!([
        {"type": "user_input", "content": [{"type": "text", "text": "a"}]},
        {"type": "model_output", "content": [{"type": "text", "text": "b"}]}
    ]))
    .unwrap();
    assert!(matches!(steps, Input::Steps(ref s) if s.len() == 2));
    assert!(serde_json::from_value::<Input>(json!(3)).is_err());
}

#[test]
fn bad_field_in_known_variant_names_the_variant() {
    let err = serde_json::from_value::<Step>(json!({"type": "function_call", "name": 7}))
        .unwrap_err()
        .to_string();
    assert!(err.contains("function_call"), "{err}");
}

#[test]
fn builder_and_helpers() {
    let req = CreateInteractionRequest::new("gemini-3-flash-preview")
        .with_input(vec![
            Content::text("look"),
            Content::image_bytes(b"png", "image/png"),
        ])
        .with_generation_config(
            GenerationConfig::default()
                .with_temperature(0.5)
                .with_thinking_level(ThinkingLevel::High)
                .with_tool_choice("any"),
        )
        .with_tool(Tool::google_search())
        .with_tool(Tool::file_search(["fileSearchStores/s"]))
        .with_service_tier(ServiceTier::Flex)
        .with_background(true)
        .with_store(false);
    let v = serde_json::to_value(&req).unwrap();
    assert_eq!(v["input"][1]["data"], "cG5n");
    assert_eq!(v["generation_config"]["thinking_level"], "high");
    assert_eq!(v["tools"][0], json!({"type": "google_search"}));
    assert_eq!(
        v["tools"][1]["file_search_store_names"][0],
        "fileSearchStores/s"
    );
    assert_eq!(v["service_tier"], "flex");
    let back: CreateInteractionRequest = serde_json::from_value(v).unwrap();
    assert_eq!(back, req);

    let Content::Image(m) = Content::image_bytes(b"png", "image/png") else {
        panic!()
    };
    assert_eq!(m.decoded_data().unwrap().unwrap(), b"png");

    let d: Event = serde_json::from_value(json!({
        "event_type": "step.delta", "index": 1,
        "delta": {"type": "arguments_delta", "arguments": "{\"ci"}
    }))
    .unwrap();
    let Event::StepDelta(d) = d else { panic!() };
    assert_eq!(d.delta.arguments_fragment(), Some("{\"ci"));
    let done: Event = serde_json::from_value(json!({
        "event_type": "interaction.completed",
        "interaction": {"id": "v1", "status": "completed"}
    }))
    .unwrap();
    assert!(done.is_terminal());
    assert!(done.interaction().unwrap().is_finished());
}

#[test]
fn lenient_integers_in_requests() {
    let c: GenerationConfig =
        serde_json::from_value(json!({"top_k": 40.0, "max_output_tokens": "1024", "seed": 7}))
            .unwrap();
    assert_eq!(
        (c.top_k, c.max_output_tokens, c.seed),
        (Some(40), Some(1024), Some(7))
    );
    assert_eq!(serde_json::to_value(&c).unwrap()["top_k"], 40);
    assert!(serde_json::from_value::<GenerationConfig>(json!({"top_k": 1.5})).is_err());
}

#[test]
fn agent_form() {
    let req = CreateInteractionRequest::agent("deep-research-pro-preview-12-2025")
        .with_agent_config(AgentConfig::new("deep-research"))
        .with_input("Research tides")
        .with_background(true);
    let v = serde_json::to_value(&req).unwrap();
    assert_eq!(
        v,
        json!({"agent": "deep-research-pro-preview-12-2025",
               "agent_config": {"type": "deep-research"},
               "input": "Research tides", "background": true})
    );
    let raw = json!({
        "agent": "a", "agent_config": {"type": "dynamic", "collaborative_planning": false, "new_knob": 1}
    });
    #[cfg(not(gemini_strict_unknown))]
    {
        let back: CreateInteractionRequest = serde_json::from_value(raw).unwrap();
        let cfg = back.agent_config.unwrap();
        assert_eq!(cfg.collaborative_planning, Some(false));
        assert_eq!(cfg.extra["new_knob"], 1);
    }
    #[cfg(gemini_strict_unknown)]
    {
        let err = serde_json::from_value::<CreateInteractionRequest>(raw).unwrap_err();
        assert!(err.to_string().contains("new_knob"), "{err}");
    }
}

#[test]
fn accumulate_real_streams() {
    if shared_spec("interactions::accumulate_real_streams").is_none() {
        return;
    }
    for file in real_files("interactions") {
        if !file.starts_with("real/streams/") {
            continue;
        }
        let events: Vec<Event> = documents(&file)
            .iter()
            .map(|d| serde_json::from_value(d.clone()).unwrap())
            .collect();
        let mut acc = InteractionAccumulator::new();
        let mut text = String::new();
        for e in &events {
            if let Some(t) = e.text_delta() {
                text.push_str(t);
            }
            acc.push(e);
        }
        assert!(acc.is_finished(), "{file}");
        assert!(acc.error().is_none(), "{file}");
        let last = events.iter().rev().find_map(Event::interaction).unwrap();
        assert_eq!(acc.interaction().status, last.status, "{file}");
        assert_eq!(acc.interaction().text(), text, "{file}");
        if file.contains("tool-call-step1") && !file.contains("2026-05-06") {
            let call = acc.interaction().function_calls().next().unwrap();
            assert_eq!(call.arguments, Some(json!({"location": "San Francisco"})));
            let Some(Step::Thought(t)) = acc.interaction().steps.first() else {
                panic!("{file}: expected a thought first")
            };
            assert!(t.signature.as_deref().is_some_and(|s| !s.is_empty()));
        }
    }
}

#[test]
fn accumulate_without_start_and_with_error() {
    let mut acc = InteractionAccumulator::new();
    for v in [
        json!({"event_type": "step.delta", "index": 1, "delta": {"type": "text", "text": "a"}}),
        json!({"event_type": "step.delta", "index": 1, "delta": {"type": "image", "data": "aGk=", "mime_type": "image/png"}}),
        json!({"event_type": "interaction.status_update", "status": "in_progress", "usage": {"total_tokens": 3}}),
        json!({"event_type": "error", "error": {"code": "internal", "message": "boom"}}),
    ] {
        acc.push(&serde_json::from_value(v).unwrap());
    }
    assert!(acc.is_finished());
    assert_eq!(acc.error().unwrap().code.as_deref(), Some("internal"));
    let it = acc.into_interaction();
    assert_eq!(it.steps.len(), 2);
    let Step::ModelOutput(s) = &it.steps[1] else {
        panic!()
    };
    assert_eq!(s.content.len(), 2);
    assert_eq!(it.usage.unwrap().total_tokens, Some(3));
}

#[test]
fn accumulator_ignores_absurd_indices() {
    let mut acc = InteractionAccumulator::new();
    for v in [
        json!({"event_type": "step.start", "index": 4_000_000_000_u32, "step": {"type": "model_output"}}),
        json!({"event_type": "step.delta", "index": 4_000_000_000_u32, "delta": {"type": "text", "text": "x"}}),
        json!({"event_type": "content.start", "index": 4_000_000_000_u32, "content": {"type": "text"}}),
        json!({"event_type": "content.delta", "index": 4_000_000_000_u32, "delta": {"type": "text", "text": "x"}}),
    ] {
        acc.push(&serde_json::from_value(v).unwrap());
    }
    assert!(acc.interaction().steps.is_empty());
    assert!(acc.interaction().outputs.is_empty());
}

/// Invented event, step, content and tool kinds: decoded as `Unknown`, kept verbatim, and
/// skipped by the fold without disturbing the known ones around them.
#[cfg(not(gemini_strict_unknown))]
#[test]
fn fold_skips_invented_kinds_and_keeps_them() {
    let tool: Tool =
        serde_json::from_value(json!({"type": "quantum_oracle", "qubits": 9})).unwrap();
    assert!(tool.is_unknown());
    assert_eq!(serde_json::to_value(&tool).unwrap()["qubits"], 9);
    let mut acc = InteractionAccumulator::new();
    let events = [
        json!({"event_type": "interaction.created", "event_id": "e1", "interaction": {"id": "v1_f", "status": "in_progress"}}),
        json!({"event_type": "step.start", "event_id": "e2", "index": 0, "step": {"type": "hologram_call", "id": "h"}}),
        json!({"event_type": "step.delta", "event_id": "e3", "index": 0, "delta": {"type": "hologram_frame", "frame": 1}}),
        json!({"event_type": "interaction.heartbeat", "event_id": "e4", "beat": 1}),
        json!({"event_type": "step.start", "event_id": "e5", "index": 1, "step": {"type": "model_output"}}),
        json!({"event_type": "step.delta", "event_id": "e6", "index": 1, "delta": {"type": "text", "text": "Hel"}}),
        json!({"event_type": "step.delta", "event_id": "e7", "index": 1, "delta": {"type": "smell", "odor": "rose"}}),
        json!({"event_type": "step.delta", "event_id": "e8", "index": 1, "delta": {"type": "text", "text": "lo"}}),
        json!({"event_type": "step.stop", "event_id": "e9", "index": 1}),
        json!({"event_type": "interaction.completed", "event_id": "e10", "interaction": {"id": "v1_f", "status": "completed", "usage": {"total_tokens": 5}}}),
    ];
    for (i, v) in events.iter().enumerate() {
        let e: Event = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(e.event_id(), Some(format!("e{}", i + 1).as_str()));
        acc.push(&e);
    }
    assert!(acc.is_finished());
    let it = acc.into_interaction();
    assert_eq!(it.output_text(), "Hello");
    assert_eq!(it.steps[0].tag(), "hologram_call");
    assert_eq!(it.usage().unwrap().total_tokens, Some(5));
}

/// Argument deltas are joined into the call's arguments; thought signatures and summaries are
/// kept; the older event names fold the same way.
#[test]
fn fold_arguments_thoughts_and_old_names() {
    let mut acc = InteractionAccumulator::new();
    for v in [
        json!({"event_type": "interaction.created", "interaction": {"id": "v1_t", "status": "in_progress"}}),
        json!({"event_type": "step.start", "index": 0, "step": {"type": "thought"}}),
        json!({"event_type": "step.delta", "index": 0, "delta": {"type": "thought_summary", "text": "Plan"}}),
        json!({"event_type": "step.delta", "index": 0, "delta": {"type": "thought_summary", "text": "ning"}}),
        json!({"event_type": "step.delta", "index": 0, "delta": {"type": "thought_signature", "signature": "c2ln"}}),
        json!({"event_type": "step.stop", "index": 0}),
        json!({"event_type": "step.start", "index": 1, "step": {"type": "function_call", "id": "c1", "name": "f"}}),
        json!({"event_type": "step.delta", "index": 1, "delta": {"type": "arguments_delta", "arguments": "{\"ci"}}),
        json!({"event_type": "step.delta", "index": 1, "delta": {"type": "arguments_delta", "arguments": "ty\": \"Paris\"}"}}),
        json!({"event_type": "step.stop", "index": 1}),
        json!({"event_type": "interaction.status_update", "status": "requires_action"}),
        json!({"event_type": "interaction.completed", "interaction": {"id": "v1_t", "status": "requires_action"}}),
    ] {
        acc.push(&serde_json::from_value(v).unwrap());
    }
    let it = acc.into_interaction();
    let Step::Thought(t) = &it.steps[0] else {
        panic!("a thought first")
    };
    assert_eq!(t.signature.as_deref(), Some("c2ln"));
    assert_eq!(t.summary[0].as_text(), Some("Planning"));
    let call = it.function_calls().next().unwrap();
    assert_eq!(call.arguments, Some(json!({"city": "Paris"})));
    assert_eq!(it.status, Some(InteractionStatus::RequiresAction));

    let mut old = InteractionAccumulator::new();
    for v in [
        json!({"event_type": "interaction.start", "interaction": {"id": "v1_o", "status": "in_progress"}}),
        json!({"event_type": "content.start", "index": 0, "content": {"type": "text"}}),
        json!({"event_type": "content.delta", "index": 0, "delta": {"type": "text", "text": "Bon"}}),
        json!({"event_type": "content.delta", "index": 0, "delta": {"type": "text", "text": "jour"}}),
        json!({"event_type": "content.stop", "index": 0}),
        json!({"event_type": "interaction.complete", "interaction": {"id": "v1_o", "status": "completed"}}),
    ] {
        old.push(&serde_json::from_value(v).unwrap());
    }
    assert!(old.is_finished());
    assert_eq!(old.interaction().output_text(), "Bonjour");
}

#[test]
fn conveniences_over_outputs() {
    #[derive(Debug, serde::Deserialize)]
    struct N {
        n: u32,
    }
    let it: Interaction = serde_json::from_value(json!({
        "id": "v1_m", "status": "completed",
        "steps": [
            {"type": "model_output", "content": [
                {"type": "text", "text": "```json\n{\"n\": 2}\n```"},
                {"type": "image", "data": "aGk=", "mime_type": "image/png"},
                {"type": "audio", "uri": "files/a", "mime_type": "audio/wav"}
            ]}
        ],
        "usage": {"total_tokens": 9}
    }))
    .unwrap();
    assert_eq!(it.parsed::<N>().unwrap().n, 2);
    let images: Vec<_> = it.images().collect();
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].decoded_data().unwrap().unwrap(), b"hi");
    assert_eq!(it.audio().next().unwrap().uri.as_deref(), Some("files/a"));
    assert_eq!(it.usage().unwrap().total_tokens, Some(9));
    let bad = it.clone();
    let err = Interaction {
        steps: vec![Step::ModelOutput(ContentStep {
            content: vec![Content::text("not json")],
            ..ContentStep::default()
        })],
        ..bad
    }
    .parsed::<N>()
    .unwrap_err();
    assert_eq!(err.raw_text(), "not json");
}

/// The tag need not come first: the entries before it are read again into the variant; an
/// object without a usable tag is kept whole.
#[cfg(not(gemini_strict_unknown))]
#[test]
fn tag_anywhere_in_the_object() {
    let s: Step = serde_json::from_str(
        r#"{"id": "c1", "arguments": {"city": "Paris"}, "type": "function_call", "name": "f", "new": 1}"#,
    )
    .unwrap();
    let Step::FunctionCall(c) = &s else {
        panic!("{s:?}")
    };
    assert_eq!(c.id.as_deref(), Some("c1"));
    assert_eq!(c.arguments, Some(json!({"city": "Paris"})));
    assert_eq!(c.extra["new"], 1);
    for raw in [json!({"a": 1}), json!({"a": 1, "type": 7, "b": [2]})] {
        let s: Step = serde_json::from_value(raw.clone()).unwrap();
        assert!(s.is_unknown());
        assert_eq!(serde_json::to_value(&s).unwrap(), raw);
    }
    let err = serde_json::from_str::<Step>(r#"{"name": 7, "type": "function_call"}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("function_call"), "{err}");
    assert!(serde_json::from_str::<Step>("[1]").is_err());
}

/// `Event::from_json_str` gives what `serde_json::from_str` gives, on every real event, with the
/// tag first, last, nested, escaped or absent.
#[test]
fn from_json_str_agrees_with_serde() {
    let mut texts: Vec<String> = vec![
        r#"{"index":0,"delta":{"text":"a","type":"text"},"event_type":"step.delta"}"#.into(),
        r#"{"event_type":"step.delta","index":0,"delta":{"text":"a","type":"text"}}"#.into(),
        r#"{"index":0,"step":{"type":"model_output","x":{"event_type":"step.delta"}},"event_type":"step.start"}"#.into(),
        r#"{"delta":{"event_type":"step.stop"},"event_type":"step.delta"}"#.into(),
        r#"{"x":{"event_type":"step.delta"},"index":1}"#.into(),
        r#"{"event_type":"step\u002edelta","index":0}"#.into(),
        r#"{"event_type": "step.stop", "index": 2}"#.into(),
        r#"{"event_type":"hologram.frame","n":1}"#.into(),
        r#"{"error":{"code":"internal","message":"m"},"event_type":"error"}"#.into(),
        r#"{"index":"zero","event_type":"step.stop"}"#.into(),
    ];
    if shared_spec("interactions::from_json_str_agrees_with_serde").is_some() {
        for file in real_files("interactions") {
            if file.starts_with("real/streams/") {
                texts.extend(documents(&file).iter().map(ToString::to_string));
            }
        }
    }
    for text in &texts {
        let general = serde_json::from_str::<Event>(text);
        let fast = Event::from_json_str(text);
        match (general, fast) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
            (Err(_), Err(_)) => {}
            (a, b) => panic!("{text}: {a:?} vs {b:?}"),
        }
    }
}
