//! A streamed interaction (`POST /v1beta/interactions` with `"stream": true`) through the
//! `gemini` facade's [`InteractionStream`](gemini::InteractionStream) (typed events, resume
//! bookkeeping), and folded into the final interaction, versus the same request made with
//! plain hyper-util and a minimal SSE reader decoding each event into a `serde_json::Value`,
//! against the same minimal loopback server (a child process, so the CPU measured here is the
//! client's alone). The stream is the shape of the recorded real ones: `interaction.created`,
//! a thought with its signature, a `model_output` step of 8 text deltas, `step.stop`s,
//! `interaction.completed` with usage; 15 events, each with an `event_id`, and `event_type`
//! last as the service writes it.
//!
//! ```text
//! cargo bench -p gemini --bench interactions
//! ```
//!
//! `GEMINI_BENCH_ONLY=<plain|facade|facade-fold>:<concurrency>:<calls>` runs one variant alone
//! (`cargo xtask bench` counts its instructions under callgrind);
//! `GEMINI_BENCH_CPU_ROUNDS=<n>` prints only the CPU table.

// A benchmark harness: failing loudly is the right behaviour.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../../gemini-transport/benches/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, criterion_group};
use futures_util::StreamExt as _;
use gemini::Client;
use gemini::transport::{Clock as _, ProxyConfig, SystemClock};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use support::{client_runtime, spawn_server};

const SERVER_ENV: &str = "GEMINI_INTERACTIONS_BENCH_SERVER";
const MODEL: &str = "gemini-3-flash-preview";
const PROMPT: &str = "Explain how AI works in a few words";
const ANSWER: &str = "AI systems learn patterns from large amounts of data. A model is trained to \
    predict outputs from inputs by adjusting millions of internal parameters, then uses those \
    learned patterns to make predictions, generate text or recognise images on new data.";
const SIGNATURE: &str = "CiQB0e2Kb7ZyqbV1ZTXYVDqQbJ7bq6B6Nu2w5Sn1gUq7QH9yHfYKZQHR7YpZ9bX0t0dY";
const ID: &str = "v1_ChdBYnFkYWFEN0JvX3V2ZE1QLXFDeXFBdxIXQWJxZGFhRDdCb191dmRNUC1xQ3lxQXc";

/// The events of one streamed interaction (CRLF framing, as the service sends them).
fn sse_body() -> String {
    let mut events = vec![
        json!({"event_type": "interaction.created", "interaction": {
            "id": ID, "status": "in_progress", "model": MODEL, "object": "interaction",
            "created": "2026-11-25T13:00:00Z", "updated": "2026-11-25T13:00:00Z"}}),
        json!({"event_type": "step.start", "index": 0, "step": {"type": "thought"}}),
        json!({"event_type": "step.delta", "index": 0,
               "delta": {"type": "thought_signature", "signature": SIGNATURE}}),
        json!({"event_type": "step.stop", "index": 0}),
        json!({"event_type": "step.start", "index": 1, "step": {"type": "model_output"}}),
    ];
    let words: Vec<&str> = ANSWER.split_inclusive(' ').collect();
    for chunk in words.chunks(words.len().div_ceil(8)) {
        events.push(json!({"event_type": "step.delta", "index": 1,
                           "delta": {"type": "text", "text": chunk.concat()}}));
    }
    events.push(json!({"event_type": "step.stop", "index": 1}));
    events.push(
        json!({"event_type": "interaction.completed", "interaction": {
        "id": ID, "status": "completed", "model": MODEL, "object": "interaction",
        "created": "2026-11-25T13:00:00Z", "updated": "2026-11-25T13:00:02Z",
        "usage": {"total_input_tokens": 8, "total_output_tokens": 52, "total_thought_tokens": 352,
                  "total_tokens": 412,
                  "input_tokens_by_modality": [{"modality": "text", "tokens": 8}]}}}),
    );
    // The service writes `event_type` (and a delta's `type`) last, after the payload
    // (../shared/spec/real/streams); serde_json's map sorts keys, so the event is written with
    // its tag moved to the end by hand.
    let mut out = String::new();
    for (i, event) in events.into_iter().enumerate() {
        let Value::Object(mut fields) = event else {
            unreachable!()
        };
        let kind = fields.remove("event_type").unwrap();
        let body = Value::Object(fields).to_string();
        out.push_str("data: ");
        out.push_str(&body[..body.len() - 1]);
        let _ = write!(
            out,
            ",\"event_id\":\"evt_{}\",\"event_type\":{kind}}}",
            i + 1
        );
        out.push_str("\r\n\r\n");
    }
    out
}

/// The request body a hand-written client would build with serde_json.
fn plain_request() -> Value {
    json!({
        "model": MODEL,
        "input": PROMPT,
        "generation_config": {"temperature": 0.7, "max_output_tokens": 1024},
        "stream": true
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    /// Every event, the text deltas joined.
    Events,
    /// Every event folded into the final interaction.
    Fold,
}

#[derive(Clone)]
enum Variant {
    Plain {
        client: Arc<HyperClient<HttpConnector, Full<Bytes>>>,
        base: Arc<str>,
    },
    Facade(Client, Read),
}

impl Variant {
    async fn one(&self) {
        match self {
            Self::Plain { client, base } => {
                let uri: http::Uri = format!("{base}/v1beta/interactions").parse().unwrap();
                let body = serde_json::to_vec(&plain_request()).unwrap();
                // The headers the facade sends (less `x-server-timeout`: no timeouts here).
                let req = http::Request::post(uri)
                    .header("content-type", "application/json")
                    .header("accept", "text/event-stream")
                    .header("x-goog-api-key", "bench-key")
                    .header("user-agent", gemini::transport::USER_AGENT)
                    .header("x-goog-api-client", gemini::transport::USER_AGENT)
                    .body(Full::new(Bytes::from(body)))
                    .unwrap();
                let resp = client.request(req).await.unwrap();
                assert!(resp.status().is_success());
                let mut body = resp.into_body();
                // A minimal SSE reader: split on blank lines, strip `data: `, decode the JSON,
                // keep the last event id, join the text deltas.
                let mut buf: Vec<u8> = Vec::new();
                let mut text = String::new();
                let mut last_event_id = String::new();
                while let Some(frame) = body.frame().await {
                    if let Ok(data) = frame.unwrap().into_data() {
                        buf.extend_from_slice(&data);
                    }
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        let event: Vec<u8> = buf.drain(..end + 4).collect();
                        let line = &event[..end];
                        let payload = line.strip_prefix(b"data: ").unwrap_or(line);
                        let v: Value = serde_json::from_slice(payload).unwrap();
                        if let Some(id) = v["event_id"].as_str() {
                            id.clone_into(&mut last_event_id);
                        }
                        if v["event_type"] == "step.delta" && v["delta"]["type"] == "text" {
                            text.push_str(v["delta"]["text"].as_str().unwrap_or(""));
                        }
                    }
                }
                assert_eq!(text.len(), ANSWER.len());
                assert_eq!(last_event_id, "evt_15");
            }
            Self::Facade(client, read) => {
                let stream = client
                    .interactions()
                    .create()
                    .model(MODEL)
                    .input(PROMPT)
                    .generation_config(
                        gemini::types::interactions::GenerationConfig::default()
                            .with_temperature(0.7)
                            .with_max_output_tokens(1024),
                    )
                    .stream()
                    .await
                    .unwrap();
                match read {
                    Read::Events => {
                        let mut stream = stream;
                        let mut text = String::new();
                        while let Some(event) = stream.next().await {
                            if let Some(t) = event.unwrap().text_delta() {
                                text.push_str(t);
                            }
                        }
                        assert_eq!(text.len(), ANSWER.len());
                        assert_eq!(stream.last_event_id(), Some("evt_15"));
                    }
                    Read::Fold => {
                        let interaction = stream.accumulate().await.unwrap();
                        assert_eq!(interaction.output_text().len(), ANSWER.len());
                    }
                }
            }
        }
    }

    /// `n` calls with `concurrency` in flight; returns the wall time.
    async fn batch(&self, n: u64, concurrency: u64) -> Duration {
        let start = SystemClock::default().now();
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..concurrency {
            let v = self.clone();
            set.spawn(async move {
                for _ in 0..n.div_ceil(concurrency) {
                    v.one().await;
                }
            });
        }
        while let Some(r) = set.join_next().await {
            r.unwrap();
        }
        SystemClock::default().now() - start
    }
}

/// One client under test: `plain`, `facade` (the events) or `facade-fold` (folded).
fn variant(rt: &tokio::runtime::Runtime, port: u16, name: &str) -> Variant {
    let base = format!("http://127.0.0.1:{port}");
    let _guard = rt.enter();
    if name == "plain" {
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        return Variant::Plain {
            client: Arc::new(HyperClient::builder(TokioExecutor::new()).build(http)),
            base: base.into(),
        };
    }
    let transport = gemini::HyperTransport::builder()
        .proxy(ProxyConfig::none())
        .build()
        .unwrap();
    let client = Client::builder()
        .api_key("bench-key")
        .base_url(&base)
        .transport(Arc::new(transport))
        .build()
        .unwrap();
    match name {
        "facade" => Variant::Facade(client, Read::Events),
        "facade-fold" => Variant::Facade(client, Read::Fold),
        other => panic!("unknown variant {other:?}"),
    }
}

/// Client CPU per call of each variant over interleaved rounds; the median of the per-round
/// ratios to the first.
fn cpu_per_call(
    rt: &tokio::runtime::Runtime,
    variants: &[Variant],
    concurrency: u64,
    per_round: u64,
    rounds: u32,
) -> (Vec<f64>, Vec<f64>) {
    support::interleaved_cpu(variants.len(), per_round, rounds, |i| {
        rt.block_on(variants[i].batch(per_round, concurrency));
    })
}

const NAMES: [&str; 3] = ["plain", "facade", "facade-fold"];

fn bench(c: &mut Criterion) {
    let (_server, port) = spawn_server(SERVER_ENV);
    let rt = client_runtime();
    let variants: Vec<Variant> = NAMES.iter().map(|n| variant(&rt, port, n)).collect();
    let cpu_rounds = std::env::var("GEMINI_BENCH_CPU_ROUNDS")
        .ok()
        .and_then(|v| v.parse::<u32>().ok());
    let mut cpu = Vec::new();
    for concurrency in [1u64, 32] {
        for v in &variants {
            rt.block_on(v.batch(concurrency * 4, concurrency));
        }
        let per_round = if concurrency == 1 { 500 } else { 1280 };
        cpu.push((
            concurrency,
            cpu_per_call(
                &rt,
                &variants,
                concurrency,
                per_round,
                cpu_rounds.unwrap_or(10),
            ),
        ));
        if cpu_rounds.is_some() {
            continue;
        }
        let mut group = c.benchmark_group(format!("interaction_stream_c{concurrency}"));
        let batch = if concurrency == 1 { 50 } else { 320 };
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_secs(1))
            .throughput(criterion::Throughput::Elements(batch));
        for (name, v) in NAMES.iter().zip(&variants) {
            group.bench_function(*name, |b| {
                b.iter_custom(|iters| {
                    (0..iters)
                        .map(|_| rt.block_on(v.batch(batch, concurrency)))
                        .sum()
                });
            });
        }
        group.finish();
    }
    println!(
        "\nclient CPU per streamed interaction (all threads of this process; server in a child process):"
    );
    for (concurrency, (per_call, medians)) in &cpu {
        let cells: Vec<String> = NAMES
            .iter()
            .zip(per_call.iter().zip(medians))
            .map(|(name, (us, ratio))| format!("{name} {us:>7.2} us (x{ratio:.3})"))
            .collect();
        println!("  c{concurrency:<3} {}", cells.join("   "));
    }
}

criterion_group!(benches, bench);

/// `GEMINI_BENCH_ONLY=<variant>:<concurrency>:<calls>`: runs just that variant and exits, for
/// counting instructions under callgrind. `cargo xtask bench` drives it.
fn only(spec: &str) {
    let (fields, n) = support::parse_only(spec);
    let concurrency = fields[1].parse::<u64>().unwrap();
    let (_server, port) = spawn_server(SERVER_ENV);
    let rt = client_runtime();
    let v = variant(&rt, port, fields[0]);
    support::run_only(&rt, spec, || {
        let v = v.clone();
        Box::pin(async move { v.batch(n, concurrency).await })
    });
}

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        let sse = Bytes::from(sse_body());
        support::serve(move |_path| ("text/event-stream", sse.clone()));
        return;
    }
    if let Ok(spec) = std::env::var(support::ONLY_ENV) {
        only(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
