//! C liblz4 1.10 (through lz4-sys): the library GLIDE's lz4 backend calls, here with reused
//! compression states and written straight into the output's spare capacity.
//!
//! The only `unsafe` code of the crate, for two measured reasons (BENCHMARKS.md, "lz4"):
//! liblz4 is C (every call is FFI), and decoding into *uninitialised* spare capacity skips
//! the zero-fill of the whole output that a safe `&mut [u8]` needs. Each block states the
//! contract it relies on; liblz4's `LZ4_decompress_safe` never reads past `src + srcSize` nor
//! writes past `dst + dstCapacity`, whatever the input (it is the decoder liblz4 documents
//! for untrusted data, and `fuzz/` runs kvcodec's `corrupt_lz4` and `decode_any` over it).

use std::ffi::{c_char, c_int, c_void};

use lz4_sys::LZ4_decompress_safe;

// The one-shot functions lz4-sys declares allocate (HC: 256 KiB) and initialise a state on
// every call. These variants take a caller's state; they are in the same static library
// lz4-sys builds (lz4.c and lz4hc.c of liblz4 1.10.0), which `LZ4_decompress_safe` links in.
unsafe extern "C" {
    fn LZ4_sizeofState() -> c_int;
    fn LZ4_compress_fast_extState(
        state: *mut c_void,
        src: *const c_char,
        dst: *mut c_char,
        src_size: c_int,
        dst_capacity: c_int,
        acceleration: c_int,
    ) -> c_int;
    fn LZ4_sizeofStateHC() -> c_int;
    fn LZ4_initStreamHC(state: *mut c_void, size: usize) -> *mut c_void;
    fn LZ4_compress_HC_extStateHC_fastReset(
        state: *mut c_void,
        src: *const c_char,
        dst: *mut c_char,
        src_size: c_int,
        dst_capacity: c_int,
        level: c_int,
    ) -> c_int;
}

/// liblz4's `LZ4_MAX_INPUT_SIZE`: the largest input it compresses.
pub const MAX_INPUT: usize = 0x7E00_0000;

/// `LZ4_compressBound`: the largest block `n ≤ MAX_INPUT` input bytes compress to.
pub const fn compress_bound(n: usize) -> usize {
    n + n / 255 + 16
}

/// A compression state (`LZ4_stream_t` or `LZ4_streamHC_t`): 8-byte aligned, as liblz4
/// requires on 64-bit targets.
struct State(Box<[u64]>);

impl State {
    fn zeroed(bytes: c_int) -> State {
        let words = usize::try_from(bytes).unwrap_or(0).div_ceil(8);
        State(vec![0u64; words].into_boxed_slice())
    }

    fn ptr(&mut self) -> *mut c_void {
        self.0.as_mut_ptr().cast()
    }

    fn bytes(&self) -> usize {
        self.0.len() * 8
    }

    /// An `LZ4_stream_t`: all zeros is its initialised state (what `LZ4_initStream` writes).
    fn fast() -> State {
        // SAFETY: no arguments; returns `sizeof(LZ4_stream_t)`.
        State::zeroed(unsafe { LZ4_sizeofState() })
    }

    /// An `LZ4_streamHC_t`, initialised by `LZ4_initStreamHC` as the `_fastReset` function
    /// requires.
    fn hc() -> State {
        // SAFETY: no arguments; returns `sizeof(LZ4_streamHC_t)`.
        let mut state = State::zeroed(unsafe { LZ4_sizeofStateHC() });
        let bytes = state.bytes();
        // SAFETY: `state` is `bytes` writable bytes, 8-byte aligned; liblz4 writes only there.
        let init = unsafe { LZ4_initStreamHC(state.ptr(), bytes) };
        assert!(
            !init.is_null(),
            "LZ4_initStreamHC refused a {bytes}-byte state"
        );
        state
    }
}

// One state of each kind per thread ([`kvcodec::pool`]): no lock, no state shared between
// cores. 16 KiB for the fast compressor, 256 KiB for HC, made on a thread's first compression
// of that kind.
kvcodec::context_pool! {
    static FAST: State = State::fast;
}

kvcodec::context_pool! {
    static HC: State = State::hc;
}

/// Appends the raw LZ4 block of `input` (at most [`MAX_INPUT`] bytes) to `out`, as GLIDE's
/// `lz4::block::compress(input, mode, false)`: `level > 0` is LZ4 HC at that level, `< 0`
/// the fast compressor with acceleration `-level`, `0` the default (acceleration 1).
/// Returns `false` if liblz4 reports a failure (`out` is then unchanged).
pub fn compress(input: &[u8], level: i32, out: &mut Vec<u8>) -> bool {
    assert!(input.len() <= MAX_INPUT, "the caller checks MAX_INPUT");
    if input.is_empty() {
        // One token with no literals, as `LZ4_compress_default` writes it. An empty slice's
        // pointer is dangling (0x1 for `u8`): LZ4 HC's optimal parser (levels 10–12) computes
        // `src + srcSize - 12`, which wraps there, and reads at `src`. Never pass it to liblz4.
        out.push(0);
        return true;
    }
    out.reserve(compress_bound(input.len()));
    let start = out.len();
    let spare = out.spare_capacity_mut();
    let capacity = c_int::try_from(spare.len()).unwrap_or(c_int::MAX);
    let dst = spare.as_mut_ptr().cast::<c_char>();
    let src = input.as_ptr().cast::<c_char>();
    let len = input.len() as c_int;
    let written = if level > 0 {
        // SAFETY: `state` is an initialised `LZ4_streamHC_t` used by this thread only; `src`
        // is `len` readable bytes; `dst` is `capacity` writable bytes (spare capacity), which
        // liblz4 never writes past; it returns the bytes written, or 0 on failure.
        HC.with(|state| unsafe {
            LZ4_compress_HC_extStateHC_fastReset(state.ptr(), src, dst, len, capacity, level)
        })
    } else {
        let acceleration = level.saturating_neg().max(1);
        // SAFETY: as above, for an `LZ4_stream_t`, which this function re-initialises.
        FAST.with(|state| unsafe {
            LZ4_compress_fast_extState(state.ptr(), src, dst, len, capacity, acceleration)
        })
    };
    let Ok(written @ 1..) = usize::try_from(written) else {
        return false;
    };
    // SAFETY: liblz4 initialised `written` ≤ `capacity` bytes at the start of the spare
    // capacity.
    unsafe { out.set_len(start + written) };
    true
}

/// Decodes `block` into `out`'s spare capacity, which must hold `n` bytes; `n` and
/// `block.len()` must fit a C `int`. Returns liblz4's result: the decoded length, or a
/// negative number if the block is malformed or decodes to more than `n` bytes. `out` grows
/// only if exactly `n` bytes were decoded.
pub fn decompress(block: &[u8], n: usize, out: &mut Vec<u8>) -> c_int {
    let spare = out.spare_capacity_mut();
    assert!(spare.len() >= n, "the caller reserves n bytes");
    let (Ok(src_len), Ok(dst_len)) = (c_int::try_from(block.len()), c_int::try_from(n)) else {
        panic!("the caller keeps block.len() and n within a C int");
    };
    // SAFETY: `block` is `src_len` readable bytes; `spare` is at least `dst_len` writable
    // bytes. `LZ4_decompress_safe` reads only within the first and writes only within the
    // second, for any input, and returns how many bytes it wrote, or a negative number.
    let decoded = unsafe {
        LZ4_decompress_safe(
            block.as_ptr().cast(),
            spare.as_mut_ptr().cast(),
            src_len,
            dst_len,
        )
    };
    if decoded == dst_len {
        let len = out.len() + n;
        // SAFETY: liblz4 initialised the first `n` bytes of the spare capacity.
        unsafe { out.set_len(len) };
    }
    decoded
}
