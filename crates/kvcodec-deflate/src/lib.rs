//! Deflate backend for kvcodec (id `0x04`, kvcodec only: GLIDE does not read it).
//!
//! # Getting started
//!
//! Pass [`BACKEND`] to [`kvcodec::Config::build`], or register the codec on an engine:
//!
//! ```
//! use kvcodec::{Engine, Error};
//!
//! let engine = Engine::builder().codec(kvcodec_deflate::BACKEND.codec(Some(6))?).build()?;
//! let value = b"The quick brown fox jumps over the lazy dog. ".repeat(4);
//! let stored = engine.encode(&value)?;
//! assert_eq!(&stored[..5], &[0x00, 0x01, 0x02, 0x00, 0x04]); // header, deflate id
//! assert_eq!(&stored[5..9], &180u32.to_le_bytes());            // uncompressed length
//! assert_eq!(&*engine.decode(&stored)?, &value[..]);
//! # Ok::<(), Error>(())
//! ```
//!
//! # Payload
//!
//! After kvcodec's 5-byte header, the payload is a length and one *raw* deflate stream
//! (RFC 1951: no zlib header or Adler-32, no gzip header or CRC):
//!
//! ```text
//!  offset:  0         4
//!          +---------+-------------------------------------------+
//!          | len u32 | one raw deflate stream, ending with its   |
//!          |  LE     | final block, decoding to exactly `len`    |
//!          +---------+-------------------------------------------+
//! ```
//!
//! Deflate streams do not record their decoded length, so kvcodec puts it in front: the
//! [`kvcodec::Engine`] checks it against `max_decompressed_size` *before* allocating, and
//! the decoder inflates into `len` bytes and 260 bytes of room for zlib's fast loop
//! ([`kvcodec::Codec::decode_headroom`]); it must produce exactly `len`. A stream that stops
//! before its final
//! block, decodes to more or fewer than `len` bytes, or is followed by extra bytes is an
//! error. Any raw-deflate reader (`flate2::read::DeflateDecoder`, zlib with
//! `windowBits = -15`, Python's `zlib.decompress(body, -15)`) reads the body after the
//! 4-byte length.
//!
//! # Levels and contexts
//!
//! Levels `0..=9` ([`LEVELS`]), default `6` ([`DEFAULT_LEVEL`]). Compressor and decompressor
//! contexts are kept per thread (see [`DeflateCodec`]), so one codec serves every thread.
//!
//! # Features: the flate2 backend
//!
//! - `zlib-rs` (default): flate2 on [zlib-rs](https://crates.io/crates/zlib-rs).
//! - `miniz`: flate2 on miniz_oxide; use `default-features = false, features = ["miniz"]`.
//!   If both are on, flate2 uses zlib-rs. [`FLATE2_BACKEND`] names the one compiled in.
//!
//! Both write valid raw deflate that the other reads; the bytes differ between them.
//! `zlib-rs` is the default because it was faster in all 8 figures below (it was in 6 of 8
//! when it was chosen, on a busier machine; miniz_oxide then compressed 64 KiB at level 1
//! faster). Note that zlib-rs' level 1 (zlib-ng's "quick" strategy, fixed Huffman codes)
//! compresses less than miniz_oxide's level 1 at both sizes; at level 6 the ratios are equal.
//!
//! Measured with `benches/measure_backends.rs`: compress, then decompress, JSON-like text
//! through this codec (contexts reused from the per-thread pools, decoding with the
//! codec's [`decode_headroom`](kvcodec::Codec::decode_headroom)); MB/s of uncompressed bytes,
//! best of 7 rounds of 150 ms, median of 3 runs; release build on a shared 2-core machine, so
//! read the figures as ratios, not as absolute speeds:
//!
//! ```text
//! cargo bench -p kvcodec-deflate --bench measure_backends
//! cargo bench -p kvcodec-deflate --bench measure_backends --no-default-features --features miniz
//!
//!                       zlib-rs                      miniz_oxide
//!   size level  ratio  compress  decompress   ratio  compress  decompress
//!  1 KiB     1   2.61       307         823    3.35        65         263
//!  1 KiB     6   3.71        99         504    3.70        52         286
//! 64 KiB     1   3.14       761        1008    4.61       410         755
//! 64 KiB     6   6.76        48        1744    6.68        26        1474
//! ```

mod codec;

pub use codec::{DEFAULT_LEVEL, DeflateCodec, LEVELS};

use std::sync::Arc;

/// The flate2 backend compiled in: `"zlib-rs"` or `"miniz_oxide"`.
pub const FLATE2_BACKEND: &str = if cfg!(feature = "zlib-rs") {
    "zlib-rs"
} else {
    "miniz_oxide"
};

/// The deflate backend: name `"deflate"`, id [`kvcodec::CodecId::DEFLATE`], levels
/// [`LEVELS`], default [`DEFAULT_LEVEL`].
pub static BACKEND: kvcodec::Backend = kvcodec::Backend {
    name: "deflate",
    id: kvcodec::CodecId::DEFLATE,
    levels: Some(LEVELS),
    default_level: DEFAULT_LEVEL,
    build: |level| Ok(Arc::new(DeflateCodec::new(level)?)),
};
