//! Reading a zstd frame header (RFC 8878 §3.1.1) without decoding the frame.
//!
//! ```text
//!  0          4       5          5+w          5+w+d
//!  +----------+-------+----------+------------+---------------+
//!  | magic    |  FHD  | window   | dict id    | content size  |
//!  | 28b52ffd | 1 B   | w = 0–1 B| d = 0,1,2,4| 0,1,2,4,8 B   |
//!  +----------+-------+----------+------------+---------------+
//!  FHD bits: 7-6 content-size field code, 5 single segment, 4 unused, 3 reserved (0),
//!            2 checksum, 1-0 dictionary-id field code
//! ```
//!
//! kvcodec writes one frame with the content size; GLIDE writes one frame without it (its
//! window descriptor is present instead).

use kvcodec::{CodecId, Error};

/// The zstd frame magic number 0xFD2FB528, as stored (little-endian).
pub(crate) const MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// Bytes before the variable fields: magic and frame header descriptor.
const FIXED_LEN: usize = 5;

/// The fields of a frame header that kvcodec needs before decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FrameHeader {
    /// Decoded length, when the frame declares it.
    pub(crate) content_size: Option<u64>,
    /// Dictionary id; 0 when the frame names no dictionary.
    pub(crate) dict_id: u32,
    /// Whether the frame ends with a 4-byte checksum.
    pub(crate) checksum: bool,
    /// Length of the header in bytes.
    pub(crate) len: usize,
    /// Window size (the content size for single-segment frames).
    pub(crate) window_size: u64,
}

impl FrameHeader {
    /// Parses the header at the start of `payload`.
    ///
    /// Fails with [`Error::Corrupt`] if `payload` does not start with the zstd magic (this
    /// includes skippable and pre-1.0 legacy frames, which no GLIDE or kvcodec writer
    /// produces) or sets the reserved bit, and with [`Error::Truncated`] if it ends inside
    /// the header.
    #[inline]
    pub(crate) fn parse(payload: &[u8]) -> Result<FrameHeader, Error> {
        let [0x28, 0xB5, 0x2F, 0xFD, ..] = *payload else {
            return Err(not_a_frame(payload));
        };
        Self::parse_fields(payload, MAGIC.len(), CodecId::ZSTD)
    }

    /// Parses the header of a frame without magic number (zstd's `ZSTD_f_zstd1_magicless`
    /// format, the compact dictionary codec's): the frame header descriptor comes first.
    /// Errors name `codec`.
    #[inline]
    pub(crate) fn parse_magicless(payload: &[u8], codec: CodecId) -> Result<FrameHeader, Error> {
        Self::parse_fields(payload, 0, codec)
    }

    /// The fields from the frame header descriptor at `payload[at]` on.
    #[inline]
    fn parse_fields(payload: &[u8], at: usize, codec: CodecId) -> Result<FrameHeader, Error> {
        let Some(&fhd) = payload.get(at) else {
            return Err(truncated(codec, at + 1, payload.len()));
        };
        if fhd & 0x08 != 0 {
            return Err(reserved_bit(codec, fhd));
        }
        let fixed = at + 1;
        let single_segment = fhd & 0x20 != 0;
        let window_len = usize::from(!single_segment);
        let dict_len = [0, 1, 2, 4][usize::from(fhd & 0x03)];
        let size_len = match fhd >> 6 {
            0 => usize::from(single_segment),
            1 => 2,
            2 => 4,
            _ => 8,
        };
        let len = fixed + window_len + dict_len + size_len;
        let Some(fields) = payload.get(fixed..len) else {
            return Err(truncated(codec, len, payload.len()));
        };
        let (window, rest) = fields.split_at(window_len);
        let (dict, size) = rest.split_at(dict_len);
        let dict_id = read_le(dict) as u32;
        let content_size = match size_len {
            0 => None,
            2 => Some(read_le(size) + 256),
            _ => Some(read_le(size)),
        };
        let window_size = match window {
            // Exponent and mantissa: (1 << (10 + e)) + mantissa / 8 of it.
            [descriptor] => {
                let base = 1u64 << (10 + (descriptor >> 3));
                base + base / 8 * u64::from(descriptor & 7)
            }
            _ => content_size.unwrap_or(0),
        };
        Ok(FrameHeader {
            content_size,
            dict_id,
            checksum: fhd & 0x04 != 0,
            len,
            window_size,
        })
    }
}

/// A payload that does not start with a frame header: not the magic, or cut inside it.
#[cold]
fn not_a_frame(payload: &[u8]) -> Error {
    let seen = &payload[..payload.len().min(MAGIC.len())];
    if seen != &MAGIC[..seen.len()] {
        return Error::corrupt(
            CodecId::ZSTD,
            format_args!("expected zstd frame magic 28 b5 2f fd, found {}", hex(seen)),
        );
    }
    truncated(CodecId::ZSTD, FIXED_LEN, payload.len())
}

#[cold]
fn reserved_bit(codec: CodecId, fhd: u8) -> Error {
    Error::corrupt(
        codec,
        format_args!("frame header descriptor {fhd:#04x} sets the reserved bit 3"),
    )
}

/// Where a frame's blocks end, and the most they can decode to, read from the block headers
/// without decoding (RFC 8878 §3.1.1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Blocks {
    /// Length of the frame: header, blocks and checksum.
    pub(crate) frame_len: usize,
    /// Bytes the blocks decode to at most: a raw or RLE block its size, a compressed block
    /// the block maximum (the window size, at most 128 KiB).
    pub(crate) most: u64,
}

/// Largest decoded size of one block.
const BLOCK_MAX: u64 = 128 * 1024;

impl FrameHeader {
    /// Walks the block headers after this header at the start of `payload`; `None` if the
    /// payload ends inside the frame (zstd's decoder then says what is wrong).
    pub(crate) fn blocks(&self, payload: &[u8]) -> Option<Blocks> {
        let block_max = self.window_size.min(BLOCK_MAX);
        let mut at = self.len;
        let mut most: u64 = 0;
        loop {
            let [a, b, c] = *payload.get(at..at + 3)? else {
                return None;
            };
            let header = u32::from_le_bytes([a, b, c, 0]);
            let size = (header >> 3) as usize;
            let (stored, decoded) = match (header >> 1) & 3 {
                0 => (size, size as u64), // raw
                1 => (1, size as u64),    // RLE: one byte, repeated
                _ => (size, block_max),   // compressed (3 is reserved: zstd rejects it)
            };
            at = at.checked_add(3 + stored)?;
            most = most.saturating_add(decoded);
            if header & 1 == 1 {
                break;
            }
        }
        let frame_len = at + if self.checksum { 4 } else { 0 };
        (frame_len <= payload.len()).then_some(Blocks { frame_len, most })
    }
}

#[cold]
fn truncated(codec: CodecId, expected: usize, found: usize) -> Error {
    Error::Truncated {
        codec,
        expected,
        found,
    }
}

/// Little-endian value of 0, 1, 2, 4 or 8 bytes.
#[inline]
fn read_le(bytes: &[u8]) -> u64 {
    match *bytes {
        [a] => u64::from(a),
        [a, b] => u64::from(u16::from_le_bytes([a, b])),
        [a, b, c, d] => u64::from(u32::from_le_bytes([a, b, c, d])),
        [a, b, c, d, e, f, g, h] => u64::from_le_bytes([a, b, c, d, e, f, g, h]),
        _ => 0,
    }
}

fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "nothing".to_owned();
    }
    let parts: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glide_frame_has_no_content_size() {
        let glide = [0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x58, 0x45, 0x00];
        let h = FrameHeader::parse(&glide).unwrap();
        assert_eq!(
            h,
            FrameHeader {
                content_size: None,
                dict_id: 0,
                checksum: false,
                len: 6,
                window_size: 2 << 20,
            }
        );
        // GLIDE 2.6.0's vector for b"a" * 100: one RLE-able compressed block, at most 128 KiB.
        let frame = crate::glide_frame(&[b'a'; 100], 3).unwrap();
        let blocks = h.blocks(&frame).unwrap();
        assert_eq!(
            blocks,
            Blocks {
                frame_len: frame.len(),
                most: 128 * 1024
            }
        );
        assert_eq!(h.blocks(&frame[..frame.len() - 1]), None);
    }

    #[test]
    fn blocks_end_where_zstd_says() {
        for n in [0usize, 1, 100, 5000, 200_000, 1 << 20] {
            let input = kvcodec::conformance::text(n, 9);
            for frame in [
                zstd::bulk::compress(&input, 3).unwrap(),
                crate::glide_frame(&input, 3).unwrap(),
            ] {
                let h = FrameHeader::parse(&frame).unwrap();
                let blocks = h.blocks(&frame).unwrap();
                let zstd_says = zstd::zstd_safe::find_frame_compressed_size(&frame).unwrap();
                assert_eq!(blocks.frame_len, zstd_says, "{n}");
                assert!(blocks.most >= n as u64, "{n}: at most {}", blocks.most);
                let mut longer = frame.clone();
                longer.extend_from_slice(&[0; 3]);
                assert_eq!(h.blocks(&longer).unwrap().frame_len, zstd_says);
            }
        }
    }

    #[test]
    fn agrees_with_zstd_on_every_content_size_width() {
        for n in [0usize, 1, 255, 256, 300, 65_791, 65_792, 1 << 20] {
            let input = vec![b'q'; n];
            let frame = zstd::bulk::compress(&input, 3).unwrap();
            let h = FrameHeader::parse(&frame).unwrap();
            assert_eq!(h.content_size, Some(n as u64), "content size of {n}");
            let zstd_says = zstd::zstd_safe::get_frame_content_size(&frame).unwrap();
            assert_eq!(h.content_size, zstd_says);
            assert!(!h.checksum);
        }
    }

    #[test]
    fn short_and_foreign_inputs() {
        assert_eq!(
            FrameHeader::parse(&[]).unwrap_err(),
            Error::Truncated {
                codec: CodecId::ZSTD,
                expected: 5,
                found: 0
            }
        );
        assert_eq!(
            FrameHeader::parse(&MAGIC[..2]).unwrap_err(),
            Error::Truncated {
                codec: CodecId::ZSTD,
                expected: 5,
                found: 2
            }
        );
        // Content-size code 3 (8 bytes) without single segment: 5 + 1 + 8.
        assert_eq!(
            FrameHeader::parse(&[0x28, 0xb5, 0x2f, 0xfd, 0xC0, 0x58, 1]).unwrap_err(),
            Error::Truncated {
                codec: CodecId::ZSTD,
                expected: 14,
                found: 7
            }
        );
        let err = FrameHeader::parse(b"hello world").unwrap_err();
        assert!(err.to_string().contains("found 68 65 6c 6c"), "{err}");
        let skippable = [0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0];
        assert!(matches!(
            FrameHeader::parse(&skippable),
            Err(Error::Corrupt { .. })
        ));
        let reserved = [0x28, 0xb5, 0x2f, 0xfd, 0x08, 0x58];
        assert!(matches!(
            FrameHeader::parse(&reserved),
            Err(Error::Corrupt { .. })
        ));
    }
}
