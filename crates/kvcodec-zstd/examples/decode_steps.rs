//! Where the time of one zstd decode goes, step by step: the zstd crate's own one-shot
//! decompressor, then each layer kvcodec adds on top — the backend's `Codec::decompress`
//! (frame-header parse, one-frame check, pooled context), `decode_with_limit` (declared
//! length and expansion checks), and `Engine::decode` (header, registry, counters).
//!
//! `cargo run --release -p kvcodec-zstd --example decode_steps [value_size] [rounds]`
//!
//! Each figure is the fastest of `rounds` rounds of 200 decodes (load only ever adds time),
//! printed three times over to show the spread.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use kvcodec::codec::DecodeBound;
use kvcodec::{Codec, Engine};

/// Fastest round's nanoseconds per call of `f`.
fn fastest(rounds: usize, mut f: impl FnMut() -> usize) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..200 {
            black_box(f());
        }
        best = best.min(start.elapsed().as_nanos() as f64 / 200.0);
    }
    best
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().expect("a number"));
    let size = args.next().unwrap_or(1024);
    let rounds = args.next().unwrap_or(200);
    let plain = kvcodec::conformance::text(size, 2);
    let codec: Arc<dyn Codec> = kvcodec_zstd::BACKEND.codec(Some(3)).unwrap();
    let engine = Engine::builder()
        .codec(codec.clone())
        .unwrap()
        .build()
        .unwrap();
    let stored = engine.encode(&plain).unwrap().into_owned();
    assert!(kvcodec::header::has_header(&stored), "stored compressed");
    let payload = &stored[kvcodec::HEADER_LEN..];
    let mut bulk = zstd::bulk::Decompressor::new().unwrap();
    println!(
        "{size}-byte text value, zstd level 3, {} stored bytes; ns per decode, fastest of {rounds} rounds",
        stored.len()
    );
    for _ in 0..3 {
        let steps = [
            (
                "zstd::bulk::Decompressor",
                fastest(rounds, || bulk.decompress(payload, size).unwrap().len()),
            ),
            (
                "Codec::decompress (backend)",
                fastest(rounds, || {
                    let mut out = Vec::with_capacity(size);
                    codec
                        .decompress(payload, DecodeBound::Exact(size), &mut out)
                        .unwrap();
                    out.len()
                }),
            ),
            (
                "decode_with_limit",
                fastest(rounds, || {
                    kvcodec::decode_with_limit(codec.as_ref(), payload, 1 << 29)
                        .unwrap()
                        .len()
                }),
            ),
            (
                "Engine::decode",
                fastest(rounds, || engine.decode(&stored).unwrap().len()),
            ),
        ];
        let base = steps[0].1;
        for (step, ns) in steps {
            println!(
                "{step:<30} {ns:>9.1} ns  ({:+.1} ns, {:+.1} %)",
                ns - base,
                100.0 * (ns / base - 1.0)
            );
        }
        println!();
    }
}
