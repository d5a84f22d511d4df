//! The decoder fuzz harness, shared by the cargo-fuzz target (`fuzz/fuzz_targets/decoder.rs`
//! includes this file) and the bounded proptest run in `tests/chunking.rs`.
//!
//! It checks the properties that must hold for *any* input: no panic, the same output however
//! the input is split into chunks and whether it is given with `push` (copied slices) or `feed`
//! (shared `Bytes`, the zero-copy path), and the configured limits respected.

use std::time::Duration;

use gemini_sse::{DecodeError, Decoder, DecoderConfig, UnfinishedEvent};

/// Runs the decoder over `input` as whole, byte by byte and in chunks whose sizes are derived
/// from the input, each with `push` and with `feed`, and panics if any result differs from the
/// whole input pushed, or a limit is not respected.
pub fn check(input: &[u8]) {
    let Some((&selector, input)) = input.split_first() else {
        return;
    };
    let config = config_for(selector);
    let whole = run(&config, &[input], Way::Push);
    assert_eq!(
        whole,
        run(&config, &[input], Way::Feed),
        "whole, fed, differs"
    );
    let singles: Vec<&[u8]> = input.chunks(1).collect();
    for way in [Way::Push, Way::Feed] {
        assert_eq!(
            whole,
            run(&config, &singles, way),
            "byte by byte ({way:?}) differs"
        );
    }
    let mut chunks = Vec::new();
    let mut rest = input;
    let mut size = usize::from(selector >> 4) + 1;
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        chunks.push(chunk);
        rest = tail;
        size = size * 7 % 23 + 1;
    }
    for way in [Way::Push, Way::Feed] {
        assert_eq!(
            whole,
            run(&config, &chunks, way),
            "chunked ({way:?}) differs"
        );
    }
    // `feed` shares only pieces of at least 8 KiB, longer than most fuzz inputs: run the input
    // again behind a long data line, whole and split in two at a point derived from the input.
    let mut long = b"data: ".to_vec();
    long.resize(LONG_LINE, b'a');
    long.extend_from_slice(input);
    let long_whole = run(&config, &[&long], Way::Push);
    let cut = (usize::from(selector) * 1021 + input.len()) % (long.len() + 1);
    let (a, b) = long.split_at(cut);
    for way in [Way::Push, Way::Feed] {
        for chunks in [&[&long[..]][..], &[a, b]] {
            let n = chunks.len();
            assert_eq!(
                long_whole,
                run(&config, chunks, way),
                "long line, {n} chunk(s) ({way:?}) differs"
            );
        }
    }
    for (_, data, _, _) in whole.0.iter().chain(&long_whole.0).flatten() {
        assert!(
            data.len() < config.max_event_size.max(1),
            "event over the limit"
        );
    }
}

/// The length of the data line put before the input to reach `feed`'s shared pieces.
const LONG_LINE: usize = 9 * 1024;

fn config_for(selector: u8) -> DecoderConfig {
    let policy = match selector % 3 {
        0 => UnfinishedEvent::Discard,
        1 => UnfinishedEvent::Dispatch,
        _ => UnfinishedEvent::Error,
    };
    let (line, event) = match (selector / 3) % 4 {
        0 => (1 << 20, 1 << 20),
        1 => (8, 1 << 20),
        2 => (1 << 20, 6),
        _ => (0, 0),
    };
    DecoderConfig::default()
        .with_max_line_size(line)
        .with_max_event_size(event)
        .with_unfinished_event(policy)
}

/// How the input reaches the decoder.
#[derive(Clone, Copy, Debug)]
enum Way {
    /// `Decoder::push`: borrowed slices, copied.
    Push,
    /// `Decoder::feed`: shared `Bytes` chunks, large pieces kept without copying.
    Feed,
}

/// One decoded item, in full (`Event`'s `Debug` shortens large data).
type Item = Result<(String, String, Option<String>, Option<Duration>), DecodeError>;

fn run(
    config: &DecoderConfig,
    chunks: &[&[u8]],
    way: Way,
) -> (Vec<Item>, Option<String>, Option<Duration>) {
    let mut decoder = Decoder::with_config(config.clone());
    let mut items = Vec::new();
    let mut drain = |decoder: &mut Decoder| {
        while let Some(item) = decoder.next_event() {
            items.push(item.map(|event| {
                (
                    event.event_type().to_owned(),
                    event.data().to_owned(),
                    event.id().map(str::to_owned),
                    event.retry(),
                )
            }));
        }
    };
    for chunk in chunks {
        match way {
            Way::Push => decoder.push(chunk),
            // `Vec<u8>` into `Bytes`, so the fuzz crate needs no `bytes` dependency of its own.
            Way::Feed => decoder.feed(chunk.to_vec().into()),
        }
        drain(&mut decoder);
    }
    decoder.finish();
    drain(&mut decoder);
    let last_event_id = decoder.last_event_id().map(str::to_owned);
    (items, last_event_id, decoder.reconnection_time())
}
