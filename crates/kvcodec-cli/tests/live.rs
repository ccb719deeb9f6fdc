//! The server-facing commands of the built `kvcodec` binary against real `redis-server` 7 and
//! `valkey-server` 9 processes and a real 3-master Valkey cluster (started by
//! `kvcodec-tests`): migrate (with a concurrent writer, killed and resumed, stopped by SIGINT,
//! on a cluster), rollback, get, inspect, dict train/push/pull, assess --url, bad input.

#[path = "common/mod.rs"]
mod common;

#[path = "live/assess.rs"]
mod assess;
#[path = "live/cluster.rs"]
mod cluster;
#[path = "live/dict.rs"]
mod dict;
#[path = "live/errors.rs"]
mod errors;
#[path = "live/keys.rs"]
mod keys;
#[path = "live/migrate.rs"]
mod migrate;
#[path = "live/stop.rs"]
mod stop;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kvcodec::OnCorrupt;
use kvcodec_tests::json_value;
use redis::{Commands, ConnectionLike};

pub use common::{fails, json, kvcodec, ok};

/// A JSON document of 800–2800 bytes, fixed by `seed`.
pub fn doc(seed: u64) -> Vec<u8> {
    json_value(800 + (seed as usize * 37) % 2000, seed)
}

/// Fills a keyspace: 120 strings (every 4th with a TTL, every 4th + 1 too short to compress),
/// 8 hashes of 6 fields (with TTLs), 8 lists of 6 elements and one set: 137 keys.
pub fn populate(con: &mut impl ConnectionLike) {
    for i in 0..120u64 {
        let key = format!("s:{i}");
        let mut set = redis::cmd("SET");
        match i % 4 {
            0 => set.arg(&key).arg(doc(i)).arg("EX").arg(5000 + i),
            1 => set.arg(&key).arg(b"short"),
            _ => set.arg(&key).arg(doc(i)),
        };
        set.exec(con).unwrap();
    }
    for h in 0..8u64 {
        for f in 0..6u64 {
            let value = doc(1000 + h * 10 + f);
            redis::cmd("HSET")
                .arg(format!("h:{h}"))
                .arg(format!("f{f}"))
                .arg(value)
                .exec(con)
                .unwrap();
        }
        redis::cmd("EXPIRE")
            .arg(format!("h:{h}"))
            .arg(7000)
            .exec(con)
            .unwrap();
    }
    for l in 0..8u64 {
        for e in 0..6u64 {
            let value = doc(2000 + l * 10 + e);
            redis::cmd("RPUSH")
                .arg(format!("l:{l}"))
                .arg(value)
                .exec(con)
                .unwrap();
        }
    }
    redis::cmd("SADD")
        .arg("set:1")
        .arg("member")
        .exec(con)
        .unwrap();
}

/// Keys of `populate`.
pub const KEYS: u64 = 137;

/// Every key, sorted.
pub fn all_keys(con: &mut redis::Connection) -> Vec<String> {
    let mut keys: Vec<String> = con.keys("*").unwrap();
    keys.retain(|k| !k.starts_with("kvcodec:"));
    keys.sort();
    keys
}

/// Per key: its values as a plain client sees them (`raw`) or decoded by every codec, and its
/// absolute expiry (PEXPIRETIME).
pub fn state(
    con: &mut redis::Connection,
    keys: &[String],
    raw: bool,
) -> HashMap<String, (Vec<Vec<u8>>, i64)> {
    let reader = kvcodec_cli::backends::reader(1 << 30, OnCorrupt::Error).unwrap();
    let dec = |v: Vec<u8>| {
        if raw {
            v
        } else {
            reader.decode_vec(v).unwrap()
        }
    };
    keys.iter()
        .map(|k| {
            let kind: String = redis::cmd("TYPE").arg(k).query(con).unwrap();
            let values: Vec<Vec<u8>> = match kind.as_str() {
                "string" => vec![dec(con.get(k).unwrap())],
                "hash" => {
                    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = con.hgetall(k).unwrap();
                    pairs.sort();
                    pairs.into_iter().flat_map(|(f, v)| [f, dec(v)]).collect()
                }
                "list" => {
                    let items: Vec<Vec<u8>> = con.lrange(k, 0, -1).unwrap();
                    items.into_iter().map(dec).collect()
                }
                _ => vec![kind.into_bytes()],
            };
            let expiry: i64 = redis::cmd("PEXPIRETIME").arg(k).query(con).unwrap();
            (k.clone(), (values, expiry))
        })
        .collect()
}

/// Stored values (strings, hash values, list elements) that carry a kvcodec header.
pub fn compressed_values(con: &mut redis::Connection, keys: &[String]) -> usize {
    state(con, keys, true)
        .values()
        .flat_map(|(values, _)| values)
        .filter(|v| kvcodec::header::has_header(v))
        .count()
}

/// Runs `kvcodec args…`, expects success, parses standard output as JSON.
pub fn ok_json(args: &[&str]) -> serde_json::Value {
    json(&ok(args, b""))
}

/// `summary.<field>` of a migrate/rollback JSON report.
pub fn figure(report: &serde_json::Value, field: &str) -> u64 {
    report["summary"][field]
        .as_u64()
        .unwrap_or_else(|| panic!("no summary.{field} in {report}"))
}

/// `summary.skipped.<reason>` of a migrate/rollback JSON report (0 when absent).
pub fn skipped(report: &serde_json::Value, reason: &str) -> u64 {
    report["summary"]["skipped"][reason].as_u64().unwrap_or(0)
}

/// Starts `kvcodec args…` in the current directory, output piped.
pub fn spawn(args: &[&str]) -> Child {
    spawn_in(Path::new("."), args)
}

/// Starts `kvcodec args…` in `dir`, output piped.
pub fn spawn_in(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_kvcodec"))
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kvcodec")
}

/// Waits until `path` exists and at least `min` has passed.
pub fn wait_for(path: &Path, min: Duration) {
    let start = Instant::now();
    while !(path.exists() && start.elapsed() >= min) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no checkpoint at {}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
