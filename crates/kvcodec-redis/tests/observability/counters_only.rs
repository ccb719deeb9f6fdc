//! `MetricsExporter::without_histograms()`: the counters, no histograms.

use std::sync::Arc;

use kvcodec::CodecId;
use kvcodec::export::MetricsExporter;
use kvcodec_tests::json_value;

use crate::{engine, engine_timed, recorder, serial};

#[test]
fn counters_without_histograms() {
    let _serial = serial();
    let recorder = recorder();
    let handle = recorder.handle();
    let engine = metrics::with_local_recorder(&recorder, || {
        let exporter = Arc::new(MetricsExporter::new().without_histograms());
        let engine = engine("zstd", 1 << 20, &exporter);
        for i in 0..5 {
            let value = json_value(2000, i);
            let stored = engine.encode(&value).unwrap();
            assert_eq!(engine.decode(&stored).unwrap().len(), 2000);
        }
        exporter.publish();
        engine
    });
    let page = handle.render();
    let line = |name: &str| {
        page.lines()
            .find(|l| l.starts_with(name))
            .map(str::to_owned)
    };
    assert_eq!(
        line("kvcodec_values_total{codec=\"zstd\",operation=\"compress\"}").as_deref(),
        Some("kvcodec_values_total{codec=\"zstd\",operation=\"compress\"} 5"),
        "{page}"
    );
    for histogram in [
        "kvcodec_compress_seconds",
        "kvcodec_decompress_seconds",
        "kvcodec_compression_ratio",
    ] {
        assert!(
            line(&format!("{histogram}_count")).is_none(),
            "{histogram} exported:\n{page}"
        );
    }
    // The engine timed a few values at most (publish chances), not every one: its own time
    // totals stay zero.
    let snapshot = engine.counters().snapshot();
    let zstd = snapshot.codec(CodecId::ZSTD).unwrap();
    assert_eq!((zstd.compress.values, zstd.decompress.values), (5, 5));
    assert!(zstd.compress.time.is_zero() && zstd.decompress.time.is_zero());
}

#[test]
fn measure_time_does_not_bring_histograms_back() {
    let _serial = serial();
    let recorder = recorder();
    let engine = metrics::with_local_recorder(&recorder, || {
        let exporter = Arc::new(MetricsExporter::new().without_histograms());
        let engine = engine_timed("zstd", 1 << 20, &exporter, Some(true));
        for i in 0..20 {
            let value = json_value(2000, i);
            let stored = engine.encode(&value).unwrap();
            assert_eq!(engine.decode(&stored).unwrap().len(), 2000);
        }
        exporter.publish();
        engine
    });
    let scrape = crate::Scrape::of(&recorder);
    let labels = [("codec", "zstd"), ("operation", "decompress")];
    assert_eq!(scrape.value("kvcodec_values_total", &labels), 20.0);
    let histograms: Vec<&str> = scrape
        .names()
        .into_iter()
        .filter(|n| n.ends_with("_seconds_count") || n.ends_with("_ratio_count"))
        .collect();
    assert!(histograms.is_empty(), "histograms exported: {histograms:?}");
    // Every value was timed, for the engine's own totals.
    let zstd = engine.counters().snapshot();
    let zstd = zstd.codec(CodecId::ZSTD).unwrap();
    assert!(!zstd.compress.time.is_zero() && !zstd.decompress.time.is_zero());
}
