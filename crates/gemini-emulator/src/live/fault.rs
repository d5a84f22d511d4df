//! Faults for Live connections: what a test makes the emulator do to the connection that a
//! client must survive.

use std::time::Duration;

/// A fault for one Live connection, queued with
/// [`Emulator::live_fault`](crate::Emulator::live_fault) or
/// [`EmulatorBuilder::live_fault`](crate::EmulatorBuilder::live_fault).
///
/// Each connection that completes its setup (gets `setupComplete`) takes the next queued fault,
/// in order; connections refused during setup take none. A fault fires once, when its trigger
/// is reached:
///
/// * [`after_client_messages(n)`](Self::after_client_messages): when the `n`-th client message
///   after `setup` arrives, before it is processed (so it is not consumed: a resuming client
///   must send it again; `lastConsumedClientMessageIndex` says so);
/// * [`after_server_messages(n)`](Self::after_server_messages): after the emulator has sent `n`
///   messages following `setupComplete` (mid-turn, when `n` falls inside a turn);
/// * by default, right after `setupComplete` (`after_server_messages(0)`).
///
/// ```
/// use std::time::Duration;
/// use gemini_emulator::{Emulator, LiveFault};
///
/// let emu = Emulator::start();
/// // The first connection gets goAway after 5 messages, the second drops after 7, the third
/// // is closed with 1011 after its second client message.
/// emu.live_fault(LiveFault::go_away(Duration::from_secs(1)).after_server_messages(5));
/// emu.live_fault(LiveFault::drop_connection().after_server_messages(7));
/// emu.live_fault(LiveFault::unavailable().after_client_messages(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveFault {
    pub(crate) action: Action,
    pub(crate) trigger: Trigger,
}

/// What a fault does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Action {
    /// Sends `goAway` with this `timeLeft`, keeps serving, and closes with 1000 when the time
    /// is up (real time).
    GoAway(Duration),
    /// Closes the TCP connection without a close frame (the client sees 1006).
    Drop,
    /// Sends a close frame with this code and reason.
    Close(u16, String),
    /// Nothing (a connection that is to be left alone).
    Nothing,
}

/// When a fault fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// When the n-th client message after `setup` arrives.
    ClientMessages(u64),
    /// After n server messages following `setupComplete`.
    ServerMessages(u64),
}

impl LiveFault {
    fn new(action: Action) -> Self {
        Self {
            action,
            trigger: Trigger::ServerMessages(0),
        }
    }

    /// Sends `{"goAway": {"timeLeft": ...}}`, goes on serving, and closes the connection with
    /// code 1000 once `time_left` has passed (real time, not the emulator's clock).
    pub fn go_away(time_left: Duration) -> Self {
        Self::new(Action::GoAway(time_left))
    }

    /// Drops the connection abruptly: the TCP connection closes without a WebSocket close
    /// frame (a client sees an abnormal closure, 1006).
    pub fn drop_connection() -> Self {
        Self::new(Action::Drop)
    }

    /// Closes the connection with `code` and `reason` (at most 123 bytes are sent).
    pub fn close(code: u16, reason: impl Into<String>) -> Self {
        Self::new(Action::Close(code, reason.into()))
    }

    /// Closes the connection with 1011 and the real reason, `The service is currently
    /// unavailable.` (what the Live API sends under load).
    pub fn unavailable() -> Self {
        Self::close(1011, "The service is currently unavailable.")
    }

    /// No fault: the connection that takes it is left alone (to fault a later one).
    pub fn none() -> Self {
        Self::new(Action::Nothing)
    }

    /// Fires when the `n`-th client message after `setup` arrives, before it is processed.
    #[must_use]
    pub fn after_client_messages(mut self, n: u64) -> Self {
        self.trigger = Trigger::ClientMessages(n);
        self
    }

    /// Fires after the emulator has sent `n` messages following `setupComplete`.
    #[must_use]
    pub fn after_server_messages(mut self, n: u64) -> Self {
        self.trigger = Trigger::ServerMessages(n);
        self
    }
}
