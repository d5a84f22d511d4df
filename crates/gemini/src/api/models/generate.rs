//! The unary driver of the turn engine: `generateContent` requests until the engine is done.

use gemini_types::{GenerateContentRequest, GenerateContentResponse};
use http::Method;
use tracing::Instrument as _;

use crate::turns::{Next, Turns};
use crate::{Error, Models};

impl Models {
    /// One `generateContent` request. The body is encoded now, so the future borrows nothing.
    pub(crate) fn send_once(
        &self,
        path: &str,
        request: &GenerateContentRequest,
    ) -> impl Future<Output = Result<GenerateContentResponse, Error>> + Send + use<> {
        self.rest
            .call(Method::POST, [path, ":generateContent"].concat())
            .json(request)
            .send()
    }

    /// Drives `turns` to the end with unary requests: continuation hops, function-calling
    /// rounds. A failed hop keeps the round's answer so far ([`Error::Incomplete`]).
    pub(crate) async fn drive(&self, path: &str, turns: &mut Turns) -> Result<(), Error> {
        loop {
            let (hop, round) = turns.progress();
            let answer = self
                .send_once(path, turns.request())
                .instrument(tracing::debug_span!("gemini_generate", hop, round))
                .await;
            let next = match answer {
                Ok(answer) => turns.on_answer(answer),
                Err(e) => return Err(turns.fail(e)),
            };
            match next {
                Next::Send => {}
                Next::Done => return Ok(()),
                Next::CallFunctions(tools, calls) => {
                    let responses = tools.respond(&calls).await;
                    turns.on_function_responses(responses);
                }
            }
        }
    }
}
