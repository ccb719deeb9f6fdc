//! Mixed clients and modes: plain writers, DecompressOnly rollback, Off, GLIDE vectors.

use kvcodec::{Mode, SkipReason};
use kvcodec_redis::Compression;
use kvcodec_tests::{Server, ServerKind, every_server, json_value};
use redis::Commands;

use crate::{engine, is_compressed, raw_get};

use kvcodec::vectors::hex;

fn mixed_clients(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    let doc = json_value(4096, 7);

    // A plain client's values are read unchanged, even ones that start like a header.
    let lookalike = [&[0u8, 1, 2, 0, 1][..], b"not really zstd, just bytes"].concat();
    let _: () = plain.set("plain:doc", &doc).unwrap();
    let _: () = plain.set("plain:lookalike", &lookalike).unwrap();
    let on_engine = engine("zstd", Mode::On);
    let mut on = Compression::new(on_engine.clone()).wrap(server.connection());
    assert_eq!(on.get::<_, Vec<u8>>("plain:doc").unwrap(), doc);
    assert_eq!(on.get::<_, Vec<u8>>("plain:lookalike").unwrap(), lookalike);
    let m = on_engine.counters().snapshot();
    assert_eq!(
        (m.passthrough, m.raw_fallbacks(), m.failures()),
        (1, 1, 1),
        "{kind}: {m:?}"
    );

    // An lz4 writer and a zstd writer read each other's values (every backend is registered).
    let mut lz4 = Compression::new(engine("lz4", Mode::On)).wrap(server.connection());
    let _: () = lz4.set("lz4:doc", &doc).unwrap();
    assert_eq!(raw_get(&mut plain, "lz4:doc")[..5], [0, 1, 2, 0, 2]);
    assert_eq!(on.get::<_, Vec<u8>>("lz4:doc").unwrap(), doc);
    let _: () = on.set("zstd:doc", &doc).unwrap();
    assert_eq!(lz4.get::<_, Vec<u8>>("zstd:doc").unwrap(), doc);

    // DecompressOnly: writes plain values, still reads compressed ones.
    let rollback_engine = engine("zstd", Mode::DecompressOnly);
    let mut rollback = Compression::new(rollback_engine.clone()).wrap(server.connection());
    assert_eq!(rollback.get::<_, Vec<u8>>("zstd:doc").unwrap(), doc);
    let _: () = rollback.set("rollback:doc", &doc).unwrap();
    assert_eq!(raw_get(&mut plain, "rollback:doc"), doc);
    let _: () = rollback.rpush("rollback:list", &doc).unwrap();
    assert_eq!(plain.lindex::<_, Vec<u8>>("rollback:list", 0).unwrap(), doc);
    assert_eq!(
        rollback_engine
            .counters()
            .snapshot()
            .skipped_for(SkipReason::Disabled),
        2
    );

    // Off: a plain client — compressed values come back as stored.
    let mut off = Compression::new(engine("zstd", Mode::Off)).wrap(server.connection());
    let stored = off.get::<_, Vec<u8>>("zstd:doc").unwrap();
    assert!(is_compressed(&stored));
    let _: () = off.set("off:doc", &doc).unwrap();
    assert_eq!(raw_get(&mut plain, "off:doc"), doc);

    // GLIDE-written values (from the shared format facts), stored raw, are decoded.
    let vectors: Vec<(&str, Vec<u8>)> = kvcodec::vectors::GLIDE
        .iter()
        .map(|v| (v.stored_hex, v.original()))
        .collect();
    for (i, (stored, original)) in vectors.iter().enumerate() {
        let key = format!("glide:{i}");
        let _: () = plain.set(&key, hex(stored)).unwrap();
        assert_eq!(
            &on.get::<_, Vec<u8>>(&key).unwrap(),
            original,
            "{kind}: vector {i}"
        );
    }
}

every_server!(mixed_clients);
