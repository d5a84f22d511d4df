//! The emulator's deterministic "deep research" agent (`deep-research-pro-preview-12-2025`,
//! and any agent id starting with `deep-research`).
//!
//! A run plans (a thought), searches twice (each a `google_search_call` step with
//! `arguments.queries`, and its `google_search_result` with one `search_suggestions` HTML
//! snippet per query, linking the source), thinks again between the searches, and ends with a report (a
//! `model_output` step in Markdown citing every source). Everything is derived from the
//! text of the user's input, so a test can predict it.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::convert::{short_id, signature};
use crate::model::hash::hash64;
use crate::model::tokenizer::count_text;

/// The id of the deep-research agent the real API documents (`../shared/spec/API.md` section
/// 20.2); the emulator runs it, and any other agent id starting with `deep-research`, as a
/// deterministic research agent (thought, `google_search_call`, `google_search_result` steps
/// and a final report).
pub const DEEP_RESEARCH_AGENT: &str = "deep-research-pro-preview-12-2025";

/// Whether the emulator runs agent `id`.
pub(super) fn is_known(id: &str) -> bool {
    id.strip_prefix("agents/")
        .unwrap_or(id)
        .starts_with("deep-research")
}

/// One finished research run.
pub(super) struct Research {
    pub(super) steps: Vec<Value>,
    pub(super) usage: Value,
    /// The report, as the conversation keeps it (`generateContent` content).
    pub(super) content: Value,
}

fn slug(topic: &str) -> String {
    let s: String = topic
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let s: Vec<&str> = s.split('-').filter(|w| !w.is_empty()).take(8).collect();
    if s.is_empty() {
        "topic".to_owned()
    } else {
        s.join("-")
    }
}

/// Researches `topic` (the user's text).
pub(super) fn research(topic: &str) -> Research {
    let seed = hash64(0x4445_4550, topic.as_bytes());
    let slug = slug(topic);
    let queries = [
        vec![topic.to_owned(), format!("{topic} overview")],
        vec![format!("{topic} latest developments")],
    ];
    let mut steps = Vec::new();
    let mut sources = Vec::new();
    let mut thoughts = String::new();
    let mut tool_tokens = 0u32;
    let plan = format!(
        "**Planning the research**\n\nI will search the web for \"{topic}\", read the most \
         relevant sources and write a report."
    );
    thoughts.push_str(&plan);
    steps.push(json!({
        "type": "thought",
        "signature": signature(seed),
        "summary": [{"type": "text", "text": plan}],
    }));
    for (round, qs) in queries.iter().enumerate() {
        if round > 0 {
            let reading = format!(
                "**Reading the sources**\n\nThe first search found {} sources; I will look for \
                 recent developments.",
                sources.len()
            );
            thoughts.push_str(&reading);
            steps.push(json!({
                "type": "thought",
                "signature": signature(seed ^ round as u64),
                "summary": [{"type": "text", "text": reading}],
            }));
        }
        let id = short_id(seed ^ hash64(round as u64, b"search"));
        steps.push(json!({
            "type": "google_search_call",
            "id": id,
            "arguments": {"queries": qs},
        }));
        let results: Vec<Value> = qs
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let n = sources.len() + 1;
                let url = format!("https://example.com/research/{slug}/{n}");
                let title = format!("{q} (source {n})");
                sources.push((title.clone(), url.clone()));
                tool_tokens += count_text(&title);
                json!({
                    "search_suggestions": format!(
                        "<div class=\"search-suggestion\" data-rank=\"{}\"><a href=\"{url}\">{q}</a></div>",
                        i + 1
                    ),
                })
            })
            .collect();
        steps.push(json!({
            "type": "google_search_result",
            "call_id": id,
            "result": results,
        }));
    }
    let mut report = format!(
        "# Research report: {topic}\n\n## Summary\n\nThis report on {topic} draws on {} \
         sources found in two searches.\n\n## Sources\n",
        sources.len()
    );
    for (i, (title, url)) in sources.iter().enumerate() {
        let _ = write!(report, "\n{}. [{title}]({url})", i + 1);
    }
    report.push('\n');
    let input = count_text(topic);
    let output = count_text(&report);
    let thought_tokens = count_text(&thoughts);
    let usage = json!({
        "total_input_tokens": input,
        "total_output_tokens": output,
        "total_thought_tokens": thought_tokens,
        "total_cached_tokens": 0,
        "total_tool_use_tokens": tool_tokens,
        "total_tokens": input + output + thought_tokens + tool_tokens,
        "input_tokens_by_modality": [{"modality": "text", "tokens": input}],
    });
    let content = json!({"role": "model", "parts": [{"text": report}]});
    steps.push(json!({"type": "model_output", "content": [{"type": "text", "text": report}]}));
    Research {
        steps,
        usage,
        content,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_thinks_searches_and_reports() {
        assert!(is_known(DEEP_RESEARCH_AGENT));
        assert!(is_known("agents/deep-research-max"));
        assert!(!is_known("travel-agent"));
        let r = research("Rust async runtimes");
        let kinds: Vec<&str> = r
            .steps
            .iter()
            .map(|s| s["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            [
                "thought",
                "google_search_call",
                "google_search_result",
                "thought",
                "google_search_call",
                "google_search_result",
                "model_output"
            ]
        );
        assert_eq!(r.steps[1]["id"], r.steps[2]["call_id"]);
        let report = r.steps[6]["content"][0]["text"].as_str().unwrap();
        assert!(report.starts_with("# Research report: Rust async runtimes"));
        assert!(report.contains("https://example.com/research/rust-async-runtimes/3"));
        // Deterministic.
        assert_eq!(research("Rust async runtimes").steps, r.steps);
    }
}
