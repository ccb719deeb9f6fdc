//! Interleaved A/B timing: a second, load-robust estimate of the goal ratios.
//!
//! Criterion times one benchmark after another, so on a shared machine a burst of load
//! during one of them skews every ratio built from its median. Here the two sides of each
//! comparison run in alternating rounds (a batch of calls each, order swapped every round)
//! and the ratio is taken from each side's **fastest** round, and again as the median of the
//! per-round ratios. Load only ever adds time, so the fastest round is the best estimate of
//! the undisturbed cost; adjacent rounds see the same load, so their ratio cancels most of it.

use std::hint::black_box;
use std::time::Instant;

use kvcodec::Engine;

use crate::contender::{Contender, LZ4_LEVELS, LZ4_LIBRARY, codec_names};
use crate::inputs::{HTML, Input};
use crate::results::time;

/// Target duration of one batch of calls, and of a whole comparison.
const BATCH_NS: f64 = 100_000.0;
const PAIR_NS: f64 = 250_000_000.0;
const ROUNDS: std::ops::RangeInclusive<usize> = 30..=400;

/// Nanoseconds per call of `f`, over `k` calls.
fn batch(k: usize, f: &mut impl FnMut() -> usize) -> f64 {
    let start = Instant::now();
    for _ in 0..k {
        black_box(f());
    }
    start.elapsed().as_nanos() as f64 / k as f64
}

/// Fastest round of each side (ns per call) and the median of the per-round ratios a/b.
pub struct Timing {
    pub a: f64,
    pub b: f64,
    pub paired: f64,
}

/// Times `a` against `b` in alternating rounds.
pub fn compare(mut a: impl FnMut() -> usize, mut b: impl FnMut() -> usize) -> Timing {
    for _ in 0..3 {
        batch(1, &mut a);
        batch(1, &mut b);
    }
    let estimate = batch(1, &mut a).max(batch(1, &mut b)).max(1.0);
    let k = ((BATCH_NS / estimate).ceil() as usize).clamp(1, 1_000_000);
    let rounds =
        ((PAIR_NS / (2.0 * k as f64 * estimate)) as usize).clamp(*ROUNDS.start(), *ROUNDS.end());
    let (mut ta, mut tb) = (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    for round in 0..rounds {
        if round % 2 == 0 {
            ta.push(batch(k, &mut a));
            tb.push(batch(k, &mut b));
        } else {
            tb.push(batch(k, &mut b));
            ta.push(batch(k, &mut a));
        }
    }
    let mut ratios: Vec<f64> = ta.iter().zip(&tb).map(|(a, b)| a / b).collect();
    ratios.sort_by(f64::total_cmp);
    let min = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    Timing {
        a: min(&ta),
        b: min(&tb),
        paired: ratios[ratios.len() / 2],
    }
}

/// The two contenders named `a` and `b`.
fn two<'a>(all: &'a mut [Contender], a: &str, b: &str) -> (&'a mut Contender, &'a mut Contender) {
    let find = |all: &[Contender], name: &str| {
        all.iter()
            .position(|c| c.name == name)
            .unwrap_or_else(|| panic!("no contender named {name}"))
    };
    let (i, j) = (find(all, a), find(all, b));
    assert_ne!(i, j, "{a} against itself");
    if i < j {
        let (left, right) = all.split_at_mut(j);
        (&mut left[i], &mut right[0])
    } else {
        let (left, right) = all.split_at_mut(i);
        (&mut right[0], &mut left[j])
    }
}

/// Times `a` against `b` encoding (`decode = false`) or decoding `data`.
fn pair(all: &mut [Contender], a: &str, b: &str, data: &[u8], decode: bool) -> Timing {
    let (ca, cb) = two(all, a, b);
    let (sa, sb) = (ca.encode(data).into_owned(), cb.encode(data).into_owned());
    let n = data.len();
    if decode {
        compare(|| ca.decode(&sa, n).len(), || cb.decode(&sb, n).len())
    } else {
        compare(|| ca.encode(data).len(), || cb.encode(data).len())
    }
}

fn input<'a>(inputs: &'a [Input], name: &str) -> Option<&'a [u8]> {
    inputs.iter().find(|i| i.name == name).map(|i| &i.data[..])
}

/// Runs and prints every A/B comparison (a few seconds).
/// `engine` writes zstd-3 under the default policy; `small` is below its minimum size and
/// `plain` has no header.
pub fn run(inputs: &[Input], all: &mut [Contender], engine: &Engine, small: &[u8], plain: &[u8]) {
    println!(
        "\n# Interleaved A/B (fastest round of each side; paired = median of per-round ratios)\n"
    );
    println!("## Goal 1: engine overhead over the direct call\n");
    println!("| input | codec | op | engine | direct | overhead (fastest) | overhead (paired) |");
    println!("|---|---|---|---:|---:|---:|---:|");
    for name in ["json-1KiB", "json-64KiB"] {
        let Some(data) = input(inputs, name) else {
            continue;
        };
        for codec in codec_names() {
            for (op, decode) in [("encode", false), ("decode", true)] {
                let (e, d) = (format!("engine/{codec}"), format!("direct/{codec}"));
                let t = pair(all, &e, &d, data, decode);
                println!(
                    "| {name} | {codec} | {op} | {} | {} | {:+.1} % | {:+.1} % |",
                    time(t.a),
                    time(t.b),
                    100.0 * (t.a / t.b - 1.0),
                    100.0 * (t.paired - 1.0)
                );
            }
        }
    }

    println!("\n## Goal 2: kvcodec zstd-3 vs GLIDE's per-call zstd, encode + decode\n");
    println!("| input | GLIDE enc | GLIDE dec | kvcodec enc | kvcodec dec | speed-up (fastest) |");
    println!("|---|---:|---:|---:|---:|---:|");
    for name in ["json-100B", "json-1KiB", "json-64KiB"] {
        let Some(data) = input(inputs, name) else {
            continue;
        };
        let enc = pair(all, "glide/zstd-3", "engine/zstd-3", data, false);
        let dec = pair(all, "glide/zstd-3", "engine/zstd-3", data, true);
        println!(
            "| {name} | {} | {} | {} | {} | {:.2}× |",
            time(enc.a),
            time(dec.a),
            time(enc.b),
            time(dec.b),
            (enc.a + dec.a) / (enc.b + dec.b)
        );
    }

    println!("\n## Goal 3: pass-through, fastest round\n");
    println!("| path | per value |");
    println!("|---|---:|");
    let encode = compare(|| engine.encode(black_box(small)).unwrap().len(), || 0);
    let decode = compare(|| engine.decode(black_box(plain)).unwrap().len(), || 0);
    println!(
        "| engine encode, {} B below min size | {} |",
        small.len(),
        time(encode.a)
    );
    println!(
        "| engine decode, {} B without header | {} |",
        plain.len(),
        time(decode.a)
    );

    println!(
        "\n## lz4: kvcodec's engine vs GLIDE's lz4 path ({LZ4_LIBRARY}; speed-up = GLIDE / kvcodec)\n"
    );
    println!("| input | level | op | GLIDE | kvcodec | speed-up (fastest) | speed-up (paired) |");
    println!("|---|---|---|---:|---:|---:|---:|");
    for name in ["json-1KiB", "json-64KiB", HTML, "text-1MiB"] {
        let Some(data) = input(inputs, name) else {
            continue;
        };
        for (level, codec) in LZ4_LEVELS {
            for (op, decode) in [("encode", false), ("decode", true)] {
                let (glide, ours) = (format!("glide/{codec}"), format!("engine/{codec}"));
                let t = pair(all, &glide, &ours, data, decode);
                println!(
                    "| {name} | {level} | {op} | {} | {} | {:.2}× | {:.2}× |",
                    time(t.a),
                    time(t.b),
                    t.a / t.b,
                    t.paired
                );
            }
        }
    }
}
