//! [`ApiError`]: a non-2xx answer from the API, with the `google.rpc.Status` envelope decoded.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use gemini_types::{Code, ErrorDetail, ErrorEnvelope, ErrorInfo, QuotaViolation, Status};
use http::{HeaderMap, StatusCode};

/// The longest message kept from a body that is not a JSON error envelope.
const MAX_TEXT_MESSAGE: usize = 300;

/// The HTTP statuses retried by default: 408, 429, 500, 502, 503, 504 (../shared/spec/API.md §18).
pub(crate) const RETRYABLE_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// An error answer from the Gemini API: the HTTP status and the `{"error": {...}}` envelope.
///
/// A body that is not a JSON envelope (an HTML page from a proxy, say) still gives an `ApiError`
/// with the status, a [`Code`] derived from it and the start of the body text as the message.
///
/// ```
/// use gemini_transport::ApiError;
/// use gemini_types::Code;
/// let body = r#"{"error": {"code": 429, "message": "Quota exceeded.", "status": "RESOURCE_EXHAUSTED",
///   "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "2s"}]}}"#;
/// let e = ApiError::from_body(http::StatusCode::TOO_MANY_REQUESTS, body.into());
/// assert_eq!(e.code(), &Code::ResourceExhausted);
/// assert_eq!(e.message(), "Quota exceeded.");
/// assert!(e.is_retryable());
/// assert_eq!(e.retry_after(), Some(std::time::Duration::from_secs(2)));
///
/// let html = ApiError::from_body(http::StatusCode::BAD_GATEWAY, "<html>Bad Gateway</html>".into());
/// assert_eq!(html.to_string(), "HTTP 502 Bad Gateway (INTERNAL): <html>Bad Gateway</html>");
/// ```
#[derive(Clone)]
pub struct ApiError {
    status: StatusCode,
    code: Code,
    message: String,
    rpc: Option<Status>,
    body: Bytes,
    body_truncated: bool,
    retry_after_header: Option<Duration>,
}

impl ApiError {
    /// Builds an error from a status and a raw body.
    ///
    /// When `status` is 2xx (an error frame inside a successful stream), the numeric `code` of
    /// the envelope is used as the status if it is a valid HTTP status; otherwise 500.
    pub fn from_body(status: StatusCode, body: Bytes) -> Self {
        let rpc = serde_json::from_slice::<ErrorEnvelope>(&body)
            .ok()
            .map(|e| e.error);
        let status = if status.is_success() {
            rpc.as_ref()
                .and_then(Status::http_status)
                .and_then(|s| StatusCode::from_u16(s).ok())
                .filter(|s| !s.is_success())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        } else {
            status
        };
        let code = rpc
            .as_ref()
            .and_then(|s| s.status.clone())
            .unwrap_or_else(|| Code::from_http_status(status.as_u16()));
        let message = match &rpc {
            Some(s) => s.message().to_owned(),
            None => text_message(&body, status),
        };
        Self {
            status,
            code,
            message,
            rpc,
            body,
            body_truncated: false,
            retry_after_header: None,
        }
    }

    /// Builds an error from a response head and its body, reading `Retry-After` from `headers`
    /// (seconds, or an HTTP date compared with `now`).
    pub fn from_response(
        status: StatusCode,
        headers: &HeaderMap,
        body: Bytes,
        now: SystemTime,
    ) -> Self {
        let mut e = Self::from_body(status, body);
        e.retry_after_header = headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, now));
        e
    }

    /// Marks the body as the start of a longer one, of which only that much was read.
    #[must_use]
    pub fn with_body_truncated(mut self, truncated: bool) -> Self {
        self.body_truncated = truncated;
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `google.rpc.Code`: the envelope's `status`, or derived from the HTTP status.
    pub fn code(&self) -> &Code {
        &self.code
    }

    /// The `status` string exactly as the server sent it, if any.
    pub fn status_name(&self) -> Option<&str> {
        self.rpc
            .as_ref()
            .and_then(|s| s.status.as_ref())
            .map(Code::as_str)
    }

    /// The error message (for a non-JSON body, the start of its text).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The decoded envelope, if the body was one.
    pub fn rpc_status(&self) -> Option<&Status> {
        self.rpc.as_ref()
    }

    /// The typed details of the envelope.
    pub fn details(&self) -> &[ErrorDetail] {
        self.rpc.as_ref().map_or(&[], |s| s.details.as_slice())
    }

    /// The raw response body, as received (with the API key masked as `***` should the server
    /// echo it). [`HttpClient`](crate::HttpClient) reads at most
    /// [`Config::max_error_body_size`](crate::Config::max_error_body_size) bytes of it (64 KiB
    /// by default), see [`is_body_truncated`](Self::is_body_truncated).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Whether [`body`](Self::body) is only the start of the body the server sent (the rest
    /// was not downloaded).
    pub fn is_body_truncated(&self) -> bool {
        self.body_truncated
    }

    /// Whether the status is one retried by default (408, 429, 500, 502, 503, 504).
    pub fn is_retryable(&self) -> bool {
        RETRYABLE_STATUSES.contains(&self.status.as_u16())
    }

    /// The delay the server asked for: the longer of `RetryInfo.retryDelay` and the
    /// `Retry-After` header.
    pub fn retry_after(&self) -> Option<Duration> {
        let info = self.rpc.as_ref().and_then(Status::retry_delay);
        match (info, self.retry_after_header) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// Every quota violation of the `QuotaFailure` details.
    pub fn quota_violations(&self) -> impl Iterator<Item = &QuotaViolation> {
        self.rpc.iter().flat_map(Status::quota_violations)
    }

    /// The `ErrorInfo` detail, if any.
    pub fn error_info(&self) -> Option<&ErrorInfo> {
        self.rpc.as_ref().and_then(Status::error_info)
    }

    /// The machine-readable reason of the `ErrorInfo` detail (`API_KEY_INVALID`, ...).
    pub fn reason(&self) -> Option<&str> {
        self.error_info().and_then(|i| i.reason.as_deref())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("details", &self.details())
            .field("retry_after", &self.retry_after())
            .field("body_truncated", &self.body_truncated)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status.as_u16())?;
        if let Some(reason) = self.status.canonical_reason() {
            write!(f, " {reason}")?;
        }
        write!(f, " ({})", self.code)?;
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The start of a non-JSON body as a one-line message (control characters escaped).
fn text_message(body: &[u8], status: StatusCode) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(4 * MAX_TEXT_MESSAGE)]);
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.len() + word.len() + 1 > MAX_TEXT_MESSAGE {
            if out.is_empty() {
                // One word longer than the whole message: its start.
                let mut cut = MAX_TEXT_MESSAGE;
                while !word.is_char_boundary(cut) {
                    cut -= 1;
                }
                out.push_str(&word[..cut]);
            }
            out.push_str(" ...");
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.len() > MAX_TEXT_MESSAGE + 4 {
        let mut cut = MAX_TEXT_MESSAGE;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str(" ...");
    }
    if out.is_empty() {
        status.canonical_reason().unwrap_or("").to_owned()
    } else {
        crate::error::escape_controls(&out)
    }
}

/// Parses `Retry-After`: delay-seconds or an IMF-fixdate (RFC 9110 §10.2.3).
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = parse_imf_fixdate(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
fn parse_imf_fixdate(s: &str) -> Option<SystemTime> {
    let rest = s.get(5..)?; // skip "Sun, "
    let mut parts = rest.split(' ');
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':');
    let h: u64 = hms.next()?.parse().ok()?;
    let m: u64 = hms.next()?.parse().ok()?;
    let sec: u64 = hms.next()?.parse().ok()?;
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm, public domain).
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let days = u64::try_from(days).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(days * 86_400 + h * 3600 + m * 60 + sec))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:27 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("", now), None);
    }

    #[test]
    fn envelope_and_header_combine() {
        let body = Bytes::from_static(
            br#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"q","details":[
            {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaId":"A"}]},
            {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"3s"}]}}"#,
        );
        let mut h = HeaderMap::new();
        h.insert(http::header::RETRY_AFTER, "5".parse().unwrap());
        let e = ApiError::from_response(
            StatusCode::TOO_MANY_REQUESTS,
            &h,
            body.clone(),
            SystemTime::UNIX_EPOCH,
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(5)));
        assert_eq!(e.quota_violations().count(), 1);
        assert_eq!(e.status_name(), Some("RESOURCE_EXHAUSTED"));
        assert_eq!(e.body(), &body);
        let e = ApiError::from_body(StatusCode::TOO_MANY_REQUESTS, body);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn midstream_frame_takes_envelope_status() {
        let e = ApiError::from_body(
            StatusCode::OK,
            Bytes::from_static(
                br#"{"error":{"code":503,"status":"UNAVAILABLE","message":"overloaded"}}"#,
            ),
        );
        assert_eq!(e.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(e.is_retryable());
        let e = ApiError::from_body(StatusCode::OK, Bytes::from_static(b"garbage"));
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn non_json_bodies() {
        let long = "x ".repeat(1000);
        let e = ApiError::from_body(StatusCode::BAD_GATEWAY, Bytes::from(long));
        assert!(e.message().len() < MAX_TEXT_MESSAGE + 10);
        assert!(e.message().ends_with("..."));
        let e = ApiError::from_body(StatusCode::BAD_GATEWAY, Bytes::from("x".repeat(1000)));
        assert_eq!(e.message(), format!("{} ...", "x".repeat(MAX_TEXT_MESSAGE)));
        let e = ApiError::from_body(
            StatusCode::BAD_GATEWAY,
            Bytes::from_static(b"<h1>\x1b[31mbad\x07</h1>"),
        );
        assert_eq!(e.message(), "<h1>\\u{1b}[31mbad\\u{7}</h1>");
        let e = ApiError::from_body(StatusCode::SERVICE_UNAVAILABLE, Bytes::new());
        assert_eq!(e.message(), "Service Unavailable");
        assert_eq!(e.code(), &Code::Unavailable);
        let e = ApiError::from_body(
            StatusCode::BAD_REQUEST,
            Bytes::from_static(br#"{"error":{"code":"invalid_request","message":"bad"}}"#),
        );
        assert_eq!(e.code(), &Code::InvalidArgument);
        assert_eq!(e.message(), "bad");
        assert_eq!(e.status_name(), None);
    }
}
