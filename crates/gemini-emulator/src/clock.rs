//! The emulator's one clock module: wall time for resources (create/update/expire times,
//! operation deadlines) comes only from a [`Clock`], so that a test can drive time.
//!
//! Pacing of HTTP responses (reply delays, chunk intervals, stalls) is real time on the tokio
//! runtime and does not go through the clock.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// A source of the current time for the emulator's resources.
///
/// The default is [`SystemClock`]; tests give [`EmulatorBuilder::clock`](crate::EmulatorBuilder::clock)
/// a [`ManualClock`] and advance it to make files finish processing, caches expire and
/// long-running operations complete.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The real wall clock.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct SystemClock;

impl SystemClock {
    /// The real wall clock.
    pub fn new() -> Self {
        Self
    }
}

impl Clock for SystemClock {
    // This module is the crate's one place that reads the time.
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that only moves when told to. Clones share the same time.
///
/// ```
/// use std::time::Duration;
/// use gemini_emulator::{Clock, ManualClock};
///
/// let clock = ManualClock::new();
/// let start = clock.now();
/// clock.advance(Duration::from_secs(90));
/// assert_eq!(clock.now().duration_since(start).unwrap(), Duration::from_secs(90));
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<SystemTime>>,
}

impl ManualClock {
    /// The time a [`ManualClock::new`] starts at: 2026-01-01T00:00:00Z.
    pub const DEFAULT_START: Duration = Duration::from_secs(1_767_225_600);

    /// A clock standing at [`DEFAULT_START`](Self::DEFAULT_START) after the Unix epoch.
    pub fn new() -> Self {
        Self::starting_at(SystemTime::UNIX_EPOCH + Self::DEFAULT_START)
    }

    /// A clock standing at `start`.
    pub fn starting_at(start: SystemTime) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }

    /// Sets the clock to `to` (it may go backwards; resources already expired stay gone).
    pub fn set(&self, to: SystemTime) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = to;
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A time in the RFC 3339 spelling the API uses (`2026-01-01T00:00:00Z`,
/// `2024-07-11T18:02:48.257891Z`).
pub(crate) fn rfc3339(t: SystemTime) -> String {
    let (secs, nanos) = match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            if d.subsec_nanos() == 0 {
                (-(d.as_secs() as i64), 0)
            } else {
                (-(d.as_secs() as i64) - 1, 1_000_000_000 - d.subsec_nanos())
            }
        }
    };
    gemini_types::Timestamp::from_unix(secs, nanos).map_or_else(String::new, |t| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new();
        let c2 = c.clone();
        assert_eq!(rfc3339(c.now()), "2026-01-01T00:00:00Z");
        c2.advance(Duration::from_millis(1500));
        assert_eq!(rfc3339(c.now()), "2026-01-01T00:00:01.500Z");
        c.set(SystemTime::UNIX_EPOCH);
        assert_eq!(rfc3339(c2.now()), "1970-01-01T00:00:00Z");
    }
}
