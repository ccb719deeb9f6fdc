//! zstd for kvcodec: GLIDE-compatible frames, reused contexts, trained dictionaries.
//!
//! # Getting started
//!
//! Register [`ZstdCodec`] with an engine, or name [`BACKEND`] in a [`kvcodec::Config`]:
//!
//! ```
//! use std::sync::Arc;
//! use kvcodec::{Codec, Engine};
//! use kvcodec_zstd::ZstdCodec;
//!
//! let engine = Engine::builder()
//!     .codec(Arc::new(ZstdCodec::new(3)?) as Arc<dyn Codec>)
//!     .build()?;
//! let value = br#"{"user":42,"name":"Ada","roles":["admin","dev"]}"#.repeat(8);
//! let stored = engine.encode(&value)?;             // 00 01 02 00 01 + one zstd frame
//! assert_eq!(&stored[..5], &[0, 1, 2, 0, 1]);
//! assert_eq!(&*engine.decode(&stored)?, &value[..]);
//!
//! // Or through a Config:
//! let config = kvcodec::Config { enabled: true, backend: "zstd".into(), ..Default::default() };
//! let engine = config.build(&[&kvcodec_zstd::BACKEND])?;
//! # Ok::<(), kvcodec::Error>(())
//! ```
//!
//! # GLIDE compatibility
//!
//! Header id `0x01` and the payload — one standard zstd frame — are what Valkey GLIDE reads
//! and writes, so GLIDE clients read values this codec writes (without a dictionary) and this
//! codec reads values GLIDE writes. Only one frame per value is accepted; trailing bytes,
//! skippable and pre-1.0 legacy frames are [`kvcodec::Error::Corrupt`].
//!
//! # Content size
//!
//! This codec writes each frame in one shot, **with** the content size and without checksum,
//! so a reader learns the decoded length from the frame header
//! ([`kvcodec::Codec::declared_len`]) and rejects an oversized value
//! before allocating for it. GLIDE writes frames *without* content size (it uses the
//! streaming `zstd::encode_all` of zstd 0.13; [`glide_frame`] makes the same frames); those
//! are decoded in a streaming loop that grows the output up to the limit and stops at the
//! first byte over it
//! ([`kvcodec::Error::DecodedSizeTooLarge`]), so a small frame that expands to gigabytes
//! never costs more than the limit.
//!
//! # Levels
//!
//! zstd's own range, [`MIN_LEVEL`]`..=`[`MAX_LEVEL`] (`-131072..=22`, as in GLIDE), default
//! [`DEFAULT_LEVEL`] (3). Negative levels trade ratio for speed; 0 means zstd's default;
//! levels above 19 use much more memory per context. Levels matter only when writing: any
//! level reads any frame.
//!
//! # Dictionaries
//!
//! For small, similar values (JSON records of a few hundred bytes), a trained dictionary
//! raises the ratio a lot. Train one with [`train_dictionary`], register it with every
//! reader through [`ZstdCodec::builder`], and choose it for writing with
//! [`ZstdBuilder::write_with_dictionary`]. Each frame names its dictionary's id; a frame naming
//! an unregistered one fails with [`kvcodec::Error::UnknownDictionary`]. **GLIDE cannot read
//! values written with a dictionary.** See the [`ZstdBuilder`] example.
//!
//! [`ZstdDictCodec`] (header id `0x05`) is the compact form for small values: a varint
//! dictionary id and a zstd frame without magic number or dictionary id, 8 bytes of overhead
//! in all on a value, against 15-20 for a standard frame with a dictionary. Its dictionaries
//! live in a shared [`Dictionaries`] set that can grow while readers run. New dictionary
//! values should use it; values of the older form stay readable by [`ZstdCodec`].
//!
//! # Contexts
//!
//! Each thread keeps one zstd compression and one decompression context and reuses them for
//! every call of every `ZstdCodec` on it ([`kvcodec::pool`]): no lock, no context moving
//! between cores. Share one codec (`Arc<ZstdCodec>`) across threads, or make several (one per
//! level or dictionary): codecs hold no contexts of their own. A thread that exits leaves its
//! contexts to the next new thread ([`idle_contexts`]).

mod builder;
mod codec;
mod compact;
mod context;
mod declared;
mod decode;
mod dictionary;
mod frame;
mod glide;
mod store;
mod varint;

use std::sync::Arc;

use kvcodec::{Backend, Codec, CodecId, Error};

pub use builder::ZstdBuilder;
pub use codec::ZstdCodec;
pub use compact::{
    COMPACT_OVERHEAD, DICT_MIN_SIZE, ZstdDictCodec, compact_dictionary_id, stored_dictionary_id,
};
pub use context::idle_contexts;
pub use dictionary::{
    MIN_DICTIONARY_SIZE, MIN_TRAINING_BYTES, MIN_TRAINING_SAMPLES, dictionary_id,
    set_dictionary_id, train_dictionary,
};
pub use glide::glide_frame;
pub use store::Dictionaries;

/// Lowest zstd level (`ZSTD_minCLevel()`).
pub const MIN_LEVEL: i32 = -131_072;
/// Highest zstd level (`ZSTD_maxCLevel()`).
pub const MAX_LEVEL: i32 = 22;
/// Level used when none is given (zstd's and GLIDE's default).
pub const DEFAULT_LEVEL: i32 = 3;

/// The zstd backend, for [`kvcodec::Config::build`].
pub static BACKEND: Backend = Backend {
    name: "zstd",
    id: CodecId::ZSTD,
    levels: Some(MIN_LEVEL..=MAX_LEVEL),
    default_level: DEFAULT_LEVEL,
    build,
};

fn build(level: i32) -> Result<Arc<dyn Codec>, Error> {
    Ok(Arc::new(ZstdCodec::new(level)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_match_the_linked_zstd() {
        assert_eq!(zstd::compression_level_range(), MIN_LEVEL..=MAX_LEVEL);
        assert_eq!(zstd::DEFAULT_COMPRESSION_LEVEL, DEFAULT_LEVEL);
        assert_eq!(BACKEND.levels, Some(zstd::compression_level_range()));
    }

    #[test]
    fn bad_levels_name_field_value_and_range() {
        for level in [MIN_LEVEL - 1, MAX_LEVEL + 1, i32::MAX] {
            let err = ZstdCodec::new(level).unwrap_err();
            assert_eq!(
                err,
                Error::InvalidConfig {
                    field: "compression_level",
                    found: level.to_string(),
                    expected: "a zstd level in -131072..=22".to_owned(),
                }
            );
            assert!(ZstdCodec::builder().level(level).build().is_err());
        }
        for level in [MIN_LEVEL, -1, 0, 1, MAX_LEVEL] {
            assert_eq!(ZstdCodec::new(level).unwrap().level(), level);
        }
    }

    #[test]
    fn backend_builds_a_zstd_codec() {
        let codec = BACKEND.codec(None).unwrap();
        assert_eq!((codec.id(), codec.name()), (CodecId::ZSTD, "zstd"));
        assert!(BACKEND.codec(Some(23)).is_err());
        assert!(BACKEND.codec(Some(-7)).is_ok());
    }
}
