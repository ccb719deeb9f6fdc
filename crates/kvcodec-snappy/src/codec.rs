//! [`SnappyCodec`]: raw Snappy (varint length + body), on the `snap` crate.

use kvcodec::codec::{DecodeBound, decode_exact};
use kvcodec::{Codec, CodecId, Error};
use snap::raw::{Decoder, Encoder, decompress_len, max_compress_len};

const ID: CodecId = CodecId::SNAPPY;

/// Snappy compresses its input in independent blocks of this many bytes (snap's
/// `MAX_BLOCK_SIZE`): no copy refers to an earlier block.
const BLOCK: usize = 1 << 16;

/// A thread's encoder, and a zeroed buffer one block compresses into (`snap` writes into an
/// initialised `&mut [u8]`).
struct BlockEncoder {
    encoder: Encoder,
    block: Vec<u8>,
}

kvcodec::context_pool! {
    static ENCODERS: BlockEncoder = || BlockEncoder {
        encoder: Encoder::new(),
        block: vec![0; max_compress_len(BLOCK)],
    };
}

/// The snappy codec.
///
/// `snap`'s [`Encoder`] needs `&mut self` (it owns its hash table), so each thread keeps one
/// ([`kvcodec::pool`]), shared by every snappy codec on it. It compresses block by block
/// (snappy's blocks are independent, so the bytes are those of a whole-buffer `compress`)
/// into a block-sized buffer, and the codec appends each block's elements to the output: the
/// worst-case output buffer is never zero-filled, so it costs only the pages written. `snap`'s
/// raw [`Decoder`] holds no state, so a fresh one is made per call.
#[derive(Default)]
pub struct SnappyCodec(());

impl SnappyCodec {
    /// A snappy codec. Snappy takes no level.
    pub const fn new() -> Self {
        SnappyCodec(())
    }
}

impl std::fmt::Debug for SnappyCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnappyCodec").finish_non_exhaustive()
    }
}

/// The largest input `snap` compresses: its worst-case output must fit in `u32::MAX`.
fn max_input_len() -> u64 {
    let mut n = (u64::from(u32::MAX) - 32) / 7 * 6;
    while max_compress_len(n as usize + 1) != 0 {
        n += 1;
    }
    n
}

/// Appends `n` as snappy's little-endian base-128 varint; returns its length.
fn write_varint(mut n: usize, out: &mut Vec<u8>) -> usize {
    let start = out.len();
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
    out.len() - start
}

/// The length of `n`'s varint.
fn varint_len(n: usize) -> usize {
    (usize::BITS - (n | 1).leading_zeros()).div_ceil(7) as usize
}

/// The declared length: the varint at the start of the payload.
fn read_len(payload: &[u8]) -> Result<u64, Error> {
    if payload.is_empty() {
        return Err(Error::Truncated {
            codec: ID,
            expected: 1,
            found: 0,
        });
    }
    decompress_len(payload)
        .map(|n| n as u64)
        .map_err(|e| Error::corrupt(ID, e))
}

impl Codec for SnappyCodec {
    fn id(&self) -> CodecId {
        ID
    }

    fn name(&self) -> &str {
        "snappy"
    }

    fn compress(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let max = max_compress_len(input.len());
        if max == 0 {
            return Err(Error::InputTooLarge {
                codec: ID,
                found: input.len() as u64,
                limit: max_input_len(),
            });
        }
        let start = out.len();
        out.reserve(max);
        write_varint(input.len(), out);
        let result = ENCODERS.with(|e| {
            for chunk in input.chunks(BLOCK) {
                // `compress` writes the chunk's own length first: skip it.
                let written = e.encoder.compress(chunk, &mut e.block)?;
                out.extend_from_slice(&e.block[varint_len(chunk.len())..written]);
            }
            Ok(())
        });
        result.map_err(|e: snap::Error| {
            out.truncate(start);
            Error::compress(ID, e)
        })
    }

    /// A 3-byte snappy copy op yields at most 64 bytes (21.3 per byte).
    #[inline]
    fn max_expansion(&self) -> Option<u64> {
        Some(22)
    }

    #[inline]
    fn declared_len(&self, payload: &[u8]) -> Result<Option<u64>, Error> {
        read_len(payload).map(Some)
    }

    #[inline]
    fn decompress(&self, input: &[u8], bound: DecodeBound, out: &mut Vec<u8>) -> Result<(), Error> {
        let declared = read_len(input)?;
        decode_exact(ID, declared, bound, out, |dst| {
            Decoder::new().decompress(input, dst).map_err(|e| match e {
                snap::Error::HeaderMismatch {
                    expected_len,
                    got_len,
                } => Error::LengthMismatch {
                    codec: ID,
                    expected: expected_len,
                    found: got_len,
                },
                e => Error::corrupt(ID, e),
            })
        })
    }

    fn max_compressed_len(&self, input_len: usize) -> usize {
        match max_compress_len(input_len) {
            0 => input_len + input_len / 6 + 32,
            n => n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_input_len_is_the_encoders_limit() {
        let n = max_input_len();
        assert_ne!(max_compress_len(n as usize), 0);
        assert_eq!(max_compress_len(n as usize + 1), 0);
    }

    #[test]
    fn empty_payload_is_truncated() {
        let codec = SnappyCodec::new();
        let err = codec.declared_len(&[]).unwrap_err();
        assert_eq!(
            err,
            Error::Truncated {
                codec: ID,
                expected: 1,
                found: 0
            }
        );
        let mut out = Vec::new();
        assert!(
            codec
                .decompress(&[], DecodeBound::Exact(0), &mut out)
                .is_err()
        );
    }

    #[test]
    fn blocks_give_the_bytes_of_a_whole_buffer() {
        let codec = SnappyCodec::new();
        for n in [
            0,
            1,
            16,
            17,
            100,
            BLOCK - 1,
            BLOCK,
            BLOCK + 1,
            3 * BLOCK + 17,
            300_000,
        ] {
            let input = kvcodec::conformance::text(n, 5);
            let whole = Encoder::new().compress_vec(&input).unwrap();
            let mut out = vec![9];
            codec.compress(&input, &mut out).unwrap();
            assert!(out[1..] == whole[..], "{n} bytes");
            assert_eq!(out[0], 9, "what was in `out` stays");
        }
        for n in [0, 1, 127, 128, 16_383, 16_384, u32::MAX as usize] {
            let mut v = Vec::new();
            assert_eq!(write_varint(n, &mut v), varint_len(n), "{n}");
            assert_eq!(decompress_len(&v).unwrap(), n);
        }
    }

    #[test]
    fn a_lying_length_fails_and_leaves_the_output() {
        let codec = SnappyCodec::new();
        let mut payload = Vec::new();
        codec.compress(&[b'a'; 100], &mut payload).unwrap();
        assert_eq!(payload[0], 100, "one-byte varint");

        // Declares more than the body holds: snap counts what it produced.
        payload[0] = 110;
        let mut out = vec![7];
        let err = codec
            .decompress(&payload, DecodeBound::Exact(110), &mut out)
            .unwrap_err();
        assert_eq!(
            err,
            Error::LengthMismatch {
                codec: ID,
                expected: 110,
                found: 100
            }
        );
        assert_eq!(out, [7], "partial output is removed");

        // Declares less: snap stops at the first element that would overrun.
        payload[0] = 90;
        let err = codec
            .decompress(&payload, DecodeBound::Exact(90), &mut out)
            .unwrap_err();
        assert!(
            matches!(&err, Error::Corrupt { reason, .. } if reason.contains("remaining dst")),
            "{err}"
        );
        assert_eq!(out, [7], "partial output is removed");
    }
}
