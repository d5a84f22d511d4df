//! Running one command: the runtime, tracing, Ctrl-C, and the error line.

mod batch;
mod cache;
mod chat;
mod demo;
mod embed;
mod emulator;
mod files;
mod generate;
mod image;
mod interactions;
mod live;
mod models;
mod speak;
mod store;
mod token;
mod tokens;
mod video;

use clap::CommandFactory;

use crate::cli::{Cli, Command, Output};
use crate::connect::{Backend, connect};
use crate::exit::{self, Failure};
use crate::term::Io;

/// Runs a parsed command line with these streams; returns the exit code.
pub(crate) fn run(cli: Cli, mut io: Io) -> u8 {
    let verbose = cli.global.verbose;
    if verbose > 0 || io.var("RUST_LOG").is_some() {
        init_tracing(verbose, io.stderr_tty, io.var("RUST_LOG"));
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            io.note(&format!("error: cannot start the async runtime: {e}"));
            return exit::FAILURE;
        }
    };
    let result = runtime.block_on(run_interruptible(cli, &mut io));
    // A thread may still be blocked reading stdin: do not wait for it.
    runtime.shutdown_background();
    let result = result.and_then(|()| io.flush());
    match result {
        Ok(()) => exit::SUCCESS,
        Err(f) if f.is_broken_pipe() => exit::SUCCESS,
        Err(f) => {
            let _ = io.flush();
            if f.is_interrupted() {
                // End a line left half-written by a streamed answer.
                if io.stdout_tty {
                    let _ = io.println("");
                }
            }
            io.note(&format!("error: {}", f.message(verbose > 0)));
            f.code()
        }
    }
}

async fn run_interruptible(cli: Cli, io: &mut Io) -> Result<(), Failure> {
    if let Command::Emulator(args) = &cli.command {
        // Ctrl-C is how the emulator is stopped: a normal end.
        return emulator::run(&cli.global, args, io).await;
    }
    // Biased: a command that handles Ctrl-C itself (to say how to resume) wins the race.
    tokio::select! {
        biased;
        result = dispatch(cli, io) => result,
        _ = tokio::signal::ctrl_c() => Err(Failure::Interrupted),
    }
}

async fn dispatch(cli: Cli, io: &mut Io) -> Result<(), Failure> {
    let Cli { global, command } = cli;
    let out = if matches!(&command, Command::Generate(g) if g.json) {
        Output::Json
    } else {
        global.output
    };
    match command {
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "gemini-rs", &mut buf);
            io.print(&String::from_utf8_lossy(&buf))
        }
        Command::Emulator(args) => emulator::run(&global, &args, io).await,
        Command::Demo if out == Output::Json => Err(Failure::Usage(
            "demo prints a text transcript; --output json does not apply to it".to_owned(),
        )),
        command => {
            let backend = connect(&global, io)?;
            let ctx = Ctx {
                backend,
                model: global.model,
                output: out,
            };
            match command {
                Command::Generate(args) => generate::run(&ctx, args, io).await,
                Command::Chat(args) => chat::run(&ctx, args, io).await,
                Command::CountTokens(args) => tokens::run(&ctx, args, io).await,
                Command::Embed(args) => embed::run(&ctx, args, io).await,
                Command::Models { command } => models::run(&ctx, command, io).await,
                Command::Files { command } => files::run(&ctx, command, io).await,
                Command::Cache { command } => cache::run(&ctx, command, io).await,
                Command::Batch { command } => batch::run(&ctx, command, io).await,
                Command::Interactions { command } => interactions::run(&ctx, command, io).await,
                Command::Live(args) => live::run(&ctx, args, io).await,
                Command::Image(args) => image::run(&ctx, args, io).await,
                Command::Speak(args) => speak::run(&ctx, args, io).await,
                Command::Video(args) => video::run(&ctx, args, io).await,
                Command::Store { command } => store::run(&ctx, command, io).await,
                Command::Token { command } => token::run(&ctx, command, io).await,
                Command::Demo => demo::run(&ctx, io).await,
                Command::Completions { .. } | Command::Emulator(_) => Ok(()),
            }
        }
    }
}

/// What a command that calls the API gets.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub(crate) backend: Backend,
    model: Option<String>,
    pub(crate) output: Output,
}

impl Ctx {
    pub(crate) fn client(&self) -> &gemini::Client {
        &self.backend.client
    }

    /// `--model`, else the default of generation.
    pub(crate) fn model(&self) -> &str {
        self.model.as_deref().unwrap_or(crate::cli::DEFAULT_MODEL)
    }

    /// `--model`, else the default embedding model.
    pub(crate) fn embedding_model(&self) -> &str {
        self.model
            .as_deref()
            .unwrap_or(crate::cli::DEFAULT_EMBEDDING_MODEL)
    }

    /// `--model`, else the default Live model.
    pub(crate) fn live_model(&self) -> &str {
        self.model
            .as_deref()
            .unwrap_or(crate::cli::DEFAULT_LIVE_MODEL)
    }

    /// `--model`, else `default` (the media commands' own defaults).
    pub(crate) fn model_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.model.as_deref().unwrap_or(default)
    }

    /// `--model`, when it was given.
    pub(crate) fn model_given(&self) -> Option<&str> {
        self.model.as_deref()
    }

    pub(crate) fn json(&self) -> bool {
        self.output == Output::Json
    }
}

/// A facade error, where an argument the facade refused before sending anything (an
/// [`gemini::InvalidInput`]: an unknown aspect ratio, a parameter the Gemini API rejects, an
/// expiry in the past) is a usage error with its one-line reason.
pub(crate) fn refused(e: gemini::Error) -> Failure {
    match gemini::InvalidInput::find(&e) {
        Some(invalid) => Failure::Usage(invalid.to_string()),
        None => Failure::Gemini(e),
    }
}

/// Creates a new file in `dir` named `{stem}.{ext}` (with `numbered`: `{stem}-1.{ext}`), or,
/// when that exists, the first of `{stem}-2.{ext}`, `{stem}-3.{ext}`... that does not: files
/// already there are never overwritten.
pub(crate) fn create_new(
    dir: &std::path::Path,
    stem: &str,
    ext: &str,
    numbered: bool,
) -> Result<(std::path::PathBuf, std::fs::File), Failure> {
    if !dir.as_os_str().is_empty() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::io(format!("cannot create {}", dir.display()), e))?;
    }
    for n in 1..=100_000u32 {
        let name = if n == 1 && !numbered {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Failure::io(format!("cannot create {}", path.display()), e)),
        }
    }
    Err(Failure::Input(format!(
        "{} holds too many {stem}-N.{ext} files",
        dir.display()
    )))
}

/// Writes `bytes` to `path` (created or truncated).
pub(crate) fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes)
        .map_err(|e| Failure::io(format!("cannot write {}", path.display()), e))
}

/// Prints `key value` rows, the keys padded to `width`; a row without a value is left out.
pub(crate) fn print_rows(
    io: &mut Io,
    width: usize,
    rows: &[(&str, Option<String>)],
) -> Result<(), Failure> {
    for (key, value) in rows {
        if let Some(v) = value {
            io.println(&format!("{key:<width$} {v}"))?;
        }
    }
    Ok(())
}

/// Pretty JSON of a value, for `--output json`.
pub(crate) fn to_json(value: &impl serde::Serialize) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Failure::Input(format!("cannot encode the answer as JSON: {e}")))
}

fn init_tracing(verbose: u8, ansi: bool, rust_log: Option<String>) {
    let default = match verbose {
        0 => "warn",
        1 => "info,gemini=debug,gemini_transport=debug,gemini_cli=debug,gemini_emulator=info",
        _ => "debug,gemini=trace,gemini_transport=trace,gemini_cli=trace,gemini_emulator=debug",
    };
    let filter = rust_log
        .and_then(|f| tracing_subscriber::EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .with_env_filter(filter)
        .try_init();
}
