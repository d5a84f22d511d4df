//! What every example shares: a client for the real API when a key is set, otherwise for a
//! local emulator started on the spot.

use gemini::Client;
use gemini_emulator::Emulator;

/// The model the examples use; set `GEMINI_MODEL` to try another one.
pub(crate) fn model() -> String {
    std::env::var("GEMINI_MODEL")
        .ok()
        .filter(|m| !m.trim().is_empty())
        .unwrap_or_else(|| "gemini-3.5-flash".to_owned())
}

/// A client for the real API when `GEMINI_API_KEY` or `GOOGLE_API_KEY` is set; otherwise a
/// client for a local emulator, which lives as long as the returned handle.
pub(crate) fn connect() -> Result<(Client, Option<Emulator>), gemini::Error> {
    if gemini::ApiKey::from_env().is_some() {
        return Ok((Client::from_env()?, None));
    }
    let emulator = Emulator::start();
    println!(
        "No GEMINI_API_KEY or GOOGLE_API_KEY set: running against the local emulator at {}",
        emulator.base_url()
    );
    let client = Client::builder()
        .api_key("emulator-key")
        .base_url(emulator.base_url())
        .build()?;
    Ok((client, Some(emulator)))
}
