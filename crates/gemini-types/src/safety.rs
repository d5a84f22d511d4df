//! SafetySetting, SafetyRating, HarmCategory, HarmBlockThreshold, HarmProbability.
