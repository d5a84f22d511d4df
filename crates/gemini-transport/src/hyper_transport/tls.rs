//! TLS roots and the rustls client configuration.

use std::fmt;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;

use crate::Error;

/// Which certificate authorities the default transport trusts. A runtime choice.
///
/// * [`TlsRoots::webpki`] (the default): Mozilla's roots bundled in the binary
///   (`webpki-roots`). Works in minimal containers without a CA bundle.
/// * [`TlsRoots::native`]: the operating system's store (`rustls-native-certs`); use it behind a
///   corporate TLS-intercepting proxy whose CA is installed system-wide.
/// * [`TlsRoots::custom_der`] / [`TlsRoots::custom_pem`]: exactly the certificates you give
///   (tests, private deployments).
///
/// ```
/// use gemini_transport::TlsRoots;
/// assert!(TlsRoots::custom_pem(b"not a pem").is_err());
/// let _default = TlsRoots::default();
/// ```
#[derive(Clone, Default)]
pub struct TlsRoots(Roots);

#[derive(Clone, Default)]
enum Roots {
    #[default]
    WebPki,
    Native,
    Custom(Vec<CertificateDer<'static>>),
}

impl fmt::Debug for TlsRoots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Roots::WebPki => f.write_str("TlsRoots::WebPki"),
            Roots::Native => f.write_str("TlsRoots::Native"),
            Roots::Custom(c) => write!(f, "TlsRoots::Custom({} certificates)", c.len()),
        }
    }
}

impl TlsRoots {
    /// The bundled Mozilla roots (`webpki-roots`), the default.
    pub fn webpki() -> Self {
        Self(Roots::WebPki)
    }

    /// The operating system's certificate store, loaded when the transport is built.
    pub fn native() -> Self {
        Self(Roots::Native)
    }

    /// Exactly these DER-encoded certificates.
    pub fn custom_der<I, C>(certs: I) -> Self
    where
        I: IntoIterator<Item = C>,
        C: Into<Vec<u8>>,
    {
        Self(Roots::Custom(
            certs
                .into_iter()
                .map(|c| CertificateDer::from(c.into()))
                .collect(),
        ))
    }

    /// Exactly the certificates in a PEM bundle.
    pub fn custom_pem(pem: &[u8]) -> Result<Self, Error> {
        let certs = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Error::builder(format!("invalid PEM certificate bundle: {e}")))?;
        if certs.is_empty() {
            return Err(Error::builder("the PEM bundle holds no certificate"));
        }
        Ok(Self(Roots::Custom(certs)))
    }

    /// A rustls client configuration trusting these roots (ring provider, never the
    /// process-wide default), with the given ALPN protocols: for other protocols over the same
    /// roots, such as the Live API's WebSocket (`http/1.1`).
    pub fn rustls_client_config(&self, alpn: &[&[u8]]) -> Result<Arc<rustls::ClientConfig>, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::builder(format!("TLS configuration: {e}")))?
            .with_root_certificates(self.store()?)
            .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        Ok(Arc::new(config))
    }

    fn store(&self) -> Result<RootCertStore, Error> {
        let mut store = RootCertStore::empty();
        match &self.0 {
            Roots::WebPki => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
            Roots::Native => {
                let found = rustls_native_certs::load_native_certs();
                let (added, _) = store.add_parsable_certificates(found.certs);
                if added == 0 {
                    return Err(Error::builder(format!(
                        "no usable certificate in the system store ({} errors while loading)",
                        found.errors.len()
                    )));
                }
            }
            Roots::Custom(certs) => {
                for c in certs {
                    store
                        .add(c.clone())
                        .map_err(|e| Error::builder(format!("invalid root certificate: {e}")))?;
                }
            }
        }
        Ok(store)
    }
}

/// A rustls client configuration with the ring provider (never the process-wide default),
/// ALPN `h2` then `http/1.1`.
pub(crate) fn client_config(roots: &TlsRoots) -> Result<Arc<rustls::ClientConfig>, Error> {
    roots.rustls_client_config(&[b"h2", b"http/1.1"])
}
