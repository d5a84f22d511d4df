//! Strict request validation, like the real service's proto-JSON parser.
//!
//! The body is decoded with the `gemini-types` request type and serialized again; any key of
//! the input that did not survive the round trip is a field the types do not know, and is
//! rejected with the real message (`Invalid JSON payload received. Unknown name "foo" at
//! 'contents[0]': Cannot find field.`, see `../shared/spec/real/errors/` and
//! `../shared/spec/examples/error_400_bad_request_field.json`). Types that keep unknown fields
//! for history round trips (`Content`, `Part`, `FunctionCall`, `FunctionResponse`) are checked
//! separately through their `extra` maps.
//!
//! What proto JSON allows is accepted: snake_case names for message fields (never rewritten
//! inside `Struct` payloads such as `functionCall.args` or `responseJsonSchema`), a single
//! object where a list is expected, int64 as string or number, base64 variants and duration
//! spellings (values are not compared, only keys).

use gemini_types::{Content, PartData};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::errors::ApiError;

/// A violation: the field path (snake_case, `""` at the top level) and the unknown key.
pub(crate) type Unknown = (String, String);

/// Decodes `input` as `T`, rejecting unknown fields. Returns the value and its canonical
/// (camelCase, re-serialized) JSON.
pub(crate) fn parse_strict<T: DeserializeOwned + Serialize>(
    input: &Value,
    extras: impl FnOnce(&T, &mut Vec<Unknown>),
) -> Result<(T, Value), ApiError> {
    parse_strict_under(input, "", extras)
}

/// [`parse_strict`] for a message found at field path `root` (`setup` for a Live setup):
/// every reported path starts there, as in the real messages (`at 'setup.generation_config'`).
pub(crate) fn parse_strict_under<T: DeserializeOwned + Serialize>(
    input: &Value,
    root: &str,
    extras: impl FnOnce(&T, &mut Vec<Unknown>),
) -> Result<(T, Value), ApiError> {
    let parsed = T::deserialize(input)
        .map_err(|e| ApiError::invalid_argument(format!("Invalid JSON payload received. {e}")))?;
    let canonical = serde_json::to_value(&parsed)
        .map_err(|e| ApiError::invalid_argument(format!("Invalid JSON payload received. {e}")))?;
    let mut unknown = Vec::new();
    // Under a root (the Live messages) an unknown key holding `{}` is reported too, as the
    // real Live service does (`inputAudioTranscription: {}` inside `generationConfig`).
    diff(
        input,
        &canonical,
        None,
        &mut root.to_owned(),
        &mut unknown,
        !root.is_empty(),
    );
    let mut own = Vec::new();
    extras(&parsed, &mut own);
    unknown.extend(own.into_iter().map(|(path, key)| {
        let path = match (root.is_empty(), path.is_empty()) {
            (true, _) => path,
            (false, true) => root.to_owned(),
            (false, false) => format!("{root}.{path}"),
        };
        (path, key)
    }));
    if unknown.is_empty() {
        Ok((parsed, canonical))
    } else {
        Err(unknown_fields_error(&unknown))
    }
}

/// The real error for unknown fields.
pub(crate) fn unknown_fields_error(unknown: &[Unknown]) -> ApiError {
    let violations: Vec<(String, String)> = unknown
        .iter()
        .map(|(path, key)| {
            let description = if path.is_empty() {
                format!("Invalid JSON payload received. Unknown name \"{key}\": Cannot find field.")
            } else {
                format!(
                    "Invalid JSON payload received. Unknown name \"{key}\" at '{path}': Cannot \
                     find field."
                )
            };
            (path.clone(), description)
        })
        .collect();
    ApiError::bad_request(&violations)
}

/// The real error for a body that is not JSON at all.
pub(crate) fn malformed_json_error(body: &[u8], err: &serde_json::Error) -> ApiError {
    let reason = match err.classify() {
        serde_json::error::Category::Eof => "Unexpected end of string.",
        _ => "Unexpected token.",
    };
    // The real message quotes the offending line with a caret under the column.
    let text = String::from_utf8_lossy(body);
    let line = text.lines().nth(err.line().saturating_sub(1)).unwrap_or("");
    let snippet: String = line.chars().take(120).collect();
    let col = err.column().saturating_sub(1).min(snippet.chars().count());
    ApiError::invalid_argument(format!(
        "Invalid JSON payload received. {reason}\n{snippet}\n{}^",
        " ".repeat(col)
    ))
}

/// Keys whose values are `google.protobuf.Struct`/`Value` payloads (never validated), given
/// the key of the message that holds them.
fn is_struct_payload(parent: Option<&str>, key: &str) -> bool {
    match key {
        "args" => matches!(parent, Some("functionCall" | "toolCall")),
        "response" => matches!(parent, Some("functionResponse" | "toolResponse")),
        "responseJsonSchema"
        | "_responseJsonSchema"
        | "parametersJsonSchema"
        | "partMetadata"
        | "default"
        | "example"
        | "labels"
        | "metadata"
        | "mediaProcessing"
        | "documentMetadata"
        | "spreadsheetMetadata"
        | "audioMetadata"
        | "speechMetadata" => true,
        _ => false,
    }
}

/// Keys of `map<string, Message>` fields, whose entries appear in paths as `key[i].value`.
fn is_message_map(key: &str) -> bool {
    key == "properties"
}

fn is_default(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

/// `thinkingConfig` -> `thinking_config` (paths in messages use proto field names).
pub(crate) fn snake(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `thinking_config` -> `thinkingConfig`.
pub(crate) fn camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for (i, c) in key.chars().enumerate() {
        if c == '_' && i > 0 {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn lookup<'a>(out: &'a Map<String, Value>, key: &str, camel_key: &str) -> Option<&'a Value> {
    out.get(camel_key).or_else(|| out.get(key))
}

fn push_path(path: &mut String, segment: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(segment);
}

/// Walks `input` against the re-serialized `output`, collecting keys that were lost.
fn diff(
    input: &Value,
    output: &Value,
    parent: Option<&str>,
    path: &mut String,
    unknown: &mut Vec<Unknown>,
    strict: bool,
) {
    match (input, output) {
        (Value::Object(inp), Value::Object(out)) => {
            for (key, value) in inp {
                let ck = camel(key);
                if is_struct_payload(parent, &ck) {
                    continue;
                }
                let Some(out_value) = lookup(out, key, &ck) else {
                    if !is_default(value) || (strict && value.is_object()) {
                        unknown.push((path.clone(), key.clone()));
                    }
                    continue;
                };
                let len = path.len();
                if is_message_map(&ck) {
                    if let (Value::Object(entries), Value::Object(out_entries)) = (value, out_value)
                    {
                        for (i, (name, entry)) in entries.iter().enumerate() {
                            if let Some(out_entry) = out_entries.get(name) {
                                let l = path.len();
                                push_path(path, &format!("{}[{i}].value", snake(&ck)));
                                diff(entry, out_entry, None, path, unknown, strict);
                                path.truncate(l);
                            }
                        }
                        continue;
                    }
                }
                match (value, out_value) {
                    (Value::Array(items), Value::Array(out_items)) => {
                        for (i, (item, out_item)) in items.iter().zip(out_items).enumerate() {
                            push_path(path, &format!("{}[{i}]", snake(&ck)));
                            diff(item, out_item, Some(&ck), path, unknown, strict);
                            path.truncate(len);
                        }
                    }
                    // A single object where a list is expected: the path has no index.
                    (Value::Object(_), Value::Array(out_items)) => {
                        if let Some(first) = out_items.first() {
                            push_path(path, &snake(&ck));
                            diff(value, first, Some(&ck), path, unknown, strict);
                            path.truncate(len);
                        }
                    }
                    _ => {
                        push_path(path, &snake(&ck));
                        diff(value, out_value, Some(&ck), path, unknown, strict);
                        path.truncate(len);
                    }
                }
            }
        }
        (Value::Array(items), Value::Array(out_items)) => {
            for (item, out_item) in items.iter().zip(out_items) {
                diff(item, out_item, parent, path, unknown, strict);
            }
        }
        _ => {}
    }
}

/// Unknown fields kept in the `extra` maps of a history `Content` found at `path`.
pub(crate) fn content_extras(content: &Content, path: &str, unknown: &mut Vec<Unknown>) {
    for key in content.extra.keys() {
        unknown.push((path.to_owned(), key.clone()));
    }
    for (j, part) in content.parts.iter().enumerate() {
        let part_path = format!("{path}.parts[{j}]");
        for key in part.extra.keys() {
            unknown.push((part_path.clone(), key.clone()));
        }
        match &part.data {
            PartData::Unknown { key, .. } => unknown.push((part_path.clone(), key.clone())),
            PartData::FunctionCall(fc) => {
                for key in fc.extra.keys() {
                    unknown.push((format!("{part_path}.function_call"), key.clone()));
                }
            }
            PartData::FunctionResponse(fr) => {
                for key in fr.extra.keys() {
                    unknown.push((format!("{part_path}.function_response"), key.clone()));
                }
            }
            _ => {}
        }
    }
}

/// Unknown fields in the `extra` maps of every `Content` of a list at `path`.
pub(crate) fn contents_extras(contents: &[Content], path: &str, unknown: &mut Vec<Unknown>) {
    for (i, c) in contents.iter().enumerate() {
        content_extras(c, &format!("{path}[{i}]"), unknown);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Cfg {
        #[serde(alias = "max_output_tokens", skip_serializing_if = "Option::is_none")]
        max_output_tokens: Option<i32>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Req {
        #[serde(
            default,
            alias = "generation_config",
            skip_serializing_if = "Option::is_none"
        )]
        generation_config: Option<Cfg>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        items: Vec<Cfg>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        function_call: Option<Value>,
    }

    #[allow(clippy::needless_pass_by_value)] // Call sites read better with `json!` inline.
    fn unknowns(v: Value) -> Vec<Unknown> {
        let out = serde_json::to_value(Req::deserialize(&v).unwrap()).unwrap();
        let mut u = Vec::new();
        diff(&v, &out, None, &mut String::new(), &mut u, false);
        u
    }

    #[test]
    fn finds_lost_keys_with_proto_paths() {
        assert!(unknowns(json!({"generation_config": {"max_output_tokens": 5}})).is_empty());
        assert_eq!(
            unknowns(json!({"generationConfig": {"max_tokens": 5}})),
            vec![("generation_config".to_owned(), "max_tokens".to_owned())]
        );
        assert_eq!(
            unknowns(json!({"foo": 1})),
            vec![(String::new(), "foo".to_owned())]
        );
        assert_eq!(
            unknowns(json!({"items": [{}, {"bar": true}]})),
            vec![("items[1]".to_owned(), "bar".to_owned())]
        );
        assert!(unknowns(json!({"foo": null, "functionCall": {"args": {"x_y": 1}}})).is_empty());
    }

    #[test]
    fn case_conversion() {
        assert_eq!(snake("functionDeclarations"), "function_declarations");
        assert_eq!(camel("function_declarations"), "functionDeclarations");
        assert_eq!(camel("_responseJsonSchema"), "_responseJsonSchema");
    }

    #[test]
    fn messages_match_the_real_wording() {
        let e = unknown_fields_error(&[("contents[0]".into(), "foo".into())]);
        assert_eq!(
            e.message,
            "Invalid JSON payload received. Unknown name \"foo\" at 'contents[0]': Cannot find field."
        );
        let e = unknown_fields_error(&[(String::new(), "foo".into())]);
        assert_eq!(
            e.message,
            "Invalid JSON payload received. Unknown name \"foo\": Cannot find field."
        );
    }
}
