//! Forward compatibility: unknown enum values, unknown part kinds and unknown fields injected into
//! real payloads must decode, and the history types (`Content`, `Part`, `FunctionCall`,
//! `FunctionResponse`) must write every injected value back unchanged, so a model turn sent back
//! as history loses nothing.
//!
//! Built with `RUSTFLAGS="--cfg gemini_strict_unknown"` (`cargo xtask ci` does it) the same
//! injections must be rejected instead (that is how the drift run notices new API values).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::decode;
use serde_json::{Value, json};

/// A model turn as the API sends it: thought, function calls with ids and a signature, text.
fn baseline() -> Value {
    json!({
        "candidates": [{
            "content": {
                "role": "model",
                "parts": [
                    {"text": "**Planning**\nI need the weather first.", "thought": true},
                    {"functionCall": {"id": "call-1", "name": "get_weather", "args": {"city": "Paris"}},
                     "thoughtSignature": "CpwCAdHtim9rZWQ="},
                    {"functionCall": {"id": "call-2", "name": "get_time", "args": {"tz": "Europe/Paris"}}},
                    {"text": "Checking both now."}
                ]
            },
            "finishReason": "STOP",
            "index": 0,
            "safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}]
        }],
        "promptFeedback": {"safetyRatings": [{"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE"}]},
        "usageMetadata": {"promptTokenCount": 40, "candidatesTokenCount": 30, "totalTokenCount": 120,
            "thoughtsTokenCount": 50, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 40}]},
        "modelVersion": "gemini-3-flash-preview",
        "responseId": "resp-1"
    })
}

/// Every document of the real corpus (all surfaces) with an unknown top-level field added (for a
/// Live frame: inside `msg`). Returns `(surface/file, unit, outcome)` for each unit.
/// `None` (the test skips, see [`common::shared_spec`]) without `../shared/spec`.
fn corpus_with_unknown_field(what: &str) -> Option<Vec<(String, usize, common::Outcome)>> {
    use common::corpus::{kind_for, manifest};
    use common::kinds::Kind;
    let real = common::shared_spec(what)?.join("real");
    let mut out = Vec::new();
    for doc in manifest(&real) {
        let Some(kind) = kind_for(&doc.surface, &doc.message) else {
            continue;
        };
        if kind == Kind::Empty {
            continue;
        }
        let text = std::fs::read_to_string(real.join(&doc.file)).unwrap();
        let units: Vec<&str> = if common::ext(&doc.file) == "jsonl" {
            common::jsonl(&text)
        } else {
            vec![text.as_str()]
        };
        for (n, unit) in units.into_iter().enumerate() {
            let mut v: Value = serde_json::from_str(unit).unwrap();
            common::scrub_placeholders(&mut v);
            let target = if kind == Kind::LiveFrame {
                v.get_mut("msg")
            } else {
                Some(&mut v)
            };
            if let Some(Value::Object(o)) = target {
                o.insert("zzNovelty".into(), serde_json::json!({"added": [1, 2]}));
            }
            let outcome = kind.check(&v.to_string(), doc.file.starts_with("requests/"));
            out.push((format!("{}: {}", doc.surface, doc.file), n + 1, outcome));
        }
    }
    Some(out)
}

#[cfg(not(gemini_strict_unknown))]
mod lenient {
    use super::{baseline, common, decode};
    use common::{Opts, compare, jsonl, shared_spec};
    use gemini_types::{Content, GenerateContentRequest, GenerateContentResponse};
    use serde_json::{Value, json};

    /// Every injection applied to one response: returns the mutated response.
    fn inject(mut v: Value) -> Value {
        if let Some(cands) = v.get_mut("candidates").and_then(Value::as_array_mut) {
            for c in cands {
                let Some(c) = c.as_object_mut() else { continue };
                c.insert("finishReason".into(), json!("SOMETHING_NEW"));
                c.insert("candidateNovelty".into(), json!({"level": 3}));
                if let Some(ratings) = c.get_mut("safetyRatings").and_then(Value::as_array_mut) {
                    for r in ratings {
                        r["category"] = json!("HARM_CATEGORY_FUTURE");
                        r["probability"] = json!("SOMEWHAT");
                    }
                }
                let content = c
                    .entry("content")
                    .or_insert_with(|| json!({"role": "model"}));
                inject_content(content);
            }
        }
        if let Some(pf) = v.get_mut("promptFeedback").and_then(Value::as_object_mut) {
            pf.insert("blockReason".into(), json!("NEW_BLOCK_REASON"));
        }
        if let Some(u) = v.get_mut("usageMetadata").and_then(Value::as_object_mut) {
            u.insert(
                "promptTokensDetails".into(),
                json!([{"modality": "HOLOGRAM", "tokenCount": 3}]),
            );
            u.insert("futureTokenCount".into(), json!(9));
        }
        v
    }

    /// Unknown fields on Content, Part, FunctionCall, FunctionResponse, plus an unknown part kind and
    /// an unknown role.
    fn inject_content(content: &mut Value) {
        let Some(obj) = content.as_object_mut() else {
            return;
        };
        obj.insert("contentNovelty".into(), json!({"nested": [1, "two", null]}));
        obj.insert("role".into(), json!("narrator"));
        let parts = obj.entry("parts").or_insert_with(|| json!([]));
        if let Some(parts) = parts.as_array_mut() {
            for p in parts.iter_mut() {
                let Some(p) = p.as_object_mut() else { continue };
                p.insert("partNovelty".into(), json!(true));
                if let Some(fc) = p.get_mut("functionCall").and_then(Value::as_object_mut) {
                    fc.insert("callNovelty".into(), json!({"x": 1}));
                }
                if let Some(fr) = p.get_mut("functionResponse").and_then(Value::as_object_mut) {
                    fr.insert("responseNovelty".into(), json!("kept"));
                }
            }
            parts.push(json!({"newKind": {"payload": {"a": [1, 2]}, "mime": "x/y"}, "thoughtSignature": "AQIDBA=="}));
            parts.push(json!({
                "functionResponse": {"id": "call-1", "name": "get_weather", "response": {"temp": 14},
                                     "responseNovelty": ["a"]},
                "partNovelty": 1
            }));
        }
    }

    /// What the history types must keep: every candidate's content, re-serialized through a request.
    fn history_round_trip(response: &Value) -> Result<(), String> {
        let text = response.to_string();
        let decoded: GenerateContentResponse = decode(&text)?;
        let Some(cands) = response.get("candidates").and_then(Value::as_array) else {
            return Ok(());
        };
        let contents: Vec<Value> = cands
            .iter()
            .filter_map(|c| c.get("content").cloned())
            .collect();
        // Decode the turns as history (`Content`) and send them back in a request.
        let request = json!({ "contents": contents });
        let typed: GenerateContentRequest = decode(&request.to_string())?;
        let back = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
        let losses = compare(&request, &back, Opts::default());
        if !losses.is_empty() {
            let l: Vec<String> = losses.iter().map(ToString::to_string).collect();
            return Err(format!("history lost data: {}", l.join("; ")));
        }
        // The response as a whole must re-serialize the injected history too.
        let whole = serde_json::to_value(&decoded).map_err(|e| e.to_string())?;
        for (i, c) in contents.iter().enumerate() {
            let got = &whole["candidates"][i]["content"];
            let losses = compare(c, got, Opts::default());
            if !losses.is_empty() {
                let l: Vec<String> = losses.iter().map(ToString::to_string).collect();
                return Err(format!(
                    "candidates[{i}].content lost data: {}",
                    l.join("; ")
                ));
            }
        }
        Ok(())
    }

    #[test]
    fn unknown_values_decode_and_history_keeps_everything() {
        let v = inject(baseline());
        history_round_trip(&v).unwrap();

        let r: GenerateContentResponse = decode(&v.to_string()).unwrap();
        let out = serde_json::to_value(&r).unwrap();
        // Open enums keep the unknown string.
        assert_eq!(out["candidates"][0]["finishReason"], "SOMETHING_NEW");
        assert_eq!(
            out["candidates"][0]["safetyRatings"][0]["category"],
            "HARM_CATEGORY_FUTURE"
        );
        assert_eq!(
            out["candidates"][0]["safetyRatings"][0]["probability"],
            "SOMEWHAT"
        );
        assert_eq!(out["promptFeedback"]["blockReason"], "NEW_BLOCK_REASON");
        assert_eq!(
            out["usageMetadata"]["promptTokensDetails"][0]["modality"],
            "HOLOGRAM"
        );
        assert_eq!(out["candidates"][0]["content"]["role"], "narrator");
        // The unknown part kind keeps its key, raw JSON and signature.
        let parts = out["candidates"][0]["content"]["parts"].as_array().unwrap();
        let novel = parts.iter().find(|p| p.get("newKind").is_some()).unwrap();
        assert_eq!(
            *novel,
            json!({"newKind": {"payload": {"a": [1, 2]}, "mime": "x/y"}, "thoughtSignature": "AQIDBA=="})
        );
    }

    #[test]
    fn history_turn_is_sent_back_byte_for_byte_in_meaning() {
        let v = inject(baseline());
        let content = v["candidates"][0]["content"].clone();
        let c: Content = decode(&content.to_string()).unwrap();
        // Send it back: the history entry must equal what the API sent, unknowns included.
        let back = serde_json::to_value(&c).unwrap();
        assert_eq!(back, content);
        // And the thought signature sits on the same part it came on.
        assert_eq!(back["parts"][1]["thoughtSignature"], "CpwCAdHtim9rZWQ=");
        assert!(back["parts"][1].get("functionCall").is_some());
    }

    #[test]
    fn unknown_fields_elsewhere_do_not_fail() {
        let mut v = inject(baseline());
        v["responseNovelty"] = json!({"a": 1});
        v["candidates"][0]["groundingMetadata"] = json!({"futureGrounding": [1]});
        v["candidates"][0]["citationMetadata"] =
            json!({"citationSources": [{"startIndex": 1, "futureField": true}]});
        let r: Result<GenerateContentResponse, String> = decode(&v.to_string());
        r.unwrap();
    }

    /// Unknown top-level fields never fail, on any surface (types that are not history may drop
    /// them; the history types are checked above).
    #[test]
    fn unknown_top_level_fields_never_fail_on_any_surface() {
        let Some(results) = super::corpus_with_unknown_field("forward_compat unknown fields")
        else {
            return;
        };
        let failed: Vec<String> = results
            .iter()
            // Live client frames are requests to the server, which rejects unknown names (as the
            // real service does); forward compatibility is about what the server sends.
            .filter(|(f, _, o)| {
                matches!(o, common::Outcome::DecodeError(e)
                    if !(f.starts_with("live: ") && e.starts_with("LiveClientMessage")))
            })
            .map(|(f, n, o)| format!("{f} #{n}: {}", o.describe()))
            .collect();
        assert!(results.len() > 1000, "only {} units", results.len());
        assert!(
            failed.is_empty(),
            "{} of {} units failed to decode with an unknown field:\n{}",
            failed.len(),
            results.len(),
            failed
                .iter()
                .take(30)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    #[test]
    fn injections_into_the_real_corpus() {
        let Some(spec) = shared_spec("forward_compat corpus sweep") else {
            return;
        };
        let real = spec.join("real");
        let manifest = std::fs::read_to_string(real.join("MANIFEST.tsv")).unwrap();
        let mut checked = 0usize;
        let mut failures = Vec::new();
        for line in manifest.lines().skip(1) {
            let cols: Vec<&str> = line.split('\t').collect();
            let (Some(file), Some(msg)) = (cols.first(), cols.get(2)) else {
                continue;
            };
            if !msg.starts_with("GenerateContentResponse") {
                continue;
            }
            let text = std::fs::read_to_string(real.join(file)).unwrap();
            let docs: Vec<&str> = if common::ext(file) == "jsonl" {
                jsonl(&text)
            } else {
                vec![text.as_str()]
            };
            for (n, doc) in docs.into_iter().enumerate() {
                let Ok(mut v) = serde_json::from_str::<Value>(doc) else {
                    continue;
                };
                common::scrub_placeholders(&mut v);
                checked += 1;
                if let Err(e) = history_round_trip(&inject(v)) {
                    failures.push(format!("{file} #{n}: {e}"));
                }
            }
        }
        assert!(checked > 300, "only {checked} responses found");
        assert!(
            failures.is_empty(),
            "{} of {checked} mutated real responses failed:\n{}",
            failures.len(),
            failures
                .iter()
                .take(30)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[cfg(gemini_strict_unknown)]
mod strict {
    use super::{baseline, decode};
    use gemini_types::GenerateContentResponse;
    use serde_json::{Value, json};

    /// Drift detection works on every surface: an unknown top-level field is an error naming it.
    #[test]
    fn unknown_top_level_fields_are_errors_on_every_surface() {
        let Some(results) =
            super::corpus_with_unknown_field("forward_compat strict unknown fields")
        else {
            return;
        };
        let accepted: Vec<String> = results
            .iter()
            .filter(|(_, _, o)| {
                !matches!(o, crate::common::Outcome::DecodeError(e) if e.contains("zzNovelty"))
            })
            .map(|(f, n, o)| format!("{f} #{n}: {}", o.describe()))
            .collect();
        assert!(
            accepted.is_empty(),
            "{} of {} units accepted an unknown field under strict-unknown:\n{}",
            accepted.len(),
            results.len(),
            accepted
                .iter()
                .take(30)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }

    /// Each injection alone must be rejected, naming what was unknown.
    #[test]
    fn every_injection_is_rejected_under_strict_unknown() {
        let base = baseline();
        decode::<GenerateContentResponse>(&base.to_string()).unwrap();
        // (what, JSON pointer of the parent, key to set, value); key "-" appends to an array.
        let mutations: &[(&str, &str, &str, Value)] = &[
            (
                "SOMETHING_NEW",
                "/candidates/0",
                "finishReason",
                json!("SOMETHING_NEW"),
            ),
            (
                "HARM_CATEGORY_FUTURE",
                "/candidates/0/safetyRatings/0",
                "category",
                json!("HARM_CATEGORY_FUTURE"),
            ),
            (
                "newKind",
                "/candidates/0/content/parts",
                "-",
                json!({"newKind": {}}),
            ),
            (
                "partNovelty",
                "/candidates/0/content/parts/0",
                "partNovelty",
                json!(1),
            ),
            (
                "contentNovelty",
                "/candidates/0/content",
                "contentNovelty",
                json!(1),
            ),
            (
                "callNovelty",
                "/candidates/0/content/parts/1/functionCall",
                "callNovelty",
                json!(1),
            ),
            (
                "candidateNovelty",
                "/candidates/0",
                "candidateNovelty",
                json!(1),
            ),
            ("responseNovelty", "", "responseNovelty", json!(1)),
        ];
        for (what, parent, key, value) in mutations {
            let mut v = base.clone();
            let target = v.pointer_mut(parent).unwrap();
            if *key == "-" {
                target.as_array_mut().unwrap().push(value.clone());
            } else {
                target[*key] = value.clone();
            }
            let err = decode::<GenerateContentResponse>(&v.to_string())
                .expect_err(&format!("strict-unknown accepted {what}"));
            assert!(
                err.contains(what),
                "{what}: error does not say what was unknown: {err}"
            );
        }
    }
}
