//! Chats: a conversation that keeps its history (thought signatures included), saved to JSON
//! and restored.
//!
//! ```sh
//! cargo run -p gemini --example chat
//! ```

#[path = "common/mod.rs"]
mod common;

use gemini::{ChatConfig, ChatHistory};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// Two messages, a save, a restore and one more message.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let config = ChatConfig::new().with_system_instruction("Answer in one sentence.");
    let mut chat = client.chats().create(model, config.clone())?;
    for message in [
        "I have two dogs and a cat.",
        "How many paws are in my house?",
    ] {
        let answer = chat.send_message(message).await?;
        println!("> {message}\n{}", answer.text().unwrap_or_default());
    }

    // The history is plain serde data: store it anywhere.
    let saved = serde_json::to_string(chat.history())?;
    let history: ChatHistory = serde_json::from_str(&saved)?;
    println!(
        "(saved {} turns, {} bytes)",
        history.full().len(),
        saved.len()
    );

    let mut chat = client.chats().create(model, config.with_history(history))?;
    let answer = chat.send_message("And if I adopt a parrot?").await?;
    println!("{}", answer.text().unwrap_or_default());
    Ok(())
}
