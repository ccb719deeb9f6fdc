//! Ctrl-C and SIGTERM during a run: exit 130, a resumable checkpoint, the default
//! checkpoint file in the current directory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use kvcodec_tests::{Server, ServerKind};

use crate::{KEYS, all_keys, figure, populate, spawn_in, state};

/// The default checkpoint file in `dir`, once it exists (at least `min` after the call).
fn default_checkpoint(dir: &Path, prefix: &str, min: Duration) -> PathBuf {
    let start = Instant::now();
    loop {
        let found = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.starts_with(prefix) && name.ends_with(".checkpoint")
            });
        match found {
            Some(path) if start.elapsed() >= min => return path,
            _ => assert!(
                start.elapsed() < Duration::from_secs(20),
                "no {prefix}* in {dir:?}"
            ),
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Ctrl-C (SIGINT) and SIGTERM: the run stops after the current key, prints its figures and
/// "resume with the same command", exits 130; the same command (default checkpoint file in
/// the current directory) finishes the job and removes the file.
#[test]
fn signals_stop_cleanly_with_exit_130() {
    let server = Server::start(ServerKind::Valkey);
    let url = server.url();
    let mut plain = server.connection();
    populate(&mut plain);
    let keys = all_keys(&mut plain);
    let before = state(&mut plain, &keys, true);
    let cwd = tempfile::tempdir().unwrap();
    let migrated = spawn_in(cwd.path(), &["migrate", "--url", &url, "--to", "lz4"]);
    assert!(migrated.wait_with_output().unwrap().status.success());
    assert_eq!(
        std::fs::read_dir(cwd.path()).unwrap().count(),
        0,
        "checkpoint left behind"
    );

    let args = [
        "rollback", "--url", &url, "--rate", "40", "--batch", "5", "--json",
    ];
    let prefix = format!("kvcodec-rollback-127.0.0.1_{}-", server.port());
    for signal in ["-INT", "-TERM"] {
        let child = spawn_in(cwd.path(), &args);
        let cp = default_checkpoint(cwd.path(), &prefix, Duration::from_millis(500));
        let pid = child.id().to_string();
        let sent = Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(sent.success());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(130), "{signal}: {stderr}");
        let last = stderr.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("kvcodec: stopped after ")
                && last.ends_with("; resume with the same command"),
            "{signal}: {stderr}"
        );
        let name = cp.file_name().unwrap().to_str().unwrap();
        assert!(last.contains(name) && cp.exists(), "{last}");
        let report = crate::json(&out.stdout);
        assert_eq!(report["completed"], false, "{report}");
        assert!(figure(&report, "keys_scanned") < KEYS, "{report}");
    }
    let done = spawn_in(cwd.path(), &args).wait_with_output().unwrap();
    assert!(done.status.success());
    let done = crate::json(&done.stdout);
    assert_eq!(
        (done["completed"].as_bool(), done["resumed"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(
        std::fs::read_dir(cwd.path()).unwrap().count(),
        0,
        "checkpoint left behind"
    );
    assert_eq!(
        state(&mut plain, &keys, true),
        before,
        "rollback after two stops not byte-exact"
    );
}
