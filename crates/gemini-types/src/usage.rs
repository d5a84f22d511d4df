//! UsageMetadata and per-modality token counts.
