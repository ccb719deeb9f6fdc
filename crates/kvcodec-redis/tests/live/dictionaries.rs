//! Dictionaries shared through the server: push, pull, and a codec loaded at connect time.

use std::sync::Arc;

use kvcodec::{Codec, Engine, FailureKind};
use kvcodec_redis::{Compression, dictionaries};
use kvcodec_tests::{Server, ServerKind, json_value};
use redis::Commands;

use crate::{is_compressed, raw_get};

fn record(i: u64) -> Vec<u8> {
    json_value(160 + (i as usize % 5) * 60, i)
}

#[test]
fn shared_dictionaries() {
    let server = Server::start(ServerKind::Valkey);
    let mut plain = server.connection();
    let samples: Vec<Vec<u8>> = (0..400).map(record).collect();
    let dict = kvcodec_zstd::train_dictionary(&samples, 8 * 1024).unwrap();
    let id = kvcodec_zstd::dictionary_id(&dict).expect("trained dictionaries carry an id");
    dictionaries::push(&mut plain, id, &dict).unwrap();
    dictionaries::push(&mut plain, id, &dict).unwrap(); // idempotent
    let err = dictionaries::push(&mut plain, id, b"other bytes").unwrap_err();
    assert!(
        err.to_string().contains("dictionary ids are permanent"),
        "{err}"
    );
    assert_eq!(
        dictionaries::pull(&mut plain).unwrap(),
        vec![(id, dict.clone())]
    );

    // A writer loads the dictionaries at connect time and compresses with one.
    let codec = dictionaries::zstd_codec(&mut plain, 3, Some(id)).unwrap();
    let writer_engine = Engine::builder()
        .codec(Arc::new(codec) as Arc<dyn Codec>)
        .build()
        .unwrap();
    let mut writer = Compression::new(Arc::new(writer_engine)).wrap(server.connection());
    let plain_engine = Engine::builder()
        .codec(Arc::new(kvcodec_zstd::ZstdCodec::new(3).unwrap()) as Arc<dyn Codec>)
        .build()
        .unwrap();
    let (mut with, mut without) = (0usize, 0usize);
    for i in 1000..1050 {
        let value = record(i);
        let _: () = writer.set(format!("r:{i}"), &value).unwrap();
        let stored = raw_get(&mut plain, &format!("r:{i}"));
        assert!(is_compressed(&stored));
        with += stored.len();
        without += plain_engine.encode(&value).unwrap().len();
    }
    assert!(
        with * 10 < without * 7,
        "dictionary should save ≥ 30 % more: {with} vs {without} bytes"
    );

    // Another client that loaded the dictionaries reads them; one that did not gets the stored
    // bytes back (GLIDE's behaviour) and a counted unknown_dictionary failure.
    let reader_codec = dictionaries::zstd_codec(&mut plain, 3, None).unwrap();
    let reader = Engine::builder()
        .codec(Arc::new(reader_codec) as Arc<dyn Codec>)
        .build()
        .unwrap();
    let mut reader = Compression::new(Arc::new(reader)).wrap(server.connection());
    assert_eq!(reader.get::<_, Vec<u8>>("r:1000").unwrap(), record(1000));
    let mut blind = Compression::new(Arc::new(plain_engine)).wrap(server.connection());
    let got: Vec<u8> = blind.get("r:1001").unwrap();
    assert!(is_compressed(&got));
    let m = blind.compression().engine().counters().snapshot();
    assert_eq!(m.failures_of(FailureKind::UnknownDictionary), 1);
}
