//! URL routing: `/{version}/models`, `/{version}/models/{id}` and
//! `/{version}/models/{id}:{method}` for the versions `v1beta`, `v1` and `v1alpha`
//! (`../shared/spec/API.md` section 2).

use http::Method;

use crate::errors::ApiError;

/// The API versions served.
pub(crate) const VERSIONS: [&str; 3] = ["v1beta", "v1", "v1alpha"];

/// The RPCs served on a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rpc {
    GenerateContent,
    StreamGenerateContent,
    CountTokens,
    EmbedContent,
    BatchEmbedContents,
    ListModels,
    GetModel,
}

impl Rpc {
    /// The RPC's wire name (`generateContent`, ...).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::GenerateContent => "generateContent",
            Self::StreamGenerateContent => "streamGenerateContent",
            Self::CountTokens => "countTokens",
            Self::EmbedContent => "embedContent",
            Self::BatchEmbedContents => "batchEmbedContents",
            Self::ListModels => "listModels",
            Self::GetModel => "getModel",
        }
    }

    fn from_verb(verb: &str) -> Option<Self> {
        Some(match verb {
            "generateContent" => Self::GenerateContent,
            "streamGenerateContent" => Self::StreamGenerateContent,
            "countTokens" => Self::CountTokens,
            "embedContent" => Self::EmbedContent,
            "batchEmbedContents" => Self::BatchEmbedContents,
            _ => return None,
        })
    }
}

/// A routed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    pub(crate) version: &'static str,
    pub(crate) rpc: Rpc,
    /// The model's resource collection (`models` or `tunedModels`) and id, when named.
    pub(crate) collection: &'static str,
    pub(crate) model: Option<String>,
}

/// Routes a decoded path.
pub(crate) fn route(method: &Method, path: &str) -> Result<Route, ApiError> {
    let not_found = || ApiError::not_found(format!("Method not found: {method} {path}"));
    let rest = path.strip_prefix('/').ok_or_else(not_found)?;
    let (version, rest) = rest.split_once('/').unwrap_or((rest, ""));
    let version = VERSIONS
        .iter()
        .copied()
        .find(|v| *v == version)
        .ok_or_else(not_found)?;
    if rest == "models" {
        return if method == Method::GET {
            Ok(Route {
                version,
                rpc: Rpc::ListModels,
                collection: "models",
                model: None,
            })
        } else {
            Err(not_found())
        };
    }
    let (collection, name) = if let Some(n) = rest.strip_prefix("models/") {
        ("models", n)
    } else if let Some(n) = rest.strip_prefix("tunedModels/") {
        ("tunedModels", n)
    } else {
        return Err(not_found());
    };
    if name.is_empty() || name.contains('/') {
        return Err(not_found());
    }
    match name.split_once(':') {
        None if method == Method::GET => Ok(Route {
            version,
            rpc: Rpc::GetModel,
            collection,
            model: Some(name.to_owned()),
        }),
        Some((id, verb)) if method == Method::POST && !id.is_empty() => {
            let rpc = Rpc::from_verb(verb).ok_or_else(not_found)?;
            Ok(Route {
                version,
                rpc,
                collection,
                model: Some(id.to_owned()),
            })
        }
        _ => Err(not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = route(
            &Method::POST,
            "/v1beta/models/gemini-2.5-flash:generateContent",
        )
        .unwrap();
        assert_eq!(r.rpc, Rpc::GenerateContent);
        assert_eq!(r.model.as_deref(), Some("gemini-2.5-flash"));
        assert_eq!(r.version, "v1beta");
        let r = route(&Method::GET, "/v1/models").unwrap();
        assert_eq!(r.rpc, Rpc::ListModels);
        let r = route(&Method::GET, "/v1alpha/models/gemini-2.5-pro").unwrap();
        assert_eq!(r.rpc, Rpc::GetModel);
        assert!(route(&Method::GET, "/v2/models").is_err());
        assert!(route(&Method::GET, "/v1beta/models/x:generateContent").is_err());
        assert!(route(&Method::POST, "/v1beta/models/x:fly").is_err());
        assert!(route(&Method::POST, "/v1beta/models/:generateContent").is_err());
        assert!(route(&Method::POST, "").is_err());
        let r = route(&Method::POST, "/v1beta/tunedModels/t:generateContent").unwrap();
        assert_eq!(r.collection, "tunedModels");
    }
}
