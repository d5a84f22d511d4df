//! End-to-end calls through the `gemini` facade versus the same requests made with plain
//! hyper-util + serde_json, against the same minimal loopback server (not the emulator, so the
//! server's cost does not dominate), for a unary `generateContent` and an SSE
//! `streamGenerateContent` of 8 events.
//!
//! The server runs in a child process (this binary, re-executed), so the process CPU time
//! measured here is the client's alone. Criterion reports wall time per batch; the client CPU
//! time per request of each variant is printed at the end:
//!
//! ```text
//! cargo bench -p gemini --bench facade_vs_plain
//! ```
//!
//! With `GEMINI_BENCH_NO_TIMEOUTS=1` the facade runs without timeouts and retries, to show
//! what the timers and the retry loop cost.
//!
//! To find where a cost begins, `GEMINI_BENCH_PAIR=<a>,<b>` compares any two layers instead
//! of `plain,facade`: `plain`, `raw` (the facade's `client.raw()` with `serde_json::Value`),
//! `http-typed` (`gemini-transport`'s `HttpClient` with the typed request and response, no
//! facade), `facade`, `facade-nt` (the facade without timeouts and retries).
//! `GEMINI_BENCH_CPU_ROUNDS=<n>` prints only the CPU table, over `n` interleaved rounds.

// A benchmark harness: failing loudly is the right behaviour.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../../gemini-transport/benches/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, criterion_group};
use futures_util::StreamExt as _;
use gemini::transport::{Clock as _, Config, HttpClient, ProxyConfig, RequestSpec, SystemClock};
use gemini::{Client, GenerateContentRequest, GenerateContentResponse, GenerationConfig};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use support::{client_runtime, spawn_server};

const SERVER_ENV: &str = "GEMINI_FACADE_BENCH_SERVER";
const MODEL: &str = "gemini-2.5-flash";
const PROMPT: &str = "Explain how AI works in a few words";
const ANSWER: &str = "AI systems learn patterns from large amounts of data. A model is trained to \
    predict outputs from inputs by adjusting millions of internal parameters, then uses those \
    learned patterns to make predictions, generate text or recognise images on new data.";
const SIGNATURE: &str = "CiQB0e2Kb7ZyqbV1ZTXYVDqQbJ7bq6B6Nu2w5Sn1gUq7QH9yHfYKZQHR7YpZ9bX0t0dY";

/// A realistic unary answer (the shape of the recorded real responses).
fn unary_body() -> String {
    json!({
        "candidates": [{
            "content": {"role": "model", "parts": [{"text": ANSWER, "thoughtSignature": SIGNATURE}]},
            "finishReason": "STOP",
            "index": 0
        }],
        "usageMetadata": {
            "promptTokenCount": 8, "candidatesTokenCount": 52, "totalTokenCount": 412,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 8}],
            "thoughtsTokenCount": 352
        },
        "modelVersion": "gemini-2.5-flash",
        "responseId": "tTCwacuEBMvnitYP06qsgQY"
    })
    .to_string()
}

/// The same answer as 8 SSE events (CRLF framing, as the service sends it).
fn sse_body() -> String {
    let words: Vec<&str> = ANSWER.split_inclusive(' ').collect();
    let per = words.len().div_ceil(8);
    let mut out = String::new();
    for (i, chunk) in words.chunks(per).enumerate() {
        let last = (i + 1) * per >= words.len();
        let mut cand =
            json!({"content": {"role": "model", "parts": [{"text": chunk.concat()}]}, "index": 0});
        if last {
            cand["finishReason"] = json!("STOP");
            cand["content"]["parts"][0]["thoughtSignature"] = json!(SIGNATURE);
        }
        let event = json!({
            "candidates": [cand],
            "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 6 * (i + 1), "totalTokenCount": 360 + 6 * (i + 1)},
            "modelVersion": "gemini-2.5-flash",
            "responseId": "tTCwacuEBMvnitYP06qsgQY"
        });
        out.push_str("data: ");
        out.push_str(&event.to_string());
        out.push_str("\r\n\r\n");
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Call {
    Unary,
    Stream,
}

#[derive(Clone)]
enum Variant {
    Plain {
        client: Arc<HyperClient<HttpConnector, Full<Bytes>>>,
        base: Arc<str>,
    },
    Facade(Client),
    /// The facade's HTTP stack with untyped JSON (`client.raw()`, `serde_json::Value`): where
    /// the typed layer's cost begins.
    Raw(Client),
    /// `gemini-transport`'s `HttpClient` with the typed request and response, without the
    /// facade's layers: where the facade's own cost begins.
    HttpTyped(Arc<HttpClient>),
}

/// The request body a hand-written client would build with serde_json.
fn plain_request() -> Value {
    json!({
        "contents": [{"role": "user", "parts": [{"text": PROMPT}]}],
        "generationConfig": {"temperature": 0.7, "maxOutputTokens": 1024}
    })
}

/// The same request, typed.
fn facade_request() -> GenerateContentRequest {
    GenerateContentRequest::from(PROMPT).with_generation_config(
        GenerationConfig::new()
            .with_temperature(0.7)
            .with_max_output_tokens(1024),
    )
}

fn text_of(v: &Value) -> &str {
    v["candidates"][0]["content"]["parts"][0]["text"]
        .as_str()
        .unwrap_or("")
}

impl Variant {
    async fn one(&self, call: Call) {
        match self {
            Self::Plain { client, base } => {
                let verb = match call {
                    Call::Unary => "generateContent",
                    Call::Stream => "streamGenerateContent?alt=sse",
                };
                let uri: http::Uri = format!("{base}/v1beta/models/{MODEL}:{verb}")
                    .parse()
                    .unwrap();
                let body = serde_json::to_vec(&plain_request()).unwrap();
                // The same headers the facade sends (less `x-server-timeout`: no timeouts here).
                let req = http::Request::post(uri)
                    .header("content-type", "application/json")
                    .header("x-goog-api-key", "bench-key")
                    .header("user-agent", gemini::transport::USER_AGENT)
                    .header("x-goog-api-client", gemini::transport::USER_AGENT)
                    .body(Full::new(Bytes::from(body)))
                    .unwrap();
                let resp = client.request(req).await.unwrap();
                assert!(resp.status().is_success());
                let mut body = resp.into_body();
                match call {
                    Call::Unary => {
                        let bytes = body.collect().await.unwrap().to_bytes();
                        let v: Value = serde_json::from_slice(&bytes).unwrap();
                        assert_eq!(text_of(&v).len(), ANSWER.len());
                    }
                    Call::Stream => {
                        // A minimal SSE reader: split on blank lines, strip `data: `.
                        let mut buf: Vec<u8> = Vec::new();
                        let mut text = String::new();
                        while let Some(frame) = body.frame().await {
                            if let Ok(data) = frame.unwrap().into_data() {
                                buf.extend_from_slice(&data);
                            }
                            while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                                let event: Vec<u8> = buf.drain(..end + 4).collect();
                                let line = &event[..end];
                                let payload = line.strip_prefix(b"data: ").unwrap_or(line);
                                let v: Value = serde_json::from_slice(payload).unwrap();
                                text.push_str(text_of(&v));
                            }
                        }
                        assert_eq!(text.len(), ANSWER.len());
                    }
                }
            }
            Self::Raw(client) => {
                let path = format!("models/{MODEL}:generateContent");
                match call {
                    Call::Unary => {
                        let v = client
                            .raw()
                            .post_json(&path, &plain_request())
                            .await
                            .unwrap();
                        assert_eq!(text_of(&v).len(), ANSWER.len());
                    }
                    Call::Stream => {
                        let path = format!("models/{MODEL}:streamGenerateContent");
                        let mut stream = client
                            .raw()
                            .post_stream(&path, &plain_request())
                            .await
                            .unwrap();
                        let mut text = String::new();
                        while let Some(event) = stream.next().await {
                            text.push_str(text_of(&event.unwrap()));
                        }
                        assert_eq!(text.len(), ANSWER.len());
                    }
                }
            }
            Self::HttpTyped(http) => {
                let body = serde_json::to_vec(&facade_request()).unwrap();
                let verb = match call {
                    Call::Unary => "generateContent",
                    Call::Stream => "streamGenerateContent",
                };
                let spec = RequestSpec::new(http::Method::POST, format!("models/{MODEL}:{verb}"))
                    .header(
                        http::header::CONTENT_TYPE,
                        http::HeaderValue::from_static("application/json"),
                    )
                    .body(Bytes::from(body));
                match call {
                    Call::Unary => {
                        let r: GenerateContentResponse = http.execute_json(spec).await.unwrap();
                        assert_eq!(r.text().unwrap().len(), ANSWER.len());
                    }
                    Call::Stream => {
                        let resp = http
                            .execute_streaming(spec.query("alt", "sse"))
                            .await
                            .unwrap();
                        let mut events = gemini_sse::SseStream::new(resp.into_body());
                        let mut text = String::new();
                        while let Some(event) = events.next().await {
                            let chunk: GenerateContentResponse =
                                serde_json::from_str(event.unwrap().data()).unwrap();
                            text.push_str(&chunk.text().unwrap_or_default());
                        }
                        assert_eq!(text.len(), ANSWER.len());
                    }
                }
            }
            Self::Facade(client) => match call {
                Call::Unary => {
                    let r = client
                        .models()
                        .generate_content(MODEL, facade_request())
                        .await
                        .unwrap();
                    assert_eq!(r.text().unwrap().len(), ANSWER.len());
                }
                Call::Stream => {
                    let mut stream = client
                        .models()
                        .generate_content_stream(MODEL, facade_request())
                        .await
                        .unwrap();
                    let mut text = String::new();
                    while let Some(chunk) = stream.next().await {
                        text.push_str(&chunk.unwrap().text().unwrap_or_default());
                    }
                    assert_eq!(text.len(), ANSWER.len());
                }
            },
        }
    }

    /// `n` calls with `concurrency` in flight; returns the wall time.
    async fn batch(&self, call: Call, n: u64, concurrency: u64) -> Duration {
        let start = SystemClock::default().now();
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..concurrency {
            let v = self.clone();
            set.spawn(async move {
                for _ in 0..n.div_ceil(concurrency) {
                    v.one(call).await;
                }
            });
        }
        while let Some(r) = set.join_next().await {
            r.unwrap();
        }
        SystemClock::default().now() - start
    }
}

/// Client CPU per call of each variant, measured in interleaved rounds (A B B A ...) so load
/// from other processes affects both alike. Returns the CPU per call (µs) of each variant and
/// the median of the per-round ratios (facade / plain).
fn cpu_per_call(
    rt: &tokio::runtime::Runtime,
    variants: &[Variant; 2],
    call: Call,
    concurrency: u64,
    per_round: u64,
    rounds: u32,
) -> ([f64; 2], f64) {
    let (cpu, medians) = support::interleaved_cpu(2, per_round, rounds, |i| {
        rt.block_on(variants[i].batch(call, per_round, concurrency));
    });
    ([cpu[0], cpu[1]], medians[1])
}

/// One client under test, built on `rt`: `plain`, `raw` (the facade's `client.raw()`),
/// `http-typed` (the transport with typed bodies), `facade`, or `facade-nt` (the facade
/// without timeouts and retries).
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
    if name == "http-typed" {
        let config = Config::new()
            .with_api_key("bench-key")
            .with_base_url(&base)
            .unwrap();
        return Variant::HttpTyped(Arc::new(
            HttpClient::builder()
                .config(config)
                .transport(Arc::new(transport))
                .build()
                .unwrap(),
        ));
    }
    let mut builder = Client::builder()
        .api_key("bench-key")
        .base_url(&base)
        .transport(Arc::new(transport));
    if name == "facade-nt" || std::env::var_os("GEMINI_BENCH_NO_TIMEOUTS").is_some() {
        builder = builder
            .timeouts(gemini::Timeouts::none())
            .retry_policy(gemini::RetryPolicy::disabled());
    }
    let client = builder.build().unwrap();
    match name {
        "raw" => Variant::Raw(client),
        "facade" | "facade-nt" => Variant::Facade(client),
        other => panic!("unknown variant {other:?}"),
    }
}

/// The baseline and the variant compared with it: `plain` and `facade`, or the pair named by
/// `GEMINI_BENCH_PAIR=<a>,<b>` (see [`variant`]).
fn variants(rt: &tokio::runtime::Runtime, port: u16) -> ([Variant; 2], [String; 2]) {
    let pair = std::env::var("GEMINI_BENCH_PAIR").unwrap_or_else(|_| "plain,facade".to_owned());
    let (a, b) = pair.split_once(',').expect("GEMINI_BENCH_PAIR=<a>,<b>");
    (
        [variant(rt, port, a), variant(rt, port, b)],
        [a.to_owned(), b.to_owned()],
    )
}

fn bench(c: &mut Criterion) {
    let (_server, port) = spawn_server(SERVER_ENV);
    let rt = client_runtime();
    let (variants, [name_a, name_b]) = variants(&rt, port);
    // `GEMINI_BENCH_CPU_ROUNDS=<n>`: only the CPU table, over `n` interleaved rounds.
    let cpu_rounds = std::env::var("GEMINI_BENCH_CPU_ROUNDS")
        .ok()
        .and_then(|v| v.parse::<u32>().ok());
    let mut cpu = Vec::new();
    for (call, label) in [(Call::Unary, "unary"), (Call::Stream, "stream")] {
        for concurrency in [1u64, 32] {
            for v in &variants {
                rt.block_on(v.batch(call, concurrency * 4, concurrency));
            }
            let per_round = if concurrency == 1 { 1000 } else { 2560 };
            cpu.push((
                label,
                concurrency,
                cpu_per_call(
                    &rt,
                    &variants,
                    call,
                    concurrency,
                    per_round,
                    cpu_rounds.unwrap_or(10),
                ),
            ));
            if cpu_rounds.is_some() {
                continue;
            }
            let mut group = c.benchmark_group(format!("{label}_c{concurrency}"));
            let batch = if concurrency == 1 { 50 } else { 320 };
            group
                .sample_size(10)
                .warm_up_time(Duration::from_millis(200))
                .measurement_time(Duration::from_secs(1))
                .throughput(criterion::Throughput::Elements(batch));
            for (name, v) in [&name_a, &name_b].into_iter().zip(&variants) {
                group.bench_function(name.as_str(), |b| {
                    b.iter_custom(|iters| {
                        (0..iters)
                            .map(|_| rt.block_on(v.batch(call, batch, concurrency)))
                            .sum()
                    });
                });
            }
            group.finish();
        }
    }
    println!(
        "\nclient CPU per call (all threads of this process, /proc schedstat; server in a child process):"
    );
    for (label, concurrency, ([a, b], median)) in &cpu {
        println!(
            "  {label:<6} c{concurrency:<3} {name_a} {a:>7.2} us   {name_b} {b:>7.2} us   \
             ratio {:.3} (median of rounds {median:.3})",
            b / a
        );
    }
}

criterion_group!(benches, bench);

/// `GEMINI_BENCH_ONLY=<plain|facade>:<unary|stream>:<concurrency>:<calls>`: runs just that
/// variant and exits, for counting instructions under callgrind. `cargo xtask bench` drives it.
fn only(spec: &str) {
    let (fields, n) = support::parse_only(spec);
    let call = if fields[1] == "stream" {
        Call::Stream
    } else {
        Call::Unary
    };
    let concurrency = fields[2].parse::<u64>().unwrap();
    let (_server, port) = spawn_server(SERVER_ENV);
    let rt = client_runtime();
    let v = variant(&rt, port, fields[0]);
    support::run_only(&rt, spec, || {
        let v = v.clone();
        Box::pin(async move { v.batch(call, n, concurrency).await })
    });
}

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        let unary = Bytes::from(unary_body());
        let sse = Bytes::from(sse_body());
        support::serve(move |path| {
            if path.ends_with(":streamGenerateContent") {
                ("text/event-stream", sse.clone())
            } else {
                ("application/json", unary.clone())
            }
        });
        return;
    }
    if let Ok(spec) = std::env::var(support::ONLY_ENV) {
        only(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
