//! The decoder's error type.

use std::fmt;

/// An event that could not be decoded.
///
/// The [`Decoder`](crate::Decoder) yields this in place of the event it could not decode, skips the
/// rest of that event (up to the next blank line) and then carries on with the next one, so one
/// bad event never takes the rest of the stream with it. Whether to carry on is the caller's
/// choice.
///
/// Small, `Clone` and `PartialEq`, so tests can compare errors directly. The [`Display`] text is
/// not covered by semver; match on [`DecodeError::kind`] instead.
///
/// [`Display`]: fmt::Display
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    kind: DecodeErrorKind,
    offset: u64,
    limit: Option<usize>,
}

/// What went wrong while decoding an event. See [`DecodeError::kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// A line is not valid UTF-8 (including a character cut off by the end of the line).
    InvalidUtf8,
    /// A line is longer than [`DecoderConfig::max_line_size`](crate::DecoderConfig::max_line_size).
    LineTooLong,
    /// An event's data is larger than
    /// [`DecoderConfig::max_event_size`](crate::DecoderConfig::max_event_size).
    EventTooLarge,
    /// The input ended inside an event, and
    /// [`UnfinishedEvent::Error`](crate::UnfinishedEvent::Error) asked for this to be reported.
    UnexpectedEof,
}

impl DecodeError {
    pub(crate) fn new(kind: DecodeErrorKind, offset: u64, limit: Option<usize>) -> Self {
        Self {
            kind,
            offset,
            limit,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    /// Where it went wrong: the byte offset, from the start of the stream (a byte order mark
    /// included), of the start of the offending line. For
    /// [`UnexpectedEof`](DecodeErrorKind::UnexpectedEof) it is the length of the stream.
    ///
    /// The offset does not depend on how the input was split into chunks.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The configured limit that was exceeded, in bytes, for
    /// [`LineTooLong`](DecodeErrorKind::LineTooLong) and
    /// [`EventTooLarge`](DecodeErrorKind::EventTooLarge).
    pub fn limit(&self) -> Option<usize> {
        self.limit
    }

    /// Whether a line was not valid UTF-8.
    pub fn is_invalid_utf8(&self) -> bool {
        self.kind == DecodeErrorKind::InvalidUtf8
    }

    /// Whether a line or an event exceeded its configured size limit.
    pub fn is_too_large(&self) -> bool {
        matches!(
            self.kind,
            DecodeErrorKind::LineTooLong | DecodeErrorKind::EventTooLarge
        )
    }

    /// Whether the input ended inside an unfinished event.
    pub fn is_unexpected_eof(&self) -> bool {
        self.kind == DecodeErrorKind::UnexpectedEof
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, self.limit) {
            (DecodeErrorKind::InvalidUtf8, _) => write!(
                f,
                "invalid UTF-8 in the event stream line at byte {}",
                self.offset
            ),
            (DecodeErrorKind::LineTooLong, Some(limit)) => write!(
                f,
                "event stream line at byte {} is longer than the limit of {limit} bytes",
                self.offset
            ),
            (DecodeErrorKind::EventTooLarge, Some(limit)) => write!(
                f,
                "event at byte {} is larger than the limit of {limit} bytes",
                self.offset
            ),
            (DecodeErrorKind::LineTooLong | DecodeErrorKind::EventTooLarge, None) => write!(
                f,
                "event stream line at byte {} exceeds a size limit",
                self.offset
            ),
            (DecodeErrorKind::UnexpectedEof, _) => write!(
                f,
                "the event stream ended inside an unfinished event at byte {}",
                self.offset
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_problem_and_the_place() {
        let e = DecodeError::new(DecodeErrorKind::EventTooLarge, 42, Some(10));
        assert_eq!(
            e.to_string(),
            "event at byte 42 is larger than the limit of 10 bytes"
        );
        assert!(e.is_too_large());
        assert!(!e.is_invalid_utf8());
        let e = DecodeError::new(DecodeErrorKind::InvalidUtf8, 7, None);
        assert!(e.to_string().contains("invalid UTF-8"));
        assert_eq!(e.limit(), None);
        assert_eq!(e.offset(), 7);
    }
}
