//! The `models` resource: `models.list` / `models.get` from the catalogue, and the model RPCs
//! (`generateContent`, `streamGenerateContent`, `countTokens`, `embedContent`,
//! `batchEmbedContents`): strict request parsing with `gemini-types`, model lookup (catalogue
//! first, then the model families) and the deterministic answers (`../shared/spec/API.md`
//! sections 4-9).

use std::borrow::Cow;

use base64::Engine as _;
use gemini_types::{
    BatchEmbedContentsRequest, CountTokensRequest, EmbedContentRequest, GenerateContentRequest,
};
use serde_json::{Map, Value, json};

use crate::catalogue::ModelSpec;
use crate::errors::ApiError;
use crate::model::embeddings::embed_text;
use crate::model::generator::{self, Context, Generation, Grounded};
use crate::model::tokenizer::{self, ModalityCounts};
use crate::paging::{PageSpec, encode_token, invalid_token};
use crate::resources::caches::{self, CacheUse};
use crate::resources::{Call, Handler};
use crate::resources::{file_search_stores, files};
use crate::respond::Payload;
use crate::state::State;
use crate::validate::{content_extras, contents_extras, parse_strict};

/// `models.list` page sizes.
const PAGES: PageSpec = PageSpec {
    default: 50,
    max: 1000,
};
/// The most requests one `batchEmbedContents` call may carry.
const MAX_BATCH_EMBED: usize = 100;

/// The model RPCs (on `models/*`, and on `tunedModels/*` and `dynamic/*` where the API binds
/// them).
pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("listModels", list),
    ("getModel", get),
    ("generateContent", generate_content),
    ("streamGenerateContent", stream_generate_content),
    ("countTokens", count_tokens),
    ("embedContent", embed_content),
    ("batchEmbedContents", batch_embed_contents),
];

fn get(call: &Call<'_>) -> Result<Payload, ApiError> {
    let model = find_model(call, "get")?;
    Ok(Payload::Unary(model.resource()))
}

fn generate_content(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    let model = find_model(call, "generateContent")?;
    let (generation, cache) = generate(call.state, &model, &body)?;
    let mut response = generation.to_response();
    if let Some(cache) = &cache {
        caches::report(&mut response, cache);
    }
    Ok(Payload::Unary(response))
}

fn stream_generate_content(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    let model = find_model(call, "streamGenerateContent")?;
    let (generation, cache) = generate(call.state, &model, &body)?;
    let mut chunks = generation.to_chunks();
    if let Some(cache) = &cache {
        for chunk in &mut chunks {
            caches::report(chunk, cache);
        }
    }
    Ok(Payload::Stream(chunks))
}

fn count_tokens(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    find_model(call, "countTokens")?;
    count(&body).map(Payload::Unary)
}

fn embed_content(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    let model = find_model(call, "embedContent")?;
    embed(&model, &body).map(Payload::Unary)
}

fn batch_embed_contents(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    let model = find_model(call, "batchEmbedContents")?;
    batch_embed(&model, &body).map(Payload::Unary)
}

/// The model the route names (from the catalogue, or synthesized for a known family), if it
/// serves `method`; else the real 404.
pub(crate) fn find_model<'a>(
    call: &Call<'a>,
    method: &str,
) -> Result<Cow<'a, ModelSpec>, ApiError> {
    let route = call.route;
    let id = route.model().unwrap_or("");
    if route.collection() != "models" {
        return Err(ApiError::not_found(format!(
            "{}/{id} is not found for API version {}, or is not supported for {method}.",
            route.collection(),
            route.version
        )));
    }
    match call.state.config.catalogue.resolve(id) {
        Some(m) if method == "get" || m.supports(method) => Ok(m),
        _ => Err(ApiError::model_not_found(id, route.version, method)),
    }
}

/// Answers one `GenerateContentRequest` (also each request of a batch); with `cachedContent`
/// set, the cache's contents, system instruction and tools are part of the prompt and its
/// token count is returned for the usage metadata.
pub(crate) fn generate(
    state: &State,
    model: &ModelSpec,
    body: &Value,
) -> Result<(Generation, Option<CacheUse>), ApiError> {
    let (_, mut canonical) = parse_strict::<GenerateContentRequest>(body, |r, u| {
        contents_extras(&r.contents, "contents", u);
        if let Some(s) = &r.system_instruction {
            content_extras(s, "system_instruction", u);
        }
    })?;
    if let Some(contents) = canonical.get("contents").and_then(Value::as_array) {
        files::check_references(state, contents)?;
    }
    let cache = match canonical.get("cachedContent").and_then(Value::as_str) {
        None => None,
        Some(name) => {
            let name = name.to_owned();
            Some(caches::resolve(state, &name, model.id(), &mut canonical)?)
        }
    };
    let grounded = file_search_stores::retrieve(state, &canonical)?.map(|r| {
        let (text, supports) = file_search_stores::answer(&r).unwrap_or_default();
        Grounded {
            text,
            supports,
            chunks: r
                .hits
                .iter()
                .map(file_search_stores::Hit::grounding_chunk)
                .collect(),
            tool_tokens: r.tool_tokens,
        }
    });
    let ctx = Context {
        model,
        signer: state.config.signer,
        response_number: state.next_response_number(),
        grounded,
    };
    Ok((generator::generate(&canonical, &ctx)?, cache))
}

fn count(body: &Value) -> Result<Value, ApiError> {
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
pub(crate) fn embed_one(
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

fn embed(model: &ModelSpec, body: &Value) -> Result<Value, ApiError> {
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

fn list(call: &Call<'_>) -> Result<Payload, ApiError> {
    let models = call.state.config.catalogue.models();
    let page = call.page(PAGES)?;
    let start = match &page.after {
        None => 0,
        Some(last) => models
            .iter()
            .position(|m| m.name() == last.as_str())
            .map(|i| i + 1)
            .ok_or_else(invalid_token)?,
    };
    let shown: Vec<&ModelSpec> = models.iter().skip(start).take(page.size).collect();
    let mut out = Map::new();
    out.insert(
        "models".into(),
        Value::Array(shown.iter().map(|m| m.resource()).collect()),
    );
    if start + shown.len() < models.len() {
        if let Some(last) = shown.last() {
            out.insert("nextPageToken".into(), json!(encode_token(&last.name())));
        }
    }
    Ok(Payload::Unary(Value::Object(out)))
}
