//! The 4-byte little-endian length prefix the lz4 and deflate framings share, and the decode
//! step of codecs whose framing declares the decoded length.

use super::DecodeBound;
use crate::{CodecId, Error};

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
