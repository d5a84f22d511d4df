//! The Interactions API (`/{v}/interactions`): server-kept conversations, agents, background
//! runs, and event streams that resume after a disconnect.
//!
//! * [`create`](Interactions::create) builds a request (model form or agent form) and sends
//!   it ([`CreateInteraction::send`], with automatic function calling and continuation) or
//!   streams it ([`CreateInteraction::stream`]);
//! * [`get`](Interactions::get), [`cancel`](Interactions::cancel),
//!   [`delete`](Interactions::delete) and [`wait`](Interactions::wait) work on an id;
//! * [`get_stream`](Interactions::get_stream) resumes a stream by hand, from its id and the
//!   last event id seen (from another process too);
//! * [`conversation`](Interactions::conversation) chains `previous_interaction_id`, and its
//!   [`ConversationState`] saves and restores with serde.
//!
//! The wire is snake_case, unlike the rest of the API (`../shared/spec/API.md` section 20); the
//! types are in [`gemini_types::interactions`].

mod conversation;
mod create;
mod functions;
mod stream;

use std::time::Duration;

use gemini_types::interactions::{
    CreateInteractionRequest, Input, Interaction, InteractionStatus, Step,
};
use http::Method;

use crate::rest::{Rest, names, wait};
use crate::{Continuation, Error, WaitOptions};

pub use conversation::{Conversation, ConversationState};
pub use create::CreateInteraction;
pub use stream::{InteractionStream, StreamResume};

/// The Interactions API: `client.interactions()`.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// let client = gemini::Client::from_env()?;
/// let first = client
///     .interactions()
///     .create()
///     .model("gemini-3-flash-preview")
///     .input("Pick a number between 1 and 10.")
///     .send()
///     .await?;
/// let second = client
///     .interactions()
///     .create()
///     .model("gemini-3-flash-preview")
///     .previous(&first)
///     .input("Double it.")
///     .send()
///     .await?;
/// println!("{}", second.output_text());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Interactions {
    rest: Rest,
}

crate::rest::resource_handle!(Interactions);

impl Interactions {
    /// A new interaction, to be configured and then sent with
    /// [`send`](CreateInteraction::send) (or `.await`) or streamed with
    /// [`stream`](CreateInteraction::stream).
    pub fn create(&self) -> CreateInteraction {
        CreateInteraction::new(self.clone(), CreateInteractionRequest::default())
    }

    /// A new interaction from a whole request (checked like the builder's before sending).
    pub fn create_from(&self, request: CreateInteractionRequest) -> CreateInteraction {
        CreateInteraction::new(self.clone(), request)
    }

    /// Creates `request` as a stream: shorthand for `create_from(request).stream()`.
    pub async fn create_stream(
        &self,
        request: CreateInteractionRequest,
    ) -> Result<InteractionStream, Error> {
        self.create_from(request).stream().await
    }

    /// `GET /{v}/interactions/{id}`: the interaction's current state (its outputs only).
    pub async fn get(&self, id: impl AsRef<str>) -> Result<Interaction, Error> {
        let path = path(id.as_ref())?;
        self.rest.call(Method::GET, path).send().await
    }

    /// `GET /{v}/interactions/{id}?include_input=true`: the interaction with its input steps
    /// before its outputs.
    pub async fn get_with_input(&self, id: impl AsRef<str>) -> Result<Interaction, Error> {
        let path = path(id.as_ref())?;
        self.rest
            .call(Method::GET, path)
            .query("include_input", "true")
            .send()
            .await
    }

    /// `POST /{v}/interactions/{id}/cancel`: stops a background interaction; returns it as
    /// the server left it (usually `cancelled`).
    pub async fn cancel(&self, id: impl AsRef<str>) -> Result<Interaction, Error> {
        let path = path(id.as_ref())?;
        self.rest
            .call(Method::POST, format!("{path}/cancel"))
            .json(&serde_json::json!({}))
            .send()
            .await
    }

    /// `DELETE /{v}/interactions/{id}`: forgets a stored interaction.
    pub async fn delete(&self, id: impl AsRef<str>) -> Result<(), Error> {
        let path = path(id.as_ref())?;
        self.rest.call(Method::DELETE, path).send_empty().await
    }

    /// Re-opens the event stream of the interaction `id`
    /// (`GET .../interactions/{id}?stream=true&last_event_id=...`): every event after
    /// `last_event_id`, or all of them from the start when `None`. This resumes a stream in
    /// another process from the two strings alone; the stream resumes itself again if this
    /// connection drops ([`StreamResume`]).
    pub async fn get_stream(
        &self,
        id: impl AsRef<str>,
        last_event_id: Option<&str>,
    ) -> Result<InteractionStream, Error> {
        self.get_stream_with(id, last_event_id, StreamResume::default())
            .await
    }

    /// [`get_stream`](Self::get_stream) with this stream's resume policy.
    pub async fn get_stream_with(
        &self,
        id: impl AsRef<str>,
        last_event_id: Option<&str>,
        resume: StreamResume,
    ) -> Result<InteractionStream, Error> {
        let path = path(id.as_ref())?;
        InteractionStream::resume(
            self.rest.clone(),
            path,
            last_event_id.map(str::to_owned),
            resume,
        )
        .await
    }

    /// Polls the interaction until it leaves `queued` / `in_progress`; see
    /// [`wait_with_progress`](Self::wait_with_progress).
    pub async fn wait(
        &self,
        id: impl AsRef<str>,
        options: WaitOptions,
    ) -> Result<Interaction, Error> {
        self.wait_with_progress(id, options, |_| {}).await
    }

    /// Polls the interaction (a background run, an agent) with backoff until it reaches a
    /// state where the server waits for nobody: `completed`, `failed`, `cancelled`,
    /// `incomplete`, `budget_exceeded`, or `requires_action` (function results are due).
    /// `progress` sees every state fetched.
    ///
    /// * The pause between polls grows as `options` says; a `Retry-After` on an answer makes it
    ///   at least that long.
    /// * `requires_continuation` is followed: the same request (read back with
    ///   `include_input`) is sent again with the `continuation_token`, in the background, and
    ///   the new interaction is waited on, up to
    ///   the client's [`Continuation`] hop limit (off with `Continuation::disabled()`, then the
    ///   interaction is returned as is). Use
    ///   [`wait_with_continuation`](Self::wait_with_continuation) to choose per call.
    /// * Past `options.timeout()` (one deadline over every hop), the wait ends with an
    ///   [`Error::Operation`] whose [`is_deadline`](crate::OperationError::is_deadline) is true; the
    ///   interaction keeps running: wait on it again by id.
    ///
    /// A failed interaction is returned (`Ok`), its reasons in [`Interaction::errors`].
    pub async fn wait_with_progress(
        &self,
        id: impl AsRef<str>,
        options: WaitOptions,
        progress: impl FnMut(&Interaction) + Send,
    ) -> Result<Interaction, Error> {
        self.wait_with_continuation(id, options, self.continuation(), progress)
            .await
    }

    /// [`wait_with_progress`](Self::wait_with_progress) with this call's continuation policy.
    pub async fn wait_with_continuation(
        &self,
        id: impl AsRef<str>,
        options: WaitOptions,
        continuation: Continuation,
        progress: impl FnMut(&Interaction) + Send,
    ) -> Result<Interaction, Error> {
        let path = path(id.as_ref())?;
        // Boxed once: the polls and hops keep their state across awaits.
        Box::pin(self.wait_path(path, options, continuation, progress)).await
    }

    async fn wait_path(
        &self,
        mut path: String,
        options: WaitOptions,
        continuation: Continuation,
        mut progress: impl FnMut(&Interaction) + Send,
    ) -> Result<Interaction, Error> {
        let clock = self.rest.client.http().clock().clone();
        let start = clock.now();
        let mut hops = 0;
        loop {
            let spent = clock.now().saturating_duration_since(start);
            let options = options
                .clone()
                .with_timeout(options.timeout().saturating_sub(spent));
            let rest = self.rest.clone();
            let fetch_path = path.clone();
            let interaction = wait::poll_with_hints(
                &self.rest.client,
                &options,
                &path,
                move || fetch_hinted(&rest, &fetch_path),
                is_settled,
                |value, _| progress(value),
            )
            .await?;
            let token = interaction.continuation_token.clone();
            match (&interaction.status, token) {
                (Some(InteractionStatus::RequiresContinuation), Some(token))
                    if hops < continuation.max_hops() =>
                {
                    hops += 1;
                    let next = self.continue_with(&interaction, token).await?;
                    progress(&next);
                    let Some(id) = next.id.as_deref() else {
                        return Err(Error::build(
                            "the continued interaction came back without an id",
                        ));
                    };
                    path = names::resource("interactions", id)?;
                }
                _ => return Ok(interaction),
            }
        }
    }

    /// Creates the interaction that continues `interaction` (status `requires_continuation`)
    /// with its token: the request as it was (read back with its input: model or agent, the
    /// settings the resource echoes, the client's input steps) plus the token, in the
    /// background like the one it continues.
    async fn continue_with(
        &self,
        interaction: &Interaction,
        token: String,
    ) -> Result<Interaction, Error> {
        let id = interaction.id.as_deref().unwrap_or_default();
        let original = self.get_with_input(id).await?;
        let mut request = CreateInteractionRequest::default();
        request.model = original.model;
        request.agent = original.agent;
        request.system_instruction = original.system_instruction;
        request.tools = original.tools;
        request.generation_config = original.generation_config;
        request.previous_interaction_id = original.previous_interaction_id;
        request.agent_config = original
            .extra
            .get("agent_config")
            .and_then(|c| serde_json::from_value(c.clone()).ok());
        let input: Vec<Step> = original
            .steps
            .into_iter()
            .filter(|s| matches!(s, Step::UserInput(_) | Step::FunctionResult(_)))
            .collect();
        if !input.is_empty() {
            request.input = Some(Input::Steps(input));
        }
        request.continuation_token = Some(token);
        request.background = Some(true);
        self.rest
            .call(Method::POST, "interactions")
            .json(&request)
            .send()
            .await
    }
}

/// Whether a wait stops at this state: the server is not working on it (or waits on us).
fn is_settled(interaction: &Interaction) -> bool {
    interaction.is_finished()
        || matches!(
            interaction.status,
            Some(InteractionStatus::RequiresAction | InteractionStatus::RequiresContinuation)
        )
        || interaction
            .status
            .as_ref()
            .is_some_and(InteractionStatus::is_unknown)
}

/// One poll: the interaction and the server's `Retry-After`, if it sent one.
fn fetch_hinted(
    rest: &Rest,
    path: &str,
) -> gemini_transport::BoxFuture<'static, Result<(Interaction, Option<Duration>), Error>> {
    let call = rest.call(Method::GET, path);
    Box::pin(async move {
        let response = call.send_response().await?;
        let hint = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response.into_body();
        let interaction =
            serde_json::from_slice(&body).map_err(|e| Error::decode_json(e, &body))?;
        Ok((interaction, hint))
    })
}

/// `interactions/{id}` from an id (`v1_...`) or a full name; the id becomes part of the path,
/// so it may not change it.
fn path(id: &str) -> Result<String, Error> {
    names::resource("interactions", id)
}

#[cfg(test)]
mod tests;
