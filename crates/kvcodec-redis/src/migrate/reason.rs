//! Why a value was left as it was ([`Reason`]), and the figures of a run ([`Summary`],
//! [`Progress`]).

use std::collections::BTreeMap;

use kvcodec::policy::SkipReason;
use serde::{Deserialize, Serialize};

/// Why a key or a value was left as it was. The labels (`as_str`, and the JSON keys of
/// [`Summary::skipped`]) are stable snake_case strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// `migrate`: the value already starts with a kvcodec/GLIDE header.
    AlreadyCompressed,
    /// `rollback`: the value is plain already.
    NotCompressed,
    /// The policy keeps it plain: shorter than the minimum size.
    TooSmall,
    /// The policy keeps it plain: longer than the maximum size.
    TooLarge,
    /// The policy keeps it plain: the compressed form would not be smaller.
    NotSmaller,
    /// The policy keeps it plain: too little saved.
    LowSavings,
    /// The engine does not compress (mode or writer).
    Disabled,
    /// Written by someone else between the read and the compare-and-set: left alone.
    Changed,
    /// The key was deleted (or expired) between SCAN and the read.
    Vanished,
    /// The key changed type between `TYPE` and the read (a concurrent change).
    TypeChanged,
    /// `rollback`: has a header but does not decode (unknown codec or dictionary, corrupt).
    Undecodable,
    /// `rollback`: decodes past the size limit (`--max-size`).
    OverMaxSize,
    /// `rollback`: decodes to a value that itself starts with a header. Such a value must
    /// stay encoded (encoding is the format's escape), so rollback leaves it alone.
    Nested,
    /// A set, sorted set, stream or module type: kvcodec never encodes those.
    UnsupportedType,
    /// `migrate`: a hash or list while the migration compresses other value types only.
    NotSelected,
    /// kvcodec's own `kvcodec:` keys (dictionaries) are never rewritten.
    ReservedKey,
    /// `migrate --recompress`: compressed with the target's codec id, and the target's
    /// stored form would not be shorter (the same level and dictionary, or a better one).
    AlreadyTarget,
    /// `migrate --recompress --from …`: a stored form (plain or a codec) not selected.
    OtherSource,
    /// `verify`: a value in the other state that could have been rewritten (a plain value the
    /// policy would compress; a compressed value that decodes).
    Undone,
}

impl Reason {
    /// The stable snake_case label.
    pub const fn as_str(self) -> &'static str {
        match self {
            Reason::AlreadyCompressed => "already_compressed",
            Reason::NotCompressed => "not_compressed",
            Reason::TooSmall => "too_small",
            Reason::TooLarge => "too_large",
            Reason::NotSmaller => "not_smaller",
            Reason::LowSavings => "low_savings",
            Reason::Disabled => "disabled",
            Reason::Changed => "changed",
            Reason::Vanished => "vanished",
            Reason::TypeChanged => "type_changed",
            Reason::Undecodable => "undecodable",
            Reason::OverMaxSize => "over_max_size",
            Reason::Nested => "nested",
            Reason::UnsupportedType => "unsupported_type",
            Reason::NotSelected => "not_selected",
            Reason::ReservedKey => "reserved_key",
            Reason::Undone => "undone",
            Reason::AlreadyTarget => "already_target",
            Reason::OtherSource => "other_source",
        }
    }
}

/// Reasons sort by label, so reports list them alphabetically.
impl Ord for Reason {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Reason {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<SkipReason> for Reason {
    fn from(r: SkipReason) -> Self {
        match r {
            SkipReason::TooSmall => Reason::TooSmall,
            SkipReason::TooLarge => Reason::TooLarge,
            SkipReason::AlreadyCompressed => Reason::AlreadyCompressed,
            SkipReason::NotSmaller => Reason::NotSmaller,
            SkipReason::LowSavings => Reason::LowSavings,
            _ => Reason::Disabled,
        }
    }
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
    /// Keys and values left as they were, by reason.
    pub skipped: BTreeMap<Reason, u64>,
    /// Stored bytes of the rewritten values before.
    pub bytes_before: u64,
    /// Stored bytes of the rewritten values after.
    pub bytes_after: u64,
    /// The rewritten values by the stored form they had: `plain`, or a codec label (`lz4`,
    /// `zstd`, `0x80`). Filled by `migrate --recompress`; empty (and not serialized) otherwise.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_source: BTreeMap<String, SourceFigures>,
}

/// The rewritten values of one source (stored form).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFigures {
    /// Values rewritten.
    pub rewritten: u64,
    /// Their stored bytes before.
    pub bytes_before: u64,
    /// Their stored bytes after.
    pub bytes_after: u64,
}

impl SourceFigures {
    fn add(&mut self, other: &SourceFigures) {
        self.rewritten += other.rewritten;
        self.bytes_before += other.bytes_before;
        self.bytes_after += other.bytes_after;
    }
}

impl Summary {
    /// Counts one value rewritten from `source` (`plain`, `lz4`, …).
    pub fn rewritten_from(&mut self, source: &str, before: u64, after: u64) {
        let f = self.by_source.entry(source.to_owned()).or_default();
        f.rewritten += 1;
        f.bytes_before += before;
        f.bytes_after += after;
    }

    /// Counts one key or value left for `reason`.
    pub fn skip(&mut self, reason: Reason) {
        *self.skipped.entry(reason).or_default() += 1;
    }

    /// Keys and values left for `reason`.
    pub fn skipped_for(&self, reason: Reason) -> u64 {
        self.skipped.get(&reason).copied().unwrap_or(0)
    }

    /// Adds `other`'s figures to these.
    pub fn add(&mut self, other: &Summary) {
        self.keys_scanned += other.keys_scanned;
        self.values_seen += other.values_seen;
        self.rewritten += other.rewritten;
        self.bytes_before += other.bytes_before;
        self.bytes_after += other.bytes_after;
        for (r, n) in &other.skipped {
            *self.skipped.entry(*r).or_default() += n;
        }
        for (source, f) in &other.by_source {
            self.by_source.entry(source.clone()).or_default().add(f);
        }
    }
}

/// Running totals of a run, for a progress display.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Keys scanned so far (in this run and, when resumed, the earlier ones).
    pub keys_scanned: u64,
    /// Values rewritten so far.
    pub rewritten: u64,
    /// Keys and values left as they were so far.
    pub skipped: u64,
    /// Estimated keys in all (the sum of `DBSIZE` over the primaries).
    pub total: u64,
}
