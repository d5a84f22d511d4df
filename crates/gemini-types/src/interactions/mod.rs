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
/// Decoding reads the object's entries up to the tag (usually the first), then decodes the
/// remaining fields straight into the variant's struct ([`find_tag`], [`Chain`]); an unknown
/// tag keeps the whole object. Encoding writes the struct's fields plus the tag. This is the
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
                struct Visitor;

                impl<'de> ::serde::de::Visitor<'de> for Visitor {
                    type Value = $name;

                    fn expecting(
                        &self,
                        f: &mut ::std::fmt::Formatter<'_>,
                    ) -> ::std::fmt::Result {
                        f.write_str(concat!("an object tagged by `", $tag, "`"))
                    }

                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> ::std::result::Result<$name, A::Error> {
                        use ::serde::de::Error as _;
                        let (buffered, tag) = $crate::interactions::find_tag(&mut map, $tag)?;
                        let rest = $crate::interactions::Chain::new(buffered, map);
                        match tag.as_ref().and_then(::serde_json::Value::as_str) {
                            $(
                                Some($wire) => <$ty as ::serde::Deserialize>::deserialize(
                                    ::serde::de::value::MapAccessDeserializer::new(rest),
                                )
                                .map($name::$variant)
                                .map_err(|e| A::Error::custom(format_args!(
                                    concat!(stringify!($name), " `{}`: {}"), $wire, e
                                ))),
                            )+
                            _ => {
                                #[cfg(gemini_strict_unknown)]
                                {
                                    return Err(A::Error::custom(format_args!(
                                        concat!("strict-unknown: unknown ", stringify!($name), " `{}`"),
                                        tag.as_ref().and_then(::serde_json::Value::as_str).unwrap_or("<missing>")
                                    )));
                                }
                                #[allow(unreachable_code)]
                                rest.into_map($tag, tag).map($name::Unknown)
                            }
                        }
                    }
                }

                deserializer.deserialize_map(Visitor)
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

/// Entries of an object read before its tag.
pub(crate) type Entries = Vec<(String, serde_json::Value)>;

/// Reads the entries of an object until its tag: the entries before it (kept to be read
/// again) and the tag's value (`None` when the object has no tag).
///
/// The tag comes first in practice, so usually nothing is buffered and the tagged variant's
/// struct reads the rest of the object straight from the input ([`Chain`]).
pub(crate) fn find_tag<'de, A: serde::de::MapAccess<'de>>(
    map: &mut A,
    tag: &str,
) -> Result<(Entries, Option<serde_json::Value>), A::Error> {
    let mut buffered = Vec::new();
    while let Some(key) = map.next_key_seed(KeySeed(tag))? {
        match key {
            Key::Tag => return Ok((buffered, Some(map.next_value()?))),
            Key::Other(k) => buffered.push((k, map.next_value()?)),
        }
    }
    Ok((buffered, None))
}

/// A key of a tagged object: the tag, or another key (owned: it may be buffered).
pub(crate) enum Key {
    Tag,
    Other(String),
}

/// Reads a key and tells whether it is `self.0`, allocating only for the other keys.
pub(crate) struct KeySeed<'t>(&'t str);

impl<'de> serde::de::DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl serde::de::Visitor<'_> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(if v == self.0 {
            Key::Tag
        } else {
            Key::Other(v.to_owned())
        })
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key, E> {
        Ok(if v == self.0 { Key::Tag } else { Key::Other(v) })
    }
}

/// The entries of an object past its tag: first those read before the tag, then the rest
/// from the input.
pub(crate) struct Chain<M> {
    buffered: std::vec::IntoIter<(String, serde_json::Value)>,
    pending: Option<serde_json::Value>,
    live: M,
}

impl<'de, M: serde::de::MapAccess<'de>> Chain<M> {
    /// `buffered` entries, then `live` ones.
    pub(crate) fn new(buffered: Entries, live: M) -> Self {
        Self {
            buffered: buffered.into_iter(),
            pending: None,
            live,
        }
    }

    /// Every entry, the tag put back: an object of a kind this SDK does not know, kept whole.
    pub(crate) fn into_map(
        mut self,
        tag: &str,
        value: Option<serde_json::Value>,
    ) -> Result<serde_json::Map<String, serde_json::Value>, M::Error> {
        let mut map: serde_json::Map<String, serde_json::Value> = self.buffered.by_ref().collect();
        if let Some(v) = value {
            map.insert(tag.to_owned(), v);
        }
        while let Some((k, v)) = self.live.next_entry::<String, serde_json::Value>()? {
            map.insert(k, v);
        }
        Ok(map)
    }
}

impl<'de, M: serde::de::MapAccess<'de>> serde::de::MapAccess<'de> for Chain<M> {
    type Error = M::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, M::Error> {
        if let Some((k, v)) = self.buffered.next() {
            self.pending = Some(v);
            return seed
                .deserialize(serde::de::value::StringDeserializer::<M::Error>::new(k))
                .map(Some);
        }
        self.live.next_key_seed(seed)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, M::Error> {
        use serde::de::Error as _;
        match self.pending.take() {
            Some(v) => seed.deserialize(v).map_err(M::Error::custom),
            None => self.live.next_value_seed(seed),
        }
    }
}

/// The `extra` map type used by every Interactions struct: fields this SDK version does not know.
pub type Extra = serde_json::Map<String, serde_json::Value>;

#[cfg(test)]
mod tests;
