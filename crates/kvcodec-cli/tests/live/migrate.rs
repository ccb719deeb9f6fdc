//! `kvcodec migrate` / `rollback` end to end on Redis and Valkey: a concurrent writer, then
//! rollback byte-exact; a run SIGKILLed mid-way and resumed by the same command.

use std::time::Duration;

use kvcodec_tests::keyspace::{State, Writer, assert_writer_kept};
use kvcodec_tests::{Server, ServerKind, every_server};

use crate::{
    KEYS, all_keys, compressed_values, figure, migrate_to, ok_json, populate, skipped, spawn,
    state, wait_for,
};

/// Values of `populate` long enough to compress: 90 strings, 48 hash values, 48 list elements.
const COMPRESSIBLE: u64 = 90 + 48 + 48;

/// A server of `kind` holding `populate`'s keyspace, a plain connection to it, its keys, and
/// their decoded state before any run.
fn populated(kind: ServerKind) -> (Server, redis::Connection, Vec<String>, State) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    populate(&mut plain);
    let keys = all_keys(&mut plain);
    let before = state(&mut plain, &keys, false);
    (server, plain, keys, before)
}

fn migrate_with_writer(kind: ServerKind) {
    let (server, mut plain, keys, before) = populated(kind);
    let url = server.url();

    // A plain client rewrites 30 string keys (SET … KEEPTTL) the whole time.
    let writer = Writer::start(server.connection());
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("cp.json");
    let cp_arg = cp.to_str().unwrap();
    let args = migrate_to(
        &url,
        "zstd:3",
        &[
            "--types", "all", "--batch", "10", "--checkpoint", cp_arg, "--json",
        ],
    );
    let first = ok_json(&args);
    let last = writer.stop();

    assert_eq!(first["completed"], true, "{kind}: {first}");
    assert!(
        !cp.exists(),
        "{kind}: a completed run removes its checkpoint"
    );
    assert_eq!(figure(&first, "keys_scanned"), KEYS, "{kind}: {first}");
    assert!(figure(&first, "rewritten") > 100, "{kind}: {first}");
    assert_eq!(skipped(&first, "too_small"), 30, "{kind}: {first}");
    assert_eq!(skipped(&first, "unsupported_type"), 1, "{kind}: {first}");
    assert!(
        first["savings_pct"].as_f64().unwrap() > 40.0,
        "{kind}: {first}"
    );

    let after = state(&mut plain, &keys, false);
    assert_writer_kept(kind.name(), &before, &after, &last);
    // The writer's last values may be plain (written after the run passed their key); a
    // second run compresses at most those, a third finds nothing.
    let second = ok_json(&args);
    assert!(figure(&second, "rewritten") <= 30, "{kind}: {second}");
    let third = ok_json(&args);
    assert_eq!(figure(&third, "rewritten"), 0, "{kind}: {third}");
    assert_eq!(
        skipped(&third, "already_compressed"),
        COMPRESSIBLE,
        "{kind}: {third}"
    );
    assert_eq!(state(&mut plain, &keys, false), after);

    // Rollback: every value byte-exact for a plain client, TTLs intact.
    let rolled = ok_json(&["rollback", "--url", &url, "--json"]);
    assert_eq!(rolled["completed"], true);
    assert!(figure(&rolled, "rewritten") > 100, "{kind}: {rolled}");
    assert_eq!(
        state(&mut plain, &keys, true),
        after,
        "{kind}: rollback not byte-exact"
    );
    assert_eq!(compressed_values(&mut plain, &keys), 0);
    let again = ok_json(&["rollback", "--url", &url, "--json"]);
    assert_eq!(figure(&again, "rewritten"), 0, "{kind}: {again}");
}

every_server!(migrate_with_writer);

fn killed_and_resumed(kind: ServerKind) {
    let (server, mut plain, keys, before) = populated(kind);
    let url = server.url();
    let dir = tempfile::tempdir().unwrap();
    let cp = dir.path().join("migrate.checkpoint");
    let args = migrate_to(
        &url,
        "zstd:3",
        &[
            "--types",
            "strings,hashes,lists",
            "--rate",
            "50",
            "--batch",
            "10",
            "--checkpoint",
            cp.to_str().unwrap(),
            "--json",
        ],
    );

    // SIGKILL after about a second: at 50 keys/s, about a third of the keys are done.
    let mut child = spawn(&args);
    wait_for(&cp, Duration::from_secs(1));
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(cp.exists(), "{kind}: the checkpoint survives a SIGKILL");
    let partly = compressed_values(&mut plain, &keys);
    assert!(
        partly > 0 && partly < COMPRESSIBLE as usize,
        "{kind}: {partly} compressed at the kill"
    );
    assert_eq!(
        state(&mut plain, &keys, false),
        before,
        "{kind}: values changed"
    );

    // The same command resumes and finishes.
    let resumed = ok_json(&args);
    assert_eq!(
        (resumed["completed"].as_bool(), resumed["resumed"].as_bool()),
        (Some(true), Some(true)),
        "{resumed}"
    );
    assert!(
        figure(&resumed, "keys_scanned") >= KEYS,
        "{kind}: {resumed}"
    );
    assert!(!cp.exists());
    assert_eq!(
        state(&mut plain, &keys, false),
        before,
        "{kind}: values changed"
    );
    assert_eq!(
        compressed_values(&mut plain, &keys),
        COMPRESSIBLE as usize,
        "{kind}"
    );
    let second = ok_json(&args);
    assert_eq!(figure(&second, "rewritten"), 0, "{kind}: {second}");
    assert_eq!(second["resumed"], false);
}

every_server!(killed_and_resumed);
