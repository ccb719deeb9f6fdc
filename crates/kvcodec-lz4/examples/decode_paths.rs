//! The same lz4 block decoded along different paths: lz4_flex's own calls and kvcodec's
//! backend and engine. lz4_flex's decoder is `#[inline]`, so each call site compiles its own
//! copy; differences of a few percent between the paths at large sizes can come from that
//! code generation rather than from work one path does and another does not.
//!
//! `cargo run --release -p kvcodec-lz4 --example decode_paths [value_size] [rounds]`
//!
//! Each figure is the fastest of `rounds` rounds of 20 decodes, printed three times over.

use std::hint::black_box;
use std::time::Instant;

use kvcodec::Codec;
use kvcodec::codec::DecodeBound;

/// Fastest round's nanoseconds per call of `f`.
fn fastest(rounds: usize, mut f: impl FnMut() -> usize) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..20 {
            black_box(f());
        }
        best = best.min(start.elapsed().as_nanos() as f64 / 20.0);
    }
    best
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().expect("a number"));
    let n = args.next().unwrap_or(65_536);
    let rounds = args.next().unwrap_or(300);
    let plain = kvcodec::conformance::text(n, 3);
    let codec = kvcodec_lz4::BACKEND.codec(None).unwrap();
    let engine = kvcodec::Engine::builder()
        .codec(codec.clone())
        .unwrap()
        .build()
        .unwrap();
    let stored = engine.encode(&plain).unwrap().into_owned();
    assert!(kvcodec::header::has_header(&stored), "stored compressed");
    let payload = &stored[kvcodec::HEADER_LEN..];
    let block = &payload[4..];
    println!(
        "{n}-byte text value, {} stored bytes; ns per decode",
        stored.len()
    );
    for _ in 0..3 {
        let mut reused = vec![0u8; n];
        let paths = [
            (
                "lz4_flex::decompress_size_prepended",
                fastest(rounds, || {
                    lz4_flex::decompress_size_prepended(payload).unwrap().len()
                }),
            ),
            (
                "lz4_flex decompress_into a new vec",
                fastest(rounds, || {
                    let mut out = vec![0u8; n];
                    lz4_flex::block::decompress_into(block, &mut out).unwrap()
                }),
            ),
            (
                "lz4_flex decompress_into a reused vec",
                fastest(rounds, || {
                    lz4_flex::block::decompress_into(block, &mut reused).unwrap()
                }),
            ),
            (
                "Codec::decompress (backend)",
                fastest(rounds, || {
                    let mut out = Vec::with_capacity(n);
                    codec
                        .decompress(payload, DecodeBound::Exact(n), &mut out)
                        .unwrap();
                    out.len()
                }),
            ),
            (
                "Engine::decode",
                fastest(rounds, || engine.decode(&stored).unwrap().len()),
            ),
        ];
        let base = paths[0].1;
        for (path, ns) in paths {
            println!(
                "{path:<38} {ns:>9.0} ns  ({:+.1} %)",
                100.0 * (ns / base - 1.0)
            );
        }
        println!();
    }
}
