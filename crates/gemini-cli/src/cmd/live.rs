//! `live`: a Live text session in the terminal, typed or piped (one message per line), that
//! resumes by itself after a `goAway` or a dropped connection.

use std::io::Write as _;

use gemini::live::{LiveConfig, LiveEvent, LiveSession};
use gemini::types::Modality;

use super::Ctx;
use crate::cli::LiveArgs;
use crate::exit::Failure;
use crate::term::Io;

pub(super) async fn run(ctx: &Ctx, args: LiveArgs, io: &mut Io) -> Result<(), Failure> {
    let model = ctx.live_model().to_owned();
    let mut config = LiveConfig::default()
        .response_modalities([Modality::Text])
        .session_resumption(true);
    if let Some(system) = args.system {
        config = config.system_instruction(system);
    }
    let mut spinner = io.spinner(&format!("connecting to {model}"));
    let mut session = ctx.client().live().connect(&model, config).await?;
    spinner.stop();
    let interactive = io.stdin_tty;
    if interactive {
        io.note(&format!(
            "live session with {model}: one message per line; /exit or Ctrl-D to leave"
        ));
    }
    let result = converse(ctx, &mut session, interactive, io).await;
    // Close cleanly whatever happened; the first failure is the one reported.
    let closed = session.close().await;
    result?;
    Ok(closed?)
}

async fn converse(
    ctx: &Ctx,
    session: &mut LiveSession,
    interactive: bool,
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
        let answer = turn(session, ctx.json(), io).await?;
        if ctx.json() {
            let json = serde_json::json!({"input": line, "text": answer});
            io.println(&json.to_string())?;
            io.flush()?;
        }
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

/// Reads the model's turn to its end, printing its text as it comes (unless `json`); returns
/// the whole text. After a resumption, an answer that starts again is not printed twice.
async fn turn(session: &mut LiveSession, json: bool, io: &mut Io) -> Result<String, Failure> {
    // The text of the answer on the current connection, and what of it was printed.
    let mut answer = String::new();
    let mut shown = String::new();
    loop {
        let Some(event) = session.next_event().await else {
            return Err(Failure::Remote(
                "the Live session ended before the answer did".to_owned(),
            ));
        };
        match event? {
            LiveEvent::Text(chunk) => {
                answer.push_str(&chunk);
                if json {
                    continue;
                }
                match unseen(&answer, &shown) {
                    Unseen::Rest(rest) => {
                        io.print(rest)?;
                        io.flush()?;
                        shown.clone_from(&answer);
                    }
                    Unseen::Nothing => {}
                    Unseen::Other => {
                        // A different answer after a resumption: on its own line.
                        io.println("")?;
                        io.print(&answer)?;
                        io.flush()?;
                        shown.clone_from(&answer);
                    }
                }
            }
            LiveEvent::TurnComplete { .. } => {
                if !json && !shown.is_empty() && !shown.ends_with('\n') {
                    io.println("")?;
                }
                io.flush()?;
                return Ok(answer);
            }
            event @ LiveEvent::Reconnecting { .. } => {
                if let Some(line) = reconnection(&event) {
                    io.note(&line);
                }
            }
            event @ LiveEvent::Resumed { .. } => {
                // An unfinished answer starts again from its beginning.
                answer.clear();
                if let Some(line) = reconnection(&event) {
                    io.note(&line);
                }
            }
            LiveEvent::Closed(Ok(())) => {
                return Err(Failure::Remote(
                    "the server ended the Live session".to_owned(),
                ));
            }
            LiveEvent::Closed(Err(e)) => return Err(e.into()),
            _ => {}
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
