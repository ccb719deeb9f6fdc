//! Live-server tests of kvcodec-redis: real `redis-server` 7 and `valkey-server` 9 on loopback
//! ports, and real 3-master clusters, started and stopped by `kvcodec-tests`.

mod commands;
mod coverage;
mod dictionaries;
mod glide;
mod look_alikes;
#[cfg(feature = "migrate")]
mod migrate;
mod modes;
mod pipelines;
mod scale;
mod transactions;
#[cfg(feature = "migrate")]
mod type_changes;
mod unconfigured;
mod value_types;

use std::sync::Arc;

use kvcodec::{Config, Engine, Mode};
use kvcodec_redis::{Compressed, Compression};

/// An engine writing with `backend`, decoding zstd and lz4, min size 64, compressing every
/// value type (strings, hash values, list elements) so each table entry is exercised.
pub fn engine(backend: &str, mode: Mode) -> Arc<Engine> {
    let config = Config {
        backend: backend.into(),
        mode: Some(mode),
        value_types: kvcodec::ValueTypes::ALL,
        ..Config::default()
    };
    Arc::new(
        config
            .build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])
            .expect("valid config"),
    )
}

/// Wraps `con` with a zstd engine in mode `On`.
pub fn wrap<C>(con: C) -> Compressed<C> {
    Compression::new(engine("zstd", Mode::On)).wrap(con)
}

/// `true` if `stored` carries the header of `codec`.
pub fn is_compressed(stored: &[u8]) -> bool {
    kvcodec::header::has_header(stored)
}

/// Stored bytes of a string key, read with a plain connection.
pub fn raw_get(plain: &mut redis::Connection, key: &str) -> Vec<u8> {
    redis::cmd("GET").arg(key).query(plain).expect("raw GET")
}
