//! Helpers shared by the integration tests: run the built binary, check its errors.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The binary under test: this build's `kvcodec`, or the one `KVCODEC_TEST_BIN` names (to
/// run the tests against another build, e.g. an older commit's, and see which fail there).
pub fn bin() -> std::ffi::OsString {
    std::env::var_os("KVCODEC_TEST_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_kvcodec").into())
}

/// Runs `kvcodec args…` with `stdin` as its input.
pub fn kvcodec(args: &[&str], stdin: &[u8]) -> Output {
    kvcodec_env(args, stdin, &[])
}

/// [`kvcodec`] with these environment variables set. `REDIS_URL` and `REDISCLI_AUTH` are
/// never inherited from the test's own environment.
pub fn kvcodec_env(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut child = Command::new(bin())
        .env_remove("REDIS_URL")
        .env_remove("REDISCLI_AUTH")
        .envs(env.iter().copied())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kvcodec");
    let mut pipe = child.stdin.take().unwrap();
    // The command may exit before reading stdin (bad arguments): ignore a broken pipe.
    let _ = pipe.write_all(stdin);
    drop(pipe);
    child.wait_with_output().expect("wait for kvcodec")
}

/// Runs `kvcodec args…`, asserts success, returns standard output.
pub fn ok(args: &[&str], stdin: &[u8]) -> Vec<u8> {
    let out = kvcodec(args, stdin);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kvcodec {args:?} failed: {stderr}");
    out.stdout
}

/// Asserts exit code `code` and exactly one stderr line, `kvcodec: error: …` containing `needle`.
pub fn fails(args: &[&str], stdin: &[u8], code: i32, needle: &str) {
    let out = kvcodec(args, stdin);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(code), "kvcodec {args:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "kvcodec {args:?}: {stderr}");
    assert!(stderr.starts_with("kvcodec: error: "), "{stderr}");
    assert!(
        stderr.contains(needle),
        "kvcodec {args:?}: {stderr:?} lacks {needle:?}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[allow(unused_imports)] // not every test binary that includes this module decodes hex
pub use kvcodec::vectors::hex;

/// Parses `bytes` as JSON.
pub fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("valid JSON")
}

pub fn sample_value() -> Vec<u8> {
    (0..120)
        .map(|i| {
            format!(
                "{{\"id\":{i},\"name\":\"user {i}\",\"created_at\":\"2024-05-01T12:{:02}:00Z\"}}\n",
                i % 60
            )
        })
        .collect::<String>()
        .into_bytes()
}

pub fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("kvcodec-cli-test-{}-{name}", std::process::id()))
}
