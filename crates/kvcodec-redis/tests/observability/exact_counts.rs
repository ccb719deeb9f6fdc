//! A scripted workload against real Valkey and Redis servers, with known numbers, and the
//! exported figures, the engine's snapshot and the process totals checked to the unit.

use std::sync::Arc;

use kvcodec::export::MetricsExporter;
use kvcodec::{CodecId, FailureKind, SkipReason};
use kvcodec_redis::Compression;
use kvcodec_tests::{Server, ServerKind, every_server, incompressible, json_value};
use redis::Commands;

use crate::{Scrape, delta, engine, flat, lookalike, lz4_stored, recorder, serial};

const LIMIT: usize = 64 * 1024;

fn exact_counts(kind: ServerKind) {
    let _serial = serial();
    let server = Server::start(kind);
    let mut plain = server.connection();
    let recorder = recorder();
    let process_before = flat(&kvcodec::counters::process_totals());

    let big: Vec<Vec<u8>> = (0..10)
        .map(|i| json_value(2048 + 512 * i, i as u64))
        .collect();
    let small: Vec<Vec<u8>> = (0..5)
        .map(|i| format!("small value {i}").into_bytes())
        .collect();
    let noise: Vec<Vec<u8>> = (0..3).map(|i| incompressible(1024, i)).collect();
    let corrupt = [lookalike("one"), lookalike("two")];
    let oversize = lz4_stored(&json_value(2 * LIMIT, 99));

    // The exporter resolves its handles when it first publishes or samples, possibly from the
    // hot path: build it, use it and publish under the recorder.
    let engine = metrics::with_local_recorder(&recorder, || {
        // Every value timed: each histogram gets one sample per value (sampling: `sampling.rs`).
        let exporter = Arc::new(MetricsExporter::new().sample_one_in(1));
        let engine = engine("zstd", LIMIT, &exporter);
        let mut con = Compression::new(engine.clone()).wrap(server.connection());
        let groups = [
            ("big", &big[..]),
            ("small", &small[..]),
            ("noise", &noise[..]),
        ];
        for (group, values) in groups {
            for (i, v) in values.iter().enumerate() {
                let _: () = con.set(format!("{group}:{i}"), v).unwrap();
            }
        }
        for (group, values) in groups {
            for (i, v) in values.iter().enumerate() {
                let back: Vec<u8> = con.get(format!("{group}:{i}")).unwrap();
                assert_eq!(&back, v, "{kind}: {group}:{i} reads back");
            }
        }
        // Written raw by a plain client, then read through the engine.
        for (i, v) in corrupt.iter().enumerate() {
            let _: () = plain.set(format!("corrupt:{i}"), v).unwrap();
            let back: Vec<u8> = con.get(format!("corrupt:{i}")).unwrap();
            assert_eq!(
                &back, v,
                "{kind}: an undecodable value is returned as stored"
            );
        }
        let _: () = plain.set("oversize", &oversize).unwrap();
        let err = con.get::<_, Vec<u8>>("oversize").unwrap_err();
        assert!(err.to_string().contains("limit"), "{kind}: {err}");
        exporter.publish();
        engine
    });

    // What the server holds, read with a plain client.
    let stored: Vec<Vec<u8>> = (0..big.len())
        .map(|i| plain.get(format!("big:{i}")).unwrap())
        .collect();
    assert!(
        stored.iter().all(|s| s[..5] == [0, 1, 2, 0, 1]),
        "{kind}: big values stored as zstd"
    );
    for (group, values) in [("small", &small), ("noise", &noise)] {
        for (i, v) in values.iter().enumerate() {
            let s: Vec<u8> = plain.get(format!("{group}:{i}")).unwrap();
            assert_eq!(&s, v, "{kind}: {group}:{i} stored plain");
        }
    }
    let plain_bytes: usize = big.iter().map(Vec::len).sum();
    let stored_bytes: usize = stored.iter().map(Vec::len).sum();
    let ratio_sum: f64 = big
        .iter()
        .zip(&stored)
        .map(|(p, s)| p.len() as f64 / s.len() as f64)
        .sum();

    // The exported figures.
    let scrape = Scrape::of(&recorder);
    let zstd = |op: &'static str| [("codec", "zstd"), ("operation", op)];
    let n = |x: usize| x as f64;
    for (name, op, want) in [
        ("kvcodec_values_total", "compress", 10.0),
        ("kvcodec_values_total", "decompress", 10.0),
        ("kvcodec_bytes_in_total", "compress", n(plain_bytes)),
        ("kvcodec_bytes_out_total", "compress", n(stored_bytes)),
        ("kvcodec_bytes_in_total", "decompress", n(stored_bytes)),
        ("kvcodec_bytes_out_total", "decompress", n(plain_bytes)),
    ] {
        assert_eq!(scrape.value(name, &zstd(op)), want, "{kind}: {name} {op}");
    }
    for reason in SkipReason::ALL {
        let want = match reason {
            SkipReason::TooSmall => 5.0,
            SkipReason::NotSmaller => 3.0,
            _ => 0.0,
        };
        let got = scrape.value("kvcodec_skipped_total", &[("reason", reason.as_str())]);
        assert_eq!(got, want, "{kind}: skipped for {}", reason.as_str());
    }
    for kind_ in FailureKind::ALL {
        let k = kind_.as_str();
        let (want_zstd, want_lz4) = match kind_ {
            FailureKind::Corrupt => (2.0, 0.0),
            FailureKind::SizeLimit => (0.0, 1.0),
            _ => (0.0, 0.0),
        };
        let failures = |codec| {
            scrape.value(
                "kvcodec_decode_failures_total",
                &[("codec", codec), ("kind", k)],
            )
        };
        assert_eq!(
            failures("zstd"),
            want_zstd,
            "{kind}: zstd failures of kind {k}"
        );
        assert_eq!(
            failures("lz4"),
            want_lz4,
            "{kind}: lz4 failures of kind {k}"
        );
    }
    let by_codec = |name: &str, codec: &str| scrape.value(name, &[("codec", codec)]);
    assert_eq!(by_codec("kvcodec_size_limit_rejections_total", "lz4"), 1.0);
    assert_eq!(by_codec("kvcodec_size_limit_rejections_total", "zstd"), 0.0);
    assert_eq!(by_codec("kvcodec_raw_fallbacks_total", "zstd"), 2.0);
    assert_eq!(by_codec("kvcodec_raw_fallbacks_total", "lz4"), 0.0);
    // Histograms: one sample per compressed / decompressed value, buckets up to +Inf.
    for (name, count) in [
        ("kvcodec_compress_seconds", 10.0),
        ("kvcodec_decompress_seconds", 10.0),
        ("kvcodec_compression_ratio", 10.0),
    ] {
        assert_eq!(
            by_codec(&format!("{name}_count"), "zstd"),
            count,
            "{kind}: {name}_count"
        );
        let inf = [("codec", "zstd"), ("le", "+Inf")];
        assert_eq!(
            scrape.value(&format!("{name}_bucket"), &inf),
            count,
            "{kind}: {name} +Inf"
        );
        assert!(
            by_codec(&format!("{name}_sum"), "zstd") > 0.0,
            "{kind}: {name}_sum"
        );
    }
    let exported_ratio_sum = by_codec("kvcodec_compression_ratio_sum", "zstd");
    assert!(
        (exported_ratio_sum - ratio_sum).abs() < 1e-9 * ratio_sum,
        "{kind}: ratio sum: expected {ratio_sum}, found {exported_ratio_sum}"
    );
    // Every big value compressed at least 2:1, so no ratio sample is at or under 2.
    let ratio_le_2 = [("codec", "zstd"), ("le", "2")];
    assert_eq!(
        scrape.value("kvcodec_compression_ratio_bucket", &ratio_le_2),
        0.0
    );

    // The engine's own snapshot agrees.
    let m = engine.counters().snapshot();
    let z = m.codec(CodecId::ZSTD).expect("zstd figures");
    assert_eq!(
        (z.compress.values, z.compress.bytes_in, z.compress.bytes_out),
        (10, plain_bytes as u64, stored_bytes as u64)
    );
    assert_eq!(
        (
            z.decompress.values, z.decompress.bytes_in, z.decompress.bytes_out
        ),
        (10, stored_bytes as u64, plain_bytes as u64)
    );
    assert_eq!(z.failures_of(FailureKind::Corrupt), 2);
    let l = m.codec(CodecId::LZ4).expect("lz4 figures");
    assert_eq!(
        (
            l.compress.values,
            l.decompress.values,
            l.failures_of(FailureKind::SizeLimit)
        ),
        (0, 0, 1)
    );
    assert_eq!(m.failures(), 3);
    assert_eq!(m.skipped_for(SkipReason::TooSmall), 5);
    assert_eq!(m.skipped_for(SkipReason::NotSmaller), 3);
    assert_eq!((m.passthrough, m.raw_fallbacks()), (8, 2), "{kind}: {m:?}");

    // The process totals grew by exactly this engine's figures.
    let grown = delta(&flat(&kvcodec::counters::process_totals()), &process_before);
    assert_eq!(
        grown,
        flat(&m),
        "{kind}: process totals grew by the engine's figures"
    );
}

every_server!(exact_counts);
