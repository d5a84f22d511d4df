//! Folding the hops of a continued answer into one response (stream chunks within a hop are
//! folded by `gemini_types::StreamAccumulator`).

use gemini_types::{Candidate, Content, GenerateContentResponse, Part, PartData, UsageMetadata};

/// Appends the hop `next` to `acc`: the same request continued with a continuation token.
///
/// Per candidate (matched by `index`): parts are appended in order, and a plain text part is
/// joined to the previous text part when that one carries no `thoughtSignature` and both are
/// the same kind (thought or not) with no other metadata, so a streamed answer folds to what
/// the unary call returns. A signature always stays on the text it arrived with (it moves onto
/// the joined part, which ends with that text). Function calls and every other part kind are
/// kept whole. The latest finish reason, finish message, continuation token, safety ratings,
/// grounding and logprobs win; the first prompt feedback is kept. Each hop is billed on its
/// own, so token counts add up.
pub(crate) fn fold_hops(acc: &mut GenerateContentResponse, next: GenerateContentResponse) {
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

/// Appends `part`, joining it to the previous text part when that is lossless. An empty text
/// part with nothing else on it (streams often end with one) carries no information and is
/// dropped unless it is the only part.
pub(crate) fn push_part(parts: &mut Vec<Part>, part: Part) {
    if !parts.is_empty() && is_blank(&part) {
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
        && last.is_thought() == next.is_thought()
        && plain(last)
        && plain(next)
}

/// An empty text part with nothing else on it.
pub(crate) fn is_blank(p: &Part) -> bool {
    matches!(&p.data, PartData::Text(t) if t.is_empty())
        && p.thought_signature.is_none()
        && p.thought.is_none()
        && plain(p)
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

fn add_details(
    a: &mut Vec<gemini_types::ModalityTokenCount>,
    b: &[gemini_types::ModalityTokenCount],
) {
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

    #[test]
    fn stream_chunks_fold_to_the_unary_shape() {
        let mut acc = resp(
            json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [{"text": "Hel"}]}}],
            "usageMetadata": {"promptTokenCount": 3}}),
        );
        fold_hops(
            &mut acc,
            resp(
                json!({"candidates": [{"index": 0, "content": {"role": "model", "parts": [{"text": "lo"}]}}]}),
            ),
        );
        fold_hops(
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
        fold_hops(
            &mut acc,
            resp(json!({"candidates": [{"content": {"parts": [{"text": "b"}]}}]})),
        );
        fold_hops(
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
        fold_hops(
            &mut acc,
            resp(
                json!({"candidates": [{"content": {"parts": [{"text": ""}]}, "finishReason": "STOP"}]}),
            ),
        );
        assert_eq!(acc.parts().len(), 1);
        let mut acc = resp(json!({"candidates": [{"content": {"parts": [{"text": ""}]}}]}));
        fold_hops(
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
        fold_hops(
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
        fold_hops(
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
            acc.finish_reason().map(gemini_types::FinishReason::as_str),
            Some("STOP")
        );
    }

    #[test]
    fn multiple_candidates_fold_by_index() {
        let mut acc = resp(
            json!({"candidates": [{"index": 0, "content": {"parts": [{"text": "a"}]}}, {"index": 1, "content": {"parts": [{"text": "x"}]}}]}),
        );
        fold_hops(
            &mut acc,
            resp(
                json!({"candidates": [{"index": 1, "content": {"parts": [{"text": "y"}]}}, {"index": 0, "content": {"parts": [{"text": "b"}]}}]}),
            ),
        );
        assert_eq!(acc.candidate_at(0).unwrap().text().as_deref(), Some("ab"));
        assert_eq!(acc.candidate_at(1).unwrap().text().as_deref(), Some("xy"));
    }
}
