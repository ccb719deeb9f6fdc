#![forbid(unsafe_code)]
//! (in progress)
