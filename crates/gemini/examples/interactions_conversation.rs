//! Interactions: a conversation the server keeps (`previous_interaction_id`), a function the
//! model calls, and the conversation's state saved to JSON and restored.
//!
//! ```sh
//! cargo run -p gemini --example interactions_conversation
//! ```

#[path = "common/mod.rs"]
mod common;

use gemini::{ConversationState, Tools};
use serde::Deserialize;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// The arguments of `get_weather`.
#[derive(Deserialize, schemars::JsonSchema)]
struct City {
    /// A city name, e.g. "Paris".
    city: String,
}

/// Three turns, the state saved and restored, and one more turn that calls a function.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut chat = client
        .interactions()
        .conversation(model)
        .with_system_instruction("Answer in one sentence.");
    for message in [
        "I have two dogs and a cat.",
        "I am thinking of adopting a parrot.",
        "What did I tell you earlier about my pets?",
    ] {
        let answer = chat.send(message).await?;
        println!("> {message}\n{}", answer.output_text());
    }

    // Only the model, the settings and the last interaction's id need keeping: the server
    // has the rest.
    let saved = serde_json::to_string(chat.state())?;
    println!(
        "(saved {} bytes after {} turns)",
        saved.len(),
        chat.state().turns
    );
    let state: ConversationState = serde_json::from_str(&saved)?;

    // Handlers are code, not data: attach them again after restoring.
    let tools = Tools::new().function(
        "get_weather",
        "The current weather in a city.",
        |c: City| async move {
            Ok::<_, String>(serde_json::json!({"city": c.city, "sky": "clear", "celsius": 18}))
        },
    );
    let mut chat = client.interactions().restore(state).with_functions(tools);
    let answer = chat
        .send("Use get_weather for Paris: can I walk the dogs there now?")
        .await?;
    println!("{}", answer.output_text());
    if let Some(usage) = answer.usage() {
        println!("(tokens: {})", usage.total_tokens.unwrap_or_default());
    }
    Ok(())
}
