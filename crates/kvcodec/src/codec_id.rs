//! The backend id written in byte 4 of the header.

use std::fmt;

/// Identifies the algorithm (and framing) of a payload; written as the last header byte.
///
/// This is an open newtype, not an enum: an application can define its own ids without
/// a change to this crate. The named constants are the ones kvcodec ships.
///
/// | id | meaning |
/// |---|---|
/// | `0x00` | reserved (never written) |
/// | `0x01` | zstd frame — GLIDE's id |
/// | `0x02` | u32 LE length + raw LZ4 block — GLIDE's id |
/// | `0x03` | raw Snappy (kvcodec) |
/// | `0x04` | u32 LE length + raw deflate (kvcodec) |
/// | `0x05` | varint dictionary id + zstd frame without magic or dictionary id (kvcodec) |
/// | `0x06..=0x7F` | reserved for future kvcodec backends |
/// | `0x80..=0xFE` | free for application codecs |
/// | `0xFF` | reserved (never written) |
///
/// Only `0x01` and `0x02` are understood by Valkey GLIDE; values written with other ids are
/// readable by kvcodec readers that register the same codec. [`CodecId::KNOWN`] is the one
/// table of the ids kvcodec assigns, their names and whether GLIDE reads them.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CodecId(pub u8);

/// One codec id kvcodec assigns: its name and whether Valkey GLIDE reads values written with
/// it. See [`CodecId::KNOWN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct KnownCodec {
    /// The header id.
    pub id: CodecId,
    /// The backend's name (`"zstd"`): its `Backend::name`, `Codec::name`, metrics label.
    pub name: &'static str,
    /// `true` if Valkey GLIDE (2.x) reads values written with this id.
    pub glide_reads: bool,
}

impl CodecId {
    /// zstd (GLIDE backend id 1).
    pub const ZSTD: CodecId = CodecId(0x01);
    /// LZ4 block with a 4-byte little-endian length prefix (GLIDE backend id 2).
    pub const LZ4: CodecId = CodecId(0x02);
    /// Raw Snappy (kvcodec only).
    pub const SNAPPY: CodecId = CodecId(0x03);
    /// Raw deflate with a 4-byte little-endian length prefix (kvcodec only).
    pub const DEFLATE: CodecId = CodecId(0x04);
    /// zstd with a shared dictionary, compact frame: varint dictionary id + a zstd frame
    /// without magic number or dictionary id (kvcodec only; see `kvcodec-zstd`'s
    /// `ZstdDictCodec`).
    pub const ZSTD_DICT: CodecId = CodecId(0x05);

    /// First id free for application codecs.
    pub const APPLICATION_FIRST: CodecId = CodecId(0x80);
    /// Last id free for application codecs.
    pub const APPLICATION_LAST: CodecId = CodecId(0xFE);

    /// `true` for the two ids that are never written (`0x00` and `0xFF`).
    pub const fn is_reserved(self) -> bool {
        self.0 == 0x00 || self.0 == 0xFF
    }

    /// `true` for ids in `0x80..=0xFE`, which kvcodec will never assign.
    pub const fn is_application(self) -> bool {
        self.0 >= Self::APPLICATION_FIRST.0 && self.0 <= Self::APPLICATION_LAST.0
    }

    /// Every id kvcodec assigns, by ascending id: the one table of names and GLIDE
    /// readability that the engine, the exporter, the CLI and the tests read.
    pub const KNOWN: [KnownCodec; 5] = [
        KnownCodec {
            id: CodecId::ZSTD,
            name: "zstd",
            glide_reads: true,
        },
        KnownCodec {
            id: CodecId::LZ4,
            name: "lz4",
            glide_reads: true,
        },
        KnownCodec {
            id: CodecId::SNAPPY,
            name: "snappy",
            glide_reads: false,
        },
        KnownCodec {
            id: CodecId::DEFLATE,
            name: "deflate",
            glide_reads: false,
        },
        KnownCodec {
            id: CodecId::ZSTD_DICT,
            name: "zstd-dict",
            glide_reads: false,
        },
    ];

    /// This id's entry in [`KNOWN`](Self::KNOWN), if kvcodec assigns it.
    pub const fn known(self) -> Option<&'static KnownCodec> {
        let mut i = 0;
        while i < Self::KNOWN.len() {
            if Self::KNOWN[i].id.0 == self.0 {
                return Some(&Self::KNOWN[i]);
            }
            i += 1;
        }
        None
    }

    /// The name of a kvcodec-assigned id, if it has one.
    pub const fn known_name(self) -> Option<&'static str> {
        match self.known() {
            Some(k) => Some(k.name),
            None => None,
        }
    }

    /// `true` if Valkey GLIDE reads values written with this id (zstd and lz4).
    pub const fn glide_reads(self) -> bool {
        matches!(
            self.known(),
            Some(KnownCodec {
                glide_reads: true,
                ..
            })
        )
    }

    /// The metrics label of this id: its [known name](Self::known_name), else the id in hex
    /// (`0x80`).
    pub fn label(self) -> std::borrow::Cow<'static, str> {
        match self.known_name() {
            Some(name) => name.into(),
            None => format!("{:#04x}", self.0).into(),
        }
    }
}

impl fmt::Debug for CodecId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.known_name() {
            Some(name) => write!(f, "CodecId({:#04x} {name})", self.0),
            None => write!(f, "CodecId({:#04x})", self.0),
        }
    }
}

impl fmt::Display for CodecId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.known_name() {
            Some(name) => write!(f, "{name} ({:#04x})", self.0),
            None => write!(f, "{:#04x}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glide_ids_are_fixed() {
        assert_eq!(CodecId::ZSTD.0, 1);
        assert_eq!(CodecId::LZ4.0, 2);
        assert_eq!(CodecId::SNAPPY.0, 3);
        assert_eq!(CodecId::DEFLATE.0, 4);
        assert_eq!(CodecId::ZSTD_DICT.0, 5);
        assert!(!CodecId::ZSTD_DICT.glide_reads());
    }

    #[test]
    fn ranges() {
        assert!(CodecId(0).is_reserved() && CodecId(0xFF).is_reserved());
        assert!(!CodecId::ZSTD.is_reserved());
        assert!(CodecId(0x80).is_application() && CodecId(0xFE).is_application());
        assert!(!CodecId(0x7F).is_application() && !CodecId(0xFF).is_application());
        assert_eq!(CodecId::LZ4.to_string(), "lz4 (0x02)");
        assert!(CodecId::ZSTD.glide_reads() && CodecId::LZ4.glide_reads());
        assert!(!CodecId::SNAPPY.glide_reads() && !CodecId(0x90).glide_reads());
        assert_eq!(
            (CodecId::DEFLATE.label(), CodecId(0x90).label()),
            ("deflate".into(), "0x90".into())
        );
        assert_eq!(CodecId(0x90).to_string(), "0x90");
    }
}
