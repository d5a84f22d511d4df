//! `SseStream` over `http_body::Body`s: chunked bodies, pending polls, body errors, decode
//! errors and the end of the stream.

// Test code: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(feature = "stream")]

use std::collections::VecDeque;
use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::FusedStream;
use futures_util::StreamExt;
use gemini_sse::{
    DecodeErrorKind, Decoder, DecoderConfig, Event, SseStream, StreamError, UnfinishedEvent,
};
use http_body::{Body, Frame};
use http_body_util::{Full, StreamBody};

/// A body that returns `Pending` before every frame (waking itself), like a slow network.
struct Drip {
    frames: VecDeque<Result<Frame<Bytes>, io::Error>>,
    ready: bool,
}

impl Drip {
    fn new(frames: impl IntoIterator<Item = Result<Frame<Bytes>, io::Error>>) -> Self {
        Self {
            frames: frames.into_iter().collect(),
            ready: false,
        }
    }
}

impl Body for Drip {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if !self.ready {
            self.ready = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.ready = false;
        Poll::Ready(self.frames.pop_front())
    }
}

/// A data frame, as the `Ok` item a body yields.
#[allow(clippy::unnecessary_wraps)]
fn data(bytes: &'static [u8]) -> Result<Frame<Bytes>, io::Error> {
    Ok(Frame::data(Bytes::from_static(bytes)))
}

#[tokio::test(flavor = "current_thread")]
async fn events_split_across_frames_and_pending_polls() {
    let body = Drip::new([
        data(b"data: {\"a\":"),
        data(b"1}\r"),
        data(b"\n\r"),
        Ok(Frame::trailers(http::HeaderMap::new())),
        data(b"\nevent: x\r\ndata: caf\xC3"),
        data(b"\xA9\r\n\r\n"),
    ]);
    let events: Vec<_> = SseStream::new(body).collect().await;
    let events: Vec<Event> = events.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        events,
        [
            Event::new("{\"a\":1}"),
            Event::new("café").with_event_type("x"),
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_body_error_ends_the_stream_and_keeps_its_source() {
    let body = Drip::new([
        data(b"data: 1\n\ndata: cut"),
        Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset")),
        data(b"\n\ndata: never\n\n"),
    ]);
    let mut stream = SseStream::new(body);
    assert_eq!(stream.next().await.unwrap().unwrap(), Event::new("1"));
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(error.is_body());
    assert!(!error.is_decode());
    assert_eq!(error.to_string(), "failed to read the event stream body");
    let source = std::error::Error::source(&error).unwrap();
    assert_eq!(source.to_string(), "reset");
    assert_eq!(
        error.into_body().map(|e| e.kind()),
        Some(io::ErrorKind::ConnectionReset)
    );
    assert!(stream.next().await.is_none());
    assert!(stream.is_terminated());
}

#[tokio::test(flavor = "current_thread")]
async fn a_decode_error_does_not_end_the_stream() {
    let body = Full::new(Bytes::from_static(b"data: \xFF\n\ndata: ok\n\n"));
    let mut stream = SseStream::new(body);
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(error.is_decode());
    assert_eq!(
        error.as_decode().map(gemini_sse::DecodeError::kind),
        Some(DecodeErrorKind::InvalidUtf8)
    );
    assert_eq!(
        error.to_string(),
        "failed to decode an event of the event stream"
    );
    assert!(std::error::Error::source(&error).is_some());
    assert!(!stream.is_terminated());
    assert_eq!(stream.next().await.unwrap().unwrap(), Event::new("ok"));
    assert!(stream.next().await.is_none());
    assert!(stream.is_terminated());
    assert!(stream.next().await.is_none());
}

#[tokio::test(flavor = "current_thread")]
async fn end_of_body_finishes_the_decoder() {
    let body = || Full::new(Bytes::from_static(b"id: 9\ndata: a\n\ndata: last"));
    let discard: Vec<_> = SseStream::new(body()).collect().await;
    assert_eq!(discard.len(), 1);

    let config = DecoderConfig::default().with_unfinished_event(UnfinishedEvent::Dispatch);
    let mut stream = SseStream::with_decoder(body(), Decoder::with_config(config));
    let mut got = Vec::new();
    while let Some(event) = stream.next().await {
        got.push(event.unwrap());
    }
    assert_eq!(got[1], Event::new("last").with_id("9"));
    assert_eq!(stream.decoder().last_event_id(), Some("9"));

    let config = DecoderConfig::default().with_unfinished_event(UnfinishedEvent::Error);
    let stream = SseStream::with_decoder(body(), Decoder::with_config(config));
    let items: Vec<_> = stream.collect().await;
    let error = items[1].as_ref().unwrap_err();
    assert!(
        error
            .as_decode()
            .is_some_and(gemini_sse::DecodeError::is_unexpected_eof)
    );
}

#[tokio::test(flavor = "current_thread")]
async fn stream_body_of_many_frames() {
    // 200 events, each split into three frames at awkward places.
    let mut frames = Vec::new();
    for i in 0..200 {
        let event = format!("data: {{\"i\":{i},\"s\":\"\u{2028}\"}}\r\n\r\n");
        let bytes = event.into_bytes();
        let (a, rest) = bytes.split_at(3);
        let (b, c) = rest.split_at(rest.len() - 3);
        for part in [a, b, c] {
            frames.push(Ok::<_, Infallible>(Frame::data(Bytes::copy_from_slice(
                part,
            ))));
        }
    }
    let body = StreamBody::new(futures_util::stream::iter(frames));
    let stream = SseStream::new(body);
    let events: Vec<_> = stream.map(Result::unwrap).collect().await;
    assert_eq!(events.len(), 200);
    for (i, event) in events.iter().enumerate() {
        assert_eq!(event.data(), format!("{{\"i\":{i},\"s\":\"\u{2028}\"}}"));
    }
}

#[test]
fn parts_and_debug() {
    let stream = SseStream::new(Full::new(Bytes::from_static(b"data: x\n\n")));
    assert!(format!("{stream:?}").starts_with("SseStream"));
    assert!(stream.body().size_hint().exact().is_some());
    let (_body, decoder) = stream.into_parts();
    assert!(!decoder.has_next());
    let mut d = Decoder::new();
    d.push(b"data: \xFF\n");
    let error: StreamError<io::Error> = StreamError::Decode(d.next_event().unwrap().unwrap_err());
    assert!(error.into_body().is_none());
}

#[test]
fn types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Decoder>();
    send_sync::<Event>();
    send_sync::<gemini_sse::DecodeError>();
    send_sync::<StreamError<io::Error>>();
    send_sync::<SseStream<Full<Bytes>>>();
}
