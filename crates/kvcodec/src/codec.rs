//! The [`Codec`] trait every backend implements.

use std::sync::Arc;

use crate::{CodecId, Error};

mod limit;
mod prefix;

pub use limit::{MAX_DECODE_HEADROOM, decode_capacity, decode_with_limit};
pub use prefix::{decode_exact, read_u32_le_prefix, write_u32_le_prefix};

/// How much output [`Codec::decompress`] may produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeBound {
    /// The payload declared this length (see [`Codec::declared_len`]) and it is within the
    /// limit: produce exactly this many bytes or fail with [`Error::LengthMismatch`] /
    /// [`Error::Corrupt`]. Called by [`decode_with_limit`] (the engine's path), the output
    /// `Vec` already has this much spare capacity, plus the codec's
    /// [`decode_headroom`](Codec::decode_headroom); other callers may pass any `Vec`.
    Exact(usize),
    /// The payload declares no length: produce at most this many bytes, or fail with
    /// [`Error::DecodedSizeTooLarge`] without growing the output past it.
    AtMost(usize),
}

impl DecodeBound {
    /// The most bytes the codec may produce.
    pub const fn limit(self) -> usize {
        match self {
            DecodeBound::Exact(n) | DecodeBound::AtMost(n) => n,
        }
    }

    /// Checks a length the payload declares against this bound: `Exact(n)` needs exactly `n`,
    /// `AtMost(n)` at most `n`. For codecs whose framing declares the length.
    pub fn check_declared(self, codec: CodecId, declared: u64) -> Result<(), Error> {
        match self {
            DecodeBound::Exact(n) if declared != n as u64 => Err(Error::LengthMismatch {
                codec,
                expected: n as u64,
                found: declared,
            }),
            DecodeBound::AtMost(n) if declared > n as u64 => Err(Error::DeclaredSizeTooLarge {
                codec,
                declared,
                limit: n as u64,
            }),
            _ => Ok(()),
        }
    }
}

/// A compression algorithm and its payload framing.
///
/// Object-safe (`&dyn Codec`), `Send + Sync`, `&self` everywhere: a codec keeps reusable
/// contexts inside (behind a lock or a pool) and is shared by every connection of a process.
///
/// The engine writes the header; a codec only sees its own payload:
///
/// - [`compress`](Codec::compress) *appends* the payload to `out`, after the header the engine
///   has already written there, so one allocation holds the whole stored value.
/// - [`declared_len`](Codec::declared_len) reads the decoded length the payload declares,
///   without decoding, so the engine can check it against `max_decompressed_size` **before**
///   allocating.
/// - [`decompress`](Codec::decompress) appends the decoded bytes to `out`, within a
///   [`DecodeBound`].
///
/// Every implementation should pass [`crate::conformance::check`].
pub trait Codec: Send + Sync {
    /// The id written in the header.
    fn id(&self) -> CodecId;

    /// A short lowercase name (`"zstd"`), used in messages and metrics labels.
    fn name(&self) -> &str;

    /// Appends the compressed payload of `input` to `out`; never touches `out[..out.len()]`.
    fn compress(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error>;

    /// The decoded length `payload` declares, `Ok(None)` if the format does not declare one
    /// (a zstd frame written without content size), or an error if the payload is too short
    /// to hold its length field.
    fn declared_len(&self, payload: &[u8]) -> Result<Option<u64>, Error>;

    /// Appends the decoded form of the payload `input` to `out`, within `bound`. On error,
    /// `out` may hold partial output, which the caller discards.
    fn decompress(&self, input: &[u8], bound: DecodeBound, out: &mut Vec<u8>) -> Result<(), Error>;

    /// An upper bound on the payload size for `input_len` input bytes, used to size the output
    /// buffer once. The default is generous; override with the library's exact bound.
    fn max_compressed_len(&self, input_len: usize) -> usize {
        input_len.saturating_add(input_len / 8).saturating_add(64)
    }

    /// The most decoded bytes one payload byte can stand for in this format (lz4: 255,
    /// deflate: 1032, …), or `None` if unknown. The engine rejects a payload that declares
    /// more than `payload.len() × this` as corrupt *before* allocating, so a 10-byte value
    /// cannot make a reader allocate `max_decompressed_size`.
    fn max_expansion(&self) -> Option<u64> {
        None
    }

    /// The smallest value worth compressing with this codec, if the codec knows better than
    /// the configured `min_compression_size` (64 bytes, chosen for codecs without a
    /// dictionary). A codec with a shared dictionary saves bytes on far smaller values; an
    /// engine built without an explicit policy uses this size (see
    /// [`EngineBuilder::build`](crate::EngineBuilder::build)).
    fn min_size(&self) -> Option<usize> {
        None
    }

    /// Spare output room, beyond a payload's `declared` length, that keeps this codec's
    /// decoder on its fast path up to the end of the value (default 0). Decoders copy in wide
    /// strides and check the room left before each: zstd's sequences want 32 bytes past their
    /// end (`WILDCOPY_OVERLENGTH`), zlib-rs' and zlib-ng's `inflate_fast` 260
    /// (`INFLATE_FAST_MIN_LEFT`; 258 in zlib); short of it they take a byte-careful slow path,
    /// which on a value of a few hundred bytes is much of the value. [`decode_with_limit`]
    /// allocates `declared` plus this, up to [`MAX_DECODE_HEADROOM`] (a larger answer is cut
    /// to it, so no codec can make a reader allocate far past its limit), and the decoded
    /// `Vec`'s capacity exceeds its length by at most that much. A codec that asks for room
    /// must still produce exactly the declared length: the room is for speed, not output.
    fn decode_headroom(&self, declared: usize) -> usize {
        let _ = declared;
        0
    }

    /// The dictionary a payload of this codec was compressed with, for formats that name one
    /// (`None` otherwise, the default). Lets tools tell apart values of one codec written with
    /// different dictionaries: re-compression moves them to the writer's dictionary.
    fn dictionary_id(&self, payload: &[u8]) -> Option<u32> {
        let _ = payload;
        None
    }

    /// [`decode_with_limit`] compiled for this codec, which the engine calls through the
    /// vtable once per value: inside, the codec's own methods are direct calls, not three
    /// more trips through the vtable. Sealed: no codec can override it (or call it outside
    /// kvcodec: use [`decode_with_limit`]).
    #[doc(hidden)]
    #[inline]
    fn decode_sealed(
        &self,
        payload: &[u8],
        limit: usize,
        _: sealed::Token,
    ) -> Result<Vec<u8>, Error> {
        decode_with_limit(self, payload, limit)
    }
}

/// The token that seals [`Codec::decode_sealed`]: public, in a module no other crate can name.
pub(crate) mod sealed {
    /// Only kvcodec can make one.
    #[derive(Debug)]
    pub struct Token(pub(crate) ());
}

macro_rules! forward_codec {
    ($($ty:ty),*) => {$(
        impl<T: Codec + ?Sized> Codec for $ty {
            fn id(&self) -> CodecId { (**self).id() }
            fn name(&self) -> &str { (**self).name() }
            fn compress(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
                (**self).compress(input, out)
            }
            fn declared_len(&self, payload: &[u8]) -> Result<Option<u64>, Error> {
                (**self).declared_len(payload)
            }
            fn decompress(&self, input: &[u8], bound: DecodeBound, out: &mut Vec<u8>) -> Result<(), Error> {
                (**self).decompress(input, bound, out)
            }
            fn max_compressed_len(&self, input_len: usize) -> usize {
                (**self).max_compressed_len(input_len)
            }
            fn max_expansion(&self) -> Option<u64> {
                (**self).max_expansion()
            }
            fn min_size(&self) -> Option<usize> {
                (**self).min_size()
            }
            fn dictionary_id(&self, payload: &[u8]) -> Option<u32> {
                (**self).dictionary_id(payload)
            }
            fn decode_headroom(&self, declared: usize) -> usize {
                (**self).decode_headroom(declared)
            }
            fn decode_sealed(&self, payload: &[u8], limit: usize, token: sealed::Token) -> Result<Vec<u8>, Error> {
                (**self).decode_sealed(payload, limit, token)
            }
        }
    )*};
}

forward_codec!(&T, Box<T>, Arc<T>);
