//! `gemini-rs`: Google's Gemini API from the command line. The logic lives in the
//! `gemini_cli` library (see its docs for the commands and exit codes).

use std::process::ExitCode;

fn main() -> ExitCode {
    ExitCode::from(gemini_cli::run(std::env::args_os()))
}
