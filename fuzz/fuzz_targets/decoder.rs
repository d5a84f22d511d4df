//! Fuzzes `gemini_sse::Decoder`: no input may panic it, its output must not depend on how the
//! input is split into chunks nor on whether it is given with `push` (copied slices) or `feed`
//! (shared `Bytes`, the zero-copy path, also behind an 8 KiB+ line so pieces are shared), and its
//! size limits must hold.
//!
//! `cargo +nightly fuzz run decoder` (from the repository root). The same harness runs a
//! bounded number of cases in the normal test suite (`crates/gemini-sse/tests/chunking.rs`).

#![no_main]

#[path = "../../crates/gemini-sse/tests/common/harness.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    harness::check(data);
});
