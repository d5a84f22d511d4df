//! Decoding benchmarks: our typed `GenerateContentResponse` next to `serde_json::Value` on the same
//! bytes.
//!
//! * (a) a typical ~1.5 KB text response (thought summary, safety ratings, usage with details);
//! * (b) one streamed chunk (~350 B, text plus a `thoughtSignature`);
//! * (c) a response carrying a 4 MB inline image (base64 in JSON, ~5.6 MB of input).
//!
//! `cargo bench -p gemini-types --bench decode` (add `-- --quick` for a short run). Set
//! `DECODE_ONESHOT=<typed|value>-<a|b|c>` to decode one payload 200 times (a/b) or 5 times (c)
//! without criterion, for `valgrind --tool=callgrind --toggle-collect=decode_bench::oneshot*`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use gemini_types::GenerateContentResponse;
use serde_json::{Value, json};

/// A deterministic pseudo-random byte stream (xorshift), so the image does not compress to a
/// repeated pattern.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn b64(bytes: &[u8]) -> String {
    gemini_types::wire::encode_base64(bytes)
}

fn safety() -> Value {
    json!([
        {"category": "HARM_CATEGORY_SEXUALLY_EXPLICIT", "probability": "NEGLIGIBLE"},
        {"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE"},
        {"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"},
        {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "NEGLIGIBLE"}
    ])
}

/// (a) A typical text answer, about 1.5 KB.
fn text_response() -> Vec<u8> {
    let answer = "AI works by learning patterns from large amounts of data. A model is trained on \
        examples, adjusting millions of internal parameters so that its predictions match the \
        examples; once trained, it applies those learned patterns to new inputs it has never \
        seen, producing text, images or decisions. Modern language models predict the next \
        token of a text, one token at a time, and the same simple objective, at scale, yields \
        summarisation, translation, coding and question answering.";
    let v = json!({
        "candidates": [{
            "content": {
                "parts": [
                    {"text": "**Explaining the basics**\n\nI'm keeping it short and concrete.", "thought": true},
                    {"text": answer, "thoughtSignature": b64(&noise(96))}
                ],
                "role": "model"
            },
            "finishReason": "STOP",
            "index": 0,
            "safetyRatings": safety()
        }],
        "usageMetadata": {
            "promptTokenCount": 9,
            "candidatesTokenCount": 96,
            "totalTokenCount": 270,
            "thoughtsTokenCount": 165,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 9}]
        },
        "modelVersion": "gemini-2.5-flash",
        "responseId": "xU8lafSdC8-zz7IPxKXy8Qk"
    });
    serde_json::to_vec(&v).unwrap()
}

/// (b) One streamed chunk.
fn stream_chunk() -> Vec<u8> {
    let v = json!({
        "candidates": [{
            "content": {
                "parts": [{"text": " and the same simple objective, at scale, yields summarisation,", "thoughtSignature": b64(&noise(48))}],
                "role": "model"
            },
            "index": 0
        }],
        "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 41, "totalTokenCount": 215, "thoughtsTokenCount": 165},
        "modelVersion": "gemini-2.5-flash",
        "responseId": "xU8lafSdC8-zz7IPxKXy8Qk"
    });
    serde_json::to_vec(&v).unwrap()
}

/// (c) An image-generation response carrying a 4 MB PNG-sized payload inline.
fn image_response() -> Vec<u8> {
    let v = json!({
        "candidates": [{
            "content": {
                "parts": [
                    {"text": "Here is the picture you asked for."},
                    {"inlineData": {"mimeType": "image/png", "data": b64(&noise(4 * 1024 * 1024))}}
                ],
                "role": "model"
            },
            "finishReason": "STOP",
            "index": 0
        }],
        "usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": 1290, "totalTokenCount": 1302,
            "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": 1290}]},
        "modelVersion": "gemini-2.5-flash-image",
        "responseId": "aW1hZ2UtcmVzcG9uc2UtaWQ"
    });
    serde_json::to_vec(&v).unwrap()
}

fn payloads() -> [(&'static str, Vec<u8>); 3] {
    [
        ("a_text_1.5KB", text_response()),
        ("b_stream_chunk", stream_chunk()),
        ("c_inline_image_4MB", image_response()),
    ]
}

fn bench(c: &mut Criterion) {
    for (name, bytes) in payloads() {
        // The typed decode must succeed and keep the payload, or the comparison is meaningless.
        let typed: GenerateContentResponse = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            serde_json::to_value(&typed).unwrap(),
            serde_json::from_slice::<Value>(&bytes).unwrap(),
            "{name}: the bench payload does not round-trip"
        );
        let mut g = c.benchmark_group(name);
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        if bytes.len() > 1 << 20 {
            g.sample_size(10);
            g.measurement_time(Duration::from_secs(3));
        }
        g.bench_with_input(
            BenchmarkId::new("typed", bytes.len()),
            &bytes,
            |b, bytes| {
                b.iter(|| {
                    serde_json::from_slice::<GenerateContentResponse>(black_box(bytes)).unwrap()
                });
            },
        );
        g.bench_with_input(
            BenchmarkId::new("value", bytes.len()),
            &bytes,
            |b, bytes| {
                b.iter(|| serde_json::from_slice::<Value>(black_box(bytes)).unwrap());
            },
        );
        g.finish();
    }
}

#[inline(never)]
fn oneshot_typed(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(serde_json::from_slice::<GenerateContentResponse>(black_box(bytes)).unwrap());
    }
}

#[inline(never)]
fn oneshot_value(bytes: &[u8], n: usize) {
    for _ in 0..n {
        black_box(serde_json::from_slice::<Value>(black_box(bytes)).unwrap());
    }
}

fn main() {
    if let Ok(which) = std::env::var("DECODE_ONESHOT") {
        let (kind, case) = which.split_once('-').unwrap_or(("typed", "a"));
        let [a, b, c] = payloads();
        let (bytes, n) = match case {
            "b" => (b.1, 200),
            "c" => (c.1, 5),
            _ => (a.1, 200),
        };
        if kind == "value" {
            oneshot_value(&bytes, n);
        } else {
            oneshot_typed(&bytes, n);
        }
        println!("{which}: decoded {} bytes x {n}", bytes.len());
        return;
    }
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(30)
        .configure_from_args();
    bench(&mut c);
    c.final_summary();
}
