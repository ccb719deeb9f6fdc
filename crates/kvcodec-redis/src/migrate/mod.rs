//! Rewriting stored values in place: compress existing plain values (`migrate`) or decode
//! every compressed value back to plain (`rollback`), without losing a concurrent write.
//!
//! - Every replacement is a compare-and-set Lua script ([`cas`]): the value is replaced only
//!   if it still holds exactly the bytes that were read; TTLs are kept exactly (`KEEPTTL`;
//!   hash and list edits keep the key's TTL).
//! - Strings, hash values and list elements are handled per value; other types are skipped.
//! - Every primary of a cluster is scanned over a direct connection ([`nodes`]).
//! - The SCAN cursor of each node and the figures are saved after every batch
//!   ([`checkpoint`]); a stopped run resumes from there. Re-running is harmless: compressed
//!   values are skipped by `migrate`, plain ones by `rollback`.

pub mod cas;
pub mod checkpoint;
pub mod nodes;
mod run;

use std::collections::BTreeMap;
use std::sync::Arc;

use kvcodec::{Encoded, Engine};
use serde::{Deserialize, Serialize};

pub use checkpoint::Checkpoint;
pub use run::{MigrateError, Migration, Outcome};

/// Which way values are rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Plain → compressed, by the engine's writer and policy.
    Compress,
    /// Compressed (any registered codec) → plain.
    Decompress,
}

/// Figures of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Keys returned by SCAN.
    pub keys_scanned: u64,
    /// String values, hash values and list elements examined.
    pub values_seen: u64,
    /// Values replaced (or, in a dry run, that would be).
    pub rewritten: u64,
    /// Values left as they were, by reason (`already_compressed`, `too_small`, `changed`, …).
    pub skipped: BTreeMap<String, u64>,
    /// Stored bytes of the rewritten values before.
    pub bytes_before: u64,
    /// Stored bytes of the rewritten values after.
    pub bytes_after: u64,
}

impl Summary {
    pub(crate) fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_owned()).or_default() += 1;
    }

    /// Values skipped for `reason`.
    pub fn skipped_for(&self, reason: &str) -> u64 {
        self.skipped.get(reason).copied().unwrap_or(0)
    }
}

/// What to do with one value.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Rewrite(Vec<u8>),
    Skip(&'static str),
}

pub(crate) fn step(
    engine: &Arc<Engine>,
    direction: Direction,
    value: &[u8],
) -> Result<Step, kvcodec::Error> {
    let framed = kvcodec::header::has_header(value);
    Ok(match direction {
        Direction::Compress if framed => Step::Skip("already_compressed"),
        Direction::Compress => match engine.encode_outcome(value)? {
            Encoded::Compressed(stored) => Step::Rewrite(stored),
            Encoded::Plain(reason) => Step::Skip(reason.as_str()),
        },
        Direction::Decompress if !framed => Step::Skip("not_compressed"),
        Direction::Decompress => match engine.decompress(value) {
            Ok(Some(plain)) => Step::Rewrite(plain),
            Ok(None) | Err(_) => Step::Skip("undecodable"),
        },
    })
}
