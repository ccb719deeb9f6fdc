//! Rewriting stored values in place — compress existing plain values (`migrate`), decode every
//! compressed value back to plain (`rollback`) — and checking the result (`verify`), without
//! losing a concurrent write. Feature `migrate`.
//!
//! # Getting started
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::sync::atomic::AtomicBool;
//! use kvcodec_redis::migrate::{Direction, Migration, ValueTypes, DEFAULT_TIMEOUT};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let engine = kvcodec::Config { backend: "zstd".into(), ..Default::default() }
//!     .build(&[&kvcodec_zstd::BACKEND])?;
//! let job = Migration {
//!     engine: Arc::new(engine),
//!     direction: Direction::Compress,
//!     types: ValueTypes::STRINGS,
//!     pattern: None,
//!     rate: Some(2000.0),
//!     dry_run: false,
//!     batch: 100,
//!     checkpoint: Some("migrate.checkpoint".into()),
//!     timeout: DEFAULT_TIMEOUT,
//!     target: None,
//! };
//! let outcome = job.run("redis://127.0.0.1:6379/0", Arc::new(AtomicBool::new(false)), Arc::new(|_: &_| {}))?;
//! assert!(outcome.completed && outcome.verification.unwrap().is_clean());
//! # Ok(()) }
//! ```
//!
//! # What a run does
//!
//! 1. [`topology`]: the URL is parsed once and the server probed once: the server itself, or
//!    every primary of a cluster, every one of the 16384 slots served by a primary that
//!    answers, or the run fails naming what it could not reach. Every connection has
//!    connect, read and write timeouts ([`Migration::timeout`]).
//! 2. [`checkpoint`]: a saved checkpoint of the same job is resumed — per primary, only if
//!    the server process (`run_id`), the db and the slots are the ones its cursor came from;
//!    otherwise that primary is scanned again from the start. The checkpoint is written
//!    before the first value is touched (so an unwritable path fails at once), after every
//!    batch, and removed when the run completes.
//! 3. [`walker`]: one thread per primary walks its keys in pipelined SCAN batches; `rate`
//!    holds over all of them together ([`pace`]).
//! 4. Each value is judged ([`judge`]) and replaced by a compare-and-set script ([`cas`]):
//!    only if it still holds the bytes read, TTLs kept exactly. A value written, deleted or
//!    retyped meanwhile is left alone and counted (`changed`, `vanished`, `type_changed`).
//! 5. A verification pass walks the keyspace again and checks every value is in the
//!    promised state ([`Expect`]), rewriting what changed meanwhile; what is left is
//!    reported by reason ([`Verification::left`]). "Completed" means verified.
//!
//! # What "compressed" and "plain" mean
//!
//! - [`Expect::Compressed`] (after `migrate`): every value of the chosen [`ValueTypes`] either
//!   starts with a header, or is one the engine's policy keeps plain (`too_small`,
//!   `not_smaller`, `too_large`, `low_savings`). A plain value the policy *would* compress is
//!   `undone`.
//! - [`Expect::Recompressed`] (after `migrate --recompress`): every value of the chosen types
//!   of a selected source is stored as the engine would write it: with the writer's codec id
//!   (`already_target`), or plain for a policy reason. A value of another codec, or one the
//!   writer would store shorter, is `undone`.
//! - [`Expect::Plain`] (after `rollback`): no string, hash value or list element starts with
//!   a header — except values left for a reason that is reported: `undecodable`,
//!   `over_max_size`, and `nested` (a compressed value whose content again starts with a
//!   header: it must stay encoded, and an `Off` client would read it encoded).
//!
//! # Memory
//!
//! A run holds, per primary thread, at most one group of string values read in one pipeline
//! ([`walker::GROUP_BYTES`], 4 MiB) or one value longer than that, its rewritten form, and the
//! command that stores it: about 3× the largest value, plus the group. A rollback reads only
//! the first 5 bytes of a plain string (`GETRANGE key 0 4`); a migration only those of a
//! compressed one. Values over [`cas::SCRIPT_MAX`] (old or new) are replaced with `WATCH`, a
//! chunked compare and `MULTI` / `EXEC`, never copied into a script, and one value over 4 MiB
//! is in flight at a time across every primary's thread ([`budget`]). Hash values and list
//! elements come in pages of `batch` values, so for those the bound is `batch` × the largest
//! value.

pub mod budget;
pub mod cas;
pub mod checkpoint;
pub mod error;
pub mod judge;
mod outcome;
pub mod pace;
pub mod reason;
pub mod recompress;
mod run;
pub mod slot_map;
pub mod topology;
pub mod walker;
mod worker;

pub use checkpoint::{Checkpoint, CheckpointFile, NodeProgress};
pub use error::{MigrateError, Unreached};
/// Which value types a migration compresses (the core's setting of the same name).
pub use kvcodec::ValueTypes;
pub use outcome::{Expect, Notice, Observer, Outcome, Verification};
pub use reason::{Progress, Reason, SourceFigures, Summary};
pub use recompress::Sources;
pub use run::{DEFAULT_TIMEOUT, Migration, check_options};
pub use slot_map::SlotMap;
pub use topology::{Node, Topology};
pub use walker::{Visit, Walker};

/// Which way values are rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Plain → compressed, by the engine's writer and policy.
    Compress,
    /// Compressed (any registered codec) → plain.
    Decompress,
    /// Plain, or compressed with another codec, level or dictionary → as the engine's writer
    /// and policy store it today, for the selected sources ([`recompress`]).
    Recompress(Sources),
}
