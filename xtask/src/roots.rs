//! The root types of `gemini-types` whose schemas `api-coverage` walks, each paired with the proto
//! message it models (the JSON body of an RPC). The only place xtask names our types.

use std::collections::{BTreeMap, BTreeSet};

use gemini_types as t;
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::Value;

use crate::api_coverage::{Ours, collect_props, ref_name};

/// Adds `T` to the generator; returns its definition name.
fn add<T: JsonSchema>(g: &mut SchemaGenerator) -> String {
    let s = g.subschema_for::<T>();
    ref_name(s.as_value()).unwrap_or_else(|| {
        // An inlined type: store its schema under its own name.
        let name = T::schema_name().into_owned();
        let schema = T::json_schema(g).to_value();
        g.definitions_mut().insert(name.clone(), schema);
        name
    })
}

macro_rules! roots {
    ($($proto:literal => $ty:ty,)*) => {
        /// Generates every root with one contract; returns the definitions and the pairing.
        fn generate(settings: SchemaSettings) -> (serde_json::Map<String, Value>, Vec<(&'static str, String)>) {
            let mut g = SchemaGenerator::new(settings);
            let pairs = vec![$(($proto, add::<$ty>(&mut g)),)*];
            (g.take_definitions(false), pairs)
        }
    };
}

roots! {
    "GenerateContentRequest" => t::GenerateContentRequest,
    "GenerateContentResponse" => t::GenerateContentResponse,
    "CountTokensRequest" => t::CountTokensRequest,
    "CountTokensResponse" => t::CountTokensResponse,
    "EmbedContentRequest" => t::EmbedContentRequest,
    "EmbedContentResponse" => t::EmbedContentResponse,
    "BatchEmbedContentsRequest" => t::BatchEmbedContentsRequest,
    "BatchEmbedContentsResponse" => t::BatchEmbedContentsResponse,
    "Model" => t::Model,
    "ListModelsResponse" => t::ListModelsResponse,
    "CachedContent" => t::CachedContent,
    "ListCachedContentsResponse" => t::ListCachedContentsResponse,
    "File" => t::File,
    "CreateFileRequest" => t::CreateFileRequest,
    "CreateFileResponse" => t::CreateFileResponse,
    "ListFilesResponse" => t::ListFilesResponse,
    "PredictRequest" => t::PredictRequest,
    "PredictResponse" => t::PredictResponse,
    "PredictLongRunningRequest" => t::PredictLongRunningRequest,
    "PredictLongRunningResponse" => t::PredictLongRunningResponse,
    "PredictLongRunningMetadata" => t::PredictLongRunningMetadata,
    "BidiGenerateContentClientMessage" => t::live::BidiGenerateContentClientMessage,
    "BidiGenerateContentServerMessage" => t::live::BidiGenerateContentServerMessage,
}

/// Our definitions (serialize and deserialize contracts merged) and the root pairing.
pub(crate) fn ours() -> Ours {
    let mut defs: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    let mut roots = BTreeMap::new();
    for settings in [
        SchemaSettings::draft2020_12().for_serialize(),
        SchemaSettings::draft2020_12().for_deserialize(),
    ] {
        let (all, pairs) = generate(settings);
        for (name, schema) in &all {
            let mut props = BTreeMap::new();
            let mut seen = BTreeSet::from([name.clone()]);
            collect_props(&all, schema, &mut props, &mut seen);
            let entry = defs.entry(name.clone()).or_default();
            for (k, v) in props {
                entry.entry(k).or_default().extend(v);
            }
        }
        for (proto, def) in pairs {
            roots.entry(proto.to_owned()).or_insert(def);
        }
    }
    Ours { defs, roots }
}
