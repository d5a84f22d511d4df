//! Decoding throughput next to the `eventsource-stream` crate on the same input and chunking:
//! (a) a Gemini-like stream of 1,000 events of about 1 KB, (b) one 16 MB event.
//!
//! `cargo bench -p gemini-sse --bench decode -- --warm-up-time 1 --measurement-time 3`

#![allow(missing_docs)]

#[path = "support/input.rs"]
mod input;

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn bench(c: &mut Criterion, name: &str, input: &bytes::Bytes, samples: usize) {
    let chunks = input::chunks(input);
    let expected = input::run_decoder(&chunks);
    assert_eq!(input::run_stream(&chunks), expected);
    assert_eq!(input::run_eventsource(&chunks), expected);

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.sample_size(samples);
    group.bench_function("gemini-sse Decoder", |b| {
        b.iter(|| input::run_decoder(&chunks));
    });
    group.bench_function("gemini-sse SseStream", |b| {
        b.iter(|| input::run_stream(&chunks));
    });
    group.bench_function("eventsource-stream", |b| {
        b.iter(|| input::run_eventsource(&chunks));
    });
    group.finish();
}

fn decode(c: &mut Criterion) {
    bench(c, "gemini_1000_events_of_1kb", &input::gemini_stream(), 20);
    bench(c, "single_16mb_event", &input::big_event(), 10);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = decode
}
criterion_main!(benches);
