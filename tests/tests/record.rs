//! Record and replay (`gemini` feature `record`): calls recorded through `RecordingTransport`
//! against the emulator give the same answers from `ReplayTransport` with the emulator gone, the
//! cassette holds no key, and a request that was not recorded fails with its method and path.

use std::sync::Arc;

use futures_util::StreamExt as _;
use gemini::transport::{RecordingTransport, ReplayTransport};
use gemini::{Client, Error, HyperTransport, UploadOptions, UploadSource};
use integration_tests::{KEY, MODEL, Reply, builder, emulator, within};

/// What the calls answered, compared between the recording and the replay.
#[derive(Debug, PartialEq)]
struct Answers {
    unary: String,
    streamed: Vec<String>,
    tokens: i32,
    uploaded: (Option<String>, Option<String>),
    models: usize,
}

/// A unary call, a stream, a token count, a resumable upload (two requests) and a list.
async fn calls(client: &Client) -> Result<Answers, Error> {
    let models = client.models();
    let unary = models
        .generate_content(MODEL, "Explain how AI works in a few words")
        .await?
        .text()
        .unwrap_or_default();
    let mut stream = models
        .generate_content_stream(MODEL, "Write a four-line poem about the sea")
        .await?;
    let mut streamed = Vec::new();
    while let Some(chunk) = stream.next().await {
        streamed.push(chunk?.text().unwrap_or_default());
    }
    let tokens = models
        .count_tokens(MODEL, "How many tokens?")
        .await?
        .total();
    let file = client
        .files()
        .upload(
            UploadSource::bytes(vec![0xff_u8, 0x00, 0x7f, 0x80]),
            UploadOptions::new()
                .with_mime_type("application/octet-stream")
                .with_display_name("four bytes"),
        )
        .await?;
    let listed = models.list_page(None, None).await?;
    Ok(Answers {
        unary,
        streamed,
        tokens,
        uploaded: (file.name, file.size_bytes.map(|s| s.to_string())),
        models: listed.models.len(),
    })
}

/// A client for `emu` whose exchanges are recorded to `cassette`.
#[allow(clippy::expect_used)] // A test helper: failing loudly is right.
fn recording(emu: &gemini_emulator::Emulator, cassette: &std::path::Path) -> gemini::ClientBuilder {
    let hyper = HyperTransport::builder()
        .proxy(gemini::transport::ProxyConfig::none())
        .build()
        .expect("the transport builds");
    let recorder = RecordingTransport::create(hyper, cassette).expect("the cassette is created");
    builder(emu).transport(Arc::new(recorder))
}

#[tokio::test]
async fn a_recording_replays_offline_with_the_same_answers() {
    let dir = std::env::temp_dir().join(format!("gemini-record-{}", std::process::id()));
    let cassette = dir.join("session.jsonl");

    let emu = emulator();
    let base = emu.base_url();
    let client = recording(&emu, &cassette).build().unwrap();
    let recorded = within(calls(&client)).await.unwrap();
    drop(client);
    drop(emu);

    let text = std::fs::read_to_string(&cassette).unwrap();
    assert!(!text.contains(KEY), "the key reached the cassette");
    // generate, stream, countTokens, upload start + upload finalize, models list.
    assert_eq!(text.lines().count(), 6, "{text}");
    // The uploaded bytes are not UTF-8: base64.
    assert!(
        text.contains("\"requestBodyBase64\":\"/wB/gA==\""),
        "{text}"
    );

    // The emulator is gone: only the cassette answers.
    let replay = Arc::new(ReplayTransport::open(&cassette).unwrap());
    let client = Client::builder()
        .api_key("any-key")
        .base_url(&base)
        .transport(replay.clone())
        .build()
        .unwrap();
    let replayed = within(calls(&client)).await.unwrap();
    assert_eq!(replayed, recorded);
    assert_eq!(replay.remaining(), 0);

    // A call that was not recorded names itself, and is not retried into anything else.
    let err = client
        .models()
        .generate_content(MODEL, "A question nobody recorded")
        .await
        .unwrap_err();
    let mut message = err.to_string();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message = format!("{message}: {cause}");
        source = cause.source();
    }
    assert!(
        message.contains(&format!(
            "no unused recorded exchange for POST /v1beta/models/{MODEL}:generateContent with this body (1 recorded for it)"
        )),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_stream_cut_while_recording_replays_cut() {
    let dir = std::env::temp_dir().join(format!("gemini-record-cut-{}", std::process::id()));
    let cassette = dir.join("cut.jsonl");
    let emu = emulator();
    emu.script("streamGenerateContent")
        .reply(Reply::model().drop_after(1));
    let client = recording(&emu, &cassette)
        .retry_policy(gemini::RetryPolicy::disabled())
        .build()
        .unwrap();
    let read = |client: Client| async move {
        let mut stream = client
            .models()
            .generate_content_stream(MODEL, "Tell me a long story")
            .await
            .unwrap();
        let mut chunks = 0;
        let mut error = None;
        while let Some(item) = stream.next().await {
            match item {
                Ok(_) => chunks += 1,
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        (chunks, error.is_some())
    };
    let recorded = within(read(client)).await;
    assert_eq!(recorded, (1, true));
    drop(emu);
    let text = std::fs::read_to_string(&cassette).unwrap();
    assert!(text.contains("\"bodyError\""), "{text}");
    let client = Client::builder()
        .api_key("any-key")
        .transport(Arc::new(ReplayTransport::open(&cassette).unwrap()))
        .retry_policy(gemini::RetryPolicy::disabled())
        .build()
        .unwrap();
    assert_eq!(within(read(client)).await, recorded);
    let _ = std::fs::remove_dir_all(&dir);
}
