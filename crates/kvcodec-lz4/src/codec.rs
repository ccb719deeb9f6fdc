//! [`Lz4Codec`]: u32 LE length + one raw LZ4 block, on lz4_flex.

use std::ops::RangeInclusive;

use kvcodec::codec::{DecodeBound, decode_exact, read_u32_le_prefix, write_u32_le_prefix};
use kvcodec::{Codec, CodecId, Error};
use lz4_flex::block::{self, DecompressError};

/// GLIDE's lz4 level range, accepted for configuration compatibility.
pub const LEVELS: RangeInclusive<i32> = -128..=12;

/// GLIDE's default lz4 level.
pub const DEFAULT_LEVEL: i32 = 0;

const ID: CodecId = CodecId::LZ4;
const PREFIX_LEN: usize = 4;

/// The lz4 codec. Stateless, so cheap to share; the level is kept only to be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lz4Codec {
    level: i32,
}

impl Lz4Codec {
    /// A codec at `level`, which must be in [`LEVELS`]. Every level writes the same bytes:
    /// lz4_flex has one compression mode (see the [crate docs](crate#levels)).
    pub fn new(level: i32) -> Result<Self, Error> {
        if !LEVELS.contains(&level) {
            return Err(Error::InvalidConfig {
                field: "compression_level",
                found: level.to_string(),
                expected: format!("an lz4 level in {}..={}", LEVELS.start(), LEVELS.end()),
            });
        }
        Ok(Lz4Codec { level })
    }

    /// The level this codec was built with (informational only).
    pub fn level(&self) -> i32 {
        self.level
    }
}

impl Default for Lz4Codec {
    fn default() -> Self {
        Lz4Codec {
            level: DEFAULT_LEVEL,
        }
    }
}

/// lz4_flex's worst-case block size (`16 + 4 + n × 110 / 100`), computed without the
/// overflow lz4_flex 0.11's own formula has on 32-bit targets above ~39 MB.
fn max_block_len(n: usize) -> usize {
    n.saturating_add(n / 10).saturating_add(20)
}

impl Codec for Lz4Codec {
    fn id(&self) -> CodecId {
        ID
    }

    fn name(&self) -> &str {
        "lz4"
    }

    fn compress(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let start = out.len();
        write_u32_le_prefix(ID, input.len(), out)?;
        let body = out.len();
        out.resize(body + max_block_len(input.len()), 0);
        match block::compress_into(input, &mut out[body..]) {
            Ok(written) => {
                out.truncate(body + written);
                Ok(())
            }
            Err(e) => {
                out.truncate(start);
                Err(Error::compress(ID, e))
            }
        }
    }

    /// An LZ4 match extension byte adds at most 255 bytes.
    fn max_expansion(&self) -> Option<u64> {
        Some(255)
    }

    fn declared_len(&self, payload: &[u8]) -> Result<Option<u64>, Error> {
        Ok(Some(read_u32_le_prefix(ID, payload)?.0))
    }

    fn decompress(
        &self,
        payload: &[u8],
        bound: DecodeBound,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let (declared, block) = read_u32_le_prefix(ID, payload)?;
        decode_exact(ID, declared, bound, out, |dst| {
            let n = dst.len();
            block::decompress_into(block, dst).map_err(|e| match e {
                // The block decodes past `n` bytes; `expected` is a lower bound of its length.
                DecompressError::OutputTooSmall { expected, .. } => Error::LengthMismatch {
                    codec: ID,
                    expected: declared,
                    found: expected.max(n + 1) as u64,
                },
                e => Error::corrupt(ID, e),
            })
        })
    }

    fn max_compressed_len(&self, input_len: usize) -> usize {
        PREFIX_LEN.saturating_add(max_block_len(input_len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_checked() {
        assert_eq!(Lz4Codec::new(12).unwrap().level(), 12);
        assert_eq!(Lz4Codec::new(-128).unwrap().level(), -128);
        let err = Lz4Codec::new(13).unwrap_err();
        assert!(err.to_string().contains("-128..=12"), "{err}");
        assert!(Lz4Codec::new(-129).is_err());
    }

    #[test]
    fn every_level_writes_the_same_bytes() {
        let input = kvcodec::conformance::text(10_000, 3);
        let mut reference = Vec::new();
        Lz4Codec::default()
            .compress(&input, &mut reference)
            .unwrap();
        for level in [-128, -1, 1, 9, 12] {
            let mut out = Vec::new();
            Lz4Codec::new(level)
                .unwrap()
                .compress(&input, &mut out)
                .unwrap();
            assert_eq!(out, reference, "level {level}");
        }
    }

    #[test]
    fn output_too_small_is_a_length_mismatch() {
        let mut payload = Vec::new();
        Lz4Codec::default()
            .compress(&[b'a'; 100], &mut payload)
            .unwrap();
        payload[..4].copy_from_slice(&50u32.to_le_bytes());
        let mut out = vec![1, 2];
        let err = Lz4Codec::default()
            .decompress(&payload, DecodeBound::Exact(50), &mut out)
            .unwrap_err();
        assert!(
            matches!(err, Error::LengthMismatch { expected: 50, found, .. } if found > 50),
            "{err}"
        );
        assert_eq!(out, [1, 2], "partial output is removed");
    }
}
