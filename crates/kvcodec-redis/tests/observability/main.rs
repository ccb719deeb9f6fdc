//! Observability end to end: the figures `kvcodec::export::MetricsExporter` hands a real
//! `metrics-exporter-prometheus` recorder, the engine's own snapshots, the tracing events, and
//! the alert rules in `docs/alerts.yml` checked against what is really exported.
//!
//! Needs `kvcodec/metrics`, which this crate's `kvcodec` dev-dependency turns on for every test
//! build, so `cargo test --workspace --all-targets` runs these tests without `--features`.
//!
//! Every test takes [`serial`]: `kvcodec::counters::process_totals()` counts every engine of
//! the process, and the exact-count tests compare it before and after.

mod alerts;
mod counters_only;
mod exact_counts;
mod sampling;
mod tracing_events;
mod two_engines;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

use kvcodec::export::MetricsExporter;
use kvcodec::{CountersSnapshot, Engine};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusRecorder};

/// Bucket bounds for `kvcodec_compress_seconds` and `kvcodec_decompress_seconds` (the ones
/// docs/observability.md recommends; the latency alert's thresholds are among them).
pub const SECONDS_BUCKETS: [f64; 14] = [
    0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025,
    0.05, 0.1, 0.5,
];
/// Bucket bounds for `kvcodec_compression_ratio`.
pub const RATIO_BUCKETS: [f64; 11] = [1.0, 1.1, 1.2, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 20.0];

/// A Prometheus recorder (not installed globally) rendering the three histograms with buckets.
pub fn recorder() -> PrometheusRecorder {
    let buckets = [
        ("kvcodec_compress_seconds", &SECONDS_BUCKETS[..]),
        ("kvcodec_decompress_seconds", &SECONDS_BUCKETS[..]),
        ("kvcodec_compression_ratio", &RATIO_BUCKETS[..]),
    ];
    buckets
        .iter()
        .fold(PrometheusBuilder::new(), |b, (name, values)| {
            b.set_buckets_for_metric(Matcher::Full((*name).to_owned()), values)
                .expect("non-empty buckets")
        })
        .build_recorder()
}

/// Holds the lock that runs this binary's tests one at a time.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// An engine writing zstd level 3 (or lz4), decoding both, default policy (min size 64),
/// reporting to `exporter`. Use it and publish inside `metrics::with_local_recorder` so the
/// exporter registers there.
pub fn engine(
    writer: &str,
    max_decompressed_size: usize,
    exporter: &Arc<MetricsExporter>,
) -> Arc<Engine> {
    engine_timed(writer, max_decompressed_size, exporter, None)
}

/// [`engine`] with `EngineBuilder::measure_time(on)` when `measure_time` is `Some(on)`.
pub fn engine_timed(
    writer: &str,
    max_decompressed_size: usize,
    exporter: &Arc<MetricsExporter>,
    measure_time: Option<bool>,
) -> Arc<Engine> {
    let zstd = kvcodec_zstd::BACKEND.codec(Some(3)).unwrap();
    let lz4 = kvcodec_lz4::BACKEND.codec(None).unwrap();
    let (first, second) = match writer {
        "zstd" => (zstd, lz4),
        "lz4" => (lz4, zstd),
        other => panic!("expected writer zstd or lz4, found {other}"),
    };
    let engine = Engine::builder()
        .codec(first)
        .codec(second)
        .max_decompressed_size(max_decompressed_size)
        .observer(exporter.clone());
    let engine = match measure_time {
        Some(on) => engine.measure_time(on),
        None => engine,
    }
    .build()
    .unwrap();
    Arc::new(engine)
}

/// A value with a zstd header whose payload is not zstd: decodes as `corrupt`.
pub fn lookalike(tag: &str) -> Vec<u8> {
    let mut v = kvcodec::Header::new(kvcodec::CodecId::ZSTD)
        .to_bytes()
        .to_vec();
    v.extend_from_slice(format!("not zstd at all, {tag}").as_bytes());
    v
}

/// A stored lz4 value that declares `plain.len()` bytes: over a smaller limit, `size_limit`.
/// Written without an engine so no engine counts it.
pub fn lz4_stored(plain: &[u8]) -> Vec<u8> {
    let codec = kvcodec_lz4::BACKEND.codec(None).unwrap();
    let mut out = kvcodec::Header::new(kvcodec::CodecId::LZ4)
        .to_bytes()
        .to_vec();
    codec.compress(plain, &mut out).unwrap();
    out
}

/// The counters of a snapshot as `name → value` (times left out), to add and subtract them.
pub fn flat(s: &CountersSnapshot) -> BTreeMap<String, u64> {
    let mut m = BTreeMap::new();
    for c in &s.codecs {
        let name = c.codec.known_name().unwrap_or("other");
        m.insert(format!("{name}.compressed"), c.compress.values);
        m.insert(format!("{name}.compress.bytes_in"), c.compress.bytes_in);
        m.insert(format!("{name}.compress.bytes_out"), c.compress.bytes_out);
        m.insert(format!("{name}.decompressed"), c.decompress.values);
        m.insert(format!("{name}.decompress.bytes_in"), c.decompress.bytes_in);
        m.insert(
            format!("{name}.decompress.bytes_out"),
            c.decompress.bytes_out,
        );
        for (kind, n) in c.failures {
            m.insert(format!("{name}.failures.{}", kind.as_str()), n);
        }
    }
    for (reason, n) in s.skipped {
        m.insert(format!("skipped.{}", reason.as_str()), n);
    }
    m.insert("passthrough".into(), s.passthrough);
    m.insert("raw_fallbacks".into(), s.raw_fallbacks());
    m.retain(|_, n| *n != 0);
    m
}

/// `after - before`, key by key, zeros dropped.
pub fn delta(
    after: &BTreeMap<String, u64>,
    before: &BTreeMap<String, u64>,
) -> BTreeMap<String, u64> {
    let mut d: BTreeMap<String, u64> = after
        .iter()
        .map(|(k, v)| (k.clone(), v - before.get(k).copied().unwrap_or(0)))
        .collect();
    d.retain(|_, n| *n != 0);
    d
}

/// `a + b`, key by key.
pub fn sum(a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    let mut s = a.clone();
    for (k, v) in b {
        *s.entry(k.clone()).or_default() += v;
    }
    s
}

/// One sample of the Prometheus text format.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Metric name.
    pub name: String,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
    /// Its value.
    pub value: f64,
}

/// A parsed `/metrics` page.
#[derive(Debug)]
pub struct Scrape {
    /// The page as served.
    pub text: String,
    /// Every sample on it.
    pub samples: Vec<Sample>,
    /// Metric families from the `# TYPE` lines, with their type.
    pub types: BTreeMap<String, String>,
}

impl Scrape {
    /// Parses the text exposition format (as `metrics-exporter-prometheus` renders it).
    pub fn parse(text: &str) -> Scrape {
        let mut samples = Vec::new();
        let mut types = BTreeMap::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let (name, kind) = rest.split_once(' ').expect("`# TYPE name kind`");
                types.insert(name.to_owned(), kind.to_owned());
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            let (series, value) = line.rsplit_once(' ').expect("`series value`");
            let value: f64 = match value {
                "+Inf" => f64::INFINITY,
                v => v
                    .parse()
                    .unwrap_or_else(|e| panic!("value of {line:?}: {e}")),
            };
            let (name, labels) = match series.split_once('{') {
                None => (series.to_owned(), BTreeMap::new()),
                Some((name, rest)) => {
                    let body = rest.strip_suffix('}').expect("labels end with `}`");
                    (name.to_owned(), parse_labels(body))
                }
            };
            samples.push(Sample {
                name,
                labels,
                value,
            });
        }
        Scrape {
            text: text.to_owned(),
            samples,
            types,
        }
    }

    /// What `recorder` renders now.
    pub fn of(recorder: &PrometheusRecorder) -> Scrape {
        Scrape::parse(&recorder.handle().render())
    }

    /// The value of the series `name` whose labels are exactly `labels`, if there is one.
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        let want: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.samples
            .iter()
            .find(|s| s.name == name && s.labels == want)
            .map(|s| s.value)
    }

    /// The value of the series `name` whose labels are exactly `labels`.
    ///
    /// # Panics
    /// If there is none, listing the series of that name.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.get(name, labels).unwrap_or_else(|| {
            let have: Vec<_> = self.series(name).map(|s| &s.labels).collect();
            panic!("expected series {name}{labels:?}; found {name} with labels {have:?}")
        })
    }

    /// Every sample of `name`.
    pub fn series<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Sample> + 'a {
        self.samples.iter().filter(move |s| s.name == name)
    }

    /// Sample names, including `_bucket`/`_sum`/`_count`.
    pub fn names(&self) -> BTreeSet<&str> {
        self.samples.iter().map(|s| s.name.as_str()).collect()
    }
}

/// `k="v",k2="v2"` with `\\`, `\"` and `\n` escapes in values.
fn parse_labels(body: &str) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::new();
    let mut chars = body.chars().peekable();
    while chars.peek().is_some() {
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        assert_eq!(
            chars.next(),
            Some('"'),
            "label {key} opens with a quote in {body:?}"
        );
        let mut value = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => value.push('\n'),
                    Some(other) => value.push(other),
                    None => panic!("dangling escape in {body:?}"),
                },
                c => value.push(c),
            }
        }
        labels.insert(key.trim().to_owned(), value);
        if chars.peek() == Some(&',') {
            chars.next();
        }
    }
    labels
}
