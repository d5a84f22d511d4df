//! A Live session that survives disconnects: with session resumption on, the session
//! reconnects by itself after a `goAway`, a dropped connection or a 1011, sends again what the
//! server had not consumed, and the conversation goes on.
//!
//! ```sh
//! cargo run -p gemini --example live_resume
//! ```
//!
//! Against the local emulator (no `GEMINI_API_KEY`), it makes the emulator send a `goAway`
//! and then drop the connection, to show the session surviving both. The real API sends
//! `goAway` about every ten minutes.

#[path = "common/mod.rs"]
#[allow(dead_code)] // This example picks a Live model of its own.
mod common;

use std::time::Duration;

use gemini::live::{LiveConfig, LiveEvent};
use gemini::types::Modality;
use gemini_emulator::LiveFault;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = common::connect()?;
    if let Some(emulator) = &emulator {
        force_disconnects(emulator);
    }
    let log = run(&client, &live_model(), 6).await?;
    for line in log {
        println!("{line}");
    }
    Ok(())
}

/// Makes the emulator's first connection get a `goAway` and its second drop abruptly.
pub(crate) fn force_disconnects(emulator: &gemini_emulator::Emulator) {
    emulator.live_fault(LiveFault::go_away(Duration::from_secs(2)).after_server_messages(6));
    emulator.live_fault(LiveFault::drop_connection().after_client_messages(2));
}

/// Runs `turns` turns in one resumable session and returns what happened, line by line.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
    turns: usize,
) -> Result<Vec<String>, gemini::live::LiveError> {
    let config = LiveConfig::default()
        .response_modalities([Modality::Text])
        .session_resumption(true)
        .context_window_compression(25_600, 12_800);
    let mut session = client.live().connect(model, config).await?;
    let mut log = Vec::new();
    for i in 1..=turns {
        session.send_text(format!("This is message {i}.")).await?;
        let mut answer = String::new();
        while let Some(event) = session.next_event().await {
            match event? {
                LiveEvent::Text(chunk) => answer.push_str(&chunk),
                LiveEvent::GoAway { time_left } => {
                    log.push(format!("  (goAway: the server closes in {time_left:?})"));
                }
                LiveEvent::Reconnecting { attempt, reason } => {
                    log.push(format!("  (reconnecting, attempt {attempt}: {reason})"));
                }
                LiveEvent::Resumed { resent, .. } => {
                    // An unfinished answer starts again from the beginning.
                    answer.clear();
                    log.push(format!("  (resumed; {resent} message(s) sent again)"));
                }
                LiveEvent::TurnComplete { .. } => break,
                _ => {}
            }
        }
        log.push(format!("turn {i}: {answer}"));
    }
    session.close().await?;
    Ok(log)
}

/// The Live model; set `GEMINI_LIVE_MODEL` to try another one.
fn live_model() -> String {
    std::env::var("GEMINI_LIVE_MODEL")
        .ok()
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| "gemini-live-2.5-flash-preview".to_owned())
}
