//! The unary generation engine: one call, automatic continuation, automatic function calling.

use futures_util::future::Either;
use futures_util::{FutureExt as _, TryFutureExt as _};
use gemini_types::{Content, FinishReason, GenerateContentRequest, GenerateContentResponse, Role};
use http::Method;
use tracing::Instrument as _;

use crate::fold::{fold_hops, is_blank};
use crate::{Error, Models, call};

/// The continuation token of `response` when it asks to be continued.
pub(crate) fn continuation_token(response: &GenerateContentResponse) -> Option<bytes::Bytes> {
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
    if content.parts.iter().any(|p| !is_blank(p)) {
        content.parts.retain(|p| !is_blank(p));
    }
    Some(content)
}

impl Models {
    /// One `generateContent` request. The body is encoded now; the future is the transport's
    /// call itself, boxed once here so the futures above it (the caller's among them) stay
    /// small, and it borrows nothing.
    pub(crate) fn send_once(
        &self,
        path: &str,
        request: &GenerateContentRequest,
    ) -> impl Future<Output = Result<GenerateContentResponse, Error>> + Send + use<> {
        let options = self.options.as_deref();
        match call::encode(request, options) {
            Ok(body) => {
                let spec = call::spec(
                    Method::POST,
                    call::method_path(path, "generateContent"),
                    Some(body),
                    options,
                );
                Either::Left(Box::pin(self.client.http().execute_json(spec)).err_into())
            }
            // The error alone, not a `Result` with room for a whole response.
            Err(e) => Either::Right(std::future::ready(e).map(Err)),
        }
    }

    /// Follows the continuation hops of `response` (the answer to `request`) and merges them
    /// into it.
    async fn continue_hops(
        &self,
        path: &str,
        request: &mut GenerateContentRequest,
        mut response: GenerateContentResponse,
    ) -> Result<GenerateContentResponse, Error> {
        let max = self.continuation().max_hops();
        let mut hops = 0;
        while hops < max {
            let Some(token) = continuation_token(&response) else {
                break;
            };
            hops += 1;
            request.continuation_token = Some(token);
            let next = self
                .send_once(path, request)
                .instrument(tracing::debug_span!("gemini_continuation_hop", hop = hops))
                .await;
            request.continuation_token = None;
            match next {
                Ok(next) => fold_hops(&mut response, next),
                // Keep what the earlier hops said.
                Err(e) => return Err(Error::incomplete(response, e)),
            }
        }
        Ok(response)
    }

    /// The whole call: continuation and automatic function calling. With `turns` (chats),
    /// every turn added to the conversation (model turns, function responses, and the final
    /// model turn) is pushed to it.
    ///
    /// The common call (no tools, no chat, no continuation) is one request and nothing else;
    /// the rest of the machinery is a boxed future entered only when the first answer needs
    /// it, so the common call neither carries nor allocates it.
    pub(crate) async fn run(
        &self,
        path: &str,
        request: &mut GenerateContentRequest,
        turns: Option<&mut Vec<Content>>,
    ) -> Result<GenerateContentResponse, Error> {
        if let Some(tools) = &self.tools {
            tools.declare(request);
        }
        // In a block, so the first answer is not kept in this future while the rest runs.
        let rest = {
            let first = self.send_once(path, request).await?;
            if self.tools.is_none() && turns.is_none() && continuation_token(&first).is_none() {
                return Ok(first);
            }
            Box::pin(self.run_from(path, request, first, turns))
        };
        rest.await
    }

    /// [`run`](Self::run) after the first answer, `response`.
    async fn run_from(
        &self,
        path: &str,
        request: &mut GenerateContentRequest,
        mut response: GenerateContentResponse,
        mut turns: Option<&mut Vec<Content>>,
    ) -> Result<GenerateContentResponse, Error> {
        let mut rounds = 0;
        loop {
            response = self.continue_hops(path, request, response).await?;
            let tools = self.tools.as_ref().filter(|t| rounds < t.max_rounds());
            // The model turn is copied only if something uses it: tools answer it, chats keep it.
            let turn = if tools.is_some() || turns.is_some() {
                model_turn(&response)
            } else {
                None
            };
            let (tools, turn) = match (tools, turn) {
                (Some(tools), Some(turn)) if tools.should_answer(Some(&turn)) => (tools, turn),
                (_, turn) => {
                    if let Some(turns) = turns.as_deref_mut() {
                        turns.extend(turn);
                    }
                    return Ok(response);
                }
            };
            rounds += 1;
            let answers = tools
                .respond(turn.function_calls())
                .instrument(tracing::debug_span!(
                    "gemini_function_calls",
                    round = rounds,
                    calls = turn.function_calls().count()
                ))
                .await;
            if let Some(turns) = turns.as_deref_mut() {
                turns.push(turn.clone());
                turns.push(answers.clone());
            }
            request.contents.push(turn);
            request.contents.push(answers);
            response = self.send_once(path, request).await?;
        }
    }
}
