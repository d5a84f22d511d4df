//! The API key appears in no `Debug`, `Display`, error message, error chain or tracing output.

// Helpers outside `#[test]` functions panic on purpose, like the tests.
#![allow(clippy::unwrap_used)]

mod support;

use std::fmt::Write as _;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gemini_transport::{ApiKey, Config, Error, MockTransport, RequestSpec, RetryPolicy, Timeouts};
use support::{KEY, Time, json, within};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Self;
    fn make_writer(&'a self) -> Self {
        self.clone()
    }
}

fn chain(e: &Error) -> String {
    let mut out = format!("{e}\n{e:?}\n{e:#?}\n");
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        let _ = writeln!(out, "{s}\n{s:?}");
        src = s.source();
    }
    if let Some(api) = e.api_error() {
        let _ = writeln!(
            out,
            "{api}\n{api:?}\n{}\n{}",
            api.message(),
            String::from_utf8_lossy(api.body())
        );
    }
    if let Some(s) = e.decode_snippet() {
        out.push_str(s);
    }
    out
}

#[test]
fn the_key_never_leaks() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(capture.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut out = String::new();
    rt.block_on(async {
        // The server echoes the key back in error bodies, the worst case.
        let server = support::serve(|_, seen| {
            let key = seen.headers["x-goog-api-key"].to_str().unwrap().to_owned();
            match seen.uri.path() {
                "/v1beta/ok" => json(200, "{}"),
                "/v1beta/decode" => json(200, &format!("not json {key}")),
                _ => json(
                    400,
                    &format!(
                        r#"{{"error": {{"code": 400, "status": "INVALID_ARGUMENT", "message": "API key {key} not valid"}}}}"#
                    ),
                ),
            }
        })
        .await;
        let time = Time::new();
        let client = support::client_with(&server.url(), support::transport(), &time, |c| {
            c.with_retry_policy(RetryPolicy::disabled())
        });
        let ok = within(10, client.execute(RequestSpec::get("ok"))).await.unwrap();
        let _ = writeln!(out, "{ok:?}");
        let e = within(10, client.execute(RequestSpec::post("echo"))).await.unwrap_err();
        assert!(e.api_error().unwrap().message().contains("***"), "the echo was masked");
        out += &chain(&e);
        let e = within(10, client.execute_json::<serde_json::Value>(RequestSpec::get("decode")))
            .await
            .unwrap_err();
        assert!(e.is_decode());
        out += &chain(&e);
        assert!(server.seen().iter().all(|s| s.headers["x-goog-api-key"] == KEY), "the key was sent");

        let refused = support::refused().await;
        let c = support::client(&format!("http://{refused}"), &time);
        out += &chain(&within(10, c.execute(RequestSpec::get("x"))).await.unwrap_err());

        let silent = support::silent().await;
        let c = support::client_with(&format!("http://{silent}"), support::transport(), &time, |c| {
            c.with_timeouts(Timeouts::default().with_response_headers(Duration::from_millis(100)))
        });
        out += &chain(&within(10, c.execute(RequestSpec::get("x"))).await.unwrap_err());

        let cert = support::cert(&["localhost"]);
        let tls = support::serve_tls(&cert, |_, _| json(200, "{}")).await;
        let c = support::client_with(
            &format!("https://localhost:{}", tls.addr.port()),
            support::tls_transport(gemini_transport::TlsRoots::webpki()),
            &time,
            |c| c,
        );
        out += &chain(&within(10, c.execute(RequestSpec::get("x"))).await.unwrap_err());

        let _ = writeln!(out, "{client:?}\n{:?}", client.config());
        let key = ApiKey::new(KEY);
        let _ = writeln!(out, "{key:?} {key} {:?}", Config::new().with_api_key(key.clone()));

        // Requests as a transport sees them: the key header is marked sensitive.
        let mock = MockTransport::new();
        mock.push_json(200, "{}");
        let c = gemini_transport::HttpClient::builder()
            .config(Config::new().with_api_key(KEY))
            .transport(Arc::new(mock.clone()))
            .build()
            .unwrap();
        within(10, c.execute(RequestSpec::get("models"))).await.unwrap();
        let captured = mock.requests();
        assert_eq!(captured[0].headers["x-goog-api-key"], KEY);
        assert!(captured[0].headers["x-goog-api-key"].is_sensitive());
        let _ = writeln!(out, "{captured:?} {mock:?}");
        let req = client.build_request(&RequestSpec::get("models")).unwrap();
        let _ = writeln!(out, "{req:?}");
    });
    drop(rt);
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("gemini_http"),
        "tracing output was captured: {logs}"
    );
    assert!(
        logs.contains("path=ok") || logs.contains("path=\"ok\""),
        "{logs}"
    );
    assert!(
        logs.contains("status=200") && logs.contains("status=400"),
        "{logs}"
    );
    assert!(
        logs.contains("attempt=1") && logs.contains("latency_ms="),
        "{logs}"
    );
    assert!(out.contains("ApiKey(***)"));
    assert!(!out.contains(KEY), "the key leaked:\n{out}");
    assert!(!logs.contains(KEY), "the key leaked into tracing:\n{logs}");
}
