//! Deterministic time for tests (feature `test-util`).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use crate::{BoxFuture, Clock, Sleeper};

/// A clock that only moves when told to (or when a [`RecordingSleeper`] sleeps on it).
#[derive(Clone, Debug)]
pub struct TestClock {
    base: Instant,
    system_base: SystemTime,
    offset: Arc<Mutex<Duration>>,
}

impl Default for TestClock {
    fn default() -> Self {
        Self::new()
    }
}

impl TestClock {
    /// A clock at an arbitrary instant.
    // The base is read once; afterwards the clock only moves by `advance`.
    #[allow(clippy::disallowed_methods)]
    pub fn new() -> Self {
        Self {
            base: Instant::now(),
            system_base: SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_612_171),
            offset: Arc::new(Mutex::new(Duration::ZERO)),
        }
    }

    /// Moves the clock forward.
    pub fn advance(&self, d: Duration) {
        *self.offset.lock().unwrap_or_else(PoisonError::into_inner) += d;
    }

    /// How far the clock has moved.
    pub fn elapsed(&self) -> Duration {
        *self.offset.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Clock for TestClock {
    fn now(&self) -> Instant {
        self.base + self.elapsed()
    }

    fn system_now(&self) -> SystemTime {
        self.system_base + self.elapsed()
    }
}

/// A sleeper that returns at once, records every requested duration, and advances a
/// [`TestClock`] by it if given one.
///
/// ```
/// # async fn demo() {
/// use std::time::Duration;
/// use gemini_transport::{RecordingSleeper, Sleeper, TestClock};
/// let clock = TestClock::new();
/// let sleeper = RecordingSleeper::advancing(&clock);
/// sleeper.sleep(Duration::from_secs(2)).await;
/// assert_eq!(sleeper.sleeps(), [Duration::from_secs(2)]);
/// assert_eq!(clock.elapsed(), Duration::from_secs(2));
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct RecordingSleeper {
    clock: Option<TestClock>,
    sleeps: Arc<Mutex<Vec<Duration>>>,
}

impl RecordingSleeper {
    /// A sleeper that only records.
    pub fn new() -> Self {
        Self::default()
    }

    /// A sleeper that records and advances `clock`.
    pub fn advancing(clock: &TestClock) -> Self {
        Self {
            clock: Some(clock.clone()),
            sleeps: Arc::default(),
        }
    }

    /// Every duration slept so far, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.sleeps
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(duration);
        if let Some(c) = &self.clock {
            c.advance(duration);
        }
        Box::pin(std::future::ready(()))
    }
}
