//! [`InvalidInput`]: a request the SDK refuses before sending it, naming what was wrong.

use std::fmt;

use crate::Error;

/// A request argument refused before anything was sent: which field, and why.
///
/// It travels as the source of an [`Error::Build`]; get it back with [`InvalidInput::find`].
///
/// ```
/// use gemini::{InvalidInput, InvalidInputKind};
/// # async fn demo(client: gemini::Client) {
/// let request = gemini::types::ImagenRequest::imagen(
///     "a lighthouse",
///     gemini::types::ImagenParameters::default().with_aspect_ratio("5:1"),
/// );
/// let e = client.images().generate("imagen-4.0-generate-001", request).await.unwrap_err();
/// let invalid = InvalidInput::find(&e).unwrap();
/// assert_eq!(invalid.field(), "parameters.aspectRatio");
/// assert_eq!(invalid.kind(), InvalidInputKind::UnknownValue);
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidInput {
    field: String,
    kind: InvalidInputKind,
    detail: String,
}

/// Why an argument was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InvalidInputKind {
    /// The parameter exists only on Vertex AI; the Gemini API rejects it.
    NotOnGeminiApi,
    /// The value is not one the API accepts (an unknown aspect ratio, a policy the Gemini API
    /// refuses).
    UnknownValue,
    /// A number outside its allowed range.
    OutOfRange,
    /// Something required is missing (a file search tool without a store).
    Missing,
    /// A time that has already passed (a token's expiry).
    InThePast,
    /// The client holds an ephemeral token, which opens Live sessions and nothing else.
    EphemeralTokenClient,
}

impl InvalidInput {
    pub(crate) fn new(
        field: impl Into<String>,
        kind: InvalidInputKind,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            kind,
            detail: detail.into(),
        }
    }

    /// The refused field, as its wire path (`parameters.aspectRatio`, `expireTime`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Why it was refused.
    pub fn kind(&self) -> InvalidInputKind {
        self.kind
    }

    /// The explanation (allowed values, the limit passed).
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The `InvalidInput` behind an [`Error::Build`], if that is what it is.
    pub fn find(error: &Error) -> Option<&Self> {
        match error {
            Error::Build(b) => std::error::Error::source(b)?.downcast_ref::<Self>(),
            _ => None,
        }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.field, self.detail)
    }
}

impl std::error::Error for InvalidInput {}

impl From<InvalidInput> for Error {
    fn from(e: InvalidInput) -> Self {
        Self::build_with(e.to_string(), e)
    }
}

/// Refuses `value` in `field` unless it is one of `allowed` (compared without regard to
/// case: the API accepts both spellings of its enums).
pub(crate) fn one_of(field: &str, value: Option<&str>, allowed: &[&str]) -> Result<(), Error> {
    match value {
        Some(v) if !allowed.iter().any(|a| a.eq_ignore_ascii_case(v)) => Err(InvalidInput::new(
            field,
            InvalidInputKind::UnknownValue,
            format!("{v:?} is not one of {}", allowed.join(", ")),
        )
        .into()),
        _ => Ok(()),
    }
}

/// Refuses a Vertex-AI-only parameter that is set.
pub(crate) fn not_on_gemini_api(field: &str, set: bool) -> Result<(), Error> {
    if set {
        Err(InvalidInput::new(
            field,
            InvalidInputKind::NotOnGeminiApi,
            "only Vertex AI accepts it; the Gemini API rejects it",
        )
        .into())
    } else {
        Ok(())
    }
}

/// Refuses a number outside `range`.
pub(crate) fn in_range(
    field: &str,
    value: Option<i64>,
    range: std::ops::RangeInclusive<i64>,
) -> Result<(), Error> {
    match value {
        Some(v) if !range.contains(&v) => Err(InvalidInput::new(
            field,
            InvalidInputKind::OutOfRange,
            format!("{v} is outside {}..={}", range.start(), range.end()),
        )
        .into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_behind_a_build_error() {
        let e: Error = InvalidInput::new("x.y", InvalidInputKind::Missing, "give one").into();
        assert!(matches!(e, Error::Build(_)));
        assert_eq!(e.to_string(), "invalid x.y: give one");
        assert_eq!(e.report(), "invalid x.y: give one");
        let found = InvalidInput::find(&e).unwrap();
        assert_eq!(
            (found.field(), found.kind()),
            ("x.y", InvalidInputKind::Missing)
        );
        assert!(InvalidInput::find(&Error::build("other")).is_none());
        assert!(one_of("f", Some("allow_adult"), &["ALLOW_ADULT"]).is_ok());
        assert!(one_of("f", None, &["A"]).is_ok());
        let e = one_of("f", Some("B"), &["A"]).unwrap_err();
        assert_eq!(
            InvalidInput::find(&e).unwrap().kind(),
            InvalidInputKind::UnknownValue
        );
        assert!(in_range("n", Some(5), 1..=4).is_err());
        assert!(not_on_gemini_api("seed", true).is_err());
    }
}
