//! The emulator's deterministic tokenizer, shared by `countTokens` and `usageMetadata` so the
//! two always agree.
//!
//! A token is a run of at most [`MAX_WORD_PIECE`] alphanumeric characters, or any single other
//! non-whitespace character. Whitespace belongs to the token that follows it. Non-text parts
//! cost fixed amounts, in the spirit of the real service (an image is 258 tokens).

use serde_json::Value;

/// The longest alphanumeric run counted as one token.
pub(crate) const MAX_WORD_PIECE: usize = 6;

/// Tokens for one inline or file image.
pub(crate) const IMAGE_TOKENS: u32 = 258;
/// Tokens for one audio, video or document part.
pub(crate) const MEDIA_TOKENS: u32 = 512;

/// The byte offset where each token of `text` ends, in order.
pub(crate) fn token_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut run = 0usize;
    let mut last_end = 0usize;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        if c.is_alphanumeric() {
            if run == MAX_WORD_PIECE {
                ends.push(last_end);
                run = 0;
            }
            run += 1;
            last_end = end;
        } else {
            if run > 0 {
                ends.push(last_end);
                run = 0;
            }
            if !c.is_whitespace() {
                ends.push(end);
            }
        }
    }
    if run > 0 {
        ends.push(last_end);
    }
    ends
}

/// The number of tokens in `text`.
pub(crate) fn count_text(text: &str) -> u32 {
    let mut n = 0u32;
    let mut run = 0usize;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if run == MAX_WORD_PIECE {
                n += 1;
                run = 0;
            }
            run += 1;
        } else {
            if run > 0 {
                n += 1;
                run = 0;
            }
            if !c.is_whitespace() {
                n += 1;
            }
        }
    }
    if run > 0 {
        n += 1;
    }
    n
}

/// `text` cut after at most `max` tokens (whitespace before the cut is dropped).
pub(crate) fn truncate(text: &str, max: u32) -> &str {
    if max == 0 {
        return "";
    }
    let ends = token_ends(text);
    match ends.get(max as usize - 1) {
        Some(&end) if (max as usize) < ends.len() => text.get(..end).unwrap_or(text),
        _ => text,
    }
}

/// Token counts of a set of parts, split by modality like `promptTokensDetails`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ModalityCounts {
    pub(crate) text: u32,
    pub(crate) image: u32,
    pub(crate) audio: u32,
    pub(crate) video: u32,
    pub(crate) document: u32,
}

impl ModalityCounts {
    /// The sum over all modalities.
    pub(crate) fn total(&self) -> u32 {
        self.text + self.image + self.audio + self.video + self.document
    }

    /// Adds another count.
    pub(crate) fn add(&mut self, other: Self) {
        self.text += other.text;
        self.image += other.image;
        self.audio += other.audio;
        self.video += other.video;
        self.document += other.document;
    }

    /// `[{"modality": "TEXT", "tokenCount": n}, ...]`, non-zero entries only (TEXT always).
    pub(crate) fn details(&self) -> Value {
        let mut out = vec![serde_json::json!({"modality": "TEXT", "tokenCount": self.text})];
        for (name, n) in [
            ("IMAGE", self.image),
            ("AUDIO", self.audio),
            ("VIDEO", self.video),
            ("DOCUMENT", self.document),
        ] {
            if n > 0 {
                out.push(serde_json::json!({"modality": name, "tokenCount": n}));
            }
        }
        Value::Array(out)
    }

    fn media(mime: &str) -> Self {
        let mut c = Self::default();
        if mime.starts_with("image/") {
            c.image = IMAGE_TOKENS;
        } else if mime.starts_with("audio/") {
            c.audio = MEDIA_TOKENS;
        } else if mime.starts_with("video/") {
            c.video = MEDIA_TOKENS;
        } else if mime.starts_with("text/") {
            c.text = MEDIA_TOKENS / 4;
        } else {
            c.document = MEDIA_TOKENS;
        }
        c
    }
}

/// Tokens of one `Content` JSON object (camelCase keys).
pub(crate) fn count_content(content: &Value) -> ModalityCounts {
    let mut c = ModalityCounts::default();
    for part in parts(content) {
        c.add(count_part(part));
    }
    c
}

/// Tokens of every `Content` in a list.
pub(crate) fn count_contents(contents: &[Value]) -> ModalityCounts {
    let mut c = ModalityCounts::default();
    for content in contents {
        c.add(count_content(content));
    }
    c
}

/// The parts of a `Content` (a single object counts as a one-element list).
pub(crate) fn parts(content: &Value) -> Vec<&Value> {
    match content.get("parts") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    }
}

fn count_part(part: &Value) -> ModalityCounts {
    let mut c = ModalityCounts::default();
    if let Some(t) = part.get("text").and_then(Value::as_str) {
        c.text += count_text(t);
    }
    for key in ["inlineData", "fileData"] {
        if let Some(blob) = part.get(key) {
            let mime = blob.get("mimeType").and_then(Value::as_str).unwrap_or("");
            c.add(ModalityCounts::media(mime));
        }
    }
    for key in [
        "functionCall",
        "functionResponse",
        "toolCall",
        "toolResponse",
    ] {
        if let Some(v) = part.get(key) {
            c.text += count_text(&v.to_string());
        }
    }
    if let Some(code) = part.pointer("/executableCode/code").and_then(Value::as_str) {
        c.text += count_text(code);
    }
    if let Some(out) = part
        .pointer("/codeExecutionResult/output")
        .and_then(Value::as_str)
    {
        c.text += count_text(out);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn words_and_punctuation() {
        assert_eq!(count_text("Hello, world!"), 4);
        assert_eq!(count_text(""), 0);
        assert_eq!(count_text("   "), 0);
        assert_eq!(count_text("abcdefghijkl"), 2);
        assert_eq!(count_text("abcdefghijklm"), 3);
        assert_eq!(token_ends("Hello, world!").len(), 4);
    }

    #[test]
    fn ends_agree_with_count() {
        for s in ["a b c", "Ünïcödé wörds, ok?", "x\ny\tz", "123456789 ab.cd"] {
            assert_eq!(token_ends(s).len() as u32, count_text(s), "{s}");
        }
    }

    #[test]
    fn truncation_keeps_whole_tokens() {
        assert_eq!(truncate("one two three", 2), "one two");
        assert_eq!(truncate("one two three", 3), "one two three");
        assert_eq!(truncate("one two three", 9), "one two three");
        assert_eq!(truncate("one two", 0), "");
        assert_eq!(count_text(truncate("Hello, world! How are you?", 5)), 5);
    }

    #[test]
    fn content_counts_by_modality() {
        let c = json!({"role": "user", "parts": [
            {"text": "hi there"},
            {"inlineData": {"mimeType": "image/png", "data": "AA=="}}
        ]});
        let n = count_content(&c);
        assert_eq!(n.text, 2);
        assert_eq!(n.image, IMAGE_TOKENS);
        assert_eq!(n.total(), 2 + IMAGE_TOKENS);
    }
}
