//! Serde adapters for the proto3 JSON conventions the Gemini API uses.
//!
//! Use them with `#[serde(with = "...")]` on fields:
//!
//! | proto type | Rust type | module | on the wire |
//! |---|---|---|---|
//! | `int64` / `uint64` | `Option<i64>` | [`int64`] | `"12345"` (accepts a number too) |
//! | `int32` in requests | `Option<i32>` | [`int32`] | `40` (accepts `40.0` and `"40"`) |
//! | `bytes` | `Option<Bytes>` | [`base64_bytes`] | standard base64 with padding (accepts URL-safe, unpadded) |
//! | `Duration` | `Option<std::time::Duration>` | [`duration`] | `"3.5s"` |
//! | `Timestamp` | [`Timestamp`] | (the type itself) | RFC 3339, `"2026-11-25T13:09:31.123456Z"` |
//! | `repeated T` in requests | `Vec<T>` | [`one_or_many`] | a list, or a single object (proto JSON allows it) |

use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// `int64` fields: sent as JSON strings, accepted as strings or numbers.
pub mod int64 {
    use super::{Deserializer, Serializer, Visitor, de, fmt};

    /// Serializes `Some(n)` as the string `"n"`. Use with `skip_serializing_if = "Option::is_none"`.
    pub fn serialize<S: Serializer>(v: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(n) => s.collect_str(n),
            None => s.serialize_none(),
        }
    }

    /// Accepts a JSON string of digits, a JSON integer, or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_any(OptI64)
    }

    struct OptI64;

    impl<'de> Visitor<'de> for OptI64 {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an int64 as a JSON string or number")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format_args!("int64 out of range: {v}")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // Proto JSON allows `1e3` and `1.0` for integer fields when the value is integral.
            if v.fract() == 0.0 && v >= i64::MIN as f64 && v <= i64::MAX as f64 {
                Ok(Some(v as i64))
            } else {
                Err(E::custom(format_args!("int64 must be an integer, got {v}")))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.trim()
                .parse::<i64>()
                .map(Some)
                .map_err(|_| E::custom(format_args!("invalid int64 string `{v}`")))
        }
    }

    /// The same adapter for a required (non-`Option`) `i64` field.
    pub mod required {
        use super::super::{Deserializer, Serializer, de};

        /// Serializes `n` as the string `"n"`.
        pub fn serialize<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(v)
        }

        /// Accepts a JSON string of digits or a JSON integer.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
            super::deserialize(d)?.ok_or_else(|| de::Error::custom("int64 must not be null"))
        }
    }
}

/// `int32` fields in requests: sent as JSON numbers, accepted as numbers, integral floats
/// (`40.0`, which the Python SDK sends for `topK`) or strings of digits, as the proto JSON
/// parser does.
pub mod int32 {
    use super::{Deserializer, Serializer, Visitor, de, fmt};

    /// Serializes `Some(n)` as the number `n`. Use with `skip_serializing_if = "Option::is_none"`.
    pub fn serialize<S: Serializer>(v: &Option<i32>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(n) => s.serialize_i32(*n),
            None => s.serialize_none(),
        }
    }

    /// Accepts a JSON integer, an integral float, a string of digits, or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
        d.deserialize_any(OptI32)
    }

    struct OptI32;

    impl<'de> Visitor<'de> for OptI32 {
        type Value = Option<i32>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an int32 as a JSON number or string")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            i32::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format_args!("int32 out of range: {v}")))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i32::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format_args!("int32 out of range: {v}")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v.fract() == 0.0 && v >= f64::from(i32::MIN) && v <= f64::from(i32::MAX) {
                Ok(Some(v as i32))
            } else {
                Err(E::custom(format_args!("int32 must be an integer, got {v}")))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            v.trim()
                .parse::<i32>()
                .map(Some)
                .map_err(|_| E::custom(format_args!("invalid int32 string `{v}`")))
        }
    }
}

/// `bytes` fields: base64 on the wire, [`bytes::Bytes`] in memory.
pub mod base64_bytes {
    use super::{Deserializer, Serializer, Visitor, de, decode_base64, fmt};
    use base64::Engine as _;
    use bytes::Bytes;

    /// Serializes as standard base64 with padding.
    pub fn serialize<S: Serializer>(v: &Option<Bytes>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(b)),
            None => s.serialize_none(),
        }
    }

    /// Accepts standard or URL-safe base64, padded or not, or null. A string that is not
    /// base64 is an error (`not valid base64 ...`); nothing is ever decoded approximately.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Bytes>, D::Error> {
        deserialize_named(d, "a `bytes` field")
    }

    /// [`deserialize`], naming `field` (e.g. `` "`inlineData.data`" ``) in the error.
    pub(crate) fn deserialize_named<'de, D: Deserializer<'de>>(
        d: D,
        field: &'static str,
    ) -> Result<Option<Bytes>, D::Error> {
        d.deserialize_option(OptB64(field))
    }

    struct OptB64(&'static str);

    impl<'de> Visitor<'de> for OptB64 {
        type Value = Option<Bytes>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a base64 string")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(B64(self.0))
        }
    }

    struct B64(&'static str);

    impl Visitor<'_> for B64 {
        type Value = Option<Bytes>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a base64 string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            decode_base64(v)
                .map(|b| Some(Bytes::from(b)))
                .map_err(|e| E::custom(format_args!("{} is not valid base64 ({e})", self.0)))
        }
    }

    /// The same adapter for a required (non-`Option`) `Bytes` field.
    pub mod required {
        use super::super::{Deserializer, Serializer, de};
        use base64::Engine as _;
        use bytes::Bytes;

        /// Serializes as standard base64 with padding.
        pub fn serialize<S: Serializer>(v: &Bytes, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(v))
        }

        /// Accepts standard or URL-safe base64, padded or not.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
            super::deserialize(d)?.ok_or_else(|| de::Error::custom("bytes must not be null"))
        }
    }
}

/// Decodes base64 the way the proto JSON parser does: standard or URL-safe alphabet, with or
/// without padding.
///
/// Hand-rolled because inline images make this the hot path of response decoding: one pass
/// with four pre-shifted lookup tables (the modp_b64 technique), both alphabets accepted at
/// once so no pre-scan is needed. Non-canonical trailing bits are accepted, as by the service.
pub fn decode_base64(s: &str) -> Result<Vec<u8>, base64::DecodeError> {
    use base64::DecodeError;
    let bytes = s.as_bytes();
    let mut end = bytes.len();
    let mut pad = 0;
    while pad < 2 && end > 0 && bytes.get(end - 1) == Some(&b'=') {
        end -= 1;
        pad += 1;
    }
    if pad > 0 && bytes.len() % 4 != 0 {
        return Err(DecodeError::InvalidPadding);
    }
    let body = bytes.get(..end).unwrap_or_default();
    let full = body.len() / 4;
    let rem = body.len() % 4;
    if rem == 1 {
        return Err(DecodeError::InvalidLength(body.len()));
    }
    let mut out = vec![0u8; full * 3 + rem.saturating_sub(1)];
    let (head, tail) = out.split_at_mut(full * 3);
    // Eight characters (six bytes) per step; validity is checked once at the end, since an
    // invalid character sets the `B64_BAD` bit, which survives the OR.
    let mut bad = 0u32;
    let pairs = full / 2;
    let (head8, head4) = head.split_at_mut(pairs * 6);
    let (body8, body4) = body.split_at(pairs * 8);
    for (src, dst) in body8.chunks_exact(8).zip(head8.chunks_exact_mut(6)) {
        if let ([a, b, c, d, e, f, g, h], [o0, o1, o2, o3, o4, o5]) = (src, dst) {
            let x = B64_D0[usize::from(*a)]
                | B64_D1[usize::from(*b)]
                | B64_D2[usize::from(*c)]
                | B64_D3[usize::from(*d)];
            let y = B64_D0[usize::from(*e)]
                | B64_D1[usize::from(*f)]
                | B64_D2[usize::from(*g)]
                | B64_D3[usize::from(*h)];
            bad |= x | y;
            let [_, x0, x1, x2] = x.to_be_bytes();
            let [_, y0, y1, y2] = y.to_be_bytes();
            (*o0, *o1, *o2, *o3, *o4, *o5) = (x0, x1, x2, y0, y1, y2);
        }
    }
    for (src, dst) in body4.chunks_exact(4).zip(head4.chunks_exact_mut(3)) {
        if let ([a, b, c, d], [o0, o1, o2]) = (src, dst) {
            let x = B64_D0[usize::from(*a)]
                | B64_D1[usize::from(*b)]
                | B64_D2[usize::from(*c)]
                | B64_D3[usize::from(*d)];
            bad |= x;
            let [_, x0, x1, x2] = x.to_be_bytes();
            (*o0, *o1, *o2) = (x0, x1, x2);
        }
    }
    if bad & B64_BAD != 0 {
        return Err(invalid_byte(body, 0));
    }
    let last = body.get(full * 4..).unwrap_or_default();
    let x = match last {
        [a, b] => B64_D0[usize::from(*a)] | B64_D1[usize::from(*b)],
        [a, b, c] => B64_D0[usize::from(*a)] | B64_D1[usize::from(*b)] | B64_D2[usize::from(*c)],
        _ => 0,
    };
    if x & B64_BAD != 0 {
        return Err(invalid_byte(last, full * 4));
    }
    for (k, o) in tail.iter_mut().enumerate() {
        *o = (x >> (16 - 8 * k)) as u8;
    }
    Ok(out)
}

fn invalid_byte(group: &[u8], offset: usize) -> base64::DecodeError {
    let (k, b) = group
        .iter()
        .enumerate()
        .find(|(_, b)| B64_D3[usize::from(**b)] & B64_BAD != 0)
        .map_or((0, 0), |(k, b)| (k, *b));
    base64::DecodeError::InvalidByte(offset + k, b)
}

const B64_BAD: u32 = 0x0100_0000;

const fn b64_table(shift: u32) -> [u32; 256] {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut t = [B64_BAD; 256];
    let mut i = 0;
    while i < 64 {
        t[ALPHABET[i] as usize] = (i as u32) << shift;
        i += 1;
    }
    t[b'-' as usize] = 62 << shift;
    t[b'_' as usize] = 63 << shift;
    t
}

static B64_D0: [u32; 256] = b64_table(18);
static B64_D1: [u32; 256] = b64_table(12);
static B64_D2: [u32; 256] = b64_table(6);
static B64_D3: [u32; 256] = b64_table(0);

/// Encodes bytes as standard base64 with padding, as the API sends them.
pub fn encode_base64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// `google.protobuf.Duration` fields: `"3.5s"` on the wire, [`Duration`] in memory.
pub mod duration {
    use super::{Deserializer, Duration, Serializer, Visitor, de, fmt};

    /// Serializes as seconds with an `s` suffix and at most nine fractional digits (`"3.5s"`).
    pub fn serialize<S: Serializer>(v: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&super::format_duration(*d)),
            None => s.serialize_none(),
        }
    }

    /// Accepts `"3.5s"`, `"300s"`, `"0.000001s"` (and null).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        d.deserialize_option(OptDur)
    }

    struct OptDur;

    impl<'de> Visitor<'de> for OptDur {
        type Value = Option<Duration>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a duration string such as \"3.5s\"")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(Dur)
        }
    }

    struct Dur;

    impl Visitor<'_> for Dur {
        type Value = Option<Duration>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a duration string such as \"3.5s\"")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            super::parse_duration(v).map(Some).ok_or_else(|| {
                E::custom(format_args!(
                    "invalid duration `{v}`, expected e.g. \"3.5s\""
                ))
            })
        }
    }
}

/// Formats a duration as proto JSON does: `"3s"`, `"3.5s"`, `"0.000000001s"`.
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let nanos = d.subsec_nanos();
    if nanos == 0 {
        format!("{secs}s")
    } else {
        let frac = format!("{nanos:09}");
        format!("{secs}.{}s", frac.trim_end_matches('0'))
    }
}

/// Parses a proto JSON duration (`"3.5s"`); negative durations are rejected.
pub fn parse_duration(s: &str) -> Option<Duration> {
    let body = s.strip_suffix('s')?;
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 9
    {
        return None;
    }
    let secs: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let nanos: u32 = if frac.is_empty() {
        0
    } else {
        let mut n: u32 = frac.parse().ok()?;
        for _ in frac.len()..9 {
            n *= 10;
        }
        n
    };
    Some(Duration::new(secs, nanos))
}

/// A `google.protobuf.Timestamp`: an instant in UTC, RFC 3339 on the wire.
///
/// Parsing accepts any RFC 3339 offset and normalizes to UTC; formatting prints `Z` and only the
/// fractional digits needed (0, 3, 6 or 9), as proto JSON does.
///
/// ```
/// use gemini_types::Timestamp;
/// let t: Timestamp = "2026-11-25T13:09:31.123456Z".parse().unwrap();
/// assert_eq!(t.to_string(), "2026-11-25T13:09:31.123456Z");
/// assert_eq!(t.unix_seconds(), 1_795_612_171);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    nanos: u32,
}

/// The error returned when a string is not an RFC 3339 timestamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimestampParseError(String);

impl fmt::Display for TimestampParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid RFC 3339 timestamp `{}`", self.0)
    }
}

impl std::error::Error for TimestampParseError {}

impl Timestamp {
    /// A timestamp from seconds since the Unix epoch and nanoseconds (`0..1_000_000_000`).
    pub fn from_unix(seconds: i64, nanos: u32) -> Option<Self> {
        (nanos < 1_000_000_000).then_some(Self { seconds, nanos })
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.seconds
    }

    /// The sub-second part, in nanoseconds.
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }
}

// Days from civil, Howard Hinnant's algorithm (public domain).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampParseError;

    #[allow(clippy::many_single_char_names)] // y/m/d/h/s are the RFC 3339 field names.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || TimestampParseError(s.to_owned());
        let b = s.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(err());
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, TimestampParseError> {
            let part = s.get(r).ok_or_else(err)?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().map_err(|_| err())
            } else {
                Err(err())
            }
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month)
            || !(1..=31).contains(&day)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return Err(err());
        }
        let mut i = 19;
        let mut nanos = 0u32;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &s[start..i];
            if digits.is_empty() || digits.len() > 9 {
                return Err(err());
            }
            nanos = digits.parse().map_err(|_| err())?;
            for _ in digits.len()..9 {
                nanos *= 10;
            }
        }
        let offset_secs: i64 = match &s[i..] {
            "Z" | "z" => 0,
            off if off.len() == 6
                && (off.starts_with('+') || off.starts_with('-'))
                && off.as_bytes()[3] == b':' =>
            {
                let h = i64::from(num(i + 1..i + 3)?);
                let m = i64::from(num(i + 4..i + 6)?);
                let sign = if off.starts_with('-') { -1 } else { 1 };
                sign * (h * 3600 + m * 60)
            }
            _ => return Err(err()),
        };
        let days = days_from_civil(i64::from(year), month, day);
        let seconds =
            days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second)
                - offset_secs;
        Ok(Self { seconds, nanos })
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.seconds.div_euclid(86_400);
        let secs_of_day = self.seconds.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            secs_of_day / 3600,
            (secs_of_day % 3600) / 60,
            secs_of_day % 60
        )?;
        if self.nanos != 0 {
            if self.nanos % 1_000_000 == 0 {
                write!(f, ".{:03}", self.nanos / 1_000_000)?;
            } else if self.nanos % 1_000 == 0 {
                write!(f, ".{:06}", self.nanos / 1_000)?;
            } else {
                write!(f, ".{:09}", self.nanos)?;
            }
        }
        f.write_str("Z")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date-time" })
    }
}

/// Repeated fields in requests: a JSON list, or a single object where a list is expected (proto
/// JSON allows it, and the real service accepts it). Always serializes as a list.
///
/// Decoding streams straight into the element type (no intermediate buffering), so a list of
/// parts carrying megabytes of inline data costs no more than a plain `Vec<T>`.
pub mod one_or_many {
    use super::{Deserialize, Deserializer, Serialize, Serializer, Visitor, de, fmt};
    use serde::de::IntoDeserializer as _;
    use std::marker::PhantomData;

    /// Serializes the vector as a JSON list.
    pub fn serialize<T: Serialize, S: Serializer>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        v.serialize(s)
    }

    /// Accepts a list, a single value, or null (an empty list).
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        d.deserialize_any(OneOrMany(PhantomData))
    }

    struct OneOrMany<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrMany<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list or a single value")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
            Ok(out)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| vec![t])
        }
        fn visit_unit<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Vec<T>, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T>, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Vec<T>, E> {
            T::deserialize(de::value::BorrowedStrDeserializer::new(v)).map(|t| vec![t])
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Vec<T>, E> {
            T::deserialize(v.into_deserializer()).map(|t| vec![t])
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Vec<T>, E> {
            T::deserialize(v.into_deserializer()).map(|t| vec![t])
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Vec<T>, E> {
            T::deserialize(v.into_deserializer()).map(|t| vec![t])
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Vec<T>, E> {
            T::deserialize(v.into_deserializer()).map(|t| vec![t])
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Vec<T>, E> {
            T::deserialize(v.into_deserializer()).map(|t| vec![t])
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Vec<T>, E> {
            T::deserialize(v.into_deserializer()).map(|t| vec![t])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("3.5s"), Some(Duration::from_millis(3500)));
        assert_eq!(parse_duration("300s"), Some(Duration::from_secs(300)));
        assert_eq!(
            parse_duration("0.000000001s"),
            Some(Duration::from_nanos(1))
        );
        assert_eq!(parse_duration(".5s"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("-1s"), None);
        assert_eq!(parse_duration("1"), None);
        assert_eq!(parse_duration("s"), None);
        assert_eq!(parse_duration("1.0000000001s"), None);
        assert_eq!(format_duration(Duration::from_millis(3500)), "3.5s");
        assert_eq!(format_duration(Duration::from_secs(596)), "596s");
        assert_eq!(format_duration(Duration::from_nanos(1)), "0.000000001s");
    }

    #[test]
    fn timestamps() {
        for s in [
            "2026-11-25T13:09:31.123456Z",
            "1970-01-01T00:00:00Z",
            "2024-02-29T23:59:59.5Z".replace(".5", ".500").as_str(),
            "1969-12-31T23:59:59.000000001Z",
        ] {
            let t: Timestamp = s.parse().unwrap();
            assert_eq!(t.to_string(), s);
        }
        let t: Timestamp = "2026-11-25T14:09:31+01:00".parse().unwrap();
        assert_eq!(t.to_string(), "2026-11-25T13:09:31Z");
        assert!("2026-13-01T00:00:00Z".parse::<Timestamp>().is_err());
        assert!("yesterday".parse::<Timestamp>().is_err());
        assert!("2026-11-25T13:09:31.Z".parse::<Timestamp>().is_err());
    }

    #[test]
    fn one_or_many_shapes() {
        #[derive(Deserialize, Debug, PartialEq)]
        struct W {
            #[serde(default, with = "one_or_many")]
            v: Vec<String>,
            #[serde(default, with = "one_or_many")]
            m: Vec<std::collections::BTreeMap<String, u8>>,
        }
        let w: W = serde_json::from_str(r#"{"v":"a","m":{"k":1}}"#).unwrap();
        assert_eq!(w.v, ["a"]);
        assert_eq!(w.m.len(), 1);
        let w: W = serde_json::from_str(r#"{"v":["a","b"],"m":null}"#).unwrap();
        assert_eq!(w.v, ["a", "b"]);
        assert!(w.m.is_empty());
        let w: W = serde_json::from_value(serde_json::json!({"v": "x\\u00e9"})).unwrap();
        assert_eq!(w.v.len(), 1);
        assert!(serde_json::from_str::<W>(r#"{"v":[1]}"#).is_err());
    }

    #[test]
    fn int32_leniency() {
        #[derive(Deserialize, Serialize)]
        struct W {
            #[serde(default, skip_serializing_if = "Option::is_none", with = "int32")]
            n: Option<i32>,
        }
        for (json, n) in [
            (r#"{"n":40}"#, Some(40)),
            (r#"{"n":40.0}"#, Some(40)),
            (r#"{"n":"-3"}"#, Some(-3)),
            (r#"{"n":null}"#, None),
            ("{}", None),
        ] {
            assert_eq!(serde_json::from_str::<W>(json).unwrap().n, n, "{json}");
        }
        for bad in [
            r#"{"n":1.5}"#,
            r#"{"n":3000000000}"#,
            r#"{"n":"x"}"#,
            r#"{"n":true}"#,
        ] {
            assert!(serde_json::from_str::<W>(bad).is_err(), "{bad}");
        }
        assert_eq!(
            serde_json::to_string(&W { n: Some(7) }).unwrap(),
            r#"{"n":7}"#
        );
    }

    #[test]
    fn base64_variants() {
        assert_eq!(decode_base64("aGk=").unwrap(), b"hi");
        assert_eq!(decode_base64("aGk").unwrap(), b"hi");
        assert_eq!(decode_base64("-_8=").unwrap(), [0xfb, 0xff]);
        assert!(decode_base64("!!!").is_err());
        assert!(decode_base64("aGk==").is_err());
        assert!(decode_base64("a").is_err());
        assert!(decode_base64("aG=k").is_err());
        assert!(decode_base64("aGk ").is_err());
        assert_eq!(decode_base64("").unwrap(), b"");
        assert_eq!(decode_base64("aA").unwrap(), b"h");
        // Agrees with the base64 crate on every length and byte value.
        let data: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for n in 0..data.len() {
            let slice = data.get(..n).unwrap();
            let std = encode_base64(slice);
            assert_eq!(decode_base64(&std).unwrap(), slice);
            assert_eq!(decode_base64(std.trim_end_matches('=')).unwrap(), slice);
            let url = std.replace('+', "-").replace('/', "_");
            assert_eq!(decode_base64(&url).unwrap(), slice);
        }
        assert_eq!(
            decode_base64("aGk<").unwrap_err(),
            base64::DecodeError::InvalidByte(3, b'<')
        );
    }
}
