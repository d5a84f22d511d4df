//! [`Client`] and [`ClientBuilder`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use gemini_transport::{ApiVersion, Clock, Config, HttpClient, Sleeper, Timeouts, Transport};
use http::{HeaderName, HeaderValue};

use crate::{
    ApiKey, AuthTokens, Batches, Caches, Chats, Continuation, EphemeralToken, Error,
    FileSearchStores, Files, Images, Interactions, InvalidInput, InvalidInputKind, Models,
    Operations, Raw, RetryPolicy, TunedModels, Videos,
};

/// The Gemini API client.
///
/// Cheap to clone (an `Arc` inside; clones share one connection pool), `Send + Sync`, and not
/// generic. The model is an argument of each call, never client state, so one client serves
/// every model. Reach the API through the resource handles, named after the REST tree:
/// [`models`](Self::models), [`chats`](Self::chats) and [`raw`](Self::raw).
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// let client = gemini::Client::from_env()?;
/// let text = client
///     .models()
///     .generate_content("gemini-2.5-flash", "Explain how AI works in a few words")
///     .await?
///     .text();
/// println!("{}", text.unwrap_or_default());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: HttpClient,
    pub(crate) continuation: Continuation,
    pub(crate) ephemeral_token: Option<EphemeralToken>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("http", &self.inner.http)
            .field("continuation", &self.inner.continuation)
            .field("ephemeral_token", &self.inner.ephemeral_token)
            .finish()
    }
}

impl Client {
    /// A client with this API key and the defaults: the public endpoint, API version `v1beta`,
    /// retries on (5 attempts) and sane timeouts (see [`ClientBuilder`]).
    ///
    /// Fails only if the default transport cannot be built (TLS roots).
    #[cfg(feature = "hyper")]
    #[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
    pub fn new(api_key: impl Into<ApiKey>) -> Result<Self, Error> {
        Self::builder().api_key(api_key).build()
    }

    /// A client configured from the environment, as the official SDKs read it:
    /// `GOOGLE_API_KEY`, else `GEMINI_API_KEY` (required); `GOOGLE_GEMINI_BASE_URL` and
    /// `GOOGLE_GENAI_API_VERSION` (optional).
    #[cfg(feature = "hyper")]
    #[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
    pub fn from_env() -> Result<Self, Error> {
        let builder = Self::builder().with_env()?;
        if builder.config.api_key().is_none() {
            return Err(Error::build(
                "no API key: set GEMINI_API_KEY (or GOOGLE_API_KEY), or use Client::new(key)",
            ));
        }
        builder.build()
    }

    /// A builder for every option.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The `models` resource: generation, streaming, tokens, embeddings, model metadata.
    pub fn models(&self) -> Models {
        Models::new(self.clone())
    }

    /// Multi-turn chats that keep their history.
    pub fn chats(&self) -> Chats {
        Chats::new(self.clone())
    }

    /// Batch mode: batches of generation or embedding requests, their waits and results.
    pub fn batches(&self) -> Batches {
        Batches::new(self.clone())
    }

    /// The `cachedContents` resource: explicit context caches.
    pub fn caches(&self) -> Caches {
        Caches::new(self.clone())
    }

    /// The `files` resource: resumable uploads, downloads, get, list, delete.
    pub fn files(&self) -> Files {
        Files::new(self.clone())
    }

    /// Long-running operations (batches, video generation, imports): get, wait, cancel.
    pub fn operations(&self) -> Operations {
        Operations::new(self.clone())
    }

    /// The `tunedModels` resource (read-only; creating tuned models is retired on the Gemini
    /// API).
    pub fn tuned_models(&self) -> TunedModels {
        TunedModels::new(self.clone())
    }

    /// Imagen (`models/{model}:predict`): images from a prompt.
    pub fn images(&self) -> Images {
        Images::new(self.clone())
    }

    /// Veo (`models/{model}:predictLongRunning`): videos from a prompt, an image or a video,
    /// their waits and downloads.
    pub fn videos(&self) -> Videos {
        Videos::new(self.clone())
    }

    /// The `fileSearchStores` resource: stores for retrieval (RAG), their documents, uploads
    /// and imports.
    pub fn file_search_stores(&self) -> FileSearchStores {
        FileSearchStores::new(self.clone())
    }

    /// Ephemeral auth tokens (`v1alpha/auth_tokens`) for Live sessions opened by client apps.
    pub fn auth_tokens(&self) -> AuthTokens {
        AuthTokens::new(self.clone())
    }

    /// The ephemeral token this client was built with
    /// ([`ClientBuilder::ephemeral_token`]), if any.
    ///
    /// Such a client opens Live sessions only: every REST call fails with an
    /// [`Error::Build`] whose [`InvalidInput::kind`] is
    /// [`EphemeralTokenClient`](InvalidInputKind::EphemeralTokenClient), before anything is
    /// sent. This is the hook for the Live API: with a token, a session connects to the
    /// `v1alpha` `BidiGenerateContentConstrained` endpoint with the header
    /// `Authorization: Token {name}` instead of the API key (../shared/spec/API.md section
    /// 19.1).
    pub fn ephemeral_token(&self) -> Option<&EphemeralToken> {
        self.inner.ephemeral_token.as_ref()
    }

    /// The error every REST call of a client built from an ephemeral token returns.
    pub(crate) fn refuse_rest(&self) -> Option<Error> {
        self.inner.ephemeral_token.as_ref().map(|_| {
            Error::from(InvalidInput::new(
                "client",
                InvalidInputKind::EphemeralTokenClient,
                "a client built from an ephemeral token opens Live sessions only; REST calls need an API key",
            ))
        })
    }

    /// The Interactions API: server-kept conversations, agents, background runs, and streams
    /// that resume after a disconnect.
    pub fn interactions(&self) -> Interactions {
        Interactions::new(self.clone())
    }

    /// Live sessions (`BidiGenerateContent` over WebSocket) with this client's key, base URL
    /// and API version; they resume by themselves after disconnects.
    #[cfg(feature = "live")]
    #[cfg_attr(docsrs, doc(cfg(feature = "live")))]
    pub fn live(&self) -> crate::Live {
        crate::Live::new(self.clone())
    }

    /// Raw JSON calls for endpoints and fields this SDK does not model yet, with the same
    /// authentication, retries, timeouts and errors.
    pub fn raw(&self) -> Raw {
        Raw::new(self.clone())
    }

    /// The configuration in use (base URL, API version, timeouts, retries; the key is
    /// redacted in `Debug`).
    pub fn config(&self) -> &Config {
        self.inner.http.config()
    }

    pub(crate) fn http(&self) -> &HttpClient {
        &self.inner.http
    }
}

/// Configures a [`Client`].
///
/// | option | default |
/// |---|---|
/// | [`api_key`](Self::api_key) | none (`Client::from_env` reads `GOOGLE_API_KEY` / `GEMINI_API_KEY`) |
/// | [`base_url`](Self::base_url) | `https://generativelanguage.googleapis.com` |
/// | [`api_version`](Self::api_version) | `v1beta` |
/// | [`retry_policy`](Self::retry_policy) | 5 attempts, 1 s backoff ×2 up to 60 s, jitter, honours `RetryInfo` / `Retry-After` |
/// | [`timeouts`](Self::timeouts) | connect 10 s; response headers 10 min (unary), 60 s (stream); idle 5 min (between bytes of a unary body, between whole events of a stream); total 10 min (unary), 20 min (stream); see [the guide](crate::guide#retries-and-timeouts) |
/// | [`continuation`](Self::continuation) | on, up to 16 extra hops |
/// | [`transport`](Self::transport) | hyper + rustls (feature `hyper`) |
///
/// ```
/// use std::time::Duration;
/// use gemini::{ApiVersion, Client, RetryPolicy, Timeouts};
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), gemini::Error> {
/// let client = Client::builder()
///     .api_key("my-key")
///     .base_url("http://127.0.0.1:8080")
///     .api_version(ApiVersion::V1)
///     .retry_policy(RetryPolicy::default().with_max_attempts(3))
///     .timeouts(Timeouts::default().with_idle(Duration::from_secs(30)))
///     .build()?;
/// assert!(!format!("{client:?}").contains("my-key"));
/// # Ok(()) }
/// ```
#[derive(Default)]
pub struct ClientBuilder {
    config: Config,
    error: Option<Error>,
    transport: Option<Arc<dyn Transport>>,
    clock: Option<Arc<dyn Clock>>,
    sleeper: Option<Arc<dyn Sleeper>>,
    continuation: Continuation,
    ephemeral_token: Option<EphemeralToken>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("config", &self.config)
            .field("transport", &self.transport)
            .field("continuation", &self.continuation)
            .field("ephemeral_token", &self.ephemeral_token)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Applies the environment (see [`Client::from_env`]) on top of the defaults; options set
    /// afterwards win. Does not require a key.
    pub fn with_env(mut self) -> Result<Self, Error> {
        self.config = Config::from_env()?;
        Ok(self)
    }

    /// The API key, sent in the `x-goog-api-key` header (marked sensitive, never in the URL).
    #[must_use]
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.config = self.config.with_api_key(key);
        self
    }

    /// The base URL (`scheme://host[:port][/prefix]`), e.g. the emulator's.
    #[must_use]
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        match self.config.clone().with_base_url(url.as_ref()) {
            Ok(c) => self.config = c,
            Err(e) => {
                self.error.get_or_insert_with(|| Error::from(e));
            }
        }
        self
    }

    /// The API version (a runtime value, never a feature).
    #[must_use]
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.config = self.config.with_api_version(version);
        self
    }

    /// The retry policy of every call (override per call with
    /// [`RequestOptions::with_retry_policy`](crate::RequestOptions::with_retry_policy)).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.config = self.config.with_retry_policy(policy);
        self
    }

    /// The timeouts.
    #[must_use]
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.config = self.config.with_timeouts(timeouts);
        self
    }

    /// Shorthand: the idle timeout between stream chunks (catches stalled streams).
    #[must_use]
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        let t = self.config.timeouts().with_idle(idle);
        self.config = self.config.with_timeouts(t);
        self
    }

    /// A header sent with every request.
    #[must_use]
    pub fn default_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.config = self.config.with_default_header(name, value);
        self
    }

    /// Appends a product token (`my-app/1.2`) to the user agent.
    #[must_use]
    pub fn user_agent_suffix(mut self, token: &str) -> Self {
        self.config = self.config.with_user_agent_suffix(token);
        self
    }

    /// Replaces the whole transport configuration.
    #[must_use]
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// The transport (default: [`HyperTransport`](crate::HyperTransport) with the `hyper`
    /// feature). Any [`Transport`] works: a proxy, a recorder, a mock.
    #[must_use]
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// The clock for deadlines and retry budgets (tests inject a fake one).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The sleeper behind retry waits and timeouts (tests inject a fake one).
    #[must_use]
    pub fn sleeper(mut self, sleeper: Arc<dyn Sleeper>) -> Self {
        self.sleeper = Some(sleeper);
        self
    }

    /// The default continuation policy (on, 16 hops).
    #[must_use]
    pub fn continuation(mut self, continuation: Continuation) -> Self {
        self.continuation = continuation;
        self
    }

    /// Builds a client from an ephemeral token (`auth_tokens/...`, created by a server with
    /// [`AuthTokens::create`]) instead of an API key, for an app that must not hold the key.
    ///
    /// Such a client can open Live sessions (the API version becomes `v1alpha`, the only one
    /// that accepts tokens) and nothing else: every REST call fails with an [`Error::Build`]
    /// ([`InvalidInputKind::EphemeralTokenClient`]) before anything is sent. Giving an API
    /// key too is a build error. The token never appears in `Debug` output.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let client = gemini::Client::builder()
    ///     .ephemeral_token("auth_tokens/abc123")
    ///     .build()
    ///     .unwrap();
    /// assert!(client.ephemeral_token().is_some());
    /// let e = client.models().generate_content("gemini-2.5-flash", "Hi").await.unwrap_err();
    /// assert_eq!(
    ///     gemini::InvalidInput::find(&e).unwrap().kind(),
    ///     gemini::InvalidInputKind::EphemeralTokenClient,
    /// );
    /// assert!(!format!("{client:?}").contains("abc123"));
    /// # }
    /// ```
    #[must_use]
    pub fn ephemeral_token(mut self, token: impl Into<EphemeralToken>) -> Self {
        self.ephemeral_token = Some(token.into());
        self
    }

    /// Builds the client. Without the `hyper` feature, a [`transport`](Self::transport) and a
    /// [`sleeper`](Self::sleeper) are required.
    pub fn build(self) -> Result<Client, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let mut config = self.config;
        if let Some(token) = &self.ephemeral_token {
            if config.api_key().is_some() {
                return Err(Error::build(
                    "a client takes an API key or an ephemeral token, not both",
                ));
            }
            if token.expose_secret().is_empty() {
                return Err(Error::build("the ephemeral token is empty"));
            }
            config = config.with_api_version(ApiVersion::V1Alpha);
        }
        let mut b = HttpClient::builder().config(config);
        if let Some(t) = self.transport {
            b = b.transport(t);
        }
        if let Some(c) = self.clock {
            b = b.clock(c);
        }
        if let Some(s) = self.sleeper {
            b = b.retry_sleeper(s.clone()).timer(s);
        }
        let http = b.build()?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                continuation: self.continuation,
                ephemeral_token: self.ephemeral_token,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Client>();
    }

    #[test]
    fn bad_base_url_is_a_build_error() {
        let e = Client::builder()
            .api_key("k")
            .base_url("ftp://x")
            .build()
            .unwrap_err();
        assert!(matches!(e, Error::Build(_)), "{e:?}");
    }
}
