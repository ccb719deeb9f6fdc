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

use crate::contender::{Contender, LZ4_LEVELS, LZ4_LIBRARY, codec_names, glide_zstd_value};
use crate::inputs::{HTML, Input, SMALL};
use crate::ops;
use crate::results::time;

/// Target duration of one batch of calls, and of a whole comparison.
const BATCH_NS: f64 = 100_000.0;
const PAIR_NS: f64 = 250_000_000.0;
const ROUNDS: std::ops::RangeInclusive<usize> = 30..=400;

/// Nanoseconds per call of `f`, over `k` calls.
pub(crate) fn batch(k: usize, f: &mut impl FnMut() -> usize) -> f64 {
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

/// Calls per batch and rounds per side for a call of about `estimate` ns: batches of about
/// `BATCH_NS`, and half of `PAIR_NS` for each side.
pub(crate) fn schedule(estimate: f64) -> (usize, usize) {
    let estimate = estimate.max(1.0);
    let k = ((BATCH_NS / estimate).ceil() as usize).clamp(1, 1_000_000);
    let rounds =
        ((PAIR_NS / (2.0 * k as f64 * estimate)) as usize).clamp(*ROUNDS.start(), *ROUNDS.end());
    (k, rounds)
}

/// Times `a` against `b` in alternating rounds.
pub fn compare(mut a: impl FnMut() -> usize, mut b: impl FnMut() -> usize) -> Timing {
    for _ in 0..3 {
        batch(1, &mut a);
        batch(1, &mut b);
    }
    let (k, rounds) = schedule(batch(1, &mut a).max(batch(1, &mut b)));
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

/// Times contender `a` against `b` doing `op` (`encode`, `decode`) on the values of `input`
/// (see [`ops::values`]).
pub fn pair_named(a: &str, b: &str, op: &str, input: &str) -> Timing {
    let mut all = vec![ops::contender(a), ops::contender(b)];
    let values = ops::values(a, input);
    pair_all(&mut all, a, b, &values, op == "decode")
}

/// Times `a` against `b` encoding (`decode = false`) or decoding `data`.
fn pair(all: &mut [Contender], a: &str, b: &str, data: &[u8], decode: bool) -> Timing {
    pair_all(all, a, b, &[data.to_vec()], decode)
}

/// Like [`pair`] over several values, each call handling all of them: times per value.
fn pair_all(all: &mut [Contender], a: &str, b: &str, values: &[Vec<u8>], decode: bool) -> Timing {
    let (ca, cb) = two(all, a, b);
    let stored = |c: &mut Contender| -> Vec<Vec<u8>> {
        values.iter().map(|v| c.encode(v).into_owned()).collect()
    };
    let (sa, sb) = (stored(ca), stored(cb));
    let t = if decode {
        compare(
            || {
                sa.iter()
                    .zip(values)
                    .map(|(s, v)| ca.decode(s, v.len()).len())
                    .sum()
            },
            || {
                sb.iter()
                    .zip(values)
                    .map(|(s, v)| cb.decode(s, v.len()).len())
                    .sum()
            },
        )
    } else {
        compare(
            || values.iter().map(|v| ca.encode(v).len()).sum(),
            || values.iter().map(|v| cb.encode(v).len()).sum(),
        )
    };
    let k = values.len() as f64;
    Timing {
        a: t.a / k,
        b: t.b / k,
        paired: t.paired,
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
    println!(
        "json-60-300B: per value, over the values of 60–300 B the engine stores compressed.\n"
    );
    println!("| input | codec | op | engine | direct | overhead (fastest) | overhead (paired) |");
    println!("|---|---|---|---:|---:|---:|---:|");
    for name in [SMALL, "json-1KiB", "json-64KiB"] {
        if name != SMALL && input(inputs, name).is_none() {
            continue;
        }
        for codec in codec_names() {
            let (e, d) = (format!("engine/{codec}"), format!("direct/{codec}"));
            let values = ops::values(&e, name);
            if values.is_empty() {
                continue;
            }
            for (op, decode) in [("encode", false), ("decode", true)] {
                let t = pair_all(all, &e, &d, &values, decode);
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

    println!(
        "\n## Issue 12, goal 4: engine/zstd-3 reading GLIDE's frames (no content size) vs its own\n"
    );
    println!("| input | GLIDE's frame | kvcodec's frame | ratio (fastest) | ratio (paired) |");
    println!("|---|---:|---:|---:|---:|");
    let zstd3 = crate::contender::engine(crate::contender::zstd(3));
    for name in [SMALL, "json-1KiB", "json-64KiB"] {
        let values = ops::values("engine/zstd-3", name);
        let glide: Vec<Vec<u8>> = values.iter().map(|v| glide_zstd_value(v)).collect();
        let own: Vec<Vec<u8>> = values
            .iter()
            .map(|v| zstd3.encode(v).unwrap().into_owned())
            .collect();
        let decode_all = |stored: &[Vec<u8>]| -> usize {
            stored
                .iter()
                .map(|s| zstd3.decode(black_box(s)).unwrap().len())
                .sum()
        };
        let t = compare(|| decode_all(&glide), || decode_all(&own));
        let k = values.len() as f64;
        println!(
            "| {name} | {} | {} | {:.3}× | {:.3}× |",
            time(t.a / k),
            time(t.b / k),
            t.a / t.b,
            t.paired
        );
    }

    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let names: Vec<String> = ["zstd-3", "lz4", "snappy", "deflate-1"]
        .map(String::from)
        .into();
    crate::scaling::print(&names, cores.max(2), 100);

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
