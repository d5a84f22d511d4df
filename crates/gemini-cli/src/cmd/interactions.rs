//! `interactions`: create (streamed by default, continued with `--previous`, agents and
//! background runs), get, wait, stream (resumable from another process), cancel and delete.

use std::time::Duration;

use futures_util::StreamExt;
use gemini::types::interactions::{
    Event, Interaction, InteractionAccumulator, InteractionStatus, Step,
};
use gemini::{InteractionStream, WaitOptions};

use super::{Ctx, print_rows, to_json};
use crate::cli::{InteractionCreateArgs, InteractionsCommand};
use crate::exit::Failure;
use crate::input;
use crate::term::{Io, Spinner};

/// How long `interactions wait` waits at most (agent runs take up to an hour).
const WAIT_LIMIT: Duration = Duration::from_secs(2 * 3600);

pub(super) async fn run(
    ctx: &Ctx,
    command: InteractionsCommand,
    io: &mut Io,
) -> Result<(), Failure> {
    let interactions = ctx.client().interactions();
    match command {
        InteractionsCommand::Create(args) => create(ctx, args, io).await,
        InteractionsCommand::Get { id } => {
            let interaction = interactions.get(&id).await?;
            print_interaction(ctx, &interaction, io)
        }
        InteractionsCommand::Wait { id } => {
            let interaction = wait(ctx, &id, io).await?;
            print_output(ctx, &interaction, io)
        }
        InteractionsCommand::Stream { id, last_event_id } => {
            let mut spinner = io.spinner(&format!("following {id}"));
            let stream = interactions
                .get_stream(&id, last_event_id.as_deref())
                .await?;
            follow(ctx, stream, &mut spinner, Some(&id), true, io).await?;
            Ok(())
        }
        InteractionsCommand::Cancel { id } => {
            let interaction = interactions.cancel(&id).await?;
            if ctx.json() {
                return io.println(&to_json(&interaction)?);
            }
            io.println(&format!("cancelled {id} ({})", status(&interaction)))
        }
        InteractionsCommand::Delete { id } => {
            interactions.delete(&id).await?;
            if !ctx.json() {
                io.println(&format!("deleted {id}"))?;
            }
            Ok(())
        }
    }
}

/// `interactions create`.
async fn create(ctx: &Ctx, args: InteractionCreateArgs, io: &mut Io) -> Result<(), Failure> {
    let prompt = input::prompt(args.prompt, io).await?;
    let mut request = ctx.client().interactions().create().input(prompt);
    let background = args.background || args.agent.is_some();
    let label = if let Some(agent) = &args.agent {
        // Agents run in the background only.
        request = request.agent(agent.clone()).background(true);
        format!("agent {agent}")
    } else {
        request = request.model(ctx.model()).background(args.background);
        ctx.model().to_owned()
    };
    if let Some(system) = args.system {
        request = request.system_instruction(system);
    }
    if let Some(previous) = args.previous {
        request = request.previous_id(previous);
    }

    if args.background {
        // Started, not followed: its id and status, and how to follow it.
        let mut spinner = io.spinner(&format!("starting {label}"));
        let started = request.send().await?;
        spinner.stop();
        let id = started.id.clone().unwrap_or_default();
        if ctx.json() {
            io.println(&to_json(&started)?)?;
        } else {
            print_rows(
                io,
                6,
                &[
                    ("id", Some(id.clone())),
                    ("status", started.status.as_ref().map(ToString::to_string)),
                ],
            )?;
        }
        io.flush()?;
        if ctx.backend.is_emulated() {
            io.note("gemini-rs: the built-in emulator's interactions end with this process");
        } else if !id.is_empty() {
            io.note(&format!(
                "follow it with: gemini-rs interactions stream {id}  (or: interactions wait {id})"
            ));
        }
        return Ok(());
    }

    if args.no_stream {
        let mut spinner = io.spinner(&format!("asking {label}"));
        let mut interaction = request.send().await?;
        spinner.stop();
        if background {
            if let Some(id) = interaction.id.clone() {
                interaction = wait(ctx, &id, io).await?;
            }
        }
        print_output(ctx, &interaction, io)?;
        note_id(interaction.id.as_deref(), io);
        return Ok(());
    }

    let mut spinner = io.spinner(&format!("asking {label}"));
    let stream = request.stream().await?;
    let id = follow(ctx, stream, &mut spinner, None, background, io).await?;
    note_id(id.as_deref(), io);
    Ok(())
}

/// `interaction: ID` on stderr, to continue the conversation with `--previous`.
fn note_id(id: Option<&str>, io: &mut Io) {
    if let Some(id) = id.filter(|id| !id.is_empty()) {
        io.note(&format!("interaction: {id}"));
    }
}

/// Prints a stream as it comes: the answer's text, or one JSON event per line. Ctrl-C stops
/// following, and when the interaction runs on without this process (`resumable`), says how to
/// pick the stream up again. Returns the interaction's id.
async fn follow(
    ctx: &Ctx,
    mut stream: InteractionStream,
    spinner: &mut Spinner,
    known_id: Option<&str>,
    resumable: bool,
    io: &mut Io,
) -> Result<Option<String>, Failure> {
    let mut folded = InteractionAccumulator::new();
    let mut at_line_start = true;
    let mut printed = false;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        let next = tokio::select! {
            biased;
            next = stream.next() => next,
            _ = &mut ctrl_c => {
                spinner.stop();
                if !at_line_start {
                    io.println("")?;
                }
                let id = stream.interaction_id().or(known_id);
                return Err(interrupted(ctx, id, stream.last_event_id(), resumable));
            }
        };
        let Some(event) = next else { break };
        let event = match event {
            Ok(e) => e,
            Err(e) => {
                spinner.stop();
                if !at_line_start {
                    io.println("")?;
                }
                return Err(e.into());
            }
        };
        folded.push(&event);
        if ctx.json() {
            spinner.stop();
            let line = serde_json::to_string(&event)
                .map_err(|e| Failure::Input(format!("cannot encode the event as JSON: {e}")))?;
            io.println(&line)?;
            io.flush()?;
            continue;
        }
        if let Some(text) = event.text_delta().filter(|t| !t.is_empty()) {
            spinner.stop();
            io.print(text)?;
            io.flush()?;
            at_line_start = text.ends_with('\n');
            printed = true;
        } else if io.stderr_tty {
            if let Some(line) = progress(&event) {
                spinner.stop();
                if at_line_start {
                    io.note(&line);
                }
            }
        }
    }
    spinner.stop();
    if !at_line_start {
        io.println("")?;
    }
    io.flush()?;
    let id = stream
        .interaction_id()
        .or(known_id)
        .map(str::to_owned)
        .or_else(|| folded.interaction().id.clone());
    if let Some(error) = folded.error() {
        return Err(Failure::Remote(format!(
            "the interaction{} failed: {}",
            id.as_deref().map(|i| format!(" {i}")).unwrap_or_default(),
            error
                .message
                .as_deref()
                .or(error.code.as_deref())
                .unwrap_or("no reason given")
        )));
    }
    if ctx.json() {
        return Ok(id);
    }
    let interaction = folded.into_interaction();
    if !printed {
        // The final events may carry no text (an agent's report, a stream resumed after the
        // answer): read the finished interaction.
        let text = match (&id, interaction.output_text()) {
            (_, t) if !t.is_empty() => t,
            (Some(id), _) => ctx.client().interactions().get(id).await?.output_text(),
            (None, _) => String::new(),
        };
        print_text(&text, io)?;
    }
    warn_if_unfinished(id.as_deref(), &interaction, io);
    Ok(id)
}

/// One line about an event that is not text (on a terminal only): the run's progress.
fn progress(event: &Event) -> Option<String> {
    match event {
        Event::StepStart(e) => match e.step.as_ref()? {
            Step::GoogleSearchCall(c) => {
                let queries = c.arguments.as_ref().and_then(|a| a.get("queries"));
                Some(format!(
                    "  searching: {}",
                    queries.map(ToString::to_string).unwrap_or_default()
                ))
            }
            Step::Thought(_) => Some("  thinking...".to_owned()),
            Step::ModelOutput(_) => None,
            step => Some(format!("  {}", step.tag())),
        },
        Event::InteractionStatusUpdate(e) => e.status.as_ref().map(|s| format!("  status: {s}")),
        _ => None,
    }
}

/// Ctrl-C while following: how to pick the stream up again, when the interaction outlives this
/// process (not the built-in emulator's).
fn interrupted(
    ctx: &Ctx,
    id: Option<&str>,
    last_event_id: Option<&str>,
    resumable: bool,
) -> Failure {
    match id {
        Some(id) if resumable && !ctx.backend.is_emulated() => {
            let after = last_event_id
                .map(|e| format!(" --last-event-id {e}"))
                .unwrap_or_default();
            Failure::InterruptedResumable(format!(
                "the interaction keeps running; pick its stream up again with:\n  gemini-rs interactions stream {id}{after}"
            ))
        }
        _ => Failure::Interrupted,
    }
}

/// Waits for the interaction to settle (a spinner on a terminal). Ctrl-C stops waiting, not the
/// interaction, and says how to wait again.
async fn wait(ctx: &Ctx, id: &str, io: &Io) -> Result<Interaction, Failure> {
    let mut spinner = io.spinner(&format!("waiting for {id}"));
    let options = WaitOptions::new()
        .with_initial_interval(Duration::from_millis(500))
        .with_max_interval(Duration::from_secs(10))
        .with_timeout(WAIT_LIMIT);
    let interactions = ctx.client().interactions();
    let result = tokio::select! {
        biased;
        r = interactions.wait(id, options) => r,
        _ = tokio::signal::ctrl_c() => {
            spinner.stop();
            return Err(if ctx.backend.is_emulated() {
                Failure::Interrupted
            } else {
                Failure::InterruptedResumable(format!(
                    "the interaction keeps running; wait for it again with:\n  gemini-rs interactions wait {id}\nor follow its stream with:\n  gemini-rs interactions stream {id}"
                ))
            });
        }
    };
    spinner.stop();
    Ok(result?)
}

/// The answer's text (or, with `--output json`, the interaction); a failed interaction fails
/// the command.
fn print_output(ctx: &Ctx, interaction: &Interaction, io: &mut Io) -> Result<(), Failure> {
    if ctx.json() {
        return io.println(&to_json(interaction)?);
    }
    if interaction.status == Some(InteractionStatus::Failed) {
        return Err(failed(interaction));
    }
    print_text(&interaction.output_text(), io)?;
    warn_if_unfinished(interaction.id.as_deref(), interaction, io);
    Ok(())
}

fn print_text(text: &str, io: &mut Io) -> Result<(), Failure> {
    io.print(text)?;
    if !text.is_empty() && !text.ends_with('\n') {
        io.println("")?;
    }
    io.flush()
}

fn failed(interaction: &Interaction) -> Failure {
    let reasons: Vec<&str> = interaction
        .errors
        .iter()
        .filter_map(|e| e.message.as_deref().or(e.code.as_deref()))
        .collect();
    Failure::Remote(format!(
        "the interaction {} failed: {}",
        interaction.id.as_deref().unwrap_or("?"),
        if reasons.is_empty() {
            "no reason given".to_owned()
        } else {
            reasons.join("; ")
        }
    ))
}

/// A note on stderr when the interaction ended otherwise than completed (cancelled, cut short,
/// waiting for function results...).
fn warn_if_unfinished(id: Option<&str>, interaction: &Interaction, io: &mut Io) {
    match &interaction.status {
        None | Some(InteractionStatus::Completed) => {}
        Some(status) => io.note(&format!(
            "gemini-rs: the interaction{} ended {status}",
            id.map(|i| format!(" {i}")).unwrap_or_default()
        )),
    }
}

fn status(interaction: &Interaction) -> String {
    interaction
        .status
        .as_ref()
        .map_or_else(|| "unknown".to_owned(), ToString::to_string)
}

/// `interactions get`: its rows, then its output.
fn print_interaction(ctx: &Ctx, interaction: &Interaction, io: &mut Io) -> Result<(), Failure> {
    if ctx.json() {
        return io.println(&to_json(interaction)?);
    }
    let usage = interaction.usage().map(|u| {
        format!(
            "{} in, {} out, {} in all",
            u.total_input_tokens.unwrap_or(0),
            u.total_output_tokens.unwrap_or(0),
            u.total_tokens.unwrap_or(0)
        )
    });
    print_rows(
        io,
        8,
        &[
            ("id", interaction.id.clone()),
            (
                "status",
                interaction.status.as_ref().map(ToString::to_string),
            ),
            ("model", interaction.model.clone()),
            ("agent", interaction.agent.clone()),
            ("previous", interaction.previous_interaction_id.clone()),
            ("steps", Some(interaction.steps.len().to_string())),
            ("tokens", usage),
        ],
    )?;
    for error in &interaction.errors {
        io.println(&format!(
            "error    {}",
            error
                .message
                .as_deref()
                .or(error.code.as_deref())
                .unwrap_or("?")
        ))?;
    }
    let text = interaction.output_text();
    if !text.is_empty() {
        io.println("")?;
        print_text(&text, io)?;
    }
    Ok(())
}
