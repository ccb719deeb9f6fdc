//! Every command the servers know is classified, so a server upgrade cannot slip a command
//! through unreviewed; the commands added to the table this way behave as classified.

use kvcodec_redis::table::{Class, class_of};
use kvcodec_tests::{Server, ServerKind, every_server, json_value};
use redis::{Commands, Value};

use crate::{is_compressed, wrap};

/// Every top-level command name `COMMAND` lists (subcommands belong to their container).
fn server_commands(con: &mut redis::Connection) -> Vec<String> {
    let docs: Vec<Value> = redis::cmd("COMMAND").query(con).unwrap();
    let mut names: Vec<String> = docs
        .iter()
        .map(|entry| match entry {
            Value::Array(fields) => redis::from_redis_value_ref(&fields[0]).unwrap(),
            other => panic!("COMMAND entry: expected an array, found {other:?}"),
        })
        .collect();
    names.sort();
    names
}

fn commands_are_classified(kind: ServerKind) {
    let server = Server::start(kind);
    let mut con = server.connection();
    let names = server_commands(&mut con);
    assert!(
        names.len() > 200,
        "{kind}: COMMAND listed only {}",
        names.len()
    );
    let unclassified: Vec<&String> = names.iter().filter(|n| class_of(n).is_none()).collect();
    assert!(
        unclassified.is_empty(),
        "{kind} knows commands kvcodec-redis has not reviewed: {unclassified:?}; add each to \
         a list in crates/kvcodec-redis/src/table/reviewed.rs"
    );
    // COMMAND DOCS agrees (it also lists commands by name).
    let docs: Value = redis::cmd("COMMAND").arg("DOCS").query(&mut con).unwrap();
    let doc_names: Vec<String> = match docs {
        Value::Array(items) => items
            .iter()
            .step_by(2)
            .map(|n| redis::from_redis_value_ref(n).unwrap())
            .collect(),
        Value::Map(pairs) => pairs
            .iter()
            .map(|(n, _)| redis::from_redis_value_ref(n).unwrap())
            .collect(),
        other => panic!("COMMAND DOCS: expected an array or map, found {other:?}"),
    };
    let missing: Vec<&String> = doc_names.iter().filter(|n| class_of(n).is_none()).collect();
    assert!(missing.is_empty(), "{kind}: COMMAND DOCS lists {missing:?}");
    let passed = names
        .iter()
        .filter(|n| matches!(class_of(n), Some(Class::PassThrough(_))))
        .count();
    assert!(passed > 100, "{kind}: {passed} pass-through commands");
}

every_server!(commands_are_classified);

/// HSCAN over RESP2 and RESP3.
fn hscan(kind: ServerKind) {
    hscan_over(kind, "resp2");
    hscan_over(kind, "resp3");
}

fn hscan_over(kind: ServerKind, protocol: &str) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    let url = format!("{}?protocol={protocol}", server.url());
    let mut con = wrap(redis::Client::open(url).unwrap().get_connection().unwrap());
    let doc = |i| json_value(1500, i);
    for i in 0..5u64 {
        let _: () = con.hset("h", format!("f{i}"), doc(i)).unwrap();
    }
    assert!(is_compressed(
        &plain.hget::<_, _, Vec<u8>>("h", "f0").unwrap()
    ));
    let mut seen: Vec<(String, Vec<u8>)> = con
        .hscan("h")
        .unwrap()
        .collect::<redis::RedisResult<_>>()
        .unwrap();
    seen.sort();
    let expected: Vec<(String, Vec<u8>)> = (0..5).map(|i| (format!("f{i}"), doc(i))).collect();
    assert!(seen == expected, "{kind} {protocol}: HSCAN values decoded");
    // With options, by hand.
    let (cursor, flat): (u64, Vec<Vec<u8>>) = redis::cmd("HSCAN")
        .arg("h")
        .arg(0)
        .arg("MATCH")
        .arg("f*")
        .arg("COUNT")
        .arg(100)
        .query(&mut con)
        .unwrap();
    assert_eq!(cursor, 0);
    assert!(
        flat.chunks(2).all(|p| !is_compressed(&p[1])),
        "{kind} {protocol}"
    );
    // NOVALUES (Valkey 8+, Redis 7.4+): fields only, untouched.
    if kind == ServerKind::Valkey {
        let (_, fields): (u64, Vec<String>) = redis::cmd("HSCAN")
            .arg("h")
            .arg(0)
            .arg("NOVALUES")
            .query(&mut con)
            .unwrap();
        assert_eq!(fields.len(), 5, "{kind} {protocol}: NOVALUES");
    }
}

every_server!(hscan);

fn sort_and_counters(kind: ServerKind) {
    let server = Server::start(kind);
    let mut con = wrap(server.connection());
    let _: () = con
        .rpush("l", &[json_value(200, 1), json_value(200, 2)])
        .unwrap();
    for cmd in ["SORT", "SORT_RO"] {
        let err = redis::cmd(cmd)
            .arg("l")
            .arg("ALPHA")
            .query::<Value>(&mut con)
            .unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("Command '{cmd}' is incompatible with compression")),
            "{kind}: {err}"
        );
    }
    // redis-rs's `incr` sends INCRBY; the error names what was sent, and allowing INCR
    // allows the counter family.
    let err = con.incr::<_, _, i64>("n", 1).unwrap_err();
    assert!(err.to_string().contains("'INCRBY'"), "{kind}: {err}");
    let allowed = con
        .compression()
        .as_ref()
        .clone()
        .allow_incompatible(["incr", "SORT", "LINSERT"]);
    let mut con = allowed.wrap(server.connection());
    assert_eq!(con.incr::<_, _, i64>("n", 2).unwrap(), 2);
    assert_eq!(con.incr::<_, _, f64>("n", 0.5).unwrap(), 2.5);
    assert_eq!(con.decr::<_, _, f64>("m", 1).unwrap(), -1.0);
    let sorted: Vec<Vec<u8>> = redis::cmd("SORT")
        .arg("l")
        .arg("ALPHA")
        .query(&mut con)
        .unwrap();
    assert_eq!(sorted.len(), 2, "{kind}: SORT allowed");
    // An allowed LINSERT stores its element plain, but a look-alike still reads back as written.
    let lookalike = [&[0u8, 1, 2, 0, 2][..], &[0xff; 40]].concat();
    let _: () = con.rpush("plain", "pivot").unwrap();
    let _: i64 = con.linsert_before("plain", "pivot", "before").unwrap();
    let _: i64 = con.linsert_after("plain", "pivot", &lookalike).unwrap();
    let all: Vec<Vec<u8>> = con.lrange("plain", 0, -1).unwrap();
    assert_eq!(
        all,
        vec![b"before".to_vec(), b"pivot".to_vec(), lookalike],
        "{kind}"
    );
}

every_server!(sort_and_counters);
