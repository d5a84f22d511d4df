//! `https://` and `wss://` on the emulator's port: a self-signed certificate generated at start
//! (rcgen) and a rustls acceptor.
//!
//! With TLS on ([`EmulatorBuilder::tls`](crate::EmulatorBuilder::tls)) the one port serves
//! both: a connection whose first byte is a TLS handshake record (`0x16`) is served over TLS,
//! any other as plain HTTP. So `http://127.0.0.1:PORT` and `https://127.0.0.1:PORT` (and
//! `ws://`, `wss://`) all reach the same emulator, which is what the official Python SDK needs:
//! it derives its Live URL from the REST base URL by switching the scheme to `wss`.

use std::io;
use std::net::IpAddr;
use std::sync::Arc;

use tokio::net::TcpStream;
use tokio_rustls::TlsAcceptor;

/// The first byte of a TLS record carrying a handshake message (a ClientHello).
const TLS_HANDSHAKE: u8 = 0x16;

/// The generated certificate and the acceptor using it.
#[derive(Clone)]
pub(crate) struct Tls {
    pub(crate) acceptor: TlsAcceptor,
    /// The certificate in PEM, for clients to trust (`SSL_CERT_FILE`, a root store).
    pub(crate) cert_pem: String,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls").finish_non_exhaustive()
    }
}

impl Tls {
    /// A fresh self-signed certificate for `localhost`, `127.0.0.1`, `::1` and `host`.
    pub(crate) fn generate(host: IpAddr) -> io::Result<Self> {
        let mut names = vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ];
        if !host.is_unspecified() && !names.contains(&host.to_string()) {
            names.push(host.to_string());
        }
        let certified = rcgen::generate_simple_self_signed(names).map_err(io::Error::other)?;
        let cert_pem = certified.cert.pem();
        let cert = rustls::pki_types::CertificateDer::from(certified.cert.der().to_vec());
        let key =
            rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .map_err(io::Error::other)?;
        // HTTP/2 for REST clients that offer it; WebSocket clients offer HTTP/1.1 or nothing.
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Self {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            cert_pem,
        })
    }
}

/// Whether the client opened with a TLS handshake (waits for its first byte; `false` when the
/// connection closes first).
pub(crate) async fn starts_with_tls(stream: &TcpStream) -> bool {
    let mut first = [0u8; 1];
    matches!(stream.peek(&mut first).await, Ok(1) if first[0] == TLS_HANDSHAKE)
}
