//! [`DeflateCodec`]: u32 LE length + one raw deflate stream, on flate2.

use std::ops::RangeInclusive;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use kvcodec::codec::{DecodeBound, read_u32_le_prefix, write_u32_le_prefix};
use kvcodec::{Codec, CodecId, Error};

/// Accepted deflate levels: `0` stores, `1` is fastest, `9` compresses most.
pub const LEVELS: RangeInclusive<i32> = 0..=9;

/// zlib's default level.
pub const DEFAULT_LEVEL: i32 = 6;

const ID: CodecId = CodecId::DEFLATE;
const PREFIX_LEN: usize = 4;

/// A thread's compressors, one per level (made on first use).
type Compressors = [Option<Compress>; 10];

kvcodec::context_pool! {
    static COMPRESSORS: Compressors = || [const { None }; 10];
}

kvcodec::context_pool! {
    static DECOMPRESSORS: Decompress = || Decompress::new(false);
}

/// The deflate codec at one level.
///
/// `flate2`'s [`Compress`] and [`Decompress`] need `&mut self` and are costly to create
/// (hundreds of KiB of tables), so each thread keeps one decompressor and one compressor per
/// level it uses ([`kvcodec::pool`]), `reset()` after each use and shared by every deflate
/// codec on the thread. Decoding inflates into the output's spare capacity, with room past
/// the value for zlib's fast loop; on zlib-rs (the default) it is never zero-filled first
/// (flate2 zero-fills it on miniz_oxide).
pub struct DeflateCodec {
    level: u32,
}

impl DeflateCodec {
    /// A codec at `level`, which must be in [`LEVELS`].
    pub fn new(level: i32) -> Result<Self, Error> {
        if !LEVELS.contains(&level) {
            return Err(Error::InvalidConfig {
                field: "compression_level",
                found: level.to_string(),
                expected: format!("a deflate level in {}..={}", LEVELS.start(), LEVELS.end()),
            });
        }
        Ok(DeflateCodec {
            level: level as u32,
        })
    }

    /// The level this codec compresses at.
    pub fn level(&self) -> i32 {
        self.level as i32
    }
}

impl Default for DeflateCodec {
    fn default() -> Self {
        DeflateCodec::new(DEFAULT_LEVEL).expect("the default level is valid")
    }
}

impl std::fmt::Debug for DeflateCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeflateCodec")
            .field("level", &self.level)
            .finish_non_exhaustive()
    }
}

/// Worst-case raw deflate size for `n` input bytes: zlib-rs' conservative `deflateBound`
/// (fixed-Huffman blocks can grow incompressible data by 1/8), plus slack. Compression still
/// grows the buffer if a backend ever exceeds it.
fn deflate_bound(n: usize) -> usize {
    n.saturating_add(n.div_ceil(8))
        .saturating_add(n.div_ceil(64))
        .saturating_add(5 + 8)
}

/// Compresses all of `input` as one finished raw deflate stream into `out`'s spare capacity.
fn deflate_into(c: &mut Compress, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
    let (in0, out0) = (c.total_in(), c.total_out());
    out.reserve(deflate_bound(input.len()));
    loop {
        let consumed = (c.total_in() - in0) as usize;
        let before = (c.total_in(), c.total_out());
        let status = c
            .compress_vec(&input[consumed..], out, FlushCompress::Finish)
            .map_err(|e| Error::compress(ID, e))?;
        match status {
            Status::StreamEnd => return Ok(()),
            _ if out.len() < out.capacity() && before == (c.total_in(), c.total_out()) => {
                return Err(Error::compress(
                    ID,
                    format!(
                        "no progress after {} of {} input bytes, {} output bytes",
                        consumed,
                        input.len(),
                        c.total_out() - out0
                    ),
                ));
            }
            _ => out.reserve(64 + input.len() / 16),
        }
    }
}

/// Output room zlib-rs' inflater wants past the end of a value: it decodes with `inflate_fast`
/// while at least this much output room is left (`INFLATE_FAST_MIN_LEFT`, for the longest
/// match; zlib's own is 258), and symbol by symbol after. Given exactly the declared length,
/// a value of a few hundred bytes never reaches the fast loop.
const HEADROOM: usize = 260;

/// Inflates `body` into `out`'s spare capacity, which has room for `n` + [`HEADROOM`] bytes,
/// with `d` fresh from a reset: the stream must end, produce `n` bytes, and use all of
/// `body`. A stream that holds more than `n` bytes fills some of the room and is a length
/// mismatch. After an error `out` may hold part of the output.
fn inflate_into(
    d: &mut Decompress,
    body: &[u8],
    n: usize,
    out: &mut Vec<u8>,
) -> Result<(), Box<Error>> {
    let status = d
        .decompress_vec(body, out, FlushDecompress::Finish)
        .map_err(|e| Error::corrupt(ID, format!("invalid deflate stream: {e}")))?;
    let (consumed, produced) = (d.total_in() as usize, d.total_out() as usize);
    if produced > n {
        return Err(Box::new(Error::LengthMismatch {
            codec: ID,
            expected: n as u64,
            // A lower bound if the stream has not ended: decoding stopped at the room's end.
            found: produced as u64,
        }));
    }
    if status != Status::StreamEnd {
        return Err(Box::new(Error::corrupt(
            ID,
            format!(
                "deflate stream truncated: no final block after all {} bytes; {produced} of \
                 {n} declared bytes decoded",
                body.len()
            ),
        )));
    }
    if produced != n {
        return Err(Box::new(Error::LengthMismatch {
            codec: ID,
            expected: n as u64,
            found: produced as u64,
        }));
    }
    if consumed != body.len() {
        return Err(Box::new(Error::corrupt(
            ID,
            format!(
                "expected the deflate stream to end the payload; found {} bytes after it",
                body.len() - consumed
            ),
        )));
    }
    Ok(())
}

/// Inflates `body`, declared to hold `n` bytes, onto the end of `out`; on error `out` is left
/// as it was.
#[inline]
fn inflate_exact(body: &[u8], n: usize, out: &mut Vec<u8>) -> Result<(), Box<Error>> {
    let room = n.saturating_add(HEADROOM);
    out.try_reserve_exact(room).map_err(|_| {
        Box::new(Error::AllocationFailed {
            codec: ID,
            bytes: room as u64,
        })
    })?;
    if out.capacity() - out.len() > room {
        // flate2 writes into all the spare room it is given: give it `n` and its headroom, so
        // the work and the error never depend on the caller's buffer.
        let mut exact = Vec::with_capacity(room);
        inflate_exact(body, n, &mut exact)?;
        out.extend_from_slice(&exact);
        return Ok(());
    }
    let start = out.len();
    let result = DECOMPRESSORS.with(|d| {
        let result = inflate_into(d, body, n, out);
        d.reset(false);
        result
    });
    if result.is_err() {
        out.truncate(start);
    }
    result
}

impl Codec for DeflateCodec {
    fn id(&self) -> CodecId {
        ID
    }

    fn name(&self) -> &str {
        "deflate"
    }

    fn compress(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let start = out.len();
        write_u32_le_prefix(ID, input.len(), out)?;
        let level = self.level;
        let result = COMPRESSORS.with(|slots| {
            let c = slots[level as usize]
                .get_or_insert_with(|| Compress::new(Compression::new(level), false));
            let result = deflate_into(c, input, out);
            c.reset();
            result
        });
        if result.is_err() {
            out.truncate(start);
        }
        result
    }

    /// Deflate's maximum ratio is 1032:1.
    #[inline]
    fn max_expansion(&self) -> Option<u64> {
        Some(1032)
    }

    #[inline]
    fn declared_len(&self, payload: &[u8]) -> Result<Option<u64>, Error> {
        Ok(Some(read_u32_le_prefix(ID, payload)?.0))
    }

    #[inline]
    fn decompress(&self, input: &[u8], bound: DecodeBound, out: &mut Vec<u8>) -> Result<(), Error> {
        let (declared, body) = read_u32_le_prefix(ID, input)?;
        bound.check_declared(ID, declared)?;
        // `check_declared` bounded `declared` by a `usize` limit.
        // Errors travel boxed inside (a pointer, not 64 bytes, through each layer).
        inflate_exact(body, declared as usize, out).map_err(|e| *e)
    }

    #[inline]
    fn decode_headroom(&self, _declared: usize) -> usize {
        HEADROOM
    }

    fn max_compressed_len(&self, input_len: usize) -> usize {
        PREFIX_LEN + deflate_bound(input_len)
    }
}
