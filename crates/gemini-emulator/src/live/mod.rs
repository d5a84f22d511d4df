//! The Live API endpoint (`../shared/spec/API.md` section 19): a WebSocket on
//! `/ws/google.ai.generativelanguage.{v}.GenerativeService.BidiGenerateContent` (API key in
//! `x-goog-api-key` or `?key=`) and, on `v1alpha`, `...BidiGenerateContentConstrained` (an
//! ephemeral token in `Authorization: Token auth_tokens/...` or `?access_token=`).
//!
//! The upgrade is answered by hyper ([`upgrade`]) and recorded under the RPC name
//! `live.connect` or `live.connectConstrained` (credentials are judged when the `setup`
//! arrives, so refused connections are recorded too); a script on that name answers the
//! upgrade request with HTTP instead (a refused handshake). The connection then runs in
//! [`connection`]:
//!
//! * the first message must be `setup`, checked strictly ([`setup::parse`]); an unknown field
//!   closes the connection with 1007 and the real proto-JSON message, a model that does not
//!   serve `bidiGenerateContent` with 1008; then `setupComplete`;
//! * refused credentials close with 1008 once the `setup` has arrived (`API key not valid.
//!   Please pass a valid API key.`, or the token's reason, see
//!   [`auth_tokens`](crate::resources::auth_tokens));
//! * turns: `clientContent` (with `turnComplete`), `realtimeInput` text, spoken turns
//!   (16-bit PCM ended by silence with automatic activity detection, by `activityEnd`, or by
//!   `audioStreamEnd`) and `toolResponse`; the model answers from the conversation
//!   ([`session::plan_turn`]) in several `serverContent` messages, as text or as 24 kHz PCM,
//!   with transcriptions when configured, `toolCall` when a declared function is asked for,
//!   `toolCallCancellation` and `interrupted` when the user cuts in, and `usageMetadata`;
//! * with `sessionResumption` in the setup, a `sessionResumptionUpdate` (`newHandle`,
//!   `resumable: true`, `lastConsumedClientMessageIndex`) follows every turn; a new connection
//!   whose setup carries the handle gets the conversation back. Handles expire by the
//!   emulator's clock ([`EmulatorBuilder::live_handle_ttl`](crate::EmulatorBuilder::live_handle_ttl),
//!   two hours by default); an unknown or expired handle closes with 1007
//!   (`Request contains an invalid argument.`);
//! * faults ([`LiveFault`]): `goAway`, an abrupt drop, a close with any code; and, like the
//!   real service's ten minutes, a lifetime for every connection
//!   ([`EmulatorBuilder::live_connection_lifetime`](crate::EmulatorBuilder::live_connection_lifetime)).
//!
//! `lastConsumedClientMessageIndex` counts the client messages of the current connection,
//! `setup` being message 0; it is the last message whose effect the handle holds (a spoken turn
//! still being collected is not held, so its audio messages are not consumed yet). The real
//! Gemini API sends it only with `sessionResumption.transparent` (a Vertex AI option); the
//! emulator always sends it.
//!
//! The conversation is bounded by the context window: with `contextWindowCompression` the
//! oldest turns are dropped past `triggerTokens`; without it, a session whose history passes
//! the model's input token limit (131,072 for the Live models) is closed with 1007.
//!
//! Server messages go out as binary frames holding UTF-8 JSON, as the real service sends them;
//! the turn's messages are paced by [`EmulatorBuilder::chunk_interval`](crate::EmulatorBuilder::chunk_interval)
//! (none by default), which is what leaves room for a client to interrupt a turn.

mod audio;
mod connection;
mod fault;
mod input;
mod session;
mod setup;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

pub use fault::LiveFault;

use crate::body::ResponseBody;
use crate::recorded::{RecordedRequest, query_param, redact_query};
use crate::respond::{Delivery, Payload, render};
use crate::routes::{Prefix, route};
use crate::state::State;

/// How long a resumption handle stays valid by default (the real service: about two hours).
pub(crate) const DEFAULT_HANDLE_TTL: Duration = Duration::from_secs(2 * 3600);
/// The read buffer of a Live connection.
const READ_BUFFER: usize = 8 * 1024;
/// The WebSocket GUID of RFC 6455 section 1.3.
const WS_GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// Live settings from the builder.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) handle_ttl: Duration,
    pub(crate) faults: Vec<LiveFault>,
    /// Every connection's lifetime and the `goAway` warning before its end.
    pub(crate) lifetime: Option<(Duration, Duration)>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            handle_ttl: DEFAULT_HANDLE_TTL,
            faults: Vec::new(),
            lifetime: None,
        }
    }
}

/// Live state shared by connections: the queue of faults.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    faults: Mutex<VecDeque<LiveFault>>,
}

impl Shared {
    pub(crate) fn new(faults: Vec<LiveFault>) -> Self {
        Self {
            faults: Mutex::new(faults.into()),
        }
    }

    /// Queues a fault for a coming connection.
    pub(crate) fn push(&self, fault: LiveFault) {
        self.faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(fault);
    }

    /// The fault of a connection that just completed its setup.
    fn next(&self) -> Option<LiveFault> {
        self.faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
    }

    /// Forgets queued faults.
    pub(crate) fn clear(&self) {
        self.faults
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

/// How a connection ends: a close frame with a code and a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Close {
    pub(crate) code: u16,
    pub(crate) reason: String,
}

impl Close {
    /// The largest close reason a frame carries (125 bytes of payload less the code).
    const MAX_REASON: usize = 123;

    pub(crate) fn new(code: u16, reason: impl Into<String>) -> Self {
        let mut reason = reason.into();
        if reason.len() > Self::MAX_REASON {
            let mut cut = Self::MAX_REASON;
            while !reason.is_char_boundary(cut) {
                cut -= 1;
            }
            reason.truncate(cut);
        }
        Self { code, reason }
    }

    /// 1007: the client sent something invalid.
    pub(crate) fn invalid(reason: impl Into<String>) -> Self {
        Self::new(1007, reason)
    }

    /// 1008: refused by policy (credentials, an unsupported model).
    pub(crate) fn policy(reason: impl Into<String>) -> Self {
        Self::new(1008, reason)
    }
}

/// How the client authenticated.
#[derive(Clone)]
pub(crate) enum Credential {
    /// `BidiGenerateContent`: the key check's verdict (the close reason when refused).
    Key(Result<(), String>),
    /// `BidiGenerateContentConstrained`: the token's name, if any was sent.
    Token(Option<String>),
}

/// Whether `req` asks for a WebSocket on a Live path.
pub(crate) fn is_live_upgrade(req: &Request<Incoming>) -> bool {
    if !is_websocket_upgrade(req) {
        return false;
    }
    let path = percent_encoding::percent_decode_str(req.uri().path()).decode_utf8_lossy();
    route(req.method(), &path).is_some_and(|r| r.entry.spec.prefix == Prefix::Ws)
}

// Never shows the token.
impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Key(verdict) => f.debug_tuple("Key").field(&verdict.is_ok()).finish(),
            Self::Token(t) => f
                .debug_tuple("Token")
                .field(&t.as_ref().map(|_| "REDACTED"))
                .finish(),
        }
    }
}

fn is_websocket_upgrade(req: &Request<Incoming>) -> bool {
    let has = |name: header::HeaderName, want: &str| {
        req.headers().get_all(name).iter().any(|v| {
            v.to_str()
                .is_ok_and(|s| s.split(',').any(|t| t.trim().eq_ignore_ascii_case(want)))
        })
    };
    has(header::UPGRADE, "websocket") && has(header::CONNECTION, "upgrade")
}

/// The `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key`.
fn accept_key(key: &[u8]) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY);
    ctx.update(key);
    ctx.update(WS_GUID.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(ctx.finish())
}

/// The ephemeral token a constrained connection carries: `Authorization: Token ...` (the
/// Python SDK) or `?access_token=` (the JS SDK).
fn token_of(req: &Request<Incoming>, query: Option<&str>) -> Option<String> {
    let from_header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("Token "))
        .map(|t| t.trim().to_owned());
    from_header
        .or_else(|| query.and_then(|q| query_param(q, "access_token")))
        .filter(|t| !t.is_empty())
}

/// Answers a WebSocket upgrade on a Live path ([`is_live_upgrade`]).
pub(crate) fn upgrade(state: &Arc<State>, mut req: Request<Incoming>) -> Response<ResponseBody> {
    let path = percent_encoding::percent_decode_str(req.uri().path())
        .decode_utf8_lossy()
        .into_owned();
    let Some(route) = route(req.method(), &path).filter(|r| r.entry.spec.prefix == Prefix::Ws)
    else {
        let e = crate::resources::method_not_found(req.method(), &path);
        return render(Payload::Error(e), None, Delivery::default());
    };
    let query = req.uri().query().map(str::to_owned);
    let constrained = route.rpc() == "live.connectConstrained";
    let key = crate::auth::extract(req.headers(), query.as_deref());
    let credential = if constrained {
        Credential::Token(token_of(&req, query.as_deref()))
    } else {
        Credential::Key(
            crate::auth::check(state.config.api_key.as_deref(), key.as_deref())
                .map_err(|e| e.message),
        )
    };
    for name in ["x-goog-api-key", "authorization"] {
        if let Some(v) = req.headers_mut().get_mut(name) {
            v.set_sensitive(true);
        }
    }
    let recorded = Arc::new(RecordedRequest {
        rpc: route.rpc().into(),
        routed: true,
        model: None,
        api_version: route.version.to_owned(),
        method: req.method().clone(),
        path,
        query: query.as_deref().map(redact_query),
        headers: req.headers().clone(),
        body: Bytes::new(),
        json: None,
        api_key: if constrained { None } else { key },
    });
    state.record(Arc::clone(&recorded));
    // A script on `live.connect` answers the upgrade request with HTTP instead (a refused
    // handshake: `emu.script("live.connect").reply_status(503)`).
    if let Some(reply) = state.scripted_reply(&recorded) {
        let payload = match reply.body {
            crate::script::ReplyBody::Json(v) => Payload::Unary(v),
            crate::script::ReplyBody::Error(e) => Payload::Error(e),
            _ => Payload::Empty,
        };
        let delivery = Delivery {
            status: reply.status,
            headers: reply.headers,
            ..Delivery::default()
        };
        return render(payload, None, delivery);
    }
    let Some(ws_key) = req.headers().get("sec-websocket-key").cloned() else {
        let e = crate::errors::ApiError::invalid_argument("Missing Sec-WebSocket-Key.");
        return render(Payload::Error(e), None, Delivery::default());
    };
    let on_upgrade = hyper::upgrade::on(&mut req);
    let state = Arc::clone(state);
    let version = route.version;
    let max = state.config.max_body_bytes;
    tokio::spawn(async move {
        let Ok(upgraded) = on_upgrade.await else {
            return;
        };
        // A small read buffer (tungstenite allocates 128 KiB by default): thousands of idle
        // sessions stay cheap, and big frames still arrive in pieces.
        let config = WebSocketConfig::default()
            .read_buffer_size(READ_BUFFER)
            .max_message_size(Some(max))
            .max_frame_size(Some(max));
        let ws =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config))
                .await;
        connection::run(ws, state, version, credential).await;
    });
    let mut response = Response::new(crate::body::full(Bytes::new()));
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let h = response.headers_mut();
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(v) = HeaderValue::from_str(&accept_key(ws_key.as_bytes())) {
        h.insert("sec-websocket-accept", v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accept_key_of_rfc_6455() {
        assert_eq!(
            accept_key(b"dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn close_reasons_fit_a_frame() {
        let c = Close::invalid("é".repeat(100));
        assert!(c.reason.len() <= 123 && c.reason.len() >= 122);
        assert_eq!(Close::policy("x").code, 1008);
    }
}
