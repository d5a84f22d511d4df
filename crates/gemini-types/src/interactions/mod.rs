//! The Interactions API (`/interactions`): requests, interactions, steps and stream events.
//!
//! Unlike the rest of the Gemini API, the Interactions API is **snake_case on the wire**
//! (`previous_interaction_id`, `max_output_tokens`, `event_type`, ...), and its polymorphic
//! objects are tagged with a `type` field (contents, steps, tools) or an `event_type` field
//! (stream events) rather than being proto oneofs. See `../shared/spec/API.md` section 20.
//!
//! The API changed shape in 2026-05: an interaction's `outputs[]` became `steps[]`, and the stream
//! events `interaction.start` / `content.*` / `interaction.complete` became `interaction.created` /
//! `step.*` / `interaction.completed`. Both shapes decode; the older one is kept as raw JSON where
//! it has no typed equivalent ([`Interaction::outputs`], [`ContentStartEvent::content`]).
//!
//! Every type here keeps the fields it does not know in an `extra` map and every tagged union has
//! an `Unknown` variant that keeps the raw object, so a newer server never breaks decoding and
//! nothing is lost when re-serializing.
//!
//! This module is a namespace (`gemini_types::interactions::Content`, `...::Tool`): its names
//! would clash with the generateContent types at the crate root.
//!
//! ```
//! use gemini_types::interactions::{CreateInteractionRequest, Interaction, Tool};
//!
//! let req = CreateInteractionRequest::new("gemini-3-flash-preview")
//!     .with_input("What's the weather in Paris?")
//!     .with_system_instruction("You are terse.")
//!     .with_tool(Tool::function(
//!         "get_weather",
//!         "Current weather for a city",
//!         serde_json::json!({"type": "object", "properties": {"city": {"type": "string"}}}),
//!     ));
//! let body = serde_json::to_value(&req).unwrap();
//! assert_eq!(body["system_instruction"], "You are terse.");
//! assert_eq!(body["tools"][0]["type"], "function");
//!
//! let resp: Interaction = serde_json::from_str(
//!     r#"{"id":"v1_x","status":"completed","steps":[
//!         {"type":"model_output","content":[{"type":"text","text":"Sunny."}]}]}"#,
//! ).unwrap();
//! assert_eq!(resp.text(), "Sunny.");
//! ```

mod accumulator;
mod content;
mod events;
mod request;
mod resource;
mod step;
mod tool;

pub use accumulator::*;
pub use content::*;
pub use events::*;
pub use request::*;
pub use resource::*;
pub use step::*;
pub use tool::*;

/// Declares a union tagged by a string field (`type` or `event_type`) whose variants each wrap a
/// struct, plus an `Unknown` variant that keeps any other object verbatim (tag included).
///
/// Decoding buffers the object into a `serde_json::Map`, reads the tag, and decodes the remaining
/// fields into the variant's struct; encoding writes the struct's fields plus the tag. This is the
/// Interactions API's own discriminator scheme; it is not `#[serde(untagged)]`, so a bad field in
/// a known variant reports that field instead of "did not match any variant".
macro_rules! tagged_union {
    (
        $(#[$meta:meta])*
        pub enum $name:ident : tag = $tag:literal {
            $(
                $(#[$vmeta:meta])*
                $variant:ident($ty:ty) = $wire:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum $name {
            $(
                $(#[$vmeta])*
                $variant($ty),
            )+
            /// A kind this version of the SDK does not know: the whole object, tag included,
            /// kept as received and re-serialized unchanged.
            Unknown(::serde_json::Map<::std::string::String, ::serde_json::Value>),
        }

        impl $name {
            /// Every tag value this version of the SDK knows.
            pub const KNOWN_TAGS: &'static [&'static str] = &[$($wire),+];

            #[doc = concat!("The value of the `", $tag, "` field of this object.")]
            pub fn tag(&self) -> &str {
                match self {
                    $(Self::$variant(_) => $wire,)+
                    Self::Unknown(m) => m
                        .get($tag)
                        .and_then(::serde_json::Value::as_str)
                        .unwrap_or_default(),
                }
            }

            /// Whether this is a kind the SDK does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $(
                        Self::$variant(inner) => {
                            $crate::interactions::write_tagged(serializer, $tag, $wire, inner)
                        }
                    )+
                    Self::Unknown(map) => ::serde::Serialize::serialize(map, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                use ::serde::de::Error as _;
                let mut map: ::serde_json::Map<::std::string::String, ::serde_json::Value> =
                    ::serde::Deserialize::deserialize(deserializer)?;
                let tag = map.get($tag).and_then(::serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    $(
                        Some($wire) => {
                            map.remove($tag);
                            <$ty as ::serde::Deserialize>::deserialize(
                                ::serde_json::Value::Object(map),
                            )
                            .map(Self::$variant)
                            .map_err(|e| D::Error::custom(format_args!(
                                concat!(stringify!($name), " `{}`: {}"), $wire, e
                            )))
                        }
                    )+
                    _ => {
                        #[cfg(gemini_strict_unknown)]
                        {
                            return Err(D::Error::custom(format_args!(
                                concat!("strict-unknown: unknown ", stringify!($name), " `{}`"),
                                tag.as_deref().unwrap_or("<missing>")
                            )));
                        }
                        #[allow(unreachable_code)]
                        Ok(Self::Unknown(map))
                    }
                }
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(concat!("interactions.", stringify!($name)))
            }
            fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let variants: ::std::vec::Vec<::serde_json::Value> = vec![
                    $({
                        let mut s = generator.subschema_for::<$ty>().to_value();
                        if let Some(obj) = s.as_object_mut() {
                            obj.insert("title".into(), ::serde_json::Value::from($wire));
                        }
                        s
                    },)+
                ];
                ::schemars::json_schema!({
                    "description": concat!("Tagged by `", $tag, "`; unknown tags are kept raw."),
                    "anyOf": variants,
                })
            }
        }
    };
}
pub(crate) use tagged_union;

/// Writes `inner`'s fields plus `tag: wire` as one JSON object.
pub(crate) fn write_tagged<S, T>(
    serializer: S,
    tag: &str,
    wire: &str,
    inner: &T,
) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    T: serde::Serialize,
{
    use serde::ser::Error as _;
    let mut value = serde_json::to_value(inner).map_err(S::Error::custom)?;
    match value.as_object_mut() {
        Some(map) => {
            map.insert(tag.to_owned(), serde_json::Value::from(wire));
        }
        None => {
            return Err(S::Error::custom(
                "a tagged variant must serialize as an object",
            ));
        }
    }
    serde::Serialize::serialize(&value, serializer)
}

/// The `extra` map type used by every Interactions struct: fields this SDK version does not know.
pub type Extra = serde_json::Map<String, serde_json::Value>;

#[cfg(test)]
mod tests;
