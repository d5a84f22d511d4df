//! Property tests: for the core types, serialize -> deserialize is the identity.
//!
//! Values are generated at the wire level (canonical JSON of every Part kind, Content,
//! GenerationConfig, UsageMetadata, Candidate, whole responses) so the strategies do not depend on
//! Rust field names. Each case checks both directions: decoding then encoding reproduces the
//! canonical JSON, and the decoded value survives encode -> decode unchanged (`PartialEq`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use gemini_types::{
    Candidate, Content, GenerateContentResponse, GenerationConfig, Part, UsageMetadata,
};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 96,
        max_shrink_iters: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Checks both directions of the round trip for the canonical JSON `v`.
fn identity<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    v: &Value,
) -> Result<(), TestCaseError> {
    let t: T = serde_json::from_value(v.clone())
        .map_err(|e| TestCaseError::fail(format!("decode {v}: {e}")))?;
    let out = serde_json::to_value(&t).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&out, v, "re-serialized JSON differs");
    let again: T = serde_json::from_value(out).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(again, t, "typed value changed through encode -> decode");
    Ok(())
}

fn b64(bytes: &[u8]) -> String {
    gemini_types::wire::encode_base64(bytes)
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 .,!?]{0,40}",
        "\\PC{0,20}",
        Just(String::new()),
        Just("line\nbreak \"quoted\" \\ \u{2028} 🦀".to_owned()),
    ]
}

fn ident() -> impl Strategy<Value = String> {
    "[a-z][a-z_0-9]{0,12}"
}

/// JSON values for `args` / `response` payloads (user data: any shape).
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        (-1000i32..1000).prop_map(|n| json!(f64::from(n) / 8.0)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(ident(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map(ident(), any_json(), 0..4).prop_map(|m| m.into_iter().collect())
}

fn duration() -> impl Strategy<Value = String> {
    (0u64..100_000, 0u32..1_000_000_000)
        .prop_map(|(s, n)| gemini_types::wire::format_duration(std::time::Duration::new(s, n)))
}

/// The data of a part, one of every known kind.
fn part_data() -> impl Strategy<Value = (String, Value)> {
    prop_oneof![
        text().prop_map(|t| ("text".to_owned(), json!(t))),
        (
            "(image|audio|video)/[a-z]{2,5}",
            prop::collection::vec(any::<u8>(), 0..64)
        )
            .prop_map(|(m, d)| (
                "inlineData".to_owned(),
                json!({"mimeType": m, "data": b64(&d)})
            )),
        (
            "[a-z]+/[a-z]{2,5}",
            "https://[a-z]{3,8}\\.example/[a-z0-9]{1,8}"
        )
            .prop_map(|(m, u)| ("fileData".to_owned(), json!({"mimeType": m, "fileUri": u}))),
        (prop::option::of("[a-z0-9-]{1,10}"), ident(), json_object()).prop_map(|(id, n, a)| {
            let mut fc = json!({"name": n, "args": a});
            if let Some(id) = id {
                fc["id"] = json!(id);
            }
            ("functionCall".to_owned(), fc)
        }),
        (prop::option::of("[a-z0-9-]{1,10}"), ident(), json_object()).prop_map(|(id, n, r)| {
            let mut fr = json!({"name": n, "response": r});
            if let Some(id) = id {
                fr["id"] = json!(id);
            }
            ("functionResponse".to_owned(), fr)
        }),
        text().prop_map(|c| (
            "executableCode".to_owned(),
            json!({"language": "PYTHON", "code": c})
        )),
        (
            prop_oneof![
                Just("OUTCOME_OK"),
                Just("OUTCOME_FAILED"),
                Just("OUTCOME_DEADLINE_EXCEEDED")
            ],
            text()
        )
            .prop_map(|(o, out)| (
                "codeExecutionResult".to_owned(),
                json!({"outcome": o, "output": out})
            )),
    ]
}

fn part() -> impl Strategy<Value = Value> {
    (
        part_data(),
        prop::option::of(any::<bool>()),
        prop::option::of(prop::collection::vec(any::<u8>(), 1..48)),
        prop::option::of((duration(), duration(), prop::option::of(1u32..60))),
    )
        .prop_map(|((key, data), thought, sig, video)| {
            let mut p = Map::new();
            p.insert(key, data);
            if let Some(t) = thought {
                p.insert("thought".into(), json!(t));
            }
            if let Some(s) = sig {
                p.insert("thoughtSignature".into(), json!(b64(&s)));
            }
            if let Some((start, end, fps)) = video {
                let mut vm = json!({"startOffset": start, "endOffset": end});
                if let Some(f) = fps {
                    vm["fps"] = json!(f64::from(f));
                }
                p.insert("videoMetadata".into(), vm);
            }
            Value::Object(p)
        })
}

fn content() -> impl Strategy<Value = Value> {
    (
        prop::option::of(prop_oneof![Just("user"), Just("model")]),
        prop::collection::vec(part(), 0..5),
    )
        .prop_map(|(role, parts)| {
            let mut c = Map::new();
            if let Some(r) = role {
                c.insert("role".into(), json!(r));
            }
            if !parts.is_empty() {
                c.insert("parts".into(), Value::Array(parts));
            }
            Value::Object(c)
        })
}

/// Inserts `key: value` for each `Some`.
fn obj(fields: Vec<(&str, Option<Value>)>) -> Value {
    Value::Object(
        fields
            .into_iter()
            .filter_map(|(k, v)| Some((k.to_owned(), v?)))
            .collect(),
    )
}

/// Floats the API sends for float fields: short decimals that survive `f32`.
fn small_float() -> impl Strategy<Value = Value> {
    (0u32..200).prop_map(|n| json!(f64::from(n) / 100.0))
}

fn generation_config() -> impl Strategy<Value = Value> {
    (
        (
            prop::option::of(1i32..8),
            prop::option::of(prop::collection::vec("[a-z]{1,6}", 1..3)),
            prop::option::of(1i32..65536),
            prop::option::of(small_float()),
            prop::option::of(small_float()),
            prop::option::of(1i32..100),
            prop::option::of(any::<i32>()),
        ),
        (
            prop::option::of(prop_oneof![Just("text/plain"), Just("application/json")]),
            prop::option::of(small_float()),
            prop::option::of(small_float()),
            prop::option::of(any::<bool>()),
            prop::option::of(0i32..20),
            prop::option::of(prop::collection::vec(
                prop_oneof![Just("TEXT"), Just("IMAGE"), Just("AUDIO")],
                1..3,
            )),
            prop::option::of((
                prop::option::of(any::<bool>()),
                prop::option::of(-1i32..24576),
            )),
        ),
    )
        .prop_map(
            |((cc, stop, max, temp, top_p, top_k, seed), (mime, pp, fp, lp, nlp, modal, think))| {
                obj(vec![
                    ("candidateCount", cc.map(|v| json!(v))),
                    ("stopSequences", stop.map(|v| json!(v))),
                    ("maxOutputTokens", max.map(|v| json!(v))),
                    ("temperature", temp),
                    ("topP", top_p),
                    ("topK", top_k.map(|v| json!(v))),
                    ("seed", seed.map(|v| json!(v))),
                    ("responseMimeType", mime.map(|v| json!(v))),
                    ("presencePenalty", pp),
                    ("frequencyPenalty", fp),
                    ("responseLogprobs", lp.map(|v| json!(v))),
                    ("logprobs", nlp.map(|v| json!(v))),
                    ("responseModalities", modal.map(|v| json!(v))),
                    (
                        "thinkingConfig",
                        think.map(|(inc, budget)| {
                            obj(vec![
                                ("includeThoughts", inc.map(|v| json!(v))),
                                ("thinkingBudget", budget.map(|v| json!(v))),
                            ])
                        }),
                    ),
                ])
            },
        )
}

fn modality_counts() -> impl Strategy<Value = Option<Value>> {
    prop::option::of(prop::collection::vec(
        (
            prop_oneof![
                Just("TEXT"),
                Just("IMAGE"),
                Just("AUDIO"),
                Just("VIDEO"),
                Just("DOCUMENT")
            ],
            0i32..100_000,
        )
            .prop_map(|(m, n)| json!({"modality": m, "tokenCount": n})),
        1..4,
    ))
    .prop_map(|o| o.map(Value::Array))
}

fn usage() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(prop::option::of(0i32..1_000_000), 6),
        modality_counts(),
        modality_counts(),
        modality_counts(),
        modality_counts(),
    )
        .prop_map(|(n, p, c, cand, tool)| {
            let num = |i: usize| n.get(i).copied().flatten().map(|v| json!(v));
            obj(vec![
                ("promptTokenCount", num(0)),
                ("cachedContentTokenCount", num(1)),
                ("candidatesTokenCount", num(2)),
                ("toolUsePromptTokenCount", num(3)),
                ("thoughtsTokenCount", num(4)),
                ("totalTokenCount", num(5)),
                ("promptTokensDetails", p),
                ("cacheTokensDetails", c),
                ("candidatesTokensDetails", cand),
                ("toolUsePromptTokensDetails", tool),
            ])
        })
}

fn candidate() -> impl Strategy<Value = Value> {
    (
        prop::option::of(content()),
        prop::option::of(prop_oneof![
            Just("STOP"),
            Just("MAX_TOKENS"),
            Just("SAFETY"),
            Just("MALFORMED_FUNCTION_CALL"),
            Just("NO_IMAGE")
        ]),
        prop::option::of(prop::collection::vec(
            (
                prop_oneof![Just("HARM_CATEGORY_HARASSMENT"), Just("HARM_CATEGORY_HATE_SPEECH")],
                prop_oneof![Just("NEGLIGIBLE"), Just("LOW"), Just("HIGH")],
                prop::option::of(any::<bool>()),
            )
                .prop_map(|(c, p, b)| obj(vec![
                    ("category", Some(json!(c))),
                    ("probability", Some(json!(p))),
                    ("blocked", b.map(|v| json!(v))),
                ])),
            1..3,
        )),
        prop::option::of(0i32..8),
        prop::option::of(0i32..5000),
        prop::option::of((-400i32..0).prop_map(|n| f64::from(n) / 64.0)),
        prop::option::of(text()),
        prop::option::of(
            (0i32..100, 100i32..200, "https://[a-z]{3,8}\\.example")
                .prop_map(|(s, e, u)| json!({"citationSources": [{"startIndex": s, "endIndex": e, "uri": u}]})),
        ),
    )
        .prop_map(|(content, finish, ratings, index, tokens, avg, msg, cite)| {
            obj(vec![
                ("content", content),
                ("finishReason", finish.map(|v| json!(v))),
                ("safetyRatings", ratings.map(Value::Array)),
                ("index", index.map(|v| json!(v))),
                ("tokenCount", tokens.map(|v| json!(v))),
                ("avgLogprobs", avg.map(|v| json!(v))),
                ("finishMessage", msg.map(|v| json!(v))),
                ("citationMetadata", cite),
            ])
        })
}

fn response() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(candidate(), 0..3),
        prop::option::of(usage()),
        prop::option::of("gemini-[0-9]\\.[0-9]-(flash|pro)"),
        prop::option::of("[A-Za-z0-9_-]{8,20}"),
    )
        .prop_map(|(cands, usage, model, id)| {
            obj(vec![
                (
                    "candidates",
                    (!cands.is_empty()).then_some(Value::Array(cands)),
                ),
                ("usageMetadata", usage),
                ("modelVersion", model.map(|v| json!(v))),
                ("responseId", id.map(|v| json!(v))),
            ])
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn part_of_every_kind(p in part()) {
        identity::<Part>(&p)?;
    }

    #[test]
    fn content_of_parts(c in content()) {
        identity::<Content>(&c)?;
    }

    #[test]
    fn generation_config_round_trips(g in generation_config()) {
        identity::<GenerationConfig>(&g)?;
    }

    #[test]
    fn usage_metadata(u in usage()) {
        identity::<UsageMetadata>(&u)?;
    }

    #[test]
    fn candidate_round_trips(c in candidate()) {
        identity::<Candidate>(&c)?;
    }

    #[test]
    fn whole_response(r in response()) {
        identity::<GenerateContentResponse>(&r)?;
    }
}
