//! The [`Codec`] trait every backend implements.

use std::sync::Arc;

use crate::{CodecId, Error};

/// How much output [`Codec::decompress`] may produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeBound {
    /// The payload declared this length (see [`Codec::declared_len`]) and it is within the
    /// limit: produce exactly this many bytes or fail with [`Error::LengthMismatch`] /
    /// [`Error::Corrupt`]. The output `Vec` already has this much spare capacity, plus the
    /// codec's [`decode_headroom`](Codec::decode_headroom).
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
    /// end (`WILDCOPY_OVERLENGTH`), zlib's `inflate_fast` 260 (`INFLATE_FAST_MIN_LEFT`); short
    /// of it they take a byte-careful slow path, which on a value of a few hundred bytes is
    /// much of the value. [`decode_with_limit`] allocates `declared` plus this, so the decoded
    /// `Vec`'s capacity exceeds its length by at most this much. A codec that asks for room
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

/// Reads the 4-byte little-endian length prefix that the lz4 and deflate framings share.
///
/// Returns the declared length and the rest of the payload, or [`Error::Truncated`].
pub fn read_u32_le_prefix(codec: CodecId, payload: &[u8]) -> Result<(u64, &[u8]), Error> {
    match payload {
        [a, b, c, d, rest @ ..] => Ok((u64::from(u32::from_le_bytes([*a, *b, *c, *d])), rest)),
        _ => Err(Error::Truncated {
            codec,
            expected: 4,
            found: payload.len(),
        }),
    }
}

/// The decode step of codecs whose framing declares the decoded length: checks `declared`
/// against `bound` before allocating, hands `decode` exactly `declared` bytes (zeroed) at the
/// end of `out`, and requires it to fill all of them; `decode` returns how many it wrote. On
/// error `out` is left as it was.
pub fn decode_exact(
    codec: CodecId,
    declared: u64,
    bound: DecodeBound,
    out: &mut Vec<u8>,
    decode: impl FnOnce(&mut [u8]) -> Result<usize, Error>,
) -> Result<(), Error> {
    bound.check_declared(codec, declared)?;
    // `check_declared` bounded `declared` by a `usize` limit.
    let n = declared as usize;
    let start = out.len();
    out.resize(start + n, 0);
    let result = match decode(&mut out[start..]) {
        Ok(written) if written == n => return Ok(()),
        Ok(written) => Err(Error::LengthMismatch {
            codec,
            expected: declared,
            found: written as u64,
        }),
        Err(e) => Err(e),
    };
    out.truncate(start);
    result
}

/// Appends the 4-byte little-endian length prefix, or fails with [`Error::InputTooLarge`].
#[inline]
pub fn write_u32_le_prefix(codec: CodecId, len: usize, out: &mut Vec<u8>) -> Result<(), Error> {
    let len32 = u32::try_from(len).map_err(|_| Error::InputTooLarge {
        codec,
        found: len as u64,
        limit: u64::from(u32::MAX),
    })?;
    out.extend_from_slice(&len32.to_le_bytes());
    Ok(())
}

/// Decodes one payload with `codec`: checks the declared length against what the payload can
/// hold ([`Codec::max_expansion`]; more is [`Error::Corrupt`]) and then against `limit` (more is
/// [`Error::DeclaredSizeTooLarge`]) before allocating, then decodes into exactly that much (in
/// a buffer with the codec's [`decode_headroom`](Codec::decode_headroom) to spare), or within
/// `limit` if none is declared.
///
/// The order matters: a header followed by garbage that happens to declare 2 GiB is corrupt,
/// not a value too large to read, so under [`crate::OnCorrupt::ReturnStored`] it comes back as
/// stored (as GLIDE returns it).
#[inline]
pub fn decode_with_limit<C: Codec + ?Sized>(
    codec: &C,
    payload: &[u8],
    limit: usize,
) -> Result<Vec<u8>, Error> {
    match codec.declared_len(payload)? {
        Some(declared) => {
            if let Some(per_byte) = codec.max_expansion() {
                let most = (payload.len() as u64)
                    .saturating_mul(per_byte)
                    .saturating_add(EXPANSION_SLACK);
                if declared > most {
                    return Err(impossible(codec.id(), payload.len(), declared, most));
                }
            }
            if declared > limit as u64 {
                return Err(Error::DeclaredSizeTooLarge {
                    codec: codec.id(),
                    declared,
                    limit: limit as u64,
                });
            }
            let n = declared as usize;
            let room = n.saturating_add(codec.decode_headroom(n));
            let mut out = if room <= INFALLIBLE_ALLOCATION {
                Vec::with_capacity(room)
            } else {
                let mut out = Vec::new();
                out.try_reserve_exact(room)
                    .map_err(|_| Error::AllocationFailed {
                        codec: codec.id(),
                        bytes: declared,
                    })?;
                out
            };
            codec.decompress(payload, DecodeBound::Exact(n), &mut out)?;
            if out.len() != n {
                return Err(Error::LengthMismatch {
                    codec: codec.id(),
                    expected: declared,
                    found: out.len() as u64,
                });
            }
            Ok(out)
        }
        None => {
            let mut out = Vec::new();
            codec.decompress(payload, DecodeBound::AtMost(limit), &mut out)?;
            if out.len() > limit {
                return Err(Error::DecodedSizeTooLarge {
                    codec: codec.id(),
                    limit: limit as u64,
                });
            }
            Ok(out)
        }
    }
}

/// A payload that declares more than it can hold.
#[cold]
fn impossible(id: CodecId, payload_len: usize, declared: u64, most: u64) -> Error {
    Error::corrupt(
        id,
        format_args!(
            "payload of {payload_len} bytes declares {declared} decoded bytes; the format holds at most {most}"
        ),
    )
}

/// Allowance over `payload.len() × max_expansion` for fixed framing bytes.
const EXPANSION_SLACK: u64 = 64;

/// Outputs up to this size are allocated the infallible (and shorter) way: a process that
/// cannot get 1 MiB is failing whatever kvcodec does. Larger ones fail with
/// [`Error::AllocationFailed`].
const INFALLIBLE_ALLOCATION: usize = 1 << 20;
