//! Proxy selection, delegated to hyper-util's matcher (curl's rules for the variables).

use std::fmt;
use std::sync::Arc;

use hyper_util::client::proxy::matcher::{Intercept, Matcher};

use crate::Error;

/// Which proxy the default transport uses. HTTPS (and opted-in plain HTTP) requests go
/// through an HTTP `CONNECT` tunnel. Loopback destinations never use a proxy.
///
/// ```
/// use gemini_transport::ProxyConfig;
/// let _from_env = ProxyConfig::from_env(); // the default
/// let explicit = ProxyConfig::explicit("http://127.0.0.1:3128").unwrap().no_proxy("internal.example");
/// let _none = ProxyConfig::none();
/// # let _ = explicit;
/// ```
#[derive(Clone)]
pub struct ProxyConfig(Mode);

#[derive(Clone)]
enum Mode {
    None,
    Env,
    System,
    Explicit { uri: String, no_proxy: String },
}

impl Default for ProxyConfig {
    fn default() -> Self {
        Self::from_env()
    }
}

impl fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Mode::None => f.write_str("ProxyConfig::None"),
            Mode::Env => f.write_str("ProxyConfig::FromEnv"),
            Mode::System => f.write_str("ProxyConfig::System"),
            // The URI may hold credentials: print the host only.
            Mode::Explicit { uri, .. } => {
                let host = uri
                    .parse::<http::Uri>()
                    .ok()
                    .and_then(|u| u.host().map(str::to_owned))
                    .unwrap_or_default();
                write!(f, "ProxyConfig::Explicit({host})")
            }
        }
    }
}

impl ProxyConfig {
    /// No proxy.
    pub fn none() -> Self {
        Self(Mode::None)
    }

    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (either case), read when the
    /// transport is built. The default.
    pub fn from_env() -> Self {
        Self(Mode::Env)
    }

    /// Like [`from_env`](Self::from_env), falling back to the operating system's settings
    /// (macOS, Windows) when no variable is set.
    pub fn system() -> Self {
        Self(Mode::System)
    }

    /// One proxy for every request (`http://[user:pass@]host:port`).
    pub fn explicit(uri: &str) -> Result<Self, Error> {
        let parsed: http::Uri = uri
            .parse()
            .map_err(|_| Error::builder("invalid proxy URL"))?;
        if parsed.host().is_none() {
            return Err(Error::builder("invalid proxy URL: no host"));
        }
        Ok(Self(Mode::Explicit {
            uri: uri.to_owned(),
            no_proxy: String::new(),
        }))
    }

    /// Hosts that bypass the explicit proxy (`NO_PROXY` syntax: comma-separated domains, IPs
    /// and CIDR ranges).
    #[must_use]
    pub fn no_proxy(mut self, list: &str) -> Self {
        if let Mode::Explicit { no_proxy, .. } = &mut self.0 {
            no_proxy.clone_from(&list.to_owned());
        }
        self
    }

    /// The proxy a connection to `dst` goes through, with the same rules as the transport
    /// (loopback destinations never use one): the proxy's URI and its `Proxy-Authorization`
    /// value, if any. Reads the environment for [`from_env`](Self::from_env). For other
    /// protocols that tunnel through `CONNECT`, such as the Live API's WebSocket.
    pub fn proxy_for(&self, dst: &http::Uri) -> Option<(http::Uri, Option<http::HeaderValue>)> {
        if dst.host().is_some_and(super::connector::is_loopback) {
            return None;
        }
        let matcher = self.matcher()?;
        let intercept = intercept(Some(&matcher), dst)?;
        Some((intercept.uri().clone(), intercept.basic_auth().cloned()))
    }

    pub(crate) fn matcher(&self) -> Option<Arc<Matcher>> {
        let m = match &self.0 {
            Mode::None => return None,
            Mode::Env => Matcher::from_env(),
            Mode::System => Matcher::from_system(),
            Mode::Explicit { uri, no_proxy } => Matcher::builder()
                .all(uri.clone())
                .no(no_proxy.clone())
                .build(),
        };
        Some(Arc::new(m))
    }
}

/// The proxy for `dst`, if any.
pub(crate) fn intercept(matcher: Option<&Matcher>, dst: &http::Uri) -> Option<Intercept> {
    matcher?.intercept(dst)
}

#[cfg(test)]
mod tests {
    use super::ProxyConfig;

    #[test]
    fn proxy_for_follows_the_transport_rules() {
        let dst: http::Uri = "https://generativelanguage.googleapis.com:443/"
            .parse()
            .unwrap();
        let explicit = ProxyConfig::explicit("http://user:pass@127.0.0.1:3128").unwrap();
        let (proxy, auth) = explicit.proxy_for(&dst).unwrap();
        assert_eq!(proxy.host(), Some("127.0.0.1"));
        assert_eq!(proxy.port_u16(), Some(3128));
        assert!(auth.unwrap().to_str().unwrap().starts_with("Basic "));
        // Loopback never goes through a proxy; NO_PROXY hosts and `none` neither.
        let local: http::Uri = "http://127.0.0.1:8080/".parse().unwrap();
        assert!(explicit.proxy_for(&local).is_none());
        let bypass = ProxyConfig::explicit("http://127.0.0.1:3128")
            .unwrap()
            .no_proxy("googleapis.com");
        assert!(bypass.proxy_for(&dst).is_none());
        assert!(ProxyConfig::none().proxy_for(&dst).is_none());
    }
}
