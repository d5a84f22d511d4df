//! `gemini-rs`: Google's Gemini API from the command line.
//!
//! The binary is a thin `main` over this library: [`run`] parses the arguments, runs one
//! command and returns its exit code. Without an API key (`--api-key`, `GEMINI_API_KEY` or
//! `GOOGLE_API_KEY`) and without `--base-url`, every command talks to the built-in emulator
//! (`gemini-emulator`, started in the same process) and says so in one line on stderr, so
//! it works offline, on a fresh machine, with deterministic answers.
//!
//! ```text
//! gemini-rs generate "Explain how AI works in a few words"   # streams the answer
//! echo "Summarise this" | gemini-rs generate --file notes.pdf
//! gemini-rs generate --schema recipe.json "A pancake recipe"  # prints the JSON
//! gemini-rs chat                                             # /save /load /reset /model /exit
//! gemini-rs count-tokens "How many tokens is this?"
//! gemini-rs embed --similarity "a cat" "a kitten" "a car"
//! gemini-rs models list
//! gemini-rs files upload report.pdf                          # resumable, with a progress bar
//! gemini-rs image "A lighthouse at dawn" -o pictures/         # PNG files
//! gemini-rs speak "Have a wonderful day!" -o hello.wav
//! gemini-rs store ask fileSearchStores/abc123 "Who owns the budget?"  # with citations
//! gemini-rs interactions create "Plan a trip to Lisbon"      # the id, for --previous
//! gemini-rs live                                             # a Live session, typed
//! gemini-rs live --audio-in question.wav --audio-out answer.wav
//! gemini-rs emulator --port 8089                             # serve the emulator
//! gemini-rs demo                                             # a tour of all of the above
//! gemini-rs completions bash
//! ```
//!
//! Global options: `--model`, `--api-key`, `--base-url`, `--api-version`, `--timeout`,
//! `--retries`, `--output json|text`, `-v`. Answers go to stdout; errors, the emulator notice
//! and spinners go to stderr, and spinners appear only when stderr is a terminal.
//!
//! # Exit codes
//!
//! | code | meaning |
//! |---|---|
//! | [`0`](exit::SUCCESS) | success |
//! | [`1`](exit::FAILURE) | failure: bad input (a file, a schema), an answer that did not decode, an I/O error |
//! | [`2`](exit::USAGE) | usage error (unknown option, missing argument) |
//! | [`3`](exit::API) | API error: the service answered with an error |
//! | [`4`](exit::NETWORK) | network error or timeout: no answer |
//! | [`130`](exit::INTERRUPTED) | interrupted (Ctrl-C) |
//!
//! An error prints as one line, `error: ...`; with `-v` the line holds the whole chain of
//! causes and tracing output goes to stderr (`RUST_LOG` refines it).
//!
//! # Example
//!
//! The commands run in-process too, e.g. against an emulator you started yourself:
//!
//! ```
//! let emulator = gemini_emulator::Emulator::start();
//! let code = gemini_cli::run([
//!     "gemini-rs", "--base-url", &emulator.base_url(), "--api-key", "any",
//!     "count-tokens", "How many tokens is this?",
//! ]);
//! assert_eq!(code, gemini_cli::exit::SUCCESS);
//! assert_eq!(emulator.count("countTokens"), 1);
//! ```

mod cmd;
mod connect;
mod input;
mod term;

pub mod cli;
pub mod exit;

use std::ffi::OsString;

use clap::Parser;

pub use cli::Cli;
pub use exit::AttachError;

use crate::term::Io;

/// Runs `gemini-rs` with these arguments (the first is the program name) and the process's
/// stdin, stdout, stderr and environment; returns the exit code (see [`exit`]).
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" that print to stdout and succeed.
            let _ = e.print();
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::SUCCESS
            };
        }
    };
    cmd::run(cli, Io::process())
}
