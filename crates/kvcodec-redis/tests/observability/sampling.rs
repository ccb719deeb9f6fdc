//! Histograms sample one value in N per thread while the counters stay exact; counters
//! appear when published — by hand, in the background, or when the exporter is dropped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use kvcodec::export::MetricsExporter;
use kvcodec_redis::Compression;
use kvcodec_tests::{Server, ServerKind, json_value};
use redis::Commands;

use crate::{Scrape, engine, recorder, serial};

#[test]
fn histograms_sample_one_value_in_n_counters_stay_exact() {
    let _serial = serial();
    let server = Server::start(ServerKind::Valkey);
    let recorder = recorder();
    const N: usize = 40;
    let (before_publish, after) = std::thread::scope(|s| {
        // A fresh thread: its sampling countdown starts with the first value it handles.
        s.spawn(|| {
            metrics::with_local_recorder(&recorder, || {
                let exporter = Arc::new(MetricsExporter::new().sample_one_in(8));
                let engine = engine("zstd", 1 << 20, &exporter);
                let mut con = Compression::new(engine).wrap(server.connection());
                for i in 0..N {
                    let _: () = con
                        .set(format!("doc:{i}"), json_value(1500, i as u64))
                        .unwrap();
                }
                for i in 0..N {
                    let back: Vec<u8> = con.get(format!("doc:{i}")).unwrap();
                    assert_eq!(back, json_value(1500, i as u64));
                }
                let before_publish = Scrape::parse(&recorder.handle().render());
                exporter.publish();
                (before_publish, Scrape::parse(&recorder.handle().render()))
            })
        })
        .join()
        .unwrap()
    });
    assert_eq!(
        before_publish.series("kvcodec_values_total").count(),
        0,
        "counters appear on publish"
    );
    let zstd = |op| [("codec", "zstd"), ("operation", op)];
    assert_eq!(after.value("kvcodec_values_total", &zstd("compress")), 40.0);
    assert_eq!(
        after.value("kvcodec_values_total", &zstd("decompress")),
        40.0
    );
    // 80 values timed one in 8 on one thread: values 0, 8, …, 32 of the SETs and
    // 40, 48, …, 72 (the GETs) — 5 samples each.
    for name in [
        "kvcodec_compress_seconds_count",
        "kvcodec_compression_ratio_count",
        "kvcodec_decompress_seconds_count",
    ] {
        assert_eq!(after.value(name, &[("codec", "zstd")]), 5.0, "{name}");
    }
}

#[test]
fn publishing_adds_only_what_grew_and_dropping_publishes_the_rest() {
    let _serial = serial();
    let recorder = recorder();
    let value = |name, op| {
        let scrape = Scrape::parse(&recorder.handle().render());
        scrape.value(name, &[("codec", "lz4"), ("operation", op)])
    };
    metrics::with_local_recorder(&recorder, || {
        let exporter = Arc::new(MetricsExporter::new().without_histograms());
        let engine = engine("lz4", 1 << 20, &exporter);
        let docs: Vec<Vec<u8>> = (0..5).map(|i| json_value(3000, i)).collect();
        for doc in &docs[..3] {
            engine.encode(doc).unwrap();
        }
        exporter.publish();
        exporter.publish();
        assert_eq!(value("kvcodec_values_total", "compress"), 3.0);
        let bytes_in: usize = docs[..3].iter().map(Vec::len).sum();
        assert_eq!(value("kvcodec_bytes_in_total", "compress"), bytes_in as f64);
        for doc in &docs[3..] {
            engine.encode(doc).unwrap();
        }
        // The engine holds the exporter: the last one dropped publishes.
        drop(exporter);
        drop(engine);
    });
    assert_eq!(value("kvcodec_values_total", "compress"), 5.0);
}

#[test]
fn publish_every_publishes_from_a_background_thread() {
    let _serial = serial();
    let recorder = recorder();
    let handle = recorder.handle();
    // The background thread sees the global recorder; no other test in this binary sets one.
    metrics::set_global_recorder(recorder).expect("no global recorder yet");
    let exporter = Arc::new(MetricsExporter::new().with_label("client", "background"));
    let engine = engine("zstd", 1 << 20, &exporter);
    let publisher = exporter.publish_every(Duration::from_millis(20)).unwrap();
    for i in 0..7 {
        engine.encode(&json_value(2000, i)).unwrap();
    }
    let labels = [
        ("client", "background"),
        ("codec", "zstd"),
        ("operation", "compress"),
    ];
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let scrape = Scrape::parse(&handle.render());
        let published = scrape
            .series("kvcodec_values_total")
            .find(|s| {
                s.labels.len() == 3
                    && labels
                        .iter()
                        .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
            })
            .map(|s| s.value);
        if published == Some(7.0) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "expected 7 values published within 10 s, found {published:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    drop(engine);
    drop(exporter);
    publisher
        .join()
        .expect("the publisher ends with the exporter");
}
