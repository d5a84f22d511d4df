//! Streaming: print the answer as it is generated, then fold a second stream into one
//! response with `accumulate()`.
//!
//! ```sh
//! cargo run -p gemini --example stream
//! ```

#[path = "common/mod.rs"]
mod common;

use std::io::Write as _;

use futures_util::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// Streams one answer to stdout, then accumulates another.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut stream = client
        .models()
        .generate_content_stream(model, "Write a four-line poem about the sea")
        .await?;
    let mut out = std::io::stdout();
    while let Some(chunk) = stream.next().await {
        // A mid-stream error event, a stall or a cut connection ends the stream with an error.
        write!(out, "{}", chunk?.text().unwrap_or_default())?;
        out.flush()?;
    }
    writeln!(out)?;

    let whole = client
        .models()
        .generate_content_stream(model, "Name three rivers")
        .await?
        .accumulate()
        .await?;
    println!("{}", whole.text().unwrap_or_default());
    if let Some(usage) = &whole.usage_metadata {
        println!("({} tokens in total)", usage.total_tokens());
    }
    Ok(())
}
