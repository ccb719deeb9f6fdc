//! What `kvcodec::export::MetricsExporter` costs per value: encode + decode of 1 KiB JSON with
//! zstd level 3 and lz4, by an engine with no observer and by engines reporting to the exporter
//! under a Prometheus recorder (installed globally, as an application does; histograms with
//! buckets; publish and upkeep between rounds as a scrape would run them).
//!
//! Run: `cargo bench -p kvcodec-redis --bench observer_overhead`
//! (`KVCODEC_BENCH_ROUNDS`, default 100; `KVCODEC_BENCH_ITERS` per cell and round, default 5000).
//! Without `--bench` (as under `cargo test --all-targets`) it runs 2 short rounds and only
//! checks that every value was exported and that the default exporter's histograms got
//! samples from encodes and decodes.
//!
//! Four engines per codec — no observer; the default exporter (histograms from one value in 64,
//! sampled at random); the exporter timing every value (`sample_one_in(1)`); the exporter without
//! histograms — run interleaved, round by round, rotating which goes first, so machine noise
//! hits them alike. The overhead is the median over rounds of (observed / none − 1).

use std::hint::black_box;
use std::sync::Arc;

use kvcodec::export::MetricsExporter;
use kvcodec::{Codec, Engine};
use kvcodec_tests::json_value;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

const SECONDS_BUCKETS: [f64; 14] = [
    0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025,
    0.05, 0.1, 0.5,
];
const RATIO_BUCKETS: [f64; 11] = [1.0, 1.1, 1.2, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 20.0];

fn install() -> PrometheusHandle {
    let mut builder = PrometheusBuilder::new();
    for (name, buckets) in [
        ("kvcodec_compress_seconds", &SECONDS_BUCKETS[..]),
        ("kvcodec_decompress_seconds", &SECONDS_BUCKETS[..]),
        ("kvcodec_compression_ratio", &RATIO_BUCKETS[..]),
    ] {
        builder = builder
            .set_buckets_for_metric(Matcher::Full(name.into()), buckets)
            .unwrap();
    }
    builder.install_recorder().unwrap()
}

/// The engines compared, all writing and reading with `codec`.
const CELLS: [&str; 4] = [
    "no observer",
    "exporter (default: 1 in 64 timed)",
    "exporter, every value timed",
    "exporter without histograms",
];

/// The engines of [`CELLS`], and the exporters of the last three.
fn engines(codec: &Arc<dyn Codec>) -> ([Engine; 4], [Arc<MetricsExporter>; 3]) {
    let build = |exporter: Option<&Arc<MetricsExporter>>| {
        let mut builder = Engine::builder().codec(codec.clone());
        if let Some(exporter) = exporter {
            builder = builder.observer(exporter.clone());
        }
        builder.build().unwrap()
    };
    let exporters = [
        MetricsExporter::new().with_label("cell", "default"),
        MetricsExporter::new()
            .with_label("cell", "every")
            .sample_one_in(1),
        MetricsExporter::new()
            .with_label("cell", "counters")
            .without_histograms(),
    ]
    .map(Arc::new);
    let engines = [
        build(None),
        build(Some(&exporters[0])),
        build(Some(&exporters[1])),
        build(Some(&exporters[2])),
    ];
    (engines, exporters)
}

/// CPU time this thread has run, in ns (`CLOCK_THREAD_CPUTIME_ID`): time spent preempted by
/// other processes on a busy machine is not counted.
fn cpu_ns() -> i128 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    i128::from(t.tv_sec) * 1_000_000_000 + i128::from(t.tv_nsec)
}

/// CPU nanoseconds per encode + decode over `iters` values.
fn run(engine: &Engine, values: &[Vec<u8>], iters: usize) -> f64 {
    let start = cpu_ns();
    for i in 0..iters {
        let value = &values[i % values.len()];
        let stored = engine.encode(value).unwrap();
        let plain = engine.decode(&stored).unwrap();
        black_box(plain.len());
    }
    (cpu_ns() - start) as f64 / iters as f64
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let benching = std::env::args().any(|a| a == "--bench");
    let (rounds, iters) = if benching {
        (
            env("KVCODEC_BENCH_ROUNDS", 100),
            env("KVCODEC_BENCH_ITERS", 5_000),
        )
    } else {
        (2, 1000)
    };
    let handle = install();
    // Values each Prometheus-observed engine handles: the warm-up, then every round.
    let observed_ops = (rounds * iters + iters / 10 + 1) as u64;
    let values: Vec<Vec<u8>> = (0..64).map(|s| json_value(1024, s)).collect();
    let codecs: [(&str, Arc<dyn Codec>); 2] = [
        ("zstd-3", kvcodec_zstd::BACKEND.codec(Some(3)).unwrap()),
        ("lz4", kvcodec_lz4::BACKEND.codec(None).unwrap()),
    ];

    println!(
        "| codec | {} CPU ns/op | {} CPU ns/op (vs none) | {} CPU ns/op (vs none) | {} CPU ns/op (vs none) |",
        CELLS[0], CELLS[1], CELLS[2], CELLS[3]
    );
    println!("|---|---:|---:|---:|---:|");
    for (name, codec) in &codecs {
        let (engines, exporters) = engines(codec);
        for engine in &engines {
            run(engine, &values, iters / 10 + 1); // warm-up
        }
        let mut ns: [Vec<f64>; 4] = Default::default();
        let mut overhead: [Vec<f64>; 4] = Default::default();
        for round in 0..rounds {
            let mut this = [0.0; 4];
            for k in 0..4 {
                let cell = (round + k) % 4; // rotate which cell goes first
                this[cell] = run(&engines[cell], &values, iters);
            }
            for cell in 0..4 {
                ns[cell].push(this[cell]);
                overhead[cell].push(this[cell] / this[0] - 1.0);
            }
            // A scrape: publish the counters, drain the histogram samples.
            exporters.iter().for_each(|e| e.publish());
            handle.run_upkeep();
        }
        let [none, default, every, counters] = ns.map(median);
        let [_, default_pct, every_pct, counters_pct] = overhead.map(|o| 100.0 * median(o));
        println!(
            "| {name} | {none:.0} | {default:.0} ({default_pct:+.2} %, {:+.0} ns) | {every:.0} ({every_pct:+.2} %, {:+.0} ns) | {counters:.0} ({counters_pct:+.2} %, {:+.0} ns) |",
            default - none,
            every - none,
            counters - none
        );
        // Every value the observed engines handled was counted.
        for engine in &engines[1..] {
            let m = engine.counters().snapshot();
            assert_eq!(
                (m.compressed(), m.decompressed()),
                (observed_ops, observed_ops),
                "{name}"
            );
        }
    }
    // ... and exported, by each exporter, for each codec.
    let page = handle.render();
    for codec in ["zstd", "lz4"] {
        for cell in ["default", "every", "counters"] {
            let line = format!(
                "kvcodec_values_total{{cell=\"{cell}\",codec=\"{codec}\",operation=\"compress\"}} "
            );
            let exported = page
                .lines()
                .find_map(|l| l.strip_prefix(line.as_str()))
                .unwrap_or_else(|| panic!("expected {line:?} in:\n{page}"));
            assert_eq!(exported, observed_ops.to_string());
        }
        // The default exporter's histograms got samples from encodes and decodes alike.
        for histogram in ["kvcodec_compress_seconds", "kvcodec_decompress_seconds"] {
            let line = format!("{histogram}_count{{cell=\"default\",codec=\"{codec}\"}} ");
            let samples: u64 = page
                .lines()
                .find_map(|l| l.strip_prefix(line.as_str()))
                .unwrap_or_else(|| panic!("expected {line:?} in:\n{page}"))
                .parse()
                .unwrap();
            assert!(samples > 0, "{line}{samples}");
        }
    }
}
