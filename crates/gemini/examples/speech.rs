//! Speech: a TTS model reads a dialogue with two voices; the PCM answer is written as a WAV.
//!
//! ```sh
//! cargo run -p gemini --example speech
//! ```

#[path = "common/mod.rs"]
#[allow(dead_code)] // `common::model()` is the text model; this example names its own.
mod common;

use gemini::types::{GenerateContentRequest, GenerationConfig, Modality, SpeechConfig};

/// The text-to-speech model.
pub(crate) const TTS_MODEL: &str = "gemini-2.5-flash-preview-tts";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = common::connect()?;
    let wav = run(&client, TTS_MODEL).await?;
    let path = std::env::temp_dir().join("dialogue.wav");
    std::fs::write(&path, wav)?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Reads the dialogue and returns it as the bytes of a WAV file.
pub(crate) async fn run(
    client: &gemini::Client,
    model: &str,
) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let request = GenerateContentRequest::from(
        "TTS the following conversation between Joe and Jane:\n\
         Joe: How's it going today, Jane?\n\
         Jane: Not too bad, how about you?",
    )
    .with_generation_config(
        GenerationConfig::new()
            .with_response_modalities([Modality::Audio])
            // One voice per speaker; `SpeechConfig::voice("Kore")` for a single voice.
            .with_speech_config(SpeechConfig::multi_speaker([
                ("Joe", "Puck"),
                ("Jane", "Kore"),
            ])),
    );
    let answer = client.models().generate_content(model, request).await?;
    let audio = answer.audio().ok_or("the answer holds no PCM audio")??;
    println!(
        "{:.1} s of audio at {} Hz",
        audio.duration().as_secs_f64(),
        audio.sample_rate
    );
    // `write_wav` takes any `std::io::Write` (a file, a socket); `to_wav` gives the bytes.
    let mut wav = Vec::new();
    audio.write_wav(&mut wav)?;
    Ok(wav)
}
