//! [`CountersSnapshot`]: a copy of an engine's counters — per codec one [`DirectionCounts`]
//! for each direction, failures and fallbacks — and the totals over them.

use std::time::Duration;

use crate::{CodecId, FailureKind, SkipReason};

/// What one direction of one codec handled: values compressed (or decoded), bytes in and out,
/// time spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct DirectionCounts {
    /// Values stored compressed (compress), or stored values decoded (decompress).
    pub values: u64,
    /// Plain bytes of those values (compress), or their stored bytes, header included
    /// (decompress).
    pub bytes_in: u64,
    /// Stored bytes, header included (compress), or decoded bytes (decompress).
    pub bytes_out: u64,
    /// Time spent, by engines that time every value ([`crate::EngineBuilder::measure_time`],
    /// [`crate::Timing::Every`]); zero for the others. Compress time includes values then
    /// stored plain (not counted in `values`).
    pub time: Duration,
}

impl DirectionCounts {
    pub(super) fn from_counts(values: u64, bytes_in: u64, bytes_out: u64, nanos: u64) -> Self {
        DirectionCounts {
            values,
            bytes_in,
            bytes_out,
            time: Duration::from_nanos(nanos),
        }
    }

    fn add(&mut self, other: &DirectionCounts) {
        self.values += other.values;
        self.bytes_in += other.bytes_in;
        self.bytes_out += other.bytes_out;
        self.time += other.time;
    }

    fn is_empty(&self) -> bool {
        self.values == 0 && self.time.is_zero()
    }
}

/// The figures of one codec.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CodecSnapshot {
    /// Header id of the codec.
    pub codec: CodecId,
    /// Values encoded with this codec.
    pub compress: DirectionCounts,
    /// Stored values of this codec decoded.
    pub decompress: DirectionCounts,
    /// Decode failures by kind.
    pub failures: [(FailureKind, u64); FailureKind::ALL.len()],
    /// Of those, values returned as stored ([`crate::OnCorrupt::ReturnStored`]).
    pub raw_fallbacks: u64,
    /// Of the values compressed, those stored encoded only because they start with the header
    /// magic (`00 01 02`): encoding is the format's escape, so they read back as written.
    pub escaped: u64,
}

impl CodecSnapshot {
    pub(super) fn empty(codec: CodecId) -> Self {
        CodecSnapshot {
            codec,
            compress: DirectionCounts::default(),
            decompress: DirectionCounts::default(),
            failures: FailureKind::ALL.map(|k| (k, 0)),
            raw_fallbacks: 0,
            escaped: 0,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.compress.is_empty()
            && self.decompress.is_empty()
            && self.failures.iter().all(|(_, n)| *n == 0)
    }

    fn add(&mut self, other: &CodecSnapshot) {
        self.compress.add(&other.compress);
        self.decompress.add(&other.decompress);
        for ((_, a), (_, b)) in self.failures.iter_mut().zip(&other.failures) {
            *a += b;
        }
        self.raw_fallbacks += other.raw_fallbacks;
        self.escaped += other.escaped;
    }

    /// Plain bytes / stored bytes of what this codec compressed (`None` before the first).
    pub fn compression_ratio(&self) -> Option<f64> {
        (self.compress.bytes_out > 0)
            .then(|| self.compress.bytes_in as f64 / self.compress.bytes_out as f64)
    }

    /// Failures of one kind.
    pub fn failures_of(&self, kind: FailureKind) -> u64 {
        self.failures
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }
}

/// A copy of an engine's counters.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CountersSnapshot {
    /// Codecs with any activity, by ascending id.
    pub codecs: Vec<CodecSnapshot>,
    /// Values stored plain, by reason.
    pub skipped: [(SkipReason, u64); SkipReason::ALL.len()],
    /// Reads of values without header.
    pub passthrough: u64,
}

impl Default for CountersSnapshot {
    fn default() -> Self {
        CountersSnapshot {
            codecs: Vec::new(),
            skipped: SkipReason::ALL.map(|r| (r, 0)),
            passthrough: 0,
        }
    }
}

impl CountersSnapshot {
    /// Adds `other`'s figures to these.
    pub(super) fn add(&mut self, other: &CountersSnapshot) {
        for theirs in &other.codecs {
            match self.codecs.binary_search_by_key(&theirs.codec, |c| c.codec) {
                Ok(i) => self.codecs[i].add(theirs),
                Err(i) => self.codecs.insert(i, theirs.clone()),
            }
        }
        for ((_, a), (_, b)) in self.skipped.iter_mut().zip(&other.skipped) {
            *a += b;
        }
        self.passthrough += other.passthrough;
    }

    /// The figures of one codec (`None` if it did nothing).
    pub fn codec(&self, id: CodecId) -> Option<&CodecSnapshot> {
        self.codecs.iter().find(|c| c.codec == id)
    }

    /// Values skipped for `reason`.
    pub fn skipped_for(&self, reason: SkipReason) -> u64 {
        self.skipped
            .iter()
            .find(|(r, _)| *r == reason)
            .map_or(0, |(_, n)| *n)
    }

    /// All values compressed, over every codec.
    pub fn compressed(&self) -> u64 {
        self.codecs.iter().map(|c| c.compress.values).sum()
    }

    /// All values decoded, over every codec.
    pub fn decompressed(&self) -> u64 {
        self.codecs.iter().map(|c| c.decompress.values).sum()
    }

    /// All decode failures of `kind`, over every codec.
    pub fn failures_of(&self, kind: FailureKind) -> u64 {
        self.codecs.iter().map(|c| c.failures_of(kind)).sum()
    }

    /// Values stored encoded because they start with the header magic, over every codec.
    pub fn escaped(&self) -> u64 {
        self.codecs.iter().map(|c| c.escaped).sum()
    }

    /// Undecodable values returned as stored, over every codec.
    pub fn raw_fallbacks(&self) -> u64 {
        self.codecs.iter().map(|c| c.raw_fallbacks).sum()
    }

    /// All decode failures, over every codec and kind.
    pub fn failures(&self) -> u64 {
        FailureKind::ALL.iter().map(|k| self.failures_of(*k)).sum()
    }

    /// Plain bytes minus stored bytes over everything compressed.
    pub fn bytes_saved(&self) -> i64 {
        self.codecs
            .iter()
            .map(|c| c.compress.bytes_in as i64 - c.compress.bytes_out as i64)
            .sum()
    }
}
