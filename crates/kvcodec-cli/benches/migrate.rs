//! `kvcodec migrate`, `rollback` and `verify` on a local 3-primary Valkey cluster holding about
//! 50,000 mixed keys (strings, hashes, lists): keys/s (wall clock, verification pass included)
//! and the peak RSS of the `kvcodec` process (`VmHWM`, sampled every 2 ms).
//!
//! Run: `cargo bench -p kvcodec-cli --bench migrate`. With `KVCODEC_BENCH_BASELINE=/path/to/
//! an/older/kvcodec` the same migrate and rollback also run with that binary, interleaved
//! round by round, so the two are compared on the same keyspace and machine state. Under
//! `cargo test` (no `--bench` argument) it runs once on 600 keys as a smoke test.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kvcodec_tests::{Cluster, ServerKind, json_value};

/// One measured run.
struct Measured {
    label: String,
    keys: u64,
    seconds: f64,
    peak_mib: f64,
}

/// Runs `bin args…` to completion, sampling its peak RSS.
fn measure(label: &str, bin: &str, args: &[&str]) -> Measured {
    let start = Instant::now();
    let mut child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kvcodec");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0u64;
    while child.try_wait().expect("wait").is_none() {
        if let Ok(text) = std::fs::read_to_string(&status_path)
            && let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let seconds = start.elapsed().as_secs_f64();
    let out = child.wait_with_output().expect("collect output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "{label}: expected a JSON report ({e}): {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(
        out.status.success(),
        "{label}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let keys = json["summary"]["keys_scanned"]
        .as_u64()
        .or(json["keys_scanned"].as_u64())
        .unwrap_or(0);
    Measured {
        label: label.to_owned(),
        keys,
        seconds,
        peak_mib: peak_kb as f64 / 1024.0,
    }
}

/// `strings` strings (800–2800 B JSON, every 8th 40 B), `strings / 8` hashes and lists of 4
/// values each.
fn populate(cluster: &Cluster, strings: usize) -> usize {
    let mut con = cluster.connection();
    let others = strings / 8;
    for chunk in (0..strings).collect::<Vec<_>>().chunks(500) {
        let mut pipe = redis::cluster::cluster_pipe();
        for &i in chunk {
            let len = if i % 8 == 0 {
                40
            } else {
                800 + (i * 37) % 2000
            };
            pipe.cmd("SET")
                .arg(format!("s:{i}"))
                .arg(json_value(len, i as u64))
                .ignore();
        }
        pipe.query::<()>(&mut con).expect("populate strings");
    }
    for chunk in (0..others).collect::<Vec<_>>().chunks(200) {
        let mut pipe = redis::cluster::cluster_pipe();
        for &i in chunk {
            for f in 0..4u64 {
                let v = json_value(600 + f as usize * 100, (i as u64) << 3 | f);
                pipe.cmd("HSET")
                    .arg(format!("h:{i}"))
                    .arg(format!("f{f}"))
                    .arg(&v)
                    .ignore();
                pipe.cmd("RPUSH").arg(format!("l:{i}")).arg(&v).ignore();
            }
        }
        pipe.query::<()>(&mut con)
            .expect("populate hashes and lists");
    }
    strings + 2 * others
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let strings = if bench { 40_000 } else { 480 };
    let rounds = if bench { 2 } else { 1 };
    let cluster = Cluster::start(ServerKind::Valkey);
    let keys = populate(&cluster, strings);
    let url = cluster.urls()[0].clone();
    let ours = env!("CARGO_BIN_EXE_kvcodec").to_owned();
    let baseline = std::env::var("KVCODEC_BENCH_BASELINE").ok();
    let migrate = [
        "migrate", "--url", &url, "--to", "zstd:3", "--types", "all", "-q", "--json",
    ];
    let old_migrate = ["migrate", "--url", &url, "--to", "zstd:3", "-q", "--json"];
    let rollback = ["rollback", "--url", &url, "-q", "--json"];
    let verify_c = [
        "verify", "--url", &url, "--expect", "compressed", "--to", "zstd:3", "--types", "all",
        "-q", "--json",
    ];
    let verify_p = ["verify", "--url", &url, "--expect", "plain", "-q", "--json"];
    let mut results = Vec::new();
    for round in 0..rounds {
        let tmp = tempfile::tempdir().expect("temp dir");
        let cp = tmp.path().join("cp");
        let cp = cp.to_str().unwrap();
        let mut runs: Vec<(String, String, Vec<&str>)> = vec![
            ("migrate".into(), ours.clone(), migrate.to_vec()),
            (
                "verify --expect compressed".into(),
                ours.clone(),
                verify_c.to_vec(),
            ),
            ("rollback".into(), ours.clone(), rollback.to_vec()),
            (
                "verify --expect plain".into(),
                ours.clone(),
                verify_p.to_vec(),
            ),
        ];
        if let Some(old) = &baseline {
            let old_runs = vec![
                (
                    "migrate (baseline)".into(),
                    old.clone(),
                    old_migrate.to_vec(),
                ),
                ("rollback (baseline)".into(), old.clone(), rollback.to_vec()),
            ];
            if round % 2 == 0 {
                runs.extend(old_runs);
            } else {
                runs.splice(0..0, old_runs);
            }
        }
        for (label, bin, mut args) in runs {
            if !label.starts_with("verify") {
                args.extend(["--checkpoint", cp]);
            }
            let m = measure(&label, &bin, &args);
            eprintln!(
                "round {round}: {label}: {} keys in {:.2} s, peak RSS {:.1} MiB",
                m.keys, m.seconds, m.peak_mib
            );
            results.push(m);
        }
    }
    println!(
        "3-primary Valkey cluster, {keys} keys ({strings} strings, {} hashes and {} lists of 4 values)",
        strings / 8,
        strings / 8
    );
    println!("| run | keys | seconds | keys/s | peak RSS MiB |");
    println!("|---|---:|---:|---:|---:|");
    for m in &results {
        println!(
            "| {} | {} | {:.2} | {:.0} | {:.1} |",
            m.label,
            m.keys,
            m.seconds,
            m.keys as f64 / m.seconds,
            m.peak_mib
        );
    }
}
