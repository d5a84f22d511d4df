//! A small load generator: measures the emulator's startup time and its `generateContent`
//! throughput over loopback with keep-alive connections.
//!
//! ```text
//! cargo run --release -p gemini-emulator --example load -- [SECONDS] [CONNECTIONS]
//! ```
//!
//! The emulator runs in-process on its own 2-thread runtime; the load generator uses one more
//! thread, so on a 2-core machine both compete for the same cores (a conservative setup).

// A benchmark harness: failing loudly on setup errors is what we want.
#![allow(clippy::expect_used, clippy::single_match_else)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use gemini_emulator::Emulator;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;

const BODY: &str = r#"{"contents":[{"role":"user","parts":[{"text":"Write a haiku about the sea"}]}],"generationConfig":{"maxOutputTokens":64}}"#;

// The example measures wall time, so it reads the clock (allowed here and nowhere else).
#[allow(clippy::disallowed_methods)]
fn now() -> Instant {
    Instant::now()
}

/// User + system CPU time of this process so far (Linux), to normalise for a busy machine.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let connections: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(32);

    // Startup: median of several in-process starts.
    let mut starts: Vec<Duration> = (0..20)
        .map(|_| {
            let t = now();
            let emu = Emulator::start();
            let took = t.elapsed();
            drop(emu);
            took
        })
        .collect();
    starts.sort();
    println!(
        "startup: median {:.2} ms, max {:.2} ms (20 starts)",
        starts[10].as_secs_f64() * 1e3,
        starts[19].as_secs_f64() * 1e3
    );

    let emu = Emulator::builder().max_recorded(0).start();
    let addr = emu.addr();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("client runtime");
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let cpu_before = cpu_seconds();
    let started = now();
    rt.block_on(async {
        let mut tasks = Vec::new();
        for _ in 0..connections {
            let (done, failed, stop) = (done.clone(), failed.clone(), stop.clone());
            tasks.push(tokio::spawn(async move {
                let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
                stream.set_nodelay(true).expect("nodelay");
                let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                    .await
                    .expect("handshake");
                tokio::spawn(conn);
                while !stop.load(Ordering::Relaxed) {
                    let req = Request::post("/v1beta/models/gemini-2.5-flash:generateContent")
                        .header("host", "127.0.0.1")
                        .header("x-goog-api-key", "load-test")
                        .header("content-type", "application/json")
                        .body(Full::new(Bytes::from_static(BODY.as_bytes())))
                        .expect("request");
                    match send.send_request(req).await {
                        Ok(resp) => {
                            let ok = resp.status().is_success();
                            let _ = resp.into_body().collect().await;
                            if ok {
                                done.fetch_add(1, Ordering::Relaxed);
                            } else {
                                failed.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        Err(_) => {
                            failed.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_secs(seconds)).await;
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            let _ = t.await;
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu_before).map(|(a, b)| a - b);
    let n = done.load(Ordering::Relaxed);
    println!(
        "generateContent: {n} ok, {} failed in {elapsed:.2} s over {connections} connections = {:.0} req/s",
        failed.load(Ordering::Relaxed),
        n as f64 / elapsed
    );
    if let Some(cpu) = cpu.filter(|c| *c > 0.0) {
        // Server and load generator together: a conservative per-core figure.
        println!(
            "CPU used: {cpu:.2} s (server + client) = {:.0} requests per CPU-second; \
             2 dedicated cores would serve about {:.0} req/s",
            n as f64 / cpu,
            2.0 * n as f64 / cpu
        );
    }
    emu.shutdown();
}
