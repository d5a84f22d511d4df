//! [`ModelName`]: a validated model resource name.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::Error;

/// A validated model resource name, always in its full form (`models/gemini-2.5-flash`,
/// `tunedModels/my-model`).
///
/// Every method that takes a model accepts `impl AsRef<str>`, so a plain `&str` works
/// everywhere; parse a `ModelName` once when you reuse a name many times. A bare id gets the
/// `models/` prefix (as the official SDKs do); names that already start with `models/` or
/// `tunedModels/` are kept. Names containing `..`, `?`, `&`, `#`, whitespace or control
/// characters are rejected, so a model name can never change the request's path or query.
/// It is an open value, not an enum of today's models: new models work on the day they ship.
///
/// ```
/// use gemini::ModelName;
/// assert_eq!(ModelName::new("gemini-2.5-flash")?.as_str(), "models/gemini-2.5-flash");
/// assert_eq!(ModelName::new("models/gemini-2.5-flash")?.id(), "gemini-2.5-flash");
/// assert_eq!(ModelName::new("tunedModels/abc")?.as_str(), "tunedModels/abc");
/// assert!(ModelName::new("../files/x").is_err());
/// assert!(ModelName::new("gemini?key=x").is_err());
/// # Ok::<(), gemini::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModelName(Arc<str>);

const PREFIXES: [&str; 2] = ["models/", "tunedModels/"];

impl ModelName {
    /// Validates `name` and expands a bare id to `models/{id}`.
    pub fn new(name: impl AsRef<str>) -> Result<Self, Error> {
        let name = name.as_ref();
        check("model", name, &PREFIXES)?;
        if PREFIXES.iter().any(|p| name.starts_with(p)) {
            Ok(Self(Arc::from(name)))
        } else {
            Ok(Self(Arc::from(format!("models/{name}"))))
        }
    }

    /// The full resource name, e.g. `models/gemini-2.5-flash`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id without the collection prefix, e.g. `gemini-2.5-flash`.
    pub fn id(&self) -> &str {
        self.0.split_once('/').map_or(&*self.0, |(_, id)| id)
    }

    /// Whether this is a tuned model (`tunedModels/...`).
    pub fn is_tuned(&self) -> bool {
        self.0.starts_with("tunedModels/")
    }
}

/// Validates and returns the full name of a model: `models/{id}` for a bare id.
pub(crate) fn resolve(name: &str) -> Result<Cow<'_, str>, Error> {
    check("model", name, &PREFIXES)?;
    if PREFIXES.iter().any(|p| name.starts_with(p)) {
        Ok(Cow::Borrowed(name))
    } else {
        // `concat`, not `format!`: this runs on every call, and the formatting machinery costs
        // about 850 instructions here (`cargo xtask bench`).
        Ok(Cow::Owned(["models/", name].concat()))
    }
}

/// Validates and returns the full name of a resource of `collection` (`files/abc` from
/// `files/abc` or `abc`): the name becomes part of the request path, so it may not change it.
pub(crate) fn resource(collection: &str, name: &str) -> Result<String, Error> {
    let prefix = format!("{collection}/");
    check(collection, name, &[prefix.as_str()])?;
    if name.starts_with(&prefix) {
        Ok(name.to_owned())
    } else {
        Ok(prefix + name)
    }
}

/// Validates the name of an operation, which may be nested under the resource that started
/// it (`operations/x`, `models/veo-3.0/operations/x`, `fileSearchStores/s/upload/operations/x`)
/// or be a batch (`batches/x`); a bare id is `operations/{id}`.
pub(crate) fn operation(name: &str) -> Result<String, Error> {
    check_chars("operation", name)?;
    let segments: Vec<&str> = name.split('/').collect();
    if segments.len() == 1 {
        return Ok(format!("operations/{name}"));
    }
    let n = segments.len();
    let well_formed = segments.iter().all(|s| !s.is_empty())
        && (segments[n - 2] == "operations" || (n == 2 && segments[0] == "batches"));
    if well_formed {
        Ok(name.to_owned())
    } else {
        Err(Error::build(format!(
            "invalid operation name {name:?}: expected `operations/{{id}}`, `{{parent}}/operations/{{id}}` or `batches/{{id}}`"
        )))
    }
}

/// `name` is a bare id or one of `prefixes` followed by an id.
fn check(what: &str, name: &str, prefixes: &[&str]) -> Result<(), Error> {
    check_chars(what, name)?;
    let id = prefixes
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name);
    let reason = if id.is_empty() {
        Some("it is empty")
    } else if id.bytes().any(|b| b == b'/' || b == b'\\') {
        Some("it contains a `/` after the collection")
    } else {
        None
    };
    match reason {
        Some(r) => Err(Error::build(format!("invalid {what} name {name:?}: {r}"))),
        None => Ok(()),
    }
}

/// `name` cannot leave its place in the path or the query.
fn check_chars(what: &str, name: &str) -> Result<(), Error> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name.contains("..") {
        Some("it contains `..`")
    } else {
        // One pass over the bytes (this runs on every call); a name with non-ASCII characters
        // is also checked for Unicode whitespace and control characters.
        let byte = name.bytes().find_map(|b| match b {
            b'?' | b'&' | b'#' | b'%' => Some("it contains `?`, `&`, `#` or `%`"),
            _ if b.is_ascii_whitespace() || b.is_ascii_control() => {
                Some("it contains whitespace or a control character")
            }
            _ => None,
        });
        byte.or_else(|| {
            (!name.is_ascii() && name.chars().any(|c| c.is_whitespace() || c.is_control()))
                .then_some("it contains whitespace or a control character")
        })
    };
    match reason {
        // The name itself is echoed (it is not secret); the reason says what to fix.
        Some(r) => Err(Error::build(format!("invalid {what} name {name:?}: {r}"))),
        None => Ok(()),
    }
}

impl AsRef<str> for ModelName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ModelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ModelName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl FromStr for ModelName {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::new(s)
    }
}

impl TryFrom<&str> for ModelName {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self, Error> {
        Self::new(s)
    }
}

impl TryFrom<String> for ModelName {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        Self::new(s)
    }
}

impl serde::Serialize for ModelName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for ModelName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <Cow<'de, str>>::deserialize(d)?;
        Self::new(&*s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ids_and_full_names() {
        for (input, full) in [
            ("gemini-2.5-flash", "models/gemini-2.5-flash"),
            ("models/gemini-2.5-flash", "models/gemini-2.5-flash"),
            ("tunedModels/t-1", "tunedModels/t-1"),
            ("gemini-embedding-001", "models/gemini-embedding-001"),
            ("gemini-2.0-flash-exp", "models/gemini-2.0-flash-exp"),
        ] {
            assert_eq!(ModelName::new(input).unwrap().as_str(), full);
            assert_eq!(resolve(input).unwrap(), full);
        }
        assert!(ModelName::new("tunedModels/t").unwrap().is_tuned());
    }

    #[test]
    fn rejects_path_and_query_tricks() {
        for bad in [
            "",
            "models/",
            "..",
            "models/../files/x",
            "gemini?alt=json",
            "a&b",
            "a#b",
            "a b",
            "a\nb",
            "a\u{a0}b",
            "a\u{85}b",
            "files/abc",
            "models/a/b",
            "a%2F..",
        ] {
            let e = ModelName::new(bad).unwrap_err();
            assert!(matches!(e, Error::Build(_)), "{bad:?}");
        }
    }

    #[test]
    fn resource_and_operation_names() {
        assert_eq!(resource("files", "abc").unwrap(), "files/abc");
        assert_eq!(resource("files", "files/abc").unwrap(), "files/abc");
        for bad in ["", "files/", "files/a/b", "../x", "a?b", "cachedContents/x"] {
            let e = resource("files", bad).unwrap_err();
            assert!(
                e.to_string().starts_with("invalid files name"),
                "{bad:?}: {e}"
            );
        }
        assert_eq!(operation("abc").unwrap(), "operations/abc");
        for ok in [
            "operations/abc",
            "models/veo-3.0-generate-001/operations/abc",
            "fileSearchStores/s/operations/o",
            "fileSearchStores/s/upload/operations/o",
            "batches/b",
        ] {
            assert_eq!(operation(ok).unwrap(), ok);
        }
        for bad in [
            "operations/",
            "models/x/operations",
            "files/x",
            "a/../b",
            "op?x",
        ] {
            assert!(operation(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serde_round_trip_validates() {
        let m: ModelName = serde_json::from_str("\"gemini-x\"").unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"models/gemini-x\"");
        assert!(serde_json::from_str::<ModelName>("\"a?b\"").is_err());
    }
}
