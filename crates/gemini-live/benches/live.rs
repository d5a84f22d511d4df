//! Live sessions against a minimal loopback WebSocket server (not the emulator, so the server's
//! cost does not dominate; it runs in a child process, so this process's CPU time, memory and
//! instructions are the client's alone):
//!
//! * messages through one session: one `clientContent` sent and one `serverContent` (text +
//!   `turnComplete`) received per message, through a [`gemini_live::LiveSession`] and through a
//!   bare tokio-tungstenite client that sends the same frames and decodes the same typed
//!   messages (the baseline);
//! * memory per idle session: 1,000 sessions opened and left idle, the client's resident set
//!   size (/proc/self/statm) measured before and after: everything the sessions hold (heap,
//!   allocator overhead, task and socket buffers), an upper bound of their heap.
//!
//! ```text
//! cargo bench -p gemini-live --bench live
//! ```
//!
//! `GEMINI_BENCH_ONLY=<plain|live>:msg:<messages>` runs one variant alone (for
//! `cargo xtask bench`, which counts instructions under callgrind); `GEMINI_BENCH_REPORT=1`
//! runs the throughput rounds and the idle sessions alone and prints them as the Markdown that
//! `cargo xtask bench` writes to `BENCHMARKS.md`; `GEMINI_BENCH_IDLE=<n>` changes the number of
//! idle sessions.

// A benchmark harness: failing loudly is the right behaviour.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use futures_util::{SinkExt as _, StreamExt as _};
use gemini_live::messages::{BidiGenerateContentClientMessage, BidiGenerateContentServerMessage};
use gemini_live::{ApiKey, LiveConfig, LiveConnector, LiveEvent, ProxyConfig};
use tokio_tungstenite::tungstenite::Message;

const SERVER_ENV: &str = "GEMINI_LIVE_BENCH_SERVER";
const ONLY_ENV: &str = "GEMINI_BENCH_ONLY";
const MODEL: &str = "gemini-live-2.5-flash-preview";
const PROMPT: &str = "Explain how AI works in a few words";
const REPLY: &str = r#"{"serverContent":{"modelTurn":{"role":"model","parts":[{"text":"AI systems learn patterns from large amounts of data and use them to make predictions."}]},"turnComplete":true}}"#;

/// The loopback server, killed on drop.
struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_server() -> (ServerProcess, u16) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(SERVER_ENV, "1")
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

/// The server: `setupComplete` for the setup, then one reply (a binary frame, as the real
/// service sends) per message.
fn serve() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap().port());
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            stream.set_nodelay(true).unwrap();
            tokio::spawn(async move {
                let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
                    return;
                };
                let (mut tx, mut rx) = ws.split();
                let mut first = true;
                while let Some(Ok(msg)) = rx.next().await {
                    let reply = match msg {
                        Message::Text(_) if first => {
                            first = false;
                            r#"{"setupComplete":{}}"#
                        }
                        Message::Text(_) => REPLY,
                        Message::Close(_) => break,
                        _ => continue,
                    };
                    if tx
                        .send(Message::Binary(bytes::Bytes::from_static(reply.as_bytes())))
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
    });
}

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn connector(port: u16) -> LiveConnector {
    LiveConnector::builder()
        .api_key(ApiKey::new("bench-key"))
        .base_url(format!("http://127.0.0.1:{port}"))
        .proxy(ProxyConfig::none())
        .build()
        .unwrap()
}

fn config() -> LiveConfig {
    LiveConfig::new(MODEL)
}

/// `n` messages through a gemini-live session: all sent from one task, the `n` turns read in
/// another.
async fn live_batch(session: gemini_live::LiveSession, n: u64) -> gemini_live::LiveSession {
    let (sender, mut receiver) = session.split();
    let writer = {
        let sender = sender.clone();
        tokio::spawn(async move {
            for _ in 0..n {
                sender.send_text(PROMPT).await.unwrap();
            }
        })
    };
    let mut done = 0;
    while done < n {
        match receiver.next_event().await.unwrap().unwrap() {
            LiveEvent::TurnComplete { .. } => done += 1,
            LiveEvent::Text(t) => assert!(!t.is_empty()),
            _ => {}
        }
    }
    writer.await.unwrap();
    gemini_live::LiveSession::unsplit(sender, receiver)
}

type Plain = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// A bare tokio-tungstenite session: connect, setup, `setupComplete`.
async fn plain_connect(port: u16) -> Plain {
    let url = format!(
        "ws://127.0.0.1:{port}/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
    );
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    stream.set_nodelay(true).unwrap();
    let (mut ws, _) = tokio_tungstenite::client_async(url, stream).await.unwrap();
    let setup = BidiGenerateContentClientMessage::setup(
        gemini_live::messages::BidiGenerateContentSetup::new(MODEL),
    );
    ws.send(Message::text(serde_json::to_string(&setup).unwrap()))
        .await
        .unwrap();
    let reply = ws.next().await.unwrap().unwrap();
    let msg: BidiGenerateContentServerMessage = serde_json::from_slice(&reply.into_data()).unwrap();
    assert!(msg.is_setup_complete());
    ws
}

/// `n` messages through the bare client: the same frames, the same typed decoding.
async fn plain_batch(ws: Plain, n: u64) -> Plain {
    let (mut tx, mut rx) = ws.split();
    let writer = tokio::spawn(async move {
        for _ in 0..n {
            let msg = BidiGenerateContentClientMessage::text(PROMPT);
            tx.send(Message::text(serde_json::to_string(&msg).unwrap()))
                .await
                .unwrap();
        }
        tx
    });
    let mut done = 0;
    while done < n {
        let frame = rx.next().await.unwrap().unwrap();
        let msg: BidiGenerateContentServerMessage =
            serde_json::from_slice(&frame.into_data()).unwrap();
        if msg.is_turn_complete() {
            done += 1;
        }
    }
    let tx = writer.await.unwrap();
    tx.reunite(rx).unwrap()
}

#[allow(clippy::large_enum_variant)] // Two values for the whole run.
enum Variant {
    Plain(Option<Plain>),
    Live(Option<gemini_live::LiveSession>),
}

impl Variant {
    async fn open(kind: &str, port: u16) -> Self {
        match kind {
            "plain" => Self::Plain(Some(plain_connect(port).await)),
            "live" => Self::Live(Some(connector(port).connect(config()).await.unwrap())),
            other => panic!("unknown variant {other:?}"),
        }
    }

    async fn batch(&mut self, n: u64) {
        match self {
            Self::Plain(ws) => *ws = Some(plain_batch(ws.take().unwrap(), n).await),
            Self::Live(s) => *s = Some(live_batch(s.take().unwrap(), n).await),
        }
    }
}

fn process_cpu() -> Duration {
    let mut ns = 0u64;
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            if let Some(v) = std::fs::read_to_string(task.path().join("schedstat"))
                .ok()
                .and_then(|s| {
                    s.split_whitespace()
                        .next()
                        .and_then(|f| f.parse::<u64>().ok())
                })
            {
                ns += v;
            }
        }
    }
    Duration::from_nanos(ns)
}

/// The resident set size, in bytes (Linux).
fn rss() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<usize>().ok())
        })
        .map_or(0, |pages| pages * 4096)
}

/// Client memory per idle session: gemini-live sessions, then bare tokio-tungstenite
/// connections, in bytes.
struct Idle {
    sessions: usize,
    live: f64,
    plain: f64,
}

/// Opens `n` idle sessions and measures the client memory each one holds, then the same for
/// bare tokio-tungstenite connections.
fn idle_sessions(rt: &tokio::runtime::Runtime, port: u16, n: usize) -> Idle {
    let connector = connector(port);
    let rss0 = rss();
    let sessions: Vec<_> = rt.block_on(async {
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(connector.connect(config()).await.unwrap());
        }
        // Let every task settle into its idle wait.
        tokio::time::sleep(Duration::from_millis(200)).await;
        v
    });
    let rss1 = rss();
    let plain: Vec<_> = rt.block_on(async {
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(plain_connect(port).await);
        }
        v
    });
    let rss2 = rss();
    rt.block_on(async move {
        for s in sessions {
            s.close().await.unwrap();
        }
        drop(plain);
    });
    Idle {
        sessions: n,
        live: rss1.saturating_sub(rss0) as f64 / n as f64,
        plain: rss2.saturating_sub(rss1) as f64 / n as f64,
    }
}

/// Messages per second and client CPU per message, from paired rounds.
struct Throughput {
    rounds: u32,
    per_round: u64,
    /// Messages per second: plain, gemini-live.
    rate: [f64; 2],
    /// Client CPU per message, in microseconds: plain, gemini-live.
    cpu_us: [f64; 2],
    /// The per-pair throughput ratios (gemini-live / plain), sorted.
    ratios: Vec<f64>,
}

impl Throughput {
    fn median(&self) -> f64 {
        self.ratios[self.ratios.len() / 2]
    }
}

/// Paired rounds, the order alternating, so that a burst of load elsewhere on the machine hits
/// both variants of a pair alike; the median of the per-pair ratios is the figure.
fn paired_rounds(rt: &tokio::runtime::Runtime, variants: &mut [Variant; 2]) -> Throughput {
    let (rounds, per_round) = (15u32, 1000u64);
    let mut stats = [(Duration::ZERO, Duration::ZERO); 2];
    let mut ratios = Vec::with_capacity(rounds as usize);
    for round in 0..rounds {
        let mut pair = [Duration::ZERO; 2];
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for i in order {
            let (cpu0, wall0) = (process_cpu(), tokio::time::Instant::now());
            rt.block_on(variants[i].batch(per_round));
            pair[i] = wall0.elapsed();
            stats[i].0 += pair[i];
            stats[i].1 += process_cpu().saturating_sub(cpu0);
        }
        // Throughput ratio: plain's time over gemini-live's.
        ratios.push(pair[0].as_secs_f64() / pair[1].as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let total = f64::from(rounds) * per_round as f64;
    Throughput {
        rounds,
        per_round,
        rate: stats.map(|(wall, _)| total / wall.as_secs_f64()),
        cpu_us: stats.map(|(_, cpu)| cpu.as_secs_f64() * 1e6 / total),
        ratios,
    }
}

fn open_both(rt: &tokio::runtime::Runtime, port: u16) -> [Variant; 2] {
    [
        rt.block_on(Variant::open("plain", port)),
        rt.block_on(Variant::open("live", port)),
    ]
}

fn idle_count() -> usize {
    std::env::var("GEMINI_BENCH_IDLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

const NAMES: [&str; 2] = ["plain tokio-tungstenite", "gemini-live session"];

fn bench(c: &mut Criterion) {
    let (_server, port) = spawn_server();
    let rt = client_runtime();
    let mut variants = open_both(&rt, port);
    let batch = 256;
    let mut group = c.benchmark_group("messages_one_session");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(2))
        .throughput(criterion::Throughput::Elements(batch));
    for (name, v) in NAMES.iter().zip(&mut variants) {
        group.bench_function(*name, |b| {
            b.iter_custom(|iters| {
                let start = tokio::time::Instant::now();
                for _ in 0..iters {
                    rt.block_on(v.batch(batch));
                }
                start.elapsed()
            });
        });
    }
    group.finish();
    let t = paired_rounds(&rt, &mut variants);
    println!(
        "\nmessages through one session ({} paired rounds of {}, order alternating):",
        t.rounds, t.per_round
    );
    for (i, name) in NAMES.iter().enumerate() {
        println!(
            "  {name:<26} {:>9.0} msg/s   {:>6.2} us client CPU per message",
            t.rate[i], t.cpu_us[i]
        );
    }
    println!(
        "  ratio (gemini-live / plain): median {:.3} of the pairs (min {:.3}, max {:.3}), overall {:.3} (target: at least 0.9)",
        t.median(),
        t.ratios[0],
        t.ratios[t.ratios.len() - 1],
        t.rate[1] / t.rate[0]
    );
    let idle = idle_sessions(&rt, port, idle_count());
    println!(
        "\n{} idle gemini-live sessions: client RSS {:.1} KiB per session (target: under 64 KiB)",
        idle.sessions,
        idle.live / 1024.0
    );
    println!(
        "{} idle bare tokio-tungstenite connections (default config, no task): client RSS {:.1} KiB per connection",
        idle.sessions,
        idle.plain / 1024.0
    );
}

/// `GEMINI_BENCH_REPORT=1`: the paired rounds and the idle sessions alone, as the Markdown
/// section `cargo xtask bench` writes to `BENCHMARKS.md`.
fn report() {
    let (_server, port) = spawn_server();
    let rt = client_runtime();
    let mut variants = open_both(&rt, port);
    // A warm-up round for both, not counted.
    for v in &mut variants {
        rt.block_on(v.batch(1000));
    }
    let t = paired_rounds(&rt, &mut variants);
    let idle = idle_sessions(&rt, port, idle_count());
    let met = |ok: bool| if ok { "met" } else { "not met" };
    println!(
        "Live sessions (`cargo bench -p gemini-live --bench live`): a minimal loopback WebSocket \
         server in a child process; one `clientContent` sent and one `serverContent` received per \
         message. The bare client sends each message with `SinkExt::send` (one write and flush a \
         message, as tokio-tungstenite's examples do); a gemini-live session writes the frames \
         queued while it was busy together, with one flush. Throughput is wall time over {} \
         paired rounds of {} messages, the order alternating; the ratio is the median of the \
         pairs' ratios (min {:.3}, max {:.3}). Memory is the client's resident set growth over \
         {} idle sessions.\n",
        t.rounds,
        t.per_round,
        t.ratios[0],
        t.ratios[t.ratios.len() - 1],
        idle.sessions
    );
    println!(
        "| measure | bare tokio-tungstenite | gemini-live | ratio (gemini-live / plain) | goal |"
    );
    println!("|---|---:|---:|---:|---|");
    println!(
        "| messages per second, one session | {:.0} | {:.0} | {:.3} | at least 0.9: {} |",
        t.rate[0],
        t.rate[1],
        t.median(),
        met(t.median() >= 0.9)
    );
    println!(
        "| client CPU per message | {:.2} us | {:.2} us | {:.3} | |",
        t.cpu_us[0],
        t.cpu_us[1],
        t.cpu_us[1] / t.cpu_us[0]
    );
    println!(
        "| client memory per idle session | {:.1} KiB | {:.1} KiB | {:.3} | under 64 KiB: {} |",
        idle.plain / 1024.0,
        idle.live / 1024.0,
        idle.live / idle.plain,
        met(idle.live < 64.0 * 1024.0)
    );
}

criterion_group!(benches, bench);

/// `GEMINI_BENCH_ONLY=<plain|live>:msg:<messages>`: one variant alone, twice (a warm-up, then
/// the measured run), for `cargo xtask bench`.
fn only(spec: &str) {
    let (fields, n) = spec.rsplit_once(':').expect("<variant>:msg:<messages>");
    let n: u64 = n.parse().expect("messages");
    let kind = fields.split(':').next().unwrap_or_default();
    let (_server, port) = spawn_server();
    let rt = client_runtime();
    let mut v = rt.block_on(Variant::open(kind, port));
    rt.block_on(v.batch(n));
    let before = process_cpu();
    rt.block_on(v.batch(n));
    eprintln!("{spec}: {:?} CPU", process_cpu().saturating_sub(before));
}

fn main() {
    if std::env::var_os(SERVER_ENV).is_some() {
        serve();
        return;
    }
    if let Ok(spec) = std::env::var(ONLY_ENV) {
        only(&spec);
        return;
    }
    if std::env::var_os("GEMINI_BENCH_REPORT").is_some() {
        report();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
