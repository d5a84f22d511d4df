//! One Live connection: setup, then the message loop (client input, handled in
//! [`super::input`]; paced model turns, resumption updates and faults).

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Sleep;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::fault::{Action, LiveFault, Trigger};
use super::session::{self, Conversation, Out};
use super::setup::{self, INVALID_ARGUMENT, Setup};
use super::{Close, Credential};
use crate::errors::format_duration;
use crate::model::hash::hash64;
use crate::model::tokenizer::ModalityCounts;
use crate::resources::auth_tokens;
use crate::state::State;

/// How long the emulator waits for the `setup` message.
const SETUP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a closing connection waits for the client's close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(1);
/// Handles kept valid per connection (older ones are forgotten as new ones are issued).
const KEPT_HANDLES: usize = 16;

/// How the message loop ends.
pub(super) enum End {
    /// Close with a frame.
    Close(Close),
    /// Drop the TCP connection without a close frame.
    Drop,
    /// The client closed or went away.
    Gone,
}

impl From<Close> for End {
    fn from(c: Close) -> Self {
        Self::Close(c)
    }
}

/// A spoken turn being collected.
#[derive(Debug, Default)]
pub(super) struct Speech {
    pub(super) active: bool,
    pub(super) ms: u64,
    pub(super) silence_ms: u64,
}

pub(super) struct Conn<S> {
    pub(super) ws: WebSocketStream<S>,
    pub(super) state: Arc<State>,
    pub(super) setup: Setup,
    pub(super) conv: Conversation,
    pub(super) fault: Option<LiveFault>,
    /// Client messages after `setup` received on this connection.
    pub(super) received: u64,
    /// Server messages after `setupComplete` sent on this connection.
    pub(super) sent: u64,
    /// The last client message whose effect the conversation holds.
    pub(super) consumed: u64,
    /// The current turn's messages still to send.
    pub(super) outbox: VecDeque<Out>,
    /// Messages of the current turn already sent, and the reply text they carried.
    pub(super) turn_sent: usize,
    pub(super) turn_text: String,
    /// The current turn is function calls.
    pub(super) turn_calls: bool,
    pub(super) speech: Speech,
    /// Tokens of media (video frames) received since the last user turn.
    pub(super) media: ModalityCounts,
    pub(super) handles: VecDeque<String>,
    pub(super) go_away: Option<Pin<Box<Sleep>>>,
}

/// Runs a connection to its end.
pub(crate) async fn run<S>(
    mut ws: WebSocketStream<S>,
    state: Arc<State>,
    version: &'static str,
    credential: Credential,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let first = match tokio::time::timeout(SETUP_TIMEOUT, next_json(&mut ws)).await {
        Err(_) => Err(End::Close(Close::invalid(INVALID_ARGUMENT))),
        Ok(r) => r,
    };
    let result = match first {
        Ok(msg) => start(ws, state, version, credential, &msg).await,
        Err(end) => Err((ws, end)),
    };
    if let Err((ws, end)) = result {
        finish(ws, end).await;
    }
}

/// The setup phase; on success runs the session, and gives the socket back with how it ends.
async fn start<S>(
    mut ws: WebSocketStream<S>,
    state: Arc<State>,
    version: &'static str,
    credential: Credential,
    first: &Value,
) -> Result<(), (WebSocketStream<S>, End)>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (setup, conversation) = match accept_setup(&state, version, &credential, first) {
        Ok(s) => s,
        Err(close) => return Err((ws, End::Close(close))),
    };
    if send(&mut ws, &json!({"setupComplete": {}})).await.is_err() {
        return Err((ws, End::Gone));
    }
    let fault = state.live.next();
    let mut live = Conn {
        ws,
        state,
        setup,
        conv: conversation,
        fault,
        received: 0,
        sent: 0,
        consumed: 0,
        outbox: VecDeque::new(),
        turn_sent: 0,
        turn_text: String::new(),
        turn_calls: false,
        speech: Speech::default(),
        media: ModalityCounts::default(),
        handles: VecDeque::new(),
        go_away: None,
    };
    let end = live.serve().await;
    Err((live.ws, end))
}

/// Checks credentials and the setup; gives the session's setup and conversation.
fn accept_setup(
    state: &State,
    version: &str,
    credential: &Credential,
    first: &Value,
) -> Result<(Setup, Conversation), Close> {
    let obj = first.as_object().filter(|o| o.len() == 1);
    let Some(value) = obj.and_then(|o| o.get("setup")) else {
        return Err(Close::invalid(INVALID_ARGUMENT));
    };
    let token = match credential {
        Credential::Key(Err(reason)) => return Err(Close::policy(reason.clone())),
        Credential::Key(Ok(())) => None,
        Credential::Token(None) => {
            return Err(Close::policy(
                crate::errors::ApiError::missing_api_key().message,
            ));
        }
        Credential::Token(Some(t)) => Some(t.as_str()),
    };
    let mut raw = setup::canonical(value)?;
    if let Some(name) = token {
        // The token's constraints apply before the model and settings are checked: a locked
        // field the client got wrong is overridden, not refused.
        let resume = raw
            .pointer("/sessionResumption/handle")
            .and_then(Value::as_str)
            .is_some_and(|h| !h.is_empty());
        let constraints = auth_tokens::redeem(state, name, resume).map_err(Close::policy)?;
        raw = auth_tokens::constrain(&constraints, &raw);
    }
    let setup = setup::settings(state, raw, version)?;
    let mut conv = match &setup.handle {
        Some(h) => session::restore(state, h).ok_or_else(|| Close::invalid(INVALID_ARGUMENT))?,
        None => Conversation::default(),
    };
    conv.seed = hash64(0x4c49_5645, &state.next_response_number().to_le_bytes());
    Ok((setup, conv))
}

/// Sends a close frame (or nothing, for a drop) and waits briefly for the client's.
async fn finish<S>(mut ws: WebSocketStream<S>, end: End)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    match end {
        End::Drop => tracing::debug!("live connection dropped by fault injection"),
        End::Gone => {
            tracing::debug!("live connection ended by the client");
            // Completes a close handshake the client started: the reply tungstenite queued is
            // written by a flush (a connection that is already gone fails at once).
            let _ = tokio::time::timeout(CLOSE_WAIT, ws.flush()).await;
        }
        End::Close(close) => {
            tracing::debug!(code = close.code, reason = %close.reason, "live connection closed");
            let frame = CloseFrame {
                code: CloseCode::from(close.code),
                reason: close.reason.into(),
            };
            if ws.close(Some(frame)).await.is_ok() {
                let drain = async { while let Some(Ok(_)) = ws.next().await {} };
                let _ = tokio::time::timeout(CLOSE_WAIT, drain).await;
            }
        }
    }
}

/// The next JSON message (text or binary frame); control frames are skipped.
async fn next_json<S>(ws: &mut WebSocketStream<S>) -> Result<Value, End>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    loop {
        let bytes = match ws.next().await {
            None | Some(Err(_) | Ok(Message::Close(_))) => return Err(End::Gone),
            Some(Ok(Message::Text(t))) => Bytes::from(t),
            Some(Ok(Message::Binary(b))) => b,
            Some(Ok(_)) => continue,
        };
        return serde_json::from_slice(&bytes).map_err(|e| {
            End::Close(Close::invalid(
                crate::validate::malformed_json_error(&bytes, &e).message,
            ))
        });
    }
}

async fn send<S>(ws: &mut WebSocketStream<S>, msg: &Value) -> Result<(), End>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let bytes = serde_json::to_vec(msg).unwrap_or_default();
    ws.send(Message::Binary(bytes.into()))
        .await
        .map_err(|_| End::Gone)
}

/// The payload of a client message and its kind, accepting the snake_case keys some clients
/// send (`client_content`, `realtime_input`, `tool_response`).
fn kind(msg: &Value) -> Result<(&'static str, &Value), Close> {
    let Some(obj) = msg.as_object() else {
        return Err(Close::invalid(INVALID_ARGUMENT));
    };
    if obj.len() != 1 {
        return Err(Close::invalid(INVALID_ARGUMENT));
    }
    let Some((key, value)) = obj.iter().next() else {
        return Err(Close::invalid(INVALID_ARGUMENT));
    };
    let kind = match key.as_str() {
        "setup" => "setup",
        "clientContent" | "client_content" => "client_content",
        "realtimeInput" | "realtime_input" => "realtime_input",
        "toolResponse" | "tool_response" => "tool_response",
        "contextUpdate" | "context_update" => "context_update",
        other => {
            return Err(Close::invalid(format!(
                "Invalid JSON payload received. Unknown name \"{other}\": Cannot find field."
            )));
        }
    };
    Ok((kind, value))
}

impl<S> Conn<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    async fn serve(&mut self) -> End {
        let interval = self.state.config.chunk_interval;
        let pace = tokio::time::sleep(interval);
        tokio::pin!(pace);
        // The connection's lifetime: `goAway` when the warning time is left, then the close.
        let lifetime = self.state.config.live.lifetime;
        let mut expiry = lifetime
            .map(|(life, warning)| Box::pin(tokio::time::sleep(life.saturating_sub(warning))));
        // A fault set to fire right after `setupComplete`.
        if let Err(end) = self.check_server_fault().await {
            return end;
        }
        loop {
            if interval.is_zero() {
                while let Some(out) = self.outbox.pop_front() {
                    if let Err(end) = self.emit(out).await {
                        return end;
                    }
                }
            }
            let result = tokio::select! {
                biased;
                () = async {
                    match self.go_away.as_mut() {
                        Some(timer) => timer.as_mut().await,
                        None => std::future::pending().await,
                    }
                } => Err(End::Close(Close::new(1000, ""))),
                () = async {
                    match expiry.as_mut() {
                        Some(timer) => timer.as_mut().await,
                        None => std::future::pending().await,
                    }
                } => {
                    expiry = None;
                    let warning = lifetime.map_or(Duration::ZERO, |(_, w)| w);
                    self.go_away(warning).await
                }
                msg = next_json(&mut self.ws) => match msg {
                    Ok(msg) => self.on_message(&msg).await,
                    Err(end) => Err(end),
                },
                () = pace.as_mut(), if !self.outbox.is_empty() => {
                    pace.as_mut().reset(tokio::time::Instant::now() + interval);
                    match self.outbox.pop_front() {
                        Some(out) => self.emit(out).await,
                        None => Ok(()),
                    }
                }
            };
            if let Err(end) = result {
                return end;
            }
        }
    }

    /// Fires the connection's fault if it is due after `sent` server messages.
    async fn check_server_fault(&mut self) -> Result<(), End> {
        if matches!(&self.fault, Some(f) if f.trigger == Trigger::ServerMessages(self.sent)) {
            return self.fire().await;
        }
        Ok(())
    }

    async fn fire(&mut self) -> Result<(), End> {
        let Some(fault) = self.fault.take() else {
            return Ok(());
        };
        match fault.action {
            Action::GoAway(time_left) => self.go_away(time_left).await,
            Action::Drop => Err(End::Drop),
            Action::Close(code, reason) => Err(End::Close(Close::new(code, reason))),
            Action::Nothing => Ok(()),
        }
    }

    /// Sends `goAway` and closes the connection (1000) when `time_left` has passed (an earlier
    /// `goAway`'s deadline stands).
    async fn go_away(&mut self, time_left: Duration) -> Result<(), End> {
        if self.go_away.is_none() {
            self.go_away = Some(Box::pin(tokio::time::sleep(time_left)));
        }
        send(
            &mut self.ws,
            &json!({"goAway": {"timeLeft": format_duration(time_left)}}),
        )
        .await
    }

    /// Sends one server message; a fault due after it fires.
    pub(super) async fn send_counted(&mut self, msg: &Value) -> Result<(), End> {
        send(&mut self.ws, msg).await?;
        self.sent += 1;
        self.check_server_fault().await
    }

    async fn emit(&mut self, out: Out) -> Result<(), End> {
        match out {
            Out::Msg { msg, text } => {
                self.send_counted(&msg).await?;
                self.turn_sent += 1;
                self.turn_text.push_str(&text);
                Ok(())
            }
            Out::End => {
                self.turn_sent = 0;
                self.turn_text.clear();
                self.resumption_update().await
            }
        }
    }

    /// `sessionResumptionUpdate` with a new handle for the conversation as it stands.
    async fn resumption_update(&mut self) -> Result<(), End> {
        if !self.setup.resumption {
            return Ok(());
        }
        let handle =
            session::issue_handle(&self.state, &self.conv, self.state.config.live.handle_ttl);
        self.handles.push_back(handle.clone());
        if self.handles.len() > KEPT_HANDLES {
            if let Some(old) = self.handles.pop_front() {
                session::drop_handle(&self.state, &old);
            }
        }
        let msg = json!({"sessionResumptionUpdate": {
            "newHandle": handle,
            "resumable": true,
            "lastConsumedClientMessageIndex": self.consumed.to_string(),
        }});
        self.send_counted(&msg).await
    }

    async fn on_message(&mut self, msg: &Value) -> Result<(), End> {
        self.received += 1;
        if matches!(&self.fault, Some(f) if f.trigger == Trigger::ClientMessages(self.received)) {
            self.fire().await?;
        }
        let (kind, value) = kind(msg)?;
        match kind {
            "client_content" => self.client_content(value).await?,
            "realtime_input" => self.realtime_input(value).await?,
            "tool_response" => self.tool_response(value)?,
            "context_update" => self.context_update(value)?,
            // A second `setup`.
            _ => return Err(Close::invalid(INVALID_ARGUMENT).into()),
        }
        if !self.speech.active {
            self.consumed = self.received;
        }
        Ok(())
    }
}
