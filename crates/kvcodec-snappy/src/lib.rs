//! Snappy backend for kvcodec (id `0x03`, kvcodec only: GLIDE does not read it).
//!
//! # Getting started
//!
//! Pass [`BACKEND`] to [`kvcodec::Config::build`], or register the codec on an engine:
//!
//! ```
//! use kvcodec::{Engine, Error};
//!
//! let engine = Engine::builder().codec(kvcodec_snappy::BACKEND.codec(None)?).build()?;
//! let value = b"The quick brown fox jumps over the lazy dog. ".repeat(4);
//! let stored = engine.encode(&value)?;
//! assert_eq!(&stored[..5], &[0x00, 0x01, 0x02, 0x00, 0x03]); // header, snappy id
//! assert_eq!(&stored[5..7], &[0xb4, 0x01]);                    // varint 180
//! assert_eq!(&*engine.decode(&stored)?, &value[..]);
//! # Ok::<(), Error>(())
//! ```
//!
//! # Payload
//!
//! After kvcodec's 5-byte header, the payload is one *raw* Snappy buffer — what
//! `snap::raw::Encoder` and the C++ `snappy::Compress` write — **not** the Snappy framing
//! format (no stream identifier, no chunks, no CRCs):
//!
//! ```text
//!  offset:  0            1..=5
//!          +------------+----------------------------------------+
//!          | len varint | Snappy elements (literals and copies), |
//!          | 1-5 bytes  | decoding to exactly `len` bytes        |
//!          +------------+----------------------------------------+
//! ```
//!
//! The length comes first, so [`kvcodec::Engine`] checks it against `max_decompressed_size`
//! *before* allocating. Snappy's format caps a value at `u32::MAX` bytes.
//!
//! # Levels and contexts
//!
//! Snappy has no levels ([`BACKEND`]`.levels` is `None`; a configured level is an error).
//! Each thread keeps one encoder (see [`SnappyCodec`]), so one codec serves every thread.

mod codec;

pub use codec::SnappyCodec;

use std::sync::Arc;

/// The snappy backend: name `"snappy"`, id [`kvcodec::CodecId::SNAPPY`], no levels.
pub static BACKEND: kvcodec::Backend = kvcodec::Backend {
    name: "snappy",
    id: kvcodec::CodecId::SNAPPY,
    levels: None,
    default_level: 0,
    build: |_| Ok(Arc::new(SnappyCodec::new())),
};
