//! In-place migrate and rollback against live servers, with a concurrent writer, resumption
//! from a checkpoint, and a cluster.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use kvcodec::Mode;
use kvcodec_redis::migrate::{
    DEFAULT_TIMEOUT, Direction, Migration, Observer, Progress, Reason, Summary, ValueTypes,
};
use kvcodec_tests::keyspace::{self, Writer, all_keys, assert_writer_kept, doc, populate};
use kvcodec_tests::{Cluster, Server, ServerKind, every_server};
use redis::Commands;

use crate::{engine, is_compressed};

/// Decoded contents and expiry of every key, read through a DecompressOnly engine.
fn state(con: &mut redis::Connection, keys: &[String]) -> HashMap<String, (Vec<Vec<u8>>, i64)> {
    let reader = engine("zstd", Mode::DecompressOnly);
    keyspace::state(con, keys, |v| reader.decode_vec(v).unwrap())
}

fn migration(direction: Direction, checkpoint: Option<std::path::PathBuf>) -> Migration {
    let mode = if direction == Direction::Compress {
        Mode::On
    } else {
        Mode::DecompressOnly
    };
    Migration {
        engine: engine("zstd", mode),
        direction,
        pattern: None,
        rate: None,
        dry_run: false,
        batch: 10,
        checkpoint,
        types: ValueTypes::ALL,
        timeout: DEFAULT_TIMEOUT,
        target: None,
    }
}

/// A stop flag that is never set.
fn go() -> Arc<AtomicBool> {
    Arc::new(AtomicBool::new(false))
}

/// An observer that ignores everything.
fn quiet() -> Arc<dyn Observer> {
    Arc::new(|_: &Progress| {})
}

fn run(m: &Migration, url: &str) -> Summary {
    let outcome = m.run(url, go(), quiet()).unwrap();
    assert!(outcome.completed);
    outcome.summary
}

fn migrate_with_writer(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    populate(&mut plain);
    let keys = all_keys(&mut plain);

    // A writer rewrites 30 string keys (plain, KEEPTTL) the whole time.
    let writer = Writer::start(server.connection());
    let before = state(&mut plain, &keys);
    let first = run(&migration(Direction::Compress, None), &server.url());
    let last = writer.stop();

    let after = state(&mut plain, &keys);
    assert_writer_kept(kind.name(), &before, &after, &last);
    assert!(first.rewritten > 100, "{kind}: {first:?}");
    assert_eq!(first.skipped_for(Reason::TooSmall), 30, "{kind}: {first:?}");
    assert_eq!(first.skipped_for(Reason::UnsupportedType), 1);
    for k in ["s:2", "h:0", "l:0"] {
        let raw: Vec<u8> = match &k[..1] {
            "s" => plain.get(k).unwrap(),
            "h" => plain.hget(k, "f0").unwrap(),
            _ => plain.lindex(k, 0).unwrap(),
        };
        assert!(is_compressed(&raw), "{kind}: {k} not compressed");
    }

    // A second run finds at most the writer's 30 last values plain (those written after the
    // first run passed their key); a third finds nothing.
    let second = run(&migration(Direction::Compress, None), &server.url());
    assert!(second.rewritten <= 30, "{kind}: {second:?}");
    let third = run(&migration(Direction::Compress, None), &server.url());
    assert_eq!(third.rewritten, 0, "{kind}: {third:?}");
    assert_eq!(state(&mut plain, &keys), after);

    // Rollback restores every value byte-exact for a plain client, TTLs intact.
    let rolled = run(&migration(Direction::Decompress, None), &server.url());
    assert!(rolled.rewritten > 100);
    let raw_state = state(&mut plain, &keys);
    for k in &keys {
        let kind_of: String = redis::cmd("TYPE").arg(k).query(&mut plain).unwrap();
        if kind_of == "string" {
            let raw: Vec<u8> = plain.get(k).unwrap();
            assert!(
                !is_compressed(&raw) && raw == after[k].0[0],
                "{kind}: {k} not restored byte-exact"
            );
        }
    }
    assert_eq!(raw_state, after);
    let again = run(&migration(Direction::Decompress, None), &server.url());
    assert_eq!(again.rewritten, 0);
}

fn stop_and_resume(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    populate(&mut plain);
    let keys = all_keys(&mut plain);
    let before = state(&mut plain, &keys);
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("migrate.checkpoint");
    let m = migration(Direction::Compress, Some(cp.clone()));

    let stop = go();
    let flag = stop.clone();
    let outcome = m
        .run(
            &server.url(),
            stop,
            Arc::new(move |s: &Progress| {
                if s.keys_scanned >= 40 {
                    flag.store(true, Ordering::Relaxed);
                }
            }),
        )
        .unwrap();
    assert!(
        !outcome.completed && cp.exists(),
        "{kind}: the first run should stop early"
    );
    let resumed = m.run(&server.url(), go(), quiet()).unwrap();
    assert!(resumed.completed);
    assert!(
        resumed.summary.keys_scanned >= 137,
        "{kind}: every key scanned over both runs: {:?}",
        resumed.summary
    );
    assert_eq!(state(&mut plain, &keys), before, "{kind}: values changed");
    let left = run(&migration(Direction::Compress, None), &server.url());
    assert_eq!(
        left.rewritten, 0,
        "{kind}: the resumed run left values behind: {left:?}"
    );

    // A completed run removes its checkpoint; a stopped one leaves it (written before the
    // first key), and a checkpoint of another job is refused.
    assert!(
        !cp.exists(),
        "{kind}: a completed run removes its checkpoint"
    );
    let stopped = m
        .run(&server.url(), Arc::new(AtomicBool::new(true)), quiet())
        .unwrap();
    assert!(!stopped.completed && cp.exists(), "{kind}: {stopped:?}");
    let other = migration(Direction::Decompress, Some(cp));
    let err = other.run(&server.url(), go(), quiet()).unwrap_err();
    assert!(
        err.to_string().contains("expected `rollback match=*`"),
        "{err}"
    );
}

every_server!(migrate_with_writer, stop_and_resume);

#[test]
fn cluster_migrate_and_rollback() {
    let cluster = Cluster::start(ServerKind::Valkey);
    let mut con = cluster.connection();
    for i in 0..60u64 {
        let _: () = con.set_ex(format!("k:{i}"), doc(i), 3000).unwrap();
    }
    let url = &cluster.urls()[0];
    let summary = run(&migration(Direction::Compress, None), url);
    assert_eq!(
        (summary.keys_scanned, summary.rewritten),
        (60, 60),
        "{summary:?}"
    );
    for i in 0..60u64 {
        let raw: Vec<u8> = con.get(format!("k:{i}")).unwrap();
        assert!(is_compressed(&raw));
        assert!(con.ttl::<_, i64>(format!("k:{i}")).unwrap() > 2900);
    }
    let summary = run(&migration(Direction::Decompress, None), url);
    assert_eq!(summary.rewritten, 60);
    for i in 0..60u64 {
        assert_eq!(con.get::<_, Vec<u8>>(format!("k:{i}")).unwrap(), doc(i));
    }
}

/// Hash fields keep their own expiry (Valkey 9's field TTLs) through migrate and rollback:
/// a small field (replaced by the script) and one over the script limit (replaced with
/// `WATCH` / `MULTI` / `HSET` + `HPEXPIREAT` / `EXEC`).
#[test]
fn hash_field_ttls_survive_migrate_and_rollback() {
    let server = Server::start(ServerKind::Valkey);
    let mut con = server.connection();
    let small = doc(3);
    let big = doc(5).repeat(1000); // over 1 MiB, over the script limit
    assert!(big.len() > 512 * 1024);
    for (field, value, ms) in [("small", &small, 600_000), ("big", &big, 900_000)] {
        redis::cmd("HSET")
            .arg("h")
            .arg(field)
            .arg(value)
            .exec(&mut con)
            .unwrap();
        redis::cmd("HPEXPIRE")
            .arg("h")
            .arg(ms)
            .arg("FIELDS")
            .arg(1)
            .arg(field)
            .exec(&mut con)
            .unwrap();
    }
    redis::cmd("HSET")
        .arg("h")
        .arg("forever")
        .arg(&small)
        .exec(&mut con)
        .unwrap();
    let expiry = |con: &mut redis::Connection| -> Vec<i64> {
        redis::cmd("HPEXPIRETIME")
            .arg("h")
            .arg("FIELDS")
            .arg(3)
            .arg("small")
            .arg("big")
            .arg("forever")
            .query(con)
            .unwrap()
    };
    let before = expiry(&mut con);
    assert!(
        before[0] > 0 && before[1] > 0 && before[2] == -1,
        "{before:?}"
    );
    for direction in [Direction::Compress, Direction::Decompress] {
        let s = run(&migration(direction, None), &server.url());
        assert_eq!(s.rewritten, 3, "{direction:?}: {s:?}");
        assert_eq!(
            expiry(&mut con),
            before,
            "{direction:?}: field expiries kept"
        );
        let compressed = direction == Direction::Compress;
        for (field, want) in [("small", &small), ("big", &big), ("forever", &small)] {
            let stored: Vec<u8> = con.hget("h", field).unwrap();
            assert_eq!(is_compressed(&stored), compressed, "{direction:?} {field}");
            let reader = engine("zstd", Mode::DecompressOnly);
            assert!(*reader.decode(&stored).unwrap() == want[..], "{field}");
        }
    }
}
