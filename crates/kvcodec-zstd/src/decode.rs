//! Decoding a zstd frame within a [`DecodeBound`].
//!
//! Two paths:
//!
//! - **The frame declares its content size** (kvcodec's frames): after checking it against the
//!   bound, decode the whole frame in one call straight into `out`'s spare capacity.
//! - **It does not** (GLIDE's frames, written by `zstd::encode_all`): stream-decode, growing
//!   `out` geometrically but never past the limit, and stop with
//!   [`Error::DecodedSizeTooLarge`] at the first byte over it. A 20-byte frame that expands to
//!   gigabytes costs at most `limit` bytes of output buffer — the decompression-bomb defence.

use std::io::Cursor;

use kvcodec::codec::DecodeBound;
use kvcodec::{CodecId, Error};
use zstd::zstd_safe::{DCtx, DDict, InBuffer, OutBuffer, ResetDirective};

use crate::codec::{DCTX, ZstdCodec, zstd_error};
use crate::frame::FrameHeader;

/// A thread's decompression context.
pub(crate) struct Decoder {
    dctx: DCtx<'static>,
}

impl Decoder {
    pub(crate) fn new() -> Decoder {
        Decoder {
            dctx: DCtx::create(),
        }
    }
}

/// Smallest first output allocation of a streaming decode.
const FIRST_CHUNK: usize = 512;

/// Largest zero-filled window used when `out` already has more room than the limit allows.
const BOUNDED_WINDOW: usize = 128 * 1024;

/// Calls without progress before giving up on a frame (zstd itself errors after 16).
const MAX_STALLS: u32 = 32;

impl ZstdCodec {
    pub(crate) fn decode(
        &self,
        payload: &[u8],
        bound: DecodeBound,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let header = FrameHeader::parse(payload)?;
        match (header.content_size, bound) {
            (Some(declared), bound) => {
                bound.check_declared(CodecId::ZSTD, declared)?;
                let ddict = self.ddict_for(header.dict_id)?;
                self.decode_declared(payload, declared as usize, ddict, out)
            }
            (None, DecodeBound::AtMost(limit)) => {
                let ddict = self.ddict_for(header.dict_id)?;
                self.decode_streaming(payload, limit, ddict, out)
            }
            (None, DecodeBound::Exact(n)) => {
                let ddict = self.ddict_for(header.dict_id)?;
                let start = out.len();
                let mismatch = |found: usize| Error::LengthMismatch {
                    codec: CodecId::ZSTD,
                    expected: n as u64,
                    found: found as u64,
                };
                match self.decode_streaming(payload, n, ddict, out) {
                    Err(Error::DecodedSizeTooLarge { .. }) => Err(mismatch(n + 1)),
                    Err(e) => Err(e),
                    Ok(()) if out.len() - start != n => Err(mismatch(out.len() - start)),
                    Ok(()) => Ok(()),
                }
            }
        }
    }

    /// One-shot decode of a single frame that declares `n` content bytes (already checked
    /// against the bound). zstd itself verifies the frame decodes to exactly its content size.
    fn decode_declared(
        &self,
        payload: &[u8],
        n: usize,
        ddict: Option<&DDict<'static>>,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        // One frame per value: a second frame would append past the declared length.
        let frame_len = zstd::zstd_safe::find_frame_compressed_size(payload)
            .map_err(|code| zstd_error("truncated or malformed frame", code))?;
        if frame_len != payload.len() {
            return Err(trailing(payload.len() - frame_len));
        }
        out.reserve_exact(n);
        if out.capacity() - out.len() > n {
            // zstd writes into all the spare room it is given: give it exactly `n`, so the
            // work and the error never depend on the caller's buffer.
            let mut exact = Vec::with_capacity(n);
            self.decode_declared(payload, n, ddict, &mut exact)?;
            out.extend_from_slice(&exact);
            return Ok(());
        }
        let start = out.len();
        let mut cursor = Cursor::new(&mut *out);
        cursor.set_position(start as u64);
        let written = DCTX
            .with(|d| match ddict {
                Some(ddict) => d.dctx.decompress_using_ddict(&mut cursor, payload, ddict),
                None => d.dctx.decompress(&mut cursor, payload),
            })
            .map_err(|code| zstd_error("frame does not decode", code))?;
        if written != n {
            return Err(Error::LengthMismatch {
                codec: CodecId::ZSTD,
                expected: n as u64,
                found: written as u64,
            });
        }
        Ok(())
    }

    /// Streaming decode of a frame without content size, producing at most `limit` bytes.
    fn decode_streaming(
        &self,
        payload: &[u8],
        limit: usize,
        ddict: Option<&DDict<'static>>,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        if let Some(ddict) = ddict {
            // A context that references a dictionary must not outlive it (zstd-safe 8), so a
            // pooled context cannot: this path gets a context of its own. Size-less frames
            // with a dictionary come only from foreign writers (kvcodec writes content sizes,
            // GLIDE writes no dictionaries), so the cost of creating one is rarely paid.
            let mut dctx = DCtx::create();
            dctx.ref_ddict(ddict)
                .map_err(|code| zstd_error("dictionary not accepted", code))?;
            return stream(&mut dctx, payload, limit, out);
        }
        DCTX.with(|d| {
            let result = stream(&mut d.dctx, payload, limit, out);
            // Leave the context as new: end the session (also after an error, which leaves it
            // unusable until reset), or replace it.
            if d.dctx.reset(ResetDirective::SessionAndParameters).is_err() {
                d.dctx = DCtx::create();
            }
            result
        })
    }
}

fn trailing(extra: usize) -> Error {
    Error::corrupt(
        CodecId::ZSTD,
        format_args!("{extra} bytes after the end of the zstd frame; expected one frame per value"),
    )
}

/// Decodes `payload` into `out` with `dctx`, at most `limit` bytes.
fn stream(
    dctx: &mut DCtx<'_>,
    payload: &[u8],
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let start = out.len();
    let mut input = InBuffer::around(payload);
    let mut stalls = 0;
    loop {
        let produced = out.len() - start;
        let allowed = limit - produced;
        let (in_before, out_before) = (input.pos(), out.len());
        let remaining = if allowed == 0 {
            // At the limit: the frame must end without producing another byte.
            let mut probe = [0u8; 1];
            let mut probe_out = OutBuffer::around(&mut probe[..]);
            let remaining = dctx
                .decompress_stream(&mut probe_out, &mut input)
                .map_err(|code| zstd_error("frame does not decode", code))?;
            if probe_out.pos() > 0 {
                return Err(Error::DecodedSizeTooLarge {
                    codec: CodecId::ZSTD,
                    limit: limit as u64,
                });
            }
            remaining
        } else {
            if out.capacity() == out.len() {
                // Double what was produced so far (geometric growth), capped at the limit.
                let first = payload.len().saturating_mul(4).max(FIRST_CHUNK);
                let want = if produced == 0 { first } else { produced };
                out.reserve_exact(want.min(allowed));
            }
            decode_step(dctx, &mut input, allowed, out)?
        };
        if remaining == 0 {
            break;
        }
        if input.pos() == in_before && out.len() == out_before {
            if input.pos() == payload.len() {
                return Err(Error::corrupt(
                    CodecId::ZSTD,
                    format_args!(
                        "frame is truncated: input ended after {} bytes, before its last block",
                        payload.len()
                    ),
                ));
            }
            stalls += 1;
            if stalls > MAX_STALLS {
                return Err(Error::corrupt(CodecId::ZSTD, "decoder made no progress"));
            }
        }
    }
    if input.pos() != payload.len() {
        return Err(trailing(payload.len() - input.pos()));
    }
    Ok(())
}

/// One `decompress_stream` call writing at most `allowed` bytes into `out`; returns zstd's
/// hint (0 once the frame is complete).
fn decode_step(
    dctx: &mut DCtx<'_>,
    input: &mut InBuffer<'_>,
    allowed: usize,
    out: &mut Vec<u8>,
) -> Result<usize, Error> {
    let pos = out.len();
    let result = if out.capacity() - pos <= allowed {
        // zstd writes into the spare capacity; `out`'s length follows.
        let mut buf = OutBuffer::around_pos(out, pos);
        dctx.decompress_stream(&mut buf, input)
    } else {
        // `out` has more room than the limit allows (a caller's buffer, or an allocator that
        // rounded up): give zstd a zero-filled window of exactly what may still be written.
        let window = allowed.min(BOUNDED_WINDOW);
        out.resize(pos + window, 0);
        let mut buf = OutBuffer::around(&mut out[pos..]);
        let result = dctx.decompress_stream(&mut buf, input);
        let written = buf.pos();
        out.truncate(pos + written);
        result
    };
    result.map_err(|code| zstd_error("frame does not decode", code))
}
