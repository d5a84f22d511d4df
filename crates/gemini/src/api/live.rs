//! The Live API (`BidiGenerateContent` over WebSocket): `client.live()`.

use std::fmt;
use std::sync::Arc;

use gemini_live::{
    LiveAuth, LiveConfig, LiveConnector, LiveError, LiveSession, ProxyConfig, TlsRoots, ToolHandler,
};
use gemini_types::{FunctionCall, FunctionResponse};
use serde_json::json;

use crate::{Client, Tools};

/// Live sessions: `client.live()`.
///
/// A session is one WebSocket conversation with a Live model, with the client's API key (in
/// the `x-goog-api-key` header), base URL and API version. It resumes by itself after a
/// `goAway` or a dropped connection when the config enables session resumption (see
/// [`gemini_live`] for the events, the resumption and the sans-IO core).
///
/// ```
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use gemini::live::{LiveConfig, LiveEvent};
/// use gemini::types::Modality;
/// let emulator = gemini_emulator::Emulator::start();
/// let client = gemini::Client::builder().api_key("any-key").base_url(emulator.base_url()).build()?;
/// let config = LiveConfig::default().response_modalities([Modality::Text]).session_resumption(true);
/// let mut session = client.live().connect("gemini-live-2.5-flash", config).await?;
/// session.send_text("Hello!").await?;
/// let mut answer = String::new();
/// while let Some(event) = session.next_event().await {
///     match event? {
///         LiveEvent::Text(t) => answer.push_str(&t),
///         LiveEvent::TurnComplete { .. } => break,
///         _ => {}
///     }
/// }
/// assert!(answer.contains("Hello!"));
/// session.close().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Live {
    client: Client,
    token: Option<Arc<str>>,
    roots: TlsRoots,
    proxy: ProxyConfig,
    tools: Option<Tools>,
}

impl fmt::Debug for Live {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Live")
            .field(
                "ephemeral_token",
                &self.token.as_ref().map(|_| "<redacted>"),
            )
            .field("roots", &self.roots)
            .field("proxy", &self.proxy)
            .field("tools", &self.tools)
            .finish_non_exhaustive()
    }
}

impl Live {
    pub(crate) fn new(client: Client) -> Self {
        // A client built from an ephemeral token connects with it.
        let token = client
            .ephemeral_token()
            .map(|t| Arc::from(t.expose_secret()));
        Self {
            client,
            token,
            roots: TlsRoots::default(),
            proxy: ProxyConfig::default(),
            tools: None,
        }
    }

    /// Connects with an ephemeral token (`auth_tokens/...`) on the constrained endpoint
    /// (`v1alpha`) instead of the API key. A client built with
    /// [`ClientBuilder::ephemeral_token`](crate::ClientBuilder::ephemeral_token) uses its token
    /// without this.
    #[must_use]
    pub fn ephemeral_token(mut self, token: impl AsRef<str>) -> Self {
        self.token = Some(Arc::from(token.as_ref()));
        self
    }

    /// The trusted TLS roots (default: Mozilla's, as for the HTTP transport).
    #[must_use]
    pub fn tls_roots(mut self, roots: TlsRoots) -> Self {
        self.roots = roots;
        self
    }

    /// The proxy (default: `HTTPS_PROXY`/`NO_PROXY` from the environment, as for HTTP).
    #[must_use]
    pub fn proxy(mut self, proxy: ProxyConfig) -> Self {
        self.proxy = proxy;
        self
    }

    /// Declares these functions in the setup and answers the model's calls to them
    /// automatically (when [`Tools::is_automatic`]); a `toolCallCancellation` aborts a call
    /// still running. Calls to other functions are reported as
    /// [`LiveEvent::ToolCall`](gemini_live::LiveEvent::ToolCall).
    #[must_use]
    pub fn tools(mut self, tools: Tools) -> Self {
        self.tools = Some(tools);
        self
    }

    /// The connector these settings make (to open several sessions, or for its URL).
    pub fn connector(&self) -> Result<LiveConnector, LiveError> {
        let config = self.client.config();
        let mut builder = LiveConnector::builder()
            .base_url(config.base_url())
            .api_version(config.api_version().as_str())
            .user_agent(config.user_agent())
            .tls_roots(self.roots.clone())
            .proxy(self.proxy.clone());
        builder = match (&self.token, config.api_key()) {
            (Some(token), _) => builder.auth(LiveAuth::ephemeral_token(token)),
            (None, Some(key)) => builder.api_key(key.clone()),
            (None, None) => builder,
        };
        builder.build()
    }

    /// Opens a session with `model` (`"gemini-live-2.5-flash"` or `"models/..."`, which
    /// replaces any model in `config`): connects, sends `setup` and waits for `setupComplete`.
    pub async fn connect(
        &self,
        model: impl AsRef<str>,
        config: LiveConfig,
    ) -> Result<LiveSession, LiveError> {
        let mut config = config.model(model.as_ref());
        let connector = self.connector()?;
        match &self.tools {
            Some(tools) if !tools.declarations().is_empty() => {
                let declared: Vec<String> = config
                    .setup()
                    .tools
                    .iter()
                    .flat_map(|t| t.function_declarations.iter())
                    .filter_map(|d| d.name.clone())
                    .collect();
                let missing: Vec<_> = tools
                    .declarations()
                    .into_iter()
                    .filter(|d| d.name.as_ref().is_none_or(|n| !declared.contains(n)))
                    .collect();
                if !missing.is_empty() {
                    config = config.tool(gemini_types::Tool::functions(missing));
                }
                let handler: Arc<dyn ToolHandler> = Arc::new(ToolsHandler(tools.clone()));
                connector.connect_with_tools(config, handler).await
            }
            _ => connector.connect(config).await,
        }
    }
}

/// [`Tools`] as the Live session's automatic handler.
struct ToolsHandler(Tools);

impl ToolHandler for ToolsHandler {
    fn handles(&self, name: &str) -> bool {
        self.0.is_automatic() && self.0.handles(name)
    }

    fn call(
        &self,
        call: FunctionCall,
    ) -> std::pin::Pin<Box<dyn Future<Output = FunctionResponse> + Send + 'static>> {
        let tools = self.0.clone();
        Box::pin(async move {
            match tools.call(&call).await {
                Some(response) => response,
                None => FunctionResponse::for_call(
                    &call,
                    json!({"error": format!("no function named {:?} is available", call.name())}),
                ),
            }
        })
    }
}
