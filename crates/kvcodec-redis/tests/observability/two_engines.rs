//! Two engines in one process: separate snapshots and separately labelled series, while the
//! process totals grow by both.

use std::sync::Arc;

use kvcodec::export::MetricsExporter;
use kvcodec::{CodecId, SkipReason};
use kvcodec_redis::Compression;
use kvcodec_tests::{Server, ServerKind, json_value};
use redis::Commands;

use crate::{Scrape, delta, engine, flat, recorder, serial, sum};

#[test]
fn two_engines_keep_separate_figures() {
    let _serial = serial();
    let server = Server::start(ServerKind::Valkey);
    let recorder = recorder();
    let process_before = flat(&kvcodec::counters::process_totals());

    let (orders, sessions) = metrics::with_local_recorder(&recorder, || {
        let exporters = ["orders", "sessions"]
            .map(|client| Arc::new(MetricsExporter::new().with_label("client", client)));
        let orders = engine("zstd", 1 << 20, &exporters[0]);
        let sessions = engine("lz4", 1 << 20, &exporters[1]);
        let mut a = Compression::new(orders.clone()).wrap(server.connection());
        let mut b = Compression::new(sessions.clone()).wrap(server.connection());
        // orders: 4 compressed, 2 too small; reads its 6 keys and 1 of sessions' keys.
        for i in 0..4 {
            let _: () = a.set(format!("order:{i}"), json_value(3000, i)).unwrap();
        }
        for i in 0..2 {
            let _: () = a.set(format!("order:small:{i}"), "tiny").unwrap();
        }
        // sessions: 3 compressed, 1 too small; reads 2 of its keys.
        for i in 0..3 {
            let _: () = b
                .set(format!("session:{i}"), json_value(1500, 10 + i))
                .unwrap();
        }
        let _: () = b.set("session:small", "tiny").unwrap();
        for i in 0..4 {
            let v: Vec<u8> = a.get(format!("order:{i}")).unwrap();
            assert_eq!(v, json_value(3000, i));
        }
        for i in 0..2 {
            let v: String = a.get(format!("order:small:{i}")).unwrap();
            assert_eq!(v, "tiny");
        }
        let v: Vec<u8> = a.get("session:0").unwrap();
        assert_eq!(
            v,
            json_value(1500, 10),
            "orders reads an lz4 value of sessions"
        );
        for i in 0..2 {
            let v: Vec<u8> = b.get(format!("session:{i}")).unwrap();
            assert_eq!(v, json_value(1500, 10 + i));
        }
        exporters.iter().for_each(|e| e.publish());
        (orders, sessions)
    });

    let a = orders.counters().snapshot();
    let b = sessions.counters().snapshot();
    let (a_zstd, a_lz4) = (
        a.codec(CodecId::ZSTD).unwrap(),
        a.codec(CodecId::LZ4).unwrap(),
    );
    assert_eq!((a_zstd.compress.values, a_zstd.decompress.values), (4, 4));
    assert_eq!((a_lz4.compress.values, a_lz4.decompress.values), (0, 1));
    assert_eq!((a.skipped_for(SkipReason::TooSmall), a.passthrough), (2, 2));
    let b_lz4 = b.codec(CodecId::LZ4).unwrap();
    assert_eq!((b_lz4.compress.values, b_lz4.decompress.values), (3, 2));
    assert!(
        b.codec(CodecId::ZSTD).is_none(),
        "sessions never touched zstd: {b:?}"
    );
    assert_eq!((b.skipped_for(SkipReason::TooSmall), b.passthrough), (1, 0));

    let after = flat(&kvcodec::counters::process_totals());
    assert_eq!(
        flat(&kvcodec::counters::process_totals()),
        after,
        "reading the totals does not change them"
    );
    let grown = delta(&after, &process_before);
    assert_eq!(
        grown,
        sum(&flat(&a), &flat(&b)),
        "process totals grew by both engines"
    );

    let scrape = Scrape::of(&recorder);
    let values = |client, codec, op| {
        let labels = [("client", client), ("codec", codec), ("operation", op)];
        scrape.value("kvcodec_values_total", &labels)
    };
    assert_eq!(values("orders", "zstd", "compress"), 4.0);
    assert_eq!(values("orders", "zstd", "decompress"), 4.0);
    assert_eq!(values("orders", "lz4", "decompress"), 1.0);
    assert_eq!(values("sessions", "lz4", "compress"), 3.0);
    assert_eq!(values("sessions", "lz4", "decompress"), 2.0);
    let skipped = |client| {
        let labels = [("client", client), ("reason", "too_small")];
        scrape.value("kvcodec_skipped_total", &labels)
    };
    assert_eq!((skipped("orders"), skipped("sessions")), (2.0, 1.0));
    // Labelled exporters leave no series without their label behind.
    let unlabelled: Vec<_> = scrape
        .samples
        .iter()
        .filter(|s| !s.labels.contains_key("client"))
        .collect();
    assert!(
        unlabelled.is_empty(),
        "series without `client`: {unlabelled:?}"
    );
    let zstd_series_of_sessions = scrape
        .samples
        .iter()
        .filter(|s| s.labels.get("client").map(String::as_str) == Some("sessions"))
        .filter(|s| s.labels.get("codec").map(String::as_str) == Some("zstd"))
        .count();
    assert_eq!(zstd_series_of_sessions, 0, "no zstd series for sessions");
}
