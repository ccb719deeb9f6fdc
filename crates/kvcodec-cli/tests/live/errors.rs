//! Bad input to the server-facing commands: one `kvcodec: error:` line, a non-zero exit code,
//! nothing done.

use kvcodec_tests::{Server, ServerKind, free_port};

use crate::{all_keys, compressed_values, fails, migrate_to, populate};

#[test]
fn unreachable_server_and_bad_urls() {
    let port = free_port();
    let url = format!("redis://127.0.0.1:{port}");
    let refused = format!("cannot connect to 127.0.0.1:{port}");
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("cp");
    let cp = cp.to_str().unwrap();
    fails(&["get", "k", "--url", &url], b"", 1, &refused);
    fails(&["inspect", "k", "--url", &url], b"", 1, &refused);
    fails(
        &["migrate", "--url", &url, "--to", "zstd", "--checkpoint", cp],
        b"",
        1,
        &refused,
    );
    fails(
        &["rollback", "--url", &url, "--checkpoint", cp],
        b"",
        1,
        &refused,
    );
    fails(&["assess", "--url", &url], b"", 1, &refused);
    fails(
        &["dict", "pull", "--url", &url, "--out-dir", cp],
        b"",
        1,
        &refused,
    );
    assert!(!dir.path().join("cp").exists());

    for bad in [
        "http://127.0.0.1:6379",
        "redis://127.0.0.1:notaport",
        "nonsense",
    ] {
        fails(&["get", "k", "--url", bad], b"", 2, "bad --url");
        fails(
            &["migrate", "--url", bad, "--to", "zstd:3"],
            b"",
            2,
            "expected redis://",
        );
    }
    fails(
        &[
            "migrate",
            "--url",
            "redis://u:secret@127.0.0.1:x/0",
            "--to",
            "zstd",
        ],
        b"",
        2,
        "redis://u:***@",
    );
}

#[test]
fn bad_codecs_checkpoints_and_options() {
    let server = Server::start(ServerKind::Redis);
    let url = server.url();
    let mut con = server.connection();
    populate(&mut con);
    let keys = all_keys(&mut con);
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("cp.json");
    let cp_arg = cp.to_str().unwrap();

    fails(
        &["migrate", "--url", &url, "--to", "brotli:3"],
        b"",
        2,
        "unknown codec `brotli`",
    );
    fails(
        &["migrate", "--url", &url, "--to", "zstd:99"],
        b"",
        2,
        "level 99 is out of range for zstd",
    );
    fails(
        &["migrate", "--url", &url, "--to", "zstd", "--min-size", "2"],
        b"",
        2,
        "--min-size 2 is too small",
    );
    fails(
        &["migrate", "--url", &url, "--to", "zstd", "--rate", "0"],
        b"",
        2,
        "--rate 0: expected a positive number",
    );
    fails(&["migrate", "--url", &url], b"", 2, "--to <SPEC>");

    // A checkpoint of another job (a rollback's) is refused, and so is one that is not JSON.
    let job = r#"{"job": "rollback match=*", "cursors": {}, "done": [], "summary": {"keys_scanned": 0, "values_seen": 0, "rewritten": 0, "skipped": {}, "bytes_before": 0, "bytes_after": 0}}"#;
    std::fs::write(&cp, job).unwrap();
    let args = migrate_to(&url, "zstd:3", &["--checkpoint", cp_arg]);
    fails(
        &args,
        b"",
        2,
        "is for job `rollback match=*`, expected `compress zstd:3 match=*`",
    );
    // Nor is one of the same codec at another level or minimum size: the values it already
    // wrote would be left in the other form by a run that says it completed.
    let other_level = job.replace("rollback match=*", "compress zstd:9 match=*");
    std::fs::write(&cp, &other_level).unwrap();
    fails(
        &args,
        b"",
        2,
        "is for job `compress zstd:9 match=*`, expected `compress zstd:3 match=*`",
    );
    let args_min = migrate_to(
        &url,
        "zstd:3",
        &["--checkpoint", cp_arg, "--min-size", "32"],
    );
    fails(
        &args_min,
        b"",
        2,
        "expected `compress zstd:3 min_size=32 match=*`",
    );
    std::fs::write(&cp, b"not json").unwrap();
    fails(&args, b"", 2, "expected kvcodec checkpoint JSON");
    let args = [
        "rollback", "--url", &url, "--match", "s:*", "--checkpoint", cp_arg,
    ];
    std::fs::write(&cp, job).unwrap();
    fails(&args, b"", 2, "expected `rollback match=s:*`");
    assert_eq!(compressed_values(&mut con, &keys), 0, "nothing was written");

    // A dry run writes nothing and keeps no checkpoint.
    std::fs::remove_file(&cp).unwrap();
    let dry = crate::ok_json(&migrate_to(
        &url,
        "zstd",
        &[
            "--types", "all", "--dry-run", "--checkpoint", cp_arg, "--json",
        ],
    ));
    assert_eq!(
        (dry["dry_run"].as_bool(), dry["checkpoint"].is_null()),
        (Some(true), true)
    );
    assert_eq!(crate::figure(&dry, "rewritten"), 90 + 48 + 48, "{dry}");
    assert!(!cp.exists());
    assert_eq!(compressed_values(&mut con, &keys), 0, "a dry run wrote");
    let text = String::from_utf8(crate::ok(
        &migrate_to(&url, "zstd", &["--types", "all", "--dry-run"]),
        b"",
    ))
    .unwrap();
    assert!(
        text.contains("completed (dry run: nothing written)")
            && text.contains("would rewrite  186"),
        "{text}"
    );
}
