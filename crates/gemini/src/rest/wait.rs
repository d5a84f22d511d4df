//! Waiting for something the server finishes later (a long-running operation, a file being
//! processed): poll with backoff until it is done or a deadline passes, on the client's
//! injected clock and sleeper.

use std::time::Duration;

use gemini_transport::BoxFuture;

use crate::{Client, Error};

/// How to wait for a long-running operation: the polling interval grows from `initial` by
/// `multiplier` up to `max_interval`, and the wait gives up after `timeout` with an
/// [`Error::Operation`] whose [`is_deadline`](crate::OperationError::is_deadline) is true.
///
/// The defaults are the official SDKs': 1 s, ×1.5, at most 20 s between polls, 15 minutes in
/// all.
///
/// ```
/// use std::time::Duration;
/// let wait = gemini::WaitOptions::new()
///     .with_initial_interval(Duration::from_secs(5))
///     .with_timeout(Duration::from_secs(3600));
/// assert_eq!(wait.timeout(), Duration::from_secs(3600));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct WaitOptions {
    initial: Duration,
    multiplier: f64,
    max_interval: Duration,
    timeout: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(1),
            multiplier: 1.5,
            max_interval: Duration::from_secs(20),
            timeout: Duration::from_secs(900),
        }
    }
}

impl WaitOptions {
    /// The defaults (1 s, ×1.5, at most 20 s, 15 minutes).
    pub fn new() -> Self {
        Self::default()
    }

    /// The first interval between polls.
    #[must_use]
    pub fn with_initial_interval(mut self, interval: Duration) -> Self {
        self.initial = interval;
        self
    }

    /// The factor the interval grows by after each poll (at least 1).
    #[must_use]
    pub fn with_multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = if multiplier.is_finite() {
            multiplier.max(1.0)
        } else {
            1.0
        };
        self
    }

    /// The longest interval between polls.
    #[must_use]
    pub fn with_max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// How long to wait in all before giving up.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long to wait in all.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The interval after `interval`.
    fn next(&self, interval: Duration) -> Duration {
        interval.mul_f64(self.multiplier).min(self.max_interval)
    }
}

/// Fetches with `fetch` until `done` says the value is final, sleeping between polls as
/// `options` says; `name` names what is waited for in the deadline error. The first fetch
/// happens at once.
pub(crate) async fn poll_until<T: Send + 'static>(
    client: &Client,
    options: &WaitOptions,
    name: &str,
    fetch: impl FnMut() -> BoxFuture<'static, Result<T, Error>>,
    done: impl Fn(&T) -> bool,
) -> Result<T, Error> {
    poll_until_observed(client, options, name, fetch, done, |_, _| {}).await
}

/// Where a wait is, after each poll: how many polls so far and the time since the wait
/// started (on the client's clock, or the time slept when that clock does not move).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Polled {
    pub(crate) polls: u32,
    pub(crate) elapsed: Duration,
}

/// [`poll_until`], calling `observe` with each value fetched (the last one too).
pub(crate) async fn poll_until_observed<T: Send + 'static>(
    client: &Client,
    options: &WaitOptions,
    name: &str,
    mut fetch: impl FnMut() -> BoxFuture<'static, Result<T, Error>>,
    done: impl Fn(&T) -> bool,
    observe: impl FnMut(&T, Polled),
) -> Result<T, Error> {
    poll_with_hints(
        client,
        options,
        name,
        || {
            let f = fetch();
            Box::pin(async move { f.await.map(|v| (v, None)) })
        },
        done,
        observe,
    )
    .await
}

/// [`poll_until`] where each fetch may also return the server's hint of when to ask again
/// (a `Retry-After`): the next pause is the longer of the backoff and the hint, within the
/// deadline. `progress` sees every value fetched, the final one included, and where the wait is.
pub(crate) async fn poll_with_hints<T>(
    client: &Client,
    options: &WaitOptions,
    name: &str,
    mut fetch: impl FnMut() -> BoxFuture<'static, Result<(T, Option<Duration>), Error>>,
    done: impl Fn(&T) -> bool,
    mut progress: impl FnMut(&T, Polled),
) -> Result<T, Error> {
    let clock = client.http().clock();
    let sleeper = client.http().timer();
    let start = clock.now();
    let mut interval = options.initial;
    // The time slept so far: the wait ends by it even with a clock that does not move (a test
    // sleeper), so the loop is bounded by `timeout / 1 ms` rounds at most.
    let mut slept = Duration::ZERO;
    let mut polls = 0u32;
    loop {
        let (value, hint) = fetch().await?;
        polls = polls.saturating_add(1);
        let elapsed = clock.now().saturating_duration_since(start).max(slept);
        progress(&value, Polled { polls, elapsed });
        if done(&value) {
            return Ok(value);
        }
        let Some(left) = options
            .timeout
            .checked_sub(elapsed)
            .filter(|d| !d.is_zero())
        else {
            return Err(Error::Operation(crate::OperationError::deadline(name)));
        };
        let pause = interval
            .max(hint.unwrap_or_default())
            .max(Duration::from_millis(1))
            .min(left);
        tracing::debug!(what = name, pause_ms = pause.as_millis() as u64, "waiting");
        sleeper.sleep(pause).await;
        slept += pause;
        interval = options.next(interval);
    }
}
