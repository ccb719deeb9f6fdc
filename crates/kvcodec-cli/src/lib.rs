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
//! ```
//!
//! # Modules
//!
//! - [`backends`]: the compiled-in backends and codec specs (`zstd:3`).
//! - [`source`] and [`corpus`]: where `assess` gets values ([`source::ValueSource`] is the
//!   seam for new sources), and the deterministic built-in corpus.
//! - [`assess`] and [`recommend`]: the measurements and the recommendation rule.
//! - [`text`], [`report`] ([`svg`]): plain-text and HTML renderings.
//! - [`commands`]: one module per subcommand.
//!
//! Errors are [`error::CliError`]s: one line, printed as `kvcodec: error: …`, exit code 2 for
//! bad usage or input and 1 for failures while running.

pub mod assess;
pub mod backends;
pub mod commands;
pub mod corpus;
pub mod error;
pub mod recommend;
pub mod report;
pub mod rng;
pub mod source;
pub mod stats;
pub mod svg;
pub mod text;

pub use error::CliError;
