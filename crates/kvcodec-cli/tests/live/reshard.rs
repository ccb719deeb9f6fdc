//! A cluster whose slot map changes during a run: slots resharded to a primary that joined
//! empty. The run must not end "completed" with the moved values undone: it fails naming the
//! move, keeps its checkpoint, and the same command then finishes the job.

use std::time::Duration;

use kvcodec_tests::{Cluster, ServerKind};

use crate::{doc, finish_within, report, run_within, spawn};

const KEYS: u64 = 2000;

fn key(i: u64) -> String {
    format!("k:{i}")
}

/// Keys whose stored value starts with a kvcodec header, read through the cluster.
fn framed(con: &mut redis::cluster::ClusterConnection) -> u64 {
    (0..KEYS)
        .filter(|&i| {
            let head: Vec<u8> = redis::cmd("GETRANGE")
                .arg(key(i))
                .arg(0)
                .arg(4)
                .query(con)
                .unwrap();
            kvcodec::header::has_header(&head)
        })
        .count() as u64
}

/// Runs `args` (paced to last about 10 s), moves `slots` slots from node `from` to node `to`
/// one second in, and expects the run to fail (exit 1) naming the slot map change.
fn reshard_during(cluster: &Cluster, args: &[&str], (from, to, slots): (usize, usize, u32)) {
    let child = spawn(args);
    std::thread::sleep(Duration::from_secs(1));
    let moving = cluster.reshard(from, to, slots);
    let out = finish_within(child, Duration::from_secs(120), args[0]);
    moving.wait();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}: a run during which slots moved must fail: {stderr}\n{}",
        args[0],
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        stderr.contains("slot map changed during the run")
            && stderr.contains("moved")
            && stderr.contains("rerun"),
        "{}: {stderr}",
        args[0]
    );
}

/// Redis 7, 3 primaries and a 4th that joined empty, 2,000 keys: `migrate --rate 200` with
/// 300 slots resharded to the 4th primary one second in fails (exit 1, "slot map changed
/// during the run … moved … rerun"), checkpoint kept; the same command then ends verified
/// with every value compressed. Likewise rollback (150 of them moved on to node 1; a
/// primary left without slots would turn replica) and verify. (Before, 3 runs in 4 exited
/// 0 with `left: {}` and the moved values still plain.)
#[test]
fn slots_moved_mid_run_fail_the_run_and_the_rerun_finishes() {
    let mut cluster = Cluster::start(ServerKind::Redis);
    let new = cluster.add_primary();
    let mut con = cluster.connection();
    for i in 0..KEYS {
        redis::cmd("SET")
            .arg(key(i))
            .arg(doc(i))
            .exec(&mut con)
            .unwrap();
    }
    let url = cluster.urls()[0].clone();
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("cp");
    let cp_arg = cp.to_str().unwrap();
    let paced = ["--rate", "200", "--batch", "5"];
    let runs = [
        ("migrate", (0, new, 300), KEYS),
        ("rollback", (new, 1, 150), 0),
    ];
    for (command, moves, want) in runs {
        let mut args = vec![command, "--url", &url, "--checkpoint", cp_arg, "--json"];
        if command == "migrate" {
            args.extend(["--to", "lz4"]);
        }
        let slow: Vec<&str> = args.iter().chain(&paced).copied().collect();
        reshard_during(&cluster, &slow, moves);
        assert!(
            cp.exists(),
            "{command}: the checkpoint is kept for the rerun"
        );
        let out = run_within(&args, Duration::from_secs(120));
        let (json, code) = report(&out);
        assert_eq!(
            code,
            Some(0),
            "{command} rerun: {}\n{json}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(json["clean"], true, "{json}");
        assert_eq!(
            framed(&mut con),
            want,
            "{command}: every value in the promised state"
        );
    }
    // verify during a resharding fails the same way.
    let verify = [
        "verify", "--url", &url, "--expect", "plain", "--rate", "200", "--batch", "5",
    ];
    reshard_during(&cluster, &verify, (0, new, 150));
}
