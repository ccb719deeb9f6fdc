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
}

impl FrameHeader {
    /// Parses the header at the start of `payload`.
    ///
    /// Fails with [`Error::Corrupt`] if `payload` does not start with the zstd magic (this
    /// includes skippable and pre-1.0 legacy frames, which no GLIDE or kvcodec writer
    /// produces) or sets the reserved bit, and with [`Error::Truncated`] if it ends inside
    /// the header.
    pub(crate) fn parse(payload: &[u8]) -> Result<FrameHeader, Error> {
        let codec = CodecId::ZSTD;
        let seen = &payload[..payload.len().min(MAGIC.len())];
        if seen != &MAGIC[..seen.len()] {
            return Err(Error::corrupt(
                codec,
                format_args!("expected zstd frame magic 28 b5 2f fd, found {}", hex(seen)),
            ));
        }
        let Some(&fhd) = payload.get(MAGIC.len()) else {
            return Err(truncated(FIXED_LEN, payload.len()));
        };
        if fhd & 0x08 != 0 {
            return Err(Error::corrupt(
                codec,
                format_args!("frame header descriptor {fhd:#04x} sets the reserved bit 3"),
            ));
        }
        let single_segment = fhd & 0x20 != 0;
        let window_len = usize::from(!single_segment);
        let dict_len = [0, 1, 2, 4][usize::from(fhd & 0x03)];
        let size_len = match fhd >> 6 {
            0 => usize::from(single_segment),
            1 => 2,
            2 => 4,
            _ => 8,
        };
        let len = FIXED_LEN + window_len + dict_len + size_len;
        if payload.len() < len {
            return Err(truncated(len, payload.len()));
        }
        let dict_at = FIXED_LEN + window_len;
        let size_at = dict_at + dict_len;
        let dict_id = read_le(&payload[dict_at..size_at]) as u32;
        let content_size = match size_len {
            0 => None,
            2 => Some(read_le(&payload[size_at..len]) + 256),
            _ => Some(read_le(&payload[size_at..len])),
        };
        Ok(FrameHeader {
            content_size,
            dict_id,
            checksum: fhd & 0x04 != 0,
            len,
        })
    }
}

fn truncated(expected: usize, found: usize) -> Error {
    Error::Truncated {
        codec: CodecId::ZSTD,
        expected,
        found,
    }
}

/// Little-endian value of up to 8 bytes.
fn read_le(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rev()
        .fold(0, |acc, &b| (acc << 8) | u64::from(b))
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
                len: 6
            }
        );
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
