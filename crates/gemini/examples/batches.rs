//! Batch mode: submit keyed requests, wait with progress, read the results by key.
//!
//! ```sh
//! cargo run -p gemini --example batches
//! ```

#[path = "common/mod.rs"]
mod common;

use std::time::Duration;

use futures_util::TryStreamExt as _;
use gemini::{GenerateContentRequest, WaitOptions};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// Submits three keyed prompts as an inline batch, waits for it, prints each answer by key.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let batches = client.batches();
    let prompts = [
        ("rivers", "How do rivers form?"),
        ("tides", "What causes tides?"),
        ("wind", "Why does the wind blow?"),
    ];
    let op = batches
        .create_inline(
            model,
            prompts
                .iter()
                .map(|(key, prompt)| (*key, GenerateContentRequest::from(*prompt))),
        )
        .await?;
    println!("submitted {}", op.name());

    // Real batches take minutes to hours: poll every few seconds (the emulator is quick).
    let wait = WaitOptions::new()
        .with_initial_interval(Duration::from_millis(200))
        .with_max_interval(Duration::from_secs(30))
        .with_timeout(Duration::from_secs(24 * 3600));
    let done = batches
        .wait_with_progress(op.name(), wait, |stats| {
            println!(
                "{}/{} done",
                stats.successful_request_count.unwrap_or(0)
                    + stats.failed_request_count.unwrap_or(0),
                stats.request_count.unwrap_or(0)
            );
        })
        .await?;
    println!("finished: {:?}", done.state());

    // Inline results or a results file: the same stream of keyed results.
    let mut results = batches.results(&done).await?;
    while let Some(item) = results.try_next().await? {
        let key = item.key.unwrap_or_default();
        match item.result {
            Ok(response) => println!("{key}: {}", response.text().unwrap_or_default()),
            Err(status) => println!("{key} failed: {}", status.message()),
        }
    }
    Ok(())
}
