//! The default transport: hyper 1 over rustls, with its own connection pool (feature `hyper`).

mod connector;
mod pool;
mod proxy;
mod tls;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use hyper_util::client::legacy::connect::HttpConnector;

pub use proxy::ProxyConfig;
pub use tls::TlsRoots;

use crate::{BoxFuture, Clock, Error, ResponseBody, SystemClock, Transport};
use connector::Connector;
use pool::Pool;

/// hyper 1 over rustls with a connection pool: HTTP/2 or HTTP/1.1 by ALPN (one shared HTTP/2
/// connection per origin, which a burst of first requests opens once; HTTP/1.1 connections
/// reused once their response body has been read to the end), TLS roots chosen at runtime ([`TlsRoots`]), proxies from the environment by
/// default ([`ProxyConfig`]), the `ring` crypto provider (never the process-wide default).
/// Plain `http://` goes only to loopback hosts unless
/// [`allow_insecure_http`](HyperTransportBuilder::allow_insecure_http).
///
/// Needs a tokio runtime (with the time driver enabled). Cheap to clone; clones share the pool.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), gemini_transport::Error> {
/// use std::time::Duration;
/// use gemini_transport::{HyperTransport, ProxyConfig, TlsRoots};
/// let transport = HyperTransport::builder()
///     .tls_roots(TlsRoots::webpki())
///     .proxy(ProxyConfig::none())
///     .connect_timeout(Some(Duration::from_secs(5)))
///     .build()?;
/// # let _ = transport; Ok(()) }
/// ```
#[derive(Clone)]
pub struct HyperTransport {
    pool: Arc<Pool>,
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport").finish_non_exhaustive()
    }
}

/// Configures a [`HyperTransport`].
#[derive(Clone, Debug)]
pub struct HyperTransportBuilder {
    roots: TlsRoots,
    proxy: ProxyConfig,
    allow_insecure_http: bool,
    connect_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    clock: Option<Arc<dyn Clock>>,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self {
            roots: TlsRoots::default(),
            proxy: ProxyConfig::default(),
            allow_insecure_http: false,
            connect_timeout: Some(Duration::from_secs(10)),
            pool_idle_timeout: Some(Duration::from_secs(90)),
            pool_max_idle_per_host: usize::MAX,
            clock: None,
        }
    }
}

impl HyperTransportBuilder {
    /// The trusted roots (default [`TlsRoots::webpki`]).
    #[must_use]
    pub fn tls_roots(mut self, roots: TlsRoots) -> Self {
        self.roots = roots;
        self
    }

    /// The proxy (default [`ProxyConfig::from_env`]).
    #[must_use]
    pub fn proxy(mut self, proxy: ProxyConfig) -> Self {
        self.proxy = proxy;
        self
    }

    /// Allows plain `http://` to hosts that are not loopback (default: refused).
    #[must_use]
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The connect timeout, covering TCP, the proxy tunnel and the TLS handshake (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long an idle pooled connection is kept (default 90 s): an older one is closed
    /// instead of used, when its origin is next called.
    #[must_use]
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// The most idle connections kept per host (default unlimited).
    #[must_use]
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// The clock that measures how long a pooled connection has been idle (default
    /// [`SystemClock`]; [`HttpClient::builder`](crate::HttpClient::builder) passes its own
    /// clock to the transport it builds).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Builds the transport (loads the TLS roots and reads proxy variables now).
    pub fn build(self) -> Result<HyperTransport, Error> {
        let tls = tls::client_config(&self.roots)?;
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        let connector = Connector {
            http,
            tls: tokio_rustls::TlsConnector::from(tls),
            proxy: self.proxy.matcher(),
            allow_insecure_http: self.allow_insecure_http,
            connect_timeout: self.connect_timeout,
        };
        Ok(HyperTransport {
            pool: Arc::new(Pool::new(
                connector,
                self.pool_idle_timeout,
                self.pool_max_idle_per_host,
                self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            )),
        })
    }
}

impl HyperTransport {
    /// A builder.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }

    /// A transport with the defaults.
    pub fn new() -> Result<Self, Error> {
        Self::builder().build()
    }
}

impl Transport for HyperTransport {
    fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<http::Response<ResponseBody>, Error>> {
        // Plain http:// to a host that is not loopback is refused by the connector when it
        // would open the connection, so no pooled connection to such a host exists and the
        // request need not be checked here.
        Box::pin(Arc::clone(&self.pool).send(request))
    }
}
