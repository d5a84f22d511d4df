//! What the client-versus-plain-hyper benchmarks share (this crate's `unary` and the facade's
//! `facade_vs_plain`, which includes this file by path): a minimal loopback HTTP/1.1 server in
//! a child process (so the parent's CPU time and instructions are the client's alone), the
//! process CPU clock, the one-thread client runtime, and the `GEMINI_BENCH_ONLY` spec that
//! `cargo xtask bench` uses to run one variant under callgrind.

#![allow(dead_code)] // Each bench uses its own subset.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::rt::TokioIo;

/// The environment variable that turns a bench binary into `cargo xtask bench`'s one-variant
/// runner: `GEMINI_BENCH_ONLY=<variant>:...:<calls>`.
pub(crate) const ONLY_ENV: &str = "GEMINI_BENCH_ONLY";

/// The loopback server, killed on drop.
pub(crate) struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Re-executes this binary with `server_env` set (its `main` then calls [`serve`]) and returns
/// the child and the port it listens on.
pub(crate) fn spawn_server(server_env: &str) -> (ServerProcess, u16) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(server_env, "1")
        .env_remove(ONLY_ENV)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (ServerProcess(child), line.trim().parse().unwrap())
}

/// Serves HTTP/1.1 on 127.0.0.1 (a free port, printed on stdout) forever: every request's
/// body is read, then `answer(path)` gives the content type and body of the reply.
pub(crate) fn serve(answer: impl Fn(&str) -> (&'static str, Bytes) + Send + Sync + 'static) {
    let answer = std::sync::Arc::new(answer);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap().port());
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            stream.set_nodelay(true).unwrap();
            let answer = answer.clone();
            tokio::spawn(async move {
                let svc =
                    hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                        let (content_type, body) = answer(req.uri().path());
                        async move {
                            let _ = req.into_body().collect().await;
                            Ok::<_, std::convert::Infallible>(
                                http::Response::builder()
                                    .header("content-type", content_type)
                                    .body(Full::new(body))
                                    .unwrap(),
                            )
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
}

/// The client side's runtime: one thread, so the CPU time is the calls' work and not idle
/// workers spinning.
pub(crate) fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// CPU time of this process (all threads), from /proc (Linux); `None` elsewhere. Uses the
/// nanosecond `schedstat` of every thread, falling back to the 10 ms ticks of `stat`.
pub(crate) fn process_cpu() -> Option<Duration> {
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        let mut ns: u64 = 0;
        let mut any = false;
        for task in tasks.flatten() {
            let path = task.path().join("schedstat");
            if let Some(v) = std::fs::read_to_string(path).ok().and_then(|s| {
                s.split_whitespace()
                    .next()
                    .and_then(|f| f.parse::<u64>().ok())
            }) {
                ns += v;
                any = true;
            }
        }
        if any {
            return Some(Duration::from_nanos(ns));
        }
    }
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}

/// Client CPU per call of `variants` variants, measured in interleaved rounds (the order
/// reversed every other round, so that load from other processes affects them alike):
/// `run(i)` makes `per_round` calls with variant `i`. Returns each variant's CPU per call (µs)
/// and the median of its per-round ratios to variant 0.
pub(crate) fn interleaved_cpu(
    variants: usize,
    per_round: u64,
    rounds: u32,
    mut run: impl FnMut(usize),
) -> (Vec<f64>, Vec<f64>) {
    let mut total = vec![Duration::ZERO; variants];
    let mut ratios = vec![Vec::new(); variants];
    for round in 0..rounds {
        let mut this_round = vec![Duration::ZERO; variants];
        let mut order: Vec<usize> = (0..variants).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let before = process_cpu();
            run(i);
            if let (Some(a), Some(b)) = (before, process_cpu()) {
                this_round[i] = b.saturating_sub(a);
            }
        }
        for (i, t) in this_round.iter().enumerate() {
            total[i] += *t;
            if !this_round[0].is_zero() {
                ratios[i].push(t.as_secs_f64() / this_round[0].as_secs_f64());
            }
        }
    }
    let n = f64::from(rounds) * per_round as f64;
    let medians = ratios
        .into_iter()
        .map(|mut r| {
            r.sort_by(f64::total_cmp);
            r.get(r.len() / 2).copied().unwrap_or(f64::NAN)
        })
        .collect();
    (
        total.iter().map(|c| c.as_secs_f64() * 1e6 / n).collect(),
        medians,
    )
}

/// Splits a `GEMINI_BENCH_ONLY` spec into its variant fields and the number of calls (the last
/// field).
pub(crate) fn parse_only(spec: &str) -> (Vec<&str>, u64) {
    let (fields, calls) = spec.rsplit_once(':').expect("<variant>:...:<calls>");
    (fields.split(':').collect(), calls.parse().expect("calls"))
}

/// Runs `batch` twice (a warm-up, then the measured run) and prints the CPU time of the
/// second; callgrind counts both, and `cargo xtask bench` takes the difference between runs
/// of `n` and `2n` calls.
pub(crate) fn run_only(
    rt: &tokio::runtime::Runtime,
    spec: &str,
    batch: impl Fn() -> std::pin::Pin<Box<dyn Future<Output = Duration>>>,
) {
    rt.block_on(batch());
    let before = process_cpu();
    rt.block_on(batch());
    if let (Some(a), Some(b)) = (before, process_cpu()) {
        eprintln!("{spec}: {:?} CPU", b.saturating_sub(a));
    }
}
