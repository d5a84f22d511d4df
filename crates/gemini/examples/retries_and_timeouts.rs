//! Retries, timeouts and errors: configure them per client and per call, and act on errors by
//! phase.
//!
//! ```sh
//! cargo run -p gemini --example retries_and_timeouts
//! ```

#[path = "common/mod.rs"]
mod common;

use std::time::Duration;

use gemini::{Error, RequestOptions, RetryPolicy};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// One call with tight per-call settings, and what to do with each kind of error.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    // Client-wide settings go on `Client::builder()` (`retry_policy`, `timeouts`,
    // `idle_timeout`); these apply to one call.
    let options = RequestOptions::new()
        .with_timeout(Duration::from_secs(60))
        .with_retry_policy(RetryPolicy::default().with_max_attempts(3));
    let result = client
        .models()
        .with_options(options)
        .generate_content(model, "Say hello")
        .await;
    match result {
        Ok(r) => println!("{}", r.text().unwrap_or_default()),
        Err(Error::Api(e)) => {
            println!(
                "the API said {} ({:?}): {}",
                e.status(),
                e.code(),
                e.message()
            );
            for v in e.quota_violations() {
                println!("quota: {:?}", v.quota_id);
            }
        }
        Err(Error::Timeout(t)) => println!("timed out ({}), try again later", t.kind()),
        Err(e) if e.is_retryable() => println!("transient failure: {}", e.report()),
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
