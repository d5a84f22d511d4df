//! [`CreateInteraction`]: the typed builder of `POST /{v}/interactions`, the exclusive-field
//! checks, and the unary driver (continuation hops and automatic function-calling rounds).

use std::fmt;
use std::future::{Future, IntoFuture};

use gemini_transport::BoxFuture;
use gemini_types::interactions::{
    AgentConfig, CreateInteractionRequest, GenerationConfig, Input, Interaction, InteractionStatus,
    ServiceTier, Step, Tool, WebhookConfig,
};
use http::Method;
use serde_json::Value;

use super::Interactions;
use super::functions;
use super::stream::{InteractionStream, StreamResume};
use crate::{Continuation, Error, Tools};

/// A new interaction being configured: `client.interactions().create()`.
///
/// Set either the **model form** ([`model`](Self::model), optionally
/// [`generation_config`](Self::generation_config)) or the **agent form**
/// ([`agent`](Self::agent), optionally [`agent_config`](Self::agent_config)); the common
/// setters apply to both. The mutually exclusive pairs (`model` with `agent`,
/// `generation_config` with `agent`, `cached_content` with `agent`) and a request with
/// neither `model` nor `agent` are rejected with an [`Error::Build`] before anything is sent.
///
/// Then [`send`](Self::send) it (or `.await` the builder) for the finished interaction, or
/// [`stream`](Self::stream) it for its events.
///
/// ```
/// # async fn demo(client: gemini::Client) -> Result<(), gemini::Error> {
/// let err = client
///     .interactions()
///     .create()
///     .model("gemini-3-flash-preview")
///     .agent("deep-research-pro-preview-12-2025")
///     .input("Hi")
///     .send()
///     .await
///     .unwrap_err();
/// assert!(matches!(err, gemini::Error::Build(_)));
/// # Ok(()) }
/// ```
#[must_use = "an interaction is created only when sent, streamed or awaited"]
pub struct CreateInteraction {
    interactions: Interactions,
    request: CreateInteractionRequest,
    functions: Option<Tools>,
    continuation: Option<Continuation>,
    resume: StreamResume,
}

impl fmt::Debug for CreateInteraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CreateInteraction")
            .field("request", &self.request)
            .field("functions", &self.functions)
            .field("continuation", &self.continuation)
            .field("resume", &self.resume)
            .finish_non_exhaustive()
    }
}

impl CreateInteraction {
    pub(crate) fn new(interactions: Interactions, request: CreateInteractionRequest) -> Self {
        Self {
            interactions,
            request,
            functions: None,
            continuation: None,
            resume: StreamResume::default(),
        }
    }

    /// The request as it stands.
    pub fn request(&self) -> &CreateInteractionRequest {
        &self.request
    }

    /// The model (model form), a bare id such as `gemini-3-flash-preview` (a `models/` prefix
    /// is removed).
    pub fn model(mut self, model: impl AsRef<str>) -> Self {
        let m = model.as_ref();
        self.request.model = Some(m.strip_prefix("models/").unwrap_or(m).to_owned());
        self
    }

    /// Sampling and output settings (model form).
    pub fn generation_config(mut self, config: GenerationConfig) -> Self {
        self.request.generation_config = Some(config);
        self
    }

    /// The agent (agent form), e.g. `deep-research-pro-preview-12-2025`.
    pub fn agent(mut self, agent: impl Into<String>) -> Self {
        self.request.agent = Some(agent.into());
        self
    }

    /// The agent's settings (agent form), e.g. `AgentConfig::new("deep-research")`.
    pub fn agent_config(mut self, config: AgentConfig) -> Self {
        self.request.agent_config = Some(config);
        self
    }

    /// The input: a string, a [`Content`](gemini_types::interactions::Content), a
    /// `Vec<Content>` (one user turn) or a `Vec<Step>` (a history, function results).
    pub fn input(mut self, input: impl Into<Input>) -> Self {
        self.request.input = Some(input.into());
        self
    }

    /// The input as steps.
    pub fn steps(mut self, steps: impl IntoIterator<Item = Step>) -> Self {
        self.request.input = Some(Input::Steps(steps.into_iter().collect()));
        self
    }

    /// The system instruction.
    pub fn system_instruction(mut self, text: impl Into<String>) -> Self {
        self.request.system_instruction = Some(text.into());
        self
    }

    /// Adds a tool: a function declaration or a built-in tool (Google Search, code
    /// execution, URL context, file search, MCP server, ...), sent as is.
    pub fn tool(mut self, tool: Tool) -> Self {
        self.request.tools.push(tool);
        self
    }

    /// Functions with handlers (the same [`Tools`] registry as `generateContent`): their
    /// declarations are sent, and [`send`](Self::send) answers the model's `function_call`
    /// steps with `function_result` steps automatically (all calls of a round concurrently,
    /// up to [`Tools::max_rounds`] rounds) unless
    /// [`with_automatic_calling(false)`](Tools::with_automatic_calling).
    pub fn tools(mut self, tools: Tools) -> Self {
        self.functions = Some(tools);
        self
    }

    /// Continues `interaction` (its id as `previous_interaction_id`).
    pub fn previous(self, interaction: &Interaction) -> Self {
        match &interaction.id {
            Some(id) => self.previous_id(id.clone()),
            None => self,
        }
    }

    /// Continues the stored interaction `id`.
    pub fn previous_id(mut self, id: impl Into<String>) -> Self {
        self.request.previous_interaction_id = Some(id.into());
        self
    }

    /// Runs in the background: the call returns at once (`queued` or `in_progress`); follow
    /// it with [`Interactions::wait`] or [`Interactions::get_stream`].
    pub fn background(mut self, background: bool) -> Self {
        self.request.background = Some(background);
        self
    }

    /// Whether the server keeps the interaction (for `get` and `previous_interaction_id`).
    pub fn store(mut self, store: bool) -> Self {
        self.request.store = Some(store);
        self
    }

    /// The processing tier.
    pub fn service_tier(mut self, tier: ServiceTier) -> Self {
        self.request.service_tier = Some(tier);
        self
    }

    /// Where to notify when a background interaction ends.
    pub fn webhook_config(mut self, config: WebhookConfig) -> Self {
        self.request.webhook_config = Some(config);
        self
    }

    /// A cached content (`cachedContents/...`, model form only).
    pub fn cached_content(mut self, name: impl Into<String>) -> Self {
        self.request.cached_content = Some(name.into());
        self
    }

    /// JSON output following the schema of `T` (derived with schemars); read it back with
    /// [`Interaction::parsed`].
    #[cfg(feature = "schemars")]
    #[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
    pub fn response_format<T: schemars::JsonSchema + ?Sized>(self) -> Self {
        self.response_schema(crate::structured::schema_for::<T>())
    }

    /// JSON output following `schema` (a JSON Schema, lowercase types).
    pub fn response_schema(mut self, schema: Value) -> Self {
        let mut format = serde_json::Map::new();
        format.insert("type".into(), Value::from("text"));
        format.insert("mime_type".into(), Value::from("application/json"));
        format.insert("schema".into(), schema);
        self.request.response_format = Some(Value::Object(format));
        self
    }

    /// The continuation policy of this call (default: the client's): how many times an
    /// answer in `requires_continuation` is continued with its token.
    pub fn continuation(mut self, continuation: Continuation) -> Self {
        self.continuation = Some(continuation);
        self
    }

    /// How a [`stream`](Self::stream) resumes after a drop or a stall.
    pub fn resume(mut self, resume: StreamResume) -> Self {
        self.resume = resume;
        self
    }

    /// The request checked and completed: the exclusive pairs, and the handlers'
    /// declarations added.
    fn prepare(&mut self) -> Result<(), Error> {
        check(&self.request)?;
        if let Some(tools) = &self.functions {
            functions::declare(tools, &mut self.request);
        }
        Ok(())
    }

    /// Creates the interaction and returns it once the model answered (or at once, for a
    /// background run).
    ///
    /// * An answer in `requires_continuation` is continued with its `continuation_token` (the
    ///   same request with the token), up to the continuation hop limit; the steps of every
    ///   hop are returned together.
    /// * With [`tools`](Self::tools), an answer whose `function_call` steps all have handlers
    ///   is answered with `function_result` steps in a new interaction continuing it (or, with
    ///   `store(false)`, carrying the whole history), until the model answers without calls or
    ///   the round limit is reached (that answer is returned with its calls unanswered).
    pub fn send(self) -> impl Future<Output = Result<Interaction, Error>> + Send + 'static {
        // Boxed once here: the rounds and hops keep requests and answers across awaits.
        Box::pin(self.run())
    }

    async fn run(mut self) -> Result<Interaction, Error> {
        self.prepare()?;
        let continuation = self
            .continuation
            .unwrap_or_else(|| self.interactions.continuation());
        let mut request = self.request;
        let stateless = request.store == Some(false);
        let mut history: Vec<Step> = if stateless {
            request
                .input
                .clone()
                .map(functions::as_steps)
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let mut rounds = 0;
        loop {
            let mut answer = self.interactions.post(&request).await?;
            // Continuation hops: the same request with the token; the hops' steps join.
            let mut hops = 0;
            while let (Some(InteractionStatus::RequiresContinuation), Some(token)) =
                (&answer.status, answer.continuation_token.clone())
            {
                if hops >= continuation.max_hops() {
                    break;
                }
                hops += 1;
                let mut hop = request.clone();
                hop.continuation_token = Some(token);
                let mut next = self.interactions.post(&hop).await?;
                let mut steps = std::mem::take(&mut answer.steps);
                steps.append(&mut next.steps);
                next.steps = steps;
                answer = next;
            }
            let Some(tools) = &self.functions else {
                return Ok(answer);
            };
            let Some(calls) = functions::calls_to_answer(tools, &answer) else {
                return Ok(answer);
            };
            if rounds >= tools.max_rounds() {
                return Ok(answer);
            }
            rounds += 1;
            let results = functions::answer(tools, &calls).await;
            request.continuation_token = None;
            if stateless {
                history.extend(answer.steps.iter().cloned());
                history.extend(results);
                request.input = Some(Input::Steps(history.clone()));
            } else {
                request.previous_interaction_id.clone_from(&answer.id);
                request.input = Some(Input::Steps(results));
            }
        }
    }

    /// Creates the interaction as a stream of its events (`"stream": true`), which resumes by
    /// itself after a drop or a stall (see [`InteractionStream`]). The request goes out now;
    /// this returns once the stream's first bytes arrived.
    ///
    /// Function calls arrive as `function_call` steps (automatic calling applies to
    /// [`send`](Self::send)); answer them with a new interaction.
    pub fn stream(
        mut self,
    ) -> impl Future<Output = Result<InteractionStream, Error>> + Send + 'static {
        let prepared = self.prepare();
        self.request.stream = Some(true);
        Box::pin(async move {
            prepared?;
            InteractionStream::create(self.interactions.rest.clone(), &self.request, self.resume)
                .await
        })
    }
}

impl IntoFuture for CreateInteraction {
    type Output = Result<Interaction, Error>;
    type IntoFuture = BoxFuture<'static, Result<Interaction, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl Interactions {
    /// `POST /{v}/interactions` with `request` as is.
    pub(crate) fn post(
        &self,
        request: &CreateInteractionRequest,
    ) -> BoxFuture<'static, Result<Interaction, Error>> {
        self.rest
            .call(Method::POST, "interactions")
            .json(request)
            .send()
    }

    /// The continuation policy: the handle's options, else the client's.
    pub(crate) fn continuation(&self) -> Continuation {
        self.rest
            .options()
            .and_then(crate::RequestOptions::continuation)
            .unwrap_or(self.rest.client.inner.continuation)
    }
}

/// Rejects a request the API would reject for its shape: neither or both of `model` and
/// `agent`, and the model-only fields with `agent`.
pub(crate) fn check(request: &CreateInteractionRequest) -> Result<(), Error> {
    let agent = request.agent.is_some() || request.agent_config.is_some();
    if request.model.is_some() && request.agent.is_some() {
        return Err(Error::build(
            "`model` and `agent` are mutually exclusive: an interaction runs a model or an agent",
        ));
    }
    if request.generation_config.is_some() && agent {
        return Err(Error::build(
            "`generation_config` and `agent` are mutually exclusive: configure an agent with `agent_config`",
        ));
    }
    if request.cached_content.is_some() && agent {
        return Err(Error::build(
            "`cached_content` and `agent` are mutually exclusive: only the model form reads a cache",
        ));
    }
    if request.agent_config.is_some() && request.model.is_some() {
        return Err(Error::build(
            "`agent_config` and `model` are mutually exclusive: use `generation_config` with a model",
        ));
    }
    if request.model.is_none() && request.agent.is_none() && request.continuation_token.is_none() {
        return Err(Error::build(
            "an interaction needs `model` (model form) or `agent` (agent form)",
        ));
    }
    Ok(())
}
