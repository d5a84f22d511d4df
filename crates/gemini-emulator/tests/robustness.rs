//! Bad input never crashes or wedges the emulator.

// Test helpers outside #[test] functions may panic too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{Read, Write};
use std::time::Duration;

use gemini_emulator::Emulator;
use proptest::prelude::*;
use support::{post, prompt};

const PATHS: [&str; 6] = [
    "/v1beta/models/gemini-2.5-flash:generateContent",
    "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    "/v1/models/gemini-2.5-flash:countTokens",
    "/v1beta/models/gemini-embedding-001:embedContent",
    "/v1beta/models/gemini-embedding-001:batchEmbedContents",
    "/v1beta/models",
];

fn json_ish() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        "[a-zA-Z_ ]{0,8}".prop_map(|s| format!("\"{s}\"")),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("contents".to_owned()),
                        Just("parts".to_owned()),
                        Just("text".to_owned()),
                        Just("generationConfig".to_owned()),
                        Just("requests".to_owned()),
                        Just("content".to_owned()),
                        Just("tools".to_owned()),
                        "[a-z_]{1,6}",
                    ],
                    inner
                ),
                0..4
            )
            .prop_map(|kv| {
                let body: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", body.join(","))
            }),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        json_ish().prop_map(String::into_bytes),
    ]
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(PATHS.to_vec()).prop_map(str::to_owned),
        "/[a-zA-Z0-9:/._%?=&-]{0,40}",
    ]
}

#[test]
fn random_requests_never_break_the_emulator() {
    let emu = Emulator::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let config = ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(path in path(), body in body(), method in prop::sample::select(vec!["GET", "POST", "PUT"]))| {
        rt.block_on(async {
            let r = support::send(&emu, method, &path, &[("x-goog-api-key", "k")], body).await;
            prop_assert!(r.status < 600);
            // Every error is a JSON envelope.
            if r.status >= 400 {
                let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
                let e = if v.is_array() { &v[0] } else { &v };
                prop_assert!(e["error"]["code"].is_number());
            }
            Ok(())
        })?;
    });

    // Garbage that is not even HTTP.
    for garbage in [
        &b"\x00\x01\x02 not http\r\n\r\n"[..],
        b"GET /v1beta/models HTTP/1.1\r\nx: \xff\xfe\r\n\r\n",
        b"POST / HTTP/1.1\r\ncontent-length: 99999999999999999999\r\n\r\n",
    ] {
        let mut tcp = std::net::TcpStream::connect(emu.addr()).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
        let _ = tcp.write_all(garbage);
        let mut sink = Vec::new();
        let _ = tcp.read_to_end(&mut sink);
    }

    // A normal request still succeeds.
    rt.block_on(async {
        let r = post(&emu, PATHS[0], &prompt("still alive?")).await;
        assert_eq!(r.status, 200);
        assert!(r.text().contains("You said: still alive?"));
    });
}
