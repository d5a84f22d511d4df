//! The File resource, its states, and the upload envelope.
