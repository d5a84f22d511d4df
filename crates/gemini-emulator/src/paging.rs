//! `pageSize` / `pageToken` handling shared by every `list` method.

use base64::Engine as _;

use crate::errors::ApiError;
use crate::recorded::RecordedRequest;

/// A list method's page sizes: the default when `pageSize` is absent or not positive, and the
/// largest honoured (bigger requests are clamped, as the real service does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageSpec {
    pub(crate) default: usize,
    pub(crate) max: usize,
}

/// A parsed list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageRequest {
    pub(crate) size: usize,
    /// The decoded `pageToken` (the cursor the previous page ended at), if any.
    pub(crate) after: Option<String>,
}

impl PageRequest {
    /// Reads `pageSize` and `pageToken` from the query; a token this emulator did not make is
    /// the real `400 INVALID_ARGUMENT`.
    pub(crate) fn from_request(
        request: &RecordedRequest,
        spec: PageSpec,
    ) -> Result<Self, ApiError> {
        let size = request
            .query_param("pageSize")
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|n| *n > 0)
            .map_or(spec.default, |n| (n as usize).min(spec.max));
        let after = match request.query_param("pageToken").filter(|t| !t.is_empty()) {
            None => None,
            Some(token) => Some(decode_token(&token).ok_or_else(invalid_token)?),
        };
        Ok(Self { size, after })
    }
}

pub(crate) fn invalid_token() -> ApiError {
    ApiError::invalid_argument("Invalid page token.")
}

/// A page token shaped like the real one: base64 of a protobuf message whose field 1 is the
/// cursor (the last name returned: `Ch9tb2RlbHMv...` in the recorded `models.list`).
pub(crate) fn encode_token(cursor: &str) -> String {
    let mut bytes = vec![0x0a, cursor.len().min(127) as u8];
    bytes.extend(cursor.bytes().take(127));
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The cursor in a token made by [`encode_token`].
pub(crate) fn decode_token(token: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(token.trim()))
        .ok()?;
    let (&tag, rest) = bytes.split_first()?;
    let (&len, name) = rest.split_first()?;
    (tag == 0x0a && name.len() == usize::from(len))
        .then(|| String::from_utf8(name.to_vec()).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip() {
        let t = encode_token("models/veo-3.1-generate-preview");
        assert!(t.starts_with("Ch9tb2RlbHMv"));
        assert_eq!(
            decode_token(&t).as_deref(),
            Some("models/veo-3.1-generate-preview")
        );
        assert_eq!(decode_token("!!"), None);
    }
}
