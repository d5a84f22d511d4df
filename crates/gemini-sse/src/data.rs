//! The data buffer of the event being decoded.
//!
//! Small data is copied into a `String` as it arrives. Large pieces are kept as separate
//! pieces and copied once, into a buffer of exactly the right size, when the event is
//! dispatched; pieces that arrive in [`Bytes`] chunks (from
//! [`Decoder::feed`](crate::Decoder::feed), which [`SseStream`] uses) are kept as shared slices
//! of those chunks, without a copy. A 16 MB event that arrives in 64 KiB chunks thus costs one
//! copy and one allocation of its size, instead of a `String` that reallocates (and copies, and
//! page-faults) its way up to 16 MB.
//!
//! [`SseStream`]: https://docs.rs/gemini-sse/latest/gemini_sse/struct.SseStream.html

use std::mem;

use bytes::Bytes;

/// Pieces at least this long are shared rather than copied; shorter ones are cheaper to copy.
const SHARE_MIN: usize = 8 * 1024;

/// The data buffer: `shared[0] ++ shared[1] ++ ... ++ text`, all valid UTF-8.
#[derive(Debug, Default)]
pub(crate) struct DataBuffer {
    /// Pieces of input chunks, validated, in order.
    shared: Vec<Bytes>,
    shared_len: usize,
    /// Validated text after the shared pieces.
    text: String,
}

impl DataBuffer {
    pub(crate) fn len(&self) -> usize {
        self.shared_len + self.text.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends validated text, copying it.
    pub(crate) fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Makes room for `additional` more bytes of copied text.
    pub(crate) fn reserve(&mut self, additional: usize) {
        if self.shared.is_empty() {
            self.text.reserve(additional);
        }
    }

    /// Appends a large piece of validated text: as a slice of `chunk` when it lies inside it,
    /// else as a copy of its own. Either way it joins the pieces that are copied together, once,
    /// into a buffer of the right size at dispatch, rather than growing `text` (whose
    /// reallocations of a multi-megabyte buffer cost more than the copy itself). Short text is
    /// appended to `text`.
    pub(crate) fn push_large(&mut self, text: &str, chunk: Option<&Bytes>) {
        if text.len() < SHARE_MIN {
            self.text.push_str(text);
            return;
        }
        if !self.text.is_empty() {
            let before = Bytes::from(mem::take(&mut self.text).into_bytes());
            self.shared_len += before.len();
            self.shared.push(before);
        }
        let piece = match chunk {
            Some(chunk) if is_within(text.as_bytes(), chunk) => chunk.slice_ref(text.as_bytes()),
            _ => Bytes::copy_from_slice(text.as_bytes()),
        };
        self.shared_len += piece.len();
        self.shared.push(piece);
    }

    /// Whether a piece is large enough for [`DataBuffer::push_large`].
    pub(crate) fn is_large(piece: usize) -> bool {
        piece >= SHARE_MIN
    }

    /// Whether a piece of `chunk` may be shared: only if it makes up at least half of it, so
    /// that keeping the chunk alive never holds much more memory than the data itself.
    pub(crate) fn may_share(piece: usize, chunk: &Bytes) -> bool {
        piece.saturating_mul(2) >= chunk.len()
    }

    /// Takes the data out, without its last line feed, leaving an empty buffer with room for
    /// `capacity` bytes of text. `None` if a piece is not valid UTF-8, which cannot happen as
    /// every piece was validated on the way in.
    pub(crate) fn take(&mut self, capacity: usize) -> Option<String> {
        let mut text = mem::replace(&mut self.text, String::with_capacity(capacity));
        let shared = mem::take(&mut self.shared);
        self.shared_len = 0;
        if shared.is_empty() {
            if text.ends_with('\n') {
                text.pop();
            }
            return Some(text);
        }
        // Each piece holds whole characters (the validator hands out complete ones), so each is
        // valid UTF-8 on its own. Checking a piece right before copying it reads it while it is
        // in cache, rather than checking the whole buffer again afterwards.
        let total = shared.iter().map(Bytes::len).sum::<usize>() + text.len();
        let mut out = String::with_capacity(total);
        for piece in &shared {
            out.push_str(std::str::from_utf8(piece).ok()?);
        }
        out.push_str(&text);
        if out.ends_with('\n') {
            out.pop();
        }
        Some(out)
    }

    /// Empties the buffer and releases its memory.
    pub(crate) fn clear(&mut self) {
        *self = Self::default();
    }

    #[cfg(test)]
    pub(crate) fn text_capacity(&self) -> usize {
        self.text.capacity()
    }

    #[cfg(test)]
    pub(crate) fn shared_pieces(&self) -> usize {
        self.shared.len()
    }
}

/// Whether `part` is a sub-slice of `whole`'s memory.
fn is_within(part: &[u8], whole: &[u8]) -> bool {
    let start = whole.as_ptr().addr();
    let part_start = part.as_ptr().addr();
    part_start >= start && part_start + part.len() <= start + whole.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_pieces_are_shared_and_joined_in_order() {
        let chunk = Bytes::from("x".repeat(SHARE_MIN * 2));
        let mut data = DataBuffer::default();
        data.push_str("a");
        let piece = std::str::from_utf8(&chunk[1..]).unwrap();
        data.push_large(piece, Some(&chunk));
        data.push_large("small", Some(&chunk));
        data.push_str("\n");
        assert_eq!(data.shared.len(), 2);
        assert_eq!(data.len(), 1 + piece.len() + 6);
        let text = data.take(0).unwrap();
        assert_eq!(text, format!("a{piece}small"));
        assert!(data.is_empty());
    }

    #[test]
    fn text_from_elsewhere_is_copied() {
        let chunk = Bytes::from("y".repeat(SHARE_MIN));
        let other = "z".repeat(SHARE_MIN);
        let mut data = DataBuffer::default();
        data.push_large(&other, Some(&chunk));
        data.push_large(&other, None);
        assert_eq!(data.shared.len(), 2);
        assert!(data.shared.iter().all(|piece| !is_within(piece, &chunk)));
        assert_eq!(data.take(0).unwrap(), other.repeat(2));
    }

    #[test]
    fn sharing_needs_a_large_piece_of_the_chunk() {
        let chunk = Bytes::from(vec![b'a'; 4 * SHARE_MIN]);
        assert!(DataBuffer::may_share(2 * SHARE_MIN, &chunk));
        assert!(!DataBuffer::may_share(SHARE_MIN, &chunk));
        assert!(DataBuffer::is_large(SHARE_MIN));
        assert!(!DataBuffer::is_large(SHARE_MIN - 1));
    }
}
