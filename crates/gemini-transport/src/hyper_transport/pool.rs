//! The connection pool behind [`HyperTransport`](super::HyperTransport): connections by origin
//! over hyper's connection API, HTTP/2 or HTTP/1.1 as ALPN decides.
//!
//! - HTTP/2: one connection per origin, shared by every request (hyper multiplexes them).
//! - Connect coalescing: while a connect that may negotiate HTTP/2 (any `https` origin not yet
//!   known to answer HTTP/1.1) is in flight, the other requests for that origin wait for it
//!   instead of opening their own, so a burst of first requests opens one connection. When it
//!   ends:
//!   - HTTP/2: the waiters share the new connection;
//!   - HTTP/1.1 (ALPN chose it): each waiter opens its own connection, and the origin is
//!     remembered as HTTP/1.1 so later bursts do not wait;
//!   - failure: every waiter gets an error of the same kind (connect, TLS, connect timeout), not
//!     a connect of its own, so a dead origin sees one attempt per burst (the client's retry
//!     policy retries connect failures);
//!   - the first requester gave up (its future was dropped): the waiters start over, and one of
//!     them connects.
//!
//!   A waiter waits at most the connect timeout, then fails with a connect timeout.
//! - HTTP/1.1: a connection serves one request at a time. It goes back to the origin's idle
//!   list when its response body has been read to the end (a body dropped half-read, or ended
//!   by an error, takes its connection with it), and the next request takes the most recently
//!   returned one. Idle connections older than the idle timeout, measured on the transport's
//!   [`Clock`], are closed when the origin is next used; at most `max_idle_per_host` are kept.
//! - A request that a pooled connection refused before sending any of it (the server had
//!   closed the connection) is sent again on a fresh connection, a bounded number of times.
//!
//! Why not hyper-util's legacy `Client`: per request it hashes the origin into a map of pools,
//! builds a connect future to race against the checkout, and spawns a task to hand each
//! HTTP/1.1 connection back. A client that talks to one or two origins needs none of it, and
//! runs fewer instructions per call (`cargo xtask bench`, BENCHMARKS.md).

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::HOST;
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderValue, Request, Response, Uri};
use http_body::{Body, Frame, SizeHint};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::client::conn::{http1, http2};
use hyper_util::client::legacy::connect::Connection as _;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tokio::sync::watch;
use tower_service::Service as _;

use super::connector::Connector;
use crate::{BoxError, Clock, Error, ResponseBody, TimeoutKind};

type ReqBody = Full<Bytes>;

/// How often a request refused unsent by a pooled connection is tried again.
const STALE_RETRIES: usize = 3;

/// Connections by origin.
pub(crate) struct Pool {
    connector: Connector,
    idle_timeout: Option<Duration>,
    max_idle_per_host: usize,
    /// Reads the time for idle expiry.
    clock: Arc<dyn Clock>,
    origins: Mutex<Vec<Origin>>,
    /// Numbers the connects that others may wait for.
    next_connect: std::sync::atomic::AtomicU64,
}

/// The connections to one origin (scheme and authority).
struct Origin {
    scheme: Scheme,
    authority: Authority,
    /// Its `Host` header for HTTP/1.1, made once.
    host: Option<HeaderValue>,
    h2: Option<http2::SendRequest<ReqBody>>,
    idle: Vec<Idle>,
    /// The connect in flight that may bring an HTTP/2 connection, which other requests wait
    /// for: its number and the channel that announces its outcome.
    connecting: Option<(u64, watch::Receiver<Connected>)>,
    /// ALPN chose HTTP/1.1 here last time: requests do not wait for each other's connects.
    http1_only: bool,
}

/// What a request without a pooled connection does.
enum Role {
    /// Connects without telling anyone (plain `http`, or an origin known to be HTTP/1.1).
    Alone,
    /// Connects and announces the outcome to those waiting.
    Lead(u64, watch::Sender<Connected>),
    /// Waits for the connect in flight.
    Wait(watch::Receiver<Connected>),
}

/// The outcome of a connect others wait for.
#[derive(Clone)]
enum Connected {
    Pending,
    H2(http2::SendRequest<ReqBody>),
    /// HTTP/1.1 was negotiated: each waiter opens its own connection.
    Http1,
    Failed(Arc<Error>),
}

struct Idle {
    sender: http1::SendRequest<ReqBody>,
    since: Instant,
}

enum Sender {
    H1(http1::SendRequest<ReqBody>),
    H2(http2::SendRequest<ReqBody>),
}

impl Pool {
    pub(crate) fn new(
        connector: Connector,
        idle_timeout: Option<Duration>,
        max_idle_per_host: usize,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            connector,
            idle_timeout,
            max_idle_per_host,
            clock,
            origins: Mutex::new(Vec::new()),
            next_connect: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn origins(&self) -> MutexGuard<'_, Vec<Origin>> {
        // The list stays consistent whatever a panicking thread was doing with it.
        self.origins.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sends `request` (an absolute URI) and returns the response once its head arrived.
    ///
    /// The request is converted before the future is made, so the future holds it once.
    pub(crate) fn send(
        self: Arc<Self>,
        request: Request<Bytes>,
    ) -> impl Future<Output = Result<Response<ResponseBody>, Error>> + Send + use<> {
        let mut request = request.map(Full::new);
        let uri = std::mem::take(request.uri_mut());
        async move {
            let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
                return Err(Error::builder(
                    "the request URI must be absolute (scheme and host)",
                ));
            };
            let mut retries = 0;
            loop {
                let pooled = self.checkout(scheme, authority).await;
                let from_pool = pooled.is_some();
                let (sender, host) = match pooled {
                    Some(pooled) => pooled,
                    // Boxed: connecting (TLS, handshakes) is a large future that the pooled path,
                    // the common one, would otherwise carry and copy on every call.
                    None => (
                        Box::pin(self.connect_or_wait(&uri, scheme, authority)).await?,
                        host_header(scheme, authority),
                    ),
                };
                let mut failed = match sender {
                    Sender::H2(mut sender) => {
                        *request.uri_mut() = uri.clone();
                        match sender.try_send_request(request).await {
                            Ok(response) => return Ok(response.map(ResponseBody::new)),
                            Err(e) => {
                                // A closed shared connection: the next request opens another.
                                if sender.is_closed() {
                                    self.forget_h2(scheme, authority);
                                }
                                e
                            }
                        }
                    }
                    Sender::H1(mut sender) => {
                        *request.uri_mut() = origin_form(&uri);
                        if let Some(host) = host {
                            if !request.headers().contains_key(HOST) {
                                request.headers_mut().insert(HOST, host);
                            }
                        }
                        match sender.try_send_request(request).await {
                            Ok(response) => {
                                let ticket = Ticket {
                                    pool: self,
                                    scheme: scheme.clone(),
                                    authority: authority.clone(),
                                    sender,
                                };
                                return Ok(
                                    response.map(|body| PooledBody::response_body(body, ticket))
                                );
                            }
                            Err(e) => e,
                        }
                    }
                };
                match failed.take_message() {
                    // The pooled connection had closed before the request left: try a fresh one.
                    Some(unsent) if from_pool && retries < STALE_RETRIES => {
                        retries += 1;
                        request = unsent;
                    }
                    // Nothing was sent: as safe to retry as a failed connect.
                    Some(_) => return Err(Error::connect(failed.into_error())),
                    None => return Err(Error::request(failed.into_error())),
                }
            }
        }
    }

    /// A pooled connection to the origin, if one is open: the shared HTTP/2 connection, or the
    /// most recently returned idle HTTP/1.1 one once it is ready for another request.
    async fn checkout(
        &self,
        scheme: &Scheme,
        authority: &Authority,
    ) -> Option<(Sender, Option<HeaderValue>)> {
        loop {
            let (mut idle, host) = {
                let mut origins = self.origins();
                let origin = origins
                    .iter_mut()
                    .find(|o| o.scheme == *scheme && o.authority == *authority)?;
                if let Some(h2) = &origin.h2 {
                    if !h2.is_closed() {
                        return Some((Sender::H2(h2.clone()), None));
                    }
                    origin.h2 = None;
                }
                let now = self.idle_timeout.map(|_| self.clock.now());
                loop {
                    let idle = origin.idle.pop()?;
                    if !idle.sender.is_closed() && !self.expired(&idle, now) {
                        break (idle, origin.host.clone());
                    }
                }
            };
            // Its last response ended; the connection is ready at once or about to be.
            if idle.sender.is_ready() || idle.sender.ready().await.is_ok() {
                return Some((Sender::H1(idle.sender), host));
            }
        }
    }

    fn expired(&self, idle: &Idle, now: Option<Instant>) -> bool {
        match (self.idle_timeout, now) {
            (Some(timeout), Some(now)) => now.saturating_duration_since(idle.since) >= timeout,
            _ => false,
        }
    }

    /// A connection for a request that found none pooled: the origin's HTTP/2 connection if one
    /// came up meanwhile, the outcome of a connect in flight that may bring one (see the module
    /// docs), or a connection of its own.
    async fn connect_or_wait(
        &self,
        uri: &Uri,
        scheme: &Scheme,
        authority: &Authority,
    ) -> Result<Sender, Error> {
        loop {
            let role = {
                let mut origins = self.origins();
                let origin = origin_entry(&mut origins, scheme, authority);
                if let Some(h2) = &origin.h2 {
                    if !h2.is_closed() {
                        return Ok(Sender::H2(h2.clone()));
                    }
                    origin.h2 = None;
                }
                if *scheme != Scheme::HTTPS || origin.http1_only {
                    Role::Alone
                } else if let Some((_, outcome)) = &origin.connecting {
                    Role::Wait(outcome.clone())
                } else {
                    let id = self
                        .next_connect
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let (tx, rx) = watch::channel(Connected::Pending);
                    origin.connecting = Some((id, rx));
                    Role::Lead(id, tx)
                }
            };
            let mut outcome = match role {
                Role::Alone => return self.connect(uri).await,
                Role::Lead(id, tx) => {
                    let announce = Announce {
                        pool: self,
                        scheme,
                        authority,
                        id,
                        tx,
                    };
                    let result = self.connect(uri).await;
                    return announce.outcome(result);
                }
                Role::Wait(outcome) => outcome,
            };
            let changed = outcome.wait_for(|c| !matches!(c, Connected::Pending));
            let seen = match self.connector.connect_timeout {
                Some(t) => tokio::time::timeout(t, changed)
                    .await
                    .map_err(|_| Error::timeout(TimeoutKind::Connect, Some(t)))?
                    .map(|c| c.clone()),
                None => changed.await.map(|c| c.clone()),
            };
            match seen {
                Ok(Connected::H2(sender)) => return Ok(Sender::H2(sender)),
                Ok(Connected::Http1) => return self.connect(uri).await,
                Ok(Connected::Failed(e)) => return Err(Error::duplicate(&e)),
                // The connecting request gave up: start over (one of the waiters connects).
                Ok(Connected::Pending) | Err(_) => {}
            }
        }
    }

    /// Opens a connection to the origin of `uri`.
    async fn connect(&self, uri: &Uri) -> Result<Sender, Error> {
        let io = self
            .connector
            .clone()
            .call(uri.clone())
            .await
            .map_err(connect_error)?;
        if io.connected().is_negotiated_h2() {
            let (sender, connection) = http2::Builder::new(TokioExecutor::new())
                .timer(TokioTimer::new())
                .handshake(io)
                .await
                .map_err(Error::connect)?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            Ok(Sender::H2(sender))
        } else {
            let (sender, connection) = http1::handshake(io).await.map_err(Error::connect)?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            Ok(Sender::H1(sender))
        }
    }

    /// Stops sharing the origin's HTTP/2 connection.
    fn forget_h2(&self, scheme: &Scheme, authority: &Authority) {
        let mut origins = self.origins();
        if let Some(origin) = origins
            .iter_mut()
            .find(|o| o.scheme == *scheme && o.authority == *authority)
        {
            origin.h2 = None;
        }
    }

    /// Takes back an HTTP/1.1 connection whose response body ended.
    fn give_back(
        &self,
        scheme: &Scheme,
        authority: &Authority,
        sender: http1::SendRequest<ReqBody>,
    ) {
        if sender.is_closed() || self.max_idle_per_host == 0 {
            return;
        }
        let now = self.clock.now();
        let mut origins = self.origins();
        let origin = origin_entry(&mut origins, scheme, authority);
        origin
            .idle
            .retain(|i| !i.sender.is_closed() && !self.expired(i, Some(now)));
        if origin.idle.len() < self.max_idle_per_host {
            origin.idle.push(Idle { sender, since: now });
        }
    }
}

/// The connect that other requests for the origin wait for. Its outcome is announced once; if
/// it is dropped first (its request was cancelled), the waiters see the channel close and
/// start over.
struct Announce<'a> {
    pool: &'a Pool,
    scheme: &'a Scheme,
    authority: &'a Authority,
    id: u64,
    tx: watch::Sender<Connected>,
}

impl Announce<'_> {
    /// Records the outcome in the origin (a new HTTP/2 connection is shared from now on), tells
    /// the waiters, and returns it to the connecting request.
    fn outcome(self, result: Result<Sender, Error>) -> Result<Sender, Error> {
        let (announced, result) = match result {
            Ok(Sender::H2(sender)) => (Connected::H2(sender.clone()), Ok(Sender::H2(sender))),
            Ok(h1) => (Connected::Http1, Ok(h1)),
            Err(e) => {
                let shared = Arc::new(e);
                (
                    Connected::Failed(Arc::clone(&shared)),
                    Err(Error::duplicate(&shared)),
                )
            }
        };
        {
            let mut origins = self.pool.origins();
            let origin = origin_entry(&mut origins, self.scheme, self.authority);
            match &announced {
                Connected::H2(sender) => {
                    if origin.h2.as_ref().is_none_or(http2::SendRequest::is_closed) {
                        origin.h2 = Some(sender.clone());
                    }
                }
                Connected::Http1 => origin.http1_only = true,
                Connected::Pending | Connected::Failed(_) => {}
            }
        }
        // The waiters hold receivers, so this cannot fail; if none is left, nobody needs it.
        let _ = self.tx.send(announced);
        result
    }
}

impl Drop for Announce<'_> {
    fn drop(&mut self) {
        let mut origins = self.pool.origins();
        if let Some(origin) = origins
            .iter_mut()
            .find(|o| o.scheme == *self.scheme && o.authority == *self.authority)
        {
            if origin
                .connecting
                .as_ref()
                .is_some_and(|(id, _)| *id == self.id)
            {
                origin.connecting = None;
            }
        }
    }
}

/// The entry of an origin, created if missing (entries left with no connection go then).
fn origin_entry<'a>(
    origins: &'a mut Vec<Origin>,
    scheme: &Scheme,
    authority: &Authority,
) -> &'a mut Origin {
    if let Some(i) = origins
        .iter()
        .position(|o| o.scheme == *scheme && o.authority == *authority)
    {
        return &mut origins[i];
    }
    origins.retain(|o| o.h2.is_some() || !o.idle.is_empty() || o.connecting.is_some());
    origins.push(Origin {
        scheme: scheme.clone(),
        authority: authority.clone(),
        host: host_header(scheme, authority),
        h2: None,
        idle: Vec::new(),
        connecting: None,
        http1_only: false,
    });
    let last = origins.len() - 1;
    &mut origins[last]
}

/// The request target of HTTP/1.1 without a proxy: path and query only.
fn origin_form(uri: &Uri) -> Uri {
    let mut parts = http::uri::Parts::default();
    parts.path_and_query = Some(
        uri.path_and_query()
            .cloned()
            .unwrap_or_else(|| PathAndQuery::from_static("/")),
    );
    Uri::from_parts(parts).unwrap_or_else(|_| Uri::from_static("/"))
}

/// The `Host` header: the authority without user information or the scheme's default port.
fn host_header(scheme: &Scheme, authority: &Authority) -> Option<HeaderValue> {
    let host_port = authority
        .as_str()
        .rsplit_once('@')
        .map_or(authority.as_str(), |(_, h)| h);
    let default_port = if *scheme == Scheme::HTTPS { 443 } else { 80 };
    let value = match authority.port_u16() {
        Some(port) if port == default_port => authority.host(),
        _ => host_port,
    };
    HeaderValue::from_str(value).ok()
}

/// The transport error for a failed connect: the connector's timeout, refusal and TLS
/// failures keep their kind.
fn connect_error(e: BoxError) -> Error {
    use super::connector::{ConnectTimeout, InsecureHttp, TlsError};
    if let Some(t) = find_source::<ConnectTimeout>(&*e) {
        return Error::timeout(TimeoutKind::Connect, Some(t.0));
    }
    if find_source::<InsecureHttp>(&*e).is_some() {
        return Error::builder(InsecureHttp.to_string());
    }
    if find_source::<TlsError>(&*e).is_some() {
        return Error::tls(e);
    }
    Error::connect(e)
}

/// Finds an error of type `T` in a source chain.
fn find_source<'a, T: std::error::Error + 'static>(
    mut err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    loop {
        if let Some(t) = err.downcast_ref::<T>() {
            return Some(t);
        }
        err = err.source()?;
    }
}

/// An HTTP/1.1 connection lent to a response, returned when its body ends.
struct Ticket {
    pool: Arc<Pool>,
    scheme: Scheme,
    authority: Authority,
    sender: http1::SendRequest<ReqBody>,
}

impl Ticket {
    fn give_back(self) {
        self.pool
            .give_back(&self.scheme, &self.authority, self.sender);
    }
}

/// A response body that returns its connection to the pool when it ends.
struct PooledBody {
    body: Incoming,
    ticket: Option<Ticket>,
}

impl PooledBody {
    fn response_body(body: Incoming, ticket: Ticket) -> ResponseBody {
        let ticket = if body.is_end_stream() {
            ticket.give_back();
            None
        } else {
            Some(ticket)
        };
        ResponseBody::new(Self { body, ticket })
    }
}

impl Body for PooledBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = self.get_mut();
        let frame = ready!(Pin::new(&mut this.body).poll_frame(cx));
        if frame.is_none() {
            if let Some(ticket) = this.ticket.take() {
                ticket.give_back();
            }
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_header_drops_default_ports_and_user_info() {
        let a = |s: &str| s.parse::<Authority>().unwrap();
        let h = |scheme: Scheme, s: &str| host_header(&scheme, &a(s)).unwrap();
        assert_eq!(h(Scheme::HTTPS, "example.com"), "example.com");
        assert_eq!(h(Scheme::HTTPS, "example.com:443"), "example.com");
        assert_eq!(h(Scheme::HTTPS, "example.com:8443"), "example.com:8443");
        assert_eq!(h(Scheme::HTTP, "127.0.0.1:80"), "127.0.0.1");
        assert_eq!(h(Scheme::HTTP, "127.0.0.1:8080"), "127.0.0.1:8080");
        assert_eq!(h(Scheme::HTTP, "user:pw@[::1]:8080"), "[::1]:8080");
    }

    #[test]
    fn origin_form_keeps_path_and_query() {
        let u = |s: &str| s.parse::<Uri>().unwrap();
        assert_eq!(
            origin_form(&u("https://h/v1beta/models?pageSize=2")),
            "/v1beta/models?pageSize=2"
        );
        assert_eq!(origin_form(&u("https://h")), "/");
    }
}
