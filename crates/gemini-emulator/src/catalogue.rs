//! The model catalogue served by `models.list` / `models.get` and used to route generation,
//! and the model families that keep it from going stale.
//!
//! Field values mirror a real `GET /v1beta/models` page
//! (`../shared/spec/real/responses/llmgemini-test_cli_gemini_models.2026-08-04.0.json`).
//!
//! `models.list` lists the curated catalogue only. An id that is not in it but belongs to a
//! known family ([`ModelSpec::from_family`]) is still served, with its family's methods and
//! limits, so that next month's model name works in tests written today.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

/// One model the emulator knows: its `Model` resource and how the emulator behaves for it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    id: String,
    resource: Map<String, Value>,
    thinking: bool,
    signatures_required: bool,
    embedding_dims: Option<usize>,
}

impl ModelSpec {
    /// A text generation model (`generateContent`, `countTokens`, caching, batch) with the
    /// limits of the current Gemini models. `id` is the bare id, e.g. `"my-model"`.
    pub fn text(id: impl Into<String>) -> Self {
        let id = id.into();
        let mut resource = Map::new();
        resource.insert("name".into(), json!(format!("models/{id}")));
        resource.insert("version".into(), json!("001"));
        resource.insert("displayName".into(), json!(id));
        resource.insert("description".into(), json!(id));
        resource.insert("inputTokenLimit".into(), json!(1_048_576));
        resource.insert("outputTokenLimit".into(), json!(65_536));
        resource.insert(
            "supportedGenerationMethods".into(),
            json!([
                "generateContent",
                "countTokens",
                "createCachedContent",
                "batchGenerateContent"
            ]),
        );
        resource.insert("temperature".into(), json!(1));
        resource.insert("topP".into(), json!(0.95));
        resource.insert("topK".into(), json!(64));
        resource.insert("maxTemperature".into(), json!(2));
        Self {
            id,
            resource,
            thinking: false,
            signatures_required: false,
            embedding_dims: None,
        }
    }

    /// An embedding model whose vectors have `dims` coordinates by default.
    pub fn embedding(id: impl Into<String>, dims: usize) -> Self {
        let id = id.into();
        let mut resource = Map::new();
        resource.insert("name".into(), json!(format!("models/{id}")));
        resource.insert("version".into(), json!("001"));
        resource.insert("displayName".into(), json!(id));
        resource.insert(
            "description".into(),
            json!("Obtain a distributed representation of a text."),
        );
        resource.insert("inputTokenLimit".into(), json!(2048));
        resource.insert("outputTokenLimit".into(), json!(1));
        resource.insert(
            "supportedGenerationMethods".into(),
            json!([
                "embedContent",
                "countTextTokens",
                "countTokens",
                "asyncBatchEmbedContent"
            ]),
        );
        Self {
            id,
            resource,
            thinking: false,
            signatures_required: false,
            embedding_dims: Some(dims.max(1)),
        }
    }

    /// A model served only through other methods (Imagen `predict`, Veo `predictLongRunning`).
    pub fn other(id: impl Into<String>, methods: &[&str]) -> Self {
        let id = id.into();
        let mut spec = Self::text(id);
        for key in ["temperature", "topP", "topK", "maxTemperature"] {
            spec.resource.remove(key);
        }
        spec.resource.insert("inputTokenLimit".into(), json!(480));
        spec.resource.insert("outputTokenLimit".into(), json!(8192));
        spec.methods(methods)
    }

    /// Marks the model as a thinking model (`"thinking": true`; replies carry thought
    /// signatures and report `thoughtsTokenCount`).
    #[must_use]
    pub fn thinking(mut self, thinking: bool) -> Self {
        self.thinking = thinking;
        if thinking {
            self.resource.insert("thinking".into(), json!(true));
        } else {
            self.resource.remove("thinking");
        }
        self
    }

    /// Requires the thought signature on function-call turns sent back as history (the
    /// Gemini 3 behaviour); implies [`thinking`](Self::thinking).
    #[must_use]
    pub fn require_signatures(mut self, required: bool) -> Self {
        self.signatures_required = required;
        if required {
            self = self.thinking(true);
        }
        self
    }

    /// Sets `displayName`.
    #[must_use]
    pub fn display_name(self, name: &str) -> Self {
        self.field("displayName", json!(name))
    }

    /// Sets `description`.
    #[must_use]
    pub fn description(self, text: &str) -> Self {
        self.field("description", json!(text))
    }

    /// Sets `version`.
    #[must_use]
    pub fn version(self, version: &str) -> Self {
        self.field("version", json!(version))
    }

    /// Sets `inputTokenLimit` and `outputTokenLimit`.
    #[must_use]
    pub fn limits(self, input: u32, output: u32) -> Self {
        self.field("inputTokenLimit", json!(input))
            .field("outputTokenLimit", json!(output))
    }

    /// Sets `supportedGenerationMethods`.
    #[must_use]
    pub fn methods(self, methods: &[&str]) -> Self {
        self.field("supportedGenerationMethods", json!(methods))
    }

    /// Sets any field of the `Model` resource (for fields without a dedicated setter).
    #[must_use]
    pub fn field(mut self, key: &str, value: Value) -> Self {
        self.resource.insert(key.to_owned(), value);
        self
    }

    /// The bare model id (`"gemini-2.5-flash"`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The full resource name (`"models/gemini-2.5-flash"`).
    pub fn name(&self) -> String {
        format!("models/{}", self.id)
    }

    /// The spec served for `id` when it is not in the catalogue but belongs to a known model
    /// family, or `None` (the real 404) for any other id. The families:
    ///
    /// * text models `gemini-<version>-flash`, `-pro` and `-flash-lite`, with any suffix
    ///   (`-preview-01-2027`, `-001`), and the aliases `gemini-flash-latest`,
    ///   `gemini-flash-lite-latest` and `gemini-pro-latest` (thinking from version 2.5 on,
    ///   thought signatures required from version 3 on);
    /// * speech models (`*-tts`, `*-tts-*`) and image-output models (`gemini-*-image*`), which
    ///   generate;
    /// * `imagen-*` (`predict`) and `veo-*` (`predictLongRunning`);
    /// * embedding models (`*embedding*`);
    /// * Live and native-audio models (`*-live-*`, `gemini-live-*`, `*native-audio*`:
    ///   `bidiGenerateContent` and `countTokens`).
    ///
    /// ```
    /// use gemini_emulator::ModelSpec;
    ///
    /// let m = ModelSpec::from_family("gemini-4.0-flash-preview-01-2027").unwrap();
    /// assert!(m.supports("generateContent") && m.signatures_required());
    /// assert!(ModelSpec::from_family("gpt-4o").is_none());
    /// ```
    pub fn from_family(id: &str) -> Option<Self> {
        let valid = !id.is_empty()
            && id.len() <= 128
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && id.starts_with(|c: char| c.is_ascii_lowercase());
        if !valid {
            return None;
        }
        let name = display_name(id);
        let spec = if id.contains("embedding") {
            let legacy = id.starts_with("text-embedding") || id.starts_with("embedding-");
            let spec = Self::embedding(id, if legacy { 768 } else { 3072 });
            if id.starts_with("gemini-embedding-") && !id.starts_with("gemini-embedding-0") {
                spec.limits(8192, 1)
            } else {
                spec
            }
        } else if id.contains("native-audio")
            || id.contains("-live-")
            || id.starts_with("gemini-live-")
        {
            Self::other(id, &["bidiGenerateContent", "countTokens"]).limits(131_072, 8192)
        } else if id.starts_with("imagen-") {
            Self::other(id, &["predict"])
        } else if id.starts_with("veo-") {
            Self::other(id, &["predictLongRunning"])
        } else if id.starts_with("gemini-") && (id.ends_with("-tts") || id.contains("-tts-")) {
            Self::text(id).limits(8192, 16_384).methods(&[
                "generateContent",
                "countTokens",
                "batchGenerateContent",
            ])
        } else if id.starts_with("gemini-") && id.contains("-image") {
            let version = text_family(id).map_or(0, |(v, _)| v);
            Self::text(id)
                .limits(131_072, 32_768)
                .methods(&["generateContent", "countTokens", "batchGenerateContent"])
                .thinking(version >= 30)
        } else {
            let (version, alias) = text_family(id)?;
            let thinking = alias || version >= 25;
            let spec = Self::text(id).thinking(thinking);
            let spec = if thinking {
                spec
            } else {
                spec.limits(1_048_576, 8192)
            };
            spec.require_signatures(version >= 30)
        };
        Some(spec.display_name(&name).description(&name))
    }

    /// The `Model` resource as served by `models.get`.
    pub fn resource(&self) -> Value {
        Value::Object(self.resource.clone())
    }

    /// Whether the model thinks (and signs its turns).
    pub fn is_thinking(&self) -> bool {
        self.thinking
    }

    /// Whether function-call turns in the history must carry their signature.
    pub fn signatures_required(&self) -> bool {
        self.signatures_required
    }

    /// The default embedding size, for embedding models.
    pub fn embedding_dims(&self) -> Option<usize> {
        self.embedding_dims
    }

    /// Whether `method` (an RPC name such as `"generateContent"`) is served for this model.
    pub fn supports(&self, method: &str) -> bool {
        let listed = |m: &str| {
            self.resource
                .get("supportedGenerationMethods")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(m)))
        };
        match method {
            // The SDKs stream and batch-embed with every model that generates / embeds.
            "streamGenerateContent" => listed("generateContent"),
            "batchEmbedContents" => listed("embedContent") || listed("batchEmbedContents"),
            m => listed(m),
        }
    }
}

/// The version of a text-family id times ten (`25` for `gemini-2.5-flash`), and whether it is a
/// `-latest` alias; `None` when `id` is not `gemini-<version>-{flash,flash-lite,pro}[-suffix]`
/// or an alias.
fn text_family(id: &str) -> Option<(u32, bool)> {
    let rest = id.strip_prefix("gemini-")?;
    if matches!(rest, "flash-latest" | "flash-lite-latest" | "pro-latest") {
        return Some((0, true));
    }
    let (version, rest) = rest.split_once('-')?;
    let (major, minor) = version.split_once('.').unwrap_or((version, "0"));
    let digits = |s: &str| !s.is_empty() && s.len() <= 3 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(major) || !digits(minor) {
        return None;
    }
    let tier_end = ["flash-lite", "flash", "pro"]
        .iter()
        .find_map(|tier| rest.strip_prefix(tier))?;
    if !(tier_end.is_empty() || tier_end.starts_with('-') && tier_end.len() > 1) {
        return None;
    }
    let major: u32 = major.parse().ok()?;
    let minor: u32 = minor.parse().ok()?;
    Some((major * 10 + minor.min(9), false))
}

/// `Gemini 4.0 Flash Preview 01 2027` for `gemini-4.0-flash-preview-01-2027`.
fn display_name(id: &str) -> String {
    id.split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A Live model as the real catalogue lists one (`models/gemini-2.0-flash-live-001` in
/// `../shared/spec/real/responses/llmgemini-test_cli_gemini_models.2025-05-20.0.json`): the
/// text model's sampling fields, 131,072 tokens in, 8,192 out, and only `bidiGenerateContent`
/// and `countTokens`.
fn live(id: &str, name: &str) -> ModelSpec {
    ModelSpec::text(id)
        .display_name(name)
        .description(name)
        .limits(131_072, 8192)
        .methods(&["bidiGenerateContent", "countTokens"])
}

/// The set of models an emulator serves, in `models.list` order, and whether ids of known
/// families outside it are served too.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalogue {
    models: Vec<ModelSpec>,
    families: bool,
}

impl Catalogue {
    /// No models at all (and no families: every model id is a 404).
    pub fn empty() -> Self {
        Self::default()
    }

    /// Current Gemini, Gemma, image-output, TTS, embedding, Imagen, Veo and Live models, with
    /// their real fields and methods; other ids of known families are served too
    /// ([`ModelSpec::from_family`]).
    pub fn realistic() -> Self {
        let g = |id: &str, name: &str, version: &str| {
            ModelSpec::text(id)
                .display_name(name)
                .description(name)
                .version(version)
                .thinking(true)
        };
        let models =
            vec![
            g("gemini-2.5-flash", "Gemini 2.5 Flash", "001").description(
                "Stable version of Gemini 2.5 Flash, our mid-size multimodal model that supports \
                 up to 1 million tokens, released in June of 2025.",
            ),
            g("gemini-2.5-pro", "Gemini 2.5 Pro", "2.5")
                .description("Stable release (June 17th, 2025) of Gemini 2.5 Pro"),
            ModelSpec::text("gemini-2.0-flash")
                .display_name("Gemini 2.0 Flash")
                .description("Gemini 2.0 Flash")
                .version("2.0")
                .limits(1_048_576, 8192)
                .field("topK", json!(40)),
            g("gemini-2.5-flash-lite", "Gemini 2.5 Flash-Lite", "001")
                .description("Stable version of Gemini 2.5 Flash-Lite, released in July of 2025"),
            g("gemini-flash-latest", "Gemini Flash Latest", "Gemini Flash Latest")
                .description("Latest release of Gemini Flash"),
            g("gemini-3-pro-preview", "Gemini 3 Pro Preview", "3-pro-preview-11-2025")
                .require_signatures(true),
            g("gemini-3-flash-preview", "Gemini 3 Flash Preview", "3-flash-preview-12-2025")
                .require_signatures(true),
            g("gemini-3.1-pro-preview", "Gemini 3.1 Pro Preview", "3.1-pro-preview-01-2026")
                .require_signatures(true),
            g("gemini-3.5-flash", "Gemini 3.5 Flash", "3.5-flash-05-2026").require_signatures(true),
            g("gemini-3.5-flash-lite", "Gemini 3.5 Flash Lite", "3.5-flash-lite-07-2026")
                .require_signatures(true),
            g("gemma-4-31b-it", "Gemma 4 31B IT", "001")
                .limits(262_144, 32_768)
                .methods(&["generateContent", "countTokens"]),
            ModelSpec::embedding("gemini-embedding-001", 3072)
                .display_name("Gemini Embedding 001"),
            ModelSpec::embedding("gemini-embedding-2", 3072)
                .display_name("Gemini Embedding 2")
                .version("2")
                .limits(8192, 1)
                .description("Obtain a distributed representation of multimodal content."),
            ModelSpec::embedding("text-embedding-004", 768)
                .display_name("Text Embedding 004")
                .version("004")
                .methods(&["embedContent"]),
            ModelSpec::text("gemini-2.5-flash-image")
                .display_name("Nano Banana")
                .description("Gemini 2.5 Flash Preview Image")
                .version("2.0")
                .limits(32_768, 32_768)
                .methods(&["generateContent", "countTokens", "batchGenerateContent"])
                .field("maxTemperature", json!(1)),
            g("gemini-3-pro-image-preview", "Nano Banana Pro", "3.0")
                .description("Gemini 3 Pro Image Preview")
                .limits(131_072, 32_768)
                .methods(&["generateContent", "countTokens", "batchGenerateContent"])
                .field("maxTemperature", json!(1)),
            g("gemini-3.1-flash-image-preview", "Nano Banana 2", "3.0")
                .description("Gemini 3.1 Flash Image Preview.")
                .limits(65_536, 65_536)
                .methods(&["generateContent", "countTokens", "batchGenerateContent"])
                .field("maxTemperature", json!(1)),
            ModelSpec::text("gemini-2.5-flash-preview-tts")
                .display_name("Gemini 2.5 Flash Preview TTS")
                .description("Gemini 2.5 Flash Preview TTS")
                .version("gemini-2.5-flash-exp-tts-2025-05-19")
                .limits(8192, 16_384)
                .methods(&["countTokens", "generateContent"]),
            ModelSpec::text("gemini-2.5-pro-preview-tts")
                .display_name("Gemini 2.5 Pro Preview TTS")
                .description("Gemini 2.5 Pro Preview TTS")
                .version("gemini-2.5-pro-preview-tts-2025-05-19")
                .limits(8192, 16_384)
                .methods(&["countTokens", "generateContent", "batchGenerateContent"]),
            g(
                "gemini-3.1-flash-tts-preview",
                "Gemini 3.1 Flash TTS Preview",
                "3.1-flash-tts-preview",
            )
            .limits(8192, 16_384)
            .methods(&["generateContent", "countTokens", "batchGenerateContent"]),
            ModelSpec::other("imagen-4.0-generate-001", &["predict"])
                .display_name("Imagen 4")
                .description("Vertex served Imagen 4.0 model"),
            ModelSpec::other("imagen-4.0-fast-generate-001", &["predict"])
                .display_name("Imagen 4 Fast")
                .description("Vertex served Imagen 4.0 Fast model"),
            ModelSpec::other("imagen-4.0-ultra-generate-001", &["predict"])
                .display_name("Imagen 4 Ultra")
                .description("Vertex served Imagen 4.0 ultra model"),
            ModelSpec::other("veo-3.1-generate-preview", &["predictLongRunning"])
                .display_name("Veo 3.1")
                .description("Veo 3.1")
                .version("3.1"),
            live(
                "gemini-2.5-flash-native-audio-preview-09-2025",
                "Gemini 2.5 Flash Native Audio Preview 09-2025",
            ),
            live(
                "gemini-2.5-flash-native-audio-preview-12-2025",
                "Gemini 2.5 Flash Native Audio Preview 12-2025",
            ),
            live(
                "gemini-2.5-flash-native-audio-latest",
                "Gemini 2.5 Flash Native Audio Latest",
            ),
            live("gemini-live-2.5-flash-preview", "Gemini Live 2.5 Flash Preview"),
            live("gemini-3.1-flash-live-preview", "Gemini 3.1 Flash Live Preview"),
        ];
        Self {
            models,
            families: true,
        }
    }

    /// Serves (`true`) or refuses (`false`) ids of known families that are not in the list
    /// ([`ModelSpec::from_family`]).
    #[must_use]
    pub fn with_families(mut self, families: bool) -> Self {
        self.families = families;
        self
    }

    /// The model served for `id`: the listed one, else (when families are on) the one
    /// synthesized for its family, else `None`.
    pub fn resolve(&self, id: &str) -> Option<Cow<'_, ModelSpec>> {
        match self.get(id) {
            Some(m) => Some(Cow::Borrowed(m)),
            None if self.families => ModelSpec::from_family(id).map(Cow::Owned),
            None => None,
        }
    }

    /// Adds (or replaces, by id) a model.
    #[must_use]
    pub fn with(mut self, model: ModelSpec) -> Self {
        self.insert(model);
        self
    }

    /// Adds (or replaces, by id) a model in place.
    pub fn insert(&mut self, model: ModelSpec) {
        match self.models.iter_mut().find(|m| m.id == model.id) {
            Some(slot) => *slot = model,
            None => self.models.push(model),
        }
    }

    /// The model with bare id `id`.
    pub fn get(&self, id: &str) -> Option<&ModelSpec> {
        self.models.iter().find(|m| m.id == id)
    }

    /// All models, in listing order.
    pub fn models(&self) -> &[ModelSpec] {
        &self.models
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realistic_catalogue_has_the_usual_suspects() {
        let c = Catalogue::realistic();
        for id in [
            "gemini-2.5-flash",
            "gemini-2.5-pro",
            "gemini-2.5-flash-lite",
            "gemini-3-pro-preview",
            "gemini-3.5-flash",
            "gemini-embedding-001",
            "text-embedding-004",
            "imagen-4.0-generate-001",
            "veo-3.1-generate-preview",
            "gemini-2.5-flash-image",
            "gemini-3-pro-image-preview",
            "gemini-2.5-flash-preview-tts",
            "gemini-2.5-pro-preview-tts",
        ] {
            assert!(c.get(id).is_some(), "{id}");
        }
        for live in [
            "gemini-2.5-flash-native-audio-preview-09-2025",
            "gemini-live-2.5-flash-preview",
            "gemini-3.1-flash-live-preview",
        ] {
            let m = c.get(live).unwrap();
            assert!(m.supports("bidiGenerateContent"), "{live}");
            assert!(!m.supports("generateContent"), "{live}");
            assert_eq!(m.resource()["inputTokenLimit"], 131_072);
        }
        let flash = c.get("gemini-2.5-flash").unwrap();
        assert!(flash.supports("streamGenerateContent"));
        assert!(!flash.supports("embedContent"));
        assert_eq!(flash.resource()["name"], "models/gemini-2.5-flash");
        let emb = c.get("gemini-embedding-001").unwrap();
        assert!(emb.supports("batchEmbedContents"));
        assert_eq!(emb.embedding_dims(), Some(3072));
        assert!(c.get("gemini-3-pro-preview").unwrap().signatures_required());
    }

    fn family(id: &str) -> ModelSpec {
        ModelSpec::from_family(id).unwrap_or_else(|| panic!("{id} is in no family"))
    }

    #[test]
    fn text_families() {
        for id in [
            "gemini-4.0-flash-preview-01-2027",
            "gemini-3.7-pro",
            "gemini-3.7-flash-lite-preview-09-2026",
            "gemini-2.0-flash-001",
            "gemini-10-pro-exp",
            "gemini-flash-latest",
            "gemini-pro-latest",
            "gemini-flash-lite-latest",
        ] {
            let m = family(id);
            assert!(m.supports("generateContent"), "{id}");
            assert!(m.supports("streamGenerateContent"), "{id}");
            assert!(m.supports("countTokens"), "{id}");
            assert!(!m.supports("embedContent"), "{id}");
            assert_eq!(m.resource()["name"], format!("models/{id}"));
        }
        let next = family("gemini-4.0-flash-preview-01-2027");
        assert!(next.is_thinking() && next.signatures_required());
        assert_eq!(
            next.resource()["displayName"],
            "Gemini 4.0 Flash Preview 01 2027"
        );
        assert_eq!(next.resource()["outputTokenLimit"], 65_536);
        let old = family("gemini-2.0-flash-001");
        assert!(!old.is_thinking() && !old.signatures_required());
        assert_eq!(old.resource()["outputTokenLimit"], 8192);
        let mid = family("gemini-2.5-pro-preview-05-2025");
        assert!(mid.is_thinking() && !mid.signatures_required());
        assert!(family("gemini-flash-latest").is_thinking());
    }

    #[test]
    fn other_families() {
        let tts = family("gemini-2.6-flash-preview-tts");
        assert!(tts.supports("generateContent") && !tts.supports("predict"));
        assert_eq!(tts.resource()["inputTokenLimit"], 8192);
        assert!(family("gemini-3.2-flash-tts-preview").supports("generateContent"));
        let image = family("gemini-3.2-flash-image-preview");
        assert!(image.supports("generateContent"));
        assert_eq!(image.resource()["outputTokenLimit"], 32_768);
        assert!(family("imagen-5.0-generate-001").supports("predict"));
        let veo = family("veo-4.0-generate-preview");
        assert!(veo.supports("predictLongRunning") && !veo.supports("generateContent"));
        let emb = family("gemini-embedding-3");
        assert!(emb.supports("embedContent") && emb.supports("batchEmbedContents"));
        assert_eq!(emb.embedding_dims(), Some(3072));
        assert_eq!(family("text-embedding-005").embedding_dims(), Some(768));
        for id in [
            "gemini-2.5-flash-native-audio-preview-12-2025",
            "gemini-live-2.5-flash-preview",
            "gemini-3.0-flash-live-001",
        ] {
            let live = family(id);
            assert!(live.supports("bidiGenerateContent"), "{id}");
            assert!(!live.supports("generateContent"), "{id}");
        }
    }

    #[test]
    fn ids_outside_every_family_are_refused() {
        for id in [
            "",
            "xyz",
            "nope",
            "gpt-4o",
            "gemini",
            "gemini-ultra",
            "gemini-2.5",
            "gemini-2.5-",
            "gemini-2.5-flashy",
            "gemini-2.5-flash-",
            "gemini-x.5-flash",
            "Gemini-2.5-Flash",
            "gemini-2.5-flash/x",
            "gemini-2.5-flash:generateContent",
        ] {
            assert!(ModelSpec::from_family(id).is_none(), "{id}");
        }
    }

    #[test]
    fn the_catalogue_resolves_listed_then_family_models() {
        let c = Catalogue::realistic();
        assert!(matches!(
            c.resolve("gemini-2.5-flash"),
            Some(Cow::Borrowed(_))
        ));
        assert!(matches!(c.resolve("gemini-9.9-pro"), Some(Cow::Owned(_))));
        assert!(c.resolve("xyz").is_none());
        assert!(c.get("gemini-9.9-pro").is_none());
        assert!(!c.models().iter().any(|m| m.id() == "gemini-9.9-pro"));
        let closed = Catalogue::realistic().with_families(false);
        assert!(closed.resolve("gemini-9.9-pro").is_none());
        assert!(closed.resolve("gemini-2.5-flash").is_some());
        assert!(Catalogue::empty().resolve("gemini-2.5-flash").is_none());
    }
}
