//! Safety settings and ratings: SafetySetting, SafetyRating, HarmCategory, HarmBlockThreshold,
//! HarmProbability (../shared/spec/API.md §4.3, §5).

use serde::{Deserialize, Serialize};

crate::open_enum! {
    /// A category of harmful content.
    pub enum HarmCategory {
        /// Unspecified.
        Unspecified = "HARM_CATEGORY_UNSPECIFIED",
        /// Legacy (PaLM): derogatory.
        Derogatory = "HARM_CATEGORY_DEROGATORY",
        /// Legacy (PaLM): toxicity.
        Toxicity = "HARM_CATEGORY_TOXICITY",
        /// Legacy (PaLM): violence.
        Violence = "HARM_CATEGORY_VIOLENCE",
        /// Legacy (PaLM): sexual.
        Sexual = "HARM_CATEGORY_SEXUAL",
        /// Legacy (PaLM): medical.
        Medical = "HARM_CATEGORY_MEDICAL",
        /// Legacy (PaLM): dangerous.
        Dangerous = "HARM_CATEGORY_DANGEROUS",
        /// Harassment.
        Harassment = "HARM_CATEGORY_HARASSMENT",
        /// Hate speech.
        HateSpeech = "HARM_CATEGORY_HATE_SPEECH",
        /// Sexually explicit content.
        SexuallyExplicit = "HARM_CATEGORY_SEXUALLY_EXPLICIT",
        /// Dangerous content.
        DangerousContent = "HARM_CATEGORY_DANGEROUS_CONTENT",
        /// Civic integrity (deprecated).
        CivicIntegrity = "HARM_CATEGORY_CIVIC_INTEGRITY",
        /// Jailbreak attempts (mostly Vertex AI).
        Jailbreak = "HARM_CATEGORY_JAILBREAK",
        /// Hateful images (mostly Vertex AI).
        ImageHate = "HARM_CATEGORY_IMAGE_HATE",
        /// Dangerous images (mostly Vertex AI).
        ImageDangerousContent = "HARM_CATEGORY_IMAGE_DANGEROUS_CONTENT",
        /// Harassing images (mostly Vertex AI).
        ImageHarassment = "HARM_CATEGORY_IMAGE_HARASSMENT",
        /// Sexually explicit images (mostly Vertex AI).
        ImageSexuallyExplicit = "HARM_CATEGORY_IMAGE_SEXUALLY_EXPLICIT",
    }
}

crate::open_enum! {
    /// The probability above which content is blocked.
    pub enum HarmBlockThreshold {
        /// Unspecified.
        Unspecified = "HARM_BLOCK_THRESHOLD_UNSPECIFIED",
        /// Block LOW and above.
        BlockLowAndAbove = "BLOCK_LOW_AND_ABOVE",
        /// Block MEDIUM and above.
        BlockMediumAndAbove = "BLOCK_MEDIUM_AND_ABOVE",
        /// Block only HIGH.
        BlockOnlyHigh = "BLOCK_ONLY_HIGH",
        /// Block nothing (still rated).
        BlockNone = "BLOCK_NONE",
        /// Turn the filter off.
        Off = "OFF",
    }
}

crate::open_enum! {
    /// Whether a threshold applies to probability or severity (Vertex AI only).
    pub enum HarmBlockMethod {
        /// Unspecified.
        Unspecified = "HARM_BLOCK_METHOD_UNSPECIFIED",
        /// Severity and probability.
        Severity = "SEVERITY",
        /// Probability only.
        Probability = "PROBABILITY",
    }
}

crate::open_enum! {
    /// How likely content is to be harmful.
    pub enum HarmProbability {
        /// Unspecified.
        Unspecified = "HARM_PROBABILITY_UNSPECIFIED",
        /// Negligible.
        Negligible = "NEGLIGIBLE",
        /// Low.
        Low = "LOW",
        /// Medium.
        Medium = "MEDIUM",
        /// High.
        High = "HIGH",
    }
}

crate::open_enum! {
    /// How severe harmful content is (Vertex AI only).
    pub enum HarmSeverity {
        /// Unspecified.
        Unspecified = "HARM_SEVERITY_UNSPECIFIED",
        /// Negligible.
        Negligible = "HARM_SEVERITY_NEGLIGIBLE",
        /// Low.
        Low = "HARM_SEVERITY_LOW",
        /// Medium.
        Medium = "HARM_SEVERITY_MEDIUM",
        /// High.
        High = "HARM_SEVERITY_HIGH",
    }
}

/// A blocking threshold for one category (`safetySettings[]`).
///
/// ```
/// use gemini_types::{HarmBlockThreshold, HarmCategory, SafetySetting};
/// let s = SafetySetting::new(HarmCategory::DangerousContent, HarmBlockThreshold::BlockOnlyHigh);
/// assert_eq!(
///     serde_json::to_string(&s).unwrap(),
///     r#"{"category":"HARM_CATEGORY_DANGEROUS_CONTENT","threshold":"BLOCK_ONLY_HIGH"}"#
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SafetySetting {
    /// `category`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<HarmCategory>,
    /// `threshold`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<HarmBlockThreshold>,
    /// `method` (Vertex AI only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<HarmBlockMethod>,
}

impl SafetySetting {
    /// A threshold for a category.
    pub fn new(category: HarmCategory, threshold: HarmBlockThreshold) -> Self {
        Self {
            category: Some(category),
            threshold: Some(threshold),
            method: None,
        }
    }
}

/// The safety rating of a candidate or prompt for one category (`safetyRatings[]`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[cfg_attr(gemini_strict_unknown, serde(deny_unknown_fields))]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SafetyRating {
    /// `category`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<HarmCategory>,
    /// `probability`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<HarmProbability>,
    /// `blocked`: whether content was blocked because of this rating.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked: Option<bool>,
    /// `probabilityScore` (Vertex AI only).
    #[serde(skip_serializing_if = "Option::is_none", alias = "probability_score")]
    pub probability_score: Option<f64>,
    /// `severity` (Vertex AI only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<HarmSeverity>,
    /// `severityScore` (Vertex AI only).
    #[serde(skip_serializing_if = "Option::is_none", alias = "severity_score")]
    pub severity_score: Option<f64>,
    /// `overwrittenThreshold` (Vertex AI only).
    #[serde(
        skip_serializing_if = "Option::is_none",
        alias = "overwritten_threshold"
    )]
    pub overwritten_threshold: Option<HarmBlockThreshold>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rating_round_trip_with_vertex_fields() {
        let v = serde_json::json!({"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE",
            "probabilityScore": 0.05, "severity": "HARM_SEVERITY_NEGLIGIBLE", "severityScore": 0.02, "blocked": false});
        let r: SafetyRating = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(r.probability, Some(HarmProbability::Negligible));
        assert_eq!(serde_json::to_value(&r).unwrap(), v);
    }
}
