//! Run plumbing of `migrate`, `rollback` and `verify`: what a long job needs around it, while
//! the job itself (topology, walk, checkpoint, verification) is `kvcodec_redis::migrate`.
//!
//! # Getting started
//!
//! ```ignore
//! // (crate-internal; commands/migrate.rs does this)
//! let stop = interrupt::stop_flag()?;                       // Ctrl-C, SIGTERM, SIGHUP
//! let progress = Arc::new(Progress::new("migrate zstd:3", &job, quiet));
//! let outcome = migration.run_on(topology, nodes, stop, progress.clone())?;
//! progress.finish();
//! let report = RunReport::new("migrate", job, addr, dry_run, /* … */ outcome.summary);
//! print!("{}", report.render());
//! ```
//!
//! - [`interrupt`]: the stop flag and the signal handler; the exit code of a stopped run.
//! - [`progress`]: the progress bar, an `Observer` of the job, and the job's notices.
//! - [`summary`]: what a run did ([`summary::RunReport`], the `--json` form) and its text,
//!   with the verification's findings explained.
//!
//! These are the terminal side of a running job: the progress bar and its notices, and the
//! signal handler's two lines, are the only output written outside `crate::commands`, because
//! they happen while the job runs (on its threads, or on the handler's).

pub(crate) mod interrupt;
pub(crate) mod progress;
pub(crate) mod summary;
