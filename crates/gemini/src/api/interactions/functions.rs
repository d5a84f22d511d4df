//! Automatic function calling over Interactions, on the [`Tools`] registry shared with
//! `generateContent`: declarations become `{"type": "function"}` tools, `function_call` steps
//! run through the same handlers, and their answers become `function_result` steps.

use futures_util::future::join_all;
use gemini_types::interactions::{
    CreateInteractionRequest, FunctionCallStep, Input, Interaction, InteractionStatus, Step, Tool,
};
use gemini_types::{FunctionCall, FunctionDeclaration};
use serde_json::{Map, Value, json};

use crate::Tools;

/// Adds a `function` tool for every handler whose name the request does not declare yet.
pub(crate) fn declare(tools: &Tools, request: &mut CreateInteractionRequest) {
    let declared: Vec<String> = request
        .tools
        .iter()
        .filter_map(|t| match t {
            Tool::Function(f) => f.name.clone(),
            _ => None,
        })
        .collect();
    for declaration in tools.declarations() {
        let Some(name) = declaration.name.as_deref() else {
            continue;
        };
        if declared.iter().any(|d| d == name) {
            continue;
        }
        request.tools.push(Tool::function(
            name,
            declaration.description.clone().unwrap_or_default(),
            parameters(&declaration),
        ));
    }
}

/// A declaration's parameters as the JSON Schema the Interactions API takes: the
/// `parametersJsonSchema` as is, else the OpenAPI `parameters` with lowercase types.
fn parameters(declaration: &FunctionDeclaration) -> Value {
    if let Some(schema) = &declaration.parameters_json_schema {
        return schema.clone();
    }
    match declaration
        .parameters
        .as_ref()
        .and_then(|p| serde_json::to_value(p).ok())
    {
        Some(mut v) => {
            lowercase_types(&mut v);
            v
        }
        None => json!({"type": "object", "properties": {}}),
    }
}

fn lowercase_types(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "type" {
                    if let Value::String(s) = x {
                        *s = s.to_ascii_lowercase();
                    }
                } else {
                    lowercase_types(x);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(lowercase_types),
        _ => {}
    }
}

/// The calls automatic calling answers in `answer`: on, the interaction waits for them (or
/// says nothing of its status), some calls without a result, and a handler for every one.
pub(crate) fn calls_to_answer(
    tools: &Tools,
    answer: &Interaction,
) -> Option<Vec<FunctionCallStep>> {
    if !tools.is_automatic() {
        return None;
    }
    if !matches!(
        answer.status,
        None | Some(InteractionStatus::RequiresAction)
    ) {
        return None;
    }
    let answered: Vec<&str> = answer
        .steps
        .iter()
        .filter_map(|s| match s {
            Step::FunctionResult(r) => r.call_id.as_deref(),
            _ => None,
        })
        .collect();
    let calls: Vec<FunctionCallStep> = answer
        .function_calls()
        .filter(|c| !c.id.as_deref().is_some_and(|id| answered.contains(&id)))
        .cloned()
        .collect();
    let handled = calls
        .iter()
        .all(|c| c.name.as_deref().is_some_and(|n| tools.handles(n)));
    (!calls.is_empty() && handled).then_some(calls)
}

/// Runs every call concurrently through its handler and returns one `function_result` step
/// per call, in the calls' order (a handler's error is sent as `{"error": "<message>"}`).
pub(crate) async fn answer(tools: &Tools, calls: &[FunctionCallStep]) -> Vec<Step> {
    let runs = calls.iter().map(|step| async move {
        let mut call = FunctionCall::new(
            step.name.clone().unwrap_or_default(),
            match &step.arguments {
                Some(Value::Object(m)) => Value::Object(m.clone()),
                _ => Value::Object(Map::new()),
            },
        );
        if let Some(id) = &step.id {
            call = call.with_id(id.clone());
        }
        let response = tools
            .call(&call)
            .await
            .and_then(|r| r.response)
            .map_or(Value::Null, Value::Object);
        Step::function_result(
            step.id.clone().unwrap_or_default(),
            step.name.clone().unwrap_or_default(),
            response,
        )
    });
    join_all(runs).await
}

/// An input as the steps of a history: text and contents become one `user_input` step.
pub(crate) fn as_steps(input: Input) -> Vec<Step> {
    match input {
        Input::Text(t) => vec![Step::user_text(t)],
        Input::Content(c) => vec![Step::user_input([c])],
        Input::Contents(c) => vec![Step::user_input(c)],
        Input::Steps(s) => s,
        // A shape this SDK version does not know: sent as given would need its own wire
        // form; an empty turn keeps the history valid.
        _ => Vec::new(),
    }
}
