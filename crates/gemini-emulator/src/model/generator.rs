//! The deterministic model behind `generateContent` and `streamGenerateContent`.
//!
//! Replies are derived from the request so tests can predict them:
//!
//! * plain text: `"You said: <last user text>"`, prefixed with `"[<system instruction>] "` when
//!   a `systemInstruction` is present; candidate `n > 0` gets the prefix `"(candidate n+1) "`;
//! * memory: when the last user text asks about the past ("what did I say", "earlier",
//!   "remember", "before") and the history has earlier user turns, the reply goes on with
//!   `" Earlier you said: \"<text 1>\"; \"<text 2>\"."`, quoting each earlier user text, oldest
//!   first;
//! * `stopSequences` cut the text before the first match (finish reason `STOP`);
//!   `maxOutputTokens` truncates it (finish reason `MAX_TOKENS`);
//! * `responseMimeType: application/json` with `responseJsonSchema` or `responseSchema`: JSON
//!   generated from the schema (see [`generate_json`](super::schema_gen::generate_json));
//!   `text/x.enum`: one of the schema's enum values;
//! * function calling: when functions are declared and the last user text names one of them
//!   (or says "call"/"use"/"tool"/"function" and so picks the first), one `functionCall` per
//!   named function, in parallel in one content, with arguments generated from the declared
//!   parameters; after `functionResponse` parts, a text answer quoting every response;
//! * thinking models sign every turn (`thoughtSignature`) and report `thoughtsTokenCount`;
//!   `includeThoughts` adds a thought-summary part;
//! * `usageMetadata` uses the same tokenizer as `countTokens`.
//!
//! A generation is first computed as a [`Generation`] and then rendered either as one response
//! or as stream chunks, so scripted and generated replies share the stream shape (and a later
//! finish reason such as `CONTINUATION` only needs a different `finish` value).

use base64::Engine as _;
use serde_json::{Map, Value, json};

use super::hash::hash64;
use super::output::{self, IMAGE_TOKENS, Plan};
use super::schema_gen::generate_json;
use super::signatures::{Check, Signer};
use super::tokenizer::{self, ModalityCounts, count_text, token_ends, truncate};
use crate::catalogue::ModelSpec;
use crate::errors::ApiError;

/// Tokens per streamed text chunk.
const CHUNK_TOKENS: usize = 8;
/// The most candidates a request may ask for.
const MAX_CANDIDATES: i64 = 8;

/// One candidate of a generation.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    index: usize,
    thought: Option<String>,
    body: Body,
    finish: &'static str,
    signature: Option<Vec<u8>>,
    output_tokens: u32,
    /// Parts after the text: a picture or speech (`inlineData`).
    media: Vec<Value>,
    /// How a stream sends `media`, one piece a chunk (empty: all of it in one chunk).
    media_pieces: Vec<Value>,
    /// `groundingMetadata` of an answer from retrieved chunks.
    grounding: Option<Value>,
}

#[derive(Debug, Clone)]
enum Body {
    Text(String),
    Calls(Vec<Value>),
}

/// A computed answer, before rendering.
#[derive(Debug, Clone)]
pub(crate) struct Generation {
    candidates: Vec<Candidate>,
    prompt: ModalityCounts,
    thoughts_tokens: u32,
    model_version: String,
    response_id: String,
    /// `(modality, tokens)` of the media in the answer, for `candidatesTokensDetails`.
    media_tokens: Option<(&'static str, u32)>,
    /// Prompt tokens used by tools (`toolUsePromptTokenCount`).
    tool_tokens: u32,
}

/// An answer made from retrieved chunks (the `fileSearch` tool), computed by the caller.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grounded {
    /// The answer (empty when nothing was retrieved: the usual reply is given).
    pub(crate) text: String,
    /// `(start, end, chunk indices)`: byte spans of `text` and the chunks supporting them.
    pub(crate) supports: Vec<(usize, usize, Vec<usize>)>,
    /// The `groundingChunks` entries.
    pub(crate) chunks: Vec<Value>,
    /// Prompt tokens the retrieval used.
    pub(crate) tool_tokens: u32,
}

impl Grounded {
    /// The `groundingMetadata` for the (possibly truncated) answer `shown`.
    fn metadata(&self, shown: &str) -> Value {
        let supports: Vec<Value> = self
            .supports
            .iter()
            .filter(|(_, end, _)| *end <= shown.len())
            .map(|(start, end, chunks)| {
                let mut segment = Map::new();
                if *start > 0 {
                    segment.insert("startIndex".into(), json!(start));
                }
                segment.insert("endIndex".into(), json!(end));
                segment.insert("text".into(), json!(shown.get(*start..*end).unwrap_or("")));
                json!({"segment": segment, "groundingChunkIndices": chunks})
            })
            .collect();
        json!({"groundingChunks": self.chunks, "groundingSupports": supports})
    }
}

/// What the generator needs besides the request.
#[derive(Debug)]
pub(crate) struct Context<'a> {
    pub(crate) model: &'a ModelSpec,
    pub(crate) signer: Signer,
    pub(crate) response_number: u64,
    /// The `fileSearch` tool's answer, when the request has the tool.
    pub(crate) grounded: Option<Grounded>,
}

/// The prompt size of a (canonical) `GenerateContentRequest`: contents, system instruction and
/// tool declarations. `countTokens` with `generateContentRequest` reports the same number.
pub(crate) fn prompt_tokens(req: &Value) -> ModalityCounts {
    let mut c = tokenizer::count_contents(list(req, "contents"));
    if let Some(sys) = req.get("systemInstruction") {
        c.add(tokenizer::count_content(sys));
    }
    if let Some(tools) = req.get("tools").filter(|t| !is_empty_list(t)) {
        c.text += count_text(&tools.to_string());
    }
    c
}

fn is_empty_list(v: &Value) -> bool {
    v.as_array().is_some_and(Vec::is_empty)
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn text_of(content: &Value) -> String {
    tokenizer::parts(content)
        .into_iter()
        .filter(|p| p.get("thought").and_then(Value::as_bool) != Some(true))
        .filter_map(|p| p.get("text").and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join("")
}

/// Computes the answer to a canonical `GenerateContentRequest`.
pub(crate) fn generate(req: &Value, ctx: &Context<'_>) -> Result<Generation, ApiError> {
    let contents = list(req, "contents");
    if contents.is_empty() {
        return Err(ApiError::invalid_argument(
            "* GenerateContentRequest.contents: contents is not specified\n",
        ));
    }
    if ctx.model.signatures_required() {
        check_signatures(contents, ctx.signer)?;
    }
    let config = req
        .get("generationConfig")
        .cloned()
        .unwrap_or_else(|| json!({}));
    let n = config
        .get("candidateCount")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    if !(1..=MAX_CANDIDATES).contains(&n) {
        return Err(ApiError::invalid_argument(format!(
            "* GenerateContentRequest.generation_config.candidate_count: must be in the range \
             [1, {MAX_CANDIDATES}], got {n}\n"
        )));
    }
    let mime = config
        .get("responseMimeType")
        .and_then(Value::as_str)
        .unwrap_or("text/plain");
    let functions = declared_functions(req);
    if mime == "application/json" && !functions.is_empty() {
        return Err(ApiError::invalid_argument(
            "Function calling with a response mime type: 'application/json' is unsupported",
        ));
    }
    let output = output::plan(ctx.model, &config)?;
    let prompt = prompt_tokens(req);
    let last = contents.last().unwrap_or(&Value::Null);
    let user_text = last_user_text(contents);
    let earlier = if asks_about_the_past(&user_text) {
        earlier_user_texts(contents)
    } else {
        Vec::new()
    };
    let system = req
        .get("systemInstruction")
        .map(text_of)
        .unwrap_or_default();
    let seed = hash64(0x5345_4544, user_text.as_bytes()) ^ hash64(1, system.as_bytes());

    let responses = function_responses(last);
    let calls = if responses.is_empty() {
        choose_calls(req, &functions, &user_text, seed)
    } else {
        Vec::new()
    };

    let thinking = ctx.model.is_thinking()
        && config
            .pointer("/thinkingConfig/thinkingBudget")
            .and_then(Value::as_i64)
            != Some(0);
    let include_thoughts = thinking
        && config
            .pointer("/thinkingConfig/includeThoughts")
            .and_then(Value::as_bool)
            == Some(true);
    let max_tokens = config
        .get("maxOutputTokens")
        .and_then(Value::as_u64)
        .filter(|m| *m > 0);
    let stops: Vec<&str> = list(&config, "stopSequences")
        .iter()
        .filter_map(Value::as_str)
        .filter(|s| !s.is_empty())
        .collect();

    let plan = if !calls.is_empty() {
        "call the requested function"
    } else if !responses.is_empty() {
        "answer with the function results"
    } else {
        "reply to the user"
    };
    let thought_text = format!(
        "**Planning the reply**\n\nThe request has {} prompt tokens. I will {plan}.",
        prompt.total()
    );
    let thoughts_tokens = if thinking {
        count_text(&thought_text)
    } else {
        0
    };

    let mut candidates = Vec::new();
    let mut media_tokens = None;
    let grounded = ctx.grounded.as_ref().filter(|g| !g.text.is_empty());
    for i in 0..n as usize {
        let mut media = Vec::new();
        let mut media_pieces = Vec::new();
        let mut grounding = None;
        let (body, finish, output_tokens) = if !calls.is_empty() {
            let tokens = calls.iter().map(|c| count_text(&c.to_string())).sum();
            (Body::Calls(calls.clone()), "STOP", tokens)
        } else if let Plan::Speech { .. } = &output {
            let speech = output::speech_part(&output, &user_text);
            let tokens = speech.tokens;
            media.push(speech.part);
            media_pieces = speech.pieces;
            media_tokens = Some(("AUDIO", media_tokens.map_or(0, |(_, t)| t) + tokens));
            (Body::Text(String::new()), "STOP", tokens)
        } else if let Plan::Image {
            text,
            width,
            height,
        } = output
        {
            let (shown, finish) = if text {
                let full = candidate_text(&config, mime, &user_text, &system, &responses, seed, i);
                limit(&full, &stops, max_tokens)
            } else {
                (String::new(), "STOP")
            };
            media.push(output::image_part(&user_text, i, width, height)?);
            media_tokens = Some(("IMAGE", media_tokens.map_or(0, |(_, t)| t) + IMAGE_TOKENS));
            let tokens = count_text(&shown) + IMAGE_TOKENS;
            (Body::Text(shown), finish, tokens)
        } else if let Some(g) = grounded {
            let (text, finish) = limit(&g.text, &stops, max_tokens);
            grounding = Some(g.metadata(&text));
            let tokens = count_text(&text);
            (Body::Text(text), finish, tokens)
        } else {
            let full = candidate_text(&config, mime, &user_text, &system, &responses, seed, i);
            let full = if earlier.is_empty() || mime != "text/plain" {
                full
            } else {
                recall(full, &earlier)
            };
            let (text, finish) = limit(&full, &stops, max_tokens);
            let tokens = count_text(&text);
            (Body::Text(text), finish, tokens)
        };
        let signature = thinking.then(|| match &body {
            Body::Calls(c) => ctx
                .signer
                .sign_function_call(c.first().unwrap_or(&Value::Null)),
            Body::Text(t) => ctx.signer.sign_text(ctx.model.id(), t),
        });
        candidates.push(Candidate {
            index: i,
            thought: include_thoughts.then(|| thought_text.clone()),
            body,
            finish,
            signature,
            output_tokens,
            media,
            media_pieces,
            grounding,
        });
    }
    Ok(Generation {
        candidates,
        prompt,
        thoughts_tokens,
        model_version: ctx.model.id().to_owned(),
        response_id: response_id(ctx.response_number, seed),
        media_tokens,
        tool_tokens: ctx.grounded.as_ref().map_or(0, |g| g.tool_tokens),
    })
}

fn response_id(number: u64, seed: u64) -> String {
    let mut bytes = hash64(number, &seed.to_le_bytes()).to_le_bytes().to_vec();
    bytes.extend_from_slice(&number.to_le_bytes()[..4]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn last_user_text(contents: &[Value]) -> String {
    contents
        .iter()
        .rev()
        .find(|c| c.get("role").and_then(Value::as_str) != Some("model"))
        .map(text_of)
        .unwrap_or_default()
}

/// Whether `text` asks about earlier turns.
fn asks_about_the_past(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["what did i", "earlier", "remember", "before"]
        .iter()
        .any(|w| lower.contains(w))
}

/// The text of every user turn before the last one that carries text, oldest first.
fn earlier_user_texts(contents: &[Value]) -> Vec<String> {
    let mut texts: Vec<String> = contents
        .iter()
        .filter(|c| c.get("role").and_then(Value::as_str) != Some("model"))
        .map(text_of)
        .filter(|t| !t.is_empty())
        .collect();
    texts.pop();
    texts
}

/// `text` followed by the quoted earlier user texts.
fn recall(mut text: String, earlier: &[String]) -> String {
    let quoted: Vec<String> = earlier.iter().map(|t| format!("\"{t}\"")).collect();
    text.push_str(" Earlier you said: ");
    text.push_str(&quoted.join("; "));
    text.push('.');
    text
}

/// `(name, parameters schema)` of every declared function.
fn declared_functions(req: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for tool in list(req, "tools") {
        for decl in list(tool, "functionDeclarations") {
            let Some(name) = decl.get("name").and_then(Value::as_str) else {
                continue;
            };
            let schema = decl
                .get("parametersJsonSchema")
                .or_else(|| decl.get("parameters"))
                .cloned()
                .unwrap_or_else(|| json!({"type": "object"}));
            out.push((name.to_owned(), schema));
        }
    }
    out
}

fn function_responses(content: &Value) -> Vec<&Value> {
    tokenizer::parts(content)
        .into_iter()
        .filter_map(|p| p.get("functionResponse"))
        .collect()
}

fn mentions_call(text: &str) -> bool {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| matches!(w, "call" | "use" | "tool" | "function" | "invoke"))
}

fn choose_calls(
    req: &Value,
    functions: &[(String, Value)],
    user_text: &str,
    seed: u64,
) -> Vec<Value> {
    if functions.is_empty() {
        return Vec::new();
    }
    let fc_config = req.pointer("/toolConfig/functionCallingConfig");
    let mode = fc_config
        .and_then(|c| c.get("mode"))
        .and_then(Value::as_str)
        .unwrap_or("AUTO");
    if mode == "NONE" {
        return Vec::new();
    }
    let allowed: Vec<&str> = fc_config
        .map_or(&[][..], |c| list(c, "allowedFunctionNames"))
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let candidates: Vec<&(String, Value)> = functions
        .iter()
        .filter(|(name, _)| allowed.is_empty() || allowed.contains(&name.as_str()))
        .collect();
    let lower = user_text.to_lowercase();
    let mut chosen: Vec<&(String, Value)> = candidates
        .iter()
        .copied()
        .filter(|(name, _)| {
            let n = name.to_lowercase();
            lower.contains(&n) || lower.contains(&n.replace('_', " "))
        })
        .collect();
    if chosen.is_empty() && (mode == "ANY" || mentions_call(user_text)) {
        chosen.extend(candidates.first().copied());
    }
    chosen
        .into_iter()
        .enumerate()
        .map(|(i, (name, schema))| {
            let args = generate_json(schema, seed ^ hash64(i as u64, name.as_bytes()));
            let args = if args.is_object() { args } else { json!({}) };
            json!({"name": name, "args": args})
        })
        .collect()
}

fn candidate_text(
    config: &Value,
    mime: &str,
    user_text: &str,
    system: &str,
    responses: &[&Value],
    seed: u64,
    index: usize,
) -> String {
    let schema = config
        .get("responseJsonSchema")
        .or_else(|| config.get("_responseJsonSchema"))
        .or_else(|| config.get("responseSchema"));
    let cseed = seed ^ (index as u64).wrapping_mul(0x9e37_79b9);
    match (mime, schema) {
        ("application/json", Some(s)) => return generate_json(s, cseed).to_string(),
        ("application/json", None) => {
            return json!({"reply": user_text}).to_string();
        }
        ("text/x.enum", Some(s)) => {
            return match generate_json(s, cseed) {
                Value::String(v) => v,
                other => other.to_string(),
            };
        }
        _ => {}
    }
    let mut text = String::new();
    if index > 0 {
        text.push_str("(candidate ");
        text.push_str(&(index + 1).to_string());
        text.push_str(") ");
    }
    if !system.is_empty() {
        text.push('[');
        text.push_str(system);
        text.push_str("] ");
    }
    if responses.is_empty() {
        text.push_str("You said: ");
        text.push_str(user_text);
    } else {
        let quoted: Vec<String> = responses
            .iter()
            .map(|r| {
                let name = r.get("name").and_then(Value::as_str).unwrap_or("function");
                let body = r.get("response").cloned().unwrap_or_else(|| json!({}));
                format!("{name} returned {body}")
            })
            .collect();
        text.push_str("Function results: ");
        text.push_str(&quoted.join("; "));
        text.push('.');
    }
    text
}

/// Applies stop sequences, then the output token limit.
fn limit(text: &str, stops: &[&str], max_tokens: Option<u64>) -> (String, &'static str) {
    let mut out = text;
    if let Some(cut) = stops.iter().filter_map(|s| text.find(s)).min() {
        out = text.get(..cut).unwrap_or(text);
    }
    if let Some(max) = max_tokens {
        if u64::from(count_text(out)) > max {
            return (truncate(out, max as u32).to_owned(), "MAX_TOKENS");
        }
    }
    (out.to_owned(), "STOP")
}

/// Rejects a history whose current-turn function calls lost (or altered) their signatures,
/// with the real service's messages.
fn check_signatures(contents: &[Value], signer: Signer) -> Result<(), ApiError> {
    // The current turn starts after the last user content that carries text.
    let start = contents
        .iter()
        .rposition(|c| {
            c.get("role").and_then(Value::as_str) != Some("model") && !text_of(c).is_empty()
        })
        .map_or(0, |i| i + 1);
    for (i, content) in contents.iter().enumerate().skip(start) {
        if content.get("role").and_then(Value::as_str) != Some("model") {
            continue;
        }
        let mut first_call = true;
        for part in tokenizer::parts(content) {
            let Some(call) = part.get("functionCall") else {
                continue;
            };
            let signature = part
                .get("thoughtSignature")
                .and_then(Value::as_str)
                .and_then(decode_b64);
            match signature {
                None if first_call => {
                    let name = call.get("name").and_then(Value::as_str).unwrap_or("");
                    return Err(ApiError::invalid_argument(format!(
                        "Function call is missing a thought_signature in functionCall parts. \
                         This is required for tools to work correctly, and missing \
                         thought_signature may lead to degraded model performance. Additional \
                         data, function call `default_api:{name}` , position {}. Please refer \
                         to https://ai.google.dev/gemini-api/docs/thought-signatures for more \
                         details.",
                        i + 1
                    )));
                }
                Some(sig) if signer.check_function_call(call, &sig) == Check::Corrupted => {
                    return Err(ApiError::invalid_argument("Corrupted thought signature."));
                }
                _ => {}
            }
            first_call = false;
        }
    }
    Ok(())
}

fn decode_b64(s: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
    let trimmed = s.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(trimmed)
        .or_else(|_| URL_SAFE_NO_PAD.decode(trimmed))
        .or_else(|_| STANDARD.decode(s))
        .or_else(|_| URL_SAFE.decode(s))
        .ok()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The first candidate's answer, for the Live endpoint (which has one candidate).
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    /// A text reply.
    Text(String),
    /// Function calls (`{"name", "args"}`), in order.
    Calls(Vec<Value>),
}

impl Generation {
    /// The first candidate's answer and its output token count.
    pub(crate) fn answer(&self) -> (Answer, u32) {
        match self.candidates.first() {
            Some(c) => match &c.body {
                Body::Text(t) => (Answer::Text(t.clone()), c.output_tokens),
                Body::Calls(calls) => (Answer::Calls(calls.clone()), c.output_tokens),
            },
            None => (Answer::Text(String::new()), 0),
        }
    }

    fn candidates_tokens(&self) -> u32 {
        self.candidates.iter().map(|c| c.output_tokens).sum()
    }

    fn usage(&self, candidates_tokens: u32, thoughts: bool) -> Value {
        let mut u = Map::new();
        let prompt = self.prompt.total();
        u.insert("promptTokenCount".into(), json!(prompt));
        if candidates_tokens > 0 {
            u.insert("candidatesTokenCount".into(), json!(candidates_tokens));
        }
        let thoughts_tokens = if thoughts { self.thoughts_tokens } else { 0 };
        u.insert(
            "totalTokenCount".into(),
            json!(prompt + candidates_tokens + thoughts_tokens + self.tool_tokens),
        );
        u.insert("promptTokensDetails".into(), self.prompt.details());
        if self.tool_tokens > 0 {
            u.insert("toolUsePromptTokenCount".into(), json!(self.tool_tokens));
            u.insert(
                "toolUsePromptTokensDetails".into(),
                json!([{"modality": "TEXT", "tokenCount": self.tool_tokens}]),
            );
        }
        if let Some((modality, tokens)) = self.media_tokens.filter(|_| candidates_tokens > 0) {
            let text = self.candidates_tokens().saturating_sub(tokens);
            let mut details = Vec::new();
            if text > 0 {
                details.push(json!({"modality": "TEXT", "tokenCount": text}));
            }
            details.push(json!({"modality": modality, "tokenCount": tokens}));
            u.insert("candidatesTokensDetails".into(), Value::Array(details));
        }
        if thoughts_tokens > 0 {
            u.insert("thoughtsTokenCount".into(), json!(thoughts_tokens));
        }
        Value::Object(u)
    }

    #[allow(clippy::needless_pass_by_value)] // `json!` consumes its inputs.
    fn envelope(&self, candidates: Vec<Value>, usage: Value) -> Value {
        json!({
            "candidates": candidates,
            "usageMetadata": usage,
            "modelVersion": self.model_version,
            "responseId": self.response_id,
        })
    }

    /// The unary `GenerateContentResponse`.
    pub(crate) fn to_response(&self) -> Value {
        let candidates = self
            .candidates
            .iter()
            .map(|c| {
                let mut parts = Vec::new();
                if let Some(t) = &c.thought {
                    parts.push(json!({"text": t, "thought": true}));
                }
                let mut body = match &c.body {
                    Body::Text(t) if t.is_empty() && !c.media.is_empty() => Vec::new(),
                    Body::Text(t) => vec![json!({"text": t})],
                    Body::Calls(calls) => {
                        calls.iter().map(|fc| json!({"functionCall": fc})).collect()
                    }
                };
                body.extend(c.media.iter().cloned());
                if let (Some(sig), Some(Value::Object(first))) = (&c.signature, body.first_mut()) {
                    first.insert("thoughtSignature".into(), json!(b64(sig)));
                }
                parts.extend(body);
                let mut cand = json!({
                    "content": {"parts": parts, "role": "model"},
                    "finishReason": c.finish,
                    "index": c.index,
                });
                if let Some(g) = &c.grounding {
                    cand["groundingMetadata"] = g.clone();
                }
                cand
            })
            .collect();
        self.envelope(candidates, self.usage(self.candidates_tokens(), true))
    }

    /// The `streamGenerateContent` chunks: thoughts first, then the text in pieces (or the
    /// function calls whole), then for thinking models a final empty text part carrying the
    /// `thoughtSignature` and the finish reason. Usage is cumulative; the last chunk has it all.
    pub(crate) fn to_chunks(&self) -> Vec<Value> {
        let mut chunks = Vec::new();
        let any_thought = self.candidates.iter().any(|c| c.thought.is_some());
        if any_thought {
            let cands = self
                .candidates
                .iter()
                .filter_map(|c| {
                    c.thought.as_ref().map(|t| {
                        json!({
                            "content": {"parts": [{"text": t, "thought": true}], "role": "model"},
                            "index": c.index,
                        })
                    })
                })
                .collect();
            chunks.push(self.envelope(cands, self.usage(0, false)));
        }
        let signed = self.candidates.iter().any(|c| c.signature.is_some());
        let pieces: Vec<Vec<Value>> = self.candidates.iter().map(body_pieces).collect();
        let rounds = pieces.iter().map(Vec::len).max().unwrap_or(0);
        let mut emitted = vec![0u32; self.candidates.len()];
        for round in 0..rounds {
            let last_round = round + 1 == rounds;
            let mut cands = Vec::new();
            for (c, p) in self.candidates.iter().zip(&pieces) {
                let Some(parts) = p.get(round) else { continue };
                if let Some(slot) = emitted.get_mut(c.index) {
                    *slot += parts_tokens(parts);
                }
                let mut cand = json!({
                    "content": {"parts": parts, "role": "model"},
                    "index": c.index,
                });
                if !signed && round + 1 == p.len() {
                    cand["finishReason"] = json!(c.finish);
                    if let Some(g) = &c.grounding {
                        cand["groundingMetadata"] = g.clone();
                    }
                }
                cands.push(cand);
            }
            let so_far: u32 = if last_round && !signed {
                self.candidates_tokens()
            } else {
                emitted.iter().sum()
            };
            chunks.push(self.envelope(cands, self.usage(so_far, true)));
        }
        if signed || rounds == 0 {
            let cands = self
                .candidates
                .iter()
                .map(|c| {
                    let mut part = json!({"text": ""});
                    if let (Some(sig), Body::Text(_)) = (&c.signature, &c.body) {
                        part["thoughtSignature"] = json!(b64(sig));
                    }
                    let mut cand = json!({
                        "content": {"parts": [part], "role": "model"},
                        "finishReason": c.finish,
                        "index": c.index,
                    });
                    if let Some(g) = &c.grounding {
                        cand["groundingMetadata"] = g.clone();
                    }
                    cand
                })
                .collect();
            chunks.push(self.envelope(cands, self.usage(self.candidates_tokens(), true)));
        }
        chunks
    }
}

fn parts_tokens(parts: &Value) -> u32 {
    parts.as_array().map_or(0, |a| {
        a.iter()
            .map(|p| match p.get("text").and_then(Value::as_str) {
                Some(t) => count_text(t),
                None => p
                    .get("functionCall")
                    .map_or(0, |fc| count_text(&fc.to_string())),
            })
            .sum()
    })
}

/// The parts of each chunk for one candidate: text split every [`CHUNK_TOKENS`] tokens (at
/// least two pieces when there are two tokens), or all function calls at once (the first
/// carrying the signature).
fn body_pieces(c: &Candidate) -> Vec<Value> {
    let mut pieces = text_pieces(c);
    if !c.media_pieces.is_empty() {
        pieces.extend(c.media_pieces.iter().map(|p| Value::Array(vec![p.clone()])));
    } else if !c.media.is_empty() {
        pieces.push(Value::Array(c.media.clone()));
    }
    pieces
}

/// The text (or function call) pieces of [`body_pieces`].
fn text_pieces(c: &Candidate) -> Vec<Value> {
    match &c.body {
        Body::Calls(calls) => {
            let mut parts: Vec<Value> =
                calls.iter().map(|fc| json!({"functionCall": fc})).collect();
            if let (Some(sig), Some(Value::Object(first))) = (&c.signature, parts.first_mut()) {
                first.insert("thoughtSignature".into(), json!(b64(sig)));
            }
            vec![Value::Array(parts)]
        }
        Body::Text(t) => split_text(t)
            .into_iter()
            .map(|piece| json!([{"text": piece}]))
            .collect(),
    }
}

/// Splits text into stream pieces at token boundaries; the pieces concatenate to `text`.
pub(crate) fn split_text(text: &str) -> Vec<&str> {
    if text.is_empty() {
        return Vec::new();
    }
    let ends = token_ends(text);
    let per = if ends.len() >= 2 && ends.len() <= CHUNK_TOKENS {
        ends.len().div_ceil(2)
    } else {
        CHUNK_TOKENS
    };
    let mut out = Vec::new();
    let mut start = 0;
    for (i, end) in ends.iter().enumerate() {
        let last = i + 1 == ends.len();
        if (i + 1) % per == 0 && !last {
            out.push(text.get(start..*end).unwrap_or(""));
            start = *end;
        }
    }
    out.push(text.get(start..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Catalogue;

    fn run(model: &str, req: &Value) -> Result<Generation, ApiError> {
        let cat = Catalogue::realistic();
        let ctx = Context {
            model: cat.get(model).unwrap(),
            signer: Signer::new(1),
            response_number: 0,
            grounded: None,
        };
        generate(req, &ctx)
    }

    fn user(text: &str) -> Value {
        json!({"contents": [{"role": "user", "parts": [{"text": text}]}]})
    }

    #[test]
    fn recalls_earlier_turns_when_asked() {
        let req = json!({"contents": [
            {"role": "user", "parts": [{"text": "My name is Ada."}]},
            {"role": "model", "parts": [{"text": "You said: My name is Ada."}]},
            {"role": "user", "parts": [{"text": "I live in Paris."}]},
            {"role": "model", "parts": [{"text": "You said: I live in Paris."}]},
            {"role": "user", "parts": [{"text": "What did I say earlier?"}]}
        ]});
        let r = run("gemini-2.0-flash", &req).unwrap().to_response();
        assert_eq!(
            r["candidates"][0]["content"]["parts"][0]["text"],
            "You said: What did I say earlier? Earlier you said: \"My name is Ada.\"; \"I live \
             in Paris.\"."
        );
        // A question about the past without a past, and a plain turn, are echoed as usual.
        let r = run("gemini-2.0-flash", &user("What did I say earlier?"))
            .unwrap()
            .to_response();
        assert_eq!(
            r["candidates"][0]["content"]["parts"][0]["text"],
            "You said: What did I say earlier?"
        );
    }

    #[test]
    fn echoes_and_limits() {
        let g = run("gemini-2.0-flash", &user("Hello there, emulator")).unwrap();
        let r = g.to_response();
        assert_eq!(
            r["candidates"][0]["content"]["parts"][0]["text"],
            "You said: Hello there, emulator"
        );
        assert_eq!(r["candidates"][0]["finishReason"], "STOP");

        let mut req = user("one two three four five");
        req["generationConfig"] = json!({"maxOutputTokens": 4, "stopSequences": ["five"]});
        let r = run("gemini-2.0-flash", &req).unwrap().to_response();
        assert_eq!(
            r["candidates"][0]["content"]["parts"][0]["text"],
            "You said: one"
        );
        assert_eq!(r["candidates"][0]["finishReason"], "MAX_TOKENS");
        assert_eq!(r["usageMetadata"]["candidatesTokenCount"], 4);
    }

    #[test]
    fn stream_concatenates_to_the_unary_text() {
        let req = user("a fairly long prompt with quite a few words in it, to split");
        let g = run("gemini-2.5-flash", &req).unwrap();
        let unary = g.to_response();
        let chunks = g.to_chunks();
        assert!(chunks.len() >= 3);
        let text: String = chunks
            .iter()
            .filter_map(|c| c["candidates"][0]["content"]["parts"][0]["text"].as_str())
            .collect();
        assert_eq!(text, unary["candidates"][0]["content"]["parts"][0]["text"]);
        let last = chunks.last().unwrap();
        assert!(last["candidates"][0]["content"]["parts"][0]["thoughtSignature"].is_string());
        assert_eq!(last["usageMetadata"], unary["usageMetadata"]);
    }

    #[test]
    fn splitting_keeps_every_byte() {
        for t in [
            "x",
            "two words",
            "a b c d e f g h i j k l m n o p q r s",
            "¿Qué tal? 你好",
        ] {
            let pieces = split_text(t);
            assert_eq!(pieces.concat(), t);
            if count_text(t) >= 2 {
                assert!(pieces.len() >= 2, "{t}");
            }
        }
    }
}
