//! The session configuration: the `setup` message plus how the session behaves around it.

use std::time::Duration;

use gemini_types::live::{BidiGenerateContentSetup, ContextWindowCompressionConfig};
use gemini_types::{Modality, Tool};

/// A Live session's configuration: the `setup` sent on every connection, and the client's
/// timeouts, limits and resumption policy.
///
/// ```
/// use gemini_live::LiveConfig;
/// use gemini_types::Modality;
/// let config = LiveConfig::new("gemini-live-2.5-flash")
///     .response_modalities([Modality::Text])
///     .session_resumption(true)
///     .context_window_compression(25_600, 12_800);
/// assert!(config.resumes_automatically());
/// ```
#[derive(Debug, Clone)]
pub struct LiveConfig {
    pub(crate) setup: Box<BidiGenerateContentSetup>,
    pub(crate) resumption: ResumptionPolicy,
    pub(crate) setup_timeout: Duration,
    pub(crate) keepalive_interval: Option<Duration>,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) close_timeout: Duration,
    pub(crate) max_queued_messages: usize,
    pub(crate) max_replay_bytes: usize,
}

/// How the session reconnects after a `goAway` or an abnormal close.
///
/// Attempts are spaced by an exponential backoff (the first is immediate) and bounded both in
/// number and in total time. Defaults: on, 6 attempts, 200 ms doubling up to 5 s, 60 s budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumptionPolicy {
    /// Reconnect automatically when the setup enables session resumption.
    pub automatic: bool,
    /// The most connection attempts for one resumption.
    pub max_attempts: u32,
    /// The delay before the second attempt; doubled for each next one.
    pub initial_backoff: Duration,
    /// The longest delay between attempts.
    pub max_backoff: Duration,
    /// The most time one resumption may take, from the disconnection.
    pub budget: Duration,
    /// After a `goAway`, how long to wait past the end of the current turn for the
    /// `sessionResumptionUpdate` that includes it.
    pub update_grace: Duration,
}

impl Default for ResumptionPolicy {
    fn default() -> Self {
        Self {
            automatic: true,
            max_attempts: 6,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            budget: Duration::from_secs(60),
            update_grace: Duration::from_secs(2),
        }
    }
}

impl Default for LiveConfig {
    /// A configuration without a model: for APIs that take the model apart, such as the
    /// facade's `client.live().connect(model, config)`.
    fn default() -> Self {
        Self::from_setup(BidiGenerateContentSetup::default())
    }
}

impl LiveConfig {
    /// A configuration for `model` (`"gemini-live-2.5-flash"` or `"models/..."`), with the
    /// defaults: 15 s setup timeout, a ping every 20 s, the connection counted as lost after
    /// 60 s without a frame, 256 queued messages, 16 MiB of replay buffer.
    pub fn new(model: impl Into<String>) -> Self {
        Self::from_setup(BidiGenerateContentSetup::new(model))
    }

    /// A configuration around a `setup` you built (it must name a model).
    pub fn from_setup(setup: BidiGenerateContentSetup) -> Self {
        Self {
            setup: Box::new(setup),
            resumption: ResumptionPolicy::default(),
            setup_timeout: Duration::from_secs(15),
            keepalive_interval: Some(Duration::from_secs(20)),
            idle_timeout: Some(Duration::from_secs(60)),
            close_timeout: Duration::from_secs(5),
            max_queued_messages: 256,
            max_replay_bytes: 16 << 20,
        }
    }

    /// The `setup` message sent on the first connection (without a resumption handle unless
    /// you set one).
    pub fn setup(&self) -> &BidiGenerateContentSetup {
        &self.setup
    }

    /// Sets the model (`"gemini-live-2.5-flash"` or `"models/..."`).
    #[must_use]
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.setup.model = BidiGenerateContentSetup::new(model).model;
        self
    }

    /// Edits the `setup` message.
    #[must_use]
    pub fn map_setup(
        mut self,
        f: impl FnOnce(BidiGenerateContentSetup) -> BidiGenerateContentSetup,
    ) -> Self {
        self.setup = Box::new(f(*self.setup));
        self
    }

    /// `generationConfig.responseModalities` (exactly one of TEXT or AUDIO per session).
    #[must_use]
    pub fn response_modalities(mut self, modalities: impl IntoIterator<Item = Modality>) -> Self {
        self.map_setup_in_place(|s| s.with_response_modalities(modalities));
        self
    }

    /// The system instruction.
    #[must_use]
    pub fn system_instruction(mut self, text: impl Into<String>) -> Self {
        let setup = std::mem::take(&mut *self.setup);
        *self.setup = setup.with_system_instruction(gemini_types::Content::from_parts([
            gemini_types::Part::text(text),
        ]));
        self
    }

    /// Adds a tool.
    #[must_use]
    pub fn tool(mut self, tool: Tool) -> Self {
        self.map_setup_in_place(|s| s.with_tool(tool));
        self
    }

    /// Enables (`true`) session resumption in the setup, which turns on automatic reconnection,
    /// or removes it (`false`).
    #[must_use]
    pub fn session_resumption(mut self, enabled: bool) -> Self {
        if enabled {
            let handle = self.setup.session_resumption.take().and_then(|s| s.handle);
            self.map_setup_in_place(|s| s.with_session_resumption(handle));
        } else {
            self.setup.session_resumption = None;
        }
        self
    }

    /// Resumes an earlier session from its handle (enables session resumption).
    #[must_use]
    pub fn resume_from(mut self, handle: impl Into<String>) -> Self {
        self.map_setup_in_place(|s| s.with_session_resumption(Some(handle.into())));
        self
    }

    /// Context-window compression with a sliding window: when the context reaches
    /// `trigger_tokens`, the server trims it to `target_tokens`.
    #[must_use]
    pub fn context_window_compression(mut self, trigger_tokens: i64, target_tokens: i64) -> Self {
        let setup = std::mem::take(&mut *self.setup);
        *self.setup = setup.with_context_window_compression(
            ContextWindowCompressionConfig::sliding_window(trigger_tokens, target_tokens),
        );
        self
    }

    /// Transcribe the user's audio (`inputAudioTranscription`).
    #[must_use]
    pub fn input_audio_transcription(mut self) -> Self {
        self.map_setup_in_place(BidiGenerateContentSetup::with_input_audio_transcription);
        self
    }

    /// Transcribe the model's audio (`outputAudioTranscription`).
    #[must_use]
    pub fn output_audio_transcription(mut self) -> Self {
        self.map_setup_in_place(BidiGenerateContentSetup::with_output_audio_transcription);
        self
    }

    fn map_setup_in_place(
        &mut self,
        f: impl FnOnce(BidiGenerateContentSetup) -> BidiGenerateContentSetup,
    ) {
        let setup = std::mem::take(&mut *self.setup);
        *self.setup = f(setup);
    }

    /// The resumption policy.
    #[must_use]
    pub fn resumption_policy(mut self, policy: ResumptionPolicy) -> Self {
        self.resumption = policy;
        self
    }

    /// How long to wait for `setupComplete` after opening a connection (including the
    /// connection itself). Default 15 s.
    #[must_use]
    pub fn setup_timeout(mut self, timeout: Duration) -> Self {
        self.setup_timeout = timeout;
        self
    }

    /// The interval of keepalive pings (`None`: no pings). Default 20 s.
    #[must_use]
    pub fn keepalive_interval(mut self, interval: Option<Duration>) -> Self {
        self.keepalive_interval = interval;
        self
    }

    /// How long without any frame (pongs included) before the connection is counted as lost
    /// (`None`: never). Default 60 s.
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// How long a clean close waits for the server's close frame. Default 5 s.
    #[must_use]
    pub fn close_timeout(mut self, timeout: Duration) -> Self {
        self.close_timeout = timeout;
        self
    }

    /// The most messages waiting for a (re)connection; sending more is
    /// [`LiveError::QueueFull`](crate::LiveError::QueueFull). Default 256.
    #[must_use]
    pub fn max_queued_messages(mut self, max: usize) -> Self {
        self.max_queued_messages = max;
        self
    }

    /// The most bytes of sent messages kept until the server confirms it consumed them (to
    /// send them again after a reconnection). Default 16 MiB.
    #[must_use]
    pub fn max_replay_bytes(mut self, max: usize) -> Self {
        self.max_replay_bytes = max;
        self
    }

    /// Whether the session reconnects by itself: the setup enables session resumption and the
    /// policy is automatic.
    pub fn resumes_automatically(&self) -> bool {
        self.setup.session_resumption.is_some() && self.resumption.automatic
    }
}
