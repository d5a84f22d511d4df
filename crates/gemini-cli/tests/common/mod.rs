//! What the `gemini-rs` CLI tests share: the binary with a clean environment, pointed at the
//! built-in emulator or at one started by the test.

#![allow(dead_code)] // Each test binary uses some of these.

use std::time::Duration;

use assert_cmd::Command;
use gemini_emulator::Emulator;

/// The line every command prints on stderr when it runs against the built-in emulator.
pub(crate) const NOTICE: &str =
    "gemini-rs: no API key set; using the built-in emulator (offline, deterministic answers)\n";

/// The binary with no key, base URL, proxy or log filter from the environment, bounded in time.
pub(crate) fn gemini_rs() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_gemini-rs"));
    for var in [
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
        "GOOGLE_GEMINI_BASE_URL",
        "GOOGLE_GENAI_API_VERSION",
        "RUST_LOG",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        c.env_remove(var);
    }
    c.timeout(Duration::from_secs(60));
    c
}

/// The binary pointed at `emu`, with retries off so that errors end the command.
pub(crate) fn against(emu: &Emulator) -> Command {
    let mut c = gemini_rs();
    c.args([
        "--base-url",
        &emu.base_url(),
        "--api-key",
        "test-key",
        "--retries",
        "0",
    ]);
    c
}
