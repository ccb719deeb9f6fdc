//! Shared helpers for the cross-crate tests (server harness, data).
