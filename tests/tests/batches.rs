//! `client.batches()` against the emulator: 100 inline requests waited to completion with
//! results matched to keys, a 1,000-line JSONL file with one bad line, a JSONL file written
//! and uploaded for the caller, the cancel of a running batch, an embeddings batch, and the
//! typed error of an empty batch.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::TryStreamExt as _;
use gemini::types::{BatchState, EmbedContentRequest, GenerateContentBatch};
use gemini::{
    BatchResult, Client, Error, GenerateContentRequest, UploadOptions, UploadSource, WaitOptions,
};
use gemini_emulator::Emulator;
use integration_tests::{EMBEDDING_MODEL, KEY, MODEL, client, within};

#[path = "../../crates/gemini/examples/batches.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod batches_example;

/// An emulator whose batches wait `pending` then run for `running`, on the real clock.
fn emulator(pending: Duration, running: Duration) -> Emulator {
    Emulator::builder()
        .api_key(KEY)
        .batch_timing(pending, running)
        .start()
}

fn quick() -> WaitOptions {
    WaitOptions::new()
        .with_initial_interval(Duration::from_millis(20))
        .with_max_interval(Duration::from_millis(50))
        .with_timeout(Duration::from_secs(15))
}

async fn collect(
    client: &Client,
    op: &gemini::types::BatchOperation,
) -> Result<Vec<BatchResult>, Error> {
    within(async { client.batches().results(op).await?.try_collect().await }).await
}

#[tokio::test]
async fn a_batch_of_100_inline_requests_matched_to_keys() {
    let emu = emulator(Duration::from_millis(50), Duration::from_millis(200));
    let client = client(&emu);
    let batches = client.batches();
    let op = within(batches.create_inline(
        MODEL,
        (0..100).map(|i| {
            (
                format!("k{i}"),
                GenerateContentRequest::from(format!("prompt {i}")),
            )
        }),
    ))
    .await
    .unwrap();
    let progress = Mutex::new(Vec::new());
    let done = within(batches.wait_with_progress(op.name(), quick(), |s| {
        progress
            .lock()
            .unwrap()
            .push(s.successful_request_count.unwrap_or(0));
    }))
    .await
    .unwrap();
    assert_eq!(done.state(), Some(&BatchState::Succeeded));
    let progress = progress.into_inner().unwrap();
    assert_eq!(progress.last(), Some(&100));
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    let items = collect(&client, &done).await.unwrap();
    assert_eq!(items.len(), 100);
    for item in &items {
        let key = item.key.as_deref().unwrap();
        let i = key.strip_prefix('k').unwrap();
        let text = item.result.as_ref().unwrap().text().unwrap();
        assert!(text.contains(&format!("prompt {i}")), "{key}: {text}");
    }
    let keys: BTreeSet<_> = items.iter().map(|i| i.key.clone().unwrap()).collect();
    assert_eq!(keys.len(), 100);
    let listed: Vec<_> = within(batches.list().try_collect::<Vec<_>>())
        .await
        .unwrap();
    assert!(listed.iter().any(|b| b.name() == op.name()));
    within(batches.delete(op.name())).await.unwrap();
}

/// A 1,000-line JSONL input with one line that is not JSON: 999 results and 1 error, the
/// results file streamed line by line.
#[tokio::test]
async fn a_1000_line_jsonl_batch_with_one_bad_line() {
    let emu = emulator(Duration::from_millis(20), Duration::from_millis(100));
    let client = client(&emu);
    let mut jsonl = String::new();
    for i in 0..1000 {
        if i == 500 {
            jsonl.push_str(
                r#"{"key": "r500", "request": {"contents": [{"parts": [{"text": "x"}]}]"#,
            );
        } else {
            jsonl.push_str(
                &serde_json::json!({"key": format!("r{i}"), "request": {"contents": [{"parts": [{"text": format!("line {i}")}]}]}})
                    .to_string(),
            );
        }
        jsonl.push('\n');
    }
    let input = within(client.files().upload(
        UploadSource::bytes(jsonl.into_bytes()),
        UploadOptions::new().with_mime_type("application/jsonl"),
    ))
    .await
    .unwrap();
    let batches = client.batches();
    let op = within(batches.create(
        MODEL,
        GenerateContentBatch::from_file(input.name.clone().unwrap()),
    ))
    .await
    .unwrap();
    let done = within(batches.wait(op.name(), quick())).await.unwrap();
    assert!(matches!(
        done.output(),
        Some(gemini::types::BatchResults::File(_))
    ));
    let items = collect(&client, &done).await.unwrap();
    assert_eq!(items.len(), 1000);
    let (ok, failed): (Vec<_>, Vec<_>) = items.iter().partition(|i| i.result.is_ok());
    assert_eq!((ok.len(), failed.len()), (999, 1));
    assert!(
        failed[0]
            .result
            .as_ref()
            .unwrap_err()
            .message()
            .contains("line 501"),
        "{:?}",
        failed[0]
    );
    for item in ok {
        let i = item.key.as_deref().unwrap().strip_prefix('r').unwrap();
        assert_eq!(
            item.result.as_ref().unwrap().text().unwrap(),
            format!("You said: line {i}")
        );
    }
}

/// Keyed requests written as JSONL and uploaded for the caller; one request the server
/// rejects is that key's error.
#[tokio::test]
async fn create_from_requests_uploads_the_jsonl_for_the_caller() {
    let emu = emulator(Duration::from_millis(20), Duration::from_millis(100));
    let client = client(&emu);
    let batches = client.batches();
    let requests = (0..50).map(|i| {
        let request = if i == 7 {
            GenerateContentRequest::new([])
        } else {
            GenerateContentRequest::from(format!("q{i}"))
        };
        (format!("q{i}"), request)
    });
    let op = within(batches.create_from_requests(MODEL, requests))
        .await
        .unwrap();
    let upload = emu
        .requests()
        .into_iter()
        .find(|r| r.header("x-goog-upload-command") == Some("start"))
        .unwrap();
    assert_eq!(
        upload.header("x-goog-upload-header-content-type"),
        Some("application/jsonl")
    );
    let done = within(batches.wait(op.name(), quick())).await.unwrap();
    let items = collect(&client, &done).await.unwrap();
    assert_eq!(items.len(), 50);
    let bad: Vec<_> = items.iter().filter(|i| i.result.is_err()).collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].key.as_deref(), Some("q7"));
}

#[tokio::test]
async fn a_running_batch_is_cancelled() {
    let emu = emulator(Duration::from_millis(10), Duration::from_secs(600));
    let client = client(&emu);
    let batches = client.batches();
    let op = within(batches.create_inline(
        MODEL,
        (0..10).map(|i| (format!("c{i}"), GenerateContentRequest::from("hello"))),
    ))
    .await
    .unwrap();
    within(batches.cancel(op.name())).await.unwrap();
    let done = within(batches.wait(op.name(), quick())).await.unwrap();
    assert_eq!(done.state(), Some(&BatchState::Cancelled));
    let e = within(batches.results(&done)).await.unwrap_err();
    assert!(matches!(e, Error::Build(_)), "{e:?}");
}

#[tokio::test]
async fn an_embeddings_batch() {
    let emu = emulator(Duration::from_millis(10), Duration::from_millis(50));
    let client = client(&emu);
    let batches = client.batches();
    let op = within(
        batches.create_embeddings_inline(
            EMBEDDING_MODEL,
            ["apples", "pears", "rust"]
                .into_iter()
                .map(|t| (t, EmbedContentRequest::from(t))),
        ),
    )
    .await
    .unwrap();
    let done = within(batches.wait_embeddings(op.name(), quick(), |_| {}))
        .await
        .unwrap();
    let items: Vec<_> = within(async {
        batches
            .embedding_results(&done)
            .await
            .unwrap()
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
    })
    .await;
    assert_eq!(items.len(), 3);
    for item in &items {
        let embedding = item.result.as_ref().unwrap().embedding.clone().unwrap();
        assert!(!embedding.values.is_empty(), "{item:?}");
    }
}

#[tokio::test]
async fn an_empty_batch_is_rejected_before_sending() {
    let emu = emulator(Duration::from_millis(10), Duration::from_millis(10));
    let client = client(&emu);
    let e = client
        .batches()
        .create_inline(MODEL, Vec::<(String, GenerateContentRequest)>::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Build(_)), "{e:?}");
    assert_eq!(emu.count("*"), 0);
}

#[tokio::test]
async fn example_batches() {
    let emu = emulator(Duration::from_millis(10), Duration::from_millis(50));
    let client = client(&emu);
    within(batches_example::run(&client, MODEL)).await.unwrap();
    assert!(emu.count("*") > 0);
}
