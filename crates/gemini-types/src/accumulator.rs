//! StreamAccumulator: folds streamed GenerateContentResponse chunks into one response.
//!
//! Each streamGenerateContent chunk is a delta (../shared/spec/API.md §6): new parts only, with
//! the candidate's `finishReason` and the cumulative `usageMetadata` on the last chunk. Folding
//! them naively loses data that matters for the next turn: a stream often ends with an empty
//! text part carrying only a `thoughtSignature`, and on Vertex AI function-call arguments arrive
//! in pieces (`partialArgs` + `willContinue`). [`StreamAccumulator`] does it right.

use serde_json::{Map, Value};

use crate::content::{FunctionCall, Part, PartData, PartialArg};
use crate::generate::{Candidate, GenerateContentResponse};
use crate::grounding::{CitationMetadata, GroundingMetadata, UrlContextMetadata};

/// Folds streamed [`GenerateContentResponse`] chunks into one response.
///
/// Per candidate index (absent = 0): parts are joined by the crate's one rule,
/// [`push_part`](crate::push_part) (adjacent plain text of the same kind is concatenated, a
/// signature stays on the text it arrived with and a signed part is never joined with what
/// follows, blank trailing text parts are dropped); streamed function-call arguments
/// (`partialArgs`) are assembled into `args`; function calls stay in order; the last
/// `finishReason`, `usageMetadata`, `modelVersion` and `responseId` win; citations, grounding
/// and URL-context metadata are merged.
///
/// ```
/// use gemini_types::{GenerateContentResponse, StreamAccumulator};
/// let chunks = [
///     r#"{"candidates":[{"content":{"role":"model","parts":[{"text":"Once upon"}]},"index":0}]}"#,
///     r#"{"candidates":[{"content":{"role":"model","parts":[{"text":" a time"}]},"index":0}]}"#,
///     r#"{"candidates":[{"content":{"role":"model","parts":[{"text":"","thoughtSignature":"AQID"}]},
///        "finishReason":"STOP","index":0}],"usageMetadata":{"totalTokenCount":9}}"#,
/// ];
/// let mut acc = StreamAccumulator::new();
/// for c in chunks {
///     acc.push(serde_json::from_str::<GenerateContentResponse>(c).unwrap());
/// }
/// let resp = acc.finish();
/// assert_eq!(resp.text().as_deref(), Some("Once upon a time"));
/// // One text part; the trailing signature is attached to it, not lost.
/// assert_eq!(resp.parts().len(), 1);
/// assert!(resp.parts()[0].thought_signature.is_some());
/// assert_eq!(resp.usage_metadata.unwrap().total_token_count, Some(9));
/// ```
#[derive(Clone, Debug, Default)]
pub struct StreamAccumulator {
    response: GenerateContentResponse,
    candidates: Vec<CandidateState>,
    chunks: usize,
}

#[derive(Clone, Debug, Default)]
struct CandidateState {
    index: i32,
    explicit_index: bool,
    candidate: Candidate,
    /// The part index of a function call whose arguments are still streaming.
    pending_call: Option<usize>,
    /// The JSON path of a string argument that continues in the next fragment.
    continuing_path: Option<String>,
}

impl StreamAccumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of chunks pushed so far.
    pub fn chunks(&self) -> usize {
        self.chunks
    }

    /// Whether no chunk was pushed yet.
    pub fn is_empty(&self) -> bool {
        self.chunks == 0
    }

    /// Folds one chunk in.
    pub fn push(&mut self, chunk: GenerateContentResponse) {
        self.chunks += 1;
        let GenerateContentResponse {
            candidates,
            prompt_feedback,
            usage_metadata,
            model_version,
            response_id,
            create_time,
            model_status,
            ..
        } = chunk;
        let r = &mut self.response;
        if prompt_feedback.is_some() {
            r.prompt_feedback = prompt_feedback;
        }
        if usage_metadata.is_some() {
            r.usage_metadata = usage_metadata;
        }
        if model_version.is_some() {
            r.model_version = model_version;
        }
        if response_id.is_some() {
            r.response_id = response_id;
        }
        if create_time.is_some() {
            r.create_time = create_time;
        }
        if model_status.is_some() {
            r.model_status = model_status;
        }
        for c in candidates {
            let index = c.index();
            let pos = self
                .candidates
                .iter()
                .position(|s| s.index == index)
                .unwrap_or_else(|| {
                    self.candidates.push(CandidateState {
                        index,
                        ..CandidateState::default()
                    });
                    self.candidates.len() - 1
                });
            if let Some(state) = self.candidates.get_mut(pos) {
                state.fold(c);
            }
        }
    }

    /// A snapshot of the response folded so far (the accumulator keeps going).
    pub fn snapshot(&self) -> GenerateContentResponse {
        self.clone().finish()
    }

    /// The folded response. Candidates are ordered by index.
    pub fn finish(self) -> GenerateContentResponse {
        let mut response = self.response;
        let mut states = self.candidates;
        states.sort_by_key(|s| s.index);
        response.candidates = states
            .into_iter()
            .map(|mut s| {
                if let Some(i) = s.pending_call.take() {
                    finalize_call(&mut s.candidate, i);
                }
                if s.explicit_index {
                    s.candidate.index = Some(s.index);
                }
                s.candidate
            })
            .collect();
        response
    }
}

impl Extend<GenerateContentResponse> for StreamAccumulator {
    fn extend<I: IntoIterator<Item = GenerateContentResponse>>(&mut self, iter: I) {
        for chunk in iter {
            self.push(chunk);
        }
    }
}

impl FromIterator<GenerateContentResponse> for StreamAccumulator {
    fn from_iter<I: IntoIterator<Item = GenerateContentResponse>>(iter: I) -> Self {
        let mut acc = Self::new();
        acc.extend(iter);
        acc
    }
}

impl CandidateState {
    fn fold(&mut self, c: Candidate) {
        let Candidate {
            content,
            finish_reason,
            finish_message,
            index,
            safety_ratings,
            citation_metadata,
            token_count,
            grounding_attributions,
            grounding_metadata,
            avg_logprobs,
            logprobs_result,
            url_context_metadata,
            continuation_token,
            ..
        } = c;
        self.explicit_index |= index.is_some();
        let acc = &mut self.candidate;
        if let Some(content) = content {
            let target = acc.content.get_or_insert_with(Default::default);
            if target.role.is_none() {
                target.role = content.role;
            }
            target.extra.extend(content.extra);
            for part in content.parts {
                self.push_part(part);
            }
        }
        let acc = &mut self.candidate;
        if finish_reason.is_some() {
            acc.finish_reason = finish_reason;
        }
        if finish_message.is_some() {
            acc.finish_message = finish_message;
        }
        if !safety_ratings.is_empty() {
            // Older models repeat the ratings on every chunk; the last ones are current.
            acc.safety_ratings = safety_ratings;
        }
        if let Some(m) = citation_metadata {
            merge_citations(
                acc.citation_metadata.get_or_insert_with(Default::default),
                m,
            );
        }
        if token_count.is_some() {
            acc.token_count = token_count;
        }
        acc.grounding_attributions.extend(grounding_attributions);
        if let Some(g) = grounding_metadata {
            match &mut acc.grounding_metadata {
                Some(existing) => merge_grounding(existing, g),
                None => acc.grounding_metadata = Some(g),
            }
        }
        if avg_logprobs.is_some() {
            acc.avg_logprobs = avg_logprobs;
        }
        if let Some(l) = logprobs_result {
            match &mut acc.logprobs_result {
                Some(existing) => {
                    existing.top_candidates.extend(l.top_candidates);
                    existing.chosen_candidates.extend(l.chosen_candidates);
                    existing.log_probability_sum =
                        match (existing.log_probability_sum, l.log_probability_sum) {
                            (Some(a), Some(b)) => Some(a + b),
                            (a, b) => a.or(b),
                        };
                }
                None => acc.logprobs_result = Some(l),
            }
        }
        if let Some(u) = url_context_metadata {
            merge_url_context(
                acc.url_context_metadata
                    .get_or_insert_with(Default::default),
                u,
            );
        }
        if continuation_token.is_some() {
            acc.continuation_token = continuation_token;
        }
    }

    fn push_part(&mut self, part: Part) {
        let Some(content) = self.candidate.content.as_mut() else {
            return;
        };
        let parts = &mut content.parts;

        // Streamed function-call arguments (Vertex AI): fold fragments into the pending call.
        if let PartData::FunctionCall(call) = &part.data {
            if let Some(i) = self.pending_call {
                // A new named call while one is pending: the pending one is over.
                if call.name.is_some() {
                    self.pending_call = None;
                    self.continuing_path = None;
                    finalize_call(&mut self.candidate, i);
                    return self.push_part(part);
                }
                if let Some(Part {
                    data: PartData::FunctionCall(pending),
                    thought_signature,
                    ..
                }) = parts.get_mut(i)
                {
                    let Part {
                        data,
                        thought_signature: sig,
                        extra,
                        ..
                    } = part;
                    let PartData::FunctionCall(fragment) = data else {
                        return;
                    };
                    if thought_signature.is_none() {
                        *thought_signature = sig;
                    }
                    let done = fragment.will_continue != Some(true);
                    apply_fragment(pending, fragment, &mut self.continuing_path);
                    if let Some(Part { extra: e, .. }) = parts.get_mut(i) {
                        e.extend(extra);
                    }
                    if done {
                        self.pending_call = None;
                        self.continuing_path = None;
                        finalize_call(&mut self.candidate, i);
                    }
                    return;
                }
                self.pending_call = None;
            }
            if call.will_continue == Some(true) {
                let mut part = part;
                if let PartData::FunctionCall(c) = &mut part.data {
                    let fragments = std::mem::take(&mut c.partial_args);
                    let mut path = None;
                    for f in fragments {
                        apply_partial_arg(c, f, &mut path);
                    }
                    self.continuing_path = path;
                }
                parts.push(part);
                self.pending_call = Some(parts.len() - 1);
                return;
            }
            parts.push(part);
            return;
        }

        crate::fold::push_part(parts, part);
    }
}

fn apply_fragment(pending: &mut FunctionCall, fragment: FunctionCall, path: &mut Option<String>) {
    let FunctionCall {
        id,
        name,
        args,
        partial_args,
        extra,
        ..
    } = fragment;
    if pending.id.is_none() {
        pending.id = id;
    }
    if pending.name.is_none() {
        pending.name = name;
    }
    if let Some(args) = args {
        pending.args.get_or_insert_with(Map::new).extend(args);
    }
    for f in partial_args {
        apply_partial_arg(pending, f, path);
    }
    pending.extra.extend(extra);
}

/// Writes one `partialArgs` fragment into `call.args`. A string fragment continues the previous
/// one when that fragment had `willContinue` for the same path.
fn apply_partial_arg(call: &mut FunctionCall, f: PartialArg, continuing: &mut Option<String>) {
    let Some(path) = f.json_path.clone() else {
        call.partial_args.push(f);
        return;
    };
    let Some(segments) = parse_json_path(&path) else {
        // A path we cannot interpret: keep the fragment itself, losslessly.
        call.partial_args.push(f);
        return;
    };
    let value = f.value();
    let append = continuing.as_deref() == Some(path.as_str());
    *continuing = (f.will_continue == Some(true)).then(|| path.clone());
    let args = call.args.get_or_insert_with(Map::new);
    let Some(value) = value else {
        // A path with no value (e.g. the end of a string): make sure it exists.
        let slot = slot_at(args, &segments);
        if slot.is_null() && !append {
            *slot = Value::String(String::new());
        }
        return;
    };
    let slot = slot_at(args, &segments);
    match (slot, value) {
        (Value::String(existing), Value::String(more)) if append => existing.push_str(&more),
        (slot, value) => *slot = value,
    }
}

enum Seg {
    Key(String),
    Index(usize),
}

/// The largest array index a streamed argument path may use (bounds the padding allocation).
const MAX_INDEX: usize = 100_000;

/// Parses `$.a.b[0]['c d']` into segments.
fn parse_json_path(path: &str) -> Option<Vec<Seg>> {
    let mut rest = path.strip_prefix('$')?;
    let mut out = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let (key, tail) = r.split_at(end);
            if key.is_empty() {
                return None;
            }
            out.push(Seg::Key(key.to_owned()));
            rest = tail;
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let (inner, tail) = r.split_at(end);
            let inner = inner.trim();
            if let Ok(i) = inner.parse::<usize>() {
                if i > MAX_INDEX {
                    return None;
                }
                out.push(Seg::Index(i));
            } else {
                let key = inner
                    .strip_prefix('\'')
                    .and_then(|k| k.strip_suffix('\''))
                    .or_else(|| inner.strip_prefix('"').and_then(|k| k.strip_suffix('"')))?;
                out.push(Seg::Key(key.to_owned()));
            }
            rest = tail.get(1..)?;
        } else {
            return None;
        }
    }
    if out.is_empty() { None } else { Some(out) }
}

/// The value at `segments` inside `args`, created (as null, objects and arrays) if missing.
fn slot_at<'a>(args: &'a mut Map<String, Value>, segments: &[Seg]) -> &'a mut Value {
    let mut iter = segments.iter();
    let mut cur: &mut Value = match iter.next() {
        Some(Seg::Key(k)) => args.entry(k.clone()).or_insert(Value::Null),
        // A path starting with an index cannot live in an object; use the "" key.
        Some(Seg::Index(_)) | None => args.entry(String::new()).or_insert(Value::Null),
    };
    for seg in iter {
        cur = match seg {
            Seg::Key(k) => child_key(cur, k),
            Seg::Index(i) => child_index(cur, *i),
        };
    }
    cur
}

fn child_key<'a>(v: &'a mut Value, key: &str) -> &'a mut Value {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    match v {
        Value::Object(m) => m.entry(key).or_insert(Value::Null),
        other => other,
    }
}

fn child_index(v: &mut Value, i: usize) -> &mut Value {
    if !v.is_array() {
        *v = Value::Array(Vec::new());
    }
    match v {
        Value::Array(a) => {
            // `i` is bounded by `MAX_INDEX` (see `parse_json_path`); pad with nulls.
            if a.len() <= i {
                a.resize(i + 1, Value::Null);
            }
            &mut a[i]
        }
        other => other,
    }
}

/// A streamed call is complete: it looks like an ordinary call from now on.
fn finalize_call(candidate: &mut Candidate, i: usize) {
    let Some(content) = candidate.content.as_mut() else {
        return;
    };
    if let Some(Part {
        data: PartData::FunctionCall(call),
        ..
    }) = content.parts.get_mut(i)
    {
        call.will_continue = None;
        if call.args.is_none() {
            call.args = Some(Map::new());
        }
    }
}

fn merge_citations(into: &mut CitationMetadata, from: CitationMetadata) {
    for s in from.citation_sources {
        if !into.citation_sources.contains(&s) {
            into.citation_sources.push(s);
        }
    }
    for s in from.citations {
        if !into.citations.contains(&s) {
            into.citations.push(s);
        }
    }
}

fn merge_url_context(into: &mut UrlContextMetadata, from: UrlContextMetadata) {
    for m in from.url_metadata {
        if !into.url_metadata.contains(&m) {
            into.url_metadata.push(m);
        }
    }
}

/// Merges grounding metadata. A later chunk that repeats the earlier chunks (cumulative)
/// replaces them; otherwise its chunks are appended and its supports re-indexed.
fn merge_grounding(into: &mut GroundingMetadata, from: GroundingMetadata) {
    let GroundingMetadata {
        search_entry_point,
        grounding_chunks,
        grounding_supports,
        retrieval_metadata,
        web_search_queries,
        image_search_queries,
        retrieval_queries,
        google_maps_widget_context_token,
        ..
    } = from;
    if search_entry_point.is_some() {
        into.search_entry_point = search_entry_point;
    }
    if retrieval_metadata.is_some() {
        into.retrieval_metadata = retrieval_metadata;
    }
    if google_maps_widget_context_token.is_some() {
        into.google_maps_widget_context_token = google_maps_widget_context_token;
    }
    let cumulative =
        grounding_chunks.starts_with(&into.grounding_chunks) && !into.grounding_chunks.is_empty();
    if cumulative {
        into.grounding_chunks = grounding_chunks;
        for s in grounding_supports {
            if !into.grounding_supports.contains(&s) {
                into.grounding_supports.push(s);
            }
        }
    } else {
        let offset = i32::try_from(into.grounding_chunks.len()).unwrap_or(i32::MAX);
        into.grounding_chunks.extend(grounding_chunks);
        for mut s in grounding_supports {
            for i in &mut s.grounding_chunk_indices {
                *i = i.saturating_add(offset);
            }
            into.grounding_supports.push(s);
        }
    }
    for (into, from) in [
        (&mut into.web_search_queries, web_search_queries),
        (&mut into.image_search_queries, image_search_queries),
        (&mut into.retrieval_queries, retrieval_queries),
    ] {
        for q in from {
            if !into.contains(&q) {
                into.push(q);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FinishReason, ThoughtSignature};
    use serde_json::json;

    fn chunk(v: Value) -> GenerateContentResponse {
        serde_json::from_value(v).unwrap()
    }

    fn fold(chunks: &[Value]) -> GenerateContentResponse {
        chunks
            .iter()
            .cloned()
            .map(chunk)
            .collect::<StreamAccumulator>()
            .finish()
    }

    #[test]
    fn text_thoughts_and_signatures() {
        let r = fold(&[
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Think", "thought": true}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "ing", "thought": true}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "Hel", "thoughtSignature": "AQ=="}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "lo"}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": " world"}]}}],
                   "usageMetadata": {"promptTokenCount": 1}}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "", "thoughtSignature": "Ag=="}]},
                   "finishReason": "STOP"}], "usageMetadata": {"promptTokenCount": 1, "totalTokenCount": 5},
                   "modelVersion": "m", "responseId": "r"}),
        ]);
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(
            v,
            json!({"candidates": [{"content": {"role": "model", "parts": [
                {"text": "Thinking", "thought": true},
                {"text": "Hel", "thoughtSignature": "AQ=="},
                {"text": "lo world", "thoughtSignature": "Ag=="}
            ]}, "finishReason": "STOP"}],
            "usageMetadata": {"promptTokenCount": 1, "totalTokenCount": 5},
            "modelVersion": "m", "responseId": "r"})
        );
        assert_eq!(r.text().as_deref(), Some("Hello world"));
        assert_eq!(r.thoughts().as_deref(), Some("Thinking"));
    }

    #[test]
    fn signature_only_part_after_function_calls_stays() {
        let r = fold(&[
            json!({"candidates": [{"content": {"role": "model", "parts": [
                {"functionCall": {"name": "a", "args": {"x": 1}}, "thoughtSignature": "AQ=="},
                {"functionCall": {"name": "b", "args": {}}}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"functionCall": {"name": "c"}}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"thoughtSignature": "Ag=="}]},
                   "finishReason": "STOP"}]}),
        ]);
        let names: Vec<_> = r
            .function_calls()
            .iter()
            .map(|c| c.name().to_owned())
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
        let parts = r.parts();
        assert_eq!(parts.len(), 4);
        assert_eq!(
            parts[0]
                .thought_signature
                .as_ref()
                .map(ThoughtSignature::as_str),
            Some("AQ==")
        );
        assert_eq!(parts[3].data, PartData::None);
        assert_eq!(
            parts[3]
                .thought_signature
                .as_ref()
                .map(ThoughtSignature::as_str),
            Some("Ag==")
        );
    }

    #[test]
    fn streamed_function_call_arguments() {
        let r = fold(&[
            json!({"candidates": [{"content": {"role": "model", "parts": [
                {"functionCall": {"name": "cook", "willContinue": true}, "thoughtSignature": "AQ=="}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"functionCall": {"partialArgs": [
                {"jsonPath": "$.recipe.steps[1]", "stringValue": "Boil ", "willContinue": true}], "willContinue": true}}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"functionCall": {"partialArgs": [
                {"jsonPath": "$.recipe.steps[1]", "stringValue": "water.", "willContinue": true}], "willContinue": true}}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"functionCall": {"partialArgs": [
                {"jsonPath": "$.recipe.steps[1]", "stringValue": ""}], "willContinue": true}}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"functionCall": {"partialArgs": [
                {"jsonPath": "$.recipe.price", "numberValue": 0.5},
                {"jsonPath": "$['recipe']['vegan']", "boolValue": true}], "willContinue": true}}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"functionCall": {}}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [
                {"functionCall": {"name": "second", "willContinue": true}}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"functionCall": {"partialArgs": [
                {"jsonPath": "$.q", "stringValue": "x"}]}}]}}]}),
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": ""}]}, "finishReason": "STOP"}]}),
        ]);
        let calls = r.function_calls();
        assert_eq!(calls.len(), 2);
        assert_eq!(
            serde_json::to_value(calls[0]).unwrap(),
            json!({"name": "cook", "args": {"recipe": {"steps": [null, "Boil water."], "price": 0.5, "vegan": true}}})
        );
        assert_eq!(
            serde_json::to_value(calls[1]).unwrap(),
            json!({"name": "second", "args": {"q": "x"}})
        );
        assert_eq!(
            r.parts()[0]
                .thought_signature
                .as_ref()
                .map(ThoughtSignature::as_str),
            Some("AQ==")
        );
        // The trailing blank text part is dropped, as in the unary response.
        assert_eq!(r.parts().len(), 2);
        assert_eq!(r.finish_reason(), Some(&FinishReason::Stop));
    }

    #[test]
    fn candidates_by_index_and_metadata_merge() {
        let r = fold(&[
            json!({"promptFeedback": {"safetyRatings": [{"category": "HARM_CATEGORY_HARASSMENT", "probability": "LOW"}]},
                   "candidates": [{"index": 1, "content": {"parts": [{"text": "b1"}]}},
                                  {"content": {"parts": [{"text": "a1"}]}}]}),
            json!({"candidates": [{"index": 0, "content": {"parts": [{"text": "a2"}]},
                    "citationMetadata": {"citationSources": [{"uri": "u1"}]},
                    "groundingMetadata": {"webSearchQueries": ["q"], "groundingChunks": [{"web": {"uri": "w1"}}],
                        "groundingSupports": [{"groundingChunkIndices": [0]}]}},
                   {"index": 1, "content": {"parts": [{"text": "b2"}]}, "finishReason": "MAX_TOKENS"}]}),
            json!({"candidates": [{"index": 0, "finishReason": "STOP",
                    "citationMetadata": {"citationSources": [{"uri": "u1"}, {"uri": "u2"}]},
                    "groundingMetadata": {"webSearchQueries": ["q", "r"], "groundingChunks": [{"web": {"uri": "w2"}}],
                        "groundingSupports": [{"groundingChunkIndices": [0]}]}}]}),
        ]);
        assert_eq!(r.candidates.len(), 2);
        assert_eq!(r.text().as_deref(), Some("a1a2"));
        let b = r.candidate_at(1).unwrap();
        assert_eq!(b.text().as_deref(), Some("b1b2"));
        assert_eq!(b.finish_reason, Some(FinishReason::MaxTokens));
        let a = r.candidate().unwrap();
        assert_eq!(a.index, Some(0));
        assert_eq!(
            a.citation_metadata.as_ref().unwrap().citation_sources.len(),
            2
        );
        let g = a.grounding_metadata.as_ref().unwrap();
        assert_eq!(g.web_search_queries, ["q", "r"]);
        assert_eq!(g.grounding_chunks.len(), 2);
        assert_eq!(g.grounding_supports[1].grounding_chunk_indices, [1]);
        assert!(r.prompt_feedback.is_some());
    }

    #[test]
    fn json_paths() {
        assert!(parse_json_path("$").is_none());
        assert!(parse_json_path("a.b").is_none());
        assert!(parse_json_path("$.a[").is_none());
        assert!(parse_json_path("$.a[99999999999]").is_none());
        assert_eq!(parse_json_path("$.a[2].b['c d']").map(|v| v.len()), Some(4));
        let mut call = FunctionCall::default();
        let mut cont = None;
        let f: PartialArg =
            serde_json::from_value(json!({"jsonPath": "bogus", "stringValue": "x"})).unwrap();
        apply_partial_arg(&mut call, f, &mut cont);
        assert_eq!(call.partial_args.len(), 1);
    }
}
