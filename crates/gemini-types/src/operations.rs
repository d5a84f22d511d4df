//! Generic long-running Operation envelopes.
