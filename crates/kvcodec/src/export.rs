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
//! | `kvcodec_decode_failures_total` | counter | `codec`, `kind` ([`FailureKind::as_str`]) |
//! | `kvcodec_size_limit_rejections_total` | counter | `codec` |
//! | `kvcodec_raw_fallbacks_total` | counter | `codec` |
//! | `kvcodec_compress_seconds` | histogram | `codec` |
//! | `kvcodec_decompress_seconds` | histogram | `codec` |
//! | `kvcodec_compression_ratio` | histogram | `codec` — plain / stored, per compressed value |
//!
//! `codec` is the backend name (`zstd`, `lz4`, `snappy`, `deflate`) or the id in hex
//! (`0x80`). Extra constant labels (say `client="orders"`) tell several engines apart.
//!
//! # What it costs, and when figures appear
//!
//! The counters are not counted twice: the engine keeps its own ([`crate::Metrics`]), and
//! [`MetricsExporter::publish`] adds what they grew by since the last publish to the
//! recorder's counters. Call it before rendering a scrape, or let
//! [`MetricsExporter::publish_every`] do it in the background; dropping the exporter (with its
//! last engine) publishes once more, so nothing counted is lost.
//!
//! The histograms are fed on the hot path, from the values the engine times: one in
//! [`DEFAULT_SAMPLE_ONE_IN`] per thread by default ([`MetricsExporter::sample_one_in`]; `1`
//! times every value). Their `_count` is the number of values sampled, not of values — count
//! values with `kvcodec_values_total`. Percentiles and means of a 1-in-N sample are unbiased.
//!
//! Install the recorder (e.g. `metrics-exporter-prometheus`) **before** the first publish and
//! the first value: handles are resolved once (counters on the first publish, histograms on a
//! codec's first sample). Under `metrics::with_local_recorder`, run the engine and publish
//! inside the closure.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use metrics::{Counter, Histogram, Label, counter, histogram};

use crate::metrics::Metrics;
use crate::{CodecId, Observer, Timing};

mod names;
use names::{Series, codec_label, describe, series};

/// By default the histograms sample one value in 64 per thread: at a 1 KiB lz4 encode + decode
/// the exporter then costs about 1 % (every value: about 10 %); see docs/observability.md.
pub const DEFAULT_SAMPLE_ONE_IN: u32 = 64;

struct Histograms {
    compress_seconds: Histogram,
    decompress_seconds: Histogram,
    ratio: Histogram,
}

/// An engine's counters and what of them is already published.
struct Attached {
    metrics: Arc<Metrics>,
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
    timing: Timing,
    histograms: Box<[OnceLock<Histograms>]>,
    publisher: Mutex<Publisher>,
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
            .field("timing", &self.timing)
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
            timing: Timing::one_in(DEFAULT_SAMPLE_ONE_IN),
            histograms: (0..256).map(|_| OnceLock::new()).collect(),
            publisher: Mutex::default(),
        }
    }

    /// Times one value in `n` per thread into the histograms (`1`: every value, and their
    /// `_count` equals the values counted).
    pub fn sample_one_in(mut self, n: u32) -> Self {
        self.timing = Timing::one_in(n);
        self
    }

    /// Counters only: no time or ratio histograms, and the engine then reads no clock. The
    /// latency alert needs the histograms.
    pub fn without_histograms(mut self) -> Self {
        self.timing = Timing::Never;
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
        let Publisher { attached, counters } = &mut *guard;
        for engine in attached.iter_mut() {
            for (series, now) in series(&engine.metrics.snapshot()) {
                let before = engine.published.entry(series).or_insert(0);
                let grown = now.saturating_sub(*before);
                *before = now;
                counters
                    .entry(series)
                    .or_insert_with(|| self.register(series))
                    .increment(grown);
            }
        }
        // Engines dropped since: their last figures are in; let their counters go.
        attached.retain(|engine| Arc::strong_count(&engine.metrics) > 1);
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
        self.histograms[usize::from(id.0)].get_or_init(|| {
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
    fn attach(&self, metrics: &Arc<Metrics>) {
        let mut guard = self.publisher.lock().unwrap_or_else(|e| e.into_inner());
        if !guard
            .attached
            .iter()
            .any(|a| Arc::ptr_eq(&a.metrics, metrics))
        {
            // Counts from before the attach (a shared set) are published too.
            guard.attached.push(Attached {
                metrics: metrics.clone(),
                published: HashMap::new(),
            });
        }
    }

    fn timing(&self) -> Timing {
        self.timing
    }

    fn compressed(
        &self,
        codec: CodecId,
        bytes_in: usize,
        bytes_out: usize,
        took: Option<Duration>,
    ) {
        if let Some(took) = took {
            let h = self.histograms(codec);
            h.compress_seconds.record(took.as_secs_f64());
            h.ratio.record(bytes_in as f64 / bytes_out.max(1) as f64);
        }
    }

    fn decompressed(
        &self,
        codec: CodecId,
        _bytes_in: usize,
        _bytes_out: usize,
        took: Option<Duration>,
    ) {
        if let Some(took) = took {
            self.histograms(codec)
                .decompress_seconds
                .record(took.as_secs_f64());
        }
    }
}
