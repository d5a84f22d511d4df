//! A Live text session: a few turns over one WebSocket, the answers streamed in chunks.
//!
//! ```sh
//! cargo run -p gemini --example live_text
//! ```
//!
//! With `GEMINI_API_KEY` (or `GOOGLE_API_KEY`) set it talks to the real API; without, it starts
//! the local emulator and says so. `GEMINI_LIVE_MODEL` picks the model.

#[path = "common/mod.rs"]
#[allow(dead_code)] // This example picks a Live model of its own.
mod common;

use gemini::live::{LiveConfig, LiveEvent};
use gemini::types::Modality;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    let answers = run(&client, &live_model()).await?;
    for (question, answer) in QUESTIONS.iter().zip(answers) {
        println!("> {question}\n{answer}\n");
    }
    Ok(())
}

const QUESTIONS: [&str; 3] = [
    "Hello! Who are you?",
    "Name three planets.",
    "Which one is the largest?",
];

/// Asks each question in one session and returns the answers.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<Vec<String>, gemini::live::LiveError> {
    let config = LiveConfig::default()
        .response_modalities([Modality::Text])
        .system_instruction("Answer in one short sentence.");
    let mut session = client.live().connect(model, config).await?;
    let mut answers = Vec::new();
    for question in QUESTIONS {
        session.send_text(question).await?;
        let mut answer = String::new();
        while let Some(event) = session.next_event().await {
            match event? {
                LiveEvent::Text(chunk) => answer.push_str(&chunk),
                LiveEvent::TurnComplete { .. } => break,
                _ => {}
            }
        }
        answers.push(answer);
    }
    session.close().await?;
    Ok(answers)
}

/// The Live model; set `GEMINI_LIVE_MODEL` to try another one.
fn live_model() -> String {
    std::env::var("GEMINI_LIVE_MODEL")
        .ok()
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| "gemini-live-2.5-flash-preview".to_owned())
}
