//! Batch mode over HTTP: inline and JSONL-file batches run through the emulator's model,
//! PENDING → RUNNING → SUCCEEDED on the clock, results inline or as a downloadable file,
//! cancel part-way, delete, and embedding batches.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use bytes::Bytes;
use gemini_emulator::{Emulator, ManualClock};
use serde_json::{Value, json};
use support::{get, post, send};

const KEY: (&str, &str) = ("x-goog-api-key", "k");

fn emulator(clock: &ManualClock) -> Emulator {
    Emulator::builder()
        .clock(clock.clone())
        .batch_timing(Duration::from_secs(60), Duration::from_secs(600))
        .start()
}

fn inline(n: usize) -> Value {
    let requests: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "request": {"contents": [{"role": "user", "parts": [{"text": format!("question {i}")}]}]},
                "metadata": {"key": format!("k{i}")}
            })
        })
        .collect();
    json!({"batch": {"displayName": "nightly", "inputConfig": {"requests": {"requests": requests}}}})
}

async fn batch(emu: &Emulator, name: &str) -> Value {
    let r = get(emu, &format!("/v1beta/{name}")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

/// Uploads `body` as a file in one request; returns its name.
async fn upload(emu: &Emulator, body: &str) -> String {
    let len = body.len().to_string();
    let start = send(
        emu,
        "POST",
        "/upload/v1beta/files",
        &[
            KEY,
            ("x-goog-upload-protocol", "resumable"),
            ("x-goog-upload-command", "start"),
            ("x-goog-upload-header-content-length", &len),
            ("x-goog-upload-header-content-type", "application/jsonl"),
        ],
        r#"{"file": {"displayName": "input.jsonl"}}"#,
    )
    .await;
    let url = start.header("x-goog-upload-url").unwrap();
    let path = url.strip_prefix("http://127.0.0.1").unwrap().to_owned();
    let done = send(
        emu,
        "POST",
        &path,
        &[
            KEY,
            ("x-goog-upload-command", "upload, finalize"),
            ("x-goog-upload-offset", "0"),
        ],
        body.to_owned(),
    )
    .await;
    assert_eq!(done.header("x-goog-upload-status"), Some("final"));
    done.json()["file"]["name"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_inline_batch_of_100_runs_on_the_clock() {
    let clock = ManualClock::new();
    let emu = emulator(&clock);
    let created = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:batchGenerateContent",
        &inline(100),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text());
    let op = created.json();
    let name = op["name"].as_str().unwrap().to_owned();
    assert!(name.starts_with("batches/"), "{name}");
    assert_eq!(op.get("done"), None);
    let meta = &op["metadata"];
    assert_eq!(
        meta["@type"],
        "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch"
    );
    assert_eq!(meta["state"], "BATCH_STATE_PENDING");
    assert_eq!(meta["model"], "models/gemini-2.5-flash");
    assert_eq!(meta["displayName"], "nightly");
    assert_eq!(
        meta["batchStats"],
        json!({"requestCount": "100", "pendingRequestCount": "100"})
    );

    clock.advance(Duration::from_secs(60));
    assert_eq!(
        batch(&emu, &name).await["metadata"]["state"],
        "BATCH_STATE_RUNNING"
    );
    clock.advance(Duration::from_secs(300));
    let half = batch(&emu, &name).await;
    assert_eq!(half["metadata"]["state"], "BATCH_STATE_RUNNING");
    assert_eq!(
        half["metadata"]["batchStats"],
        json!({"requestCount": "100", "successfulRequestCount": "50", "pendingRequestCount": "50"})
    );
    assert_eq!(half["metadata"]["updateTime"], "2026-01-01T00:06:00Z");
    clock.advance(Duration::from_secs(300));
    let done = batch(&emu, &name).await;
    assert_eq!(done["done"], true);
    let meta = &done["metadata"];
    assert_eq!(meta["state"], "BATCH_STATE_SUCCEEDED");
    assert_eq!(meta["endTime"], "2026-01-01T00:11:00Z");
    assert_eq!(
        meta["batchStats"],
        json!({"requestCount": "100", "successfulRequestCount": "100"})
    );
    let items = meta["output"]["inlinedResponses"]["inlinedResponses"]
        .as_array()
        .unwrap();
    assert_eq!(items.len(), 100);
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item["metadata"]["key"], format!("k{i}"));
        assert_eq!(
            item["response"]["candidates"][0]["content"]["parts"][0]["text"],
            format!("You said: question {i}")
        );
    }
    assert_eq!(
        done["response"]["@type"],
        "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput"
    );
    assert_eq!(
        done["response"]["inlinedResponses"],
        meta["output"]["inlinedResponses"]
    );

    // Listed, then deleted.
    let list = get(&emu, "/v1beta/batches").await.json();
    assert_eq!(list["operations"][0]["name"], name.as_str());
    let d = send(
        &emu,
        "DELETE",
        &format!("/v1beta/{name}"),
        &[KEY],
        Bytes::new(),
    )
    .await;
    assert_eq!((d.status, d.json()), (200, json!({})));
    assert_eq!(get(&emu, &format!("/v1beta/{name}")).await.status, 404);
}

#[tokio::test]
async fn a_bad_inline_request_gets_its_own_error() {
    let clock = ManualClock::new();
    let emu = emulator(&clock);
    let mut body = inline(3);
    body["batch"]["inputConfig"]["requests"]["requests"][1]["request"] = json!({"contents": []});
    let op = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:batchGenerateContent",
        &body,
    )
    .await
    .json();
    clock.advance(Duration::from_secs(660));
    let done = batch(&emu, op["name"].as_str().unwrap()).await;
    let items = &done["metadata"]["output"]["inlinedResponses"]["inlinedResponses"];
    assert_eq!(items[1]["error"]["code"], 3, "{items}");
    assert_eq!(items[1]["metadata"]["key"], "k1");
    assert!(items[0]["response"].is_object() && items[2]["response"].is_object());
    assert_eq!(
        done["metadata"]["batchStats"],
        json!({"requestCount": "3", "successfulRequestCount": "2", "failedRequestCount": "1"})
    );
}

#[tokio::test]
async fn a_1000_line_jsonl_batch_with_one_bad_line() {
    let clock = ManualClock::new();
    let emu = emulator(&clock);
    let mut lines = Vec::new();
    for i in 0..1000 {
        if i == 500 {
            lines.push(
                r#"{"key": "r500", "request": {"contents": [{"parts": [{"text": "x"}]}]"#
                    .to_owned(),
            );
        } else {
            lines.push(
                json!({"key": format!("r{i}"), "request": {"contents": [{"parts": [{"text": format!("line {i}")}]}]}})
                    .to_string(),
            );
        }
    }
    let input = upload(&emu, &(lines.join("\n") + "\n")).await;
    let body = json!({"batch": {"displayName": "file", "inputConfig": {"fileName": input}}});
    let op = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:batchGenerateContent",
        &body,
    )
    .await;
    assert_eq!(op.status, 200, "{}", op.text());
    let name = op.json()["name"].as_str().unwrap().to_owned();
    let id = name.strip_prefix("batches/").unwrap().to_owned();
    let results = format!("files/batch-{id}");
    // The results file appears only when the batch ends.
    assert_eq!(get(&emu, &format!("/v1beta/{results}")).await.status, 403);

    clock.advance(Duration::from_secs(660));
    let done = batch(&emu, &name).await;
    assert_eq!(
        done["metadata"]["output"],
        json!({"responsesFile": results})
    );
    assert_eq!(done["response"]["responsesFile"], results.as_str());
    assert_eq!(
        done["metadata"]["batchStats"],
        json!({"requestCount": "1000", "successfulRequestCount": "999", "failedRequestCount": "1"})
    );
    let file = get(&emu, &format!("/v1beta/{results}")).await.json();
    assert_eq!(file["source"], "GENERATED");
    assert_eq!(file["state"], "ACTIVE");
    assert_eq!(file["mimeType"], "application/jsonl");
    assert!(
        file["downloadUri"]
            .as_str()
            .unwrap()
            .ends_with(&format!("{results}:download?alt=media"))
    );

    let d = get(&emu, &format!("/v1beta/{results}:download?alt=media")).await;
    assert_eq!(d.status, 200);
    let text = d.text();
    let parsed: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed.len(), 1000);
    let errors: Vec<&Value> = parsed.iter().filter(|l| l.get("error").is_some()).collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["error"]["code"], 400);
    assert!(
        errors[0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 501")
    );
    for (i, line) in parsed.iter().enumerate().filter(|(i, _)| *i != 500) {
        assert_eq!(line["key"], format!("r{i}"));
        assert_eq!(
            line["response"]["candidates"][0]["content"]["parts"][0]["text"],
            format!("You said: line {i}")
        );
    }
}

#[tokio::test]
async fn a_running_batch_is_cancelled_part_way_and_cannot_be_deleted() {
    let clock = ManualClock::new();
    let emu = emulator(&clock);
    let input = upload(
        &emu,
        &json!({"key": "a", "request": {"contents": [{"parts": [{"text": "x"}]}]}}).to_string(),
    )
    .await;
    let op = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:batchGenerateContent",
        &json!({"batch": {"inputConfig": {"fileName": input}}}),
    )
    .await
    .json();
    let name = op["name"].as_str().unwrap().to_owned();
    clock.advance(Duration::from_secs(120));
    let running = batch(&emu, &name).await;
    assert_eq!(running["metadata"]["state"], "BATCH_STATE_RUNNING");

    let d = send(
        &emu,
        "DELETE",
        &format!("/v1beta/{name}"),
        &[KEY],
        Bytes::new(),
    )
    .await;
    assert_eq!(d.status, 400);
    assert_eq!(d.json()["error"]["status"], "FAILED_PRECONDITION");

    let c = post(&emu, &format!("/v1beta/{name}:cancel"), &json!({})).await;
    assert_eq!((c.status, c.json()), (200, json!({})));
    let cancelled = batch(&emu, &name).await;
    assert_eq!(cancelled["metadata"]["state"], "BATCH_STATE_CANCELLED");
    assert_eq!(cancelled["metadata"]["endTime"], "2026-01-01T00:02:00Z");
    assert_eq!(cancelled["done"], true);
    assert_eq!(cancelled["error"]["code"], 1);
    // The plan no longer runs and no results are published.
    clock.advance(Duration::from_secs(3600));
    assert_eq!(
        batch(&emu, &name).await["metadata"]["state"],
        "BATCH_STATE_CANCELLED"
    );
    let id = name.strip_prefix("batches/").unwrap();
    assert_eq!(
        get(&emu, &format!("/v1beta/files/batch-{id}")).await.status,
        403
    );
    let d = send(
        &emu,
        "DELETE",
        &format!("/v1beta/{name}"),
        &[KEY],
        Bytes::new(),
    )
    .await;
    assert_eq!(d.status, 200);
}

#[tokio::test]
async fn an_embeddings_batch() {
    let clock = ManualClock::new();
    let emu = emulator(&clock);
    let body = json!({"batch": {"displayName": "vectors", "inputConfig": {"requests": {"requests": [
        {"request": {"content": {"parts": [{"text": "cat"}]}, "outputDimensionality": 8}, "metadata": {"key": "a"}},
        {"request": {"content": {"parts": [{"text": "dog"}]}, "taskType": "RETRIEVAL_QUERY", "outputDimensionality": 8}, "metadata": {"key": "b"}},
    ]}}}});
    let op = post(
        &emu,
        "/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent",
        &body,
    )
    .await;
    assert_eq!(op.status, 200, "{}", op.text());
    let op = op.json();
    assert_eq!(
        op["metadata"]["@type"],
        "type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatch"
    );
    clock.advance(Duration::from_secs(660));
    let done = batch(&emu, op["name"].as_str().unwrap()).await;
    let items = done["metadata"]["output"]["inlinedEmbedContentResponses"]["inlinedResponses"]
        .as_array()
        .unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["metadata"]["key"], "b");
    assert_eq!(
        items[0]["response"]["embedding"]["values"]
            .as_array()
            .unwrap()
            .len(),
        8
    );
    // The same vector as embedContent.
    let single = post(
        &emu,
        "/v1beta/models/gemini-embedding-001:embedContent",
        &json!({"content": {"parts": [{"text": "cat"}]}, "outputDimensionality": 8}),
    )
    .await
    .json();
    assert_eq!(items[0]["response"]["embedding"], single["embedding"]);
    // A generation model does not embed; an embedding model does not generate batches.
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:asyncBatchEmbedContent",
        &body,
    )
    .await;
    assert_eq!(r.status, 404);
    let r = post(
        &emu,
        "/v1beta/models/gemini-embedding-001:batchGenerateContent",
        &inline(1),
    )
    .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn empty_and_bad_input_is_rejected() {
    let emu = Emulator::start();
    let path = "/v1beta/models/gemini-2.5-flash:batchGenerateContent";
    let r = post(&emu, path, &inline(0)).await;
    assert_eq!(r.status, 400);
    assert!(r.message().contains("no requests"), "{}", r.text());
    let r = post(&emu, path, &json!({})).await;
    assert_eq!(r.status, 400);
    let r = post(
        &emu,
        path,
        &json!({"batch": {"inputConfig": {"fileName": "files/missing"}}}),
    )
    .await;
    assert_eq!(r.status, 403);
    let r = post(
        &emu,
        path,
        &json!({"batch": {"inputConfig": {"requests": {"requests": []}}, "colour": 1}}),
    )
    .await;
    assert!(
        r.message().contains("Unknown name \"colour\""),
        "{}",
        r.text()
    );
}

#[tokio::test]
async fn a_batch_that_would_run_past_48_hours_expires() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .clock(clock.clone())
        .batch_timing(Duration::from_secs(3600), Duration::from_secs(72 * 3600))
        .start();
    let op = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:batchGenerateContent",
        &inline(4),
    )
    .await
    .json();
    let name = op["name"].as_str().unwrap().to_owned();
    clock.advance(Duration::from_secs(47 * 3600));
    let running = batch(&emu, &name).await;
    assert_eq!(running["metadata"]["state"], "BATCH_STATE_RUNNING");
    clock.advance(Duration::from_secs(3600));
    let expired = batch(&emu, &name).await;
    assert_eq!(expired["metadata"]["state"], "BATCH_STATE_EXPIRED");
    assert_eq!(expired["metadata"]["endTime"], "2026-01-03T00:00:00Z");
    assert_eq!(expired["done"], true);
    assert_eq!(expired["error"]["code"], 4);
    assert_eq!(expired["metadata"].get("output"), None);
}
