//! Benchmark inputs and the three decoders under test, shared by `benches/decode.rs` and
//! `examples/decode_once.rs` (the single-run binary for callgrind).

// Benchmark code: a panic is a failed run.
#![allow(dead_code, unreachable_pub, clippy::expect_used)]

use std::convert::Infallible;
use std::fmt::Write;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use futures_core::Stream;

/// Network-sized chunks, as an HTTP/1.1 client hands them over.
pub const CHUNK: usize = 64 * 1024;

/// A Gemini-like `streamGenerateContent?alt=sse` body: 1,000 events of about 1 KB each, one
/// `data: {json}` line each, CRLF framing (`../shared/spec/API.md` section 6).
pub fn gemini_stream() -> Bytes {
    let mut out = String::new();
    for i in 0..1000 {
        let text: String =
            "Once upon a time, a lighthouse keeper found a glowing shell on the rocks; \
                            the café owner said it hummed at night. "
                .repeat(7);
        write!(
            out,
            "data: {{\"candidates\":[{{\"content\":{{\"parts\":[{{\"text\":\"{text}\"}}],\"role\":\"model\"}},\"index\":0}}],\
             \"usageMetadata\":{{\"promptTokenCount\":8,\"candidatesTokenCount\":{i},\"totalTokenCount\":{}}},\
             \"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"Yk9NafXiGpy-1e8PmJ_i8Ac\"}}\r\n\r\n",
            i + 8
        )
        .expect("writing to a String");
    }
    Bytes::from(out)
}

/// One 16 MB event: an inline image, base64 in a single `data:` line.
pub fn big_event() -> Bytes {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(16 * 1024 * 1024 + 256);
    out.extend_from_slice(
        b"data: {\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"",
    );
    let mut state: u32 = 0x1234_5678;
    while out.len() < 16 * 1024 * 1024 {
        state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        out.push(alphabet[(state >> 26) as usize]);
    }
    out.extend_from_slice(b"\"}}]},\"index\":0}]}\r\n\r\n");
    Bytes::from(out)
}

/// Splits `input` into `CHUNK`-sized pieces without copying.
pub fn chunks(input: &Bytes) -> Vec<Bytes> {
    (0..input.len())
        .step_by(CHUNK)
        .map(|start| input.slice(start..(start + CHUNK).min(input.len())))
        .collect()
}

/// Polls a stream that is always ready to the end.
fn drain<S: Stream>(stream: S, mut each: impl FnMut(S::Item)) {
    let mut stream = pin!(stream);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        match stream.as_mut().poll_next(&mut cx) {
            Poll::Ready(Some(item)) => each(item),
            Poll::Ready(None) => return,
            Poll::Pending => panic!("an in-memory stream is never pending"),
        }
    }
}

/// Our sans-IO decoder, fed the shared chunks. Returns (events, data bytes).
pub fn run_decoder(chunks: &[Bytes]) -> (usize, usize) {
    let mut decoder = gemini_sse::Decoder::new();
    let (mut events, mut bytes) = (0, 0);
    let mut take = |decoder: &mut gemini_sse::Decoder| {
        while let Some(event) = decoder.next_event() {
            let event = event.expect("valid input");
            events += 1;
            bytes += std::hint::black_box(event.data()).len();
        }
    };
    for chunk in chunks {
        decoder.feed(chunk.clone());
        take(&mut decoder);
    }
    decoder.finish();
    take(&mut decoder);
    (events, bytes)
}

/// Our `SseStream` over an `http_body::Body`. Returns (events, data bytes).
pub fn run_stream(chunks: &[Bytes]) -> (usize, usize) {
    let frames = chunks
        .iter()
        .map(|chunk| Ok::<_, Infallible>(http_body::Frame::data(chunk.clone())));
    let body = http_body_util::StreamBody::new(futures_util::stream::iter(frames));
    let (mut events, mut bytes) = (0, 0);
    drain(gemini_sse::SseStream::new(body), |event| {
        let event = event.expect("valid input");
        events += 1;
        bytes += std::hint::black_box(event.data()).len();
    });
    (events, bytes)
}

/// The `eventsource-stream` crate on the same chunks. Returns (events, data bytes).
pub fn run_eventsource(chunks: &[Bytes]) -> (usize, usize) {
    let stream = futures_util::stream::iter(chunks.iter().cloned().map(Ok::<_, Infallible>));
    let (mut events, mut bytes) = (0, 0);
    drain(eventsource_stream::EventStream::new(stream), |event| {
        let event = event.expect("valid input");
        events += 1;
        bytes += std::hint::black_box(event.data.as_str()).len();
    });
    (events, bytes)
}
