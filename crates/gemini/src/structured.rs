//! Structured output: JSON schemas derived from Rust types.

use gemini_types::GenerateContentRequest;
use serde_json::Value;

/// The JSON Schema of `T` as the API takes it in `responseJsonSchema` and
/// `parametersJsonSchema`: derived with schemars (draft 2020-12), sub-schemas inlined where
/// possible, without the `$schema` and top-level `title` keywords.
///
/// ```
/// #[derive(schemars::JsonSchema)]
/// struct Recipe { name: String, minutes: u32 }
/// let schema = gemini::schema_for::<Recipe>();
/// assert_eq!(schema["type"], "object");
/// assert_eq!(schema["properties"]["minutes"]["type"], "integer");
/// assert!(schema.get("$schema").is_none());
/// ```
#[cfg(feature = "schemars")]
#[cfg_attr(docsrs, doc(cfg(feature = "schemars")))]
pub fn schema_for<T: schemars::JsonSchema + ?Sized>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .for_deserialize()
        .into_generator();
    let mut v = generator.into_root_schema_for::<T>().to_value();
    if let Value::Object(m) = &mut v {
        m.remove("$schema");
        m.remove("title");
    }
    v
}

/// Asks for JSON output that follows `schema`.
pub(crate) fn request_json(request: &mut GenerateContentRequest, schema: Value) {
    let config = request.generation_config_mut();
    config.response_mime_type = Some("application/json".to_owned());
    config.response_json_schema = Some(schema);
    // The two schema dialects are exclusive (../shared/spec/API.md gotcha 11).
    config.response_schema = None;
}
