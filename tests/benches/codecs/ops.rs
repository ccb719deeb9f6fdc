//! Instruction counts: one contender's encode or decode run N times, and the same program
//! counted under cachegrind for N and for 0 iterations, so the difference is the cost of N
//! operations — a figure that does not move with the machine's load (it misses atomics' and
//! locks' latency, VM exits and cache misses: the A/B timings are printed beside it).
//!
//! ```text
//! cargo bench -p kvcodec-tests --bench codecs -- ops table          # every goal's counts
//! cargo bench -p kvcodec-tests --bench codecs -- ops count engine/zstd-3 decode json-1KiB 2000
//! cargo bench -p kvcodec-tests --bench codecs -- ops run engine/lz4 encode json-64KiB 100
//! cargo bench -p kvcodec-tests --bench codecs -- ops pair engine/lz4 direct/lz4 decode json-1KiB
//! ```
//!
//! `pair` is one interleaved A/B timing (`ab.rs`) of two contenders on one input; `time` times
//! one contender alone (fastest round, ns per value), for comparisons made one variant per
//! process: `scripts/per-process.sh` runs it for the engine and the direct call in turn.
//!
//! Besides the contenders of `Contender::all`, `room/zstd-N` and `room/deflate-N` are
//! `direct/…` decoding into a buffer with the room past the value that the engine gives that
//! codec's decoder (`Codec::decode_headroom`): against them, the engine's own layers alone.
//!
//! `count` runs `valgrind --tool=cachegrind --cache-sim=no` on this program's `run` twice, with
//! `GLIBC_TUNABLES` set so that memset and memcpy never use `rep stosb`/`rep movsb` (which
//! cachegrind counts as one instruction per byte) and prints instructions per value. An input
//! of several values (`json-60-300B`) counts per value too, over the values the engine of that
//! codec stores compressed (the others it stores plain: its decode is then a pass-through, no
//! match for a direct decompression). OP `decode-glide-frame` decodes the value as GLIDE
//! stores it (a zstd frame without content size).

use std::hint::black_box;
use std::process::Command;

use crate::contender::{Contender, codec, codec_names, engine, glide_zstd_value};
use crate::inputs;

/// The values of `input` that the engine of `name`'s codec (`engine/zstd-3`, `direct/zstd-3`:
/// zstd-3) stores compressed; all of them for a contender without such an engine.
pub fn values(name: &str, input: &str) -> Vec<Vec<u8>> {
    let all = inputs::values(input);
    let codec_name = name.split_once('/').map_or(name, |(_, c)| c);
    if all.len() == 1 || !(codec_names().iter().any(|c| c == codec_name)) {
        return all;
    }
    let e = engine(codec(codec_name));
    all.into_iter()
        .filter(|v| e.encode_outcome(v).expect("encode").is_compressed())
        .collect()
}

/// What `count` sets so that libc's memcpy/memset run as counted loops.
pub const TUNABLES: &str = "glibc.cpu.x86_rep_stosb_threshold=0x7fffffffffffffff:glibc.cpu.x86_rep_movsb_threshold=0x7fffffffffffffff";

/// `ops SUBCOMMAND ...`, from `codecs.rs`'s `main`.
pub fn main(args: &[String]) {
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--bench")
        .collect();
    match args.as_slice() {
        ["run", contender, op, input, n] => {
            println!("{}", run(contender, op, input, parse(n)));
        }
        ["count", contender, op, input, n] => {
            let per_op = count(contender, op, input, parse(n));
            println!("{contender} {op} {input}: {per_op:.0} instructions per value");
        }
        ["table"] => table(),
        ["pair", a, b, op, input] => {
            let t = crate::ab::pair_named(a, b, op, input);
            println!(
                "{a} vs {b}, {op} {input}: {:.1} ns vs {:.1} ns per value: {:+.1} % (fastest), {:+.1} % (paired)",
                t.a,
                t.b,
                100.0 * (t.a / t.b - 1.0),
                100.0 * (t.paired - 1.0)
            );
        }
        ["time", contender, op, input] => {
            let ns = crate::time::alone(contender, op, input);
            println!("{contender} {op} {input}: {ns:.1} ns per value (fastest round)");
        }
        ["peak", contender, mib, kind] => crate::memory::peak(contender, parse(mib), kind),
        ["threads", codec, threads, ms] => {
            crate::scaling::print(&[codec.to_string()], parse(threads), parse(ms) as u64)
        }
        _ => panic!(
            "ops run|count CONTENDER OP INPUT N | ops table | ops pair A B OP INPUT | \
             ops time CONTENDER OP INPUT | \
             ops peak CONTENDER MIB KIND | ops threads CODEC THREADS MS: see \
             tests/benches/codecs/ops.rs"
        ),
    }
}

fn parse(n: &str) -> usize {
    n.parse()
        .unwrap_or_else(|_| panic!("expected a number, found {n:?}"))
}

/// The named contender (`engine/zstd-3`, `direct/lz4`, …).
pub fn contender(name: &str) -> Contender {
    if let Some(codec) = name.strip_prefix("room/") {
        return Contender::direct_with_room(codec);
    }
    Contender::all()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no contender named {name}"))
}

/// Runs `op` on every value of `input`, `n` times over; returns the bytes produced (so the
/// work cannot be skipped). Everything else — the contender, the values, their stored forms,
/// one encode and one decode of each — happens whatever `n` is, so it cancels out.
pub fn run(name: &str, op: &str, input: &str, n: usize) -> usize {
    let mut c = contender(name);
    let values = values(name, input);
    let stored: Vec<Vec<u8>> = values
        .iter()
        .map(|v| match op {
            "decode-glide-frame" => glide_zstd_value(v),
            _ => c.encode(v).into_owned(),
        })
        .collect();
    for (v, s) in values.iter().zip(&stored) {
        assert!(c.decode(s, v.len()) == &v[..], "{name} round trip");
    }
    let mut total = 0;
    for _ in 0..n {
        for (v, s) in values.iter().zip(&stored) {
            total += match op {
                "encode" => c.encode(black_box(v)).len(),
                "decode" | "decode-glide-frame" => c.decode(black_box(s), v.len()).len(),
                other => panic!("unknown op {other}: encode, decode or decode-glide-frame"),
            };
        }
    }
    total
}

/// Instructions cachegrind counts for `ops run ... n`.
fn instructions(name: &str, op: &str, input: &str, n: usize) -> u64 {
    let exe = std::env::current_exe().expect("this program's path");
    let out = Command::new("valgrind")
        .args([
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
        ])
        .arg(exe)
        .args(["ops", "run", name, op, input, &n.to_string()])
        .env("GLIBC_TUNABLES", TUNABLES)
        .output()
        .expect("valgrind (apt-get install valgrind)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "valgrind failed:\n{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.contains("I   refs:") || l.contains("I refs:"))
        .unwrap_or_else(|| panic!("no instruction count in:\n{stderr}"));
    let digits: String = line
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().expect("a count")
}

/// Instructions per value of `op`: (count at `n` − count at 0) / (`n` × values).
pub fn count(name: &str, op: &str, input: &str, n: usize) -> f64 {
    let values = values(name, input).len();
    let (with, without) = (
        instructions(name, op, input, n),
        instructions(name, op, input, 0),
    );
    (with as f64 - without as f64) / (n * values) as f64
}

/// Iterations that keep one cachegrind run to a few seconds.
fn iterations(input: &str) -> usize {
    match input {
        "json-60-300B" => 200,
        "json-1KiB" => 1000,
        "json-64KiB" => 20,
        "text-1MiB" => 2,
        _ => 1,
    }
}

/// Every goal's instruction counts, as Markdown.
fn table() {
    println!(
        "\n## Instructions per value (cachegrind, N vs 0 iterations; GLIBC_TUNABLES={TUNABLES})\n"
    );
    println!("### Issue 12, goal 1: the engine against the direct call\n");
    println!("| input | codec | op | engine | direct | overhead |");
    println!("|---|---|---|---:|---:|---:|");
    for input in ["json-60-300B", "json-1KiB", "json-64KiB"] {
        for codec in codec_names() {
            let kept = values(&format!("engine/{codec}"), input).len();
            let label = match input {
                "json-60-300B" => format!("json-60-300B ({kept} of 16 compressed)"),
                other => other.to_owned(),
            };
            if kept == 0 {
                println!("| {label} | {codec} | – | – | – | – |");
                continue;
            }
            for op in ["encode", "decode"] {
                let n = iterations(input);
                let e = count(&format!("engine/{codec}"), op, input, n);
                let d = count(&format!("direct/{codec}"), op, input, n);
                println!(
                    "| {label} | {codec} | {op} | {e:.0} | {d:.0} | {:+.2} % |",
                    100.0 * (e / d - 1.0)
                );
            }
        }
    }
    println!(
        "\n### Issue 12, goal 4: a GLIDE frame (no content size) against kvcodec's own, engine/zstd-3 decode\n"
    );
    println!("| input | GLIDE's frame | kvcodec's frame | ratio |");
    println!("|---|---:|---:|---:|");
    for input in ["json-60-300B", "json-1KiB", "json-64KiB"] {
        let n = iterations(input);
        let glide = count("engine/zstd-3", "decode-glide-frame", input, n);
        let own = count("engine/zstd-3", "decode", input, n);
        println!("| {input} | {glide:.0} | {own:.0} | {:.3}× |", glide / own);
    }
    println!("\n### Issue 12, goal 6: cost per byte at 1 MiB and 16 MiB, engine\n");
    println!("| codec | op | text-1MiB per byte | text-16MiB per byte | ratio |");
    println!("|---|---|---:|---:|---:|");
    for codec in ["zstd-3", "lz4", "snappy", "deflate-1"] {
        for op in ["encode", "decode"] {
            let name = format!("engine/{codec}");
            let small = count(&name, op, "text-1MiB", iterations("text-1MiB")) / (1 << 20) as f64;
            let large = count(&name, op, "text-16MiB", 1) / (16 << 20) as f64;
            println!(
                "| {codec} | {op} | {small:.3} | {large:.3} | {:.3}× |",
                large / small
            );
        }
    }
}
