//! Thought signatures: deterministic, verifiable bytes on every model turn.
//!
//! A signature is `EMU1` followed by a 28-byte keyed digest of what it covers: for a
//! `functionCall` part its name and canonical (key-sorted) arguments, for text the turn's text.
//! The emulator can therefore recompute and check the signature a client sends back, and rejects
//! a missing or altered one on a function-call turn with the real service's errors
//! (`../shared/spec/API.md` gotcha 4).

use serde_json::Value;

use super::hash::digest;

const MAGIC: &[u8] = b"EMU1";
const DIGEST_LEN: usize = 28;

/// The documented placeholder signatures the real service accepts instead of a real one.
const BYPASS: [&[u8]; 2] = [
    b"skip_thought_signature_validator",
    b"context_engineering_is_the_way_to_go",
];

/// Makes and checks thought signatures under one key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Signer {
    key: u64,
}

/// The result of checking a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// The signature matches (or is a documented bypass value).
    Valid,
    /// The signature does not match what it should cover.
    Corrupted,
}

impl Signer {
    /// A signer with `key`.
    pub(crate) fn new(key: u64) -> Self {
        Self { key }
    }

    /// The signature of a `functionCall` object (`{"name", "args", "id"?}`).
    pub(crate) fn sign_function_call(self, call: &Value) -> Vec<u8> {
        self.sign(b"fc", &function_call_bytes(call))
    }

    /// The signature of a text turn.
    pub(crate) fn sign_text(self, model: &str, text: &str) -> Vec<u8> {
        let mut bytes = model.as_bytes().to_vec();
        bytes.push(0);
        bytes.extend_from_slice(text.as_bytes());
        self.sign(b"tx", &bytes)
    }

    /// Checks the signature a client sent back on a `functionCall` part.
    pub(crate) fn check_function_call(self, call: &Value, signature: &[u8]) -> Check {
        if BYPASS.contains(&signature) || self.sign_function_call(call) == signature {
            Check::Valid
        } else {
            Check::Corrupted
        }
    }

    fn sign(self, domain: &[u8], bytes: &[u8]) -> Vec<u8> {
        let mut input = domain.to_vec();
        input.push(0);
        input.extend_from_slice(bytes);
        let mut out = MAGIC.to_vec();
        out.extend(digest(self.key, &input, DIGEST_LEN));
        out
    }
}

fn function_call_bytes(call: &Value) -> Vec<u8> {
    let name = call.get("name").and_then(Value::as_str).unwrap_or("");
    let args = call.get("args").cloned().unwrap_or(Value::Null);
    let mut out = name.as_bytes().to_vec();
    out.push(0);
    write_canonical(&args, &mut out);
    out
}

/// JSON with object keys sorted at every level, independent of map ordering features.
pub(crate) fn write_canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push(b'{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let _ = serde_json::to_writer(&mut *out, k);
                out.push(b':');
                if let Some(child) = m.get(k) {
                    write_canonical(child, out);
                }
            }
            out.push(b'}');
        }
        Value::Array(a) => {
            out.push(b'[');
            for (i, child) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(child, out);
            }
            out.push(b']');
        }
        other => {
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_and_tamper() {
        let s = Signer::new(42);
        let call = json!({"name": "get_weather", "args": {"city": "Paris", "unit": "C"}});
        let sig = s.sign_function_call(&call);
        assert!(sig.starts_with(MAGIC));
        assert_eq!(s.check_function_call(&call, &sig), Check::Valid);
        let reordered = json!({"args": {"unit": "C", "city": "Paris"}, "name": "get_weather"});
        assert_eq!(s.check_function_call(&reordered, &sig), Check::Valid);
        let changed = json!({"name": "get_weather", "args": {"city": "Rome", "unit": "C"}});
        assert_eq!(s.check_function_call(&changed, &sig), Check::Corrupted);
        assert_eq!(
            s.check_function_call(&changed, b"skip_thought_signature_validator"),
            Check::Valid
        );
        assert_ne!(s.sign_text("m", "a"), s.sign_text("m", "b"));
    }
}
