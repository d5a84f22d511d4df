//! [`ModelName`]: a validated model resource name.

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
        check(name)?;
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

/// Validates and returns the full name of `name` without allocating when it already is one.
pub(crate) fn resolve(name: &str) -> Result<std::borrow::Cow<'_, str>, Error> {
    check(name)?;
    if PREFIXES.iter().any(|p| name.starts_with(p)) {
        Ok(std::borrow::Cow::Borrowed(name))
    } else {
        // Without the formatting machinery: this runs on every call.
        let mut full = String::with_capacity("models/".len() + name.len());
        full.push_str("models/");
        full.push_str(name);
        Ok(std::borrow::Cow::Owned(full))
    }
}

fn check(name: &str) -> Result<(), Error> {
    let id = PREFIXES
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or(name);
    let reason = if id.is_empty() {
        Some("it is empty")
    } else if name.contains("..") {
        Some("it contains `..`")
    } else if name.contains(['?', '&', '#', '%']) {
        Some("it contains `?`, `&`, `#` or `%`")
    } else if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("it contains whitespace or a control character")
    } else if id.contains(['/', '\\']) {
        Some("it contains a `/` after the collection")
    } else {
        None
    };
    match reason {
        // The name itself is echoed (it is not secret); the reason says what to fix.
        Some(r) => Err(Error::build(format!("invalid model name {name:?}: {r}"))),
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
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
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
            "files/abc",
            "models/a/b",
            "a%2F..",
        ] {
            let e = ModelName::new(bad).unwrap_err();
            assert!(matches!(e, Error::Build(_)), "{bad:?}");
        }
    }

    #[test]
    fn serde_round_trip_validates() {
        let m: ModelName = serde_json::from_str("\"gemini-x\"").unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"models/gemini-x\"");
        assert!(serde_json::from_str::<ModelName>("\"a?b\"").is_err());
    }
}
