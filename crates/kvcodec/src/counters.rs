//! [`Counters`]: what every [`crate::Engine`] counts, and their [`CountersSnapshot`].
//!
//! Counting a value costs a few plain adds to the calling thread's own cache line (see
//! `shards.rs`): no atomic read-modify-write and no line shared between cores on the hot
//! path, so one engine shared by every thread counts as cheaply as one engine per thread.
//! Rare events (failures, fallbacks, escapes) are atomic adds. A snapshot sums the lines;
//! [`process_totals`] sums every set in the process, including those of engines already
//! dropped. Exporting the figures (`export::MetricsExporter`, the `metrics` facade) reads
//! snapshots, at most once a second and never per value.

mod shards;
mod snapshot;

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};
use std::time::Duration;

use shards::{Lines, Slot, WIDTH, slot};
pub use snapshot::{CodecSnapshot, CountersSnapshot, DirectionCounts};

use crate::{CodecId, FailureKind, SkipReason};

// The per-codec line: values, bytes in, bytes out, nanoseconds, per direction.
const COMPRESS: usize = 0;
const DECOMPRESS: usize = 4;
// The general line: pass-throughs, then skips by reason.
const PASSTHROUGH: usize = 0;
const _: () = assert!(SkipReason::ALL.len() < WIDTH);

/// One codec's counters, made on its first value.
struct CodecCounters {
    hot: Lines,
    failures: [AtomicU64; FailureKind::ALL.len()],
    raw_fallbacks: AtomicU64,
    escaped: AtomicU64,
}

/// The counters of one engine (or of several, given to each with
/// [`crate::EngineBuilder::counters`]): per codec (by header id), plus skips and
/// pass-throughs.
pub struct Counters {
    /// Inline (not behind a pointer of their own): one load fewer per counted value.
    codecs: [OnceLock<Box<CodecCounters>>; 256],
    general: Lines,
}

impl Drop for Counters {
    fn drop(&mut self) {
        let mine = self.snapshot();
        retired()
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .add(&mine);
    }
}

impl std::fmt::Debug for Counters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.snapshot().fmt(f)
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Totals over every [`Counters`] set in the process, including those of engines already
/// dropped. Costs nothing on the hot path: live sets are summed when this is called.
pub fn process_totals() -> CountersSnapshot {
    let mut total = retired()
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    for live in live().lock().unwrap_or_else(PoisonError::into_inner).iter() {
        if let Some(c) = live.upgrade() {
            total.add(&c.snapshot());
        }
    }
    total
}

fn live() -> &'static Mutex<Vec<Weak<Counters>>> {
    static LIVE: Mutex<Vec<Weak<Counters>>> = Mutex::new(Vec::new());
    &LIVE
}

/// Counts of sets already dropped.
fn retired() -> &'static Mutex<CountersSnapshot> {
    static RETIRED: OnceLock<Mutex<CountersSnapshot>> = OnceLock::new();
    RETIRED.get_or_init(Mutex::default)
}

impl Counters {
    /// A new set of counters, included in [`process_totals`].
    pub fn new() -> Arc<Counters> {
        let c = Arc::new(Counters {
            codecs: [const { OnceLock::new() }; 256],
            general: Lines::new(),
        });
        let mut live = live().lock().unwrap_or_else(PoisonError::into_inner);
        live.retain(|w| w.strong_count() > 0);
        live.push(Arc::downgrade(&c));
        c
    }

    #[inline]
    fn codec(&self, id: CodecId) -> &CodecCounters {
        self.codecs[usize::from(id.0)].get_or_init(|| {
            Box::new(CodecCounters {
                hot: Lines::new(),
                failures: Default::default(),
                raw_fallbacks: AtomicU64::new(0),
                escaped: AtomicU64::new(0),
            })
        })
    }

    #[inline]
    fn direction(&self, slot: Slot, id: CodecId, at: usize, flow: [usize; 2], took: Duration) {
        let hot = &self.codec(id).hot;
        hot.add(slot, at, 1);
        hot.add(slot, at + 1, flow[0] as u64);
        hot.add(slot, at + 2, flow[1] as u64);
        if !took.is_zero() {
            // Untimed engines pass zero: no add on their hot path.
            hot.add(slot, at + 3, nanos(took));
        }
    }

    /// Counts one value compressed from `bytes_in` to `bytes_out` stored bytes (header
    /// included).
    #[inline]
    pub(crate) fn record_compressed(
        &self,
        id: CodecId,
        bytes_in: usize,
        bytes_out: usize,
        took: Duration,
    ) {
        self.direction(slot(), id, COMPRESS, [bytes_in, bytes_out], took);
    }

    /// Adds compression time for a value then stored plain (not counted as compressed).
    #[inline]
    pub(crate) fn record_compress_time(&self, id: CodecId, took: Duration) {
        if !took.is_zero() {
            self.codec(id).hot.add(slot(), COMPRESS + 3, nanos(took));
        }
    }

    /// Counts one stored value (header included) decoded to `bytes_out` bytes.
    #[inline]
    pub(crate) fn record_decompressed(
        &self,
        id: CodecId,
        bytes_in: usize,
        bytes_out: usize,
        took: Duration,
    ) {
        self.direction(slot(), id, DECOMPRESS, [bytes_in, bytes_out], took);
    }

    /// Counts one value stored plain.
    #[inline]
    pub(crate) fn record_skip(&self, reason: SkipReason) {
        self.general.add(slot(), 1 + reason.index(), 1);
    }

    /// Counts one read of a value without header (returned as it is).
    #[inline]
    pub(crate) fn record_passthrough(&self) {
        self.general.add(slot(), PASSTHROUGH, 1);
    }

    /// Counts one stored value that failed to decode.
    pub(crate) fn record_failure(&self, id: CodecId, kind: FailureKind) {
        self.codec(id).failures[kind.index()].fetch_add(1, Relaxed);
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

    /// A consistent-enough copy of every counter (each is read once, relaxed).
    pub fn snapshot(&self) -> CountersSnapshot {
        let mut s = CountersSnapshot::default();
        for (i, c) in self.codecs.iter().enumerate() {
            let Some(c) = c.get() else { continue };
            let hot = c.hot.sum();
            let direction = |at: usize| {
                DirectionCounts::from_counts(hot[at], hot[at + 1], hot[at + 2], hot[at + 3])
            };
            let mut codec = CodecSnapshot::empty(CodecId(i as u8));
            codec.compress = direction(COMPRESS);
            codec.decompress = direction(DECOMPRESS);
            codec.failures = FailureKind::ALL.map(|k| (k, c.failures[k.index()].load(Relaxed)));
            codec.raw_fallbacks = c.raw_fallbacks.load(Relaxed);
            codec.escaped = c.escaped.load(Relaxed);
            if !codec.is_empty() {
                s.codecs.push(codec);
            }
        }
        let general = self.general.sum();
        s.skipped = SkipReason::ALL.map(|r| (r, general[1 + r.index()]));
        s.passthrough = general[PASSTHROUGH];
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_totals_sum_live_and_dropped_sets() {
        let before = process_totals().skipped_for(SkipReason::LowSavings);
        let a = Counters::new();
        let b = Counters::new();
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

    #[test]
    fn directions_are_counted_apart() {
        let c = Counters::new();
        c.record_compressed(CodecId::LZ4, 100, 40, Duration::ZERO);
        c.record_decompressed(CodecId::LZ4, 40, 100, Duration::from_nanos(7));
        c.record_compress_time(CodecId::LZ4, Duration::from_nanos(3));
        let s = c.snapshot();
        let lz4 = s.codec(CodecId::LZ4).unwrap();
        assert_eq!(
            (
                lz4.compress.values, lz4.compress.bytes_in, lz4.compress.bytes_out
            ),
            (1, 100, 40)
        );
        assert_eq!(lz4.compress.time, Duration::from_nanos(3));
        assert_eq!(lz4.decompress, DirectionCounts::from_counts(1, 40, 100, 7));
        assert_eq!(s.codec(CodecId::ZSTD), None);
    }
}
