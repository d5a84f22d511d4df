//! The sans-IO event stream decoder.
//!
//! It implements "9.2.6 Interpreting an event stream" of the WHATWG HTML standard
//! (<https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation>);
//! the comments quote the steps they implement.
//!
//! The decoder streams: every input byte is looked at once. Line ends are found with `memchr2`
//! over the new bytes only, and the bytes of a field value are validated as UTF-8 and copied
//! straight into the buffer they belong to (the event's data, for `data:` lines), so a
//! multi-megabyte event costs one scan, one validation and one copy, with no line buffer.

use std::collections::VecDeque;
use std::fmt;
use std::mem;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use crate::config::{DecoderConfig, UnfinishedEvent};
use crate::data::DataBuffer;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::event::Event;
use crate::utf8::Utf8Validator;

/// "One leading U+FEFF BYTE ORDER MARK character must be ignored if any are present."
const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// The longest field name the decoder acts on (`event`, `retry`).
const MAX_FIELD_NAME: usize = 5;

/// A sans-IO decoder for `text/event-stream`: push bytes in, pull [`Event`]s out.
///
/// It follows the WHATWG EventSource parsing rules exactly:
///
/// * one byte order mark is skipped, only at the very start of the stream;
/// * lines end at CR LF, LF or CR, also when the CR and the LF arrive in different chunks,
///   and **only** there: U+2028, U+2029, U+0085 and other separators are ordinary characters
///   (they appear unescaped inside JSON strings);
/// * lines starting with `:` are comments; a line without `:` is a field name with an empty
///   value; one space after the `:` is removed;
/// * `data` values are joined with `\n`; `event` sets the type (default `message`); `id` sets
///   the last event id, which persists across events, unless it contains U+0000; `retry` sets
///   the reconnection time when it is all ASCII digits; other fields are ignored;
/// * a blank line dispatches the event, unless its data is empty;
/// * at the end of input an unfinished event is discarded (configurable, see
///   [`UnfinishedEvent`]).
///
/// Lines are decoded as UTF-8 as they complete, so a character split across chunks is never
/// mangled. Invalid UTF-8, or a line or event over the configured limits, yields a
/// [`DecodeError`] in place of the event, the rest of that event is skipped, and decoding goes
/// on with the next event. The output (events and errors) is the same however the input is
/// split into chunks.
///
/// # Use
///
/// Call [`push`](Self::push) for every chunk of input and then [`next_event`](Self::next_event)
/// until it returns `None`; at the end of input call [`finish`](Self::finish) and drain
/// `next_event` once more. `push` does all the work and never blocks; `next_event` only hands
/// out what `push` and `finish` produced.
///
/// ```
/// use gemini_sse::Decoder;
///
/// let mut decoder = Decoder::new();
/// decoder.push(b"data: {\"n\":1}\r\n\r\ndata: {\"n\"");
/// decoder.push(b":2}\r\n\r\n");
/// decoder.finish();
/// let mut data = Vec::new();
/// while let Some(event) = decoder.next_event() {
///     data.push(event?.into_data());
/// }
/// assert_eq!(data, ["{\"n\":1}", "{\"n\":2}"]);
/// # Ok::<(), gemini_sse::DecodeError>(())
/// ```
///
/// After [`finish`](Self::finish) the decoder is ready for a new stream (say, after a
/// reconnection): the [`last_event_id`](Self::last_event_id) and
/// [`reconnection_time`](Self::reconnection_time) carry over, everything else starts afresh.
pub struct Decoder {
    config: DecoderConfig,

    // Position in the stream, for error offsets.
    /// Bytes of the current stream consumed so far.
    offset: u64,
    /// Offset of the first byte of the current line.
    line_start: u64,
    /// How far the byte order mark check has got.
    bom: Bom,
    /// The last line ended with CR: an LF right after it belongs to the same line ending.
    after_cr: bool,

    // The current line.
    line: LineState,
    /// Bytes of the current line seen so far, up to the limit.
    line_len: usize,
    /// No byte of the current line has been seen yet.
    line_empty: bool,
    /// The field name, as long as it could still be one the decoder acts on.
    name: FieldName,
    utf8: Utf8Validator,
    /// The value of an `event`, `id` or `retry` line.
    value: String,

    // The current event.
    /// "data buffer".
    data: DataBuffer,
    /// Bytes given to `data` in this event, counted as they arrive (for the size limit).
    data_len: usize,
    /// "event type buffer".
    event_type: String,
    /// The reconnection time set by a `retry` field of this event.
    event_retry: Option<Duration>,
    /// An error ended the current event: ignore lines until the next blank line.
    skipping: bool,

    // Stream state that outlives events.
    /// "last event ID buffer".
    id_buffer: Option<Arc<str>>,
    /// The event source's "last event ID string", updated on each dispatch.
    last_event_id: Option<Arc<str>>,
    /// The event stream's reconnection time.
    reconnection_time: Option<Duration>,

    /// The chunk being decoded, during [`Decoder::feed`].
    source: Option<Bytes>,

    /// Dispatched events and errors, in order, waiting for `next_event`.
    queue: VecDeque<Result<Event, DecodeError>>,
}

/// Progress of the check for a byte order mark at the start of the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bom {
    /// This many bytes of the stream so far are the start of a byte order mark.
    Matching(usize),
    /// The start of the stream is behind us.
    Done,
}

/// Where the decoder is within the current line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineState {
    /// Nothing of the line seen yet.
    Start,
    /// Reading the field name.
    Name,
    /// "If the line starts with a U+003A COLON character (:): Ignore the line."
    Comment,
    /// Just after the colon: "If value starts with a U+0020 SPACE character, remove it."
    ValueStart(Field),
    /// Reading the field value.
    Value(Field),
}

/// The fields the decoder acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Data,
    Event,
    Id,
    Retry,
    /// "Otherwise: The field is ignored."
    Ignored,
}

/// A field name, kept only while it is short enough to be one of the known ones.
#[derive(Debug, Clone, Copy, Default)]
struct FieldName {
    bytes: [u8; MAX_FIELD_NAME],
    len: usize,
    too_long: bool,
}

impl FieldName {
    fn push(&mut self, s: &str) {
        let end = self.len + s.len();
        match self.bytes.get_mut(self.len..end) {
            Some(slot) if !self.too_long => {
                slot.copy_from_slice(s.as_bytes());
                self.len = end;
            }
            _ => self.too_long = true,
        }
    }

    /// "The steps to process the field given a field name and a field value depend on the field
    /// name [...]. Field names must be compared literally, with no case folding performed."
    fn field(&self) -> Field {
        if self.too_long {
            return Field::Ignored;
        }
        match self.bytes.get(..self.len) {
            Some(b"data") => Field::Data,
            Some(b"event") => Field::Event,
            Some(b"id") => Field::Id,
            Some(b"retry") => Field::Retry,
            _ => Field::Ignored,
        }
    }

    fn clear(&mut self) {
        self.len = 0;
        self.too_long = false;
    }
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// A decoder with the default [`DecoderConfig`].
    pub fn new() -> Self {
        Self::with_config(DecoderConfig::default())
    }

    /// A decoder with the given limits and end-of-input policy.
    pub fn with_config(config: DecoderConfig) -> Self {
        Self {
            config,
            offset: 0,
            line_start: 0,
            bom: Bom::Matching(0),
            after_cr: false,
            line: LineState::Start,
            line_len: 0,
            line_empty: true,
            name: FieldName::default(),
            utf8: Utf8Validator::default(),
            value: String::new(),
            data: DataBuffer::default(),
            data_len: 0,
            event_type: String::new(),
            event_retry: None,
            skipping: false,
            id_buffer: None,
            last_event_id: None,
            reconnection_time: None,
            source: None,
            queue: VecDeque::new(),
        }
    }

    /// The decoder's configuration.
    pub fn config(&self) -> &DecoderConfig {
        &self.config
    }

    /// Decodes the next chunk of the stream. Chunks may be split anywhere, even inside a line
    /// ending or a UTF-8 character. Events completed by this chunk (and errors) are queued for
    /// [`next_event`](Self::next_event).
    ///
    /// This copies what it keeps; [`feed`](Self::feed) can keep large pieces of a [`Bytes`]
    /// chunk without copying them.
    pub fn push(&mut self, mut bytes: &[u8]) {
        if let Bom::Matching(matched) = self.bom {
            bytes = self.skip_bom(matched, bytes);
        }
        self.process(bytes);
    }

    /// Like [`push`](Self::push), but takes a shared chunk: the data of a large event is then
    /// kept as slices of its chunks and copied only once, into the event's `String`, when the
    /// event is complete.
    pub fn feed(&mut self, chunk: Bytes) {
        // `source` lets the data buffer slice the chunk; `bytes` is what is decoded (a second
        // handle on the same memory, since `push` borrows `self` mutably).
        let bytes = chunk.clone();
        self.source = Some(chunk);
        self.push(&bytes);
        self.source = None;
    }

    /// The next decoded event or error, in stream order, or `None` when everything pushed so far
    /// has been handed out (more may come with the next [`push`](Self::push)).
    pub fn next_event(&mut self) -> Option<Result<Event, DecodeError>> {
        self.queue.pop_front()
    }

    /// Whether [`next_event`](Self::next_event) has something to hand out.
    pub fn has_next(&self) -> bool {
        !self.queue.is_empty()
    }

    /// Ends the stream. An unfinished event (data lines without the blank line that dispatches
    /// them, or a last line without a line ending) is handled as
    /// [`DecoderConfig::unfinished_event`] says: discarded by default, per the specification.
    /// Events that `finish` produces are queued for [`next_event`](Self::next_event).
    ///
    /// The decoder is then ready for a new stream, starting with a byte order mark check; the
    /// last event id and the reconnection time carry over (as an EventSource keeps them across
    /// reconnections).
    pub fn finish(&mut self) {
        if let Bom::Matching(matched) = self.bom {
            // Fewer than three bytes that began like a byte order mark: they are content.
            self.bom = Bom::Done;
            self.process(BOM.get(..matched).unwrap_or_default());
        }
        let policy = self.config.unfinished_event;
        if policy != UnfinishedEvent::Discard && !self.skipping {
            if !self.line_empty {
                // Treat the last line as if it had a line ending.
                self.end_line();
            }
            if self.skipping {
                // The last line had an error, which was reported in place of the event.
            } else if policy == UnfinishedEvent::Dispatch {
                // As if a blank line followed.
                self.dispatch();
            } else if !self.data.is_empty() {
                self.queue.push_back(Err(DecodeError::new(
                    DecodeErrorKind::UnexpectedEof,
                    self.offset,
                    None,
                )));
            }
        }
        // "Once the end of the file is reached, any pending data must be discarded."
        self.discard_event();
        self.skipping = false;
        self.line_empty = true;
        self.line_len = 0;
        self.offset = 0;
        self.line_start = 0;
        self.bom = Bom::Matching(0);
        self.after_cr = false;
        // A new stream starts from the last event ID string, as browsers do on reconnection.
        self.id_buffer.clone_from(&self.last_event_id);
    }

    /// The last event id: the id of the most recently dispatched event (or blank line), kept
    /// across events and across [`finish`](Self::finish). This is what an EventSource sends as
    /// `Last-Event-ID` when it reconnects. `None` if no id was set or it was reset by an empty
    /// `id` field.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// The reconnection time from the last valid `retry:` field seen in the stream, if any.
    pub fn reconnection_time(&self) -> Option<Duration> {
        self.reconnection_time
    }

    /// Consumes the three bytes of a byte order mark at the start of the stream, possibly split
    /// across chunks. Returns the rest of `bytes`.
    fn skip_bom<'a>(&mut self, mut matched: usize, mut bytes: &'a [u8]) -> &'a [u8] {
        while matched < BOM.len() {
            let Some((&byte, rest)) = bytes.split_first() else {
                self.bom = Bom::Matching(matched);
                return bytes;
            };
            if BOM.get(matched) != Some(&byte) {
                self.bom = Bom::Done;
                self.process(BOM.get(..matched).unwrap_or_default());
                return bytes;
            }
            matched += 1;
            bytes = rest;
        }
        self.bom = Bom::Done;
        self.offset += BOM.len() as u64;
        self.line_start = self.offset;
        bytes
    }

    /// Splits the input into lines: "Lines must be separated by either a U+000D CARRIAGE RETURN
    /// U+000A LINE FEED (CRLF) character pair, a single U+000A LINE FEED (LF) character, or a
    /// single U+000D CARRIAGE RETURN (CR) character."
    fn process(&mut self, mut bytes: &[u8]) {
        loop {
            if self.after_cr {
                match bytes.split_first() {
                    Some((b'\n', rest)) => {
                        self.after_cr = false;
                        self.offset += 1;
                        self.line_start = self.offset;
                        bytes = rest;
                    }
                    Some(_) => self.after_cr = false,
                    None => return,
                }
            }
            if let Some(rest) = self.whole_data_event(bytes) {
                bytes = rest;
                continue;
            }
            let Some(end) = memchr::memchr2(b'\r', b'\n', bytes) else {
                self.segment(bytes);
                self.offset += bytes.len() as u64;
                return;
            };
            let (line, ending) = bytes.split_at(end);
            self.segment(line);
            self.offset += end as u64;
            self.end_line();
            self.offset += 1;
            self.line_start = self.offset;
            self.after_cr = ending.first() == Some(&b'\r');
            bytes = ending.get(1..).unwrap_or_default();
        }
    }

    /// The common case in one step: at the start of an event, a whole event made of one
    /// `data` line and the blank line after it (`data: ...\n\n` or `data: ...\r\n\r\n`),
    /// all inside `bytes`, within the limits and valid UTF-8. Dispatches it and returns the
    /// bytes after it; `None` leaves everything to the general path, which decodes the same
    /// input to the same event (the chunking tests check that the two agree).
    fn whole_data_event<'a>(&mut self, bytes: &'a [u8]) -> Option<&'a [u8]> {
        let at_event_start = !self.after_cr
            && self.line == LineState::Start
            && self.line_empty
            && !self.skipping
            && self.data.is_empty()
            && self.event_type.is_empty()
            && self.event_retry.is_none()
            && self.utf8.is_idle();
        if !at_event_start {
            return None;
        }
        let after_name = bytes.strip_prefix(b"data:")?;
        let end = memchr::memchr2(b'\r', b'\n', after_name)?;
        let (value, ending) = after_name.split_at(end);
        let rest = ending
            .strip_prefix(b"\n\n")
            .or_else(|| ending.strip_prefix(b"\r\n\r\n"))?;
        let value = value.strip_prefix(b" ").unwrap_or(value);
        // The line ("data:" and the value) and the data with its line feed, as the general
        // path counts them.
        if b"data:".len() + end > self.config.max_line_size
            || value.len() >= self.config.max_event_size
        {
            return None;
        }
        let data = std::str::from_utf8(value).ok()?;
        // "Dispatch the event": the last event id, then the event.
        self.last_event_id.clone_from(&self.id_buffer);
        self.queue.push_back(Ok(Event::from_parts(
            None,
            data.to_owned(),
            self.id_buffer.clone(),
            None,
        )));
        self.offset += (bytes.len() - rest.len()) as u64;
        self.line_start = self.offset;
        Some(rest)
    }

    /// Handles a piece of the current line (no line ending in it).
    fn segment(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.line_empty = false;
        if self.skipping {
            return;
        }
        let room = self.config.max_line_size.saturating_sub(self.line_len);
        let (within, over) = bytes.split_at(room.min(bytes.len()));
        self.line_len += within.len();
        if let Err(kind) = self.line_bytes(within) {
            self.fail(kind);
        } else if !over.is_empty() {
            self.fail(DecodeErrorKind::LineTooLong);
        }
    }

    /// Runs the line state machine over bytes of the current line.
    fn line_bytes(&mut self, mut bytes: &[u8]) -> Result<(), DecodeErrorKind> {
        while let Some((&first, rest)) = bytes.split_first() {
            match self.line {
                LineState::Start => {
                    if first == b':' {
                        self.line = LineState::Comment;
                        bytes = rest;
                    } else {
                        self.line = LineState::Name;
                    }
                }
                LineState::Name => {
                    // "If the line contains a U+003A COLON character (:): Collect the characters
                    // on the line before the first U+003A COLON character (:), and let field be
                    // that string."
                    let (name, after) = match memchr::memchr(b':', bytes) {
                        Some(colon) => bytes.split_at(colon),
                        None => (bytes, &[][..]),
                    };
                    let field_name = &mut self.name;
                    self.utf8.feed(name, |s| field_name.push(s))?;
                    let Some((_colon, value)) = after.split_first() else {
                        return Ok(());
                    };
                    self.utf8.finish()?;
                    self.line = LineState::ValueStart(self.name.field());
                    bytes = value;
                }
                LineState::Comment => {
                    self.utf8.feed(bytes, |_| ())?;
                    return Ok(());
                }
                LineState::ValueStart(field) => {
                    self.line = LineState::Value(field);
                    if first == b' ' {
                        bytes = rest;
                    }
                }
                LineState::Value(field) => {
                    self.value_bytes(field, bytes)?;
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Handles bytes of a field value.
    fn value_bytes(&mut self, field: Field, bytes: &[u8]) -> Result<(), DecodeErrorKind> {
        match field {
            Field::Data => {
                let room = self.config.max_event_size.saturating_sub(self.data_len);
                let (within, over) = bytes.split_at(room.min(bytes.len()));
                self.data_len += within.len();
                let data = &mut self.data;
                if DataBuffer::is_large(within.len()) {
                    let chunk = self
                        .source
                        .as_ref()
                        .filter(|chunk| DataBuffer::may_share(within.len(), chunk));
                    self.utf8.feed(within, |s| data.push_large(s, chunk))?;
                } else {
                    // One more byte for the line feed that follows the value.
                    data.reserve(within.len() + 1);
                    self.utf8.feed(within, |s| data.push_str(s))?;
                }
                if !over.is_empty() {
                    return Err(DecodeErrorKind::EventTooLarge);
                }
            }
            Field::Event | Field::Id | Field::Retry => {
                let value = &mut self.value;
                self.utf8.feed(bytes, |s| value.push_str(s))?;
            }
            Field::Ignored => self.utf8.feed(bytes, |_| ())?,
        }
        Ok(())
    }

    /// Handles the end of a line.
    fn end_line(&mut self) {
        let empty = mem::replace(&mut self.line_empty, true);
        let line = mem::replace(&mut self.line, LineState::Start);
        self.line_len = 0;
        if self.skipping {
            if empty {
                // The blank line that ends the event an error cut short. An id seen before the
                // error still counts, as it would have with a dispatch.
                self.skipping = false;
                self.last_event_id.clone_from(&self.id_buffer);
            }
            return;
        }
        if empty {
            // "If the line is empty (a blank line): Dispatch the event."
            self.dispatch();
            return;
        }
        let result = self.complete_line(line);
        self.name.clear();
        self.value.clear();
        if let Err(kind) = result {
            self.fail(kind);
        }
    }

    /// Processes the field of a completed, non-blank line.
    fn complete_line(&mut self, line: LineState) -> Result<(), DecodeErrorKind> {
        self.utf8.finish()?;
        let field = match line {
            LineState::Start | LineState::Comment => return Ok(()),
            // "Otherwise, the string is not empty but does not contain a U+003A COLON character
            // (:): Process the field using the whole line as the field name, and the empty
            // string as the field value."
            LineState::Name => self.name.field(),
            LineState::ValueStart(field) | LineState::Value(field) => field,
        };
        match field {
            Field::Data => {
                // "Append the field value to the data buffer, then append a single U+000A LINE
                // FEED (LF) character to the data buffer."
                if self.data_len >= self.config.max_event_size {
                    return Err(DecodeErrorKind::EventTooLarge);
                }
                self.data_len += 1;
                self.data.push_str("\n");
            }
            Field::Event => {
                // "Set the event type buffer to the field value."
                self.event_type.clone_from(&self.value);
            }
            Field::Id => {
                // "If the field value does not contain U+0000 NULL, then set the last event ID
                // buffer to the field value. Otherwise, ignore the field."
                if !self.value.contains('\0') {
                    self.id_buffer = (!self.value.is_empty()).then(|| Arc::from(&*self.value));
                }
            }
            Field::Retry => {
                // "If the field value consists of only ASCII digits, then interpret the field
                // value as an integer in base ten, and set the event stream's reconnection time
                // to that integer. Otherwise, ignore the field."
                if let Some(millis) = parse_digits(&self.value) {
                    let retry = Duration::from_millis(millis);
                    self.reconnection_time = Some(retry);
                    self.event_retry = Some(retry);
                }
            }
            Field::Ignored => {}
        }
        Ok(())
    }

    /// "When the user agent is required to dispatch the event [...]"
    fn dispatch(&mut self) {
        // "1. Set the last event ID string of the event source to the value of the last event
        // ID buffer. The buffer does not get reset [...]"
        self.last_event_id.clone_from(&self.id_buffer);
        let retry = self.event_retry.take();
        self.data_len = 0;
        // "2. If the data buffer is an empty string, set the data buffer and the event type
        // buffer to the empty string and return."
        if self.data.is_empty() {
            self.event_type.clear();
            return;
        }
        // "3. If the data buffer's last character is a U+000A LINE FEED (LF) character, then
        // remove the last character from the data buffer."
        let capacity = self.data.len().min(64 * 1024);
        let Some(data) = self.data.take(capacity) else {
            // Every piece was validated on the way in, so this cannot happen; report rather
            // than panic if it ever did.
            self.event_type.clear();
            self.queue.push_back(Err(DecodeError::new(
                DecodeErrorKind::InvalidUtf8,
                self.line_start,
                None,
            )));
            return;
        };
        // "5. Initialize event's type attribute to "message" [...] If the event type buffer has
        // a value other than the empty string, change the type of the newly created event to
        // equal the value of the event type buffer." Then "set the data buffer and the event
        // type buffer to the empty string".
        let event_type = (!self.event_type.is_empty()).then(|| mem::take(&mut self.event_type));
        self.queue.push_back(Ok(Event::from_parts(
            event_type,
            data,
            self.id_buffer.clone(),
            retry,
        )));
    }

    /// Reports an error in place of the current event and skips the rest of it.
    fn fail(&mut self, kind: DecodeErrorKind) {
        let limit = match kind {
            DecodeErrorKind::LineTooLong => Some(self.config.max_line_size),
            DecodeErrorKind::EventTooLarge => Some(self.config.max_event_size),
            _ => None,
        };
        self.queue
            .push_back(Err(DecodeError::new(kind, self.line_start, limit)));
        self.discard_event();
        self.skipping = true;
    }

    /// Forgets the current event and the current line.
    fn discard_event(&mut self) {
        // Release the memory of a large event rather than keeping it for the next one.
        self.data.clear();
        self.data_len = 0;
        self.event_type.clear();
        self.event_retry = None;
        self.value.clear();
        self.name.clear();
        self.utf8.reset();
        self.line = LineState::Start;
    }
}

/// Parses a `retry` value: one or more ASCII digits, saturating at `u64::MAX` milliseconds.
fn parse_digits(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(value.bytes().fold(0u64, |acc, digit| {
        acc.saturating_mul(10)
            .saturating_add(u64::from(digit - b'0'))
    }))
}

impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("config", &self.config)
            .field("offset", &self.offset)
            .field("pending_data_bytes", &self.data.len())
            .field("queued", &self.queue.len())
            .field("last_event_id", &self.last_event_id())
            .field("reconnection_time", &self.reconnection_time)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(input: &[u8]) -> Vec<Result<Event, DecodeError>> {
        let mut d = Decoder::new();
        d.push(input);
        d.finish();
        std::iter::from_fn(|| d.next_event()).collect()
    }

    /// The one-step path for whole `data` events and the general path give the same events,
    /// ids and limits, whichever path each event takes.
    #[test]
    fn whole_data_events_match_the_general_path() {
        let input: &[u8] = b"id: 7\ndata: a\n\ndata: b\r\n\r\ndata:c\n\ndata: \n\n\
            data: \xff\n\ndata: d\r\rdata: e\n\ndata: x\ndata: y\n\nevent: t\ndata: f\n\n";
        let whole = decode(input);
        let mut d = Decoder::new();
        for byte in input {
            d.push(std::slice::from_ref(byte));
        }
        d.finish();
        let bytewise: Vec<_> = std::iter::from_fn(|| d.next_event()).collect();
        assert_eq!(whole, bytewise);
        let data: Vec<_> = whole
            .iter()
            .map(|e| {
                e.as_ref()
                    .map(|e| e.data().to_owned())
                    .map_err(DecodeError::kind)
            })
            .collect();
        assert_eq!(
            data,
            [
                Ok("a".to_owned()),
                Ok("b".to_owned()),
                Ok("c".to_owned()),
                Ok(String::new()),
                Err(DecodeErrorKind::InvalidUtf8),
                Ok("d".to_owned()),
                Ok("e".to_owned()),
                Ok("x\ny".to_owned()),
                Ok("f".to_owned()),
            ]
        );
        assert!(whole.iter().flatten().all(|e| e.id() == Some("7")));

        // Over the limits, the general path reports the error.
        let mut d = Decoder::with_config(DecoderConfig::default().with_max_event_size(3));
        d.push(b"data: abc\n\ndata: ab\n\n");
        let out: Vec<_> = std::iter::from_fn(|| d.next_event()).collect();
        assert_eq!(
            out[0].as_ref().unwrap_err().kind(),
            DecodeErrorKind::EventTooLarge
        );
        assert_eq!(out[1].as_ref().unwrap().data(), "ab");
    }

    #[test]
    fn retry_digits_saturate() {
        assert_eq!(parse_digits("0"), Some(0));
        assert_eq!(parse_digits("1500"), Some(1500));
        assert_eq!(parse_digits("99999999999999999999999"), Some(u64::MAX));
        assert_eq!(parse_digits(""), None);
        assert_eq!(parse_digits(" 1"), None);
        assert_eq!(parse_digits("1e3"), None);
        assert_eq!(parse_digits("١"), None);
    }

    #[test]
    fn field_names_are_matched_literally() {
        let mut name = FieldName::default();
        name.push("da");
        name.push("ta");
        assert_eq!(name.field(), Field::Data);
        name.push("x");
        assert_eq!(name.field(), Field::Ignored);
        name.clear();
        name.push("retryx");
        assert_eq!(name.field(), Field::Ignored);
        name.clear();
        name.push("Data");
        assert_eq!(name.field(), Field::Ignored);
    }

    #[test]
    fn large_event_memory_is_released_after_dispatch() {
        let mut d = Decoder::new();
        let big = vec![b'a'; 1 << 20];
        d.push(b"data: ");
        d.push(&big);
        d.push(b"\n\n");
        let event = d.next_event().and_then(Result::ok).map(Event::into_data);
        assert_eq!(event.map(|s| s.len()), Some(1 << 20));
        assert!(d.data.text_capacity() <= 64 * 1024);
    }

    #[test]
    fn feed_shares_large_pieces_of_its_chunks() {
        let mut input = b"data: ".to_vec();
        input.extend(std::iter::repeat_n(b'x', 100_000));
        input.extend_from_slice(b"\r\n");
        let input = Bytes::from(input);
        let mut d = Decoder::new();
        for start in (0..input.len()).step_by(16 * 1024) {
            d.feed(input.slice(start..(start + 16 * 1024).min(input.len())));
        }
        assert!(d.data.shared_pieces() >= 5, "{}", d.data.shared_pieces());
        d.push(b"\r\n");
        let event = d.next_event().and_then(Result::ok).map(Event::into_data);
        assert_eq!(event, Some("x".repeat(100_000)));
    }

    #[test]
    fn debug_is_a_summary() {
        let mut d = Decoder::new();
        d.push(b"data: x\n");
        let printed = format!("{d:?}");
        assert!(printed.contains("pending_data_bytes: 2"), "{printed}");
    }

    #[test]
    fn finish_starts_a_new_stream_keeping_id_and_retry() {
        let mut d = Decoder::new();
        d.push(b"\xEF\xBB\xBFid: 1\nretry: 5\ndata: a\n\ndata: cut");
        d.finish();
        d.push(b"\xEF\xBB\xBFdata: b\n\n");
        let events: Vec<_> = std::iter::from_fn(|| d.next_event()).collect();
        let retry = Duration::from_millis(5);
        assert_eq!(
            events,
            vec![
                Ok(Event::new("a").with_id("1").with_retry(retry)),
                Ok(Event::new("b").with_id("1")),
            ]
        );
        assert_eq!(d.reconnection_time(), Some(retry));
        assert_eq!(d.last_event_id(), Some("1"));
    }

    #[test]
    fn error_then_recovery() {
        let out = decode(b"data: \xFF\ndata: skipped\n\ndata: ok\n\n");
        assert_eq!(out.len(), 2);
        assert!(out[0].as_ref().is_err_and(DecodeError::is_invalid_utf8));
        assert_eq!(out[1], Ok(Event::new("ok")));
    }
}
