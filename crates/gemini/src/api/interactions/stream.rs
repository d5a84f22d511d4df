//! [`InteractionStream`]: the typed events of an interaction, resumed after a drop or a stall
//! from the last event id, each event delivered once.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures_core::{FusedStream, Stream};
use gemini_transport::BoxFuture;
use gemini_types::interactions::{
    CreateInteractionRequest, Event, Interaction, InteractionAccumulator,
};
use http::{Method, StatusCode};

use crate::rest::Rest;
use crate::rest::events::Events;
use crate::{ApiError, Error, TimeoutKind};

/// How many recent event ids a stream remembers to drop events a resumed connection sends
/// again.
const RECENT_IDS: usize = 256;

/// How many events after the final one are read (and dropped) while looking for the body's end.
const AFTER_FINAL: usize = 8;

/// How an [`InteractionStream`] resumes after its connection drops or stalls: at most
/// `max_attempts` reconnections in a row without a new event, waiting `initial_backoff`
/// before the first and twice as long before each next one, at most `max_backoff`.
///
/// The defaults: 5 attempts, 200 ms, at most 10 s. A stall is noticed by the idle timeout
/// ([`Timeouts::idle`](crate::Timeouts), or
/// [`RequestOptions::with_idle_timeout`](crate::RequestOptions::with_idle_timeout)).
///
/// ```
/// use std::time::Duration;
/// let resume = gemini::StreamResume::new()
///     .with_max_attempts(3)
///     .with_initial_backoff(Duration::from_millis(50));
/// assert_eq!(resume.max_attempts(), 3);
/// assert_eq!(gemini::StreamResume::disabled().max_attempts(), 0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamResume {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for StreamResume {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
        }
    }
}

impl StreamResume {
    /// The defaults (5 attempts, 200 ms doubling up to 10 s).
    pub fn new() -> Self {
        Self::default()
    }

    /// Never resume: a drop ends the stream with its error.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 0,
            ..Self::default()
        }
    }

    /// The most reconnections in a row without a new event.
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// The wait before the first reconnection.
    #[must_use]
    pub fn with_initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest wait between reconnections.
    #[must_use]
    pub fn with_max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The most reconnections in a row without a new event.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    fn backoff(&self, failures: u32) -> Duration {
        self.initial_backoff
            .saturating_mul(1 << failures.min(20))
            .min(self.max_backoff)
    }
}

/// The events of an interaction as they come: a `futures_core::Stream` of
/// `Result<Event, Error>` ([`gemini_types::interactions::Event`]: `interaction.created`,
/// `step.start`, `step.delta`, `step.stop`, `interaction.status_update`,
/// `interaction.completed`, `error`, the pre-2026-05 names, and unknown kinds kept raw).
///
/// * **It survives disconnects.** When the connection drops, stalls past the idle timeout,
///   or ends before the interaction's final event, the stream reconnects with
///   `GET .../interactions/{id}?stream=true&last_event_id=<the last id seen>` and goes on,
///   with backoff and a bounded number of attempts ([`StreamResume`]). Every event is
///   delivered once: events the server sends again are dropped.
/// * **It remembers where it is**: [`interaction_id`](Self::interaction_id) and
///   [`last_event_id`](Self::last_event_id) are all another process needs to resume with
///   [`Interactions::get_stream`](crate::Interactions::get_stream).
/// * **It ends** after the final event (`interaction.completed`, or an `error` event, which
///   is delivered as an event), or with the error that could not be resumed (a non-retryable
///   API error, the stream's total deadline, the attempts used up, or a drop before the
///   interaction's id was known).
///
/// [`accumulate`](Self::accumulate) folds the events into the final [`Interaction`]. Dropping
/// the stream closes the connection; the interaction keeps running on the server.
pub struct InteractionStream {
    rest: Rest,
    /// `interactions/{id}`, once known.
    path: Option<String>,
    /// The ids of the last events delivered (or resumed after), newest last: the last one is
    /// where a reconnection resumes, and an event the server sends again is among them.
    recent: VecDeque<String>,
    resume: StreamResume,
    failures: u32,
    reconnections: u32,
    finished: bool,
    state: State,
}

// The streaming state is the common one; the others are short-lived.
#[allow(clippy::large_enum_variant)]
enum State {
    Opening(BoxFuture<'static, Result<Events, Error>>),
    Streaming(Events),
    Waiting(BoxFuture<'static, ()>),
    Done,
}

impl fmt::Debug for InteractionStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            State::Opening(_) => "opening",
            State::Streaming(_) => "streaming",
            State::Waiting(_) => "waiting to resume",
            State::Done => "done",
        };
        f.debug_struct("InteractionStream")
            .field("path", &self.path)
            .field("last_event_id", &self.last_event_id())
            .field("reconnections", &self.reconnections)
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

impl InteractionStream {
    fn new(
        rest: Rest,
        path: Option<String>,
        last_event_id: Option<String>,
        resume: StreamResume,
        events: Events,
    ) -> Self {
        Self {
            rest,
            path,
            recent: last_event_id.into_iter().collect(),
            resume,
            failures: 0,
            reconnections: 0,
            finished: false,
            state: State::Streaming(events),
        }
    }

    /// `POST /{v}/interactions` with `"stream": true`; returns once the stream is open.
    pub(crate) async fn create(
        rest: Rest,
        request: &CreateInteractionRequest,
        resume: StreamResume,
    ) -> Result<Self, Error> {
        let opening = rest
            .call(Method::POST, "interactions")
            .json(request)
            .open_sse();
        // The first connection is not resumed: without an id there is nothing to resume.
        let events = opening.await?;
        Ok(Self::new(rest, None, None, resume, events))
    }

    /// `GET .../{path}?stream=true[&last_event_id=...]`; returns once the stream is open.
    pub(crate) async fn resume(
        rest: Rest,
        path: String,
        last_event_id: Option<String>,
        resume: StreamResume,
    ) -> Result<Self, Error> {
        let events = open_resume(&rest, &path, last_event_id.as_deref()).await?;
        Ok(Self::new(rest, Some(path), last_event_id, resume, events))
    }

    /// The interaction's id, once an event carried it.
    pub fn interaction_id(&self) -> Option<&str> {
        self.path
            .as_deref()
            .and_then(|p| p.strip_prefix("interactions/"))
    }

    /// The id of the last event delivered (or the one this stream resumed after).
    pub fn last_event_id(&self) -> Option<&str> {
        self.recent.back().map(String::as_str)
    }

    /// How many times the stream reconnected.
    pub fn reconnections(&self) -> u32 {
        self.reconnections
    }

    /// Reads the rest of the stream and folds every event into the final interaction (text
    /// deltas joined, argument deltas parsed into the call's arguments, thought signatures
    /// and summaries kept; both event generations). An `error` event is an [`Error::Api`].
    pub async fn accumulate(mut self) -> Result<Interaction, Error> {
        let mut acc = InteractionAccumulator::new();
        while let Some(event) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            acc.push(&event?);
        }
        if let Some(error) = acc.error() {
            return Err(interaction_error(error));
        }
        Ok(acc.into_interaction())
    }

    /// Whether `event` was delivered already (a resumed connection replayed it).
    fn is_replay(&self, event: &Event) -> bool {
        event
            .event_id()
            .is_some_and(|id| self.recent.iter().any(|r| r == id))
    }

    /// Remembers what `event` tells: progress, its id, the interaction's id, the end.
    fn note(&mut self, event: &Event) {
        self.failures = 0;
        if let Some(id) = event.event_id() {
            if self.recent.len() == RECENT_IDS {
                self.recent.pop_front();
            }
            self.recent.push_back(id.to_owned());
        }
        if self.path.is_none() {
            let id = match event {
                Event::InteractionStatusUpdate(e) => e.interaction_id.as_deref(),
                _ => event.interaction().and_then(|i| i.id.as_deref()),
            };
            if let Some(id) = id.filter(|id| !id.is_empty()) {
                self.path = crate::rest::names::resource("interactions", id).ok();
            }
        }
        if event.is_terminal() {
            self.finished = true;
        }
    }

    /// After `error`: schedules a reconnection if the stream may resume, else ends with it.
    fn resume_or_fail(&mut self, error: Error) -> Option<Error> {
        let resumable = error.is_retryable()
            && !matches!(&error, Error::Timeout(t) if t.kind() == TimeoutKind::Total)
            && self.path.is_some()
            && self.failures < self.resume.max_attempts;
        if !resumable {
            self.state = State::Done;
            return Some(error);
        }
        let pause = self.resume.backoff(self.failures);
        self.failures += 1;
        tracing::debug!(
            attempt = self.failures,
            pause_ms = pause.as_millis() as u64,
            last_event_id = self.last_event_id().unwrap_or(""),
            error = %error,
            "interaction stream broke; resuming"
        );
        self.state = State::Waiting(self.rest.client.http().timer().sleep(pause));
        None
    }
}

fn open_resume(
    rest: &Rest,
    path: &str,
    last_event_id: Option<&str>,
) -> BoxFuture<'static, Result<Events, Error>> {
    let mut call = rest.call(Method::GET, path).query("stream", "true");
    if let Some(id) = last_event_id {
        call = call.query("last_event_id", id);
    }
    call.open_sse()
}

/// An `error` event as an [`Error::Api`], with the HTTP status its string code stands for
/// (`invalid_request` is 400, `not_found` 404, ...; an unknown code is 500).
pub(crate) fn interaction_error(error: &gemini_types::interactions::InteractionError) -> Error {
    let code = error
        .code
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let status = match code.as_str() {
        "invalid_request" | "invalid_argument" | "bad_request" | "failed_precondition" => {
            StatusCode::BAD_REQUEST
        }
        "unauthenticated" => StatusCode::UNAUTHORIZED,
        "permission_denied" => StatusCode::FORBIDDEN,
        "not_found" => StatusCode::NOT_FOUND,
        "resource_exhausted" | "rate_limit_exceeded" | "rate_limited" => {
            StatusCode::TOO_MANY_REQUESTS
        }
        "unavailable" | "overloaded" => StatusCode::SERVICE_UNAVAILABLE,
        "deadline_exceeded" => StatusCode::GATEWAY_TIMEOUT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let body = serde_json::json!({"error": error});
    Error::from(ApiError::from_body(
        status,
        bytes::Bytes::from(body.to_string()),
    ))
}

impl Stream for InteractionStream {
    type Item = Result<Event, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Done => return Poll::Ready(None),
                State::Streaming(events) if this.finished => {
                    // The final event was delivered. The body's end usually came with it: read
                    // it if it is there, so the connection can be reused, but never wait for
                    // it (nor for anything sent after the final event).
                    for _ in 0..AFTER_FINAL {
                        match events.poll_decoded::<Event>(cx) {
                            Poll::Ready(Some(Ok(_))) => {}
                            _ => break,
                        }
                    }
                    this.state = State::Done;
                    return Poll::Ready(None);
                }
                _ if this.finished => {
                    this.state = State::Done;
                    return Poll::Ready(None);
                }
                State::Opening(opening) => match ready!(opening.as_mut().poll(cx)) {
                    Ok(events) => {
                        this.reconnections += 1;
                        this.state = State::Streaming(events);
                    }
                    Err(e) => {
                        // A reconnection that failed before its stream began (a cut, a
                        // refused connection) is tried again like a drop.
                        let e = match e {
                            Error::Transport(_) => {
                                Error::stream_body(gemini_transport::Error::body(e))
                            }
                            e => e,
                        };
                        if let Some(e) = this.resume_or_fail(e) {
                            return Poll::Ready(Some(Err(e)));
                        }
                    }
                },
                State::Streaming(events) => match ready!(events.poll_decoded::<Event>(cx)) {
                    Some(Ok(event)) => {
                        if this.is_replay(&event) {
                            continue;
                        }
                        this.note(&event);
                        return Poll::Ready(Some(Ok(event)));
                    }
                    Some(Err(e)) => {
                        if let Some(e) = this.resume_or_fail(e) {
                            return Poll::Ready(Some(Err(e)));
                        }
                    }
                    None => {
                        let cut = Error::stream_body(gemini_transport::Error::body(
                            "the interaction's stream ended before its final event",
                        ));
                        if let Some(e) = this.resume_or_fail(cut) {
                            return Poll::Ready(Some(Err(e)));
                        }
                    }
                },
                State::Waiting(sleep) => {
                    ready!(sleep.as_mut().poll(cx));
                    let path = this.path.as_deref().unwrap_or_default();
                    this.state =
                        State::Opening(open_resume(&this.rest, path, this.last_event_id()));
                }
            }
        }
    }
}

impl FusedStream for InteractionStream {
    fn is_terminated(&self) -> bool {
        matches!(self.state, State::Done)
    }
}
