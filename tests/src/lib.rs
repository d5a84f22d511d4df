//! Cross-crate integration tests for gemini-rs. Shared helpers live here; the tests are in `tests/`.
