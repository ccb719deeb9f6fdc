//! Lock-free counters kept by every [`crate::Engine`], and their [`MetricsSnapshot`].
//!
//! Counting is a handful of relaxed atomic adds per value into the engine's own set;
//! [`process_totals`] sums every set in the process when it is called. Exporting the figures (the
//! `metrics` facade, Prometheus) reads snapshots, at most once a second and never per value.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use crate::{CodecId, FailureKind, SkipReason};

#[derive(Default)]
struct CodecCounters {
    compressed: AtomicU64,
    compress_bytes_in: AtomicU64,
    compress_bytes_out: AtomicU64,
    compress_nanos: AtomicU64,
    decompressed: AtomicU64,
    decompress_bytes_in: AtomicU64,
    decompress_bytes_out: AtomicU64,
    decompress_nanos: AtomicU64,
    failures: [AtomicU64; FailureKind::ALL.len()],
    raw_fallbacks: AtomicU64,
    escaped: AtomicU64,
}

/// Counters of one engine: per codec (by header id), plus skips and pass-throughs.
pub struct Metrics {
    codecs: Box<[CodecCounters]>,
    skipped: [AtomicU64; SkipReason::ALL.len()],
    passthrough: AtomicU64,
    /// Made by [`Metrics::new`] (in the live list): adds itself to the retired set on drop.
    /// Scratch sets (the sum in [`process_totals`], the retired set itself) do not.
    counted: bool,
}

impl Drop for Metrics {
    fn drop(&mut self) {
        if self.counted {
            self.add_into(retired());
        }
    }
}

impl Metrics {
    fn zeroed() -> Self {
        Metrics {
            codecs: (0..256).map(|_| CodecCounters::default()).collect(),
            skipped: Default::default(),
            passthrough: AtomicU64::new(0),
            counted: false,
        }
    }
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.snapshot().fmt(f)
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Totals over every [`Metrics`] set in the process, including those of engines already
/// dropped. Costs nothing on the hot path: live sets are summed when this is called.
pub fn process_totals() -> MetricsSnapshot {
    let total = Metrics::zeroed();
    retired().add_into(&total);
    for live in live().lock().unwrap_or_else(|e| e.into_inner()).iter() {
        if let Some(m) = live.upgrade() {
            m.add_into(&total);
        }
    }
    total.snapshot()
}

fn live() -> &'static Mutex<Vec<Weak<Metrics>>> {
    static LIVE: OnceLock<Mutex<Vec<Weak<Metrics>>>> = OnceLock::new();
    LIVE.get_or_init(Mutex::default)
}

/// Counts of sets already dropped.
fn retired() -> &'static Metrics {
    static RETIRED: OnceLock<Metrics> = OnceLock::new();
    RETIRED.get_or_init(Metrics::zeroed)
}

impl Metrics {
    fn codec(&self, id: CodecId) -> &CodecCounters {
        &self.codecs[usize::from(id.0)]
    }

    /// A new set of counters, included in [`process_totals`].
    pub fn new() -> Arc<Metrics> {
        let mut m = Metrics::zeroed();
        m.counted = true;
        let m = Arc::new(m);
        let mut live = live().lock().unwrap_or_else(|e| e.into_inner());
        live.retain(|w| w.strong_count() > 0);
        live.push(Arc::downgrade(&m));
        m
    }

    fn add_into(&self, total: &Metrics) {
        for (mine, theirs) in self.codecs.iter().zip(total.codecs.iter()) {
            let pairs = [
                (&mine.compressed, &theirs.compressed),
                (&mine.compress_bytes_in, &theirs.compress_bytes_in),
                (&mine.compress_bytes_out, &theirs.compress_bytes_out),
                (&mine.compress_nanos, &theirs.compress_nanos),
                (&mine.decompressed, &theirs.decompressed),
                (&mine.decompress_bytes_in, &theirs.decompress_bytes_in),
                (&mine.decompress_bytes_out, &theirs.decompress_bytes_out),
                (&mine.decompress_nanos, &theirs.decompress_nanos),
                (&mine.raw_fallbacks, &theirs.raw_fallbacks),
                (&mine.escaped, &theirs.escaped),
            ];
            for (a, b) in pairs
                .into_iter()
                .chain(mine.failures.iter().zip(theirs.failures.iter()))
            {
                b.fetch_add(a.load(Relaxed), Relaxed);
            }
        }
        for (a, b) in self.skipped.iter().zip(total.skipped.iter()) {
            b.fetch_add(a.load(Relaxed), Relaxed);
        }
        total
            .passthrough
            .fetch_add(self.passthrough.load(Relaxed), Relaxed);
    }

    /// Counts one value compressed from `bytes_in` to `bytes_out` stored bytes (header included).
    pub(crate) fn record_compressed(
        &self,
        id: CodecId,
        bytes_in: usize,
        bytes_out: usize,
        took: Duration,
    ) {
        let c = self.codec(id);
        c.compressed.fetch_add(1, Relaxed);
        c.compress_bytes_in.fetch_add(bytes_in as u64, Relaxed);
        c.compress_bytes_out.fetch_add(bytes_out as u64, Relaxed);
        if !took.is_zero() {
            // Untimed engines pass zero: skip the atomic add on the hot path.
            c.compress_nanos.fetch_add(nanos(took), Relaxed);
        }
    }

    /// Adds compression time for a value that was then stored plain (not counted as compressed).
    pub(crate) fn record_compress_time(&self, id: CodecId, took: Duration) {
        if !took.is_zero() {
            self.codec(id)
                .compress_nanos
                .fetch_add(nanos(took), Relaxed);
        }
    }

    /// Counts one stored value (header included) decoded to `bytes_out` bytes.
    pub(crate) fn record_decompressed(
        &self,
        id: CodecId,
        bytes_in: usize,
        bytes_out: usize,
        took: Duration,
    ) {
        let c = self.codec(id);
        c.decompressed.fetch_add(1, Relaxed);
        c.decompress_bytes_in.fetch_add(bytes_in as u64, Relaxed);
        c.decompress_bytes_out.fetch_add(bytes_out as u64, Relaxed);
        if !took.is_zero() {
            // Untimed engines pass zero: skip the atomic add on the hot path.
            c.decompress_nanos.fetch_add(nanos(took), Relaxed);
        }
    }

    /// Counts one value stored plain.
    #[inline]
    pub(crate) fn record_skip(&self, reason: SkipReason) {
        self.skipped[reason.index()].fetch_add(1, Relaxed);
    }

    /// Counts one stored value that failed to decode.
    pub(crate) fn record_failure(&self, id: CodecId, kind: FailureKind) {
        self.codec(id).failures[kind.index()].fetch_add(1, Relaxed);
    }

    /// Counts one read of a value without header (returned as it is).
    #[inline]
    pub(crate) fn record_passthrough(&self) {
        self.passthrough.fetch_add(1, Relaxed);
    }

    /// Counts one undecodable value returned as stored ([`crate::OnCorrupt::ReturnStored`]).
    pub(crate) fn record_raw_fallback(&self, id: CodecId) {
        self.codec(id).raw_fallbacks.fetch_add(1, Relaxed);
    }

    /// Counts one value stored encoded because it starts with the header magic (it is also
    /// counted as compressed).
    pub(crate) fn record_escaped(&self, id: CodecId) {
        self.codec(id).escaped.fetch_add(1, Relaxed);
    }

    /// A consistent-enough copy of every counter (each counter is read once, relaxed).
    pub fn snapshot(&self) -> MetricsSnapshot {
        let codecs: Vec<CodecSnapshot> = self
            .codecs
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let s = CodecSnapshot {
                    codec: CodecId(i as u8),
                    compressed: c.compressed.load(Relaxed),
                    compress_bytes_in: c.compress_bytes_in.load(Relaxed),
                    compress_bytes_out: c.compress_bytes_out.load(Relaxed),
                    compress_time: Duration::from_nanos(c.compress_nanos.load(Relaxed)),
                    decompressed: c.decompressed.load(Relaxed),
                    decompress_bytes_in: c.decompress_bytes_in.load(Relaxed),
                    decompress_bytes_out: c.decompress_bytes_out.load(Relaxed),
                    decompress_time: Duration::from_nanos(c.decompress_nanos.load(Relaxed)),
                    failures: FailureKind::ALL.map(|k| (k, c.failures[k.index()].load(Relaxed))),
                    raw_fallbacks: c.raw_fallbacks.load(Relaxed),
                    escaped: c.escaped.load(Relaxed),
                };
                (!s.is_empty()).then_some(s)
            })
            .collect();
        MetricsSnapshot {
            codecs,
            skipped: SkipReason::ALL.map(|r| (r, self.skipped[r.index()].load(Relaxed))),
            passthrough: self.passthrough.load(Relaxed),
        }
    }
}

/// The figures of one codec.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CodecSnapshot {
    /// Header id of the codec.
    pub codec: CodecId,
    /// Values stored compressed.
    pub compressed: u64,
    /// Plain bytes of those values.
    pub compress_bytes_in: u64,
    /// Stored bytes of those values, header included.
    pub compress_bytes_out: u64,
    /// Time spent compressing (including values then stored plain) by engines that time
    /// every value ([`crate::EngineBuilder::measure_time`], [`crate::Timing::Every`]); zero
    /// for the others.
    pub compress_time: Duration,
    /// Stored values decoded.
    pub decompressed: u64,
    /// Stored bytes of those values, header included.
    pub decompress_bytes_in: u64,
    /// Decoded bytes.
    pub decompress_bytes_out: u64,
    /// Time spent decoding; zero unless the engine times every value.
    pub decompress_time: Duration,
    /// Decode failures by kind.
    pub failures: [(FailureKind, u64); FailureKind::ALL.len()],
    /// Of those, values returned as stored ([`crate::OnCorrupt::ReturnStored`]).
    pub raw_fallbacks: u64,
    /// Of the values compressed, those stored encoded only because they start with the header
    /// magic (`00 01 02`): encoding is the format's escape, so they read back as written.
    pub escaped: u64,
}

impl CodecSnapshot {
    fn is_empty(&self) -> bool {
        self.compressed == 0
            && self.decompressed == 0
            && self.compress_time.is_zero()
            && self.failures.iter().all(|(_, n)| *n == 0)
    }

    /// Plain bytes / stored bytes of what this codec compressed (`None` before the first).
    pub fn compression_ratio(&self) -> Option<f64> {
        (self.compress_bytes_out > 0)
            .then(|| self.compress_bytes_in as f64 / self.compress_bytes_out as f64)
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
pub struct MetricsSnapshot {
    /// Codecs with any activity, by ascending id.
    pub codecs: Vec<CodecSnapshot>,
    /// Values stored plain, by reason.
    pub skipped: [(SkipReason, u64); SkipReason::ALL.len()],
    /// Reads of values without header.
    pub passthrough: u64,
}

impl MetricsSnapshot {
    /// The figures of one codec (zeros if it did nothing).
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
        self.codecs.iter().map(|c| c.compressed).sum()
    }

    /// All values decoded, over every codec.
    pub fn decompressed(&self) -> u64 {
        self.codecs.iter().map(|c| c.decompressed).sum()
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
            .map(|c| c.compress_bytes_in as i64 - c.compress_bytes_out as i64)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_totals_sum_live_and_dropped_sets() {
        let before = process_totals().skipped_for(SkipReason::LowSavings);
        let a = Metrics::new();
        let b = Metrics::new();
        a.record_skip(SkipReason::LowSavings);
        b.record_skip(SkipReason::LowSavings);
        b.record_skip(SkipReason::LowSavings);
        assert_eq!(a.snapshot().skipped_for(SkipReason::LowSavings), 1);
        assert_eq!(b.snapshot().skipped_for(SkipReason::LowSavings), 2);
        // Other tests in this process may count too, so compare at least.
        assert!(process_totals().skipped_for(SkipReason::LowSavings) >= before + 3);
        drop(b);
        assert!(
            process_totals().skipped_for(SkipReason::LowSavings) >= before + 3,
            "dropped sets still count"
        );
    }
}
