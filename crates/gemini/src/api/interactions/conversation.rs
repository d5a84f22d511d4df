//! [`Conversation`]: turns chained by `previous_interaction_id`, the server keeping the
//! history; its [`ConversationState`] saves and restores with serde.

use std::future::Future;

use gemini_types::interactions::{
    AgentConfig, CreateInteractionRequest, GenerationConfig, Input, Interaction, Tool,
};
use serde::{Deserialize, Serialize};

use super::Interactions;
use crate::{Error, Tools};

/// What a [`Conversation`] needs to go on, in another process too: the model or agent, the
/// settings sent with every turn, and the id of the last interaction. Plain data: save it with
/// serde and give it back to [`Interactions::restore`].
///
/// ```
/// let state = gemini::ConversationState::model("gemini-3-flash-preview")
///     .with_system_instruction("You are terse.");
/// let saved = serde_json::to_string(&state).unwrap();
/// let back: gemini::ConversationState = serde_json::from_str(&saved).unwrap();
/// assert_eq!(back, state);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ConversationState {
    /// The model (model form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The agent (agent form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// The agent's settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_config: Option<AgentConfig>,
    /// The system instruction sent with every turn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_instruction: Option<String>,
    /// The generation settings sent with every turn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_config: Option<GenerationConfig>,
    /// Tools declared with every turn (built-in tools and function declarations; the
    /// handlers of [`Conversation::with_functions`] are not saved).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    /// The last interaction of the conversation: the next turn continues it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_interaction_id: Option<String>,
    /// How many turns were sent.
    #[serde(default)]
    pub turns: u32,
}

impl ConversationState {
    /// A conversation with `model`.
    pub fn model(model: impl Into<String>) -> Self {
        Self {
            model: Some(model.into()),
            ..Self::default()
        }
    }

    /// A conversation with `agent`.
    pub fn agent(agent: impl Into<String>) -> Self {
        Self {
            agent: Some(agent.into()),
            ..Self::default()
        }
    }

    /// Sets the system instruction.
    #[must_use]
    pub fn with_system_instruction(mut self, text: impl Into<String>) -> Self {
        self.system_instruction = Some(text.into());
        self
    }
}

/// A conversation kept by the server: each [`send`](Self::send) creates an interaction that
/// continues the previous one (`previous_interaction_id`), so only the new input travels.
///
/// Save it with [`state`](Self::state) (serde) and go on later with
/// [`Interactions::restore`]. Functions given with [`with_functions`](Self::with_functions)
/// are answered automatically in every turn.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// let client = gemini::Client::from_env()?;
/// let mut chat = client.interactions().conversation("gemini-3-flash-preview");
/// chat.send("My name is Ada.").await?;
/// let answer = chat.send("What is my name?").await?;
/// println!("{}", answer.output_text());
/// let saved = serde_json::to_string(chat.state()).unwrap();
/// let mut later = client.interactions().restore(serde_json::from_str(&saved).unwrap());
/// later.send("And again?").await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Conversation {
    interactions: Interactions,
    state: ConversationState,
    functions: Option<Tools>,
}

impl Interactions {
    /// A new conversation with `model`.
    pub fn conversation(&self, model: impl Into<String>) -> Conversation {
        self.restore(ConversationState::model(model))
    }

    /// A conversation from its saved state.
    pub fn restore(&self, state: ConversationState) -> Conversation {
        Conversation {
            interactions: self.clone(),
            state,
            functions: None,
        }
    }
}

impl Conversation {
    /// Sets the system instruction sent with every turn.
    #[must_use]
    pub fn with_system_instruction(mut self, text: impl Into<String>) -> Self {
        self.state.system_instruction = Some(text.into());
        self
    }

    /// Sets the generation settings sent with every turn.
    #[must_use]
    pub fn with_generation_config(mut self, config: GenerationConfig) -> Self {
        self.state.generation_config = Some(config);
        self
    }

    /// Adds a tool declared with every turn (a built-in tool passes through to the server).
    #[must_use]
    pub fn with_tool(mut self, tool: Tool) -> Self {
        self.state.tools.push(tool);
        self
    }

    /// Functions answered automatically in every turn (see [`Tools`]).
    #[must_use]
    pub fn with_functions(mut self, tools: Tools) -> Self {
        self.functions = Some(tools);
        self
    }

    /// The state to save.
    pub fn state(&self) -> &ConversationState {
        &self.state
    }

    /// The id of the last interaction, which the next turn continues.
    pub fn previous_interaction_id(&self) -> Option<&str> {
        self.state.previous_interaction_id.as_deref()
    }

    /// Sends one turn and returns its interaction (after any automatic function-calling
    /// rounds). The conversation moves on only when the turn succeeds.
    pub fn send(
        &mut self,
        input: impl Into<Input>,
    ) -> impl Future<Output = Result<Interaction, Error>> + Send + '_ {
        let input = input.into();
        Box::pin(self.run(input))
    }

    async fn run(&mut self, input: Input) -> Result<Interaction, Error> {
        let mut request = CreateInteractionRequest::default();
        request.model.clone_from(&self.state.model);
        request.agent.clone_from(&self.state.agent);
        request.agent_config.clone_from(&self.state.agent_config);
        request
            .system_instruction
            .clone_from(&self.state.system_instruction);
        request
            .generation_config
            .clone_from(&self.state.generation_config);
        request.tools.clone_from(&self.state.tools);
        request
            .previous_interaction_id
            .clone_from(&self.state.previous_interaction_id);
        request.input = Some(input);
        let mut create = self.interactions.create_from(request);
        if let Some(tools) = &self.functions {
            create = create.tools(tools.clone());
        }
        let answer = create.send().await?;
        if let Some(id) = &answer.id {
            self.state.previous_interaction_id = Some(id.clone());
        }
        self.state.turns += 1;
        Ok(answer)
    }
}
