//! The server-facing commands of the built `kvcodec` binary against real `redis-server` 7 and
//! `valkey-server` 9 processes and a real 3-master Valkey cluster (started by
//! `kvcodec-tests`): migrate (with a concurrent writer, killed and resumed, stopped by SIGINT,
//! on a cluster), rollback, get, inspect, dict train/push/pull, assess --url, bad input.

#[path = "common/mod.rs"]
mod common;

#[path = "live/assess.rs"]
mod assess;
#[path = "live/capacity.rs"]
mod capacity;
#[path = "live/cluster.rs"]
mod cluster;
#[path = "live/dict.rs"]
mod dict;
#[path = "live/errors.rs"]
mod errors;
#[path = "live/failures.rs"]
mod failures;
#[path = "live/keys.rs"]
mod keys;
#[path = "live/lists.rs"]
mod lists;
#[path = "live/memory.rs"]
mod memory;
#[path = "live/migrate.rs"]
mod migrate;
#[path = "live/provenance.rs"]
mod provenance;
#[path = "live/recompress.rs"]
mod recompress;
#[path = "live/reshard.rs"]
mod reshard;
#[path = "live/resume.rs"]
mod resume;
#[path = "live/sampling.rs"]
mod sampling;
#[path = "live/scripts.rs"]
mod scripts;
#[path = "live/small_values.rs"]
mod small_values;
#[path = "live/stop.rs"]
mod stop;
#[path = "live/tls.rs"]
mod tls;
#[path = "live/verify.rs"]
mod verify;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use kvcodec::OnCorrupt;

pub use common::{fails, json, kvcodec, kvcodec_env, ok};

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

/// The arguments `migrate --url URL --to TO`, then `more`.
pub fn migrate_to<'a>(url: &'a str, to: &'a str, more: &[&'a str]) -> Vec<&'a str> {
    [&["migrate", "--url", url, "--to", to][..], more].concat()
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
    Command::new(common::bin())
        .env_remove("REDIS_URL")
        .env_remove("REDISCLI_AUTH")
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

/// Waits for `child` at most `limit`; kills it and panics if it is still running then.
pub fn finish_within(mut child: Child, limit: Duration, what: &str) -> Output {
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait for kvcodec").is_some() {
            return child.wait_with_output().expect("collect kvcodec output");
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().expect("collect kvcodec output");
            panic!(
                "{what}: still running after {limit:?} (killed); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `kvcodec args…` and expects it to end within `limit`.
pub fn run_within(args: &[&str], limit: Duration) -> Output {
    finish_within(spawn(args), limit, &format!("kvcodec {args:?}"))
}

/// How many of the string `keys` start with a kvcodec header (one pipeline of GETRANGE).
pub fn framed(con: &mut redis::Connection, keys: &[String]) -> usize {
    let mut pipe = redis::pipe();
    for k in keys {
        pipe.cmd("GETRANGE").arg(k).arg(0).arg(4);
    }
    let heads: Vec<Vec<u8>> = pipe.query(con).unwrap();
    heads
        .iter()
        .filter(|h| kvcodec::header::has_header(h))
        .count()
}

/// The JSON report on standard output and the exit code of a finished run.
pub fn report(out: &Output) -> (serde_json::Value, Option<i32>) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "expected a JSON report ({e}); stdout: {stdout}; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (json, out.status.code())
}
