//! File search stores over HTTP: stores, the resumable `uploadToFileSearchStore` and
//! `importFile` operations, documents, chunking, and `generateContent` with the `fileSearch`
//! tool answering from the retrieved chunks with grounding metadata.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use bytes::Bytes;
use gemini_emulator::{Emulator, ManualClock};
use serde_json::{Value, json};
use support::{get, post, send};

const KEY: (&str, &str) = ("x-goog-api-key", "k");

async fn delete(emu: &Emulator, path: &str) -> support::Resp {
    send(emu, "DELETE", path, &[KEY], Bytes::new()).await
}

/// Uploads `text` into `store` with the resumable protocol (two chunks); returns the final
/// answer (the operation).
async fn upload(emu: &Emulator, store: &str, text: &str, start: &Value) -> Value {
    let size = text.len().to_string();
    let r = send(
        emu,
        "POST",
        &format!("/upload/v1beta/{store}:uploadToFileSearchStore"),
        &[
            KEY,
            ("content-type", "application/json"),
            ("x-goog-upload-protocol", "resumable"),
            ("x-goog-upload-command", "start"),
            ("x-goog-upload-header-content-length", &size),
            ("x-goog-upload-header-content-type", "text/plain"),
        ],
        start.to_string(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let url = r.header("x-goog-upload-url").unwrap().to_owned();
    let path = url.strip_prefix("http://127.0.0.1").unwrap().to_owned();
    assert!(
        path.starts_with(&format!(
            "/upload/v1beta/{store}:uploadToFileSearchStore?upload_id="
        )),
        "{path}"
    );
    let half = text.len() / 2;
    let r = send(
        emu,
        "POST",
        &path,
        &[
            ("x-goog-upload-command", "upload"),
            ("x-goog-upload-offset", "0"),
        ],
        Bytes::copy_from_slice(&text.as_bytes()[..half]),
    )
    .await;
    assert_eq!(r.header("x-goog-upload-status"), Some("active"));
    let offset = half.to_string();
    let r = send(
        emu,
        "POST",
        &path,
        &[
            ("x-goog-upload-command", "upload, finalize"),
            ("x-goog-upload-offset", &offset),
        ],
        Bytes::copy_from_slice(&text.as_bytes()[half..]),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-goog-upload-status"), Some("final"));
    r.json()
}

/// Uploads `text` as a file (one chunk); returns its name.
async fn upload_file(emu: &Emulator, text: &str, display_name: &str) -> String {
    let size = text.len().to_string();
    let r = send(
        emu,
        "POST",
        "/upload/v1beta/files",
        &[
            KEY,
            ("x-goog-upload-protocol", "resumable"),
            ("x-goog-upload-command", "start"),
            ("x-goog-upload-header-content-length", &size),
            ("x-goog-upload-header-content-type", "text/markdown"),
        ],
        json!({"file": {"displayName": display_name}}).to_string(),
    )
    .await;
    let url = r.header("x-goog-upload-url").unwrap().to_owned();
    let path = url.strip_prefix("http://127.0.0.1").unwrap().to_owned();
    let r = send(
        emu,
        "POST",
        &path,
        &[
            ("x-goog-upload-command", "upload, finalize"),
            ("x-goog-upload-offset", "0"),
        ],
        text.to_owned(),
    )
    .await;
    r.json()["file"]["name"].as_str().unwrap().to_owned()
}

const PARIS: &str = "Paris is the capital of France. The Eiffel Tower is a famous landmark in \
                     Paris.\n";
const BERLIN: &str = "Berlin is the capital of Germany. The Brandenburg Gate stands in Berlin.";
const ROME: &str = "# Rome\n\nRome is the capital of Italy. The Colosseum is an ancient \
                    amphitheatre in Rome.";

fn ask(question: &str, tool: &Value) -> Value {
    json!({
        "contents": [{"role": "user", "parts": [{"text": question}]}],
        "tools": [{"fileSearch": tool}],
    })
}

#[tokio::test]
async fn a_store_with_three_documents_answers_with_citations() {
    let emu = Emulator::start();
    let r = post(
        &emu,
        "/v1beta/fileSearchStores",
        &json!({"displayName": "Test File-Search Store"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let store = r.json()["name"].as_str().unwrap().to_owned();
    assert!(
        store.starts_with("fileSearchStores/testfilesearchstore-"),
        "{store}"
    );

    // Two uploads and an import.
    let op = upload(
        &emu,
        &store,
        PARIS,
        &json!({"displayName": "paris.txt", "mimeType": "text/plain",
                "customMetadata": [{"key": "country", "stringValue": "France"},
                                   {"key": "year", "numericValue": 2024}]}),
    )
    .await;
    let op_name = op["name"].as_str().unwrap();
    assert!(
        op_name.starts_with(&format!("{store}/upload/operations/")),
        "{op}"
    );
    assert_eq!(op["done"], true);
    let response = &op["response"];
    assert_eq!(
        response["@type"],
        "type.googleapis.com/google.ai.generativelanguage.v1main.UploadToFileSearchStoreResponse"
    );
    assert_eq!(response["parent"], store.as_str());
    assert_eq!(response["sizeBytes"], PARIS.len().to_string());
    let paris_doc = response["documentName"].as_str().unwrap().to_owned();
    assert_eq!(get(&emu, &format!("/v1beta/{op_name}")).await.json(), op);
    upload(
        &emu,
        &store,
        BERLIN,
        &json!({"displayName": "berlin.txt",
                "customMetadata": [{"key": "country", "stringValue": "Germany"}],
                "chunkingConfig": {"whiteSpaceConfig": {"maxTokensPerChunk": 8, "maxOverlapTokens": 2}}}),
    )
    .await;
    let file = upload_file(&emu, ROME, "rome.md").await;
    let r = post(
        &emu,
        &format!("/v1beta/{store}:importFile"),
        &json!({"fileName": file, "customMetadata": [{"key": "tags", "stringListValue": {"values": ["ancient", "italy"]}}]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let import = r.json();
    assert!(
        import["name"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{store}/operations/"))
    );
    assert_eq!(
        import["response"]["@type"],
        "type.googleapis.com/google.ai.generativelanguage.v1main.ImportFileResponse"
    );

    // Documents and the store's counts.
    let docs = get(&emu, &format!("/v1beta/{store}/documents"))
        .await
        .json();
    let docs = docs["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 3);
    assert!(docs.iter().all(|d| d["state"] == "STATE_ACTIVE"));
    let paris = get(&emu, &format!("/v1beta/{paris_doc}")).await.json();
    assert_eq!(paris["displayName"], "paris.txt");
    assert_eq!(paris["customMetadata"][0]["stringValue"], "France");
    let s = get(&emu, &format!("/v1beta/{store}")).await.json();
    assert_eq!(s["activeDocumentsCount"], "3");
    let total = PARIS.len() + BERLIN.len() + ROME.len();
    assert_eq!(s["sizeBytes"], total.to_string());

    // The question about France cites the Paris document.
    let tool = json!({"fileSearchStoreNames": [store]});
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &ask("What is the capital of France?", &tool),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let cand = &v["candidates"][0];
    let text = cand["content"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|p| p["text"].as_str())
        .unwrap();
    assert!(
        text.starts_with("Paris is the capital of France."),
        "{text}"
    );
    let meta = &cand["groundingMetadata"];
    let chunks = meta["groundingChunks"].as_array().unwrap();
    let first = &chunks[0]["retrievedContext"];
    assert_eq!(first["title"], "paris.txt");
    assert_eq!(first["fileSearchStore"], store.as_str());
    assert_eq!(first["text"], PARIS.trim_end());
    assert_eq!(first["documentName"], paris_doc.as_str());
    let support = &meta["groundingSupports"][0];
    assert_eq!(support["segment"].get("startIndex"), None);
    assert_eq!(support["segment"]["endIndex"], 31);
    assert_eq!(
        support["segment"]["text"],
        "Paris is the capital of France."
    );
    assert_eq!(support["groundingChunkIndices"], json!([0]));
    assert!(
        v["usageMetadata"]["toolUsePromptTokenCount"]
            .as_u64()
            .unwrap()
            > 0
    );

    // Streamed: the metadata comes with the last chunk.
    let r = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        &ask("Which gate stands in Berlin?", &tool),
    )
    .await;
    let events = support::sse_events(&r.body);
    let with_meta: Vec<&Value> = events
        .iter()
        .filter(|e| e["candidates"][0].get("groundingMetadata").is_some())
        .collect();
    assert_eq!(with_meta.len(), 1);
    let chunk = &with_meta[0]["candidates"][0]["groundingMetadata"]["groundingChunks"][0];
    assert_eq!(chunk["retrievedContext"]["title"], "berlin.txt");
    // Small chunks (8 words, 2 overlapping).
    let berlin_text = chunk["retrievedContext"]["text"].as_str().unwrap();
    assert!(berlin_text.split_whitespace().count() <= 8, "{berlin_text}");

    // A metadata filter and topK.
    let filtered = json!({"fileSearchStoreNames": [store], "metadataFilter": "country = \"Germany\"", "topK": 1});
    let v = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &ask("What is the capital?", &filtered),
    )
    .await
    .json();
    let chunks = v["candidates"][0]["groundingMetadata"]["groundingChunks"]
        .as_array()
        .unwrap();
    assert_eq!(chunks.len(), 1);
    assert_eq!(chunks[0]["retrievedContext"]["title"], "berlin.txt");
    let by_tag = json!({"fileSearchStoreNames": [store], "metadataFilter": "tags : \"ancient\""});
    let v = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &ask("What is the capital?", &by_tag),
    )
    .await
    .json();
    assert_eq!(
        v["candidates"][0]["groundingMetadata"]["groundingChunks"][0]["retrievedContext"]["title"],
        "rome.md"
    );

    // Bad input: no store, an unknown store, a bad filter.
    for (tool, code) in [
        (json!({}), 400),
        (
            json!({"fileSearchStoreNames": ["fileSearchStores/nope"]}),
            404,
        ),
        (
            json!({"fileSearchStoreNames": [store], "metadataFilter": "country ="}),
            400,
        ),
    ] {
        let r = post(
            &emu,
            "/v1beta/models/gemini-2.5-flash:generateContent",
            &ask("x", &tool),
        )
        .await;
        assert_eq!(r.status, code, "{tool}: {}", r.text());
    }

    // Deleting: a document with chunks needs force, so does a store with documents.
    let r = delete(&emu, &format!("/v1beta/{paris_doc}")).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["status"], "FAILED_PRECONDITION");
    assert_eq!(
        delete(&emu, &format!("/v1beta/{paris_doc}?force=true"))
            .await
            .status,
        200
    );
    assert_eq!(get(&emu, &format!("/v1beta/{paris_doc}")).await.status, 404);
    let r = delete(&emu, &format!("/v1beta/{store}")).await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(r.json()["error"]["status"], "FAILED_PRECONDITION");
    assert_eq!(
        delete(&emu, &format!("/v1beta/{store}?force=True"))
            .await
            .status,
        200
    );
    assert_eq!(get(&emu, &format!("/v1beta/{store}")).await.status, 404);
    assert_eq!(
        get(&emu, &format!("/v1beta/{store}/documents"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn documents_are_pending_until_the_clock_passes_their_processing_time() {
    let clock = ManualClock::new();
    let emu = Emulator::builder()
        .clock(clock.clone())
        .document_processing_time(Duration::from_secs(5))
        .start();
    let store = post(&emu, "/v1beta/fileSearchStores", &json!({}))
        .await
        .json()["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let op = upload(&emu, &store, PARIS, &json!({})).await;
    assert_eq!(op.get("done"), None, "{op}");
    let doc = get(&emu, &format!("/v1beta/{store}/documents"))
        .await
        .json();
    assert_eq!(doc["documents"][0]["state"], "STATE_PENDING");
    let s = get(&emu, &format!("/v1beta/{store}")).await.json();
    assert_eq!(s["pendingDocumentsCount"], "1");
    // A pending document is not searched.
    let tool = json!({"fileSearchStoreNames": [store]});
    let v = post(
        &emu,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &ask("capital of France", &tool),
    )
    .await
    .json();
    assert_eq!(v["candidates"][0].get("groundingMetadata"), None, "{v}");
    clock.advance(Duration::from_secs(5));
    let op = get(&emu, &format!("/v1beta/{}", op["name"].as_str().unwrap()))
        .await
        .json();
    assert_eq!(op["done"], true);
    let s = get(&emu, &format!("/v1beta/{store}")).await.json();
    assert_eq!(s["activeDocumentsCount"], "1");

    // Binary content fails; bad options and unknown stores are refused.
    let op = {
        let r = send(
            &emu,
            "POST",
            &format!("/upload/v1beta/{store}:uploadToFileSearchStore"),
            &[
                KEY,
                ("x-goog-upload-protocol", "resumable"),
                ("x-goog-upload-command", "start"),
                ("x-goog-upload-header-content-type", "application/pdf"),
            ],
            "{}",
        )
        .await;
        let path = r
            .header("x-goog-upload-url")
            .unwrap()
            .strip_prefix("http://127.0.0.1")
            .unwrap()
            .to_owned();
        send(
            &emu,
            "POST",
            &path,
            &[
                ("x-goog-upload-command", "upload, finalize"),
                ("x-goog-upload-offset", "0"),
            ],
            Bytes::from_static(b"%PDF\xff\xfe"),
        )
        .await
        .json()
    };
    clock.advance(Duration::from_secs(5));
    let op = get(&emu, &format!("/v1beta/{}", op["name"].as_str().unwrap()))
        .await
        .json();
    assert_eq!(op["error"]["code"], 3, "{op}");
    let r = send(
        &emu,
        "POST",
        "/upload/v1beta/fileSearchStores/nope:uploadToFileSearchStore",
        &[
            KEY,
            ("x-goog-upload-protocol", "resumable"),
            ("x-goog-upload-command", "start"),
            ("x-goog-upload-header-content-type", "text/plain"),
        ],
        "{}",
    )
    .await;
    assert_eq!(r.status, 404);
    let r = post(
        &emu,
        &format!("/v1beta/{store}:importFile"),
        &json!({"fileName": "files/missing"}),
    )
    .await;
    assert_eq!(r.status, 403);
    let r = post(
        &emu,
        &format!("/v1beta/{store}:importFile"),
        &json!({"fileName": "files/x", "chunkingConfig": {"whiteSpaceConfig": {"maxTokensPerChunk": 9999}}}),
    )
    .await;
    assert_eq!(r.status, 400);

    // Paging through stores.
    for i in 0..3 {
        post(
            &emu,
            "/v1beta/fileSearchStores",
            &json!({"displayName": format!("s{i}")}),
        )
        .await;
    }
    let page = get(&emu, "/v1beta/fileSearchStores?pageSize=2")
        .await
        .json();
    assert_eq!(page["fileSearchStores"].as_array().unwrap().len(), 2);
    let token = page["nextPageToken"].as_str().unwrap();
    let rest = get(
        &emu,
        &format!("/v1beta/fileSearchStores?pageSize=2&pageToken={token}"),
    )
    .await
    .json();
    assert_eq!(rest["fileSearchStores"].as_array().unwrap().len(), 2);
    assert_eq!(rest.get("nextPageToken"), None);
}

/// The key paths of `v` (array positions collapsed to `[]`).
fn key_paths(v: &Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let path = format!("{prefix}.{k}");
                out.insert(path.clone());
                key_paths(child, &path, out);
            }
        }
        Value::Array(a) => {
            for child in a {
                key_paths(child, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

fn paths(v: &Value) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    key_paths(v, "", &mut out);
    out
}

#[tokio::test]
async fn stores_operations_and_grounding_have_the_fields_of_real_recordings() {
    let Some(recorded) = support::real_dir("the file search shapes check") else {
        return;
    };
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(recorded.join("responses").join(name)).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let real_store = read("pydantic-test_google_model_file_search_tool.0.json");
    let real_op = read("pydantic-test_google_model_file_search_tool.2.json");
    let real_answer = read("pydantic-test_google_model_file_search_tool.3.json");

    let emu = Emulator::start();
    let store = post(
        &emu,
        "/v1beta/fileSearchStores",
        &json!({"displayName": "test-file-search-store"}),
    )
    .await
    .json();
    let name = store["name"].as_str().unwrap().to_owned();
    let op = upload(
        &emu,
        &name,
        PARIS,
        &json!({"displayName": "paris.txt", "mimeType": "text/plain"}),
    )
    .await;
    upload(&emu, &name, BERLIN, &json!({"mimeType": "text/plain"})).await;
    let answer = post(
        &emu,
        "/v1beta/models/gemini-2.5-pro:generateContent",
        &ask(
            "What is the capital of France?",
            &json!({"fileSearchStoreNames": [name]}),
        ),
    )
    .await
    .json();
    for (what, real, ours) in [
        ("store", &real_store, &store),
        ("upload operation", &real_op, &op),
        (
            "grounding metadata",
            &real_answer["candidates"][0]["groundingMetadata"],
            &answer["candidates"][0]["groundingMetadata"],
        ),
        (
            "usage",
            &real_answer["usageMetadata"],
            &answer["usageMetadata"],
        ),
    ] {
        let ours = paths(ours);
        let missing: Vec<String> = paths(real)
            .into_iter()
            .filter(|p| !ours.contains(p) && !p.contains("thoughtsTokenCount"))
            .collect();
        assert!(missing.is_empty(), "{what}: missing {missing:?}");
    }
    // The same store naming as the real service.
    let id = name.strip_prefix("fileSearchStores/").unwrap();
    let real_id = real_store["name"]
        .as_str()
        .unwrap()
        .strip_prefix("fileSearchStores/")
        .unwrap();
    assert_eq!(id.len(), real_id.len());
    assert_eq!(id.split('-').next(), real_id.split('-').next());
}
