//! The turn engine: one sans-IO state machine for the turns of a conversation.
//!
//! A call to a model is rarely one request. An answer that ends with finish reason
//! `CONTINUATION` is continued with its token (a *hop*); an answer that asks for function calls
//! that [`Tools`] can answer gets their responses and is sent again (a *round*); a chat keeps
//! every turn. [`Turns`] decides all of that and nothing else: it never sends a request, runs a
//! function or reads a clock. Its inputs are answers (a whole response, or a stream's chunks
//! then the end of the hop) and function responses; its output is what to do [`Next`]. The
//! unary call (`generate.rs`), the stream (`stream.rs`) and chats drive this one engine, so they
//! cannot disagree about a conversation, and its tests are transcripts with no I/O.

use bytes::Bytes;
use gemini_types::{
    Content, FinishReason, FunctionCall, GenerateContentRequest, GenerateContentResponse, Role,
    StreamAccumulator,
};

use crate::{Error, Tools};

/// What the driver does next.
#[derive(Debug)]
pub(crate) enum Next {
    /// Send [`Turns::request`] (a continuation hop: the request carries the token; or the next
    /// round, after function responses).
    Send,
    /// Run these function calls with these tools (which have a handler for each) and give
    /// their responses to [`Turns::on_function_responses`].
    CallFunctions(Tools, Vec<FunctionCall>),
    /// The answer is complete: [`Turns::answer`] and [`Turns::take_turns`] have it.
    Done,
}

/// The limits and features of one conversation turn.
#[derive(Clone, Debug, Default)]
pub(crate) struct Policy {
    /// Continuation hops followed per round, at most.
    pub(crate) max_hops: u32,
    /// Automatic function calling, when the tools have handlers and it is on.
    pub(crate) tools: Option<Tools>,
    /// Keep every turn added to the conversation (chats).
    pub(crate) record: bool,
}

/// One conversation turn in progress: the request, the answer folded so far, and the turns
/// added to the conversation.
#[derive(Debug)]
pub(crate) struct Turns {
    request: GenerateContentRequest,
    policy: Policy,
    /// Fold streamed chunks (the model turn is needed, or the caller accumulates).
    keep_chunks: bool,
    /// Continuation hops followed in the current round.
    hops: u32,
    /// Function-calling rounds run so far.
    rounds: u32,
    /// The current hop's chunks, folded (streams, when kept; made on the first kept chunk).
    hop: Option<Box<StreamAccumulator>>,
    /// The continuation token of the current hop's last chunk that had a finish reason.
    pending_token: Option<Bytes>,
    /// The current round's finished hops, folded.
    answer: Option<GenerateContentResponse>,
    /// The turns added to the conversation (when recording).
    turns: Vec<Content>,
}

impl Turns {
    /// A conversation turn that starts by sending `request`.
    pub(crate) fn new(mut request: GenerateContentRequest, policy: Policy) -> Self {
        if let Some(tools) = &policy.tools {
            tools.declare(&mut request);
        }
        let keep_chunks = policy.record || policy.tools.is_some();
        Self {
            request,
            policy,
            keep_chunks,
            hops: 0,
            rounds: 0,
            hop: None,
            pending_token: None,
            answer: None,
            turns: Vec::new(),
        }
    }

    /// The request to send now.
    pub(crate) fn request(&self) -> &GenerateContentRequest {
        &self.request
    }

    /// Continuation hops followed in the current round, and rounds run so far.
    pub(crate) fn progress(&self) -> (u32, u32) {
        (self.hops, self.rounds)
    }

    /// Folds the chunks of streams from now on, so [`answer`](Self::answer) has them.
    pub(crate) fn keep_chunks(&mut self) {
        self.keep_chunks = true;
    }

    /// A chunk of the current hop's stream arrived.
    pub(crate) fn on_chunk(&mut self, chunk: &GenerateContentResponse) {
        if let Some(c) = chunk.candidate() {
            if c.finish_reason.is_some() {
                self.pending_token = continuation_token(chunk);
            }
        }
        if self.keep_chunks {
            self.hop.get_or_insert_default().push(chunk.clone());
        }
    }

    /// The current hop's stream ended normally.
    pub(crate) fn end_hop(&mut self) -> Next {
        let token = self.pending_token.take();
        if let Some(hop) = self.hop.take().filter(|h| !h.is_empty()) {
            self.fold(hop.finish());
        }
        self.decide(token)
    }

    /// The whole answer of the current hop arrived (unary calls).
    pub(crate) fn on_answer(&mut self, answer: GenerateContentResponse) -> Next {
        let token = continuation_token(&answer);
        self.fold(answer);
        self.decide(token)
    }

    /// The responses to the function calls of [`Next::CallFunctions`]: the next round is
    /// ready to [`Send`](Next::Send).
    pub(crate) fn on_function_responses(&mut self, responses: Content) {
        if self.policy.record {
            self.turns.push(responses.clone());
        }
        self.request.contents.push(responses);
    }

    /// `cause` stopped the current hop: an [`Error::Incomplete`] with the current round's
    /// answer so far when there is one, else `cause` itself.
    pub(crate) fn fail(&mut self, cause: Error) -> Error {
        if let Some(hop) = self.hop.take().filter(|h| !h.is_empty()) {
            self.fold(hop.finish());
        }
        match self.answer.take() {
            Some(partial) => Error::incomplete(partial, cause),
            None => cause,
        }
    }

    /// The answer of the current (after [`Next::Done`], the final) round: its hops folded
    /// into one response. Empty when nothing was folded.
    pub(crate) fn answer(&mut self) -> GenerateContentResponse {
        if let Some(hop) = self.hop.take().filter(|h| !h.is_empty()) {
            self.fold(hop.finish());
        }
        self.answer.take().unwrap_or_default()
    }

    /// The turns added to the conversation so far (when recording): model turns and function
    /// responses, ending with the model's answer once done.
    pub(crate) fn take_turns(&mut self) -> Vec<Content> {
        std::mem::take(&mut self.turns)
    }

    fn fold(&mut self, next: GenerateContentResponse) {
        match &mut self.answer {
            Some(answer) => gemini_types::fold_response(answer, next),
            None => self.answer = Some(next),
        }
    }

    /// The current hop is folded; `token` is its continuation token.
    fn decide(&mut self, token: Option<Bytes>) -> Next {
        self.request.continuation_token = None;
        if let Some(token) = token {
            if self.hops < self.policy.max_hops {
                self.hops += 1;
                tracing::debug!(hop = self.hops, "following a continuation token");
                self.request.continuation_token = Some(token);
                return Next::Send;
            }
        }
        let tools = self
            .policy
            .tools
            .as_ref()
            .filter(|t| self.rounds < t.max_rounds());
        // The model turn is copied only if something uses it: tools answer it, chats keep it.
        let turn = if tools.is_some() || self.policy.record {
            self.answer.as_ref().and_then(model_turn)
        } else {
            None
        };
        if let (Some(tools), Some(turn)) = (tools, &turn) {
            if tools.should_answer(Some(turn)) {
                let calls: Vec<FunctionCall> = turn.function_calls().cloned().collect();
                self.rounds += 1;
                self.hops = 0;
                tracing::debug!(round = self.rounds, calls = calls.len(), "function calls");
                // Only the final round's answer is returned.
                self.answer = None;
                let turn = turn.clone();
                if self.policy.record {
                    self.turns.push(turn.clone());
                }
                self.request.contents.push(turn);
                return Next::CallFunctions(tools.clone(), calls);
            }
        }
        if self.policy.record {
            self.turns.extend(turn);
        }
        Next::Done
    }
}

/// The continuation token of `response` when it asks to be continued.
pub(crate) fn continuation_token(response: &GenerateContentResponse) -> Option<Bytes> {
    let c = response.candidate()?;
    match (&c.finish_reason, &c.continuation_token) {
        (Some(FinishReason::Continuation), Some(t)) if !t.is_empty() => Some(t.clone()),
        _ => None,
    }
}

/// The model's turn of `response` as it goes back into the conversation: the first
/// candidate's content exactly as received (role set to `model` if the server left it out),
/// minus empty text parts that carry nothing else (streams end with one; the API rejects
/// empty text parameters), unless that would leave no part.
pub(crate) fn model_turn(response: &GenerateContentResponse) -> Option<Content> {
    let mut content = response.content()?.clone();
    if content.role.is_none() {
        content.role = Some(Role::Model);
    }
    if content.parts.iter().any(|p| !p.is_blank()) {
        content.parts.retain(|p| !p.is_blank());
    }
    Some(content)
}
