//! The thread's zstd contexts ([`kvcodec::pool`]) and what every part of the crate shares
//! about zstd itself: its level range, its largest input, its errors.

use kvcodec::{CodecId, Error};
use zstd::zstd_safe::{self, CCtx, DCtx};

use crate::{MAX_LEVEL, MIN_LEVEL};

kvcodec::context_pool! {
    /// Compression contexts: one per thread, shared by every `ZstdCodec` on it (each call
    /// names its level or dictionary, which resets the context's parameters).
    pub(crate) static CCTX: CCtx<'static> = CCtx::create;
}

kvcodec::context_pool! {
    /// Decompression contexts, with a buffer for frames without content size.
    pub(crate) static DCTX: Decoder = Decoder::new;
}

/// A thread's decompression context, and its buffer for frames without content size.
pub(crate) struct Decoder {
    pub(crate) dctx: DCtx<'static>,
    pub(crate) scratch: Vec<u8>,
}

impl Decoder {
    pub(crate) fn new() -> Decoder {
        Decoder {
            dctx: DCtx::create(),
            scratch: Vec::new(),
        }
    }
}

/// How many compression and decompression contexts wait in the idle stacks for new threads
/// (see [`kvcodec::pool`]: each thread that compresses or decodes holds one of each kind, and
/// gives it back there when it exits).
pub fn idle_contexts() -> (usize, usize) {
    (CCTX.idle(), DCTX.idle())
}

/// zstd's largest input (`ZSTD_MAX_INPUT_SIZE`); `compress_bound` fails above it.
pub(crate) const MAX_INPUT: u64 = if usize::BITS == 64 {
    0xFF00_FF00_FF00_FF00
} else {
    0xFF00_FF00
};

/// Checks a level against zstd's range.
pub(crate) fn check_level(level: i32) -> Result<(), Error> {
    if (MIN_LEVEL..=MAX_LEVEL).contains(&level) {
        Ok(())
    } else {
        Err(Error::InvalidConfig {
            field: "compression_level",
            found: level.to_string(),
            expected: format!("a zstd level in {MIN_LEVEL}..={MAX_LEVEL}"),
        })
    }
}

/// [`Error::Corrupt`] naming what failed and zstd's error name.
pub(crate) fn zstd_error(what: &str, code: zstd_safe::ErrorCode) -> Error {
    Error::corrupt(
        CodecId::ZSTD,
        format_args!("{what}: {}", zstd_safe::get_error_name(code)),
    )
}
