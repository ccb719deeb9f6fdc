//! MULTI … EXEC state follows what the server did: a refused MULTI, a nested MULTI, an
//! aborted EXEC, a killed connection and a ConnectionManager reconnect never leave the wrapper
//! thinking it is inside a transaction (which would hand the application compressed bytes).

use std::time::Duration;

use kvcodec_redis::Compressed;
use kvcodec_tests::{Server, ServerKind, every_server, json_value};
use redis::{AsyncCommands, Commands, Value};

use crate::{is_compressed, raw_get, wrap};

fn doc() -> Vec<u8> {
    json_value(3000, 77)
}

/// An ACL user that may do anything but MULTI.
fn no_multi_user(plain: &mut redis::Connection) {
    let _: () = redis::cmd("ACL")
        .arg("SETUSER")
        .arg("nomulti")
        .arg("on")
        .arg(">secret")
        .arg("~*")
        .arg("&*")
        .arg("+@all")
        .arg("-multi")
        .query(plain)
        .unwrap();
}

fn refused_multi(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    no_multi_user(&mut plain);
    let url = format!("redis://nomulti:secret@127.0.0.1:{}/", server.port());
    let mut con = wrap(redis::Client::open(url).unwrap().get_connection().unwrap());
    let _: () = con.set("k", doc()).unwrap();
    assert!(is_compressed(&raw_get(&mut plain, "k")));
    let err = redis::cmd("MULTI").exec(&mut con).unwrap_err();
    assert_eq!(err.code(), Some("NOPERM"), "{kind}: {err}");
    assert!(
        !con.in_transaction(),
        "{kind}: a refused MULTI opened nothing"
    );
    assert_eq!(
        con.get::<_, Vec<u8>>("k").unwrap(),
        doc(),
        "{kind}: GET after NOPERM"
    );
}

fn nested_multi(kind: ServerKind) {
    let server = Server::start(kind);
    let mut con = wrap(server.connection());
    let _: () = con.set("k", doc()).unwrap();
    redis::cmd("MULTI").exec(&mut con).unwrap();
    let q: Value = redis::cmd("GET").arg("k").query(&mut con).unwrap();
    assert_eq!(q, Value::SimpleString("QUEUED".into()));
    let nested = redis::cmd("MULTI").exec(&mut con).unwrap_err();
    // Redis 7: "MULTI calls can not be nested"; Valkey 9: "not allowed inside a transaction".
    let text = nested.to_string();
    assert!(
        text.contains("nested") || text.contains("inside a transaction"),
        "{kind}: {text}"
    );
    let _: Value = redis::cmd("GET").arg("k").query(&mut con).unwrap();
    let exec: redis::RedisResult<(Vec<u8>, Vec<u8>)> = redis::cmd("EXEC").query(&mut con);
    match kind {
        // Redis 7 keeps the transaction open after the nested MULTI: both GETs run.
        ServerKind::Redis => assert_eq!(exec.unwrap(), (doc(), doc()), "{kind}"),
        // Valkey 9 aborts it.
        ServerKind::Valkey => assert!(exec.is_err(), "{kind}: {exec:?}"),
    }
    assert!(!con.in_transaction());
    assert_eq!(
        con.get::<_, Vec<u8>>("k").unwrap(),
        doc(),
        "{kind}: GET after EXEC"
    );

    // A command the server refuses at queue time is not queued; EXECABORT ends it all.
    redis::cmd("MULTI").exec(&mut con).unwrap();
    let _: Value = redis::cmd("GET").arg("k").query(&mut con).unwrap();
    assert!(redis::cmd("NOSUCHCOMMAND").exec(&mut con).is_err());
    let aborted = redis::cmd("EXEC").query::<Value>(&mut con).unwrap_err();
    assert_eq!(aborted.code(), Some("EXECABORT"), "{kind}: {aborted}");
    assert!(!con.in_transaction());
    assert_eq!(
        con.get::<_, Vec<u8>>("k").unwrap(),
        doc(),
        "{kind}: GET after EXECABORT"
    );

    // DISCARD, and an EXEC without MULTI, leave nothing open.
    redis::cmd("MULTI").exec(&mut con).unwrap();
    redis::cmd("DISCARD").exec(&mut con).unwrap();
    assert!(redis::cmd("EXEC").exec(&mut con).is_err());
    assert_eq!(
        con.get::<_, Vec<u8>>("k").unwrap(),
        doc(),
        "{kind}: GET after DISCARD"
    );
}

/// Kills every client connection but `plain`'s own.
fn kill_others(plain: &mut redis::Connection) {
    let _: Value = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("TYPE")
        .arg("normal")
        .arg("SKIPME")
        .arg("yes")
        .query(plain)
        .unwrap();
}

/// GETs `k` until the connection manager has reconnected, and returns the first value read.
async fn get_after_reconnect(con: &mut Compressed<redis::aio::ConnectionManager>) -> Vec<u8> {
    for _ in 0..100 {
        match con.get::<_, Vec<u8>>("k").await {
            Ok(v) => return v,
            Err(e) => assert!(e.is_io_error() || e.is_connection_dropped(), "{e}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the connection manager did not reconnect within 5 s");
}

async fn manager_reconnects(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    let mut con = wrap(server.client().get_connection_manager().await.unwrap());
    let _: () = con.set("k", doc()).await.unwrap();

    // The connection is killed between MULTI and EXEC; the manager reconnects.
    redis::cmd("MULTI").exec_async(&mut con).await.unwrap();
    assert!(con.in_transaction());
    kill_others(&mut plain);
    assert_eq!(
        get_after_reconnect(&mut con).await,
        doc(),
        "{kind}: after a kill in MULTI"
    );
    assert!(!con.in_transaction());
    assert_eq!(con.get::<_, Vec<u8>>("k").await.unwrap(), doc());

    // MULTI itself fails on the dead connection.
    kill_others(&mut plain);
    let _ = redis::cmd("MULTI").exec_async(&mut con).await;
    assert_eq!(
        get_after_reconnect(&mut con).await,
        doc(),
        "{kind}: after a failed MULTI"
    );
    let _ = redis::cmd("DISCARD").exec_async(&mut con).await; // in case MULTI got through
    assert_eq!(con.get::<_, Vec<u8>>("k").await.unwrap(), doc());

    // A MULTI that went through, then a reconnect before the next command: the GET's real
    // reply (not QUEUED) shows the transaction is gone, and it is decoded.
    redis::cmd("MULTI").exec_async(&mut con).await.unwrap();
    kill_others(&mut plain);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = redis::cmd("PING").exec_async(&mut con).await; // may fail and trigger the reconnect
    assert_eq!(
        get_after_reconnect(&mut con).await,
        doc(),
        "{kind}: after a reconnect"
    );
    assert!(!con.in_transaction());
}

/// A command sent with `set_no_response` inside MULTI gets redis-rs' stand-in `Nil`, not the
/// server's `QUEUED`: the transaction goes on, and EXEC is decoded.
async fn no_response_inside_multi(kind: ServerKind) {
    let server = Server::start(kind);
    let client = server.client();
    let mut con = wrap(client.get_multiplexed_async_connection().await.unwrap());
    let _: () = con.set("k", doc()).await.unwrap();
    redis::cmd("MULTI").exec_async(&mut con).await.unwrap();
    let mut quiet = redis::cmd("SET");
    quiet.arg("k2").arg(doc()).set_no_response(true);
    let _: Value = quiet.query_async(&mut con).await.unwrap();
    assert!(con.in_transaction(), "{kind}");
    let _: Value = redis::cmd("GET")
        .arg("k")
        .query_async(&mut con)
        .await
        .unwrap();
    let (ok, got): (String, Vec<u8>) = redis::cmd("EXEC").query_async(&mut con).await.unwrap();
    assert_eq!((ok.as_str(), got == doc()), ("OK", true), "{kind}");
    assert_eq!(con.get::<_, Vec<u8>>("k2").await.unwrap(), doc(), "{kind}");
}

every_server!(#[tokio::test] async no_response_inside_multi);

async fn multiplexed_refused_multi(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    no_multi_user(&mut plain);
    let url = format!(
        "redis://nomulti:secret@127.0.0.1:{}/?protocol=resp3",
        server.port()
    );
    let client = redis::Client::open(url).unwrap();
    let mut con = wrap(client.get_multiplexed_async_connection().await.unwrap());
    let _: () = con.set("k", doc()).await.unwrap();
    assert!(redis::cmd("MULTI").exec_async(&mut con).await.is_err());
    assert_eq!(
        con.get::<_, Vec<u8>>("k").await.unwrap(),
        doc(),
        "{kind}: RESP3"
    );
}

every_server!(refused_multi, nested_multi);

every_server!(#[tokio::test] async manager_reconnects);

every_server!(#[tokio::test] async multiplexed_refused_multi);
