//! [`SseStream`]: an event stream over any [`http_body::Body`].

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Buf;
use futures_core::{FusedStream, Stream};
use http_body::Body;
use pin_project_lite::pin_project;

use crate::decoder::Decoder;
use crate::error::DecodeError;
use crate::event::Event;

pin_project! {
    /// A [`Stream`] of [`Event`]s decoded from an [`http_body::Body`].
    ///
    /// It polls the body for data frames, feeds them to a [`Decoder`] (with
    /// [`Decoder::feed`], so a large event's data is copied only once when the body's data is
    /// [`Bytes`](bytes::Bytes), as hyper's is) and yields the events as they complete. No task
    /// is spawned and no runtime is needed: it does its work inside `poll_next`. Trailers are
    /// ignored.
    ///
    /// The stream ends when the body ends (after [`Decoder::finish`], so an unfinished last event
    /// is handled as the decoder's [`UnfinishedEvent`](crate::UnfinishedEvent) policy says), or
    /// right after yielding a body error. A [`DecodeError`] does not end it: the decoder skips
    /// the bad event and goes on, and the caller decides whether to keep reading.
    ///
    /// ```
    /// use futures_util::StreamExt;
    /// use gemini_sse::SseStream;
    ///
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let body = http_body_util::Full::new(bytes::Bytes::from_static(
    ///     b"data: {\"text\":\"Hello\"}\r\n\r\ndata: {\"text\":\" world\"}\r\n\r\n",
    /// ));
    /// let mut events = SseStream::new(body);
    /// let mut text = Vec::new();
    /// while let Some(event) = events.next().await {
    ///     text.push(event?.into_data());
    /// }
    /// assert_eq!(text, [r#"{"text":"Hello"}"#, r#"{"text":" world"}"#]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # }).unwrap();
    /// ```
    pub struct SseStream<B> {
        #[pin]
        body: B,
        decoder: Decoder,
        body_done: bool,
    }
}

impl<B> SseStream<B> {
    /// Decodes `body` with a default [`Decoder`].
    pub fn new(body: B) -> Self {
        Self::with_decoder(body, Decoder::new())
    }

    /// Decodes `body` with the given decoder: one with a custom
    /// [`DecoderConfig`](crate::DecoderConfig), or the decoder of a previous stream (after a
    /// reconnection), which keeps its last event id and reconnection time.
    pub fn with_decoder(body: B, decoder: Decoder) -> Self {
        Self {
            body,
            decoder,
            body_done: false,
        }
    }

    /// The decoder, for its [`last_event_id`](Decoder::last_event_id) and
    /// [`reconnection_time`](Decoder::reconnection_time).
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// The body being decoded.
    pub fn body(&self) -> &B {
        &self.body
    }

    /// Takes the stream apart. Events still queued in the decoder stay there.
    pub fn into_parts(self) -> (B, Decoder) {
        (self.body, self.decoder)
    }
}

impl<B: Body> Stream for SseStream<B> {
    type Item = Result<Event, StreamError<B::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        loop {
            if let Some(item) = this.decoder.next_event() {
                return Poll::Ready(Some(item.map_err(StreamError::Decode)));
            }
            if *this.body_done {
                return Poll::Ready(None);
            }
            match ready!(this.body.as_mut().poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Ok(mut data) = frame.into_data() {
                        // Without a copy when the body's data is `Bytes` (as hyper's is).
                        let len = data.remaining();
                        this.decoder.feed(data.copy_to_bytes(len));
                    }
                }
                Some(Err(error)) => {
                    // The body is cut off: whatever was pending is not an event.
                    *this.body_done = true;
                    return Poll::Ready(Some(Err(StreamError::Body(error))));
                }
                None => {
                    this.decoder.finish();
                    *this.body_done = true;
                }
            }
        }
    }
}

impl<B: Body> FusedStream for SseStream<B> {
    fn is_terminated(&self) -> bool {
        self.body_done && !self.decoder.has_next()
    }
}

impl<B: fmt::Debug> fmt::Debug for SseStream<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SseStream")
            .field("body", &self.body)
            .field("decoder", &self.decoder)
            .field("body_done", &self.body_done)
            .finish()
    }
}

/// An error from an [`SseStream`]: the body failed, or an event could not be decoded.
///
/// [`Display`](fmt::Display) describes only this level; the cause is the
/// [`source`](std::error::Error::source).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamError<E> {
    /// An event could not be decoded. The stream goes on with the next event.
    Decode(DecodeError),
    /// Reading the body failed. The stream ends after this error.
    Body(E),
}

impl<E> StreamError<E> {
    /// Whether an event could not be decoded.
    pub fn is_decode(&self) -> bool {
        matches!(self, Self::Decode(_))
    }

    /// Whether reading the body failed.
    pub fn is_body(&self) -> bool {
        matches!(self, Self::Body(_))
    }

    /// The decode error, if this is one.
    pub fn as_decode(&self) -> Option<&DecodeError> {
        match self {
            Self::Decode(error) => Some(error),
            Self::Body(_) => None,
        }
    }

    /// The body error, if this is one.
    pub fn into_body(self) -> Option<E> {
        match self {
            Self::Body(error) => Some(error),
            Self::Decode(_) => None,
        }
    }
}

impl<E> fmt::Display for StreamError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Decode(_) => "failed to decode an event of the event stream",
            Self::Body(_) => "failed to read the event stream body",
        })
    }
}

impl<E: std::error::Error + 'static> std::error::Error for StreamError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Decode(error) => Some(error),
            Self::Body(error) => Some(error),
        }
    }
}
