//! Where and how to connect: the endpoint, the credentials, TLS roots and the proxy.

use std::fmt;
use std::sync::Arc;

use gemini_transport::{ApiKey, ProxyConfig, TlsRoots};
use http::{HeaderName, HeaderValue, Uri};

use super::{LiveSession, ToolHandler};
use crate::{LiveConfig, LiveError};

/// The default base URL.
pub const DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com";

/// How a session authenticates.
#[derive(Clone)]
#[non_exhaustive]
pub enum LiveAuth {
    /// An API key, sent in the `x-goog-api-key` header (never in the URL).
    ApiKey(ApiKey),
    /// An ephemeral token (`auth_tokens/...`) for the constrained endpoint (v1alpha), sent as
    /// `Authorization: Token auth_tokens/...`.
    EphemeralToken(Arc<str>),
}

impl fmt::Debug for LiveAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiKey(_) => f.write_str("LiveAuth::ApiKey(<redacted>)"),
            Self::EphemeralToken(_) => f.write_str("LiveAuth::EphemeralToken(<redacted>)"),
        }
    }
}

impl LiveAuth {
    /// An ephemeral token (the `name` of an `auth_tokens` resource).
    pub fn ephemeral_token(token: impl AsRef<str>) -> Self {
        Self::EphemeralToken(Arc::from(token.as_ref()))
    }

    pub(crate) fn header(&self) -> (HeaderName, HeaderValue) {
        match self {
            Self::ApiKey(k) => (
                HeaderName::from_static("x-goog-api-key"),
                HeaderValue::from_str(k.expose_secret())
                    .unwrap_or_else(|_| HeaderValue::from_static("")),
            ),
            Self::EphemeralToken(t) => (
                http::header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Token {t}"))
                    .unwrap_or_else(|_| HeaderValue::from_static("")),
            ),
        }
    }
}

/// Opens Live sessions: the endpoint, credentials, TLS roots and proxy, shared by every session
/// it opens (cheap to clone).
///
/// ```no_run
/// # async fn run() -> Result<(), gemini_live::LiveError> {
/// use gemini_live::{LiveConfig, LiveConnector};
/// use gemini_transport::ApiKey;
/// let connector = LiveConnector::builder().api_key(ApiKey::new("KEY")).build()?;
/// let session = connector.connect(LiveConfig::new("gemini-live-2.5-flash")).await?;
/// # drop(session); Ok(()) }
/// ```
#[derive(Clone)]
pub struct LiveConnector {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for LiveConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveConnector")
            .field("url", &self.inner.url.to_string())
            .field("auth", &self.inner.auth)
            .field("proxy", &self.inner.proxy)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub(crate) url: Uri,
    pub(crate) auth: LiveAuth,
    pub(crate) tls: Arc<rustls::ClientConfig>,
    pub(crate) proxy: ProxyConfig,
    pub(crate) user_agent: String,
    pub(crate) read_buffer_size: usize,
    pub(crate) max_message_size: usize,
    pub(crate) event_capacity: usize,
}

/// Builds a [`LiveConnector`].
#[derive(Debug, Clone)]
pub struct LiveConnectorBuilder {
    base_url: String,
    api_version: String,
    auth: Option<LiveAuth>,
    roots: TlsRoots,
    proxy: ProxyConfig,
    allow_insecure_ws: bool,
    user_agent: String,
    max_message_size: usize,
    event_capacity: usize,
}

impl Default for LiveConnectorBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_version: "v1beta".to_owned(),
            auth: None,
            roots: TlsRoots::default(),
            proxy: ProxyConfig::default(),
            allow_insecure_ws: false,
            user_agent: gemini_transport::USER_AGENT.to_owned(),
            max_message_size: 16 << 20,
            event_capacity: 64,
        }
    }
}

impl LiveConnector {
    /// A builder with the defaults: the public endpoint, `v1beta`, Mozilla's roots, proxies
    /// from the environment.
    pub fn builder() -> LiveConnectorBuilder {
        LiveConnectorBuilder::default()
    }

    /// The WebSocket URL sessions connect to (it never holds a credential).
    pub fn url(&self) -> String {
        self.inner.url.to_string()
    }

    /// Opens a session: connects, sends `setup` and waits for `setupComplete` (within the
    /// config's setup timeout). Must be called within a tokio runtime: the session runs in a
    /// task of its own.
    pub async fn connect(&self, config: LiveConfig) -> Result<LiveSession, LiveError> {
        LiveSession::start(Arc::clone(&self.inner), config, None).await
    }

    /// Like [`connect`](Self::connect), with the calls `tools` handles answered automatically
    /// (declare the functions in the config's tools yourself).
    pub async fn connect_with_tools(
        &self,
        config: LiveConfig,
        tools: Arc<dyn ToolHandler>,
    ) -> Result<LiveSession, LiveError> {
        LiveSession::start(Arc::clone(&self.inner), config, Some(tools)).await
    }
}

impl LiveConnectorBuilder {
    /// Authenticates with an API key (`x-goog-api-key` header).
    #[must_use]
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.auth = Some(LiveAuth::ApiKey(key.into()));
        self
    }

    /// Authenticates with an ephemeral token on the constrained endpoint (always `v1alpha`).
    #[must_use]
    pub fn ephemeral_token(mut self, token: impl AsRef<str>) -> Self {
        self.auth = Some(LiveAuth::ephemeral_token(token));
        self
    }

    /// Sets the credentials.
    #[must_use]
    pub fn auth(mut self, auth: LiveAuth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The HTTP base URL (`https://...` becomes `wss://...`, `http://` becomes `ws://`).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The API version in the path (`v1beta`, `v1alpha`, `v1`); ignored with an ephemeral token.
    #[must_use]
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// The trusted roots (default [`TlsRoots::webpki`]), as for the HTTP transport.
    #[must_use]
    pub fn tls_roots(mut self, roots: TlsRoots) -> Self {
        self.roots = roots;
        self
    }

    /// The proxy (default [`ProxyConfig::from_env`]: `HTTPS_PROXY`/`NO_PROXY`), as for the HTTP
    /// transport; sessions tunnel through it with `CONNECT`.
    #[must_use]
    pub fn proxy(mut self, proxy: ProxyConfig) -> Self {
        self.proxy = proxy;
        self
    }

    /// Allows plain `ws://` to hosts that are not loopback (off by default).
    #[must_use]
    pub fn allow_insecure_ws(mut self, allow: bool) -> Self {
        self.allow_insecure_ws = allow;
        self
    }

    /// The `user-agent` and `x-goog-api-client` value.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The largest server message accepted (default 16 MiB); larger ones end the session with
    /// a protocol error.
    #[must_use]
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes.max(1024);
        self
    }

    /// How many batches of events (what the session read from the socket at once, often one
    /// server message) wait for the receiver before the session stops reading the socket
    /// (default 64).
    #[must_use]
    pub fn event_capacity(mut self, events: usize) -> Self {
        self.event_capacity = events.max(1);
        self
    }

    /// Builds the connector (loads the TLS roots once for every session).
    pub fn build(self) -> Result<LiveConnector, LiveError> {
        let auth = self.auth.ok_or_else(|| {
            LiveError::InvalidConfig("no API key or ephemeral token was given".into())
        })?;
        let url = live_url(&self.base_url, &self.api_version, &auth)?;
        let host = url.host().unwrap_or_default();
        let loopback = {
            let h = host.trim_start_matches('[').trim_end_matches(']');
            h.eq_ignore_ascii_case("localhost")
                || h.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        };
        if url.scheme_str() == Some("ws") && !loopback && !self.allow_insecure_ws {
            return Err(LiveError::InvalidConfig(
                "plain ws:// is only allowed to loopback hosts unless allow_insecure_ws is set"
                    .into(),
            ));
        }
        let tls = self
            .roots
            .rustls_client_config(&[b"http/1.1"])
            .map_err(|e| LiveError::InvalidConfig(e.to_string()))?;
        Ok(LiveConnector {
            inner: Arc::new(Inner {
                url,
                auth,
                tls,
                proxy: self.proxy,
                user_agent: self.user_agent,
                read_buffer_size: 4096,
                max_message_size: self.max_message_size,
                event_capacity: self.event_capacity,
            }),
        })
    }
}

/// The WebSocket URL for a base URL, an API version and the kind of credentials.
pub(crate) fn live_url(base: &str, version: &str, auth: &LiveAuth) -> Result<Uri, LiveError> {
    let bad = |m: &str| LiveError::InvalidConfig(format!("invalid base URL {base:?}: {m}"));
    let (scheme, rest) = base.split_once("://").ok_or_else(|| bad("no scheme"))?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "https" | "wss" => "wss",
        "http" | "ws" => "ws",
        _ => return Err(bad("the scheme must be https, http, wss or ws")),
    };
    if rest.contains(['?', '#']) {
        return Err(bad("it must not have a query or fragment"));
    }
    let rest = rest.trim_end_matches('/');
    let (version, method) = match auth {
        LiveAuth::ApiKey(_) => (version, "BidiGenerateContent"),
        LiveAuth::EphemeralToken(_) => ("v1alpha", "BidiGenerateContentConstrained"),
    };
    if version.is_empty() || !version.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(LiveError::InvalidConfig(format!(
            "invalid API version {version:?}"
        )));
    }
    let url = format!(
        "{scheme}://{rest}/ws/google.ai.generativelanguage.{version}.GenerativeService.{method}"
    );
    let uri: Uri = url.parse().map_err(|_| bad("not a URL"))?;
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad("no host"));
    }
    Ok(uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let key = LiveAuth::ApiKey(ApiKey::new("k"));
        assert_eq!(
            live_url(DEFAULT_BASE_URL, "v1beta", &key)
                .unwrap()
                .to_string(),
            "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
        );
        assert_eq!(
            live_url("http://127.0.0.1:8080/", "v1alpha", &key)
                .unwrap()
                .to_string(),
            "ws://127.0.0.1:8080/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent"
        );
        let token = LiveAuth::ephemeral_token("auth_tokens/abc");
        assert_eq!(
            live_url(DEFAULT_BASE_URL, "v1beta", &token)
                .unwrap()
                .to_string(),
            "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained"
        );
        assert!(live_url("ftp://x", "v1beta", &key).is_err());
        assert!(live_url("https://x?key=1", "v1beta", &key).is_err());
        assert!(live_url("https://x", "v1/../x", &key).is_err());
    }

    #[test]
    fn secrets_stay_out_of_debug_and_urls() {
        let c = LiveConnector::builder()
            .api_key(ApiKey::new("SECRET-KEY"))
            .build()
            .unwrap();
        let shown = format!("{c:?} {}", c.url());
        assert!(!shown.contains("SECRET"), "{shown}");
        let t = LiveConnector::builder()
            .ephemeral_token("auth_tokens/SECRET")
            .build()
            .unwrap();
        assert!(!format!("{t:?} {}", t.url()).contains("SECRET"));
        assert_eq!(
            t.inner.auth.header().1.to_str().unwrap(),
            "Token auth_tokens/SECRET"
        );
    }

    #[test]
    fn plain_ws_is_for_loopback() {
        let err = LiveConnector::builder()
            .api_key(ApiKey::new("k"))
            .base_url("http://example.com")
            .build()
            .unwrap_err();
        assert!(matches!(err, LiveError::InvalidConfig(_)));
        assert!(
            LiveConnector::builder()
                .api_key(ApiKey::new("k"))
                .base_url("http://localhost:9")
                .build()
                .is_ok()
        );
        assert!(LiveConnector::builder().build().is_err());
    }
}
