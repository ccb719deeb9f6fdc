//! One-shot decodes of frames that declare their content size, shared by [`ZstdCodec`]
//! (`0x01`) and [`ZstdDictCodec`](crate::ZstdDictCodec) (`0x05`), and the room past the value
//! they give zstd ([`Codec::decode_headroom`](kvcodec::Codec::decode_headroom)).
//!
//! [`ZstdCodec`]: crate::ZstdCodec

use kvcodec::{CodecId, Error};

/// Output room zstd's sequence decoder wants past the end of a value: it copies literals and
/// matches in 32-byte strides while at least this much room is left (`WILDCOPY_OVERLENGTH`),
/// and byte by byte after. Given exactly the content size, the last sequences of every value
/// take the slow path: about 170 instructions per value, 1.3 % of a 200-byte value's decode.
const HEADROOM: usize = 32;

/// Values below this size get [`HEADROOM`]. Above it the slow tail is under 0.6 % of the work
/// and not worth a larger allocation (glibc serves blocks of up to 1 KiB from a per-thread
/// cache: 1 KiB plus headroom costs it some 250 instructions more).
const HEADROOM_BELOW: usize = 1024 - HEADROOM;

/// The output room, beyond the content size `n`, that a one-shot decode is given.
pub(crate) fn headroom(n: usize) -> usize {
    if n < HEADROOM_BELOW { HEADROOM } else { 0 }
}

/// One-shot decode of a single frame that declares `n` content bytes (already checked against
/// the bound) onto the end of `out`, by `decompress`: one of zstd's one-shot calls writing an
/// empty `Vec` with room for `n` + [`headroom`] bytes. zstd verifies that the frame decodes
/// to its content size; this checks the count it returns. On error `out` is as it was.
pub(crate) fn decode_declared(
    codec: CodecId,
    n: usize,
    out: &mut Vec<u8>,
    decompress: impl FnOnce(&mut Vec<u8>) -> Result<usize, Error>,
) -> Result<(), Error> {
    let room = n.saturating_add(headroom(n));
    if !out.is_empty() || out.capacity() > room {
        // zstd-safe writes a `Vec` from its start, into all its capacity: decode into one of
        // exactly the room, so the work and the error never depend on the caller's buffer,
        // then append it (the engine's `Vec` is empty and sized: it never takes this copy).
        let mut exact = Vec::new();
        reserve(codec, &mut exact, room)?;
        decode_declared(codec, n, &mut exact, decompress)?;
        reserve(codec, out, n)?;
        out.extend_from_slice(&exact);
        return Ok(());
    }
    reserve(codec, out, room)?;
    match decompress(out) {
        Ok(written) if written == n => Ok(()),
        result => {
            out.clear();
            Err(match result {
                Ok(written) => Error::LengthMismatch {
                    codec,
                    expected: n as u64,
                    found: written as u64,
                },
                Err(e) => e,
            })
        }
    }
}

/// Reserves room for `n` more bytes in `out`, or [`Error::AllocationFailed`].
fn reserve(codec: CodecId, out: &mut Vec<u8>, n: usize) -> Result<(), Error> {
    out.try_reserve_exact(n)
        .map_err(|_| Error::AllocationFailed {
            codec,
            bytes: n as u64,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_under_992_bytes_get_32_bytes_of_room() {
        assert_eq!(headroom(0), HEADROOM);
        assert_eq!(headroom(991), HEADROOM);
        assert_eq!(headroom(992), 0);
        assert_eq!(headroom(1 << 20), 0);
    }

    #[test]
    fn the_room_is_given_and_kept_but_never_filled() {
        for n in [200, 991, 992, 5000] {
            let mut out = Vec::new();
            decode_declared(CodecId::ZSTD, n, &mut out, |out| {
                assert_eq!(out.capacity(), n + headroom(n), "zstd is given the room");
                out.resize(n, 7);
                Ok(n)
            })
            .unwrap();
            assert_eq!((out.len(), out.capacity()), (n, n + headroom(n)));
        }
    }

    #[test]
    fn a_caller_buffer_is_appended_to_and_left_as_it_was_on_error() {
        let mut out = b"kept".to_vec();
        decode_declared(CodecId::ZSTD, 3, &mut out, |out| {
            assert!(out.is_empty(), "zstd writes a fresh buffer");
            out.extend_from_slice(b"new");
            Ok(3)
        })
        .unwrap();
        assert_eq!(out, b"keptnew");
        let err = decode_declared(CodecId::ZSTD, 3, &mut out, |out| {
            out.extend_from_slice(b"no");
            Ok(2)
        })
        .unwrap_err();
        assert!(matches!(
            err,
            Error::LengthMismatch {
                expected: 3,
                found: 2,
                ..
            }
        ));
        assert_eq!(out, b"keptnew");
        // An empty buffer with more room than the value's: a sized one is made instead.
        let mut roomy = Vec::with_capacity(4096);
        decode_declared(CodecId::ZSTD, 3, &mut roomy, |out| {
            assert_eq!(out.capacity(), 3 + HEADROOM);
            out.extend_from_slice(b"abc");
            Ok(3)
        })
        .unwrap();
        assert_eq!(roomy, b"abc");
    }
}
