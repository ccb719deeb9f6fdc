//! Lists that change while they are walked: a consumer popping from the head shifts every
//! element, so a walk by position can pass over an element and a compare-and-set by
//! position meets another element. A run must never report the keyspace in the promised
//! state while compressed elements are left.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use kvcodec_cli::backends::CodecSpec;
use kvcodec_tests::{Server, ServerKind, json_value};

use crate::{report, run_within};

const ELEMENTS: u64 = 20_000;

/// `key` as a list of 20,000 elements, every 50th of them (400) stored compressed.
fn fill(con: &mut redis::Connection, key: &str) {
    let zstd = CodecSpec::parse("zstd:1").unwrap().engine(64).unwrap();
    for start in (0..ELEMENTS).step_by(1000) {
        let mut push = redis::cmd("RPUSH");
        push.arg(key);
        for i in start..start + 1000 {
            let plain = json_value(200 + (i as usize % 7) * 20, i);
            if i % 50 == 0 {
                push.arg(zstd.encode(&plain).unwrap().into_owned());
            } else {
                push.arg(plain);
            }
        }
        push.exec(con).unwrap();
    }
}

/// Stored elements of `key` that start with a kvcodec header.
fn compressed(con: &mut redis::Connection, key: &str) -> usize {
    let all: Vec<Vec<u8>> = redis::cmd("LRANGE")
        .arg(key)
        .arg(0)
        .arg(-1)
        .query(con)
        .unwrap();
    all.iter()
        .filter(|e| kvcodec::header::has_header(e))
        .count()
}

/// Runs `write` on `key` every millisecond until stopped; how many times it ran.
fn writer(
    server: &Server,
    key: &'static str,
    write: redis::Cmd,
) -> (Arc<AtomicBool>, JoinHandle<u64>) {
    let stop = Arc::new(AtomicBool::new(false));
    let mut con = server.connection();
    let flag = stop.clone();
    let handle = std::thread::spawn(move || {
        let mut n = 0u64;
        while !flag.load(Ordering::Relaxed) {
            let _: redis::Value = write.query(&mut con).unwrap();
            n += 1;
            std::thread::sleep(Duration::from_millis(1));
        }
        let _ = key;
        n
    });
    (stop, handle)
}

/// `rollback` of a list while `write` runs on it: either it ends clean (exit 0) and no
/// compressed element is left, or it says which are left (exit 3, `changed`). Then, with
/// the writer stopped, the same command ends clean with none left.
fn rollback_while(server: &Server, key: &'static str, write: redis::Cmd) {
    let url = server.url();
    let mut con = server.connection();
    fill(&mut con, key);
    let (stop, handle) = writer(server, key, write);
    std::thread::sleep(Duration::from_millis(100));
    let args = [
        "rollback", "--url", &url, "--batch", "10", "--json", "--checkpoint",
    ];
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("cp");
    let mut args = args.to_vec();
    args.push(cp.to_str().unwrap());
    let out = run_within(&args, Duration::from_secs(300));
    stop.store(true, Ordering::Relaxed);
    let writes = handle.join().unwrap();
    let (json, code) = report(&out);
    let left = compressed(&mut con, key);
    let len: u64 = redis::cmd("LLEN").arg(key).query(&mut con).unwrap();
    eprintln!(
        "{key}: exit {code:?}, {writes} writes, {left} compressed left of {len}; {}",
        json["verification"]
    );
    assert!(writes > 100, "{key}: the writer ran only {writes} times");
    match code {
        Some(0) => assert_eq!(
            left, 0,
            "{key}: the run said every value is plain, {left} compressed elements are left: {json}"
        ),
        Some(3) => assert!(
            json["verification"]["left"]["changed"].as_u64() >= Some(1),
            "{key}: {json}"
        ),
        _ => panic!("{key}: {}\n{json}", String::from_utf8_lossy(&out.stderr)),
    }
    let out = run_within(&args, Duration::from_secs(300));
    let (json, code) = report(&out);
    assert_eq!(code, Some(0), "{key}: quiet rerun: {json}");
    assert_eq!(compressed(&mut con, key), 0, "{key}: {json}");
}

/// Valkey, a list of 20,000 elements (400 compressed) and a consumer popping 2 from its head
/// every millisecond during the rollback. (Before: exit 0, `left: {}`, hundreds of
/// compressed elements still in the list.)
#[test]
fn a_list_popped_during_rollback_is_never_reported_plain_with_compressed_elements() {
    let server = Server::start(ServerKind::Valkey);
    let mut pop = redis::cmd("LPOP");
    pop.arg("queue").arg(2);
    rollback_while(&server, "queue", pop);
}

/// The same list with a producer pushing plain elements at its head meanwhile.
#[test]
fn a_list_pushed_during_rollback_is_never_reported_plain_with_compressed_elements() {
    let server = Server::start(ServerKind::Valkey);
    let mut push = redis::cmd("LPUSH");
    push.arg("log")
        .arg(json_value(300, 7))
        .arg(json_value(300, 8));
    rollback_while(&server, "log", push);
}
