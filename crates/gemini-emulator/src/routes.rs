//! The route table: every REST method of the Gemini API (`../shared/spec/API.md` section 2 and
//! `../shared/spec/schema-v1beta.json`) as a pattern over
//! `/{version}/{collection}[/{id}][/{sub-collection}[/{id}]][:{verb}]`, plus the upload prefix
//! (`/upload/{version}/...`) and the Live WebSocket path
//! (`/ws/google.ai.generativelanguage.{version}.GenerativeService.{Method}`).
//!
//! A route names the recorded RPC (`generateContent`, `files.get`, `operations.get`) and may or
//! may not be served: [`crate::resources`] binds handlers to RPC names. A method in the table
//! that no module serves answers the real `404 NOT_FOUND` `Method not found`, like a path that
//! is not in the table at all, but it is recorded under its RPC name and a script can answer it.

use std::ops::Range;
use std::sync::LazyLock;

use http::Method;

use crate::resources::{Handler, handler_for};

/// The API versions served.
pub(crate) const VERSIONS: [&str; 3] = ["v1beta", "v1", "v1alpha"];

/// Where a path starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Prefix {
    /// `/{version}/...`
    Api,
    /// `/upload/{version}/...` (resumable uploads).
    Upload,
    /// `/ws/google.ai.generativelanguage.{version}.GenerativeService.{Method}` (Live).
    Ws,
    /// `/download/{version}/...` (where media downloads are redirected).
    Download,
}

/// One line of the route table.
#[derive(Debug)]
pub(crate) struct RouteSpec {
    pub(crate) method: Method,
    pub(crate) prefix: Prefix,
    /// Segments separated by `/`; `*` is one non-empty id; an optional `:{verb}` at the end.
    pub(crate) pattern: &'static str,
    /// The RPC name requests are recorded and scripted under.
    pub(crate) rpc: &'static str,
    /// Served only on `v1alpha` (ephemeral tokens).
    pub(crate) alpha_only: bool,
    /// Answers are streams (SSE with `alt=sse`, a JSON array without).
    pub(crate) stream: bool,
}

const fn line(method: Method, pattern: &'static str, rpc: &'static str) -> RouteSpec {
    RouteSpec {
        method,
        prefix: Prefix::Api,
        pattern,
        rpc,
        alpha_only: false,
        stream: false,
    }
}
const fn get(pattern: &'static str, rpc: &'static str) -> RouteSpec {
    line(Method::GET, pattern, rpc)
}
const fn post(pattern: &'static str, rpc: &'static str) -> RouteSpec {
    line(Method::POST, pattern, rpc)
}
const fn patch(pattern: &'static str, rpc: &'static str) -> RouteSpec {
    line(Method::PATCH, pattern, rpc)
}
const fn delete(pattern: &'static str, rpc: &'static str) -> RouteSpec {
    line(Method::DELETE, pattern, rpc)
}

impl RouteSpec {
    const fn upload(mut self) -> Self {
        self.prefix = Prefix::Upload;
        self
    }
    const fn download(mut self) -> Self {
        self.prefix = Prefix::Download;
        self
    }
    const fn ws(mut self) -> Self {
        self.prefix = Prefix::Ws;
        self
    }
    const fn alpha_only(mut self) -> Self {
        self.alpha_only = true;
        self
    }
    const fn stream(mut self) -> Self {
        self.stream = true;
        self
    }
}

/// Every method of the API, grouped by collection. RPC names: the model RPCs keep their wire
/// names (`generateContent`, `listModels`, `getModel`); every other method is
/// `{collection}.{method}`.
pub(crate) static TABLE: &[RouteSpec] = &[
    // models (GenerativeService, ModelService, PredictionService; legacy text/discuss RPCs).
    get("models", "listModels"),
    get("models/*", "getModel"),
    post("models/*:generateContent", "generateContent"),
    post("models/*:streamGenerateContent", "streamGenerateContent").stream(),
    post("models/*:countTokens", "countTokens"),
    post("models/*:embedContent", "embedContent"),
    post("models/*:batchEmbedContents", "batchEmbedContents"),
    post("models/*:batchGenerateContent", "batchGenerateContent"),
    post("models/*:asyncBatchEmbedContent", "asyncBatchEmbedContent"),
    post("models/*:predict", "predict"),
    post("models/*:predictLongRunning", "predictLongRunning"),
    post("models/*:generateAnswer", "generateAnswer"),
    post("models/*:generateMessage", "generateMessage"),
    post("models/*:countMessageTokens", "countMessageTokens"),
    post("models/*:generateText", "generateText"),
    post("models/*:embedText", "embedText"),
    post("models/*:batchEmbedText", "batchEmbedText"),
    post("models/*:countTextTokens", "countTextTokens"),
    get("models/*/operations", "operations.list"),
    get("models/*/operations/*", "operations.get"),
    // tunedModels (ModelService, PermissionService).
    get("tunedModels", "tunedModels.list"),
    get("tunedModels/*", "tunedModels.get"),
    post("tunedModels", "tunedModels.create"),
    patch("tunedModels/*", "tunedModels.patch"),
    delete("tunedModels/*", "tunedModels.delete"),
    post("tunedModels/*:generateContent", "generateContent"),
    post(
        "tunedModels/*:streamGenerateContent",
        "streamGenerateContent",
    )
    .stream(),
    post("tunedModels/*:generateText", "generateText"),
    post(
        "tunedModels/*:transferOwnership",
        "tunedModels.transferOwnership",
    ),
    get("tunedModels/*/operations", "operations.list"),
    get("tunedModels/*/operations/*", "operations.get"),
    get("tunedModels/*/permissions", "tunedModels.permissions.list"),
    post(
        "tunedModels/*/permissions",
        "tunedModels.permissions.create",
    ),
    get("tunedModels/*/permissions/*", "tunedModels.permissions.get"),
    patch(
        "tunedModels/*/permissions/*",
        "tunedModels.permissions.patch",
    ),
    delete(
        "tunedModels/*/permissions/*",
        "tunedModels.permissions.delete",
    ),
    // dynamic models (generate only).
    post("dynamic/*:generateContent", "generateContent"),
    post("dynamic/*:streamGenerateContent", "streamGenerateContent").stream(),
    // files (FileService; uploads under /upload).
    post("files", "files.upload").upload(),
    post("files", "files.create"),
    get("files", "files.list"),
    get("files/*", "files.get"),
    delete("files/*", "files.delete"),
    get("files/*:download", "files.download"),
    get("files/*:download", "files.download").download(),
    post("files:register", "files.register"),
    // cachedContents (CacheService).
    post("cachedContents", "cachedContents.create"),
    get("cachedContents", "cachedContents.list"),
    get("cachedContents/*", "cachedContents.get"),
    patch("cachedContents/*", "cachedContents.patch"),
    delete("cachedContents/*", "cachedContents.delete"),
    // batches: each batch is a long-running operation (API.md section 12.3).
    get("batches", "batches.list"),
    get("batches/*", "batches.get"),
    post("batches/*:cancel", "batches.cancel"),
    delete("batches/*", "batches.delete"),
    // fileSearchStores, their documents and operations (API.md section 16).
    post("fileSearchStores", "fileSearchStores.create"),
    get("fileSearchStores", "fileSearchStores.list"),
    get("fileSearchStores/*", "fileSearchStores.get"),
    delete("fileSearchStores/*", "fileSearchStores.delete"),
    post(
        "fileSearchStores/*:importFile",
        "fileSearchStores.importFile",
    ),
    post(
        "fileSearchStores/*:uploadToFileSearchStore",
        "fileSearchStores.uploadToFileSearchStore",
    )
    .upload(),
    get(
        "fileSearchStores/*/documents",
        "fileSearchStores.documents.list",
    ),
    get(
        "fileSearchStores/*/documents/*",
        "fileSearchStores.documents.get",
    ),
    delete(
        "fileSearchStores/*/documents/*",
        "fileSearchStores.documents.delete",
    ),
    get("fileSearchStores/*/operations/*", "operations.get"),
    get("fileSearchStores/*/upload/operations/*", "operations.get"),
    // corpora (legacy RetrieverService; only what the schema lists).
    post("corpora", "corpora.create"),
    get("corpora/*", "corpora.get"),
    // Ephemeral auth tokens (v1alpha only, snake_case collection).
    post("auth_tokens", "authTokens.create").alpha_only(),
    // Interactions (snake_case API; `/cancel` is a path segment).
    post("interactions", "interactions.create"),
    get("interactions/*", "interactions.get"),
    delete("interactions/*", "interactions.delete"),
    post("interactions/*/cancel", "interactions.cancel"),
    // Live (WebSocket upgrade on GET).
    get("GenerativeService.BidiGenerateContent", "live.connect").ws(),
    get(
        "GenerativeService.BidiGenerateContentConstrained",
        "live.connectConstrained",
    )
    .ws()
    .alpha_only(),
];

/// A compiled table line.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) spec: &'static RouteSpec,
    segments: Vec<&'static str>,
    verb: Option<&'static str>,
    pub(crate) handler: Option<Handler>,
}

/// The compiled table, grouped by prefix and first segment.
struct Router {
    entries: Vec<Entry>,
    groups: Vec<(Prefix, &'static str, Range<usize>)>,
}

static ROUTER: LazyLock<Router> = LazyLock::new(|| {
    let mut entries: Vec<Entry> = TABLE
        .iter()
        .map(|spec| {
            let (path, verb) = match spec.pattern.rsplit_once(':') {
                Some((p, v)) if !p.contains(':') => (p, Some(v)),
                _ => (spec.pattern, None),
            };
            Entry {
                spec,
                segments: path.split('/').collect(),
                verb,
                handler: handler_for(spec.rpc),
            }
        })
        .collect();
    // Stable: table order within a group.
    entries.sort_by_key(|e| (prefix_rank(e.spec.prefix), e.segments[0]));
    let mut groups: Vec<(Prefix, &'static str, Range<usize>)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match groups.last_mut() {
            Some((p, first, range)) if *p == e.spec.prefix && *first == e.segments[0] => {
                range.end = i + 1;
            }
            _ => groups.push((e.spec.prefix, e.segments[0], i..i + 1)),
        }
    }
    // Models first: the hot path finds its group at once.
    groups.sort_by_key(|(p, first, _)| (*p != Prefix::Api, *first != "models"));
    Router { entries, groups }
});

fn prefix_rank(p: Prefix) -> u8 {
    match p {
        Prefix::Api => 0,
        Prefix::Upload => 1,
        Prefix::Ws => 2,
        Prefix::Download => 3,
    }
}

/// A routed request.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub(crate) version: &'static str,
    pub(crate) entry: &'static Entry,
    /// The resource name: the path after the version, without the verb
    /// (`models/gemini-2.5-flash`, `fileSearchStores/s/operations/o`).
    pub(crate) name: String,
    /// Where the pattern's `*` segments are in `name`.
    ids: [Range<usize>; 3],
}

impl Route {
    /// The recorded RPC name.
    pub(crate) fn rpc(&self) -> &'static str {
        self.entry.spec.rpc
    }

    /// Where the path starts (`/{v}`, `/upload/{v}`, `/download/{v}`, `/ws/...`).
    pub(crate) fn prefix(&self) -> Prefix {
        self.entry.spec.prefix
    }

    /// Whether answers are streamed.
    pub(crate) fn is_stream(&self) -> bool {
        self.entry.spec.stream
    }

    /// The first segment of the name (`models`, `tunedModels`, `fileSearchStores`).
    pub(crate) fn collection(&self) -> &'static str {
        self.entry.segments[0]
    }

    /// The `i`-th id of the name (`0`: the collection's id), or `""`.
    pub(crate) fn id(&self, i: usize) -> &str {
        self.ids
            .get(i)
            .and_then(|r| self.name.get(r.clone()))
            .unwrap_or("")
    }

    /// The model id, for paths under `models/`, `tunedModels/` or `dynamic/`.
    pub(crate) fn model(&self) -> Option<&str> {
        matches!(self.collection(), "models" | "tunedModels" | "dynamic")
            .then(|| self.id(0))
            .filter(|id| !id.is_empty())
    }
}

/// Routes a decoded path; `None` when no table line matches (the real 404).
pub(crate) fn route(method: &Method, path: &str) -> Option<Route> {
    let rest = path.strip_prefix('/')?;
    let (prefix, version, name, verb) = if let Some(ws) = rest.strip_prefix("ws/") {
        let rest = ws.strip_prefix("google.ai.generativelanguage.")?;
        let (version, method_name) = rest.split_once('.')?;
        (Prefix::Ws, version, method_name, None)
    } else {
        let (prefix, rest) = if let Some(r) = rest.strip_prefix("upload/") {
            (Prefix::Upload, r)
        } else if let Some(r) = rest.strip_prefix("download/") {
            (Prefix::Download, r)
        } else {
            (Prefix::Api, rest)
        };
        let (version, name) = rest.split_once('/')?;
        // The verb follows a colon in the last segment.
        let last = name.rfind('/').map_or(0, |i| i + 1);
        let (name, verb) = match name[last..].find(':') {
            Some(c) => (&name[..last + c], Some(&name[last + c + 1..])),
            None => (name, None),
        };
        (prefix, version, name, verb)
    };
    let version = VERSIONS.iter().copied().find(|v| *v == version)?;
    let first = name.split('/').next().unwrap_or("");
    let router = &*ROUTER;
    let (_, _, range) = router
        .groups
        .iter()
        .find(|(p, f, _)| *p == prefix && *f == first)?;
    router.entries[range.clone()].iter().find_map(|entry| {
        if entry.spec.method != method
            || entry.verb != verb
            || (entry.spec.alpha_only && version != "v1alpha")
        {
            return None;
        }
        let ids = match_segments(&entry.segments, name)?;
        Some(Route {
            version,
            entry,
            name: name.to_owned(),
            ids,
        })
    })
}

/// The spans of `*` segments when `name` matches `pattern`.
fn match_segments(pattern: &[&str], name: &str) -> Option<[Range<usize>; 3]> {
    let mut ids: [Range<usize>; 3] = [0..0, 0..0, 0..0];
    let mut n = 0;
    let mut start = 0;
    let mut segments = name.split('/');
    for want in pattern {
        let got = segments.next()?;
        if *want == "*" {
            if got.is_empty() {
                return None;
            }
            if let Some(slot) = ids.get_mut(n) {
                *slot = start..start + got.len();
            }
            n += 1;
        } else if *want != got {
            return None;
        }
        start += got.len() + 1;
    }
    segments.next().is_none().then_some(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rpc(method: &Method, path: &str) -> Option<&'static str> {
        route(method, path).map(|r| r.rpc())
    }

    #[test]
    fn model_routes() {
        let r = route(
            &Method::POST,
            "/v1beta/models/gemini-2.5-flash:generateContent",
        )
        .unwrap();
        assert_eq!(r.rpc(), "generateContent");
        assert_eq!(r.model(), Some("gemini-2.5-flash"));
        assert_eq!(r.version, "v1beta");
        assert_eq!(r.name, "models/gemini-2.5-flash");
        assert!(!r.is_stream());
        assert!(
            route(&Method::POST, "/v1/models/x:streamGenerateContent")
                .unwrap()
                .is_stream()
        );
        assert_eq!(rpc(&Method::GET, "/v1/models"), Some("listModels"));
        assert_eq!(
            rpc(&Method::GET, "/v1alpha/models/gemini-2.5-pro"),
            Some("getModel")
        );
        assert_eq!(rpc(&Method::GET, "/v2/models"), None);
        assert_eq!(rpc(&Method::GET, "/v1beta/models/x:generateContent"), None);
        assert_eq!(rpc(&Method::POST, "/v1beta/models/x:fly"), None);
        assert_eq!(rpc(&Method::POST, "/v1beta/models/:generateContent"), None);
        assert_eq!(
            rpc(&Method::POST, "/v1beta/models/a/b:generateContent"),
            None
        );
        assert_eq!(rpc(&Method::POST, ""), None);
        assert_eq!(rpc(&Method::POST, "/v1beta"), None);
        let r = route(&Method::POST, "/v1beta/tunedModels/t:generateContent").unwrap();
        assert_eq!(r.collection(), "tunedModels");
        assert_eq!(r.model(), Some("t"));
    }

    #[test]
    fn every_collection_routes() {
        let cases = [
            (Method::POST, "/upload/v1beta/files", "files.upload"),
            (Method::POST, "/v1beta/files", "files.create"),
            (Method::GET, "/v1/files", "files.list"),
            (Method::GET, "/v1beta/files/abc", "files.get"),
            (Method::DELETE, "/v1beta/files/abc", "files.delete"),
            (Method::GET, "/v1beta/files/abc:download", "files.download"),
            (Method::POST, "/v1beta/files:register", "files.register"),
            (
                Method::POST,
                "/v1beta/cachedContents",
                "cachedContents.create",
            ),
            (
                Method::PATCH,
                "/v1beta/cachedContents/c",
                "cachedContents.patch",
            ),
            (Method::GET, "/v1beta/batches", "batches.list"),
            (Method::POST, "/v1beta/batches/b:cancel", "batches.cancel"),
            (
                Method::POST,
                "/v1beta/models/m:batchGenerateContent",
                "batchGenerateContent",
            ),
            (
                Method::POST,
                "/v1beta/models/veo:predictLongRunning",
                "predictLongRunning",
            ),
            (
                Method::GET,
                "/v1beta/models/veo/operations/o",
                "operations.get",
            ),
            (
                Method::GET,
                "/v1beta/models/veo/operations",
                "operations.list",
            ),
            (
                Method::GET,
                "/v1beta/tunedModels/t/operations/o",
                "operations.get",
            ),
            (Method::GET, "/v1beta/tunedModels", "tunedModels.list"),
            (Method::GET, "/v1beta/tunedModels/t", "tunedModels.get"),
            (
                Method::GET,
                "/v1beta/fileSearchStores/s/operations/o",
                "operations.get",
            ),
            (
                Method::GET,
                "/v1beta/fileSearchStores/s/upload/operations/o",
                "operations.get",
            ),
            (
                Method::GET,
                "/v1beta/fileSearchStores/s/documents/d",
                "fileSearchStores.documents.get",
            ),
            (
                Method::POST,
                "/v1beta/fileSearchStores/s:importFile",
                "fileSearchStores.importFile",
            ),
            (
                Method::POST,
                "/upload/v1beta/fileSearchStores/s:uploadToFileSearchStore",
                "fileSearchStores.uploadToFileSearchStore",
            ),
            (Method::POST, "/v1beta/corpora", "corpora.create"),
            (Method::POST, "/v1alpha/auth_tokens", "authTokens.create"),
            (Method::POST, "/v1beta/interactions", "interactions.create"),
            (
                Method::POST,
                "/v1beta/interactions/i/cancel",
                "interactions.cancel",
            ),
            (
                Method::POST,
                "/v1beta/dynamic/d:generateContent",
                "generateContent",
            ),
            (
                Method::GET,
                "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent",
                "live.connect",
            ),
        ];
        for (method, path, want) in cases {
            assert_eq!(rpc(&method, path), Some(want), "{method} {path}");
        }
        let r = route(
            &Method::GET,
            "/v1beta/fileSearchStores/s/upload/operations/o",
        )
        .unwrap();
        assert_eq!((r.id(0), r.id(1), r.id(2)), ("s", "o", ""));
        assert_eq!(r.name, "fileSearchStores/s/upload/operations/o");
        // Not in the table.
        assert_eq!(rpc(&Method::POST, "/v1beta/auth_tokens"), None);
        assert_eq!(rpc(&Method::PUT, "/v1beta/files/abc"), None);
        assert_eq!(rpc(&Method::POST, "/v1beta/files/abc:cancel"), None);
        assert_eq!(rpc(&Method::POST, "/upload/v1beta/cachedContents"), None);
        assert_eq!(rpc(&Method::GET, "/v1beta/files/a/b"), None);
        assert_eq!(rpc(&Method::GET, "/v1beta/nothing"), None);
        assert_eq!(
            rpc(
                &Method::GET,
                "/ws/google.ai.generativelanguage.v9.GenerativeService.BidiGenerateContent"
            ),
            None
        );
    }

    #[test]
    fn the_table_has_no_duplicate_lines() {
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                assert!(
                    !(a.method == b.method && a.prefix == b.prefix && a.pattern == b.pattern),
                    "{} {} twice",
                    a.method,
                    a.pattern
                );
            }
        }
    }
}
