//! The decoder fuzz harness, shared by the cargo-fuzz target (`fuzz/fuzz_targets/decoder.rs`
//! includes this file) and the bounded proptest run in `tests/chunking.rs`.
//!
//! It checks the properties that must hold for *any* input: no panic, the same output however
//! the input is split into chunks, and the configured limits respected.

use std::time::Duration;

use gemini_sse::{DecodeError, Decoder, DecoderConfig, UnfinishedEvent};

/// Runs the decoder over `input` as whole, byte by byte and in chunks whose sizes are derived
/// from the input, and panics if the results differ or a limit is not respected.
pub fn check(input: &[u8]) {
    let Some((&selector, input)) = input.split_first() else {
        return;
    };
    let config = config_for(selector);
    let whole = run(&config, &[input]);
    let singles: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(whole, run(&config, &singles), "byte by byte differs");
    let mut chunks = Vec::new();
    let mut rest = input;
    let mut size = usize::from(selector >> 4) + 1;
    while !rest.is_empty() {
        let (chunk, tail) = rest.split_at(size.min(rest.len()));
        chunks.push(chunk);
        rest = tail;
        size = size * 7 % 23 + 1;
    }
    assert_eq!(whole, run(&config, &chunks), "chunked differs");
    for (_, data, _, _) in whole.0.iter().flatten() {
        assert!(
            data.len() < config.max_event_size.max(1),
            "event over the limit"
        );
    }
}

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

/// One decoded item, in full (`Event`'s `Debug` shortens large data).
type Item = Result<(String, String, Option<String>, Option<Duration>), DecodeError>;

fn run(config: &DecoderConfig, chunks: &[&[u8]]) -> (Vec<Item>, Option<String>, Option<Duration>) {
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
        decoder.push(chunk);
        drain(&mut decoder);
    }
    decoder.finish();
    drain(&mut decoder);
    let last_event_id = decoder.last_event_id().map(str::to_owned);
    (items, last_event_id, decoder.reconnection_time())
}
