//! API-key authentication like the real service: the `x-goog-api-key` header or the `key`
//! query parameter (`../shared/spec/API.md` section 1.2).

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
    from_header.or_else(|| {
        query
            .and_then(|q| query_param(q, "key"))
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
    })
}

/// Checks a key against the configured one (`None`: any non-empty key is accepted).
pub(crate) fn check(expected: Option<&str>, got: Option<&str>) -> Result<(), ApiError> {
    match (expected, got) {
        (_, None) => Err(ApiError::missing_api_key()),
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
    fn checks() {
        assert!(check(None, Some("anything")).is_ok());
        assert_eq!(check(None, None).unwrap_err().code, 403);
        assert_eq!(check(Some("k"), Some("x")).unwrap_err().code, 400);
        assert!(check(Some("k"), Some("k")).is_ok());
    }
}
