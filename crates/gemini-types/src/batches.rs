//! Batch mode: the batch resource, inline and file input, states, stats, inlined responses and JSONL lines.
