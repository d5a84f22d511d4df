//! Decodes one benchmark input with one decoder: a fixed workload for
//! `valgrind --tool=callgrind`, whose instruction counts are steadier than wall time on a busy
//! machine, and a CPU-time measurement (user + system time of this process, Linux only) that
//! is less disturbed by other processes than criterion's wall time.
//!
//! ```text
//! cargo build --release -p gemini-sse --example decode_once
//! valgrind --tool=callgrind target/release/examples/decode_once decoder big
//! target/release/examples/decode_once decoder big 20
//! ```
//!
//! Arguments: the decoder (`decoder`, `stream`, `eventsource`, or `none`: input generation only,
//! the baseline to subtract from callgrind counts), the input (`gemini`, `big`), and how many
//! times to decode it (default 1).

#[path = "../benches/support/input.rs"]
mod input;

/// User + system CPU time of this process so far, in seconds (Linux only).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(") ").next()?.split(' ').collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    // Clock ticks; 100 per second on Linux.
    Some((user + system) / 100.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let which = args.first().map_or("decoder", String::as_str);
    let what = args.get(1).map_or("gemini", String::as_str);
    let iterations: u32 = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1).max(1);
    let data = if what == "big" {
        input::big_event()
    } else {
        input::gemini_stream()
    };
    let chunks = input::chunks(&data);
    let start = cpu_seconds();
    let mut result = (0, 0);
    for _ in 0..iterations {
        result = match which {
            "stream" => input::run_stream(&chunks),
            "eventsource" => input::run_eventsource(&chunks),
            "none" => (0, 0),
            _ => input::run_decoder(&chunks),
        };
    }
    let (events, bytes) = result;
    println!(
        "{which} {what}: {events} events, {bytes} data bytes from {} input bytes",
        data.len()
    );
    if let (Some(start), Some(end)) = (start, cpu_seconds()) {
        let per = (end - start) / f64::from(iterations);
        if per > 0.0 {
            println!(
                "CPU time per run: {:.2} ms, {:.0} MiB/s ({iterations} runs)",
                per * 1e3,
                data.len() as f64 / per / (1024.0 * 1024.0)
            );
        }
    }
}
