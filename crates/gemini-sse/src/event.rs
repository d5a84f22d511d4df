//! A decoded event.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// One server-sent event, as dispatched by the [`Decoder`](crate::Decoder).
///
/// Gemini's `streamGenerateContent?alt=sse` sends events with only a `data` field, holding one
/// `GenerateContentResponse` as JSON on one line (`../shared/spec/API.md` §6); the facade parses
/// [`Event::data`].
///
/// Two events are equal when their type, data, id and retry are equal; an event without an
/// `event:` field equals one whose type was explicitly set to `message`.
#[derive(Clone)]
#[non_exhaustive]
pub struct Event {
    /// The type, when not the default `message`.
    ty: Option<String>,
    data: String,
    id: Option<Arc<str>>,
    retry: Option<Duration>,
}

impl Event {
    /// An event of type `message` with the given data, no id and no retry.
    pub fn new(data: impl Into<String>) -> Self {
        Self {
            ty: None,
            data: data.into(),
            id: None,
            retry: None,
        }
    }

    pub(crate) fn from_parts(
        event_type: Option<String>,
        data: String,
        id: Option<Arc<str>>,
        retry: Option<Duration>,
    ) -> Self {
        Self {
            ty: event_type,
            data,
            id,
            retry,
        }
    }

    /// Sets the event type (an empty string means the default, `message`).
    #[must_use]
    pub fn with_event_type(mut self, event_type: impl Into<String>) -> Self {
        let event_type = event_type.into();
        self.ty = (!event_type.is_empty()).then_some(event_type);
        self
    }

    /// Sets the last event id (an empty string means no id).
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        let id = id.into();
        self.id = (!id.is_empty()).then(|| Arc::from(id));
        self
    }

    /// Sets the reconnection time announced with this event.
    #[must_use]
    pub fn with_retry(mut self, retry: Duration) -> Self {
        self.retry = Some(retry);
        self
    }

    /// The event type: the value of the last `event:` field of the event, or `message` when it
    /// had none (or an empty one).
    pub fn event_type(&self) -> &str {
        self.ty.as_deref().unwrap_or("message")
    }

    /// The event's data: the values of its `data:` fields joined with `\n`. Always valid UTF-8;
    /// may be empty (an event with a bare `data` line).
    pub fn data(&self) -> &str {
        &self.data
    }

    /// Takes the data out of the event without copying it.
    pub fn into_data(self) -> String {
        self.data
    }

    /// The last event id at the time the event was dispatched: the value of the most recent
    /// `id:` field in the stream so far (not necessarily in this event; the id persists across
    /// events), or `None` if there was none or it was reset by an empty `id:` field.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The reconnection time from a valid `retry:` field inside this event, if it had one.
    ///
    /// A `retry:` field in a block without data dispatches no event; the stream-wide value is
    /// [`Decoder::reconnection_time`](crate::Decoder::reconnection_time).
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.event_type() == other.event_type()
            && self.data == other.data
            && self.id == other.id
            && self.retry == other.retry
    }
}

impl Eq for Event {}

/// How much of the data `Debug` prints: events can be many megabytes.
const DEBUG_DATA_LIMIT: usize = 512;

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Event");
        debug.field("ty", &self.event_type());
        if self.data.len() <= DEBUG_DATA_LIMIT {
            debug.field("data", &self.data);
        } else {
            let mut end = DEBUG_DATA_LIMIT;
            while !self.data.is_char_boundary(end) {
                end -= 1;
            }
            let head = self.data.get(..end).unwrap_or_default();
            debug.field(
                "data",
                &format_args!("{head:?}… ({} bytes)", self.data.len()),
            );
        }
        debug
            .field("id", &self.id())
            .field("retry", &self.retry)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_type_is_message_and_equal_to_explicit_message() {
        let a = Event::new("x");
        assert_eq!(a.event_type(), "message");
        assert_eq!(a, Event::new("x").with_event_type("message"));
        assert_eq!(a, Event::new("x").with_event_type(""));
        assert_ne!(a, Event::new("x").with_event_type("other"));
        assert_eq!(Event::new("x").with_id("").id(), None);
        assert_eq!(Event::new("x").with_id("7").id(), Some("7"));
        assert_eq!(
            Event::new("x").with_retry(Duration::from_millis(5)).retry(),
            Some(Duration::from_millis(5))
        );
        assert_eq!(Event::new("abc").into_data(), "abc");
    }

    #[test]
    fn debug_truncates_large_data_at_a_char_boundary() {
        let big = "é".repeat(10_000);
        let printed = format!("{:?}", Event::new(big));
        assert!(printed.len() < 1_000, "{printed}");
        assert!(printed.contains("(20000 bytes)"));
        let small = format!("{:?}", Event::new("hi"));
        assert!(small.contains("\"hi\""));
    }
}
