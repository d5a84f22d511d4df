//! What the schema generator and checker share: reading both schema dialects the API accepts.
//!
//! `responseJsonSchema` / `parametersJsonSchema` are JSON Schema (lowercase `type`, `$ref`,
//! `$defs`, `anyOf`, ...); `responseSchema` / `parameters` are the OpenAPI subset with UPPERCASE
//! types, `nullable`, and int64 bounds sent as strings (`"minItems": "1"`); see
//! `../shared/spec/API.md` gotcha 11. Both are read through the same helpers.

use serde_json::Value;

/// The deepest `$ref` / nesting level followed before giving up.
pub(crate) const MAX_DEPTH: usize = 24;

/// Follows a local `$ref` (`#/$defs/X`, `#/definitions/X`, any JSON pointer) against `root`.
pub(crate) fn resolve<'a>(schema: &'a Value, root: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..MAX_DEPTH {
        let Some(r) = current.get("$ref").and_then(Value::as_str) else {
            return current;
        };
        let target = match r.strip_prefix('#') {
            Some("") => Some(root),
            Some(pointer) => root.pointer(pointer),
            None => None,
        };
        match target {
            Some(t) => current = t,
            None => return current,
        }
    }
    current
}

/// The allowed types, lower-cased (`"STRING"` -> `"string"`), with `"null"` added for
/// `nullable: true`. Empty when the schema names no type.
pub(crate) fn types(schema: &Value) -> Vec<String> {
    let mut out: Vec<String> = match schema.get("type") {
        Some(Value::String(s)) => vec![s.to_ascii_lowercase()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_ascii_lowercase)
            .collect(),
        _ => Vec::new(),
    };
    out.retain(|t| t != "type_unspecified");
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) && !out.is_empty() {
        out.push("null".into());
    }
    out
}

/// The main (first non-null) type, inferred from the keywords when `type` is absent.
pub(crate) fn main_type(schema: &Value) -> String {
    let declared = types(schema);
    if let Some(t) = declared.iter().find(|t| *t != "null") {
        return t.clone();
    }
    if !declared.is_empty() {
        return "null".into();
    }
    if schema.get("properties").is_some() || schema.get("required").is_some() {
        "object".into()
    } else if schema.get("items").is_some() || schema.get("prefixItems").is_some() {
        "array".into()
    } else if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        match first {
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer".into(),
            Value::Number(_) => "number".into(),
            Value::Bool(_) => "boolean".into(),
            Value::Null => "null".into(),
            _ => "string".into(),
        }
    } else {
        "string".into()
    }
}

/// A numeric keyword, accepting a JSON number or a numeric string (int64 on the wire).
pub(crate) fn num(schema: &Value, key: &str) -> Option<f64> {
    match schema.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A non-negative count keyword (`minItems`, `maxLength`, ...).
pub(crate) fn count(schema: &Value, key: &str) -> Option<usize> {
    num(schema, key).filter(|n| *n >= 0.0).map(|n| n as usize)
}

/// A list keyword (`anyOf`, `oneOf`, `allOf`, `enum`, `required`...), empty when absent.
pub(crate) fn list<'a>(schema: &'a Value, key: &str) -> &'a [Value] {
    schema
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Property names in generation order: `propertyOrdering` first, then the rest.
pub(crate) fn property_order(schema: &Value) -> Vec<(&str, &Value)> {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let mut out: Vec<(&str, &Value)> = Vec::new();
    for name in list(schema, "propertyOrdering")
        .iter()
        .filter_map(Value::as_str)
    {
        if let Some((k, v)) = props.get_key_value(name) {
            out.push((k.as_str(), v));
        }
    }
    for (k, v) in props {
        if !out.iter().any(|(n, _)| n == k) {
            out.push((k.as_str(), v));
        }
    }
    out
}

/// The required property names.
pub(crate) fn required(schema: &Value) -> Vec<&str> {
    list(schema, "required")
        .iter()
        .filter_map(Value::as_str)
        .collect()
}
