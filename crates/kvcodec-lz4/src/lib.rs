//! LZ4 backend for kvcodec, byte-compatible with Valkey GLIDE's `lz4` backend (id `0x02`).
//!
//! # Getting started
//!
//! Pass [`BACKEND`] to [`kvcodec::Config::build`], or register the codec on an engine:
//!
//! ```
//! use kvcodec::{Engine, Error};
//!
//! let engine = Engine::builder().codec(kvcodec_lz4::BACKEND.codec(None)?).build()?;
//! let value = b"The quick brown fox jumps over the lazy dog. ".repeat(4);
//! let stored = engine.encode(&value)?;
//! assert_eq!(&stored[..5], &[0x00, 0x01, 0x02, 0x00, 0x02]); // header, lz4 id
//! assert_eq!(&stored[5..9], &180u32.to_le_bytes());            // uncompressed length
//! assert_eq!(&*engine.decode(&stored)?, &value[..]);
//! # Ok::<(), Error>(())
//! ```
//!
//! # Payload
//!
//! After kvcodec's 5-byte header, the payload is GLIDE's layout — the same bytes as
//! lz4_flex's `compress_prepend_size` and python-lz4's `lz4.block.compress(data)`:
//!
//! ```text
//!  offset:  0         4
//!          +---------+-------------------------------------------+
//!          | len u32 | one raw LZ4 block (not the LZ4 frame      |
//!          |  LE     | format), decoding to exactly `len` bytes  |
//!          +---------+-------------------------------------------+
//! ```
//!
//! The length comes first, so [`kvcodec::Engine`] checks it against `max_decompressed_size`
//! *before* allocating: a 9-byte payload that declares 4 GiB is refused without allocation.
//! The decoder then produces exactly `len` bytes or fails with a typed error
//! ([`kvcodec::Error::LengthMismatch`] for a block of another length, `Corrupt` otherwise).
//!
//! # Levels
//!
//! [`BACKEND`] takes GLIDE's lz4 levels, `-128..=12` (default `0`), with GLIDE's meaning:
//!
//! | level | liblz4 call (as GLIDE's `lz4::block::compress(v, mode, false)`) |
//! |---|---|
//! | `1..=12` | LZ4 HC at that level (`LZ4_compress_HC`): smaller, slower to write |
//! | `0` | the default compressor (`LZ4_compress_default`) |
//! | `-128..=-1` | the fast compressor with acceleration `-level` (`LZ4_compress_fast`): larger, faster |
//!
//! With the default `liblz4` feature kvcodec runs the same liblz4 1.10 functions GLIDE 2.6
//! runs, with compression states reused per thread, so it writes GLIDE's bytes at every
//! level (`tests/glide.rs` compares them). Every level is read by any LZ4 block decoder.
//!
//! # Features and implementations
//!
//! - `liblz4` (default): C liblz4 through `lz4-sys` ([`Implementation::LibLz4`]). It is
//!   faster than the pure-Rust paths at encode and decode (BENCHMARKS.md, "lz4"), and the
//!   only way to honour levels. It needs `unsafe` code, confined to one module
//!   (`src/liblz4.rs`): the FFI calls, and decoding into uninitialised output capacity
//!   instead of zero-filling it first. Values over liblz4's limit of 2 113 929 216 bytes
//!   (and payloads declaring over `i32::MAX` bytes) go to lz4_flex.
//! - Without it (`default-features = false`): pure safe Rust on lz4_flex's safe paths
//!   ([`Implementation::Lz4Flex`]), `#![forbid(unsafe_code)]`. Levels are accepted and
//!   have no effect (lz4_flex has one compression mode), so the bytes differ slightly from
//!   GLIDE's; GLIDE and every LZ4 reader still read them.
//!
//! [`Lz4Codec::with_implementation`] picks either one in a build with `liblz4`.

#[cfg(feature = "liblz4")]
mod block;
mod codec;
mod flex;
#[cfg(feature = "liblz4")]
#[allow(unsafe_code)]
mod liblz4;

pub use codec::{DEFAULT_LEVEL, LEVELS, Lz4Codec};

use std::sync::Arc;

/// The LZ4 library a codec runs. Both read and write the same format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Implementation {
    /// C liblz4 (the `liblz4` feature): GLIDE's library, levels with GLIDE's meaning.
    #[cfg(feature = "liblz4")]
    LibLz4,
    /// lz4_flex, safe code only: one compression mode, levels without effect.
    Lz4Flex,
}

impl Implementation {
    /// [`LibLz4`](Implementation::LibLz4) with the `liblz4` feature, else
    /// [`Lz4Flex`](Implementation::Lz4Flex).
    #[cfg(feature = "liblz4")]
    pub const DEFAULT: Implementation = Implementation::LibLz4;
    /// [`LibLz4`](Implementation::LibLz4) with the `liblz4` feature, else
    /// [`Lz4Flex`](Implementation::Lz4Flex).
    #[cfg(not(feature = "liblz4"))]
    pub const DEFAULT: Implementation = Implementation::Lz4Flex;
}

/// The lz4 backend: name `"lz4"`, id [`kvcodec::CodecId::LZ4`], levels [`LEVELS`] with
/// GLIDE's meaning (see the [crate docs](crate#levels)), on [`Implementation::DEFAULT`].
pub static BACKEND: kvcodec::Backend = kvcodec::Backend {
    name: "lz4",
    id: kvcodec::CodecId::LZ4,
    levels: Some(LEVELS),
    default_level: DEFAULT_LEVEL,
    build: |level| Ok(Arc::new(Lz4Codec::new(level)?)),
};
