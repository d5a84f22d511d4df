//! Chats: multi-turn conversations that keep their history.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};
use gemini_types::{
    Content, GenerateContentRequest, GenerateContentResponse, GenerationConfig, PartData, Role,
    SafetySetting, Tool, ToolConfig,
};
use serde::{Deserialize, Serialize};

use crate::rest::names::resolve;
use crate::turns::Turns;
use crate::{Client, Error, GenerateContentStream, Models, RequestOptions, Tools};

/// The `chats` helper: `client.chats()`.
///
/// ```no_run
/// # #[tokio::main] async fn main() -> Result<(), gemini::Error> {
/// use gemini::ChatConfig;
/// let client = gemini::Client::from_env()?;
/// let mut chat = client
///     .chats()
///     .create("gemini-2.5-flash", ChatConfig::new().with_system_instruction("Be brief."))?;
/// let first = chat.send_message("I have 2 dogs.").await?;
/// let second = chat.send_message("How many paws are in my house?").await?;
/// println!("{}", second.text().unwrap_or_default());
/// assert_eq!(chat.history().full().len(), 4);
/// # let _ = first; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Chats {
    client: Client,
}

impl Chats {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Starts a chat with `model`; `config` holds the settings sent with every message and an
    /// optional history to start from.
    pub fn create(&self, model: impl AsRef<str>, config: ChatConfig) -> Result<Chat, Error> {
        let path = resolve(model.as_ref())?.into_owned();
        let mut models = self.client.models();
        if let Some(o) = config.options {
            models = models.with_options(o);
        }
        if let Some(t) = config.tools {
            models = models.with_tools(t);
        }
        Ok(Chat {
            models,
            path,
            template: config.template,
            history: config.history,
        })
    }
}

/// The settings of a chat: everything of a [`GenerateContentRequest`] except its contents
/// (system instruction, generation config, tools, safety settings, cached content...), plus
/// function handlers, per-call options and the history to start from.
///
/// ```
/// use gemini::{ChatConfig, ChatHistory};
/// use gemini::types::{Content, GenerationConfig};
///
/// let config = ChatConfig::new()
///     .with_system_instruction("You are a pirate.")
///     .with_generation_config(GenerationConfig::new().with_temperature(0.2))
///     .with_history(ChatHistory::from(vec![Content::user("Ahoy"), Content::model("Arr!")]));
/// # let _ = config;
/// ```
#[derive(Clone, Debug, Default)]
pub struct ChatConfig {
    template: GenerateContentRequest,
    tools: Option<Tools>,
    options: Option<RequestOptions>,
    history: ChatHistory,
}

impl ChatConfig {
    /// No settings, empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses `request` as the template: its `contents` become the starting history, every
    /// other field is sent with each message.
    pub fn from_request(mut request: GenerateContentRequest) -> Self {
        let history = ChatHistory::from(std::mem::take(&mut request.contents));
        Self {
            template: request,
            history,
            ..Self::default()
        }
    }

    /// The system instruction.
    #[must_use]
    pub fn with_system_instruction(mut self, instruction: impl Into<Content>) -> Self {
        self.template = self.template.with_system_instruction(instruction);
        self
    }

    /// The generation config.
    #[must_use]
    pub fn with_generation_config(mut self, config: GenerationConfig) -> Self {
        self.template = self.template.with_generation_config(config);
        self
    }

    /// A declarative tool (Google Search, code execution, your own declarations...).
    #[must_use]
    pub fn with_tool(mut self, tool: impl Into<Tool>) -> Self {
        self.template = self.template.with_tool(tool);
        self
    }

    /// The tool config.
    #[must_use]
    pub fn with_tool_config(mut self, config: ToolConfig) -> Self {
        self.template = self.template.with_tool_config(config);
        self
    }

    /// The safety settings.
    #[must_use]
    pub fn with_safety_settings(
        mut self,
        settings: impl IntoIterator<Item = SafetySetting>,
    ) -> Self {
        self.template = self.template.with_safety_settings(settings);
        self
    }

    /// Functions with handlers; automatic function calling runs inside each message and every
    /// turn goes into the history (see [`Tools`]).
    #[must_use]
    pub fn with_tools(mut self, tools: Tools) -> Self {
        self.tools = Some(tools);
        self
    }

    /// Per-call options for every message.
    #[must_use]
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.options = Some(options);
        self
    }

    /// The history to continue from (e.g. one saved with serde).
    #[must_use]
    pub fn with_history(mut self, history: impl Into<ChatHistory>) -> Self {
        self.history = history.into();
        self
    }
}

impl From<GenerateContentRequest> for ChatConfig {
    fn from(request: GenerateContentRequest) -> Self {
        Self::from_request(request)
    }
}

/// A chat's history, in two views, as the official SDKs keep it.
///
/// * [`full`](Self::full): every turn, in order: your messages, the model's turns exactly as
///   received (every part, every `thoughtSignature` on any part kind, unknown fields
///   included; parallel function calls in one `Content`), the function responses sent by
///   automatic function calling, and an empty model turn where the model gave none.
/// * [`curated`](Self::curated): what is sent back to the model: the full history minus the
///   exchanges whose answer was empty or invalid (blocked, no parts), so one bad answer does
///   not poison the rest of the conversation.
///
/// Saved and restored with serde (`{"full": [...], "curated": [...]}`); a plain list of
/// contents converts with `From`.
///
/// ```
/// use gemini::ChatHistory;
/// use gemini::types::Content;
/// let h = ChatHistory::from(vec![Content::user("Hi"), Content::model("Hello!")]);
/// let json = serde_json::to_string(&h).unwrap();
/// let back: ChatHistory = serde_json::from_str(&json).unwrap();
/// assert_eq!(back, h);
/// assert_eq!(back.curated().len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChatHistory {
    /// Every turn.
    #[serde(default)]
    pub full: Vec<Content>,
    /// The turns sent back to the model.
    #[serde(default)]
    pub curated: Vec<Content>,
}

impl ChatHistory {
    /// Every turn, in order.
    pub fn full(&self) -> &[Content] {
        &self.full
    }

    /// The turns sent to the model with the next message.
    pub fn curated(&self) -> &[Content] {
        &self.curated
    }

    /// Whether there is no turn.
    pub fn is_empty(&self) -> bool {
        self.full.is_empty()
    }

    /// Records one exchange: the user's message, then the turns the call produced (model
    /// turns and function responses, ending with the model's answer).
    fn record(&mut self, user: Content, mut turns: Vec<Content>) {
        let answered = turns
            .last()
            .is_some_and(|t| t.role.as_ref() == Some(&Role::Model));
        if !answered {
            turns.push(Content::new(Role::Model, []));
        }
        let valid = turns
            .iter()
            .filter(|t| t.role.as_ref() == Some(&Role::Model))
            .all(valid_model_turn);
        self.full.push(user.clone());
        self.full.extend(turns.iter().cloned());
        if valid {
            self.curated.push(user);
            self.curated.extend(turns);
        }
    }
}

impl From<Vec<Content>> for ChatHistory {
    /// A history from a list of turns; the curated view drops the invalid model answers and
    /// the message each one answered.
    fn from(full: Vec<Content>) -> Self {
        let curated = curate(&full);
        Self { full, curated }
    }
}

/// A model turn can go back to the model when it has parts and none of them is empty.
fn valid_model_turn(c: &Content) -> bool {
    !c.parts.is_empty()
        && c.parts.iter().all(|p| {
            !matches!(p.data, PartData::None)
                || p.thought_signature.is_some()
                || !p.extra.is_empty()
        })
}

/// The official SDKs' curation: consecutive model turns are kept only if all are valid; an
/// invalid answer also drops the user turn before it.
fn curate(full: &[Content]) -> Vec<Content> {
    let mut curated: Vec<Content> = Vec::with_capacity(full.len());
    let mut i = 0;
    while i < full.len() {
        if full[i].role.as_ref() == Some(&Role::Model) {
            let start = i;
            while i < full.len() && full[i].role.as_ref() == Some(&Role::Model) {
                i += 1;
            }
            let answer = &full[start..i];
            if answer.iter().all(valid_model_turn) {
                curated.extend_from_slice(answer);
            } else {
                curated.pop();
            }
        } else {
            curated.push(full[i].clone());
            i += 1;
        }
    }
    curated
}

/// A conversation with one model: `client.chats().create(model, config)`.
///
/// Each message sends the curated history plus the new message with the chat's settings, and
/// records the exchange only when it succeeds (a failed call leaves the history unchanged).
#[derive(Clone, Debug)]
pub struct Chat {
    models: Models,
    path: String,
    template: GenerateContentRequest,
    history: ChatHistory,
}

impl Chat {
    /// The model's full name.
    pub fn model(&self) -> &str {
        &self.path
    }

    /// The history (full and curated).
    pub fn history(&self) -> &ChatHistory {
        &self.history
    }

    /// Replaces the history (e.g. with one restored from storage).
    pub fn set_history(&mut self, history: impl Into<ChatHistory>) {
        self.history = history.into();
    }

    /// Takes the history out, leaving the chat empty.
    pub fn take_history(&mut self) -> ChatHistory {
        std::mem::take(&mut self.history)
    }

    fn request_for(&self, user: &Content) -> GenerateContentRequest {
        let mut request = self.template.clone();
        request.contents = Vec::with_capacity(self.history.curated.len() + 1);
        request
            .contents
            .extend(self.history.curated.iter().cloned());
        request.contents.push(user.clone());
        request
    }

    /// Sends a message (text, parts or a whole `Content`; a `Content` without a role is the
    /// user's) and returns the answer. Automatic continuation and function calling apply;
    /// every turn they add goes into the history.
    pub async fn send_message(
        &mut self,
        message: impl Into<Content>,
    ) -> Result<GenerateContentResponse, Error> {
        let user = user_turn(message.into());
        let mut turns = Turns::new(self.request_for(&user), self.models.policy(true));
        Box::pin(self.models.drive(&self.path, &mut turns)).await?;
        self.history.record(user, turns.take_turns());
        Ok(turns.answer())
    }

    /// Sends a message and streams the answer. The exchange is recorded when the stream ends
    /// normally; an error or dropping the stream early leaves the history unchanged.
    pub async fn send_message_stream(
        &mut self,
        message: impl Into<Content>,
    ) -> Result<ChatStream<'_>, Error> {
        let user = user_turn(message.into());
        let request = self.request_for(&user);
        let stream =
            GenerateContentStream::open(self.models.clone(), self.path.clone(), request, true)
                .await?;
        Ok(ChatStream {
            chat: self,
            user: Some(user),
            stream,
        })
    }
}

fn user_turn(mut c: Content) -> Content {
    if c.role.is_none() {
        c.role = Some(Role::User);
    }
    c
}

/// The streamed answer of [`Chat::send_message_stream`]: the same chunks as a
/// [`GenerateContentStream`]; the exchange goes into the chat's history when the stream ends
/// normally.
#[derive(Debug)]
pub struct ChatStream<'a> {
    chat: &'a mut Chat,
    user: Option<Content>,
    stream: GenerateContentStream,
}

impl ChatStream<'_> {
    /// Reads the rest of the stream and folds the chunks (see
    /// [`GenerateContentStream::accumulate`]): an error after some chunks is an
    /// [`Error::Incomplete`] holding the answer so far. The exchange is recorded when the
    /// stream ends normally.
    pub async fn accumulate(mut self) -> Result<GenerateContentResponse, Error> {
        self.stream.turns_mut().keep_chunks();
        while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            if let Err(e) = chunk {
                return Err(self.stream.turns_mut().fail(e));
            }
        }
        Ok(self.stream.turns_mut().answer())
    }
}

impl Stream for ChatStream<'_> {
    type Item = Result<GenerateContentResponse, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let item = std::task::ready!(Pin::new(&mut this.stream).poll_next(cx));
        if item.is_none() && this.stream.finished() {
            if let Some(user) = this.user.take() {
                let turns = this.stream.take_turns();
                this.chat.history.record(user, turns);
            }
        }
        Poll::Ready(item)
    }
}

impl FusedStream for ChatStream<'_> {
    fn is_terminated(&self) -> bool {
        self.stream.is_terminated()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gemini_types::Part;
    use serde_json::json;

    #[test]
    fn invalid_answers_are_not_curated() {
        let mut h = ChatHistory::default();
        h.record(Content::user("a"), vec![Content::model("A")]);
        h.record(Content::user("b"), vec![]);
        h.record(
            Content::user("c"),
            vec![
                Content::model(Part::function_call("f", json!({}))),
                Content::function_responses([gemini_types::FunctionResponse::new("f", json!({}))]),
                Content::model("C"),
            ],
        );
        assert_eq!(h.full().len(), 2 + 2 + 4);
        assert_eq!(h.curated().len(), 2 + 4);
        assert_eq!(h.full()[3].parts.len(), 0);
        assert_eq!(ChatHistory::from(h.full.clone()).curated, h.curated);
    }

    #[test]
    fn signature_only_parts_are_valid() {
        let c = Content::model(Part::text("").with_thought_signature(vec![1, 2]));
        assert!(valid_model_turn(&c));
        assert!(!valid_model_turn(&Content::new(
            Role::Model,
            [Part::default()]
        )));
    }
}
