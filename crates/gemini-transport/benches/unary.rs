//! Unary requests through `HttpClient` + `HyperTransport` versus a plain hyper-util client,
//! against the same minimal loopback server, at concurrency 1 and 64.
//!
//! The server runs in a child process (this binary, re-executed), so the process CPU time
//! measured here is the client's alone. Criterion reports wall time per batch; the CPU time
//! per request of each variant is printed at the end:
//!
//! ```text
//! cargo bench -p gemini-transport --bench unary
//! ```

// A benchmark harness: failing loudly is the right behaviour.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use criterion::{Criterion, criterion_group};
use gemini_transport::{
    Clock as _, Config, HttpClient, HyperTransport, ProxyConfig, RequestSpec, RetryPolicy,
    SystemClock, Timeouts, Transport as _, USER_AGENT,
};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use support::{client_runtime, process_cpu, spawn_server};

const SERVER_ENV: &str = "GEMINI_TRANSPORT_BENCH_SERVER";
const RESPONSE: &str = r#"{"candidates":[{"content":{"role":"model","parts":[{"text":"Hello!"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":2,"candidatesTokenCount":2,"totalTokenCount":4}}"#;
const REQUEST: &str = r#"{"contents":[{"role":"user","parts":[{"text":"Say hello"}]}]}"#;
const PATH: &str = "models/gemini-2.5-flash:generateContent";

#[derive(Clone)]
enum Variant {
    Plain(Arc<Client<HttpConnector, Full<Bytes>>>, http::Uri),
    Transport(Arc<HyperTransport>, http::Uri),
    Ours(HttpClient),
}

impl Variant {
    async fn one(&self) {
        match self {
            Self::Plain(client, uri) => {
                let req = http::Request::post(uri.clone())
                    .header("content-type", "application/json")
                    .header("x-goog-api-key", "bench-key")
                    .header("user-agent", USER_AGENT)
                    .header("x-goog-api-client", USER_AGENT)
                    .body(Full::new(Bytes::from_static(REQUEST.as_bytes())))
                    .unwrap();
                let resp = client.request(req).await.unwrap();
                assert!(resp.status().is_success());
                let body = resp.into_body().collect().await.unwrap().to_bytes();
                assert_eq!(body.len(), RESPONSE.len());
            }
            Self::Transport(t, uri) => {
                let req = http::Request::post(uri.clone())
                    .header("content-type", "application/json")
                    .header("x-goog-api-key", "bench-key")
                    .header("user-agent", USER_AGENT)
                    .header("x-goog-api-client", USER_AGENT)
                    .body(Bytes::from_static(REQUEST.as_bytes()))
                    .unwrap();
                let resp = t.send(req).await.unwrap();
                assert!(resp.status().is_success());
                let body = resp.into_body().collect().await.unwrap();
                assert_eq!(body.len(), RESPONSE.len());
            }
            Self::Ours(client) => {
                let spec = RequestSpec::post(PATH)
                    .body(Bytes::from_static(REQUEST.as_bytes()))
                    .header(
                        http::header::CONTENT_TYPE,
                        http::HeaderValue::from_static("application/json"),
                    );
                let resp = client.execute(spec).await.unwrap();
                assert_eq!(resp.body().len(), RESPONSE.len());
            }
        }
    }

    /// `n` requests with `concurrency` in flight; returns the wall time.
    async fn batch(&self, n: u64, concurrency: u64) -> Duration {
        let start = SystemClock::default().now();
        let mut set = tokio::task::JoinSet::new();
        let per_task = n.div_ceil(concurrency);
        for _ in 0..concurrency {
            let v = self.clone();
            set.spawn(async move {
                for _ in 0..per_task {
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

/// Client CPU per request of each variant, measured in interleaved rounds (the order rotates
/// every round) so that load from other processes affects all alike. Returns the CPU per
/// request of each variant and its total CPU time in seconds.
fn cpu_per_request(
    rt: &tokio::runtime::Runtime,
    variants: &[(&str, Variant)],
    concurrency: u64,
    per_round: u64,
    rounds: usize,
) -> Vec<(f64, f64)> {
    let k = variants.len();
    let mut total = vec![Duration::ZERO; k];
    for round in 0..rounds {
        let mut this_round = vec![Duration::ZERO; k];
        for j in 0..k {
            let i = (round + j) % k;
            let before = process_cpu();
            rt.block_on(variants[i].1.batch(per_round, concurrency));
            if let (Some(a), Some(b)) = (before, process_cpu()) {
                this_round[i] = b.saturating_sub(a);
            }
        }
        for (t, r) in total.iter_mut().zip(this_round) {
            *t += r;
        }
    }
    let n = rounds as f64 * per_round as f64;
    total
        .iter()
        .map(|c| (c.as_secs_f64() * 1e6 / n, c.as_secs_f64()))
        .collect()
}

/// The three clients under test, built on `rt`.
fn variants(rt: &tokio::runtime::Runtime, port: u16) -> [(&'static str, Variant); 3] {
    let base = format!("http://127.0.0.1:{port}");
    let plain = {
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        let _guard = rt.enter();
        Client::builder(TokioExecutor::new()).build(http)
    };
    let uri: http::Uri = format!("{base}/v1beta/{PATH}").parse().unwrap();
    let ours = {
        let _guard = rt.enter();
        let transport = HyperTransport::builder()
            .proxy(ProxyConfig::none())
            .build()
            .unwrap();
        HttpClient::builder()
            .config(
                Config::new()
                    .with_api_key("bench-key")
                    .with_base_url(&base)
                    .unwrap()
                    .with_retry_policy(RetryPolicy::default())
                    .with_timeouts(if std::env::var_os("GEMINI_BENCH_NO_TIMEOUTS").is_some() {
                        Timeouts::none()
                    } else {
                        Timeouts::default()
                    }),
            )
            .transport(Arc::new(transport))
            .build()
            .unwrap()
    };
    let transport_only = {
        let _guard = rt.enter();
        HyperTransport::builder()
            .proxy(ProxyConfig::none())
            .build()
            .unwrap()
    };
    [
        (
            "plain_hyper_util",
            Variant::Plain(Arc::new(plain), uri.clone()),
        ),
        (
            "hyper_transport",
            Variant::Transport(Arc::new(transport_only), uri),
        ),
        ("http_client", Variant::Ours(ours)),
    ]
}

fn bench(c: &mut Criterion) {
    let (_server, port) = spawn_server(SERVER_ENV);
    let rt = client_runtime();
    let variants = variants(&rt, port);
    let mut cpu: Vec<(u64, Vec<(f64, f64)>)> = Vec::new();
    for concurrency in [1u64, 64] {
        // Warm the pools.
        for (_, v) in &variants {
            rt.block_on(v.batch(concurrency * 4, concurrency));
        }
        let per_round = if concurrency == 1 { 1000 } else { 3200 };
        cpu.push((
            concurrency,
            cpu_per_request(&rt, &variants, concurrency, per_round, 16),
        ));

        let mut group = c.benchmark_group(format!("unary_c{concurrency}"));
        let batch = if concurrency == 1 { 100 } else { 640 };
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_secs(1))
            .throughput(criterion::Throughput::Elements(batch));
        for (name, v) in &variants {
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
        "\nclient CPU per request (all threads of this process, /proc schedstat; server in a child process):"
    );
    for (concurrency, results) in &cpu {
        let base = results.first().map_or(f64::NAN, |r| r.0);
        for ((name, _), (us, secs)) in variants.iter().zip(results) {
            println!(
                "  c{concurrency:<3} {name:18} {us:>7.2} us/request   ratio {:.3}   ({secs:.2} s CPU)",
                us / base
            );
        }
    }
}

criterion_group!(benches, bench);

/// `GEMINI_BENCH_ONLY=<variant>:<concurrency>:<requests>`: runs just that variant and exits,
/// for counting instructions under callgrind. `cargo xtask bench` drives it.
fn only(spec: &str) {
    let (fields, n) = support::parse_only(spec);
    let (name, concurrency) = (fields[0], fields[1].parse::<u64>().unwrap());
    let (_server, port) = spawn_server(SERVER_ENV);
    let rt = client_runtime();
    let variants = variants(&rt, port);
    let (_, v) = variants
        .iter()
        .find(|(k, _)| *k == name)
        .expect("unknown variant");
    support::run_only(&rt, spec, || {
        let v = v.clone();
        Box::pin(async move { v.batch(n, concurrency).await })
    });
}

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        support::serve(|_| ("application/json", Bytes::from_static(RESPONSE.as_bytes())));
        return;
    }
    if let Ok(spec) = std::env::var(support::ONLY_ENV) {
        only(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
