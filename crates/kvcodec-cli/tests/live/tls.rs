//! Every command that connects reaches a TLS server (`rediss://`, a Redis server with
//! certificates made for it): with redis-cli's `--cacert` and `--insecure`, with the URL from
//! `REDIS_URL`; an untrusted certificate is refused. Passwords come from `REDISCLI_AUTH` and
//! never appear in output.

use std::path::Path;

use kvcodec_tests::{Server, ServerKind, TlsServer, json_value};
use redis::Commands;

use crate::common::kvcodec_env;
use crate::{doc, fails, ok, ok_json, populate};

/// `kvcodec args…` with `env`; asserts success and returns standard output.
fn ok_env(args: &[&str], env: &[(&str, &str)]) -> Vec<u8> {
    let out = kvcodec_env(args, b"", env);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kvcodec {args:?}: {stderr}");
    out.stdout
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn every_command_over_tls() {
    let server = TlsServer::start();
    let url = server.url();
    let ca_file = server.ca_path();
    let ca = path(&ca_file);
    let mut plain = server.plain().connection();
    populate(&mut plain);
    let dir = tempfile::tempdir().unwrap();
    let checkpoint = dir.path().join("tls.checkpoint");
    let tls = ["--url", url.as_str(), "--cacert", ca];

    // migrate, verify, get (URL from REDIS_URL), inspect, assess, dict train/push/pull,
    // rollback (with --insecure), each over TLS.
    let mut args = vec![
        "migrate", "--to", "zstd:3", "--quiet", "--json", "--checkpoint",
    ];
    args.push(path(&checkpoint));
    args.extend(tls);
    let report = ok_json(&args);
    assert!(
        report["summary"]["rewritten"].as_u64().unwrap() > 0,
        "{report}"
    );
    let mut args = vec![
        "verify", "--expect", "compressed", "--to", "zstd:3", "--quiet",
    ];
    args.extend(tls);
    ok(&args, b"");
    let key = "s:2";
    let raw: Vec<u8> = plain.get(key).unwrap();
    assert!(kvcodec::header::has_header(&raw), "migrated over TLS");
    let got = ok_env(&["get", key, "--cacert", ca], &[("REDIS_URL", &url)]);
    assert_eq!(got, doc(2), "get with REDIS_URL");
    let mut args = vec!["inspect", key, "--json"];
    args.extend(tls);
    let inspected = ok_json(&args);
    assert_eq!(inspected["codec"].as_str(), Some("zstd"), "{inspected}");
    let mut args = vec![
        "assess", "--sample", "100", "--passes", "1", "--no-dictionary", "--json",
    ];
    args.extend(tls);
    let assessed = ok_json(&args);
    assert!(
        assessed["source"].as_str().unwrap().contains("localhost"),
        "{assessed}"
    );

    for i in 0..300u64 {
        let _: () = plain
            .set(
                format!("rec:{i}"),
                json_value(150 + (i as usize * 53) % 450, i),
            )
            .unwrap();
    }
    let dict = dir.path().join("d.dict");
    let mut args = vec!["dict", "train", "--match", "rec:*", "--out", path(&dict)];
    args.extend(tls);
    ok(&args, b"");
    let mut args = vec!["dict", "push", path(&dict)];
    args.extend(tls);
    ok(&args, b"");
    let pulled = dir.path().join("pulled");
    let mut args = vec!["dict", "pull", "--out-dir", path(&pulled)];
    args.extend(tls);
    ok(&args, b"");
    assert_eq!(std::fs::read_dir(&pulled).unwrap().count(), 1);

    let rollback = [
        "rollback", "--url", &url, "--insecure", "--quiet", "--checkpoint",
    ];
    let mut args = rollback.to_vec();
    args.push(path(&checkpoint));
    ok(&args, b"");
    assert_eq!(
        plain.get::<_, Vec<u8>>(key).unwrap(),
        doc(2),
        "rolled back over TLS"
    );

    // Without the CA the certificate is not trusted: a failure naming the server.
    fails(
        &["get", key, "--url", &url],
        b"",
        1,
        "cannot connect to localhost:",
    );
    // TLS options on a plain URL are a usage error.
    let plain_url = format!("redis://127.0.0.1:{}/", server.plain().port());
    fails(
        &["get", key, "--url", &plain_url, "--insecure"],
        b"",
        2,
        "--cacert and --insecure need a rediss:// URL",
    );
    fails(
        &["get", key, "--url", &url, "--cacert", "/nonexistent/ca.pem"],
        b"",
        2,
        "cannot read CA file",
    );
}

#[test]
fn password_from_redis_cli_auth_never_printed() {
    let server = Server::start(ServerKind::Valkey);
    let mut con = server.connection();
    let _: () = con.set("k", "v").unwrap();
    let _: () = redis::cmd("ACL")
        .arg("SETUSER")
        .arg("default")
        .arg("on")
        .arg(">p@ss:w0rd")
        .query(&mut con)
        .unwrap();
    let url = format!("redis://127.0.0.1:{}/", server.port());
    let env = [("REDIS_URL", url.as_str()), ("REDISCLI_AUTH", "p@ss:w0rd")];
    assert_eq!(ok_env(&["get", "k"], &env), b"v");

    // Without it: an authentication failure. A wrong password in the URL never shows.
    let out = kvcodec_env(&["get", "k"], b"", &[("REDIS_URL", url.as_str())]);
    assert_eq!(out.status.code(), Some(1));
    let bad = format!("redis://:hunter2@127.0.0.1:{}/", server.port());
    let out = kvcodec_env(&["get", "k", "--url", &bad], b"", &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    let out = kvcodec_env(&["get", "k", "--url", "redis://u:hunter2@[::1"], b"", &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    // --help names the variable but never shows its value.
    let help = ok_env(&["get", "--help"], &env);
    let help = String::from_utf8(help).unwrap();
    assert!(
        help.contains("REDIS_URL") && !help.contains("p@ss"),
        "{help}"
    );
}
