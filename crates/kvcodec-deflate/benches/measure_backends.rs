//! Measures compress and decompress speed of [`DeflateCodec`] with the flate2 backend this
//! build uses, on JSON-like text of 1 KiB and 64 KiB at levels 1 and 6.
//!
//! ```text
//! cargo bench -p kvcodec-deflate --bench measure_backends
//! cargo bench -p kvcodec-deflate --bench measure_backends --no-default-features --features miniz
//! ```
//!
//! Under `cargo test` (without `--bench`) each measurement runs for a few milliseconds only.

use std::hint::black_box;
use std::time::{Duration, Instant};

use kvcodec::Codec;
use kvcodec::codec::DecodeBound;
use kvcodec_deflate::{DeflateCodec, FLATE2_BACKEND};

/// MB/s of uncompressed bytes for `op`: the best of `ROUNDS` rounds of about `budget` each,
/// so that other processes on a shared machine disturb the figure less.
fn rate(bytes: usize, budget: Duration, mut op: impl FnMut()) -> f64 {
    const ROUNDS: usize = 7;
    for _ in 0..10 {
        op(); // warm up the pools and caches
    }
    let mut best = 0f64;
    for _ in 0..ROUNDS {
        let (start, mut runs) = (Instant::now(), 0u64);
        while start.elapsed() < budget {
            op();
            runs += 1;
        }
        best = best.max((bytes as u64 * runs) as f64 / start.elapsed().as_secs_f64() / 1e6);
    }
    best
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let budget = Duration::from_millis(if bench { 150 } else { 2 });
    println!("flate2 backend: {FLATE2_BACKEND}");
    println!(
        "{:>6} {:>5} {:>6} {:>14} {:>16}",
        "size", "level", "ratio", "compress MB/s", "decompress MB/s"
    );
    for size in [1024, 64 * 1024] {
        let input = kvcodec::conformance::text(size, 7);
        for level in [1, 6] {
            let codec = DeflateCodec::new(level).expect("valid level");
            let mut payload = Vec::new();
            codec.compress(&input, &mut payload).expect("compress");
            let mut out = Vec::with_capacity(codec.max_compressed_len(size));
            let compress = rate(size, budget, || {
                out.clear();
                codec
                    .compress(black_box(&input), &mut out)
                    .expect("compress");
            });
            let mut plain = Vec::with_capacity(size);
            let decompress = rate(size, budget, || {
                plain.clear();
                codec
                    .decompress(black_box(&payload), DecodeBound::Exact(size), &mut plain)
                    .expect("decompress");
            });
            assert_eq!(plain, input);
            let ratio = size as f64 / payload.len() as f64;
            println!("{size:>6} {level:>5} {ratio:>6.2} {compress:>14.0} {decompress:>16.0}");
        }
    }
}
