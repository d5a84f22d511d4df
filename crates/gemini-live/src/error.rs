//! The session's typed errors.

use std::fmt;
use std::time::Duration;

/// Why a Live session failed or a message could not be sent.
///
/// No variant ever holds the API key or an ephemeral token: connection errors carry the
/// server's close code and reason, or the lower layer's error message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LiveError {
    /// `setupComplete` did not arrive within the setup timeout.
    SetupTimeout(Duration),
    /// The server closed the connection before `setupComplete` (bad key, unknown model, invalid
    /// setup): its close code and reason.
    Rejected {
        /// The WebSocket close code (1007 invalid argument, 1008 policy, ...).
        code: u16,
        /// The server's reason.
        reason: String,
    },
    /// The server refused to resume the session with the stored handle.
    ResumeRejected {
        /// The close code.
        code: u16,
        /// The server's reason.
        reason: String,
    },
    /// Reconnecting failed within the budget (attempts or time).
    ResumeBudgetSpent {
        /// The attempts made.
        attempts: u32,
        /// The last failure.
        last_error: String,
    },
    /// The connection was lost and the session cannot be resumed (resumption is off, or no
    /// resumable handle has arrived yet).
    ConnectionLost {
        /// The close code (1006 when the connection dropped without a close frame).
        code: u16,
        /// The reason.
        reason: String,
    },
    /// The server ended the session with a close code that is not resumable.
    ClosedByServer {
        /// The close code.
        code: u16,
        /// The server's reason.
        reason: String,
    },
    /// The server sent a frame that is not a Live message (invalid UTF-8 or JSON, over a limit).
    Protocol(String),
    /// The queue of messages waiting for a reconnection is full.
    QueueFull {
        /// The queue's capacity in messages.
        capacity: usize,
    },
    /// The session is closed (or closing): nothing more can be sent.
    SessionClosed,
    /// A message could not be encoded as JSON.
    Encode(String),
    /// The session configuration is invalid.
    InvalidConfig(String),
    /// Opening the connection failed (DNS, TCP, proxy, TLS, WebSocket handshake).
    Connect(String),
}

impl fmt::Display for LiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SetupTimeout(d) => {
                write!(f, "the Live session setup did not complete within {d:?}")
            }
            Self::Rejected { code, reason } => {
                write!(
                    f,
                    "the server rejected the Live session setup (close {code}: {reason})"
                )
            }
            Self::ResumeRejected { code, reason } => {
                write!(
                    f,
                    "the server refused to resume the Live session (close {code}: {reason})"
                )
            }
            Self::ResumeBudgetSpent {
                attempts,
                last_error,
            } => write!(
                f,
                "the Live session could not be resumed after {attempts} attempts (last: {last_error})"
            ),
            Self::ConnectionLost { code, reason } => write!(
                f,
                "the Live connection was lost (close {code}: {reason}) and the session is not resumable"
            ),
            Self::ClosedByServer { code, reason } => {
                write!(
                    f,
                    "the server closed the Live session (close {code}: {reason})"
                )
            }
            Self::Protocol(m) => write!(f, "invalid Live server message: {m}"),
            Self::QueueFull { capacity } => write!(
                f,
                "the Live send queue is full ({capacity} messages wait for the reconnection)"
            ),
            Self::SessionClosed => f.write_str("the Live session is closed"),
            Self::Encode(m) => write!(f, "could not encode the Live message: {m}"),
            Self::InvalidConfig(m) => write!(f, "invalid Live session configuration: {m}"),
            Self::Connect(m) => write!(f, "could not connect the Live session: {m}"),
        }
    }
}

impl std::error::Error for LiveError {}
