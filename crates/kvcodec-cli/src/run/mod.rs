//! Run plumbing of `migrate`, `rollback` and `verify`: progress bar, interrupt, summary.

pub mod interrupt;
pub mod progress;
pub mod summary;
