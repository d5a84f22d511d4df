//! Function calling: [`Tools`], a registry of function declarations with async handlers, and
//! the automatic function-calling loop's building blocks.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures_util::future::join_all;
use gemini_transport::{BoxError, BoxFuture};
use gemini_types::{
    Content, FunctionCall, FunctionDeclaration, FunctionResponse, GenerateContentRequest, Role,
    Tool,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

type Handler = Arc<dyn Fn(Value) -> BoxFuture<'static, Result<Value, BoxError>> + Send + Sync>;

struct Function {
    declaration: FunctionDeclaration,
    handler: Handler,
}

/// The default limit of automatic function-calling rounds.
pub const DEFAULT_MAX_ROUNDS: u32 = 10;

/// Functions the model may call, with the async handlers that run them.
///
/// Attach them with [`Models::with_tools`](crate::Models::with_tools) or
/// [`ChatConfig::with_tools`](crate::ChatConfig::with_tools): their declarations are added to
/// the request (`tools[].functionDeclarations`, with a `parametersJsonSchema` derived from the
/// argument type), and **automatic function calling** runs the loop for you:
///
/// 1. when a response asks for function calls and every called function has a handler, the
///    model's turn is appended to the conversation exactly as received (every
///    `thoughtSignature` kept, parallel calls in one `Content`);
/// 2. all calls of the turn run **concurrently**; each answer becomes a `functionResponse`
///    carrying the call's `id` and `name`, all in one user `Content`. A handler error (or
///    arguments that do not deserialize) is sent back to the model as
///    `{"error": "<message>"}` so it can recover;
/// 3. the request is sent again, until the model answers without calls or
///    [`max_rounds`](Self::with_max_rounds) rounds ran (default 10; the last response is then
///    returned with its calls unanswered).
///
/// It works for unary calls, streams (every round's chunks are yielded) and chats (every turn
/// goes into the history). Turn it off with [`with_automatic_calling(false)`](Self::with_automatic_calling)
/// to handle calls yourself: [`call`](Self::call) and [`respond`](Self::respond) help.
///
/// ```
/// use gemini::Tools;
/// use serde::Deserialize;
///
/// #[derive(Deserialize, schemars::JsonSchema)]
/// struct Weather {
///     /// A city name, e.g. "Paris".
///     city: String,
/// }
///
/// let tools = Tools::new().function(
///     "get_weather",
///     "Returns the current weather in a city.",
///     |args: Weather| async move {
///         Ok::<_, String>(serde_json::json!({"city": args.city, "celsius": 21}))
///     },
/// );
/// let decl = &tools.declarations()[0];
/// assert_eq!(decl.name.as_deref(), Some("get_weather"));
/// assert_eq!(decl.parameters_json_schema.as_ref().unwrap()["properties"]["city"]["type"], "string");
/// ```
#[derive(Clone)]
pub struct Tools {
    functions: Vec<Arc<Function>>,
    max_rounds: u32,
    automatic: bool,
}

impl Default for Tools {
    fn default() -> Self {
        Self {
            functions: Vec::new(),
            max_rounds: DEFAULT_MAX_ROUNDS,
            automatic: true,
        }
    }
}

impl fmt::Debug for Tools {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tools")
            .field(
                "functions",
                &self
                    .functions
                    .iter()
                    .map(|x| x.declaration.name.as_deref().unwrap_or(""))
                    .collect::<Vec<_>>(),
            )
            .field("max_rounds", &self.max_rounds)
            .field("automatic", &self.automatic)
            .finish()
    }
}

impl Tools {
    /// No functions; automatic calling on, at most 10 rounds.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a function whose arguments deserialize into `A`; its JSON schema (derived with
    /// schemars, sub-schemas inlined) is sent as `parametersJsonSchema`.
    ///
    /// The handler's `Ok` value is serialized as the function's response (a JSON object is
    /// sent as is, anything else as `{"output": value}`); its `Err` is sent to the model as
    /// `{"error": "<message>"}`.
    #[cfg(feature = "schemars")]
    #[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
    #[must_use]
    pub fn function<A, R, E, F, Fut>(
        self,
        name: impl Into<String>,
        description: impl Into<String>,
        handler: F,
    ) -> Self
    where
        A: DeserializeOwned + schemars::JsonSchema + Send + 'static,
        R: Serialize + 'static,
        E: Into<BoxError> + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, E>> + Send + 'static,
    {
        let declaration = FunctionDeclaration::new(name, description)
            .with_parameters_json_schema(crate::structured::schema_for::<A>());
        self.typed(declaration, handler)
    }

    /// Registers a function with your own declaration (for a hand-written schema); the handler
    /// gets the arguments deserialized into `A` (use `serde_json::Value` for raw JSON).
    #[must_use]
    pub fn function_with_declaration<A, R, E, F, Fut>(
        self,
        declaration: FunctionDeclaration,
        handler: F,
    ) -> Self
    where
        A: DeserializeOwned + Send + 'static,
        R: Serialize + 'static,
        E: Into<BoxError> + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, E>> + Send + 'static,
    {
        self.typed(declaration, handler)
    }

    fn typed<A, R, E, F, Fut>(mut self, declaration: FunctionDeclaration, handler: F) -> Self
    where
        A: DeserializeOwned + Send + 'static,
        R: Serialize + 'static,
        E: Into<BoxError> + 'static,
        F: Fn(A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, E>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |args: Value| {
            let parsed: Result<A, _> = serde_json::from_value(args);
            match parsed {
                Ok(a) => {
                    let fut = handler(a);
                    Box::pin(async move {
                        let r = fut.await.map_err(Into::into)?;
                        serde_json::to_value(r).map_err(|e| -> BoxError {
                            format!("the function's result is not JSON: {e}").into()
                        })
                    })
                }
                Err(e) => {
                    let msg = format!("invalid arguments: {e}");
                    Box::pin(async move { Err(BoxError::from(msg)) })
                }
            }
        });
        let name = declaration.name.clone();
        self.functions.retain(|f| f.declaration.name != name);
        self.functions.push(Arc::new(Function {
            declaration,
            handler,
        }));
        self
    }

    /// The most rounds of function calls run automatically for one call (default 10).
    #[must_use]
    pub fn with_max_rounds(mut self, rounds: u32) -> Self {
        self.max_rounds = rounds;
        self
    }

    /// Turns automatic function calling on (default) or off. When off, the declarations are
    /// still sent and responses with function calls are returned to you.
    #[must_use]
    pub fn with_automatic_calling(mut self, automatic: bool) -> Self {
        self.automatic = automatic;
        self
    }

    /// The most automatic rounds.
    pub fn max_rounds(&self) -> u32 {
        self.max_rounds
    }

    /// Whether automatic function calling is on.
    pub fn is_automatic(&self) -> bool {
        self.automatic
    }

    /// The declarations of every registered function.
    pub fn declarations(&self) -> Vec<FunctionDeclaration> {
        self.functions
            .iter()
            .map(|f| f.declaration.clone())
            .collect()
    }

    /// One [`Tool`] holding every declaration.
    pub fn tool(&self) -> Tool {
        Tool::functions(self.declarations())
    }

    /// Whether a handler is registered for `name`.
    pub fn handles(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    fn find(&self, name: &str) -> Option<&Arc<Function>> {
        self.functions
            .iter()
            .find(|f| f.declaration.name.as_deref() == Some(name))
    }

    /// Runs the handler for `call` and builds its response (with the call's `id` and `name`;
    /// an error becomes `{"error": "<message>"}`). `None` when no handler is registered.
    pub async fn call(&self, call: &FunctionCall) -> Option<FunctionResponse> {
        let f = Arc::clone(self.find(call.name())?);
        Some(run(&f, call).await)
    }

    /// Runs every call concurrently and returns one user `Content` with all the responses, in
    /// the order of the calls. A call without a handler gets an `{"error": ...}` response.
    pub async fn respond<'a>(&self, calls: impl IntoIterator<Item = &'a FunctionCall>) -> Content {
        let futs = calls.into_iter().map(|call| async move {
            match self.find(call.name()) {
                Some(f) => run(f, call).await,
                None => FunctionResponse::for_call(
                    call,
                    json!({"error": format!("no function named {:?} is available", call.name())}),
                ),
            }
        });
        let responses = join_all(futs).await;
        Content::function_responses(responses).with_role(Role::User)
    }

    /// Adds the declarations to `request` (functions already declared there are skipped).
    pub(crate) fn declare(&self, request: &mut GenerateContentRequest) {
        let declared: Vec<&str> = request
            .tools
            .iter()
            .flat_map(|t| t.function_declarations.iter())
            .filter_map(|d| d.name.as_deref())
            .collect();
        let missing: Vec<FunctionDeclaration> = self
            .functions
            .iter()
            .filter(|f| {
                !f.declaration
                    .name
                    .as_deref()
                    .is_some_and(|n| declared.contains(&n))
            })
            .map(|f| f.declaration.clone())
            .collect();
        if !missing.is_empty() {
            request.tools.push(Tool::functions(missing));
        }
    }

    /// The calls of `content` if automatic calling should answer them: on, some calls, and a
    /// handler for every one.
    pub(crate) fn should_answer(&self, content: Option<&Content>) -> bool {
        let Some(content) = content else {
            return false;
        };
        let mut any = false;
        for call in content.function_calls() {
            if !self.handles(call.name()) {
                return false;
            }
            any = true;
        }
        self.automatic && any
    }
}

async fn run(f: &Function, call: &FunctionCall) -> FunctionResponse {
    let args = call
        .args
        .clone()
        .map_or_else(|| Value::Object(serde_json::Map::new()), Value::Object);
    let response = match (f.handler)(args).await {
        Ok(v) => v,
        Err(e) => json!({"error": error_message(&*e)}),
    };
    FunctionResponse::for_call(call, response)
}

/// The error and its causes on one line.
fn error_message(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn echo_tools() -> Tools {
        Tools::new()
            .function_with_declaration(
                FunctionDeclaration::new("echo", "echoes"),
                |v: Value| async move { Ok::<_, String>(v) },
            )
            .function_with_declaration(
                FunctionDeclaration::new("fail", "fails"),
                |_: Value| async move { Err::<Value, _>("boom") },
            )
            .function_with_declaration(
                FunctionDeclaration::new("num", "returns a number"),
                |_: Value| async move { Ok::<_, String>(3) },
            )
    }

    #[test]
    fn responses_keep_ids_and_order_and_report_errors() {
        let tools = echo_tools();
        let calls = [
            FunctionCall::new("echo", json!({"a": 1})).with_id("c1"),
            FunctionCall::new("fail", json!({})).with_id("c2"),
            FunctionCall::new("num", json!({})).with_id("c3"),
            FunctionCall::new("nope", json!({})).with_id("c4"),
        ];
        let content = block_on(tools.respond(calls.iter()));
        let v = serde_json::to_value(&content).unwrap();
        assert_eq!(v["role"], "user");
        let parts = v["parts"].as_array().unwrap();
        assert_eq!(parts.len(), 4);
        assert_eq!(
            parts[0]["functionResponse"],
            json!({"id": "c1", "name": "echo", "response": {"a": 1}})
        );
        assert_eq!(
            parts[1]["functionResponse"]["response"],
            json!({"error": "boom"})
        );
        assert_eq!(
            parts[2]["functionResponse"]["response"],
            json!({"output": 3})
        );
        assert!(parts[3]["functionResponse"]["response"]["error"].is_string());
    }

    #[test]
    fn declare_skips_functions_already_declared() {
        let tools = echo_tools();
        let mut req = GenerateContentRequest::from("hi")
            .with_tool(Tool::functions([FunctionDeclaration::new("echo", "mine")]));
        tools.declare(&mut req);
        assert_eq!(req.tools.len(), 2);
        let names: Vec<_> = req.tools[1]
            .function_declarations
            .iter()
            .filter_map(|d| d.name.clone())
            .collect();
        assert_eq!(names, ["fail", "num"]);
    }

    #[test]
    fn should_answer_only_when_every_call_is_handled() {
        let tools = echo_tools();
        let both = Content::model(Part::function_call("echo", json!({})))
            .with_part(Part::function_call("num", json!({})));
        assert!(tools.should_answer(Some(&both)));
        let unknown = both
            .clone()
            .with_part(Part::function_call("other", json!({})));
        assert!(!tools.should_answer(Some(&unknown)));
        assert!(!tools.should_answer(Some(&Content::model("text"))));
        assert!(
            !tools
                .with_automatic_calling(false)
                .should_answer(Some(&both))
        );
    }

    use gemini_types::Part;

    #[test]
    fn invalid_arguments_are_reported_to_the_model() {
        #[derive(serde::Deserialize)]
        struct A {
            #[allow(dead_code)]
            n: u32,
        }
        let tools = Tools::new()
            .function_with_declaration(FunctionDeclaration::new("f", "f"), |_: A| async move {
                Ok::<_, String>(1)
            });
        let r = block_on(tools.call(&FunctionCall::new("f", json!({"n": "x"})))).unwrap();
        let err = r.response.unwrap()["error"].as_str().unwrap().to_owned();
        assert!(err.starts_with("invalid arguments"), "{err}");
    }
}
