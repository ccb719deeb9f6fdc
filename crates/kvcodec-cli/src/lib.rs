#![forbid(unsafe_code)]
#![warn(missing_docs)]
//! The `kvcodec` operator tool, as a library: the binary (`src/main.rs`) only parses the
//! command line and calls [`commands::run`].
//!
//! # Getting started
//!
//! ```text
//! echo -n '{"user": 1, ...}' | kvcodec encode --codec zstd:3 > value.bin
//! kvcodec inspect value.bin            # header, codec, sizes, ratio
//! kvcodec decode value.bin             # the original bytes (any backend, plain passes)
//! kvcodec assess                       # measure every codec on a built-in corpus
//! kvcodec assess --dir dump/ --report assess.html
//!
//! # against a live server (any node of a cluster)
//! kvcodec assess --url redis://cache:6379 --match 'user:*' --sample 5000
//! kvcodec migrate --url redis://cache:6379 --to zstd:3 --rate 2000   # Ctrl-C, then resume
//! kvcodec get user:42 --url redis://cache:6379                       # the decoded value
//! kvcodec inspect user:42 --url redis://cache:6379
//! kvcodec rollback --url redis://cache:6379                          # everything plain again
//! kvcodec verify --url redis://cache:6379 --expect plain             # exit 0: safe to switch to Off
//! kvcodec dict train --url redis://cache:6379 --out users.dict && kvcodec dict push users.dict --url …
//! ```
//!
//! # Modules
//!
//! - [`backends`]: the compiled-in backends and codec specs (`zstd:3`).
//! - [`assess`]: where `assess` gets values ([`assess::sources::ValueSource`] is the seam for
//!   new sources, [`assess::sources::builtin`] the deterministic built-in corpus), the
//!   measurements and the recommendation rule, and what a trained dictionary saves.
//! - [`render`]: plain-text and HTML renderings of an assessment.
//! - [`live`]: talking to a live server — checked URLs, cluster connections, one key's value,
//!   the default checkpoint file.
//! - [`inspection`]: what a stored value is (`inspect`).
//! - [`run`]: the stop flag, progress bar and summary of `migrate`, `rollback` and `verify`
//!   (the job itself — topology, walk, checkpoint, verification — is `kvcodec_redis::migrate`).
//! - [`commands`]: one module per subcommand.
//!
//! Errors are [`error::CliError`]s: one line, printed as `kvcodec: error: …`, exit code 2 for
//! bad usage or input and 1 for failures while running, 3 for a keyspace not in the promised
//! state, 4 for a key that does not exist; a migration stopped by a signal exits 130.

pub mod assess;
pub mod backends;
pub mod commands;
pub mod error;
pub mod inspection;
pub mod live;
pub mod render;
pub mod run;

pub use error::CliError;
