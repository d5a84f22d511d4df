//! The Live WebSocket endpoint over real loopback sockets, with a bare tokio-tungstenite client.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use futures_util::{SinkExt as _, StreamExt as _};
use gemini_emulator::{Emulator, LiveFault, ManualClock};
use serde_json::{Value, json};
use support::{TIMEOUT, get, post, send};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

const TEXT_MODEL: &str = "models/gemini-live-2.5-flash-preview";
const AUDIO_MODEL: &str = "models/gemini-2.5-flash-native-audio-preview-09-2025";

/// What the client saw next.
#[derive(Debug)]
enum Event {
    Msg(Value),
    /// A close frame: code and reason.
    Closed(u16, String),
    /// The connection ended without a close frame.
    Dropped,
}

struct Client<S> {
    ws: WebSocketStream<S>,
}

fn path(version: &str, method: &str) -> String {
    format!("/ws/google.ai.generativelanguage.{version}.GenerativeService.{method}")
}

async fn connect_raw(
    emu: &Emulator,
    path_and_query: &str,
    headers: &[(&str, &str)],
) -> Client<tokio::net::TcpStream> {
    let tcp = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let mut req = format!("ws://{}{path_and_query}", emu.addr())
        .into_client_request()
        .unwrap();
    for (k, v) in headers {
        req.headers_mut().insert(
            http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            http::HeaderValue::from_str(v).unwrap(),
        );
    }
    let (ws, resp) = tokio::time::timeout(TIMEOUT, tokio_tungstenite::client_async(req, tcp))
        .await
        .expect("handshake timed out")
        .expect("handshake");
    assert_eq!(resp.status(), 101);
    Client { ws }
}

async fn connect(emu: &Emulator) -> Client<tokio::net::TcpStream> {
    connect_raw(
        emu,
        &path("v1beta", "BidiGenerateContent"),
        &[("x-goog-api-key", "test-key")],
    )
    .await
}

impl<S: AsyncRead + AsyncWrite + Unpin> Client<S> {
    async fn send(&mut self, msg: &Value) {
        self.ws
            .send(Message::Text(msg.to_string().into()))
            .await
            .unwrap();
    }

    async fn next(&mut self) -> Event {
        loop {
            let got = tokio::time::timeout(TIMEOUT, self.ws.next())
                .await
                .expect("no server message in time");
            return match got {
                Some(Ok(Message::Binary(b))) => Event::Msg(serde_json::from_slice(&b).unwrap()),
                Some(Ok(Message::Text(t))) => Event::Msg(serde_json::from_str(&t).unwrap()),
                Some(Ok(Message::Close(Some(f)))) => {
                    Event::Closed(f.code.into(), f.reason.to_string())
                }
                Some(Ok(Message::Close(None))) => Event::Closed(1005, String::new()),
                Some(Ok(_)) => continue,
                None | Some(Err(_)) => Event::Dropped,
            };
        }
    }

    async fn msg(&mut self) -> Value {
        match self.next().await {
            Event::Msg(v) => {
                typed(&v);
                v
            }
            other => panic!("expected a message, got {other:?}"),
        }
    }

    async fn closed(&mut self) -> (u16, String) {
        loop {
            match self.next().await {
                Event::Msg(_) => {}
                Event::Closed(code, reason) => return (code, reason),
                Event::Dropped => panic!("dropped without a close frame"),
            }
        }
    }

    async fn setup(&mut self, setup: Value) {
        self.send(&json!({"setup": setup})).await;
        assert_eq!(self.msg().await, json!({"setupComplete": {}}));
    }

    /// Messages up to and including `turnComplete` (and a resumption update right after it,
    /// when `resumption`).
    async fn turn(&mut self, resumption: bool) -> Vec<Value> {
        let mut out = Vec::new();
        loop {
            let m = self.msg().await;
            let done = m.pointer("/serverContent/turnComplete") == Some(&json!(true));
            out.push(m);
            if done {
                break;
            }
            assert!(out.len() < 10_000, "a turn without an end");
        }
        if resumption {
            out.push(self.msg().await);
        }
        out
    }
}

/// Checks a server message against the SDK's wire types: a known kind, nothing unknown, and
/// the same JSON after a round trip.
fn typed(m: &Value) {
    let parsed: gemini_types::BidiGenerateContentServerMessage =
        serde_json::from_value(m.clone()).unwrap_or_else(|e| panic!("{e}: {m}"));
    assert!(
        !matches!(
            parsed.message_type,
            Some(gemini_types::ServerMessageType::Unknown { .. }) | None
        ),
        "{m}"
    );
    assert!(parsed.extra.is_empty(), "{m}");
    assert_eq!(&serde_json::to_value(&parsed).unwrap(), m);
}

fn text_of(msgs: &[Value]) -> String {
    msgs.iter()
        .filter_map(|m| m.pointer("/serverContent/modelTurn/parts/0/text"))
        .filter_map(Value::as_str)
        .collect()
}

fn user(text: &str) -> Value {
    json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": text}]}], "turnComplete": true}})
}

#[tokio::test]
async fn a_text_session_streams_each_turn_in_several_messages() {
    let emu = Emulator::start();
    let mut c = connect(&emu).await;
    c.setup(json!({"model": TEXT_MODEL, "generationConfig": {"responseModalities": ["TEXT"]}}))
        .await;
    c.send(&user("Hello there, Live emulator")).await;
    let turn = c.turn(false).await;
    assert!(turn.len() >= 4, "{turn:?}");
    assert_eq!(
        text_of(&turn),
        "You said: Hello there, Live emulator (turn 1)"
    );
    let n = turn.len();
    assert_eq!(
        turn[n - 2],
        json!({"serverContent": {"generationComplete": true}})
    );
    let usage = &turn[n - 1]["usageMetadata"];
    let prompt = usage["promptTokenCount"].as_u64().unwrap();
    let response = usage["responseTokenCount"].as_u64().unwrap();
    assert!(prompt > 0 && response > 0);
    assert_eq!(
        usage["totalTokenCount"].as_u64().unwrap(),
        prompt + response
    );
    assert_eq!(usage["responseTokensDetails"][0]["modality"], "TEXT");
    // The history counts: the second turn's prompt is bigger, its number is 2.
    c.send(&json!({"client_content": {"turns": [{"role": "user", "parts": [{"text": "again"}]}], "turn_complete": true}}))
        .await;
    let turn2 = c.turn(false).await;
    assert_eq!(text_of(&turn2), "You said: again (turn 2)");
    let prompt2 = turn2.last().unwrap()["usageMetadata"]["promptTokenCount"]
        .as_u64()
        .unwrap();
    assert!(prompt2 > prompt + response, "{prompt2}");
    // Context without a reply, then a reply about it.
    c.send(&json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": "note"}]}], "turnComplete": false}}))
        .await;
    c.send(&json!({"realtimeInput": {"text": "typed"}})).await;
    assert_eq!(text_of(&c.turn(false).await), "You said: typed (turn 3)");
    assert_eq!(emu.count("live.connect"), 1);
    assert_eq!(
        emu.requests_for("live.connect")[0].api_key(),
        Some("test-key")
    );
    // A close the client starts is answered with a close frame.
    c.ws.close(None).await.unwrap();
    let end = c.next().await;
    assert!(matches!(end, Event::Closed(..)), "{end:?}");
}

#[tokio::test]
async fn a_system_instruction_and_the_key_in_the_query() {
    let emu = Emulator::start();
    let mut c = connect_raw(
        &emu,
        &format!("{}?key=query-key", path("v1alpha", "BidiGenerateContent")),
        &[],
    )
    .await;
    c.setup(json!({"model": TEXT_MODEL, "systemInstruction": {"parts": [{"text": "Be brief."}]}}))
        .await;
    c.send(&user("hi")).await;
    assert_eq!(
        text_of(&c.turn(false).await),
        "[Be brief.] You said: hi (turn 1)"
    );
    assert_eq!(
        emu.requests_for("live.connect")[0].query(),
        Some("key=REDACTED")
    );
}

#[tokio::test]
async fn setup_errors_close_with_the_real_codes() {
    let emu = Emulator::builder().api_key("right").start();
    let connect_with = |key: &'static str| {
        let emu = &emu;
        async move {
            connect_raw(
                emu,
                &path("v1beta", "BidiGenerateContent"),
                &[("x-goog-api-key", key)],
            )
            .await
        }
    };
    // An unknown field.
    let mut c = connect_with("right").await;
    c.send(&json!({"setup": {"model": TEXT_MODEL, "generationConfig": {"inputAudioTranscription": {}}}}))
        .await;
    assert_eq!(
        c.closed().await,
        (
            1007,
            "Invalid JSON payload received. Unknown name \"inputAudioTranscription\" at \
             'setup.generation_config': Cannot find field."
                .to_owned()
        )
    );
    let mut c = connect_with("right").await;
    c.send(&json!({"setup": {"model": TEXT_MODEL, "bogus": 1}}))
        .await;
    let (code, reason) = c.closed().await;
    assert_eq!(code, 1007);
    assert!(reason.contains("\"bogus\" at 'setup'"), "{reason}");
    // The first message must be setup.
    let mut c = connect_with("right").await;
    c.send(&user("hi")).await;
    assert_eq!(c.closed().await.0, 1007);
    // A wrong key.
    let mut c = connect_with("wrong").await;
    c.send(&json!({"setup": {"model": TEXT_MODEL}})).await;
    assert_eq!(
        c.closed().await,
        (
            1008,
            "API key not valid. Please pass a valid API key.".to_owned()
        )
    );
    // A model that does not serve bidiGenerateContent.
    let mut c = connect_with("right").await;
    c.send(&json!({"setup": {"model": "models/gemini-2.5-flash"}}))
        .await;
    let (code, reason) = c.closed().await;
    assert_eq!(code, 1008);
    assert!(
        reason.starts_with("models/gemini-2.5-flash is not found for API version v1beta"),
        "{reason}"
    );
    assert!(reason.len() <= 123);
    // A bare id: the Live API wants the full name.
    let mut c = connect_with("right").await;
    c.send(&json!({"setup": {"model": "gemini-live-2.5-flash-preview"}}))
        .await;
    let (code, reason) = c.closed().await;
    assert_eq!(code, 1008);
    assert!(
        reason.starts_with("gemini-live-2.5-flash-preview is not found for API version v1beta"),
        "{reason}"
    );
    // Two response modalities.
    let mut c = connect_with("right").await;
    c.send(&json!({"setup": {"model": TEXT_MODEL, "generationConfig": {"responseModalities": ["TEXT", "AUDIO"]}}}))
        .await;
    assert_eq!(c.closed().await.0, 1007);
    // Not JSON.
    let mut c = connect_with("right").await;
    c.ws.send(Message::Text("{nope".into())).await.unwrap();
    let (code, reason) = c.closed().await;
    assert_eq!(code, 1007);
    assert!(
        reason.starts_with("Invalid JSON payload received."),
        "{reason}"
    );
    // An unknown message kind after setup.
    let mut c = connect_with("right").await;
    c.setup(json!({"model": TEXT_MODEL})).await;
    c.send(&json!({"fly": {}})).await;
    assert_eq!(
        c.closed().await,
        (
            1007,
            "Invalid JSON payload received. Unknown name \"fly\": Cannot find field.".to_owned()
        )
    );
}

#[tokio::test]
async fn a_handle_restores_the_conversation_on_a_new_connection() {
    let clock = ManualClock::new();
    let emu = Emulator::builder().clock(clock.clone()).start();
    let setup = json!({"model": TEXT_MODEL, "sessionResumption": {}});
    let mut c = connect(&emu).await;
    c.setup(setup.clone()).await;
    c.send(&user("first")).await;
    let turn = c.turn(true).await;
    assert_eq!(text_of(&turn), "You said: first (turn 1)");
    let update = &turn.last().unwrap()["sessionResumptionUpdate"];
    assert_eq!(update["resumable"], true);
    assert_eq!(update["lastConsumedClientMessageIndex"], "1");
    let handle = update["newHandle"].as_str().unwrap().to_owned();
    c.send(&user("second")).await;
    let turn = c.turn(true).await;
    assert_eq!(text_of(&turn), "You said: second (turn 2)");
    let handle2 = turn.last().unwrap()["sessionResumptionUpdate"]["newHandle"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(handle, handle2);
    drop(c);

    // The latest handle: the conversation goes on at turn 3, with the whole history.
    let mut c = connect(&emu).await;
    let mut resume = setup.clone();
    resume["sessionResumption"] = json!({"handle": handle2});
    c.setup(resume).await;
    c.send(&user("third")).await;
    let turn = c.turn(true).await;
    assert_eq!(text_of(&turn), "You said: third (turn 3)");
    // The index counts this connection's messages.
    assert_eq!(
        turn.last().unwrap()["sessionResumptionUpdate"]["lastConsumedClientMessageIndex"],
        "1"
    );
    drop(c);

    // An older handle still resumes from its own point.
    let mut c = connect(&emu).await;
    let mut resume = setup.clone();
    resume["sessionResumption"] = json!({"handle": handle});
    c.setup(resume).await;
    c.send(&user("again")).await;
    assert_eq!(text_of(&c.turn(true).await), "You said: again (turn 2)");
    drop(c);

    // An unknown handle, then an expired one.
    for h in ["no-such-handle", handle2.as_str()] {
        if h == handle2 {
            clock.advance(Duration::from_secs(2 * 3600 + 1));
        }
        let mut c = connect(&emu).await;
        let mut resume = setup.clone();
        resume["sessionResumption"] = json!({"handle": h});
        c.send(&json!({"setup": resume})).await;
        assert_eq!(
            c.closed().await,
            (1007, "Request contains an invalid argument.".to_owned())
        );
    }
}

#[tokio::test]
async fn faults_go_away_drop_and_close_one_connection_each() {
    let emu = Emulator::builder()
        .live_fault(LiveFault::go_away(Duration::from_millis(300)).after_server_messages(2))
        .start();
    emu.live_fault(LiveFault::drop_connection().after_client_messages(2));
    emu.live_fault(LiveFault::unavailable().after_server_messages(1));
    let setup = json!({"model": TEXT_MODEL, "sessionResumption": {}});

    // 1: goAway after two messages, the turn goes on, then a close with 1000.
    let mut c = connect(&emu).await;
    c.setup(setup.clone()).await;
    c.send(&user("a long enough prompt to stream in pieces"))
        .await;
    let mut seen = Vec::new();
    let (code, _) = loop {
        match c.next().await {
            Event::Msg(m) => seen.push(m),
            Event::Closed(code, reason) => break (code, reason),
            Event::Dropped => panic!("dropped"),
        }
    };
    assert_eq!(code, 1000);
    assert_eq!(seen[2], json!({"goAway": {"timeLeft": "0.3s"}}));
    assert!(
        seen.iter()
            .any(|m| m.pointer("/serverContent/turnComplete").is_some())
    );

    // 2: dropped without a close frame when the second client message arrives; the first
    // message's turn is held by the handle, the second is not consumed.
    let mut c = connect(&emu).await;
    c.setup(setup.clone()).await;
    c.send(&user("one")).await;
    let turn = c.turn(true).await;
    let update = &turn.last().unwrap()["sessionResumptionUpdate"];
    assert_eq!(update["lastConsumedClientMessageIndex"], "1");
    let handle = update["newHandle"].as_str().unwrap().to_owned();
    c.send(&user("two")).await;
    assert!(matches!(c.next().await, Event::Dropped));

    // 3: resumes, gets 1011 after its first server message.
    let mut c = connect(&emu).await;
    let mut resume = setup.clone();
    resume["sessionResumption"] = json!({"handle": handle});
    c.setup(resume.clone()).await;
    c.send(&user("two")).await;
    let first = c.msg().await;
    assert!(text_of(&[first]).starts_with("You said:"));
    assert_eq!(
        c.closed().await,
        (1011, "The service is currently unavailable.".to_owned())
    );

    // 4: no more faults.
    let mut c = connect(&emu).await;
    c.setup(resume).await;
    c.send(&user("two")).await;
    assert_eq!(text_of(&c.turn(true).await), "You said: two (turn 2)");
    assert_eq!(emu.count("live.connect"), 4);
}

#[tokio::test]
async fn a_script_refuses_the_handshake() {
    let emu = Emulator::start();
    emu.script("live.connect").reply_status(503);
    let tcp = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let req = format!(
        "ws://{}{}",
        emu.addr(),
        path("v1beta", "BidiGenerateContent")
    )
    .into_client_request()
    .unwrap();
    let err = tokio_tungstenite::client_async(req, tcp).await.unwrap_err();
    assert!(err.to_string().contains("503"), "{err}");
    // Without an upgrade, the path is a 404 like any unserved method.
    let r = get(&emu, &path("v1beta", "BidiGenerateContent")).await;
    assert_eq!(r.status, 404);
}

fn pcm_tone(ms: u32, rate: u32, amplitude: f64) -> Vec<u8> {
    let n = (ms * rate / 1000) as usize;
    let mut out = Vec::with_capacity(n * 2);
    for i in 0..n {
        let v = (i as f64 * 0.2).sin() * amplitude;
        out.extend_from_slice(&(v as i16).to_le_bytes());
    }
    out
}

fn audio_msg(pcm: &[u8]) -> Value {
    json!({"realtimeInput": {"audio": {
        "mimeType": "audio/pcm;rate=16000",
        "data": base64::engine::general_purpose::STANDARD.encode(pcm),
    }}})
}

#[tokio::test]
async fn spoken_turns_get_spoken_answers_with_transcriptions() {
    let emu = Emulator::start();
    let mut c = connect(&emu).await;
    c.setup(json!({
        "model": AUDIO_MODEL,
        "generationConfig": {"responseModalities": ["AUDIO"]},
        "inputAudioTranscription": {},
        "outputAudioTranscription": {},
        "realtimeInputConfig": {"automaticActivityDetection": {"silenceDurationMs": 200}},
    }))
    .await;
    // 600 ms of speech in 100 ms chunks, then silence until the detector ends the turn.
    for _ in 0..6 {
        c.send(&audio_msg(&pcm_tone(100, 16_000, 6000.0))).await;
    }
    for _ in 0..2 {
        c.send(&audio_msg(&pcm_tone(100, 16_000, 0.0))).await;
    }
    let turn = c.turn(false).await;
    assert_eq!(
        turn[0],
        json!({"serverContent": {"inputTranscription": {"text": "[0.60 s of audio]"}}})
    );
    let mut pcm = Vec::new();
    let mut said = String::new();
    for m in &turn {
        if let Some(t) = m.pointer("/serverContent/outputTranscription/text") {
            said.push_str(t.as_str().unwrap());
        }
        if let Some(blob) = m.pointer("/serverContent/modelTurn/parts/0/inlineData") {
            assert_eq!(blob["mimeType"], "audio/pcm;rate=24000");
            pcm.extend(
                base64::engine::general_purpose::STANDARD
                    .decode(blob["data"].as_str().unwrap())
                    .unwrap(),
            );
        }
    }
    assert_eq!(said, "You said: [0.60 s of audio] (turn 1)");
    // 8 words of 150 ms at 24 kHz, 16-bit.
    assert_eq!(pcm.len(), 8 * 150 * 24 * 2);
    let usage = &turn.last().unwrap()["usageMetadata"];
    assert_eq!(usage["responseTokensDetails"][0]["modality"], "AUDIO");
    assert_eq!(usage["responseTokenCount"], 39); // 1.2 s at 32 tokens a second.
    assert!(
        usage["promptTokensDetails"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["modality"] == "AUDIO")
    );
    // audioStreamEnd ends a turn too.
    c.send(&audio_msg(&pcm_tone(300, 16_000, 6000.0))).await;
    c.send(&json!({"realtimeInput": {"audioStreamEnd": true}}))
        .await;
    let turn = c.turn(false).await;
    assert_eq!(
        turn[0]["serverContent"]["inputTranscription"]["text"],
        "[0.30 s of audio]"
    );
}

#[tokio::test]
async fn manual_activity_delimits_turns() {
    let emu = Emulator::start();
    let mut c = connect(&emu).await;
    c.setup(json!({
        "model": TEXT_MODEL,
        "realtimeInputConfig": {"automaticActivityDetection": {"disabled": true}},
    }))
    .await;
    c.send(&json!({"realtimeInput": {"activityStart": {}}}))
        .await;
    c.send(&audio_msg(&pcm_tone(250, 16_000, 0.0))).await;
    c.send(&json!({"realtime_input": {"media_chunks": [{"mimeType": "audio/pcm", "data": base64::engine::general_purpose::STANDARD.encode(pcm_tone(250, 16_000, 0.0))}]}}))
        .await;
    c.send(&json!({"realtimeInput": {"video": {"mimeType": "image/jpeg", "data": "/9j/4AAQ"}}}))
        .await;
    c.send(&json!({"realtimeInput": {"activityEnd": {}}})).await;
    let turn = c.turn(false).await;
    assert_eq!(text_of(&turn), "You said: [0.50 s of audio] (turn 1)");
    let details = &turn.last().unwrap()["usageMetadata"]["promptTokensDetails"];
    assert!(
        details
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["modality"] == "IMAGE")
    );
    // Not PCM.
    c.send(&json!({"realtimeInput": {"audio": {"mimeType": "audio/mp3", "data": "AAAA"}}}))
        .await;
    assert_eq!(c.closed().await.0, 1007);
}

fn weather_setup() -> Value {
    json!({
        "model": TEXT_MODEL,
        "sessionResumption": {},
        "tools": [{"functionDeclarations": [{
            "name": "get_weather",
            "description": "Weather for a city.",
            "parameters": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}, "required": ["city"]},
        }]}],
    })
}

#[tokio::test]
async fn tool_calls_round_trip_and_are_cancelled_by_new_input() {
    let emu = Emulator::start();
    let mut c = connect(&emu).await;
    c.setup(weather_setup()).await;
    c.send(&user("What does get_weather say for Paris?")).await;
    let call = c.msg().await;
    let fc = &call["toolCall"]["functionCalls"][0];
    assert_eq!(fc["name"], "get_weather");
    assert!(fc["args"]["city"].is_string());
    let id = fc["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("function-call-"), "{id}");
    // The model waits: the state is resumable with the call pending.
    assert_eq!(c.msg().await["sessionResumptionUpdate"]["resumable"], true);
    c.send(&json!({"tool_response": {"functionResponses": [{"id": id, "name": "get_weather", "response": {"temp_c": 12}}]}}))
        .await;
    let turn = c.turn(true).await;
    assert_eq!(
        text_of(&turn),
        "Function results: get_weather returned {\"temp_c\":12}. (turn 1)"
    );
    // A call interrupted by new input is cancelled.
    c.send(&user("call get_weather again")).await;
    let call = c.msg().await;
    let id = call["toolCall"]["functionCalls"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    c.msg().await; // the resumption update
    c.send(&user("never mind")).await;
    assert_eq!(
        c.msg().await,
        json!({"toolCallCancellation": {"ids": [id]}})
    );
    assert_eq!(
        text_of(&c.turn(true).await),
        "You said: never mind (turn 2)"
    );
    // A response to no call.
    c.send(&json!({"toolResponse": {"functionResponses": [{"id": "nope", "name": "get_weather", "response": {}}]}}))
        .await;
    assert_eq!(c.closed().await.0, 1007);
}

#[tokio::test]
async fn new_input_interrupts_a_streaming_turn() {
    let emu = Emulator::builder()
        .chunk_interval(Duration::from_millis(100))
        .start();
    let mut c = connect(&emu).await;
    c.setup(json!({"model": TEXT_MODEL})).await;
    c.send(&user(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen \
         fifteen sixteen seventeen eighteen nineteen twenty",
    ))
    .await;
    let first = c.msg().await;
    assert!(first.pointer("/serverContent/modelTurn").is_some());
    c.send(&user("stop")).await;
    // The rest of the turn is dropped: `interrupted` comes before any `turnComplete`.
    loop {
        let m = c.msg().await;
        if m == json!({"serverContent": {"interrupted": true}}) {
            break;
        }
        assert!(m.pointer("/serverContent/turnComplete").is_none(), "{m}");
    }
    // The interrupted turn did not complete: the next is turn 1.
    assert_eq!(text_of(&c.turn(false).await), "You said: stop (turn 1)");
}

async fn create_token(emu: &Emulator, body: &Value) -> String {
    let r = post(emu, "/v1alpha/auth_tokens", body).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    v["name"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn tokens_open_constrained_sessions_and_nothing_else() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .api_key("test-key")
        .clock(clock.clone())
        .start();
    let constrained = path("v1alpha", "BidiGenerateContentConstrained");
    let r = post(&emu, "/v1alpha/auth_tokens", &json!({"uses": 2})).await;
    let v = r.json();
    assert_eq!(v["uses"], 2);
    assert_eq!(v["expireTime"], "2026-01-01T00:30:00Z");
    assert_eq!(v["newSessionExpireTime"], "2026-01-01T00:01:00Z");
    let token = v["name"].as_str().unwrap().to_owned();
    assert!(token.starts_with("auth_tokens/"));

    // Not an API key: REST refuses it, and so does the unconstrained endpoint.
    let r = send(
        &emu,
        "GET",
        "/v1beta/models",
        &[("x-goog-api-key", token.as_str())],
        "",
    )
    .await;
    assert_eq!(r.status, 400);
    let mut c = connect_raw(
        &emu,
        &path("v1alpha", "BidiGenerateContent"),
        &[("x-goog-api-key", token.as_str())],
    )
    .await;
    c.send(&json!({"setup": {"model": TEXT_MODEL}})).await;
    assert_eq!(c.closed().await.0, 1008);

    // Two uses: the header form, then the query form; the third is refused.
    let auth = format!("Token {token}");
    let mut c = connect_raw(&emu, &constrained, &[("authorization", auth.as_str())]).await;
    c.setup(json!({"model": TEXT_MODEL, "sessionResumption": {}}))
        .await;
    c.send(&user("hi")).await;
    let turn = c.turn(true).await;
    assert_eq!(text_of(&turn), "You said: hi (turn 1)");
    let handle = turn.last().unwrap()["sessionResumptionUpdate"]["newHandle"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut c = connect_raw(&emu, &format!("{constrained}?access_token={token}"), &[]).await;
    c.setup(json!({"model": TEXT_MODEL})).await;
    assert_eq!(
        emu.requests_for("live.connectConstrained")[1].query(),
        Some("access_token=REDACTED")
    );
    let mut c = connect_raw(&emu, &constrained, &[("authorization", auth.as_str())]).await;
    c.send(&json!({"setup": {"model": TEXT_MODEL}})).await;
    let (code, reason) = c.closed().await;
    assert_eq!(code, 1008);
    assert!(reason.contains("no uses left"), "{reason}");
    // Resuming spends no use.
    let mut c = connect_raw(&emu, &constrained, &[("authorization", auth.as_str())]).await;
    c.setup(json!({"model": TEXT_MODEL, "sessionResumption": {"handle": handle}}))
        .await;
    c.send(&user("back")).await;
    assert_eq!(text_of(&c.turn(true).await), "You said: back (turn 2)");

    // A token whose new-session time has passed, then an expired one.
    let fresh = create_token(&emu, &json!({"uses": 0})).await;
    clock.advance(Duration::from_secs(61));
    let fresh_auth = format!("Token {fresh}");
    let mut c = connect_raw(
        &emu,
        &constrained,
        &[("authorization", fresh_auth.as_str())],
    )
    .await;
    c.send(&json!({"setup": {"model": TEXT_MODEL}})).await;
    let (code, reason) = c.closed().await;
    assert_eq!(code, 1008);
    assert!(
        reason.contains("can no longer start new sessions"),
        "{reason}"
    );
    clock.advance(Duration::from_secs(30 * 60));
    let mut c = connect_raw(&emu, &constrained, &[("authorization", auth.as_str())]).await;
    c.send(&json!({"setup": {"model": TEXT_MODEL, "sessionResumption": {"handle": handle}}}))
        .await;
    assert_eq!(
        c.closed().await,
        (
            1008,
            "Request had invalid authentication credentials.".to_owned()
        )
    );
    // No token at all.
    let mut c = connect_raw(&emu, &constrained, &[]).await;
    c.send(&json!({"setup": {"model": TEXT_MODEL}})).await;
    assert_eq!(c.closed().await.0, 1008);

    // Bad requests.
    for (body, want) in [
        (json!({"expireTime": "2020-01-01T00:00:00Z"}), "expire_time"),
        (json!({"uses": -1}), "uses"),
        (
            json!({"bidiGenerateContentSetup": {"model": TEXT_MODEL}, "fieldMask": "nope"}),
            "field_mask",
        ),
        (json!({"bogus": 1}), "bogus"),
    ] {
        let r = post(&emu, "/v1alpha/auth_tokens", &body).await;
        assert_eq!(r.status, 400, "{body}");
        assert!(r.message().contains(want), "{}", r.message());
    }
    // v1alpha only.
    let r = post(&emu, "/v1beta/auth_tokens", &json!({})).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn locked_fields_override_the_clients_setup() {
    let emu = Emulator::start();
    let constraints = json!({
        "model": TEXT_MODEL,
        "systemInstruction": {"parts": [{"text": "Locked."}]},
    });
    // The whole setup locked (no field mask): the client's instruction is ignored.
    let token = create_token(&emu, &json!({"bidiGenerateContentSetup": constraints})).await;
    let auth = format!("Token {token}");
    let constrained = path("v1alpha", "BidiGenerateContentConstrained");
    let mut c = connect_raw(&emu, &constrained, &[("authorization", auth.as_str())]).await;
    c.setup(json!({"model": "models/gemini-3.1-flash-live-preview", "systemInstruction": {"parts": [{"text": "Mine."}]}}))
        .await;
    c.send(&user("hi")).await;
    assert_eq!(
        text_of(&c.turn(false).await),
        "[Locked.] You said: hi (turn 1)"
    );
    // Only the model locked: the client's instruction applies.
    let token = create_token(
        &emu,
        &json!({"bidiGenerateContentSetup": constraints, "fieldMask": "model"}),
    )
    .await;
    let auth = format!("Token {token}");
    let mut c = connect_raw(&emu, &constrained, &[("authorization", auth.as_str())]).await;
    c.setup(json!({"model": "models/gemini-3.1-flash-live-preview", "systemInstruction": {"parts": [{"text": "Mine."}]}}))
        .await;
    c.send(&user("hi")).await;
    assert_eq!(
        text_of(&c.turn(false).await),
        "[Mine.] You said: hi (turn 1)"
    );
    // A locked model the client got wrong is overridden before it is checked.
    let token = create_token(
        &emu,
        &json!({"bidiGenerateContentSetup": constraints, "fieldMask": "model"}),
    )
    .await;
    let auth = format!("Token {token}");
    let mut c = connect_raw(&emu, &constrained, &[("authorization", auth.as_str())]).await;
    c.setup(json!({"model": "models/gemini-2.5-flash"})).await;
    c.send(&user("hi")).await;
    // Fields the client leaves out take the token's (its instruction here).
    assert_eq!(
        text_of(&c.turn(false).await),
        "[Locked.] You said: hi (turn 1)"
    );
}

#[tokio::test]
async fn the_catalogue_lists_live_models() {
    let emu = Emulator::start();
    let m = get(&emu, "/v1beta/models/gemini-live-2.5-flash-preview")
        .await
        .json();
    assert_eq!(
        m["supportedGenerationMethods"],
        json!(["bidiGenerateContent", "countTokens"])
    );
    let list = get(&emu, "/v1beta/models?pageSize=1000").await.json();
    let live: Vec<&str> = list["models"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            m["supportedGenerationMethods"]
                .as_array()
                .unwrap()
                .contains(&json!("bidiGenerateContent"))
        })
        .filter_map(|m| m["name"].as_str())
        .collect();
    assert!(
        live.contains(&"models/gemini-2.5-flash-native-audio-preview-09-2025"),
        "{live:?}"
    );
}

#[tokio::test]
async fn wss_with_the_generated_certificate() {
    let emu = Emulator::builder().tls(true).start();
    let pem = emu.certificate_pem().unwrap().to_owned();
    let der = pem_to_der(&pem);
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(der))
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let tls = connector.connect(name, tcp).await.unwrap();
    let url = emu.live_url("v1beta");
    assert!(url.starts_with("wss://127.0.0.1:"), "{url}");
    let mut req = url.into_client_request().unwrap();
    req.headers_mut()
        .insert("x-goog-api-key", http::HeaderValue::from_static("k"));
    let (ws, _) = tokio_tungstenite::client_async(req, tls).await.unwrap();
    let mut c = Client { ws };
    c.setup(json!({"model": TEXT_MODEL})).await;
    c.send(&user("secure")).await;
    assert_eq!(text_of(&c.turn(false).await), "You said: secure (turn 1)");
    // Plain HTTP still works on the same port.
    assert_eq!(get(&emu, "/v1beta/models").await.status, 200);
}

fn pem_to_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

/// The shape of a server message: its kind, the keys under `serverContent`, the kinds and
/// MIME types of its parts, and its usage fields.
fn shapes(m: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(obj) = m.as_object() else {
        return out;
    };
    for (key, value) in obj {
        out.push(key.clone());
        let Some(inner) = value.as_object() else {
            continue;
        };
        for (k, v) in inner {
            out.push(format!("{key}.{k}"));
            for part in v
                .get("parts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if part.get("text").is_some() {
                    out.push(format!("{key}.{k}.text"));
                }
                if let Some(mime) = part.pointer("/inlineData/mimeType") {
                    out.push(format!("{key}.{k}.inlineData {mime}"));
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn recorded_sessions_replay_with_the_recorded_message_shapes() {
    let Some(dir) = support::real_dir("live recordings") else {
        return;
    };
    let sessions: Vec<(std::path::PathBuf, Vec<Value>)> = std::fs::read_dir(dir.join("live"))
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let frames = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect();
            (path, frames)
        })
        .collect();
    let real: std::collections::BTreeSet<String> = sessions
        .iter()
        .flat_map(|(_, frames)| frames.iter())
        .filter(|f| f["dir"] == "server")
        .flat_map(|f| shapes(&f["msg"]))
        .collect();
    let emu = Emulator::start();
    let mut sent = std::collections::BTreeSet::new();
    for (path, frames) in &sessions {
        let mut c = connect(&emu).await;
        for f in frames.iter().filter(|f| f["dir"] == "client") {
            let msg = &f["msg"];
            if msg.get("setup").is_some() {
                c.setup(msg["setup"].clone()).await;
            } else if msg.get("tool_response").is_none() && msg.get("toolResponse").is_none() {
                // Tool responses answer the recording's call ids, which the emulator never
                // made: skipped.
                c.send(msg).await;
            }
        }
        // The connection is still open (nothing was refused): a last turn is answered.
        c.send(&json!({"realtimeInput": {"text": "still there?"}}))
            .await;
        let mut said = String::new();
        loop {
            let m = match c.next().await {
                Event::Msg(m) => m,
                other => panic!("{}: {other:?}", path.display()),
            };
            typed(&m);
            sent.extend(shapes(&m));
            for p in [
                "/serverContent/outputTranscription/text",
                "/serverContent/modelTurn/parts/0/text",
            ] {
                if let Some(t) = m.pointer(p).and_then(Value::as_str) {
                    said.push_str(t);
                }
            }
            if m.pointer("/serverContent/turnComplete").is_some() {
                if said.contains("still there?") {
                    break;
                }
                said.clear();
            }
        }
    }
    assert!(sessions.len() >= 5, "{}", sessions.len());
    // Everything the emulator sent has been seen from the real service.
    let unseen: Vec<&String> = sent.difference(&real).collect();
    assert!(unseen.is_empty(), "not in the recordings: {unseen:?}");
    assert!(sent.contains("serverContent.modelTurn.inlineData \"audio/pcm;rate=24000\""));
    assert!(
        sent.contains("usageMetadata.responseTokensDetails"),
        "{sent:?}"
    );
}

#[tokio::test]
async fn the_context_window_slides_or_ends_the_session() {
    let small = gemini_emulator::ModelSpec::text("tiny-live")
        .limits(120, 50)
        .methods(&["bidiGenerateContent"]);
    let emu = Emulator::builder().model(small).start();
    // With compression, old turns go: the prompt stays under the trigger.
    let mut c = connect(&emu).await;
    c.setup(json!({
        "model": "models/tiny-live",
        "contextWindowCompression": {"triggerTokens": "60", "slidingWindow": {"targetTokens": 30}},
    }))
    .await;
    let mut prompts = Vec::new();
    for i in 1..=12 {
        c.send(&user(&format!("message number {i}"))).await;
        let turn = c.turn(false).await;
        assert_eq!(
            text_of(&turn),
            format!("You said: message number {i} (turn {i})")
        );
        prompts.push(
            turn.last().unwrap()["usageMetadata"]["promptTokenCount"]
                .as_u64()
                .unwrap(),
        );
    }
    assert!(prompts.iter().all(|p| *p <= 60), "{prompts:?}");
    // Without it, the session ends when the history passes the model's input limit.
    let mut c = connect(&emu).await;
    c.setup(json!({"model": "models/tiny-live"})).await;
    let (code, reason) = loop {
        c.send(&user("message number something")).await;
        match c.next().await {
            Event::Msg(_) => {
                let _ = c.turn(false).await;
            }
            Event::Closed(code, reason) => break (code, reason),
            Event::Dropped => panic!("dropped"),
        }
    };
    assert_eq!(code, 1007);
    assert!(
        reason.starts_with("The input token count (") && reason.ends_with("allowed (120)."),
        "{reason}"
    );
}

#[tokio::test]
async fn a_context_update_changes_the_instruction() {
    let emu = Emulator::start();
    let mut c = connect(&emu).await;
    c.setup(json!({"model": TEXT_MODEL, "systemInstruction": {"parts": [{"text": "Old."}]}}))
        .await;
    c.send(&json!({"contextUpdate": {"systemInstruction": {"parts": [{"text": "New."}]}}}))
        .await;
    c.send(&user("hi")).await;
    assert_eq!(
        text_of(&c.turn(false).await),
        "[New.] You said: hi (turn 1)"
    );
    c.send(&json!({"contextUpdate": {"voice": "x"}})).await;
    assert_eq!(c.closed().await.0, 1007);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_idle_sessions_each_answer_a_turn() {
    // 300 clients and 300 server ends stay under a default limit of 1,024 open files.
    const SESSIONS: usize = 300;
    let emu = Emulator::start();
    let mut clients = Vec::with_capacity(SESSIONS);
    for _ in 0..SESSIONS {
        let mut c = connect(&emu).await;
        c.setup(json!({"model": TEXT_MODEL})).await;
        clients.push(c);
    }
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            tokio::spawn(async move {
                c.send(&user(&format!("session {i}"))).await;
                text_of(&c.turn(false).await)
            })
        })
        .collect();
    for (i, t) in tasks.into_iter().enumerate() {
        assert_eq!(t.await.unwrap(), format!("You said: session {i} (turn 1)"));
    }
    assert_eq!(emu.count("live.connect"), SESSIONS);
}

#[tokio::test]
async fn bad_client_messages_close_with_1007() {
    let emu = Emulator::start();
    let bad = [
        json!(null),
        json!([]),
        json!("setup"),
        json!({}),
        json!({"clientContent": {}, "toolResponse": {}}),
        json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": "x", "bogus": 1}]}], "turnComplete": true}}),
        json!({"clientContent": {"turns": "not a list"}}),
        json!({"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": "!!!"}}}),
        json!({"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=0", "data": "AAAA"}}}),
        json!({"realtimeInput": {"volume": 3}}),
        json!({"toolResponse": {"functionResponses": []}}),
        json!({"toolResponse": {"functionResponses": [{"id": "x", "response": {}, "extra": 1}]}}),
        json!({"setup": {"model": TEXT_MODEL}}),
    ];
    for msg in bad {
        let mut c = connect(&emu).await;
        c.setup(json!({"model": TEXT_MODEL})).await;
        c.send(&msg).await;
        let (code, reason) = c.closed().await;
        assert_eq!(code, 1007, "{msg}: {reason}");
        assert!(!reason.is_empty() && reason.len() <= 123, "{msg}: {reason}");
    }
    // Empty content without turnComplete is nothing to answer, not an error.
    let mut c = connect(&emu).await;
    c.setup(json!({"model": TEXT_MODEL})).await;
    c.send(&json!({"clientContent": {}})).await;
    c.send(&user("fine")).await;
    assert_eq!(text_of(&c.turn(false).await), "You said: fine (turn 1)");
}

#[tokio::test]
async fn connections_end_after_their_lifetime_with_go_away_first() {
    let emu = Emulator::builder()
        .live_connection_lifetime(Duration::from_secs(2), Duration::from_secs(1))
        .start();
    let mut c = connect(&emu).await;
    c.setup(json!({"model": TEXT_MODEL})).await;
    c.send(&user("quick")).await;
    assert_eq!(text_of(&c.turn(false).await), "You said: quick (turn 1)");
    assert_eq!(c.msg().await, json!({"goAway": {"timeLeft": "1s"}}));
    // Still served until the end.
    c.send(&user("still")).await;
    assert_eq!(text_of(&c.turn(false).await), "You said: still (turn 2)");
    assert_eq!(c.closed().await, (1000, String::new()));
}
