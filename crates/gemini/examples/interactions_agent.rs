//! Interactions: a Deep Research agent run in the background, followed through its event
//! stream, picked up again by a "new process" from the interaction id and the last event id
//! alone, and a second run cancelled.
//!
//! ```sh
//! cargo run -p gemini --example interactions_agent
//! ```

#[path = "common/mod.rs"]
mod common;

use futures_util::StreamExt as _;
use gemini::WaitOptions;
use gemini::types::interactions::{AgentConfig, Event, Step};

/// The agent the examples run.
const AGENT: &str = "deep-research-pro-preview-12-2025";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    run(&client, &common::model()).await
}

/// What a process saves to pick a stream up again later.
#[derive(serde::Serialize, serde::Deserialize)]
struct Checkpoint {
    id: String,
    last_event_id: Option<String>,
}

/// Prints what an event says about the run's progress.
fn show(event: &Event) {
    match event {
        Event::StepStart(e) => match &e.step {
            Some(Step::GoogleSearchCall(c)) => {
                let queries = c.arguments.as_ref().and_then(|a| a.get("queries"));
                println!(
                    "  searching: {}",
                    queries.unwrap_or(&serde_json::Value::Null)
                );
            }
            Some(Step::Thought(_)) => println!("  thinking..."),
            Some(step) => println!("  {}", step.tag()),
            None => {}
        },
        Event::InteractionStatusUpdate(e) => {
            if let Some(status) = &e.status {
                println!("  status: {status}");
            }
        }
        _ => {}
    }
}

/// A background research run streamed in two "processes", and a second run cancelled.
pub(crate) async fn run(
    client: &gemini::Client,
    _model: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let topic = "tidal power in Brittany";
    let started = client
        .interactions()
        .create()
        .agent(AGENT)
        .agent_config(AgentConfig::new("deep-research"))
        .input(topic)
        .background(true)
        .send()
        .await?;
    let id = started.id.clone().ok_or("the run has no id")?;
    println!("researching {topic:?} in the background: {id}");

    // The first process follows the run for a few events, then stops.
    let checkpoint = {
        let mut stream = client.interactions().get_stream(&id, None).await?;
        for _ in 0..3 {
            match stream.next().await {
                Some(event) => show(&event?),
                None => break,
            }
        }
        let saved = Checkpoint {
            id: id.clone(),
            last_event_id: stream.last_event_id().map(str::to_owned),
        };
        serde_json::to_string(&saved)?
    };
    println!("(stopped; saved {checkpoint})");

    // A new process: a new client, and only the checkpoint.
    let client = gemini::Client::builder()
        .config(client.config().clone())
        .build()?;
    let saved: Checkpoint = serde_json::from_str(&checkpoint)?;
    let mut stream = client
        .interactions()
        .get_stream(&saved.id, saved.last_event_id.as_deref())
        .await?;
    let mut report = None;
    while let Some(event) = stream.next().await {
        let event = event?;
        show(&event);
        if let Some(done) = event.interaction().filter(|_| event.is_terminal()) {
            report = Some(done.clone());
        }
    }
    // The final event may carry no steps: read the finished run.
    let finished = client.interactions().get(&saved.id).await?;
    println!(
        "report ({}, {} steps):\n{}",
        report
            .and_then(|r| r.status)
            .map(|s| s.to_string())
            .unwrap_or_default(),
        finished.steps.len(),
        finished.output_text()
    );

    // A second run, cancelled.
    let other = client
        .interactions()
        .create()
        .agent(AGENT)
        .input("wave energy")
        .background(true)
        .send()
        .await?;
    let other_id = other.id.ok_or("the run has no id")?;
    client.interactions().cancel(&other_id).await?;
    let stopped = client
        .interactions()
        .wait(&other_id, WaitOptions::new())
        .await?;
    println!(
        "second run: {}",
        stopped.status.map(|s| s.to_string()).unwrap_or_default()
    );
    Ok(())
}
