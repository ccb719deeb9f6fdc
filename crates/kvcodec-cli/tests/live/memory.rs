//! Memory stays within a small multiple of the largest value: migrate and rollback of a
//! keyspace holding a 96 MiB value, and of a 3-primary cluster holding one on each primary,
//! the child's peak RSS (`VmHWM`) under a ceiling.

use std::time::Duration;

use kvcodec_tests::{Cluster, Server, ServerKind, SplitMix64};

use crate::{framed, migrate_to, populate, spawn};

const MIB: usize = 1 << 20;
/// The largest value.
const BIG: usize = 96 * MIB;

/// A compressible value of `len` bytes: JSON-like records with a counter.
fn big_value(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let mut i = 0u64;
    while out.len() < len {
        out.extend_from_slice(
            format!(
                "{{\"id\":{i},\"name\":\"user {}\",\"tags\":[\"a\",\"b\"]}}\n",
                i % 977
            )
            .as_bytes(),
        );
        i += 1;
    }
    out.truncate(len);
    out
}

/// Runs `kvcodec args…`, sampling the child's `VmHWM` until it exits; its exit code and
/// peak resident set in bytes.
fn peak_rss(args: &[&str]) -> (Option<i32>, usize, String) {
    let mut child = spawn(args);
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0usize;
    let start = std::time::Instant::now();
    let code = loop {
        if let Ok(text) = std::fs::read_to_string(&status)
            && let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| {
                    v.trim()
                        .trim_end_matches(" kB")
                        .trim()
                        .parse::<usize>()
                        .ok()
                })
        {
            peak = peak.max(kb * 1024);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "kvcodec {args:?} hung"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    let out = child.wait_with_output().unwrap();
    (
        code,
        peak,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Migrate and rollback with a 96 MiB value and a 40 MiB one among the usual keyspace: each
/// run's peak RSS stays under 2.5 × the largest value (before: 5–6 ×, 602 MB for a 100 MiB
/// value).
#[test]
fn big_values_stay_under_a_memory_ceiling() {
    let server = Server::start(ServerKind::Redis);
    let url = server.url();
    let mut con = server.connection();
    populate(&mut con);
    let keys = ["big:0".to_owned(), "big:1".to_owned()];
    let values = [big_value(BIG), big_value(40 * MIB)];
    for (k, v) in keys.iter().zip(&values) {
        redis::cmd("SET").arg(k).arg(v).exec(&mut con).unwrap();
    }
    let ceiling = BIG * 5 / 2;
    for args in [
        migrate_to(&url, "zstd:1", &["--dry-run", "-q"]),
        vec!["migrate", "--url", &url, "--to", "zstd:1", "-q"],
        vec!["rollback", "--url", &url, "-q"],
    ] {
        succeeds_under(&args, ceiling, "");
        let want = if args[0] == "rollback" || args.contains(&"--dry-run") {
            0
        } else {
            2
        };
        assert_eq!(framed(&mut con, &keys), want, "{args:?}");
    }
    for (k, v) in keys.iter().zip(&values) {
        let back: Vec<u8> = redis::cmd("GET").arg(k).query(&mut con).unwrap();
        assert!(back == *v, "{k} not restored byte-exact");
    }
}

/// Runs `kvcodec args…`, which must succeed with a peak RSS under `ceiling` (printed, after
/// `label`, as MiB and as a multiple of the largest value).
fn succeeds_under(args: &[&str], ceiling: usize, label: &str) {
    let (code, peak, stderr) = peak_rss(args);
    assert_eq!(code, Some(0), "{args:?}: {stderr}");
    eprintln!(
        "{label}{args:?}: peak RSS {} MiB ({:.2} x the largest value)",
        peak / MIB,
        peak as f64 / BIG as f64
    );
    assert!(
        peak < ceiling,
        "{args:?}: peak RSS {} MiB, ceiling {} MiB",
        peak / MIB,
        ceiling / MIB
    );
}

/// `len` bytes that compress only slightly: each 4 KiB block is 3,600 random bytes and 496
/// zeros (zstd keeps about 89 %), fixed by `seed`.
fn barely_compressible(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        for _ in 0..450 {
            out.extend_from_slice(&rng.next_u64().to_le_bytes());
        }
        out.extend_from_slice(&[0u8; 496]);
    }
    out.truncate(len);
    out
}

/// A key of the slots `lo..=hi` (found with `CLUSTER KEYSLOT`).
fn key_in(con: &mut redis::Connection, lo: u16, hi: u16) -> String {
    (0..)
        .map(|i| format!("big:{i}"))
        .find(|k| {
            let slot: u16 = redis::cmd("CLUSTER")
                .arg("KEYSLOT")
                .arg(k)
                .query(con)
                .unwrap();
            (lo..=hi).contains(&slot)
        })
        .unwrap()
}

/// A 3-primary Redis cluster with one 96 MiB value that compresses only slightly on each
/// primary: migrate and rollback walk the primaries in parallel, yet hold one big value at
/// a time, so each run's peak RSS stays under the documented bound, twice the largest value
/// (its old and new forms) plus 64 MiB (before: 8.8 × the value for migrate), and the
/// values come back byte-exact.
#[test]
fn big_values_on_every_primary_stay_under_the_ceiling() {
    let cluster = Cluster::start(ServerKind::Redis);
    let url = cluster.urls()[0].clone();
    let mut direct = cluster.nodes()[0].connection();
    let keys =
        [(0, 5460), (5461, 10922), (10923, 16383)].map(|(lo, hi)| key_in(&mut direct, lo, hi));
    let mut con = cluster.connection();
    for (seed, k) in keys.iter().enumerate() {
        let value = barely_compressible(BIG, seed as u64);
        redis::cmd("SET").arg(k).arg(value).exec(&mut con).unwrap();
    }
    let ceiling = 2 * BIG + 64 * MIB;
    for args in [
        vec!["migrate", "--url", &url, "--to", "zstd:1", "-q"],
        vec!["rollback", "--url", &url, "-q"],
    ] {
        succeeds_under(&args, ceiling, "cluster ");
        let framed = keys
            .iter()
            .filter(|k| {
                let head: Vec<u8> = redis::cmd("GETRANGE")
                    .arg(*k)
                    .arg(0)
                    .arg(4)
                    .query(&mut con)
                    .unwrap();
                kvcodec::header::has_header(&head)
            })
            .count();
        assert_eq!(framed, if args[0] == "migrate" { 3 } else { 0 }, "{args:?}");
    }
    for (seed, k) in keys.iter().enumerate() {
        let back: Vec<u8> = redis::cmd("GET").arg(k).query(&mut con).unwrap();
        assert!(
            back == barely_compressible(BIG, seed as u64),
            "{k} not restored byte-exact"
        );
    }
}
