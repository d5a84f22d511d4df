//! `HyperTransport`'s connection pool against loopback servers that count their connections:
//! HTTP/1.1 reuse, a body dropped half-read, connections the server closed, the idle limits
//! (on a test clock), one shared HTTP/2 connection, and connect coalescing under a burst of
//! first requests (HTTP/2, HTTP/1.1 by ALPN, a failing connect, a slow one, a cancelled one).

// Helpers outside `#[test]` functions panic on purpose, like the tests.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use gemini_transport::{
    HyperTransport, ProxyConfig, TestClock, TimeoutKind, TlsRoots, Transport as _,
};
use support::{json, within};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

const OK: &str = r#"{"candidates": []}"#;

fn request(url: &str) -> http::Request<Bytes> {
    http::Request::post(format!("{url}/v1beta/models/m:generateContent"))
        .header("content-type", "application/json")
        .body(Bytes::from_static(b"{}"))
        .unwrap()
}

fn pool(
    tweak: impl FnOnce(
        gemini_transport::HyperTransportBuilder,
    ) -> gemini_transport::HyperTransportBuilder,
) -> HyperTransport {
    tweak(HyperTransport::builder().proxy(ProxyConfig::none()))
        .build()
        .unwrap()
}

/// Sends one request and reads the whole answer.
async fn call(transport: &HyperTransport, url: &str) -> Bytes {
    let response = within(10, transport.send(request(url))).await.unwrap();
    assert_eq!(response.status(), 200);
    within(10, response.into_body().collect()).await.unwrap()
}

/// Four calls in flight at once, each read to the end.
async fn four_at_once(transport: &HyperTransport, url: &str) {
    let (a, b, c, d) = tokio::join!(
        call(transport, url),
        call(transport, url),
        call(transport, url),
        call(transport, url)
    );
    assert!([a, b, c, d].iter().all(|body| body == OK));
}

#[tokio::test]
async fn http1_connections_are_reused() {
    let server = support::serve(|_, _| json(200, OK)).await;
    let transport = pool(|b| b);
    for _ in 0..5 {
        assert_eq!(call(&transport, &server.url()).await, OK);
    }
    assert_eq!(server.requests(), 5);
    assert_eq!(server.connections(), 1);
    let seen = server.seen();
    assert_eq!(seen[0].uri, "/v1beta/models/m:generateContent");
    assert_eq!(seen[0].headers["host"], server.addr.to_string());
}

#[tokio::test]
async fn concurrent_http1_requests_get_their_own_connections_then_share_them() {
    let server = support::serve(|_, _| json(200, OK)).await;
    let transport = pool(|b| b);
    let url = server.url();
    four_at_once(&transport, &url).await;
    let opened = server.connections();
    assert!((1..=4).contains(&opened), "{opened}");
    for _ in 0..4 {
        call(&transport, &url).await;
    }
    assert_eq!(
        server.connections(),
        opened,
        "later calls reuse the idle ones"
    );
}

#[tokio::test]
async fn a_body_dropped_half_read_takes_its_connection_with_it() {
    let server = support::serve(|_, _| json(200, OK)).await;
    let transport = pool(|b| b);
    let response = within(10, transport.send(request(&server.url())))
        .await
        .unwrap();
    drop(response);
    assert_eq!(call(&transport, &server.url()).await, OK);
    assert_eq!(server.connections(), 2);
    // The second connection was read to the end, so it is reused.
    call(&transport, &server.url()).await;
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn no_idle_connections_are_kept_when_the_limit_is_zero() {
    let server = support::serve(|_, _| json(200, OK)).await;
    let transport = pool(|b| b.pool_max_idle_per_host(0));
    for _ in 0..3 {
        call(&transport, &server.url()).await;
    }
    assert_eq!(server.connections(), 3);
}

#[tokio::test]
async fn an_idle_connection_older_than_the_idle_timeout_is_not_used() {
    let server = support::serve(|_, _| json(200, OK)).await;
    let clock = TestClock::new();
    let transport = pool(|b| {
        b.pool_idle_timeout(Some(Duration::from_secs(90)))
            .clock(Arc::new(clock.clone()))
    });
    call(&transport, &server.url()).await;
    clock.advance(Duration::from_secs(89));
    call(&transport, &server.url()).await;
    assert_eq!(server.connections(), 1, "idle for 89 s of 90: reused");
    clock.advance(Duration::from_secs(90));
    call(&transport, &server.url()).await;
    assert_eq!(server.connections(), 2, "idle for 90 s: expired");
    call(&transport, &server.url()).await;
    assert_eq!(server.connections(), 2);
}

/// A server that answers one request per connection and then closes it, without saying so
/// in the response (as a server whose keep-alive timeout fired would).
async fn one_request_per_connection() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let mut read = 0;
                // The request head and its 2-byte body.
                while !buf[..read].windows(6).any(|w| w == b"\r\n\r\n{}") {
                    match stream.read(&mut buf[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read += n,
                    }
                }
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{OK}",
                    OK.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                // Closing at once: the client learns it only from the socket.
            });
        }
    });
    (url, connections)
}

#[tokio::test]
async fn a_connection_the_server_closed_is_not_used_again() {
    let (url, connections) = one_request_per_connection().await;
    let transport = pool(|b| b);
    for n in 1..=3 {
        assert_eq!(call(&transport, &url).await, OK);
        // Let the connection's task see the close.
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(connections.load(Ordering::SeqCst), n);
    }
}

#[tokio::test]
async fn http2_requests_share_one_connection() {
    let cert = support::cert(&["localhost"]);
    let server = support::serve_tls(&cert, |_, _| json(200, OK)).await;
    let url = format!("https://localhost:{}", server.addr.port());
    let transport = support::tls_transport(TlsRoots::custom_der([cert.0.clone()]));
    // The first call opens the connection; the next ones, concurrent or not, share it.
    assert_eq!(call(&transport, &url).await, OK);
    four_at_once(&transport, &url).await;
    call(&transport, &url).await;
    assert_eq!(server.requests(), 6);
    assert_eq!(server.connections(), 1);
    assert!(
        server
            .seen()
            .iter()
            .all(|s| s.version == http::Version::HTTP_2)
    );
}

/// `n` first requests at once, each on its own task; their results in order.
async fn burst(
    transport: &HyperTransport,
    url: &str,
    n: usize,
) -> Vec<Result<Bytes, gemini_transport::Error>> {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..n {
        let (transport, url) = (transport.clone(), url.to_owned());
        tasks.spawn(async move {
            let result = match transport.send(request(&url)).await {
                Ok(response) => {
                    assert_eq!(response.status(), 200);
                    response.into_body().collect().await
                }
                Err(e) => Err(e),
            };
            (i, result)
        });
    }
    let mut out: Vec<_> = within(20, tasks.join_all()).await;
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

#[tokio::test]
async fn a_burst_of_first_http2_requests_opens_one_connection() {
    let cert = support::cert(&["localhost"]);
    let server = support::serve_tls(&cert, |_, _| json(200, OK)).await;
    let url = format!("https://localhost:{}", server.addr.port());
    let transport = support::tls_transport(TlsRoots::custom_der([cert.0.clone()]));
    let results = burst(&transport, &url, 32).await;
    assert!(results.iter().all(|r| r.as_ref().unwrap() == OK));
    assert_eq!(server.requests(), 32);
    assert_eq!(server.connections(), 1);
    assert!(
        server
            .seen()
            .iter()
            .all(|s| s.version == http::Version::HTTP_2)
    );
}

#[tokio::test]
async fn a_burst_on_a_slow_connect_waits_for_it() {
    let cert = support::cert(&["localhost"]);
    let server = support::serve_tls_with(&cert, &[b"h2"], Duration::from_millis(200), |_, _| {
        json(200, OK)
    })
    .await;
    let url = format!("https://localhost:{}", server.addr.port());
    let transport = support::tls_transport(TlsRoots::custom_der([cert.0.clone()]));
    let results = burst(&transport, &url, 8).await;
    assert!(results.iter().all(|r| r.as_ref().unwrap() == OK));
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn when_alpn_chooses_http1_the_waiters_open_their_own_connections() {
    let cert = support::cert(&["localhost"]);
    let server =
        support::serve_tls_with(&cert, &[b"http/1.1"], Duration::ZERO, |_, _| json(200, OK)).await;
    let url = format!("https://localhost:{}", server.addr.port());
    let transport = support::tls_transport(TlsRoots::custom_der([cert.0.clone()]));
    let results = burst(&transport, &url, 4).await;
    assert!(results.iter().all(|r| r.as_ref().unwrap() == OK));
    let opened = server.connections();
    assert!((2..=4).contains(&opened), "{opened}");
    assert!(
        server
            .seen()
            .iter()
            .all(|s| s.version == http::Version::HTTP_11)
    );
    // The next requests reuse the idle HTTP/1.1 connections.
    burst(&transport, &url, 2).await;
    assert_eq!(server.connections(), opened);
}

#[tokio::test]
async fn a_failed_connect_fails_every_waiter_once() {
    let cert = support::cert(&["localhost"]);
    let server = support::serve_tls(&cert, |_, _| json(200, OK)).await;
    let url = format!("https://localhost:{}", server.addr.port());
    // The bundled roots do not trust the self-signed certificate.
    let transport = support::tls_transport(TlsRoots::webpki());
    let results = burst(&transport, &url, 8).await;
    for r in &results {
        let e = r.as_ref().unwrap_err();
        assert!(e.is_tls() && !e.is_request_sent(), "{e:?}");
        assert!(std::error::Error::source(e).is_some());
    }
    assert_eq!(server.connections(), 1);
    assert_eq!(server.requests(), 0);
}

/// A TLS port that accepts TCP connections, counts them, and never answers.
async fn silent_counting() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "https://localhost:{}",
        listener.local_addr().unwrap().port()
    );
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    (url, connections)
}

#[tokio::test]
async fn waiters_are_bounded_by_the_connect_timeout() {
    let (url, connections) = silent_counting().await;
    let transport = pool(|b| b.connect_timeout(Some(Duration::from_millis(300))));
    let results = burst(&transport, &url, 8).await;
    for r in &results {
        let e = r.as_ref().unwrap_err();
        assert_eq!(e.timeout_kind(), Some(TimeoutKind::Connect), "{e:?}");
    }
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn cancelling_the_connecting_request_does_not_strand_the_waiters() {
    let cert = support::cert(&["localhost"]);
    let server = support::serve_tls_with(&cert, &[b"h2"], Duration::from_millis(300), |_, _| {
        json(200, OK)
    })
    .await;
    let url = format!("https://localhost:{}", server.addr.port());
    let transport = support::tls_transport(TlsRoots::custom_der([cert.0.clone()]));
    // The first request starts the connect, then is dropped while the handshake waits.
    let first = {
        let (transport, url) = (transport.clone(), url.clone());
        tokio::spawn(async move { transport.send(request(&url)).await.map(drop) })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let waiters = {
        let (transport, url) = (transport.clone(), url.clone());
        tokio::spawn(async move { burst(&transport, &url, 4).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    first.abort();
    assert!(first.await.unwrap_err().is_cancelled());
    let results = within(20, waiters).await.unwrap();
    assert!(results.iter().all(|r| r.as_ref().unwrap() == OK));
    // The cancelled connect, then one for the waiters.
    assert_eq!(server.connections(), 2);
    assert_eq!(server.requests(), 4);
}
