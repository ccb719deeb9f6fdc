//! The engine refuses a payload declaring 4 GiB without a large allocation: a counting
//! allocator records the largest allocation made while decoding. (Its own test binary, so
//! no other test allocates meanwhile.)
#![allow(unsafe_code)] // a counting global allocator: the only way to see allocation sizes

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use kvcodec::Engine;

struct PeakAlloc;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to `System` unchanged; only records the requested size.
unsafe impl GlobalAlloc for PeakAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: PeakAlloc = PeakAlloc;

#[test]
fn declared_4_gib_allocates_nothing_large() {
    let engine = Engine::builder()
        .codec(kvcodec_lz4::BACKEND.codec(None).unwrap())
        .build()
        .unwrap();
    let stored = [
        &[0, 1, 2, 0, 2][..],
        &u32::MAX.to_le_bytes(),
        &[0x1f, 0x61, 0x01, 0x00],
    ]
    .concat();
    // Warm up: the first failure also creates kvcodec's process-wide metrics (30 KiB).
    let _ = engine.decode(&stored);
    LARGEST.store(0, Ordering::Relaxed);
    let result = engine.decode(&stored);
    let largest = LARGEST.load(Ordering::Relaxed);
    // Corrupt (4 bytes of block cannot hold 4 GiB): returned as stored, as GLIDE does.
    assert!(matches!(&result, Ok(v) if **v == stored[..]), "{result:?}");
    assert!(
        largest < 4096,
        "largest allocation while decoding: {largest} bytes"
    );

    // The counter works: a genuine 100 000-byte value allocates its 100 000 bytes.
    let stored = engine.encode(&[b'a'; 100_000]).unwrap().into_owned();
    LARGEST.store(0, Ordering::Relaxed);
    assert_eq!(engine.decode(&stored).unwrap().len(), 100_000);
    assert!(LARGEST.load(Ordering::Relaxed) >= 100_000);
}
