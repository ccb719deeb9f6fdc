//! [`SnappyCodec`]: raw Snappy (varint length + body), on the `snap` crate.

use kvcodec::codec::{DecodeBound, decode_exact};
use kvcodec::{Codec, CodecId, Error};
use snap::raw::{Decoder, Encoder, decompress_len, max_compress_len};

use kvcodec::pool::Pool;

const ID: CodecId = CodecId::SNAPPY;

/// The snappy codec.
///
/// `snap`'s [`Encoder`] needs `&mut self` (it owns its hash table), so the codec keeps idle
/// encoders in a small pool: concurrent callers each take their own instead of queueing on
/// one. `snap`'s raw [`Decoder`] holds no state, so a fresh one is made per call.
pub struct SnappyCodec {
    /// Boxed: an `Encoder` holds its 2 KiB hash table inline, which the pool would otherwise
    /// copy out and back on every call.
    encoders: Pool<Box<Encoder>>,
}

impl SnappyCodec {
    /// A codec with an empty encoder pool. Snappy takes no level.
    pub const fn new() -> Self {
        SnappyCodec {
            encoders: Pool::new(),
        }
    }
}

impl Default for SnappyCodec {
    fn default() -> Self {
        Self::new()
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
        out.resize(start + max, 0);
        let result = self.encoders.with(
            || Box::new(Encoder::new()),
            |enc| enc.compress(input, &mut out[start..]),
        );
        match result {
            Ok(written) => {
                out.truncate(start + written);
                Ok(())
            }
            Err(e) => {
                out.truncate(start);
                Err(Error::compress(ID, e))
            }
        }
    }

    /// A 3-byte snappy copy op yields at most 64 bytes (21.3 per byte).
    fn max_expansion(&self) -> Option<u64> {
        Some(22)
    }

    fn declared_len(&self, payload: &[u8]) -> Result<Option<u64>, Error> {
        read_len(payload).map(Some)
    }

    fn decompress(
        &self,
        payload: &[u8],
        bound: DecodeBound,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let declared = read_len(payload)?;
        decode_exact(ID, declared, bound, out, |dst| {
            Decoder::new()
                .decompress(payload, dst)
                .map_err(|e| match e {
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
    fn encoders_are_reused() {
        let codec = SnappyCodec::new();
        let mut out = Vec::new();
        for _ in 0..3 {
            codec
                .compress(b"hello hello hello hello", &mut out)
                .unwrap();
        }
        assert_eq!(codec.encoders.idle(), 1);
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
