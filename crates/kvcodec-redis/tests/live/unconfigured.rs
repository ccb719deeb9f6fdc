//! Safe when unconfigured, and errors a user can act on: with no environment variable set the
//! wrapper decodes every compressed value and writes plain; a value that does not decode is
//! an error of its own kind naming the command, the codec and the sizes (never the key or the
//! value); a bad setting names the variable that held it.

use std::sync::Arc;

use kvcodec::{Config, Mode, OnCorrupt};
use kvcodec_redis::Compression;
use kvcodec_redis::errors::{DECODE_ERROR_CODE, is_decode_error};
use kvcodec_tests::{Server, ServerKind, every_server, json_value};
use redis::{AsyncCommands, Commands};

use crate::{engine, is_compressed, raw_get};

fn unconfigured(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    let doc = json_value(4000, 3);
    let mut writer = Compression::new(engine("zstd", Mode::On)).wrap(server.connection());
    let _: () = writer.set("k", &doc).unwrap();
    assert!(is_compressed(&raw_get(&mut plain, "k")));

    let config = Config::from_env_with(|_| None).unwrap();
    assert_eq!(config.effective_mode(), Mode::DecompressOnly);
    let engine = config
        .build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])
        .unwrap();
    let mut con = Compression::new(Arc::new(engine)).wrap(server.connection());
    assert_eq!(con.get::<_, Vec<u8>>("k").unwrap(), doc, "{kind}: decoded");
    let _: () = con.set("mine", &doc).unwrap();
    assert_eq!(raw_get(&mut plain, "mine"), doc, "{kind}: written plain");

    // A bad value names its variable.
    let err = Config::from_env_with(|name| (name == "MIN_COMPRESSION_SIZE").then(|| "3".into()))
        .unwrap_err();
    assert!(err.to_string().contains("`MIN_COMPRESSION_SIZE`"), "{err}");
}

every_server!(unconfigured);

async fn decode_errors(kind: ServerKind) {
    let server = Server::start(kind);
    let mut plain = server.connection();
    // A truncated zstd value and an lz4 value over the reader's size limit.
    let doc = json_value(4000, 9);
    let mut writer = Compression::new(engine("zstd", Mode::On)).wrap(server.connection());
    let _: () = writer.set("secret-key-name", &doc).unwrap();
    let mut stored = raw_get(&mut plain, "secret-key-name");
    stored.truncate(stored.len() - 10);
    let _: () = plain.set("secret-key-name", &stored).unwrap();

    let strict = Config {
        on_corrupt: OnCorrupt::Error,
        max_decompressed_size: 1000,
        ..Config::default()
    };
    let engine = strict
        .build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])
        .unwrap();
    let compression = Compression::new(Arc::new(engine));
    let mut con = compression.wrap(server.connection());
    let err = con.get::<_, Vec<u8>>("secret-key-name").unwrap_err();
    assert!(is_decode_error(&err), "{kind}: {err}");
    assert_eq!(err.kind(), redis::ErrorKind::Extension);
    assert_eq!(err.code(), Some(DECODE_ERROR_CODE));
    let text = err.to_string();
    assert!(
        text.contains("GET reply")
            && text.contains("zstd (0x01)")
            && text.contains(&stored.len().to_string()),
        "{kind}: {text}"
    );
    assert!(
        !text.contains("secret-key-name") && !text.contains("alpha"),
        "{kind}: {text}"
    );

    // Over the size limit (a real value): an error of the same kind, naming the limit.
    let mut lz4 = Compression::new(engine_lz4()).wrap(server.connection());
    let _: () = lz4.set("big", &doc).unwrap();
    let mut async_con = compression.wrap(
        server
            .client()
            .get_multiplexed_async_connection()
            .await
            .unwrap(),
    );
    let err = async_con
        .mget::<_, Vec<Vec<u8>>>(&["big"])
        .await
        .unwrap_err();
    assert!(is_decode_error(&err), "{kind}: {err}");
    assert!(
        err.to_string().contains("MGET reply") && err.to_string().contains("the limit is 1000"),
        "{kind}: {err}"
    );
}

/// A reader without the writer's backend never hands the compressed bytes over: a kvcodec
/// codec id it has not registered is an error naming the id, whatever `OnCorrupt` says.
fn missing_backend(kind: ServerKind) {
    let server = Server::start(kind);
    let writer = Config {
        enabled: true,
        backend: "snappy".into(),
        ..Config::default()
    };
    let writer = writer.build(&[&kvcodec_snappy::BACKEND]).unwrap();
    let mut w = Compression::new(Arc::new(writer)).wrap(server.connection());
    let doc = json_value(3000, 4);
    let _: () = w.set("snappy", &doc).unwrap();
    let reader = Config::default()
        .build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])
        .unwrap();
    let mut r = Compression::new(Arc::new(reader)).wrap(server.connection());
    let err = r.get::<_, Vec<u8>>("snappy").unwrap_err();
    assert!(is_decode_error(&err), "{kind}: {err}");
    assert!(err.to_string().contains("snappy (0x03)"), "{kind}: {err}");
    // An id kvcodec never assigned stays GLIDE's way: returned as stored.
    let mut plain = server.connection();
    let foreign = [&[0u8, 1, 2, 0, 0x91][..], b"foreign bytes"].concat();
    let _: () = plain.set("foreign", &foreign).unwrap();
    assert_eq!(r.get::<_, Vec<u8>>("foreign").unwrap(), foreign, "{kind}");
}

every_server!(missing_backend);

fn engine_lz4() -> Arc<kvcodec::Engine> {
    engine("lz4", Mode::On)
}

every_server!(#[tokio::test] async decode_errors);
