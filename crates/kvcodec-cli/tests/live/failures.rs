//! Loud failure instead of silence or a hang: a failed cluster primary fails the run naming
//! its slots; a frozen server (SIGSTOP) ends every command at its timeout with an error
//! naming the node; one SIGTERM ends a run blocked on a frozen server, checkpoint saved.

use std::time::{Duration, Instant};

use kvcodec_tests::{Cluster, Server, ServerKind};
use redis::Commands;

use crate::{doc, finish_within, migrate_to, run_within, spawn, wait_for};

/// Asserts `out` failed with exit code 1 and a `kvcodec: error:` line holding every needle.
fn failed(out: &std::process::Output, what: &str, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("kvcodec: error: "))
        .unwrap_or_else(|| panic!("{what}: no error line in {stderr}"));
    for needle in needles {
        assert!(line.contains(needle), "{what}: {line:?} lacks {needle:?}");
    }
}

/// A primary killed and flagged `fail` by the others: migrate, rollback and verify fail
/// (exit 1) naming it and its slots; get and inspect of one of its keys fail within the
/// timeout. (Before, the failed primary was dropped from the list and rollback exited 0
/// with a third of the values still compressed.)
#[test]
fn a_failed_primary_fails_the_run_naming_its_slots() {
    let cluster = Cluster::start(ServerKind::Valkey);
    let mut con = cluster.connection();
    for i in 0..300u64 {
        let _: () = con.set(format!("k:{i}"), doc(i)).unwrap();
    }
    let urls = cluster.urls();
    let out = run_within(
        &["migrate", "--url", &urls[0], "--to", "lz4", "-q"],
        Duration::from_secs(120),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(con);

    let victim = &cluster.nodes()[1];
    let victim_addr = victim.addr();
    let slots: String = {
        let nodes: String = redis::cmd("CLUSTER")
            .arg("NODES")
            .query(&mut victim.connection())
            .unwrap();
        let line = nodes
            .lines()
            .find(|l| l.contains("myself"))
            .unwrap()
            .to_owned();
        line.split_whitespace().nth(8).unwrap().to_owned()
    };
    victim.signal("KILL");
    // Wait until node 0 flags it as failed (cluster-node-timeout is 5 s).
    let start = Instant::now();
    loop {
        let nodes: String = redis::cmd("CLUSTER")
            .arg("NODES")
            .query(&mut cluster.nodes()[0].connection())
            .unwrap();
        let flagged = nodes.lines().any(|l| {
            l.contains(&victim_addr)
                && l.split_whitespace()
                    .nth(2)
                    .is_some_and(|f| f.contains("fail"))
        });
        if flagged {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "never flagged: {nodes}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let limit = Duration::from_secs(60);
    let needles = [victim_addr.as_str(), slots.as_str()];
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("cp");
    let cp_arg = cp.to_str().unwrap();
    for args in [
        vec!["rollback", "--url", &urls[0], "--checkpoint", cp_arg],
        vec![
            "migrate", "--url", &urls[2], "--to", "lz4", "--checkpoint", cp_arg,
        ],
        vec!["verify", "--url", &urls[0], "--expect", "plain"],
    ] {
        failed(&run_within(&args, limit), args[0], &needles);
        assert!(!cp.exists(), "{}: nothing started, no checkpoint", args[0]);
    }
    // A key of the failed primary: get and inspect fail within the timeout, not hang.
    let (lo, hi) = slots.split_once('-').unwrap();
    let (lo, hi): (u16, u16) = (lo.parse().unwrap(), hi.parse().unwrap());
    let mut node0 = cluster.nodes()[0].connection();
    let key = (0..300u64)
        .map(|i| format!("k:{i}"))
        .find(|k| {
            let slot: u16 = redis::cmd("CLUSTER")
                .arg("KEYSLOT")
                .arg(k)
                .query(&mut node0)
                .unwrap();
            (lo..=hi).contains(&slot)
        })
        .unwrap();
    for cmd in ["get", "inspect"] {
        let out = run_within(&[cmd, &key, "--url", &urls[0]], limit);
        assert!(
            !out.status.success(),
            "{cmd} {key}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A frozen server (SIGSTOP): migrate, rollback, verify, get and inspect each end with exit
/// 1 within about their `--timeout`, naming the server. (Before, they waited forever.)
#[test]
fn a_frozen_server_times_out_with_an_error() {
    let server = Server::start(ServerKind::Redis);
    let url = server.url();
    let _: () = server.connection().set("k", doc(1)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("cp");
    let cp = cp.to_str().unwrap();
    server.freeze();
    let addr = server.addr();
    for args in [
        vec!["migrate", "--url", &url, "--to", "zstd", "--checkpoint", cp],
        vec!["rollback", "--url", &url, "--checkpoint", cp],
        vec!["verify", "--url", &url, "--expect", "plain"],
        vec!["get", "k", "--url", &url],
        vec!["inspect", "k", "--url", &url],
    ] {
        let mut args = args.clone();
        args.extend(["--timeout", "1"]);
        let start = Instant::now();
        let out = run_within(&args, Duration::from_secs(30));
        failed(&out, args[0], &[&addr]);
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{}: {:?}",
            args[0],
            start.elapsed()
        );
    }
    server.thaw();
}

/// A run blocked on a server frozen mid-run: one SIGTERM ends it promptly with exit 130 and
/// its checkpoint saved, although the server never answers (timeout 60 s).
#[test]
fn one_sigterm_ends_a_run_blocked_on_a_frozen_server() {
    let server = Server::start(ServerKind::Valkey);
    let url = server.url();
    crate::populate(&mut server.connection());
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("cp");
    let args = migrate_to(
        &url,
        "zstd",
        &[
            "--rate",
            "20",
            "--batch",
            "5",
            "--timeout",
            "60",
            "--checkpoint",
            cp.to_str().unwrap(),
            "--json",
        ],
    );
    let child = spawn(&args);
    wait_for(&cp, Duration::from_millis(700));
    server.freeze();
    std::thread::sleep(Duration::from_millis(300));
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let start = Instant::now();
    let out = finish_within(child, Duration::from_secs(20), "migrate after SIGTERM");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert!(
        cp.exists() && stderr.contains("resume with the same command"),
        "{stderr}"
    );
    server.thaw();
    let resumed = run_within(&args[..args.len() - 1], Duration::from_secs(120));
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
}

/// A server frozen in the middle of a run (no signal): the run fails at its `--timeout`
/// naming the server, with its checkpoint kept for the same command to resume.
#[test]
fn a_server_frozen_mid_run_fails_at_the_timeout() {
    let server = Server::start(ServerKind::Redis);
    let url = server.url();
    crate::populate(&mut server.connection());
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("cp");
    let args = [
        "rollback",
        "--url",
        &url,
        "--rate",
        "20",
        "--batch",
        "5",
        "--timeout",
        "1",
        "--checkpoint",
        cp.to_str().unwrap(),
    ];
    let child = spawn(&args);
    wait_for(&cp, Duration::from_millis(700));
    server.freeze();
    let start = Instant::now();
    let out = finish_within(
        child,
        Duration::from_secs(30),
        "rollback on a frozen server",
    );
    failed(
        &out,
        "rollback",
        &[&server.addr(), "no answer within the timeout"],
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert!(cp.exists(), "the checkpoint is kept");
    server.thaw();
}

/// A cluster primary frozen (SIGSTOP, so the others do not flag it yet): migrate, rollback
/// and verify fail within about their `--timeout`, naming it and the slots it serves.
#[test]
fn a_frozen_cluster_primary_fails_the_run_naming_its_slots() {
    let cluster = Cluster::start(ServerKind::Redis);
    let urls = cluster.urls();
    let victim = &cluster.nodes()[2];
    let nodes: String = redis::cmd("CLUSTER")
        .arg("NODES")
        .query(&mut victim.connection())
        .unwrap();
    let line = nodes.lines().find(|l| l.contains("myself")).unwrap();
    let slots = line.split_whitespace().nth(8).unwrap().to_owned();
    victim.freeze();
    let addr = victim.addr();
    for args in [
        vec!["rollback", "--url", &urls[0], "--timeout", "1"],
        vec![
            "migrate", "--url", &urls[1], "--to", "lz4", "--timeout", "1",
        ],
        vec![
            "verify", "--url", &urls[0], "--expect", "plain", "--timeout", "1",
        ],
    ] {
        let start = Instant::now();
        let out = run_within(&args, Duration::from_secs(30));
        failed(
            &out,
            args[0],
            &[&addr, &slots, "no answer within the timeout"],
        );
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{:?}",
            start.elapsed()
        );
    }
    victim.thaw();
}
