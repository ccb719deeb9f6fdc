//! Histograms sample values while the counters stay exact; counters appear when published —
//! from the hot path once a second, by hand, in the background, or when the exporter is
//! dropped.

use std::sync::Arc;
use std::time::{Duration, Instant};

use kvcodec::export::MetricsExporter;
use kvcodec_redis::Compression;
use kvcodec_tests::{Server, ServerKind, json_value};
use redis::Commands;

use crate::{Scrape, engine, recorder, serial};

#[test]
fn histograms_sample_values_counters_stay_exact() {
    let _serial = serial();
    let server = Server::start(ServerKind::Valkey);
    let recorder = recorder();
    const N: usize = 2000;
    let scrape = metrics::with_local_recorder(&recorder, || {
        let exporter = Arc::new(MetricsExporter::new());
        let engine = engine("zstd", 1 << 20, &exporter);
        let mut con = Compression::new(engine).wrap(server.connection());
        // SET and GET alternate: a sampler that aliased with the workload would time only one.
        for i in 0..N {
            let doc = json_value(1100, i as u64 % 50);
            let _: () = con.set(format!("doc:{i}"), &doc).unwrap();
            let back: Vec<u8> = con.get(format!("doc:{i}")).unwrap();
            assert_eq!(back, doc);
        }
        exporter.publish();
        Scrape::of(&recorder)
    });
    let zstd = |op| [("codec", "zstd"), ("operation", op)];
    assert_eq!(
        scrape.value("kvcodec_values_total", &zstd("compress")),
        N as f64
    );
    assert_eq!(
        scrape.value("kvcodec_values_total", &zstd("decompress")),
        N as f64
    );
    // Each value sampled with probability 1/64: Bin(2000, 1/64), 31.25 expected per
    // histogram; outside 4..=70 with probability < 1e-9.
    assert_eq!(kvcodec::export::DEFAULT_SAMPLE_ONE_IN, 64);
    let compress = scrape.value("kvcodec_compress_seconds_count", &[("codec", "zstd")]);
    let ratio = scrape.value("kvcodec_compression_ratio_count", &[("codec", "zstd")]);
    let decompress = scrape.value("kvcodec_decompress_seconds_count", &[("codec", "zstd")]);
    assert_eq!(compress, ratio, "one ratio sample per timed compress");
    for (name, n) in [("compress", compress), ("decompress", decompress)] {
        assert!(
            (4.0..=70.0).contains(&n),
            "{name}: {n} samples of {N} values"
        );
    }
}

#[test]
fn the_hot_path_publishes_once_a_second() {
    let _serial = serial();
    let recorder = recorder();
    let values = |client: &str| {
        let labels = [
            ("client", client),
            ("codec", "lz4"),
            ("operation", "compress"),
        ];
        Scrape::of(&recorder).get("kvcodec_values_total", &labels)
    };
    metrics::with_local_recorder(&recorder, || {
        let made = Instant::now();
        let exporter = |client| MetricsExporter::new().with_label("client", client);
        let hot = Arc::new(exporter("hot").sample_one_in(1));
        let quiet = Arc::new(
            exporter("quiet")
                .sample_one_in(1)
                .publish_from_hot_path(false),
        );
        let (engine, other) = (engine("lz4", 1 << 20, &hot), engine("lz4", 1 << 20, &quiet));
        let doc = json_value(2000, 1);
        // Every value is timed; about one in 64 looks at the clock for a publish, so a batch
        // of 1000 looks about 15 times (none at all: probability 1.5e-7).
        let batch = |n: u32| {
            for _ in 0..n {
                engine.encode(&doc).unwrap();
                other.encode(&doc).unwrap();
            }
        };
        // "Not yet" is only asserted when the batch ran well within the second (a slow,
        // shared machine may take longer; the counts below are checked either way).
        let within_the_second = |since: Instant| since.elapsed() < Duration::from_millis(900);
        batch(1000);
        if within_the_second(made) {
            let early = values("hot");
            assert_eq!(early, None, "within a second of the exporter's making");
        }
        std::thread::sleep(Duration::from_millis(1100));
        let mut encoded = 1000;
        while values("hot").is_none() {
            assert!(encoded < 10_000, "no publish after {encoded} values");
            batch(1);
            encoded += 1;
        }
        let published = Instant::now();
        assert_eq!(
            values("hot"),
            Some(f64::from(encoded)),
            "up to the value that published"
        );
        batch(1000);
        let again = values("hot");
        if within_the_second(published) {
            assert_eq!(
                again,
                Some(f64::from(encoded)),
                "not again within the second"
            );
        }
        assert_eq!(values("quiet"), None, "publish_from_hot_path(false)");
        for (exporter, client) in [(&hot, "hot"), (&quiet, "quiet")] {
            exporter.publish();
            assert_eq!(values(client), Some(f64::from(encoded + 1000)), "{client}");
        }
    });
}

#[test]
fn one_exporter_serves_several_engines_and_a_shared_set_once() {
    let _serial = serial();
    let recorder = recorder();
    let compressed = || {
        let labels = [("codec", "zstd"), ("operation", "compress")];
        Scrape::of(&recorder).value("kvcodec_values_total", &labels)
    };
    metrics::with_local_recorder(&recorder, || {
        let exporter = Arc::new(MetricsExporter::new().without_histograms());
        let own = engine("zstd", 1 << 20, &exporter);
        // Two engines pooling one set of counters: attached once, published once.
        let shared = kvcodec::Counters::new();
        let pooled = |_| {
            kvcodec::Engine::builder()
                .codec(kvcodec_zstd::BACKEND.codec(Some(3)).unwrap())
                .counters(shared.clone())
                .observer(exporter.clone())
                .build()
                .unwrap()
        };
        let (b, c) = (pooled(0), pooled(1));
        let encode = |engine: &kvcodec::Engine, n: u64| {
            for i in 0..n {
                engine.encode(&json_value(1500, i)).unwrap();
            }
        };
        encode(&own, 3);
        encode(&b, 2);
        encode(&c, 4);
        exporter.publish();
        assert_eq!(compressed(), 9.0);
        // An engine dropped while the exporter lives: what it counted after the last
        // publish is published with the next one, then never again.
        encode(&own, 1);
        drop(own);
        exporter.publish();
        assert_eq!(compressed(), 10.0);
        encode(&b, 1);
        exporter.publish();
        exporter.publish();
        assert_eq!(compressed(), 11.0);
    });
}

#[test]
fn publishing_adds_only_what_grew_and_dropping_publishes_the_rest() {
    let _serial = serial();
    let recorder = recorder();
    let value =
        |name, op| Scrape::of(&recorder).value(name, &[("codec", "lz4"), ("operation", op)]);
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
        let published = scrape.get("kvcodec_values_total", &labels);
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
