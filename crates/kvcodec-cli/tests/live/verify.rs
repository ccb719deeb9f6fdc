//! "Completed" means verified: every run ends with a verification pass and exits 3 when
//! values are left in the other state; `kvcodec verify` checks alone; nested values are left
//! alone and counted; bad options are refused before anything is written.

use std::time::Duration;

use kvcodec::{CodecId, Header};
use kvcodec_tests::{Server, ServerKind};

use crate::{all_keys, doc, fails, framed, migrate_to, populate, report, run_within, spawn};

fn run(args: &[&str]) -> (serde_json::Value, Option<i32>, String) {
    let out = run_within(args, Duration::from_secs(120));
    let (json, code) = report(&out);
    (
        json,
        code,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `header + zstd(value)`.
fn zstd(value: &[u8]) -> Vec<u8> {
    let mut out = Header::new(CodecId::ZSTD).to_bytes().to_vec();
    let codec = kvcodec_zstd::ZstdCodec::new(3).unwrap();
    kvcodec::Codec::compress(&codec, value, &mut out).unwrap();
    out
}

#[test]
fn runs_end_verified_and_verify_checks_alone() {
    let server = Server::start(ServerKind::Valkey);
    let url = server.url();
    let mut con = server.connection();
    populate(&mut con);
    let strings: Vec<String> = all_keys(&mut con)
        .into_iter()
        .filter(|k| k.starts_with("s:"))
        .collect();
    let plain = ["verify", "--url", &url, "--expect", "plain", "--json"];
    let compressed = [
        "verify", "--url", &url, "--expect", "compressed", "--to", "zstd:3", "--json",
    ];

    let (v, code, _) = run(&plain);
    assert_eq!((code, v["clean"].as_bool()), (Some(0), Some(true)), "{v}");
    let (v, code, stderr) = run(&compressed);
    assert_eq!(code, Some(3), "{v}");
    assert_eq!(v["left"], serde_json::json!({"undone": 90}), "{v}");
    assert_eq!(v["kept"]["too_small"], 30, "policy skips are fine: {v}");
    assert!(
        stderr.contains("90 values are not compressed (undone 90)"),
        "{stderr}"
    );

    let (m, code, stderr) = run(&["migrate", "--url", &url, "--to", "zstd:3", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(m["verification"]["left"], serde_json::json!({}), "{m}");
    assert_eq!(m["verification"]["expect"], "compressed", "{m}");
    assert_eq!(run(&compressed).1, Some(0));
    let all: Vec<&str> = compressed
        .iter()
        .copied()
        .chain(["--types", "all"])
        .collect();
    let (v, code, _) = run(&all);
    assert_eq!(
        (code, &v["left"]),
        (Some(3), &serde_json::json!({"undone": 96})),
        "{v}"
    );
    let (v, code, _) = run(&plain);
    assert_eq!(
        (code, &v["left"]),
        (Some(3), &serde_json::json!({"undone": 90})),
        "{v}"
    );

    // A nested value (its content is again a compressed value, as a kvcodec client stores a
    // value that starts with the header) and an undecodable one.
    let nested = zstd(&zstd(&doc(7)));
    let bad = [&[0u8, 1, 2, 0, 1][..], b"not a zstd frame at all"].concat();
    redis::cmd("SET")
        .arg("nested")
        .arg(&nested)
        .exec(&mut con)
        .unwrap();
    redis::cmd("SET")
        .arg("bad")
        .arg(&bad)
        .exec(&mut con)
        .unwrap();
    for round in 0..2 {
        let (r, code, stderr) = run(&["rollback", "--url", &url, "--json"]);
        assert_eq!(code, Some(3), "round {round}: {stderr}\n{r}");
        assert_eq!(
            r["verification"]["left"],
            serde_json::json!({"nested": 1, "undecodable": 1}),
            "{r}"
        );
        assert_eq!(
            r["summary"]["rewritten"],
            if round == 0 { 90 } else { 0 },
            "{r}"
        );
        assert!(
            stderr.contains("2 values are not plain (nested 1, undecodable 1)"),
            "{stderr}"
        );
        let stored: Vec<u8> = redis::cmd("GET").arg("nested").query(&mut con).unwrap();
        assert!(
            stored == nested,
            "round {round}: a layer was peeled off the nested value"
        );
        assert_eq!(framed(&mut con, &strings), 0);
    }
    let out = run_within(&plain[..5], Duration::from_secs(60));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.contains("NOT verified")
            && text.contains("nested: encoded values whose content itself starts with a header"),
        "{text}"
    );
    assert!(
        text.contains("clients in Off mode would read them encoded"),
        "{text}"
    );
}

#[test]
fn bad_options_are_refused_before_anything_is_written() {
    let server = Server::start(ServerKind::Redis);
    let url = server.url();
    let mut con = server.connection();
    populate(&mut con);
    let keys = all_keys(&mut con);
    for (args, needle) in [
        (
            vec!["migrate", "--url", &url, "--to", "zstd", "--rate", "1e-300"],
            "--rate 1e-300: expected a positive number",
        ),
        (
            vec!["rollback", "--url", &url, "--rate=-3"],
            "--rate -3: expected a positive number",
        ),
        (
            vec!["migrate", "--url", &url, "--to", "zstd", "--match", ""],
            "--match '': expected a glob pattern",
        ),
        (
            vec!["rollback", "--url", &url, "--max-size", "0"],
            "expected at least 1 byte",
        ),
        (
            vec!["verify", "--url", &url, "--expect", "compressed"],
            "--to <SPEC>",
        ),
        (
            vec!["migrate", "--url", &url, "--to", "zstd", "--types", "sets"],
            "unknown value types `sets`",
        ),
        (
            vec!["get", "k", "--url", &url, "--timeout", "0"],
            "--timeout 0: expected a number of seconds",
        ),
        (
            migrate_to(&url, "zstd", &["--checkpoint", "/nonexistent-dir/cp"]),
            "cannot use the checkpoint /nonexistent-dir/cp",
        ),
    ] {
        fails(&args, b"", 2, needle);
    }
    assert_eq!(
        crate::compressed_values(&mut con, &keys),
        0,
        "nothing was written"
    );
}

/// Two runs sharing one checkpoint file at the same time, saving after every key: neither
/// trips over the other's temporary file (before, both wrote `<file>.tmp`).
#[test]
fn two_runs_sharing_a_checkpoint_do_not_collide() {
    let server = Server::start(ServerKind::Valkey);
    let url = server.url();
    let mut con = server.connection();
    populate(&mut con);
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("shared.checkpoint");
    let args = migrate_to(
        &url,
        "lz4",
        &["--batch", "1", "--checkpoint", cp.to_str().unwrap()],
    );
    let children: Vec<_> = (0..2).map(|_| spawn(&args)).collect();
    for child in children {
        let out = crate::finish_within(child, Duration::from_secs(120), "shared checkpoint run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let strings: Vec<String> = all_keys(&mut con)
        .into_iter()
        .filter(|k| k.starts_with("s:"))
        .collect();
    assert_eq!(framed(&mut con, &strings), 90);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
