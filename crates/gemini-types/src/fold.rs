//! The one rule for joining parts, and folding one whole response into another.
//!
//! Streamed answers arrive in pieces twice over: a stream is a sequence of delta chunks
//! ([`StreamAccumulator`](crate::StreamAccumulator) folds them), and a long answer may be
//! continued over several calls ("hops", [`fold_response`] folds them). Both join the parts the
//! same way, with [`push_part`], so an answer folds to the same parts however it arrived.

use crate::content::{Content, Part, PartData};
use crate::generate::{Candidate, GenerateContentResponse};
use crate::usage::{ModalityTokenCount, UsageMetadata};

/// Appends `part` to `parts`, joining it to the previous text part when that loses nothing.
///
/// This is the crate's one rule for joining streamed parts (used by
/// [`StreamAccumulator`](crate::StreamAccumulator) and [`fold_response`]):
///
/// * Only two text parts join, and only when both carry nothing but `text`, `thought` and
///   `thoughtSignature`: a part with any other metadata (`videoMetadata`, `partMetadata`,
///   unknown fields, ...) stays whole. Function calls and every other kind are never joined.
/// * Thought and non-thought text never join (the `thought` fields must be equal).
/// * A part that carries a `thoughtSignature` is never joined with a part that follows it: the
///   signature stays on exactly the text it arrived with.
/// * A signed part may join the unsigned text before it; the joined part then carries the
///   signature and ends with the text it arrived with. This is how a Gemini 3 stream ends (an
///   empty text part carrying only the signature), and it folds to what the unary call returns:
///   one text part with its signature.
/// * A blank part ([`Part::is_blank`]: empty text and nothing else; streams often end with one)
///   is dropped, unless it would be the only part.
///
/// ```
/// use gemini_types::{push_part, Part};
/// let mut parts = Vec::new();
/// for p in [Part::text("Hel"), Part::text("lo"), Part::text("").with_thought_signature(vec![1])] {
///     push_part(&mut parts, p);
/// }
/// assert_eq!(parts, [Part::text("Hello").with_thought_signature(vec![1])]);
/// // A signed part is never joined with what follows it.
/// push_part(&mut parts, Part::text(" world"));
/// assert_eq!(parts.len(), 2);
/// ```
pub fn push_part(parts: &mut Vec<Part>, part: Part) {
    if !parts.is_empty() && part.is_blank() {
        return;
    }
    if let Some(last) = parts.last_mut() {
        if joinable(last, &part) {
            if let (PartData::Text(a), PartData::Text(b)) = (&mut last.data, part.data) {
                a.push_str(&b);
                last.thought_signature = part.thought_signature;
            }
            return;
        }
    }
    parts.push(part);
}

fn joinable(last: &Part, next: &Part) -> bool {
    matches!(last.data, PartData::Text(_))
        && matches!(next.data, PartData::Text(_))
        && last.thought_signature.is_none()
        && last.thought == next.thought
        && plain(last)
        && plain(next)
}

/// No metadata besides `text`, `thought` and `thoughtSignature`.
fn plain(p: &Part) -> bool {
    p.video_metadata.is_none()
        && p.part_metadata.is_none()
        && p.media_resolution.is_none()
        && p.media_processing.is_none()
        && p.document_metadata.is_none()
        && p.spreadsheet_metadata.is_none()
        && p.audio_metadata.is_none()
        && p.speech_metadata.is_none()
        && p.extra.is_empty()
}

impl Part {
    /// Whether this is an empty text part with nothing else on it (no `thought`, no
    /// `thoughtSignature`, no metadata): it carries no information, and [`push_part`] drops it
    /// unless it is the only part.
    ///
    /// ```
    /// use gemini_types::Part;
    /// assert!(Part::text("").is_blank());
    /// assert!(!Part::text("").with_thought_signature(vec![1]).is_blank());
    /// assert!(!Part::text(" ").is_blank());
    /// ```
    pub fn is_blank(&self) -> bool {
        matches!(&self.data, PartData::Text(t) if t.is_empty())
            && self.thought_signature.is_none()
            && self.thought.is_none()
            && plain(self)
    }
}

/// Appends the whole response `next` to `acc`: the same request continued (a continuation
/// token's next hop), each hop already complete (unary, or a stream folded by
/// [`StreamAccumulator`](crate::StreamAccumulator)).
///
/// Per candidate (matched by `index`, absent = 0; a new index is appended): parts are appended
/// with [`push_part`], so a continued answer folds like a streamed one. The latest finish
/// reason and continuation token always win (a token from an earlier hop is spent); the latest
/// finish message, safety ratings, token count, grounding, logprobs average and URL context win
/// when present; citations and logprob candidates are appended. The first prompt feedback is
/// kept. Each hop is billed on its own, so `usageMetadata` token counts (and per-modality
/// details) add up; the latest model version, response id, create time and model status win.
///
/// ```
/// use gemini_types::{fold_response, GenerateContentResponse};
/// let hop = |s: &str| serde_json::from_str::<GenerateContentResponse>(s).unwrap();
/// let mut acc = hop(r#"{"candidates":[{"content":{"parts":[{"text":"one "}]},
///     "finishReason":"CONTINUATION","continuationToken":"dG9r"}],"usageMetadata":{"totalTokenCount":5}}"#);
/// fold_response(&mut acc, hop(r#"{"candidates":[{"content":{"parts":[{"text":"two"}]},
///     "finishReason":"STOP"}],"usageMetadata":{"totalTokenCount":3}}"#));
/// assert_eq!(acc.text().as_deref(), Some("one two"));
/// assert!(acc.continuation_token().is_none());
/// assert_eq!(acc.usage_metadata.unwrap().total_token_count, Some(8));
/// ```
pub fn fold_response(acc: &mut GenerateContentResponse, next: GenerateContentResponse) {
    let GenerateContentResponse {
        candidates,
        prompt_feedback,
        usage_metadata,
        model_version,
        response_id,
        create_time,
        model_status,
        ..
    } = next;
    for cand in candidates {
        let index = cand.index();
        match acc.candidates.iter_mut().find(|c| c.index() == index) {
            Some(slot) => fold_candidate(slot, cand),
            None => acc.candidates.push(cand),
        }
    }
    if acc.prompt_feedback.is_none() {
        acc.prompt_feedback = prompt_feedback;
    }
    if let Some(u) = usage_metadata {
        match acc.usage_metadata.as_mut() {
            Some(a) => add_usage(a, &u),
            None => acc.usage_metadata = Some(u),
        }
    }
    replace_some(&mut acc.model_version, model_version);
    replace_some(&mut acc.response_id, response_id);
    replace_some(&mut acc.create_time, create_time);
    replace_some(&mut acc.model_status, model_status);
}

fn replace_some<T>(slot: &mut Option<T>, v: Option<T>) {
    if v.is_some() {
        *slot = v;
    }
}

fn fold_candidate(acc: &mut Candidate, next: Candidate) {
    // The newest finish state describes the whole answer; a token from an earlier hop is spent.
    acc.finish_reason = next.finish_reason;
    acc.continuation_token = next.continuation_token;
    replace_some(&mut acc.finish_message, next.finish_message);
    if !next.safety_ratings.is_empty() {
        acc.safety_ratings = next.safety_ratings;
    }
    if let Some(c) = next.citation_metadata {
        match acc.citation_metadata.as_mut() {
            Some(a) => a.citation_sources.extend(c.citation_sources),
            None => acc.citation_metadata = Some(c),
        }
    }
    replace_some(&mut acc.token_count, next.token_count);
    if !next.grounding_attributions.is_empty() {
        acc.grounding_attributions = next.grounding_attributions;
    }
    replace_some(&mut acc.grounding_metadata, next.grounding_metadata);
    replace_some(&mut acc.avg_logprobs, next.avg_logprobs);
    if let Some(l) = next.logprobs_result {
        match acc.logprobs_result.as_mut() {
            Some(a) => {
                a.top_candidates.extend(l.top_candidates);
                a.chosen_candidates.extend(l.chosen_candidates);
                replace_some(&mut a.log_probability_sum, l.log_probability_sum);
            }
            None => acc.logprobs_result = Some(l),
        }
    }
    replace_some(&mut acc.url_context_metadata, next.url_context_metadata);
    if let Some(content) = next.content {
        match acc.content.as_mut() {
            Some(a) => fold_content(a, content),
            None => acc.content = Some(content),
        }
    }
}

fn fold_content(acc: &mut Content, next: Content) {
    if acc.role.is_none() {
        acc.role = next.role;
    }
    for (k, v) in next.extra {
        acc.extra.insert(k, v);
    }
    for part in next.parts {
        push_part(&mut acc.parts, part);
    }
}

fn add(a: &mut Option<i32>, b: Option<i32>) {
    if let Some(b) = b {
        *a = Some(a.unwrap_or(0).saturating_add(b));
    }
}

fn add_usage(a: &mut UsageMetadata, b: &UsageMetadata) {
    add(&mut a.prompt_token_count, b.prompt_token_count);
    add(
        &mut a.cached_content_token_count,
        b.cached_content_token_count,
    );
    add(&mut a.candidates_token_count, b.candidates_token_count);
    add(
        &mut a.tool_use_prompt_token_count,
        b.tool_use_prompt_token_count,
    );
    add(&mut a.thoughts_token_count, b.thoughts_token_count);
    add(&mut a.total_token_count, b.total_token_count);
    add_details(&mut a.prompt_tokens_details, &b.prompt_tokens_details);
    add_details(&mut a.cache_tokens_details, &b.cache_tokens_details);
    add_details(
        &mut a.candidates_tokens_details,
        &b.candidates_tokens_details,
    );
    add_details(
        &mut a.tool_use_prompt_tokens_details,
        &b.tool_use_prompt_tokens_details,
    );
    if b.traffic_type.is_some() {
        a.traffic_type.clone_from(&b.traffic_type);
    }
    if b.service_tier.is_some() {
        a.service_tier.clone_from(&b.service_tier);
    }
}

fn add_details(a: &mut Vec<ModalityTokenCount>, b: &[ModalityTokenCount]) {
    for d in b {
        match a.iter_mut().find(|x| x.modality == d.modality) {
            Some(x) => add(&mut x.token_count, d.token_count),
            None => a.push(d.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resp(v: serde_json::Value) -> GenerateContentResponse {
        serde_json::from_value(v).unwrap()
    }

    fn parts_of(parts: impl IntoIterator<Item = Part>) -> Vec<Part> {
        let mut out = Vec::new();
        for p in parts {
            push_part(&mut out, p);
        }
        out
    }

    #[test]
    fn a_signature_stays_on_the_text_it_arrived_with() {
        // Signed first (as Gemini 2.5 may stream it): what follows is a part of its own.
        let out = parts_of([
            Part::text("Hel").with_thought_signature(vec![1]),
            Part::text("lo"),
            Part::text(" world"),
            Part::text("").with_thought_signature(vec![2]),
        ]);
        assert_eq!(
            out,
            [
                Part::text("Hel").with_thought_signature(vec![1]),
                Part::text("lo world").with_thought_signature(vec![2]),
            ]
        );
        // Two signed blanks are two parts: no signature is ever dropped.
        let out = parts_of([
            Part::text("").with_thought_signature(vec![1]),
            Part::text("").with_thought_signature(vec![2]),
        ]);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn only_plain_text_of_the_same_kind_joins() {
        let meta = Part {
            part_metadata: Some(serde_json::Map::new()),
            ..Part::text("b")
        };
        let mut extra = Part::text("c");
        extra.extra.insert("future".into(), json!(1));
        let out = parts_of([
            Part::text("a"),
            meta.clone(),
            extra.clone(),
            Part::text("d").with_thought(false),
            Part::text("e"),
            Part::text("f").with_thought(true),
            Part::function_call("g", json!({})),
            Part::function_call("h", json!({})),
        ]);
        assert_eq!(
            out,
            [
                Part::text("a"),
                meta,
                extra,
                Part::text("d").with_thought(false),
                Part::text("e"),
                Part::text("f").with_thought(true),
                Part::function_call("g", json!({})),
                Part::function_call("h", json!({})),
            ]
        );
    }

    #[test]
    fn blank_parts() {
        assert_eq!(parts_of([Part::text("")]), [Part::text("")]);
        assert_eq!(parts_of([Part::text(""), Part::text("")]), [Part::text("")]);
        let call = Part::function_call("f", json!({}));
        assert_eq!(parts_of([call.clone(), Part::text("")]), [call]);
        // A thought or signed empty part is not blank: it is kept.
        assert!(!Part::text("").with_thought(true).is_blank());
        assert!(!Part::new(PartData::None).is_blank());
        let sig_only = Part::new(PartData::None).with_thought_signature(vec![3]);
        let out = parts_of([Part::function_call("f", json!({})), sig_only.clone()]);
        assert_eq!(out[1], sig_only);
    }

    #[test]
    fn stream_chunks_fold_to_the_unary_shape() {
        let mut acc = resp(
            json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [{"text": "Hel"}]}}],
            "usageMetadata": {"promptTokenCount": 3}}),
        );
        fold_response(
            &mut acc,
            resp(
                json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [{"text": "lo"}]}}]}),
            ),
        );
        fold_response(
            &mut acc,
            resp(
                json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [{"text": "", "thoughtSignature": "AAAA"}]},
            "finishReason": "STOP"}], "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 2, "totalTokenCount": 5}}),
            ),
        );
        let v = serde_json::to_value(&acc).unwrap();
        assert_eq!(
            v["candidates"][0]["content"]["parts"],
            json!([{"text": "Hello", "thoughtSignature": "AAAA"}])
        );
        assert_eq!(v["candidates"][0]["finishReason"], "STOP");
        assert_eq!(v["usageMetadata"]["totalTokenCount"], 5);
    }

    #[test]
    fn signed_parts_and_calls_stay_separate() {
        let mut acc = resp(
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "a", "thoughtSignature": "AAAA"}]}}]}),
        );
        fold_response(
            &mut acc,
            resp(json!({"candidates": [{"content": {"parts": [{"text": "b"}]}}]})),
        );
        fold_response(
            &mut acc,
            resp(json!({"candidates": [{"content": {"parts": [
            {"functionCall": {"name": "f", "args": {}}, "thoughtSignature": "BBBB"},
            {"functionCall": {"name": "g", "args": {}}}]}}]})),
        );
        let v = serde_json::to_value(&acc).unwrap();
        assert_eq!(
            v["candidates"][0]["content"]["parts"],
            json!([
            {"text": "a", "thoughtSignature": "AAAA"}, {"text": "b"},
            {"functionCall": {"name": "f", "args": {}}, "thoughtSignature": "BBBB"},
            {"functionCall": {"name": "g", "args": {}}}])
        );
    }

    #[test]
    fn blank_trailing_parts_are_dropped() {
        let mut acc = resp(
            json!({"candidates": [{"content": {"parts": [{"functionCall": {"name": "f", "args": {}}}]}}]}),
        );
        fold_response(
            &mut acc,
            resp(
                json!({"candidates": [{"content": {"parts": [{"text": ""}]}, "finishReason": "STOP"}]}),
            ),
        );
        assert_eq!(acc.parts().len(), 1);
        let mut acc = resp(json!({"candidates": [{"content": {"parts": [{"text": ""}]}}]}));
        fold_response(
            &mut acc,
            resp(json!({"candidates": [{"content": {"parts": [{"text": "Hi"}]}}]})),
        );
        assert_eq!(
            serde_json::to_value(acc.parts()).unwrap(),
            json!([{"text": "Hi"}])
        );
    }

    #[test]
    fn thoughts_do_not_join_answers() {
        let mut acc = resp(
            json!({"candidates": [{"content": {"parts": [{"text": "hmm", "thought": true}]}}]}),
        );
        fold_response(
            &mut acc,
            resp(json!({"candidates": [{"content": {"parts": [{"text": "answer"}]}}]})),
        );
        assert_eq!(acc.parts().len(), 2);
        assert_eq!(acc.text().as_deref(), Some("answer"));
    }

    #[test]
    fn hops_sum_usage_and_take_the_last_finish() {
        let mut acc = resp(
            json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "one "}]}, "finishReason": "CONTINUATION",
            "continuationToken": "dG9r"}], "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 5, "totalTokenCount": 15,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 10}]}}),
        );
        fold_response(
            &mut acc,
            resp(
                json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "two"}]}, "finishReason": "STOP"}],
            "usageMetadata": {"promptTokenCount": 15, "candidatesTokenCount": 3, "totalTokenCount": 18,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 15}]}}),
            ),
        );
        assert_eq!(acc.text().as_deref(), Some("one two"));
        assert!(acc.continuation_token().is_none());
        let u = acc.usage_metadata.as_ref().unwrap();
        assert_eq!(
            (u.prompt_tokens(), u.candidates_tokens(), u.total_tokens()),
            (25, 8, 33)
        );
        assert_eq!(u.prompt_tokens_details[0].token_count, Some(25));
        assert_eq!(
            acc.finish_reason().map(crate::FinishReason::as_str),
            Some("STOP")
        );
    }

    #[test]
    fn multiple_candidates_fold_by_index() {
        let mut acc = resp(
            json!({"candidates": [{"index": 0, "content": {"parts": [{"text": "a"}]}}, {"index": 1, "content": {"parts": [{"text": "x"}]}}]}),
        );
        fold_response(
            &mut acc,
            resp(
                json!({"candidates": [{"index": 1, "content": {"parts": [{"text": "y"}]}}, {"index": 0, "content": {"parts": [{"text": "b"}]}}]}),
            ),
        );
        assert_eq!(acc.candidate_at(0).unwrap().text().as_deref(), Some("ab"));
        assert_eq!(acc.candidate_at(1).unwrap().text().as_deref(), Some("xy"));
    }
}
