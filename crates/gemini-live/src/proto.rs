//! The sans-IO session core: a state machine with no socket, task or clock inside.
//!
//! The caller (a "shell", such as this crate's tokio shell) owns the WebSocket and the clock.
//! It feeds the core what happened ([`Session::connected`], [`Session::handle_frame`],
//! [`Session::handle_close`], [`Session::handle_timeout`], each with the current time), then
//! drains what to do ([`Session::poll_action`]), what to report ([`Session::poll_event`]) and
//! when to wake it up next ([`Session::poll_timeout`]). The same core can run on any runtime,
//! and it is tested with simulated time.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use gemini_live::proto::{Action, Session, State};
//! use gemini_live::{LiveConfig, LiveEvent};
//!
//! # #[allow(clippy::disallowed_methods)] // the doctest plays the shell, which owns the clock
//! let now = Instant::now();
//! let mut s = Session::new(LiveConfig::new("gemini-live-2.5-flash"), now).unwrap();
//! assert_eq!(s.poll_action(), Some(Action::Connect));
//! s.connected(now);
//! let Some(Action::Send(setup)) = s.poll_action() else { panic!() };
//! assert!(setup.starts_with(br#"{"setup":{"model":"models/gemini-live-2.5-flash""#));
//! s.handle_frame(br#"{"setupComplete":{}}"#, now + Duration::from_millis(30));
//! assert_eq!(s.state(), State::Active);
//! s.send(&gemini_types::live::BidiGenerateContentClientMessage::text("Hi")).unwrap();
//! assert!(matches!(s.poll_action(), Some(Action::Send(_))));
//! s.handle_frame(br#"{"serverContent":{"modelTurn":{"parts":[{"text":"Hello"}]},"turnComplete":true}}"#, now);
//! assert_eq!(s.poll_event(), Some(LiveEvent::Text("Hello".into())));
//! assert_eq!(s.poll_event(), Some(LiveEvent::TurnComplete { reason: None }));
//! ```

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use bytes::Bytes;
use gemini_types::PartData;
use gemini_types::live::{
    BidiGenerateContentClientMessage, BidiGenerateContentServerContent,
    BidiGenerateContentServerMessage, ServerMessageType,
};

use crate::{LiveConfig, LiveError, LiveEvent};

/// What the shell must do next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Open a new WebSocket connection, then call [`Session::connected`] (or
    /// [`Session::connect_failed`]).
    Connect,
    /// Send this JSON as one text frame on the current connection.
    Send(Bytes),
    /// Send a WebSocket ping on the current connection.
    Ping,
    /// Start the close handshake of the current connection with this code and reason, keep
    /// reading until the server's close frame, then call [`Session::handle_close`].
    Close {
        /// The close code.
        code: u16,
        /// The reason.
        reason: String,
    },
    /// Send a close frame (best effort) and drop the current connection at once; report
    /// nothing more about it.
    Disconnect {
        /// The close code.
        code: u16,
        /// The reason.
        reason: String,
    },
}

/// The session's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum State {
    /// The first connection is opening, or its `setup` waits for `setupComplete`.
    AwaitingSetup,
    /// Set up; messages flow.
    Active,
    /// Reconnecting with the resumption handle (backoff, connection or setup).
    Resuming,
    /// A clean close is under way.
    Closing,
    /// Ended ([`LiveEvent::Closed`] was the last event).
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conn {
    None,
    Connecting,
    SetupSent,
    Up,
}

/// What a client message does to the model's turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TurnRole {
    /// Nothing by itself (context, streamed audio).
    None,
    /// Starts a turn the model answers (`clientContent` with `turnComplete`, streamed text).
    Starts,
    /// Continues the current turn (`toolResponse`).
    Continues,
}

#[derive(Debug)]
struct Sent {
    /// Its index on the connection it was last sent on (`setup` is 0).
    conn_index: u64,
    frame: Bytes,
    turn: TurnRole,
    /// The turn it started was seen complete.
    answered: bool,
}

/// The sans-IO Live session. See the [module documentation](self).
#[derive(Debug)]
pub struct Session {
    config: LiveConfig,
    state: State,
    conn: Conn,
    actions: VecDeque<Action>,
    events: VecDeque<LiveEvent>,
    setup_deadline: Option<Instant>,
    backoff_until: Option<Instant>,
    resume_deadline: Option<Instant>,
    drain_deadline: Option<Instant>,
    close_deadline: Option<Instant>,
    next_ping: Option<Instant>,
    idle_deadline: Option<Instant>,
    handle: Option<String>,
    /// The index the next message gets on the current connection (`setup` is 0).
    conn_next: u64,
    replay: VecDeque<Sent>,
    replay_bytes: usize,
    replay_lost: usize,
    pending: VecDeque<(Bytes, TurnRole)>,
    attempts: u32,
    last_error: String,
    going_away: bool,
    generating: bool,
    handle_fresh: bool,
    /// Turns consumed by the server whose completion has not been seen yet.
    answer_debt: usize,
    /// Turns being answered again after a resumption that were already seen complete: their
    /// output is not shown again.
    suppress_turns: usize,
}

/// Close codes after which a session is resumed: going away, abnormal closure (no close frame),
/// internal error, service restart, try again later, bad gateway.
fn resumable_code(code: u16) -> bool {
    matches!(code, 1001 | 1006 | 1011 | 1012 | 1013 | 1014)
}

fn add(now: Instant, d: Duration) -> Instant {
    now.checked_add(d).unwrap_or(now)
}

impl Session {
    /// A session that starts by asking for a connection ([`Action::Connect`]).
    pub fn new(config: LiveConfig, now: Instant) -> Result<Self, LiveError> {
        if config.setup.model.as_deref().is_none_or(str::is_empty) {
            return Err(LiveError::InvalidConfig("the setup names no model".into()));
        }
        if config.max_queued_messages == 0 {
            return Err(LiveError::InvalidConfig(
                "max_queued_messages must be at least 1".into(),
            ));
        }
        let handle = config
            .setup
            .session_resumption
            .as_ref()
            .and_then(|s| s.handle.clone())
            .filter(|h| !h.is_empty());
        let s = Self {
            setup_deadline: Some(add(now, config.setup_timeout)),
            config,
            state: State::AwaitingSetup,
            conn: Conn::Connecting,
            actions: VecDeque::from([Action::Connect]),
            events: VecDeque::new(),
            backoff_until: None,
            resume_deadline: None,
            drain_deadline: None,
            close_deadline: None,
            next_ping: None,
            idle_deadline: None,
            handle,
            conn_next: 1,
            replay: VecDeque::new(),
            replay_bytes: 0,
            replay_lost: 0,
            pending: VecDeque::new(),
            attempts: 1,
            last_error: String::new(),
            going_away: false,
            generating: false,
            handle_fresh: false,
            answer_debt: 0,
            suppress_turns: 0,
        };
        Ok(s)
    }

    /// The state.
    pub fn state(&self) -> State {
        self.state
    }

    /// The latest usable resumption handle (store it to resume the session later, within about
    /// two hours, with [`LiveConfig::resume_from`]).
    pub fn resumption_handle(&self) -> Option<&str> {
        self.handle.as_deref()
    }

    /// The configuration.
    pub fn config(&self) -> &LiveConfig {
        &self.config
    }

    /// Whether the session reconnects by itself.
    fn resumes(&self) -> bool {
        self.config.resumes_automatically()
    }

    /// The next action for the shell.
    pub fn poll_action(&mut self) -> Option<Action> {
        self.actions.pop_front()
    }

    /// The next event for the user.
    pub fn poll_event(&mut self) -> Option<LiveEvent> {
        self.events.pop_front()
    }

    /// When to call [`handle_timeout`](Self::handle_timeout) next, if at all.
    pub fn poll_timeout(&self) -> Option<Instant> {
        if self.state == State::Closed {
            return None;
        }
        [
            self.setup_deadline,
            self.backoff_until,
            self.drain_deadline,
            self.close_deadline,
            self.next_ping,
            self.idle_deadline,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// The connection asked for by [`Action::Connect`] is open: the core sends `setup`.
    pub fn connected(&mut self, now: Instant) {
        if self.conn != Conn::Connecting || self.state == State::Closed {
            return;
        }
        let mut setup = self.config.setup.clone();
        if let Some(handle) = &self.handle {
            let mut resumption = setup.session_resumption.take().unwrap_or_default();
            resumption.handle = Some(handle.clone());
            setup.session_resumption = Some(resumption);
        }
        match serde_json::to_vec(&BidiGenerateContentClientMessage::Setup(setup)) {
            Ok(frame) => self.actions.push_back(Action::Send(frame.into())),
            Err(e) => return self.fail(LiveError::Encode(e.to_string())),
        }
        self.conn = Conn::SetupSent;
        self.conn_next = 1;
        self.arm_keepalive(now);
    }

    /// Opening the connection failed (DNS, TCP, proxy, TLS, handshake); `error` says why (it
    /// must not hold a secret).
    pub fn connect_failed(&mut self, now: Instant, error: &str) {
        if self.conn != Conn::Connecting {
            return;
        }
        self.conn = Conn::None;
        self.setup_deadline = None;
        match self.state {
            State::AwaitingSetup => self.fail(LiveError::Connect(error.to_owned())),
            State::Resuming => self.next_attempt(now, error.to_owned()),
            _ => {}
        }
    }

    /// A WebSocket pong arrived.
    pub fn handle_pong(&mut self, now: Instant) {
        self.arm_idle(now);
    }

    /// A text or binary frame arrived (UTF-8 JSON in either).
    pub fn handle_frame(&mut self, frame: &[u8], now: Instant) {
        if matches!(self.state, State::Closed) || matches!(self.conn, Conn::None | Conn::Connecting)
        {
            return;
        }
        self.arm_idle(now);
        let msg: BidiGenerateContentServerMessage = match serde_json::from_slice(frame) {
            Ok(m) => m,
            Err(e) => {
                return self.fail(LiveError::Protocol(format!(
                    "a frame of {} bytes is not a Live server message: {e}",
                    frame.len()
                )));
            }
        };
        self.dispatch(msg, now);
    }

    /// The connection delivered something that is not a Live message (a frame over the size
    /// limit, invalid UTF-8 in a text frame): the session fails with [`LiveError::Protocol`].
    pub fn handle_protocol_error(&mut self, what: &str) {
        if self.state != State::Closed {
            self.fail(LiveError::Protocol(what.to_owned()));
        }
    }

    /// The number of actions not yet taken by [`poll_action`](Self::poll_action) (a shell
    /// uses it for backpressure).
    pub fn queued_actions(&self) -> usize {
        self.actions.len()
    }

    /// The setup timeout (a shell bounds its connection attempts with it).
    pub fn setup_timeout(&self) -> Duration {
        self.config.setup_timeout
    }

    /// The current connection closed: `code` is `None` when it dropped without a close frame
    /// (reported as 1006).
    pub fn handle_close(&mut self, now: Instant, code: Option<u16>, reason: &str) {
        if self.state == State::Closed || self.conn == Conn::None {
            return;
        }
        let code = code.unwrap_or(1006);
        let reason = if reason.is_empty() && code == 1006 {
            "the connection dropped without a close frame".to_owned()
        } else {
            reason.to_owned()
        };
        self.conn = Conn::None;
        self.connection_lost(now, code, reason);
    }

    fn connection_lost(&mut self, now: Instant, code: u16, reason: String) {
        self.next_ping = None;
        self.idle_deadline = None;
        match self.state {
            State::Closing => self.finish(Ok(())),
            State::AwaitingSetup => self.fail(LiveError::Rejected { code, reason }),
            State::Resuming => {
                self.setup_deadline = None;
                if matches!(code, 1007 | 1008) {
                    self.fail(LiveError::ResumeRejected { code, reason });
                } else {
                    self.next_attempt(now, format!("close {code}: {reason}"));
                }
            }
            State::Active => {
                if self.resumes() && (self.going_away || resumable_code(code)) {
                    let why = if reason.is_empty() {
                        format!("close {code}")
                    } else {
                        format!("close {code}: {reason}")
                    };
                    self.begin_resume(now, code, &reason, why);
                } else if code == 1000 {
                    self.finish(Ok(()));
                } else if resumable_code(code) {
                    self.fail(LiveError::ConnectionLost { code, reason });
                } else {
                    self.fail(LiveError::ClosedByServer { code, reason });
                }
            }
            State::Closed => {}
        }
    }

    /// Time passed: fires whatever deadline is due.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.state == State::Closed {
            return;
        }
        if self.close_deadline.is_some_and(|d| now >= d) {
            self.close_deadline = None;
            self.disconnect(1000, "");
            return self.finish(Ok(()));
        }
        if self.setup_deadline.is_some_and(|d| now >= d) {
            self.setup_deadline = None;
            let timeout = self.config.setup_timeout;
            match self.state {
                State::AwaitingSetup => return self.fail(LiveError::SetupTimeout(timeout)),
                State::Resuming => {
                    self.disconnect(1000, "setup timeout");
                    self.next_attempt(now, format!("no setupComplete within {timeout:?}"));
                }
                _ => {}
            }
        }
        if self.backoff_until.is_some_and(|d| now >= d) {
            self.backoff_until = None;
            self.start_connect(now);
        }
        if self.idle_deadline.is_some_and(|d| now >= d) && self.conn != Conn::None {
            self.idle_deadline = None;
            // Counted as an abnormal closure (1006): the connection is silently dead.
            self.disconnect(1001, "keepalive timeout");
            let reason = "no frame received within the idle timeout".to_owned();
            return self.connection_lost(now, 1006, reason);
        }
        if self.drain_deadline.is_some_and(|d| now >= d) {
            self.drain_deadline = None;
            if self.state == State::Active && self.going_away {
                self.resume_after_go_away(now);
            }
        }
        if self.next_ping.is_some_and(|d| now >= d) {
            self.actions.push_back(Action::Ping);
            self.next_ping = self.config.keepalive_interval.map(|i| add(now, i));
        }
    }

    /// Sends a client message: at once when the session is active, otherwise queued until it
    /// is (re)connected. `setup` is refused: the session sends it.
    pub fn send(&mut self, msg: &BidiGenerateContentClientMessage) -> Result<(), LiveError> {
        if matches!(self.state, State::Closing | State::Closed) {
            return Err(LiveError::SessionClosed);
        }
        if matches!(msg, BidiGenerateContentClientMessage::Setup(_)) {
            return Err(LiveError::InvalidConfig(
                "the session sends `setup` itself; configure it with LiveConfig".into(),
            ));
        }
        let turn = match msg {
            BidiGenerateContentClientMessage::ClientContent(c) if c.turn_complete == Some(true) => {
                TurnRole::Starts
            }
            BidiGenerateContentClientMessage::RealtimeInput(r) if r.text.is_some() => {
                TurnRole::Starts
            }
            BidiGenerateContentClientMessage::ToolResponse(_) => TurnRole::Continues,
            _ => TurnRole::None,
        };
        // After a goAway only the current turn's tool responses go out on the old connection;
        // the rest waits for the new one.
        let tool_response = matches!(msg, BidiGenerateContentClientMessage::ToolResponse(_));
        if self.state == State::Active && (!self.going_away || tool_response) {
            let frame = serde_json::to_vec(msg).map_err(|e| LiveError::Encode(e.to_string()))?;
            self.transmit(frame.into(), turn);
        } else {
            if self.pending.len() >= self.config.max_queued_messages {
                return Err(LiveError::QueueFull {
                    capacity: self.config.max_queued_messages,
                });
            }
            let frame = serde_json::to_vec(msg).map_err(|e| LiveError::Encode(e.to_string()))?;
            self.pending.push_back((frame.into(), turn));
        }
        Ok(())
    }

    /// Closes the session cleanly: a close frame with code 1000, then [`LiveEvent::Closed`]
    /// with `Ok(())` once the server answers (or after the close timeout).
    pub fn close(&mut self, now: Instant) {
        match self.state {
            State::Closing | State::Closed => {}
            _ if matches!(self.conn, Conn::SetupSent | Conn::Up) => {
                self.state = State::Closing;
                self.actions.push_back(Action::Close {
                    code: 1000,
                    reason: String::new(),
                });
                self.clear_timers();
                self.close_deadline = Some(add(now, self.config.close_timeout));
            }
            _ => {
                if self.conn == Conn::Connecting {
                    self.disconnect(1000, "");
                }
                self.finish(Ok(()));
            }
        }
    }

    fn clear_timers(&mut self) {
        self.setup_deadline = None;
        self.backoff_until = None;
        self.resume_deadline = None;
        self.drain_deadline = None;
        self.next_ping = None;
        self.idle_deadline = None;
    }

    fn arm_keepalive(&mut self, now: Instant) {
        self.next_ping = self.config.keepalive_interval.map(|i| add(now, i));
        self.arm_idle(now);
    }

    fn arm_idle(&mut self, now: Instant) {
        self.idle_deadline = self.config.idle_timeout.map(|i| add(now, i));
    }

    fn disconnect(&mut self, code: u16, reason: &str) {
        if self.conn != Conn::None {
            self.actions.push_back(Action::Disconnect {
                code,
                reason: reason.to_owned(),
            });
            self.conn = Conn::None;
        }
    }

    fn transmit(&mut self, frame: Bytes, turn: TurnRole) {
        let conn_index = self.conn_next;
        self.conn_next += 1;
        if turn != TurnRole::None {
            self.generating = true;
        }
        if self.resumes() {
            self.replay_bytes += frame.len();
            self.replay.push_back(Sent {
                conn_index,
                frame: frame.clone(),
                turn,
                answered: false,
            });
            while self.replay_bytes > self.config.max_replay_bytes {
                if !self.prune_oldest() {
                    break;
                }
                self.replay_lost += 1;
            }
        }
        self.actions.push_back(Action::Send(frame));
    }

    fn flush_pending(&mut self) {
        while let Some((frame, turn)) = self.pending.pop_front() {
            self.transmit(frame, turn);
        }
    }

    /// Drops the oldest message of the replay buffer; `false` when it is empty.
    fn prune_oldest(&mut self) -> bool {
        let Some(old) = self.replay.pop_front() else {
            return false;
        };
        self.replay_bytes -= old.frame.len();
        if old.turn == TurnRole::Starts && !old.answered {
            // Consumed, answer not seen yet: the next turnComplete is its.
            self.answer_debt += 1;
        }
        true
    }

    /// A turn completed: the oldest unanswered turn sent is answered.
    fn turn_answered(&mut self) {
        if self.answer_debt > 0 {
            self.answer_debt -= 1;
        } else if let Some(s) = self
            .replay
            .iter_mut()
            .find(|s| s.turn == TurnRole::Starts && !s.answered)
        {
            s.answered = true;
        }
    }

    fn finish(&mut self, result: Result<(), LiveError>) {
        self.clear_timers();
        self.close_deadline = None;
        self.state = State::Closed;
        self.conn = Conn::None;
        self.pending.clear();
        self.replay.clear();
        self.replay_bytes = 0;
        self.events.push_back(LiveEvent::Closed(result));
    }

    fn fail(&mut self, error: LiveError) {
        let code = if matches!(error, LiveError::Protocol(_)) {
            1007
        } else {
            1000
        };
        self.disconnect(code, "");
        self.finish(Err(error));
    }

    fn start_connect(&mut self, now: Instant) {
        self.conn = Conn::Connecting;
        self.actions.push_back(Action::Connect);
        self.setup_deadline = Some(add(now, self.config.setup_timeout));
    }

    /// Starts resuming after the connection ended with `code` and `reason`; `why` is what the
    /// [`LiveEvent::Reconnecting`] event says.
    fn begin_resume(&mut self, now: Instant, code: u16, reason: &str, why: String) {
        if self.handle.is_none() {
            return self.fail(LiveError::ConnectionLost {
                code,
                reason: format!("{reason} (no resumable handle has arrived yet)"),
            });
        }
        self.state = State::Resuming;
        self.attempts = 0;
        self.going_away = false;
        self.drain_deadline = None;
        self.next_ping = None;
        self.idle_deadline = None;
        self.resume_deadline = Some(add(now, self.config.resumption.budget));
        self.next_attempt(now, why);
    }

    fn next_attempt(&mut self, now: Instant, why: String) {
        let policy = &self.config.resumption;
        let spent =
            self.attempts >= policy.max_attempts || self.resume_deadline.is_some_and(|d| now >= d);
        if spent {
            return self.fail(LiveError::ResumeBudgetSpent {
                attempts: self.attempts,
                last_error: why,
            });
        }
        self.attempts += 1;
        let delay = if self.attempts == 1 {
            Duration::ZERO
        } else {
            let doublings = (self.attempts - 2).min(16);
            policy
                .initial_backoff
                .saturating_mul(1 << doublings)
                .min(policy.max_backoff)
        };
        self.events.push_back(LiveEvent::Reconnecting {
            attempt: self.attempts,
            reason: why.clone(),
        });
        self.last_error = why;
        if delay.is_zero() {
            self.start_connect(now);
        } else {
            self.backoff_until = Some(add(now, delay));
        }
    }

    fn resume_after_go_away(&mut self, now: Instant) {
        self.disconnect(1000, "resuming after goAway");
        self.begin_resume(now, 1000, "goAway", "goAway".to_owned());
    }

    /// After a `goAway`: resume once the current turn is over and its resumption update has
    /// arrived (or the grace time has passed).
    fn maybe_resume_after_go_away(&mut self, now: Instant) {
        if self.state == State::Active && self.going_away && !self.generating && self.handle_fresh {
            self.resume_after_go_away(now);
        }
    }

    fn on_setup_complete(&mut self) {
        self.setup_deadline = None;
        self.conn = Conn::Up;
        match self.state {
            State::AwaitingSetup => {
                self.state = State::Active;
                self.attempts = 0;
                self.flush_pending();
            }
            State::Resuming => {
                self.state = State::Active;
                self.resume_deadline = None;
                self.generating = false;
                self.answer_debt = 0;
                // The server answers again the turns it gets again; those already seen
                // complete are not shown twice.
                self.suppress_turns = 0;
                let mut resent = 0;
                for sent in &mut self.replay {
                    sent.conn_index = self.conn_next;
                    self.conn_next += 1;
                    self.generating |= sent.turn != TurnRole::None;
                    if sent.answered {
                        self.suppress_turns += 1;
                    }
                    self.actions.push_back(Action::Send(sent.frame.clone()));
                    resent += 1;
                }
                self.events.push_back(LiveEvent::Resumed {
                    attempts: self.attempts,
                    resent,
                    lost: std::mem::take(&mut self.replay_lost),
                });
                self.attempts = 0;
                self.flush_pending();
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, msg: BidiGenerateContentServerMessage, now: Instant) {
        let BidiGenerateContentServerMessage {
            message_type,
            usage_metadata,
            extra,
            ..
        } = msg;
        let suppress = self.suppress_turns > 0;
        // Usage first: it belongs to the message, which may end the turn.
        if let Some(u) = usage_metadata.filter(|_| !suppress) {
            self.events.push_back(LiveEvent::Usage(Box::new(u)));
        }
        match message_type {
            Some(ServerMessageType::SetupComplete(_)) if self.conn == Conn::SetupSent => {
                self.on_setup_complete();
            }
            Some(ServerMessageType::ServerContent(c)) => self.server_content(c, suppress),
            Some(ServerMessageType::ToolCall(c)) => {
                self.generating = true;
                if !suppress {
                    self.events.push_back(LiveEvent::ToolCall(c.function_calls));
                }
            }
            Some(ServerMessageType::ToolCallCancellation(c)) if !suppress => {
                self.events
                    .push_back(LiveEvent::ToolCallCancellation(c.ids));
            }
            Some(ServerMessageType::GoAway(g)) => {
                self.events.push_back(LiveEvent::GoAway {
                    time_left: g.time_left,
                });
                if self.resumes() && self.state == State::Active && self.handle.is_some() {
                    self.going_away = true;
                    let margin = Duration::from_secs(1);
                    let left = g.time_left.unwrap_or_default().saturating_sub(margin);
                    self.drain_deadline = Some(add(now, left));
                    if !self.generating && self.handle_fresh {
                        self.resume_after_go_away(now);
                    }
                }
            }
            Some(ServerMessageType::SessionResumptionUpdate(u)) => {
                if let Some(h) = u.usable_handle() {
                    self.handle = Some(h.to_owned());
                    self.handle_fresh = true;
                    // The index counts this connection's messages, `setup` being 0. Without
                    // it, what was sent before the update is taken as included.
                    let consumed = u
                        .last_consumed_client_message_index
                        .map_or(u64::MAX, |i| u64::try_from(i).unwrap_or(0));
                    while self
                        .replay
                        .front()
                        .is_some_and(|s| s.conn_index <= consumed)
                    {
                        self.prune_oldest();
                    }
                }
                self.events.push_back(LiveEvent::ResumptionUpdate(u));
                self.maybe_resume_after_go_away(now);
            }
            Some(ServerMessageType::VoiceActivityDetectionSignal(v)) => {
                self.events.push_back(LiveEvent::VoiceActivityDetection(v));
            }
            Some(ServerMessageType::VoiceActivity(v)) => {
                self.events.push_back(LiveEvent::VoiceActivity(v));
            }
            Some(ServerMessageType::Unknown { key, value }) => {
                self.events.push_back(LiveEvent::Unknown { key, value });
            }
            // A repeated setupComplete, a message kind added later to the enum, or none.
            _ => {}
        }
        for (key, value) in extra {
            self.events.push_back(LiveEvent::Unknown { key, value });
        }
        if self.going_away && !self.generating && self.state == State::Active {
            // The turn ended: give the update that includes it a moment to arrive.
            let grace = add(now, self.config.resumption.update_grace);
            if self.drain_deadline.is_none_or(|d| d > grace) {
                self.drain_deadline = Some(grace);
            }
        }
    }

    /// Takes the fields out of the box (moving the whole payload would copy it).
    fn server_content(&mut self, mut c: Box<BidiGenerateContentServerContent>, suppress: bool) {
        if suppress {
            if c.model_turn.is_some() {
                self.generating = true;
            }
            if c.turn_complete == Some(true) {
                self.generating = false;
                self.handle_fresh = false;
                self.suppress_turns -= 1;
            }
            return;
        }
        if let Some(turn) = c.model_turn.take() {
            self.generating = true;
            for part in turn.parts {
                let event = match part.data {
                    PartData::Text(text) if !part.is_thought() => LiveEvent::Text(text),
                    PartData::InlineData(ref blob)
                        if blob.data.is_some()
                            && blob
                                .mime_type
                                .as_deref()
                                .is_some_and(|m| m.starts_with("audio/pcm")) =>
                    {
                        let sample_rate = blob
                            .mime_type
                            .as_deref()
                            .and_then(crate::pcm::rate_of_mime)
                            .unwrap_or(24_000);
                        LiveEvent::Audio {
                            data: blob.data.clone().unwrap_or_default(),
                            sample_rate,
                        }
                    }
                    _ => LiveEvent::ModelPart(Box::new(part)),
                };
                self.events.push_back(event);
            }
        }
        if let Some(t) = c.input_transcription.take() {
            self.events.push_back(LiveEvent::InputTranscription {
                text: t.text.unwrap_or_default(),
                finished: t.finished == Some(true),
            });
        }
        if let Some(t) = c.output_transcription.take() {
            self.events.push_back(LiveEvent::OutputTranscription {
                text: t.text.unwrap_or_default(),
                finished: t.finished == Some(true),
            });
        }
        if let Some(g) = c.grounding_metadata.take() {
            self.events.push_back(LiveEvent::Grounding(Box::new(g)));
        }
        if let Some(u) = c.url_context_metadata.take() {
            self.events.push_back(LiveEvent::UrlContext(Box::new(u)));
        }
        if c.interrupted == Some(true) {
            self.generating = false;
            self.events.push_back(LiveEvent::Interrupted);
        }
        if c.generation_complete == Some(true) {
            self.events.push_back(LiveEvent::GenerationComplete);
        }
        if c.waiting_for_input == Some(true) {
            self.events.push_back(LiveEvent::WaitingForInput);
        }
        if c.turn_complete == Some(true) {
            self.generating = false;
            self.handle_fresh = false;
            self.turn_answered();
            self.events.push_back(LiveEvent::TurnComplete {
                reason: c.turn_complete_reason.take(),
            });
        }
    }
}
