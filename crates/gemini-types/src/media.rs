//! Imagen predict and Veo predictLongRunning payloads.
