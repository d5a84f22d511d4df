//! [`RetryPolicy`]: which failures are retried, and how long to wait.

use std::time::Duration;

use rand::{Rng as _, SeedableRng as _};

use crate::Error;
use crate::api_error::RETRYABLE_STATUSES;

/// When and how to retry. On by default.
///
/// Defaults (the official SDKs' `HttpRetryOptions` values, ../shared/spec/API.md §18): 5
/// attempts in total, backoff starting at 1 s, ×2 per retry, capped at 60 s, with full jitter
/// (a uniformly random wait between zero and the backoff), all inside a 10-minute budget.
///
/// Retried: HTTP 408, 429, 500, 502, 503, 504, and failures to connect (where nothing was
/// sent). A delay the server asks for (`RetryInfo.retryDelay` or `Retry-After`) replaces the
/// computed backoff; when it is longer than the maximum backoff, or would not fit in what is
/// left of the call's deadline or the budget, the error is returned at once instead (its
/// [`retry_after`](crate::Error::retry_after) still says what the server asked for). Once a
/// 2xx answer has begun, nothing is retried, unary or stream: the server has processed the
/// request.
///
/// ```
/// use std::time::Duration;
/// use gemini_transport::RetryPolicy;
/// let p = RetryPolicy::default().with_max_attempts(3).with_jitter(false);
/// assert_eq!(p.backoff(0), Duration::from_secs(1));
/// assert_eq!(p.backoff(1), Duration::from_secs(2));
/// assert_eq!(RetryPolicy::disabled().max_attempts(), 1);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    multiplier: f64,
    max_backoff: Duration,
    jitter: bool,
    budget: Option<Duration>,
    statuses: Vec<u16>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(1),
            multiplier: 2.0,
            max_backoff: Duration::from_secs(60),
            jitter: true,
            budget: Some(Duration::from_secs(600)),
            statuses: RETRYABLE_STATUSES.to_vec(),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RetryDecision {
    /// Return the error.
    Stop,
    /// Retry, after the server's delay if it gave one.
    Retry(Option<Duration>),
}

impl RetryPolicy {
    /// The default policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// A single attempt, no retries.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the total number of attempts (at least 1; 1 means no retries).
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first backoff.
    #[must_use]
    pub fn with_initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// Sets the growth factor of the backoff (at least 1).
    #[must_use]
    pub fn with_multiplier(mut self, m: f64) -> Self {
        self.multiplier = if m.is_finite() { m.max(1.0) } else { 1.0 };
        self
    }

    /// Sets the longest wait between attempts: the cap of the computed backoff, and the longest
    /// server-requested delay that is waited for (a longer one ends the call).
    #[must_use]
    pub fn with_max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// Turns full jitter on or off.
    #[must_use]
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Sets the total time budget for all attempts and waits (`None`: only the call's own
    /// deadline bounds it).
    #[must_use]
    pub fn with_budget(mut self, budget: impl Into<Option<Duration>>) -> Self {
        self.budget = budget.into();
        self
    }

    /// Replaces the set of retried HTTP statuses.
    #[must_use]
    pub fn with_retryable_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// The total number of attempts.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The longest wait between attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The time budget.
    pub fn budget(&self) -> Option<Duration> {
        self.budget
    }

    /// The retried HTTP statuses.
    pub fn retryable_statuses(&self) -> &[u16] {
        &self.statuses
    }

    /// The backoff before retry number `retry` (0-based), before jitter:
    /// `min(max_backoff, initial × multiplier^retry)`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = self
            .multiplier
            .powi(i32::try_from(retry).unwrap_or(i32::MAX));
        let secs = self.initial_backoff.as_secs_f64() * factor;
        if !secs.is_finite() || secs >= self.max_backoff.as_secs_f64() {
            self.max_backoff
        } else {
            Duration::from_secs_f64(secs)
        }
    }

    /// The wait before retry number `retry`, with jitter applied if enabled.
    pub(crate) fn wait(&self, retry: u32) -> Duration {
        let max = self.backoff(retry);
        if !self.jitter || max.is_zero() {
            return max;
        }
        let mut rng = rand::rngs::StdRng::from_os_rng();
        max.mul_f64(rng.random::<f64>())
    }

    /// Classifies a failed attempt.
    pub(crate) fn decide(&self, err: &Error) -> RetryDecision {
        if let Some(api) = err.api_error() {
            return if self.statuses.contains(&api.status().as_u16()) {
                RetryDecision::Retry(api.retry_after())
            } else {
                RetryDecision::Stop
            };
        }
        if !err.is_request_sent() && !err.is_builder() && !err.is_tls() {
            return RetryDecision::Retry(None);
        }
        RetryDecision::Stop
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiError, TimeoutKind};

    #[test]
    fn backoff_grows_and_caps() {
        let p = RetryPolicy::default().with_jitter(false);
        let waits: Vec<_> = (0..8).map(|i| p.wait(i).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(p.backoff(u32::MAX), Duration::from_secs(60));
        let j = RetryPolicy::default();
        for i in 0..5 {
            assert!(j.wait(i) <= j.backoff(i));
        }
    }

    #[test]
    fn decisions() {
        let p = RetryPolicy::default();
        let api = |s: u16| {
            Error::api(ApiError::from_body(
                http::StatusCode::from_u16(s).unwrap(),
                bytes::Bytes::new(),
            ))
        };
        for s in [408, 429, 500, 502, 503, 504] {
            assert_eq!(p.decide(&api(s)), RetryDecision::Retry(None), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 501] {
            assert_eq!(p.decide(&api(s)), RetryDecision::Stop, "{s}");
        }
        assert_eq!(p.decide(&Error::connect("x")), RetryDecision::Retry(None));
        assert_eq!(
            p.decide(&Error::timeout(TimeoutKind::Connect, None)),
            RetryDecision::Retry(None)
        );
        assert_eq!(p.decide(&Error::tls("x")), RetryDecision::Stop);
        assert_eq!(p.decide(&Error::request("x")), RetryDecision::Stop);
        assert_eq!(
            p.decide(&Error::timeout(TimeoutKind::ResponseHeaders, None)),
            RetryDecision::Stop
        );
        let p = p.with_retryable_statuses([409]);
        assert_eq!(p.decide(&api(409)), RetryDecision::Retry(None));
        assert_eq!(p.decide(&api(429)), RetryDecision::Stop);
    }
}
