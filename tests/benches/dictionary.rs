//! Small values with and without a shared dictionary (issue 13): stored bytes by value-size
//! band, the compact codec's minimum size, and per-value encode/decode time against zstd
//! without a dictionary at the same level.
//!
//! # Getting started
//!
//! ```text
//! cargo bench -p kvcodec-tests --bench dictionary            # tables, A/B, criterion (~1 min)
//! ```
//!
//! The keyspace is [`kvcodec_tests::small_json`] (20,000 values, avg ~78 B, half under 64 B).
//! A 16 KiB dictionary (the `kvcodec dict train` default) is trained on the even-numbered
//! values and given id 1 (what `dict train --url` picks on a fresh server); every figure is
//! measured on the odd-numbered, held-out half. Savings = (plain − stored) / plain over all
//! values of a band, stored values including the 5-byte header.
//!
//! Contenders, all zstd level 3:
//!
//! | name | what |
//! |---|---|
//! | `none, min 64` | no dictionary, GLIDE's policy (64 B minimum, keep if smaller) |
//! | `none, min 6` | no dictionary, every value tried |
//! | `dict 0x01, min 64` | the older form: standard frame naming its dictionary (`ZstdCodec`), 64 B minimum — what `migrate --dictionary` wrote before |
//! | `dict 0x05, min 32` | the compact form (`ZstdDictCodec`), its own minimum size |
//!
//! Run as a test (`cargo test --all-targets`), it uses 2,000 values and runs each benchmark once.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use kvcodec::policy::DefaultPolicy;
use kvcodec::{Codec, Engine};
use kvcodec_tests::small_json;
use kvcodec_zstd::{Dictionaries, ZstdCodec, ZstdDictCodec};

/// Upper ends (exclusive) of the size bands.
const BANDS: [(usize, &str); 5] = [
    (32, "< 32 B"),
    (64, "32–63 B"),
    (128, "64–127 B"),
    (256, "128–255 B"),
    (usize::MAX, "≥ 256 B"),
];

struct Setup {
    held: Vec<Vec<u8>>,
    engines: Vec<(&'static str, Engine)>,
    zstd: Arc<dyn Codec>,
    dict: Arc<dyn Codec>,
}

fn setup(n: u64) -> Setup {
    let train: Vec<Vec<u8>> = (0..n).filter(|i| i % 2 == 0).map(small_json).collect();
    let held: Vec<Vec<u8>> = (0..n).filter(|i| i % 2 == 1).map(small_json).collect();
    let mut bytes = kvcodec_zstd::train_dictionary(&train, 16 * 1024).expect("trains");
    kvcodec_zstd::set_dictionary_id(&mut bytes, 1).expect("a dictionary");
    let set = Dictionaries::new();
    set.insert(&bytes).expect("loads");
    let zstd: Arc<dyn Codec> = Arc::new(ZstdCodec::new(3).expect("level 3"));
    let old: Arc<dyn Codec> = Arc::new(
        ZstdCodec::builder()
            .dictionary(&bytes)
            .and_then(|b| b.write_with_dictionary(1).build())
            .expect("builds"),
    );
    let dict: Arc<dyn Codec> = Arc::new(ZstdDictCodec::writer(set, 1, 3).expect("id 1"));
    let engine = |codec: &Arc<dyn Codec>, min: Option<usize>| {
        let b = Engine::builder().codec(codec.clone());
        match min {
            Some(min) => b.policy(DefaultPolicy::new(min, None)),
            None => b, // the codec's own minimum size
        }
        .build()
        .expect("builds")
    };
    let engines = vec![
        ("none, min 64", engine(&zstd, Some(64))),
        ("none, min 6", engine(&zstd, Some(6))),
        ("dict 0x01, min 64", engine(&old, Some(64))),
        ("dict 0x05, min 32", engine(&dict, None)),
    ];
    Setup {
        held,
        engines,
        zstd,
        dict,
    }
}

fn band(len: usize) -> usize {
    BANDS
        .iter()
        .position(|(hi, _)| len < *hi)
        .unwrap_or(BANDS.len() - 1)
}

/// Savings per band and overall, every value checked to read back exact.
fn print_savings(s: &Setup) {
    let sizes: Vec<usize> = s.held.iter().map(Vec::len).collect();
    let avg = sizes.iter().sum::<usize>() as f64 / sizes.len() as f64;
    let under = sizes.iter().filter(|&&n| n < 64).count() as f64 * 100.0 / sizes.len() as f64;
    println!(
        "\n## Savings on {} held-out small JSON values (avg {avg:.1} B, {under:.1} % under 64 B), zstd level 3\n",
        s.held.len()
    );
    let mut header = "| band | values | plain |".to_owned();
    for (name, _) in &s.engines {
        header.push_str(&format!(" {name} |"));
    }
    println!("{header}");
    println!("|---|---|---|{}", "---|".repeat(s.engines.len()));
    let mut plain = [0u64; BANDS.len() + 1];
    let mut count = [0u64; BANDS.len() + 1];
    let mut stored = vec![[0u64; BANDS.len() + 1]; s.engines.len()];
    for v in &s.held {
        let b = band(v.len());
        for slot in [b, BANDS.len()] {
            plain[slot] += v.len() as u64;
            count[slot] += 1;
        }
        for (e, (name, engine)) in s.engines.iter().enumerate() {
            let out = engine.encode(v).expect("encodes");
            assert_eq!(&*engine.decode(&out).expect("decodes"), &v[..], "{name}");
            stored[e][b] += out.len() as u64;
            stored[e][BANDS.len()] += out.len() as u64;
        }
    }
    for slot in 0..=BANDS.len() {
        if count[slot] == 0 {
            continue;
        }
        let label = BANDS.get(slot).map_or("all", |(_, l)| l);
        let mut row = format!("| {label} | {} | {} B |", count[slot], plain[slot]);
        for st in &stored {
            let saved = 100.0 * (1.0 - st[slot] as f64 / plain[slot] as f64);
            row.push_str(&format!(" {saved:.1} % |"));
        }
        println!("{row}");
    }
}

/// The compact codec with no minimum size, by 8-byte band under 64 B: how many values a
/// dictionary shrinks, and what it saves — where its minimum size belongs.
fn print_min_size(s: &Setup) {
    println!(
        "\n## Compact dictionary codec with no minimum (keep if smaller), values under 64 B\n"
    );
    println!("| size | values | kept compressed | saved |");
    println!("|---|---|---|---|");
    for lo in (8..64).step_by(8) {
        let vals: Vec<&Vec<u8>> = s
            .held
            .iter()
            .filter(|v| (lo..lo + 8).contains(&v.len()))
            .collect();
        if vals.is_empty() {
            continue;
        }
        let (mut kept, mut plain, mut stored) = (0, 0u64, 0u64);
        for v in &vals {
            let mut out = Vec::new();
            s.dict.compress(v, &mut out).expect("compresses");
            let len = 5 + out.len();
            plain += v.len() as u64;
            if len < v.len() {
                kept += 1;
                stored += len as u64;
            } else {
                stored += v.len() as u64;
            }
        }
        println!(
            "| {lo}–{} B | {} | {:.0} % | {:.1} % |",
            lo + 7,
            vals.len(),
            100.0 * kept as f64 / vals.len() as f64,
            100.0 * (1.0 - stored as f64 / plain as f64)
        );
    }
}

/// Interleaved A/B: each round times every held-out value through one codec, alternating
/// codecs; the medians of the rounds give ns per value and the ratio.
fn print_ab(s: &Setup, rounds: usize) {
    let payloads = |c: &Arc<dyn Codec>| -> Vec<Vec<u8>> {
        s.held
            .iter()
            .map(|v| {
                let mut out = Vec::new();
                c.compress(v, &mut out).expect("compresses");
                out
            })
            .collect()
    };
    let codecs = [
        ("zstd-3, no dictionary", &s.zstd),
        ("zstd-3, dict 0x05", &s.dict),
    ];
    let stored = [payloads(&s.zstd), payloads(&s.dict)];
    let mut enc = [Vec::new(), Vec::new()];
    let mut dec = [Vec::new(), Vec::new()];
    let mut out = Vec::with_capacity(4096);
    for _ in 0..rounds {
        for (i, (_, c)) in codecs.iter().enumerate() {
            let t = Instant::now();
            for v in &s.held {
                out.clear();
                c.compress(black_box(v), &mut out).expect("compresses");
            }
            enc[i].push(t.elapsed().as_nanos() as f64 / s.held.len() as f64);
            let t = Instant::now();
            for p in &stored[i] {
                black_box(
                    kvcodec::decode_with_limit(&***c, black_box(p), 1 << 20).expect("decodes"),
                );
            }
            dec[i].push(t.elapsed().as_nanos() as f64 / s.held.len() as f64);
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (e0, e1, d0, d1) = (
        median(&mut enc[0]),
        median(&mut enc[1]),
        median(&mut dec[0]),
        median(&mut dec[1]),
    );
    println!(
        "\n## Per-value time, interleaved A/B, median of {rounds} rounds over {} values\n",
        s.held.len()
    );
    println!("| codec | encode ns/value | decode ns/value |");
    println!("|---|---|---|");
    println!("| {} | {e0:.0} | {d0:.0} |", codecs[0].0);
    println!("| {} | {e1:.0} | {d1:.0} |", codecs[1].0);
    println!("| dictionary / none | {:.2}× | {:.2}× |", e1 / e0, d1 / d0);
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let s = setup(if bench { 20_000 } else { 2_000 });
    print_savings(&s);
    print_min_size(&s);
    print_ab(&s, if bench { 41 } else { 1 });

    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("dict-small-json");
    g.throughput(Throughput::Elements(s.held.len() as u64));
    for (name, codec) in [("zstd-3", &s.zstd), ("zstd-3-dict-0x05", &s.dict)] {
        let mut out = Vec::with_capacity(4096);
        g.bench_function(format!("encode/{name}"), |b| {
            b.iter(|| {
                for v in &s.held {
                    out.clear();
                    codec.compress(black_box(v), &mut out).expect("compresses");
                }
            })
        });
        let stored: Vec<Vec<u8>> = s
            .held
            .iter()
            .map(|v| {
                let mut p = Vec::new();
                codec.compress(v, &mut p).expect("compresses");
                p
            })
            .collect();
        g.bench_function(format!("decode/{name}"), |b| {
            b.iter(|| {
                for p in &stored {
                    black_box(
                        kvcodec::decode_with_limit(&**codec, black_box(p), 1 << 20)
                            .expect("decodes"),
                    );
                }
            })
        });
    }
    g.finish();
    c.final_summary();
}
