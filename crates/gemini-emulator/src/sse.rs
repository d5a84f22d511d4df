//! Byte framing of streamed replies, exactly as the real service frames them.
//!
//! * `?alt=sse` (`../shared/spec/API.md` section 6): every chunk is one line `data: <compact
//!   JSON>` followed by CRLF CRLF; no `event:`/`id:` lines and no `[DONE]` sentinel.
//! * Without `alt=sse` the body is one JSON array written incrementally: `[` + the first element,
//!   then `\n,\r\n` + each further element, then `\n]`. Elements are pretty-printed with two
//!   spaces (the recorded llm-gemini cassettes under `../shared/spec/real/streams/` show this).
//! * Unary replies are pretty-printed JSON objects, like the real front end sends.

use bytes::Bytes;
use serde_json::Value;

/// How a streamed reply is framed on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// `text/event-stream`, `data: {...}\r\n\r\n` per chunk.
    Sse,
    /// `application/json`, one incrementally written JSON array.
    JsonArray,
}

impl Framing {
    /// The `Content-Type` of a body in this framing.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Self::Sse => "text/event-stream",
            Self::JsonArray => JSON_CONTENT_TYPE,
        }
    }

    /// The bytes of chunk number `index` (0-based).
    pub(crate) fn chunk(self, index: usize, value: &Value) -> Bytes {
        match self {
            Self::Sse => sse_event(value),
            Self::JsonArray => {
                let mut out = Vec::with_capacity(256);
                out.extend_from_slice(if index == 0 { b"[" } else { b"\n,\r\n" });
                out.extend_from_slice(&pretty(value));
                Bytes::from(out)
            }
        }
    }

    /// The bytes that end a stream of `count` chunks.
    pub(crate) fn end(self, count: usize) -> Bytes {
        match self {
            Self::Sse => Bytes::new(),
            Self::JsonArray if count == 0 => Bytes::from_static(b"[]"),
            Self::JsonArray => Bytes::from_static(b"\n]"),
        }
    }
}

/// The `Content-Type` of every JSON reply.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=UTF-8";

/// One SSE event: `data: <compact JSON>\r\n\r\n`.
pub(crate) fn sse_event(value: &Value) -> Bytes {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"data: ");
    // Serializing a `Value` cannot fail (all keys are strings).
    let _ = serde_json::to_writer(&mut out, value);
    out.extend_from_slice(b"\r\n\r\n");
    Bytes::from(out)
}

/// A unary JSON body: pretty-printed with a trailing newline.
pub(crate) fn unary_body(value: &Value) -> Bytes {
    let mut out = pretty(value);
    out.push(b'\n');
    Bytes::from(out)
}

fn pretty(value: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sse_is_crlf_framed() {
        let b = Framing::Sse.chunk(3, &json!({"a": 1}));
        assert_eq!(&b[..], b"data: {\"a\":1}\r\n\r\n");
        assert!(Framing::Sse.end(2).is_empty());
    }

    #[test]
    fn json_array_uses_the_recorded_separator() {
        let mut all = Vec::new();
        all.extend_from_slice(&Framing::JsonArray.chunk(0, &json!({"a": 1})));
        all.extend_from_slice(&Framing::JsonArray.chunk(1, &json!({"b": 2})));
        all.extend_from_slice(&Framing::JsonArray.end(2));
        assert_eq!(
            String::from_utf8(all.clone()).unwrap(),
            "[{\n  \"a\": 1\n}\n,\r\n{\n  \"b\": 2\n}\n]"
        );
        let parsed: Value = serde_json::from_slice(&all).unwrap();
        assert_eq!(parsed, json!([{"a": 1}, {"b": 2}]));
        assert_eq!(&Framing::JsonArray.end(0)[..], b"[]");
    }
}
