//! File search stores, documents and their operations.
