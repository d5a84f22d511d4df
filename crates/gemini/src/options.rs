//! Per-call options: [`RequestOptions`] and [`Continuation`].

use std::time::Duration;

use http::{HeaderName, HeaderValue};
use serde_json::Value;

use crate::RetryPolicy;

/// Per-call overrides: timeout, retry policy, extra headers, an `extra_body` merged into the
/// JSON request, and the continuation policy.
///
/// Pass them with [`Models::with_options`](crate::Models::with_options) (or
/// [`ChatConfig::with_options`](crate::ChatConfig::with_options),
/// [`Raw::with_options`](crate::Raw::with_options)).
///
/// ```
/// use std::time::Duration;
/// use gemini::{RequestOptions, RetryPolicy};
///
/// let options = RequestOptions::new()
///     .with_timeout(Duration::from_secs(30))
///     .with_retry_policy(RetryPolicy::disabled())
///     .with_header(http::HeaderName::from_static("x-goog-user-project"), http::HeaderValue::from_static("p"))
///     // A field this SDK does not model yet, sent as is.
///     .with_extra_body(serde_json::json!({"generationConfig": {"newKnob": true}}));
/// # async fn demo(client: gemini::Client, options: gemini::RequestOptions) -> Result<(), gemini::Error> {
/// let response = client
///     .models()
///     .with_options(options)
///     .generate_content("gemini-2.5-flash", "Hi")
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    pub(crate) transport: gemini_transport::RequestOptions,
    pub(crate) extra_body: Option<Value>,
    pub(crate) continuation: Option<Continuation>,
    pub(crate) idle_timeout: Option<Duration>,
}

impl RequestOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// The total deadline of one HTTP call, retries included (each continuation hop and each
    /// function-calling round is its own call). On streams it bounds the whole stream.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.with_timeout(timeout);
        self
    }

    /// The longest wait for the next chunk of a stream once it started (a stalled stream);
    /// replaces the client's idle timeout for this call's streams.
    #[must_use]
    pub fn with_idle_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.with_idle_timeout(timeout);
        self.idle_timeout = Some(timeout);
        self
    }

    /// The retry policy of this call.
    #[must_use]
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.transport = self.transport.with_retry_policy(policy);
        self
    }

    /// An extra header; it replaces a default header of the same name.
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.transport = self.transport.with_header(name, value);
        self
    }

    /// JSON deep-merged into the request body before it is sent: objects are merged key by
    /// key, anything else replaces the value. Use it for fields this SDK does not model yet.
    #[must_use]
    pub fn with_extra_body(mut self, extra: Value) -> Self {
        self.extra_body = Some(extra);
        self
    }

    /// The continuation policy of this call (default: the client's, see
    /// [`ClientBuilder::continuation`](crate::ClientBuilder::continuation)).
    #[must_use]
    pub fn with_continuation(mut self, continuation: Continuation) -> Self {
        self.continuation = Some(continuation);
        self
    }

    /// The total deadline, if set.
    pub fn timeout(&self) -> Option<Duration> {
        self.transport.timeout()
    }

    /// The retry policy override, if set.
    pub fn retry_policy(&self) -> Option<&RetryPolicy> {
        self.transport.retry_policy()
    }

    /// The extra headers.
    pub fn headers(&self) -> &http::HeaderMap {
        self.transport.headers()
    }

    /// The idle timeout override, if set.
    pub fn idle_timeout(&self) -> Option<Duration> {
        self.idle_timeout
    }

    /// The extra body, if set.
    pub fn extra_body(&self) -> Option<&Value> {
        self.extra_body.as_ref()
    }

    /// The continuation override, if set.
    pub fn continuation(&self) -> Option<Continuation> {
        self.continuation
    }
}

/// Automatic continuation of long answers.
///
/// When a candidate ends with finish reason `CONTINUATION` and a `continuationToken`, the
/// answer is not finished: the model stopped at its per-request output limit. With
/// continuation on (the default, as in the official SDKs), the client sends **the same
/// request** again with that token, up to [`max_hops`](Self::max_hops) extra requests, and:
///
/// * unary calls return one merged response (parts concatenated, token counts summed, the
///   last hop's finish reason);
/// * streams yield every hop's chunks in order, as one stream.
///
/// Timeouts, retries and billing apply to every hop. Turn it off to drive continuation yourself
/// with [`GenerateContentRequest::with_continuation_token`](crate::types::GenerateContentRequest::with_continuation_token).
///
/// ```
/// use gemini::Continuation;
/// assert_eq!(Continuation::default().max_hops(), 16);
/// assert!(!Continuation::disabled().is_enabled());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Continuation {
    max_hops: u32,
}

impl Default for Continuation {
    fn default() -> Self {
        Self { max_hops: 16 }
    }
}

impl Continuation {
    /// Follows up to `max_hops` continuation requests after the first one.
    pub fn new(max_hops: u32) -> Self {
        Self { max_hops }
    }

    /// Never follows a continuation token: the response ending with `CONTINUATION` is returned
    /// as is.
    pub fn disabled() -> Self {
        Self { max_hops: 0 }
    }

    /// The most extra requests made for one call.
    pub fn max_hops(&self) -> u32 {
        self.max_hops
    }

    /// Whether continuation is on.
    pub fn is_enabled(&self) -> bool {
        self.max_hops > 0
    }
}

/// Deep-merges `extra` into `target`: objects key by key, anything else replaces.
pub(crate) fn merge_json(target: &mut Value, extra: &Value) {
    match (target, extra) {
        (Value::Object(t), Value::Object(e)) => {
            for (k, v) in e {
                match t.get_mut(k) {
                    Some(slot) => merge_json(slot, v),
                    None => {
                        t.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (t, e) => *t = e.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_is_deep_for_objects_and_replaces_the_rest() {
        let mut v = json!({"a": {"b": 1, "c": [1]}, "d": 1});
        merge_json(&mut v, &json!({"a": {"c": [2], "e": null}, "f": "x"}));
        assert_eq!(
            v,
            json!({"a": {"b": 1, "c": [2], "e": null}, "d": 1, "f": "x"})
        );
    }
}
