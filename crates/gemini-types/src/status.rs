//! The google.rpc.Status error envelope, its Code, and typed error details.
//!
//! Every non-2xx response of the Gemini API carries `{"error": {...}}` (../shared/spec/API.md §18):
//!
//! ```
//! use gemini_types::{Code, ErrorDetail, ErrorEnvelope};
//! let body = r#"{"error": {"code": 429, "message": "Quota exceeded.", "status": "RESOURCE_EXHAUSTED",
//!   "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "34.4s"}]}}"#;
//! let env: ErrorEnvelope = serde_json::from_str(body).unwrap();
//! assert_eq!(env.error.status, Some(Code::ResourceExhausted));
//! assert_eq!(env.error.http_status(), Some(429));
//! assert_eq!(env.error.retry_delay(), Some(std::time::Duration::from_millis(34_400)));
//! ```
//!
//! Details are `google.protobuf.Any` values: they are decoded by their `@type` into the
//! `google.rpc` error detail messages (`error_details.proto`); an unknown `@type`, or a known one
//! whose content does not fit its message, is kept as raw JSON in [`ErrorDetail::Unknown`].
//! Unknown *fields* inside a known detail are dropped (error bodies are never sent back); the
//! transport keeps the raw body for anyone who needs every byte.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The body of an error response: `{"error": Status}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct ErrorEnvelope {
    /// The error itself.
    pub error: Status,
}

impl ErrorEnvelope {
    /// Wraps a status.
    pub fn new(error: Status) -> Self {
        Self { error }
    }
}

/// A `google.rpc.Status` as the Gemini API renders it in JSON error bodies.
///
/// Note that `code` is the **HTTP** status (`429`), not the numeric `google.rpc.Code`; the name
/// of the `google.rpc.Code` is in `status` (`"RESOURCE_EXHAUSTED"`). The Interactions API sends
/// a string `code` (`"invalid_request"`) and no `status`; both shapes decode.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Status {
    /// The HTTP status as a number, or (Interactions API) a short error code string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
    /// A developer-facing message in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The `google.rpc.Code` name, e.g. `RESOURCE_EXHAUSTED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Code>,
    /// Typed error details, in the order received.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
}

impl Status {
    /// A status with a code name and a message.
    pub fn new(status: Code, message: impl Into<String>) -> Self {
        Self {
            code: None,
            message: Some(message.into()),
            status: Some(status),
            details: Vec::new(),
        }
    }

    /// Sets the numeric (HTTP) `code`.
    #[must_use]
    pub fn with_http_status(mut self, status: u16) -> Self {
        self.code = Some(ErrorCode::Number(i64::from(status)));
        self
    }

    /// Appends a detail.
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<ErrorDetail>) -> Self {
        self.details.push(detail.into());
        self
    }

    /// The message, or `""`.
    pub fn message(&self) -> &str {
        self.message.as_deref().unwrap_or("")
    }

    /// The numeric `code` when it is a valid HTTP status (100..=999).
    pub fn http_status(&self) -> Option<u16> {
        match &self.code {
            Some(ErrorCode::Number(n)) => {
                u16::try_from(*n).ok().filter(|n| (100..=999).contains(n))
            }
            _ => None,
        }
    }

    /// The first `RetryInfo` detail.
    pub fn retry_info(&self) -> Option<&RetryInfo> {
        self.details.iter().find_map(|d| match d {
            ErrorDetail::RetryInfo(r) => Some(r),
            _ => None,
        })
    }

    /// The server's requested delay before a retry (`RetryInfo.retryDelay`).
    pub fn retry_delay(&self) -> Option<Duration> {
        self.retry_info().and_then(|r| r.retry_delay)
    }

    /// Every quota violation of every `QuotaFailure` detail.
    pub fn quota_violations(&self) -> impl Iterator<Item = &QuotaViolation> {
        self.details
            .iter()
            .filter_map(|d| match d {
                ErrorDetail::QuotaFailure(q) => Some(q.violations.iter()),
                _ => None,
            })
            .flatten()
    }

    /// The first `ErrorInfo` detail (its `reason` is machine-readable, e.g. `API_KEY_INVALID`).
    pub fn error_info(&self) -> Option<&ErrorInfo> {
        self.details.iter().find_map(|d| match d {
            ErrorDetail::ErrorInfo(e) => Some(e),
            _ => None,
        })
    }

    /// The first `BadRequest` detail.
    pub fn bad_request(&self) -> Option<&BadRequest> {
        self.details.iter().find_map(|d| match d {
            ErrorDetail::BadRequest(b) => Some(b),
            _ => None,
        })
    }

    /// Every `Help` link.
    pub fn help_links(&self) -> impl Iterator<Item = &HelpLink> {
        self.details
            .iter()
            .filter_map(|d| match d {
                ErrorDetail::Help(h) => Some(h.links.iter()),
                _ => None,
            })
            .flatten()
    }

    /// The first `LocalizedMessage` detail.
    pub fn localized_message(&self) -> Option<&LocalizedMessage> {
        self.details.iter().find_map(|d| match d {
            ErrorDetail::LocalizedMessage(m) => Some(m),
            _ => None,
        })
    }
}

/// The `code` member of an error: a number (the HTTP status, in the Gemini API's envelopes) or a
/// string (the Interactions API's `"invalid_request"`, ...).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A numeric code (the HTTP status for the Gemini API).
    Number(i64),
    /// A string code, kept as received.
    Text(String),
}

impl ErrorCode {
    /// The number, if numeric.
    pub fn as_number(&self) -> Option<i64> {
        match self {
            Self::Number(n) => Some(*n),
            Self::Text(_) => None,
        }
    }

    /// The string, if textual.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Number(_) => None,
            Self::Text(s) => Some(s),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Text(s) => f.write_str(s),
        }
    }
}

impl From<i64> for ErrorCode {
    fn from(n: i64) -> Self {
        Self::Number(n)
    }
}

impl From<&str> for ErrorCode {
    fn from(s: &str) -> Self {
        Self::Text(s.to_owned())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(n) => s.serialize_i64(*n),
            Self::Text(t) => s.serialize_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ErrorCode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an error code as a number or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ErrorCode, E> {
                Ok(ErrorCode::Number(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ErrorCode, E> {
                i64::try_from(v)
                    .map(ErrorCode::Number)
                    .map_err(|_| E::custom(format_args!("error code out of range: {v}")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ErrorCode, E> {
                Ok(ErrorCode::Text(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for ErrorCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("ErrorCode")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": ["integer", "string"] })
    }
}

crate::open_enum! {
    /// A `google.rpc.Code`, by name (the `status` member of an error).
    pub enum Code {
        /// Not an error (0).
        Ok = "OK",
        /// The operation was cancelled, typically by the caller (1, HTTP 499).
        Cancelled = "CANCELLED",
        /// Unknown error (2, HTTP 500).
        UnknownError = "UNKNOWN",
        /// The client specified an invalid argument (3, HTTP 400).
        InvalidArgument = "INVALID_ARGUMENT",
        /// The deadline expired before the operation could complete (4, HTTP 504).
        DeadlineExceeded = "DEADLINE_EXCEEDED",
        /// A requested entity was not found (5, HTTP 404).
        NotFound = "NOT_FOUND",
        /// The entity the client tried to create already exists (6, HTTP 409).
        AlreadyExists = "ALREADY_EXISTS",
        /// The caller lacks permission (7, HTTP 403).
        PermissionDenied = "PERMISSION_DENIED",
        /// A resource (quota, rate limit) has been exhausted (8, HTTP 429).
        ResourceExhausted = "RESOURCE_EXHAUSTED",
        /// The system is not in a state required for the operation (9, HTTP 400).
        FailedPrecondition = "FAILED_PRECONDITION",
        /// The operation was aborted, typically due to a concurrency issue (10, HTTP 409).
        Aborted = "ABORTED",
        /// The operation was attempted past the valid range (11, HTTP 400).
        OutOfRange = "OUT_OF_RANGE",
        /// The operation is not implemented or supported (12, HTTP 501).
        Unimplemented = "UNIMPLEMENTED",
        /// Internal error (13, HTTP 500).
        Internal = "INTERNAL",
        /// The service is currently unavailable, e.g. overloaded (14, HTTP 503).
        Unavailable = "UNAVAILABLE",
        /// Unrecoverable data loss or corruption (15, HTTP 500).
        DataLoss = "DATA_LOSS",
        /// The request lacks valid authentication credentials (16, HTTP 401).
        Unauthenticated = "UNAUTHENTICATED",
    }
}

impl Code {
    /// The numeric `google.rpc.Code` value (`RESOURCE_EXHAUSTED` is 8); `None` for unknown names.
    pub fn number(&self) -> Option<i32> {
        Some(match self {
            Self::Ok => 0,
            Self::Cancelled => 1,
            Self::UnknownError => 2,
            Self::InvalidArgument => 3,
            Self::DeadlineExceeded => 4,
            Self::NotFound => 5,
            Self::AlreadyExists => 6,
            Self::PermissionDenied => 7,
            Self::ResourceExhausted => 8,
            Self::FailedPrecondition => 9,
            Self::Aborted => 10,
            Self::OutOfRange => 11,
            Self::Unimplemented => 12,
            Self::Internal => 13,
            Self::Unavailable => 14,
            Self::DataLoss => 15,
            Self::Unauthenticated => 16,
            Self::Unknown(_) => return None,
        })
    }

    /// The code with the given numeric value, if it is one of the 17 defined codes.
    pub fn from_number(n: i32) -> Option<Self> {
        usize::try_from(n)
            .ok()
            .and_then(|i| Self::KNOWN.get(i))
            .cloned()
    }

    /// The HTTP status that Google's APIs map this code to (`google/rpc/code.proto`).
    pub fn http_status(&self) -> Option<u16> {
        Some(match self {
            Self::Ok => 200,
            Self::Cancelled => 499,
            Self::UnknownError | Self::Internal | Self::DataLoss => 500,
            Self::InvalidArgument | Self::FailedPrecondition | Self::OutOfRange => 400,
            Self::DeadlineExceeded => 504,
            Self::NotFound => 404,
            Self::AlreadyExists | Self::Aborted => 409,
            Self::PermissionDenied => 403,
            Self::ResourceExhausted => 429,
            Self::Unimplemented => 501,
            Self::Unavailable => 503,
            Self::Unauthenticated => 401,
            Self::Unknown(_) => return None,
        })
    }

    /// The code Google's APIs use for an HTTP status, for error bodies that carry none.
    pub fn from_http_status(status: u16) -> Self {
        match status {
            200..=299 => Self::Ok,
            400 => Self::InvalidArgument,
            401 => Self::Unauthenticated,
            403 => Self::PermissionDenied,
            404 => Self::NotFound,
            409 => Self::Aborted,
            416 => Self::OutOfRange,
            429 => Self::ResourceExhausted,
            499 => Self::Cancelled,
            501 => Self::Unimplemented,
            503 => Self::Unavailable,
            504 => Self::DeadlineExceeded,
            500..=599 => Self::Internal,
            _ => Self::UnknownError,
        }
    }
}

/// One entry of `Status.details`: a `google.protobuf.Any` decoded by its `@type`.
///
/// The known types are the `google.rpc` error details with the `type.googleapis.com/` prefix.
/// Anything else (or a known type whose content does not match its message) is kept whole, with
/// its `@type`, in [`ErrorDetail::Unknown`]. Built with `--cfg gemini_strict_unknown` (a
/// test-only flag) those cases are decode errors instead.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorDetail {
    /// `google.rpc.RetryInfo`: when to retry.
    RetryInfo(RetryInfo),
    /// `google.rpc.DebugInfo`: server debugging information.
    DebugInfo(DebugInfo),
    /// `google.rpc.QuotaFailure`: which quotas were exceeded.
    QuotaFailure(QuotaFailure),
    /// `google.rpc.ErrorInfo`: a machine-readable reason and domain.
    ErrorInfo(ErrorInfo),
    /// `google.rpc.PreconditionFailure`: failed preconditions.
    PreconditionFailure(PreconditionFailure),
    /// `google.rpc.BadRequest`: invalid request fields.
    BadRequest(BadRequest),
    /// `google.rpc.RequestInfo`: the request id.
    RequestInfo(RequestInfo),
    /// `google.rpc.ResourceInfo`: the resource being accessed.
    ResourceInfo(ResourceInfo),
    /// `google.rpc.Help`: links to documentation.
    Help(Help),
    /// `google.rpc.LocalizedMessage`: a user-facing message.
    LocalizedMessage(LocalizedMessage),
    /// Any other detail, as raw JSON including its `@type`.
    Unknown(serde_json::Value),
}

const TYPE_PREFIX: &str = "type.googleapis.com/";

impl ErrorDetail {
    /// The `@type` URL of this detail (for `Unknown`, the one received, if any).
    pub fn type_url(&self) -> Option<&str> {
        Some(match self {
            Self::RetryInfo(_) => RetryInfo::TYPE_URL,
            Self::DebugInfo(_) => DebugInfo::TYPE_URL,
            Self::QuotaFailure(_) => QuotaFailure::TYPE_URL,
            Self::ErrorInfo(_) => ErrorInfo::TYPE_URL,
            Self::PreconditionFailure(_) => PreconditionFailure::TYPE_URL,
            Self::BadRequest(_) => BadRequest::TYPE_URL,
            Self::RequestInfo(_) => RequestInfo::TYPE_URL,
            Self::ResourceInfo(_) => ResourceInfo::TYPE_URL,
            Self::Help(_) => Help::TYPE_URL,
            Self::LocalizedMessage(_) => LocalizedMessage::TYPE_URL,
            Self::Unknown(v) => return v.get("@type").and_then(serde_json::Value::as_str),
        })
    }
}

/// Serializes `{"@type": url, ...fields}`.
#[derive(Serialize)]
struct Tagged<'a, T> {
    #[serde(rename = "@type")]
    ty: &'static str,
    #[serde(flatten)]
    inner: &'a T,
}

impl Serialize for ErrorDetail {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        fn tagged<S: Serializer, T: Serialize>(
            s: S,
            ty: &'static str,
            inner: &T,
        ) -> Result<S::Ok, S::Error> {
            Tagged { ty, inner }.serialize(s)
        }
        match self {
            Self::RetryInfo(v) => tagged(s, RetryInfo::TYPE_URL, v),
            Self::DebugInfo(v) => tagged(s, DebugInfo::TYPE_URL, v),
            Self::QuotaFailure(v) => tagged(s, QuotaFailure::TYPE_URL, v),
            Self::ErrorInfo(v) => tagged(s, ErrorInfo::TYPE_URL, v),
            Self::PreconditionFailure(v) => tagged(s, PreconditionFailure::TYPE_URL, v),
            Self::BadRequest(v) => tagged(s, BadRequest::TYPE_URL, v),
            Self::RequestInfo(v) => tagged(s, RequestInfo::TYPE_URL, v),
            Self::ResourceInfo(v) => tagged(s, ResourceInfo::TYPE_URL, v),
            Self::Help(v) => tagged(s, Help::TYPE_URL, v),
            Self::LocalizedMessage(v) => tagged(s, LocalizedMessage::TYPE_URL, v),
            Self::Unknown(v) => v.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for ErrorDetail {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let serde_json::Value::Object(mut map) = value else {
            return unknown_detail(value, "a detail is not a JSON object");
        };
        let ty = match map.get("@type").and_then(serde_json::Value::as_str) {
            Some(t) => t.to_owned(),
            None => return unknown_detail(serde_json::Value::Object(map), "a detail has no @type"),
        };
        let type_value = map.remove("@type").unwrap_or(serde_json::Value::Null);
        let body = serde_json::Value::Object(map);
        let decoded = match ty.strip_prefix(TYPE_PREFIX) {
            Some("google.rpc.RetryInfo") => Some(typed(&body, ErrorDetail::RetryInfo)),
            Some("google.rpc.DebugInfo") => Some(typed(&body, ErrorDetail::DebugInfo)),
            Some("google.rpc.QuotaFailure") => Some(typed(&body, ErrorDetail::QuotaFailure)),
            Some("google.rpc.ErrorInfo") => Some(typed(&body, ErrorDetail::ErrorInfo)),
            Some("google.rpc.PreconditionFailure") => {
                Some(typed(&body, ErrorDetail::PreconditionFailure))
            }
            Some("google.rpc.BadRequest") => Some(typed(&body, ErrorDetail::BadRequest)),
            Some("google.rpc.RequestInfo") => Some(typed(&body, ErrorDetail::RequestInfo)),
            Some("google.rpc.ResourceInfo") => Some(typed(&body, ErrorDetail::ResourceInfo)),
            Some("google.rpc.Help") => Some(typed(&body, ErrorDetail::Help)),
            Some("google.rpc.LocalizedMessage") => {
                Some(typed(&body, ErrorDetail::LocalizedMessage))
            }
            _ => None,
        };
        match decoded {
            Some(Ok(detail)) => Ok(detail),
            Some(Err(e)) => {
                let raw = restore(body, type_value);
                unknown_detail(raw, &format!("invalid `{ty}` detail: {e}"))
            }
            None => unknown_detail(restore(body, type_value), &format!("unknown detail `{ty}`")),
        }
    }
}

fn typed<'a, T: Deserialize<'a>>(
    body: &'a serde_json::Value,
    wrap: fn(T) -> ErrorDetail,
) -> Result<ErrorDetail, serde_json::Error> {
    T::deserialize(body).map(wrap)
}

fn restore(body: serde_json::Value, type_value: serde_json::Value) -> serde_json::Value {
    match body {
        serde_json::Value::Object(mut map) => {
            map.insert("@type".to_owned(), type_value);
            serde_json::Value::Object(map)
        }
        other => other,
    }
}

#[cfg(not(gemini_strict_unknown))]
#[allow(clippy::unnecessary_wraps)] // Same signature as the strict variant.
fn unknown_detail<E: de::Error>(raw: serde_json::Value, _why: &str) -> Result<ErrorDetail, E> {
    Ok(ErrorDetail::Unknown(raw))
}

#[cfg(gemini_strict_unknown)]
fn unknown_detail<E: de::Error>(_raw: serde_json::Value, why: &str) -> Result<ErrorDetail, E> {
    Err(E::custom(format_args!("strict-unknown: {why}")))
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for ErrorDetail {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("ErrorDetail")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "description": "A google.protobuf.Any error detail, discriminated by `@type`.",
            "properties": { "@type": { "type": "string" } },
            "required": ["@type"]
        })
    }
}

macro_rules! detail_type {
    ($ty:ident, $name:literal) => {
        impl $ty {
            /// The `@type` URL of this detail message.
            pub const TYPE_URL: &'static str = concat!("type.googleapis.com/google.rpc.", $name);
        }

        impl From<$ty> for ErrorDetail {
            fn from(v: $ty) -> Self {
                ErrorDetail::$ty(v)
            }
        }
    };
}

/// `google.rpc.RetryInfo`: the client should wait `retry_delay` before retrying.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RetryInfo {
    /// How long to wait (`"34.4s"` on the wire).
    #[serde(
        default,
        with = "crate::wire::duration",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub retry_delay: Option<Duration>,
}
detail_type!(RetryInfo, "RetryInfo");

impl RetryInfo {
    /// A retry hint of `delay`.
    pub fn new(delay: Duration) -> Self {
        Self {
            retry_delay: Some(delay),
        }
    }
}

/// `google.rpc.DebugInfo`: debugging information from the server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DebugInfo {
    /// The stack trace entries.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stack_entries: Vec<String>,
    /// Any other debugging data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
detail_type!(DebugInfo, "DebugInfo");

/// `google.rpc.QuotaFailure`: the quota checks that failed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QuotaFailure {
    /// The violations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<QuotaViolation>,
}
detail_type!(QuotaFailure, "QuotaFailure");

/// One failed quota check of a [`QuotaFailure`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct QuotaViolation {
    /// The subject of the failed check, e.g. `project:<id>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// A description of the failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The API service, e.g. `generativelanguage.googleapis.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_service: Option<String>,
    /// The metric, e.g. `generativelanguage.googleapis.com/generate_content_free_tier_requests`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_metric: Option<String>,
    /// The quota id, e.g. `GenerateRequestsPerMinutePerProjectPerModel-FreeTier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota_id: Option<String>,
    /// The dimensions of the quota (`location`, `model`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub quota_dimensions: BTreeMap<String, String>,
    /// The quota's limit (int64, a string on the wire).
    #[serde(
        default,
        with = "crate::wire::int64",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub quota_value: Option<i64>,
    /// The limit being rolled out, if any (int64, a string on the wire).
    #[serde(
        default,
        with = "crate::wire::int64",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schemars", schemars(with = "Option<String>"))]
    pub future_quota_value: Option<i64>,
}

/// `google.rpc.ErrorInfo`: the reason of an error, machine-readable.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ErrorInfo {
    /// The reason, e.g. `API_KEY_INVALID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The domain, e.g. `googleapis.com`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Extra context (`service`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}
detail_type!(ErrorInfo, "ErrorInfo");

/// `google.rpc.PreconditionFailure`: failed preconditions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PreconditionFailure {
    /// The violations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<PreconditionViolation>,
}
detail_type!(PreconditionFailure, "PreconditionFailure");

/// One failed precondition of a [`PreconditionFailure`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PreconditionViolation {
    /// The type of precondition, e.g. `TOS`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The subject that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// How it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `google.rpc.BadRequest`: the request fields that were invalid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BadRequest {
    /// The invalid fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub field_violations: Vec<FieldViolation>,
}
detail_type!(BadRequest, "BadRequest");

/// One invalid field of a [`BadRequest`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FieldViolation {
    /// The path of the field, e.g. `generation_config`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Why it is invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A machine-readable reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A localized message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localized_message: Option<LocalizedMessage>,
}

/// `google.rpc.RequestInfo`: identifies the request for support.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RequestInfo {
    /// An opaque request id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Opaque data for debugging.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving_data: Option<String>,
}
detail_type!(RequestInfo, "RequestInfo");

/// `google.rpc.ResourceInfo`: the resource the request was about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ResourceInfo {
    /// The resource type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The resource name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    /// The owner of the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// What went wrong with the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
detail_type!(ResourceInfo, "ResourceInfo");

/// `google.rpc.Help`: links to documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Help {
    /// The links.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<HelpLink>,
}
detail_type!(Help, "Help");

/// One link of a [`Help`] detail.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HelpLink {
    /// What the link offers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// `google.rpc.LocalizedMessage`: a message for the end user.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LocalizedMessage {
    /// The BCP-47 locale, e.g. `en-US`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// The message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}
detail_type!(LocalizedMessage, "LocalizedMessage");

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(v: &serde_json::Value) -> ErrorEnvelope {
        let env: ErrorEnvelope = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(&serde_json::to_value(&env).unwrap(), v);
        env
    }

    fn read_json(path: &std::path::Path) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
    }

    #[test]
    fn spec_examples_and_real_errors_round_trip() {
        let Some(dir) = crate::operations::testutil::shared_spec(
            "status::spec_examples_and_real_errors_round_trip",
        ) else {
            return;
        };
        let mut n = 0;
        for entry in std::fs::read_dir(dir.join("examples")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("error_")
                && path
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            {
                round_trip(&read_json(&path));
                n += 1;
            }
        }
        let real = dir.join("real/errors");
        if real.exists() {
            for entry in std::fs::read_dir(real).unwrap() {
                let path = entry.unwrap().path();
                round_trip(&read_json(&path));
                n += 1;
            }
        }
        assert!(n >= 3, "found only {n} error documents");
    }

    #[test]
    fn quota_example_is_typed() {
        let v = json!({"error": {"code": 429, "message": "quota", "status": "RESOURCE_EXHAUSTED",
            "details": [
                {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{
                    "quotaMetric": "m", "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                    "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"},
                    "quotaValue": "10"}]},
                {"@type": "type.googleapis.com/google.rpc.Help", "links": [{"description": "d", "url": "https://ai.google.dev"}]},
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "37s"}]}});
        let env = round_trip(&v);
        let s = &env.error;
        assert_eq!(s.http_status(), Some(429));
        assert_eq!(s.status, Some(Code::ResourceExhausted));
        assert_eq!(s.retry_delay(), Some(Duration::from_secs(37)));
        let q: Vec<_> = s.quota_violations().collect();
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].quota_value, Some(10));
        assert_eq!(q[0].quota_dimensions["model"], "gemini-2.5-flash");
        assert_eq!(
            s.help_links().next().unwrap().url.as_deref(),
            Some("https://ai.google.dev")
        );
        assert_eq!(s.details[2].type_url(), Some(RetryInfo::TYPE_URL));
    }

    #[test]
    fn every_detail_kind_round_trips() {
        let v = json!({"error": {"code": 400, "message": "m", "status": "FAILED_PRECONDITION", "details": [
            {"@type": "type.googleapis.com/google.rpc.DebugInfo", "stackEntries": ["a", "b"], "detail": "d"},
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com", "metadata": {"service": "s"}},
            {"@type": "type.googleapis.com/google.rpc.PreconditionFailure", "violations": [{"type": "TOS", "subject": "s", "description": "d"}]},
            {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{"field": "f", "description": "d", "reason": "R", "localizedMessage": {"locale": "en", "message": "m"}}]},
            {"@type": "type.googleapis.com/google.rpc.RequestInfo", "requestId": "r", "servingData": "s"},
            {"@type": "type.googleapis.com/google.rpc.ResourceInfo", "resourceType": "t", "resourceName": "n", "owner": "o", "description": "d"},
            {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": "m"},
            {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [{"subject": "s", "description": "d", "apiService": "a", "futureQuotaValue": "20"}]},
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.5s"}
        ]}});
        let env = round_trip(&v);
        let s = &env.error;
        assert!(
            s.details[..9]
                .iter()
                .all(|d| !matches!(d, ErrorDetail::Unknown(_)))
        );
        assert_eq!(
            s.error_info().unwrap().reason.as_deref(),
            Some("API_KEY_INVALID")
        );
        assert_eq!(
            s.bad_request().unwrap().field_violations[0]
                .field
                .as_deref(),
            Some("f")
        );
        assert_eq!(
            s.localized_message().unwrap().locale.as_deref(),
            Some("en-US")
        );
        assert_eq!(s.retry_delay(), Some(Duration::from_millis(500)));
    }

    #[cfg(not(gemini_strict_unknown))]
    #[test]
    fn unknown_and_malformed_details_are_kept_raw() {
        let v = json!({"error": {"code": 400, "details": [
            {"@type": "type.googleapis.com/google.rpc.SomethingNew", "x": [1, 2]},
            {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": 5},
            {"no_type": true},
            "just a string"
        ]}});
        let env = round_trip(&v);
        assert!(
            env.error
                .details
                .iter()
                .all(|d| matches!(d, ErrorDetail::Unknown(_)))
        );
        assert_eq!(
            env.error.details[0].type_url(),
            Some("type.googleapis.com/google.rpc.SomethingNew")
        );
        assert_eq!(env.error.retry_delay(), None);
    }

    #[cfg(gemini_strict_unknown)]
    #[test]
    fn unknown_details_fail_in_strict_mode() {
        let v = json!({"error": {"details": [{"@type": "type.googleapis.com/x.Y"}]}});
        assert!(serde_json::from_value::<ErrorEnvelope>(v).is_err());
    }

    #[test]
    fn interactions_string_code_decodes() {
        let v = json!({"error": {"message": "Invalid input.", "code": "invalid_request"}});
        let env = round_trip(&v);
        assert_eq!(
            env.error.code,
            Some(ErrorCode::Text("invalid_request".into()))
        );
        assert_eq!(
            env.error.code.as_ref().unwrap().as_text(),
            Some("invalid_request")
        );
        assert_eq!(env.error.http_status(), None);
        assert_eq!(env.error.message(), "Invalid input.");
    }

    #[test]
    fn code_numbers_and_http_mapping() {
        for (i, c) in Code::KNOWN.iter().enumerate() {
            let n = i32::try_from(i).unwrap();
            assert_eq!(c.number(), Some(n));
            assert_eq!(Code::from_number(n).as_ref(), Some(c));
            let http = c.http_status().unwrap();
            if !matches!(
                c,
                Code::UnknownError
                    | Code::DataLoss
                    | Code::FailedPrecondition
                    | Code::OutOfRange
                    | Code::AlreadyExists
            ) {
                assert_eq!(&Code::from_http_status(http), c, "{c}");
            }
        }
        assert_eq!(Code::from_number(17), None);
        assert_eq!(Code::from_number(-1), None);
        assert_eq!(Code::from("NEW_CODE").number(), None);
        assert_eq!(Code::from_http_status(502), Code::Internal);
    }

    #[test]
    fn builders() {
        let s = Status::new(Code::Unavailable, "overloaded")
            .with_http_status(503)
            .with_detail(RetryInfo::new(Duration::from_secs(2)));
        let v = serde_json::to_value(ErrorEnvelope::new(s)).unwrap();
        assert_eq!(
            v,
            json!({"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE",
                "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "2s"}]}})
        );
    }
}
