//! Generic long-running Operation envelopes (`google.longrunning.Operation`).
//!
//! Batches, Veo video generation, file search uploads and imports, and tuning all return an
//! Operation: poll `GET /{v}/{name}` until `done` is true, then read `response` or `error`
//! (../shared/spec/API.md section 13). `done` is omitted while running.
//!
//! [`Operation`] is generic over its `metadata` and `response` types and defaults to raw JSON;
//! [`Operation::decode`] turns a raw operation into a typed one.
//!
//! ```
//! use gemini_types::{Operation, PredictLongRunningResponse};
//! let op: Operation = serde_json::from_str(r#"{
//!   "name": "models/veo-3.0-generate-001/operations/abc", "done": true,
//!   "response": {"@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
//!                "generateVideoResponse": {"generatedSamples": [{"video": {"uri": "https://x/files/abc:download?alt=media"}}]}}
//! }"#).unwrap();
//! assert!(op.is_done());
//! let typed = op.decode::<serde_json::Value, PredictLongRunningResponse>().unwrap();
//! let uri = typed.response.unwrap().video_uris().next().map(str::to_owned);
//! assert_eq!(uri.as_deref(), Some("https://x/files/abc:download?alt=media"));
//! ```

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Status;

/// A long-running operation: `{name, metadata, done, error | response}`.
///
/// `M` and `R` are the types of `metadata` and `response`; both default to raw JSON
/// ([`serde_json::Value`]), which keeps the `@type` member and every field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(
    serialize = "M: Serialize, R: Serialize",
    deserialize = "M: Deserialize<'de>, R: Deserialize<'de>"
))]
#[non_exhaustive]
pub struct Operation<M = Value, R = Value> {
    /// The operation name, e.g. `batches/123` or `models/veo-.../operations/abc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Progress information (for batches: the batch resource itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<M>,
    /// Whether the operation finished; absent (false) while running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done: Option<bool>,
    /// The failure, when done without success. Its `code` is a gRPC code number here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Status>,
    /// The result, when done successfully.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<R>,
}

impl<M, R> Operation<M, R> {
    /// Whether the operation finished (successfully or not).
    pub fn is_done(&self) -> bool {
        self.done.unwrap_or(false)
    }

    /// The operation name, or `""`.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }

    /// The outcome once done: `Some(Ok(response))`, `Some(Err(status))`, or `None` while running
    /// (or when a finished operation carries neither).
    pub fn result(&self) -> Option<Result<&R, &Status>> {
        match (&self.error, &self.response) {
            (Some(e), _) => Some(Err(e)),
            (None, Some(r)) => Some(Ok(r)),
            (None, None) => None,
        }
    }
}

impl Operation<Value, Value> {
    /// Decodes the raw `metadata` and `response` into typed values.
    pub fn decode<M: DeserializeOwned, R: DeserializeOwned>(
        self,
    ) -> Result<Operation<M, R>, serde_json::Error> {
        Ok(Operation {
            name: self.name,
            metadata: self.metadata.map(serde_json::from_value).transpose()?,
            done: self.done,
            error: self.error,
            response: self.response.map(serde_json::from_value).transpose()?,
        })
    }

    /// The `@type` of the metadata, e.g.
    /// `type.googleapis.com/google.ai.generativelanguage.v1beta.GenerateContentBatch`.
    pub fn metadata_type(&self) -> Option<&str> {
        self.metadata.as_ref()?.get("@type")?.as_str()
    }

    /// The `@type` of the response.
    pub fn response_type(&self) -> Option<&str> {
        self.response.as_ref()?.get("@type")?.as_str()
    }
}

/// A page of operations (`GET /{v}/batches` answers with this).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[serde(bound(
    serialize = "M: Serialize, R: Serialize",
    deserialize = "M: Deserialize<'de>, R: Deserialize<'de>"
))]
#[non_exhaustive]
pub struct ListOperationsResponse<M = Value, R = Value> {
    /// The operations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<Operation<M, R>>,
    /// The token of the next page; absent or empty on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// Where to notify when a long-running job finishes (batches, Veo).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookConfig {
    /// Webhook URLs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uris: Vec<String>,
    /// Metadata echoed in the notification.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        alias = "user_metadata"
    )]
    pub user_metadata: Option<Value>,
}

impl WebhookConfig {
    /// A webhook calling `uri`.
    pub fn new(uri: impl Into<String>) -> Self {
        Self {
            uris: vec![uri.into()],
            user_metadata: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn running_done_and_failed() {
        let running: Operation = serde_json::from_value(json!({"name": "batches/1"})).unwrap();
        assert!(!running.is_done());
        assert!(running.result().is_none());
        assert_eq!(running.name(), "batches/1");

        let failed: Operation = serde_json::from_value(json!({
            "name": "op", "done": true,
            "error": {"code": 3, "message": "bad", "details": []}
        }))
        .unwrap();
        assert!(failed.is_done());
        let Some(Err(status)) = failed.result() else {
            panic!("expected an error")
        };
        assert_eq!(status.message(), "bad");

        let ok: Operation = serde_json::from_value(json!({
            "name": "op", "done": true, "metadata": {"@type": "t.M", "x": 1},
            "response": {"@type": "t.R", "y": 2}
        }))
        .unwrap();
        assert_eq!(ok.metadata_type(), Some("t.M"));
        assert_eq!(ok.response_type(), Some("t.R"));
        assert!(matches!(ok.result(), Some(Ok(_))));
        let back = serde_json::to_value(&ok).unwrap();
        assert_eq!(back["metadata"]["x"], 1);
    }

    #[test]
    fn decode_reports_bad_metadata() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)] // only decoding is tested
        struct M {
            a: u32,
        }
        let op: Operation = serde_json::from_value(json!({"metadata": {"a": "x"}})).unwrap();
        assert!(op.decode::<M, Value>().is_err());
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Helpers for the fixture round-trip tests of this crate's modules.
    use serde_json::Value;
    use std::path::PathBuf;

    /// `../shared/spec` (a sibling of the repository), or `None` after printing one line when it
    /// is absent, so the test skips. Under `CI=true` its absence is a failure.
    pub(crate) fn shared_spec(what: &str) -> Option<PathBuf> {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/spec"));
        if dir.is_dir() {
            return Some(dir);
        }
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{what}: ../shared/spec not found, and CI=true requires it"
        );
        // Straight to stderr: the test harness captures `println!`, and this line must show.
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            format!("skipping {what}: ../shared/spec not found\n").as_bytes(),
        );
        None
    }

    /// `../shared/spec/<rel>`. Call [`shared_spec`] first: a missing file then is a failure.
    pub(crate) fn spec_path(rel: &str) -> PathBuf {
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/spec/"
        ))
        .join(rel)
    }

    /// Reads a spec file (after [`shared_spec`] found the folder); panics if it is unreadable.
    pub(crate) fn read_spec(rel: &str) -> String {
        let p = spec_path(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    /// Files of `real/` whose MANIFEST surface is `surface`.
    pub(crate) fn real_files(surface: &str) -> Vec<String> {
        read_spec("real/MANIFEST.tsv")
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut cols = l.split('\t');
                let file = cols.next()?;
                (cols.next()? == surface).then(|| format!("real/{file}"))
            })
            .collect()
    }

    /// Normalizes what JSON lets vary: empty lists and objects-of-nothing are dropped, integral
    /// strings become numbers, durations and timestamps are canonicalized.
    pub(crate) fn normalize(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(_, v)| !matches!(v, Value::Array(a) if a.is_empty()))
                    .map(|(k, v)| (k.clone(), normalize(v)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
            Value::String(s) => {
                if let Ok(n) = s.parse::<i64>() {
                    return Value::from(n);
                }
                if let Some(d) = crate::wire::parse_duration(s) {
                    return Value::from(crate::wire::format_duration(d));
                }
                if let Ok(t) = s.parse::<crate::Timestamp>() {
                    return Value::from(t.to_string());
                }
                if s.len() >= 8 && s.bytes().any(|b| b == b'-' || b == b'_') {
                    if let Ok(b) = crate::wire::decode_base64(s) {
                        return Value::from(crate::wire::encode_base64(&b));
                    }
                }
                v.clone()
            }
            Value::Number(n) => n
                .as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9e15)
                .map_or_else(|| v.clone(), |f| Value::from(f as i64)),
            _ => v.clone(),
        }
    }

    /// Decodes `json` as `T`, re-encodes it, and asserts nothing was lost (after [`normalize`]).
    pub(crate) fn round_trip<T>(what: &str, json: &Value) -> T
    where
        T: serde::de::DeserializeOwned + serde::Serialize,
    {
        let typed: T = match serde_json::from_value(json.clone()) {
            Ok(t) => t,
            Err(e) => panic!("{what}: decode failed: {e}"),
        };
        let back = serde_json::to_value(&typed).unwrap();
        let (a, b) = (normalize(json), normalize(&back));
        assert!(
            a == b,
            "{what}: round trip lost data\n in: {}\nout: {}",
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        typed
    }

    /// Every JSON document of a `.json` or `.jsonl` spec file.
    pub(crate) fn documents(rel: &str) -> Vec<Value> {
        let text = read_spec(rel);
        let ext = std::path::Path::new(rel)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if ext == "jsonl" {
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        } else if ext == "sse" {
            text.lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        } else {
            vec![serde_json::from_str(&text).unwrap()]
        }
    }
}
