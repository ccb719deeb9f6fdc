//! [`Encoded`] and [`Decoded`]: what an [`Engine`](crate::Engine) decided for one value, in
//! each direction.
//!
//! The engine's vocabulary is *encode* (a value → its stored form) and *decode* (a stored
//! form → the value); a [`Codec`](crate::Codec) *compresses* and *decompresses* payloads
//! inside them. Each direction has one outcome type that says what happened and why;
//! [`Engine::encode`](crate::Engine::encode) and [`Engine::decode`](crate::Engine::decode)
//! return the same answer as a `Cow` for callers that only want the bytes. Whether a `Cow` is
//! owned says nothing about what happened (a look-alike stored encoded, a value decoded):
//! match the outcome instead.
//!
//! ```
//! use kvcodec::{Decoded, Encoded, SkipReason};
//!
//! let config = kvcodec::Config { enabled: true, ..Default::default() };
//! let engine = config.build(&[&kvcodec_zstd::BACKEND])?;
//! assert_eq!(engine.encode_outcome(b"tiny")?, Encoded::Plain(SkipReason::TooSmall));
//! let doc = br#"{"user":"ada","roles":["admin"]}"#.repeat(20);
//! let Encoded::Compressed(stored) = engine.encode_outcome(&doc)? else { panic!() };
//! assert_eq!(engine.decode_outcome(&stored)?, Decoded::Decompressed(doc.clone()));
//! assert_eq!(engine.decode_outcome(b"plain")?, Decoded::Plain);
//! let corrupt = [0, 1, 2, 0, 1, 0xff];
//! assert!(matches!(engine.decode_outcome(&corrupt)?, Decoded::ReturnedAsStored(_)));
//! # Ok::<(), kvcodec::Error>(())
//! ```

use std::borrow::Cow;

use crate::{Error, SkipReason};

/// What [`Engine::encode_outcome`](crate::Engine::encode_outcome) decided for one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encoded {
    /// Header and payload, to store instead of the value.
    Compressed(Vec<u8>),
    /// Store the value as it is, for this reason.
    Plain(SkipReason),
}

impl Encoded {
    /// `true` for [`Encoded::Compressed`].
    pub fn is_compressed(&self) -> bool {
        matches!(self, Encoded::Compressed(_))
    }

    /// The bytes to store: the compressed form, or `value` itself (borrowed).
    #[inline]
    pub fn into_cow(self, value: &[u8]) -> Cow<'_, [u8]> {
        match self {
            Encoded::Compressed(stored) => Cow::Owned(stored),
            Encoded::Plain(_) => Cow::Borrowed(value),
        }
    }

    /// The bytes to store: the compressed form, or `value` itself (not copied).
    #[inline]
    pub fn into_vec(self, value: Vec<u8>) -> Vec<u8> {
        match self {
            Encoded::Compressed(stored) => stored,
            Encoded::Plain(_) => value,
        }
    }
}

/// What [`Engine::decode_outcome`](crate::Engine::decode_outcome) found in one stored value.
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    /// The value had a header and decoded to this.
    Decompressed(Vec<u8>),
    /// The stored bytes are the value: they carry no header, or the engine's mode is
    /// [`Mode::Off`](crate::Mode::Off) (which decodes nothing).
    Plain,
    /// The value has a header but did not decode, and the engine returns such values as
    /// stored ([`OnCorrupt::ReturnStored`](crate::OnCorrupt::ReturnStored)): this is why.
    /// Under [`OnCorrupt::Error`](crate::OnCorrupt::Error) the error is returned instead.
    ReturnedAsStored(Error),
}

impl Decoded {
    /// `true` for [`Decoded::Decompressed`].
    pub fn is_decompressed(&self) -> bool {
        matches!(self, Decoded::Decompressed(_))
    }

    /// The value: the decoded bytes, or `stored` itself (borrowed).
    #[inline]
    pub fn into_cow(self, stored: &[u8]) -> Cow<'_, [u8]> {
        match self {
            Decoded::Decompressed(plain) => Cow::Owned(plain),
            Decoded::Plain | Decoded::ReturnedAsStored(_) => Cow::Borrowed(stored),
        }
    }

    /// The value: the decoded bytes, or `stored` itself (not copied).
    #[inline]
    pub fn into_vec(self, stored: Vec<u8>) -> Vec<u8> {
        match self {
            Decoded::Decompressed(plain) => plain,
            Decoded::Plain | Decoded::ReturnedAsStored(_) => stored,
        }
    }
}
