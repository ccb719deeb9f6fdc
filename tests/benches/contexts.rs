//! Times pooled contexts against a fresh context per value, and GLIDE-style frames.
//!
//! `cargo bench -p kvcodec-tests --bench contexts -- [value_size] [iterations]` (under `cargo
//! test`, without `--bench`, a few iterations as a smoke test)

use std::hint::black_box;
use std::time::{Duration, Instant};

use kvcodec::Codec;
use kvcodec::codec::DecodeBound;
use kvcodec_zstd::ZstdCodec;

fn time(what: &str, iterations: u32, bytes: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm up
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    let took = start.elapsed();
    let per = took / iterations;
    let mbps = (bytes as f64 * f64::from(iterations)) / took.as_secs_f64() / 1e6;
    println!("{what:<52} {per:>9.2?}/value  {mbps:>8.1} MB/s");
    took
}

fn main() {
    let mut args = kvcodec_tests::BenchArgs::parse();
    let size = args.next_or(1024, 1024);
    let iterations = args.next_or(20_000, 20) as u32;
    let value = kvcodec::conformance::text(size, 1);
    let codec = ZstdCodec::new(3).unwrap();
    println!("{size}-byte text value, level 3, {iterations} iterations");

    let mut payload = Vec::new();
    codec.compress(&value, &mut payload).unwrap();
    let pooled_c = time(
        "compress: pooled context (ZstdCodec)",
        iterations,
        size,
        || {
            let mut out = Vec::with_capacity(codec.max_compressed_len(size));
            codec.compress(black_box(&value), &mut out).unwrap();
            black_box(out);
        },
    );
    let fresh_c = time(
        "compress: new context per value (zstd::bulk)",
        iterations,
        size,
        || {
            black_box(zstd::bulk::compress(black_box(&value), 3).unwrap());
        },
    );
    let pooled_d = time(
        "decompress: pooled context, content size",
        iterations,
        size,
        || {
            let mut out = Vec::with_capacity(size);
            codec
                .decompress(black_box(&payload), DecodeBound::Exact(size), &mut out)
                .unwrap();
            black_box(out);
        },
    );
    let fresh_d = time(
        "decompress: new context per value (zstd::bulk)",
        iterations,
        size,
        || {
            black_box(zstd::bulk::decompress(black_box(&payload), size).unwrap());
        },
    );
    let glide = kvcodec_zstd::glide_frame(&value, 3).unwrap();
    time(
        "decompress GLIDE frame: pooled, streaming (AtMost)",
        iterations,
        size,
        || {
            let mut out = Vec::new();
            codec
                .decompress(black_box(&glide), DecodeBound::AtMost(512 << 20), &mut out)
                .unwrap();
            black_box(out);
        },
    );
    time(
        "decompress GLIDE frame: zstd::decode_all (as GLIDE)",
        iterations,
        size,
        || {
            black_box(zstd::decode_all(black_box(&glide[..])).unwrap());
        },
    );
    println!(
        "new-context / pooled: compress {:.2}x, decompress {:.2}x",
        fresh_c.as_secs_f64() / pooled_c.as_secs_f64(),
        fresh_d.as_secs_f64() / pooled_d.as_secs_f64()
    );
}
