//! [`ZstdCodec`]: the zstd [`Codec`], on per-thread contexts.

use std::io::Cursor;

use kvcodec::codec::DecodeBound;
use kvcodec::{Codec, CodecId, Error};
use zstd::zstd_safe::{self, DDict};

use crate::DEFAULT_LEVEL;
use crate::context::{CCTX, MAX_INPUT, check_level};
use crate::dictionary::{ReadDictionary, WriteDictionary, list_ids};
use crate::frame::FrameHeader;

/// The zstd codec: one standard zstd frame per value, header id `0x01`.
///
/// - Writes frames **with** the content size and without checksum, one-shot, so readers can
///   check the size against their limit before allocating.
/// - Reads any single zstd frame, with or without content size — GLIDE writes them without —
///   decoding those under a bound (see [`DecodeBound::AtMost`]).
/// - Runs on reused per-thread zstd contexts ([`kvcodec::pool`]), shared by every codec on
///   the thread: making codecs is cheap, and one codec (in an `Arc`) serves every thread.
/// - Optionally compresses with a trained dictionary and decodes frames that name any
///   registered one (see [`ZstdBuilder`](crate::ZstdBuilder)).
pub struct ZstdCodec {
    level: i32,
    // Contexts never keep a dictionary reference between calls: the codec may drop its
    // dictionaries while other codecs keep using the thread's contexts.
    read: Vec<ReadDictionary>,
    write: Option<WriteDictionary>,
}

impl ZstdCodec {
    /// A codec compressing at `level` (zstd's range, [`MIN_LEVEL`](crate::MIN_LEVEL)`..=`[`MAX_LEVEL`](crate::MAX_LEVEL); negative
    /// levels are faster and compress less, 0 means zstd's default, 3), without dictionaries.
    pub fn new(level: i32) -> Result<Self, Error> {
        check_level(level)?;
        Ok(Self::from_parts(level, Vec::new(), None))
    }

    pub(crate) fn from_parts(
        level: i32,
        read: Vec<ReadDictionary>,
        write: Option<WriteDictionary>,
    ) -> Self {
        ZstdCodec { level, read, write }
    }

    /// The compression level.
    pub fn level(&self) -> i32 {
        self.level
    }

    pub(crate) fn read_dictionaries(&self) -> &[ReadDictionary] {
        &self.read
    }

    pub(crate) fn write_dictionary(&self) -> Option<&WriteDictionary> {
        self.write.as_ref()
    }
}

impl Default for ZstdCodec {
    /// Level 3, no dictionaries.
    fn default() -> Self {
        Self::from_parts(DEFAULT_LEVEL, Vec::new(), None)
    }
}

impl std::fmt::Debug for ZstdCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZstdCodec")
            .field("level", &self.level)
            .field("dictionaries", &list_ids(self.dictionary_ids()))
            .field("write_dictionary", &self.write_dictionary_id())
            .finish()
    }
}

impl Codec for ZstdCodec {
    fn id(&self) -> CodecId {
        CodecId::ZSTD
    }

    /// The frame header's dictionary id (0, no dictionary, is `None`).
    fn dictionary_id(&self, payload: &[u8]) -> Option<u32> {
        FrameHeader::parse(payload)
            .ok()
            .map(|h| h.dict_id)
            .filter(|&id| id != 0)
    }

    fn name(&self) -> &str {
        "zstd"
    }

    fn compress(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let bound = zstd_safe::compress_bound(input.len());
        if bound < input.len() {
            return Err(Error::InputTooLarge {
                codec: CodecId::ZSTD,
                found: input.len() as u64,
                limit: MAX_INPUT,
            });
        }
        // Room for the worst case up front, so zstd writes straight into `out`'s spare
        // capacity after the bytes already there (the header), without zero-filling it.
        out.reserve(bound);
        let start = out.len();
        let mut cursor = Cursor::new(&mut *out);
        cursor.set_position(start as u64);
        // One-shot calls know the input size: the frame gets the content size, no checksum.
        let written = CCTX.with(|cctx| match &self.write {
            Some(dict) => cctx.compress_using_cdict(&mut cursor, input, &dict.cdict),
            None => cctx.compress(&mut cursor, input, self.level),
        });
        written.map_err(|code| Error::compress(CodecId::ZSTD, zstd_safe::get_error_name(code)))?;
        Ok(())
    }

    /// A 4-byte RLE block (3-byte header + 1 byte) stands for up to 128 KiB.
    #[inline]
    fn max_expansion(&self) -> Option<u64> {
        Some(32_768)
    }

    #[inline]
    fn declared_len(&self, payload: &[u8]) -> Result<Option<u64>, Error> {
        Ok(FrameHeader::parse(payload)?.content_size)
    }

    #[inline]
    fn decompress(&self, input: &[u8], bound: DecodeBound, out: &mut Vec<u8>) -> Result<(), Error> {
        self.decode(input, bound, out)
    }

    #[inline]
    fn decode_headroom(&self, declared: usize) -> usize {
        crate::declared::headroom(declared)
    }

    fn max_compressed_len(&self, input_len: usize) -> usize {
        let bound = zstd_safe::compress_bound(input_len);
        if bound < input_len { input_len } else { bound }
    }
}

impl ZstdCodec {
    /// The id of the dictionary this codec compresses with, if any.
    pub fn write_dictionary_id(&self) -> Option<u32> {
        self.write_dictionary().map(|d| d.id)
    }

    /// The ids of the dictionaries this codec decodes with, ascending.
    pub fn dictionary_ids(&self) -> Vec<u32> {
        self.read_dictionaries().iter().map(|d| d.id).collect()
    }

    /// The prepared dictionary a frame with `dict_id` needs: `None` for id 0 (no dictionary),
    /// [`Error::UnknownDictionary`] for an id this codec has not registered.
    pub(crate) fn ddict_for(&self, dict_id: u32) -> Result<Option<&DDict<'static>>, Error> {
        if dict_id == 0 {
            return Ok(None);
        }
        let dicts = self.read_dictionaries();
        match dicts.binary_search_by_key(&dict_id, |d| d.id) {
            Ok(i) => Ok(Some(&dicts[i].ddict)),
            Err(_) => Err(Error::UnknownDictionary {
                codec: CodecId::ZSTD,
                found: dict_id,
                registered: list_ids(self.dictionary_ids()),
            }),
        }
    }
}
