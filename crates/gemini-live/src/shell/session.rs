//! The tokio session: a task drives the sans-IO core over the WebSocket; senders and the
//! receiver talk to it.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::{FutureExt as _, SinkExt as _, StreamExt as _};
use gemini_types::live::BidiGenerateContentClientMessage as Msg;
use gemini_types::{Content, FunctionCall, FunctionResponse};
use tokio::sync::{Notify, mpsc, oneshot};
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

use super::connector::Inner;
use super::net::{self, Ws};
use crate::proto::{Action, Session, State};
use crate::{LiveConfig, LiveError, LiveEvent};

/// Frames waiting to be written before senders wait (backpressure).
const HIGH_WATER: usize = 64;

/// The longest a write may wait for the socket (a peer that stops reading); past it the
/// connection counts as lost.
const WRITE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Whether a write finished in time and without error.
async fn bounded<E>(write: impl Future<Output = Result<(), E>>) -> bool {
    matches!(tokio::time::timeout(WRITE_TIMEOUT, write).await, Ok(Ok(())))
}

/// The current time, from tokio's clock (so that tests may pause it). The shell's one clock.
fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

/// Answers the server's function calls automatically (see
/// [`LiveConnector::connect_with_tools`](super::LiveConnector::connect_with_tools)).
///
/// The calls it [`handles`](Self::handles) are answered with a `toolResponse` as soon as
/// [`call`](Self::call) finishes, and are not reported as [`LiveEvent::ToolCall`]; a
/// `toolCallCancellation` aborts them (no response is sent). Other calls are reported as usual.
pub trait ToolHandler: Send + Sync + 'static {
    /// Whether this handler answers calls to the function `name`.
    fn handles(&self, name: &str) -> bool;
    /// Runs the call; the response must carry the call's `id` and `name`.
    fn call(
        &self,
        call: FunctionCall,
    ) -> Pin<Box<dyn Future<Output = FunctionResponse> + Send + 'static>>;
}

/// One kind of streamed input (`realtimeInput`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RealtimeInput {
    /// 16-bit little-endian mono PCM at `sample_rate` Hz (16 000 is native; use
    /// [`pcm::resample`](crate::pcm::resample) to convert).
    Audio {
        /// The PCM bytes.
        pcm: Bytes,
        /// The sample rate.
        sample_rate: u32,
    },
    /// A video frame: a JPEG or PNG image.
    Video {
        /// The image bytes.
        data: Bytes,
        /// `image/jpeg` or `image/png`.
        mime_type: String,
    },
    /// Typed text, streamed.
    Text(String),
    /// The user started speaking (manual activity detection only).
    ActivityStart,
    /// The user stopped speaking (manual activity detection only).
    ActivityEnd,
    /// The microphone paused for more than a second (automatic activity detection).
    AudioStreamEnd,
}

impl RealtimeInput {
    /// 16 kHz PCM audio.
    pub fn audio(pcm: impl Into<Bytes>) -> Self {
        Self::Audio {
            pcm: pcm.into(),
            sample_rate: crate::pcm::INPUT_RATE,
        }
    }

    /// A JPEG frame.
    pub fn jpeg(data: impl Into<Bytes>) -> Self {
        Self::Video {
            data: data.into(),
            mime_type: "image/jpeg".into(),
        }
    }

    /// A PNG frame.
    pub fn png(data: impl Into<Bytes>) -> Self {
        Self::Video {
            data: data.into(),
            mime_type: "image/png".into(),
        }
    }

    fn into_message(self) -> Msg {
        match self {
            Self::Audio { pcm, sample_rate } => Msg::realtime_audio(pcm, sample_rate),
            Self::Video { data, mime_type } => Msg::realtime_video(data, mime_type),
            Self::Text(t) => Msg::realtime_text(t),
            Self::ActivityStart => Msg::activity_start(),
            Self::ActivityEnd => Msg::activity_end(),
            Self::AudioStreamEnd => Msg::audio_stream_end(),
        }
    }
}

struct Shared {
    core: Mutex<Session>,
    /// Wakes the driver: something to send, a close, a sender gone.
    wake: Notify,
    /// Wakes senders waiting for the outgoing queue to drain.
    space: Notify,
    senders: AtomicUsize,
}

impl Shared {
    fn core(&self) -> MutexGuard<'_, Session> {
        self.core.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A live session: send with its methods, receive its [`LiveEvent`]s as a `Stream` (or with
/// [`next_event`](Self::next_event)). [`split`](Self::split) it to send and receive from
/// different tasks. Dropping it closes the connection.
pub struct LiveSession {
    sender: LiveSender,
    receiver: LiveReceiver,
}

impl std::fmt::Debug for LiveSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveSession")
            .field("state", &self.sender.state())
            .finish_non_exhaustive()
    }
}

/// The sending half of a session (cheap to clone; every clone sends on the same session).
pub struct LiveSender {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for LiveSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveSender")
            .field("state", &self.state())
            .finish_non_exhaustive()
    }
}

/// The receiving half of a session: a `Stream` of events. It ends after a clean close; a
/// failure is its last item, as an `Err`.
#[derive(Debug)]
pub struct LiveReceiver {
    /// Batches of events: what one turn of the driver produced.
    rx: mpsc::Receiver<Vec<LiveEvent>>,
    /// The rest of the current batch.
    batch: std::vec::IntoIter<LiveEvent>,
    done: bool,
}

impl LiveSession {
    pub(crate) async fn start(
        inner: Arc<Inner>,
        config: LiveConfig,
        tools: Option<Arc<dyn ToolHandler>>,
    ) -> Result<Self, LiveError> {
        let core = Session::new(config, now())?;
        let shared = Arc::new(Shared {
            core: Mutex::new(core),
            wake: Notify::new(),
            space: Notify::new(),
            senders: AtomicUsize::new(1),
        });
        let (tx, rx) = mpsc::channel(inner.event_capacity);
        let (ready_tx, ready_rx) = oneshot::channel();
        tokio::spawn(drive(Arc::clone(&shared), inner, tx, ready_tx, tools));
        let sender = LiveSender { shared };
        match ready_rx.await {
            Ok(Ok(())) => Ok(Self {
                sender,
                receiver: LiveReceiver {
                    rx,
                    batch: Vec::new().into_iter(),
                    done: false,
                },
            }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(LiveError::SessionClosed),
        }
    }

    /// The sender (clone it to send from several tasks).
    pub fn sender(&self) -> &LiveSender {
        &self.sender
    }

    /// Splits the session into its sender and receiver.
    pub fn split(self) -> (LiveSender, LiveReceiver) {
        (self.sender, self.receiver)
    }

    /// Joins a sender and a receiver of the same session back into one.
    pub fn unsplit(sender: LiveSender, receiver: LiveReceiver) -> Self {
        Self { sender, receiver }
    }

    /// See [`LiveSender::send_client_content`].
    pub async fn send_client_content(
        &self,
        turns: impl IntoIterator<Item = Content>,
        turn_complete: bool,
    ) -> Result<(), LiveError> {
        self.sender.send_client_content(turns, turn_complete).await
    }

    /// See [`LiveSender::send_text`].
    pub async fn send_text(&self, text: impl Into<String>) -> Result<(), LiveError> {
        self.sender.send_text(text).await
    }

    /// See [`LiveSender::send_realtime_input`].
    pub async fn send_realtime_input(&self, input: RealtimeInput) -> Result<(), LiveError> {
        self.sender.send_realtime_input(input).await
    }

    /// See [`LiveSender::send_tool_response`].
    pub async fn send_tool_response(
        &self,
        responses: impl IntoIterator<Item = FunctionResponse>,
    ) -> Result<(), LiveError> {
        self.sender.send_tool_response(responses).await
    }

    /// See [`LiveSender::send`].
    pub async fn send(&self, msg: Msg) -> Result<(), LiveError> {
        self.sender.send(msg).await
    }

    /// The next event; `None` after a clean close.
    pub async fn next_event(&mut self) -> Option<Result<LiveEvent, LiveError>> {
        self.receiver.next_event().await
    }

    /// The latest resumption handle.
    pub fn resumption_handle(&self) -> Option<String> {
        self.sender.resumption_handle()
    }

    /// Closes the session cleanly (close code 1000) and waits until it is closed; events not
    /// read yet are dropped.
    pub async fn close(self) -> Result<(), LiveError> {
        self.sender.close();
        let mut receiver = self.receiver;
        while let Some(item) = receiver.next_event().await {
            item?;
        }
        Ok(())
    }
}

impl Stream for LiveSession {
    type Item = Result<LiveEvent, LiveError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.get_mut().receiver).poll_next(cx)
    }
}

impl Clone for LiveSender {
    fn clone(&self) -> Self {
        self.shared.senders.fetch_add(1, Ordering::Relaxed);
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl Drop for LiveSender {
    fn drop(&mut self) {
        if self.shared.senders.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.shared.wake.notify_one();
        }
    }
}

impl LiveSender {
    /// Sends any client message (not `setup`): at once when the session is active, queued
    /// while it reconnects (bounded: [`LiveError::QueueFull`]). Waits while many frames are
    /// still being written.
    pub async fn send(&self, msg: Msg) -> Result<(), LiveError> {
        loop {
            let space = self.shared.space.notified();
            tokio::pin!(space);
            {
                let mut core = self.shared.core();
                if core.queued_actions() < HIGH_WATER || core.state() != State::Active {
                    core.send(&msg)?;
                    drop(core);
                    self.shared.wake.notify_one();
                    return Ok(());
                }
                // Registered under the lock: the driver drains the queue under it too, and
                // wakes the waiters after, so the wake-up cannot be missed.
                space.as_mut().enable();
            }
            space.await;
        }
    }

    /// Sends without waiting for the outgoing queue (for small messages such as tool
    /// responses).
    pub fn send_now(&self, msg: &Msg) -> Result<(), LiveError> {
        self.shared.core().send(msg)?;
        self.shared.wake.notify_one();
        Ok(())
    }

    /// `clientContent`: turns appended to the conversation; `turn_complete` asks the model to
    /// answer.
    pub async fn send_client_content(
        &self,
        turns: impl IntoIterator<Item = Content>,
        turn_complete: bool,
    ) -> Result<(), LiveError> {
        self.send(Msg::client_content(turns, turn_complete)).await
    }

    /// One user text turn that the model answers.
    pub async fn send_text(&self, text: impl Into<String>) -> Result<(), LiveError> {
        self.send(Msg::text(text)).await
    }

    /// `realtimeInput`: audio, a video frame, text or an activity signal.
    pub async fn send_realtime_input(&self, input: RealtimeInput) -> Result<(), LiveError> {
        self.send(input.into_message()).await
    }

    /// `toolResponse`: the results of the server's function calls (each with its call's `id`).
    pub async fn send_tool_response(
        &self,
        responses: impl IntoIterator<Item = FunctionResponse>,
    ) -> Result<(), LiveError> {
        self.send(Msg::tool_response(responses)).await
    }

    /// Starts a clean close (the receiver ends once it is done).
    pub fn close(&self) {
        self.shared.core().close(now());
        self.shared.wake.notify_one();
    }

    /// The latest resumption handle.
    pub fn resumption_handle(&self) -> Option<String> {
        self.shared.core().resumption_handle().map(str::to_owned)
    }

    /// The session's state.
    pub fn state(&self) -> State {
        self.shared.core().state()
    }
}

impl LiveReceiver {
    /// The next event; `None` after a clean close (and after an error was returned).
    pub async fn next_event(&mut self) -> Option<Result<LiveEvent, LiveError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl Stream for LiveReceiver {
    type Item = Result<LiveEvent, LiveError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        loop {
            match this.batch.next() {
                Some(LiveEvent::Closed(result)) => {
                    this.done = true;
                    return Poll::Ready(result.err().map(Err));
                }
                Some(event) => return Poll::Ready(Some(Ok(event))),
                None => {}
            }
            match this.rx.poll_recv(cx) {
                Poll::Ready(Some(batch)) => this.batch = batch.into_iter(),
                Poll::Ready(None) => {
                    this.done = true;
                    return Poll::Ready(None);
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

fn close_frame(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: reason.to_owned().into(),
    }))
}

/// The session's task: runs until the core is closed and its last event delivered.
async fn drive(
    shared: Arc<Shared>,
    inner: Arc<Inner>,
    events: mpsc::Sender<Vec<LiveEvent>>,
    ready: oneshot::Sender<Result<(), LiveError>>,
    tools: Option<Arc<dyn ToolHandler>>,
) {
    let mut running: HashMap<String, tokio::task::AbortHandle> = HashMap::new();
    let mut ready = Some(ready);
    let mut ws: Option<Ws> = None;
    let mut actions = Vec::new();
    let mut pending_events = Vec::new();
    let mut batch = Vec::new();
    let mut held: std::collections::VecDeque<Vec<LiveEvent>> = std::collections::VecDeque::new();
    let mut receiver_gone = false;
    loop {
        // Drain the core.
        let (deadline, closed) = {
            let mut core = shared.core();
            if shared.senders.load(Ordering::Acquire) == 0
                && (receiver_gone || events.is_closed())
                && !matches!(core.state(), State::Closing | State::Closed)
            {
                core.close(now());
            }
            actions.extend(std::iter::from_fn(|| core.poll_action()));
            pending_events.extend(std::iter::from_fn(|| core.poll_event()));
            if ready.is_some() && core.state() == State::Active {
                if let Some(r) = ready.take() {
                    let _ = r.send(Ok(()));
                }
            }
            (core.poll_timeout(), core.state() == State::Closed)
        };
        if !actions.is_empty() {
            shared.space.notify_waiters();
        }
        for mut event in pending_events.drain(..) {
            if let Some(tools) = &tools {
                if !answer_tools(&shared, tools, &mut running, &mut event) {
                    continue;
                }
            }
            if let Some(r) = ready.take() {
                // Before setupComplete the only event is the end of the session.
                if let LiveEvent::Closed(result) = event {
                    let _ = r.send(result.and(Err(LiveError::SessionClosed)));
                    continue;
                }
                ready = Some(r);
            }
            batch.push(event);
        }
        if !batch.is_empty() && !receiver_gone {
            // Never wait here for the receiver: the driver must go on writing what senders
            // queue (a task may send while nobody reads). A full channel holds the batch and
            // stops the reading of the socket instead.
            held.push_back(std::mem::take(&mut batch));
        }
        while let Some(next) = held.pop_front() {
            match events.try_send(next) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(next)) => {
                    held.push_front(next);
                    break;
                }
                Err(mpsc::error::TrySendError::Closed(_)) => {
                    receiver_gone = true;
                    held.clear();
                }
            }
        }
        let mut wrote = false;
        let mut connect = false;
        for action in actions.drain(..) {
            match action {
                Action::Connect => connect = true,
                Action::Send(frame) => {
                    if let Some(w) = ws.as_mut() {
                        // serde_json writes UTF-8; the check does not copy.
                        let Ok(text) = Utf8Bytes::try_from(frame) else {
                            continue;
                        };
                        if !bounded(w.feed(Message::Text(text))).await {
                            ws = None;
                            shared.core().handle_close(now(), None, "write failed");
                        }
                        wrote = true;
                    }
                }
                Action::Ping => {
                    if let Some(w) = ws.as_mut() {
                        if !bounded(w.feed(Message::Ping(Bytes::new()))).await {
                            ws = None;
                            shared.core().handle_close(now(), None, "write failed");
                        }
                        wrote = true;
                    }
                }
                Action::Close { code, reason } => {
                    if let Some(w) = ws.as_mut() {
                        if !bounded(w.send(close_frame(code, &reason))).await {
                            ws = None;
                            shared.core().handle_close(now(), Some(code), "");
                        }
                    }
                }
                Action::Disconnect { code, reason } => {
                    if let Some(mut w) = ws.take() {
                        // Best effort, bounded: the connection may be dead.
                        let _ = tokio::time::timeout(
                            std::time::Duration::from_millis(200),
                            w.send(close_frame(code, &reason)),
                        )
                        .await;
                    }
                }
            }
        }
        if wrote {
            if let Some(w) = ws.as_mut() {
                if !bounded(w.flush()).await {
                    ws = None;
                    shared.core().handle_close(now(), None, "write failed");
                }
            }
        }
        if connect {
            let timeout = shared.core().setup_timeout();
            let result = match tokio::time::timeout(timeout, net::open(&inner)).await {
                Ok(r) => r,
                Err(_) => Err(LiveError::Connect(format!(
                    "no connection within {timeout:?}"
                ))),
            };
            let mut core = shared.core();
            match result {
                Ok(w) => {
                    ws = Some(w);
                    core.connected(now());
                }
                Err(e) => {
                    let message = match e {
                        LiveError::Connect(m) => m,
                        other => other.to_string(),
                    };
                    core.connect_failed(now(), &message);
                }
            }
            continue;
        }
        if closed {
            // Let the server's close frame (or our close reply) go out, boundedly.
            if let Some(mut w) = ws.take() {
                let _ = tokio::time::timeout(std::time::Duration::from_millis(200), w.close(None))
                    .await;
            }
            // Senders waiting for room learn that the session is closed.
            shared.space.notify_waiters();
            // The last events (`Closed` among them) wait for the receiver, if it still exists.
            for rest in held.drain(..) {
                if receiver_gone || events.send(rest).await.is_err() {
                    break;
                }
            }
            return;
        }
        // Wait for a frame, a wake-up or the deadline.
        let sleep = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(tokio::time::Instant::from_std(d)).await,
                None => std::future::pending().await,
            }
        };
        let reading = held.is_empty();
        let next_frame = async {
            match ws.as_mut() {
                Some(w) if reading => w.next().await,
                _ => std::future::pending().await,
            }
        };
        let room = async {
            if reading || receiver_gone {
                std::future::pending().await
            } else {
                events.reserve().await.map(drop)
            }
        };
        let receiver_closed = async {
            if receiver_gone {
                std::future::pending::<()>().await;
            } else {
                events.closed().await;
            }
        };
        let frame = tokio::select! {
            frame = next_frame => frame,
            () = shared.wake.notified() => continue,
            () = sleep => {
                shared.core().handle_timeout(now());
                continue;
            }
                        () = receiver_closed => {
                receiver_gone = true;
                continue;
            }
            room = room => {
                // The receiver made room: the held batches go out at the top of the loop.
                receiver_gone |= room.is_err();
                continue;
            }
        };
        let mut flush_close_reply = false;
        {
            let mut core = shared.core();
            let t = now();
            let mut frame = Some(frame);
            // Frames already received are taken in one go (at most 64): one lock and one
            // drain of the core for all of them.
            for _ in 0..64 {
                let item = match frame.take() {
                    Some(item) => item,
                    None => match ws.as_mut().and_then(|w| w.next().now_or_never()) {
                        Some(item) => item,
                        None => break,
                    },
                };
                let open = handle_item(&mut core, item, t, &mut flush_close_reply);
                if !open {
                    ws = None;
                    break;
                }
                if flush_close_reply || core.state() == State::Closed {
                    break;
                }
            }
        }
        if flush_close_reply {
            // tungstenite queued the close reply: send it, boundedly, and drop the connection.
            if let Some(mut w) = ws.take() {
                let _ =
                    tokio::time::timeout(std::time::Duration::from_millis(200), w.flush()).await;
            }
        }
    }
}

/// Feeds one item of the WebSocket stream to the core; `false` when the connection is gone.
fn handle_item(
    machine: &mut Session,
    item: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
    t: Instant,
    flush_close_reply: &mut bool,
) -> bool {
    match item {
        Some(Ok(Message::Text(text))) => machine.handle_frame(text.as_bytes(), t),
        Some(Ok(Message::Binary(b))) => machine.handle_frame(&b, t),
        Some(Ok(Message::Pong(_) | Message::Ping(_) | Message::Frame(_))) => machine.handle_pong(t),
        Some(Ok(Message::Close(frame))) => {
            let (code, reason) = frame.map_or((None, String::new()), |f| {
                (Some(u16::from(f.code)), f.reason.to_string())
            });
            machine.handle_close(t, code, &reason);
            *flush_close_reply = true;
        }
        Some(Err(e)) => {
            let reason = e.to_string();
            let protocol = matches!(
                e,
                tokio_tungstenite::tungstenite::Error::Capacity(_)
                    | tokio_tungstenite::tungstenite::Error::Utf8(_)
            );
            if protocol {
                machine.handle_protocol_error(&reason);
            } else {
                machine.handle_close(t, None, &reason);
            }
            return false;
        }
        None => {
            machine.handle_close(t, None, "");
            return false;
        }
    }
    true
}

/// Starts the handler on the calls it handles and aborts cancelled ones; returns whether the
/// event (left with the calls nobody handles) is still to be reported.
fn answer_tools(
    shared: &Arc<Shared>,
    tools: &Arc<dyn ToolHandler>,
    running: &mut HashMap<String, tokio::task::AbortHandle>,
    event: &mut LiveEvent,
) -> bool {
    match event {
        LiveEvent::ToolCall(calls) => {
            running.retain(|_, h| !h.is_finished());
            let (handled, rest): (Vec<FunctionCall>, Vec<FunctionCall>) = std::mem::take(calls)
                .into_iter()
                .partition(|c| tools.handles(c.name()));
            for call in handled {
                let id = call.id.clone().unwrap_or_default();
                let work = tools.call(call);
                let shared = Arc::clone(shared);
                let task = tokio::spawn(async move {
                    let response = work.await;
                    let sent = shared.core().send(&Msg::tool_response([response]));
                    if sent.is_ok() {
                        shared.wake.notify_one();
                    }
                });
                running.insert(id, task.abort_handle());
            }
            *calls = rest;
            !calls.is_empty()
        }
        LiveEvent::ToolCallCancellation(ids) => {
            for id in ids.iter() {
                if let Some(task) = running.remove(id) {
                    task.abort();
                }
            }
            true
        }
        _ => true,
    }
}
