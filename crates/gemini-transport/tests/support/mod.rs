//! Loopback servers for the integration tests: plain and TLS hyper servers driven by a closure,
//! a server that never answers, a CONNECT proxy, and client constructors with test time.

// Test helpers: a panic is the desired failure, and not every test binary uses every helper.
#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::missing_panics_doc,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use gemini_transport::{
    Config, HttpClient, HyperTransport, ProxyConfig, RecordingSleeper, RetryPolicy, TestClock,
    Timeouts, TlsRoots,
};
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt as _;
use http_body_util::combinators::BoxBody;
use hyper::body::{Frame, Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

pub const KEY: &str = "AIzaTEST-secret-key-0123456789";

pub type Body = BoxBody<Bytes, std::io::Error>;

/// What the server saw of one request.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: http::Method,
    pub uri: http::Uri,
    pub version: http::Version,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

pub type Handler = Arc<dyn Fn(usize, &Seen) -> Response<Body> + Send + Sync>;

/// A running server: its address, what it has seen, and how many connections it accepted.
#[derive(Clone)]
pub struct Server {
    pub addr: SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub count: Arc<AtomicUsize>,
    pub connections: Arc<AtomicUsize>,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn requests(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

pub fn full(body: impl Into<Bytes>) -> Body {
    http_body_util::Full::new(body.into())
        .map_err(|never: Infallible| match never {})
        .boxed()
}

pub fn json(status: u16, body: &str) -> Response<Body> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("content-type", "application/json")
        .body(full(body.to_owned()))
        .unwrap()
}

/// A body that yields `first` and then never ends (a stalled stream).
pub struct Stall(Option<Bytes>);

impl hyper::body::Body for Stall {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.0.take() {
            Some(b) => Poll::Ready(Some(Ok(Frame::data(b)))),
            None => Poll::Pending,
        }
    }
}

/// A body that fails after the head was sent, before its first byte (the server aborts).
pub struct Broken(Pin<Box<tokio::time::Sleep>>);

impl hyper::body::Body for Broken {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.0.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(std::io::Error::other("boom")))),
            Poll::Pending => Poll::Pending,
        }
    }
}

pub fn broken() -> Response<Body> {
    let sleep = Box::pin(tokio::time::sleep(Duration::from_millis(50)));
    Response::new(Broken(sleep).boxed())
}

/// An event stream that sends `first` and then stalls.
pub fn stalled(first: &'static str) -> Response<Body> {
    let mut r = Response::new(Stall(Some(Bytes::from_static(first.as_bytes()))).boxed());
    r.headers_mut().insert(
        "content-type",
        http::HeaderValue::from_static("text/event-stream"),
    );
    r
}

/// A `text/event-stream` answer with `body`.
pub fn sse(body: &str) -> Response<Body> {
    Response::builder()
        .header("content-type", "text/event-stream")
        .body(full(body.to_owned()))
        .unwrap()
}

async fn handle(
    req: Request<Incoming>,
    handler: Handler,
    seen: Arc<Mutex<Vec<Seen>>>,
    count: Arc<AtomicUsize>,
) -> Result<Response<Body>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default();
    let s = Seen {
        method: parts.method,
        uri: parts.uri,
        version: parts.version,
        headers: parts.headers,
        body,
    };
    let n = count.fetch_add(1, Ordering::SeqCst);
    seen.lock().unwrap().push(s.clone());
    Ok(handler(n, &s))
}

fn serve_conn<IO>(io: IO, handler: Handler, seen: Arc<Mutex<Vec<Seen>>>, count: Arc<AtomicUsize>)
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        let svc = hyper::service::service_fn(move |req| {
            handle(req, handler.clone(), seen.clone(), count.clone())
        });
        let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
            .serve_connection(TokioIo::new(io), svc)
            .await;
    });
}

/// A plain HTTP/1.1 (and h2c) server on 127.0.0.1.
pub async fn serve(
    handler: impl Fn(usize, &Seen) -> Response<Body> + Send + Sync + 'static,
) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = Server {
        addr: listener.local_addr().unwrap(),
        seen: Arc::default(),
        count: Arc::default(),
        connections: Arc::default(),
    };
    let handler: Handler = Arc::new(handler);
    let (seen, count) = (server.seen.clone(), server.count.clone());
    let connections = server.connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            connections.fetch_add(1, Ordering::SeqCst);
            serve_conn(stream, handler.clone(), seen.clone(), count.clone());
        }
    });
    server
}

/// A self-signed certificate for `names`: (certificate DER, key DER).
pub fn cert(names: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let ck = rcgen::generate_simple_self_signed(
        names.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
    )
    .unwrap();
    (ck.cert.der().to_vec(), ck.signing_key.serialize_der())
}

/// A TLS server (ALPN h2 and http/1.1) on 127.0.0.1 with the given certificate.
pub async fn serve_tls(
    cert: &(Vec<u8>, Vec<u8>),
    handler: impl Fn(usize, &Seen) -> Response<Body> + Send + Sync + 'static,
) -> Server {
    serve_tls_with(cert, &[b"h2", b"http/1.1"], Duration::ZERO, handler).await
}

/// A TLS server on 127.0.0.1 offering the `alpn` protocols, which waits `handshake_delay`
/// after accepting a TCP connection before it starts the TLS handshake (a slow connect).
pub async fn serve_tls_with(
    cert: &(Vec<u8>, Vec<u8>),
    alpn: &[&[u8]],
    handshake_delay: Duration,
    handler: impl Fn(usize, &Seen) -> Response<Body> + Send + Sync + 'static,
) -> Server {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls::pki_types::CertificateDer::from(cert.0.clone())],
            rustls::pki_types::PrivateKeyDer::Pkcs8(cert.1.clone().into()),
        )
        .unwrap();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = Server {
        addr: listener.local_addr().unwrap(),
        seen: Arc::default(),
        count: Arc::default(),
        connections: Arc::default(),
    };
    let handler: Handler = Arc::new(handler);
    let (seen, count) = (server.seen.clone(), server.count.clone());
    let connections = server.connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            connections.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            let (handler, seen, count) = (handler.clone(), seen.clone(), count.clone());
            tokio::spawn(async move {
                if !handshake_delay.is_zero() {
                    tokio::time::sleep(handshake_delay).await;
                }
                if let Ok(tls) = acceptor.accept(stream).await {
                    serve_conn(tls, handler, seen, count);
                }
            });
        }
    });
    server
}

/// A server that accepts connections, reads, and never answers.
pub async fn silent() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf)).await;
            held.push(stream);
        }
    });
    addr
}

/// An address where nothing listens.
pub async fn refused() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    addr
}

/// An HTTP CONNECT proxy on 127.0.0.1 that sends every tunnel to 127.0.0.1 (whatever host
/// was asked for) and records the CONNECT targets.
pub async fn connect_proxy(listener: Option<TcpListener>) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = match listener {
        Some(l) => l,
        None => TcpListener::bind("127.0.0.1:0").await.unwrap(),
    };
    let addr = listener.local_addr().unwrap();
    let targets: Arc<Mutex<Vec<String>>> = Arc::default();
    let t = targets.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let t = t.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
                    if client.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let mut words = head.split_whitespace();
                if words.next() != Some("CONNECT") {
                    let _ = client
                        .write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                        .await;
                    return;
                }
                let target = words.next().unwrap_or_default().to_owned();
                t.lock().unwrap().push(target.clone());
                let port = target.rsplit(':').next().unwrap_or("443").to_owned();
                let Ok(mut upstream) = TcpStream::connect(format!("127.0.0.1:{port}")).await else {
                    let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n").await;
                    return;
                };
                let _ = client
                    .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
                    .await;
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (addr, targets)
}

/// Test time: a clock that moves only when the retry sleeper sleeps.
pub struct Time {
    pub clock: TestClock,
    pub sleeper: RecordingSleeper,
}

impl Time {
    pub fn new() -> Self {
        let clock = TestClock::new();
        let sleeper = RecordingSleeper::advancing(&clock);
        Self { clock, sleeper }
    }

    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeper.sleeps()
    }
}

/// A plain loopback transport without proxies (immune to the environment).
pub fn transport() -> HyperTransport {
    HyperTransport::builder()
        .proxy(ProxyConfig::none())
        .build()
        .unwrap()
}

/// A TLS transport trusting `roots`.
pub fn tls_transport(roots: TlsRoots) -> HyperTransport {
    HyperTransport::builder()
        .proxy(ProxyConfig::none())
        .tls_roots(roots)
        .build()
        .unwrap()
}

/// A client for `base_url` with test time and jitter off.
pub fn client_with(
    base_url: &str,
    transport: HyperTransport,
    time: &Time,
    tweak: impl FnOnce(Config) -> Config,
) -> HttpClient {
    let config = Config::new()
        .with_api_key(KEY)
        .with_base_url(base_url)
        .unwrap()
        .with_retry_policy(RetryPolicy::default().with_jitter(false));
    HttpClient::builder()
        .config(tweak(config))
        .transport(Arc::new(transport))
        .clock(Arc::new(time.clock.clone()))
        .retry_sleeper(Arc::new(time.sleeper.clone()))
        .build()
        .unwrap()
}

/// A timer that waits a given fraction of what it is asked (`Scaled(1000)`: a 60 s timeout
/// fires after 60 ms), so the default timeouts can be tested in real time.
#[derive(Clone, Copy, Debug)]
pub struct Scaled(pub u32);

impl gemini_transport::Sleeper for Scaled {
    fn sleep(&self, d: Duration) -> gemini_transport::BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(d / self.0))
    }
}

/// [`client_with`] whose timeouts run on a [`Scaled`] timer, `div` times faster than real.
pub fn scaled_client(
    base_url: &str,
    time: &Time,
    div: u32,
    tweak: impl FnOnce(Config) -> Config,
) -> HttpClient {
    let config = Config::new()
        .with_api_key(KEY)
        .with_base_url(base_url)
        .unwrap()
        .with_retry_policy(RetryPolicy::default().with_jitter(false));
    HttpClient::builder()
        .config(tweak(config))
        .transport(Arc::new(transport()))
        .clock(Arc::new(time.clock.clone()))
        .retry_sleeper(Arc::new(time.sleeper.clone()))
        .timer(Arc::new(Scaled(div)))
        .build()
        .unwrap()
}

/// A body of `len` bytes made as it is read, counting what it produced in `produced`.
pub struct Big {
    left: u64,
    chunk: Bytes,
    produced: Arc<std::sync::atomic::AtomicU64>,
}

impl hyper::body::Body for Big {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let n = self.left.min(self.chunk.len() as u64);
        self.left -= n;
        self.produced.fetch_add(n, Ordering::SeqCst);
        Poll::Ready(Some(Ok(Frame::data(self.chunk.slice(..n as usize)))))
    }
}

/// A `status` answer with a body of `len` bytes of `fill`, made as it is sent; with a
/// `content-length` if `announce`.
pub fn big(
    status: u16,
    content_type: &str,
    len: u64,
    fill: u8,
    announce: bool,
    produced: &Arc<std::sync::atomic::AtomicU64>,
) -> Response<Body> {
    let mut r = Response::builder()
        .status(status)
        .header("content-type", content_type);
    if announce {
        r = r.header("content-length", len);
    }
    r.body(
        Big {
            left: len,
            chunk: Bytes::from(vec![fill; 64 << 10]),
            produced: produced.clone(),
        }
        .boxed(),
    )
    .unwrap()
}

/// A body that sends `unit` every `every`, forever.
pub struct Drip {
    unit: &'static [u8],
    every: Duration,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl hyper::body::Body for Drip {
    type Data = Bytes;
    type Error = std::io::Error;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                let next = tokio::time::Instant::now() + self.every;
                self.sleep.as_mut().reset(next);
                Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(self.unit)))))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// A 200 answer that drips `unit` every 20 ms and never ends.
pub fn drip(content_type: &str, unit: &'static [u8]) -> Response<Body> {
    let every = Duration::from_millis(20);
    Response::builder()
        .header("content-type", content_type)
        .body(
            Drip {
                unit,
                every,
                sleep: Box::pin(tokio::time::sleep(every)),
            }
            .boxed(),
        )
        .unwrap()
}

pub fn client(base_url: &str, time: &Time) -> HttpClient {
    client_with(base_url, transport(), time, |c| c)
}

/// `../shared/spec` (beside the repository), or `None` after printing one line when it is
/// absent; under `CI=true` its absence is a failure.
pub fn shared_spec(what: &str) -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/spec");
    if path.is_dir() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what}: ../shared/spec not found, and CI=true requires it"
    );
    // Straight to stderr: the test harness captures `println!`, and this line must show.
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        format!("skipping {what}: ../shared/spec not found\n").as_bytes(),
    );
    None
}

/// Reads a spec example, or `None` (see [`shared_spec`]) when the shared folder is absent. A
/// missing example in a present folder is a failure.
pub fn spec_example(name: &str) -> Option<String> {
    let path = shared_spec(name)?.join("examples").join(name);
    Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// Runs `f` with a deadline so a hung test fails instead of blocking CI.
pub async fn within<F: Future>(secs: u64, f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(secs), f)
        .await
        .expect("test took too long")
}

pub fn default_timeouts() -> Timeouts {
    Timeouts::default()
}
