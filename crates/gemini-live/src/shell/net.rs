//! Opening the WebSocket: TCP, an optional HTTP `CONNECT` tunnel, rustls, the upgrade.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{HeaderValue, Uri};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use super::connector::Inner;
use crate::LiveError;

/// The frames written in one system call at most (tungstenite's write buffer).
const WRITE_BUFFER: usize = 64 * 1024;

/// The largest proxy `CONNECT` response head read.
const MAX_PROXY_RESPONSE: usize = 8 * 1024;
/// The largest error body of a refused upgrade kept for the error message.
const MAX_ERROR_BODY: usize = 1024;

/// A plain or TLS TCP stream.
#[derive(Debug)]
pub(crate) enum MaybeTls {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for MaybeTls {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for MaybeTls {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_flush(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// An open Live WebSocket.
pub(crate) type Ws = WebSocketStream<MaybeTls>;

fn connect_err(what: &str, e: impl std::fmt::Display) -> LiveError {
    LiveError::Connect(format!("{what}: {e}"))
}

/// Opens the WebSocket to the connector's endpoint and completes the upgrade.
pub(crate) async fn open(inner: &Inner) -> Result<Ws, LiveError> {
    let url: &Uri = &inner.url;
    let tls = url.scheme_str() == Some("wss");
    let host = url
        .host()
        .ok_or_else(|| LiveError::InvalidConfig("the Live URL has no host".into()))?;
    let bare_host = host.trim_start_matches('[').trim_end_matches(']');
    let port = url.port_u16().unwrap_or(if tls { 443 } else { 80 });
    // The proxy is chosen for the equivalent https/http URL, as for REST calls.
    let http_equiv: Uri = format!("{}://{}:{port}/", if tls { "https" } else { "http" }, host)
        .parse()
        .map_err(|e| connect_err("invalid host", e))?;
    let tcp = match inner.proxy.proxy_for(&http_equiv) {
        Some((proxy, auth)) => tunnel(&proxy, auth.as_ref(), host, port).await?,
        None => TcpStream::connect((bare_host, port))
            .await
            .map_err(|e| connect_err("TCP connect", e))?,
    };
    let _ = tcp.set_nodelay(true);
    let stream = if tls {
        let name = rustls::pki_types::ServerName::try_from(bare_host.to_owned())
            .map_err(|e| connect_err("invalid TLS server name", e))?;
        let tls = tokio_rustls::TlsConnector::from(inner.tls.clone())
            .connect(name, tcp)
            .await
            .map_err(|e| connect_err("TLS handshake", e))?;
        MaybeTls::Tls(Box::new(tls))
    } else {
        MaybeTls::Plain(tcp)
    };
    let mut request = url
        .to_string()
        .into_client_request()
        .map_err(|e| connect_err("invalid WebSocket request", e))?;
    let headers = request.headers_mut();
    let (name, mut value) = inner.auth.header();
    value.set_sensitive(true);
    headers.insert(name, value);
    if let Ok(ua) = HeaderValue::from_str(&inner.user_agent) {
        headers.insert("x-goog-api-client", ua.clone());
        headers.insert(http::header::USER_AGENT, ua);
    }
    // Frames fed in one turn of the driver go out together: tungstenite writes when its buffer
    // passes WRITE_BUFFER, and the driver flushes after each turn, so nothing waits for more.
    let config = WebSocketConfig::default()
        .read_buffer_size(inner.read_buffer_size)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(
            inner
                .max_message_size
                .saturating_mul(2)
                .max(WRITE_BUFFER + 1),
        )
        .max_message_size(Some(inner.max_message_size))
        .max_frame_size(Some(inner.max_message_size));
    match tokio_tungstenite::client_async_with_config(request, stream, Some(config)).await {
        Ok((ws, _response)) => Ok(ws),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            let status = response.status();
            let body = response
                .body()
                .as_deref()
                .map(|b| String::from_utf8_lossy(&b[..b.len().min(MAX_ERROR_BODY)]).into_owned())
                .unwrap_or_default();
            Err(LiveError::Connect(format!(
                "the server refused the WebSocket upgrade with HTTP {status}: {body}"
            )))
        }
        Err(e) => Err(connect_err("WebSocket handshake", e)),
    }
}

/// An HTTP `CONNECT` tunnel to `host:port` through `proxy`.
async fn tunnel(
    proxy: &Uri,
    auth: Option<&HeaderValue>,
    host: &str,
    port: u16,
) -> Result<TcpStream, LiveError> {
    let proxy_host = proxy
        .host()
        .ok_or_else(|| LiveError::InvalidConfig("the proxy URL has no host".into()))?
        .trim_start_matches('[')
        .trim_end_matches(']');
    let default_port = if proxy.scheme_str() == Some("https") {
        443
    } else {
        80
    };
    let proxy_port = proxy.port_u16().unwrap_or(default_port);
    let mut tcp = TcpStream::connect((proxy_host, proxy_port))
        .await
        .map_err(|e| connect_err("TCP connect to the proxy", e))?;
    let mut head =
        format!("CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n").into_bytes();
    if let Some(auth) = auth {
        head.extend_from_slice(b"Proxy-Authorization: ");
        head.extend_from_slice(auth.as_bytes());
        head.extend_from_slice(b"\r\n");
    }
    head.extend_from_slice(b"\r\n");
    tcp.write_all(&head)
        .await
        .map_err(|e| connect_err("proxy CONNECT", e))?;
    let mut buf = Vec::with_capacity(256);
    let mut chunk = [0u8; 512];
    loop {
        let n = tcp
            .read(&mut chunk)
            .await
            .map_err(|e| connect_err("proxy CONNECT response", e))?;
        if n == 0 {
            return Err(LiveError::Connect(
                "the proxy closed the connection during CONNECT".into(),
            ));
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            if end + 4 != buf.len() {
                return Err(LiveError::Connect(
                    "the proxy sent data after its CONNECT response".into(),
                ));
            }
            break;
        }
        if buf.len() > MAX_PROXY_RESPONSE {
            return Err(LiveError::Connect(
                "the proxy's CONNECT response head is too large".into(),
            ));
        }
    }
    let status_line = buf.split(|b| *b == b'\r').next().unwrap_or_default();
    let status_line = String::from_utf8_lossy(status_line);
    let mut words = status_line.split_whitespace();
    let ok = words.next().is_some_and(|v| v.starts_with("HTTP/1.")) && words.next() == Some("200");
    if !ok {
        return Err(LiveError::Connect(format!(
            "the proxy refused CONNECT: {status_line}"
        )));
    }
    Ok(tcp)
}
