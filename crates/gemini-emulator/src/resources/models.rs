//! The served methods: request parsing (strict, with `gemini-types`), model lookup, and the
//! deterministic answers (`../shared/spec/API.md` sections 4-9).

use std::borrow::Cow;

use base64::Engine as _;
use gemini_types::{
    BatchEmbedContentsRequest, CountTokensRequest, EmbedContentRequest, GenerateContentRequest,
};
use serde_json::{Map, Value, json};

use crate::catalogue::ModelSpec;
use crate::errors::ApiError;
use crate::model::embeddings::embed_text;
use crate::model::generator::{self, Context, Generation};
use crate::model::tokenizer::{self, ModalityCounts};
use crate::recorded::RecordedRequest;
use crate::respond::Payload;
use crate::routes::{Route, Rpc};
use crate::state::State;
use crate::validate::{content_extras, contents_extras, malformed_json_error, parse_strict};

/// `models.list` page size when none is given, and the largest accepted.
const DEFAULT_PAGE_SIZE: usize = 50;
const MAX_PAGE_SIZE: usize = 1000;
/// The most requests one `batchEmbedContents` call may carry.
const MAX_BATCH_EMBED: usize = 100;

/// Answers a routed, authenticated request with the emulator's model.
pub(crate) fn answer(state: &State, route: &Route, request: &RecordedRequest) -> Payload {
    match dispatch(state, route, request) {
        Ok(p) => p,
        Err(e) => Payload::Error(e),
    }
}

fn dispatch(state: &State, route: &Route, request: &RecordedRequest) -> Result<Payload, ApiError> {
    match route.rpc {
        Rpc::ListModels => list_models(state, request),
        Rpc::GetModel => {
            let model = find_model(state, route)?;
            Ok(Payload::Unary(model.resource()))
        }
        Rpc::GenerateContent | Rpc::StreamGenerateContent => {
            let body = body_json(request)?;
            let model = find_model(state, route)?;
            let generation = generate(state, model, &body)?;
            Ok(if route.rpc == Rpc::GenerateContent {
                Payload::Unary(generation.to_response())
            } else {
                Payload::Stream(generation.to_chunks())
            })
        }
        Rpc::CountTokens => {
            let body = body_json(request)?;
            find_model(state, route)?;
            count_tokens(&body).map(Payload::Unary)
        }
        Rpc::EmbedContent => {
            let body = body_json(request)?;
            let model = find_model(state, route)?;
            embed_content(model, &body).map(Payload::Unary)
        }
        Rpc::BatchEmbedContents => {
            let body = body_json(request)?;
            let model = find_model(state, route)?;
            batch_embed(model, &body).map(Payload::Unary)
        }
    }
}

/// The request body as JSON (an empty body is `{}`), or the real malformed-JSON error.
fn body_json(request: &RecordedRequest) -> Result<Cow<'_, Value>, ApiError> {
    if let Some(v) = request.json() {
        return Ok(Cow::Borrowed(v));
    }
    if request.body().iter().all(u8::is_ascii_whitespace) {
        return Ok(Cow::Owned(json!({})));
    }
    match serde_json::from_slice::<Value>(request.body()) {
        Ok(v) => Ok(Cow::Owned(v)),
        Err(e) => Err(malformed_json_error(request.body(), &e)),
    }
}

fn find_model<'a>(state: &'a State, route: &Route) -> Result<&'a ModelSpec, ApiError> {
    let id = route.model.as_deref().unwrap_or("");
    let method = match route.rpc {
        Rpc::GetModel => "get",
        other => other.name(),
    };
    if route.collection != "models" {
        return Err(ApiError::not_found(format!(
            "{}/{id} is not found for API version {}, or is not supported for {method}.",
            route.collection, route.version
        )));
    }
    match state.config.catalogue.get(id) {
        Some(m) if route.rpc == Rpc::GetModel || m.supports(route.rpc.name()) => Ok(m),
        _ => Err(ApiError::model_not_found(id, route.version, method)),
    }
}

fn generate(state: &State, model: &ModelSpec, body: &Value) -> Result<Generation, ApiError> {
    let (_, canonical) = parse_strict::<GenerateContentRequest>(body, |r, u| {
        contents_extras(&r.contents, "contents", u);
        if let Some(s) = &r.system_instruction {
            content_extras(s, "system_instruction", u);
        }
    })?;
    let ctx = Context {
        model,
        signer: state.config.signer,
        response_number: state.next_response_number(),
    };
    generator::generate(&canonical, &ctx)
}

fn count_tokens(body: &Value) -> Result<Value, ApiError> {
    let (_, canonical) = parse_strict::<CountTokensRequest>(body, |r, u| {
        contents_extras(&r.contents, "contents", u);
        if let Some(g) = &r.generate_content_request {
            contents_extras(&g.contents, "generate_content_request.contents", u);
            if let Some(s) = &g.system_instruction {
                content_extras(s, "generate_content_request.system_instruction", u);
            }
        }
    })?;
    let counts = match canonical.get("generateContentRequest") {
        Some(g) => generator::prompt_tokens(g),
        None => tokenizer::count_contents(
            canonical
                .get("contents")
                .and_then(Value::as_array)
                .map_or(&[], Vec::as_slice),
        ),
    };
    Ok(json!({
        "totalTokens": counts.total(),
        "promptTokensDetails": counts.details(),
    }))
}

/// The embedding of one canonical `EmbedContentRequest`, and its prompt tokens.
fn embed_one(
    model: &ModelSpec,
    req: &Value,
    field: &str,
) -> Result<(Value, ModalityCounts), ApiError> {
    let Some(content) = req.get("content") else {
        return Err(ApiError::invalid_argument(format!(
            "* {field}.content: content is not specified\n"
        )));
    };
    let max = model.embedding_dims().unwrap_or(768);
    let dims = match req.get("outputDimensionality").and_then(Value::as_i64) {
        None => max,
        Some(d) if d >= 1 && d as usize <= max => d as usize,
        Some(d) => {
            return Err(ApiError::invalid_argument(format!(
                "* {field}.output_dimensionality: must be in the range [1, {max}], got {d}\n"
            )));
        }
    };
    let mut text = String::new();
    if req.get("taskType").and_then(Value::as_str) == Some("RETRIEVAL_DOCUMENT") {
        if let Some(title) = req.get("title").and_then(Value::as_str) {
            text.push_str(title);
            text.push('\n');
        }
    }
    for part in tokenizer::parts(content) {
        if let Some(t) = part.get("text").and_then(Value::as_str) {
            text.push_str(t);
            text.push(' ');
        }
        if let Some(blob) = part.get("inlineData") {
            let mime = blob.get("mimeType").and_then(Value::as_str).unwrap_or("");
            let data = blob.get("data").and_then(Value::as_str).unwrap_or("");
            let digest =
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data.len().to_le_bytes());
            text.push(' ');
            text.push_str(mime);
            text.push(' ');
            text.push_str(&digest);
            text.push(' ');
        }
    }
    let values = embed_text(&text, dims);
    Ok((
        json!({ "values": values }),
        tokenizer::count_content(content),
    ))
}

fn embed_content(model: &ModelSpec, body: &Value) -> Result<Value, ApiError> {
    let (_, canonical) = parse_strict::<EmbedContentRequest>(body, |r, u| {
        if let Some(c) = &r.content {
            content_extras(c, "content", u);
        }
    })?;
    let (embedding, _) = embed_one(model, &canonical, "EmbedContentRequest")?;
    Ok(json!({ "embedding": embedding }))
}

fn batch_embed(model: &ModelSpec, body: &Value) -> Result<Value, ApiError> {
    let (parsed, canonical) = parse_strict::<BatchEmbedContentsRequest>(body, |r, u| {
        for (i, req) in r.requests.iter().enumerate() {
            if let Some(c) = &req.content {
                content_extras(c, &format!("requests[{i}].content"), u);
            }
        }
    })?;
    if parsed.requests.is_empty() {
        return Err(ApiError::invalid_argument(
            "* BatchEmbedContentsRequest.requests: requests is not specified\n",
        ));
    }
    if parsed.requests.len() > MAX_BATCH_EMBED {
        return Err(ApiError::invalid_argument(format!(
            "* BatchEmbedContentsRequest.requests: at most {MAX_BATCH_EMBED} requests can be in \
             one batch\n"
        )));
    }
    let expected = format!("models/{}", model.id());
    let requests = canonical
        .get("requests")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut embeddings = Vec::with_capacity(requests.len());
    let mut tokens = ModalityCounts::default();
    for (i, req) in requests.iter().enumerate() {
        let field = format!("BatchEmbedContentsRequest.requests[{i}]");
        match req.get("model").and_then(Value::as_str) {
            None | Some("") => {
                return Err(ApiError::invalid_argument(format!(
                    "* {field}.model: model is not specified\n"
                )));
            }
            Some(m) if m != expected => {
                return Err(ApiError::invalid_argument(format!(
                    "* {field}.model: the model of every request must be the batch model \
                     {expected}, got {m}\n"
                )));
            }
            Some(_) => {}
        }
        let (embedding, counts) = embed_one(model, req, &field)?;
        embeddings.push(embedding);
        tokens.add(counts);
    }
    let mut out = Map::new();
    out.insert("embeddings".into(), Value::Array(embeddings));
    if model.id().starts_with("gemini-embedding-2") {
        // Newer embedding models report usage, with the singular "Token" spelling
        // (../shared/spec/real/README.md).
        out.insert(
            "usageMetadata".into(),
            json!({"promptTokenCount": tokens.total(), "promptTokenDetails": tokens.details()}),
        );
    }
    Ok(Value::Object(out))
}

fn list_models(state: &State, request: &RecordedRequest) -> Result<Payload, ApiError> {
    let models = state.config.catalogue.models();
    let page_size = request
        .query_param("pageSize")
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|n| *n > 0)
        .map_or(DEFAULT_PAGE_SIZE, |n| (n as usize).min(MAX_PAGE_SIZE));
    let start = match request.query_param("pageToken").filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => {
            let last = decode_page_token(&token)
                .ok_or_else(|| ApiError::invalid_argument("Invalid page token."))?;
            models
                .iter()
                .position(|m| format!("models/{}", m.id()) == last)
                .map(|i| i + 1)
                .ok_or_else(|| ApiError::invalid_argument("Invalid page token."))?
        }
    };
    let page: Vec<&ModelSpec> = models.iter().skip(start).take(page_size).collect();
    let mut out = Map::new();
    out.insert(
        "models".into(),
        Value::Array(page.iter().map(|m| m.resource()).collect()),
    );
    if start + page.len() < models.len() {
        if let Some(last) = page.last() {
            out.insert(
                "nextPageToken".into(),
                json!(encode_page_token(&format!("models/{}", last.id()))),
            );
        }
    }
    Ok(Payload::Unary(Value::Object(out)))
}

/// A page token shaped like the real one: base64 of a protobuf message whose field 1 is the last
/// name returned (`Ch9tb2RlbHMv...` in the recorded `models.list`).
fn encode_page_token(last: &str) -> String {
    let mut bytes = vec![0x0a, last.len().min(127) as u8];
    bytes.extend(last.bytes().take(127));
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn decode_page_token(token: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(token.trim()))
        .ok()?;
    let (&tag, rest) = bytes.split_first()?;
    let (&len, name) = rest.split_first()?;
    (tag == 0x0a && name.len() == usize::from(len))
        .then(|| String::from_utf8(name.to_vec()).ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_round_trip() {
        let t = encode_page_token("models/veo-3.1-generate-preview");
        assert!(t.starts_with("Ch9tb2RlbHMv"));
        assert_eq!(
            decode_page_token(&t).as_deref(),
            Some("models/veo-3.1-generate-preview")
        );
        assert_eq!(decode_page_token("!!"), None);
    }
}
