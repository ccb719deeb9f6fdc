//! [`Observer`]: per-value events for exporters (metrics facade, logs), and the rate limiter
//! behind kvcodec's WARN logs.
//!
//! The engine's own [`crate::Counters`] are always kept; an observer is for what
//! counters can't give — histograms of time and ratio, and export under stable names. Every
//! method has an empty default, so new events never break an implementation.
//!
//! An observer that only exports counts need not count per event at all: [`Observer::attach`]
//! hands it the engine's counters, to read when it publishes (that is what
//! `export::MetricsExporter` does).

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::counters::Counters;
use crate::{CodecId, FailureKind, SkipReason, Timing};

/// One value the engine compressed or decompressed, as [`Observer`] sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Transfer {
    /// The codec that did the work.
    pub codec: CodecId,
    /// Bytes handed to the codec: plain bytes when compressing, stored bytes when decompressing.
    pub bytes_in: usize,
    /// Bytes it gave back: the stored form, or the plain value.
    pub bytes_out: usize,
    /// The time the codec took, when the engine timed this value ([`Observer::timing`]).
    pub took: Option<Duration>,
}

impl Transfer {
    /// An event for `codec` turning `bytes_in` bytes into `bytes_out` in `took`.
    pub fn new(codec: CodecId, bytes_in: usize, bytes_out: usize, took: Option<Duration>) -> Self {
        Transfer {
            codec,
            bytes_in,
            bytes_out,
            took,
        }
    }
}

/// Receives one call per value the engine handles. Must be cheap: it runs on the hot path.
///
/// An observer that wraps or fans out to others must forward [`attach`](Observer::attach)
/// and [`timing`](Observer::timing) too: the defaults attach nothing and time every value.
pub trait Observer: Send + Sync {
    /// The engine built with this observer counts into `counters`; called once per engine,
    /// by [`crate::EngineBuilder::build`]. An exporter can publish from them instead of
    /// counting every event itself.
    fn attach(&self, counters: &Arc<Counters>) {
        let _ = counters;
    }

    /// A value was stored compressed: `bytes_in` plain bytes became `bytes_out` stored bytes.
    fn compressed(&self, value: Transfer) {
        let _ = value;
    }

    /// A value was stored plain.
    fn skipped(&self, reason: SkipReason) {
        let _ = reason;
    }

    /// A stored value of `bytes_in` bytes decoded to `bytes_out` bytes.
    fn decompressed(&self, value: Transfer) {
        let _ = value;
    }

    /// A stored value with a header failed to decode; `raw_fallback` if it was returned as
    /// stored rather than as an error.
    fn failed(&self, codec: CodecId, kind: FailureKind, raw_fallback: bool) {
        let _ = (codec, kind, raw_fallback);
    }

    /// Which values to time for this observer (default: every one). With [`Timing::Never`]
    /// an engine built with it reads no clock, unless told to by
    /// [`crate::EngineBuilder::measure_time`].
    fn timing(&self) -> Timing {
        Timing::Every
    }
}

impl<T: Observer + ?Sized> Observer for Arc<T> {
    fn attach(&self, counters: &Arc<Counters>) {
        (**self).attach(counters)
    }
    fn compressed(&self, value: Transfer) {
        (**self).compressed(value)
    }
    fn skipped(&self, reason: SkipReason) {
        (**self).skipped(reason)
    }
    fn decompressed(&self, value: Transfer) {
        (**self).decompressed(value)
    }
    fn failed(&self, codec: CodecId, kind: FailureKind, raw_fallback: bool) {
        (**self).failed(codec, kind, raw_fallback)
    }
    fn timing(&self) -> Timing {
        (**self).timing()
    }
}

/// Lets one event through per interval and counts the rest, for WARN logs that must not flood.
#[derive(Debug)]
pub struct RateLimiter {
    interval_ms: u64,
    next_ms: AtomicU64,
    suppressed: AtomicU64,
}

/// True for the one caller that finds the [`now_ms`] deadline in `next_ms` passed, and moves
/// it `interval_ms` on; false for everyone else until then.
pub(crate) fn claim(next_ms: &AtomicU64, interval_ms: u64) -> bool {
    let now = now_ms();
    let next = next_ms.load(Relaxed);
    now >= next
        && next_ms
            .compare_exchange(next, now.saturating_add(interval_ms), Relaxed, Relaxed)
            .is_ok()
}

/// Milliseconds since the first call in this process.
pub(crate) fn now_ms() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    u64::try_from(START.get_or_init(Instant::now).elapsed().as_millis()).unwrap_or(u64::MAX)
}

impl RateLimiter {
    /// At most one event per `interval`.
    pub fn new(interval: Duration) -> Self {
        RateLimiter {
            interval_ms: u64::try_from(interval.as_millis()).unwrap_or(u64::MAX),
            next_ms: AtomicU64::new(0),
            suppressed: AtomicU64::new(0),
        }
    }

    /// `Some(events suppressed since the last one let through)` if this event may be logged.
    pub fn admit(&self) -> Option<u64> {
        if claim(&self.next_ms, self.interval_ms) {
            Some(self.suppressed.swap(0, Relaxed))
        } else {
            self.suppressed.fetch_add(1, Relaxed);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limiter_counts_what_it_drops() {
        let limiter = RateLimiter::new(Duration::from_secs(3600));
        assert_eq!(limiter.admit(), Some(0));
        assert_eq!(limiter.admit(), None);
        assert_eq!(limiter.admit(), None);
        let zero = RateLimiter::new(Duration::ZERO);
        assert_eq!(zero.admit(), Some(0));
        assert_eq!(zero.admit(), Some(0));
    }
}
