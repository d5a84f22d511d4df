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

/// Standard output, decoded as JSON (or a failure that shows it).
pub(crate) fn stdout_json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// Sends SIGINT (what Ctrl-C sends) to a child of this test, by its id.
pub(crate) fn interrupt(child: &std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits at most `limit` for a child to exit; kills it and fails otherwise.
pub(crate) fn wait_bounded(
    child: &mut std::process::Child,
    limit: Duration,
) -> std::process::ExitStatus {
    let step = Duration::from_millis(20);
    for _ in 0..(limit.as_millis() / step.as_millis()) {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(step);
    }
    let _ = child.kill();
    panic!("the child did not exit within {limit:?}");
}

/// Ctrl-C to a running command (spawned with its stderr piped): it must exit with 130 within
/// ten seconds; returns what it printed on stderr.
pub(crate) fn interrupted(child: &mut std::process::Child) -> String {
    interrupt(child);
    let status = wait_bounded(child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(130));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    err
}
