#![cfg_attr(docsrs, feature(doc_cfg))]
//! Transparent, GLIDE-compatible compression of Redis and Valkey values.
//!
//! # Getting started
//!
//! Add the core crate and the backends you want (`kvcodec-zstd`, `kvcodec-lz4`,
//! `kvcodec-snappy`, `kvcodec-deflate`), then build an [`Engine`] from a [`Config`]:
//!
//! ```
//! // Nothing set: decode everything, write plain. `enabled` compresses writes.
//! let config = kvcodec::Config { enabled: true, backend: "zstd".into(), ..Default::default() };
//! let engine = config.build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])?;
//!
//! let value = br#"{"user": "ada", "roles": ["admin", "ops"], "theme": "dark"}"#.repeat(20);
//! let stored = engine.encode(&value)?;     // header + zstd payload, or `value` itself
//! assert_eq!(&stored[..5], &[0x00, 0x01, 0x02, 0x00, 0x01]);
//! let original = engine.decode(&stored)?;  // decodes zstd *and* lz4 values, passes plain ones
//! assert_eq!(&*original, &value[..]);
//! assert_eq!(&*engine.decode(b"plain")?, b"plain");
//! # Ok::<(), kvcodec::Error>(())
//! ```
//!
//! Values written this way are byte-compatible with Valkey GLIDE's "automatic compression"
//! for zstd and lz4, so Rust services and GLIDE clients share keys.
//!
//! # Wire format
//!
#![doc = include_str!("../wire-format.md")]
//!
//! # Writing a custom codec
//!
//! 1. Pick an id in `0x80..=0xFE` ([`CodecId::APPLICATION_FIRST`]…): kvcodec never assigns those.
//! 2. Implement [`Codec`]: `compress` appends your payload to `out`; `declared_len` reads the
//!    decoded length your framing declares (so limits apply before allocation); `decompress`
//!    appends decoded bytes within the [`codec::DecodeBound`].
//! 3. Run [`conformance::check`] on it in a test.
//! 4. Register it: `Engine::builder().codec(Arc::new(MyCodec))`, or export a [`Backend`] so
//!    a [`Config`] can name it.
//!
//! ```
//! use std::sync::Arc;
//! use kvcodec::codec::{DecodeBound, read_u32_le_prefix, write_u32_le_prefix};
//! use kvcodec::{Codec, CodecId, Engine, Error};
//!
//! /// Run-length encoding of a single repeated byte: u32 LE length, then the byte.
//! struct Repeat;
//!
//! impl Codec for Repeat {
//!     fn id(&self) -> CodecId { CodecId(0x80) }
//!     fn name(&self) -> &str { "repeat" }
//!     fn compress(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
//!         let byte = input.first().copied().unwrap_or(0);
//!         if input.iter().any(|b| *b != byte) {
//!             return Err(Error::compress(self.id(), "input is not one repeated byte"));
//!         }
//!         write_u32_le_prefix(self.id(), input.len(), out)?;
//!         out.push(byte);
//!         Ok(())
//!     }
//!     fn declared_len(&self, payload: &[u8]) -> Result<Option<u64>, Error> {
//!         Ok(Some(read_u32_le_prefix(self.id(), payload)?.0))
//!     }
//!     fn decompress(&self, input: &[u8], bound: DecodeBound, out: &mut Vec<u8>) -> Result<(), Error> {
//!         let (n, rest) = read_u32_le_prefix(self.id(), input)?;
//!         let [byte] = rest else { return Err(Error::corrupt(self.id(), "expected one byte after the length")) };
//!         bound.check_declared(self.id(), n)?; // before allocating
//!         out.resize(out.len() + n as usize, *byte);
//!         Ok(())
//!     }
//! }
//!
//! let engine = Engine::builder().codec(Arc::new(Repeat) as Arc<dyn Codec>).build()?;
//! let stored = engine.encode(&[b'z'; 1000])?;
//! assert_eq!(stored.len(), 5 + 4 + 1);
//! assert_eq!(&stored[..5], &[0, 1, 2, 0, 0x80]);
//! assert_eq!(&*engine.decode(&stored)?, &[b'z'; 1000][..]);
//! # Ok::<(), Error>(())
//! ```

mod backend;
mod builder;
#[cfg(feature = "bytes")]
mod bytes;
pub mod codec;
mod codec_id;
mod config;
pub mod conformance;
pub mod counters;
mod decode;
mod encode;
mod engine;
mod error;
#[cfg(feature = "metrics")]
pub mod export;
pub mod header;
mod mode;
pub mod observe;
mod outcome;
pub mod policy;
pub mod pool;
mod registry;
mod timing;
mod value_types;
pub mod vectors;

pub use backend::Backend;
pub use builder::EngineBuilder;
pub use codec::{Codec, decode_with_limit};
pub use codec_id::{CodecId, KnownCodec};
pub use config::Config;
pub use counters::{Counters, CountersSnapshot};
pub use decode::always_an_error;
pub use engine::{DEFAULT_MAX_DECOMPRESSED_SIZE, Engine};
pub use error::{Error, FailureKind};
pub use header::{HEADER_LEN, Header};
pub use mode::{Mode, OnCorrupt};
pub use observe::{Observer, Transfer};
pub use outcome::{Decoded, Encoded};
pub use policy::{DEFAULT_MIN_COMPRESSION_SIZE, MIN_MIN_COMPRESSION_SIZE, Policy, SkipReason};
pub use registry::Registry;
pub use timing::Timing;
pub use value_types::{ValueType, ValueTypes};
