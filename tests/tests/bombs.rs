//! Decompression bombs: payloads that declare, or expand to, far more than
//! `max_decompressed_size` are refused without allocating for them.
//!
//! A counting global allocator records the largest single allocation request made by the
//! current thread while a measurement is armed (thread-local, so tests running in parallel on
//! other threads do not pollute each other's figure).
//!
//! Limits of the measurement: it sees every allocation made through Rust's global allocator
//! (kvcodec, lz4_flex, snap, flate2 and its zlib-rs backend, the output `Vec`s). It does not see
//! libzstd's own `malloc` calls (its decompression context and window buffer), which are made
//! by C code, once per pooled context, and bounded by the frame's window size, not by the
//! declared or decoded length.
#![allow(unsafe_code)] // a counting global allocator: the only way to see allocation sizes

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Read;

use kvcodec::{CodecId, Config, Engine, Error, FailureKind, OnCorrupt};
use kvcodec_tests::BACKENDS;

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// Forwards to [`System`], noting the size of every request made while the current thread
/// is measuring.
struct Counting;

thread_local! {
    // `const` initialisers and `Cell`s of `Copy` types: no destructor to register, so reading
    // them never allocates (which would recurse into the allocator).
    static MEASURING: Cell<bool> = const { Cell::new(false) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    // `try_with`: the allocator also runs while a thread's locals are being torn down.
    let _ = MEASURING.try_with(|on| {
        if on.get() {
            let _ = LARGEST.try_with(|largest| largest.set(largest.get().max(size)));
        }
    });
}

// SAFETY: `GlobalAlloc` is an `unsafe` trait and implementing it is the only way to observe
// every allocation's size from inside the process, which is what these tests measure. Every
// method forwards its arguments unchanged to `System`, which upholds the trait's contract;
// the bookkeeping touches only thread-local `Cell`s and never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: same `layout` the caller gave us, with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: as in `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
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

/// Runs `f` and returns its result with the largest single allocation request it made on
/// this thread.
fn largest_allocation<R>(f: impl FnOnce() -> R) -> (R, usize) {
    LARGEST.with(|l| l.set(0));
    MEASURING.with(|m| m.set(true));
    let r = f();
    MEASURING.with(|m| m.set(false));
    (r, LARGEST.with(|l| l.get()))
}

fn engine(max_decompressed_size: usize, on_corrupt: OnCorrupt) -> Engine {
    Config {
        enabled: true,
        max_decompressed_size,
        on_corrupt,
        ..Config::default()
    }
    .build(&BACKENDS)
    .unwrap()
}

/// What decoding a bomb must give.
enum Want<'a> {
    /// A size-limit error under both `OnCorrupt` settings: a payload that could hold what it
    /// declares, over the limit.
    SizeLimit(&'a Error),
    /// Corrupt: it declares more than its payload could hold. The stored bytes come back
    /// under `ReturnStored`, the `Corrupt` error under `Error`.
    Corrupt,
}

/// Decodes `stored` under both `OnCorrupt` settings, checks the outcome, and that no
/// allocation reached `max_alloc`; returns the largest.
fn refused(stored: &[u8], limit: usize, want: &Want, max_alloc: usize) -> usize {
    let mut largest_seen = 0;
    for on_corrupt in [OnCorrupt::ReturnStored, OnCorrupt::Error] {
        let engine = engine(limit, on_corrupt);
        let (result, largest) = largest_allocation(|| engine.decode(stored).map(|v| v.len()));
        let m = engine.counters().snapshot();
        match want {
            Want::SizeLimit(want) => {
                assert_eq!(result.as_ref(), Err(*want), "{on_corrupt:?}");
                assert_eq!(m.failures_of(FailureKind::SizeLimit), 1);
                assert_eq!(m.raw_fallbacks(), 0);
            }
            Want::Corrupt => {
                match (on_corrupt, &result) {
                    (OnCorrupt::ReturnStored, Ok(n)) => assert_eq!(*n, stored.len()),
                    (OnCorrupt::Error, Err(e)) => {
                        assert_eq!(e.failure_kind(), Some(FailureKind::Corrupt), "{e}");
                        assert!(e.to_string().contains("the format holds at most"), "{e}");
                    }
                    (_, r) => panic!("{on_corrupt:?}: expected corrupt, found {r:?}"),
                }
                assert_eq!(m.failures_of(FailureKind::Corrupt), 1);
            }
        }
        assert!(
            largest < max_alloc,
            "expected every allocation under {max_alloc} bytes, found one of {largest}"
        );
        largest_seen = largest_seen.max(largest);
    }
    largest_seen
}

#[test]
fn the_allocator_sees_what_decoding_allocates() {
    // Control: a legitimate 4 MiB value does show up as a 4 MiB allocation, so the small
    // figures below mean "nothing was allocated", not "nothing was measured".
    let value = vec![b'x'; 4 * MIB];
    for backend in BACKENDS {
        let writer = Engine::builder()
            .codec(backend.codec(None).unwrap())
            .build()
            .unwrap();
        let stored = writer.encode(&value).unwrap().into_owned();
        let reader = engine(kvcodec::DEFAULT_MAX_DECOMPRESSED_SIZE, OnCorrupt::Error);
        let (decoded, largest) = largest_allocation(|| reader.decode(&stored).unwrap().len());
        assert_eq!(decoded, value.len());
        assert!(
            largest >= 4 * MIB,
            "{}: largest allocation {largest}",
            backend.name
        );
    }
}

/// A stored value with header id `id`, then `length_field`, then `body_len` bytes of body
/// (at least 5).
fn declaring(id: u8, length_field: &[u8], body_len: usize) -> Vec<u8> {
    let mut body = vec![0x10, b'a', 0, 0, 0];
    body.resize(body_len.max(5), 0);
    [&[0x00, 0x01, 0x02, 0x00, id][..], length_field, &body].concat()
}

/// A value of `codec` (header id `id`) whose length field declares 4 GiB - 1 from a few bytes
/// of body: corrupt (no payload that short holds 4 GiB), refused without an allocation of
/// 1 MiB; and one whose field declares 1 MiB + 1 from a body that could hold it: refused as
/// declared too large under a 1 MiB limit, without an allocation of 64 KiB.
fn refuses_4_gib_and_just_over(codec: CodecId, id: u8, four_gib: &[u8], mib_plus_one: &[u8]) {
    let limit = kvcodec::DEFAULT_MAX_DECOMPRESSED_SIZE;
    let largest = refused(&declaring(id, four_gib, 5), limit, &Want::Corrupt, MIB);
    println!("{codec} declaring 4 GiB: largest allocation {largest} bytes");
    let want = Error::DeclaredSizeTooLarge {
        codec,
        declared: MIB as u64 + 1,
        limit: MIB as u64,
    };
    // Snappy, the least expansive framing, holds 22 bytes per payload byte: 48 KiB of body
    // could hold 1 MiB.
    let could_hold = declaring(id, mib_plus_one, 48 * KIB);
    refused(&could_hold, MIB, &Want::SizeLimit(&want), 64 * KIB);
}

#[test]
fn lz4_declaring_4_gib_is_refused_before_allocating() {
    let (four_gib, mib_plus_one) = (u32::MAX.to_le_bytes(), (MIB as u32 + 1).to_le_bytes());
    refuses_4_gib_and_just_over(CodecId::LZ4, 2, &four_gib, &mib_plus_one);
}

#[test]
fn deflate_declaring_4_gib_is_refused_before_allocating() {
    let (four_gib, mib_plus_one) = (u32::MAX.to_le_bytes(), (MIB as u32 + 1).to_le_bytes());
    refuses_4_gib_and_just_over(CodecId::DEFLATE, 4, &four_gib, &mib_plus_one);
}

#[test]
fn snappy_varint_declaring_4_gib_is_refused_before_allocating() {
    // Varints: 0xFFFF_FFFF is four 7-bit groups of ones with the continuation bit, then 0x0F;
    // 1 MiB + 1 = 0x100001.
    let (four_gib, mib_plus_one) = ([0xff, 0xff, 0xff, 0xff, 0x0f], [0x81, 0x80, 0x40]);
    refuses_4_gib_and_just_over(CodecId::SNAPPY, 3, &four_gib, &mib_plus_one);
}

/// One zstd frame without content size (as GLIDE's streaming encoder writes) of `n` zeros.
fn zstd_zeros_without_size(n: usize) -> Vec<u8> {
    let zeros = std::io::repeat(0).take(n as u64);
    let frame = zstd::stream::encode_all(zeros, 3).unwrap();
    assert_eq!(
        zstd::zstd_safe::get_frame_content_size(&frame).unwrap(),
        None,
        "expected a frame without content size"
    );
    frame
}

#[test]
fn zstd_frame_without_size_expanding_to_64_mib_stops_at_the_limit() {
    let frame = zstd_zeros_without_size(64 * MIB);
    let stored = [&[0x00, 0x01, 0x02, 0x00, 0x01][..], &frame].concat();
    println!("64 MiB of zeros: {} stored bytes", stored.len());
    assert!(stored.len() < 64 * KIB);
    let mut figures = Vec::new();
    for limit in [64 * KIB, MIB, 8 * MIB] {
        let want = Error::DecodedSizeTooLarge {
            codec: CodecId::ZSTD,
            limit: limit as u64,
        };
        // The output buffer grows geometrically but is capped at the limit.
        let largest = refused(&stored, limit, &Want::SizeLimit(&want), limit + 64 * KIB);
        figures.push((limit, largest));
    }
    println!("zstd 64 MiB bomb: (limit, largest allocation) = {figures:?}");
    // The same frame is fine when the limit allows it: it is a size limit, not a rejection.
    let engine = engine(64 * MIB, OnCorrupt::Error);
    assert_eq!(engine.decode(&stored).unwrap().len(), 64 * MIB);
}

#[test]
fn zstd_header_declaring_over_the_limit_is_refused_before_allocating() {
    // 8 MiB of zeros with its content size (kvcodec's writer): a frame that holds what it
    // declares, over a 1 MiB limit.
    let writer = Engine::builder()
        .codec(kvcodec_zstd::BACKEND.codec(None).unwrap())
        .build()
        .unwrap();
    let stored = writer.encode(&vec![0u8; 8 * MIB]).unwrap().into_owned();
    let want = Error::DeclaredSizeTooLarge {
        codec: CodecId::ZSTD,
        declared: 8 * MIB as u64,
        limit: MIB as u64,
    };
    let largest = refused(&stored, MIB, &Want::SizeLimit(&want), 64 * KIB);
    println!("zstd frame declaring 8 MiB: largest allocation {largest} bytes");
}

/// A 17-byte zstd frame header declaring 4 GiB is corrupt (no frame that short holds it).
#[test]
fn zstd_header_declaring_4_gib_is_refused_before_allocating() {
    let four_gib = 4u64 << 30;
    let frames: [(Vec<u8>, u64); 2] = [
        // FHD 0xC0: 8-byte content size, window descriptor present.
        (
            [
                &[0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x58][..],
                &four_gib.to_le_bytes(),
                &[1, 0, 0],
            ]
            .concat(),
            four_gib,
        ),
        // FHD 0x80: 4-byte content size 0xFFFF_FFFF.
        (
            [
                &[0x28, 0xb5, 0x2f, 0xfd, 0x80, 0x58][..],
                &[0xff; 4],
                &[1, 0, 0],
            ]
            .concat(),
            u64::from(u32::MAX),
        ),
    ];
    let limit = kvcodec::DEFAULT_MAX_DECOMPRESSED_SIZE;
    for (frame, declared) in frames {
        // libzstd reads the same size from the header.
        assert_eq!(
            zstd::zstd_safe::get_frame_content_size(&frame).unwrap(),
            Some(declared)
        );
        let stored = [&[0x00, 0x01, 0x02, 0x00, 0x01][..], &frame].concat();
        let largest = refused(&stored, limit, &Want::Corrupt, MIB);
        println!("zstd header declaring {declared}: largest allocation {largest} bytes");
    }
}

/// A tiny value declaring a length just under the limit used to make readers allocate (and
/// zero-fill) the whole limit before decoding failed. The length a payload can stand for is
/// bounded by the format ([`kvcodec::Codec::max_expansion`]), so it is refused up front.
#[test]
fn tiny_payloads_declaring_the_whole_limit_allocate_nothing() {
    let limit = kvcodec::DEFAULT_MAX_DECOMPRESSED_SIZE;
    let declared = (limit as u32 - 1).to_le_bytes();
    let zstd_frame = {
        // Frame header: magic, descriptor 0xC0 (8-byte content size, not single-segment),
        // window byte, content size; then one last raw block of 1 byte.
        let mut f = vec![0x28, 0xb5, 0x2f, 0xfd, 0xc0, 0x58];
        f.extend_from_slice(&((limit - 1) as u64).to_le_bytes());
        f.extend_from_slice(&[0x09, 0x00, 0x00, b'a']);
        f
    };
    let cases: [(&str, Vec<u8>); 4] = [
        ("lz4", declaring(2, &declared, 5)),
        ("deflate", declaring(4, &declared, 5)),
        ("snappy", declaring(3, &[0xff, 0xff, 0xff, 0xff, 0x01], 5)),
        (
            "zstd",
            [&[0x00, 0x01, 0x02, 0x00, 0x01][..], &zstd_frame].concat(),
        ),
    ];
    for (name, stored) in cases {
        for on_corrupt in [OnCorrupt::ReturnStored, OnCorrupt::Error] {
            let engine = engine(limit, on_corrupt);
            let (result, largest) = largest_allocation(|| engine.decode(&stored).map(|v| v.len()));
            match (on_corrupt, result) {
                (OnCorrupt::ReturnStored, Ok(len)) => assert_eq!(len, stored.len(), "{name}"),
                (OnCorrupt::Error, Err(e)) => {
                    assert_eq!(e.failure_kind(), Some(FailureKind::Corrupt), "{name}: {e}");
                    assert!(
                        e.to_string().contains("the format holds at most"),
                        "{name}: {e}"
                    );
                }
                (_, other) => panic!("{name} {on_corrupt:?}: unexpected {other:?}"),
            }
            assert!(
                largest < 64 * 1024,
                "{name}: allocated {largest} bytes for a {}-byte value",
                stored.len()
            );
        }
    }
}
