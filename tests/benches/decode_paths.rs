//! Where the time of one decode goes, path by path, for zstd, lz4, deflate and snappy: each codec library's
//! own calls, then each layer kvcodec adds — the backend's `Codec::decompress`,
//! `decode_with_limit` (declared-length and expansion checks) and `Engine::decode` (header,
//! registry, counters).
//!
//! `cargo bench -p kvcodec-tests --bench decode_paths -- [value_size] [rounds]` (under `cargo
//! test`, without `--bench`, a few rounds as a smoke test)
//!
//! Each figure is the fastest of `rounds` rounds of 20 decodes (load only ever adds time),
//! printed three times over to show the spread. The lz4 backend runs C liblz4 (its default
//! `liblz4` feature): its first line is liblz4 called directly, as GLIDE calls it.

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
        for _ in 0..20 {
            black_box(f());
        }
        best = best.min(start.elapsed().as_nanos() as f64 / 20.0);
    }
    best
}

/// Prints each path's time and its difference from the first.
fn print(paths: &[(&str, f64)]) {
    let base = paths[0].1;
    for (path, ns) in paths {
        println!(
            "{path:<40} {ns:>10.1} ns  ({:+8.1} ns, {:+5.1} %)",
            ns - base,
            100.0 * (ns / base - 1.0)
        );
    }
    println!();
}

/// An engine reading and writing `codec`, and `plain` as it stores it.
fn stored(codec: &Arc<dyn Codec>, plain: &[u8]) -> (Engine, Vec<u8>) {
    let engine = Engine::builder().codec(codec.clone()).build().unwrap();
    let stored = engine.encode(plain).unwrap().into_owned();
    assert!(kvcodec::header::has_header(&stored), "stored compressed");
    (engine, stored)
}

/// The backend's, `decode_with_limit`'s and the engine's decode of `stored`.
fn kvcodec_paths(
    rounds: usize,
    codec: &Arc<dyn Codec>,
    engine: &Engine,
    stored: &[u8],
    n: usize,
) -> [(&'static str, f64); 3] {
    let payload = &stored[kvcodec::HEADER_LEN..];
    [
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
            "decode_with_limit",
            fastest(rounds, || {
                kvcodec::decode_with_limit(codec.as_ref(), payload, 1 << 29)
                    .unwrap()
                    .len()
            }),
        ),
        (
            "Engine::decode",
            fastest(rounds, || engine.decode(stored).unwrap().len()),
        ),
    ]
}

fn main() {
    let mut args = kvcodec_tests::BenchArgs::parse();
    let n = args.next_or(1024, 1024);
    let rounds = args.next_or(1000, 3);
    let plain = kvcodec::conformance::text(n, 2);

    let zstd = kvcodec_zstd::BACKEND.codec(Some(3)).unwrap();
    let (zstd_engine, zstd_stored) = stored(&zstd, &plain);
    let zstd_payload = &zstd_stored[kvcodec::HEADER_LEN..];
    let mut bulk = zstd::bulk::Decompressor::new().unwrap();
    println!(
        "zstd level 3, {n}-byte text value in {} stored bytes; ns per decode, fastest of {rounds} rounds",
        zstd_stored.len()
    );
    for _ in 0..3 {
        let direct = fastest(rounds, || bulk.decompress(zstd_payload, n).unwrap().len());
        let ours = kvcodec_paths(rounds, &zstd, &zstd_engine, &zstd_stored, n);
        print(&[&[("zstd::bulk::Decompressor", direct)][..], &ours].concat());
    }

    let lz4 = kvcodec_lz4::BACKEND.codec(None).unwrap();
    let (lz4_engine, lz4_stored) = stored(&lz4, &plain);
    let lz4_payload = &lz4_stored[kvcodec::HEADER_LEN..];
    let block = &lz4_payload[4..];
    println!(
        "lz4, {n}-byte text value in {} stored bytes; ns per decode, fastest of {rounds} rounds",
        lz4_stored.len()
    );
    for _ in 0..3 {
        let len = Some(n as i32);
        let flex = [
            (
                "liblz4 lz4::block::decompress",
                fastest(rounds, || lz4::block::decompress(block, len).unwrap().len()),
            ),
            (
                "lz4_flex::decompress_size_prepended",
                fastest(rounds, || {
                    lz4_flex::decompress_size_prepended(lz4_payload)
                        .unwrap()
                        .len()
                }),
            ),
        ];
        let ours = kvcodec_paths(rounds, &lz4, &lz4_engine, &lz4_stored, n);
        print(&[&flex[..], &ours].concat());
    }

    let deflate = kvcodec_deflate::BACKEND.codec(Some(1)).unwrap();
    let (deflate_engine, deflate_stored) = stored(&deflate, &plain);
    let body = &deflate_stored[kvcodec::HEADER_LEN + 4..];
    let mut inflater = flate2::Decompress::new(false);
    println!(
        "deflate level 1, {n}-byte text value in {} stored bytes; ns per decode, fastest of {rounds} rounds",
        deflate_stored.len()
    );
    for _ in 0..3 {
        let direct = fastest(rounds, || {
            let mut out = Vec::with_capacity(n);
            inflater
                .decompress_vec(body, &mut out, flate2::FlushDecompress::Finish)
                .unwrap();
            inflater.reset(false);
            out.len()
        });
        let ours = kvcodec_paths(rounds, &deflate, &deflate_engine, &deflate_stored, n);
        print(&[&[("flate2::Decompress (reused)", direct)][..], &ours].concat());
    }

    let snappy = kvcodec_snappy::BACKEND.codec(None).unwrap();
    let (snappy_engine, snappy_stored) = stored(&snappy, &plain);
    let snappy_payload = &snappy_stored[kvcodec::HEADER_LEN..];
    let mut decoder = snap::raw::Decoder::new();
    println!(
        "snappy, {n}-byte text value in {} stored bytes; ns per decode, fastest of {rounds} rounds",
        snappy_stored.len()
    );
    for _ in 0..3 {
        let direct = fastest(rounds, || {
            decoder.decompress_vec(snappy_payload).unwrap().len()
        });
        let ours = kvcodec_paths(rounds, &snappy, &snappy_engine, &snappy_stored, n);
        print(&[&[("snap::raw::Decoder::decompress_vec", direct)][..], &ours].concat());
    }
}
