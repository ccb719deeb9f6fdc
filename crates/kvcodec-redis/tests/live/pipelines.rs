//! Pipelines and MULTI/EXEC transactions, sync and async: each command's arguments and reply
//! are handled by its own table entry.

use kvcodec_tests::{Server, ServerKind, every_server, json_value};
use redis::{AsyncCommands, Commands, Value};

use crate::{is_compressed, raw_get, wrap};

/// GET, HGET, LRANGE, GET of a missing key, ECHO.
type SyncReplies = (Vec<u8>, Vec<u8>, Vec<Vec<u8>>, Option<Vec<u8>>, Vec<u8>);
/// MGET, HGETALL, ECHO.
type AsyncReplies = (Vec<Option<Vec<u8>>>, Vec<(String, Vec<u8>)>, Vec<u8>);

fn doc(seed: u64) -> Vec<u8> {
    json_value(1500, seed)
}

fn sync_pipelines(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    let mut con = wrap(server.connection());

    let _: () = con.set("lookalike", doc(9)).unwrap();
    let lookalike = raw_get(&mut plain, "lookalike");
    assert!(is_compressed(&lookalike));
    for atomic in [false, true] {
        let mut pipe = redis::pipe();
        if atomic {
            pipe.atomic();
        }
        pipe.set("p:a", doc(1))
            .ignore()
            .hset("p:h", "f", doc(2))
            .ignore()
            .rpush("p:l", doc(3))
            .ignore()
            .get("p:a")
            .hget("p:h", "f")
            .lrange("p:l", 0, 0)
            .get("p:missing")
            .cmd("ECHO")
            .arg(&lookalike) // a reply that merely looks compressed
            .del(&["p:a", "p:h", "p:l"])
            .ignore();
        let (a, f, l, missing, echo): SyncReplies = pipe.query(&mut con).unwrap();
        assert_eq!(
            (a, f, l, missing),
            (doc(1), doc(2), vec![doc(3)], None),
            "{kind} atomic={atomic}"
        );
        assert_eq!(echo, lookalike, "{kind}: ECHO's reply must not be decoded");
    }

    // Values are stored compressed by pipelines.
    let _: () = redis::pipe().set("p:b", doc(4)).query(&mut con).unwrap();
    assert!(is_compressed(&raw_get(&mut plain, "p:b")));

    // Manual MULTI … EXEC: the EXEC reply is decoded per queued command.
    let _: () = redis::cmd("MULTI").query(&mut con).unwrap();
    let q: String = redis::cmd("SET")
        .arg("t:a")
        .arg(doc(5))
        .query(&mut con)
        .unwrap();
    assert_eq!(q, "QUEUED");
    let _: Value = redis::cmd("GET").arg("t:a").query(&mut con).unwrap();
    let _: Value = redis::cmd("ECHO").arg(&lookalike).query(&mut con).unwrap();
    let _: Value = redis::cmd("LRANGE")
        .arg("t:none")
        .arg(0)
        .arg(-1)
        .query(&mut con)
        .unwrap();
    let (ok, got, echo, empty): (String, Vec<u8>, Vec<u8>, Vec<Vec<u8>>) =
        redis::cmd("EXEC").query(&mut con).unwrap();
    assert_eq!((ok.as_str(), got, empty.len()), ("OK", doc(5), 0));
    assert!(
        is_compressed(&echo),
        "{kind}: ECHO inside EXEC must not be decoded"
    );
    assert!(is_compressed(&raw_get(&mut plain, "t:a")));

    // DISCARD drops the queued shapes; the next EXEC-less command is decoded normally.
    let _: () = redis::cmd("MULTI").query(&mut con).unwrap();
    let _: Value = redis::cmd("GET").arg("t:a").query(&mut con).unwrap();
    let _: () = redis::cmd("DISCARD").query(&mut con).unwrap();
    assert_eq!(con.get::<_, Vec<u8>>("t:a").unwrap(), doc(5));
}

async fn async_pipelines(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    let client = server.client();
    let mut con = wrap(client.get_multiplexed_async_connection().await.unwrap());
    let stored_lookalike = {
        let _: () = con.set("lookalike", doc(9)).await.unwrap();
        raw_get(&mut plain, "lookalike")
    };
    for atomic in [false, true] {
        let mut pipe = redis::pipe();
        if atomic {
            pipe.atomic();
        }
        pipe.set("ap:a", doc(10))
            .ignore()
            .hset_multiple("ap:h", &[("x", doc(11)), ("y", doc(12))])
            .ignore()
            .mget(&["ap:a", "ap:none"])
            .hgetall("ap:h")
            .cmd("ECHO")
            .arg(&stored_lookalike);
        let (m, mut h, echo): AsyncReplies = pipe.query_async(&mut con).await.unwrap();
        h.sort();
        assert!(
            m == vec![Some(doc(10)), None],
            "{kind} atomic={atomic}: MGET"
        );
        assert!(
            h == vec![("x".into(), doc(11)), ("y".into(), doc(12))],
            "{kind} atomic={atomic}: HGETALL"
        );
        assert!(echo == stored_lookalike, "{kind}: ECHO must not be decoded");
    }
    assert!(is_compressed(&raw_get(&mut plain, "ap:a")));

    // ConnectionManager too.
    let mut managed = wrap(client.get_connection_manager().await.unwrap());
    let _: () = managed.set_ex("cm:a", doc(13), 60).await.unwrap();
    assert_eq!(managed.get::<_, Vec<u8>>("cm:a").await.unwrap(), doc(13));
    assert!(is_compressed(&raw_get(&mut plain, "cm:a")));
    assert!(plain.ttl::<_, i64>("cm:a").unwrap() > 0);
}

every_server!(sync_pipelines);

every_server!(#[tokio::test] async async_pipelines);
