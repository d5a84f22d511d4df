//! The connector: TCP (hyper-util), an optional CONNECT tunnel, then rustls.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tower_service::Service;

use crate::BoxError;

/// The connector handed to hyper-util's pooled client.
#[derive(Clone)]
pub(crate) struct Connector {
    pub(crate) http: HttpConnector,
    pub(crate) tls: TlsConnector,
    pub(crate) proxy: Option<Arc<Matcher>>,
    pub(crate) allow_insecure_http: bool,
    pub(crate) connect_timeout: Option<Duration>,
}

/// Connecting took longer than the connect timeout.
#[derive(Debug)]
pub(crate) struct ConnectTimeout(pub(crate) Duration);

impl fmt::Display for ConnectTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "connect timeout after {:?}", self.0)
    }
}

impl std::error::Error for ConnectTimeout {}

/// The TLS handshake failed.
#[derive(Debug)]
pub(crate) struct TlsError(pub(crate) io::Error);

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TLS handshake failed")
    }
}

impl std::error::Error for TlsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Plain `http://` to a host that is not loopback, without the opt-in.
#[derive(Debug)]
pub(crate) struct InsecureHttp;

impl fmt::Display for InsecureHttp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "plain http:// is only allowed to loopback hosts unless `allow_insecure_http` is set",
        )
    }
}

impl std::error::Error for InsecureHttp {}

/// Whether `host` (from a URI, IPv6 in brackets) is a loopback name or address.
pub(crate) fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether a request to `uri` may go out (TLS, loopback, or opted in).
pub(crate) fn check_scheme(uri: &Uri, allow_insecure_http: bool) -> Result<bool, InsecureHttp> {
    let https = uri.scheme_str() == Some("https");
    if !https && !allow_insecure_http && !uri.host().is_some_and(is_loopback) {
        return Err(InsecureHttp);
    }
    Ok(https)
}

impl Service<Uri> for Connector {
    type Response = MaybeTls;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<MaybeTls, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            match this.connect_timeout {
                Some(t) => tokio::time::timeout(t, this.connect(dst))
                    .await
                    .map_err(|_| Box::new(ConnectTimeout(t)) as BoxError)?,
                None => this.connect(dst).await,
            }
        })
    }
}

impl Connector {
    async fn connect(mut self, dst: Uri) -> Result<MaybeTls, BoxError> {
        let https = check_scheme(&dst, self.allow_insecure_http)?;
        let host = dst.host().ok_or("the URL has no host")?.to_owned();
        let proxy = if is_loopback(&host) {
            None
        } else {
            super::proxy::intercept(self.proxy.as_deref(), &dst)
        };
        let tcp: TokioIo<TcpStream> = match proxy {
            Some(intercept) => {
                let port = dst.port_u16().unwrap_or(if https { 443 } else { 80 });
                let target: Uri = format!(
                    "{}://{}:{port}",
                    if https { "https" } else { "http" },
                    dst.authority().map_or(host.as_str(), |a| a.host())
                )
                .parse()?;
                let mut tunnel = Tunnel::new(intercept.uri().clone(), self.http.clone());
                if let Some(auth) = intercept.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                tunnel.call(target).await?
            }
            None => self.http.call(dst.clone()).await?,
        };
        if !https {
            return Ok(MaybeTls::Plain(tcp));
        }
        let name = ServerName::try_from(
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
        )?;
        let tls = self
            .tls
            .connect(name, tcp.into_inner())
            .await
            .map_err(|e| Box::new(TlsError(e)) as BoxError)?;
        let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
        Ok(MaybeTls::Tls(TokioIo::new(tls), h2))
    }
}

/// A plain or TLS connection.
#[allow(clippy::large_enum_variant)] // One per pooled connection; boxing buys nothing.
pub(crate) enum MaybeTls {
    Plain(TokioIo<TcpStream>),
    Tls(TokioIo<TlsStream<TcpStream>>, bool),
}

impl Connection for MaybeTls {
    fn connected(&self) -> Connected {
        match self {
            Self::Plain(io) => io.connected(),
            Self::Tls(io, h2) => {
                let c = io.inner().get_ref().0.connected();
                if *h2 { c.negotiated_h2() } else { c }
            }
        }
    }
}

impl Read for MaybeTls {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_read(cx, buf),
            Self::Tls(io, _) => Pin::new(io).poll_read(cx, buf),
        }
    }
}

impl Write for MaybeTls {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_write(cx, buf),
            Self::Tls(io, _) => Pin::new(io).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_flush(cx),
            Self::Tls(io, _) => Pin::new(io).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_shutdown(cx),
            Self::Tls(io, _) => Pin::new(io).poll_shutdown(cx),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Self::Plain(io) => io.is_write_vectored(),
            Self::Tls(io, _) => io.is_write_vectored(),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(io) => Pin::new(io).poll_write_vectored(cx, bufs),
            Self::Tls(io, _) => Pin::new(io).poll_write_vectored(cx, bufs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_detection() {
        for h in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.3.4.5",
            "[::1]",
            "::1",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        for h in ["example.com", "10.0.0.1", "[::2]", "localhost.example.com"] {
            assert!(!is_loopback(h), "{h}");
        }
        let u = |s: &str| s.parse::<Uri>().unwrap();
        assert!(check_scheme(&u("http://127.0.0.1:1/"), false).is_ok());
        assert!(check_scheme(&u("http://example.com/"), false).is_err());
        assert!(check_scheme(&u("http://example.com/"), true).is_ok());
        assert!(check_scheme(&u("https://example.com/"), false).unwrap());
    }
}
