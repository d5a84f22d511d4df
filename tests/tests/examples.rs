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
#[path = "../../crates/gemini/examples/image.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod image;
#[path = "../../crates/gemini/examples/interactions_agent.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod interactions_agent;
#[path = "../../crates/gemini/examples/interactions_conversation.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod interactions_conversation;
#[path = "../../crates/gemini/examples/interactions_stream.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod interactions_stream;
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
#[path = "../../crates/gemini/examples/rag.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod rag;
#[path = "../../crates/gemini/examples/raw.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod raw;
#[path = "../../crates/gemini/examples/retries_and_timeouts.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod retries_and_timeouts;
#[path = "../../crates/gemini/examples/speech.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod speech;
#[path = "../../crates/gemini/examples/stream.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod stream;
#[path = "../../crates/gemini/examples/structured_output.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod structured_output;
#[path = "../../crates/gemini/examples/video.rs"]
#[allow(dead_code)] // The example's `main` is not used here.
mod video;

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

#[tokio::test]
async fn example_image() {
    let emu = emulator();
    let client = client(&emu);
    let files = within(image::run(&client, image::IMAGE_MODEL))
        .await
        .unwrap();
    // One picture from the Gemini model, two from Imagen.
    assert_eq!(files.len(), 3);
    assert!(files.iter().all(|(_, bytes)| bytes.starts_with(b"\x89PNG")));
    assert_eq!(emu.count("predict"), 1);
}

#[tokio::test]
async fn example_speech() {
    let emu = emulator();
    let client = client(&emu);
    let wav = within(speech::run(&client, speech::TTS_MODEL))
        .await
        .unwrap();
    assert!(wav.starts_with(b"RIFF") && wav.len() > 44);
    assert_eq!(&wav[8..12], b"WAVE");
}

#[tokio::test]
async fn example_video() {
    let emu = emulator();
    let client = client(&emu);
    let mp4 = within(video::run(&client, video::VEO_MODEL)).await.unwrap();
    assert_eq!(&mp4[4..8], b"ftyp");
    assert_eq!(emu.count("predictLongRunning"), 1);
}

#[tokio::test]
async fn example_rag() {
    let emu = emulator();
    let client = client(&emu);
    within(rag::run(&client, SIGNED_MODEL)).await.unwrap();
    assert_eq!(emu.count("fileSearchStores.delete"), 1);
}

#[tokio::test]
async fn example_interactions_conversation() {
    let emu = emulator();
    let client = client(&emu);
    within(interactions_conversation::run(&client, SIGNED_MODEL))
        .await
        .unwrap();
    assert_eq!(emu.count("interactions.create"), 5);
}

#[tokio::test]
async fn example_interactions_stream() {
    let emu = emulator();
    let client = client(&emu);
    within(interactions_stream::run(&client, SIGNED_MODEL))
        .await
        .unwrap();
    // The streamed create, then the stream read again by id.
    assert_eq!(emu.count("interactions.create"), 1);
    assert_eq!(emu.count("interactions.get"), 1);
}

#[tokio::test]
async fn example_interactions_agent() {
    // Runs that take a second, not minutes.
    let emu = gemini_emulator::Emulator::builder()
        .api_key(integration_tests::KEY)
        .interaction_timing(
            std::time::Duration::from_millis(50),
            std::time::Duration::from_millis(200),
        )
        .agent_run_time(std::time::Duration::from_millis(800))
        .start();
    let client = client(&emu);
    within(interactions_agent::run(&client, SIGNED_MODEL))
        .await
        .unwrap();
    assert_eq!(emu.count("interactions.cancel"), 1);
    // Two streams, a get, and the wait's polls.
    assert!(emu.count("interactions.get") >= 4);
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
