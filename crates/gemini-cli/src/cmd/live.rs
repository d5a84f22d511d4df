//! `live`: a Live session in the terminal, typed or piped (one message per line), or one spoken
//! turn from a WAV file; answers as text or spoken (written to a WAV file, their transcription
//! printed). The session resumes by itself after a `goAway` or a dropped connection.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use gemini::live::{LiveConfig, LiveEvent, LiveSession, RealtimeInput, pcm};
use gemini::types::Modality;
use serde_json::json;

use super::{Ctx, write_file};
use crate::cli::LiveArgs;
use crate::exit::Failure;
use crate::term::Io;

/// Audio is sent in chunks of this many milliseconds, as a microphone would.
const CHUNK_MS: usize = 100;

pub(super) async fn run(ctx: &Ctx, args: LiveArgs, io: &mut Io) -> Result<(), Failure> {
    let model = ctx.live_model().to_owned();
    // The file is read before connecting: a bad file costs no session.
    let spoken = args.audio_in.as_deref().map(read_audio).transpose()?;
    let mut config = LiveConfig::default().session_resumption(true);
    config = if args.audio_out.is_some() {
        config
            .response_modalities([Modality::Audio])
            .output_audio_transcription()
    } else {
        config.response_modalities([Modality::Text])
    };
    if spoken.is_some() {
        config = config.input_audio_transcription();
    }
    if let Some(system) = args.system {
        config = config.system_instruction(system);
    }
    let mut spinner = io.spinner(&format!("connecting to {model}"));
    let mut session = ctx.client().live().connect(&model, config).await?;
    spinner.stop();
    let mut out = Output {
        json: ctx.json(),
        audio: args.audio_out.map(|path| (path, Vec::new())),
    };
    let result = if let (Some(samples), Some(path)) = (spoken, args.audio_in) {
        speak(&mut session, &samples, &path, &mut out, io).await
    } else {
        let interactive = io.stdin_tty;
        if interactive {
            io.note(&format!(
                "live session with {model}: one message per line; /exit or Ctrl-D to leave"
            ));
        }
        converse(&mut session, interactive, &mut out, io).await
    };
    // Close cleanly whatever happened; the first failure is the one reported.
    let closed = session.close().await;
    result?;
    closed?;
    out.write_audio(&model, io)
}

/// Where the answers go.
struct Output {
    /// `--output json`: one object per turn.
    json: bool,
    /// `--audio-out`: the file, and the 24 kHz PCM of the answers so far.
    audio: Option<(PathBuf, Vec<u8>)>,
}

impl Output {
    /// Keeps a finished turn's audio; prints its JSON line.
    fn finish_turn(&mut self, input: &str, answer: Answer, io: &mut Io) -> Result<(), Failure> {
        let seconds = output_seconds(&answer.audio);
        if let Some((_, pcm)) = &mut self.audio {
            pcm.extend(answer.audio);
        }
        if !answer.heard.is_empty() && !self.json {
            io.note(&format!("gemini-rs: heard: {}", answer.heard.trim()));
        }
        if self.json {
            let mut line = json!({"input": input, "text": answer.text});
            if !answer.heard.is_empty() {
                line["heard"] = json!(answer.heard);
            }
            if self.audio.is_some() {
                line["audioSeconds"] = json!(seconds);
            }
            io.println(&line.to_string())?;
            io.flush()?;
        }
        Ok(())
    }

    /// `--audio-out`: the session's answers as one WAV file.
    fn write_audio(self, model: &str, io: &mut Io) -> Result<(), Failure> {
        let Some((path, audio)) = self.audio else {
            return Ok(());
        };
        if audio.is_empty() {
            return Err(Failure::Remote(format!("{model} answered no audio")));
        }
        let mut wav = Vec::with_capacity(audio.len() + 44);
        pcm::write_wav(&mut wav, &audio, pcm::OUTPUT_RATE)
            .map_err(|e| Failure::Input(format!("cannot encode the audio as WAV: {e}")))?;
        write_file(&path, &wav)?;
        io.note(&format!(
            "gemini-rs: wrote {} ({:.1} s of 24 kHz audio)",
            path.display(),
            output_seconds(&audio)
        ));
        Ok(())
    }
}

/// How long 24 kHz 16-bit mono PCM plays.
fn output_seconds(pcm: &[u8]) -> f64 {
    pcm.len() as f64 / f64::from(pcm::OUTPUT_RATE * 2)
}

/// A WAV file as 16 kHz mono samples.
fn read_audio(path: &Path) -> Result<Vec<i16>, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::io(format!("cannot read {}", path.display()), e))?;
    let (samples, rate) =
        pcm::read_wav(&bytes).map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
    if samples.is_empty() || rate == 0 {
        return Err(Failure::Input(format!("{} holds no audio", path.display())));
    }
    Ok(pcm::resample(&samples, rate, pcm::INPUT_RATE))
}

/// One spoken turn: the samples in 100 ms chunks, then the end of the audio stream (the
/// microphone paused), then the answer.
async fn speak(
    session: &mut LiveSession,
    samples: &[i16],
    path: &Path,
    out: &mut Output,
    io: &mut Io,
) -> Result<(), Failure> {
    let chunk = pcm::INPUT_RATE as usize * CHUNK_MS / 1000;
    for part in samples.chunks(chunk) {
        let input = RealtimeInput::audio(pcm::samples_to_bytes(part));
        session.send_realtime_input(input).await?;
    }
    session
        .send_realtime_input(RealtimeInput::AudioStreamEnd)
        .await?;
    let answer = turn(session, out, io).await?;
    out.finish_turn(&path.display().to_string(), answer, io)
}

async fn converse(
    session: &mut LiveSession,
    interactive: bool,
    out: &mut Output,
    io: &mut Io,
) -> Result<(), Failure> {
    let mut lines = io.stdin_lines(true);
    loop {
        if interactive {
            let _ = write!(io.err, "> ");
            let _ = io.err.flush();
        }
        let next = if interactive {
            // While the user types, the session may move to a new connection: say so.
            loop {
                tokio::select! {
                    biased;
                    line = lines.next() => break line?,
                    event = session.next_event() => idle_event(event, io)?,
                }
            }
        } else {
            lines.next().await?
        };
        let Some(line) = next else {
            if interactive {
                io.note("");
            }
            return Ok(());
        };
        let line = line.trim();
        match line {
            "" => continue,
            "/exit" | "/quit" => return Ok(()),
            "/help" => {
                io.note("/exit  leave (Ctrl-D too)");
                continue;
            }
            _ => {}
        }
        session.send_text(line).await?;
        let answer = turn(session, out, io).await?;
        out.finish_turn(line, answer, io)?;
    }
}

/// An event between turns, on a terminal: the reconnections are shown (and the prompt again),
/// the rest is dropped; the end of the session ends the command.
fn idle_event(
    event: Option<Result<LiveEvent, gemini::live::LiveError>>,
    io: &mut Io,
) -> Result<(), Failure> {
    let line = match event {
        None | Some(Ok(LiveEvent::Closed(Ok(())))) => {
            return Err(Failure::Remote(
                "the server ended the Live session".to_owned(),
            ));
        }
        Some(Err(e) | Ok(LiveEvent::Closed(Err(e)))) => return Err(e.into()),
        Some(Ok(event)) => match reconnection(&event) {
            Some(line) => line,
            None => return Ok(()),
        },
    };
    io.note("");
    io.note(&line);
    let _ = write!(io.err, "> ");
    let _ = io.err.flush();
    Ok(())
}

/// The line a `Reconnecting` or `Resumed` event gets on stderr.
fn reconnection(event: &LiveEvent) -> Option<String> {
    match event {
        LiveEvent::Reconnecting { attempt, reason } => Some(format!(
            "gemini-rs: Reconnecting (attempt {attempt}: {reason})"
        )),
        LiveEvent::Resumed { resent, lost, .. } => {
            let lost = if *lost > 0 {
                format!(", {lost} lost")
            } else {
                String::new()
            };
            Some(format!(
                "gemini-rs: Resumed ({resent} message(s) sent again{lost})"
            ))
        }
        _ => None,
    }
}

/// One answer of the model.
#[derive(Debug, Default)]
struct Answer {
    /// Its text, or the transcription of its audio.
    text: String,
    /// The transcription of the user's audio.
    heard: String,
    /// Its audio (24 kHz PCM).
    audio: Vec<u8>,
}

/// Reads the model's turn to its end, printing its text (or the transcription of its audio) as
/// it comes, unless the output is JSON. After a resumption, an answer that starts again is not
/// printed twice, and its audio is kept once.
async fn turn(session: &mut LiveSession, out: &Output, io: &mut Io) -> Result<Answer, Failure> {
    // The answer on the current connection, and what of its text was printed.
    let mut answer = Answer::default();
    let mut shown = String::new();
    let spoken = out.audio.is_some();
    loop {
        let Some(event) = session.next_event().await else {
            return Err(Failure::Remote(
                "the Live session ended before the answer did".to_owned(),
            ));
        };
        let chunk = match event? {
            LiveEvent::Text(chunk) if !spoken => chunk,
            LiveEvent::OutputTranscription { text, .. } if spoken => text,
            LiveEvent::InputTranscription { text, .. } => {
                answer.heard.push_str(&text);
                continue;
            }
            LiveEvent::Audio { data, .. } => {
                answer.audio.extend_from_slice(&data);
                continue;
            }
            LiveEvent::Interrupted => {
                // What was not played yet is dropped, as a player would.
                answer.audio.clear();
                continue;
            }
            LiveEvent::TurnComplete { .. } => {
                if !out.json && !shown.is_empty() && !shown.ends_with('\n') {
                    io.println("")?;
                }
                io.flush()?;
                return Ok(answer);
            }
            event @ LiveEvent::Reconnecting { .. } => {
                if let Some(line) = reconnection(&event) {
                    io.note(&line);
                }
                continue;
            }
            event @ LiveEvent::Resumed { .. } => {
                // An unfinished answer starts again from its beginning.
                answer.text.clear();
                answer.audio.clear();
                if let Some(line) = reconnection(&event) {
                    io.note(&line);
                }
                continue;
            }
            LiveEvent::Closed(Ok(())) => {
                return Err(Failure::Remote(
                    "the server ended the Live session".to_owned(),
                ));
            }
            LiveEvent::Closed(Err(e)) => return Err(e.into()),
            _ => continue,
        };
        answer.text.push_str(&chunk);
        if out.json {
            continue;
        }
        match unseen(&answer.text, &shown) {
            Unseen::Rest(rest) => {
                io.print(rest)?;
                io.flush()?;
                shown.clone_from(&answer.text);
            }
            Unseen::Nothing => {}
            Unseen::Other => {
                // A different answer after a resumption: on its own line.
                io.println("")?;
                io.print(&answer.text)?;
                io.flush()?;
                shown.clone_from(&answer.text);
            }
        }
    }
}

/// What of an answer is still to be printed.
#[derive(Debug, PartialEq, Eq)]
enum Unseen<'a> {
    /// Its end, past what was printed.
    Rest(&'a str),
    /// Nothing: it is what was printed, or the start of it (an answer started again after a
    /// resumption that has not caught up yet).
    Nothing,
    /// All of it: it differs from what was printed.
    Other,
}

/// Compares the `answer` so far with what was `shown` of the turn.
fn unseen<'a>(answer: &'a str, shown: &str) -> Unseen<'a> {
    match answer.strip_prefix(shown) {
        Some("") => Unseen::Nothing,
        Some(rest) => Unseen::Rest(rest),
        None if shown.starts_with(answer) => Unseen::Nothing,
        None => Unseen::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_started_again_is_printed_once() {
        assert_eq!(unseen("You said", ""), Unseen::Rest("You said"));
        assert_eq!(unseen("You said: hi", "You said"), Unseen::Rest(": hi"));
        // After a resumption the answer starts again from its beginning.
        assert_eq!(unseen("You", "You said"), Unseen::Nothing);
        assert_eq!(unseen("You said", "You said"), Unseen::Nothing);
        assert_eq!(unseen("You said: hi!", "You said"), Unseen::Rest(": hi!"));
        assert_eq!(unseen("Another", "You said"), Unseen::Other);
    }
}
