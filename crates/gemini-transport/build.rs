//! Records the compiler version for the `gl-rust/<version>` part of the user agent.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=RUSTC");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    // `rustc 1.95.0 (59807616e 2026-04-14)` -> `1.95.0`
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.split_whitespace().nth(1).map(str::to_owned))
        .filter(|v| {
            v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.+".contains(&b))
        })
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=GEMINI_TRANSPORT_RUSTC_VERSION={version}");
}
