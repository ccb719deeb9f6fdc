//! Decoding a zstd frame within a [`DecodeBound`].
//!
//! Three paths:
//!
//! - **The frame declares its content size** (kvcodec's frames): after checking it against the
//!   bound, decode the whole frame in one call into `out`'s spare capacity, with room past
//!   the value for zstd's fast path ([`crate::declared`]).
//! - **It does not** (GLIDE's frames, written by `zstd::encode_all`), **and its block headers
//!   bound it to [`SCRATCH_MAX`]** (a value of up to 128 KiB is one block): decode it in one
//!   call into the thread's scratch buffer, then copy the bytes it produced to `out` — the
//!   one-call speed of the first path, for one `memcpy`.
//! - **Larger frames without content size**: stream-decode, growing `out` geometrically but
//!   never past the limit, and stop with [`Error::DecodedSizeTooLarge`] at the first byte
//!   over it. A 20-byte frame that expands to gigabytes costs at most `limit` bytes of output
//!   buffer — the decompression-bomb defence.
//!
//! Each path first walks the block headers ([`FrameHeader::blocks`]): one frame per value, so
//! bytes after it are [`Error::Corrupt`].

use std::io::Cursor;

use kvcodec::codec::DecodeBound;
use kvcodec::{CodecId, Error};
use zstd::zstd_safe::{DCtx, DDict, InBuffer, OutBuffer, ResetDirective};

use crate::codec::ZstdCodec;
use crate::context::{DCTX, zstd_error};
use crate::declared::decode_declared;
use crate::frame::FrameHeader;

/// Largest output a frame without content size may need (by its block headers) to be decoded
/// in one call into the thread's scratch buffer: one full block.
const SCRATCH_MAX: u64 = 128 * 1024;

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
        if let Some(declared) = header.content_size {
            bound.check_declared(CodecId::ZSTD, declared)?;
        }
        let ddict = self.ddict_for(header.dict_id)?;
        // One frame per value: a second frame (or anything) after it is corrupt. A frame the
        // payload cuts short goes on to zstd, which says what is missing.
        let blocks = header.blocks(payload);
        if let Some(b) = blocks
            && b.frame_len != payload.len()
        {
            return Err(trailing(payload.len() - b.frame_len));
        }
        match (header.content_size, bound) {
            // `check_declared` bounded `declared` by a `usize` limit.
            (Some(declared), _) => decode_declared(CodecId::ZSTD, declared as usize, out, |out| {
                DCTX.with(|d| match ddict {
                    Some(ddict) => d.dctx.decompress_using_ddict(out, payload, ddict),
                    None => d.dctx.decompress(out, payload),
                })
                .map_err(|code| zstd_error("frame does not decode", code))
            }),
            (None, bound) if blocks.is_some_and(|b| b.most <= SCRATCH_MAX) => {
                decode_small(payload, bound, ddict, out)
            }
            (None, DecodeBound::AtMost(limit)) => self.decode_streaming(payload, limit, ddict, out),
            (None, DecodeBound::Exact(n)) => {
                let start = out.len();
                match self.decode_streaming(payload, n, ddict, out) {
                    Err(Error::DecodedSizeTooLarge { .. }) => Err(mismatch(n, n + 1)),
                    Err(e) => Err(e),
                    Ok(()) if out.len() - start != n => Err(mismatch(n, out.len() - start)),
                    Ok(()) => Ok(()),
                }
            }
        }
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

/// One-shot decode of a frame without content size whose blocks decode to at most
/// [`SCRATCH_MAX`] bytes, through the thread's scratch buffer.
fn decode_small(
    payload: &[u8],
    bound: DecodeBound,
    ddict: Option<&DDict<'static>>,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    DCTX.with(|d| {
        d.scratch.clear();
        d.scratch.reserve(SCRATCH_MAX as usize);
        let mut cursor = Cursor::new(&mut d.scratch);
        let written = match ddict {
            Some(ddict) => d.dctx.decompress_using_ddict(&mut cursor, payload, ddict),
            None => d.dctx.decompress(&mut cursor, payload),
        }
        .map_err(|code| zstd_error("frame does not decode", code))?;
        match bound {
            DecodeBound::Exact(n) if written != n => return Err(mismatch(n, written)),
            DecodeBound::AtMost(limit) if written > limit => {
                return Err(Error::DecodedSizeTooLarge {
                    codec: CodecId::ZSTD,
                    limit: limit as u64,
                });
            }
            _ => {}
        }
        out.try_reserve_exact(written)
            .map_err(|_| Error::AllocationFailed {
                codec: CodecId::ZSTD,
                bytes: written as u64,
            })?;
        out.extend_from_slice(&d.scratch[..written]);
        Ok(())
    })
}

#[cold]
fn mismatch(expected: usize, found: usize) -> Error {
    Error::LengthMismatch {
        codec: CodecId::ZSTD,
        expected: expected as u64,
        found: found as u64,
    }
}

#[cold]
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
