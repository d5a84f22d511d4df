//! `emulator`: the emulator in the foreground until Ctrl-C.

use std::fmt::Write as _;
use std::time::Duration;

use gemini_emulator::Emulator;

use crate::cli::{EmulatorArgs, Global};
use crate::exit::Failure;
use crate::term::Io;

/// The longest `goAway` warning `--live-lifetime` gives.
const MAX_WARNING: Duration = Duration::from_secs(60);

pub(super) async fn run(global: &Global, args: &EmulatorArgs, io: &mut Io) -> Result<(), Failure> {
    let mut builder = Emulator::builder()
        .host(args.host)
        .port(args.port)
        .worker_threads(args.workers.max(1))
        .tls(args.tls);
    if let Some(lifetime) = args.live_lifetime {
        builder = builder.live_connection_lifetime(lifetime, (lifetime / 10).min(MAX_WARNING));
    }
    // The global --api-key, when given, is the only key the emulator accepts.
    if let Some(key) = global.api_key.as_deref().filter(|k| !k.trim().is_empty()) {
        builder = builder.api_key(key.trim());
    }
    let emulator = builder
        .try_start()
        .map_err(|e| Failure::io(format!("cannot listen on {}:{}", args.host, args.port), e))?;
    if let (Some(path), Some(pem)) = (&args.cert_out, emulator.certificate_pem()) {
        // Written before the URL is printed: a script that sees the URL can read it.
        std::fs::write(path, pem).map_err(|e| {
            Failure::io(
                format!("cannot write the certificate to {}", path.display()),
                e,
            )
        })?;
    }
    // The first line of stdout is the base URL, for scripts; with TLS, the https:// base URL and
    // the wss:// Live URL follow.
    io.println(&emulator.base_url())?;
    let version = global.api_version.as_deref().unwrap_or("v1beta");
    if let Some(https) = emulator.tls_base_url() {
        io.println(&https)?;
        io.println(&emulator.live_url(version))?;
    }
    io.flush()?;
    let mut note = format!("gemini-rs: emulator listening on {}", emulator.base_url());
    if let Some(https) = emulator.tls_base_url() {
        let _ = write!(note, " and {https} (Live over wss)");
    }
    if let Some(path) = &args.cert_out {
        let _ = write!(note, "; certificate in {}", path.display());
    }
    io.note(&format!("{note}; Ctrl-C to stop"));
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Failure::io("cannot wait for Ctrl-C", e))?;
    emulator.shutdown();
    Ok(())
}
