//! `assess --url` and `dict train --url` draw a progress bar (values sampled of `--sample`,
//! with an ETA) on standard error when it is a terminal — here a real pseudo-terminal from
//! `script(1)` — and print nothing there when it is not.

use std::process::Command;

use kvcodec_tests::{Server, ServerKind, json_value};

use crate::kvcodec;

/// Runs `kvcodec args…` under `script -qec` (standard output and error on one pty): what the
/// terminal showed.
fn on_a_terminal(args: &[String]) -> String {
    let line: Vec<String> = std::iter::once(crate::common::bin().to_string_lossy().into_owned())
        .chain(args.iter().cloned())
        .map(|a| format!("'{a}'"))
        .collect();
    let out = Command::new("script")
        .args(["-qec", &line.join(" "), "/dev/null"])
        .env_remove("REDIS_URL")
        .output()
        .expect("script(1) runs (util-linux)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn sampling_shows_a_progress_bar_on_a_terminal_only() {
    let server = Server::start(ServerKind::Valkey);
    let url = server.url();
    let mut con = server.connection();
    for i in 0..3000u64 {
        redis::cmd("SET")
            .arg(format!("k:{i}"))
            .arg(json_value(300, i))
            .exec(&mut con)
            .unwrap();
    }
    let assess: Vec<String> = [
        "assess", "--url", &url, "--sample", "3000", "--levels", "lz4", "--passes", "1",
        "--no-dictionary", "--json",
    ]
    .map(String::from)
    .to_vec();
    let shown = on_a_terminal(&assess);
    assert!(shown.contains("assess: sampling"), "{shown}");
    assert!(shown.contains("/3,000 values, ETA"), "{shown}");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("d.dict");
    let train: Vec<String> = [
        "dict",
        "train",
        "--url",
        &url,
        "--sample",
        "3000",
        "--out",
        out.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec();
    let shown = on_a_terminal(&train);
    assert!(shown.contains("dict train: sampling"), "{shown}");

    // Not a terminal: nothing on standard error.
    let args: Vec<&str> = assess.iter().map(String::as_str).collect();
    let piped = kvcodec(&args, b"");
    assert!(piped.status.success());
    assert_eq!(String::from_utf8_lossy(&piped.stderr), "");
}
