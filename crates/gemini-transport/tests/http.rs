//! End-to-end tests of `HttpClient` + `HyperTransport` against real hyper servers on 127.0.0.1.

// Helpers outside `#[test]` functions panic on purpose, like the tests.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use gemini_transport::{
    ApiVersion, Error, RequestOptions, RequestSpec, RetryPolicy, TimeoutKind, Timeouts, TlsRoots,
    USER_AGENT,
};
use gemini_types::Code;
use support::{KEY, Time, json, within};

const OK: &str = r#"{"candidates": [{"content": {"parts": [{"text": "hi"}]}}]}"#;

fn generate() -> RequestSpec {
    RequestSpec::post("models/gemini-2.5-flash:generateContent")
        .json(&serde_json::json!({"contents": [{"parts": [{"text": "hello"}]}]}))
        .unwrap()
}

fn retry_info(status: u16, code: &str, delay: &str) -> String {
    format!(
        r#"{{"error": {{"code": {status}, "message": "slow down", "status": "{code}", "details": [
            {{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "{delay}"}}]}}}}"#
    )
}

#[tokio::test]
async fn ok_200_sends_the_expected_request() {
    let server = support::serve(|_, _| json(200, OK)).await;
    let time = Time::new();
    let client = support::client(&server.url(), &time);
    let v: serde_json::Value = within(10, client.execute_json(generate())).await.unwrap();
    assert_eq!(v["candidates"][0]["content"]["parts"][0]["text"], "hi");

    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!(r.method, http::Method::POST);
    assert_eq!(
        r.uri.path(),
        "/v1beta/models/gemini-2.5-flash:generateContent"
    );
    assert_eq!(
        r.uri.query(),
        None,
        "nothing, and never the key, in the query"
    );
    assert_eq!(r.headers["x-goog-api-key"], KEY);
    assert_eq!(r.headers["user-agent"], USER_AGENT);
    assert_eq!(r.headers["x-goog-api-client"], USER_AGENT);
    assert_eq!(r.headers["content-type"], "application/json");
    assert_eq!(r.headers["x-server-timeout"], "600");
    assert_eq!(
        r.body.as_ref(),
        br#"{"contents":[{"parts":[{"text":"hello"}]}]}"#
    );
    assert!(time.sleeps().is_empty());
}

#[tokio::test]
async fn version_query_headers_and_per_call_options() {
    let server = support::serve(|_, _| json(200, "{}")).await;
    let time = Time::new();
    let client = support::client_with(&server.url(), support::transport(), &time, |c| {
        c.with_api_version(ApiVersion::V1Alpha).with_default_header(
            http::HeaderName::from_static("x-team"),
            http::HeaderValue::from_static("a"),
        )
    });
    let spec = RequestSpec::get("files")
        .query("pageSize", "10")
        .query("pageToken", "a b/c")
        .options(
            RequestOptions::new()
                .with_timeout(Duration::from_millis(2500))
                .with_header(
                    http::HeaderName::from_static("x-team"),
                    http::HeaderValue::from_static("b"),
                ),
        );
    let resp = within(10, client.execute(spec)).await.unwrap();
    assert_eq!(resp.status(), 200);
    let r = &server.seen()[0];
    assert_eq!(r.uri.path(), "/v1alpha/files");
    assert_eq!(r.uri.query(), Some("pageSize=10&pageToken=a%20b%2Fc"));
    assert_eq!(r.headers["x-team"], "b");
    assert_eq!(r.headers["x-server-timeout"], "3");
}

#[tokio::test]
async fn each_retryable_status_then_success() {
    for status in [408u16, 429, 500, 502, 503, 504] {
        let server = support::serve(move |n, _| {
            if n == 0 {
                json(status, r#"{"error": {"code": 0, "message": "transient"}}"#)
            } else {
                json(200, OK)
            }
        })
        .await;
        let time = Time::new();
        let client = support::client(&server.url(), &time);
        let resp = within(10, client.execute(generate())).await.unwrap();
        assert_eq!(resp.status(), 200, "{status}");
        assert_eq!(server.requests(), 2, "{status}");
        assert_eq!(time.sleeps(), [Duration::from_secs(1)], "{status}");
    }
}

#[tokio::test]
async fn retry_info_delay_is_honoured() {
    let server = support::serve(|n, _| {
        if n == 0 {
            json(429, &retry_info(429, "RESOURCE_EXHAUSTED", "2s"))
        } else {
            json(200, OK)
        }
    })
    .await;
    let time = Time::new();
    // Jitter on: the server's delay must still be followed exactly.
    let client = support::client_with(&server.url(), support::transport(), &time, |c| {
        c.with_retry_policy(RetryPolicy::default())
    });
    within(10, client.execute(generate())).await.unwrap();
    assert_eq!(time.sleeps(), [Duration::from_secs(2)]);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn retry_after_header_is_honoured() {
    let server = support::serve(|n, _| {
        if n == 0 {
            let mut r = json(
                503,
                r#"{"error": {"code": 503, "status": "UNAVAILABLE", "message": "overloaded"}}"#,
            );
            r.headers_mut()
                .insert("retry-after", http::HeaderValue::from_static("7"));
            r
        } else {
            json(200, OK)
        }
    })
    .await;
    let time = Time::new();
    let client = support::client(&server.url(), &time);
    within(10, client.execute(generate())).await.unwrap();
    assert_eq!(time.sleeps(), [Duration::from_secs(7)]);
}

#[tokio::test]
async fn non_retryable_errors_return_at_once_with_the_envelope() {
    let invalid_key = support::spec_example("error_400_invalid_key.json").unwrap_or_else(|| {
        r#"{"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT",
          "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}}"#
            .to_owned()
    });
    let cases = [
        (400u16, invalid_key, Code::InvalidArgument),
        (
            403,
            r#"{"error": {"code": 403, "message": "denied", "status": "PERMISSION_DENIED"}}"#.to_owned(),
            Code::PermissionDenied,
        ),
        (
            404,
            r#"{"error": {"code": 404, "message": "models/x is not found", "status": "NOT_FOUND"}}"#.to_owned(),
            Code::NotFound,
        ),
    ];
    for (status, body, code) in cases {
        let b = body.clone();
        let server = support::serve(move |_, _| json(status, &b)).await;
        let time = Time::new();
        let client = support::client(&server.url(), &time);
        let err = within(10, client.execute(generate())).await.unwrap_err();
        assert!(err.is_api(), "{status}");
        assert_eq!(err.attempts(), 1);
        assert_eq!(server.requests(), 1);
        assert!(time.sleeps().is_empty());
        let api = err.api_error().unwrap();
        assert_eq!(api.status().as_u16(), status);
        assert_eq!(api.code(), &code);
        assert!(!api.is_retryable());
        assert_eq!(api.body().as_ref(), body.as_bytes());
        if status == 400 {
            assert_eq!(api.reason(), Some("API_KEY_INVALID"));
            assert_eq!(
                api.message(),
                "API key not valid. Please pass a valid API key."
            );
        }
    }
}

#[tokio::test]
async fn quota_details_are_typed() {
    let Some(body) = support::spec_example("error_429_resource_exhausted.json") else {
        return;
    };
    let server = support::serve(move |_, _| json(429, &body)).await;
    let time = Time::new();
    let client = support::client_with(&server.url(), support::transport(), &time, |c| {
        c.with_retry_policy(RetryPolicy::disabled())
    });
    let err = within(10, client.execute(generate())).await.unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.retry_after(), Some(Duration::from_secs(37)));
    let q: Vec<_> = api.quota_violations().collect();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].quota_value, Some(10));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(37)));
}

#[tokio::test]
async fn retry_budget_exhausted() {
    let server =
        support::serve(|_, _| json(429, &retry_info(429, "RESOURCE_EXHAUSTED", "2s"))).await;
    let time = Time::new();
    let client = support::client_with(&server.url(), support::transport(), &time, |c| {
        c.with_retry_policy(
            RetryPolicy::default()
                .with_max_attempts(10)
                .with_budget(Duration::from_secs(5)),
        )
    });
    let err = within(10, client.execute(generate())).await.unwrap_err();
    assert!(err.is_api());
    // t=0 attempt 1, sleep 2; t=2 attempt 2, sleep 2; t=4 attempt 3; 4+2 > 5: stop.
    assert_eq!(err.attempts(), 3);
    assert_eq!(server.requests(), 3);
    assert_eq!(time.sleeps(), [Duration::from_secs(2); 2]);
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
}

#[tokio::test]
async fn max_attempts_exhausted_with_exponential_backoff() {
    let server = support::serve(|_, _| json(503, "{}")).await;
    let time = Time::new();
    let client = support::client(&server.url(), &time);
    let err = within(10, client.execute(generate())).await.unwrap_err();
    assert_eq!(err.attempts(), 5);
    assert_eq!(server.requests(), 5);
    let secs: Vec<u64> = time.sleeps().iter().map(Duration::as_secs).collect();
    assert_eq!(secs, [1, 2, 4, 8]);
}

#[tokio::test]
async fn server_delay_longer_than_the_deadline_returns_at_once() {
    let server =
        support::serve(|_, _| json(429, &retry_info(429, "RESOURCE_EXHAUSTED", "3600s"))).await;
    let time = Time::new();
    let client = support::client(&server.url(), &time);
    let err = within(10, client.execute(generate())).await.unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert!(time.sleeps().is_empty());
}

#[tokio::test]
async fn header_timeout_on_a_server_that_never_answers() {
    let addr = support::silent().await;
    let time = Time::new();
    let client = support::client_with(
        &format!("http://{addr}"),
        support::transport(),
        &time,
        |c| c.with_timeouts(Timeouts::default().with_response_headers(Duration::from_millis(200))),
    );
    let err = within(10, client.execute(generate())).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::ResponseHeaders));
    assert!(err.is_request_sent());
    assert_eq!(err.attempts(), 1, "a sent request is not retried");
}

#[tokio::test]
async fn total_deadline_on_a_server_that_never_answers() {
    let addr = support::silent().await;
    let time = Time::new();
    let client = support::client(&format!("http://{addr}"), &time);
    let spec = generate().options(RequestOptions::new().with_timeout(Duration::from_millis(200)));
    let err = within(10, client.execute(spec)).await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Total));
}

#[tokio::test]
async fn idle_timeout_on_a_stalled_stream() {
    let server = support::serve(|_, _| support::stalled("data: {\"a\": 1}\r\n\r\n")).await;
    let time = Time::new();
    let client = support::client_with(&server.url(), support::transport(), &time, |c| {
        c.with_timeouts(Timeouts::default().with_idle(Duration::from_millis(200)))
    });
    let spec = RequestSpec::post("models/m:streamGenerateContent").query("alt", "sse");
    let resp = within(10, client.execute_streaming(spec.clone()))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut body = resp.into_body();
    let first = std::future::poll_fn(|cx| body.poll_data(cx))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first, "data: {\"a\": 1}\r\n\r\n");
    let err = within(10, std::future::poll_fn(|cx| body.poll_data(cx)))
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Idle));
    assert!(err.is_body());
    assert!(
        std::future::poll_fn(|cx| body.poll_data(cx))
            .await
            .is_none()
    );

    // A unary call on the same stalled body fails the same way, without retries.
    let err = within(10, client.execute(spec)).await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Idle));
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn a_stream_answered_with_a_retryable_status_is_retried() {
    let server = support::serve(|n, _| {
        if n == 0 {
            json(503, r#"{"error": {"code": 503, "status": "UNAVAILABLE"}}"#)
        } else {
            support::sse("data: {}\r\n\r\n")
        }
    })
    .await;
    let time = Time::new();
    let client = support::client(&server.url(), &time);
    let resp = within(
        10,
        client.execute_streaming(RequestSpec::post("models/m:streamGenerateContent")),
    )
    .await
    .unwrap();
    assert_eq!(
        resp.into_body().collect().await.unwrap(),
        "data: {}\r\n\r\n"
    );
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_body_failing_after_a_2xx_began_is_not_retried_unary_or_stream() {
    let server = support::serve(|_, _| {
        let mut r = support::broken();
        r.headers_mut().insert(
            "content-type",
            http::HeaderValue::from_static("text/event-stream"),
        );
        r
    })
    .await;
    let time = Time::new();
    let client = support::client(&server.url(), &time);
    let spec = RequestSpec::post("models/m:streamGenerateContent");
    let err = within(10, client.execute_streaming(spec.clone()))
        .await
        .unwrap_err();
    assert!(err.is_body(), "{err:?}");
    assert_eq!((err.attempts(), server.requests()), (1, 1));
    let err = within(10, client.execute(spec)).await.unwrap_err();
    assert!(err.is_body(), "{err:?}");
    assert_eq!((err.attempts(), server.requests()), (1, 2));
    assert!(time.sleeps().is_empty());
}

#[tokio::test]
async fn connection_refused() {
    let addr = support::refused().await;
    let time = Time::new();
    let client = support::client(&format!("http://{addr}"), &time);
    let err = within(10, client.execute(generate())).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert!(!err.is_request_sent());
    assert!(!err.is_timeout() && !err.is_tls());
    assert_eq!(err.attempts(), 5, "nothing was sent, so it is retried");
    assert_eq!(time.sleeps().len(), 4);
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn self_signed_tls_rejected_by_default_accepted_with_custom_root() {
    let cert = support::cert(&["localhost"]);
    let server = support::serve_tls(&cert, |_, _| json(200, OK)).await;
    let url = format!("https://localhost:{}", server.addr.port());
    let time = Time::new();

    let client = support::client_with(
        &url,
        support::tls_transport(TlsRoots::webpki()),
        &time,
        |c| c,
    );
    let err = within(10, client.execute(generate())).await.unwrap_err();
    assert!(err.is_tls(), "{err:?}");
    assert!(err.is_connect() && !err.is_request_sent());
    assert_eq!(err.attempts(), 1, "TLS failures are not retried");
    assert_eq!(server.requests(), 0);

    let custom = TlsRoots::custom_der([cert.0.clone()]);
    let client = support::client_with(&url, support::tls_transport(custom), &time, |c| c);
    let resp = within(10, client.execute(generate())).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn http2_is_negotiated_over_tls() {
    let cert = support::cert(&["localhost"]);
    let server = support::serve_tls(&cert, |_, _| json(200, OK)).await;
    let url = format!("https://localhost:{}", server.addr.port());
    let time = Time::new();
    let transport = support::tls_transport(TlsRoots::custom_der([cert.0.clone()]));
    let client = support::client_with(&url, transport, &time, |c| c);
    for _ in 0..3 {
        let resp = within(10, client.execute(generate())).await.unwrap();
        assert_eq!(resp.version(), http::Version::HTTP_2);
    }
    assert!(
        server
            .seen()
            .iter()
            .all(|s| s.version == http::Version::HTTP_2)
    );
    assert_eq!(server.seen()[0].headers["x-goog-api-key"], KEY);
}

#[tokio::test]
async fn explicit_connect_proxy() {
    let cert = support::cert(&["gemini.test"]);
    let server = support::serve_tls(&cert, |_, _| json(200, OK)).await;
    let (proxy, targets) = support::connect_proxy(None).await;
    let transport = gemini_transport::HyperTransport::builder()
        .proxy(gemini_transport::ProxyConfig::explicit(&format!("http://{proxy}")).unwrap())
        .tls_roots(TlsRoots::custom_der([cert.0.clone()]))
        .build()
        .unwrap();
    let time = Time::new();
    // `gemini.test` does not resolve: only the proxy can reach it.
    let url = format!("https://gemini.test:{}", server.addr.port());
    let client = support::client_with(&url, transport, &time, |c| c);
    let resp = within(10, client.execute(generate())).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        *targets.lock().unwrap(),
        [format!("gemini.test:{}", server.addr.port())]
    );
}

#[tokio::test]
async fn html_error_body_still_gives_a_clear_error() {
    let server = support::serve(|_, _| {
        http::Response::builder()
            .status(502)
            .header("content-type", "text/html")
            .body(support::full(
                "<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>",
            ))
            .unwrap()
    })
    .await;
    let time = Time::new();
    let client = support::client_with(&server.url(), support::transport(), &time, |c| {
        c.with_retry_policy(RetryPolicy::disabled())
    });
    let err = within(10, client.execute(generate())).await.unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.status(), 502);
    assert_eq!(api.code(), &Code::Internal);
    assert!(api.rpc_status().is_none());
    assert_eq!(
        err.to_string(),
        "HTTP 502 Bad Gateway (INTERNAL): <html><body><h1>502 Bad Gateway</h1> <p>nginx</p></body></html>"
    );
}

#[tokio::test]
async fn undecodable_success_body_is_a_decode_error() {
    let server = support::serve(|_, _| json(200, "{\"truncated\": ")).await;
    let time = Time::new();
    let client = support::client(&server.url(), &time);
    let err = within(10, client.execute_json::<serde_json::Value>(generate()))
        .await
        .unwrap_err();
    assert!(err.is_decode());
    assert_eq!(err.decode_snippet(), Some("{\"truncated\": "));
}

#[tokio::test]
async fn plain_http_to_a_remote_host_is_refused_without_opt_in() {
    let time = Time::new();
    let client = support::client("http://gemini.invalid", &time);
    let err: Error = within(10, client.execute(generate())).await.unwrap_err();
    assert!(err.is_builder(), "{err:?}");
    assert!(!err.is_request_sent());
}

#[tokio::test]
async fn absolute_urls_get_the_key_only_on_the_configured_origin() {
    let server = support::serve(|_, _| json(200, "{}")).await;
    let other = support::serve(|_, _| json(200, "{}")).await;
    let time = Time::new();
    let client = support::client(&server.url(), &time);
    for (s, expect_key) in [(&server, true), (&other, false)] {
        let uri: http::Uri = format!("{}/upload/v1beta/files?upload_id=1", s.url())
            .parse()
            .unwrap();
        let spec = RequestSpec::absolute(http::Method::PUT, uri).body("bytes");
        within(10, client.execute(spec)).await.unwrap();
        let seen = s.seen();
        assert_eq!(seen[0].headers.contains_key("x-goog-api-key"), expect_key);
        assert_eq!(seen[0].uri.path(), "/upload/v1beta/files");
    }
}

#[tokio::test]
async fn per_call_header_timeout_overrides_the_client() {
    let addr = support::silent().await;
    let time = Time::new();
    // The client's own header timeout is long; the call's override must win.
    let client = support::client_with(
        &format!("http://{addr}"),
        support::transport(),
        &time,
        |c| c.with_timeouts(Timeouts::default().with_response_headers(Duration::from_secs(300))),
    );
    let spec = generate()
        .options(RequestOptions::new().with_response_headers_timeout(Duration::from_millis(200)));
    let err = within(10, client.execute(spec)).await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::ResponseHeaders));
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn per_call_idle_timeout_overrides_the_client() {
    let server = support::serve(|_, _| support::stalled("data: {\"a\": 1}\r\n\r\n")).await;
    let time = Time::new();
    let client = support::client_with(&server.url(), support::transport(), &time, |c| {
        c.with_timeouts(Timeouts::default().with_idle(Duration::from_secs(300)))
    });
    let spec = RequestSpec::post("models/m:streamGenerateContent")
        .query("alt", "sse")
        .options(RequestOptions::new().with_idle_timeout(Duration::from_millis(200)));
    let err = within(10, client.execute(spec)).await.unwrap_err();
    assert_eq!(err.timeout_kind(), Some(TimeoutKind::Idle));
    assert_eq!(err.attempts(), 1);
}
