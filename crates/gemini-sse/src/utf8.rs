//! Incremental UTF-8 validation of text that arrives in pieces.
//!
//! The decoder never buffers a whole line before validating it: bytes are validated as they
//! arrive and copied straight to where they belong (the event's data, for instance). A character
//! split across two chunks is held back (at most three bytes) until its last byte arrives, so it
//! is never mangled, and the result is the same however the input is split.

/// The input is not valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvalidUtf8;

impl From<InvalidUtf8> for crate::DecodeErrorKind {
    fn from(_: InvalidUtf8) -> Self {
        Self::InvalidUtf8
    }
}

/// Validates a sequence of byte slices as one UTF-8 text, one slice at a time.
///
/// Each call to [`Utf8Validator::feed`] hands every complete, valid piece of text to a sink. An
/// invalid byte is reported as soon as it is seen, never later than a byte-by-byte validator
/// would see it, so error detection does not depend on how the input was split.
#[derive(Debug, Default, Clone)]
pub(crate) struct Utf8Validator {
    /// The first bytes of a character whose remaining bytes have not arrived yet.
    pending: [u8; 4],
    /// How many bytes of `pending` are in use (0 when no character is pending).
    len: usize,
    /// The full width of the pending character.
    width: usize,
}

impl Utf8Validator {
    /// Whether no character is pending (nothing held back from the last piece).
    pub(crate) fn is_idle(&self) -> bool {
        self.len == 0
    }

    /// Validates `bytes` as the continuation of the text fed so far and passes the complete
    /// characters to `sink`, in order. An incomplete character at the end is kept for the next
    /// call.
    pub(crate) fn feed(
        &mut self,
        mut bytes: &[u8],
        mut sink: impl FnMut(&str),
    ) -> Result<(), InvalidUtf8> {
        if self.len > 0 {
            let take = (self.width - self.len).min(bytes.len());
            let (head, rest) = bytes.split_at(take);
            let slot = self
                .pending
                .get_mut(self.len..self.len + take)
                .ok_or(InvalidUtf8)?;
            slot.copy_from_slice(head);
            self.len += take;
            bytes = rest;
            let sofar = self.pending.get(..self.len).ok_or(InvalidUtf8)?;
            if self.len < self.width {
                // All of `bytes` was used and the character is still incomplete: it must at
                // least be a valid prefix, as a byte-by-byte validator would check.
                return check_prefix(sofar);
            }
            let text = std::str::from_utf8(sofar).map_err(|_| InvalidUtf8)?;
            sink(text);
            self.len = 0;
        }
        if bytes.is_empty() {
            return Ok(());
        }
        let (complete, tail) = bytes.split_at(incomplete_tail_start(bytes));
        if !complete.is_empty() {
            sink(std::str::from_utf8(complete).map_err(|_| InvalidUtf8)?);
        }
        if let Some(&lead) = tail.first() {
            check_prefix(tail)?;
            self.width = char_width(lead);
            self.pending
                .get_mut(..tail.len())
                .ok_or(InvalidUtf8)?
                .copy_from_slice(tail);
            self.len = tail.len();
        }
        Ok(())
    }

    /// Ends the text: a character still waiting for its last bytes is an error.
    pub(crate) fn finish(&mut self) -> Result<(), InvalidUtf8> {
        if self.len == 0 {
            Ok(())
        } else {
            self.len = 0;
            Err(InvalidUtf8)
        }
    }

    /// Forgets any pending partial character.
    pub(crate) fn reset(&mut self) {
        self.len = 0;
    }
}

/// Checks that `bytes` is the beginning of a valid UTF-8 character (or characters) that only
/// lacks its last bytes.
fn check_prefix(bytes: &[u8]) -> Result<(), InvalidUtf8> {
    match std::str::from_utf8(bytes) {
        Err(e) if e.error_len().is_none() => Ok(()),
        _ => Err(InvalidUtf8),
    }
}

/// The number of bytes of the UTF-8 character that starts with `lead`, or 0 if `lead` cannot
/// start a character (a continuation byte or a byte that never appears in UTF-8).
fn char_width(lead: u8) -> usize {
    match lead {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

/// Where a character that is cut off at the end of `bytes` starts, or `bytes.len()` if the last
/// character is complete (or invalid, which the full validation of the head then reports).
fn incomplete_tail_start(bytes: &[u8]) -> usize {
    let n = bytes.len();
    for back in 1..=n.min(3) {
        let Some(&byte) = bytes.get(n - back) else {
            break;
        };
        if byte & 0xC0 != 0x80 {
            return if char_width(byte) > back { n - back } else { n };
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(chunks: &[&[u8]]) -> Result<String, InvalidUtf8> {
        let mut v = Utf8Validator::default();
        let mut out = String::new();
        for chunk in chunks {
            v.feed(chunk, |s| out.push_str(s))?;
        }
        v.finish()?;
        Ok(out)
    }

    #[test]
    fn split_characters_are_joined() {
        let text = "a€𝄞é";
        let bytes = text.as_bytes();
        for i in 0..=bytes.len() {
            for j in i..=bytes.len() {
                let parts = [&bytes[..i], &bytes[i..j], &bytes[j..]];
                assert_eq!(run(&parts), Ok(text.to_owned()), "split at {i},{j}");
            }
        }
    }

    #[test]
    fn invalid_bytes_are_rejected_however_split() {
        let cases: &[&[u8]] = &[
            b"\xFF",
            b"a\x80",
            b"\xE2\x82",
            b"\xE2A\x82",
            b"\xED\xA0\x80",
            b"\xC0\xAF",
            b"\xF4\x90\x80\x80",
            b"\xF0\x9D\x84",
        ];
        for bytes in cases {
            assert_eq!(run(&[bytes]), Err(InvalidUtf8), "{bytes:?}");
            for i in 0..=bytes.len() {
                assert_eq!(
                    run(&[&bytes[..i], &bytes[i..]]),
                    Err(InvalidUtf8),
                    "{bytes:?} at {i}"
                );
            }
            let singles: Vec<&[u8]> = bytes.chunks(1).collect();
            assert_eq!(run(&singles), Err(InvalidUtf8), "{bytes:?} byte by byte");
        }
    }

    #[test]
    fn invalid_prefix_is_reported_before_the_character_completes() {
        let mut v = Utf8Validator::default();
        assert_eq!(v.feed(b"\xE2", |_| ()), Ok(()));
        assert_eq!(v.feed(b"A", |_| ()), Err(InvalidUtf8));
    }
}
