//! Big values are replaced without a Lua script: `WATCH`, an exact compare, `MULTI` / `SET`
//! (`HSET`, `LSET`) / `EXEC`. The server never copies a big value into a script nor hashes
//! it, so a replacement blocks it no longer than a `SET` of the value — a script over a
//! 96 MiB value blocked it 0.4–1.1 s, and past the cluster node timeout a primary can be
//! failed over.

use std::collections::BTreeMap;
use std::time::Duration;

use kvcodec_tests::{Server, ServerKind};
use redis::Value;

use crate::{migrate_to, run_within};

const MIB: usize = 1 << 20;
const BIG_KEYS: [&str; 3] = ["s", "h", "l"];

/// A compressible value of `len` bytes.
fn value(len: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    let mut i = seed;
    while out.len() < len {
        out.extend_from_slice(format!("{{\"id\":{i},\"name\":\"user {}\"}}\n", i % 977).as_bytes());
        i += 1;
    }
    out.truncate(len);
    out
}

fn text(v: &Value) -> String {
    match v {
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        Value::SimpleString(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

/// Every command the server logged (`SLOWLOG GET -1` with every command logged): its name,
/// its first key argument, and how long it ran (µs).
fn logged(con: &mut redis::Connection) -> Vec<(String, String, i64)> {
    let entries: Vec<Value> = redis::cmd("SLOWLOG").arg("GET").arg(-1).query(con).unwrap();
    entries
        .iter()
        .filter_map(|e| {
            let Value::Array(fields) = e else { return None };
            let (Some(Value::Int(micros)), Some(Value::Array(args))) =
                (fields.get(2), fields.get(3))
            else {
                return None;
            };
            let name = args.first().map(text)?.to_uppercase();
            let key = match name.as_str() {
                "EVALSHA" | "EVAL" => args.get(3),
                _ => args.get(1),
            };
            Some((name, key.map(text).unwrap_or_default(), *micros))
        })
        .collect()
}

/// Redis 7, every command logged: a 32 MiB string, an 8 MiB hash value and an 8 MiB list
/// element migrated (`--types all`) and rolled back. No script is ever run on those keys,
/// each replacement is one transaction, and the values come back exact. (Before: `EVALSHA`
/// for each, the server copying the value into Lua and hashing it with `redis.sha1hex`:
/// 203 ms for the 32 MiB value in one run, where the slowest `SET` now takes 3 ms.)
#[test]
fn big_values_are_never_replaced_by_a_script() {
    let server = Server::start_with_args(
        ServerKind::Redis,
        &[
            "--slowlog-log-slower-than",
            "0",
            "--slowlog-max-len",
            "100000",
        ],
    );
    let url = server.url();
    let mut con = server.connection();
    let (s, h, l) = (value(32 * MIB, 1), value(8 * MIB, 2), value(8 * MIB, 3));
    redis::cmd("SET").arg("s").arg(&s).exec(&mut con).unwrap();
    redis::cmd("HSET")
        .arg("h")
        .arg("f")
        .arg(&h)
        .exec(&mut con)
        .unwrap();
    redis::cmd("RPUSH")
        .arg("l")
        .arg("x")
        .arg(&l)
        .exec(&mut con)
        .unwrap();
    redis::cmd("SLOWLOG").arg("RESET").exec(&mut con).unwrap();
    for args in [
        migrate_to(&url, "zstd:1", &["--types", "all", "-q"]),
        vec!["rollback", "--url", &url, "-q"],
    ] {
        let out = run_within(&args, Duration::from_secs(120));
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let log = logged(&mut con);
    let mut slowest: BTreeMap<&str, i64> = BTreeMap::new();
    for (name, _, micros) in &log {
        let e = slowest.entry(name.as_str()).or_default();
        *e = (*e).max(*micros);
    }
    eprintln!("slowest per command (µs): {slowest:?}");
    let scripts: Vec<_> = log
        .iter()
        .filter(|(name, key, _)| name.starts_with("EVAL") && BIG_KEYS.contains(&key.as_str()))
        .collect();
    assert!(scripts.is_empty(), "scripts on big values: {scripts:?}");
    for (write, key) in [("SET", "s"), ("HSET", "h"), ("LSET", "l")] {
        let n = log
            .iter()
            .filter(|(n, k, _)| n == write && k == key)
            .count();
        assert_eq!(n, 2, "{write} {key}: once by migrate, once by rollback");
    }
    // Each replacement: WATCH the key, compare, MULTI / write / EXEC. (Lists also read their
    // shape — length and ends — in a MULTI of their own, so MULTIs outnumber replacements.)
    let count = |cmd: &str| log.iter().filter(|(name, _, _)| name == cmd).count();
    let watched: Vec<&str> = log
        .iter()
        .filter(|(name, _, _)| name == "WATCH")
        .map(|(_, key, _)| key.as_str())
        .collect();
    assert_eq!(watched.len(), 6, "one WATCH per replacement: {watched:?}");
    assert!(
        count("MULTI") >= 6,
        "each replacement in a transaction (EXEC is not logged)"
    );
    let back: Vec<u8> = redis::cmd("GET").arg("s").query(&mut con).unwrap();
    assert!(back == s, "s not restored");
    let back: Vec<u8> = redis::cmd("HGET")
        .arg("h")
        .arg("f")
        .query(&mut con)
        .unwrap();
    assert!(back == h, "h not restored");
    let back: Vec<u8> = redis::cmd("LINDEX")
        .arg("l")
        .arg(1)
        .query(&mut con)
        .unwrap();
    assert!(back == l, "l not restored");
}
