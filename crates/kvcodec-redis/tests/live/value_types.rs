//! Which value types are compressed on write: strings only by default (what GLIDE 2.6 reads),
//! hash values and list elements when asked for — by config or by `COMPRESSION_VALUE_TYPES`.
//! Reads decode every type whatever the setting.

use std::sync::Arc;

use kvcodec::{Config, ValueTypes};
use kvcodec_redis::Compression;
use kvcodec_tests::{Server, ServerKind, every_server, json_value};
use redis::Commands;

use crate::{is_compressed, raw_get};

fn build(config: &Config) -> Compression {
    let engine = config
        .build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])
        .unwrap();
    Compression::new(Arc::new(engine))
}

fn value_types(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    let doc = json_value(2000, 5);

    // Default: strings only.
    let on = Config {
        enabled: true,
        ..Config::default()
    };
    assert_eq!(on.value_types, ValueTypes::STRINGS);
    let mut con = build(&on).wrap(server.connection());
    let _: () = con.set("d:s", &doc).unwrap();
    let _: () = con.hset("d:h", "f", &doc).unwrap();
    let _: () = con.rpush("d:l", &doc).unwrap();
    assert!(is_compressed(&raw_get(&mut plain, "d:s")), "{kind}: string");
    assert_eq!(
        plain.hget::<_, _, Vec<u8>>("d:h", "f").unwrap(),
        doc,
        "{kind}: hash plain"
    );
    assert_eq!(
        plain.lindex::<_, Vec<u8>>("d:l", 0).unwrap(),
        doc,
        "{kind}: list plain"
    );
    let skipped = con
        .compression()
        .engine()
        .counters()
        .snapshot()
        .skipped_for(kvcodec::SkipReason::ValueType);
    assert_eq!(skipped, 2, "{kind}");

    // Every type, from the environment.
    let env = Config::from_env_with(|name| match name {
        "COMPRESSION_ENABLED" => Some("true".into()),
        "COMPRESSION_VALUE_TYPES" => Some("strings,hashes,lists".into()),
        _ => None,
    })
    .unwrap();
    let mut all = build(&env).wrap(server.connection());
    let _: () = all.hset("a:h", "f", &doc).unwrap();
    let _: () = all.rpush("a:l", &doc).unwrap();
    assert!(
        is_compressed(&plain.hget::<_, _, Vec<u8>>("a:h", "f").unwrap()),
        "{kind}"
    );
    assert!(
        is_compressed(&plain.lindex::<_, Vec<u8>>("a:l", 0).unwrap()),
        "{kind}"
    );

    // The strings-only client reads what the all-types client wrote.
    assert_eq!(
        con.hget::<_, _, Vec<u8>>("a:h", "f").unwrap(),
        doc,
        "{kind}"
    );
    assert_eq!(
        con.lrange::<_, Vec<Vec<u8>>>("a:l", 0, -1).unwrap(),
        vec![doc.clone()]
    );
    let got: Vec<(String, Vec<u8>)> = con.hgetall("a:h").unwrap();
    assert_eq!(got, vec![("f".to_owned(), doc.clone())]);
}

every_server!(value_types);
