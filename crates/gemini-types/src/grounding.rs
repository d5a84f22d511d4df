//! Grounding, citations, URL context and logprobs metadata attached to candidates.
