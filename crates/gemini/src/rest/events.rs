//! Server-sent event streams: [`Events`] decodes the `data` of each event into a type, and
//! turns an `{"error": ...}` event into an [`Error::Api`].

use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::Bytes;
use futures_core::Stream;
use gemini_sse::SseStream;
use gemini_transport::ResponseBody;
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{ApiError, Error};

/// The `data` of each server-sent event, in order; ends after the first error.
pub(crate) struct Events {
    sse: SseStream<ResponseBody>,
    done: bool,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl Events {
    /// The events of `body`.
    pub(crate) fn new(body: ResponseBody) -> Self {
        Self {
            sse: SseStream::new(body),
            done: false,
        }
    }

    /// Whether the stream ended.
    pub(crate) fn is_done(&self) -> bool {
        self.done
    }

    /// Polls the next event's payload decoded as `T`; an `{"error": ...}` payload is an
    /// [`Error::Api`] and ends the stream.
    pub(crate) fn poll_decoded<T: Event>(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<T, Error>>> {
        loop {
            if self.done {
                return Poll::Ready(None);
            }
            let item = ready!(Pin::new(&mut self.sse).poll_next(cx));
            let result = match item {
                None => {
                    self.done = true;
                    return Poll::Ready(None);
                }
                Some(Ok(event)) => {
                    let data = event.data();
                    // Keep-alive or empty events carry no response.
                    if data.trim_ascii().is_empty() {
                        continue;
                    }
                    decode_event(data)
                }
                Some(Err(gemini_sse::StreamError::Body(e))) => Err(Error::stream_body(e)),
                Some(Err(gemini_sse::StreamError::Decode(e))) => Err(Error::stream_event(e)),
                Some(Err(e)) => Err(Error::stream_other(e)),
            };
            if result.is_err() {
                self.done = true;
            }
            return Poll::Ready(Some(result));
        }
    }
}

/// A type a stream's events decode into, which can tell when a decoded event might have been
/// an `{"error": ...}` envelope rather than data (../shared/spec/API.md §6, errors mid-stream).
pub(crate) trait Event: DeserializeOwned {
    /// Whether this value could be what an error envelope decodes into.
    fn may_be_error(&self) -> bool;

    /// Decodes one event's payload.
    fn decode(data: &str) -> serde_json::Result<Self> {
        serde_json::from_str(data)
    }
}

impl Event for gemini_types::GenerateContentResponse {
    fn may_be_error(&self) -> bool {
        // An envelope has none of a response's fields.
        self.candidates.is_empty()
            && self.prompt_feedback.is_none()
            && self.usage_metadata.is_none()
            && self.model_version.is_none()
            && self.response_id.is_none()
    }
}

impl Event for gemini_types::interactions::Event {
    fn may_be_error(&self) -> bool {
        // A typed `error` event is data (it has an `event_type`); a bare envelope is not.
        matches!(self, Self::Unknown(m) if m.get("event_type").is_none() && m.contains_key("error"))
    }

    fn decode(data: &str) -> serde_json::Result<Self> {
        Self::from_json_str(data)
    }
}

impl Event for Value {
    fn may_be_error(&self) -> bool {
        self.get("error").is_some()
    }
}

/// Decodes one event payload: an error envelope becomes [`Error::Api`].
///
/// The payload is decoded as `T` first; only a payload that fails to, or that decodes into
/// something an envelope could be, is looked at again as JSON.
pub(crate) fn decode_event<T: Event>(data: &str) -> Result<T, Error> {
    match T::decode(data) {
        Ok(event) if !event.may_be_error() => Ok(event),
        decoded => {
            if let Ok(v) = serde_json::from_str::<Value>(data) {
                if v.get("error").is_some_and(Value::is_object) {
                    return Err(Error::from(ApiError::from_body(
                        StatusCode::OK,
                        Bytes::copy_from_slice(data.as_bytes()),
                    )));
                }
            }
            decoded.map_err(|e| Error::decode_json(e, data.as_bytes()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gemini_types::GenerateContentResponse;

    #[test]
    fn error_events_become_api_errors() {
        let e = decode_event::<GenerateContentResponse>(
            r#"{"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}"#,
        )
        .unwrap_err();
        let api = e.api_error().unwrap();
        assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(api.message(), "The model is overloaded.");
        assert!(e.is_retryable());
    }

    #[test]
    fn envelopes_are_found_wherever_the_error_key_is() {
        let data = r#"{"unrelated": 1, "error": {"code": 429, "message": "m", "status": "RESOURCE_EXHAUSTED"}}"#;
        let e = decode_event::<GenerateContentResponse>(data).unwrap_err();
        assert_eq!(
            e.api_error().unwrap().status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        let e = decode_event::<Value>(data).unwrap_err();
        assert!(e.api_error().is_some());
        // An empty chunk or a non-object `error` is data, not an envelope.
        assert_eq!(
            decode_event::<GenerateContentResponse>("{}").unwrap(),
            GenerateContentResponse::default()
        );
        let v = decode_event::<Value>(r#"{"error": "just a string"}"#).unwrap();
        assert_eq!(v["error"], "just a string");
    }

    #[test]
    fn text_mentioning_error_still_decodes() {
        let r = decode_event::<GenerateContentResponse>(
            r#"{"candidates": [{"content": {"parts": [{"text": "\"error\" is a word"}]}}]}"#,
        )
        .unwrap();
        assert_eq!(r.text().as_deref(), Some("\"error\" is a word"));
        let e = decode_event::<GenerateContentResponse>("{not json").unwrap_err();
        assert!(matches!(e, Error::Decode(_)));
    }
}
