//! [`ResponseBody`]: the streaming response body every transport returns.

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};

use crate::{BoxError, BoxFuture, Clock, Error, Sleeper, TimeoutKind};

type DynBody = Pin<Box<dyn Body<Data = Bytes, Error = BoxError> + Send + 'static>>;

/// A streaming HTTP response body: `http_body::Body<Data = Bytes, Error = Error>` and a
/// `futures_core::Stream` of data chunks.
///
/// It can enforce two timeouts, both measured with an injected [`Sleeper`]:
/// * an **idle timeout**: the longest wait for progress while someone is polling (a stalled
///   body fails with [`TimeoutKind::Idle`] instead of hanging forever). Progress is any chunk,
///   or for a server-sent event stream ([`HttpClient::execute_streaming`](crate::HttpClient::execute_streaming))
///   a chunk that completes an event, so a server that drips bytes without ever finishing an
///   event does not keep the stream alive;
/// * a **deadline**: the body must end before it ([`TimeoutKind::Total`]).
///
/// After an error the body ends. Reading it whole is bounded with
/// [`collect_limited`](Self::collect_limited) or [`collect_prefix`](Self::collect_prefix).
///
/// ```
/// # async fn demo() -> Result<(), gemini_transport::Error> {
/// use gemini_transport::ResponseBody;
/// assert_eq!(ResponseBody::from("hello").collect_limited(5).await?, "hello");
/// assert!(ResponseBody::from("hello!").collect_limited(5).await.unwrap_err().is_body_too_large());
/// assert_eq!(ResponseBody::from("hello!").collect_prefix(5).await?, ("hello".into(), true));
/// # Ok(()) }
/// ```
pub struct ResponseBody {
    inner: Inner,
    prefix: Option<Bytes>,
    timers: Option<Box<Timers>>,
    done: bool,
}

enum Inner {
    Full(Option<Bytes>),
    Boxed(DynBody),
}

struct Timers {
    sleeper: Arc<dyn Sleeper>,
    idle: Option<Duration>,
    idle_sleep: Option<BoxFuture<'static, ()>>,
    /// For an event stream: where the scan for the end of an event is; only a chunk that ends
    /// an event restarts the idle timer.
    events: Option<EventScan>,
    deadline: Option<(DeadlineTimer, Option<Duration>)>,
}

/// Finds the ends of server-sent events in a byte stream: a blank line after at least one
/// non-empty line (lines end in CRLF, LF or CR). Blank lines alone are not progress.
#[derive(Clone, Copy, Debug, Default)]
struct EventScan {
    pos: LinePos,
    has_line: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum LinePos {
    #[default]
    LineStart,
    InLine,
    /// A CR just ended a line; an LF right after it belongs to it.
    AfterCr,
}

impl EventScan {
    /// Scans `data`; whether it ended at least one event.
    fn feed(&mut self, data: &[u8]) -> bool {
        let mut ended = false;
        let mut i = 0;
        while i < data.len() {
            match self.pos {
                LinePos::InLine => match memchr::memchr2(b'\n', b'\r', &data[i..]) {
                    None => break,
                    Some(k) => {
                        self.pos = if data[i + k] == b'\r' {
                            LinePos::AfterCr
                        } else {
                            LinePos::LineStart
                        };
                        i += k + 1;
                    }
                },
                LinePos::AfterCr => {
                    if data[i] == b'\n' {
                        i += 1;
                    }
                    self.pos = LinePos::LineStart;
                }
                LinePos::LineStart => {
                    let b = data[i];
                    i += 1;
                    if b == b'\n' || b == b'\r' {
                        ended |= self.has_line;
                        self.has_line = false;
                        self.pos = if b == b'\r' {
                            LinePos::AfterCr
                        } else {
                            LinePos::LineStart
                        };
                    } else {
                        self.has_line = true;
                        self.pos = LinePos::InLine;
                    }
                }
            }
        }
        ended
    }
}

/// The body's deadline timer, started only when the body first has to wait (a small body
/// that has already arrived never starts one).
struct DeadlineTimer {
    sleep: Option<BoxFuture<'static, ()>>,
    /// When the deadline is, for a timer not started yet.
    at: Option<(Instant, Arc<dyn Clock>)>,
}

impl ResponseBody {
    /// An empty body.
    pub fn empty() -> Self {
        Self::full(Bytes::new())
    }

    fn full(bytes: Bytes) -> Self {
        Self {
            inner: Inner::Full((!bytes.is_empty()).then_some(bytes)),
            prefix: None,
            timers: None,
            done: false,
        }
    }

    /// Wraps any `http_body::Body` of `Bytes`.
    pub fn new<B>(body: B) -> Self
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        Self {
            inner: Inner::Boxed(Box::pin(MapErr { inner: body })),
            prefix: None,
            timers: None,
            done: false,
        }
    }

    /// A body made of the items of a stream (handy for tests and custom transports).
    pub fn from_stream<S, E>(stream: S) -> Self
    where
        S: futures_core::Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        Self::new(StreamBody { inner: stream })
    }

    /// Fails the body with [`TimeoutKind::Idle`] when no chunk arrives within `idle` while it is
    /// being polled. The wait restarts after every chunk.
    #[must_use]
    pub fn with_idle_timeout(mut self, idle: Duration, sleeper: Arc<dyn Sleeper>) -> Self {
        let t = self.timers(sleeper);
        t.idle = Some(idle);
        t.idle_sleep = None;
        self
    }

    /// Makes the idle timeout measure whole server-sent events: only a chunk that completes an
    /// event (a blank line after a non-empty line) restarts it. Needs an idle timeout to have
    /// an effect.
    #[must_use]
    pub fn with_idle_per_event(mut self) -> Self {
        if let Some(t) = self.timers.as_mut() {
            t.events = Some(EventScan::default());
        }
        self
    }

    /// Fails the body with [`TimeoutKind::Total`] if it has not ended `remaining` from now.
    #[must_use]
    pub fn with_deadline(mut self, remaining: Duration, sleeper: Arc<dyn Sleeper>) -> Self {
        let sleep = sleeper.sleep(remaining);
        let t = self.timers(sleeper);
        t.deadline = Some((
            DeadlineTimer {
                sleep: Some(sleep),
                at: None,
            },
            Some(remaining),
        ));
        self
    }

    /// A deadline at `at` on `clock`, whose timer starts only if the body has to wait;
    /// reports `total` in the timeout error.
    pub(crate) fn with_deadline_at(
        mut self,
        at: Instant,
        clock: Arc<dyn Clock>,
        total: Option<Duration>,
        sleeper: Arc<dyn Sleeper>,
    ) -> Self {
        let t = self.timers(sleeper);
        t.deadline = Some((
            DeadlineTimer {
                sleep: None,
                at: Some((at, clock)),
            },
            total,
        ));
        self
    }

    fn timers(&mut self, sleeper: Arc<dyn Sleeper>) -> &mut Timers {
        self.timers.get_or_insert_with(|| {
            Box::new(Timers {
                sleeper,
                idle: None,
                idle_sleep: None,
                events: None,
                deadline: None,
            })
        })
    }

    /// Puts a chunk back in front of the body (used after peeking at the first chunk).
    pub(crate) fn with_prefix(mut self, chunk: Bytes) -> Self {
        if !chunk.is_empty() {
            self.prefix = Some(chunk);
        }
        self
    }

    /// Reads the whole body, however large: prefer [`collect_limited`](Self::collect_limited)
    /// for data from the network.
    pub async fn collect(self) -> Result<Bytes, Error> {
        Ok(self.read_up_to(usize::MAX).await?.0)
    }

    /// Reads the whole body if it is at most `limit` bytes; a larger one is an
    /// [`Error::is_body_too_large`] error, at once when the announced length
    /// (`Content-Length`) says so, else as soon as more than `limit` bytes have arrived.
    /// Nothing more is read.
    pub async fn collect_limited(self, limit: usize) -> Result<Bytes, Error> {
        let announced = self.size_hint().lower();
        if announced > limit as u64 {
            return Err(Error::body_too_large(limit as u64, Some(announced)));
        }
        match self.read_up_to(limit).await? {
            (bytes, false) => Ok(bytes),
            (_, true) => Err(Error::body_too_large(limit as u64, None)),
        }
    }

    /// Reads at most `limit` bytes of the body and drops the rest unread; `true` when
    /// something was left.
    pub async fn collect_prefix(self, limit: usize) -> Result<(Bytes, bool), Error> {
        self.read_up_to(limit).await
    }

    /// Reads until the end or past `limit` bytes; the bytes (at most `limit`) and whether the
    /// body was longer.
    async fn read_up_to(mut self, limit: usize) -> Result<(Bytes, bool), Error> {
        let mut first: Option<Bytes> = None;
        let mut buf: Option<BytesMut> = None;
        let mut len = 0usize;
        while let Some(chunk) = std::future::poll_fn(|cx| self.poll_data(cx)).await {
            let chunk = chunk?;
            len = len.saturating_add(chunk.len());
            if len > limit {
                let keep = chunk.len() - (len - limit);
                let bytes = match (buf, first) {
                    (Some(mut b), _) => {
                        b.extend_from_slice(&chunk[..keep]);
                        b.freeze()
                    }
                    (None, Some(f)) => {
                        let mut b = BytesMut::with_capacity(f.len() + keep);
                        b.extend_from_slice(&f);
                        b.extend_from_slice(&chunk[..keep]);
                        b.freeze()
                    }
                    (None, None) => chunk.slice(..keep),
                };
                return Ok((bytes, true));
            }
            if let Some(b) = buf.as_mut() {
                b.extend_from_slice(&chunk);
            } else if let Some(f) = first.take() {
                let mut b = BytesMut::with_capacity(f.len() + chunk.len());
                b.extend_from_slice(&f);
                b.extend_from_slice(&chunk);
                buf = Some(b);
            } else {
                first = Some(chunk);
            }
        }
        let bytes = match (buf, first) {
            (Some(b), _) => b.freeze(),
            (None, Some(f)) => f,
            (None, None) => Bytes::new(),
        };
        Ok((bytes, false))
    }

    /// Polls for the next data chunk, skipping trailers.
    pub fn poll_data(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Error>>> {
        loop {
            match ready!(Pin::new(&mut *self).poll_frame(cx)) {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        return Poll::Ready(Some(Ok(data)));
                    }
                }
            }
        }
    }

    fn poll_timers(&mut self, cx: &mut Context<'_>) -> Poll<Error> {
        let Some(t) = self.timers.as_mut() else {
            return Poll::Pending;
        };
        if let Some((timer, after)) = t.deadline.as_mut() {
            let sleeper = &t.sleeper;
            let at = &timer.at;
            let sleep = timer.sleep.get_or_insert_with(|| {
                let remaining = at.as_ref().map_or(Duration::ZERO, |(at, clock)| {
                    at.saturating_duration_since(clock.now())
                });
                sleeper.sleep(remaining)
            });
            if sleep.as_mut().poll(cx).is_ready() {
                return Poll::Ready(Error::timeout(TimeoutKind::Total, *after));
            }
        }
        if let Some(idle) = t.idle {
            let sleeper = &t.sleeper;
            let sleep = t.idle_sleep.get_or_insert_with(|| sleeper.sleep(idle));
            if sleep.as_mut().poll(cx).is_ready() {
                t.idle_sleep = None;
                return Poll::Ready(Error::timeout(TimeoutKind::Idle, Some(idle)));
            }
        }
        Poll::Pending
    }
}

impl Default for ResponseBody {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ResponseBody");
        match &self.inner {
            Inner::Full(b) => d.field("full", &b.as_ref().map_or(0, Bytes::len)),
            Inner::Boxed(_) => d.field("streaming", &true),
        };
        if let Some(t) = &self.timers {
            d.field("idle_timeout", &t.idle)
                .field("deadline", &t.deadline.as_ref().and_then(|d| d.1));
        }
        d.finish_non_exhaustive()
    }
}

impl From<Bytes> for ResponseBody {
    fn from(b: Bytes) -> Self {
        Self::full(b)
    }
}

impl From<Vec<u8>> for ResponseBody {
    fn from(b: Vec<u8>) -> Self {
        Self::full(b.into())
    }
}

impl From<String> for ResponseBody {
    fn from(s: String) -> Self {
        Self::full(s.into())
    }
}

impl From<&'static str> for ResponseBody {
    fn from(s: &'static str) -> Self {
        Self::full(Bytes::from_static(s.as_bytes()))
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        if let Some(p) = this.prefix.take() {
            return Poll::Ready(Some(Ok(Frame::data(p))));
        }
        let polled = match &mut this.inner {
            Inner::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Inner::Boxed(body) => body.as_mut().poll_frame(cx).map(|o| {
                o.map(|r| {
                    r.map_err(|e| match e.downcast::<Error>() {
                        Ok(e) => *e,
                        Err(e) => Error::body(e),
                    })
                })
            }),
        };
        match polled {
            Poll::Ready(item) => {
                if let Some(t) = this.timers.as_mut() {
                    let progress = match (&item, t.events.as_mut()) {
                        (Some(Ok(frame)), Some(scan)) => {
                            frame.data_ref().is_some_and(|d| scan.feed(d))
                        }
                        _ => true,
                    };
                    if progress {
                        t.idle_sleep = None;
                    }
                }
                if !matches!(item, Some(Ok(_))) {
                    this.done = true;
                }
                Poll::Ready(item)
            }
            Poll::Pending => match this.poll_timers(cx) {
                Poll::Ready(e) => {
                    this.done = true;
                    Poll::Ready(Some(Err(e)))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        if self.done {
            return true;
        }
        if self.prefix.is_some() {
            return false;
        }
        match &self.inner {
            Inner::Full(b) => b.is_none(),
            Inner::Boxed(b) => b.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        let extra = self.prefix.as_ref().map_or(0, |p| p.len() as u64);
        let mut hint = match &self.inner {
            Inner::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Inner::Boxed(b) => b.size_hint(),
        };
        if extra > 0 {
            let lower = hint.lower() + extra;
            let upper = hint.upper().map(|u| u + extra);
            hint = SizeHint::new();
            hint.set_lower(lower);
            if let Some(u) = upper {
                hint.set_upper(u);
            }
        }
        hint
    }
}

impl futures_core::Stream for ResponseBody {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_data(cx)
    }
}

pin_project_lite::pin_project! {
    struct MapErr<B> {
        #[pin]
        inner: B,
    }
}

impl<B> Body for MapErr<B>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.project()
            .inner
            .poll_frame(cx)
            .map(|o| o.map(|r| r.map_err(Into::into)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

pin_project_lite::pin_project! {
    struct StreamBody<S> {
        #[pin]
        inner: S,
    }
}

impl<S, E> Body for StreamBody<S>
where
    S: futures_core::Stream<Item = Result<Bytes, E>>,
{
    type Data = Bytes;
    type Error = E;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, E>>> {
        self.project()
            .inner
            .poll_next(cx)
            .map(|o| o.map(|r| r.map(Frame::data)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Never;
    impl Sleeper for Never {
        fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
            Box::pin(std::future::pending())
        }
    }

    #[derive(Debug)]
    struct Instant0;
    impl Sleeper for Instant0 {
        fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
            Box::pin(std::future::ready(()))
        }
    }

    struct Chunks(Vec<Result<Bytes, BoxError>>, bool);
    impl futures_core::Stream for Chunks {
        type Item = Result<Bytes, BoxError>;
        fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            if self.0.is_empty() {
                if self.1 {
                    Poll::Pending
                } else {
                    Poll::Ready(None)
                }
            } else {
                Poll::Ready(Some(self.0.remove(0)))
            }
        }
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        let mut f = std::pin::pin!(f);
        for _ in 0..1000 {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
        panic!("future did not complete");
    }

    #[test]
    fn collects_chunks_and_prefix() {
        let b = ResponseBody::from_stream(Chunks(
            vec![Ok(Bytes::from("b")), Ok(Bytes::from("c"))],
            false,
        ))
        .with_prefix(Bytes::from("a"));
        assert!(!b.is_end_stream());
        assert_eq!(block_on(b.collect()).unwrap(), "abc");
        assert_eq!(block_on(ResponseBody::empty().collect()).unwrap(), "");
    }

    #[test]
    fn limits() {
        let chunks = || {
            ResponseBody::from_stream(Chunks(
                vec![Ok(Bytes::from("abc")), Ok(Bytes::from("def"))],
                false,
            ))
        };
        assert_eq!(block_on(chunks().collect_limited(6)).unwrap(), "abcdef");
        let e = block_on(chunks().collect_limited(5)).unwrap_err();
        assert_eq!((e.body_limit(), e.is_body_too_large()), (Some(5), true));
        assert_eq!(
            block_on(chunks().collect_prefix(4)).unwrap(),
            (Bytes::from("abcd"), true)
        );
        assert_eq!(
            block_on(chunks().collect_prefix(2)).unwrap(),
            (Bytes::from("ab"), true)
        );
        assert_eq!(
            block_on(chunks().collect_prefix(6)).unwrap(),
            (Bytes::from("abcdef"), false)
        );
        // An announced length over the limit fails before reading.
        let e = block_on(ResponseBody::from("0123456789").collect_limited(9)).unwrap_err();
        assert!(e.to_string().contains("(10 bytes)"), "{e}");
    }

    #[test]
    fn event_scan_finds_event_ends() {
        let ends = |parts: &[&str]| {
            let mut scan = EventScan::default();
            parts
                .iter()
                .map(|p| scan.feed(p.as_bytes()))
                .collect::<Vec<_>>()
        };
        assert_eq!(ends(&["data: 1\r\n\r\n"]), [true]);
        assert_eq!(ends(&["data: 1\n\n"]), [true]);
        assert_eq!(ends(&["data: 1\r\r"]), [true]);
        assert_eq!(
            ends(&["data: 1\r", "\n", "\r", "\n"]),
            [false, false, true, false]
        );
        assert_eq!(
            ends(&["da", "ta: 1", "\n", "\n"]),
            [false, false, false, true]
        );
        assert_eq!(ends(&[": ping\n\n"]), [true]);
        // Blank lines alone are not progress.
        assert_eq!(ends(&["\n", "\r\n", "\n\n\n"]), [false, false, false]);
        assert_eq!(ends(&["data: 1\r\n\r\n\r\n"]), [true]);
    }

    /// A sleep that is over after it has been polled `n` times.
    #[derive(Debug)]
    struct AfterPolls(usize);
    impl Sleeper for AfterPolls {
        fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
            let mut left = self.0;
            Box::pin(std::future::poll_fn(move |_| {
                if left == 0 {
                    return Poll::Ready(());
                }
                left -= 1;
                Poll::Pending
            }))
        }
    }

    /// Ten chunks, each after one `Pending`.
    struct Drip(Vec<&'static str>, bool);
    impl futures_core::Stream for Drip {
        type Item = Result<Bytes, BoxError>;
        fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            self.1 = !self.1;
            if self.1 {
                return Poll::Pending;
            }
            Poll::Ready((!self.0.is_empty()).then(|| Ok(Bytes::from(self.0.remove(0)))))
        }
    }

    #[test]
    fn only_whole_events_restart_the_idle_timer_of_an_event_stream() {
        let drip = || Drip(vec!["d"; 10], false);
        let idle =
            |b: ResponseBody| b.with_idle_timeout(Duration::from_secs(5), Arc::new(AfterPolls(3)));
        // Bytes: every chunk is progress, so the body ends.
        let bytes = idle(ResponseBody::from_stream(drip()));
        assert_eq!(block_on(bytes.collect()).unwrap(), "d".repeat(10));
        // Events: no chunk ends an event, so the timer runs out.
        let events = idle(ResponseBody::from_stream(drip())).with_idle_per_event();
        let e = block_on(events.collect()).unwrap_err();
        assert_eq!(e.timeout_kind(), Some(TimeoutKind::Idle));
        // Events that end keep it alive.
        let events = idle(ResponseBody::from_stream(Drip(
            vec!["data: 1\n\n"; 10],
            false,
        )))
        .with_idle_per_event();
        assert_eq!(block_on(events.collect()).unwrap().len(), 90);
    }

    #[test]
    fn stalled_body_hits_idle_timeout() {
        let b = ResponseBody::from_stream(Chunks(vec![Ok(Bytes::from("a"))], true))
            .with_idle_timeout(Duration::from_secs(5), Arc::new(Instant0));
        let e = block_on(b.collect()).unwrap_err();
        assert_eq!(e.timeout_kind(), Some(TimeoutKind::Idle));
        assert!(e.is_body());
    }

    #[test]
    fn deadline_fires_and_body_errors_map() {
        let b = ResponseBody::from_stream(Chunks(vec![], true))
            .with_idle_timeout(Duration::from_secs(5), Arc::new(Never))
            .with_deadline(Duration::from_secs(1), Arc::new(Instant0));
        let e = block_on(b.collect()).unwrap_err();
        assert_eq!(e.timeout_kind(), Some(TimeoutKind::Total));
        let b = ResponseBody::from_stream(Chunks(vec![Err("reset".into())], false));
        let e = block_on(b.collect()).unwrap_err();
        assert!(e.is_body() && !e.is_timeout());
    }
}
