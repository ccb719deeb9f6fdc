//! Every command in the table round-trips through the wrapper; read with a plain client, the
//! stored bytes are compressed exactly when the policy says so.

use kvcodec_tests::{Server, ServerKind, every_server, json_value};
use redis::{Commands, Value};

use crate::{is_compressed, raw_get, wrap};

fn big(seed: u64) -> Vec<u8> {
    json_value(2048, seed)
}

const SMALL: &[u8] = b"short value";

fn strings(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    let mut con = wrap(server.connection());

    // SET / GET: big values compressed, small ones stored plain.
    let _: () = con.set("s:big", big(1)).unwrap();
    let _: () = con.set("s:small", SMALL).unwrap();
    let stored = raw_get(&mut plain, "s:big");
    assert!(
        is_compressed(&stored) && stored.len() < 2048 / 2,
        "{kind}: SET big stored {} bytes",
        stored.len()
    );
    assert_eq!(raw_get(&mut plain, "s:small"), SMALL);
    assert_eq!(con.get::<_, Vec<u8>>("s:big").unwrap(), big(1));
    assert_eq!(con.get::<_, Vec<u8>>("s:small").unwrap(), SMALL);

    // SET with options: EX kept, GET returns the old value decoded, NX/XX obeyed.
    let old: Vec<u8> = redis::cmd("SET")
        .arg("s:big")
        .arg(big(2))
        .arg("EX")
        .arg(100)
        .arg("GET")
        .query(&mut con)
        .unwrap();
    assert_eq!(old, big(1));
    let ttl: i64 = plain.ttl("s:big").unwrap();
    assert!((90..=100).contains(&ttl), "{kind}: TTL after SET EX: {ttl}");
    let _: () = redis::cmd("SET")
        .arg("s:big")
        .arg(big(3))
        .arg("KEEPTTL")
        .query(&mut con)
        .unwrap();
    assert!(
        plain.ttl::<_, i64>("s:big").unwrap() > 0,
        "{kind}: KEEPTTL lost the TTL"
    );
    let r: Option<String> = redis::cmd("SET")
        .arg("s:big")
        .arg(big(4))
        .arg("NX")
        .query(&mut con)
        .unwrap();
    assert_eq!(r, None);
    assert_eq!(con.get::<_, Vec<u8>>("s:big").unwrap(), big(3));
    let _: () = redis::cmd("SET")
        .arg("s:px")
        .arg(big(5))
        .arg("PX")
        .arg(100_000)
        .arg("XX")
        .query(&mut con)
        .unwrap();
    assert!(
        !plain.exists::<_, bool>("s:px").unwrap(),
        "{kind}: XX created a key"
    );

    // SETEX, PSETEX, SETNX, GETSET, GETEX, GETDEL.
    let _: () = con.set_ex("s:ex", big(6), 50).unwrap();
    let _: () = redis::cmd("PSETEX")
        .arg("s:pex")
        .arg(50_000)
        .arg(big(7))
        .query(&mut con)
        .unwrap();
    let _: bool = con.set_nx("s:nx", big(8)).unwrap();
    for (key, seed) in [("s:ex", 6), ("s:pex", 7), ("s:nx", 8)] {
        assert!(
            is_compressed(&raw_get(&mut plain, key)),
            "{kind}: {key} not compressed"
        );
        assert_eq!(
            con.get::<_, Vec<u8>>(key).unwrap(),
            big(seed),
            "{kind}: {key}"
        );
    }
    assert!(plain.ttl::<_, i64>("s:ex").unwrap() > 0 && plain.pttl::<_, i64>("s:pex").unwrap() > 0);
    let old: Vec<u8> = con.getset("s:nx", big(9)).unwrap();
    assert_eq!(old, big(8));
    let v: Vec<u8> = redis::cmd("GETEX")
        .arg("s:nx")
        .arg("EX")
        .arg(30)
        .query(&mut con)
        .unwrap();
    assert_eq!(v, big(9));
    assert!(plain.ttl::<_, i64>("s:nx").unwrap() > 0);
    let v: Vec<u8> = con.get_del("s:nx").unwrap();
    assert_eq!(v, big(9));
    assert!(!plain.exists::<_, bool>("s:nx").unwrap());

    // MSET, MSETNX, MGET.
    let _: () = con
        .mset(&[("m:1", big(10)), ("m:2", SMALL.to_vec()), ("m:3", big(11))])
        .unwrap();
    assert!(
        is_compressed(&raw_get(&mut plain, "m:1")) && is_compressed(&raw_get(&mut plain, "m:3"))
    );
    assert_eq!(raw_get(&mut plain, "m:2"), SMALL);
    let _: bool = con.mset_nx(&[("m:4", big(12)), ("m:5", big(13))]).unwrap();
    let all: Vec<Option<Vec<u8>>> = con
        .mget(&["m:1", "m:2", "missing", "m:3", "m:4", "m:5"])
        .unwrap();
    assert_eq!(
        all,
        vec![
            Some(big(10)),
            Some(SMALL.to_vec()),
            None,
            Some(big(11)),
            Some(big(12)),
            Some(big(13))
        ]
    );
}

fn hashes(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    let mut con = wrap(server.connection());

    let _: () = con
        .hset_multiple("h", &[("f1", big(20)), ("f2", SMALL.to_vec())])
        .unwrap();
    let _: () = redis::cmd("HMSET")
        .arg("h")
        .arg("f3")
        .arg(big(21))
        .query(&mut con)
        .unwrap();
    let _: bool = con.hset_nx("h", "f4", big(22)).unwrap();
    let raw: Vec<(String, Vec<u8>)> = plain.hgetall("h").unwrap();
    assert_eq!(raw.len(), 4);
    for (field, stored) in &raw {
        assert_eq!(
            is_compressed(stored),
            field != "f2",
            "{kind}: field {field}"
        );
    }
    let expected = |f: &str| match f {
        "f1" => big(20),
        "f2" => SMALL.to_vec(),
        "f3" => big(21),
        _ => big(22),
    };
    assert_eq!(con.hget::<_, _, Vec<u8>>("h", "f1").unwrap(), big(20));
    let got: Vec<Vec<u8>> = con.hmget("h", &["f3", "f2"]).unwrap();
    assert_eq!(got, vec![big(21), SMALL.to_vec()]);
    let all: Vec<(String, Vec<u8>)> = con.hgetall("h").unwrap();
    for (f, v) in &all {
        assert_eq!(v, &expected(f), "{kind}: HGETALL {f}");
    }
    let vals: Vec<Vec<u8>> = con.hvals("h").unwrap();
    assert_eq!(vals.len(), 4);
    assert!(vals.iter().all(|v| !is_compressed(v)));
    let pairs: Vec<(String, Vec<u8>)> = redis::cmd("HRANDFIELD")
        .arg("h")
        .arg(4)
        .arg("WITHVALUES")
        .query(&mut con)
        .unwrap();
    assert_eq!(pairs.len(), 4);
    for (f, v) in &pairs {
        assert_eq!(v, &expected(f), "{kind}: HRANDFIELD {f}");
    }
    // Fields are never compressed, so HKEYS and HEXISTS see them as written.
    assert!(con.hexists::<_, _, bool>("h", "f1").unwrap());
}

fn lists(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    let mut con = wrap(server.connection());

    let _: () = con.rpush("l", &[big(30), SMALL.to_vec(), big(31)]).unwrap();
    let _: () = con.lpush("l", big(32)).unwrap();
    let _: () = con.rpush_exists("l", big(33)).unwrap();
    let _: () = con.lpush_exists("l", big(34)).unwrap();
    let _: () = con.lset("l", 2, big(35)).unwrap(); // replaces big(30)
    let want = vec![big(34), big(32), big(35), SMALL.to_vec(), big(31), big(33)];
    let raw: Vec<Vec<u8>> = plain.lrange("l", 0, -1).unwrap();
    let flags: Vec<bool> = raw.iter().map(|v| is_compressed(v)).collect();
    assert_eq!(flags, [true, true, true, false, true, true], "{kind}");
    assert_eq!(con.lrange::<_, Vec<Vec<u8>>>("l", 0, -1).unwrap(), want);
    assert_eq!(con.lindex::<_, Vec<u8>>("l", 3).unwrap(), SMALL);
    assert_eq!(con.lpop::<_, Vec<u8>>("l", None).unwrap(), big(34));
    let two: Vec<Vec<u8>> = con.rpop("l", std::num::NonZeroUsize::new(2)).unwrap();
    assert_eq!(two, vec![big(33), big(31)]);
    let (key, v): (String, Vec<u8>) = con.blpop("l", 1.0).unwrap();
    assert_eq!((key.as_str(), v), ("l", big(32)));
    let (_, v): (String, Vec<u8>) = con.brpop("l", 1.0).unwrap();
    assert_eq!(v, SMALL);
    let _: () = con.rpush("l", &[big(36), big(37), big(38)]).unwrap();
    let (key, vals): (String, Vec<Vec<u8>>) = redis::cmd("LMPOP")
        .arg(1)
        .arg("l")
        .arg("LEFT")
        .arg("COUNT")
        .arg(2)
        .query(&mut con)
        .unwrap();
    assert_eq!((key.as_str(), vals), ("l", vec![big(35), big(36)]));
    let (_, vals): (String, Vec<Vec<u8>>) = redis::cmd("BLMPOP")
        .arg(1)
        .arg(1)
        .arg("l")
        .arg("RIGHT")
        .query(&mut con)
        .unwrap();
    assert_eq!(vals, vec![big(38)]);
    let v: Vec<u8> = redis::cmd("LMOVE")
        .arg("l")
        .arg("l2")
        .arg("LEFT")
        .arg("RIGHT")
        .query(&mut con)
        .unwrap();
    assert_eq!(v, big(37));
    let v: Vec<u8> = redis::cmd("BLMOVE")
        .arg("l2")
        .arg("l")
        .arg("LEFT")
        .arg("LEFT")
        .arg(1)
        .query(&mut con)
        .unwrap();
    assert_eq!(v, big(37));
    let v: Vec<u8> = con.rpoplpush("l", "l2").unwrap();
    assert_eq!(v, big(37));
    assert!(
        is_compressed(&plain.lindex::<_, Vec<u8>>("l2", 0).unwrap()),
        "{kind}: moved elements stay compressed"
    );
}

fn refused(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    let mut con = wrap(server.connection());
    let _: () = redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .query(&mut plain)
        .unwrap();
    for (cmd, args) in [
        ("APPEND", vec!["k", "v"]),
        ("INCR", vec!["n"]),
        ("SETRANGE", vec!["k", "0", "x"]),
        ("STRLEN", vec!["k"]),
        ("LINSERT", vec!["l", "BEFORE", "a", "b"]),
        ("HINCRBY", vec!["h", "f", "1"]),
        ("SET", vec!["k", "v", "IFEQ", "old"]),
    ] {
        let mut c = redis::cmd(cmd);
        c.arg(&args);
        let err = c.query::<Value>(&mut con).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("Command '{cmd}' is incompatible with compression")),
            "{kind}: {msg}"
        );
        let mut p = redis::pipe();
        p.cmd("GET").arg("k").add_command(c);
        assert!(
            p.query::<Value>(&mut con).is_err(),
            "{kind}: pipeline with {cmd} was sent"
        );
    }
    let stats: String = redis::cmd("INFO")
        .arg("commandstats")
        .query(&mut plain)
        .unwrap();
    for name in [
        "append", "incr", "setrange", "strlen", "linsert", "hincrby", "set", "get",
    ] {
        assert!(
            !stats.contains(&format!("cmdstat_{name}:")),
            "{kind}: {name} reached the server:\n{stats}"
        );
    }
    // The explicit opt-out passes them through unchanged.
    let compression = con
        .compression()
        .as_ref()
        .clone()
        .allow_incompatible(["incrby", "APPEND"]);
    let mut opted = compression.wrap(server.connection());
    assert_eq!(opted.incr::<_, _, i64>("n", 5).unwrap(), 5); // sent as INCRBY
    assert_eq!(opted.append::<_, _, i64>("k", "ab").unwrap(), 2);
    assert!(
        redis::cmd("STRLEN")
            .arg("k")
            .query::<i64>(&mut opted)
            .is_err()
    );
}

every_server!(strings, hashes);

every_server!(lists, refused);

/// Valkey 9 adds hash-field-expiry and multi-key-expiry commands; they follow the same table.
#[test]
fn valkey9_commands() {
    let server = Server::start(ServerKind::Valkey);
    let mut plain = server.connection();
    let mut con = wrap(server.connection());
    let _: i64 = redis::cmd("HSETEX")
        .arg("hx")
        .arg("EX")
        .arg(100)
        .arg("FIELDS")
        .arg(2)
        .arg("a")
        .arg(big(40))
        .arg("b")
        .arg(SMALL)
        .query(&mut con)
        .unwrap();
    let raw: Vec<u8> = plain.hget("hx", "a").unwrap();
    assert!(is_compressed(&raw));
    assert_eq!(plain.hget::<_, _, Vec<u8>>("hx", "b").unwrap(), SMALL);
    let ttl: Vec<i64> = redis::cmd("HTTL")
        .arg("hx")
        .arg("FIELDS")
        .arg(1)
        .arg("a")
        .query(&mut plain)
        .unwrap();
    assert!(ttl[0] > 90, "field TTL kept: {ttl:?}");
    let got: Vec<Vec<u8>> = redis::cmd("HGETEX")
        .arg("hx")
        .arg("PERSIST")
        .arg("FIELDS")
        .arg(2)
        .arg("b")
        .arg("a")
        .query(&mut con)
        .unwrap();
    assert!(got == vec![SMALL.to_vec(), big(40)], "HGETEX decoded");
    let got: Vec<Vec<u8>> = redis::cmd("HGETDEL")
        .arg("hx")
        .arg("FIELDS")
        .arg(1)
        .arg("a")
        .query(&mut con)
        .unwrap();
    assert!(got == vec![big(40)], "HGETDEL decoded");
    let _: i64 = redis::cmd("MSETEX")
        .arg(2)
        .arg("mx:1")
        .arg(big(41))
        .arg("mx:2")
        .arg(big(42))
        .arg("EX")
        .arg(100)
        .query(&mut con)
        .unwrap();
    assert!(
        is_compressed(&raw_get(&mut plain, "mx:1")) && is_compressed(&raw_get(&mut plain, "mx:2"))
    );
    assert!(plain.ttl::<_, i64>("mx:2").unwrap() > 90);
    let both: Vec<Vec<u8>> = con.mget(&["mx:1", "mx:2"]).unwrap();
    assert!(both == vec![big(41), big(42)]);
}
