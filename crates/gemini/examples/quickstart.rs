//! The quickstart: one question, one answer.
//!
//! ```sh
//! cargo run -p gemini --example quickstart
//! ```
//!
//! With `GEMINI_API_KEY` (or `GOOGLE_API_KEY`) set it asks the real API; without, it starts
//! the local emulator and says so.

#[path = "common/mod.rs"]
mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    let answer = run(&client, &common::model()).await?;
    println!("{answer}");
    Ok(())
}

/// Asks the model and returns its answer.
pub(crate) async fn run(client: &gemini::Client, model: &str) -> Result<String, gemini::Error> {
    let text = client
        .models()
        .generate_content(model, "Explain how AI works in a few words")
        .await?
        .text();
    Ok(text.unwrap_or_default())
}
