//! The OpenAPI-subset `Schema` used by `responseSchema`, `FunctionDeclaration.parameters` and
//! `.response` (uppercase `type` values). The JSON Schema dialect (`responseJsonSchema`,
//! `parametersJsonSchema`) is plain [`serde_json::Value`] (../shared/spec/API.md §4.1).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::wire;

crate::open_enum! {
    /// The data type of a [`Schema`] (uppercase on the wire).
    pub enum Type {
        /// Unspecified.
        Unspecified = "TYPE_UNSPECIFIED",
        /// A string.
        String = "STRING",
        /// A number (float).
        Number = "NUMBER",
        /// An integer.
        Integer = "INTEGER",
        /// A boolean.
        Boolean = "BOOLEAN",
        /// A list.
        Array = "ARRAY",
        /// An object.
        Object = "OBJECT",
        /// Null.
        Null = "NULL",
    }
}

/// An OpenAPI-subset schema (`Schema`).
///
/// ```
/// use gemini_types::{Schema, Type};
/// let schema = Schema::object([
///     ("city", Schema::string().with_description("City name")),
///     ("days", Schema::integer()),
/// ])
/// .with_required(["city"]);
/// let json = serde_json::to_value(&schema).unwrap();
/// assert_eq!(json["type"], "OBJECT");
/// assert_eq!(json["properties"]["days"]["type"], "INTEGER");
/// assert_eq!(json["required"][0], "city");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Schema {
    /// `type`. Lowercase spellings (`"string"`), which the service also accepts, are kept as
    /// [`Type::Unknown`] so they round-trip unchanged.
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de_type"
    )]
    pub r#type: Option<Type>,
    /// `format`: e.g. `float`, `int32`, `enum`, `date-time`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// `title`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `nullable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    /// `enum`: allowed values of a STRING with format `enum`.
    #[serde(
        rename = "enum",
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize"
    )]
    pub r#enum: Vec<String>,
    /// `items`: the element schema of an ARRAY.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Self>>,
    /// `maxItems` (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::int64::serialize",
        deserialize_with = "wire::int64::deserialize",
        alias = "max_items"
    )]
    pub max_items: Option<i64>,
    /// `minItems` (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::int64::serialize",
        deserialize_with = "wire::int64::deserialize",
        alias = "min_items"
    )]
    pub min_items: Option<i64>,
    /// `properties` of an OBJECT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<BTreeMap<String, Self>>,
    /// `required` property names.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize"
    )]
    pub required: Vec<String>,
    /// `minProperties` (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::int64::serialize",
        deserialize_with = "wire::int64::deserialize",
        alias = "min_properties"
    )]
    pub min_properties: Option<i64>,
    /// `maxProperties` (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::int64::serialize",
        deserialize_with = "wire::int64::deserialize",
        alias = "max_properties"
    )]
    pub max_properties: Option<i64>,
    /// `minimum`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    /// `maximum`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// `minLength` (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::int64::serialize",
        deserialize_with = "wire::int64::deserialize",
        alias = "min_length"
    )]
    pub min_length: Option<i64>,
    /// `maxLength` (int64).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "wire::int64::serialize",
        deserialize_with = "wire::int64::deserialize",
        alias = "max_length"
    )]
    pub max_length: Option<i64>,
    /// `pattern`: a regular expression for STRING.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `example` (a present JSON `null` is kept as `Some(Value::Null)`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present_value"
    )]
    pub example: Option<Value>,
    /// `anyOf`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "any_of"
    )]
    pub any_of: Vec<Self>,
    /// `propertyOrdering`: the order in which properties are generated.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "wire::one_or_many::deserialize",
        alias = "property_ordering"
    )]
    pub property_ordering: Vec<String>,
    /// `default` (a present JSON `null` is kept as `Some(Value::Null)`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present_value"
    )]
    pub default: Option<Value>,
}

/// Keeps a present JSON `null` as `Some(Value::Null)` (plain `Option<Value>` would drop it).
fn present_value<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// Decodes `type`, tolerating (also under `--cfg gemini_strict_unknown`) other spellings of known values.
fn de_type<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Type>, D::Error> {
    let Some(s) = Option::<std::borrow::Cow<'de, str>>::deserialize(d)? else {
        return Ok(None);
    };
    let t = Type::from_wire(&s);
    if cfg!(gemini_strict_unknown)
        && t.is_unknown()
        && !Type::KNOWN
            .iter()
            .any(|k| k.as_str().eq_ignore_ascii_case(&s))
    {
        return Err(serde::de::Error::custom(format_args!(
            "strict-unknown: unknown Type value `{s}`"
        )));
    }
    Ok(Some(t))
}

impl Schema {
    /// A schema of the given type.
    pub fn of_type(t: Type) -> Self {
        Self {
            r#type: Some(t),
            ..Self::default()
        }
    }

    /// A STRING schema.
    pub fn string() -> Self {
        Self::of_type(Type::String)
    }

    /// A NUMBER schema.
    pub fn number() -> Self {
        Self::of_type(Type::Number)
    }

    /// An INTEGER schema.
    pub fn integer() -> Self {
        Self::of_type(Type::Integer)
    }

    /// A BOOLEAN schema.
    pub fn boolean() -> Self {
        Self::of_type(Type::Boolean)
    }

    /// An ARRAY of `items`.
    pub fn array(items: Self) -> Self {
        Self {
            items: Some(Box::new(items)),
            ..Self::of_type(Type::Array)
        }
    }

    /// An OBJECT with the given properties (in that `propertyOrdering`).
    pub fn object<K: Into<String>>(properties: impl IntoIterator<Item = (K, Self)>) -> Self {
        let mut s = Self::of_type(Type::Object);
        s.properties = Some(BTreeMap::new());
        for (k, v) in properties {
            let k = k.into();
            s.property_ordering.push(k.clone());
            s.properties.get_or_insert_with(BTreeMap::new).insert(k, v);
        }
        s
    }

    /// A STRING enum (`format: "enum"`) with the given values.
    pub fn enumeration<S: Into<String>>(values: impl IntoIterator<Item = S>) -> Self {
        Self {
            format: Some("enum".to_owned()),
            r#enum: values.into_iter().map(Into::into).collect(),
            ..Self::string()
        }
    }

    /// Sets `description`.
    #[must_use]
    pub fn with_description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Sets `required`.
    #[must_use]
    pub fn with_required<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.required = names.into_iter().map(Into::into).collect();
        self
    }

    /// Sets `nullable`.
    #[must_use]
    pub fn with_nullable(mut self, nullable: bool) -> Self {
        self.nullable = Some(nullable);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn int64_members_as_strings_and_numbers() {
        let s: Schema = serde_json::from_value(json!({
            "type": "ARRAY", "minItems": "1", "max_items": 5,
            "items": {"type": "STRING", "enum": ["a", "b"], "maxLength": "9"},
            "anyOf": [{"type": "NULL"}], "example": [1], "default": null
        }))
        .unwrap();
        assert_eq!(s.min_items, Some(1));
        assert_eq!(s.max_items, Some(5));
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["minItems"], "1");
        assert_eq!(v["maxItems"], "5");
        assert_eq!(v["items"]["maxLength"], "9");
        assert_eq!(v["anyOf"][0]["type"], "NULL");
        assert_eq!(v["default"], Value::Null);
        assert!(v.as_object().unwrap().contains_key("default"));
    }

    #[test]
    fn lowercase_types_round_trip() {
        let v =
            json!({"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]});
        let s: Schema = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&s).unwrap(), v);
        #[cfg(gemini_strict_unknown)]
        assert!(serde_json::from_value::<Schema>(json!({"type": "tuple"})).is_err());
    }

    #[test]
    fn enumeration() {
        let v = serde_json::to_value(Schema::enumeration(["x", "y"])).unwrap();
        assert_eq!(
            v,
            json!({"type": "STRING", "format": "enum", "enum": ["x", "y"]})
        );
    }
}
