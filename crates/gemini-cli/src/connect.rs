//! The client every command uses: the real API with a key, otherwise the built-in emulator.

use std::time::Duration;

use gemini::transport::Config;
use gemini::{ApiKey, ApiVersion, Client, RetryPolicy, Timeouts};
use gemini_emulator::Emulator;

use crate::cli::Global;
use crate::exit::Failure;
use crate::term::Io;

/// The one line printed on stderr when the built-in emulator answers.
pub(crate) const EMULATOR_NOTICE: &str =
    "gemini-rs: no API key set; using the built-in emulator (offline, deterministic answers)";

/// A client, and the emulator it talks to when no key was given (kept alive as long as the
/// client is used).
#[derive(Debug)]
pub(crate) struct Backend {
    pub(crate) client: Client,
    emulator: Option<Emulator>,
}

impl Backend {
    /// Whether the built-in emulator answers.
    pub(crate) fn is_emulated(&self) -> bool {
        self.emulator.is_some()
    }
}

/// Builds the client from the options and the environment. Without a key (option,
/// `GEMINI_API_KEY`, `GOOGLE_API_KEY`) and without a base URL (option,
/// `GOOGLE_GEMINI_BASE_URL`), starts the emulator in this process and says so on stderr.
pub(crate) fn connect(global: &Global, io: &mut Io) -> Result<Backend, Failure> {
    let mut config = Config::from_lookup(|name| io.var(name))?;
    if let Some(key) = global.api_key.as_deref().map(ApiKey::new) {
        if key.expose_secret().is_empty() {
            return Err(Failure::Usage("--api-key is empty".to_owned()));
        }
        config = config.with_api_key(key);
    }
    let base_url_given = global.base_url.is_some() || io.var("GOOGLE_GEMINI_BASE_URL").is_some();
    if let Some(url) = &global.base_url {
        config = config.with_base_url(url)?;
    }
    if let Some(version) = &global.api_version {
        let version: ApiVersion = version.parse()?;
        config = config.with_api_version(version);
    }
    if let Some(t) = global.timeout {
        // One limit for every wait: a whole unary call, a stream's head and each of its chunks.
        let timeouts = Timeouts::default()
            .with_connect(t)
            .with_response_headers(t)
            .with_idle(t)
            .with_total(t);
        config = config.with_timeouts(timeouts);
    }
    if let Some(retries) = global.retries {
        let policy = RetryPolicy::default().with_max_attempts(retries.saturating_add(1));
        config = config.with_retry_policy(policy);
    }
    config = config.with_user_agent_suffix(concat!("gemini-rs-cli/", env!("CARGO_PKG_VERSION")));

    let mut emulator = None;
    if config.api_key().is_none() && !base_url_given {
        // Long-running work (batches, videos) finishes in about a second: one process sees
        // it end.
        let emu = Emulator::builder()
            .worker_threads(1)
            .batch_timing(Duration::from_millis(300), Duration::from_millis(700))
            // Background interactions and agent runs too.
            .interaction_timing(Duration::from_millis(100), Duration::from_millis(400))
            .agent_run_time(Duration::from_millis(900))
            .video_generation_time(Duration::from_millis(800))
            .try_start()
            .map_err(|e| Failure::io("cannot start the built-in emulator", e))?;
        config = config
            .with_api_key("gemini-rs-emulator")
            .with_base_url(&emu.base_url())?;
        io.note(EMULATOR_NOTICE);
        emulator = Some(emu);
    }
    let client = Client::builder().config(config).build()?;
    Ok(Backend { client, emulator })
}

impl From<gemini::transport::Error> for Failure {
    fn from(e: gemini::transport::Error) -> Self {
        Self::Gemini(e.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use crate::term::Captured;
    use clap::Parser;

    fn global(args: &[&str]) -> Global {
        let mut all = vec!["gemini-rs"];
        all.extend_from_slice(args);
        all.push("demo");
        Cli::parse_from(all).global
    }

    #[test]
    fn no_key_starts_the_emulator_and_says_so_once() {
        let err = Captured::default();
        let mut io = Io::fake("", Box::new(std::io::sink()), Box::new(err.clone()), &[]);
        let backend = connect(&global(&[]), &mut io).unwrap();
        assert!(backend.is_emulated());
        assert_eq!(err.text(), format!("{EMULATOR_NOTICE}\n"));
        assert!(
            backend
                .client
                .config()
                .base_url()
                .starts_with("http://127.0.0.1:")
        );
    }

    #[test]
    fn a_key_in_the_environment_or_options_means_the_real_api() {
        let err = Captured::default();
        let mut io = Io::fake(
            "",
            Box::new(std::io::sink()),
            Box::new(err.clone()),
            &[("GEMINI_API_KEY", "k")],
        );
        let backend = connect(&global(&[]), &mut io).unwrap();
        assert!(!backend.is_emulated());
        assert!(
            backend
                .client
                .config()
                .base_url()
                .starts_with("https://generativelanguage.googleapis.com")
        );
        let mut io = Io::fake("", Box::new(std::io::sink()), Box::new(err.clone()), &[]);
        let backend = connect(&global(&["--api-key", "k"]), &mut io).unwrap();
        assert!(!backend.is_emulated());
        assert_eq!(err.text(), "");
    }

    #[test]
    fn a_base_url_without_a_key_is_used_as_given() {
        let mut io = Io::fake(
            "",
            Box::new(std::io::sink()),
            Box::new(std::io::sink()),
            &[],
        );
        let backend = connect(&global(&["--base-url", "http://127.0.0.1:9"]), &mut io).unwrap();
        assert!(!backend.is_emulated());
        assert!(backend.client.config().api_key().is_none());
    }

    #[test]
    fn bad_options_are_named() {
        let mut io = Io::fake(
            "",
            Box::new(std::io::sink()),
            Box::new(std::io::sink()),
            &[],
        );
        let e = connect(&global(&["--api-version", "v/1"]), &mut io).unwrap_err();
        assert!(e.message(false).contains("v/1"), "{}", e.message(false));
        let e = connect(&global(&["--base-url", "ftp://x"]), &mut io).unwrap_err();
        assert!(e.message(false).contains("ftp"), "{}", e.message(false));
    }
}
