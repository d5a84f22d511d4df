//! Transcript tests of the sans-IO core with simulated time: every input is given, every output
//! checked, no socket and no clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use gemini_live::messages::BidiGenerateContentClientMessage as Msg;
use gemini_live::proto::{Action, Session, State};
use gemini_live::{LiveConfig, LiveError, LiveEvent, ResumptionPolicy};
use gemini_types::{FunctionResponse, Modality};
use serde_json::{Value, json};

/// The simulated clock's origin: the only reading of the real clock in these tests.
#[allow(clippy::disallowed_methods)]
fn epoch() -> Instant {
    Instant::now()
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn config() -> LiveConfig {
    LiveConfig::new("gemini-live-2.5-flash")
        .response_modalities([Modality::Text])
        .keepalive_interval(None)
        .idle_timeout(None)
}

fn resumable() -> LiveConfig {
    config().session_resumption(true)
}

fn actions(s: &mut Session) -> Vec<Action> {
    std::iter::from_fn(|| s.poll_action()).collect()
}

fn events(s: &mut Session) -> Vec<LiveEvent> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

/// The JSON of every `Send` action (other actions are returned as strings).
fn sent(s: &mut Session) -> Vec<Value> {
    actions(s)
        .into_iter()
        .map(|a| match a {
            Action::Send(b) => serde_json::from_slice(&b).unwrap(),
            other => json!(format!("{other:?}")),
        })
        .collect()
}

fn frame(s: &mut Session, now: Instant, v: &Value) {
    s.handle_frame(v.to_string().as_bytes(), now);
}

/// Connects and completes the setup; returns the setup frame.
fn establish(s: &mut Session, now: Instant) -> Value {
    assert_eq!(s.poll_action(), Some(Action::Connect));
    s.connected(now);
    let setup = sent(s).remove(0);
    frame(s, now, &json!({"setupComplete": {}}));
    assert_eq!(s.state(), State::Active);
    setup
}

fn update(s: &mut Session, now: Instant, handle: &str, index: Option<i64>) {
    let mut u = json!({"newHandle": handle, "resumable": true});
    if let Some(i) = index {
        u["lastConsumedClientMessageIndex"] = json!(i.to_string());
    }
    frame(s, now, &json!({"sessionResumptionUpdate": u}));
}

fn text_of(v: &Value) -> &str {
    v["clientContent"]["turns"][0]["parts"][0]["text"]
        .as_str()
        .unwrap_or("")
}

#[test]
fn setup_then_queued_messages_flow() {
    let t0 = epoch();
    let mut s = Session::new(config().system_instruction("Be brief."), t0).unwrap();
    assert_eq!(s.state(), State::AwaitingSetup);
    assert_eq!(s.poll_timeout(), Some(t0 + Duration::from_secs(15)));
    // Sent before the setup completes: queued.
    s.send(&Msg::text("early")).unwrap();
    assert_eq!(s.poll_action(), Some(Action::Connect));
    assert_eq!(s.poll_action(), None);
    s.connected(t0 + ms(20));
    let out = sent(&mut s);
    assert_eq!(out.len(), 1, "only the setup before setupComplete: {out:?}");
    assert_eq!(
        out[0],
        json!({"setup": {
            "model": "models/gemini-live-2.5-flash",
            "generationConfig": {"responseModalities": ["TEXT"]},
            "systemInstruction": {"parts": [{"text": "Be brief."}]}
        }})
    );
    // Anything else before setupComplete is still waiting.
    s.send(&Msg::realtime_text("also early")).unwrap();
    assert!(actions(&mut s).is_empty());
    frame(&mut s, t0 + ms(40), &json!({"setupComplete": {}}));
    assert_eq!(s.state(), State::Active);
    let out = sent(&mut s);
    assert_eq!(text_of(&out[0]), "early");
    assert_eq!(out[1], json!({"realtimeInput": {"text": "also early"}}));
    assert!(events(&mut s).is_empty());
    // Setup is the session's business.
    let err = s
        .send(&Msg::setup(
            gemini_types::live::BidiGenerateContentSetup::new("m"),
        ))
        .unwrap_err();
    assert!(matches!(err, LiveError::InvalidConfig(_)), "{err:?}");
}

#[test]
fn a_config_without_model_is_refused() {
    let cfg = LiveConfig::from_setup(gemini_types::live::BidiGenerateContentSetup::default());
    assert!(matches!(
        Session::new(cfg, epoch()),
        Err(LiveError::InvalidConfig(_))
    ));
}

#[test]
fn a_text_turn_in_several_chunks() {
    let t0 = epoch();
    let mut s = Session::new(config(), t0).unwrap();
    establish(&mut s, t0);
    s.send(&Msg::client_content(
        [gemini_types::Content::user("Hi")],
        true,
    ))
    .unwrap();
    assert_eq!(sent(&mut s)[0]["clientContent"]["turnComplete"], true);
    for chunk in ["Hel", "lo ", "there"] {
        frame(
            &mut s,
            t0,
            &json!({"serverContent": {"modelTurn": {"role": "model", "parts": [{"text": chunk}]}}}),
        );
    }
    frame(
        &mut s,
        t0,
        &json!({"serverContent": {"generationComplete": true}}),
    );
    frame(
        &mut s,
        t0,
        &json!({"serverContent": {"turnComplete": true},
                "usageMetadata": {"promptTokenCount": 3, "responseTokenCount": 5, "totalTokenCount": 8}}),
    );
    let ev = events(&mut s);
    let text: String = ev
        .iter()
        .filter_map(|e| match e {
            LiveEvent::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Hello there");
    assert_eq!(ev[3], LiveEvent::GenerationComplete);
    assert_eq!(ev[5], LiveEvent::TurnComplete { reason: None });
    let LiveEvent::Usage(u) = &ev[4] else {
        panic!("{ev:?}")
    };
    assert_eq!(u.response_token_count, Some(5));
    assert_eq!(ev.len(), 6);
}

#[test]
fn audio_transcriptions_interruptions_and_unknown_messages() {
    let t0 = epoch();
    let mut s = Session::new(config(), t0).unwrap();
    establish(&mut s, t0);
    s.send(&Msg::realtime_audio(vec![0u8, 0, 1, 0], 16_000))
        .unwrap();
    assert_eq!(
        sent(&mut s)[0],
        json!({"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": "AAABAA=="}}})
    );
    frame(
        &mut s,
        t0,
        &json!({"serverContent": {
            "modelTurn": {"parts": [
                {"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": "AP8A/w=="}},
                {"text": "thinking", "thought": true}
            ]},
            "inputTranscription": {"text": "hi", "finished": true},
            "outputTranscription": {"text": "hello"}
        }}),
    );
    frame(&mut s, t0, &json!({"serverContent": {"interrupted": true}}));
    frame(&mut s, t0, &json!({"hologram": {"depth": 3}}));
    let ev = events(&mut s);
    assert_eq!(
        ev[0],
        LiveEvent::Audio {
            data: bytes::Bytes::from_static(&[0, 0xff, 0, 0xff]),
            sample_rate: 24_000
        }
    );
    assert!(matches!(&ev[1], LiveEvent::ModelPart(p) if p.is_thought()));
    assert_eq!(
        ev[2],
        LiveEvent::InputTranscription {
            text: "hi".into(),
            finished: true
        }
    );
    assert_eq!(
        ev[3],
        LiveEvent::OutputTranscription {
            text: "hello".into(),
            finished: false
        }
    );
    assert_eq!(ev[4], LiveEvent::Interrupted);
    assert_eq!(
        ev[5],
        LiveEvent::Unknown {
            key: "hologram".into(),
            value: json!({"depth": 3})
        }
    );
}

#[test]
fn a_tool_call_round_trip_and_a_cancellation() {
    let t0 = epoch();
    let mut s = Session::new(config(), t0).unwrap();
    establish(&mut s, t0);
    s.send(&Msg::text("Weather in Paris?")).unwrap();
    sent(&mut s);
    frame(
        &mut s,
        t0,
        &json!({"toolCall": {"functionCalls": [{"id": "fc-1", "name": "get_weather", "args": {"city": "Paris"}}]}}),
    );
    let ev = events(&mut s);
    let LiveEvent::ToolCall(calls) = &ev[0] else {
        panic!("{ev:?}")
    };
    assert_eq!(calls[0].id.as_deref(), Some("fc-1"));
    assert_eq!(json!(calls[0].args), json!({"city": "Paris"}));
    s.send(&Msg::tool_response([FunctionResponse::for_call(
        &calls[0],
        json!({"celsius": 21}),
    )]))
    .unwrap();
    assert_eq!(
        sent(&mut s)[0],
        json!({"toolResponse": {"functionResponses": [
            {"id": "fc-1", "name": "get_weather", "response": {"celsius": 21}}
        ]}})
    );
    frame(
        &mut s,
        t0,
        &json!({"toolCallCancellation": {"ids": ["fc-2"]}}),
    );
    assert_eq!(
        events(&mut s),
        vec![LiveEvent::ToolCallCancellation(vec!["fc-2".into()])]
    );
}

#[test]
fn go_away_waits_for_the_turn_then_resumes_with_the_handle() {
    let t0 = epoch();
    let mut s = Session::new(resumable(), t0).unwrap();
    let setup = establish(&mut s, t0);
    assert_eq!(setup["setup"]["sessionResumption"], json!({}));
    s.send(&Msg::text("one")).unwrap(); // index 1 (setup is 0 on each connection)
    sent(&mut s);
    frame(
        &mut s,
        t0,
        &json!({"serverContent": {"modelTurn": {"parts": [{"text": "1"}]}, "turnComplete": true}}),
    );
    update(&mut s, t0, "h1", Some(1));
    s.send(&Msg::text("two")).unwrap(); // index 2
    sent(&mut s);
    frame(
        &mut s,
        t0,
        &json!({"serverContent": {"modelTurn": {"parts": [{"text": "2a"}]}}}),
    );
    events(&mut s);
    // goAway mid-turn: the turn goes on on this connection.
    frame(&mut s, t0 + ms(10), &json!({"goAway": {"timeLeft": "30s"}}));
    assert_eq!(
        events(&mut s),
        vec![LiveEvent::GoAway {
            time_left: Some(Duration::from_secs(30))
        }]
    );
    assert!(actions(&mut s).is_empty());
    assert_eq!(s.state(), State::Active);
    assert_eq!(
        s.poll_timeout(),
        Some(t0 + ms(10) + Duration::from_secs(29))
    );
    frame(
        &mut s,
        t0 + ms(20),
        &json!({"serverContent": {"modelTurn": {"parts": [{"text": "2b"}]}, "turnComplete": true}}),
    );
    // The turn is over; the update that includes it is awaited (2 s grace).
    assert!(actions(&mut s).is_empty());
    assert_eq!(s.poll_timeout(), Some(t0 + ms(20) + Duration::from_secs(2)));
    // A new turn does not start on the old connection: it waits for the new one.
    s.send(&Msg::text("three")).unwrap();
    assert!(actions(&mut s).is_empty());
    update(&mut s, t0 + ms(30), "h2", Some(2));
    // Now: leave the old connection, reconnect at once with the newest handle.
    assert_eq!(
        actions(&mut s),
        vec![
            Action::Disconnect {
                code: 1000,
                reason: "resuming after goAway".into()
            },
            Action::Connect
        ]
    );
    assert_eq!(s.state(), State::Resuming);
    let ev = events(&mut s);
    assert!(
        matches!(ev.last(), Some(LiveEvent::Reconnecting { attempt: 1, reason }) if reason == "goAway"),
        "{ev:?}"
    );
    // Sent while reconnecting: queued.
    s.send(&Msg::text("four")).unwrap();
    s.connected(t0 + ms(40));
    let out = sent(&mut s);
    assert_eq!(
        out,
        vec![json!({"setup": {
            "model": "models/gemini-live-2.5-flash",
            "generationConfig": {"responseModalities": ["TEXT"]},
            "sessionResumption": {"handle": "h2"}
        }})]
    );
    frame(&mut s, t0 + ms(50), &json!({"setupComplete": {}}));
    assert_eq!(s.state(), State::Active);
    // Everything sent was consumed (index 2): nothing is sent again; the queue follows.
    let out = sent(&mut s);
    assert_eq!(
        out.iter().map(text_of).collect::<Vec<_>>(),
        ["three", "four"]
    );
    assert_eq!(
        events(&mut s),
        vec![LiveEvent::Resumed {
            attempts: 1,
            resent: 0,
            lost: 0
        }]
    );
    assert_eq!(s.resumption_handle(), Some("h2"));
}

#[test]
fn go_away_without_update_resumes_at_the_deadline() {
    let t0 = epoch();
    let mut s = Session::new(resumable(), t0).unwrap();
    establish(&mut s, t0);
    update(&mut s, t0, "h1", None);
    s.send(&Msg::text("one")).unwrap();
    sent(&mut s);
    frame(&mut s, t0, &json!({"goAway": {"timeLeft": "5s"}}));
    // Generating: waits; the deadline is timeLeft minus a second.
    assert!(actions(&mut s).is_empty());
    assert_eq!(s.poll_timeout(), Some(t0 + Duration::from_secs(4)));
    s.handle_timeout(t0 + Duration::from_secs(4));
    assert_eq!(
        actions(&mut s),
        vec![
            Action::Disconnect {
                code: 1000,
                reason: "resuming after goAway".into()
            },
            Action::Connect
        ]
    );
    s.connected(t0 + Duration::from_secs(4));
    assert_eq!(
        sent(&mut s)[0]["setup"]["sessionResumption"]["handle"],
        "h1"
    );
    frame(
        &mut s,
        t0 + Duration::from_secs(4),
        &json!({"setupComplete": {}}),
    );
    // Sent after the last update: sent again.
    assert_eq!(text_of(&sent(&mut s)[0]), "one");
}

#[test]
fn a_drop_then_resume_with_backoff() {
    let t0 = epoch();
    let policy = ResumptionPolicy {
        initial_backoff: ms(100),
        ..ResumptionPolicy::default()
    };
    let mut s = Session::new(resumable().resumption_policy(policy), t0).unwrap();
    establish(&mut s, t0);
    s.send(&Msg::text("a")).unwrap(); // 1
    s.send(&Msg::text("b")).unwrap(); // 2
    sent(&mut s);
    update(&mut s, t0, "h1", Some(1));
    events(&mut s);
    // Abrupt drop: no close frame.
    s.handle_close(t0 + ms(5), None, "");
    assert_eq!(s.state(), State::Resuming);
    assert_eq!(actions(&mut s), vec![Action::Connect]);
    let ev = events(&mut s);
    assert!(
        matches!(&ev[0], LiveEvent::Reconnecting { attempt: 1, reason } if reason.contains("1006")),
        "{ev:?}"
    );
    s.send(&Msg::text("c")).unwrap(); // queued
    // First attempt fails: the second waits for the backoff.
    s.connect_failed(t0 + ms(6), "connection refused");
    assert!(actions(&mut s).is_empty());
    assert_eq!(s.poll_timeout(), Some(t0 + ms(106)));
    s.handle_timeout(t0 + ms(50));
    assert!(actions(&mut s).is_empty());
    s.handle_timeout(t0 + ms(106));
    assert_eq!(actions(&mut s), vec![Action::Connect]);
    // Second attempt: a 1011 during the setup; third after 200 ms.
    s.connected(t0 + ms(110));
    sent(&mut s);
    s.handle_close(t0 + ms(120), Some(1011), "internal error");
    assert_eq!(s.poll_timeout(), Some(t0 + ms(320)));
    s.handle_timeout(t0 + ms(320));
    assert_eq!(actions(&mut s), vec![Action::Connect]);
    s.connected(t0 + ms(330));
    assert_eq!(
        sent(&mut s)[0]["setup"]["sessionResumption"]["handle"],
        "h1"
    );
    frame(&mut s, t0 + ms(340), &json!({"setupComplete": {}}));
    let out = sent(&mut s);
    assert_eq!(out.iter().map(text_of).collect::<Vec<_>>(), ["b", "c"]);
    let ev = events(&mut s);
    let reconnecting = ev
        .iter()
        .filter(|e| matches!(e, LiveEvent::Reconnecting { .. }))
        .count();
    assert_eq!(reconnecting, 2, "{ev:?}");
    assert_eq!(
        ev.last(),
        Some(&LiveEvent::Resumed {
            attempts: 3,
            resent: 1,
            lost: 0
        })
    );
}

#[test]
fn a_rejected_resume_is_a_typed_error() {
    let t0 = epoch();
    let mut s = Session::new(resumable(), t0).unwrap();
    establish(&mut s, t0);
    update(&mut s, t0, "stale", None);
    s.handle_close(t0, Some(1011), "overloaded");
    assert_eq!(actions(&mut s), vec![Action::Connect]);
    s.connected(t0);
    sent(&mut s);
    s.handle_close(t0 + ms(5), Some(1008), "invalid session handle");
    assert_eq!(s.state(), State::Closed);
    let ev = events(&mut s);
    assert_eq!(
        ev.last(),
        Some(&LiveEvent::Closed(Err(LiveError::ResumeRejected {
            code: 1008,
            reason: "invalid session handle".into()
        })))
    );
    assert_eq!(s.send(&Msg::text("x")), Err(LiveError::SessionClosed));
    assert_eq!(s.poll_timeout(), None);
}

#[test]
fn a_spent_budget_is_a_typed_error() {
    let t0 = epoch();
    let policy = ResumptionPolicy {
        max_attempts: 2,
        initial_backoff: ms(10),
        ..ResumptionPolicy::default()
    };
    let mut s = Session::new(resumable().resumption_policy(policy), t0).unwrap();
    establish(&mut s, t0);
    update(&mut s, t0, "h", None);
    s.handle_close(t0, Some(1006), "");
    s.connect_failed(t0, "refused");
    s.handle_timeout(t0 + ms(10));
    s.connect_failed(t0 + ms(10), "refused again");
    assert_eq!(s.state(), State::Closed);
    assert_eq!(
        events(&mut s).last(),
        Some(&LiveEvent::Closed(Err(LiveError::ResumeBudgetSpent {
            attempts: 2,
            last_error: "refused again".into()
        })))
    );
}

#[test]
fn a_drop_without_resumption_or_handle_ends_the_session() {
    let t0 = epoch();
    let mut s = Session::new(config(), t0).unwrap();
    establish(&mut s, t0);
    s.handle_close(t0, Some(1011), "internal");
    assert!(matches!(
        events(&mut s).last(),
        Some(LiveEvent::Closed(Err(LiveError::ConnectionLost {
            code: 1011,
            ..
        })))
    ));
    // Resumption on but no handle yet.
    let mut s = Session::new(resumable(), t0).unwrap();
    establish(&mut s, t0);
    s.handle_close(t0, None, "");
    assert!(matches!(
        events(&mut s).last(),
        Some(LiveEvent::Closed(Err(LiveError::ConnectionLost {
            code: 1006,
            ..
        })))
    ));
    // A policy close is not resumed.
    let mut s = Session::new(resumable(), t0).unwrap();
    establish(&mut s, t0);
    update(&mut s, t0, "h", None);
    s.handle_close(t0, Some(1008), "quota");
    assert!(matches!(
        events(&mut s).last(),
        Some(LiveEvent::Closed(Err(LiveError::ClosedByServer {
            code: 1008,
            ..
        })))
    ));
}

#[test]
fn setup_timeout_and_rejected_setup() {
    let t0 = epoch();
    let mut s = Session::new(config().setup_timeout(Duration::from_secs(3)), t0).unwrap();
    assert_eq!(s.poll_action(), Some(Action::Connect));
    s.connected(t0 + ms(100));
    sent(&mut s);
    s.handle_timeout(t0 + Duration::from_secs(2));
    assert_eq!(s.state(), State::AwaitingSetup);
    s.handle_timeout(t0 + Duration::from_secs(3));
    assert_eq!(s.state(), State::Closed);
    assert_eq!(
        actions(&mut s),
        vec![Action::Disconnect {
            code: 1000,
            reason: String::new()
        }]
    );
    assert_eq!(
        events(&mut s),
        vec![LiveEvent::Closed(Err(LiveError::SetupTimeout(
            Duration::from_secs(3)
        )))]
    );

    let mut s = Session::new(config(), t0).unwrap();
    s.poll_action();
    s.connected(t0);
    s.handle_close(t0, Some(1007), "Unknown name \"bogus\" at 'setup'");
    assert!(matches!(
        events(&mut s).last(),
        Some(LiveEvent::Closed(Err(LiveError::Rejected { code: 1007, reason }))) if reason.contains("bogus")
    ));
}

#[test]
fn keepalive_pings_and_the_idle_timeout() {
    let t0 = epoch();
    let cfg = resumable()
        .keepalive_interval(Some(Duration::from_secs(10)))
        .idle_timeout(Some(Duration::from_secs(25)));
    let mut s = Session::new(cfg, t0).unwrap();
    establish(&mut s, t0);
    update(&mut s, t0, "h", None);
    s.handle_timeout(t0 + Duration::from_secs(10));
    assert_eq!(actions(&mut s), vec![Action::Ping]);
    s.handle_pong(t0 + Duration::from_secs(10));
    s.handle_timeout(t0 + Duration::from_secs(20));
    assert_eq!(actions(&mut s), vec![Action::Ping]);
    // No pong: at 35 s the connection counts as dead and the session resumes.
    s.handle_timeout(t0 + Duration::from_secs(35));
    assert_eq!(
        actions(&mut s),
        vec![
            Action::Disconnect {
                code: 1001,
                reason: "keepalive timeout".into()
            },
            Action::Connect
        ]
    );
    assert_eq!(s.state(), State::Resuming);
}

#[test]
fn invalid_frames_are_protocol_errors() {
    let t0 = epoch();
    let mut s = Session::new(config(), t0).unwrap();
    establish(&mut s, t0);
    s.handle_frame(b"\xff\xfe not json", t0);
    assert_eq!(s.state(), State::Closed);
    assert_eq!(
        actions(&mut s),
        vec![Action::Disconnect {
            code: 1007,
            reason: String::new()
        }]
    );
    assert!(matches!(
        events(&mut s).last(),
        Some(LiveEvent::Closed(Err(LiveError::Protocol(_))))
    ));
}

#[test]
fn close_is_clean() {
    let t0 = epoch();
    let mut s = Session::new(config(), t0).unwrap();
    establish(&mut s, t0);
    s.close(t0);
    assert_eq!(s.state(), State::Closing);
    assert_eq!(
        actions(&mut s),
        vec![Action::Close {
            code: 1000,
            reason: String::new()
        }]
    );
    assert_eq!(s.send(&Msg::text("late")), Err(LiveError::SessionClosed));
    s.handle_close(t0, Some(1000), "");
    assert_eq!(events(&mut s), vec![LiveEvent::Closed(Ok(()))]);
    // Without the server's answer, the close timeout ends it.
    let mut s = Session::new(config(), t0).unwrap();
    establish(&mut s, t0);
    s.close(t0);
    actions(&mut s);
    s.handle_timeout(t0 + Duration::from_secs(5));
    assert_eq!(s.state(), State::Closed);
    assert_eq!(events(&mut s), vec![LiveEvent::Closed(Ok(()))]);
}

#[test]
fn the_queue_and_the_replay_buffer_are_bounded() {
    let t0 = epoch();
    let mut s = Session::new(resumable().max_queued_messages(2).max_replay_bytes(300), t0).unwrap();
    s.send(&Msg::text("1")).unwrap();
    s.send(&Msg::text("2")).unwrap();
    assert_eq!(
        s.send(&Msg::text("3")),
        Err(LiveError::QueueFull { capacity: 2 })
    );
    establish(&mut s, t0);
    update(&mut s, t0, "h", Some(0));
    for i in 0..10 {
        s.send(&Msg::text(format!("m{i}"))).unwrap();
    }
    s.handle_close(t0, Some(1011), "");
    actions(&mut s);
    s.connected(t0);
    frame(&mut s, t0, &json!({"setupComplete": {}}));
    let out = sent(&mut s);
    let ev = events(&mut s);
    let Some(LiveEvent::Resumed { resent, lost, .. }) = ev.last() else {
        panic!("{ev:?}")
    };
    assert_eq!(*resent + *lost, 12, "{ev:?}");
    assert!(*lost > 0);
    assert_eq!(out.len() - 1, *resent); // the setup, then the resent messages
}

#[test]
fn a_turn_seen_complete_is_not_shown_twice_after_a_resume() {
    let t0 = epoch();
    let mut s = Session::new(resumable(), t0).unwrap();
    establish(&mut s, t0);
    s.send(&Msg::text("one")).unwrap(); // 1
    frame(
        &mut s,
        t0,
        &json!({"serverContent": {"modelTurn": {"parts": [{"text": "1"}]}, "turnComplete": true}}),
    );
    update(&mut s, t0, "h1", Some(1));
    s.send(&Msg::text("two")).unwrap(); // 2: answered, but the drop comes before its update
    frame(
        &mut s,
        t0,
        &json!({"serverContent": {"modelTurn": {"parts": [{"text": "2"}]}, "turnComplete": true}}),
    );
    s.send(&Msg::text("three")).unwrap(); // 3: not answered
    frame(
        &mut s,
        t0,
        &json!({"serverContent": {"modelTurn": {"parts": [{"text": "3-partial"}]}}}),
    );
    s.handle_close(t0, Some(1011), "");
    actions(&mut s);
    events(&mut s);
    s.connected(t0);
    frame(&mut s, t0, &json!({"setupComplete": {}}));
    // Both are sent again (the server's state lacks them), with this connection's indexes.
    let out = sent(&mut s);
    assert_eq!(
        out.iter().map(text_of).collect::<Vec<_>>(),
        ["", "two", "three"]
    );
    assert_eq!(
        events(&mut s),
        vec![LiveEvent::Resumed {
            attempts: 1,
            resent: 2,
            lost: 0
        }]
    );
    // The server answers "two" again: not shown; then "three", shown whole.
    frame(
        &mut s,
        t0,
        &json!({"serverContent": {"modelTurn": {"parts": [{"text": "2 again"}]}}}),
    );
    frame(
        &mut s,
        t0,
        &json!({"serverContent": {"turnComplete": true}, "usageMetadata": {"totalTokenCount": 1}}),
    );
    assert!(events(&mut s).is_empty());
    frame(
        &mut s,
        t0,
        &json!({"serverContent": {"modelTurn": {"parts": [{"text": "3"}]}, "turnComplete": true}}),
    );
    assert_eq!(
        events(&mut s),
        vec![
            LiveEvent::Text("3".into()),
            LiveEvent::TurnComplete { reason: None }
        ]
    );
    // The new connection's indexes: setup 0, "two" 1, "three" 2.
    update(&mut s, t0, "h2", Some(2));
    s.handle_close(t0, None, "");
    actions(&mut s);
    s.connected(t0);
    frame(&mut s, t0, &json!({"setupComplete": {}}));
    assert_eq!(
        sent(&mut s).len(),
        1,
        "only the setup: nothing left to send again"
    );
}
