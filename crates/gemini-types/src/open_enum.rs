//! Open enums: wire-string enums that never fail on a value they do not know.
//!
//! Google adds enum values (finish reasons, block reasons, modalities...) without notice. A closed
//! Rust enum would turn every response carrying a new value into a decode error, so every enum the
//! server sends is declared with [`open_enum!`](crate::open_enum): the known values are variants,
//! anything else becomes `Unknown(String)` and serializes back unchanged.

/// Declares an open, wire-string enum.
///
/// ```
/// gemini_types::open_enum! {
///     /// How a candidate ended.
///     pub enum Fruit {
///         /// An apple.
///         Apple = "APPLE",
///         /// A pear.
///         Pear = "PEAR",
///     }
/// }
/// assert_eq!(Fruit::Apple.as_str(), "APPLE");
/// let f = Fruit::from_wire("KIWI"); // what deserializing `"KIWI"` gives (unless built with `--cfg gemini_strict_unknown`)
/// assert_eq!(f, Fruit::Unknown("KIWI".into()));
/// assert_eq!(serde_json::to_string(&f).unwrap(), "\"KIWI\"");
/// ```
///
/// Built with `RUSTFLAGS="--cfg gemini_strict_unknown"` (a test-only flag, not a feature: it must
/// never switch off forward compatibility for other crates of a build), an unknown value is a
/// deserialization error instead, which the test suite uses to catch drift between our types and
/// the API.
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $wire:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        $vis enum $name {
            $(
                $(#[$vmeta])*
                $variant,
            )+
            /// A value this version of the SDK does not know; the wire string is kept as received.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every known value, in declaration order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The wire string of this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Unknown(s) => s.as_str(),
                }
            }

            /// Whether this is a value the SDK does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, $name::Unknown(_))
            }

            /// Parses a wire string; never fails (unknown strings become `Unknown`).
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => $name::$variant,)+
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::from_wire(s)
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                struct V;
                impl ::serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " string"))
                    }
                    fn visit_str<E: ::serde::de::Error>(self, s: &str) -> ::std::result::Result<$name, E> {
                        let v = $name::from_wire(s);
                        $crate::__strict_unknown_enum!(v, s, stringify!($name));
                        Ok(v)
                    }
                }
                deserializer.deserialize_str(V)
            }
        }

        $crate::__open_enum_schema!($name, [$($wire),+]);
    };
}

#[doc(hidden)]
#[cfg(gemini_strict_unknown)]
#[macro_export]
macro_rules! __strict_unknown_enum {
    ($v:ident, $s:ident, $name:expr) => {
        if $v.is_unknown() {
            return Err(E::custom(format_args!(
                "strict-unknown: unknown {} value `{}`",
                $name, $s
            )));
        }
    };
}

#[doc(hidden)]
#[cfg(not(gemini_strict_unknown))]
#[macro_export]
macro_rules! __strict_unknown_enum {
    ($v:ident, $s:ident, $name:expr) => {};
}

#[doc(hidden)]
#[cfg(feature = "schemars")]
#[macro_export]
macro_rules! __open_enum_schema {
    ($name:ident, [$($wire:literal),+]) => {
        impl ::schemars::JsonSchema for $name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(stringify!($name))
            }
            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({
                    "type": "string",
                    "description": "An open enum: unknown values are accepted and kept.",
                    "examples": [$($wire),+]
                })
            }
        }
    };
}

#[doc(hidden)]
#[cfg(not(feature = "schemars"))]
#[macro_export]
macro_rules! __open_enum_schema {
    ($name:ident, [$($wire:literal),+]) => {};
}

#[cfg(test)]
#[allow(unreachable_pub)] // the macro makes the test enum's items `pub`.
mod tests {
    crate::open_enum! {
        /// Test enum.
        pub enum Color {
            /// Red.
            Red = "RED",
            /// Blue.
            Blue = "BLUE",
        }
    }

    #[test]
    fn known_and_unknown_round_trip() {
        let c: Color = serde_json::from_str("\"RED\"").unwrap();
        assert_eq!(c, Color::Red);
        assert_eq!(serde_json::to_string(&c).unwrap(), "\"RED\"");
        #[cfg(not(gemini_strict_unknown))]
        {
            let u: Color = serde_json::from_str("\"GREEN\"").unwrap();
            assert_eq!(u.as_str(), "GREEN");
            assert!(u.is_unknown());
            assert_eq!(serde_json::to_string(&u).unwrap(), "\"GREEN\"");
        }
        #[cfg(gemini_strict_unknown)]
        assert!(serde_json::from_str::<Color>("\"GREEN\"").is_err());
        assert!(serde_json::from_str::<Color>("3").is_err());
        assert_eq!(Color::KNOWN.len(), 2);
    }
}
