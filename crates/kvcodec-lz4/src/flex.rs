//! lz4_flex (pure Rust, safe code paths only): the implementation without the `liblz4`
//! feature, and with it the fallback for values over liblz4's 2 113 929 216-byte limit.

use kvcodec::{CodecId, Error};
use lz4_flex::block::{self, DecompressError};

const ID: CodecId = CodecId::LZ4;

/// lz4_flex's worst-case block size (`16 + 4 + n × 110 / 100`), computed without the
/// overflow lz4_flex 0.11's own formula has on 32-bit targets above ~39 MB.
pub fn max_block_len(n: usize) -> usize {
    n.saturating_add(n / 10).saturating_add(20)
}

/// Appends the raw LZ4 block of `input` to `out` (one compression mode: no levels).
pub fn compress(input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
    let body = out.len();
    out.resize(body + max_block_len(input.len()), 0);
    match block::compress_into(input, &mut out[body..]) {
        Ok(written) => {
            out.truncate(body + written);
            Ok(())
        }
        Err(e) => {
            out.truncate(body);
            Err(Error::compress(ID, e))
        }
    }
}

/// Decodes `block` into `dst`, which it must fill exactly (`declared` is its length, for
/// the error); returns the bytes written.
pub fn decompress(block: &[u8], declared: u64, dst: &mut [u8]) -> Result<usize, Error> {
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
}
