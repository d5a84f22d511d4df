//! `HTTPS_PROXY` from the environment is used (through a CONNECT tunnel on loopback).
//!
//! Environment variables are process-wide, so the client runs in a child process (this same
//! test binary, re-executed with `HTTPS_PROXY` set) while the parent runs the proxy.

// Helpers outside `#[test]` functions panic on purpose, like the tests.
#![allow(clippy::unwrap_used)]

mod support;

use std::process::Command;

use gemini_transport::{HttpClient, HyperTransport, RequestSpec, TlsRoots};
use support::{json, within};

const CHILD: &str = "GEMINI_TRANSPORT_PROXY_ENV_CHILD";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_proxy_from_the_environment() {
    if std::env::var_os(CHILD).is_some() {
        return child().await;
    }
    let (proxy, targets) = support::connect_proxy(None).await;
    let exe = std::env::current_exe().unwrap();
    let output = tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new(exe);
        cmd.args(["--exact", "https_proxy_from_the_environment", "--nocapture"])
            .env(CHILD, "1")
            .env("HTTPS_PROXY", format!("http://{proxy}"));
        for var in [
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
            "REQUEST_METHOD",
        ] {
            cmd.env_remove(var);
        }
        cmd.output().unwrap()
    });
    let output = within(60, output).await.unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 passed"),
        "the child ran the test:\n{stdout}"
    );
    let targets = targets.lock().unwrap().clone();
    assert_eq!(targets.len(), 1, "{targets:?}");
    assert!(targets[0].starts_with("gemini.test:"), "{targets:?}");
}

async fn child() {
    let cert = support::cert(&["gemini.test"]);
    let server = support::serve_tls(&cert, |_, _| json(200, "{}")).await;
    // The default proxy setting reads the environment. `gemini.test` does not resolve, so
    // only a request through the proxy can succeed.
    let transport = HyperTransport::builder()
        .tls_roots(TlsRoots::custom_der([cert.0.clone()]))
        .build()
        .unwrap();
    let config = gemini_transport::Config::new()
        .with_base_url(&format!("https://gemini.test:{}", server.addr.port()))
        .unwrap();
    let client = HttpClient::builder()
        .config(config)
        .transport(std::sync::Arc::new(transport))
        .build()
        .unwrap();
    let resp = within(20, client.execute(RequestSpec::get("models")))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(server.requests(), 1);
}
