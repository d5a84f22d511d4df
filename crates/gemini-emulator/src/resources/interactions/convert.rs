//! Translation between the Interactions wire format (snake_case, `type`-tagged steps and
//! contents, `../shared/spec/API.md` section 20) and the `generateContent` request the
//! emulator's model answers, plus the strict checks of a create request.

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::invalid;
use crate::errors::ApiError;
use crate::model::hash::hash64;

/// Every top-level field of a create request.
const REQUEST_FIELDS: &[&str] = &[
    "model",
    "agent",
    "input",
    "system_instruction",
    "previous_interaction_id",
    "tools",
    "generation_config",
    "agent_config",
    "response_format",
    "response_modalities",
    "response_mime_type",
    "safety_settings",
    "background",
    "store",
    "stream",
    "service_tier",
    "webhook_config",
    "labels",
    "continuation_token",
    "cached_content",
    "environment",
];

/// Every field of `generation_config`.
const GENERATION_CONFIG_FIELDS: &[&str] = &[
    "temperature",
    "top_p",
    "top_k",
    "seed",
    "stop_sequences",
    "max_output_tokens",
    "thinking_level",
    "thinking_summaries",
    "tool_choice",
    "speech_config",
    "image_config",
    "transcription_config",
    "video_config",
];

/// The content kinds (`type` of a content item).
const CONTENT_TYPES: &[&str] = &["text", "image", "audio", "video", "document"];

/// The tool kinds (`type` of a tool).
const TOOL_TYPES: &[&str] = &[
    "function",
    "google_search",
    "code_execution",
    "url_context",
    "file_search",
    "google_maps",
    "computer_use",
    "mcp_server",
    "retrieval",
    "tool_search",
];

/// The built-in tools whose call and result steps may appear in a history.
const TOOL_STEP_PREFIXES: &[&str] = &[
    "google_search",
    "code_execution",
    "url_context",
    "file_search",
    "google_maps",
    "mcp_server_tool",
    "retrieval",
    "tool_search",
    "processing",
];

/// The error for a field the API does not know or a value it cannot take, worded like the
/// real service (`Invalid input at 'input[0].content[0].processing'.`).
pub(super) fn invalid_at(path: &str) -> ApiError {
    invalid(format!("Invalid input at '{path}'."))
}

/// Rejects unknown fields (top level, `generation_config`), unknown tool kinds and the mutually
/// exclusive pairs of the model and agent forms.
pub(super) fn check_request(body: &Map<String, Value>) -> Result<(), ApiError> {
    if let Some(key) = body.keys().find(|k| !REQUEST_FIELDS.contains(&k.as_str())) {
        return Err(invalid_at(key));
    }
    if let Some(config) = body.get("generation_config") {
        let Some(config) = config.as_object() else {
            return Err(invalid_at("generation_config"));
        };
        if let Some(key) = config
            .keys()
            .find(|k| !GENERATION_CONFIG_FIELDS.contains(&k.as_str()))
        {
            return Err(invalid_at(&format!("generation_config.{key}")));
        }
    }
    if let Some(tools) = body.get("tools") {
        let Some(tools) = tools.as_array() else {
            return Err(invalid_at("tools"));
        };
        for (i, tool) in tools.iter().enumerate() {
            let kind = tool.get("type").and_then(Value::as_str).unwrap_or("");
            if !TOOL_TYPES.contains(&kind) {
                return Err(invalid_at(&format!("tools[{i}].type")));
            }
            if kind == "function" && tool.get("name").and_then(Value::as_str).is_none() {
                return Err(invalid_at(&format!("tools[{i}].name")));
            }
        }
    }
    let set = |k: &str| body.get(k).is_some_and(|v| !v.is_null());
    let agent = set("agent") || set("agent_config");
    for (a, b, applies) in [
        ("model", "agent", set("model") && set("agent")),
        (
            "generation_config",
            "agent",
            set("generation_config") && agent,
        ),
        ("cached_content", "agent", set("cached_content") && agent),
    ] {
        if applies {
            return Err(invalid(format!(
                "Invalid input: '{a}' and '{b}' are mutually exclusive; set only one of them."
            )));
        }
    }
    if !set("model") && !set("agent") {
        return Err(invalid(
            "Invalid input: one of 'model' or 'agent' is required.",
        ));
    }
    for key in ["background", "store", "stream"] {
        if body
            .get(key)
            .is_some_and(|v| !v.is_boolean() && !v.is_null())
        {
            return Err(invalid_at(key));
        }
    }
    Ok(())
}

/// The fields of each content kind (the official SDK's models).
fn content_fields(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "text" => &["type", "text", "annotations"],
        "image" => &["type", "data", "uri", "mime_type", "resolution"],
        "audio" => &[
            "type",
            "data",
            "uri",
            "mime_type",
            "processing",
            "sample_rate",
            "channels",
        ],
        "video" => &[
            "type",
            "data",
            "uri",
            "mime_type",
            "name",
            "processing",
            "resolution",
        ],
        "document" => &[
            "type",
            "data",
            "uri",
            "mime_type",
            "processing",
            "resolution",
        ],
        _ => return None,
    })
}

/// The fields of each step kind a client may send (built-in tool steps are not checked).
fn step_fields(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "user_input" => &["type", "content"],
        "model_output" => &["type", "content", "error"],
        "thought" => &["type", "signature", "summary"],
        "function_call" => &["type", "id", "name", "arguments", "signature"],
        "function_result" => &["type", "call_id", "name", "result", "is_error", "signature"],
        _ => return None,
    })
}

/// Rejects a key of `item` that is not in `allowed`.
fn check_keys(item: &Value, allowed: &[&str], path: &str) -> Result<(), ApiError> {
    match item
        .as_object()
        .and_then(|m| m.keys().find(|k| !allowed.contains(&k.as_str())))
    {
        Some(key) => Err(invalid_at(&format!("{path}.{key}"))),
        None => Ok(()),
    }
}

/// Checks the fields of a content item at `path`.
fn check_content(item: &Value, path: &str) -> Result<(), ApiError> {
    let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
    match content_fields(kind) {
        Some(fields) => check_keys(item, fields, path),
        None => Err(invalid_at(&format!("{path}.type"))),
    }
}

/// Checks the fields of a step at `path`, and of its contents.
fn check_step(step: &Value, path: &str) -> Result<(), ApiError> {
    let kind = step.get("type").and_then(Value::as_str).unwrap_or("");
    let Some(fields) = step_fields(kind) else {
        return Ok(());
    };
    check_keys(step, fields, path)?;
    let key = if kind == "thought" {
        "summary"
    } else {
        "content"
    };
    if let Some(items) = step.get(key) {
        let Some(items) = items.as_array() else {
            return Err(invalid_at(&format!("{path}.{key}")));
        };
        for (j, c) in items.iter().enumerate() {
            check_content(c, &format!("{path}.{key}[{j}]"))?;
        }
    }
    Ok(())
}

/// The `input` of a create request as steps: text and contents become one `user_input` step.
/// Unknown fields of contents and steps are rejected with their path
/// (`Invalid input at 'input[0].content[0].bogus'.`).
pub(super) fn input_steps(input: Option<&Value>) -> Result<Vec<Value>, ApiError> {
    let user = |content: Vec<Value>| json!({"type": "user_input", "content": content});
    match input {
        None | Some(Value::Null) => Err(invalid("Invalid input at 'input': an input is required.")),
        Some(Value::String(text)) => Ok(vec![user(vec![json!({"type": "text", "text": text})])]),
        Some(Value::Object(item)) => {
            let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
            let item = Value::Object(item.clone());
            if CONTENT_TYPES.contains(&kind) {
                check_content(&item, "input")?;
                Ok(vec![user(vec![item])])
            } else if is_step_type(kind) {
                check_step(&item, "input")?;
                Ok(vec![item])
            } else {
                Err(invalid_at("input.type"))
            }
        }
        Some(Value::Array(items)) => {
            let kind = |v: &Value| {
                v.get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            if !items.is_empty()
                && items
                    .iter()
                    .all(|i| CONTENT_TYPES.contains(&kind(i).as_str()))
            {
                for (i, item) in items.iter().enumerate() {
                    check_content(item, &format!("input[{i}]"))?;
                }
                return Ok(vec![user(items.clone())]);
            }
            for (i, item) in items.iter().enumerate() {
                if !is_step_type(&kind(item)) {
                    return Err(invalid_at(&format!("input[{i}].type")));
                }
                check_step(item, &format!("input[{i}]"))?;
            }
            if items.is_empty() {
                return Err(invalid("Invalid input at 'input': an input is required."));
            }
            Ok(items.clone())
        }
        Some(_) => Err(invalid_at("input")),
    }
}

fn is_step_type(kind: &str) -> bool {
    matches!(
        kind,
        "user_input" | "model_output" | "thought" | "function_call" | "function_result"
    ) || TOOL_STEP_PREFIXES.iter().any(|p| {
        kind.strip_prefix(p)
            .is_some_and(|rest| rest == "_call" || rest == "_result")
    })
}

/// One content item as a `generateContent` part.
fn part(content: &Value, path: &str) -> Result<Value, ApiError> {
    let kind = content.get("type").and_then(Value::as_str).unwrap_or("");
    match kind {
        "text" => Ok(json!({"text": content.get("text").and_then(Value::as_str).unwrap_or("")})),
        "image" | "audio" | "video" | "document" => {
            let mime = content.get("mime_type").and_then(Value::as_str);
            if let Some(data) = content.get("data").and_then(Value::as_str) {
                let mut inline = Map::new();
                inline.insert(
                    "mimeType".into(),
                    json!(mime.unwrap_or("application/octet-stream")),
                );
                inline.insert("data".into(), json!(data));
                Ok(json!({ "inlineData": inline }))
            } else if let Some(uri) = content.get("uri").and_then(Value::as_str) {
                let mut file = Map::new();
                file.insert("fileUri".into(), json!(uri));
                if let Some(m) = mime {
                    file.insert("mimeType".into(), json!(m));
                }
                Ok(json!({ "fileData": file }))
            } else {
                Err(invalid_at(&format!("{path}.data")))
            }
        }
        _ => Err(invalid_at(&format!("{path}.type"))),
    }
}

/// Appends `part` to the last content when it has `role`, else to a new content.
fn push_part(out: &mut Vec<Value>, role: &str, part: Value) {
    if let Some(last) = out.last_mut() {
        if last.get("role").and_then(Value::as_str) == Some(role) {
            if let Some(parts) = last.get_mut("parts").and_then(Value::as_array_mut) {
                parts.push(part);
                return;
            }
        }
    }
    out.push(json!({"role": role, "parts": [part]}));
}

/// The name of the function call `id` in `history`.
fn call_name(history: &[&[Value]], id: &str) -> Option<String> {
    history
        .iter()
        .flat_map(|h| h.iter())
        .filter_map(|c| c.get("parts").and_then(Value::as_array))
        .flatten()
        .filter_map(|p| p.get("functionCall"))
        .find(|fc| fc.get("id").and_then(Value::as_str) == Some(id))
        .and_then(|fc| fc.get("name").and_then(Value::as_str))
        .map(str::to_owned)
}

/// Input steps as `generateContent` contents, following `earlier` (the stored conversation,
/// to name the calls that `function_result` steps answer).
pub(super) fn to_contents(steps: &[Value], earlier: &[Value]) -> Result<Vec<Value>, ApiError> {
    let mut out: Vec<Value> = Vec::new();
    let mut signature: Option<String> = None;
    for (i, step) in steps.iter().enumerate() {
        let kind = step.get("type").and_then(Value::as_str).unwrap_or("");
        let contents = || step.get("content").and_then(Value::as_array);
        match kind {
            "user_input" | "model_output" => {
                let role = if kind == "user_input" {
                    "user"
                } else {
                    "model"
                };
                for (j, c) in contents().into_iter().flatten().enumerate() {
                    let mut p = part(c, &format!("input[{i}].content[{j}]"))?;
                    if role == "model" {
                        if let (Some(sig), Some(m)) = (signature.take(), p.as_object_mut()) {
                            m.insert("thoughtSignature".into(), json!(sig));
                        }
                    }
                    push_part(&mut out, role, p);
                }
            }
            "thought" => {
                signature = step
                    .get("signature")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned);
            }
            "function_call" => {
                let Some(name) = step.get("name").and_then(Value::as_str) else {
                    return Err(invalid_at(&format!("input[{i}].name")));
                };
                let mut call = Map::new();
                if let Some(id) = step.get("id") {
                    call.insert("id".into(), id.clone());
                }
                call.insert("name".into(), json!(name));
                call.insert(
                    "args".into(),
                    step.get("arguments").cloned().unwrap_or_else(|| json!({})),
                );
                let mut p = Map::new();
                p.insert("functionCall".into(), Value::Object(call));
                let sig = step
                    .get("signature")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .or_else(|| signature.take());
                if let Some(sig) = sig {
                    p.insert("thoughtSignature".into(), json!(sig));
                }
                push_part(&mut out, "model", Value::Object(p));
            }
            "function_result" => {
                let Some(call_id) = step.get("call_id").and_then(Value::as_str) else {
                    return Err(invalid_at(&format!("input[{i}].call_id")));
                };
                let name = step
                    .get("name")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .or_else(|| call_name(&[earlier, &out], call_id))
                    .ok_or_else(|| invalid_at(&format!("input[{i}].call_id")))?;
                let result = step.get("result").cloned().unwrap_or(Value::Null);
                let response = match result {
                    Value::Object(m) => Value::Object(m),
                    other => json!({ "result": other }),
                };
                push_part(
                    &mut out,
                    "user",
                    json!({"functionResponse": {"id": call_id, "name": name, "response": response}}),
                );
            }
            // Built-in tool calls and results ran on the server; the model does not see them.
            _ => {}
        }
    }
    Ok(out)
}

/// The text of a `system_instruction` (a string, a content, or a list of contents).
fn system_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(_) => v
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        Value::Array(items) => items.iter().map(system_text).collect(),
        _ => String::new(),
    }
}

/// The `generateContent` request for a model-form create request whose conversation is
/// `contents`.
pub(super) fn generate_request(body: &Map<String, Value>, contents: Vec<Value>) -> Value {
    let mut req = Map::new();
    req.insert("contents".into(), Value::Array(contents));
    if let Some(si) = body.get("system_instruction") {
        let text = system_text(si);
        if !text.is_empty() {
            req.insert(
                "systemInstruction".into(),
                json!({"parts": [{"text": text}]}),
            );
        }
    }
    let mut declarations = Vec::new();
    let mut tools = Vec::new();
    for tool in body
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match tool.get("type").and_then(Value::as_str) {
            Some("function") => {
                let mut d = Map::new();
                for (from, to) in [
                    ("name", "name"),
                    ("description", "description"),
                    ("parameters", "parametersJsonSchema"),
                ] {
                    if let Some(v) = tool.get(from) {
                        d.insert(to.into(), v.clone());
                    }
                }
                declarations.push(Value::Object(d));
            }
            Some("google_search") => tools.push(json!({"googleSearch": {}})),
            Some("code_execution") => tools.push(json!({"codeExecution": {}})),
            Some("url_context") => tools.push(json!({"urlContext": {}})),
            _ => {}
        }
    }
    if !declarations.is_empty() {
        tools.insert(0, json!({ "functionDeclarations": declarations }));
    }
    if !tools.is_empty() {
        req.insert("tools".into(), Value::Array(tools));
    }
    let mut config = Map::new();
    let g = body.get("generation_config");
    for (from, to) in [
        ("temperature", "temperature"),
        ("top_p", "topP"),
        ("top_k", "topK"),
        ("seed", "seed"),
        ("stop_sequences", "stopSequences"),
        ("max_output_tokens", "maxOutputTokens"),
    ] {
        if let Some(v) = g.and_then(|g| g.get(from)).filter(|v| !v.is_null()) {
            config.insert(to.into(), v.clone());
        }
    }
    let summaries = g
        .and_then(|g| g.get("thinking_summaries"))
        .and_then(Value::as_str);
    if summaries == Some("auto") {
        config.insert("thinkingConfig".into(), json!({"includeThoughts": true}));
    }
    if let Some(choice) = g.and_then(|g| g.get("tool_choice")) {
        let fc = match choice {
            Value::String(mode) => json!({ "mode": mode.to_uppercase() }),
            Value::Object(_) => {
                let allowed = choice.get("allowed_tools").unwrap_or(&Value::Null);
                let mode = allowed
                    .get("mode")
                    .and_then(Value::as_str)
                    .unwrap_or("auto")
                    .to_uppercase();
                let names = allowed.get("tools").cloned().unwrap_or_else(|| json!([]));
                json!({"mode": mode, "allowedFunctionNames": names})
            }
            _ => Value::Null,
        };
        if !fc.is_null() {
            req.insert("toolConfig".into(), json!({ "functionCallingConfig": fc }));
        }
    }
    // `response_format`: one format or a list; the JSON one asks for JSON output.
    let formats: Vec<&Value> = match body.get("response_format") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    };
    let json_format = formats.iter().find(|f| {
        f.get("mime_type").and_then(Value::as_str) == Some("application/json")
            || f.get("type").and_then(Value::as_str) == Some("json")
            || f.get("schema").is_some()
    });
    if let Some(f) = json_format {
        config.insert("responseMimeType".into(), json!("application/json"));
        if let Some(schema) = f.get("schema") {
            config.insert("responseJsonSchema".into(), schema.clone());
        }
    } else if let Some(mime) = body.get("response_mime_type").and_then(Value::as_str) {
        config.insert("responseMimeType".into(), json!(mime));
    }
    if !config.is_empty() {
        req.insert("generationConfig".into(), Value::Object(config));
    }
    Value::Object(req)
}

/// An id in the style of the real function-call ids (`zggxzq8r`): 8 characters of `[a-z0-9]`.
pub(super) fn short_id(seed: u64) -> String {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = hash64(seed, b"interaction-call-id");
    (0..8)
        .map(|_| {
            let c = ALPHABET[(x % 36) as usize];
            x /= 36;
            char::from(c)
        })
        .collect()
}

/// The output steps of the model's answer `content` (one candidate's content), and the same
/// content with ids on its function calls (what the conversation keeps).
///
/// A thought (its summary and the turn's signature) comes first, then the text as one
/// `model_output` step, then one `function_call` step per call.
pub(super) fn output_steps(mut content: Value, seed: u64) -> (Vec<Value>, Value) {
    let mut thought_text = String::new();
    let mut signature: Option<String> = None;
    let mut text = String::new();
    let mut calls = Vec::new();
    if let Some(parts) = content.get_mut("parts").and_then(Value::as_array_mut) {
        for (i, p) in parts.iter_mut().enumerate() {
            if signature.is_none() {
                signature = p
                    .get("thoughtSignature")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
            }
            let is_thought = p.get("thought").and_then(Value::as_bool) == Some(true);
            if let Some(t) = p.get("text").and_then(Value::as_str) {
                if is_thought {
                    thought_text.push_str(t);
                } else {
                    text.push_str(t);
                }
            }
            if let Some(fc) = p.get_mut("functionCall").and_then(Value::as_object_mut) {
                let id = short_id(seed ^ hash64(i as u64, b"call"));
                fc.insert("id".into(), json!(id));
                let mut step = Map::new();
                step.insert("type".into(), json!("function_call"));
                step.insert("id".into(), json!(id));
                step.insert(
                    "name".into(),
                    fc.get("name").cloned().unwrap_or_else(|| json!("")),
                );
                step.insert(
                    "arguments".into(),
                    fc.get("args").cloned().unwrap_or_else(|| json!({})),
                );
                calls.push(Value::Object(step));
            }
        }
    }
    let mut steps = Vec::new();
    if signature.is_some() || !thought_text.is_empty() {
        let mut t = Map::new();
        t.insert("type".into(), json!("thought"));
        if let Some(sig) = &signature {
            t.insert("signature".into(), json!(sig));
        }
        if !thought_text.is_empty() {
            t.insert(
                "summary".into(),
                json!([{"type": "text", "text": thought_text}]),
            );
        }
        steps.push(Value::Object(t));
    }
    if !text.is_empty() || calls.is_empty() {
        steps.push(json!({"type": "model_output", "content": [{"type": "text", "text": text}]}));
    }
    steps.extend(calls);
    // The conversation keeps the answer without its thought-summary parts.
    if let Some(parts) = content.get_mut("parts").and_then(Value::as_array_mut) {
        parts.retain(|p| p.get("thought").and_then(Value::as_bool) != Some(true));
    }
    (steps, content)
}

/// The Interactions `usage` for a `generateContent` `usageMetadata`.
pub(super) fn usage(meta: &Value) -> Value {
    let n = |k: &str| meta.get(k).and_then(Value::as_u64).unwrap_or(0);
    let input = n("promptTokenCount");
    json!({
        "total_input_tokens": input,
        "total_output_tokens": n("candidatesTokenCount"),
        "total_thought_tokens": n("thoughtsTokenCount"),
        "total_cached_tokens": n("cachedContentTokenCount"),
        "total_tool_use_tokens": n("toolUsePromptTokenCount"),
        "total_tokens": n("totalTokenCount"),
        "input_tokens_by_modality": [{"modality": "text", "tokens": input}],
    })
}

/// A base64 signature for emulator-made thoughts (agents).
pub(super) fn signature(seed: u64) -> String {
    let bytes = crate::model::hash::digest(seed, b"interaction-thought", 48);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn unknown_fields_and_exclusive_pairs_are_rejected() {
        let e = check_request(&obj(json!({"model": "m", "input": "x", "bogus": 1}))).unwrap_err();
        assert_eq!(
            e.to_json(),
            json!({"error": {"message": "Invalid input at 'bogus'.", "code": "invalid_request"}})
        );
        let e = check_request(&obj(
            json!({"model": "m", "input": "x", "generation_config": {"temprature": 1}}),
        ))
        .unwrap_err();
        assert_eq!(
            e.message,
            "Invalid input at 'generation_config.temprature'."
        );
        for body in [
            json!({"model": "m", "agent": "a", "input": "x"}),
            json!({"agent": "a", "generation_config": {}, "input": "x"}),
            json!({"agent": "a", "cached_content": "cachedContents/c", "input": "x"}),
            json!({"model": "m", "agent_config": {"type": "deep-research"}, "generation_config": {}, "input": "x"}),
        ] {
            let e = check_request(&obj(body.clone())).unwrap_err();
            assert_eq!(e.code, 400, "{body}");
            assert!(e.message.contains("mutually exclusive"), "{body}");
        }
        let e = check_request(&obj(json!({"input": "x"}))).unwrap_err();
        assert!(e.message.contains("one of 'model' or 'agent'"));
        let e = check_request(&obj(
            json!({"model": "m", "input": "x", "tools": [{"type": "teleport"}]}),
        ))
        .unwrap_err();
        assert_eq!(e.message, "Invalid input at 'tools[0].type'.");
        check_request(&obj(json!({
            "model": "m", "input": "x", "stream": true, "store": false,
            "generation_config": {"temperature": 0.5, "thinking_level": "low"},
            "tools": [{"type": "function", "name": "f"}, {"type": "google_search"}]
        })))
        .unwrap();
    }

    #[test]
    fn inputs_become_steps_and_contents() {
        let steps = input_steps(Some(&json!("Hi"))).unwrap();
        assert_eq!(
            steps,
            vec![json!({"type": "user_input", "content": [{"type": "text", "text": "Hi"}]})]
        );
        let steps = input_steps(Some(&json!([
            {"type": "text", "text": "Look"},
            {"type": "image", "mime_type": "image/png", "data": "AAAA"}
        ])))
        .unwrap();
        assert_eq!(steps.len(), 1);
        let contents = to_contents(&steps, &[]).unwrap();
        assert_eq!(
            contents,
            vec![json!({"role": "user", "parts": [
                {"text": "Look"},
                {"inlineData": {"mimeType": "image/png", "data": "AAAA"}}
            ]})]
        );
        assert_eq!(
            input_steps(Some(&json!([{"type": "warp"}])))
                .unwrap_err()
                .message,
            "Invalid input at 'input[0].type'."
        );
        assert!(input_steps(None).is_err());
        assert_eq!(
            input_steps(Some(&json!([{"type": "user_input", "content": [
                {"type": "video", "uri": "u", "processing": {}, "bogus": 1}
            ]}])))
            .unwrap_err()
            .message,
            "Invalid input at 'input[0].content[0].bogus'."
        );
        assert_eq!(
            input_steps(Some(&json!({"type": "text", "text": "x", "lang": "en"})))
                .unwrap_err()
                .message,
            "Invalid input at 'input.lang'."
        );
        assert_eq!(
            input_steps(Some(
                &json!([{"type": "function_result", "call_id": "c", "output": 1}])
            ))
            .unwrap_err()
            .message,
            "Invalid input at 'input[0].output'."
        );
        // A function result names its call from the stored conversation.
        let earlier = vec![json!({"role": "model", "parts": [
            {"functionCall": {"id": "c1", "name": "get_weather", "args": {}}}
        ]})];
        let steps = input_steps(Some(&json!([
            {"type": "function_result", "call_id": "c1", "result": "sunny"}
        ])))
        .unwrap();
        assert_eq!(
            to_contents(&steps, &earlier).unwrap(),
            vec![json!({"role": "user", "parts": [{"functionResponse": {
                "id": "c1", "name": "get_weather", "response": {"result": "sunny"}
            }}]})]
        );
        let unknown = input_steps(Some(&json!([
            {"type": "function_result", "call_id": "nope", "result": "x"}
        ])))
        .unwrap();
        assert!(to_contents(&unknown, &earlier).is_err());
    }

    #[test]
    fn generation_settings_map_to_generate_content() {
        let body = obj(json!({
            "model": "m",
            "system_instruction": "Be terse.",
            "tools": [{"type": "function", "name": "f", "parameters": {"type": "object"}}],
            "generation_config": {"max_output_tokens": 9, "stop_sequences": ["END"],
                                  "thinking_summaries": "auto", "tool_choice": "any"},
            "response_format": {"type": "text", "mime_type": "application/json",
                                "schema": {"type": "object"}}
        }));
        let req = generate_request(&body, vec![]);
        assert_eq!(req["systemInstruction"]["parts"][0]["text"], "Be terse.");
        assert_eq!(req["tools"][0]["functionDeclarations"][0]["name"], "f");
        assert_eq!(req["generationConfig"]["maxOutputTokens"], 9);
        assert_eq!(
            req["generationConfig"]["thinkingConfig"]["includeThoughts"],
            true
        );
        assert_eq!(
            req["generationConfig"]["responseMimeType"],
            "application/json"
        );
        assert_eq!(req["toolConfig"]["functionCallingConfig"]["mode"], "ANY");
    }

    #[test]
    fn answers_become_steps() {
        let content = json!({"role": "model", "parts": [
            {"text": "Planning", "thought": true},
            {"functionCall": {"name": "a", "args": {"x": 1}}, "thoughtSignature": "c2ln"},
            {"functionCall": {"name": "b", "args": {}}}
        ]});
        let (steps, kept) = output_steps(content, 7);
        let kinds: Vec<&str> = steps.iter().map(|s| s["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["thought", "function_call", "function_call"]);
        assert_eq!(steps[0]["signature"], "c2ln");
        assert_eq!(steps[0]["summary"][0]["text"], "Planning");
        assert_eq!(steps[1]["arguments"], json!({"x": 1}));
        assert_ne!(steps[1]["id"], steps[2]["id"]);
        assert_eq!(kept["parts"].as_array().unwrap().len(), 2);
        assert_eq!(kept["parts"][0]["functionCall"]["id"], steps[1]["id"]);
    }
}
