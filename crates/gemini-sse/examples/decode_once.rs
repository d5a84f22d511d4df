//! Decodes one benchmark input once with one decoder: a fixed workload for
//! `valgrind --tool=callgrind`, whose instruction counts are steadier than wall time.
//!
//! ```text
//! cargo build --release -p gemini-sse --example decode_once
//! valgrind --tool=callgrind target/release/examples/decode_once decoder big
//! ```
//!
//! Decoders: `decoder`, `stream`, `eventsource`, and `none` (input generation only, the
//! baseline to subtract); inputs: `gemini`, `big`.

#[path = "../benches/support/input.rs"]
mod input;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (which, what) = match args.as_slice() {
        [which, what] => (which.as_str(), what.as_str()),
        _ => ("decoder", "gemini"),
    };
    let data = if what == "big" {
        input::big_event()
    } else {
        input::gemini_stream()
    };
    let chunks = input::chunks(&data);
    let (events, bytes) = match which {
        "stream" => input::run_stream(&chunks),
        "eventsource" => input::run_eventsource(&chunks),
        // The baseline: building the input alone, to subtract from the others' counts.
        "none" => (0, 0),
        _ => input::run_decoder(&chunks),
    };
    println!(
        "{which} {what}: {events} events, {bytes} data bytes from {} input bytes",
        data.len()
    );
}
