//! The 5-byte header in front of every compressed value — Valkey GLIDE's format.
//!
//! ```text
//!  offset:   0    1    2    3         4          5 ..
//!          +----+----+----+---------+----------+---------------------------+
//!          | 00 | 01 | 02 | version | codec id | payload (codec-specific)  |
//!          +----+----+----+---------+----------+---------------------------+
//!           \___ MAGIC __/    00      01 zstd    zstd: one zstd frame
//!                                     02 lz4     lz4:  u32 LE length + raw LZ4 block
//!                                     03 snappy  snappy: raw snappy (varint length first)
//!                                     04 deflate deflate: u32 LE length + raw deflate
//! ```
//!
//! A stored value is *compressed* exactly when it is at least [`HEADER_LEN`] bytes long and
//! starts with [`MAGIC`]; anything else is a plain value and is returned as it is. GLIDE writes
//! version `00` and does not check it on read; kvcodec writes `00` and treats another version
//! like an unknown codec (see [`crate::OnCorrupt`]), so a future format can never be misread.

use crate::CodecId;

/// The three bytes every compressed value starts with.
pub const MAGIC: [u8; 3] = [0x00, 0x01, 0x02];
/// The header version kvcodec (and GLIDE) write.
pub const VERSION: u8 = 0x00;
/// Header length in bytes: magic, version, codec id.
pub const HEADER_LEN: usize = 5;

/// A parsed header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Byte 3. kvcodec writes and decodes [`VERSION`] only.
    pub version: u8,
    /// Byte 4: which codec wrote the payload.
    pub codec: CodecId,
}

impl Header {
    /// The header kvcodec writes for `codec`.
    #[inline]
    pub const fn new(codec: CodecId) -> Self {
        Header {
            version: VERSION,
            codec,
        }
    }

    /// The 5 header bytes.
    #[inline]
    pub const fn to_bytes(self) -> [u8; HEADER_LEN] {
        [MAGIC[0], MAGIC[1], MAGIC[2], self.version, self.codec.0]
    }

    /// Appends the header to `out`.
    #[inline]
    pub fn write(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bytes());
    }

    /// Splits a stored value into its header and payload, or `None` for a plain value
    /// (shorter than [`HEADER_LEN`] or not starting with [`MAGIC`]).
    #[inline]
    pub fn parse(stored: &[u8]) -> Option<(Header, &[u8])> {
        match stored {
            [0x00, 0x01, 0x02, version, codec, payload @ ..] => Some((
                Header {
                    version: *version,
                    codec: CodecId(*codec),
                },
                payload,
            )),
            _ => None,
        }
    }
}

/// `true` if `stored` carries a header (any version, any codec id).
#[inline]
pub fn has_header(stored: &[u8]) -> bool {
    stored.len() >= HEADER_LEN && stored[..3] == MAGIC
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glide_header_bytes() {
        assert_eq!(Header::new(CodecId::ZSTD).to_bytes(), [0, 1, 2, 0, 1]);
        assert_eq!(Header::new(CodecId::LZ4).to_bytes(), [0, 1, 2, 0, 2]);
    }

    #[test]
    fn parse_requires_magic_and_length() {
        assert_eq!(Header::parse(b"hello"), None);
        assert_eq!(Header::parse(&[0, 1, 2, 0]), None);
        let (h, payload) = Header::parse(&[0, 1, 2, 0, 2, 9, 9]).unwrap();
        assert_eq!(h, Header::new(CodecId::LZ4));
        assert_eq!(payload, &[9, 9]);
        let (h, payload) = Header::parse(&[0, 1, 2, 7, 0x90]).unwrap();
        assert_eq!((h.version, h.codec, payload.len()), (7, CodecId(0x90), 0));
        assert!(
            has_header(&[0, 1, 2, 0, 1])
                && !has_header(&[0, 1, 2, 0])
                && !has_header(b"\x00\x01\x03xx")
        );
    }
}
