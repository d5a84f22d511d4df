//! The Interactions API (`/interactions`): requests, interactions, steps and stream events. Snake_case on the wire, unlike the rest of the API.
