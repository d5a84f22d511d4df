//! API-key authentication like the real service: the `x-goog-api-key` header or the `key`
//! query parameter (`../shared/spec/API.md` section 1.2).
//!
//! A resumable-upload chunk may come without a key (the official Python SDK sends none): its
//! `upload_id` authenticates it. Upload ids end in an HMAC of their random part under the key
//! the upload was started with ([`upload_id`]), so an id only works for that key; with no key
//! configured any id passes here and the upload handler answers unknown sessions.

use http::HeaderMap;

use crate::errors::ApiError;
use crate::recorded::query_param;

/// The key a request carries, if any (header first, then `?key=`). Empty counts as absent.
pub(crate) fn extract(headers: &HeaderMap, query: Option<&str>) -> Option<String> {
    let from_header = headers
        .get("x-goog-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned);
    from_header
        .or_else(|| {
            query
                .and_then(|q| query_param(q, "key"))
                .map(|k| k.trim().to_owned())
                .filter(|k| !k.is_empty())
        })
        .or_else(|| {
            let q = query?;
            let resumable = query_param(q, "upload_protocol").is_some_and(|p| p == "resumable");
            let id = query_param(q, "upload_id").filter(|id| resumable && !id.is_empty())?;
            Some(format!("{UPLOAD_CREDENTIAL}{id}"))
        })
}

/// The name prefix of ephemeral auth tokens (`auth_tokens/...`).
pub(crate) const EPHEMERAL_TOKEN_PREFIX: &str = "auth_tokens/";

/// What [`extract`] returns for a keyless request carrying an `upload_id`.
const UPLOAD_CREDENTIAL: &str = "upload_id:";
/// Hex digits of the HMAC at the end of an upload id.
const MAC_HEX: usize = 24;

/// A new upload id: `nonce` and its HMAC under `key` (the key that started the upload).
pub(crate) fn upload_id(nonce: &str, key: &str) -> String {
    use std::fmt::Write as _;
    let tag = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.as_bytes()),
        nonce.as_bytes(),
    );
    let mut id = nonce.to_owned();
    for b in &tag.as_ref()[..MAC_HEX / 2] {
        let _ = write!(id, "{b:02x}");
    }
    id
}

fn upload_id_valid(expected_key: &str, id: &str) -> bool {
    let Some(nonce) = id.len().checked_sub(MAC_HEX).and_then(|n| id.get(..n)) else {
        return false;
    };
    constant_time_eq(upload_id(nonce, expected_key).as_bytes(), id.as_bytes())
}

/// Checks a key against the configured one (`None`: any non-empty key is accepted).
pub(crate) fn check(expected: Option<&str>, got: Option<&str>) -> Result<(), ApiError> {
    if let Some(id) = got.and_then(|g| g.strip_prefix(UPLOAD_CREDENTIAL)) {
        return match expected {
            Some(want) if !upload_id_valid(want, id) => Err(ApiError::missing_api_key()),
            _ => Ok(()),
        };
    }
    match (expected, got) {
        (_, None) => Err(ApiError::missing_api_key()),
        // An ephemeral token opens Live sessions only; as a key it is not valid.
        (_, Some(k)) if k.starts_with(EPHEMERAL_TOKEN_PREFIX) => Err(ApiError::invalid_api_key()),
        (Some(want), Some(k)) if !constant_time_eq(want.as_bytes(), k.as_bytes()) => {
            Err(ApiError::invalid_api_key())
        }
        _ => Ok(()),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_then_query() {
        let mut h = HeaderMap::new();
        assert_eq!(extract(&h, Some("key=q")).as_deref(), Some("q"));
        h.insert("x-goog-api-key", "h".parse().unwrap());
        assert_eq!(extract(&h, Some("key=q")).as_deref(), Some("h"));
        assert_eq!(extract(&HeaderMap::new(), Some("key=")), None);
    }

    #[test]
    fn an_upload_id_authenticates_only_under_its_key() {
        let id = upload_id("abc123", "k");
        let q = format!("upload_id={id}&upload_protocol=resumable");
        let got = extract(&HeaderMap::new(), Some(&q));
        assert!(check(Some("k"), got.as_deref()).is_ok());
        assert!(check(None, got.as_deref()).is_ok());
        assert_eq!(check(Some("other"), got.as_deref()).unwrap_err().code, 403);
        let forged = format!("upload_id=x{id}&upload_protocol=resumable");
        let got = extract(&HeaderMap::new(), Some(&forged));
        assert_eq!(check(Some("k"), got.as_deref()).unwrap_err().code, 403);
        // Not a resumable upload: no credential.
        assert_eq!(
            extract(&HeaderMap::new(), Some(&format!("upload_id={id}"))),
            None
        );
    }

    #[test]
    fn checks() {
        assert!(check(None, Some("anything")).is_ok());
        assert_eq!(check(None, None).unwrap_err().code, 403);
        assert_eq!(check(Some("k"), Some("x")).unwrap_err().code, 400);
        assert!(check(Some("k"), Some("k")).is_ok());
        // An ephemeral token is not an API key.
        assert_eq!(check(None, Some("auth_tokens/abc")).unwrap_err().code, 400);
    }
}
