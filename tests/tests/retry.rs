//! Retries: transient errors are retried (unary, and streams before their first chunk), the
//! server's delay is honoured, permanent errors are not retried.

use std::time::Duration;

use gemini::{RequestOptions, RetryPolicy};
use integration_tests::{MODEL, Reply, accumulated, client, emulator, within};

#[tokio::test]
async fn a_503_then_success() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("generateContent").reply_status(503);
    let r = within(client.models().generate_content(MODEL, "retry me"))
        .await
        .unwrap();
    assert_eq!(r.text().as_deref(), Some("You said: retry me"));
    assert_eq!(emu.count("generateContent"), 2);
}

#[tokio::test]
async fn a_stream_is_retried_before_its_first_chunk() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("streamGenerateContent")
        .reply_status(503)
        .times(2);
    let r = accumulated(&client, MODEL, "retry me").await.unwrap();
    assert_eq!(r.text().as_deref(), Some("You said: retry me"));
    assert_eq!(emu.count("streamGenerateContent"), 3);
}

#[tokio::test]
async fn retry_info_is_honoured_and_attempts_are_bounded() {
    let emu = emulator();
    let client = client(&emu);
    emu.script("generateContent")
        .reply(Reply::status(429).with_retry_info(Duration::from_millis(20)));
    within(client.models().generate_content(MODEL, "quota"))
        .await
        .unwrap();
    assert_eq!(emu.count("generateContent"), 2);

    emu.script("generateContent").reply_status(500).forever();
    let e = within(
        client
            .models()
            .with_options(
                RequestOptions::new().with_retry_policy(
                    RetryPolicy::default()
                        .with_max_attempts(3)
                        .with_initial_backoff(Duration::from_millis(1))
                        .with_jitter(false),
                ),
            )
            .generate_content(MODEL, "always failing"),
    )
    .await
    .unwrap_err();
    assert_eq!(e.status(), Some(http::StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(emu.count("generateContent"), 2 + 3);
    emu.reset();

    emu.script("generateContent").reply_status(503);
    let e = within(
        client
            .models()
            .with_options(RequestOptions::new().with_retry_policy(RetryPolicy::disabled()))
            .generate_content(MODEL, "no retries"),
    )
    .await
    .unwrap_err();
    assert!(e.is_retryable());
    assert_eq!(emu.count("generateContent"), 6);
}
