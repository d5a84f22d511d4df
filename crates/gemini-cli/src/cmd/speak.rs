//! `speak`: a text read aloud by a text-to-speech model, saved as a WAV file.

use std::io::Write;

use gemini::types::{GenerateContentRequest, GenerationConfig, Modality, SpeechConfig};
use serde_json::json;

use super::{Ctx, create_new, refused, to_json, write_file};
use crate::cli::{DEFAULT_SPEECH_MODEL, SpeakArgs};
use crate::exit::Failure;
use crate::input;
use crate::term::Io;

pub(super) async fn run(ctx: &Ctx, args: SpeakArgs, io: &mut Io) -> Result<(), Failure> {
    let text = input::prompt(args.text, io).await?;
    let model = ctx.model_or(DEFAULT_SPEECH_MODEL);
    let mut config = GenerationConfig::new().with_response_modalities([Modality::Audio]);
    if let Some(voice) = &args.voice {
        config = config.with_speech_config(SpeechConfig::voice(voice.as_str()));
    }
    let request = GenerateContentRequest::from(text.as_str()).with_generation_config(config);

    let mut spinner = io.spinner(&format!("asking {model}"));
    let answer = ctx
        .client()
        .models()
        .generate_content(model, request)
        .await
        .map_err(refused)?;
    spinner.stop();
    let audio = match answer.audio() {
        Some(Ok(audio)) => audio,
        Some(Err(e)) => {
            return Err(Failure::Input(format!(
                "the audio of {model}'s answer cannot be used: {e}"
            )));
        }
        None => {
            super::generate::warn_if_cut(&answer, io);
            return Err(Failure::Input(format!("{model} answered no audio")));
        }
    };
    let wav = audio
        .to_wav()
        .map_err(|e| Failure::Input(format!("cannot encode the audio as WAV: {e}")))?;

    let path = if let Some(path) = &args.out {
        write_file(path, &wav)?;
        path.clone()
    } else {
        let (path, mut file) = create_new(std::path::Path::new(""), "speech", "wav", false)?;
        file.write_all(&wav)
            .map_err(|e| Failure::io(format!("cannot write {}", path.display()), e))?;
        path
    };

    if ctx.json() {
        let summary = json!({
            "model": model,
            "path": path.display().to_string(),
            "mimeType": "audio/wav",
            "sampleRate": audio.sample_rate,
            "channels": audio.channels,
            "seconds": audio.duration().as_secs_f64(),
            "sizeBytes": wav.len(),
        });
        return io.println(&to_json(&summary)?);
    }
    io.println(&path.display().to_string())
}
