//! Cross-crate integration tests for gemini-rs. Shared helpers live here; the tests are in
//! `tests/`. Every test talks to a `gemini-emulator` on 127.0.0.1 only.

// Test support: a panic here is a test failure with a message, which is what we want.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::future::Future;
use std::time::Duration;

use gemini::{Client, ClientBuilder, RetryPolicy};
use gemini_emulator::Emulator;

pub use gemini_emulator::{RecordedRequest, Reply};

/// A model without thought signatures.
pub const MODEL: &str = "gemini-2.5-flash";
/// A Gemini 3 model: signs its turns and rejects a function-call turn that lost its signature.
pub const SIGNED_MODEL: &str = "gemini-3.5-flash";
/// An embedding model.
pub const EMBEDDING_MODEL: &str = "gemini-embedding-001";
/// The API key the test clients send.
pub const KEY: &str = "test-key-0123456789";

/// The longest any single test step may take: every wait in a test is bounded by it.
pub const STEP: Duration = Duration::from_secs(20);

/// A fresh emulator that accepts only [`KEY`].
pub fn emulator() -> Emulator {
    Emulator::builder().api_key(KEY).start()
}

/// The builder every test client starts from: the emulator's URL, [`KEY`], and retries that
/// wait milliseconds instead of seconds.
pub fn builder(emulator: &Emulator) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(emulator.base_url())
        .retry_policy(
            RetryPolicy::default()
                .with_initial_backoff(Duration::from_millis(1))
                // Above the emulator's scripted `RetryInfo` hints (20 ms): a server hint longer
                // than the policy's longest backoff ends the call instead of being waited.
                .with_max_backoff(Duration::from_millis(50))
                .with_jitter(false),
        )
}

/// A client for `emulator` (see [`builder`]).
pub fn client(emulator: &Emulator) -> Client {
    builder(emulator).build().expect("the test client builds")
}

/// Runs `fut`, failing the test if it takes longer than [`STEP`].
pub async fn within<F: Future>(fut: F) -> F::Output {
    tokio::time::timeout(STEP, fut)
        .await
        .expect("the step finished in time")
}

/// Streams `prompt` from `model` and folds the chunks with `accumulate()`, each step bounded by
/// [`within`]. Opening the stream must succeed; the fold's result is returned.
pub async fn accumulated(
    client: &Client,
    model: &str,
    prompt: &str,
) -> Result<gemini::GenerateContentResponse, gemini::Error> {
    within(
        within(client.models().generate_content_stream(model, prompt))
            .await
            .unwrap()
            .accumulate(),
    )
    .await
}

/// The `contents` of a recorded request.
pub fn contents(request: &RecordedRequest) -> Vec<serde_json::Value> {
    request
        .json()
        .and_then(|v| v.get("contents"))
        .and_then(serde_json::Value::as_array)
        .cloned()
        .unwrap_or_default()
}
