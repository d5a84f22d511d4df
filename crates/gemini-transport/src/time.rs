//! Injectable time: a [`Clock`] to read the time and a [`Sleeper`] to wait.
//!
//! [`HttpClient`](crate::HttpClient) never reads the system clock or starts a timer directly; it
//! goes through these traits, so tests can substitute deterministic time
//! ([`TestClock`](crate::TestClock) and [`RecordingSleeper`](crate::RecordingSleeper) with the
//! `test-util` feature) and retry tests run in milliseconds.

use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use crate::BoxFuture;

/// A source of the current time.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// A monotonic instant, for deadlines and budgets.
    fn now(&self) -> Instant;

    /// The wall-clock time, for `Retry-After` HTTP dates.
    fn system_now(&self) -> SystemTime;
}

/// Something that can wait.
pub trait Sleeper: Send + Sync + fmt::Debug + 'static {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// The real clock.
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct SystemClock;

impl Clock for SystemClock {
    // The one place in this crate that reads the real time.
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> Instant {
        Instant::now()
    }

    #[allow(clippy::disallowed_methods)]
    fn system_now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Sleeps on the tokio timer (feature `hyper`). Needs a tokio runtime with the time driver.
#[cfg(feature = "hyper")]
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct TokioSleeper;

#[cfg(feature = "hyper")]
impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}
