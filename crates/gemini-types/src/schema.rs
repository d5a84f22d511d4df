//! The OpenAPI-style Schema (responseSchema, parameters) with its uppercase Type enum.
