//! `cargo xtask api-coverage`: compares the v1beta field inventory (`../shared/spec/schema-v1beta.json`)
//! with the wire names our types actually (de)serialize.
//!
//! Our side is derived from the types themselves: every root type in [`crate::roots`] is fed to a
//! `schemars` generator (once with the serialize contract, once with the deserialize contract) and
//! the generated definitions' properties are the wire names we read and write.
//!
//! Which proto messages count:
//!
//! 1. **Roots** come from the RPC table of the inventory: for every RPC of a covered surface, its
//!    JSON request body (the request message when the body is `*`, the named field's message when
//!    the body is a single field, nothing when every field travels in the URL) and its response.
//!    RPCs of legacy surfaces are excluded in [`EXCLUDED_RPCS`], each with its reason.
//! 2. **Everything reachable** from a root through message-typed fields is covered too, so a new
//!    nested message in the protos shows up here without anyone editing a list.
//!
//! Which of our definitions models a message: the roots are paired explicitly in
//! [`crate::roots`]; nested messages are found by following the same field on both sides (proto
//! field type <-> the `$ref` of our property with that wire name). A message reached by neither way
//! is looked up by name ([`ALIASES`] first, then the proto name without dots, then its last
//! segment).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

/// RPCs of legacy or out-of-scope surfaces (issue 2 lets us exclude them; each has its reason).
const EXCLUDED_RPCS: &[(&str, &str)] = &[
    // DiscussService: PaLM chat (`generateMessage`), retired.
    ("GenerateMessage", "legacy discuss service"),
    ("CountMessageTokens", "legacy discuss service"),
    // TextService: PaLM text (`generateText`, `embedText`), retired.
    ("GenerateText", "legacy text service"),
    ("EmbedText", "legacy text service"),
    ("BatchEmbedText", "legacy text service"),
    ("CountTextTokens", "legacy text service"),
    // GenerateAnswer (AQA) answers from corpora / inline passages: part of the retriever surface.
    ("GenerateAnswer", "legacy retriever surface (AQA)"),
    // RetrieverService: corpora, documents, chunks (superseded by file search stores).
    ("CreateCorpus", "legacy retriever service"),
    ("GetCorpus", "legacy retriever service"),
    ("UpdateCorpus", "legacy retriever service"),
    ("DeleteCorpus", "legacy retriever service"),
    ("ListCorpora", "legacy retriever service"),
    ("QueryCorpus", "legacy retriever service"),
    ("CreateDocument", "legacy retriever service"),
    ("GetDocument", "legacy retriever service"),
    ("UpdateDocument", "legacy retriever service"),
    ("DeleteDocument", "legacy retriever service"),
    ("ListDocuments", "legacy retriever service"),
    ("QueryDocument", "legacy retriever service"),
    ("CreateChunk", "legacy retriever service"),
    ("BatchCreateChunks", "legacy retriever service"),
    ("GetChunk", "legacy retriever service"),
    ("UpdateChunk", "legacy retriever service"),
    ("BatchUpdateChunks", "legacy retriever service"),
    ("DeleteChunk", "legacy retriever service"),
    ("BatchDeleteChunks", "legacy retriever service"),
    ("ListChunks", "legacy retriever service"),
    // PermissionService: sharing of tuned models and corpora.
    ("CreatePermission", "legacy permission service"),
    ("GetPermission", "legacy permission service"),
    ("ListPermissions", "legacy permission service"),
    ("UpdatePermission", "legacy permission service"),
    ("DeletePermission", "legacy permission service"),
    ("TransferOwnership", "legacy permission service"),
    // Tuned models (ModelService): tuning is no longer offered on the Gemini API.
    ("GetTunedModel", "tuned-model service"),
    ("ListTunedModels", "tuned-model service"),
    ("CreateTunedModel", "tuned-model service"),
    ("UpdateTunedModel", "tuned-model service"),
    ("DeleteTunedModel", "tuned-model service"),
];

/// Messages that are JSON payloads of covered surfaces without being the body of an RPC: the
/// contents of `google.longrunning.Operation.metadata` / `.response` for `predictLongRunning`.
const EXTRA_ROOTS: &[&str] = &["PredictLongRunningMetadata", "PredictLongRunningResponse"];

/// Proto message name -> our definition name, for the few messages we model under another name
/// and cannot be reached by following fields. Keep it short.
const ALIASES: &[(&str, &str)] = &[];

/// One field of the inventory.
#[derive(Debug)]
struct Field {
    json: String,
    ty: String,
}

/// The parsed inventory.
struct Inventory {
    messages: BTreeMap<String, Vec<Field>>,
    rpcs: Vec<Value>,
}

fn load_inventory(path: &Path) -> Result<Inventory, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
    let mut messages = BTreeMap::new();
    let msgs = doc
        .get("messages")
        .and_then(Value::as_object)
        .ok_or("schema-v1beta.json has no `messages` object")?;
    for (name, m) in msgs {
        let fields = m
            .get("fields")
            .and_then(Value::as_array)
            .map(|fs| {
                fs.iter()
                    .filter_map(|f| {
                        Some(Field {
                            json: f.get("json")?.as_str()?.to_owned(),
                            ty: f.get("type")?.as_str()?.to_owned(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        messages.insert(name.clone(), fields);
    }
    let rpcs = doc
        .get("rpcs")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    Ok(Inventory { messages, rpcs })
}

impl Inventory {
    /// Resolves a field type used inside `scope` with proto scoping rules.
    fn resolve(&self, scope: &str, ty: &str) -> Option<String> {
        // Map values: `map<string,Schema>`.
        let ty = ty
            .strip_prefix("map<")
            .and_then(|r| r.strip_suffix('>'))
            .and_then(|r| r.split_once(','))
            .map_or(ty, |(_, v)| v.trim());
        let mut prefix = scope.to_owned();
        loop {
            let candidate = if prefix.is_empty() {
                ty.to_owned()
            } else {
                format!("{prefix}.{ty}")
            };
            if self.messages.contains_key(&candidate) {
                return Some(candidate);
            }
            if prefix.is_empty() {
                return None;
            }
            prefix = prefix
                .rsplit_once('.')
                .map_or_else(String::new, |(p, _)| p.to_owned());
        }
    }

    /// The JSON bodies (requests and responses) of every covered RPC.
    fn roots(&self) -> (BTreeSet<String>, Vec<String>) {
        let mut roots = BTreeSet::new();
        let mut url_only = Vec::new();
        for rpc in &self.rpcs {
            let name = rpc.get("name").and_then(Value::as_str).unwrap_or("");
            if EXCLUDED_RPCS.iter().any(|(n, _)| *n == name) {
                continue;
            }
            let sig = rpc.get("signature").and_then(Value::as_str).unwrap_or("");
            let words: Vec<&str> = sig
                .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
                .filter(|w| !w.is_empty() && *w != "stream" && *w != "returns")
                .collect();
            let (Some(req), Some(resp)) = (words.first(), words.get(1)) else {
                continue;
            };
            if self.messages.contains_key(*resp) {
                roots.insert((*resp).to_owned());
            }
            let http = rpc.get("http").and_then(Value::as_array);
            let body = http.and_then(|h| h.first()).map(|h| h.get("body"));
            match body {
                // No HTTP binding (the Live WebSocket RPC): the message itself is the frame.
                None => {
                    roots.insert((*req).to_owned());
                }
                Some(Some(Value::String(b))) if b == "*" => {
                    roots.insert((*req).to_owned());
                }
                Some(Some(Value::String(field))) => {
                    let ty = self
                        .messages
                        .get(*req)
                        .and_then(|fs| fs.iter().find(|f| snake(&f.json) == *field))
                        .and_then(|f| self.resolve(req, &f.ty));
                    if let Some(t) = ty {
                        roots.insert(t);
                    }
                }
                // Every field is a path or query parameter: no JSON body to model.
                Some(_) => url_only.push((*req).to_owned()),
            }
        }
        roots.extend(EXTRA_ROOTS.iter().map(|s| (*s).to_owned()));
        roots.retain(|r| self.messages.contains_key(r));
        (roots, url_only)
    }
}

/// `systemInstruction` -> `system_instruction` (proto field names, to match `http.body`).
fn snake(json: &str) -> String {
    let mut s = String::with_capacity(json.len() + 4);
    for c in json.chars() {
        if c.is_ascii_uppercase() {
            s.push('_');
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

/// Our side: schemars definitions (both contracts merged) and the root pairing.
pub(crate) struct Ours {
    /// Definition name -> (wire name -> referenced definition names).
    pub(crate) defs: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    /// Proto root message -> our definition name.
    pub(crate) roots: BTreeMap<String, String>,
}

/// The definition name of a `$ref` (`#/$defs/Name`).
pub(crate) fn ref_name(v: &Value) -> Option<String> {
    let r = v.get("$ref")?.as_str()?;
    r.rsplit('/')
        .next()
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
}

/// Collects wire names and the definitions each one references, following `allOf`/`anyOf`/
/// `oneOf` (serde `flatten` and hand-written oneofs) and `$ref`s at the definition level.
pub(crate) fn collect_props(
    defs: &serde_json::Map<String, Value>,
    schema: &Value,
    out: &mut BTreeMap<String, BTreeSet<String>>,
    seen: &mut BTreeSet<String>,
) {
    if let Some(name) = ref_name(schema) {
        if seen.insert(name.clone()) {
            if let Some(d) = defs.get(&name) {
                collect_props(defs, d, out, seen);
            }
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            let mut refs = BTreeSet::new();
            refs_in(v, &mut refs);
            out.entry(k.clone()).or_default().extend(refs);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(subs) = schema.get(key).and_then(Value::as_array) {
            for s in subs {
                collect_props(defs, s, out, seen);
            }
        }
    }
    for key in ["then", "else"] {
        if let Some(s) = schema.get(key) {
            collect_props(defs, s, out, seen);
        }
    }
}

/// Definition names a property schema points to (through Option, lists and maps).
fn refs_in(v: &Value, out: &mut BTreeSet<String>) {
    if let Some(n) = ref_name(v) {
        out.insert(n);
    }
    for key in ["items", "additionalProperties"] {
        if let Some(s) = v.get(key) {
            refs_in(s, out);
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "prefixItems"] {
        if let Some(subs) = v.get(key).and_then(Value::as_array) {
            for s in subs {
                refs_in(s, out);
            }
        }
    }
}

/// How a proto message was matched to one of our definitions.
#[derive(Clone, Debug)]
enum Via {
    Root,
    Field(String),
    Name,
}

/// Runs the comparison; returns the report (lines) and whether coverage is complete.
pub(crate) fn run(spec: &Path) -> Result<bool, String> {
    let inv = load_inventory(&spec.join("schema-v1beta.json"))?;
    let ours = crate::roots::ours();
    let (roots, url_only) = inv.roots();

    // Pair proto messages with our definitions: roots, then by following fields (BFS).
    let mut pairing: BTreeMap<String, (String, Via)> = BTreeMap::new();
    let mut queue = VecDeque::new();
    for r in &roots {
        if let Some(d) = ours.roots.get(r) {
            pairing.insert(r.clone(), (d.clone(), Via::Root));
            queue.push_back(r.clone());
        }
    }
    // Every message reachable from a root is covered.
    let mut covered: BTreeSet<String> = BTreeSet::new();
    let mut reach: VecDeque<String> = roots.iter().cloned().collect();
    while let Some(m) = reach.pop_front() {
        if !covered.insert(m.clone()) {
            continue;
        }
        for f in inv.messages.get(&m).map_or(&[][..], Vec::as_slice) {
            if let Some(t) = inv.resolve(&m, &f.ty) {
                reach.push_back(t);
            }
        }
    }
    while let Some(m) = queue.pop_front() {
        let Some((def, _)) = pairing.get(&m).cloned() else {
            continue;
        };
        let props = ours.defs.get(&def).cloned().unwrap_or_default();
        for f in inv.messages.get(&m).map_or(&[][..], Vec::as_slice) {
            let Some(t) = inv.resolve(&m, &f.ty) else {
                continue;
            };
            if pairing.contains_key(&t) {
                continue;
            }
            let targets = props.get(&f.json).cloned().unwrap_or_default();
            // Prefer a definition that models a message (has properties); skip open enums etc.
            let pick = targets
                .iter()
                .find(|d| ours.defs.get(*d).is_some_and(|p| !p.is_empty()))
                .or_else(|| targets.iter().next());
            if let Some(d) = pick {
                pairing.insert(
                    t.clone(),
                    (d.clone(), Via::Field(format!("{m}.{}", f.json))),
                );
                queue.push_back(t);
            }
        }
    }
    for m in &covered {
        if pairing.contains_key(m) {
            continue;
        }
        let alias = ALIASES
            .iter()
            .find(|(p, _)| p == m)
            .map(|(_, d)| (*d).to_owned());
        let candidates = alias.into_iter().chain([
            m.replace('.', ""),
            m.rsplit('.').next().unwrap_or(m).to_owned(),
        ]);
        for c in candidates {
            if ours.defs.contains_key(&c) {
                pairing.insert(m.clone(), (c, Via::Name));
                break;
            }
        }
    }

    let verbose = std::env::args().any(|a| a == "--verbose" || a == "-v");
    let mut total = 0usize;
    let mut have = 0usize;
    let mut report = String::new();
    for m in &covered {
        let fields = inv.messages.get(m).map_or(&[][..], Vec::as_slice);
        total += fields.len();
        let (props, how) = match pairing.get(m) {
            Some((d, via)) => (
                ours.defs.get(d).cloned().unwrap_or_default(),
                match via {
                    Via::Root => format!("{d} (root)"),
                    Via::Field(f) => format!("{d} (via {f})"),
                    Via::Name => format!("{d} (by name)"),
                },
            ),
            None => (BTreeMap::new(), "no matching type".to_owned()),
        };
        let missing: Vec<&str> = fields
            .iter()
            .filter(|f| !props.contains_key(&f.json))
            .map(|f| f.json.as_str())
            .collect();
        have += fields.len() - missing.len();
        if !missing.is_empty() {
            let _ = writeln!(
                report,
                "{m} -> {how}: missing {}/{}: {}",
                missing.len(),
                fields.len(),
                missing.join(", ")
            );
        } else if verbose {
            let _ = writeln!(report, "{m} -> {how}: ok ({} fields)", fields.len());
        }
    }
    print!("{report}");
    if verbose {
        println!(
            "(roots: {}; covered messages: {}; URL-only request messages skipped: {})",
            roots.len(),
            covered.len(),
            url_only.join(", ")
        );
    }
    let pct = if total == 0 {
        100.0
    } else {
        have as f64 * 100.0 / total as f64
    };
    // Never round 99.95% up to a misleading "100.0%".
    let pct = (pct * 10.0).floor() / 10.0;
    println!("api-coverage: {have}/{total} fields ({pct:.1}%)");
    Ok(have == total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inventory() -> Inventory {
        // Tests run in parallel threads of one process: each call needs its own directory.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let doc = json!({
            "messages": {
                "A": {"fields": [{"json": "inner", "type": "Inner"}, {"json": "b", "type": "B"}]},
                "A.Inner": {"fields": [{"json": "x", "type": "int64"}]},
                "B": {"fields": [{"json": "m", "type": "map<string,B>"}]},
                "Inner": {"fields": [{"json": "wrong", "type": "string"}]},
                "GetARequest": {"fields": [{"json": "name", "type": "string"}]},
                "CreateARequest": {"fields": [{"json": "theA", "type": "A"}]}
            },
            "rpcs": [
                {"name": "GetA", "signature": "( GetARequest ) returns ( A )", "http": [{"method": "GET"}]},
                {"name": "CreateA", "signature": "( CreateARequest ) returns ( A )",
                 "http": [{"method": "POST", "body": "the_a"}]},
                {"name": "GenerateText", "signature": "( B ) returns ( B )", "http": [{"body": "*"}]}
            ]
        });
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("xtask-cov-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("schema.json");
        std::fs::write(&p, doc.to_string()).unwrap();
        let inv = load_inventory(&p).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        inv
    }

    #[test]
    fn proto_scoping_and_maps() {
        let inv = inventory();
        assert_eq!(inv.resolve("A", "Inner").as_deref(), Some("A.Inner"));
        assert_eq!(inv.resolve("B", "Inner").as_deref(), Some("Inner"));
        assert_eq!(inv.resolve("B", "map<string,B>").as_deref(), Some("B"));
        assert_eq!(inv.resolve("A", "int64"), None);
    }

    #[test]
    fn roots_follow_http_bodies_and_exclusions() {
        let (roots, url_only) = inventory().roots();
        // GetA: response only; CreateA: the body field's message; GenerateText is excluded.
        assert!(roots.contains("A"));
        assert!(!roots.contains("CreateARequest"));
        assert!(!roots.contains("B"));
        assert_eq!(url_only, ["GetARequest"]);
        assert_eq!(snake("theA"), "the_a");
    }

    #[test]
    fn properties_through_refs_options_and_oneofs() {
        let defs = json!({
            "P": {"oneOf": [
                {"type": "object", "properties": {"text": {"type": "string"}}},
                {"type": "object", "properties": {"blob": {"$ref": "#/$defs/Blob"}}}
            ], "properties": {"meta": {"anyOf": [{"$ref": "#/$defs/Meta"}, {"type": "null"}]}}},
            "Blob": {"properties": {"data": {"type": "string"}}},
            "Meta": {"properties": {"list": {"type": "array", "items": {"$ref": "#/$defs/Blob"}}}}
        });
        let defs = defs.as_object().unwrap();
        let mut props = BTreeMap::new();
        collect_props(defs, &defs["P"], &mut props, &mut BTreeSet::new());
        let keys: Vec<&str> = props.keys().map(String::as_str).collect();
        assert_eq!(keys, ["blob", "meta", "text"]);
        assert!(props["blob"].contains("Blob"));
        assert!(props["meta"].contains("Meta"));
        let mut meta = BTreeMap::new();
        collect_props(defs, &defs["Meta"], &mut meta, &mut BTreeSet::new());
        assert!(meta["list"].contains("Blob"));
    }
}
