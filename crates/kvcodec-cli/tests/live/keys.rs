//! `kvcodec get` and `kvcodec inspect KEY --url`: compressed strings, hash fields and list
//! elements decoded; plain values as stored; missing keys and wrong types as one-line errors.

use kvcodec_cli::backends::CodecSpec;
use kvcodec_tests::{Server, ServerKind};

use crate::{doc, fails, ok, ok_json};

#[test]
fn get_and_inspect_live_keys() {
    let server = Server::start(ServerKind::Redis);
    let url = server.url();
    let mut con = server.connection();
    let zstd = CodecSpec::parse("zstd:3").unwrap().engine(64).unwrap();
    let lz4 = CodecSpec::parse("lz4").unwrap().engine(64).unwrap();
    let stored = zstd.encode(&doc(1)).unwrap().into_owned();
    assert!(stored.len() < doc(1).len() / 2);
    let mut set = |args: &[&[u8]]| {
        let mut cmd = redis::cmd(std::str::from_utf8(args[0]).unwrap());
        for a in &args[1..] {
            cmd.arg(*a);
        }
        cmd.exec(&mut con).unwrap();
    };
    set(&[b"SET", b"doc", &stored, b"PX", b"600000"]);
    set(&[b"SET", b"plain", b"hello"]);
    set(&[
        b"HSET",
        b"h",
        b"f",
        &lz4.encode(&doc(2)).unwrap(),
        b"g",
        b"x",
    ]);
    set(&[b"RPUSH", b"l", b"first", &zstd.encode(&doc(3)).unwrap()]);
    set(&[b"SADD", b"s", b"m"]);

    assert_eq!(ok(&["get", "doc", "--url", &url], b""), doc(1));
    assert_eq!(ok(&["get", "plain", "--url", &url], b""), b"hello");
    assert_eq!(
        ok(&["get", "h", "--field", "f", "--url", &url], b""),
        doc(2)
    );
    assert_eq!(
        ok(&["get", "l", "--index", "1", "--url", &url], b""),
        doc(3)
    );
    assert_eq!(
        ok(&["get", "l", "--index", "-1", "--url", &url], b""),
        doc(3)
    );
    assert_eq!(
        ok(&["get", "l", "--index", "0", "--url", &url], b""),
        b"first"
    );

    let found = ok_json(&["inspect", "doc", "--url", &url, "--json"]);
    assert_eq!(found["key"], "doc");
    assert_eq!(found["value"], "string");
    assert_eq!(found["status"], "compressed");
    assert_eq!(found["codec"], "zstd");
    assert_eq!(found["stored_size"], stored.len());
    assert_eq!(found["declared_size"], doc(1).len());
    assert_eq!(found["decoded_size"], doc(1).len());
    let ratio = found["ratio"].as_f64().unwrap();
    assert!((ratio - doc(1).len() as f64 / stored.len() as f64).abs() < 1e-9);
    let ttl = found["ttl_ms"].as_i64().unwrap();
    assert!(ttl > 590_000 && ttl <= 600_000, "{ttl}");

    let text =
        String::from_utf8(ok(&["inspect", "h", "--field", "f", "--url", &url], b"")).unwrap();
    assert!(text.contains("value:         hash field `f`"), "{text}");
    assert!(text.contains("codec:         lz4 (id 0x02)"), "{text}");
    assert!(text.contains("ttl:           none"), "{text}");
    assert!(
        text.contains(&format!("decoded size:  {} bytes", doc(2).len())),
        "{text}"
    );
    let plain = ok_json(&["inspect", "plain", "--url", &url, "--json"]);
    assert_eq!(
        (plain["status"].as_str(), plain["stored_size"].as_u64()),
        (Some("plain"), Some(5))
    );

    // Errors: one line naming the key and what was expected; exit 4 for what does not exist
    // (so scripts can tell absent from failed), 2 for the wrong usage.
    fails(
        &["get", "nope", "--url", &url],
        b"",
        4,
        "key `nope` does not exist",
    );
    fails(
        &["get", "h", "--url", &url],
        b"",
        2,
        "key `h` is a hash: expected --field F",
    );
    fails(
        &["get", "l", "--url", &url],
        b"",
        2,
        "key `l` is a list: expected --index I",
    );
    fails(
        &["get", "doc", "--field", "f", "--url", &url],
        b"",
        2,
        "is a string: expected no --field",
    );
    fails(
        &["get", "s", "--url", &url],
        b"",
        2,
        "key `s` is a set: expected a string, hash or list",
    );
    fails(
        &["get", "h", "--field", "zz", "--url", &url],
        b"",
        4,
        "hash `h` has no field `zz`",
    );
    fails(
        &["get", "l", "--index", "7", "--url", &url],
        b"",
        4,
        "no element at index 7: it has 2",
    );
    fails(
        &["inspect", "nope", "--url", &url],
        b"",
        4,
        "key `nope` does not exist",
    );
    fails(
        &["inspect", "--field", "f"],
        b"",
        2,
        "--field and --index need --url",
    );
    fails(
        &["get", "h", "--field", "f", "--index", "1", "--url", &url],
        b"",
        2,
        "cannot be used with",
    );

    // A value with a header that does not decode: written as stored with a warning, or an
    // error under --strict.
    let mut broken = stored.clone();
    broken.truncate(12);
    set(&[b"SET", b"broken", &broken]);
    let out = crate::kvcodec(&["get", "broken", "--url", &url], b"");
    assert!(out.status.success());
    assert_eq!(out.stdout, broken);
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: value of key `broken`"));
    fails(
        &["get", "broken", "--strict", "--url", &url],
        b"",
        2,
        "value of key `broken` does not decode",
    );
}
