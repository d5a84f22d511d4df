//! The tokio shell against the emulator's Live endpoint over real sockets (127.0.0.1 only).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use gemini_emulator::{Emulator, LiveFault};
use gemini_live::{
    ApiKey, LiveConfig, LiveConnector, LiveError, LiveEvent, ProxyConfig, RealtimeInput, TlsRoots,
};
use gemini_types::Modality;

const MODEL: &str = "gemini-live-2.5-flash-preview";

fn connector(emu: &Emulator) -> LiveConnector {
    LiveConnector::builder()
        .api_key(ApiKey::new("test-key"))
        .base_url(emu.base_url())
        .proxy(ProxyConfig::none())
        .build()
        .unwrap()
}

fn text_config() -> LiveConfig {
    LiveConfig::new(MODEL).response_modalities([Modality::Text])
}

/// Reads events until the turn completes: the turn's text and every event seen.
async fn read_turn(session: &mut gemini_live::LiveSession) -> (String, Vec<LiveEvent>) {
    let mut text = String::new();
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let event = tokio::time::timeout_at(deadline, session.next_event())
            .await
            .expect("the turn did not complete in time")
            .expect("the session ended")
            .expect("the session failed");
        if let LiveEvent::Text(t) = &event {
            text.push_str(t);
        }
        let done = matches!(event, LiveEvent::TurnComplete { .. });
        seen.push(event);
        if done {
            return (text, seen);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_session() {
    let emu = Emulator::start();
    let mut session = connector(&emu).connect(text_config()).await.unwrap();
    session.send_text("Hello, who are you?").await.unwrap();
    let (text, seen) = read_turn(&mut session).await;
    assert!(!text.is_empty(), "{seen:?}");
    let chunks = seen
        .iter()
        .filter(|e| matches!(e, LiveEvent::Text(_)))
        .count();
    assert!(chunks >= 2, "text comes in several chunks: {seen:?}");
    session.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_key_is_a_typed_error() {
    let emu = Emulator::builder().api_key("right-key").start();
    let err = connector(&emu).connect(text_config()).await.unwrap_err();
    assert!(
        matches!(err, LiveError::Rejected { code: 1008, .. }),
        "{err:?}"
    );
    assert!(!err.to_string().contains("test-key"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wss_with_the_emulator_certificate() {
    let emu = Emulator::builder().tls(true).start();
    let roots = TlsRoots::custom_pem(emu.certificate_pem().unwrap().as_bytes()).unwrap();
    let connector = LiveConnector::builder()
        .api_key(ApiKey::new("test-key"))
        .base_url(emu.tls_base_url().unwrap())
        .tls_roots(roots)
        .proxy(ProxyConfig::none())
        .build()
        .unwrap();
    assert!(connector.url().starts_with("wss://127.0.0.1:"));
    let mut session = connector.connect(text_config()).await.unwrap();
    session
        .send_realtime_input(RealtimeInput::Text("Hi there".into()))
        .await
        .unwrap();
    let (text, _) = read_turn(&mut session).await;
    assert!(!text.is_empty());
    session.close().await.unwrap();
    // Without the certificate: a TLS error, not a hang.
    let untrusted = LiveConnector::builder()
        .api_key(ApiKey::new("test-key"))
        .base_url(emu.tls_base_url().unwrap())
        .proxy(ProxyConfig::none())
        .build()
        .unwrap();
    let err = untrusted.connect(text_config()).await.unwrap_err();
    assert!(
        matches!(&err, LiveError::Connect(m) if m.contains("TLS")),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drop_mid_session_is_resumed() {
    let emu = Emulator::start();
    // The first connection drops when the second turn arrives (before consuming it).
    emu.live_fault(LiveFault::drop_connection().after_client_messages(2));
    let cfg = text_config().session_resumption(true);
    let mut session = connector(&emu).connect(cfg).await.unwrap();
    session.send_text("first").await.unwrap();
    let (text, _) = read_turn(&mut session).await;
    assert!(text.contains("(turn 1)"), "{text}");
    session.send_text("second").await.unwrap();
    let (text, seen) = read_turn(&mut session).await;
    assert!(
        text.contains("second") && text.contains("(turn 2)"),
        "{text}"
    );
    assert!(
        seen.iter()
            .any(|e| matches!(e, LiveEvent::Reconnecting { .. })),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|e| matches!(e, LiveEvent::Resumed { .. })),
        "{seen:?}"
    );
    session.close().await.unwrap();
}
