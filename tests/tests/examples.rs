//! Every example in `crates/gemini/examples/` runs against the emulator: each example's body is
//! a `run(client, model)` function, included here as a module.

// Each example includes the shared `common` module itself, as it must when built alone.
#![allow(clippy::duplicate_mod)]

use integration_tests::{SIGNED_MODEL, client, emulator, within};

#[path = "../../crates/gemini/examples/chat.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod chat;
#[path = "../../crates/gemini/examples/custom_transport.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod custom_transport;
#[path = "../../crates/gemini/examples/embeddings.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod embeddings;
#[path = "../../crates/gemini/examples/function_calling.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod function_calling;
#[path = "../../crates/gemini/examples/list_models.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod list_models;
#[path = "../../crates/gemini/examples/live_audio.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod live_audio;
#[path = "../../crates/gemini/examples/live_resume.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod live_resume;
#[path = "../../crates/gemini/examples/live_text.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod live_text;
#[path = "../../crates/gemini/examples/quickstart.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod quickstart;
#[path = "../../crates/gemini/examples/raw.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod raw;
#[path = "../../crates/gemini/examples/retries_and_timeouts.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod retries_and_timeouts;
#[path = "../../crates/gemini/examples/stream.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod stream;
#[path = "../../crates/gemini/examples/structured_output.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod structured_output;

#[tokio::test]
async fn example_quickstart() {
    let emu = emulator();
    let client = client(&emu);
    within(quickstart::run(&client, SIGNED_MODEL))
        .await
        .unwrap();
    assert!(emu.count("*") > 0);
}

#[tokio::test]
async fn example_stream() {
    let emu = emulator();
    let client = client(&emu);
    within(stream::run(&client, SIGNED_MODEL)).await.unwrap();
    assert!(emu.count("*") > 0);
}

#[tokio::test]
async fn example_chat() {
    let emu = emulator();
    let client = client(&emu);
    within(chat::run(&client, SIGNED_MODEL)).await.unwrap();
    assert!(emu.count("*") > 0);
}

#[tokio::test]
async fn example_function_calling() {
    let emu = emulator();
    let client = client(&emu);
    within(function_calling::run(&client, SIGNED_MODEL))
        .await
        .unwrap();
    assert!(emu.count("*") > 0);
}

#[tokio::test]
async fn example_structured_output() {
    let emu = emulator();
    let client = client(&emu);
    within(structured_output::run(&client, SIGNED_MODEL))
        .await
        .unwrap();
    assert!(emu.count("*") > 0);
}

#[tokio::test]
async fn example_embeddings() {
    let emu = emulator();
    let client = client(&emu);
    within(embeddings::run(&client, SIGNED_MODEL))
        .await
        .unwrap();
    assert!(emu.count("*") > 0);
}

#[tokio::test]
async fn example_list_models() {
    let emu = emulator();
    let client = client(&emu);
    within(list_models::run(&client, SIGNED_MODEL))
        .await
        .unwrap();
    assert!(emu.count("*") > 0);
}

#[tokio::test]
async fn example_retries_and_timeouts() {
    let emu = emulator();
    let client = client(&emu);
    within(retries_and_timeouts::run(&client, SIGNED_MODEL))
        .await
        .unwrap();
    assert!(emu.count("*") > 0);
}

#[tokio::test]
async fn example_raw() {
    let emu = emulator();
    let client = client(&emu);
    within(raw::run(&client, SIGNED_MODEL)).await.unwrap();
    assert!(emu.count("*") > 0);
}

#[tokio::test]
async fn example_custom_transport() {
    let emu = emulator();
    let client = client(&emu);
    within(custom_transport::run(&client, SIGNED_MODEL))
        .await
        .unwrap();
    assert!(emu.count("*") > 0);
}

/// The Live model of the Live examples.
const LIVE_MODEL: &str = "gemini-live-2.5-flash-preview";

#[tokio::test]
async fn example_live_text() {
    let emu = emulator();
    let client = client(&emu);
    let answers = within(live_text::run(&client, LIVE_MODEL)).await.unwrap();
    assert_eq!(answers.len(), 3);
    assert!(answers[1].contains("Name three planets."), "{answers:?}");
}

#[tokio::test]
async fn example_live_audio() {
    let emu = emulator();
    let client = client(&emu);
    let input = live_audio::tone_wav().unwrap();
    let answer = within(live_audio::run(&client, LIVE_MODEL, &input))
        .await
        .unwrap();
    assert_eq!(answer.heard, "[1.00 s of audio]");
    assert!(!answer.said.is_empty());
    let (samples, rate) = gemini::live::pcm::read_wav(&answer.wav).unwrap();
    assert_eq!(rate, 24_000);
    assert!(samples.len() > 2400, "{} samples", samples.len());
}

#[tokio::test]
async fn example_live_resume() {
    let emu = emulator();
    live_resume::force_disconnects(&emu);
    let client = client(&emu);
    let log = within(live_resume::run(&client, LIVE_MODEL, 6))
        .await
        .unwrap();
    let resumed = log.iter().filter(|l| l.contains("(resumed;")).count();
    assert_eq!(resumed, 2, "{log:#?}");
    for i in 1..=6 {
        assert!(
            log.iter().any(
                |l| l.starts_with(&format!("turn {i}: ")) && l.contains(&format!("(turn {i})"))
            ),
            "{log:#?}"
        );
    }
}
