//! `kvcodec dict train|push|pull` round trip, then a migration that writes with the pushed
//! dictionary, read back by `get` and undone by `rollback`.

use kvcodec_tests::{Server, ServerKind, json_value};

use crate::{fails, figure, migrate_to, ok, ok_json};

/// A small JSON record (150–600 bytes): what dictionaries are for.
fn record(i: u64) -> Vec<u8> {
    json_value(150 + (i as usize * 53) % 450, i)
}

#[test]
fn dict_train_push_pull_and_migrate_with_it() {
    let server = Server::start(ServerKind::Valkey);
    let url = server.url();
    let mut con = server.connection();
    let dir = tempfile::tempdir().unwrap();
    let values = dir.path().join("values");
    std::fs::create_dir(&values).unwrap();
    for i in 0..300u64 {
        std::fs::write(values.join(format!("{i:03}.json")), record(i)).unwrap();
    }
    let dict = dir.path().join("records.dict");
    let dict_arg = dict.to_str().unwrap();
    let out = ok(
        &[
            "dict",
            "train",
            "--dir",
            values.to_str().unwrap(),
            "--out",
            dict_arg,
            "--max-size",
            "4096",
        ],
        b"",
    );
    let line = String::from_utf8(out).unwrap();
    let bytes = std::fs::read(&dict).unwrap();
    let id = kvcodec_zstd::dictionary_id(&bytes).expect("a zstd dictionary");
    assert!(
        bytes.len() <= 4096 && bytes.len() > 256,
        "{} bytes",
        bytes.len()
    );
    assert!(
        line.starts_with(&format!("dictionary {id}: ")) && line.contains("300 values"),
        "{line}"
    );

    // push prints the id; pushing the same bytes again is fine.
    for _ in 0..2 {
        let printed = ok(&["dict", "push", dict_arg, "--url", &url], b"");
        assert_eq!(String::from_utf8(printed).unwrap(), format!("{id}\n"));
    }
    let pulled = dir.path().join("pulled");
    let listing = String::from_utf8(ok(
        &[
            "dict",
            "pull",
            "--url",
            &url,
            "--out-dir",
            pulled.to_str().unwrap(),
        ],
        b"",
    ))
    .unwrap();
    assert!(
        listing.starts_with(&format!("{id}\t{} bytes\t", bytes.len())),
        "{listing}"
    );
    assert_eq!(
        std::fs::read(pulled.join(format!("{id}.dict"))).unwrap(),
        bytes
    );

    // Values written through the server, compressed with the dictionary by migrate.
    for i in 300..400u64 {
        redis::cmd("SET")
            .arg(format!("r:{i}"))
            .arg(record(i))
            .exec(&mut con)
            .unwrap();
    }
    let cp = dir.path().join("cp");
    let cp = cp.to_str().unwrap();
    let id_arg = id.to_string();
    let with = ok_json(&migrate_to(
        &url,
        "zstd:3",
        &["--dictionary", &id_arg, "--checkpoint", cp, "--json"],
    ));
    let saved_with = with["savings_pct"].as_f64().unwrap();
    assert_eq!(figure(&with, "rewritten"), 100, "{with}");
    assert_eq!(figure(&with, "keys_scanned"), 101, "{with}");
    assert_eq!(
        crate::skipped(&with, "reserved_key"),
        1,
        "kvcodec:dictionaries is left alone"
    );
    let raw: Vec<u8> = redis::cmd("GET").arg("r:300").query(&mut con).unwrap();
    assert_eq!(&raw[..5], &[0, 1, 2, 0, 5], "the compact dictionary form");
    assert_eq!(ok(&["get", "r:300", "--url", &url], b""), record(300));
    let found = ok_json(&["inspect", "r:300", "--url", &url, "--json"]);
    assert_eq!(found["status"], "compressed", "{found}");
    // The offline decoder has no dictionary: the value does not decode there.
    let offline = crate::json(&ok(&["inspect", "--json"], &raw));
    assert_eq!(offline["status"], "corrupt", "{offline}");
    assert!(
        offline["error"].as_str().unwrap().contains("dictionary"),
        "{offline}"
    );
    let rolled = ok_json(&["rollback", "--url", &url, "--checkpoint", cp, "--json"]);
    assert_eq!(figure(&rolled, "rewritten"), 100, "{rolled}");
    for i in 300..400u64 {
        let raw: Vec<u8> = redis::cmd("GET")
            .arg(format!("r:{i}"))
            .query(&mut con)
            .unwrap();
        assert_eq!(raw, record(i));
    }
    // Without the dictionary, zstd saves clearly less on these small records.
    let without = ok_json(&migrate_to(&url, "zstd:3", &["--checkpoint", cp, "--json"]));
    let saved_without = without["savings_pct"].as_f64().unwrap();
    assert!(
        saved_with > saved_without + 10.0,
        "with {saved_with} %, without {saved_without} %"
    );

    // Training on the live values works too.
    let live = dir.path().join("live.dict");
    let line = String::from_utf8(ok(
        &[
            "dict",
            "train",
            "--url",
            &url,
            "--match",
            "r:*",
            "--out",
            live.to_str().unwrap(),
            "--max-size",
            "2048",
        ],
        b"",
    ))
    .unwrap();
    assert!(line.contains("100 values"), "{line}");
    assert!(kvcodec_zstd::dictionary_id(&std::fs::read(&live).unwrap()).is_some());

    // Bad input.
    fails(
        &[
            "dict",
            "push",
            values.join("000.json").to_str().unwrap(),
            "--url",
            &url,
        ],
        b"",
        2,
        "is not a usable zstd dictionary",
    );
    fails(
        &[
            "dict", "train", "--dir", "/nonexistent/kvcodec", "--out", "x.dict",
        ],
        b"",
        2,
        "cannot read directory `/nonexistent/kvcodec`",
    );
    fails(&["dict", "train", "--out", "x.dict"], b"", 2, "required");
    let nothing = [
        "dict", "train", "--url", &url, "--match", "zz:*", "--out", "x.dict",
    ];
    fails(&nothing, b"", 2, "cannot train a dictionary on server");
    fails(
        &migrate_to(&url, "lz4", &["--dictionary", "1", "--checkpoint", cp]),
        b"",
        2,
        "--dictionary needs a zstd codec",
    );
    fails(
        &migrate_to(&url, "zstd", &["--dictionary", "12345", "--checkpoint", cp]),
        b"",
        2,
        "12345",
    );
}
