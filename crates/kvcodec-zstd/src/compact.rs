//! [`ZstdDictCodec`]: zstd with a shared dictionary in a compact frame (header id `0x05`).
//!
//! ```text
//!  0        n
//!  +--------+-----------------------------------------------------------------+
//!  | varint |  zstd frame without its magic number (zstd's "magicless" format):  |
//!  | dict id|  FHD | [window] | content size | blocks                           |
//!  | 1–5 B  |  no dictionary id field, content size always present, no checksum  |
//!  +--------+-----------------------------------------------------------------+
//! ```
//!
//! A standard zstd frame written with a dictionary spends 4 bytes on the magic number and up
//! to 4 on the dictionary id, and the kvcodec header before it already says "zstd". On an 80-byte
//! JSON record compressed to ~35 bytes that is a sixth of the stored value. Here the header id
//! says "zstd with a dictionary", a varint (1 byte for ids below 128: `kvcodec dict train` picks
//! small ids) says which, and the frame carries only what zstd cannot infer.
//!
//! Values written with this codec are unreadable to Valkey GLIDE (as any dictionary value).
//! The older form — header id `0x01` with a standard frame naming its dictionary — is still read
//! by [`ZstdCodec`](crate::ZstdCodec) with the same dictionaries.

use std::io::Cursor;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use kvcodec::codec::DecodeBound;
use kvcodec::{Codec, CodecId, Error};
use zstd::zstd_safe::{self, CCtx, CParameter, DCtx, DParameter, FrameFormat};

use crate::context::check_level;
use crate::declared::{decode_declared, headroom};
use crate::dictionary::list_ids;
use crate::frame::FrameHeader;
use crate::store::Dictionaries;
use crate::varint;

/// Smallest value [`ZstdDictCodec`] compresses by default ([`Codec::min_size`]), chosen by
/// measurement (`cargo bench -p kvcodec-tests --bench dictionary`, BENCHMARKS.md): on small
/// JSON values with a 16 KiB dictionary, values of 24–31 bytes shrank 1 % of the time and saved
/// 0.0 % (8 bytes of fixed overhead, 3 of block header, leave them nothing), values of 32–39
/// bytes shrank every time and saved 35 %. Below 32 bytes a compression attempt costs time for
/// nothing; values of any size still read back. [`ZstdDictCodec::with_min_size`] changes it.
pub const DICT_MIN_SIZE: usize = 32;

/// The fixed cost of a compact value over its compressed blocks: the 5-byte header, a 1-byte
/// dictionary id, the frame header descriptor and a 1-byte content size.
pub const COMPACT_OVERHEAD: usize = 8;

/// Compression contexts with a dictionary loaded, per thread and per codec (a context keeps
/// its codec's dictionary and parameters, so a call only compresses).
struct Compressors {
    /// `(codec uid, context)`, most recently used first, at most [`PER_THREAD`].
    list: Vec<(u64, CCtx<'static>)>,
}

/// Codecs whose contexts one thread keeps; a thread that writes with more evicts the oldest.
const PER_THREAD: usize = 4;

kvcodec::context_pool! {
    /// Per-thread compression contexts of the compact codecs.
    static CCTX: Compressors = || Compressors { list: Vec::new() };
}

kvcodec::context_pool! {
    /// Per-thread decompression contexts reading magicless frames.
    static DCTX: DCtx<'static> = magicless_dctx;
}

fn magicless_dctx() -> DCtx<'static> {
    let mut dctx = DCtx::create();
    // Only fails for an unknown parameter, which the linked zstd (1.5.7) knows.
    let _ = dctx.set_parameter(DParameter::Format(FrameFormat::Magicless));
    dctx
}

static NEXT_UID: AtomicU64 = AtomicU64::new(1);

/// The dictionary a codec writes with.
struct Writer {
    id: u32,
    bytes: Arc<[u8]>,
    varint: ([u8; varint::MAX_LEN], usize),
}

/// zstd with shared dictionaries, compact frames, header id [`CodecId::ZSTD_DICT`] (`0x05`).
///
/// Decodes with any dictionary of its [`Dictionaries`] set — including ones added after the
/// codec was built — and writes with one of them. An unknown id is
/// [`Error::UnknownDictionary`], which kvcodec-redis answers by fetching the dictionary from the
/// server and decoding again.
///
/// ```
/// # let samples: Vec<String> = (0..500)
/// #     .map(|i| format!(r#"{{"user":{i},"name":"user{i}","plan":"free","tags":["a","b"]}}"#))
/// #     .collect();
/// use std::sync::Arc;
/// use kvcodec::{Codec, Engine};
/// use kvcodec_zstd::{Dictionaries, ZstdDictCodec};
///
/// let set = Dictionaries::new();
/// let id = set.insert(&kvcodec_zstd::train_dictionary(&samples, 4096)?)?;
/// let codec: Arc<dyn Codec> = Arc::new(ZstdDictCodec::writer(set, id, 3)?);
/// let engine = Engine::builder().codec(codec).build()?;
/// let value = br#"{"user":7,"name":"user7","plan":"free","tags":["a","b"]}"#;
/// let stored = engine.encode(value)?;
/// assert_eq!(stored[4], 0x05);
/// assert!(stored.len() < value.len() / 2);
/// assert_eq!(&*engine.decode(&stored)?, &value[..]);
/// # Ok::<(), kvcodec::Error>(())
/// ```
pub struct ZstdDictCodec {
    level: i32,
    set: Arc<Dictionaries>,
    write: Option<Writer>,
    uid: u64,
    min_size: usize,
}

impl std::fmt::Debug for ZstdDictCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZstdDictCodec")
            .field("level", &self.level)
            .field("dictionaries", &list_ids(self.set.ids()))
            .field("write_dictionary", &self.write.as_ref().map(|w| w.id))
            .finish()
    }
}

impl ZstdDictCodec {
    /// A codec that decodes with `set`'s dictionaries and writes nothing (compressing fails
    /// with [`Error::InvalidConfig`]): register it with every reader.
    pub fn reader(set: Arc<Dictionaries>) -> ZstdDictCodec {
        ZstdDictCodec {
            level: crate::DEFAULT_LEVEL,
            set,
            write: None,
            uid: NEXT_UID.fetch_add(1, Ordering::Relaxed),
            min_size: DICT_MIN_SIZE,
        }
    }

    /// A codec that writes with dictionary `id` of `set` at `level`, and decodes with all of
    /// them. Fails if `id` is not in the set or `level` is out of zstd's range.
    pub fn writer(set: Arc<Dictionaries>, id: u32, level: i32) -> Result<ZstdDictCodec, Error> {
        check_level(level)?;
        let bytes = set.bytes(id).ok_or_else(|| Error::InvalidConfig {
            field: "write_with_dictionary",
            found: id.to_string(),
            expected: format!("a registered dictionary id ({})", list_ids(set.ids())),
        })?;
        Ok(ZstdDictCodec {
            level,
            write: Some(Writer {
                id,
                bytes,
                varint: varint::encode(id),
            }),
            ..ZstdDictCodec::reader(set)
        })
    }

    /// Compresses values of at least `bytes` (default [`DICT_MIN_SIZE`]) when the engine uses
    /// the codec's own minimum size.
    pub fn with_min_size(mut self, bytes: usize) -> ZstdDictCodec {
        self.min_size = bytes;
        self
    }

    /// The shared dictionary set.
    pub fn dictionaries(&self) -> &Arc<Dictionaries> {
        &self.set
    }

    /// The id this codec writes with, if any.
    pub fn write_dictionary_id(&self) -> Option<u32> {
        self.write.as_ref().map(|w| w.id)
    }

    /// The compression level.
    pub fn level(&self) -> i32 {
        self.level
    }

    fn new_cctx(&self, w: &Writer) -> Result<CCtx<'static>, Error> {
        let mut cctx = CCtx::create();
        let fail = |code| Error::compress(CodecId::ZSTD_DICT, zstd_safe::get_error_name(code));
        for p in [
            CParameter::Format(FrameFormat::Magicless),
            CParameter::DictIdFlag(false),
            CParameter::ContentSizeFlag(true),
            CParameter::ChecksumFlag(false),
            CParameter::CompressionLevel(self.level),
        ] {
            cctx.set_parameter(p).map_err(fail)?;
        }
        // zstd copies the dictionary and prepares it once, at the first compression.
        cctx.load_dictionary(&w.bytes).map_err(fail)?;
        Ok(cctx)
    }
}

/// The dictionary id of a compact payload, for a caller that wants to fetch the dictionary
/// before decoding (kvcodec-redis). `None` if the payload does not start with a valid varint.
pub fn compact_dictionary_id(payload: &[u8]) -> Option<u32> {
    varint::decode(CodecId::ZSTD_DICT, payload)
        .ok()
        .map(|(id, _)| id)
}

/// The dictionary a stored value (header included) was written with: the varint of a compact
/// value (`0x05`), or the dictionary id in the frame header of a standard zstd value (`0x01`).
/// `None` for values of other codecs, plain values, zstd frames without a dictionary, and
/// bytes too short to say.
pub fn stored_dictionary_id(stored: &[u8]) -> Option<u32> {
    let (header, payload) = kvcodec::Header::parse(stored)?;
    match header.codec {
        CodecId::ZSTD_DICT => compact_dictionary_id(payload),
        CodecId::ZSTD => FrameHeader::parse(payload)
            .ok()
            .map(|h| h.dict_id)
            .filter(|&id| id != 0),
        _ => None,
    }
}

impl Codec for ZstdDictCodec {
    fn id(&self) -> CodecId {
        CodecId::ZSTD_DICT
    }

    fn name(&self) -> &str {
        "zstd-dict"
    }

    fn compress(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let Some(w) = &self.write else {
            return Err(Error::InvalidConfig {
                field: "write_with_dictionary",
                found: "a reader-only zstd-dict codec".to_owned(),
                expected: "a codec built with ZstdDictCodec::writer".to_owned(),
            });
        };
        let bound = zstd_safe::compress_bound(input.len());
        if bound < input.len() {
            return Err(Error::InputTooLarge {
                codec: CodecId::ZSTD_DICT,
                found: input.len() as u64,
                limit: crate::context::MAX_INPUT,
            });
        }
        let (id, n) = &w.varint;
        out.reserve(n + bound);
        out.extend_from_slice(&id[..*n]);
        let start = out.len();
        CCTX.with(|c| {
            let i = match c.list.iter().position(|(uid, _)| *uid == self.uid) {
                Some(i) => i,
                None => {
                    c.list.truncate(PER_THREAD - 1);
                    c.list.insert(0, (self.uid, self.new_cctx(w)?));
                    0
                }
            };
            if i > 0 {
                let entry = c.list.remove(i);
                c.list.insert(0, entry);
            }
            let mut cursor = Cursor::new(&mut *out);
            cursor.set_position(start as u64);
            c.list[0].1.compress2(&mut cursor, input).map_err(|code| {
                Error::compress(CodecId::ZSTD_DICT, zstd_safe::get_error_name(code))
            })
        })?;
        Ok(())
    }

    #[inline]
    fn declared_len(&self, payload: &[u8]) -> Result<Option<u64>, Error> {
        Ok(Some(parse(payload)?.1.content_size.unwrap_or(0)))
    }

    #[inline]
    fn decompress(&self, input: &[u8], bound: DecodeBound, out: &mut Vec<u8>) -> Result<(), Error> {
        let (id, header, frame) = parse(input)?;
        let declared = header.content_size.unwrap_or(0);
        bound.check_declared(CodecId::ZSTD_DICT, declared)?;
        match header.blocks(frame) {
            Some(b) if b.frame_len == frame.len() && declared > b.most => {
                return Err(Error::corrupt(
                    CodecId::ZSTD_DICT,
                    format_args!(
                        "declares {declared} bytes; its blocks hold at most {}",
                        b.most
                    ),
                ));
            }
            Some(b) if b.frame_len == frame.len() => {}
            Some(b) => {
                return Err(Error::corrupt(
                    CodecId::ZSTD_DICT,
                    format_args!("{} bytes after the frame", frame.len() - b.frame_len),
                ));
            }
            None => return Err(Error::corrupt(CodecId::ZSTD_DICT, "the frame is cut short")),
        }
        decode_declared(CodecId::ZSTD_DICT, declared as usize, out, |out| {
            let written = self.set.with_ddict(id, |ddict| {
                DCTX.with(|dctx| dctx.decompress_using_ddict(out, frame, ddict))
            });
            match written {
                None => Err(Error::UnknownDictionary {
                    codec: CodecId::ZSTD_DICT,
                    found: id,
                    registered: list_ids(self.set.ids()),
                }),
                Some(Ok(w)) => Ok(w),
                Some(Err(code)) => Err(Error::corrupt(
                    CodecId::ZSTD_DICT,
                    format_args!("frame does not decode: {}", zstd_safe::get_error_name(code)),
                )),
            }
        })
    }

    #[inline]
    fn decode_headroom(&self, declared: usize) -> usize {
        headroom(declared)
    }

    fn max_compressed_len(&self, input_len: usize) -> usize {
        let bound = zstd_safe::compress_bound(input_len);
        varint::MAX_LEN + if bound < input_len { input_len } else { bound }
    }

    /// As zstd: a 4-byte RLE block stands for up to 128 KiB.
    #[inline]
    fn max_expansion(&self) -> Option<u64> {
        Some(32_768)
    }

    fn min_size(&self) -> Option<usize> {
        Some(self.min_size)
    }

    fn dictionary_id(&self, payload: &[u8]) -> Option<u32> {
        compact_dictionary_id(payload)
    }
}

/// The dictionary id, the frame header and the frame of a compact payload. The frame must
/// declare its content size and name no dictionary (the varint does).
fn parse(payload: &[u8]) -> Result<(u32, FrameHeader, &[u8]), Error> {
    let (id, n) = varint::decode(CodecId::ZSTD_DICT, payload)?;
    let frame = &payload[n..];
    let header = FrameHeader::parse_magicless(frame, CodecId::ZSTD_DICT)?;
    if header.content_size.is_none() {
        return Err(Error::corrupt(
            CodecId::ZSTD_DICT,
            "expected a frame with its content size, found one without",
        ));
    }
    if header.dict_id != 0 {
        return Err(Error::corrupt(
            CodecId::ZSTD_DICT,
            format_args!(
                "expected a frame without dictionary id (the varint names it), found id {}",
                header.dict_id
            ),
        ));
    }
    Ok((id, header, frame))
}
