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
//! kvcodec migrate --url redis://cache:6379 --to zstd:3 --recompress  # lz4, zstd:1, … → zstd:3
//! kvcodec get user:42 --url redis://cache:6379                       # the decoded value
//! kvcodec inspect user:42 --url redis://cache:6379
//! kvcodec rollback --url redis://cache:6379                          # everything plain again
//! kvcodec verify --url redis://cache:6379 --expect plain             # exit 0: safe to switch to Off
//! kvcodec dict train --url redis://cache:6379 --out users.dict && kvcodec dict push users.dict --url …
//! ```
//!
//! # Library surface
//!
//! Three public modules: [`commands`] (the command line, [`commands::Cli`], and
//! [`commands::run`]), [`error`] ([`CliError`] and the exit codes), and [`backends`] (codec
//! specs and a reader of every compiled-in backend, which the integration tests use to check
//! what the binary wrote). Everything else is crate-private.
//!
//! # Module map
//!
//! Arrows point down only: commands use the domain folders, domain folders use the shared
//! utilities, nothing imports upwards (the import graph has no cycles).
//!
//! ```text
//! main.rs ─▶ commands/             thin glue: clap arguments, checks, printing
//!              cli.rs                Cli, its subcommands, clap errors on one line
//!              io.rs                 input file/stdin, output, JSON, warnings, --min-size
//!              job.rs                migrate/rollback/verify: option checks, engines, "not verified"
//!              encode decode inspect get assess migrate verify dict completions
//!            │
//!            ▼
//!            error.rs              CliError; every domain error → exit code, in one place
//!            │
//!            ▼
//!   assess/                        measure + recommend (pure) + sources
//!     mod.rs                         the pipeline (assess(), recommend_on()), Assessment
//!     measure.rs                     every candidate through a real engine
//!     recommend.rs                   the rule: pure functions over measurements
//!     dictionary.rs                  a zstd dictionary trained on half, measured on half
//!     groups.rs                      --group-by-prefix: figures per key prefix
//!     capacity.rs                    used_memory now and projected after a migration
//!     stats.rs                       size percentiles and buckets
//!     error.rs                       AssessError
//!     sources/                       ValueSource, Corpus, SourceError
//!       builtin/ dir.rs live.rs        built-in corpus, a directory, a live server
//!   render/                        one table model → text, HTML, SVG
//!     table.rs                       Table/Row/Cell, laid out as text
//!     assessment.rs                  an Assessment as tables (the only column decisions)
//!     html.rs svg.rs                 tables as HTML and as charts
//!     configuration.rs               env vars and GLIDE config of a recommendation
//!     text_report.rs html_report.rs  the two reports
//!   live/                          live-server access
//!     args.rs                        --url, TLS, REDISCLI_AUTH, password redaction
//!     server.rs                      ServerUrl: connections, topology, reader, timeout
//!     key.rs                         one key's stored value (string, hash field, list element)
//!     checkpoint.rs                  the default checkpoint file of a run
//!     error.rs                       LiveError
//!   run/                           run plumbing of migrate, rollback, verify
//!     progress.rs interrupt.rs summary.rs
//!   inspection.rs                  what a stored value is
//!            │
//!            ▼
//! backends.rs  units.rs  files.rs  provenance.rs
//!                                  shared utilities: codec specs, number formats, file reads,
//!                                  where a report came from
//! ```
//!
//! The jobs themselves — topology, walk, checkpoint, verification of `migrate`, `rollback`
//! and `verify` — are `kvcodec_redis::migrate`.
//!
//! Errors are [`error::CliError`]s: one line, printed as `kvcodec: error: …`, exit code 2 for
//! bad usage or input and 1 for failures while running, 3 for a keyspace not in the promised
//! state, 4 for a key that does not exist; a migration stopped by a signal exits 130.

pub mod backends;
pub mod commands;
pub mod error;

mod assess;
mod files;
mod inspection;
mod live;
mod provenance;
mod render;
mod run;
mod units;

pub use error::CliError;
