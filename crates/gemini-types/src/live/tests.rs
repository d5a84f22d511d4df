use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::operations::testutil::{documents, normalize, real_files, round_trip, shared_spec};

/// Snake_case top-level keys (`client_content`) are re-encoded in camelCase; compare on that.
fn camel_keys(v: &Value) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    m.iter()
        .map(|(k, v)| {
            let mut out = String::new();
            let mut up = false;
            for c in k.chars() {
                if c == '_' {
                    up = true;
                } else if up {
                    out.extend(c.to_uppercase());
                    up = false;
                } else {
                    out.push(c);
                }
            }
            (out, v.clone())
        })
        .collect()
}

#[test]
fn examples_round_trip() {
    if shared_spec("live::examples_round_trip").is_none() {
        return;
    }
    for f in [
        "examples/live_setup.json",
        "examples/live_setup_resume.json",
    ] {
        for doc in documents(f) {
            let m: BidiGenerateContentClientMessage = round_trip(f, &doc);
            let BidiGenerateContentClientMessage::Setup(s) = m else {
                panic!("{f}: expected setup")
            };
            assert!(s.model.as_deref().unwrap().starts_with("models/"));
        }
    }
    for doc in documents("examples/live_client_messages.jsonl") {
        let m: BidiGenerateContentClientMessage = round_trip("client", &doc);
        assert!(!matches!(
            m,
            BidiGenerateContentClientMessage::Unknown { .. }
        ));
    }
    let server = documents("examples/live_server_messages.jsonl");
    let msgs: Vec<BidiGenerateContentServerMessage> =
        server.iter().map(|d| round_trip("server", d)).collect();
    assert!(msgs[0].is_setup_complete());
    assert_eq!(
        msgs[1].input_transcription(),
        Some("Turn on the lights please")
    );
    assert_eq!(msgs[2].tool_call().unwrap().function_calls.len(), 1);
    assert_eq!(msgs[3].audio_chunks().count(), 1);
    assert!(msgs[5].is_generation_complete());
    assert!(msgs[6].is_turn_complete());
    assert_eq!(
        msgs[6]
            .usage_metadata
            .as_ref()
            .unwrap()
            .response_token_count,
        Some(96)
    );
    assert!(msgs[7].is_interrupted());
    assert_eq!(msgs[8].tool_call_cancellation().unwrap().ids.len(), 1);
    assert!(
        msgs[9]
            .session_resumption_update()
            .unwrap()
            .usable_handle()
            .is_some()
    );
    assert_eq!(
        msgs[10].go_away().unwrap().time_left,
        Some(Duration::from_secs(50))
    );
}

#[test]
fn real_sessions_round_trip() {
    if shared_spec("live::real_sessions_round_trip").is_none() {
        return;
    }
    let mut frames = 0;
    let mut lost = Vec::new();
    for file in real_files("live") {
        for (i, doc) in documents(&file).iter().enumerate() {
            let what = format!("{file}#{i}");
            let msg = &doc["msg"];
            match doc["dir"].as_str() {
                Some("client") => {
                    let m: BidiGenerateContentClientMessage =
                        serde_json::from_value(msg.clone()).unwrap();
                    assert!(!matches!(
                        m,
                        BidiGenerateContentClientMessage::Unknown { .. }
                    ));
                    let back = serde_json::to_value(&m).unwrap();
                    if normalize(&back) != normalize(&camel_keys(msg)) {
                        lost.push(what);
                    }
                }
                Some("server") => {
                    let m: BidiGenerateContentServerMessage = round_trip(&what, msg);
                    assert!(m.extra.is_empty(), "{what}");
                }
                other => panic!("{what}: bad dir {other:?}"),
            }
            frames += 1;
        }
    }
    eprintln!("{frames} live frames checked");
    assert!(lost.is_empty(), "client frames that lost data: {lost:?}");
}

#[cfg(not(gemini_strict_unknown))]
#[test]
fn unknown_keys_are_kept() {
    let raw = json!({"hologram": {"x": 1}});
    let m: BidiGenerateContentServerMessage = serde_json::from_value(raw.clone()).unwrap();
    assert!(
        matches!(m.message_type, Some(ServerMessageType::Unknown { ref key, .. }) if key == "hologram")
    );
    assert_eq!(serde_json::to_value(&m).unwrap(), raw);

    let raw = json!({"serverContent": {"turnComplete": true}, "sparkle": [1]});
    let m: BidiGenerateContentServerMessage = serde_json::from_value(raw.clone()).unwrap();
    assert!(m.is_turn_complete());
    assert_eq!(m.extra["sparkle"], json!([1]));
    assert_eq!(serde_json::to_value(&m).unwrap(), raw);

    let raw = json!({"teleport": {"to": "mars"}});
    let c: BidiGenerateContentClientMessage = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(c.key(), "teleport");
    assert_eq!(serde_json::to_value(&c).unwrap(), raw);

    let usage_only: BidiGenerateContentServerMessage =
        serde_json::from_value(json!({"usageMetadata": {"totalTokenCount": 3}})).unwrap();
    assert!(usage_only.message_type.is_none());
}

#[test]
fn oneof_violations_are_errors() {
    assert!(
        serde_json::from_value::<BidiGenerateContentClientMessage>(json!({
            "setup": {"model": "models/x"}, "clientContent": {"turns": []}
        }))
        .is_err()
    );
    assert!(serde_json::from_value::<BidiGenerateContentClientMessage>(json!({})).is_err());
    // Two message keys: the first (in document order) is the message, the second kept raw.
    let two = r#"{"setupComplete": {}, "goAway": {"timeLeft": "1s"}}"#;
    let m: BidiGenerateContentServerMessage = serde_json::from_str(two).unwrap();
    assert!(m.is_setup_complete());
    assert_eq!(m.extra["goAway"], json!({"timeLeft": "1s"}));
    assert_eq!(
        serde_json::to_value(&m).unwrap(),
        serde_json::from_str::<Value>(two).unwrap()
    );
    let err = serde_json::from_value::<BidiGenerateContentServerMessage>(json!({
        "goAway": {"timeLeft": "soon"}
    }))
    .unwrap_err()
    .to_string();
    assert!(err.contains("soon"), "{err}");
}

#[test]
fn snake_case_client_frames_and_setup_fields() {
    let m: BidiGenerateContentClientMessage = serde_json::from_value(json!({
        "setup": {
            "model": "models/m",
            "generation_config": {"response_modalities": ["AUDIO"]},
            "realtime_input_config": {"automatic_activity_detection": {"disabled": true}},
            "context_window_compression": {"trigger_tokens": 1000, "sliding_window": {"target_tokens": "500"}},
            "session_resumption": {"handle": "h"},
            "proactivity": {"proactive_audio": true}
        }
    }))
    .unwrap();
    let BidiGenerateContentClientMessage::Setup(s) = &m else {
        panic!()
    };
    assert_eq!(
        s.context_window_compression,
        Some(ContextWindowCompressionConfig::sliding_window(1000, 500))
    );
    assert_eq!(
        s.realtime_input_config,
        Some(RealtimeInputConfig::manual_activity())
    );
    let v = serde_json::to_value(&m).unwrap();
    assert_eq!(
        v["setup"]["contextWindowCompression"]["triggerTokens"],
        "1000"
    );
    assert_eq!(
        v["setup"]["contextWindowCompression"]["slidingWindow"]["targetTokens"],
        "500"
    );
    assert_eq!(v["setup"]["sessionResumption"]["handle"], "h");

    let rt: BidiGenerateContentClientMessage = serde_json::from_value(json!({
        "realtime_input": {"audio_stream_end": true}
    }))
    .unwrap();
    assert_eq!(rt, BidiGenerateContentClientMessage::audio_stream_end());
}

#[test]
fn constructors() {
    let setup = BidiGenerateContentSetup::new("models/gemini-live")
        .with_affective_dialog(true)
        .with_proactive_audio(true)
        .with_session_resumption(Some("h1".into()));
    assert_eq!(setup.model.as_deref(), Some("models/gemini-live"));
    let v = serde_json::to_value(BidiGenerateContentClientMessage::from(setup)).unwrap();
    assert_eq!(
        v["setup"]["generationConfig"]["enableAffectiveDialog"],
        true
    );
    assert_eq!(v["setup"]["proactivity"]["proactiveAudio"], true);
    for (m, key) in [
        (
            BidiGenerateContentClientMessage::activity_start(),
            "activityStart",
        ),
        (
            BidiGenerateContentClientMessage::activity_end(),
            "activityEnd",
        ),
    ] {
        assert_eq!(
            serde_json::to_value(&m).unwrap()["realtimeInput"][key],
            json!({})
        );
    }
    let video = BidiGenerateContentClientMessage::realtime_video(vec![1u8, 2], "image/jpeg");
    assert_eq!(
        serde_json::to_value(&video).unwrap(),
        json!({"realtimeInput": {"video": {"mimeType": "image/jpeg", "data": "AQI="}}})
    );
    let text = BidiGenerateContentClientMessage::realtime_text("hi");
    assert_eq!(text.key(), "realtimeInput");

    let m: BidiGenerateContentServerMessage = serde_json::from_value(json!({
        "serverContent": {"modelTurn": {"parts": [
            {"text": "thinking...", "thought": true}, {"text": "Hello"}, {"text": " there"}
        ]}, "turnCompleteReason": "NEED_MORE_INPUT", "waitingForInput": true}
    }))
    .unwrap();
    assert_eq!(m.text().as_deref(), Some("Hello there"));
    assert_eq!(
        m.server_content().unwrap().turn_complete_reason,
        Some(TurnCompleteReason::NeedMoreInput)
    );
    let upd: BidiGenerateContentServerMessage = serde_json::from_value(json!({
        "sessionResumptionUpdate": {"newHandle": "h", "resumable": false, "lastConsumedClientMessageIndex": "12"}
    }))
    .unwrap();
    let u = upd.session_resumption_update().unwrap();
    assert_eq!(u.last_consumed_client_message_index, Some(12));
    assert_eq!(u.usable_handle(), None);
    let vad: BidiGenerateContentServerMessage = serde_json::from_value(json!({
        "voiceActivity": {"voiceActivityType": "ACTIVITY_START", "audioOffset": "1.2s"}
    }))
    .unwrap();
    let Some(ServerMessageType::VoiceActivity(a)) = &vad.message_type else {
        panic!()
    };
    assert_eq!(a.audio_offset, Some(Duration::from_millis(1200)));
}

#[test]
fn lenient_int32_in_setup() {
    let a: AutomaticActivityDetection =
        serde_json::from_value(json!({"silenceDurationMs": 500.0, "prefix_padding_ms": "20"}))
            .unwrap();
    assert_eq!(
        (a.silence_duration_ms, a.prefix_padding_ms),
        (Some(500), Some(20))
    );
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        json!({"silenceDurationMs": 500, "prefixPaddingMs": 20})
    );
}

#[test]
fn function_calls_accessor() {
    let m: BidiGenerateContentServerMessage = serde_json::from_value(json!({
        "toolCall": {"functionCalls": [{"id": "a", "name": "f", "args": {}}]}
    }))
    .unwrap();
    assert_eq!(m.function_calls().len(), 1);
    let other: BidiGenerateContentServerMessage =
        serde_json::from_value(json!({"setupComplete": {}})).unwrap();
    assert!(other.function_calls().is_empty());
}
