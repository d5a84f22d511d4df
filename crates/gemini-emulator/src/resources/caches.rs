//! The `cachedContents` resource (`../shared/spec/API.md` section 10): `create`, `get`,
//! `list`, `patch` (of `ttl` or `expireTime` only) and `delete`, and its use by
//! `generateContent` ([`resolve`]).
//!
//! A cache must hold at least the model's minimum for context caching (1,024 tokens; 4,096 for
//! `pro` models), counted by the emulator's tokenizer over its contents, system instruction and
//! tools, else the real `Cached content is too small` error. It expires by the emulator's clock
//! (default ttl one hour). Responses never contain the cached input, as the real service.

use std::time::{Duration, SystemTime};

use gemini_types::CachedContent;
use serde_json::{Map, Value, json};

use crate::clock::rfc3339;
use crate::errors::ApiError;
use crate::model::generator;
use crate::model::tokenizer::ModalityCounts;
use crate::paging::PageSpec;
use crate::resources::{Call, Handler, empty, files};
use crate::respond::Payload;
use crate::state::State;
use crate::store::{Record, Resource};
use crate::validate::{content_extras, contents_extras, parse_strict};

/// The default time to live.
const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// `cachedContents.list` page sizes.
const PAGES: PageSpec = PageSpec {
    default: 50,
    max: 1000,
};

/// The served cache RPCs.
pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("cachedContents.create", create),
    ("cachedContents.get", get),
    ("cachedContents.list", list),
    ("cachedContents.patch", patch),
    ("cachedContents.delete", delete),
];

/// A stored cache: its input (canonical JSON) and token count.
pub(crate) struct Cache {
    display_name: String,
    /// `models/{id}`.
    model: String,
    contents: Vec<Value>,
    system_instruction: Option<Value>,
    tools: Option<Value>,
    tool_config: Option<Value>,
    tokens: ModalityCounts,
}

impl Resource for Cache {
    const KIND: &'static str = "CachedContent";

    fn to_json(r: &Record<Self>) -> Value {
        let mut out = Map::new();
        out.insert("name".into(), json!(r.name));
        out.insert("model".into(), json!(r.value.model));
        out.insert("createTime".into(), json!(rfc3339(r.create_time)));
        out.insert("updateTime".into(), json!(rfc3339(r.update_time)));
        if let Some(t) = r.expire_time {
            out.insert("expireTime".into(), json!(rfc3339(t)));
        }
        out.insert("displayName".into(), json!(r.value.display_name));
        out.insert(
            "usageMetadata".into(),
            json!({"totalTokenCount": r.value.tokens.total()}),
        );
        Value::Object(out)
    }

    fn not_found(_: &str) -> ApiError {
        // What the real service answers for a missing, expired or foreign cache.
        ApiError::new(403, "CachedContent not found (or permission denied)")
    }
}

/// The minimum token count for context caching on `model` (a bare id).
pub(crate) fn min_tokens(model: &str) -> u32 {
    if model.contains("pro") { 4096 } else { 1024 }
}

fn parse(body: &Value) -> Result<(CachedContent, Value), ApiError> {
    parse_strict::<CachedContent>(body, |c, u| {
        contents_extras(&c.contents, "contents", u);
        if let Some(s) = &c.system_instruction {
            content_extras(s, "system_instruction", u);
        }
    })
}

/// The expiry a create or patch asks for (`ttl` or `expireTime`, not both).
fn expiry(c: &CachedContent, now: SystemTime) -> Result<Option<SystemTime>, ApiError> {
    match (c.ttl, &c.expire_time) {
        (Some(_), Some(_)) => Err(ApiError::invalid_argument(
            "* CachedContent.expiration: ttl and expire_time are mutually exclusive (oneof \
             expiration)\n",
        )),
        (Some(ttl), None) => Ok(Some(now + ttl)),
        (None, Some(t)) => {
            let secs = u64::try_from(t.unix_seconds()).unwrap_or(0);
            let at = SystemTime::UNIX_EPOCH
                + Duration::from_secs(secs)
                + Duration::from_nanos(u64::from(t.subsec_nanos()));
            if at <= now {
                return Err(ApiError::invalid_argument(
                    "* CachedContent.expire_time: expire_time must be in the future\n",
                ));
            }
            Ok(Some(at))
        }
        (None, None) => Ok(None),
    }
}

fn create(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    let (parsed, canonical) = parse(&body)?;
    let now = call.now();
    let model = parsed
        .model
        .as_deref()
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            ApiError::invalid_argument("* CachedContent.model: model is not specified\n")
        })?;
    let id = model.strip_prefix("models/").unwrap_or(model);
    let spec = call.state.config.catalogue.resolve(id);
    if !spec
        .as_ref()
        .is_some_and(|m| m.supports("createCachedContent"))
    {
        return Err(ApiError::model_not_found(
            id,
            call.route.version,
            "createCachedContent",
        ));
    }
    let expire = expiry(&parsed, now)?.unwrap_or(now + DEFAULT_TTL);
    if let Some(contents) = canonical.get("contents").and_then(Value::as_array) {
        files::check_references(call.state, contents)?;
    }
    let tokens = generator::prompt_tokens(&canonical);
    let min = min_tokens(id);
    if tokens.total() < min {
        return Err(ApiError::invalid_argument(format!(
            "Cached content is too small. total_token_count={}, min_total_token_count={min}",
            tokens.total()
        )));
    }
    let cache = Cache {
        display_name: parsed.display_name.clone().unwrap_or_default(),
        model: format!("models/{id}"),
        contents: canonical
            .get("contents")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        system_instruction: canonical.get("systemInstruction").cloned(),
        tools: canonical.get("tools").cloned(),
        tool_config: canonical.get("toolConfig").cloned(),
        tokens,
    };
    call.state
        .store
        .with::<Cache, _>(now, |t| {
            let name = format!("cachedContents/{}", t.new_id("cachedContents/"));
            let r = t.insert(now, name, cache)?;
            r.expire_time = Some(expire);
            Ok(Cache::to_json(r))
        })
        .map(Payload::Unary)
}

fn get(call: &Call<'_>) -> Result<Payload, ApiError> {
    let name = &call.route.name;
    call.state
        .store
        .with::<Cache, _>(call.now(), |t| t.get(name).map(Cache::to_json))
        .map(Payload::Unary)
}

fn list(call: &Call<'_>) -> Result<Payload, ApiError> {
    let page = call.page(PAGES)?;
    call.state
        .store
        .with::<Cache, _>(call.now(), |t| {
            t.list(&page, |_| true).map(|p| p.to_json("cachedContents"))
        })
        .map(Payload::Unary)
}

/// Only the expiration can change; `updateMask` (optional, as the SDKs leave it out) may name
/// `ttl` or `expire_time` / `expireTime`.
fn patch(call: &Call<'_>) -> Result<Payload, ApiError> {
    let body = call.body_json()?;
    let (parsed, canonical) = parse(&body)?;
    if let Some(mask) = call.request.query_param("updateMask") {
        for path in mask.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if !matches!(path, "ttl" | "expire_time" | "expireTime") {
                return Err(ApiError::invalid_argument(format!(
                    "* UpdateCachedContentRequest.update_mask: field {path:?} cannot be \
                     updated: only ttl or expire_time can be changed\n"
                )));
            }
        }
    }
    let immutable = canonical.as_object().and_then(|o| {
        o.keys()
            .find(|k| !matches!(k.as_str(), "ttl" | "expireTime" | "name"))
            .cloned()
    });
    if let Some(field) = immutable {
        return Err(ApiError::invalid_argument(format!(
            "* CachedContent.{field}: only ttl or expire_time can be updated\n"
        )));
    }
    let now = call.now();
    let Some(expire) = expiry(&parsed, now)? else {
        return Err(ApiError::invalid_argument(
            "* CachedContent.expiration: either ttl or expire_time must be set\n",
        ));
    };
    let name = &call.route.name;
    call.state
        .store
        .with::<Cache, _>(now, |t| {
            let r = t.get_mut(now, name)?;
            r.expire_time = Some(expire);
            Ok(Cache::to_json(r))
        })
        .map(Payload::Unary)
}

fn delete(call: &Call<'_>) -> Result<Payload, ApiError> {
    call.state
        .store
        .with::<Cache, _>(call.now(), |t| t.remove(&call.route.name))?;
    Ok(empty())
}

/// What a cache adds to a request: its token counts.
#[derive(Debug, Clone)]
pub(crate) struct CacheUse {
    pub(crate) tokens: ModalityCounts,
}

/// Applies cache `name` to the canonical `GenerateContentRequest` `req` for model `model`
/// (a bare id): its contents go before the request's, its system instruction, tools and tool
/// config become the request's. The real errors for a request that also sets those, for a
/// cache of another model and for a missing or expired cache.
pub(crate) fn resolve(
    state: &State,
    name: &str,
    model: &str,
    req: &mut Value,
) -> Result<CacheUse, ApiError> {
    let Some(fields) = req.as_object_mut() else {
        return Err(ApiError::invalid_argument("Invalid request."));
    };
    if ["systemInstruction", "tools", "toolConfig"]
        .iter()
        .any(|k| fields.contains_key(*k))
    {
        return Err(ApiError::invalid_argument(
            "CachedContent can not be used with GenerateContent request setting \
             system_instruction, tools or tool_config.\n\nProposed fix: move those values to \
             CachedContent from GenerateContent request.",
        ));
    }
    let now = state.config.clock.now();
    let (contents, system, tools, tool_config, tokens) =
        state.store.with::<Cache, _>(now, |t| {
            let r = t.get(name)?;
            let c = &r.value;
            if c.model != format!("models/{model}") {
                return Err(ApiError::invalid_argument(format!(
                    "Model used by GenerateContent request (models/{model}) and CachedContent \
                     ({}) has to be the same.",
                    c.model
                )));
            }
            Ok((
                c.contents.clone(),
                c.system_instruction.clone(),
                c.tools.clone(),
                c.tool_config.clone(),
                c.tokens,
            ))
        })?;
    let mut all = contents;
    if let Some(Value::Array(own)) = fields.remove("contents") {
        all.extend(own);
    }
    fields.insert("contents".into(), Value::Array(all));
    for (key, value) in [
        ("systemInstruction", system),
        ("tools", tools),
        ("toolConfig", tool_config),
    ] {
        if let Some(v) = value {
            fields.insert(key.into(), v);
        }
    }
    Ok(CacheUse { tokens })
}

/// Adds `cachedContentTokenCount` and `cacheTokensDetails` to a rendered response's
/// `usageMetadata`.
pub(crate) fn report(response: &mut Value, cache: &CacheUse) {
    if let Some(usage) = response
        .get_mut("usageMetadata")
        .and_then(Value::as_object_mut)
    {
        usage.insert(
            "cachedContentTokenCount".into(),
            json!(cache.tokens.total()),
        );
        usage.insert("cacheTokensDetails".into(), cache.tokens.details());
    }
}
