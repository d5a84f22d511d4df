//! Helpers shared by the integration tests.

#![allow(dead_code, unreachable_pub)]

pub mod harness;

use gemini_sse::{DecodeError, Decoder, DecoderConfig, Event};

/// Everything a decoder produced for one input: events and errors in order, plus the state that
/// outlives events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub items: Vec<Result<Event, DecodeError>>,
    pub last_event_id: Option<String>,
    pub reconnection_time: Option<std::time::Duration>,
}

/// Decodes `chunks` as one stream with [`Decoder::push`] and finishes it.
pub fn decode_chunks<'a>(
    config: &DecoderConfig,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Output {
    decode_with(config, chunks, Decoder::push)
}

/// Decodes `chunks` as one stream with [`Decoder::feed`] and finishes it.
pub fn feed_chunks<'a>(
    config: &DecoderConfig,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Output {
    decode_with(config, chunks, |decoder, chunk| {
        decoder.feed(bytes::Bytes::copy_from_slice(chunk));
    })
}

fn decode_with<'a>(
    config: &DecoderConfig,
    chunks: impl IntoIterator<Item = &'a [u8]>,
    mut input: impl FnMut(&mut Decoder, &'a [u8]),
) -> Output {
    let mut decoder = Decoder::with_config(config.clone());
    let mut items = Vec::new();
    for chunk in chunks {
        input(&mut decoder, chunk);
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
