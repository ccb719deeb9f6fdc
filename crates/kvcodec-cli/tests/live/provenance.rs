//! Every output of `assess --url`, `migrate`, `rollback` and `verify` says where it came from —
//! kvcodec's version, the date, the command line with the password redacted, the server and
//! its version, the sample size — and the JSON ones carry `schema_version`.

use kvcodec_tests::{Server, ServerKind, json_value};

use crate::{json, kvcodec};

fn run(args: &[&str]) -> String {
    let out = kvcodec(args, b"");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kvcodec {args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_output_has_provenance_and_no_password() {
    let server = Server::start(ServerKind::Valkey);
    redis::cmd("CONFIG")
        .arg("SET")
        .arg("requirepass")
        .arg("s3cret")
        .exec(&mut server.connection())
        .unwrap();
    let url = format!("redis://:s3cret@127.0.0.1:{}", server.port());
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut con = client.get_connection().unwrap();
    for i in 0..50u64 {
        redis::cmd("SET")
            .arg(format!("k:{i}"))
            .arg(json_value(500, i))
            .exec(&mut con)
            .unwrap();
    }
    let quick = ["--levels", "lz4", "--passes", "1", "--no-dictionary"];
    let outputs = [
        [&["assess", "--url", &url, "--json"][..], &quick[..]].concat(),
        vec!["migrate", "--url", &url, "--to", "lz4", "--json"],
        vec![
            "verify", "--url", &url, "--expect", "compressed", "--to", "lz4", "--json",
        ],
        vec!["rollback", "--url", &url, "--json"],
    ];
    for args in &outputs {
        let out = run(args);
        assert!(
            !out.contains("s3cret"),
            "{args:?} printed the password: {out}"
        );
        let j = json(out.as_bytes());
        assert_eq!(j["schema_version"], 1, "{args:?}: {j}");
        let p = &j["provenance"];
        let version = format!("kvcodec {}", env!("CARGO_PKG_VERSION"));
        assert_eq!(p["kvcodec"], version.as_str(), "{p}");
        assert!(p["date"].as_str().unwrap().ends_with('Z'), "{p}");
        let line = p["command_line"].as_str().unwrap();
        assert!(line.starts_with(&format!("kvcodec {}", args[0])), "{line}");
        assert!(line.contains("redis://:***@127.0.0.1:"), "{line}");
        let server = p["server"].as_str().unwrap();
        assert!(server.starts_with("valkey 9."), "{server}");
    }
    let a = json(run(&outputs[0]).as_bytes());
    assert_eq!(a["provenance"]["sample_size"], 50);
    assert!(
        a["configuration"]["env"]
            .as_str()
            .unwrap()
            .starts_with("COMPRESSION_ENABLED=true COMPRESSION_BACKEND=lz4"),
        "{}",
        a["configuration"]
    );
    // The text forms too.
    let text_args: Vec<&str> = outputs[0]
        .iter()
        .copied()
        .filter(|a| *a != "--json")
        .collect();
    let text = run(&text_args);
    assert!(text.contains("\nProvenance: kvcodec "), "{text}");
    assert!(
        text.contains("50 values sampled; command: kvcodec assess --url redis://:***@"),
        "{text}"
    );
    assert!(
        text.contains("environment: COMPRESSION_ENABLED=true"),
        "{text}"
    );
    assert!(!text.contains("s3cret"));
    let migrate = run(&["migrate", "--url", &url, "--to", "lz4"]);
    assert!(migrate.contains("  provenance: kvcodec "), "{migrate}");
    assert!(!migrate.contains("s3cret"));
}
