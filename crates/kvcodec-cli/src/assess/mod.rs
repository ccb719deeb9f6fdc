//! `assess`: the measurements, the recommendation rule, and where the values come from.

pub mod dictionary;
pub mod measure;
pub mod recommend;
pub mod sources;
pub mod stats;
