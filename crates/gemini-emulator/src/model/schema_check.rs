//! Checks a JSON value against a schema (the subset of JSON Schema and of the API's OpenAPI
//! dialect that [`generate_json`](super::schema_gen::generate_json) produces values for).
//!
//! Supported: `type` (string or list, any case), `nullable`, `enum`, `const`, `$ref` (local
//! pointers), `anyOf`, `oneOf`, `allOf`, `properties`, `required`, `additionalProperties`,
//! `minProperties`/`maxProperties`, `items`, `prefixItems`, `minItems`/`maxItems`,
//! `uniqueItems`, `minLength`/`maxLength`, `minimum`/`maximum`, `exclusiveMinimum`/
//! `exclusiveMaximum` (numeric), `multipleOf`. `pattern` and `format` are not checked.

use std::fmt;

use serde_json::Value;

use super::schema_util::{MAX_DEPTH, count, list, num, required, resolve, types};

/// Why a value does not match a schema: a JSON pointer into the value and a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    path: String,
    reason: String,
}

impl SchemaError {
    /// A JSON pointer to the offending value (`""` for the root).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What is wrong there.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "at {path}: {}", self.reason)
    }
}

impl std::error::Error for SchemaError {}

/// Checks that `value` validates against `schema`.
pub fn validate_json(schema: &Value, value: &Value) -> Result<(), SchemaError> {
    check(schema, schema, value)
}

/// Checks `value` against `schema`, resolving `$ref`s against `root`.
pub(crate) fn check(root: &Value, schema: &Value, value: &Value) -> Result<(), SchemaError> {
    Checker { root }.at(schema, value, &mut String::new(), 0)
}

struct Checker<'a> {
    root: &'a Value,
}

fn err(path: &str, reason: impl Into<String>) -> Result<(), SchemaError> {
    Err(SchemaError {
        path: path.to_owned(),
        reason: reason.into(),
    })
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn type_matches(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "number" => v.is_number(),
        "integer" => v
            .as_f64()
            .is_some_and(|f| f.fract() == 0.0 && v.is_number()),
        _ => true,
    }
}

impl Checker<'_> {
    fn at(
        &self,
        schema: &Value,
        value: &Value,
        path: &mut String,
        depth: usize,
    ) -> Result<(), SchemaError> {
        if depth > MAX_DEPTH {
            return err(path, "schema nesting too deep");
        }
        let schema = resolve(schema, self.root);
        if !schema.is_object() {
            return Ok(());
        }
        if let Some(c) = schema.get("const") {
            if !same(c, value) {
                return err(path, format!("expected const {c}"));
            }
        }
        let choices = list(schema, "enum");
        if !choices.is_empty() && !choices.iter().any(|c| same(c, value)) {
            return err(path, format!("{value} is not one of the enum values"));
        }
        let ts = types(schema);
        if !ts.is_empty() && !ts.iter().any(|t| type_matches(t, value)) {
            return err(path, format!("{value} is not of type {}", ts.join("|")));
        }
        let any = list(schema, "anyOf");
        if !any.is_empty()
            && !any
                .iter()
                .any(|s| self.at(s, value, &mut path.clone(), depth + 1).is_ok())
        {
            return err(path, "matches no anyOf branch");
        }
        let one = list(schema, "oneOf");
        if !one.is_empty() {
            let n = one
                .iter()
                .filter(|s| self.at(s, value, &mut path.clone(), depth + 1).is_ok())
                .count();
            if n != 1 {
                return err(path, format!("matches {n} oneOf branches, expected 1"));
            }
        }
        for s in list(schema, "allOf") {
            self.at(s, value, path, depth + 1)?;
        }
        match value {
            Value::Object(m) => self.object(schema, m, path, depth),
            Value::Array(a) => self.array(schema, a, path, depth),
            Value::String(s) => {
                let n = s.chars().count();
                if count(schema, "minLength").is_some_and(|min| n < min) {
                    return err(path, "string shorter than minLength");
                }
                if count(schema, "maxLength").is_some_and(|max| n > max) {
                    return err(path, "string longer than maxLength");
                }
                Ok(())
            }
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(0.0);
                if num(schema, "minimum").is_some_and(|m| x < m) {
                    return err(path, "below minimum");
                }
                if num(schema, "maximum").is_some_and(|m| x > m) {
                    return err(path, "above maximum");
                }
                if num(schema, "exclusiveMinimum").is_some_and(|m| x <= m) {
                    return err(path, "not above exclusiveMinimum");
                }
                if num(schema, "exclusiveMaximum").is_some_and(|m| x >= m) {
                    return err(path, "not below exclusiveMaximum");
                }
                if let Some(m) = num(schema, "multipleOf").filter(|m| *m > 0.0) {
                    let q = x / m;
                    if (q - q.round()).abs() > 1e-9 {
                        return err(path, "not a multiple of multipleOf");
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn object(
        &self,
        schema: &Value,
        m: &serde_json::Map<String, Value>,
        path: &mut String,
        depth: usize,
    ) -> Result<(), SchemaError> {
        for key in required(schema) {
            if !m.contains_key(key) {
                return err(path, format!("missing required property `{key}`"));
            }
        }
        if count(schema, "minProperties").is_some_and(|n| m.len() < n) {
            return err(path, "fewer properties than minProperties");
        }
        if count(schema, "maxProperties").is_some_and(|n| m.len() > n) {
            return err(path, "more properties than maxProperties");
        }
        let props = schema.get("properties").and_then(Value::as_object);
        for (k, v) in m {
            let len = path.len();
            path.push('/');
            path.push_str(&k.replace('~', "~0").replace('/', "~1"));
            let result = match props.and_then(|p| p.get(k)) {
                Some(sub) => self.at(sub, v, path, depth + 1),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => err(path, "additional property not allowed"),
                    Some(sub @ Value::Object(_)) => self.at(sub, v, path, depth + 1),
                    _ => Ok(()),
                },
            };
            result?;
            path.truncate(len);
        }
        Ok(())
    }

    fn array(
        &self,
        schema: &Value,
        a: &[Value],
        path: &mut String,
        depth: usize,
    ) -> Result<(), SchemaError> {
        if count(schema, "minItems").is_some_and(|n| a.len() < n) {
            return err(path, "fewer items than minItems");
        }
        if count(schema, "maxItems").is_some_and(|n| a.len() > n) {
            return err(path, "more items than maxItems");
        }
        if schema.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
            for (i, x) in a.iter().enumerate() {
                if a.iter().skip(i + 1).any(|y| same(x, y)) {
                    return err(path, "items are not unique");
                }
            }
        }
        let prefix = list(schema, "prefixItems");
        for (i, v) in a.iter().enumerate() {
            let sub = match prefix.get(i) {
                Some(s) => Some(s),
                None => schema.get("items"),
            };
            if let Some(sub) = sub {
                let len = path.len();
                path.push('/');
                path.push_str(&i.to_string());
                self.at(sub, v, path, depth + 1)?;
                path.truncate(len);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rejects_what_it_should() {
        let s = json!({"type": "object", "properties": {"a": {"type": "integer", "maximum": 3}},
                       "required": ["a"], "additionalProperties": false});
        assert!(validate_json(&s, &json!({"a": 2})).is_ok());
        assert_eq!(validate_json(&s, &json!({})).unwrap_err().path(), "");
        assert_eq!(
            validate_json(&s, &json!({"a": 4})).unwrap_err().path(),
            "/a"
        );
        assert!(validate_json(&s, &json!({"a": 1.5})).is_err());
        assert!(validate_json(&s, &json!({"a": 1, "b": 2})).is_err());
        assert!(validate_json(&json!({"type": "STRING", "enum": ["x"]}), &json!("y")).is_err());
        assert!(validate_json(&json!({"type": "STRING", "nullable": true}), &json!(null)).is_ok());
        assert!(validate_json(&json!({"type": "ARRAY", "minItems": "2"}), &json!([1])).is_err());
        let e = validate_json(
            &json!({"type": "array", "items": {"type": "string"}}),
            &json!(["a", 1]),
        );
        assert_eq!(e.unwrap_err().to_string(), "at /1: 1 is not of type string");
    }
}
