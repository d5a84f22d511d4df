//! `HttpClient` against loopback servers that misbehave on purpose (issue 18): stalls, drips,
//! huge bodies, huge error bodies, wrong content types, empty answers, error envelopes in a
//! 200, long `Retry-After` hints and resets; each unary and stream, with the default timeouts
//! and with a 10 s total set on the builder.
//!
//! Where a timeout is the expected outcome, the timeouts run on a timer that waits a
//! thousandth of what it is asked ([`support::Scaled`]): a default 60 s timeout fires after
//! 60 ms, and the errors still name the configured durations. Where the outcome is not a
//! timeout (big bodies, resets), time is real. Each test asserts the typed outcome, that it came
//! within a generous real-time bound, and for big bodies how many bytes the server produced.
//! Run with `--nocapture` to see each outcome and its time.

// Helpers outside `#[test]` functions panic on purpose, like the tests.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use gemini_transport::{Config, Error, HttpClient, RequestSpec, TimeoutKind, Timeouts};
use support::{Time, json, within};

const MIB: u64 = 1 << 20;

fn unary() -> RequestSpec {
    RequestSpec::post("models/m:generateContent").body("{}")
}

fn stream() -> RequestSpec {
    RequestSpec::post("models/m:streamGenerateContent")
        .query("alt", "sse")
        .body("{}")
}

/// A named change to the default configuration.
type Setting = (&'static str, fn(Config) -> Config);

/// The two settings every fault runs with.
fn settings() -> [Setting; 2] {
    [
        ("defaults", |c| c),
        ("total 10 s", |c| {
            c.with_timeouts(Timeouts::default().with_total(Duration::from_secs(10)))
        }),
    ]
}

/// Runs a unary call (the whole body read) or opens a stream and reads it to the end; the
/// result and the real time it took. No call may take 30 s of real time.
async fn run(client: &HttpClient, stream_call: bool) -> (Result<usize, Error>, Duration) {
    let started = tokio::time::Instant::now();
    let result = within(30, async {
        if stream_call {
            let response = client.execute_streaming(stream()).await?;
            let bytes = response.into_body().collect().await?;
            Ok(bytes.len())
        } else {
            Ok(client.execute(unary()).await?.body().len())
        }
    })
    .await;
    (result, started.elapsed())
}

fn report(
    scenario: &str,
    setting: &str,
    kind: &str,
    result: &Result<usize, Error>,
    real: Duration,
) {
    let outcome = match result {
        Ok(n) => format!("Ok ({n} bytes)"),
        Err(e) => e.to_string(),
    };
    println!("| {scenario} | {kind} | {setting} | {outcome} | {real:.2?} |");
}

fn kind(stream: bool) -> &'static str {
    if stream { "stream" } else { "unary" }
}

#[tokio::test]
async fn stall_before_the_headers() {
    let addr = support::silent().await;
    for (setting, tweak) in settings() {
        for stream_call in [false, true] {
            let time = Time::new();
            let client = support::scaled_client(&format!("http://{addr}"), &time, 1000, tweak);
            let (result, real) = run(&client, stream_call).await;
            report(
                "stall before headers",
                setting,
                kind(stream_call),
                &result,
                real,
            );
            let e = result.unwrap_err();
            let expected = match (setting, stream_call) {
                ("defaults", false) => (TimeoutKind::Total, 600),
                ("defaults", true) => (TimeoutKind::ResponseHeaders, 60),
                _ => (TimeoutKind::Total, 10),
            };
            assert_eq!(e.timeout_kind(), Some(expected.0), "{e}");
            assert!(
                e.to_string().contains(&format!("after {}s", expected.1)),
                "{e}"
            );
            assert_eq!(e.attempts(), 1);
        }
    }
}

#[tokio::test]
async fn stall_mid_body() {
    let server = support::serve(|_, _| support::stalled("data: {\"a\": 1}\r\n\r\n")).await;
    for (setting, tweak) in settings() {
        for stream_call in [false, true] {
            let time = Time::new();
            let client = support::scaled_client(&server.url(), &time, 1000, tweak);
            let (result, real) = run(&client, stream_call).await;
            report("stall mid-body", setting, kind(stream_call), &result, real);
            let e = result.unwrap_err();
            let expected = if setting == "defaults" {
                TimeoutKind::Idle
            } else {
                TimeoutKind::Total
            };
            assert_eq!(e.timeout_kind(), Some(expected), "{e}");
            assert_eq!(e.attempts(), 1);
        }
    }
}

#[tokio::test]
async fn drip_bytes_slowly() {
    // One byte every 20 ms: a unary body that never ends, an event that never ends.
    let server = support::serve(|_, seen| {
        if seen.uri.path().ends_with(":streamGenerateContent") {
            support::drip("text/event-stream", b"d")
        } else {
            support::drip("application/json", b" ")
        }
    })
    .await;
    for (setting, tweak) in settings() {
        for stream_call in [false, true] {
            let time = Time::new();
            let client = support::scaled_client(&server.url(), &time, 1000, tweak);
            let (result, real) = run(&client, stream_call).await;
            report(
                "drip 1 byte / 20 ms",
                setting,
                kind(stream_call),
                &result,
                real,
            );
            let e = result.unwrap_err();
            // Unary: every byte is progress, so the total deadline (10 min by default) ends
            // it. Stream: no event ever completes, so the idle timeout (5 min) ends it.
            let expected = match (setting, stream_call) {
                ("defaults", true) => TimeoutKind::Idle,
                _ => TimeoutKind::Total,
            };
            assert_eq!(e.timeout_kind(), Some(expected), "{e}");
        }
    }
}

#[tokio::test]
async fn huge_unary_body() {
    let produced = Arc::new(AtomicU64::new(0));
    let p = produced.clone();
    // 1 GiB, without a length, made as it is read.
    let server =
        support::serve(move |_, _| support::big(200, "application/json", 1 << 30, b' ', false, &p))
            .await;
    for (setting, tweak) in settings() {
        produced.store(0, Ordering::SeqCst);
        let time = Time::new();
        let client = support::scaled_client(&server.url(), &time, 1, tweak);
        let (result, real) = run(&client, false).await;
        report("1 GiB body, no length", setting, "unary", &result, real);
        let e = result.unwrap_err();
        assert!(e.is_body_too_large(), "{e}");
        assert_eq!(e.body_limit(), Some(64 * MIB));
        assert_eq!(e.attempts(), 1);
        // What was buffered is bounded by the limit; what the server could push ahead into
        // socket buffers is a few MiB more.
        let sent = produced.load(Ordering::SeqCst);
        assert!(sent < 80 * MIB, "{sent} bytes produced");
    }
}

#[tokio::test]
async fn huge_unary_body_with_a_length_fails_before_reading() {
    let produced = Arc::new(AtomicU64::new(0));
    let p = produced.clone();
    let server =
        support::serve(move |_, _| support::big(200, "application/json", 1 << 31, b' ', true, &p))
            .await;
    let time = Time::new();
    let client = support::scaled_client(&server.url(), &time, 1, |c| c.with_max_body_size(1 << 20));
    let (result, real) = run(&client, false).await;
    report(
        "2 GiB body, Content-Length",
        "limit 1 MiB",
        "unary",
        &result,
        real,
    );
    let e = result.unwrap_err();
    assert!(e.is_body_too_large());
    assert_eq!(
        e.to_string(),
        "the response body (2147483648 bytes) is larger than the 1048576-byte limit"
    );
    assert!(produced.load(Ordering::SeqCst) < 16 * MIB);
}

#[tokio::test]
async fn huge_error_body() {
    let produced = Arc::new(AtomicU64::new(0));
    let p = produced.clone();
    // A retryable 500 with 1 GiB of body, each time.
    let server =
        support::serve(move |_, _| support::big(500, "text/html", 1 << 30, b'x', false, &p)).await;
    for (setting, tweak) in settings() {
        for stream_call in [false, true] {
            produced.store(0, Ordering::SeqCst);
            let time = Time::new();
            let client = support::scaled_client(&server.url(), &time, 1, tweak);
            let (result, real) = run(&client, stream_call).await;
            report(
                "1 GiB error body (500)",
                setting,
                kind(stream_call),
                &result,
                real,
            );
            let e = result.unwrap_err();
            let api = e.api_error().unwrap();
            assert_eq!(api.status(), 500);
            assert_eq!(api.body().len(), 64 << 10);
            assert!(api.is_body_truncated());
            assert!(api.message().len() < 400);
            // Retried (a 500), each attempt reading only 64 KiB of the body: 5 attempts, or 4
            // under a 10 s total (after waits of 1, 2 and 4 s, one of 8 s would not fit).
            let attempts = if setting == "defaults" { 5 } else { 4 };
            assert_eq!(e.attempts(), attempts);
            assert!(api.message().starts_with("xxxx"), "{}", api.message());
            let sent = produced.load(Ordering::SeqCst);
            assert!(sent < 5 * 16 * MIB, "{sent} bytes produced");
        }
    }
}

#[tokio::test]
async fn a_stream_with_the_wrong_content_type() {
    let server = support::serve(|_, _| json(200, r#"[{"candidates": []}]"#)).await;
    for (setting, tweak) in settings() {
        let time = Time::new();
        let client = support::scaled_client(&server.url(), &time, 1000, tweak);
        let (result, real) = run(&client, true).await;
        report("200 JSON array", setting, "stream", &result, real);
        let e = result.unwrap_err();
        let r = e.unexpected_response().unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.content_type(), Some("application/json"));
        assert_eq!(r.snippet(), r#"[{"candidates": []}]"#);
        assert_eq!(e.attempts(), 1);
        assert!(time.sleeps().is_empty());
    }
}

#[tokio::test]
async fn an_empty_200_stream() {
    let server = support::serve(|_, _| support::sse("")).await;
    for (setting, tweak) in settings() {
        let time = Time::new();
        let client = support::scaled_client(&server.url(), &time, 1000, tweak);
        let (result, real) = run(&client, true).await;
        report("empty 200", setting, "stream", &result, real);
        let e = result.unwrap_err();
        let r = e.unexpected_response().unwrap();
        assert_eq!(r.content_type(), Some("text/event-stream"));
        assert_eq!(r.snippet(), "");
        assert_eq!(e.attempts(), 1);
    }
}

#[tokio::test]
async fn an_error_envelope_with_status_200() {
    const ENVELOPE: &str =
        r#"{"error": {"code": 503, "status": "UNAVAILABLE", "message": "overloaded"}}"#;
    let server = support::serve(|_, _| json(200, ENVELOPE)).await;
    for (setting, tweak) in settings() {
        for stream_call in [false, true] {
            let time = Time::new();
            let client = support::scaled_client(&server.url(), &time, 1000, tweak);
            let (result, real) = run(&client, stream_call).await;
            report(
                "error envelope in a 200",
                setting,
                kind(stream_call),
                &result,
                real,
            );
            let e = result.unwrap_err();
            let api = e.api_error().unwrap();
            assert_eq!(api.status(), 503);
            assert_eq!(api.message(), "overloaded");
            // A 2xx began: not retried, although 503 is a retryable status.
            assert_eq!(e.attempts(), 1);
        }
    }
    assert_eq!(server.requests(), 4);
}

#[tokio::test]
async fn long_retry_after_hints_end_the_call_at_once() {
    for (hint, status) in [(300u64, 429u16), (86_400, 503)] {
        let server = support::serve(move |_, _| {
            let mut r = json(status, r#"{"error": {"code": 0, "message": "later"}}"#);
            r.headers_mut()
                .insert("retry-after", http::HeaderValue::from(hint));
            r
        })
        .await;
        for (setting, tweak) in settings() {
            for stream_call in [false, true] {
                let time = Time::new();
                let client = support::scaled_client(&server.url(), &time, 1000, tweak);
                let (result, real) = run(&client, stream_call).await;
                report(
                    &format!("{status} Retry-After: {hint}"),
                    setting,
                    kind(stream_call),
                    &result,
                    real,
                );
                let e = result.unwrap_err();
                assert_eq!(e.status().map(|s| s.as_u16()), Some(status));
                assert_eq!(e.retry_after(), Some(Duration::from_secs(hint)));
                assert_eq!(e.attempts(), 1);
                assert!(time.sleeps().is_empty(), "no wait at all");
            }
        }
    }
}

#[tokio::test]
async fn a_short_hint_is_waited_unless_it_passes_the_deadline() {
    let server = support::serve(|n, _| {
        if n % 2 == 0 {
            let mut r = json(429, r#"{"error": {"code": 429, "message": "later"}}"#);
            r.headers_mut()
                .insert("retry-after", http::HeaderValue::from_static("30"));
            r
        } else {
            json(200, "{}")
        }
    })
    .await;
    // Within the 60 s maximum backoff and the 10 min total: waited.
    let time = Time::new();
    let client = support::scaled_client(&server.url(), &time, 1000, |c| c);
    let (result, _) = run(&client, false).await;
    assert_eq!(result.unwrap(), 2);
    assert_eq!(time.sleeps(), [Duration::from_secs(30)]);
    // Longer than what is left of a 10 s total: the error, at once.
    let time = Time::new();
    let client = support::scaled_client(&server.url(), &time, 1000, |c| {
        c.with_timeouts(Timeouts::default().with_total(Duration::from_secs(10)))
    });
    let (result, _) = run(&client, false).await;
    let e = result.unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
    assert!(time.sleeps().is_empty());
}

#[tokio::test]
async fn a_connection_reset_mid_body() {
    let server = support::serve(|_, seen| {
        let mut r = support::broken();
        let ct = if seen.uri.path().ends_with(":streamGenerateContent") {
            "text/event-stream"
        } else {
            "application/json"
        };
        r.headers_mut()
            .insert("content-type", http::HeaderValue::from_static(ct));
        r
    })
    .await;
    for (setting, tweak) in settings() {
        for stream_call in [false, true] {
            let time = Time::new();
            let client = support::scaled_client(&server.url(), &time, 1, tweak);
            let (result, real) = run(&client, stream_call).await;
            report("reset mid-body", setting, kind(stream_call), &result, real);
            let e = result.unwrap_err();
            assert!(e.is_body() && !e.is_timeout(), "{e:?}");
            assert_eq!(e.attempts(), 1);
        }
    }
}
