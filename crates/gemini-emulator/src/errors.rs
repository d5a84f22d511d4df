//! The `google.rpc.Status` error envelope the real service returns, and the messages it uses.
//!
//! Shapes follow `../shared/spec/API.md` section 18 and the recorded envelopes in
//! `../shared/spec/real/errors/`: `{"error": {"code", "message", "status", "details"?}}`, with
//! `details[]` entries carrying an `@type`.

use std::time::Duration;

use serde_json::{Value, json};

/// One error response: HTTP status, `google.rpc` status name, message and typed details.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiError {
    pub(crate) code: u16,
    pub(crate) status: String,
    pub(crate) message: String,
    pub(crate) details: Vec<Value>,
    /// Extra response headers (for example `Retry-After`).
    pub(crate) headers: Vec<(String, String)>,
    /// The Interactions API's envelope instead: `{"error": {"message", "code": "<this>"}}`
    /// (a string code such as `invalid_request`, no `status`).
    pub(crate) snake_code: Option<&'static str>,
}

impl ApiError {
    /// An error with the canonical status name for `code`.
    pub(crate) fn new(code: u16, message: impl Into<String>) -> Self {
        Self {
            code,
            status: status_name(code).to_owned(),
            message: message.into(),
            details: Vec::new(),
            headers: Vec::new(),
            snake_code: None,
        }
    }

    /// An error in the Interactions API's envelope (`../shared/spec/real/errors/` has one:
    /// `{"error": {"message": "Invalid input at '...'.", "code": "invalid_request"}}`).
    pub(crate) fn interactions(code: u16, message: impl Into<String>) -> Self {
        let mut e = Self::new(code, message);
        e.snake_code = Some(match code {
            400 => "invalid_request",
            401 => "unauthenticated",
            403 => "permission_denied",
            404 => "not_found",
            409 => "conflict",
            429 => "resource_exhausted",
            _ if code >= 500 => "internal",
            _ => "unknown",
        });
        e
    }

    /// `400 INVALID_ARGUMENT`.
    pub(crate) fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }

    /// `404 NOT_FOUND`.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, message)
    }

    /// Appends one `details[]` entry.
    pub(crate) fn with_detail(mut self, detail: Value) -> Self {
        self.details.push(detail);
        self
    }

    /// The unknown model / unsupported method error, worded like the real service
    /// (`../shared/spec/real/errors/pydantic-embeddings-TestGoogle.test_embed_error.json`).
    pub(crate) fn model_not_found(model: &str, version: &str, method: &str) -> Self {
        Self::not_found(format!(
            "models/{model} is not found for API version {version}, or is not supported for \
             {method}. Call ListModels to see the list of available models and their supported \
             methods."
        ))
    }

    /// The error for a wrong API key (`../shared/spec/examples/error_400_invalid_key.json`).
    pub(crate) fn invalid_api_key() -> Self {
        let message = "API key not valid. Please pass a valid API key.";
        Self::invalid_argument(message)
            .with_detail(json!({
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"}
            }))
            .with_detail(json!({
                "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                "locale": "en-US",
                "message": message
            }))
    }

    /// The error for a request without any credential.
    pub(crate) fn missing_api_key() -> Self {
        Self::new(
            403,
            "Method doesn't allow unregistered callers (callers without established identity). \
             Please use API Key or other form of API consumer identity to call this API.",
        )
    }

    /// A `google.rpc.BadRequest` error whose violations each carry a field path (may be empty
    /// for the top level, which the real service leaves out) and a description.
    pub(crate) fn bad_request(violations: &[(String, String)]) -> Self {
        let message = violations
            .iter()
            .map(|(_, d)| d.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let field_violations: Vec<Value> = violations
            .iter()
            .map(|(field, description)| {
                if field.is_empty() {
                    json!({"description": description})
                } else {
                    json!({"field": field, "description": description})
                }
            })
            .collect();
        Self::invalid_argument(message).with_detail(json!({
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": field_violations
        }))
    }

    /// Adds a `google.rpc.RetryInfo` detail with `retryDelay`.
    pub(crate) fn with_retry_info(self, delay: Duration) -> Self {
        self.with_detail(json!({
            "@type": "type.googleapis.com/google.rpc.RetryInfo",
            "retryDelay": format_duration(delay)
        }))
    }

    /// The `{"error": {...}}` envelope.
    pub(crate) fn to_json(&self) -> Value {
        if let Some(code) = self.snake_code {
            return json!({"error": {"message": self.message, "code": code}});
        }
        let mut error = serde_json::Map::new();
        error.insert("code".into(), json!(self.code));
        error.insert("message".into(), json!(self.message));
        error.insert("status".into(), json!(self.status));
        if !self.details.is_empty() {
            error.insert("details".into(), Value::Array(self.details.clone()));
        }
        json!({ "error": Value::Object(error) })
    }
}

/// A proto `Duration` in its JSON spelling: `"37s"`, `"34.4s"`, `"0.250s"`.
pub(crate) fn format_duration(d: Duration) -> String {
    let nanos = d.subsec_nanos();
    if nanos == 0 {
        format!("{}s", d.as_secs())
    } else {
        let frac = format!("{nanos:09}");
        format!("{}.{}s", d.as_secs(), frac.trim_end_matches('0'))
    }
}

/// The `google.rpc.Code` name Google's front end pairs with an HTTP status.
pub(crate) fn status_name(code: u16) -> &'static str {
    match code {
        200 => "OK",
        400 | 413 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        412 => "FAILED_PRECONDITION",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        501 => "UNIMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ if code >= 500 => "INTERNAL",
        _ => "UNKNOWN",
    }
}

/// The message the real service typically sends with a status (used by scripted errors that
/// give no message of their own).
pub(crate) fn default_message(code: u16) -> &'static str {
    match code {
        400 => "Request contains an invalid argument.",
        401 => "Request had invalid authentication credentials.",
        403 => "The caller does not have permission",
        404 => "Requested entity was not found.",
        408 => "Request timed out.",
        409 => "The operation was aborted.",
        429 => "You exceeded your current quota, please check your plan and billing details.",
        499 => "The operation was cancelled.",
        500 => {
            "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"
        }
        502 => "Bad Gateway",
        503 => "The model is overloaded. Please try again later.",
        504 => "Deadline expired before operation could complete.",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_proto_spelling() {
        assert_eq!(format_duration(Duration::from_secs(37)), "37s");
        assert_eq!(format_duration(Duration::from_millis(34_400)), "34.4s");
        assert_eq!(format_duration(Duration::from_millis(250)), "0.25s");
    }

    #[test]
    fn top_level_violation_has_no_field() {
        let e = ApiError::bad_request(&[(String::new(), "x".into())]);
        let v = e.to_json();
        assert_eq!(
            v["error"]["details"][0]["fieldViolations"][0],
            json!({"description": "x"})
        );
        assert_eq!(v["error"]["status"], "INVALID_ARGUMENT");
    }
}
