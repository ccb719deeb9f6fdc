//! The engine's pass-through paths allocate nothing: a value below the minimum size is
//! returned by `encode`, and a value without header by `decode`, as `Cow::Borrowed` of the
//! caller's own bytes, with zero heap allocations.
//!
//! A counting global allocator counts every allocation (`alloc`, `alloc_zeroed`, `realloc`)
//! made by the current thread while a measurement is armed: thread-local, so tests running in
//! parallel on other threads do not disturb each other's count. It sees every allocation made
//! through Rust's global allocator, which is what the pass-through paths could use (output
//! `Vec`s, formatting, `tracing`); libzstd's own `malloc` calls are not seen, but the paths
//! measured here never reach a codec (the control test shows the compressing path is seen).
//!
//! Each engine is used once before measuring: the first value an engine counts in a process
//! may initialise process-wide state once (the process-wide counters, `tracing` call sites).
//! The claim is about every value after that.
#![allow(unsafe_code)] // a counting global allocator: the only way to see allocation sizes

use std::alloc::{GlobalAlloc, Layout, System};
use std::borrow::Cow;
use std::cell::Cell;
use std::sync::Arc;

use kvcodec::{Codec, Engine, Mode};
use kvcodec_tests::json_value;

/// Forwards to [`System`], counting the requests made while the current thread measures.
struct Counting;

thread_local! {
    // `const` initialisers and `Cell`s of `Copy` types: no destructor to register, so reading
    // them never allocates (which would recurse into the allocator).
    static MEASURING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    // `try_with`: the allocator also runs while a thread's locals are being torn down.
    let _ = MEASURING.try_with(|on| {
        if on.get() {
            let _ = COUNT.try_with(|n| n.set(n.get() + 1));
        }
    });
}

// SAFETY: `GlobalAlloc` is an `unsafe` trait, and implementing it is the only way to observe
// every heap allocation from inside the process, which is what these tests measure (the
// crates under test stay `#![forbid(unsafe_code)]`). Every method forwards its arguments
// unchanged to `System`, which upholds the trait's contract; the bookkeeping touches only
// thread-local `Cell`s and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: same `layout` the caller gave us, with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: as in `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: `ptr` was allocated by `System` (through us) with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` (through us) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f`; its result and the number of allocations it made on this thread.
fn allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    COUNT.with(|n| n.set(0));
    MEASURING.with(|m| m.set(true));
    let r = f();
    MEASURING.with(|m| m.set(false));
    (r, COUNT.with(Cell::get))
}

/// An engine per backend, default policy (minimum size 64), each used once.
fn engines(mode: Mode) -> Vec<Engine> {
    let codecs: [Arc<dyn Codec>; 4] = [
        Arc::new(kvcodec_zstd::ZstdCodec::new(3).unwrap()),
        Arc::new(kvcodec_lz4::Lz4Codec::default()),
        Arc::new(kvcodec_snappy::SnappyCodec::new()),
        Arc::new(kvcodec_deflate::DeflateCodec::default()),
    ];
    codecs
        .into_iter()
        .map(|codec| {
            let engine = Engine::builder().codec(codec).mode(mode).build().unwrap();
            let doc = json_value(1024, 1);
            let stored = engine.encode(&doc).unwrap().into_owned();
            assert_eq!(engine.decode(&stored).unwrap()[..], doc[..]);
            engine.encode(b"warm").unwrap();
            engine.decode(b"warm").unwrap();
            engine
        })
        .collect()
}

fn name(engine: &Engine) -> &str {
    engine.writer().map_or("none", |c| c.name())
}

/// `out` is `value` itself: borrowed, same address, same length.
fn is_same_borrow(out: Cow<'_, [u8]>, value: &[u8]) -> bool {
    matches!(out, Cow::Borrowed(b) if b.as_ptr() == value.as_ptr() && b.len() == value.len())
}

#[test]
fn encode_below_min_size_borrows_without_allocating() {
    let values = [
        Vec::new(),
        b"x".to_vec(),
        json_value(32, 2),
        json_value(63, 3),
    ];
    for engine in engines(Mode::On) {
        let who = name(&engine);
        for value in &values {
            let (out, n) = allocations(|| engine.encode(value).unwrap());
            assert!(is_same_borrow(out, value), "{who}: {} B", value.len());
            assert_eq!(n, 0, "{who}: allocations encoding {} B", value.len());
        }
    }
}

#[test]
fn decode_without_header_borrows_without_allocating() {
    let values = [
        json_value(1024, 4),
        json_value(64 * 1024, 5),
        Vec::new(),
        vec![0, 1, 2],    // the magic, but shorter than a header
        vec![0, 1, 2, 0], // still one byte short
        b"\x00\x01\x03\x00\x01 not the magic".to_vec(),
    ];
    for engine in engines(Mode::On) {
        let who = name(&engine);
        for value in &values {
            let (out, n) = allocations(|| engine.decode(value).unwrap());
            assert!(is_same_borrow(out, value), "{who}: {} B", value.len());
            assert_eq!(n, 0, "{who}: allocations decoding {} B", value.len());
        }
    }
}

/// A value that starts with the header magic is the one exception to "plain passes without a
/// copy": it is stored encoded (the format's escape), so it reads back as written.
#[test]
fn a_value_with_a_header_is_stored_encoded_and_reads_back() {
    for mode in [Mode::On, Mode::DecompressOnly] {
        for engine in engines(mode) {
            let who = name(&engine);
            let stored = engines(Mode::On)[0]
                .encode(&json_value(4096, 6))
                .unwrap()
                .into_owned();
            let twice = engine.encode(&stored).unwrap();
            assert!(!is_same_borrow(twice.clone(), &stored), "{who}");
            assert_eq!(&twice[..3], &[0, 1, 2], "{who}");
            assert_eq!(engine.decode(&twice).unwrap(), &stored[..], "{who}");
            assert_eq!(engine.counters().snapshot().escaped(), 1, "{who}");
        }
    }
}

#[test]
fn disabled_modes_pass_values_through_without_allocating() {
    let doc = json_value(4096, 7);
    for engine in engines(Mode::DecompressOnly) {
        let who = name(&engine);
        let (out, n) = allocations(|| engine.encode(&doc).unwrap());
        assert!(is_same_borrow(out, &doc) && n == 0, "{who}");
    }
    let writer = &engines(Mode::On)[0];
    let stored = writer.encode(&doc).unwrap().into_owned();
    for engine in engines(Mode::Off) {
        let who = name(&engine);
        let (written, n_written) = allocations(|| engine.encode(&doc).unwrap());
        let (read, n_read) = allocations(|| engine.decode(&stored).unwrap());
        assert!(is_same_borrow(written, &doc), "{who}");
        assert!(is_same_borrow(read, &stored), "{who}");
        assert_eq!((n_written, n_read), (0, 0), "{who}");
    }
}

#[test]
fn owned_variants_hand_back_the_same_buffer_without_allocating() {
    for engine in engines(Mode::On) {
        let who = name(&engine);
        let small = json_value(40, 8);
        let ptr = small.as_ptr();
        let (out, n) = allocations(|| engine.encode_vec(small).unwrap());
        assert!(out.as_ptr() == ptr && n == 0, "{who}: encode_vec");
        let plain = json_value(2048, 9);
        let ptr = plain.as_ptr();
        let (out, n) = allocations(|| engine.decode_vec(plain).unwrap());
        assert!(out.as_ptr() == ptr && n == 0, "{who}: decode_vec");
    }
}

/// Control: the counter does see the compressing and decoding paths' output buffers.
#[test]
fn the_counter_sees_the_compressing_path() {
    let doc = json_value(4096, 10);
    for engine in engines(Mode::On) {
        let who = name(&engine);
        let (stored, n) = allocations(|| engine.encode(&doc).unwrap());
        assert!(matches!(stored, Cow::Owned(_)), "{who}");
        assert!(
            n >= 1,
            "{who}: expected the output allocation, counted none"
        );
        let (plain, n) = allocations(|| engine.decode(&stored).unwrap());
        assert_eq!(plain[..], doc[..]);
        assert!(
            n >= 1,
            "{who}: expected the output allocation, counted none"
        );
    }
}
