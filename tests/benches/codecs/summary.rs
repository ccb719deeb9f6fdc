//! After the run: this run's medians (see `results.rs`) against the goals of `BENCHMARKS.md`,
//! as Markdown tables. A goal whose benchmarks did not run (a filtered run) says so.

use std::collections::{BTreeMap, BTreeSet};
use std::time::SystemTime;

use crate::contender::{LZ4_LEVELS, LZ4_LIBRARY, codec_names};
use crate::inputs::{BENCH_RECORDS, DICT_GROUP, HTML};
use crate::ratios::{BUCKETS, Savings};
use crate::results::{Results, collect, criterion_dir, load_average, opt_time, time};

const GOAL_INPUTS: [&str; 2] = ["json-1KiB", "json-64KiB"];
const INPUTS: [&str; 6] = [
    "json-100B", "json-1KiB", "json-64KiB", HTML, "text-1MiB", "random-16KiB",
];

/// What the run knows besides criterion's files.
pub struct Run {
    pub started: SystemTime,
    /// `wall time` or `thread CPU time`.
    pub clock: &'static str,
    pub load_at_start: String,
    /// `input/engine/codec` pairs stored plain by the engine's policy.
    pub stored_plain: BTreeSet<String>,
    /// Dictionary savings computed at start.
    pub savings: Vec<Savings>,
}

/// Prints every goal's table.
pub fn print(run: &Run) {
    let dir = criterion_dir();
    let mut map = BTreeMap::new();
    collect(&dir, run.started, &mut map);
    let r = Results(map);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("model name"))?.to_owned();
            Some(line.split_once(':')?.1.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("\n# kvcodec benchmark summary (medians of this run)\n");
    println!("- cpu: {cpu}, {cores} cores available; kvcodec-lz4 on {LZ4_LIBRARY}");
    println!("- clock: {}", run.clock);
    println!(
        "- load average: {} at start, {} at end",
        run.load_at_start,
        load_average()
    );
    println!("- {} results read from {}", r.0.len(), dir.display());
    if r.0.is_empty() {
        return;
    }
    overhead(&r, &run.stored_plain);
    glide(&r);
    passthrough(&r);
    lz4(&r, &run.stored_plain);
    dictionary(&r, &run.savings);
    all(&r);
}

/// `a / b − 1` as a signed percentage.
fn pct(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{:+.1} %", 100.0 * (a / b - 1.0)),
        _ => "–".into(),
    }
}

fn overhead(r: &Results, plain: &BTreeSet<String>) {
    println!("\n## Goal 1: engine overhead over the direct call (≤ 3 % at 1 KiB and 64 KiB)\n");
    println!("\"plain\": the engine's policy stores this value uncompressed (not smaller), so its");
    println!("encode includes a discarded compression and its decode is a pass-through.\n");
    println!(
        "| input | codec | encode engine | encode direct | overhead | decode engine | decode direct | overhead |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for input in INPUTS {
        for codec in codec_names() {
            let get = |family: &str, op: &str| r.ns(&format!("{input}/{family}/{codec}/{op}"));
            let (ee, de, ed, dd) = (
                get("engine", "encode"),
                get("direct", "encode"),
                get("engine", "decode"),
                get("direct", "decode"),
            );
            if ee.is_none() && ed.is_none() {
                continue;
            }
            let mark = if GOAL_INPUTS.contains(&input) {
                " (goal)"
            } else {
                ""
            };
            let stored = if plain.contains(&format!("{input}/engine/{codec}")) {
                " (plain)"
            } else {
                ""
            };
            println!(
                "| {input}{mark} | {codec}{stored} | {} | {} | {} | {} | {} | {} |",
                opt_time(ee),
                opt_time(de),
                pct(ee, de),
                opt_time(ed),
                opt_time(dd),
                pct(ed, dd)
            );
        }
    }
}

fn glide(r: &Results) {
    println!(
        "\n## Goal 2: kvcodec zstd-3 vs GLIDE's per-call zstd (≥ 1.5× at 1 KiB, encode + decode)\n"
    );
    println!(
        "| input | GLIDE enc | GLIDE dec | kvcodec enc | kvcodec dec | speed-up (enc+dec) | kvcodec reading a GLIDE value |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for input in INPUTS {
        let get = |id: &str| r.ns(&format!("{input}/{id}"));
        let (ge, gd) = (get("glide/zstd-3/encode"), get("glide/zstd-3/decode"));
        let (ke, kd) = (get("engine/zstd-3/encode"), get("engine/zstd-3/decode"));
        let speedup = match (ge, gd, ke, kd) {
            (Some(ge), Some(gd), Some(ke), Some(kd)) => format!("{:.2}×", (ge + gd) / (ke + kd)),
            _ => "–".into(),
        };
        if ge.is_none() && ke.is_none() {
            continue;
        }
        println!(
            "| {input} | {} | {} | {} | {} | {speedup} | {} |",
            opt_time(ge),
            opt_time(gd),
            opt_time(ke),
            opt_time(kd),
            opt_time(get("engine/zstd-3/decode-glide-frame"))
        );
    }
}

fn passthrough(r: &Results) {
    println!(
        "\n## Goal 3: pass-through (≤ 50 ns per value; no allocation: tests/passthrough_alloc.rs)\n"
    );
    println!("| benchmark | median | goal |");
    println!("|---|---:|---|");
    for id in [
        "passthrough/engine/encode-below-min-size-32B",
        "passthrough/engine/decode-no-header-1KiB",
    ] {
        let ns = r.ns(id);
        let verdict = match ns {
            Some(ns) if ns <= 50.0 => "met".to_owned(),
            Some(ns) => format!("missed by {:.1} ns", ns - 50.0),
            None => "not run".into(),
        };
        println!("| {id} | {} | {verdict} |", opt_time(ns));
    }
}

fn lz4(r: &Results, plain: &BTreeSet<String>) {
    println!(
        "\n## lz4: kvcodec's engine vs GLIDE's lz4 path ({LZ4_LIBRARY}; ratio = GLIDE / kvcodec, ≥ 1 is the goal)\n"
    );
    println!(
        "| input | level | GLIDE enc | kvcodec enc | ratio | GLIDE dec | kvcodec dec | ratio | direct/lz4_flex dec |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    let ratio = |g: Option<f64>, k: Option<f64>| match (g, k) {
        (Some(g), Some(k)) => format!("{:.2}×", g / k),
        _ => "–".into(),
    };
    for input in INPUTS {
        for (level, codec) in LZ4_LEVELS {
            let get = |id: String| r.ns(&format!("{input}/{id}"));
            // A value the engine stored plain is a pass-through: no lz4 to compare.
            if plain.contains(&format!("{input}/engine/{codec}")) {
                continue;
            }
            let (ge, ke) = (
                get(format!("glide/{codec}/encode")),
                get(format!("engine/{codec}/encode")),
            );
            let (gd, kd) = (
                get(format!("glide/{codec}/decode")),
                get(format!("engine/{codec}/decode")),
            );
            if ge.is_none() && ke.is_none() {
                continue;
            }
            println!(
                "| {input} | {level} | {} | {} | {} | {} | {} | {} | {} |",
                opt_time(ge),
                opt_time(ke),
                ratio(ge, ke),
                opt_time(gd),
                opt_time(kd),
                ratio(gd, kd),
                opt_time(get("direct/lz4_flex/decode".into())),
            );
        }
    }
}

fn dictionary(r: &Results, savings: &[Savings]) {
    println!(
        "\n## Goal 5: zstd-3 dictionary on 100–500 B JSON records (savings ≥ 40 % where none < 30 %)\n"
    );
    print!("| contender |");
    for (lo, hi) in BUCKETS {
        print!(" savings {lo}–{} B |", hi - 1);
    }
    println!(" encode ({BENCH_RECORDS} records) | decode ({BENCH_RECORDS} records) |");
    println!("|---|{}---:|---:|", "---:|".repeat(BUCKETS.len()));
    for s in savings {
        let get = |op: &str| r.ns(&format!("{DICT_GROUP}/{}/{op}", s.name));
        print!("| {} |", s.name);
        for t in &s.buckets {
            print!(" {:.1} % |", 100.0 * t.savings());
        }
        println!(
            " {} | {} |",
            opt_time(get("encode")),
            opt_time(get("decode"))
        );
    }
}

fn all(r: &Results) {
    println!("\n## Every median of this run\n");
    println!("| benchmark | median | MiB/s |");
    println!("|---|---:|---:|");
    for (id, m) in &r.0 {
        let rate = m.bytes.map_or_else(
            || "–".into(),
            |b| format!("{:.0}", b as f64 / m.median_ns * 1e9 / (1024.0 * 1024.0)),
        );
        println!("| {id} | {} | {rate} |", time(m.median_ns));
    }
}
