//! The Gemini example streams in `../shared/spec/examples/*.sse`, and the real recorded stream
//! chunks in `../shared/spec/real/streams/*.jsonl` re-framed the way Gemini frames them, decode
//! to the expected events with JSON data, through both `push` and `feed`. Skipped, with one line,
//! when `../shared/spec` is absent (a failure under `CI=true`).

// Test code: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{decode_chunks, shared_spec};
use gemini_sse::DecoderConfig;

/// Decodes `input` whole, in 7-byte chunks and byte by byte (each with `push` and `feed`, which
/// must agree); returns the data of the events.
fn decode_all_ways(input: &[u8]) -> Vec<String> {
    let config = DecoderConfig::default();
    let whole = decode_chunks(&config, [input]);
    assert_eq!(decode_chunks(&config, input.chunks(7)), whole);
    assert_eq!(decode_chunks(&config, input.chunks(1)), whole);
    whole
        .items
        .into_iter()
        .map(|item| item.expect("decodes").into_data())
        .collect()
}

#[test]
fn example_streams_decode_to_json_events() {
    let Some(dir) = shared_spec("example_streams_decode_to_json_events", "examples") else {
        return;
    };
    let expected = [
        ("stream_generate_content_3_events.sse", 3),
        ("stream_generate_content_midstream_error.sse", 2),
        ("interactions_stream.sse", 5),
    ];
    for (file, count) in expected {
        let input = std::fs::read(dir.join(file)).expect("example file");
        let events = decode_all_ways(&input);
        assert_eq!(events.len(), count, "{file}");
        for data in &events {
            let json: serde_json::Value = serde_json::from_str(data).expect("JSON data");
            assert!(json.is_object(), "{file}: {data}");
        }
    }
    let input = std::fs::read(dir.join("stream_generate_content_midstream_error.sse")).unwrap();
    let events = decode_all_ways(&input);
    let error: serde_json::Value = serde_json::from_str(&events[1]).unwrap();
    assert_eq!(error["error"]["code"], 503);
}

#[test]
fn every_sse_example_decodes() {
    let Some(dir) = shared_spec("every_sse_example_decodes", "examples") else {
        return;
    };
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "sse") {
            let events = decode_all_ways(&std::fs::read(&path).unwrap());
            assert!(!events.is_empty(), "{}", path.display());
            for data in events {
                serde_json::from_str::<serde_json::Value>(&data).expect("JSON data");
            }
            files += 1;
        }
    }
    assert!(files >= 3, "{files} .sse files");
}

#[test]
fn real_recorded_chunks_survive_gemini_framing() {
    let Some(dir) = shared_spec(
        "real_recorded_chunks_survive_gemini_framing",
        "real/streams",
    ) else {
        return;
    };
    let mut streams = 0;
    let mut chunks = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        // Gemini's framing: `data: <json>\r\n\r\n` per chunk (../shared/spec/API.md section 6).
        let mut input = Vec::new();
        for line in &lines {
            input.extend_from_slice(b"data: ");
            input.extend_from_slice(line.as_bytes());
            input.extend_from_slice(b"\r\n\r\n");
        }
        let config = DecoderConfig::default();
        let whole = decode_chunks(&config, [&input[..]]);
        // Network-sized chunks; byte by byte would be slow for the multi-megabyte streams.
        assert_eq!(decode_chunks(&config, input.chunks(1000)), whole);
        let data: Vec<String> = whole
            .items
            .into_iter()
            .map(|item| item.expect("decodes").into_data())
            .collect();
        assert_eq!(data, lines, "{}", path.display());
        for d in &data {
            serde_json::from_str::<serde_json::Value>(d).expect("JSON data");
        }
        streams += 1;
        chunks += data.len();
    }
    assert!(streams > 0, "no streams found in {}", dir.display());
    eprintln!("decoded {streams} real streams, {chunks} chunks");
}
