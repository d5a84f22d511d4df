//! Decoder limits and end-of-input policy.

/// The default for both [`DecoderConfig::max_line_size`] and [`DecoderConfig::max_event_size`]:
/// 64 MiB, room for a base64-encoded 4K image (or a multi-megabyte `thoughtSignature`) in one
/// `data:` line.
pub const DEFAULT_MAX_SIZE: usize = 64 * 1024 * 1024;

/// Settings of a [`Decoder`](crate::Decoder).
///
/// ```
/// use gemini_sse::{Decoder, DecoderConfig, UnfinishedEvent};
///
/// let config = DecoderConfig::default()
///     .with_max_event_size(16 * 1024 * 1024)
///     .with_unfinished_event(UnfinishedEvent::Dispatch);
/// let decoder = Decoder::with_config(config);
/// # let _ = decoder;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecoderConfig {
    /// The longest line accepted, in bytes, not counting its line ending. A longer line yields a
    /// [`LineTooLong`](crate::DecodeErrorKind::LineTooLong) error in place of its event. Default
    /// [`DEFAULT_MAX_SIZE`].
    pub max_line_size: usize,
    /// The largest event data accepted, in bytes, counting the line feed after each `data:`
    /// line. Larger data yields an [`EventTooLarge`](crate::DecodeErrorKind::EventTooLarge) error
    /// in place of the event. Default [`DEFAULT_MAX_SIZE`].
    pub max_event_size: usize,
    /// What to do with an event that the end of input cuts off. Default
    /// [`UnfinishedEvent::Discard`], as the specification says.
    pub unfinished_event: UnfinishedEvent,
}

impl Default for DecoderConfig {
    fn default() -> Self {
        Self {
            max_line_size: DEFAULT_MAX_SIZE,
            max_event_size: DEFAULT_MAX_SIZE,
            unfinished_event: UnfinishedEvent::Discard,
        }
    }
}

impl DecoderConfig {
    /// Sets [`DecoderConfig::max_line_size`].
    #[must_use]
    pub fn with_max_line_size(mut self, bytes: usize) -> Self {
        self.max_line_size = bytes;
        self
    }

    /// Sets [`DecoderConfig::max_event_size`].
    #[must_use]
    pub fn with_max_event_size(mut self, bytes: usize) -> Self {
        self.max_event_size = bytes;
        self
    }

    /// Sets [`DecoderConfig::unfinished_event`].
    #[must_use]
    pub fn with_unfinished_event(mut self, policy: UnfinishedEvent) -> Self {
        self.unfinished_event = policy;
        self
    }
}

/// What [`Decoder::finish`](crate::Decoder::finish) does with an event that the end of input
/// cut off: data lines were seen, but not the blank line that dispatches them, or the last line
/// has no line ending.
///
/// Gemini always ends its events with `\r\n\r\n` (`../shared/spec/API.md` §6), so with a
/// well-behaved server the policies differ only when a stream is cut off. The official Python
/// SDK flushes the pending event at the end of the stream ([`Dispatch`](Self::Dispatch)); the
/// JS SDK reports leftovers as an error ([`Error`](Self::Error)); the WHATWG specification
/// discards them ([`Discard`](Self::Discard), the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum UnfinishedEvent {
    /// Drop it silently, as the specification says: "If the file ends in the middle of an event,
    /// before the final empty line, the incomplete event is not dispatched."
    #[default]
    Discard,
    /// Dispatch it as if the stream had ended with a line ending and a blank line.
    Dispatch,
    /// Yield an [`UnexpectedEof`](crate::DecodeErrorKind::UnexpectedEof) error where
    /// [`Dispatch`](Self::Dispatch) would have yielded the event.
    Error,
}
