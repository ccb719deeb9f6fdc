//! Issue 13's keyspace: small JSON values (about 80 bytes, half under 64). A dictionary
//! trained with `dict train --url` on one half, pushed, and `migrate --to zstd:3 --dictionary ID`
//! with no other option on the other half saves at least 40 % of its stored bytes, every value
//! reading back exact. Then `dict retire` refuses while values use the dictionary; the
//! rotation runbook (a second dictionary, `migrate --recompress` onto it) lets it retire, and
//! the rollback fallback retires the second.

use std::sync::Arc;

use kvcodec::{Codec, Engine, OnCorrupt};
use kvcodec_tests::{Server, ServerKind, small_json};

use crate::{fails, ok};

const KEYS: u64 = 4000;

fn stored_bytes(con: &mut redis::Connection, keys: &[String]) -> u64 {
    let mut pipe = redis::pipe();
    for k in keys {
        pipe.cmd("STRLEN").arg(k);
    }
    let lens: Vec<u64> = pipe.query(con).unwrap();
    lens.iter().sum()
}

/// The stored values of `keys`, each checked to read back exact (`small_json` of its number)
/// through a reader with the server's dictionaries.
fn read_back(con: &mut redis::Connection, keys: &[String]) -> Vec<(String, Vec<u8>)> {
    let set = kvcodec_redis::dictionaries::shared(con).unwrap();
    let reader = Engine::builder()
        .codec(Arc::new(kvcodec_zstd::ZstdDictCodec::reader(set)) as Arc<dyn Codec>)
        .on_corrupt(OnCorrupt::Error)
        .build()
        .unwrap();
    let values: Vec<Vec<u8>> = redis::cmd("MGET").arg(keys).query(con).unwrap();
    for (k, v) in keys.iter().zip(&values) {
        let i: u64 = k["held:".len()..].parse().unwrap();
        assert_eq!(&*reader.decode(v).unwrap(), &small_json(i)[..], "{k}");
    }
    keys.iter().cloned().zip(values).collect()
}

#[test]
fn dictionary_migration_saves_40_percent_of_small_json_and_retire_waits_for_its_values() {
    let server = Server::start(ServerKind::Valkey);
    let url = server.url();
    let mut con = server.connection();
    let mut pipe = redis::pipe();
    for i in 0..KEYS {
        let half = if i % 2 == 0 { "train" } else { "held" };
        pipe.cmd("SET")
            .arg(format!("{half}:{i}"))
            .arg(small_json(i))
            .ignore();
    }
    let _: () = pipe.query(&mut con).unwrap();
    let held: Vec<String> = (0..KEYS)
        .filter(|i| i % 2 == 1)
        .map(|i| format!("held:{i}"))
        .collect();
    let plain = stored_bytes(&mut con, &held);

    let dir = tempfile::tempdir().unwrap();
    let dict = dir.path().join("small.dict");
    let dict_arg = dict.to_str().unwrap();
    let line = String::from_utf8(ok(
        &[
            "dict", "train", "--url", &url, "--match", "train:*", "--out", dict_arg,
        ],
        b"",
    ))
    .unwrap();
    assert!(
        line.starts_with("dictionary 1: "),
        "the next free small id: {line}"
    );
    let id = String::from_utf8(ok(&["dict", "push", dict_arg, "--url", &url], b"")).unwrap();
    assert_eq!(id, "1\n");

    ok(
        &[
            "migrate", "--url", &url, "--to", "zstd:3", "--dictionary", "1", "--match", "held:*",
            "--quiet",
        ],
        b"",
    );
    let stored = stored_bytes(&mut con, &held);
    let saved = 1.0 - stored as f64 / plain as f64;
    eprintln!(
        "held-out half: {} values, {plain} B plain -> {stored} B stored, {:.1} % saved",
        held.len(),
        saved * 100.0
    );
    assert!(saved >= 0.40, "saved {:.1} % (< 40 %)", saved * 100.0);

    // Every value reads back exact through a reader with the server's dictionaries.
    let mut compressed = 0;
    for (_, v) in read_back(&mut con, &held) {
        compressed += usize::from(v.starts_with(&[0, 1, 2, 0, 5, 1]));
    }
    assert!(
        compressed * 100 > held.len() * 85,
        "{compressed} of {} compressed",
        held.len()
    );

    // retire refuses while values use the dictionary, saying how many.
    fails(
        &["dict", "retire", "1", "--url", &url],
        b"",
        3,
        &format!("dictionary 1 is still used by {compressed} stored values"),
    );
    // Rotation: a second dictionary, the values re-compressed with it (whatever their size:
    // they name another dictionary), then the first one retires.
    let second = dir.path().join("second.dict");
    let second_arg = second.to_str().unwrap();
    let line = String::from_utf8(ok(
        &[
            "dict", "train", "--url", &url, "--match", "train:*", "--out", second_arg,
        ],
        b"",
    ))
    .unwrap();
    assert!(line.starts_with("dictionary 2: "), "{line}");
    ok(&["dict", "push", second_arg, "--url", &url], b"");
    ok(
        &[
            "migrate", "--url", &url, "--to", "zstd:3", "--dictionary", "2", "--recompress",
            "--match", "held:*", "--quiet",
        ],
        b"",
    );
    let mut moved = 0;
    for (k, v) in read_back(&mut con, &held) {
        assert!(
            !v.starts_with(&[0, 1, 2, 0, 5, 1]),
            "{k} still names dictionary 1"
        );
        moved += usize::from(v.starts_with(&[0, 1, 2, 0, 5, 2]));
    }
    assert_eq!(moved, compressed, "every value of dictionary 1 moved to 2");
    let out = String::from_utf8(ok(&["dict", "retire", "1", "--url", &url], b"")).unwrap();
    assert!(out.starts_with("dictionary 1 retired"), "{out}");
    fails(
        &["dict", "retire", "2", "--url", &url],
        b"",
        3,
        &format!("dictionary 2 is still used by {compressed} stored values"),
    );
    // A dictionary the server lacks is refused before any key is walked: with values still
    // naming it (its field deleted by hand here), there is nothing to retire, not values to
    // count (the walk would say "still used").
    let _: i64 = redis::cmd("HDEL")
        .arg(kvcodec_redis::dictionaries::KEY)
        .arg(2)
        .query(&mut con)
        .unwrap();
    fails(
        &["dict", "retire", "2", "--url", &url],
        b"",
        2,
        "no dictionary 2 in kvcodec:dictionaries",
    );
    ok(&["dict", "push", second_arg, "--url", &url], b"");

    // The fallback without --recompress: roll the values back, then retire.
    ok(
        &["rollback", "--url", &url, "--match", "held:*", "--quiet"],
        b"",
    );
    let out = String::from_utf8(ok(&["dict", "retire", "2", "--url", &url], b"")).unwrap();
    assert!(out.starts_with("dictionary 2 retired"), "{out}");
    assert!(
        kvcodec_redis::dictionaries::pull(&mut con)
            .unwrap()
            .is_empty()
    );
    fails(
        &["dict", "retire", "1", "--url", &url],
        b"",
        2,
        "no dictionary 1",
    );
}
