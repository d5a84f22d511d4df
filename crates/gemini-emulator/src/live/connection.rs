//! One Live connection: setup, then the message loop (client input, paced model turns,
//! resumption updates and faults).

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use gemini_types::{
    BidiGenerateContentClientContent, BidiGenerateContentContextUpdate,
    BidiGenerateContentRealtimeInput, BidiGenerateContentToolResponse,
};
use serde_json::{Map, Value, json};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::time::Sleep;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use super::audio;
use super::fault::{Action, LiveFault, Trigger};
use super::session::{self, Conversation, Entry, Out};
use super::setup::{self, INVALID_ARGUMENT, Setup};
use super::{Close, Credential};
use crate::errors::format_duration;
use crate::model::hash::hash64;
use crate::model::tokenizer::{IMAGE_TOKENS, ModalityCounts};
use crate::resources::auth_tokens;
use crate::state::State;
use crate::validate::{content_extras, contents_extras, parse_strict_under};

/// How long the emulator waits for the `setup` message.
const SETUP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a closing connection waits for the client's close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(1);
/// Handles kept valid per connection (older ones are forgotten as new ones are issued).
const KEPT_HANDLES: usize = 16;

/// How the message loop ends.
enum End {
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
struct Speech {
    active: bool,
    ms: u64,
    silence_ms: u64,
}

struct Conn<S> {
    ws: WebSocketStream<S>,
    state: Arc<State>,
    setup: Setup,
    conv: Conversation,
    fault: Option<LiveFault>,
    /// Client messages after `setup` received on this connection.
    received: u64,
    /// Server messages after `setupComplete` sent on this connection.
    sent: u64,
    /// The last client message whose effect the conversation holds.
    consumed: u64,
    /// The current turn's messages still to send.
    outbox: VecDeque<Out>,
    /// Messages of the current turn already sent, and the reply text they carried.
    turn_sent: usize,
    turn_text: String,
    /// The current turn is function calls.
    turn_calls: bool,
    speech: Speech,
    /// Tokens of media (video frames) received since the last user turn.
    media: ModalityCounts,
    handles: VecDeque<String>,
    go_away: Option<Pin<Box<Sleep>>>,
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
    let mut setup = setup::parse(state, value, version)?;
    if let Some(name) = token {
        let constraints =
            auth_tokens::redeem(state, name, setup.handle.is_some()).map_err(Close::policy)?;
        let merged = auth_tokens::constrain(&constraints, &setup.raw);
        setup = setup::parse(state, &merged, version)?;
    }
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
            Action::GoAway(time_left) => {
                self.go_away = Some(Box::pin(tokio::time::sleep(time_left)));
                send(
                    &mut self.ws,
                    &json!({"goAway": {"timeLeft": format_duration(time_left)}}),
                )
                .await
            }
            Action::Drop => Err(End::Drop),
            Action::Close(code, reason) => Err(End::Close(Close::new(code, reason))),
            Action::Nothing => Ok(()),
        }
    }

    /// Sends one server message; a fault due after it fires.
    async fn send_counted(&mut self, msg: &Value) -> Result<(), End> {
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

    /// New user input cuts the model off: the rest of a streaming turn is dropped (the history
    /// keeps what was sent, and the client gets `interrupted`), and function calls still
    /// waiting for a response are cancelled (`toolCallCancellation`).
    async fn interrupt(&mut self) -> Result<(), End> {
        if !self.outbox.is_empty() {
            self.outbox.clear();
            if self.turn_calls {
                if self.turn_sent == 0 {
                    // The calls were never sent: as if they had not been made.
                    self.conv.pop();
                    self.conv.pending_calls.clear();
                }
            } else {
                let partial = std::mem::take(&mut self.turn_text);
                if partial.is_empty() {
                    self.conv.pop();
                } else {
                    self.conv.replace_last(Entry::counted(
                        json!({"role": "model", "parts": [{"text": partial}]}),
                    ));
                }
                self.conv.turns = self.conv.turns.saturating_sub(1);
                self.send_counted(&json!({"serverContent": {"interrupted": true}}))
                    .await?;
            }
            self.turn_sent = 0;
            self.turn_text.clear();
        }
        if !self.conv.pending_calls.is_empty() {
            let ids = std::mem::take(&mut self.conv.pending_calls);
            self.send_counted(&json!({"toolCallCancellation": {"ids": ids}}))
                .await?;
        }
        Ok(())
    }

    /// Adds a user entry (with the media received since the last one) and plans the reply.
    fn user_turn(&mut self, mut entry: Entry) -> Result<(), Close> {
        entry.tokens.add(std::mem::take(&mut self.media));
        self.conv.push(entry);
        self.conv.fit(&self.setup)?;
        self.answer()
    }

    fn answer(&mut self) -> Result<(), Close> {
        let turn = session::plan_turn(&self.state, &self.setup, &mut self.conv)?;
        self.conv.fit(&self.setup)?;
        self.turn_calls = turn.calls;
        self.turn_sent = 0;
        self.turn_text.clear();
        self.outbox.extend(turn.queue);
        Ok(())
    }

    async fn client_content(&mut self, value: &Value) -> Result<(), End> {
        let (parsed, canonical) = parse_strict_under::<BidiGenerateContentClientContent>(
            value,
            "client_content",
            |c, u| contents_extras(&c.turns, "turns", u),
        )
        .map_err(|e| Close::invalid(e.message))?;
        let complete = parsed.turn_complete == Some(true);
        if parsed.turns.is_empty() && !complete {
            return Ok(());
        }
        self.interrupt().await?;
        let turns = canonical
            .get("turns")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let n = turns.len();
        for (i, turn) in turns.into_iter().enumerate() {
            let entry = Entry::counted(turn);
            if complete && i + 1 == n {
                self.user_turn(entry)?;
                return Ok(());
            }
            self.conv.push(entry);
        }
        self.conv.fit(&self.setup)?;
        if complete {
            // `turnComplete` alone: answer the history as it stands.
            if self.conv.history.is_empty() {
                return Err(Close::invalid(INVALID_ARGUMENT).into());
            }
            self.answer()?;
        }
        Ok(())
    }

    async fn realtime_input(&mut self, value: &Value) -> Result<(), End> {
        let (parsed, canonical) = parse_strict_under::<BidiGenerateContentRealtimeInput>(
            value,
            "realtime_input",
            |_, _| {},
        )
        .map_err(|e| Close::invalid(e.message))?;
        let _ = parsed;
        let obj = canonical.as_object().cloned().unwrap_or_default();
        let mut blobs: Vec<Value> = Vec::new();
        for key in ["audio", "video"] {
            if let Some(b) = obj.get(key) {
                blobs.push(b.clone());
            }
        }
        if let Some(Value::Array(chunks)) = obj.get("mediaChunks") {
            blobs.extend(chunks.iter().cloned());
        }
        for blob in &blobs {
            self.blob(blob).await?;
        }
        if obj.contains_key("activityStart") {
            self.start_speech().await?;
        }
        if obj.contains_key("activityEnd") && self.speech.active {
            self.end_speech().await?;
        }
        if obj.get("audioStreamEnd").and_then(Value::as_bool) == Some(true)
            && self.speech.active
            && !self.setup.manual_activity
        {
            self.end_speech().await?;
        }
        if let Some(text) = obj.get("text").and_then(Value::as_str) {
            self.interrupt().await?;
            self.user_turn(Entry::counted(
                json!({"role": "user", "parts": [{"text": text}]}),
            ))?;
        }
        Ok(())
    }

    /// One audio chunk or video frame.
    async fn blob(&mut self, blob: &Value) -> Result<(), End> {
        let mime = blob.get("mimeType").and_then(Value::as_str).unwrap_or("");
        let data = blob.get("data").and_then(Value::as_str).unwrap_or("");
        if mime.starts_with("image/") || mime.starts_with("video/") {
            self.media.image += IMAGE_TOKENS;
            return Ok(());
        }
        let Some(rate) = audio::pcm_rate(mime) else {
            return Err(Close::invalid(INVALID_ARGUMENT).into());
        };
        let pcm = decode_b64(data).ok_or_else(|| Close::invalid(INVALID_ARGUMENT))?;
        let ms = audio::duration_ms(pcm.len(), rate);
        if self.setup.manual_activity {
            if self.speech.active {
                self.speech.ms += ms;
            }
            return Ok(());
        }
        if audio::is_voiced(&pcm) {
            if !self.speech.active {
                self.start_speech().await?;
            }
            self.speech.ms += ms;
            self.speech.silence_ms = 0;
        } else if self.speech.active {
            self.speech.ms += ms;
            self.speech.silence_ms += ms;
            if self.speech.silence_ms >= self.setup.silence_ms {
                self.end_speech().await?;
            }
        }
        Ok(())
    }

    async fn start_speech(&mut self) -> Result<(), End> {
        if self.setup.interrupts {
            self.interrupt().await?;
        }
        self.speech = Speech {
            active: true,
            ..Speech::default()
        };
        Ok(())
    }

    /// The end of a spoken turn: the emulator "hears" its duration.
    async fn end_speech(&mut self) -> Result<(), End> {
        let speech = std::mem::take(&mut self.speech);
        // What was said, without the silence that ended it.
        let ms = speech.ms.saturating_sub(speech.silence_ms);
        let heard = format!("[{}.{:02} s of audio]", ms / 1000, (ms % 1000) / 10);
        if self.setup.input_transcription {
            self.send_counted(&json!({"serverContent": {"inputTranscription": {"text": heard}}}))
                .await?;
        }
        let mut entry = Entry::counted(json!({"role": "user", "parts": [{"text": heard}]}));
        entry.tokens = ModalityCounts {
            audio: audio::tokens_for_ms(ms),
            ..ModalityCounts::default()
        };
        self.user_turn(entry)?;
        Ok(())
    }

    fn tool_response(&mut self, value: &Value) -> Result<(), Close> {
        let (parsed, canonical) = parse_strict_under::<BidiGenerateContentToolResponse>(
            value,
            "tool_response",
            |t, u| {
                for (i, r) in t.function_responses.iter().enumerate() {
                    for key in r.extra.keys() {
                        u.push((format!("function_responses[{i}]"), key.clone()));
                    }
                }
            },
        )
        .map_err(|e| Close::invalid(e.message))?;
        let _ = parsed;
        let responses = canonical
            .get("functionResponses")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if responses.is_empty() {
            return Err(Close::invalid(INVALID_ARGUMENT));
        }
        for r in &responses {
            let id = r.get("id").and_then(Value::as_str).unwrap_or("");
            let Some(i) = self.conv.pending_calls.iter().position(|p| p == id) else {
                return Err(Close::invalid(INVALID_ARGUMENT));
            };
            self.conv.pending_calls.remove(i);
        }
        let parts: Vec<Value> = responses
            .into_iter()
            .map(|r| json!({"functionResponse": r}))
            .collect();
        let entry = Entry::counted(json!({"role": "user", "parts": parts}));
        if self.conv.pending_calls.is_empty() {
            self.user_turn(entry)?;
        } else {
            self.conv.push(entry);
        }
        Ok(())
    }

    /// `contextUpdate`: a new system instruction and tools for the coming turns.
    fn context_update(&mut self, value: &Value) -> Result<(), Close> {
        let (_, canonical) = parse_strict_under::<BidiGenerateContentContextUpdate>(
            value,
            "context_update",
            |u, unknown| {
                if let Some(si) = &u.system_instruction {
                    content_extras(si, "system_instruction", unknown);
                }
            },
        )
        .map_err(|e| Close::invalid(e.message))?;
        let mut raw: Map<String, Value> = self.setup.raw.as_object().cloned().unwrap_or_default();
        if let Some(si) = canonical.get("systemInstruction") {
            raw.insert("systemInstruction".into(), si.clone());
        }
        if let Some(tools) = canonical.pointer("/tools/tools") {
            raw.insert("tools".into(), tools.clone());
        }
        self.setup.raw = Value::Object(raw);
        Ok(())
    }
}

/// Base64 in either alphabet, padded or not (the real service takes all four).
fn decode_b64(s: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed = s.trim_end_matches('=');
    STANDARD_NO_PAD
        .decode(trimmed)
        .or_else(|_| URL_SAFE_NO_PAD.decode(trimmed))
        .ok()
}
