//! [`MetricsExporter`]: kvcodec's figures through the `metrics` facade (feature `metrics`).
//!
//! # Names and labels (stable)
//!
//! | name | type | labels |
//! |---|---|---|
//! | `kvcodec_values_total` | counter | `codec`, `operation` (`compress`/`decompress`) |
//! | `kvcodec_bytes_in_total` | counter | `codec`, `operation` — plain bytes for compress, stored bytes for decompress |
//! | `kvcodec_bytes_out_total` | counter | `codec`, `operation` — stored bytes for compress, plain bytes for decompress |
//! | `kvcodec_skipped_total` | counter | `reason` ([`crate::SkipReason::as_str`]) |
//! | `kvcodec_decode_failures_total` | counter | `codec`, `kind` ([`crate::FailureKind::as_str`]) |
//! | `kvcodec_size_limit_rejections_total` | counter | `codec` |
//! | `kvcodec_raw_fallbacks_total` | counter | `codec` |
//! | `kvcodec_escaped_values_total` | counter | `codec` |
//! | `kvcodec_compress_seconds` | histogram | `codec` |
//! | `kvcodec_decompress_seconds` | histogram | `codec` |
//! | `kvcodec_compression_ratio` | histogram | `codec` — plain / stored, per compressed value |
//!
//! `codec` is the backend name (`zstd`, `lz4`, `snappy`, `deflate`) or the id in hex
//! (`0x80`). Extra constant labels (say `client="orders"`) tell several engines apart.
//!
//! # When figures appear, and what they cost
//!
//! The counters are not counted twice: the engine keeps its own ([`crate::Counters`], a few
//! adds per value to the thread's own cache line), and publishing adds what they grew by since the last
//! publish to the recorder's counters. Publishing happens
//! - on the hot path, by the first timed value once a second is up (no thread, no lock
//!   waited for; [`MetricsExporter::publish_from_hot_path`] turns it off);
//! - whenever you call [`MetricsExporter::publish`] — in the `/metrics` handler before
//!   rendering, for scrapes that are exact to the value;
//! - every interval with [`MetricsExporter::publish_every`] (a background thread), for
//!   engines that go quiet;
//! - when the exporter is dropped (with its last engine), so nothing counted is lost.
//!
//! The histograms are fed on the hot path from the values the engine times: each value with
//! probability 1/[`DEFAULT_SAMPLE_ONE_IN`] by default ([`MetricsExporter::sample_one_in`]; `1`
//! times every value). Their `_count` and `_sum` cover the sampled values only — count values
//! and bytes with the counters. Percentiles and means of the sample are unbiased.
//!
//! One exporter may serve several engines (their figures add up). Engines that share one
//! [`crate::Counters`] ([`crate::EngineBuilder::counters`]) are one source: give them one
//! exporter, or each exporter publishes the pooled counts.
//!
//! Install the recorder (e.g. `metrics-exporter-prometheus`) **before** the first value:
//! handles are resolved once (counters on the first publish, histograms on a codec's first
//! sample), by whichever thread gets there. Under `metrics::with_local_recorder`, run the
//! engine and publish inside the closure.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering::Acquire, fence};
use std::sync::{Arc, Mutex, OnceLock, TryLockError, Weak};
use std::time::Duration;

use metrics::{Counter, Histogram, Label, counter, histogram};

use crate::counters::Counters;
use crate::observe::{claim, now_ms};
use crate::{CodecId, Observer, Timing, Transfer};

mod names;
use names::{Series, codec_label, describe, series};

/// By default the histograms sample one value in 64: at a 1 KiB lz4 encode + decode the
/// exporter then costs +1.0 … +1.3 % (every value: +10 … +16 %, mostly the clock reads); see
/// docs/observability.md.
pub const DEFAULT_SAMPLE_ONE_IN: u32 = 64;

/// Without histograms, the engine still times one value in this many, as the hot path's
/// chance to publish.
const TICK_ONE_IN: u32 = 4096;

/// Least time between two publishes from the hot path.
const AUTO_PUBLISH_MS: u64 = 1000;

/// When one value in n < this many is timed, a timed value looks at the clock for a publish
/// only with probability n / this, so that looks stay about one in this many values.
const TICK_CHECK_ONE_IN: u32 = 64;

struct Histograms {
    compress_seconds: Histogram,
    decompress_seconds: Histogram,
    ratio: Histogram,
}

/// An engine's counters and what of them is already published.
struct Attached {
    counters: Arc<Counters>,
    published: HashMap<Series, u64>,
}

#[derive(Default)]
struct Publisher {
    attached: Vec<Attached>,
    counters: HashMap<Series, Counter>,
}

/// An [`Observer`] that exports the figures of the engines it is given to under the names
/// above.
///
/// ```
/// use std::sync::Arc;
/// use kvcodec::export::MetricsExporter;
///
/// let exporter = Arc::new(MetricsExporter::new().with_label("client", "orders"));
/// let engine = kvcodec::Engine::builder().observer(exporter.clone()).build().unwrap();
/// # let _ = engine;
/// // In the `/metrics` handler, before rendering:
/// exporter.publish();
/// ```
pub struct MetricsExporter {
    labels: Vec<Label>,
    /// Histograms sample one value in this many; `None`: no histograms.
    sample: Option<NonZeroU32>,
    /// Whether timed values may publish.
    hot_path_publish: bool,
    per_codec: Box<[OnceLock<Histograms>]>,
    publisher: Mutex<Publisher>,
    /// [`crate::observe::now_ms`] from which the hot path may publish again.
    next_publish_ms: AtomicU64,
}

impl Default for MetricsExporter {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for MetricsExporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsExporter")
            .field("labels", &self.labels)
            .field("sample", &self.sample)
            .field("hot_path_publish", &self.hot_path_publish)
            .finish_non_exhaustive()
    }
}

impl MetricsExporter {
    /// An exporter with no extra labels, sampling one value in [`DEFAULT_SAMPLE_ONE_IN`] into
    /// the histograms. Describes the metrics (`# HELP`) to the current recorder.
    pub fn new() -> Self {
        describe();
        MetricsExporter {
            labels: Vec::new(),
            sample: NonZeroU32::new(DEFAULT_SAMPLE_ONE_IN),
            hot_path_publish: true,
            per_codec: (0..256).map(|_| OnceLock::new()).collect(),
            publisher: Mutex::default(),
            next_publish_ms: AtomicU64::new(now_ms().saturating_add(AUTO_PUBLISH_MS)),
        }
    }

    /// Samples each value into the histograms with probability 1/`n` (`0` or `1`: every
    /// value, and their `_count` equals the values counted). Turns histograms on: the last
    /// of this and [`without_histograms`](Self::without_histograms) wins.
    pub fn sample_one_in(mut self, n: u32) -> Self {
        self.sample = Some(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN));
        self
    }

    /// Counters only: no time or ratio histograms (the latency alert needs them). The engine
    /// then times one value in 4096, only as the hot path's chance to publish (none with
    /// [`publish_from_hot_path(false)`](Self::publish_from_hot_path)), so under traffic the
    /// counters are published about 4096 values after each second is up.
    pub fn without_histograms(mut self) -> Self {
        self.sample = None;
        self
    }

    /// Whether a timed value may publish (default `true`). Off, the counters appear only on
    /// [`publish`](Self::publish), [`publish_every`](Self::publish_every) and drop, and no
    /// request ever pays for a publish (a snapshot per engine, and the recorder's
    /// registration of new series).
    pub fn publish_from_hot_path(mut self, on: bool) -> Self {
        self.hot_path_publish = on;
        self
    }

    /// Adds a constant label to every metric (call before use).
    pub fn with_label(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.labels.push(Label::new(key, value.into()));
        self
    }

    /// Adds to the recorder's counters what the counters of every engine given this exporter
    /// grew by since the last publish. Cheap (a snapshot per engine); safe from any thread.
    pub fn publish(&self) {
        let mut guard = self.publisher.lock().unwrap_or_else(|e| e.into_inner());
        self.publish_into(&mut guard);
    }

    fn publish_into(&self, publisher: &mut Publisher) {
        let Publisher { attached, counters } = publisher;
        attached.retain_mut(|engine| {
            // Read before the snapshot: an engine dropped after it may still have counted.
            let engine_gone = Arc::strong_count(&engine.counters) == 1;
            if engine_gone {
                // `strong_count` is a relaxed load: see the dropped engine's last counts.
                fence(Acquire);
            }
            for (series, now) in series(&engine.counters.snapshot()) {
                let before = engine.published.entry(series).or_insert(0);
                counters
                    .entry(series)
                    .or_insert_with(|| self.register(series))
                    .increment(now.saturating_sub(*before));
                *before = now;
            }
            // A dropped engine's last figures are in: let its counters go.
            !engine_gone
        });
    }

    /// On the hot path, on a timed value: publish if a second has passed since the last time,
    /// unless another thread is publishing right now. Under sampling rates above one in
    /// [`TICK_CHECK_ONE_IN`], only some timed values look at the clock for it.
    fn tick(&self) {
        if !self.hot_path_publish {
            return;
        }
        let one_in = self.sample.map_or(TICK_ONE_IN, NonZeroU32::get);
        let look_one_in = (TICK_CHECK_ONE_IN / one_in).max(1);
        if look_one_in > 1 && !crate::timing::chance(u64::MAX / u64::from(look_one_in)) {
            return;
        }
        if claim(&self.next_publish_ms, AUTO_PUBLISH_MS) {
            let mut guard = match self.publisher.try_lock() {
                Ok(guard) => guard,
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => return,
            };
            self.publish_into(&mut guard);
        }
    }

    /// Publishes every `interval` from a background thread until the exporter is dropped
    /// (it holds only a weak reference). Handles resolve in the global recorder.
    pub fn publish_every(
        self: &Arc<Self>,
        interval: Duration,
    ) -> std::io::Result<std::thread::JoinHandle<()>> {
        let weak: Weak<Self> = Arc::downgrade(self);
        std::thread::Builder::new()
            .name("kvcodec-metrics".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(interval);
                    match weak.upgrade() {
                        Some(exporter) => exporter.publish(),
                        None => return,
                    }
                }
            })
    }

    fn register(&self, series: Series) -> Counter {
        let mut labels = self.labels.clone();
        if let Some(codec) = series.codec {
            labels.push(Label::new("codec", codec_label(codec)));
        }
        if let Some((key, value)) = series.label {
            labels.push(Label::new(key, value));
        }
        counter!(series.name, labels)
    }

    fn histograms(&self, id: CodecId) -> &Histograms {
        self.per_codec[usize::from(id.0)].get_or_init(|| {
            let mut labels = self.labels.clone();
            labels.push(Label::new("codec", codec_label(id)));
            Histograms {
                compress_seconds: histogram!("kvcodec_compress_seconds", labels.clone()),
                decompress_seconds: histogram!("kvcodec_decompress_seconds", labels.clone()),
                ratio: histogram!("kvcodec_compression_ratio", labels),
            }
        })
    }
}

impl Drop for MetricsExporter {
    fn drop(&mut self) {
        self.publish();
    }
}

impl Observer for MetricsExporter {
    fn attach(&self, counters: &Arc<Counters>) {
        let mut guard = self.publisher.lock().unwrap_or_else(|e| e.into_inner());
        if !guard
            .attached
            .iter()
            .any(|a| Arc::ptr_eq(&a.counters, counters))
        {
            // Counts from before the attach (a shared set) are published too.
            guard.attached.push(Attached {
                counters: counters.clone(),
                published: HashMap::new(),
            });
        }
    }

    fn timing(&self) -> Timing {
        match (self.sample, self.hot_path_publish) {
            (Some(n), _) => Timing::one_in(n.get()),
            (None, true) => Timing::one_in(TICK_ONE_IN),
            (None, false) => Timing::Never,
        }
    }

    fn compressed(&self, value: Transfer) {
        let Some(took) = value.took else { return };
        if self.sample.is_some() {
            let h = self.histograms(value.codec);
            h.compress_seconds.record(took.as_secs_f64());
            h.ratio
                .record(value.bytes_in as f64 / value.bytes_out.max(1) as f64);
        }
        self.tick();
    }

    fn decompressed(&self, value: Transfer) {
        let Some(took) = value.took else { return };
        if self.sample.is_some() {
            self.histograms(value.codec)
                .decompress_seconds
                .record(took.as_secs_f64());
        }
        self.tick();
    }
}
