//! One HTTP exchange: route, authenticate, read the body, record, then answer from the script
//! or the resource module serving the route.

use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderValue, Request, Response};
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use serde_json::Value;

use std::borrow::Cow;

use crate::auth;
use crate::body::ResponseBody;
use crate::errors::ApiError;
use crate::recorded::{RecordedRequest, redact_query};
use crate::resources::{Call, method_not_found};
use crate::respond::{Delivery, Payload, render};
use crate::routes::route;
use crate::script::{BeforeHeaders, FOREVER, Reply, ReplyBody};
use crate::sse::Framing;
use crate::state::State;

/// Serves one request. An `Err` closes the connection without an answer (a scripted
/// [`Reply::reset`]).
pub(crate) async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<ResponseBody>, Reset> {
    // A WebSocket upgrade on a Live path is answered by the Live endpoint.
    if crate::live::is_live_upgrade(&req) {
        return Ok(crate::live::upgrade(&state, req));
    }
    let response = serve(&state, req).await;
    if response.extensions().get::<Reset>().is_some() {
        return Err(Reset);
    }
    Ok(response)
}

/// The connection was reset on purpose ([`Reply::reset`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reset;

impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by fault injection")
    }
}

impl std::error::Error for Reset {}

fn error(e: ApiError, framing: Option<Framing>) -> Response<ResponseBody> {
    render(Payload::Error(e), framing, Delivery::default())
}

/// The response to `req` (carrying the [`Reset`] extension when the connection is to be
/// closed instead).
async fn serve(state: &Arc<State>, req: Request<Incoming>) -> Response<ResponseBody> {
    let (mut parts, body) = req.into_parts();
    let path = percent_encoding::percent_decode_str(parts.uri.path())
        .decode_utf8_lossy()
        .into_owned();
    let query = parts.uri.query().map(str::to_owned);
    let route = route(&parts.method, &path);
    // An unrouted path is the real 404 unless a path script answers it.
    let rpc: Cow<'static, str> = match &route {
        Some(r) => Cow::Borrowed(r.rpc()),
        None => match state.path_script(&parts.method, &path) {
            Some(key) => Cow::Owned(key),
            None => return error(method_not_found(&parts.method, &path), None),
        },
    };
    let stream = route.as_ref().is_some_and(crate::routes::Route::is_stream);
    let sse = query
        .as_deref()
        .and_then(|q| crate::recorded::query_param(q, "alt"))
        .is_some_and(|alt| alt == "sse");
    let framing = stream.then_some(if sse {
        Framing::Sse
    } else {
        Framing::JsonArray
    });

    let key = auth::extract(&parts.headers, query.as_deref());
    if let Err(e) = auth::check(state.config.api_key.as_deref(), key.as_deref()) {
        return error(e, framing);
    }

    let bytes: Bytes = match Limited::new(body, state.config.max_body_bytes)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            return error(
                ApiError::new(
                    413,
                    format!(
                        "Request payload size exceeds the limit: {} bytes.",
                        state.config.max_body_bytes
                    ),
                ),
                framing,
            );
        }
        Err(_) => {
            return error(
                ApiError::invalid_argument("The request body could not be read."),
                framing,
            );
        }
    };

    if let Some(v) = parts.headers.get_mut("x-goog-api-key") {
        v.set_sensitive(true);
    }
    let json: Option<Value> = if bytes.is_empty() {
        None
    } else {
        serde_json::from_slice(&bytes).ok()
    };
    let recorded = Arc::new(RecordedRequest {
        rpc,
        routed: route.is_some(),
        model: route.as_ref().and_then(|r| r.model()).map(str::to_owned),
        api_version: route.as_ref().map_or_else(
            || {
                let v = path
                    .split('/')
                    .find(|s| crate::routes::VERSIONS.contains(s));
                v.unwrap_or("").to_owned()
            },
            |r| r.version.to_owned(),
        ),
        method: parts.method,
        path,
        query: query.as_deref().map(redact_query),
        headers: parts.headers,
        body: bytes,
        json,
        api_key: key,
    });
    state.record(Arc::clone(&recorded));

    let reply = state.scripted_reply(&recorded).unwrap_or_else(Reply::model);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    match reply.before_headers {
        Some(BeforeHeaders::StallForever) => {
            // Ends when the connection task drops this future or the emulator stops; the bound
            // only keeps a forgotten stall from living forever.
            tokio::time::sleep(FOREVER).await;
        }
        Some(BeforeHeaders::Reset) => {
            tracing::debug!(rpc = recorded.rpc(), "reset by script");
            let mut response = error(ApiError::new(500, "reset"), None);
            response.extensions_mut().insert(Reset);
            return response;
        }
        None => {}
    }
    let framing = if reply.json_array {
        framing.map(|_| Framing::JsonArray)
    } else {
        framing
    };
    let payload = match reply.body {
        ReplyBody::Model => answer(state, route.as_ref(), &recorded),
        ReplyBody::Json(v) => Payload::Unary(v),
        ReplyBody::Chunks(c) => Payload::Stream(c),
        ReplyBody::Error(e) => Payload::Error(e),
        ReplyBody::Raw { content_type, body } => Payload::Raw { content_type, body },
        ReplyBody::Empty => Payload::Empty,
        ReplyBody::Huge(bytes) => Payload::Huge(bytes),
        ReplyBody::HugeError { code, bytes } => Payload::HugeError { code, bytes },
    };
    let delivery = Delivery {
        status: reply.status,
        headers: reply.headers,
        faults: reply.faults,
        chunk_interval: reply.chunk_interval.unwrap_or(state.config.chunk_interval),
        drip: reply.drip,
        content_type: reply.content_type,
        chunked: reply.chunked,
    };
    let mut response = render(payload, framing, delivery);
    if stream && sse && !reply.json_array {
        response
            .headers_mut()
            .insert("cache-control", HeaderValue::from_static("no-cache"));
    }
    // The path never carries the key (that would be in the query, which is not logged).
    tracing::debug!(
        rpc = recorded.rpc(),
        path = %recorded.path(),
        status = response.status().as_u16(),
        "served"
    );
    response
}

/// What the emulator itself answers: the handler of the routed method, else the real 404.
fn answer(
    state: &Arc<State>,
    route: Option<&crate::routes::Route>,
    request: &RecordedRequest,
) -> Payload {
    let handler = route.and_then(|r| r.entry.handler.map(|h| (r, h)));
    let result = match handler {
        Some((route, handler)) => handler(&Call {
            state,
            route,
            request,
        }),
        None => Err(method_not_found(request.method(), request.path())),
    };
    result.unwrap_or_else(Payload::Error)
}
