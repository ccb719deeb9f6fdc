//! [`glide_frame`]: a zstd frame exactly as Valkey GLIDE 2.x writes one, for interop tests and
//! tools that must produce GLIDE's bytes.

use std::io::Write;

use kvcodec::{CodecId, Error};

/// The zstd payload GLIDE 2.3–2.6 stores for `input` at `level`: GLIDE calls
/// `zstd::encode_all` of zstd 0.13, a streaming encoder that records **no content size** and
/// no checksum. (zstd 0.14's `encode_all` records the size of inputs under 128 KiB, so it no
/// longer produces GLIDE's frames.) Prepend the header `00 01 02 00 01` to get GLIDE's stored
/// value.
///
/// ```
/// let frame = kvcodec_zstd::glide_frame(&[b'a'; 100], 3)?;
/// assert_eq!(frame, [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0x45, 0x00, 0x00, 0x10, 0x61, 0x61,
///                    0x01, 0x00, 0x3f, 0x01, 0x2c]); // GLIDE 2.6.0's vector for b"a" * 100
/// # Ok::<(), kvcodec::Error>(())
/// ```
pub fn glide_frame(input: &[u8], level: i32) -> Result<Vec<u8>, Error> {
    let failed = |e: std::io::Error| Error::compress(CodecId::ZSTD, e);
    let mut encoder = zstd::stream::Encoder::new(Vec::new(), level).map_err(failed)?;
    encoder.include_contentsize(false).map_err(failed)?;
    encoder.include_checksum(false).map_err(failed)?;
    encoder.write_all(input).map_err(failed)?;
    encoder.finish().map_err(failed)
}
