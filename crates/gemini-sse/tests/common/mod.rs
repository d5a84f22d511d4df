//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub)]

pub mod harness;

use std::path::{Path, PathBuf};

use gemini_sse::{DecodeError, Decoder, DecoderConfig, Event};

/// Everything a decoder produced for one input: events and errors in order, plus the state that
/// outlives events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub items: Vec<Result<Event, DecodeError>>,
    pub last_event_id: Option<String>,
    pub reconnection_time: Option<std::time::Duration>,
}

/// How the input reaches the decoder. Every test runs both: they must agree exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// [`Decoder::push`]: borrowed slices, copied.
    Push,
    /// [`Decoder::feed`]: shared [`bytes::Bytes`] chunks, large pieces kept without copying.
    Feed,
}

impl Input {
    /// Both ways in.
    pub const BOTH: [Self; 2] = [Self::Push, Self::Feed];
}

/// Decodes `chunks` as one stream, given to the decoder as `input` says, and finishes it.
pub fn decode(
    input: Input,
    config: &DecoderConfig,
    chunks: impl IntoIterator<Item = impl AsRef<[u8]>>,
) -> Output {
    let mut decoder = Decoder::with_config(config.clone());
    let mut items = Vec::new();
    for chunk in chunks {
        let chunk = chunk.as_ref();
        match input {
            Input::Push => decoder.push(chunk),
            Input::Feed => decoder.feed(bytes::Bytes::copy_from_slice(chunk)),
        }
        items.extend(std::iter::from_fn(|| decoder.next_event()));
    }
    decoder.finish();
    items.extend(std::iter::from_fn(|| decoder.next_event()));
    Output {
        items,
        last_event_id: decoder.last_event_id().map(str::to_owned),
        reconnection_time: decoder.reconnection_time(),
    }
}

/// Decodes `chunks` with [`Decoder::push`] and with [`Decoder::feed`], asserts that both give the
/// same output, and returns it.
pub fn decode_chunks<'a>(
    config: &DecoderConfig,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Output {
    let chunks: Vec<&[u8]> = chunks.into_iter().collect();
    let pushed = decode(Input::Push, config, &chunks);
    let fed = decode(Input::Feed, config, &chunks);
    assert_eq!(fed, pushed, "feed and push disagree");
    pushed
}

/// `../shared/spec/<sub>` (a sibling of the repository), or `None` after printing one line when
/// `../shared/spec` is absent, so the test `what` skips. Under `CI=true` its absence is a failure.
pub fn shared_spec(what: &str, sub: &str) -> Option<PathBuf> {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec");
    if spec.is_dir() {
        return Some(spec.join(sub));
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what}: ../shared/spec not found, and CI=true requires it"
    );
    // Straight to stderr: the test harness captures `println!`, and this line must show.
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("skipping {what}: ../shared/spec not found\n").as_bytes(),
    );
    None
}
