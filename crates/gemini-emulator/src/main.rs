//! The `gemini-emulator` binary: serves the emulator until Ctrl-C.
//!
//! ```text
//! gemini-emulator --port 8089 [--api-key KEY] [--host 127.0.0.1] [--tls --cert-out cert.pem]
//! ```
//!
//! With `--tls` the same port also serves `https://` and `wss://` with a self-signed
//! certificate generated at start; `--cert-out` writes it (PEM) for clients to trust
//! (`SSL_CERT_FILE=cert.pem` for the official Python SDK, whose Live client always uses `wss`).

use std::net::IpAddr;
use std::process::ExitCode;

use clap::Parser;
use gemini_emulator::Emulator;

/// The longest `goAway` warning `--live-lifetime` gives.
const MAX_WARNING: std::time::Duration = std::time::Duration::from_secs(60);

/// A local emulator of Google's Gemini API.
#[derive(Debug, Parser)]
#[command(name = "gemini-emulator", version, about)]
struct Args {
    /// Port to listen on (0 picks a free port).
    #[arg(long, default_value_t = 8089)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Accept only this API key (default: any non-empty key).
    #[arg(long, env = "GEMINI_EMULATOR_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Runtime worker threads.
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// Also serve https:// and wss:// on the same port, with a generated self-signed
    /// certificate.
    #[arg(long)]
    tls: bool,
    /// Write the generated certificate (PEM) to this file (with --tls).
    #[arg(long, requires = "tls")]
    cert_out: Option<std::path::PathBuf>,
    /// End every Live connection after this many seconds, with goAway a tenth of it (at most
    /// 60 s) before, as the real service does after about ten minutes.
    #[arg(long, value_name = "SECONDS")]
    live_lifetime: Option<u64>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    // Request logs go to stderr at `RUST_LOG=gemini_emulator=debug`; stdout carries the URL.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let mut builder = Emulator::builder()
        .host(args.host)
        .port(args.port)
        .worker_threads(args.workers)
        .tls(args.tls);
    if let Some(secs) = args.live_lifetime {
        let lifetime = std::time::Duration::from_secs(secs);
        builder = builder.live_connection_lifetime(lifetime, (lifetime / 10).min(MAX_WARNING));
    }
    if let Some(key) = args.api_key {
        builder = builder.api_key(key);
    }
    let emu = match builder.try_start() {
        Ok(e) => e,
        Err(e) => {
            eprintln!(
                "gemini-emulator: cannot listen on {}:{}: {e}",
                args.host, args.port
            );
            return ExitCode::FAILURE;
        }
    };
    if let (Some(path), Some(pem)) = (&args.cert_out, emu.certificate_pem()) {
        if let Err(e) = std::fs::write(path, pem) {
            eprintln!(
                "gemini-emulator: cannot write the certificate to {}: {e}",
                path.display()
            );
            return ExitCode::FAILURE;
        }
    }
    // The first line of output is the base URL, for scripts that start the emulator (written
    // after the certificate, so a script that sees the URL can read the certificate).
    println!("{}", emu.base_url());
    if let Err(e) = emu.wait_for_ctrl_c() {
        eprintln!("gemini-emulator: {e}");
        return ExitCode::FAILURE;
    }
    emu.shutdown();
    ExitCode::SUCCESS
}
