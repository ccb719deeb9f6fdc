//! Dictionaries shared through the server: push, pull, and a codec loaded at connect time.

use std::sync::Arc;

use kvcodec::{Codec, Engine, FailureKind};
use kvcodec_redis::fetch::DictionaryFetch;
use kvcodec_redis::{Compression, dictionaries};
use kvcodec_tests::{Server, ServerKind, json_value};
use kvcodec_zstd::ZstdDictCodec;
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

/// A small JSON record of 30–130 bytes.
fn small(i: u64) -> Vec<u8> {
    json_value(30 + (i as usize % 11) * 10, i)
}

/// A dictionary trained on small records, its id patched to `id`.
fn small_dictionary(id: u32, seed: u64) -> Vec<u8> {
    let samples: Vec<Vec<u8>> = (0..600).map(|i| small(seed + i)).collect();
    let mut dict = kvcodec_zstd::train_dictionary(&samples, 4096).unwrap();
    kvcodec_zstd::set_dictionary_id(&mut dict, id).unwrap();
    dict
}

/// A reader of compact dictionary values that fetches unknown dictionaries.
fn fetching_reader(plain: &mut redis::Connection, retry_after: std::time::Duration) -> Compression {
    let reader = ZstdDictCodec::reader(dictionaries::shared(plain).unwrap());
    let fetch = DictionaryFetch::for_codec(&reader).retry_after(retry_after);
    let engine = Engine::builder()
        .codec(Arc::new(reader) as Arc<dyn Codec>)
        .on_corrupt(kvcodec::OnCorrupt::Error)
        .mode(kvcodec::Mode::DecompressOnly)
        .build()
        .unwrap();
    Compression::new(Arc::new(engine)).fetch_dictionaries(fetch)
}

/// A writer of compact values with dictionary `id`, loaded from the server now.
fn compact_writer(plain: &mut redis::Connection, id: u32) -> Compression {
    let set = dictionaries::shared(plain).unwrap();
    let codec = ZstdDictCodec::writer(set, id, 3).unwrap();
    let engine = Engine::builder()
        .codec(Arc::new(codec) as Arc<dyn Codec>)
        .build()
        .unwrap();
    Compression::new(Arc::new(engine))
}

#[test]
fn a_running_reader_fetches_a_dictionary_pushed_after_it_started() {
    for kind in [ServerKind::Redis, ServerKind::Valkey] {
        let server = Server::start(kind);
        let mut plain = server.connection();
        // The reader starts with no dictionary on the server, and keeps its connection.
        // The retry delay is long enough that the steps between two reads never outlast it
        // on a loaded machine, short enough to wait out below.
        let reader = fetching_reader(&mut plain, std::time::Duration::from_secs(1));
        let mut sync_reader = reader.wrap(server.connection());
        let _: () = plain.set("before", "plain value").unwrap();
        assert_eq!(
            sync_reader.get::<_, String>("before").unwrap(),
            "plain value"
        );

        // Later: a dictionary is pushed and a writer uses it.
        let dict = small_dictionary(7, 0);
        dictionaries::push(&mut plain, 7, &dict).unwrap();
        let mut writer = compact_writer(&mut plain, 7).wrap(server.connection());
        for i in 0..40 {
            let _: () = writer.set(format!("s:{i}"), small(10_000 + i)).unwrap();
        }
        let stored = raw_get(&mut plain, "s:3");
        assert_eq!(
            &stored[..6],
            &[0, 1, 2, 0, 5, 7],
            "compact form, dictionary 7"
        );

        // The same reader, same connection, no restart: GET, then MGET in a pipeline.
        assert_eq!(sync_reader.get::<_, Vec<u8>>("s:3").unwrap(), small(10_003));
        let keys: Vec<String> = (0..40).map(|i| format!("s:{i}")).collect();
        let got: Vec<Vec<u8>> = sync_reader.mget(&keys).unwrap();
        for (i, v) in got.iter().enumerate() {
            assert_eq!(v, &small(10_000 + i as u64), "{kind:?} s:{i}");
        }
        assert_eq!(
            reader.dictionary_fetch().unwrap().dictionaries().ids(),
            vec![7]
        );

        // An id the server lacks fails to decode and is negative-cached; once pushed (and the
        // retry delay past) it is fetched too.
        let mut bogus = stored.clone();
        bogus[5] = 9;
        let _: () = plain.set("bogus", &bogus).unwrap();
        let err = sync_reader.get::<_, Vec<u8>>("bogus").unwrap_err();
        assert!(err.to_string().contains("dictionary"), "{err}");
        let dict9 = {
            let mut d = dict.clone();
            kvcodec_zstd::set_dictionary_id(&mut d, 9).unwrap();
            d
        };
        dictionaries::push(&mut plain, 9, &dict9).unwrap();
        assert!(
            sync_reader.get::<_, Vec<u8>>("bogus").is_err(),
            "still negative-cached"
        );
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(
            sync_reader.get::<_, Vec<u8>>("bogus").unwrap(),
            small(10_003)
        );

        // A pipeline that leaves a MULTI open does not fetch: the fetch's commands would be
        // queued in the transaction. Its value of an unknown dictionary fails to decode, the
        // transaction holds only what the application queued, and the next read fetches.
        dictionaries::push(&mut plain, 13, &small_dictionary(13, 9_000)).unwrap();
        let mut writer = compact_writer(&mut plain, 13).wrap(server.connection());
        let _: () = writer.set("m:1", small(91)).unwrap();
        let opened: redis::RedisResult<(Vec<u8>, String)> = redis::pipe()
            .cmd("GET")
            .arg("m:1")
            .cmd("MULTI")
            .query(&mut sync_reader);
        let err = opened.unwrap_err();
        assert!(err.to_string().contains("dictionary"), "{kind:?}: {err}");
        let queued: String = redis::cmd("SET")
            .arg("after")
            .arg("1")
            .query(&mut sync_reader)
            .unwrap();
        assert_eq!(queued, "QUEUED", "{kind:?}: the MULTI is still open");
        let executed: Vec<redis::Value> = redis::cmd("EXEC").query(&mut sync_reader).unwrap();
        assert_eq!(
            executed,
            vec![redis::Value::Okay],
            "{kind:?}: only the application's SET ran in the transaction"
        );
        assert!(
            !reader
                .dictionary_fetch()
                .unwrap()
                .dictionaries()
                .contains(13)
        );
        assert_eq!(sync_reader.get::<_, Vec<u8>>("m:1").unwrap(), small(91));
        assert!(
            reader
                .dictionary_fetch()
                .unwrap()
                .dictionaries()
                .contains(13)
        );

        // An async reader, started before dictionary 11 existed, fetches it the same way.
        let async_reader = fetching_reader(&mut plain, std::time::Duration::from_secs(1));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let client = server.client();
        rt.block_on(async {
            use redis::AsyncCommands;
            let mut con =
                async_reader.wrap(client.get_multiplexed_async_connection().await.unwrap());
            let _: Option<Vec<u8>> = con.get("missing").await.unwrap();
            dictionaries::push(&mut plain, 11, &small_dictionary(11, 5_000)).unwrap();
            let mut writer = compact_writer(&mut plain, 11).wrap(server.connection());
            let _: () = writer.set("a:1", small(77)).unwrap();
            assert_eq!(con.get::<_, Vec<u8>>("a:1").await.unwrap(), small(77));
        });
    }
}
