//! Generates JSON that validates against a schema (JSON Schema or the API's OpenAPI subset).
//!
//! Used for `responseMimeType: application/json` replies and for the arguments of emulated
//! function calls. Deterministic: the same schema and seed give the same value.

use serde_json::{Map, Number, Value, json};

use super::hash::Rng;
use super::schema_check::check;
use super::schema_util::{
    MAX_DEPTH, count, list, main_type, num, property_order, required, resolve,
};

/// Beyond this depth, optional properties are left out and arrays get their minimum length.
const SHALLOW: usize = 4;

/// A value that validates against `schema`, derived deterministically from `seed`.
pub fn generate_json(schema: &Value, seed: u64) -> Value {
    let mut rng = Rng::new(seed);
    Generator { root: schema }.value(schema, &mut rng, 0, "value")
}

struct Generator<'a> {
    root: &'a Value,
}

impl Generator<'_> {
    fn value(&self, schema: &Value, rng: &mut Rng, depth: usize, name: &str) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        let schema = resolve(schema, self.root);
        if !schema.is_object() {
            // `true` or a non-schema: anything goes.
            return json!(format!("sample {name}"));
        }
        if let Some(c) = schema.get("const") {
            return c.clone();
        }
        let choices = list(schema, "enum");
        if !choices.is_empty() {
            let i = rng.below(choices.len() as u64) as usize;
            return choices.get(i).cloned().unwrap_or(Value::Null);
        }
        for key in ["anyOf", "oneOf"] {
            let alts = list(schema, key);
            if !alts.is_empty() {
                return self.alternative(schema, alts, rng, depth, name);
            }
        }
        let all = list(schema, "allOf");
        if !all.is_empty() {
            let merged = self.merge_all_of(schema, all);
            return self.value(&merged, rng, depth + 1, name);
        }
        match main_type(schema).as_str() {
            "object" => self.object(schema, rng, depth, name),
            "array" => self.array(schema, rng, depth, name),
            "integer" => integer(schema, rng),
            "number" => number(schema, rng),
            "boolean" => Value::Bool(rng.below(2) == 1),
            "null" => Value::Null,
            _ => string(schema, rng, name),
        }
    }

    fn alternative(
        &self,
        schema: &Value,
        alts: &[Value],
        rng: &mut Rng,
        depth: usize,
        name: &str,
    ) -> Value {
        // Prefer the first non-null alternative whose value validates against the whole schema
        // (which matters for `oneOf`, where exactly one branch may match).
        let mut fallback = None;
        for alt in alts {
            let resolved = resolve(alt, self.root);
            if main_type(resolved) == "null" && alts.len() > 1 {
                continue;
            }
            let candidate = self.value(alt, &mut rng.clone(), depth + 1, name);
            if check_in(self.root, schema, &candidate) {
                rng.next_u64();
                return candidate;
            }
            fallback.get_or_insert(candidate);
        }
        fallback.unwrap_or(Value::Null)
    }

    fn merge_all_of(&self, schema: &Value, all: &[Value]) -> Value {
        let mut merged = Map::new();
        let mut props = Map::new();
        let mut req: Vec<Value> = Vec::new();
        let mut parts: Vec<&Value> = vec![schema];
        parts.extend(all.iter().map(|s| resolve(s, self.root)));
        for part in parts {
            let Some(o) = part.as_object() else { continue };
            for (k, v) in o {
                match k.as_str() {
                    "allOf" => {}
                    "properties" => {
                        if let Some(p) = v.as_object() {
                            props.extend(p.clone());
                        }
                    }
                    "required" => req.extend(list(part, "required").iter().cloned()),
                    _ => {
                        merged.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
        }
        if !props.is_empty() {
            merged.insert("properties".into(), Value::Object(props));
            merged.entry("type").or_insert_with(|| json!("object"));
        }
        if !req.is_empty() {
            merged.insert("required".into(), Value::Array(req));
        }
        Value::Object(merged)
    }

    fn object(&self, schema: &Value, rng: &mut Rng, depth: usize, _name: &str) -> Value {
        let req = required(schema);
        let mut out = Map::new();
        for (key, sub) in property_order(schema) {
            if depth >= SHALLOW && !req.contains(&key) {
                continue;
            }
            out.insert(key.to_owned(), self.value(sub, rng, depth + 1, key));
        }
        // Required names without a property schema still have to be present.
        for key in req {
            if !out.contains_key(key) {
                let v = match schema.get("additionalProperties") {
                    Some(s @ Value::Object(_)) => self.value(s, rng, depth + 1, key),
                    _ => json!(format!("sample {key}")),
                };
                out.insert(key.to_owned(), v);
            }
        }
        let min_props = count(schema, "minProperties").unwrap_or(0);
        let mut i = 0;
        while out.len() < min_props && i < 64 {
            let key = format!("key{i}");
            let v = match schema.get("additionalProperties") {
                Some(s @ Value::Object(_)) => self.value(s, rng, depth + 1, &key),
                _ => json!(format!("sample {key}")),
            };
            out.entry(key).or_insert(v);
            i += 1;
        }
        Value::Object(out)
    }

    fn array(&self, schema: &Value, rng: &mut Rng, depth: usize, name: &str) -> Value {
        let min = count(schema, "minItems").unwrap_or(0);
        let max = count(schema, "maxItems").unwrap_or(usize::MAX).max(min);
        let wanted = if depth >= SHALLOW { min } else { 2 };
        let n = wanted.clamp(min, max).min(min.max(64));
        let prefix = list(schema, "prefixItems");
        let unique = schema.get("uniqueItems").and_then(Value::as_bool) == Some(true);
        let item_schema = schema.get("items").cloned().unwrap_or_else(|| json!({}));
        let mut out: Vec<Value> = Vec::with_capacity(n);
        for i in 0..n {
            let sub = prefix.get(i).unwrap_or(&item_schema);
            let mut v = self.value(sub, rng, depth + 1, name);
            let mut tries = 0;
            while unique && out.contains(&v) && tries < 16 {
                v = self.value(sub, rng, depth + 1, name);
                tries += 1;
            }
            if unique && out.contains(&v) {
                break;
            }
            out.push(v);
        }
        Value::Array(out)
    }
}

fn check_in(root: &Value, schema: &Value, value: &Value) -> bool {
    // Validate `value` against `schema`, resolving `$ref`s against the original root.
    check(root, schema, value).is_ok()
}

fn integer(schema: &Value, rng: &mut Rng) -> Value {
    let (lo, hi) = bounds(schema, 0.0, 100.0, true);
    let lo = lo.ceil() as i64;
    let hi = (hi.floor() as i64).max(lo);
    let step = num(schema, "multipleOf")
        .filter(|m| *m >= 1.0 && m.fract() == 0.0)
        .map_or(1, |m| m as i64);
    let first = lo.div_euclid(step) * step + if lo.rem_euclid(step) == 0 { 0 } else { step };
    let steps = ((hi - first) / step).max(0) as u64;
    Value::Number(Number::from(first + (rng.below(steps + 1) as i64) * step))
}

fn number(schema: &Value, rng: &mut Rng) -> Value {
    let (lo, hi) = bounds(schema, 0.0, 100.0, false);
    if let Some(m) = num(schema, "multipleOf").filter(|m| *m > 0.0) {
        let first = (lo / m).ceil();
        let last = (hi / m).floor().max(first);
        let k = first + rng.below((last - first) as u64 + 1) as f64;
        return json_f64(k * m);
    }
    let frac = rng.below(1000) as f64 / 1000.0;
    let v = ((lo + (hi - lo) * frac) * 100.0).round() / 100.0;
    json_f64(v.clamp(lo, hi))
}

fn json_f64(v: f64) -> Value {
    Number::from_f64(v).map_or(Value::Null, Value::Number)
}

/// The inclusive numeric range allowed by `minimum`/`maximum`/`exclusive*`, intersected with a
/// default range when a side is open.
fn bounds(schema: &Value, dlo: f64, dhi: f64, integral: bool) -> (f64, f64) {
    let eps = if integral { 1.0 } else { 0.01 };
    let lo = num(schema, "minimum").or_else(|| num(schema, "exclusiveMinimum").map(|m| m + eps));
    let hi = num(schema, "maximum").or_else(|| num(schema, "exclusiveMaximum").map(|m| m - eps));
    match (lo, hi) {
        (Some(l), Some(h)) => (l, h.max(l)),
        (Some(l), None) => (l, l + (dhi - dlo)),
        (None, Some(h)) => ((h - (dhi - dlo)).min(dlo.min(h)), h),
        (None, None) => (dlo, dhi),
    }
}

fn string(schema: &Value, rng: &mut Rng, name: &str) -> Value {
    let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
    let mut s = match format {
        "date-time" => "2026-01-01T00:00:00Z".to_owned(),
        "date" => "2026-01-01".to_owned(),
        "time" => "12:00:00".to_owned(),
        "email" => "user@example.com".to_owned(),
        "uri" | "url" => format!("https://example.com/{}", slug(name)),
        "uuid" => "123e4567-e89b-42d3-a456-426614174000".to_owned(),
        "hostname" => "example.com".to_owned(),
        "ipv4" => "192.0.2.1".to_owned(),
        "ipv6" => "2001:db8::1".to_owned(),
        _ => format!("sample {} {}", name, rng.below(1000)),
    };
    let min = count(schema, "minLength").unwrap_or(0);
    let max = count(schema, "maxLength").unwrap_or(usize::MAX);
    let len = s.chars().count();
    if len < min {
        s.extend(std::iter::repeat_n('x', min - len));
    }
    if s.chars().count() > max {
        s = s.chars().take(max).collect();
    }
    Value::String(s)
}

fn slug(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(schema: &Value) -> Value {
        let v = generate_json(schema, 7);
        if let Err(e) = check(schema, schema, &v) {
            panic!("{v} does not validate against {schema}: {e}");
        }
        v
    }

    #[test]
    fn json_schema_objects_arrays_enums() {
        let schema = json!({
            "type": "object",
            "properties": {
                "name": {"type": "string", "minLength": 3, "maxLength": 40},
                "age": {"type": "integer", "minimum": 18, "maximum": 99},
                "score": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": true},
                "kind": {"enum": ["a", "b", "c"]},
                "nested": {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]},
                "maybe": {"type": ["string", "null"]},
                "email": {"type": "string", "format": "email"}
            },
            "required": ["name", "age", "tags", "nested"],
            "additionalProperties": false
        });
        let v = ok(&schema);
        assert!(v["age"].as_i64().unwrap() >= 18);
        assert_eq!(v, generate_json(&schema, 7));
    }

    #[test]
    fn openapi_dialect_and_refs() {
        ok(&json!({
            "type": "OBJECT",
            "properties": {
                "items": {"type": "ARRAY", "minItems": "3", "items": {"type": "INTEGER", "format": "int32"}},
                "choice": {"type": "STRING", "format": "enum", "enum": ["x", "y"]},
                "opt": {"type": "NUMBER", "nullable": true}
            },
            "required": ["items", "choice"],
            "propertyOrdering": ["choice", "items", "opt"]
        }));
        ok(&json!({
            "$defs": {"node": {"type": "object", "properties": {
                "value": {"type": "integer"},
                "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}
            }, "required": ["value"]}},
            "$ref": "#/$defs/node"
        }));
        ok(
            &json!({"anyOf": [{"type": "null"}, {"type": "integer", "multipleOf": 5, "minimum": 1}]}),
        );
        ok(&json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}));
        ok(&json!({"allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"properties": {"b": {"type": "integer"}}, "required": ["b"]}
        ]}));
        ok(
            &json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "boolean"}], "minItems": 2}),
        );
    }
}
