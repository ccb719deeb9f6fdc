//! What `kvcodec::export::MetricsExporter` costs per value: encode + decode of 1 KiB JSON with
//! zstd level 3 and lz4, by an engine with no observer and by one reporting to the exporter
//! under a Prometheus recorder (installed globally, as an application does; histograms with
//! buckets, upkeep between rounds as the HTTP listener would run it).
//!
//! Run: `cargo bench -p kvcodec-redis --bench observer_overhead`
//! (`KVCODEC_BENCH_ROUNDS`, default 40; `KVCODEC_BENCH_ITERS` per cell and round, default 20000).
//! Without `--bench` (as under `cargo test --all-targets`) it runs 2 short rounds and only
//! checks that every value was exported.
//!
//! The two engines run interleaved, round by round, alternating which goes first, so machine
//! noise hits both alike. The overhead is the median over rounds of (observed / plain − 1).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

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

fn engine(codec: Arc<dyn Codec>, observed: bool) -> Engine {
    let mut builder = Engine::builder().codec(codec).unwrap();
    if observed {
        builder = builder.observer(Arc::new(MetricsExporter::new()));
    }
    builder.build().unwrap()
}

/// Nanoseconds per encode + decode over `iters` values.
fn run(engine: &Engine, values: &[Vec<u8>], iters: usize) -> f64 {
    let start = Instant::now();
    for i in 0..iters {
        let value = &values[i % values.len()];
        let stored = engine.encode(value).unwrap();
        let plain = engine.decode(&stored).unwrap();
        black_box(plain.len());
    }
    start.elapsed().as_nanos() as f64 / iters as f64
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
            env("KVCODEC_BENCH_ROUNDS", 40),
            env("KVCODEC_BENCH_ITERS", 20_000),
        )
    } else {
        (2, 200)
    };
    let handle = install();
    let values: Vec<Vec<u8>> = (0..64).map(|s| json_value(1024, s)).collect();
    let codecs: [(&str, Arc<dyn Codec>); 2] = [
        ("zstd-3", kvcodec_zstd::BACKEND.codec(Some(3)).unwrap()),
        ("lz4", kvcodec_lz4::BACKEND.codec(None).unwrap()),
    ];

    println!("| codec | no observer ns/op | MetricsExporter ns/op | overhead (median of rounds) |");
    println!("|---|---:|---:|---:|");
    for (name, codec) in &codecs {
        let plain = engine(codec.clone(), false);
        let observed = engine(codec.clone(), true);
        // Warm up both (allocator, zstd contexts, the exporter's handles).
        run(&plain, &values, iters / 10 + 1);
        run(&observed, &values, iters / 10 + 1);
        let (mut a, mut b, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let (x, y) = if round % 2 == 0 {
                let x = run(&plain, &values, iters);
                (x, run(&observed, &values, iters))
            } else {
                let y = run(&observed, &values, iters);
                (run(&plain, &values, iters), y)
            };
            a.push(x);
            b.push(y);
            ratios.push(y / x - 1.0);
            handle.run_upkeep(); // drains histogram samples, as the listener does
        }
        println!(
            "| {name} | {:.0} | {:.0} | {:+.2} % |",
            median(a),
            median(b),
            100.0 * median(ratios)
        );
        // Every observed value reached the recorder.
        let want = (rounds * iters + iters / 10 + 1) as u64;
        let m = observed.metrics().snapshot();
        assert_eq!((m.compressed(), m.decompressed()), (want, want), "{name}");
    }
    let page = handle.render();
    for codec in ["zstd", "lz4"] {
        let line = format!("kvcodec_values_total{{codec=\"{codec}\",operation=\"compress\"}} ");
        let exported = page
            .lines()
            .find_map(|l| l.strip_prefix(line.as_str()))
            .unwrap_or_else(|| panic!("expected {line:?} in:\n{page}"));
        assert_eq!(
            exported,
            ((rounds * iters + iters / 10 + 1) as u64).to_string()
        );
    }
}
