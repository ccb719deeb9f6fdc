//! Helpers shared by `format.rs` and `look_alikes.rs`: engines built from a [`Config`] with
//! every backend, hex parsing and GLIDE 2.6.0's vectors (from `/work/shared/wire-format.md`).

// Each test file is its own crate and uses a subset of these.
#![allow(dead_code)]

use kvcodec::{Config, Engine, OnCorrupt};

/// `(backend name, header id)` of every backend, in id order: kvcodec's table of ids.
pub const IDS: [(&str, u8); 4] = {
    let k = kvcodec::CodecId::KNOWN;
    [
        (k[0].name, k[0].id.0),
        (k[1].name, k[1].id.0),
        (k[2].name, k[2].id.0),
        (k[3].name, k[3].id.0),
    ]
};

#[allow(unused_imports)] // not every test binary that includes this module decodes hex
pub use kvcodec::vectors::hex;

/// `header(version, id)` + `payload`.
pub fn with_header(version: u8, id: u8, payload: &[u8]) -> Vec<u8> {
    [&[0x00, 0x01, 0x02, version, id][..], payload].concat()
}

/// `config` built with every backend.
pub fn build(config: Config) -> Engine {
    config
        .build(&kvcodec_tests::BACKENDS)
        .unwrap_or_else(|e| panic!("building {config:?}: {e}"))
}

/// The default config, writing with `backend`.
pub fn engine(backend: &str) -> Engine {
    build(Config {
        enabled: true,
        backend: backend.into(),
        ..Config::default()
    })
}

/// The default config, writing with `backend`, with `on_corrupt`.
pub fn engine_with(backend: &str, on_corrupt: OnCorrupt) -> Engine {
    build(Config {
        enabled: true,
        backend: backend.into(),
        on_corrupt,
        ..Config::default()
    })
}

/// One value GLIDE 2.6.0 wrote.
pub struct Vector {
    pub what: &'static str,
    pub stored: Vec<u8>,
    pub original: Vec<u8>,
}

/// GLIDE 2.6.0's compressed vectors ([`kvcodec::vectors::GLIDE`]): zstd `a`×100, lz4
/// `a`×100, lz4 "quick brown fox"×4.
pub fn glide_vectors() -> [Vector; 3] {
    let v = |i: usize| {
        let g = &kvcodec::vectors::GLIDE[i];
        Vector {
            what: g.what,
            stored: g.stored(),
            original: g.original(),
        }
    };
    [v(0), v(1), v(2)]
}
