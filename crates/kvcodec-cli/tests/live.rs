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

pub use common::{fails, json, kvcodec, ok};

pub use kvcodec_tests::keyspace::{KEYS, all_keys, doc, populate};

/// [`kvcodec_tests::keyspace::state`], values decoded with every backend unless `raw`.
pub fn state(
    con: &mut redis::Connection,
    keys: &[String],
    raw: bool,
) -> HashMap<String, (Vec<Vec<u8>>, i64)> {
    let reader = kvcodec_cli::backends::reader(1 << 30, OnCorrupt::Error).unwrap();
    kvcodec_tests::keyspace::state(con, keys, |v| {
        if raw {
            v
        } else {
            reader.decode_vec(v).unwrap()
        }
    })
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
