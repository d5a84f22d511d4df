//! The `gemini-emulator` binary.

fn main() {
    println!("{}", gemini_emulator::CRATE_NAME);
}
