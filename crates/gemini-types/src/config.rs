//! GenerationConfig and its parts: thinking, speech, image, modalities, media resolution.
