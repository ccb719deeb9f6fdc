//! [`decode_with_limit`]: one payload decoded within a size limit, the engine's decode step.

use super::{Codec, DecodeBound};
use crate::{CodecId, Error};

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
            let room = decode_capacity(codec, n);
            let mut out = if room <= INFALLIBLE_ALLOCATION {
                Vec::with_capacity(room)
            } else {
                let mut out = Vec::new();
                out.try_reserve_exact(room)
                    .map_err(|_| Error::AllocationFailed {
                        codec: codec.id(),
                        bytes: room as u64,
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

/// The capacity [`decode_with_limit`] allocates for a payload that declares `declared` bytes:
/// those and the codec's [`decode_headroom`](Codec::decode_headroom), at most
/// [`MAX_DECODE_HEADROOM`] of it.
#[inline]
pub fn decode_capacity<C: Codec + ?Sized>(codec: &C, declared: usize) -> usize {
    declared.saturating_add(codec.decode_headroom(declared).min(MAX_DECODE_HEADROOM))
}

/// The most output room past the declared length that [`decode_with_limit`] gives a codec's
/// decoder, whatever its [`Codec::decode_headroom`] asks (kvcodec's codecs ask 0, 32 or 260
/// bytes).
pub const MAX_DECODE_HEADROOM: usize = 4096;

/// Allowance over `payload.len() × max_expansion` for fixed framing bytes.
const EXPANSION_SLACK: u64 = 64;

/// Outputs up to this size are allocated the infallible (and shorter) way: a process that
/// cannot get 1 MiB is failing whatever kvcodec does. Larger ones fail with
/// [`Error::AllocationFailed`].
const INFALLIBLE_ALLOCATION: usize = 1 << 20;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{read_u32_le_prefix, write_u32_le_prefix};

    /// Stores its input after a length prefix, and asks for `headroom` bytes of room.
    struct Stored {
        headroom: usize,
    }

    impl Codec for Stored {
        fn id(&self) -> CodecId {
            CodecId(0x80)
        }
        fn name(&self) -> &str {
            "stored"
        }
        fn compress(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
            write_u32_le_prefix(self.id(), input.len(), out)?;
            out.extend_from_slice(input);
            Ok(())
        }
        fn declared_len(&self, payload: &[u8]) -> Result<Option<u64>, Error> {
            Ok(Some(read_u32_le_prefix(self.id(), payload)?.0))
        }
        fn decompress(&self, p: &[u8], b: DecodeBound, out: &mut Vec<u8>) -> Result<(), Error> {
            let (n, body) = read_u32_le_prefix(self.id(), p)?;
            b.check_declared(self.id(), n)?;
            out.extend_from_slice(body);
            Ok(())
        }
        fn decode_headroom(&self, _: usize) -> usize {
            self.headroom
        }
    }

    #[test]
    fn the_decoded_value_has_the_room_the_codec_asks_for_up_to_the_cap() {
        let value = b"a value of some thirty bytes..".to_vec();
        for (asked, kept) in [
            (0, 0),
            (32, 32),
            (MAX_DECODE_HEADROOM, MAX_DECODE_HEADROOM),
            (usize::MAX, MAX_DECODE_HEADROOM),
        ] {
            let codec = Stored { headroom: asked };
            let mut payload = Vec::new();
            codec.compress(&value, &mut payload).unwrap();
            let out = decode_with_limit(&codec, &payload, 1000).unwrap();
            assert_eq!(out, value);
            assert_eq!(out.capacity(), value.len() + kept, "asked for {asked}");
        }
    }
}
