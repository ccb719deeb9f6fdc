#![forbid(unsafe_code)]
#![warn(missing_docs)]
//! LZ4 backend for kvcodec, byte-compatible with Valkey GLIDE's `lz4` backend (id `0x02`).
//!
//! # Getting started
//!
//! Pass [`BACKEND`] to [`kvcodec::Config::build`], or register the codec on an engine:
//!
//! ```
//! use kvcodec::{Engine, Error};
//!
//! let engine = Engine::builder().codec(kvcodec_lz4::BACKEND.codec(None)?)?.build()?;
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
//! The decoder then produces exactly `len` bytes or fails.
//!
//! # Levels
//!
//! [`BACKEND`] accepts GLIDE's lz4 levels, `-128..=12` (default `0`), so a GLIDE
//! configuration carries over unchanged. **The level has no effect:** lz4_flex has a single
//! compression mode (no LZ4-HC for levels > 0, no acceleration for levels < 0), so every
//! level writes the same bytes. The output is valid LZ4 that GLIDE and every LZ4 reader
//! decode; it is just not always the same bytes GLIDE's liblz4 would write.
//!
//! # Features
//!
//! - `safe` (default): lz4_flex is built with `safe-encode` and `safe-decode`, so no
//!   `unsafe` code runs in compression or decompression. Turn default features off
//!   (`default-features = false`) to use lz4_flex's faster paths, which use `unsafe`
//!   internally (still bounds-checked against corrupt input). Cargo features are additive:
//!   if any other crate in the build enables lz4_flex's `safe-*` features, they stay on.

mod codec;

pub use codec::{DEFAULT_LEVEL, LEVELS, Lz4Codec};

use std::sync::Arc;

/// The lz4 backend: name `"lz4"`, id [`kvcodec::CodecId::LZ4`], levels [`LEVELS`]
/// (accepted, without effect — see the [crate docs](crate#levels)).
pub static BACKEND: kvcodec::Backend = kvcodec::Backend {
    name: "lz4",
    id: kvcodec::CodecId::LZ4,
    levels: Some(LEVELS),
    default_level: DEFAULT_LEVEL,
    build: |level| Ok(Arc::new(Lz4Codec::new(level)?)),
};
