//! Generic long-running Operation envelopes.

#[cfg(test)]
pub(crate) mod testutil {
    //! Helpers for the fixture round-trip tests of this crate's modules.
    use serde_json::Value;
    use std::path::PathBuf;

    /// `../shared/spec/<rel>` relative to the workspace root.
    pub(crate) fn spec_path(rel: &str) -> PathBuf {
        PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/spec/"
        ))
        .join(rel)
    }

    /// Reads a spec file; `None` (and a note on stderr) when the shared folder is absent.
    pub(crate) fn read_spec(rel: &str) -> Option<String> {
        let p = spec_path(rel);
        match std::fs::read_to_string(&p) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("skipped: {} not readable ({e})", p.display());
                None
            }
        }
    }

    /// Files of `real/` whose MANIFEST surface is `surface`.
    pub(crate) fn real_files(surface: &str) -> Vec<String> {
        let Some(manifest) = read_spec("real/MANIFEST.tsv") else {
            return Vec::new();
        };
        manifest
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
        let Some(text) = read_spec(rel) else {
            return Vec::new();
        };
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
