//! The model catalogue served by `models.list` / `models.get` and used to route generation.
//!
//! Field values mirror a real `GET /v1beta/models` page
//! (`../shared/spec/real/responses/llmgemini-test_cli_gemini_models.2026-08-04.0.json`).

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

/// The set of models an emulator serves, in `models.list` order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalogue {
    models: Vec<ModelSpec>,
}

impl Catalogue {
    /// No models at all.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Current Gemini, Gemma, embedding, Imagen and Veo models, with their real fields.
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
            ModelSpec::other("imagen-4.0-generate-001", &["predict"])
                .display_name("Imagen 4")
                .description("Vertex served Imagen 4.0 model"),
            ModelSpec::other("imagen-4.0-fast-generate-001", &["predict"])
                .display_name("Imagen 4 Fast")
                .description("Vertex served Imagen 4.0 Fast model"),
            ModelSpec::other("veo-3.1-generate-preview", &["predictLongRunning"])
                .display_name("Veo 3.1")
                .description("Veo 3.1")
                .version("3.1"),
        ];
        Self { models }
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
        ] {
            assert!(c.get(id).is_some(), "{id}");
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
}
