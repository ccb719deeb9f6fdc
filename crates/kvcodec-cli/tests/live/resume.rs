//! Resuming after the server restarted, or on another db: a SCAN cursor means nothing to
//! another server process or database, so such a node is scanned again from the start, and
//! the run ends with every value in the promised state.

use std::time::Duration;

use kvcodec_tests::{Server, ServerKind, json_value};

use crate::{framed, migrate_to, report, run_within, spawn, wait_for};

const KEYS: usize = 20_000;

fn fill(con: &mut redis::Connection, db_tag: &str, n: usize) -> Vec<String> {
    let keys: Vec<String> = (0..n).map(|i| format!("{db_tag}:{i}")).collect();
    for chunk in keys.chunks(1000) {
        let mut pipe = redis::pipe();
        for (i, k) in chunk.iter().enumerate() {
            pipe.cmd("SET")
                .arg(k)
                .arg(json_value(200 + i % 300, i as u64));
        }
        pipe.exec(con).unwrap();
    }
    keys
}

/// Starts `args` (which save a checkpoint at `cp`), kills and restarts the server once about
/// a third of the keys are done, and returns the interrupted run's exit code.
fn restart_mid_run(server: &mut Server, args: &[&str], cp: &std::path::Path) -> Option<i32> {
    let child = spawn(args);
    wait_for(cp, Duration::from_millis(1500));
    server.kill_and_restart();
    let out = crate::finish_within(child, Duration::from_secs(60), "interrupted run");
    out.status.code()
}

/// Redis with AOF, 20,000 keys, the server `kill -9`ed and restarted (same port and
/// directory) in the middle of a migrate and of a rollback; the same command run again must
/// end with every value compressed, then every value plain. (Before, the rerun resumed the
/// dead server's cursors and left about a quarter of the values behind, exit 0.)
#[test]
fn server_restart_with_aof_rescans_the_node() {
    let mut server = Server::start_with_args(
        ServerKind::Redis,
        &["--appendonly", "yes", "--appendfsync", "always"],
    );
    let url = server.url();
    let keys = fill(&mut server.connection(), "k", KEYS);
    let dir = tempfile::tempdir().unwrap();
    for (command, want_framed) in [("migrate", KEYS), ("rollback", 0)] {
        let cp = dir.path().join(format!("{command}.checkpoint"));
        let cp_arg = cp.to_str().unwrap();
        let mut args = vec![command, "--url", &url, "--checkpoint", cp_arg, "--json"];
        if command == "migrate" {
            args.extend(["--to", "zstd:3"]);
        }
        let slow: Vec<&str> = args.iter().copied().chain(["--rate", "4000"]).collect();
        let code = restart_mid_run(&mut server, &slow, &cp);
        assert_ne!(
            code,
            Some(0),
            "{command}: the run whose server died must fail"
        );
        assert!(cp.exists(), "{command}: its checkpoint is kept");
        let done = framed(&mut server.connection(), &keys);
        assert!(
            0 < done && done < KEYS,
            "{command}: {done} framed at the restart"
        );

        let out = run_within(&args, Duration::from_secs(300));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let (json, code) = report(&out);
        assert_eq!(code, Some(0), "{command}: {stderr}\n{json}");
        assert_eq!(
            framed(&mut server.connection(), &keys),
            want_framed,
            "{command}: every value in the promised state"
        );
        assert!(
            stderr.contains("scanning again from the start") && stderr.contains("run_id"),
            "{command}: the rescan is announced: {stderr}"
        );
        assert_eq!(
            json["verification"]["left"],
            serde_json::json!({}),
            "{json}"
        );
        // The rescan did the work, not the verification pass behind it.
        assert_eq!(json["verification"]["fixed"], 0, "{json}");
        assert!(!cp.exists());
    }
}

/// A checkpoint saved by a run on db 0, passed to the same job on db 1: db 1 is scanned from
/// the start (before, the run said "resuming" and skipped the keys behind db 0's cursor).
#[test]
fn a_db0_checkpoint_does_not_skip_keys_of_db1() {
    let server = Server::start(ServerKind::Valkey);
    let port = server.port();
    let (url0, url1) = (
        format!("redis://127.0.0.1:{port}/0"),
        format!("redis://127.0.0.1:{port}/1"),
    );
    let keys0 = fill(&mut server.connection(), "zero", 400);
    let mut con1 = redis::Client::open(url1.as_str())
        .unwrap()
        .get_connection()
        .unwrap();
    let keys1 = fill(&mut con1, "one", 400);
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("shared.checkpoint");
    let cp_arg = cp.to_str().unwrap();
    let run = |url: &str, extra: &[&str]| {
        let mut a = migrate_to(url, "lz4", &["--checkpoint", cp_arg]);
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<String>>()
    };
    // Stop the db-0 run (SIGKILL) about half-way: its checkpoint holds a cursor of db 0.
    let slow = run(&url0, &["--rate", "200", "--batch", "10"]);
    let slow: Vec<&str> = slow.iter().map(String::as_str).collect();
    let mut child = spawn(&slow);
    wait_for(&cp, Duration::from_millis(1000));
    child.kill().unwrap();
    child.wait().unwrap();
    let half = framed(&mut server.connection(), &keys0);
    assert!(0 < half && half < 400, "{half} of db 0 done at the kill");

    let on1 = run(&url1, &["--json"]);
    let on1: Vec<&str> = on1.iter().map(String::as_str).collect();
    let out = run_within(&on1, Duration::from_secs(120));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let (json, code) = report(&out);
    assert_eq!(code, Some(0), "{stderr}\n{json}");
    assert_eq!(
        framed(&mut con1, &keys1),
        400,
        "every db-1 value compressed"
    );
    assert!(
        stderr.contains("the checkpoint is for db 0, this run is on db 1"),
        "{stderr}"
    );
    assert_eq!(
        framed(&mut server.connection(), &keys0),
        half,
        "db 0 untouched"
    );
}
