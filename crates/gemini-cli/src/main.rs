//! `gemini-rs`: the command-line client for the Gemini API.

fn main() {
    println!("gemini-rs {}", env!("CARGO_PKG_VERSION"));
}
