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
        match &event {
            LiveEvent::Text(t) => text.push_str(t),
            // An unfinished answer starts again after a resumption.
            LiveEvent::Resumed { .. } => text.clear(),
            _ => {}
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_turns_through_a_go_away_and_a_drop_are_one_conversation() {
    let emu = Emulator::start();
    // Connection 1: goAway after its 12th server message (mid-conversation); connection 2:
    // dropped when its 4th client message arrives (unconsumed: it must be sent again);
    // connection 3: a 1011 after 9 server messages.
    emu.live_fault(LiveFault::go_away(Duration::from_secs(3)).after_server_messages(12));
    emu.live_fault(LiveFault::drop_connection().after_client_messages(4));
    emu.live_fault(LiveFault::unavailable().after_server_messages(9));
    let cfg = text_config().session_resumption(true);
    let mut session = connector(&emu).connect(cfg).await.unwrap();
    let mut all = Vec::new();
    for i in 1..=20 {
        session.send_text(format!("message {i}")).await.unwrap();
        let (text, seen) = read_turn(&mut session).await;
        // The server's view: this is turn i of one conversation (nothing lost or repeated).
        assert!(
            text.contains(&format!("message {i}")) && text.contains(&format!("(turn {i})")),
            "turn {i}: {text:?} {seen:?}"
        );
        all.extend(seen);
    }
    let turns = all
        .iter()
        .filter(|e| matches!(e, LiveEvent::TurnComplete { .. }))
        .count();
    assert_eq!(turns, 20);
    let resumed = all
        .iter()
        .filter(|e| matches!(e, LiveEvent::Resumed { .. }))
        .count();
    let go_away = all
        .iter()
        .filter(|e| matches!(e, LiveEvent::GoAway { .. }))
        .count();
    assert_eq!((resumed, go_away), (3, 1), "{all:?}");
    session.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audio_in_and_out() {
    let emu = Emulator::start();
    let cfg = LiveConfig::new(MODEL)
        .response_modalities([Modality::Audio])
        .input_audio_transcription()
        .output_audio_transcription();
    let mut session = connector(&emu).connect(cfg).await.unwrap();
    // One second of a 440 Hz tone at 48 kHz, resampled to 16 kHz, in 100 ms chunks.
    let tone: Vec<i16> = (0..48_000)
        .map(|i| ((f64::from(i) * 440.0 * std::f64::consts::TAU / 48_000.0).sin() * 8000.0) as i16)
        .collect();
    let pcm16k = gemini_live::pcm::resample(&tone, 48_000, gemini_live::pcm::INPUT_RATE);
    assert_eq!(pcm16k.len(), 16_000);
    for chunk in pcm16k.chunks(1600) {
        let bytes = gemini_live::pcm::samples_to_bytes(chunk);
        session
            .send_realtime_input(RealtimeInput::audio(bytes))
            .await
            .unwrap();
    }
    session
        .send_realtime_input(RealtimeInput::AudioStreamEnd)
        .await
        .unwrap();
    let (_, seen) = read_turn(&mut session).await;
    let heard: Vec<&String> = seen
        .iter()
        .filter_map(|e| match e {
            LiveEvent::InputTranscription { text, .. } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(heard, ["[1.00 s of audio]"], "{seen:?}");
    let mut out = Vec::new();
    for e in &seen {
        if let LiveEvent::Audio { data, sample_rate } = e {
            assert_eq!(*sample_rate, gemini_live::pcm::OUTPUT_RATE);
            out.extend_from_slice(data);
        }
    }
    assert!(
        out.len() > 4800,
        "at least 100 ms of audio: {} bytes",
        out.len()
    );
    assert!(
        seen.iter()
            .any(|e| matches!(e, LiveEvent::OutputTranscription { .. }))
    );
    let mut wav = Vec::new();
    gemini_live::pcm::write_wav(&mut wav, &out, gemini_live::pcm::OUTPUT_RATE).unwrap();
    let (samples, rate) = gemini_live::pcm::read_wav(&wav).unwrap();
    assert_eq!((samples.len() * 2, rate), (out.len(), 24_000));
    session.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_send_and_receive_from_two_tasks() {
    let emu = Emulator::start();
    let session = connector(&emu).connect(text_config()).await.unwrap();
    let (sender, mut receiver) = session.split();
    let (turn_done, mut turn_done_rx) = tokio::sync::mpsc::channel::<()>(1);
    let reader = tokio::spawn(async move {
        let mut texts = Vec::new();
        let mut current = String::new();
        while let Some(event) = receiver.next_event().await {
            match event.unwrap() {
                LiveEvent::Text(t) => current.push_str(&t),
                LiveEvent::TurnComplete { .. } => {
                    texts.push(std::mem::take(&mut current));
                    if turn_done.send(()).await.is_err() {
                        break;
                    }
                }
                _ => {}
            }
        }
        texts
    });
    let writer = tokio::spawn(async move {
        for i in 1..=5 {
            sender.send_text(format!("task message {i}")).await.unwrap();
            tokio::time::timeout(Duration::from_secs(20), turn_done_rx.recv())
                .await
                .unwrap()
                .unwrap();
        }
        sender.close();
    });
    tokio::time::timeout(Duration::from_secs(30), writer)
        .await
        .unwrap()
        .unwrap();
    let texts = tokio::time::timeout(Duration::from_secs(30), reader)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(texts.len(), 5);
    for (i, t) in texts.iter().enumerate() {
        assert!(t.contains(&format!("task message {}", i + 1)), "{t}");
    }
}

/// A loopback HTTP CONNECT proxy that tunnels every request to `target` and records the
/// CONNECT lines it got.
async fn connect_proxy(
    target: std::net::SocketAddr,
) -> (
    std::net::SocketAddr,
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                    if client.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                log.lock()
                    .unwrap()
                    .push(head.lines().next().unwrap_or("").to_owned());
                let Ok(mut upstream) = tokio::net::TcpStream::connect(target).await else {
                    return;
                };
                client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .await
                    .unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (addr, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_through_an_http_connect_proxy() {
    let emu = Emulator::start();
    let (proxy, seen) = connect_proxy(emu.addr()).await;
    let port = emu.addr().port();
    // A host name that is not loopback, so the proxy is used; the proxy knows where it is.
    let connector = LiveConnector::builder()
        .api_key(ApiKey::new("test-key"))
        .base_url(format!("http://live.invalid:{port}"))
        .allow_insecure_ws(true)
        .proxy(ProxyConfig::explicit(&format!("http://127.0.0.1:{}", proxy.port())).unwrap())
        .build()
        .unwrap();
    let mut session = connector.connect(text_config()).await.unwrap();
    session.send_text("through the proxy").await.unwrap();
    let (text, _) = read_turn(&mut session).await;
    assert!(text.contains("through the proxy"), "{text}");
    session.close().await.unwrap();
    assert_eq!(
        seen.lock().unwrap().as_slice(),
        [format!("CONNECT live.invalid:{port} HTTP/1.1")]
    );
}

/// Set in the child process of [`a_session_through_the_proxy_from_the_environment`]: the
/// `ws://` URL it connects to.
const ENV_PROXY_CHILD: &str = "GEMINI_LIVE_TEST_ENV_PROXY_TARGET";

/// The proxy comes from `HTTP_PROXY` (the default [`ProxyConfig::from_env`]). The environment
/// is the process's, so the session runs in a child process (this test binary again, this
/// test alone) that is given the variable; the proxy and the emulator run here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_through_the_proxy_from_the_environment() {
    if let Ok(target) = std::env::var(ENV_PROXY_CHILD) {
        // The child: no proxy configured in code.
        let connector = LiveConnector::builder()
            .api_key(ApiKey::new("test-key"))
            .base_url(target)
            .allow_insecure_ws(true)
            .build()
            .unwrap();
        let mut session = connector.connect(text_config()).await.unwrap();
        session
            .send_text("through the environment's proxy")
            .await
            .unwrap();
        let (text, _) = read_turn(&mut session).await;
        assert!(text.contains("through the environment's proxy"), "{text}");
        session.close().await.unwrap();
        return;
    }
    let emu = Emulator::start();
    let (proxy, seen) = connect_proxy(emu.addr()).await;
    let port = emu.addr().port();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_session_through_the_proxy_from_the_environment",
            "--test-threads=1",
        ])
        .env(ENV_PROXY_CHILD, format!("http://live.invalid:{port}"))
        .env("HTTP_PROXY", format!("http://127.0.0.1:{}", proxy.port()))
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = None;
    for _ in 0..1500 {
        status = child.try_wait().unwrap();
        if status.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let Some(status) = status else {
        let _ = child.kill();
        panic!("the child session did not end within 30 s");
    };
    assert!(status.success(), "the child session failed: {status}");
    assert_eq!(
        seen.lock().unwrap().as_slice(),
        [format!("CONNECT live.invalid:{port} HTTP/1.1")]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_resumption_a_1011_is_a_typed_error() {
    let emu = Emulator::start();
    emu.live_fault(LiveFault::unavailable().after_client_messages(1));
    let mut session = connector(&emu).connect(text_config()).await.unwrap();
    session.send_text("hello").await.unwrap();
    let mut last = None;
    while let Some(item) = tokio::time::timeout(Duration::from_secs(20), session.next_event())
        .await
        .unwrap()
    {
        last = Some(item);
    }
    let Some(Err(LiveError::ConnectionLost { code, reason })) = last else {
        panic!("{last:?}")
    };
    assert_eq!(code, 1011);
    assert!(reason.contains("unavailable"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sending_from_the_reading_task_never_deadlocks() {
    let emu = Emulator::start();
    let connector = LiveConnector::builder()
        .api_key(ApiKey::new("test-key"))
        .base_url(emu.base_url())
        .proxy(ProxyConfig::none())
        .event_capacity(1)
        .build()
        .unwrap();
    let mut session = connector.connect(text_config()).await.unwrap();
    // Many messages, each answered, and no event read meanwhile: the replies wait (the socket
    // is not read), the sends go on.
    tokio::time::timeout(Duration::from_secs(20), async {
        for i in 0..300 {
            session.send_text(format!("message {i}")).await.unwrap();
        }
    })
    .await
    .expect("the sends completed without reading events");
    let (text, _) = read_turn(&mut session).await;
    assert!(!text.is_empty());
    tokio::time::timeout(Duration::from_secs(20), session.close())
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pongs_keep_an_idle_session_alive() {
    let emu = Emulator::start();
    let cfg = text_config()
        .keepalive_interval(Some(Duration::from_millis(50)))
        .idle_timeout(Some(Duration::from_millis(400)));
    let mut session = connector(&emu).connect(cfg).await.unwrap();
    // Idle for well over the idle timeout: only the pings' pongs arrive.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    session.send_text("still here").await.unwrap();
    let (text, seen) = read_turn(&mut session).await;
    assert!(text.contains("still here"), "{seen:?}");
    session.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_handle_resumes_the_conversation_in_a_new_session() {
    let emu = Emulator::start();
    let cfg = text_config().session_resumption(true);
    let mut first = connector(&emu).connect(cfg.clone()).await.unwrap();
    first.send_text("one").await.unwrap();
    read_turn(&mut first).await;
    first.send_text("two").await.unwrap();
    read_turn(&mut first).await;
    // The update that follows the second turn (the first turn's came during it): its handle
    // restores both turns. The stored handle may still be the first turn's until it arrives.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let handle = loop {
        let event = tokio::time::timeout_at(deadline, first.next_event())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if let LiveEvent::ResumptionUpdate(update) = event {
            if let Some(h) = update
                .new_handle
                .filter(|_| update.resumable != Some(false))
            {
                break h;
            }
        }
    };
    assert_eq!(first.resumption_handle().as_deref(), Some(handle.as_str()));
    first.close().await.unwrap();
    let mut second = connector(&emu)
        .connect(cfg.resume_from(&handle))
        .await
        .unwrap();
    second.send_text("three").await.unwrap();
    let (text, _) = read_turn(&mut second).await;
    assert!(text.contains("(turn 3)"), "{text}");
    second.close().await.unwrap();
    // A handle the server does not know is refused with its close code.
    let err = connector(&emu)
        .connect(text_config().resume_from("not-a-handle"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, LiveError::Rejected { code: 1007, .. }),
        "{err:?}"
    );
}
