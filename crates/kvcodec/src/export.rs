//! [`MetricsExporter`]: kvcodec's figures through the `metrics` facade (feature `metrics`).
//!
//! # Names and labels (stable)
//!
//! | name | type | labels |
//! |---|---|---|
//! | `kvcodec_values_total` | counter | `codec`, `operation` (`compress`/`decompress`) |
//! | `kvcodec_bytes_in_total` | counter | `codec`, `operation` — plain bytes for compress, stored bytes for decompress |
//! | `kvcodec_bytes_out_total` | counter | `codec`, `operation` — stored bytes for compress, plain bytes for decompress |
//! | `kvcodec_skipped_total` | counter | `reason` ([`SkipReason::as_str`]) |
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
//! Install the recorder (e.g. `metrics-exporter-prometheus`) **before** the engine handles its
//! first value: handles are resolved once, on first use (per codec; the skip counters on the
//! first skip), so the per-value cost is a few atomic operations. Under
//! `metrics::with_local_recorder`, create the exporter and run the engine inside the closure.

use std::sync::OnceLock;
use std::time::Duration;

use metrics::{
    Counter, Histogram, Label, counter, describe_counter, describe_histogram, histogram,
};

use crate::{CodecId, FailureKind, Observer, SkipReason};

struct CodecHandles {
    compressed: Counter,
    compress_in: Counter,
    compress_out: Counter,
    decompressed: Counter,
    decompress_in: Counter,
    decompress_out: Counter,
    failures: Vec<Counter>,
    size_limit: Counter,
    raw_fallbacks: Counter,
    compress_seconds: Histogram,
    decompress_seconds: Histogram,
    ratio: Histogram,
}

/// An [`Observer`] that records every event under the names above.
///
/// ```
/// use std::sync::Arc;
/// let exporter = kvcodec::export::MetricsExporter::new().with_label("client", "orders");
/// let engine = kvcodec::Engine::builder().observer(Arc::new(exporter)).build().unwrap();
/// # let _ = engine;
/// ```
pub struct MetricsExporter {
    labels: Vec<Label>,
    codecs: Box<[OnceLock<CodecHandles>]>,
    skipped: OnceLock<Vec<Counter>>,
    histograms: bool,
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
            .finish_non_exhaustive()
    }
}

fn codec_label(id: CodecId) -> String {
    match id.known_name() {
        Some(name) => name.to_owned(),
        None => format!("{:#04x}", id.0),
    }
}

impl MetricsExporter {
    /// An exporter with no extra labels. Describes the metrics (`# HELP`) to the current
    /// recorder; registers series on first use.
    pub fn new() -> Self {
        describe();
        MetricsExporter {
            labels: Vec::new(),
            codecs: (0..256).map(|_| OnceLock::new()).collect(),
            skipped: OnceLock::new(),
            histograms: true,
        }
    }

    /// Counters only: no time or ratio histograms, and the engine then reads no clock. Costs
    /// a few counter adds per value instead of also three histogram samples (see
    /// docs/observability.md for both measured); the latency alert needs the histograms.
    pub fn without_histograms(mut self) -> Self {
        self.histograms = false;
        self
    }

    /// Adds a constant label to every metric (call before use).
    pub fn with_label(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.labels.push(Label::new(key, value.into()));
        self
    }

    fn skipped(&self, reason: SkipReason) -> &Counter {
        let all = self.skipped.get_or_init(|| {
            SkipReason::ALL
                .iter()
                .map(|r| {
                    let mut labels = self.labels.clone();
                    labels.push(Label::new("reason", r.as_str()));
                    counter!("kvcodec_skipped_total", labels)
                })
                .collect()
        });
        &all[reason.index()]
    }

    /// A registered histogram, or a no-op one (never exported) without histograms.
    fn histogram(&self, name: &'static str, labels: Vec<Label>) -> Histogram {
        if self.histograms {
            histogram!(name, labels)
        } else {
            Histogram::noop()
        }
    }

    fn codec(&self, id: CodecId) -> &CodecHandles {
        self.codecs[usize::from(id.0)].get_or_init(|| {
            let with = |pairs: &[(&'static str, &str)]| {
                let mut labels = self.labels.clone();
                labels.push(Label::new("codec", codec_label(id)));
                labels.extend(pairs.iter().map(|(k, v)| Label::new(*k, v.to_string())));
                labels
            };
            let op = |o: &str| with(&[("operation", o)]);
            CodecHandles {
                compressed: counter!("kvcodec_values_total", op("compress")),
                compress_in: counter!("kvcodec_bytes_in_total", op("compress")),
                compress_out: counter!("kvcodec_bytes_out_total", op("compress")),
                decompressed: counter!("kvcodec_values_total", op("decompress")),
                decompress_in: counter!("kvcodec_bytes_in_total", op("decompress")),
                decompress_out: counter!("kvcodec_bytes_out_total", op("decompress")),
                failures: FailureKind::ALL
                    .iter()
                    .map(|k| {
                        counter!(
                            "kvcodec_decode_failures_total",
                            with(&[("kind", k.as_str())])
                        )
                    })
                    .collect(),
                size_limit: counter!("kvcodec_size_limit_rejections_total", with(&[])),
                raw_fallbacks: counter!("kvcodec_raw_fallbacks_total", with(&[])),
                compress_seconds: self.histogram("kvcodec_compress_seconds", with(&[])),
                decompress_seconds: self.histogram("kvcodec_decompress_seconds", with(&[])),
                ratio: self.histogram("kvcodec_compression_ratio", with(&[])),
            }
        })
    }
}

/// The `# HELP` text of every metric. No units: an exporter that appends unit suffixes (say
/// `with_recommended_naming`) would otherwise rename `kvcodec_bytes_in_total`.
fn describe() {
    let help = [
        ("kvcodec_values_total", "Values compressed or decoded."),
        (
            "kvcodec_bytes_in_total",
            "Bytes into compress (plain) or decompress (stored).",
        ),
        (
            "kvcodec_bytes_out_total",
            "Bytes out of compress (stored) or decompress (plain).",
        ),
        ("kvcodec_skipped_total", "Values stored plain, by reason."),
        (
            "kvcodec_decode_failures_total",
            "Stored values with a header that failed to decode.",
        ),
        (
            "kvcodec_size_limit_rejections_total",
            "Values refused for max_decompressed_size.",
        ),
        (
            "kvcodec_raw_fallbacks_total",
            "Undecodable values returned as stored.",
        ),
    ];
    for (name, text) in help {
        describe_counter!(name, text);
    }
    describe_histogram!("kvcodec_compress_seconds", "Time to compress one value.");
    describe_histogram!("kvcodec_decompress_seconds", "Time to decode one value.");
    describe_histogram!(
        "kvcodec_compression_ratio",
        "Plain / stored bytes per compressed value."
    );
}

impl Observer for MetricsExporter {
    fn wants_time(&self) -> bool {
        self.histograms
    }

    fn compressed(&self, codec: CodecId, bytes_in: usize, bytes_out: usize, took: Duration) {
        let h = self.codec(codec);
        h.compressed.increment(1);
        h.compress_in.increment(bytes_in as u64);
        h.compress_out.increment(bytes_out as u64);
        h.compress_seconds.record(took.as_secs_f64());
        h.ratio.record(bytes_in as f64 / bytes_out.max(1) as f64);
    }

    fn skipped(&self, reason: SkipReason) {
        MetricsExporter::skipped(self, reason).increment(1);
    }

    fn decompressed(&self, codec: CodecId, bytes_in: usize, bytes_out: usize, took: Duration) {
        let h = self.codec(codec);
        h.decompressed.increment(1);
        h.decompress_in.increment(bytes_in as u64);
        h.decompress_out.increment(bytes_out as u64);
        h.decompress_seconds.record(took.as_secs_f64());
    }

    fn failed(&self, codec: CodecId, kind: FailureKind, raw_fallback: bool) {
        let h = self.codec(codec);
        h.failures[kind.index()].increment(1);
        if kind == FailureKind::SizeLimit {
            h.size_limit.increment(1);
        }
        if raw_fallback {
            h.raw_fallbacks.increment(1);
        }
    }
}
