//! Values that start with the header magic read back exactly as written, over every
//! connection kind and protocol, through kvcodec and through GLIDE 2.6.0: the wrapper stores
//! them encoded whatever the minimum size or keep-if-smaller say (encoding is the format's
//! escape). A stored header followed by garbage is corrupt, not too large: it comes back as
//! stored, as GLIDE returns it.

use kvcodec::{Mode, OnCorrupt};
use kvcodec_redis::{Compressed, Compression};
use kvcodec_tests::{Cluster, Server, ServerKind, SplitMix64, every_server, run_python};
use redis::{AsyncCommands, Commands};

use crate::glide::GLIDE;
use crate::{engine, is_compressed, raw_get};

/// 5 kB of noise behind `00 01 02 00 02`: a random "lz4 value" whose length field declares
/// anything up to 4 GiB.
fn noisy_lookalike(seed: u64) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed);
    let mut v = vec![0x00, 0x01, 0x02, 0x00, 0x02];
    v.extend((0..5000).map(|_| rng.next_u64() as u8));
    v
}

use kvcodec::vectors::hex;

/// Valid compressed values small enough to be below the minimum size, and edge cases.
fn valid_lookalikes() -> Vec<Vec<u8>> {
    vec![
        // GLIDE's lz4 and zstd vectors of b"a" * 100 (20 and 22 bytes).
        kvcodec::vectors::GLIDE[1].stored(),
        kvcodec::vectors::GLIDE[0].stored(),
        // A 26-byte valid lz4 value (of b"abcdefgh" * 3 + b"ab", by python-lz4).
        hex("0001020002 1a000000 8961626364656667680800506667686162"),
        vec![0x00, 0x01, 0x02, 0x00, 0x01], // the bare header
        vec![0x00, 0x01, 0x02, 0x07, 0x99, 1, 2, 3], // another version and codec
    ]
}

/// Every look-alike this file stores.
fn all_lookalikes() -> Vec<Vec<u8>> {
    let mut all = valid_lookalikes();
    all.extend((0..64).map(noisy_lookalike));
    all
}

fn sync_round_trip<C: redis::ConnectionLike>(con: &mut Compressed<C>, what: &str) {
    for (i, v) in all_lookalikes().iter().enumerate() {
        let key = format!("{{la}}:{what}:{i}");
        let _: () = con.set(&key, v).unwrap();
        assert!(
            con.get::<_, Vec<u8>>(&key).unwrap() == *v,
            "{what}: SET/GET {i}"
        );
        let _: () = con.hset(format!("{key}:h"), "f", v).unwrap();
        assert!(
            con.hget::<_, _, Vec<u8>>(format!("{key}:h"), "f").unwrap() == *v,
            "{what}: HSET/HGET {i}"
        );
        let _: () = con.rpush(format!("{key}:l"), v).unwrap();
        assert!(
            con.lindex::<_, Vec<u8>>(format!("{key}:l"), 0).unwrap() == *v,
            "{what}: RPUSH/LINDEX {i}"
        );
    }
}

async fn async_round_trip<C: redis::aio::ConnectionLike + Send + Sync>(
    con: &mut Compressed<C>,
    what: &str,
) {
    for (i, v) in all_lookalikes().iter().enumerate() {
        let key = format!("{{la}}:{what}:{i}");
        let _: () = con.set(&key, v).await.unwrap();
        assert!(
            con.get::<_, Vec<u8>>(&key).await.unwrap() == *v,
            "{what}: SET/GET {i}"
        );
        let _: () = con.hset(format!("{key}:h"), "f", v).await.unwrap();
        let back: Vec<u8> = con.hget(format!("{key}:h"), "f").await.unwrap();
        assert!(back == *v, "{what}: HSET/HGET {i}");
    }
    let values = valid_lookalikes();
    let pairs: Vec<(String, &Vec<u8>)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("{{la}}:{what}:m{i}"), v))
        .collect();
    let _: () = con.mset(&pairs).await.unwrap();
    let keys: Vec<&String> = pairs.iter().map(|(k, _)| k).collect();
    let back: Vec<Vec<u8>> = con.mget(&keys).await.unwrap();
    assert_eq!(back, values, "{what}: MSET/MGET");
}

fn over_every_connection(kind: ServerKind) {
    let server = Server::start(kind);
    let engine = engine("lz4", Mode::On);
    let compression = Compression::new(engine.clone());
    for protocol in ["resp2", "resp3"] {
        let url = format!("{}?protocol={protocol}", server.url());
        let client = redis::Client::open(url).unwrap();
        sync_round_trip(
            &mut compression.wrap(client.get_connection().unwrap()),
            &format!("sync-{protocol}"),
        );
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let con = client.get_multiplexed_async_connection().await.unwrap();
            async_round_trip(&mut compression.wrap(con), &format!("mux-{protocol}")).await;
            let con = client.get_connection_manager().await.unwrap();
            async_round_trip(&mut compression.wrap(con), &format!("cm-{protocol}")).await;
        });
    }
    // Every look-alike was stored encoded, and counted.
    let mut plain = server.connection();
    for (i, v) in valid_lookalikes().iter().enumerate() {
        let stored = raw_get(&mut plain, &format!("{{la}}:sync-resp2:{i}"));
        assert!(
            is_compressed(&stored) && stored != *v && stored[4] == 0x02,
            "{kind}: value {i}"
        );
    }
    let escaped = engine.counters().snapshot().escaped();
    assert!(escaped >= 6 * 69, "{kind}: {escaped} values escaped");
}

every_server!(over_every_connection);

#[test]
fn over_cluster_connections() {
    let cluster = Cluster::start(ServerKind::Valkey);
    let compression = Compression::new(engine("zstd", Mode::On));
    sync_round_trip(&mut compression.wrap(cluster.connection()), "cluster-sync");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let con = cluster.client().get_async_connection().await.unwrap();
        async_round_trip(&mut compression.wrap(con), "cluster-async").await;
    });
}

/// kvcodec writes the look-alikes with each GLIDE backend; GLIDE reads them back byte-exact.
fn read_by_glide(kind: ServerKind) {
    let server = Server::start(kind);
    let dir = tempfile::tempdir().unwrap();
    let port = server.port().to_string();
    for (backend, name) in [("ZSTD", "zstd"), ("LZ4", "lz4")] {
        let mut con = Compression::new(engine(name, Mode::On)).wrap(server.connection());
        let values = all_lookalikes();
        let mut ops = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let _: () = con.set(format!("g:{name}:{i}"), v).unwrap();
            let out = dir.path().join(format!("{name}-{i}"));
            ops.push(format!("get|g:{name}:{i}|{}", out.display()));
        }
        let mut args = vec![port.as_str(), backend];
        args.extend(ops.iter().map(String::as_str));
        run_python(GLIDE, &args);
        for (i, v) in values.iter().enumerate() {
            let read = std::fs::read(dir.path().join(format!("{name}-{i}"))).unwrap();
            assert!(
                read == *v,
                "{kind}: GLIDE read look-alike {i} ({name}) differently"
            );
        }
    }
}

every_server!(read_by_glide);

/// `00 01 02 00 02 ff ff ff 7f garbage`: declares 2 GiB from 7 payload bytes — corrupt.
fn corrupt_is_not_too_large(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    let stored = [&hex("0001020002 ffffff7f")[..], b"garbage"].concat();
    let _: () = plain.set("bad", &stored).unwrap();

    let lenient = engine("zstd", Mode::On);
    let mut con = Compression::new(lenient.clone()).wrap(server.connection());
    assert_eq!(
        con.get::<_, Vec<u8>>("bad").unwrap(),
        stored,
        "{kind}: returned as stored"
    );
    let m = lenient.counters().snapshot();
    assert_eq!(
        (
            m.raw_fallbacks(),
            m.failures_of(kvcodec::FailureKind::Corrupt)
        ),
        (1, 1),
        "{m:?}"
    );

    let strict = kvcodec::Config {
        enabled: true,
        on_corrupt: OnCorrupt::Error,
        ..kvcodec::Config::default()
    };
    let strict = strict
        .build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])
        .unwrap();
    let mut con = Compression::new(std::sync::Arc::new(strict)).wrap(server.connection());
    let err = con.get::<_, Vec<u8>>("bad").unwrap_err();
    assert!(kvcodec_redis::errors::is_decode_error(&err), "{err}");
    assert!(
        err.to_string().contains("format holds at most"),
        "{kind}: {err}"
    );

    // GLIDE returns it as stored too.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bad");
    let port = server.port().to_string();
    let op = format!("get|bad|{}", out.display());
    run_python(GLIDE, &[&port, "LZ4", &op]);
    assert_eq!(std::fs::read(out).unwrap(), stored, "{kind}: GLIDE");
}

every_server!(corrupt_is_not_too_large);
