//! Every payload in `../shared/spec/examples` (JSON files, JSONL lines, the `data:` payloads of the
//! `.sse` files and the JSON bodies of the `.http` upload transcript) decodes into its type and
//! re-serializes to the same JSON, modulo what JSON lets vary (see `common/mod.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::fmt::Write as _;

use common::kinds::Kind;
use common::{Opts, compare, jsonl, shared_spec, sse_data};
use serde_json::json;

/// Example file -> the kind of every payload in it (see examples/README.md).
const EXAMPLES: &[(&str, Kind)] = &[
    ("auth_token_create_request.json", Kind::AuthTokenRequest),
    ("auth_token_response.json", Kind::AuthToken),
    ("batch_create_request_file.json", Kind::BatchCreateRequest),
    ("batch_create_request_inline.json", Kind::BatchCreateRequest),
    (
        "batch_embed_contents_request.json",
        Kind::BatchEmbedContentsRequest,
    ),
    (
        "batch_embed_contents_response.json",
        Kind::BatchEmbedContentsResponse,
    ),
    ("batch_input.jsonl", Kind::BatchInputLine),
    ("batch_operation_running.json", Kind::BatchOperation),
    ("batch_operation_succeeded_file.json", Kind::BatchOperation),
    (
        "batch_operation_succeeded_inline.json",
        Kind::BatchOperation,
    ),
    ("batch_results.jsonl", Kind::BatchResultLine),
    ("cached_content_create_request.json", Kind::CachedContent),
    ("cached_content_response.json", Kind::CachedContent),
    ("count_tokens_request.json", Kind::CountTokensRequest),
    ("count_tokens_response.json", Kind::CountTokensResponse),
    ("error_400_bad_request_field.json", Kind::ErrorEnvelope),
    ("error_400_invalid_key.json", Kind::ErrorEnvelope),
    ("error_429_resource_exhausted.json", Kind::ErrorEnvelope),
    ("file_resource_processing.json", Kind::CreateFileResponse),
    (
        "generate_content_request_function_calling.json",
        Kind::GenerateContentRequest,
    ),
    (
        "generate_content_request_function_response_turn.json",
        Kind::GenerateContentRequest,
    ),
    (
        "generate_content_response_function_call.json",
        Kind::GenerateContentResponse,
    ),
    (
        "generate_content_response_text_grounded.json",
        Kind::GenerateContentResponse,
    ),
    (
        "interactions_create_request.json",
        Kind::CreateInteractionRequest,
    ),
    (
        "interactions_function_result_request.json",
        Kind::CreateInteractionRequest,
    ),
    (
        "interactions_response_requires_action.json",
        Kind::Interaction,
    ),
    ("interactions_stream.sse", Kind::InteractionEvent),
    ("live_client_messages.jsonl", Kind::LiveClientMessage),
    ("live_server_messages.jsonl", Kind::LiveServerMessage),
    ("live_setup.json", Kind::LiveClientMessage),
    ("live_setup_resume.json", Kind::LiveClientMessage),
    (
        "prompt_blocked_response.json",
        Kind::GenerateContentResponse,
    ),
    ("stream_generate_content_3_events.sse", Kind::StreamEvent),
    (
        "stream_generate_content_midstream_error.sse",
        Kind::StreamEvent,
    ),
    // Bodies are dispatched per message, see `http_bodies`.
    ("upload_resumable_transcript.http", Kind::File),
    ("veo_operation_done.json", Kind::VideoOperation),
];

/// The JSON bodies of an HTTP transcript, each with the kind it decodes into: a request body is
/// the `CreateFileRequest` (`{"file": {...}}`), a response body is `{"file": File}` after an
/// upload and a bare `File` after a GET.
fn http_bodies(text: &str) -> Vec<(String, Kind, String)> {
    let mut out = Vec::new();
    let mut in_response = false;
    let mut start_line = String::new();
    for line in text.lines() {
        if line.starts_with("HTTP/") {
            in_response = true;
            start_line = format!("response to {start_line}");
        } else if ["GET ", "POST ", "PUT ", "PATCH ", "DELETE "]
            .iter()
            .any(|m| line.starts_with(m))
        {
            in_response = false;
            line.clone_into(&mut start_line);
        } else if line.starts_with('{') {
            let wrapped = line.starts_with("{\"file\"");
            let kind = match (in_response, wrapped) {
                (false, _) => Kind::CreateFileRequest,
                (true, true) => Kind::CreateFileResponse,
                (true, false) => Kind::File,
            };
            out.push((start_line.clone(), kind, line.to_owned()));
        }
    }
    out
}

#[test]
fn every_example_round_trips() {
    let Some(spec) = shared_spec("examples_round_trip") else {
        return;
    };
    let dir = spec.join("examples");
    let mut failures = String::new();
    let mut units = 0usize;
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n != "README.md")
        .collect();
    names.sort();
    for name in &names {
        let Some(&(_, kind)) = EXAMPLES.iter().find(|(f, _)| f == name) else {
            let _ = writeln!(failures, "{name}: not mapped to a type in EXAMPLES");
            continue;
        };
        let text = std::fs::read_to_string(dir.join(name)).expect("read example");
        let payloads: Vec<(String, Kind, String)> = if common::ext(name) == "sse" {
            sse_data(&text)
                .into_iter()
                .enumerate()
                .map(|(i, d)| (format!("event {}", i + 1), kind, d))
                .collect()
        } else if common::ext(name) == "jsonl" {
            jsonl(&text)
                .into_iter()
                .enumerate()
                .map(|(i, d)| (format!("line {}", i + 1), kind, d.to_owned()))
                .collect()
        } else if common::ext(name) == "http" {
            http_bodies(&text)
        } else {
            vec![(String::new(), kind, text)]
        };
        assert!(!payloads.is_empty(), "{name}: no payload found");
        for (at, kind, payload) in payloads {
            units += 1;
            let outcome = kind.check(&payload, false);
            if !outcome.is_ok() {
                let _ = writeln!(failures, "{name} {at} ({kind:?}): {}", outcome.describe());
            }
        }
    }
    for (f, _) in EXAMPLES {
        assert!(
            names.iter().any(|n| n == f),
            "{f} listed but not in examples/"
        );
    }
    println!("examples: {} files, {units} payloads", names.len());
    assert!(
        failures.is_empty(),
        "example round-trip failures:\n{failures}"
    );
}

#[test]
fn http_transcript_bodies_are_found() {
    let t = "POST /upload/v1beta/files HTTP/1.1\n\n{\"file\":{\"displayName\":\"a\"}}\n\nHTTP/1.1 200 OK\n\n{\"file\":{\"name\":\"files/x\"}}\nGET /v1beta/files/x HTTP/1.1\n\nHTTP/1.1 200 OK\n\n{\"name\":\"files/x\"}\n";
    let kinds: Vec<Kind> = http_bodies(t).into_iter().map(|(_, k, _)| k).collect();
    assert_eq!(
        kinds,
        [
            Kind::CreateFileRequest,
            Kind::CreateFileResponse,
            Kind::File
        ]
    );
}

// The comparison itself: it must forgive exactly the listed spellings and nothing else.
#[test]
fn harness_forgives_only_wire_spelling() {
    let o = Opts::default();
    assert!(compare(&json!({"a": "12"}), &json!({"a": 12}), o).is_empty());
    assert!(compare(&json!({"d": "3.50s"}), &json!({"d": "3.5s"}), o).is_empty());
    assert!(
        compare(
            &json!({"t": "2026-01-01T01:00:00+01:00"}),
            &json!({"t": "2026-01-01T00:00:00.000Z"}),
            o
        )
        .is_empty()
    );
    assert!(compare(&json!({"b": "-_8"}), &json!({"b": "+/8="}), o).is_empty());
    assert!(compare(&json!({"e": [], "f": {}, "g": null}), &json!({}), o).is_empty());
    assert_eq!(compare(&json!({"a": "x"}), &json!({}), o).len(), 1);
    assert_eq!(compare(&json!({}), &json!({"a": 1}), o).len(), 1);
    assert_eq!(compare(&json!({"a": 1.5}), &json!({"a": 1.25}), o).len(), 1);
    assert_eq!(compare(&json!([1, 2]), &json!([1]), o).len(), 1);
    assert_eq!(
        compare(&json!({"s": "abc"}), &json!({"s": "abd"}), o).len(),
        1
    );
    // snake_case and single objects only in lenient request mode.
    let snake = json!({"max_output_tokens": 5, "parts": {"text": "x"}});
    let camel = json!({"maxOutputTokens": 5, "parts": [{"text": "x"}]});
    assert_eq!(compare(&snake, &camel, o).len(), 3);
    let lenient = Opts {
        lenient_request: true,
    };
    assert!(compare(&snake, &camel, lenient).is_empty());
    let lost = compare(
        &json!({"x": {"y": [1, {"z": 2}]}}),
        &json!({"x": {"y": [1, {}]}}),
        o,
    );
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].path, "$.x.y[1].z");
}

#[test]
fn sse_payloads() {
    let body = "data: {\"a\":1}\r\n\r\ndata: {\"b\":\r\ndata: 2}\r\n\r\n: comment\r\nevent: x\r\ndata: 3\r\n\r\n";
    assert_eq!(sse_data(body), vec!["{\"a\":1}", "{\"b\":\n2}", "3"]);
}

/// The harness really reports a type that drops or rewrites data, with the JSON path.
#[test]
fn harness_reports_a_lossy_type() {
    #[derive(serde::Deserialize, serde::Serialize)]
    struct Lossy {
        text: String,
        #[serde(default)]
        count: i32,
    }
    match common::round_trip::<Lossy>(
        r#"{"text":"a","other":{"x":1},"count":1.5e0}"#,
        Opts::default(),
    ) {
        common::Outcome::DecodeError(e) => assert!(e.contains("count"), "{e}"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    match common::round_trip::<Lossy>(r#"{"text":"a","other":{"x":1}}"#, Opts::default()) {
        common::Outcome::Lost(l) => {
            let paths: Vec<&str> = l.iter().map(|l| l.path.as_str()).collect();
            // `other` was dropped; `count` was invented (0 was not in the input).
            assert_eq!(paths, ["$.other", "$.count"]);
        }
        other => panic!("expected a loss, got {other:?}"),
    }
}
