//! Interactions: an answer printed as it streams. The stream resumes by itself if the
//! connection drops or stalls; it remembers the interaction's id and the last event id, which
//! is all it takes to pick it up again later with `get_stream`.
//!
//! ```sh
//! cargo run -p gemini --example interactions_stream
//! ```

#[path = "common/mod.rs"]
mod common;

use std::io::Write as _;

use futures_util::StreamExt as _;
use gemini::types::interactions::{Event, InteractionAccumulator};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// One streamed answer, printed as it comes and folded into the final interaction.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut stream = client
        .interactions()
        .create()
        .model(model)
        .input("Write a short poem about a lighthouse keeper.")
        .stream()
        .await?;
    let mut folded = InteractionAccumulator::new();
    while let Some(event) = stream.next().await {
        let event = event?;
        if let Some(text) = event.text_delta() {
            print!("{text}");
            std::io::stdout().flush()?;
        }
        if let Event::Error(e) = &event {
            eprintln!("\nthe interaction failed: {:?}", e.error);
        }
        folded.push(&event);
    }
    println!();
    let interaction = folded.into_interaction();
    println!(
        "(interaction {}, status {}, last event {}, {} reconnection(s))",
        stream.interaction_id().unwrap_or("?"),
        interaction
            .status
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        stream.last_event_id().unwrap_or("?"),
        stream.reconnections(),
    );

    // The same events, read again from the start by id (a stored interaction).
    if let Some(id) = stream.interaction_id() {
        let again = client
            .interactions()
            .get_stream(id, None)
            .await?
            .accumulate()
            .await?;
        assert_eq!(again.output_text(), interaction.output_text());
        println!("(read again: {} characters)", again.output_text().len());
    }
    Ok(())
}
