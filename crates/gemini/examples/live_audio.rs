//! Live audio: a WAV file in (any rate, resampled to 16 kHz), the spoken answer out as a
//! 24 kHz WAV file, with both transcriptions.
//!
//! ```sh
//! cargo run -p gemini --example live_audio -- question.wav answer.wav
//! ```
//!
//! Without an input file it speaks a generated one-second tone; without an output path it
//! writes `live_answer.wav` in the temporary directory. With `GEMINI_API_KEY` (or
//! `GOOGLE_API_KEY`) set it talks to the real API; without, to the local emulator.

#[path = "common/mod.rs"]
#[allow(dead_code)] // This example picks a Live model of its own.
mod common;

use gemini::live::pcm;
use gemini::live::{LiveConfig, LiveEvent, RealtimeInput};
use gemini::types::Modality;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let input = match args.next() {
        Some(path) => std::fs::read(path)?,
        None => tone_wav()?,
    };
    let output = args.next().map_or_else(
        || std::env::temp_dir().join("live_answer.wav"),
        std::path::PathBuf::from,
    );
    let (client, _emulator) = common::connect()?;
    let answer = run(&client, &live_audio_model(), &input).await?;
    std::fs::write(&output, &answer.wav)?;
    println!("heard: {}", answer.heard);
    println!("said:  {}", answer.said);
    println!(
        "wrote {} ({} bytes of 24 kHz audio)",
        output.display(),
        answer.wav.len()
    );
    Ok(())
}

/// What the model heard and said.
pub(crate) struct Answer {
    /// The transcription of the input.
    pub(crate) heard: String,
    /// The transcription of the answer.
    pub(crate) said: String,
    /// The answer as a 24 kHz WAV file.
    pub(crate) wav: Vec<u8>,
}

/// A one-second 440 Hz tone at 44.1 kHz, as a WAV file.
pub(crate) fn tone_wav() -> std::io::Result<Vec<u8>> {
    let samples: Vec<i16> = (0..44_100)
        .map(|i| ((f64::from(i) * 440.0 * std::f64::consts::TAU / 44_100.0).sin() * 8000.0) as i16)
        .collect();
    let mut wav = Vec::new();
    pcm::write_wav(&mut wav, &pcm::samples_to_bytes(&samples), 44_100)?;
    Ok(wav)
}

/// Sends the WAV file `input` as 100 ms chunks of 16 kHz PCM and collects the answer.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
    input: &[u8],
) -> Result<Answer, Box<dyn std::error::Error>> {
    let (samples, rate) = pcm::read_wav(input)?;
    let samples = pcm::resample(&samples, rate, pcm::INPUT_RATE);
    let config = LiveConfig::default()
        .response_modalities([Modality::Audio])
        .input_audio_transcription()
        .output_audio_transcription();
    let mut session = client.live().connect(model, config).await?;
    for chunk in samples.chunks(pcm::INPUT_RATE as usize / 10) {
        let input = RealtimeInput::audio(pcm::samples_to_bytes(chunk));
        session.send_realtime_input(input).await?;
    }
    // The microphone "pauses": the server answers what it heard.
    session
        .send_realtime_input(RealtimeInput::AudioStreamEnd)
        .await?;
    let (mut heard, mut said, mut audio) = (String::new(), String::new(), Vec::new());
    while let Some(event) = session.next_event().await {
        match event? {
            LiveEvent::InputTranscription { text, .. } => heard.push_str(&text),
            LiveEvent::OutputTranscription { text, .. } => said.push_str(&text),
            LiveEvent::Audio { data, .. } => audio.extend_from_slice(&data),
            LiveEvent::Interrupted => audio.clear(),
            LiveEvent::TurnComplete { .. } => break,
            _ => {}
        }
    }
    session.close().await?;
    let mut wav = Vec::new();
    pcm::write_wav(&mut wav, &audio, pcm::OUTPUT_RATE)?;
    Ok(Answer { heard, said, wav })
}

/// The native-audio Live model; set `GEMINI_LIVE_AUDIO_MODEL` to try another one.
fn live_audio_model() -> String {
    std::env::var("GEMINI_LIVE_AUDIO_MODEL")
        .ok()
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| "gemini-2.5-flash-native-audio-preview-09-2025".to_owned())
}
