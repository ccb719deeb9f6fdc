//! The contenders: kvcodec's engine per backend and level, the codec crates called directly
//! (the floor the engine adds to), GLIDE's per-call zstd path and C liblz4.
//!
//! Every contender encodes a value to its stored form and decodes that form back. The ratio
//! table (`ratios.rs`) and the benchmarks (`codecs.rs`) call the same two methods, so the
//! round trip the table checks is the code the benchmarks time.

use std::borrow::Cow;
use std::sync::Arc;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use kvcodec::{Codec, CodecId, Engine, Header};
use kvcodec_deflate::DeflateCodec;
use kvcodec_lz4::Lz4Codec;
use kvcodec_snappy::SnappyCodec;
use kvcodec_zstd::ZstdCodec;

use crate::glide;
use crate::room::{Room, room_for};

/// The library `engine/lz4*` and `direct/lz4` run: kvcodec-lz4's default C liblz4, or lz4_flex
/// in a `--no-default-features` build (kvcodec-tests' `liblz4` feature).
pub const LZ4_LIBRARY: &str = if cfg!(feature = "liblz4") {
    "liblz4"
} else {
    "lz4_flex"
};

/// lz4 levels (GLIDE's meaning) with an `engine/` and a `glide/` contender, and their names:
/// the default, LZ4 HC 9 and acceleration 8.
pub const LZ4_LEVELS: [(i32, &str); 3] = [(0, "lz4"), (9, "lz4-hc9"), (-8, "lz4-fast8")];

/// zstd levels and deflate levels benchmarked.
pub const ZSTD_LEVELS: [i32; 3] = [1, 3, 9];
pub const DEFLATE_LEVELS: [i32; 2] = [1, 6];

/// The codec names that have both an `engine/` and a `direct/` contender.
pub fn codec_names() -> Vec<String> {
    let mut all: Vec<String> = ZSTD_LEVELS.iter().map(|l| format!("zstd-{l}")).collect();
    all.push("lz4".into());
    all.push("snappy".into());
    all.extend(DEFLATE_LEVELS.iter().map(|l| format!("deflate-{l}")));
    all
}

pub(crate) enum Kind {
    /// kvcodec: header + payload, policy, limits, metrics.
    Engine(Engine),
    /// `zstd::bulk` with one reused compression and decompression context, decoding into a
    /// buffer of the value's length (and, in `room/` contenders, the room this codec's
    /// decoder is given in the engine).
    ZstdBulk(
        zstd::bulk::Compressor<'static>,
        zstd::bulk::Decompressor<'static>,
        Room,
    ),
    /// GLIDE's path: `zstd::stream::encode_all` / `decode_all`, a new context per value.
    ZstdPerCall(i32),
    /// `lz4_flex::compress_prepend_size` / `decompress_size_prepended`: a new buffer per
    /// value.
    Lz4Flex,
    /// C liblz4: `lz4::block::compress(.., true)` / `decompress(.., None)`, a new buffer per value.
    Lz4C,
    /// GLIDE's lz4 backend at a level, header and allocations included (`glide.rs`).
    GlideLz4(i32),
    /// `snap::raw` with a reused encoder and decoder.
    Snap(Box<snap::raw::Encoder>, snap::raw::Decoder),
    /// flate2 raw deflate with a reused `Compress` / `Decompress`, inflating into a buffer of
    /// the value's length (and room, as above).
    Deflate(Compress, Decompress, Room),
}

/// One way of storing values, named `family/codec` (`engine/zstd-3`, `direct/zstd-3`).
pub struct Contender {
    pub name: String,
    pub(crate) kind: Kind,
}

/// An engine writing with `codec` under the default policy (min size 64, keep if smaller).
pub fn engine(codec: Arc<dyn Codec>) -> Engine {
    Engine::builder()
        .codec(codec)
        .build()
        .expect("engine with one codec")
}

impl Contender {
    pub(crate) fn new(name: String, kind: Kind) -> Self {
        Contender { name, kind }
    }

    /// The engine, the direct crate call, then the other baselines, for every codec.
    pub fn all() -> Vec<Contender> {
        let mut all = Vec::new();
        for level in ZSTD_LEVELS {
            all.push(Self::engine(&format!("zstd-{level}"), zstd(level)));
            all.push(Self::zstd_bulk(
                &format!("direct/zstd-{level}"),
                level,
                None,
            ));
        }
        all.push(Self::new("glide/zstd-3".into(), Kind::ZstdPerCall(3)));
        for (level, name) in LZ4_LEVELS {
            let codec = Lz4Codec::new(level).expect("lz4 level");
            all.push(Self::engine(name, Arc::new(codec)));
            all.push(Self::new(format!("glide/{name}"), Kind::GlideLz4(level)));
        }
        let direct = if cfg!(feature = "liblz4") {
            Kind::Lz4C
        } else {
            Kind::Lz4Flex
        };
        all.push(Self::new("direct/lz4".into(), direct));
        all.push(Self::new("direct/lz4_flex".into(), Kind::Lz4Flex));
        all.push(Self::engine("snappy", Arc::new(SnappyCodec::new())));
        all.push(Self::new(
            "direct/snappy".into(),
            Kind::Snap(
                Box::new(snap::raw::Encoder::new()),
                snap::raw::Decoder::new(),
            ),
        ));
        for level in DEFLATE_LEVELS {
            let codec = DeflateCodec::new(level).expect("deflate level");
            all.push(Self::engine(&format!("deflate-{level}"), Arc::new(codec)));
            all.push(Self::new(
                format!("direct/deflate-{level}"),
                Kind::Deflate(
                    Compress::new(Compression::new(level as u32), false),
                    Decompress::new(false),
                    None,
                ),
            ));
        }
        all
    }

    /// `engine/<codec>` writing with `codec`.
    pub fn engine(codec_name: &str, codec: Arc<dyn Codec>) -> Self {
        Self::new(format!("engine/{codec_name}"), Kind::Engine(engine(codec)))
    }

    /// `zstd::bulk` at `level`, optionally with a dictionary loaded once into both contexts.
    pub fn zstd_bulk(name: &str, level: i32, dictionary: Option<&[u8]>) -> Self {
        let (c, d) = match dictionary {
            Some(dict) => (
                zstd::bulk::Compressor::with_dictionary(level, dict),
                zstd::bulk::Decompressor::with_dictionary(dict),
            ),
            None => (
                zstd::bulk::Compressor::new(level),
                zstd::bulk::Decompressor::new(),
            ),
        };
        let kind = Kind::ZstdBulk(
            c.expect("zstd compressor"),
            d.expect("zstd decompressor"),
            None,
        );
        Self::new(name.into(), kind)
    }

    /// The engine, if this contender is one.
    pub fn as_engine(&self) -> Option<&Engine> {
        match &self.kind {
            Kind::Engine(engine) => Some(engine),
            _ => None,
        }
    }

    /// The stored form of `input`. Engines include the 5-byte header (or return the value
    /// itself when the policy stores it plain); the others return their payload only.
    pub fn encode<'a>(&'a mut self, input: &'a [u8]) -> Cow<'a, [u8]> {
        match &mut self.kind {
            Kind::Engine(engine) => engine.encode(input).expect("engine encode"),
            Kind::ZstdBulk(c, _, _) => c.compress(input).expect("zstd compress").into(),
            Kind::ZstdPerCall(level) => kvcodec_zstd::glide_frame(input, *level)
                .expect("zstd encode_all")
                .into(),
            Kind::Lz4Flex => lz4_flex::compress_prepend_size(input).into(),
            Kind::Lz4C => lz4::block::compress(input, None, true)
                .expect("liblz4 compress")
                .into(),
            Kind::GlideLz4(level) => glide::lz4_compress_value(input, *level),
            Kind::Snap(enc, _) => enc.compress_vec(input).expect("snap compress").into(),
            Kind::Deflate(c, _, _) => deflate(c, input).into(),
        }
    }

    /// The original of `stored` (this contender's own stored form of an `original_len`-byte
    /// value). Direct calls are given the length where their API wants a capacity.
    pub fn decode<'a>(&'a mut self, stored: &'a [u8], original_len: usize) -> Cow<'a, [u8]> {
        match &mut self.kind {
            Kind::Engine(engine) => engine.decode(stored).expect("engine decode"),
            Kind::ZstdBulk(_, d, None) => d
                .decompress(stored, original_len)
                .expect("zstd decompress")
                .into(),
            Kind::ZstdBulk(_, d, room) => {
                // As `decompress` sizes its buffer (the size the frame records), plus the room:
                // `decompress` itself never allocates more than that size.
                let n = zstd::bulk::Decompressor::upper_bound(stored).expect("a sized frame");
                let mut out = Vec::with_capacity(n + room_for(room, n));
                d.decompress_to_buffer(stored, &mut out)
                    .expect("zstd decompress");
                out.into()
            }
            Kind::ZstdPerCall(_) => zstd::stream::decode_all(stored)
                .expect("zstd decode_all")
                .into(),
            Kind::Lz4Flex => lz4_flex::decompress_size_prepended(stored)
                .expect("lz4_flex decompress")
                .into(),
            Kind::Lz4C => lz4::block::decompress(stored, None)
                .expect("liblz4 decompress")
                .into(),
            Kind::GlideLz4(_) => glide::lz4_decompress_value(stored),
            Kind::Snap(_, dec) => dec.decompress_vec(stored).expect("snap decompress").into(),
            Kind::Deflate(_, d, room) => {
                inflate(d, stored, original_len, room_for(room, original_len)).into()
            }
        }
    }
}

/// The codec behind `engine/<name>`: `zstd-3`, `lz4`, `lz4-hc9`, `snappy`, `deflate-1`, …
pub fn codec(name: &str) -> Arc<dyn Codec> {
    let level = |prefix: &str| {
        name.strip_prefix(prefix)
            .and_then(|l| l.parse::<i32>().ok())
    };
    if let Some(l) = level("zstd-") {
        return zstd(l);
    }
    if let Some(l) = level("deflate-") {
        return Arc::new(DeflateCodec::new(l).expect("deflate level"));
    }
    if name == "snappy" {
        return Arc::new(SnappyCodec::new());
    }
    let (level, _) = LZ4_LEVELS
        .iter()
        .find(|(_, n)| *n == name)
        .unwrap_or_else(|| panic!("no codec named {name}"));
    Arc::new(Lz4Codec::new(*level).expect("lz4 level"))
}

/// zstd at `level` as a codec.
pub fn zstd(level: i32) -> Arc<dyn Codec> {
    Arc::new(ZstdCodec::new(level).expect("zstd level"))
}

/// One raw deflate stream of `input`, in a new buffer; `c` is reset for the next call.
fn deflate(c: &mut Compress, input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + input.len() / 8 + 64);
    let start = c.total_in();
    loop {
        let consumed = (c.total_in() - start) as usize;
        let status = c
            .compress_vec(&input[consumed..], &mut out, FlushCompress::Finish)
            .expect("deflate");
        if status == Status::StreamEnd {
            break;
        }
        out.reserve(64 + input.len() / 16);
    }
    c.reset();
    out
}

/// The `n` bytes `stored` inflates to, in a new buffer with `room` bytes to spare; `d` is
/// reset for the next call.
fn inflate(d: &mut Decompress, stored: &[u8], n: usize, room: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + room);
    let status = d
        .decompress_vec(stored, &mut out, FlushDecompress::Finish)
        .expect("inflate");
    assert_eq!(
        status,
        Status::StreamEnd,
        "one call inflates the whole stream"
    );
    d.reset(false);
    out
}

/// GLIDE's stored form of `input` (header + `encode_all` frame, without content size), for
/// measuring how fast the engine reads values GLIDE wrote.
pub fn glide_zstd_value(input: &[u8]) -> Vec<u8> {
    let mut stored = Header::new(CodecId::ZSTD).to_bytes().to_vec();
    stored.extend(kvcodec_zstd::glide_frame(input, 3).expect("zstd encode_all"));
    stored
}
