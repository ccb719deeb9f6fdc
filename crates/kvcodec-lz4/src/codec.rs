//! [`Lz4Codec`]: u32 LE length + one raw LZ4 block, on liblz4 or lz4_flex.

use std::ops::RangeInclusive;

use kvcodec::codec::{DecodeBound, decode_exact, read_u32_le_prefix, write_u32_le_prefix};
use kvcodec::{Codec, CodecId, Error};

use crate::Implementation;
use crate::flex;

/// GLIDE's lz4 level range: `> 0` LZ4 HC at that level, `< 0` acceleration `-level`.
pub const LEVELS: RangeInclusive<i32> = -128..=12;

/// GLIDE's default lz4 level.
pub const DEFAULT_LEVEL: i32 = 0;

const ID: CodecId = CodecId::LZ4;
const PREFIX_LEN: usize = 4;

/// The lz4 codec. Cheap to share: liblz4's compression states live per thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lz4Codec {
    level: i32,
    implementation: Implementation,
}

impl Lz4Codec {
    /// A codec at `level` (in [`LEVELS`]) on the default [`Implementation`].
    pub fn new(level: i32) -> Result<Self, Error> {
        Self::with_implementation(level, Implementation::DEFAULT)
    }

    /// A codec at `level` (in [`LEVELS`]) on `implementation`.
    pub fn with_implementation(level: i32, implementation: Implementation) -> Result<Self, Error> {
        if !LEVELS.contains(&level) {
            return Err(Error::InvalidConfig {
                field: "compression_level",
                found: level.to_string(),
                expected: format!("an lz4 level in {}..={}", LEVELS.start(), LEVELS.end()),
            });
        }
        Ok(Lz4Codec {
            level,
            implementation,
        })
    }

    /// The level this codec was built with.
    pub fn level(&self) -> i32 {
        self.level
    }

    /// The library this codec runs.
    pub fn implementation(&self) -> Implementation {
        self.implementation
    }

    /// Whether liblz4 compresses `len` input bytes (else lz4_flex does).
    fn compresses_on_liblz4(&self, len: usize) -> bool {
        #[cfg(feature = "liblz4")]
        return self.implementation == Implementation::LibLz4 && len <= crate::liblz4::MAX_INPUT;
        #[cfg(not(feature = "liblz4"))]
        return {
            let _ = len;
            false
        };
    }

    /// Whether liblz4 decodes `block` to `n` bytes (else lz4_flex does): its sizes are C `int`s.
    fn decodes_on_liblz4(&self, block: &[u8], n: usize) -> bool {
        #[cfg(feature = "liblz4")]
        return self.implementation == Implementation::LibLz4
            && i32::try_from(n).is_ok()
            && i32::try_from(block.len()).is_ok();
        #[cfg(not(feature = "liblz4"))]
        return {
            let _ = (block, n);
            false
        };
    }

    /// The liblz4 decode of `block` into exactly `n` bytes appended to `out`.
    #[cfg(feature = "liblz4")]
    fn decompress_c(&self, block: &[u8], n: usize, out: &mut Vec<u8>) -> Result<(), Error> {
        out.try_reserve_exact(n)
            .map_err(|_| Error::AllocationFailed {
                codec: ID,
                bytes: n as u64,
            })?;
        let decoded = crate::liblz4::decompress(block, n, out);
        match usize::try_from(decoded) {
            Ok(found) if found == n => Ok(()),
            Ok(found) => Err(Error::LengthMismatch {
                codec: ID,
                expected: n as u64,
                found: found as u64,
            }),
            // liblz4 says only "failed": the sequences' own length tells a block of another
            // length from a malformed one.
            Err(_) => Err(match crate::block::decoded_len(block) {
                Some(found) if found != n as u64 => Error::LengthMismatch {
                    codec: ID,
                    expected: n as u64,
                    found,
                },
                _ => Error::corrupt(
                    ID,
                    format_args!("malformed LZ4 block (liblz4 error {decoded})"),
                ),
            }),
        }
    }

    #[cfg(not(feature = "liblz4"))]
    fn decompress_c(&self, _: &[u8], _: usize, _: &mut Vec<u8>) -> Result<(), Error> {
        unreachable!("no liblz4 in this build")
    }
}

impl Default for Lz4Codec {
    fn default() -> Self {
        Lz4Codec {
            level: DEFAULT_LEVEL,
            implementation: Implementation::DEFAULT,
        }
    }
}

impl Codec for Lz4Codec {
    fn id(&self) -> CodecId {
        ID
    }

    fn name(&self) -> &str {
        "lz4"
    }

    /// Appends the length prefix and the block (liblz4 writes into `out`'s spare capacity,
    /// which is never zero-filled).
    fn compress(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let start = out.len();
        write_u32_le_prefix(ID, input.len(), out)?;
        let result = if self.compresses_on_liblz4(input.len()) {
            #[cfg(feature = "liblz4")]
            if crate::liblz4::compress(input, self.level, out) {
                Ok(())
            } else {
                Err(Error::compress(ID, "liblz4 failed"))
            }
            #[cfg(not(feature = "liblz4"))]
            unreachable!("no liblz4 in this build")
        } else {
            flex::compress(input, out)
        };
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    /// An LZ4 match extension byte adds at most 255 bytes.
    #[inline]
    fn max_expansion(&self) -> Option<u64> {
        Some(255)
    }

    #[inline]
    fn declared_len(&self, payload: &[u8]) -> Result<Option<u64>, Error> {
        Ok(Some(read_u32_le_prefix(ID, payload)?.0))
    }

    #[inline]
    fn decompress(&self, input: &[u8], bound: DecodeBound, out: &mut Vec<u8>) -> Result<(), Error> {
        let (declared, block) = read_u32_le_prefix(ID, input)?;
        bound.check_declared(ID, declared)?;
        // `check_declared` bounded `declared` by a `usize` limit.
        let n = declared as usize;
        if self.decodes_on_liblz4(block, n) {
            return self.decompress_c(block, n, out);
        }
        decode_exact(ID, declared, bound, out, |dst| {
            flex::decompress(block, declared, dst)
        })
    }

    fn max_compressed_len(&self, input_len: usize) -> usize {
        #[cfg(feature = "liblz4")]
        if self.compresses_on_liblz4(input_len) {
            return PREFIX_LEN + crate::liblz4::compress_bound(input_len);
        }
        PREFIX_LEN.saturating_add(flex::max_block_len(input_len))
    }
}
