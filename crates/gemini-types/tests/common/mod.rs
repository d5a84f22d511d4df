//! Shared harness for the round-trip tests: locating `../shared/spec`, decoding with field paths,
//! and comparing an original JSON document with what our types re-serialize.
//!
//! The comparison forgives only what JSON (proto3 JSON) lets vary:
//!
//! * integers as strings vs numbers (`"12"` == `12`), `1` vs `1.0`;
//! * duration spelling (`"3.50s"` == `"3.5s"`) and timestamp spelling (fraction digits, offset);
//! * key order (objects are compared as maps);
//! * empty arrays / objects and `null` members that were omitted (or added);
//! * base64 padding and alphabet (compared as bytes), except in `thoughtSignature`, which the
//!   client only echoes and must send back exactly as received;
//! * when `lenient_request` is set (request documents of camelCase surfaces): snake_case keys that
//!   come back camelCase, and a single object where a list is expected (`"parts": {..}`), which
//!   the real service accepts.
//!
//! Everything else is a loss, reported with its JSON path.

#![allow(dead_code, unreachable_pub)] // Each test crate uses a different subset of the harness.

pub mod corpus;
pub mod kinds;

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `../shared/spec` (a sibling of the repository), or `None` after printing one line when it is
/// absent, so the test `what` skips. Under `CI=true` its absence is a failure.
pub fn shared_spec(what: &str) -> Option<PathBuf> {
    let p = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/spec"));
    if p.is_dir() {
        return Some(p.to_path_buf());
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what}: ../shared/spec not found, and CI=true requires it"
    );
    // Straight to stderr: the test harness captures `println!`, and this line must show.
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("skipping {what}: ../shared/spec not found\n").as_bytes(),
    );
    None
}

/// How lenient the comparison is about request-side spellings.
#[derive(Clone, Copy, Debug, Default)]
pub struct Opts {
    /// snake_case keys may come back camelCase; a single object may come back as a one-element list.
    pub lenient_request: bool,
}

/// One difference between the original document and the round-tripped one.
#[derive(Clone, Debug)]
pub struct Loss {
    /// JSON path (`$.candidates[0].content`).
    pub path: String,
    /// What happened.
    pub what: String,
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.what)
    }
}

/// The result of round-tripping one document.
#[derive(Debug)]
pub enum Outcome {
    /// Decoded and re-serialized with nothing lost.
    Ok,
    /// Decoding failed (message names the JSON path).
    DecodeError(String),
    /// Decoded, but the re-serialized JSON differs.
    Lost(Vec<Loss>),
}

impl Outcome {
    /// Whether nothing was lost.
    pub fn is_ok(&self) -> bool {
        matches!(self, Self::Ok)
    }

    /// A multi-line description for a failure report.
    pub fn describe(&self) -> String {
        match self {
            Self::Ok => "ok".to_owned(),
            Self::DecodeError(e) => format!("decode error: {e}"),
            Self::Lost(l) => {
                let mut s = format!("{} difference(s):", l.len());
                for loss in l.iter().take(12) {
                    let _ = write!(s, "\n      {loss}");
                }
                if l.len() > 12 {
                    let _ = write!(s, "\n      ... and {} more", l.len() - 12);
                }
                s
            }
        }
    }
}

/// Decodes `text` as `T`, naming the JSON path of the first error.
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        format!("at `{path}`: {}", e.into_inner())
    })?;
    de.end().map_err(|e| format!("trailing input: {e}"))?;
    Ok(v)
}

/// Decodes `text` as `T`, re-serializes it, and compares with the original.
pub fn round_trip<T: DeserializeOwned + Serialize>(text: &str, opts: Opts) -> Outcome {
    let original: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => return Outcome::DecodeError(format!("not JSON: {e}")),
    };
    let typed: T = match decode(text) {
        Ok(t) => t,
        Err(e) => return Outcome::DecodeError(e),
    };
    let back = match serde_json::to_value(&typed) {
        Ok(v) => v,
        Err(e) => return Outcome::DecodeError(format!("re-serialize failed: {e}")),
    };
    let losses = compare(&original, &back, opts);
    if losses.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Lost(losses)
    }
}

/// Compares an original document with its round trip; returns every unforgiven difference.
pub fn compare(original: &Value, back: &Value, opts: Opts) -> Vec<Loss> {
    let mut out = Vec::new();
    let mut path = String::from("$");
    diff(original, back, &mut path, opts, &mut out);
    out
}

/// `null`, `[]`, `{}`, or an object whose members are all empty.
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.values().all(is_empty),
        _ => false,
    }
}

/// `snake_case` -> `snakeCase`.
pub fn camel(k: &str) -> String {
    let mut s = String::with_capacity(k.len());
    let mut up = false;
    for c in k.chars() {
        if c == '_' {
            up = true;
        } else if up {
            s.extend(c.to_uppercase());
            up = false;
        } else {
            s.push(c);
        }
    }
    s
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 100 {
        let mut cut = 100;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}... ({} bytes)", &s[..cut], s.len())
    } else {
        s
    }
}

/// Keys whose values the client only echoes, compared exactly (not as equivalent base64).
const ECHOED: &[&str] = &["thoughtSignature", "thought_signature"];

fn diff(a: &Value, b: &Value, path: &mut String, opts: Opts, out: &mut Vec<Loss>) {
    let len = path.len();
    match (a, b) {
        (Value::Object(ao), Value::Object(bo)) => {
            let mut matched: Vec<&str> = Vec::with_capacity(ao.len());
            for (k, va) in ao {
                let found = bo.get_key_value(k.as_str()).or_else(|| {
                    if opts.lenient_request && k.contains('_') {
                        bo.get_key_value(camel(k).as_str())
                    } else {
                        None
                    }
                });
                push_key(path, k);
                match found {
                    // Signatures are only echoed: they must come back exactly as received.
                    Some((bk, vb)) if ECHOED.contains(&k.as_str()) => {
                        matched.push(bk.as_str());
                        if va != vb {
                            out.push(Loss {
                                path: path.clone(),
                                what: format!(
                                    "echoed value changed: {} became {}",
                                    short(va),
                                    short(vb)
                                ),
                            });
                        }
                    }
                    Some((bk, vb)) => {
                        matched.push(bk.as_str());
                        diff(va, vb, path, opts, out);
                    }
                    None if is_empty(va) => {}
                    None => out.push(Loss {
                        path: path.clone(),
                        what: format!("missing after round trip (was {})", short(va)),
                    }),
                }
                path.truncate(len);
            }
            for (k, vb) in bo {
                if matched.contains(&k.as_str()) || is_empty(vb) {
                    continue;
                }
                push_key(path, k);
                out.push(Loss {
                    path: path.clone(),
                    what: format!("added by round trip: {}", short(vb)),
                });
                path.truncate(len);
            }
        }
        (Value::Array(aa), Value::Array(ba)) => {
            if aa.len() != ba.len() {
                out.push(Loss {
                    path: path.clone(),
                    what: format!("array length {} became {}", aa.len(), ba.len()),
                });
            }
            for (i, (x, y)) in aa.iter().zip(ba).enumerate() {
                let _ = write!(path, "[{i}]");
                diff(x, y, path, opts, out);
                path.truncate(len);
            }
        }
        (a, Value::Array(ba)) if opts.lenient_request && a.is_object() && ba.len() == 1 => {
            if let Some(first) = ba.first() {
                diff(a, first, path, opts, out);
            }
        }
        _ if scalar_eq(a, b) => {}
        _ => out.push(Loss {
            path: path.clone(),
            what: format!("changed: {} became {}", short(a), short(b)),
        }),
    }
}

fn push_key(path: &mut String, k: &str) {
    if !k.is_empty() && k.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
        path.push('.');
        path.push_str(k);
    } else {
        let _ = write!(path, "[{k:?}]");
    }
}

fn num_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
}

fn int_of(v: &Value) -> Option<i128> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from)),
        Value::String(s) => s.trim().parse::<i128>().ok(),
        _ => None,
    }
}

/// Scalar equality modulo what JSON lets vary.
pub fn scalar_eq(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => int_of(a).zip(int_of(b)).map_or_else(
            || num_of(a).zip(num_of(b)).is_some_and(|(x, y)| x == y),
            |(x, y)| x == y,
        ),
        (Value::String(_), Value::Number(_)) | (Value::Number(_), Value::String(_)) => {
            int_of(a).zip(int_of(b)).map_or_else(
                || num_of(a).zip(num_of(b)).is_some_and(|(x, y)| x == y),
                |(x, y)| x == y,
            )
        }
        (Value::String(x), Value::String(y)) => strings_equivalent(x, y),
        _ => false,
    }
}

/// Two strings that spell the same duration, timestamp, or bytes.
pub fn strings_equivalent(x: &str, y: &str) -> bool {
    if let (Some(dx), Some(dy)) = (
        gemini_types::wire::parse_duration(x),
        gemini_types::wire::parse_duration(y),
    ) {
        return dx == dy;
    }
    if let (Ok(tx), Ok(ty)) = (
        x.parse::<gemini_types::Timestamp>(),
        y.parse::<gemini_types::Timestamp>(),
    ) {
        return tx == ty;
    }
    match (b64(x), b64(y)) {
        (Some(bx), Some(by)) => bx == by,
        _ => false,
    }
}

/// Decodes standard or URL-safe base64, padded or not (independent of the crate's decoder).
pub fn b64(s: &str) -> Option<Vec<u8>> {
    use base64::engine::DecodePaddingMode;
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    const CFG: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, CFG);
    const URL: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, CFG);
    STD.decode(s).or_else(|_| URL.decode(s)).ok()
}

/// The `data:` payloads of an SSE body (events joined per the SSE spec: `data` lines of one event
/// are concatenated with `\n`).
pub fn sse_data(body: &str) -> Vec<String> {
    let mut events = Vec::new();
    let mut cur: Option<String> = None;
    for line in body.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            if let Some(ev) = cur.take() {
                events.push(ev);
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("data:") {
            let rest = rest.strip_prefix(' ').unwrap_or(rest);
            match cur.as_mut() {
                Some(ev) => {
                    ev.push('\n');
                    ev.push_str(rest);
                }
                None => cur = Some(rest.to_owned()),
            }
        }
    }
    if let Some(ev) = cur {
        events.push(ev);
    }
    events
}

/// The extension of a file name (`"jsonl"`), lowercased.
pub fn ext(name: &str) -> String {
    Path::new(name)
        .extension()
        .and_then(std::ffi::OsStr::to_str)
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Non-empty lines of a JSONL body.
pub fn jsonl(body: &str) -> Vec<&str> {
    body.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// Some recorded documents had binary fields replaced by their source with placeholders such as
/// `"<redacted live image data; length=439196>"` (see the manifest notes), which are not base64.
/// `inlineData.data` is decoded, so such a placeholder is rejected (with an error naming the
/// field); this replaces each one with the base64 of the placeholder text, so the rest of the
/// document can still be checked. Returns how many were replaced. (Signatures are kept as
/// received and `bytesBase64Encoded` as a string: their placeholders decode as they are.)
pub fn scrub_placeholders(v: &mut Value) -> usize {
    const BYTES_FIELDS: &[&str] = &["data"];
    match v {
        Value::Object(o) => {
            let mut n = 0;
            for (k, child) in o.iter_mut() {
                if let Value::String(s) = child {
                    if BYTES_FIELDS.contains(&k.as_str()) && s.starts_with('<') && s.ends_with('>')
                    {
                        *s = base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
                        n += 1;
                    }
                } else {
                    n += scrub_placeholders(child);
                }
            }
            n
        }
        Value::Array(a) => a.iter_mut().map(scrub_placeholders).sum(),
        _ => 0,
    }
}

/// [`scrub_placeholders`] on a JSON text; returns the text unchanged when nothing was replaced.
pub fn scrubbed(text: &str) -> (std::borrow::Cow<'_, str>, usize) {
    match serde_json::from_str::<Value>(text) {
        Ok(mut v) => {
            let n = scrub_placeholders(&mut v);
            if n == 0 {
                (std::borrow::Cow::Borrowed(text), 0)
            } else {
                (std::borrow::Cow::Owned(v.to_string()), n)
            }
        }
        Err(_) => (std::borrow::Cow::Borrowed(text), 0),
    }
}
