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
    /// Whether the current hop's stream delivered any chunk.
    hop_started: bool,
    /// Whether the current hop's answer is complete: its last chunk with candidates gave each
    /// a finish reason, or the prompt was blocked.
    hop_finished: bool,
    /// The current round's finished hops, folded.
    answer: Option<GenerateContentResponse>,
    /// The turns added to the conversation (when recording).
    added: Vec<Content>,
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
            hop_started: false,
            hop_finished: false,
            answer: None,
            added: Vec::new(),
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
        self.hop_started = true;
        if let Some(c) = chunk.candidate() {
            if c.finish_reason.is_some() {
                self.pending_token = continuation_token(chunk);
            }
            self.hop_finished = chunk.candidates.iter().all(|c| c.finish_reason.is_some());
        } else if chunk
            .prompt_feedback
            .as_ref()
            .is_some_and(|f| f.block_reason.is_some())
        {
            // A blocked prompt is a whole answer with no candidate.
            self.hop_finished = true;
        }
        if self.keep_chunks {
            self.hop.get_or_insert_default().push(chunk.clone());
        }
    }

    /// The current hop's stream ended (its body ended without an error).
    ///
    /// # Errors
    ///
    /// The hop's answer is unusable, and the stream must yield this error and end:
    ///
    /// * no chunk at all: [`Error::Decode`] with
    ///   [`unexpected_response`](crate::DecodeError::unexpected_response) (the same error as
    ///   an empty body);
    /// * chunks, but the last one with candidates left one without a finish reason: the
    ///   stream was cut short, [`Error::Stream`] ([`is_truncated`](crate::StreamError::is_truncated)).
    ///
    /// The hop's chunks are kept, so [`fail`](Self::fail) with this error gives an
    /// [`Error::Incomplete`] holding them.
    pub(crate) fn end_hop(&mut self) -> Result<Next, Error> {
        let token = self.pending_token.take();
        let started = std::mem::take(&mut self.hop_started);
        let finished = std::mem::take(&mut self.hop_finished);
        if !started {
            return Err(Error::from(gemini_transport::Error::unexpected(
                http::StatusCode::OK,
                Some("text/event-stream".to_owned()),
                "",
            )));
        }
        if !finished {
            return Err(Error::stream_truncated());
        }
        if let Some(hop) = self.hop.take().filter(|h| !h.is_empty()) {
            self.fold(hop.finish());
        }
        Ok(self.decide(token))
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
            self.added.push(responses.clone());
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
        std::mem::take(&mut self.added)
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
                    self.added.push(turn.clone());
                }
                self.request.contents.push(turn);
                return Next::CallFunctions(tools.clone(), calls);
            }
        }
        if self.policy.record {
            self.added.extend(turn);
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

/// Transcripts: the engine driven by hand, with no I/O. A transcript is the list of answers
/// the "server" gives, hop by hop; the drivers below feed them the way the unary call (whole
/// answers), the stream (chunks, then the end of the hop) and chats (recording) do.
#[cfg(test)]
mod tests {
    use futures_util::FutureExt as _;
    use gemini_types::FunctionDeclaration;
    use serde_json::{Value, json};

    use super::*;

    fn resp(v: Value) -> GenerateContentResponse {
        serde_json::from_value(v).unwrap()
    }

    /// A hop answer: `parts` as the model's content, with a finish reason, an optional
    /// continuation token and usage.
    fn hop(parts: Value, finish: &str, token: Option<&str>, tokens: i32) -> Value {
        let mut c = json!({"index": 0, "content": {"role": "model"}, "finishReason": finish});
        c["content"]["parts"] = parts;
        if let Some(t) = token {
            c["continuationToken"] = json!(t);
        }
        json!({"candidates": [c], "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": tokens, "totalTokenCount": tokens + 1}})
    }

    fn tools() -> Tools {
        Tools::new()
            .function_with_declaration(FunctionDeclaration::new("f", "f"), |v: Value| async move {
                Ok::<_, String>(json!({"f": v}))
            })
            .function_with_declaration(FunctionDeclaration::new("g", "g"), |v: Value| async move {
                Ok::<_, String>(json!({"g": v}))
            })
    }

    fn policy(tools: Option<Tools>, record: bool) -> Policy {
        Policy {
            max_hops: 10,
            tools,
            record,
        }
    }

    /// The function calls of `next`, answered by its tools (they are plain async closures).
    fn answer_calls(next: Next) -> Option<Content> {
        match next {
            Next::CallFunctions(tools, calls) => Some(
                tools
                    .respond(&calls)
                    .now_or_never()
                    .expect("handlers are ready at once"),
            ),
            _ => None,
        }
    }

    /// What a transcript run gives: the final answer, the requests the engine asked to send
    /// (as JSON), and the recorded turns.
    #[derive(Debug, PartialEq)]
    struct Run {
        answer: Value,
        requests: Vec<Value>,
        turns: Vec<Content>,
    }

    /// Drives `turns` through `script` with whole answers (the unary call).
    fn run_unary(mut turns: Turns, script: &[Value]) -> Run {
        let mut requests = vec![serde_json::to_value(turns.request()).unwrap()];
        for (i, answer) in script.iter().enumerate() {
            let next = turns.on_answer(resp(answer.clone()));
            if let Next::Done = next {
                assert_eq!(i, script.len() - 1, "done before the script ended");
                break;
            }
            if let Some(responses) = answer_calls(next) {
                turns.on_function_responses(responses);
            }
            requests.push(serde_json::to_value(turns.request()).unwrap());
        }
        Run {
            answer: serde_json::to_value(turns.answer()).unwrap(),
            requests,
            turns: turns.take_turns(),
        }
    }

    /// The chunks a stream would deliver for a whole answer: one part per chunk, the finish
    /// reason, token and usage on the last one (as Gemini streams).
    fn chunks(answer: &Value) -> Vec<GenerateContentResponse> {
        let c = &answer["candidates"][0];
        let parts = c["content"]["parts"].as_array().unwrap();
        let mut out = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let mut chunk = json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [part]}}]});
            if i + 1 == parts.len() {
                let cand = &mut chunk["candidates"][0];
                cand["finishReason"] = c["finishReason"].clone();
                if let Some(t) = c.get("continuationToken") {
                    cand["continuationToken"] = t.clone();
                }
                chunk["usageMetadata"] = answer["usageMetadata"].clone();
            }
            out.push(resp(chunk));
        }
        out
    }

    /// Drives `turns` through `script` as a stream: chunks, then the end of each hop.
    fn run_stream(mut turns: Turns, script: &[Value]) -> Run {
        turns.keep_chunks();
        let mut requests = vec![serde_json::to_value(turns.request()).unwrap()];
        for (i, answer) in script.iter().enumerate() {
            for chunk in chunks(answer) {
                turns.on_chunk(&chunk);
            }
            let next = turns.end_hop().expect("the hop is complete");
            if let Next::Done = next {
                assert_eq!(i, script.len() - 1, "done before the script ended");
                break;
            }
            if let Some(responses) = answer_calls(next) {
                turns.on_function_responses(responses);
            }
            requests.push(serde_json::to_value(turns.request()).unwrap());
        }
        Run {
            answer: serde_json::to_value(turns.answer()).unwrap(),
            requests,
            turns: turns.take_turns(),
        }
    }

    #[test]
    fn a_three_hop_continuation() {
        let script = [
            hop(json!([{"text": "one "}]), "CONTINUATION", Some("dDE="), 2),
            hop(json!([{"text": "two "}]), "CONTINUATION", Some("dDI="), 2),
            hop(json!([{"text": "three"}]), "STOP", None, 1),
        ];
        let run = run_unary(Turns::new("count".into(), policy(None, false)), &script);
        // The first request has no token; each hop sends the previous hop's token.
        let tokens: Vec<&Value> = run
            .requests
            .iter()
            .map(|r| &r["continuationToken"])
            .collect();
        assert_eq!(tokens, [&Value::Null, &json!("dDE="), &json!("dDI=")]);
        // The contents never change between hops.
        assert!(
            run.requests
                .iter()
                .all(|r| r["contents"] == run.requests[0]["contents"])
        );
        let c = &run.answer["candidates"][0];
        assert_eq!(c["content"]["parts"], json!([{"text": "one two three"}]));
        assert_eq!(c["finishReason"], "STOP");
        assert!(c.get("continuationToken").is_none());
        assert_eq!(run.answer["usageMetadata"]["candidatesTokenCount"], 5);
        assert_eq!(run.answer["usageMetadata"]["promptTokenCount"], 3);
    }

    #[test]
    fn hops_stop_at_the_limit() {
        let mut turns = Turns::new(
            "x".into(),
            Policy {
                max_hops: 1,
                ..Policy::default()
            },
        );
        let more = hop(json!([{"text": "a"}]), "CONTINUATION", Some("dA=="), 1);
        assert!(matches!(turns.on_answer(resp(more.clone())), Next::Send));
        assert!(matches!(turns.on_answer(resp(more)), Next::Done));
        assert!(turns.request().continuation_token.is_none());
    }

    /// Three rounds of parallel calls (`f` and `g` each time), every call answered with its
    /// id, every model turn sent back exactly as received (signatures included).
    #[test]
    fn three_rounds_of_parallel_function_calls() {
        let round = |n: i32| {
            hop(
                json!([
                    {"functionCall": {"id": format!("f{n}"), "name": "f", "args": {"n": n}}, "thoughtSignature": "c2ln"},
                    {"functionCall": {"id": format!("g{n}"), "name": "g", "args": {"n": n}}}
                ]),
                "STOP",
                None,
                1,
            )
        };
        let script = [
            round(1),
            round(2),
            round(3),
            hop(json!([{"text": "done"}]), "STOP", None, 1),
        ];
        let run = run_unary(
            Turns::new("go".into(), policy(Some(tools()), true)),
            &script,
        );
        assert_eq!(run.requests.len(), 4);
        let last = &run.requests[3]["contents"];
        // user, then (model calls, user responses) x 3.
        assert_eq!(last.as_array().unwrap().len(), 7);
        for n in 1..=3 {
            let model = &last[2 * n - 1];
            assert_eq!(model["role"], "model");
            assert_eq!(model["parts"][0]["thoughtSignature"], "c2ln");
            let responses = &last[2 * n];
            assert_eq!(responses["role"], "user");
            assert_eq!(
                responses["parts"][0]["functionResponse"]["id"],
                format!("f{n}")
            );
            assert_eq!(
                responses["parts"][1]["functionResponse"]["id"],
                format!("g{n}")
            );
            assert_eq!(
                responses["parts"][1]["functionResponse"]["response"],
                json!({"g": {"n": n}})
            );
        }
        // The declarations were added to the request.
        assert_eq!(
            run.requests[0]["tools"][0]["functionDeclarations"][0]["name"],
            "f"
        );
        // The answer is the final round's; the turns are every model turn and response.
        assert_eq!(
            run.answer["candidates"][0]["content"]["parts"],
            json!([{"text": "done"}])
        );
        assert_eq!(run.turns.len(), 7);
    }

    #[test]
    fn rounds_stop_at_the_limit_and_unknown_functions_are_not_answered() {
        let call = |name: &str| {
            hop(
                json!([{"functionCall": {"name": name, "args": {}}}]),
                "STOP",
                None,
                1,
            )
        };
        let mut turns = Turns::new("x".into(), policy(Some(tools().with_max_rounds(1)), false));
        assert!(matches!(
            turns.on_answer(resp(call("f"))),
            Next::CallFunctions(..)
        ));
        turns.on_function_responses(Content::user("r"));
        assert!(matches!(turns.on_answer(resp(call("f"))), Next::Done));
        let mut turns = Turns::new("x".into(), policy(Some(tools()), false));
        assert!(matches!(turns.on_answer(resp(call("h"))), Next::Done));
    }

    #[test]
    fn a_function_call_inside_a_stream() {
        let script = [
            hop(
                json!([{"text": "Let me look. "}, {"functionCall": {"id": "1", "name": "f", "args": {"q": 1}}}]),
                "STOP",
                None,
                2,
            ),
            hop(
                json!([{"text": "It is "}, {"text": "sunny."}]),
                "STOP",
                None,
                2,
            ),
        ];
        let run = run_stream(
            Turns::new("weather?".into(), policy(Some(tools()), false)),
            &script,
        );
        assert_eq!(run.requests.len(), 2);
        let contents = &run.requests[1]["contents"];
        assert_eq!(
            contents[1]["parts"],
            json!([{"text": "Let me look. "}, {"functionCall": {"id": "1", "name": "f", "args": {"q": 1}}}])
        );
        assert_eq!(contents[2]["parts"][0]["functionResponse"]["name"], "f");
        assert_eq!(
            run.answer["candidates"][0]["content"]["parts"],
            json!([{"text": "It is sunny."}])
        );
    }

    #[test]
    fn an_error_in_the_middle_of_a_hop_keeps_the_partial_answer() {
        // Streamed: two chunks, then the connection breaks.
        let mut turns = Turns::new("x".into(), policy(None, false));
        turns.keep_chunks();
        for text in ["Hel", "lo"] {
            turns.on_chunk(&resp(
                json!({"candidates": [{"content": {"role": "model", "parts": [{"text": text}]}}]}),
            ));
        }
        let e = turns.fail(Error::build("cut"));
        let partial = e.partial_response().expect("incomplete");
        assert_eq!(partial.text().as_deref(), Some("Hello"));
        assert!(matches!(e, Error::Incomplete(_)));
        // Unary: the second hop fails; the first hop is kept.
        let mut turns = Turns::new("x".into(), policy(None, false));
        let first = hop(json!([{"text": "one "}]), "CONTINUATION", Some("dA=="), 1);
        assert!(matches!(turns.on_answer(resp(first)), Next::Send));
        let e = turns.fail(Error::build("503"));
        assert_eq!(
            e.partial_response().unwrap().text().as_deref(),
            Some("one ")
        );
        // Nothing received: the cause alone.
        let mut turns = Turns::new("x".into(), policy(None, false));
        assert!(matches!(
            turns.fail(Error::build("refused")),
            Error::Build(_)
        ));
    }

    fn text_chunk(text: &str, finish: Option<&str>) -> GenerateContentResponse {
        let mut c = json!({"index": 0, "content": {"role": "model", "parts": [{"text": text}]}});
        if let Some(f) = finish {
            c["finishReason"] = json!(f);
        }
        resp(json!({"candidates": [c]}))
    }

    #[test]
    fn a_stream_with_no_chunk_is_an_unexpected_response() {
        for keep in [false, true] {
            let mut turns = Turns::new("x".into(), policy(None, false));
            if keep {
                turns.keep_chunks();
            }
            let e = turns.end_hop().unwrap_err();
            let Error::Decode(d) = &e else {
                panic!("expected Error::Decode, got {e:?}")
            };
            let r = d.unexpected_response().expect("unexpected response");
            assert_eq!(r.content_type(), Some("text/event-stream"));
            assert_eq!(r.snippet(), "");
            // Nothing was received: the cause alone, never an empty success.
            assert!(matches!(turns.fail(e), Error::Decode(_)));
        }
    }

    #[test]
    fn a_stream_cut_before_its_finish_reason_is_incomplete() {
        // Accumulated: the chunks are kept in the error.
        let mut turns = Turns::new("x".into(), policy(None, false));
        turns.keep_chunks();
        turns.on_chunk(&text_chunk("Hel", None));
        turns.on_chunk(&text_chunk("lo", None));
        let e = turns.end_hop().unwrap_err();
        assert!(matches!(&e, Error::Stream(s) if s.is_truncated()), "{e:?}");
        assert!(e.is_retryable());
        let e = turns.fail(e);
        let Error::Incomplete(incomplete) = &e else {
            panic!("expected Error::Incomplete, got {e:?}")
        };
        assert_eq!(incomplete.partial().text().as_deref(), Some("Hello"));
        assert!(matches!(incomplete.cause(), Error::Stream(_)));

        // A plain stream folds nothing: its caller already has the chunks, the cause is the
        // stream's last item.
        let mut turns = Turns::new("x".into(), policy(None, false));
        turns.on_chunk(&text_chunk("Hel", None));
        assert!(turns.hop.is_none(), "a plain stream does not fold");
        let e = turns.end_hop().unwrap_err();
        assert!(matches!(turns.fail(e), Error::Stream(_)));

        // The finish reason must be on the last chunk with candidates.
        let mut turns = Turns::new("x".into(), policy(None, false));
        turns.on_chunk(&text_chunk("a", Some("STOP")));
        turns.on_chunk(&text_chunk("b", None));
        assert!(turns.end_hop().is_err());
        // Two candidates: each needs its finish reason.
        let mut turns = Turns::new("x".into(), policy(None, false));
        turns.on_chunk(&resp(json!({"candidates": [
            {"index": 0, "content": {"parts": [{"text": "a"}]}, "finishReason": "STOP"},
            {"index": 1, "content": {"parts": [{"text": "b"}]}}
        ]})));
        assert!(turns.end_hop().is_err());
    }

    #[test]
    fn complete_streams_without_a_final_text_chunk() {
        // A usage-only chunk after the finish reason, as some servers send.
        let mut turns = Turns::new("x".into(), policy(None, false));
        turns.keep_chunks();
        turns.on_chunk(&text_chunk("done", Some("STOP")));
        turns.on_chunk(&resp(json!({"usageMetadata": {"totalTokenCount": 3}})));
        assert!(matches!(turns.end_hop(), Ok(Next::Done)));
        assert_eq!(turns.answer().text().as_deref(), Some("done"));
        // A blocked prompt: no candidate, a block reason.
        let mut turns = Turns::new("x".into(), policy(None, false));
        turns.on_chunk(&resp(
            json!({"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 3}}),
        ));
        assert!(matches!(turns.end_hop(), Ok(Next::Done)));
        // Chunks with neither (usage alone) are not an answer.
        let mut turns = Turns::new("x".into(), policy(None, false));
        turns.on_chunk(&resp(json!({"usageMetadata": {"totalTokenCount": 3}})));
        assert!(matches!(turns.end_hop(), Err(Error::Stream(_))));
    }

    #[test]
    fn a_continuation_hop_with_no_chunk_keeps_the_first_hop() {
        let mut turns = Turns::new("x".into(), policy(None, false));
        turns.keep_chunks();
        for chunk in chunks(&hop(
            json!([{"text": "one "}]),
            "CONTINUATION",
            Some("dA=="),
            1,
        )) {
            turns.on_chunk(&chunk);
        }
        assert!(matches!(turns.end_hop(), Ok(Next::Send)));
        // The second hop's stream ends at once.
        let e = turns.end_hop().unwrap_err();
        let e = turns.fail(e);
        assert_eq!(
            e.partial_response().unwrap().text().as_deref(),
            Some("one ")
        );
        assert!(matches!(&e, Error::Incomplete(i) if matches!(i.cause(), Error::Decode(_))));
    }

    /// One scripted conversation (a continued first answer, a round of parallel calls, a
    /// continued final answer) driven as unary, as stream and as chat: the same requests, the
    /// same final answer and the same history from each.
    #[test]
    fn unary_stream_and_chat_agree() {
        let script = [
            hop(
                json!([{"text": "Checking", "thought": true}, {"text": "I will "}]),
                "CONTINUATION",
                Some("dDE="),
                2,
            ),
            hop(
                json!([{"text": "call. "}, {"functionCall": {"id": "a", "name": "f", "args": {}}, "thoughtSignature": "c2ln"},
                       {"functionCall": {"id": "b", "name": "g", "args": {}}}]),
                "STOP",
                None,
                2,
            ),
            hop(
                json!([{"text": "Both ", "thoughtSignature": "eHl6"}]),
                "CONTINUATION",
                Some("dDI="),
                1,
            ),
            hop(json!([{"text": "answered."}]), "STOP", None, 1),
        ];
        let new = |record| Turns::new(Content::user("hi").into(), policy(Some(tools()), record));
        let unary = run_unary(new(false), &script);
        let stream = run_stream(new(false), &script);
        let chat_unary = run_unary(new(true), &script);
        let chat_stream = run_stream(new(true), &script);
        assert_eq!(unary.answer, stream.answer);
        assert_eq!(unary.requests, stream.requests);
        assert_eq!(chat_unary, chat_stream);
        assert_eq!(chat_unary.answer, unary.answer);
        assert_eq!(chat_unary.requests, unary.requests);
        // The history: the model turn (both hops folded), the responses, the final answer.
        let history: Vec<Value> = chat_unary
            .turns
            .iter()
            .map(|t| serde_json::to_value(t).unwrap())
            .collect();
        assert_eq!(history.len(), 3);
        assert_eq!(
            history[0]["parts"],
            json!([{"text": "Checking", "thought": true}, {"text": "I will call. "},
                   {"functionCall": {"id": "a", "name": "f", "args": {}}, "thoughtSignature": "c2ln"},
                   {"functionCall": {"id": "b", "name": "g", "args": {}}}])
        );
        assert_eq!(history[1]["role"], "user");
        // A signed text part is never joined with what follows it.
        assert_eq!(
            history[2]["parts"],
            json!([{"text": "Both ", "thoughtSignature": "eHl6"}, {"text": "answered."}])
        );
        assert_eq!(
            unary.answer["candidates"][0]["content"]["parts"],
            history[2]["parts"]
        );
        // The last request carries the conversation exactly: user, model turn, responses.
        assert_eq!(unary.requests.last().unwrap()["contents"][1], history[0]);
    }
}
