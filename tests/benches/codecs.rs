//! kvcodec against the raw codec crates, GLIDE's per-call zstd and lz4 paths, and memcpy.
//!
//! # Getting started
//!
//! ```text
//! cargo bench -p kvcodec-tests --bench codecs                  # everything, ~8 min on 2 cores
//! cargo bench -p kvcodec-tests --bench codecs -- json-1KiB     # one group (criterion filter)
//! cargo bench -p kvcodec-tests --bench codecs -- lz4          # the lz4 contenders only
//! cargo bench -p kvcodec-tests --bench codecs --no-default-features -- lz4   # kvcodec-lz4 on lz4_flex
//! cargo bench -p kvcodec-tests --bench codecs -- --measurement-time 3 --warm-up-time 1
//! KVCODEC_BENCH_CLOCK=cpu cargo bench -p kvcodec-tests --bench codecs   # thread CPU time
//! cargo bench -p kvcodec-tests --bench codecs -- ab            # the interleaved A/B only
//! cargo bench -p kvcodec-tests --bench codecs -- ops table     # instruction counts (ops.rs)
//! ```
//!
//! It prints, in order: the compression ratio of every contender on every input (criterion
//! reports only time) and the dictionary savings, criterion's per-benchmark results, a summary
//! of this run's medians against the goals in `BENCHMARKS.md` (Markdown tables), and last an
//! interleaved A/B comparison of the same goals that stays meaningful on a loaded machine
//! (`codecs/ab.rs`; about 5 s; `KVCODEC_BENCH_AB=0` skips it).
//!
//! # What is measured
//!
//! One group per input (`Throughput::Bytes` of the original value), each holding:
//!
//! | name                          | what                                                          |
//! |-------------------------------|---------------------------------------------------------------|
//! | `engine/<codec>`              | `Engine::encode` / `Engine::decode`, default policy           |
//! | `direct/<codec>`              | the codec crate with reused contexts, a new output per value  |
//! | `direct/lz4_flex`             | `lz4_flex::compress_prepend_size` / `decompress_size_prepended` |
//! | `glide/zstd-3`                | `zstd::stream::encode_all` / `decode_all`: GLIDE's per-call path |
//! | `glide/lz4[-hc9,-fast8]`      | GLIDE's lz4 backend and policy, header included (`codecs/glide.rs`) |
//! | `memcpy/to_vec`, `memcpy/reused-buf` | copying the value: the physical limit                  |
//! | `engine/zstd-3/decode-glide-frame` | the engine reading a value GLIDE wrote (no content size) |
//!
//! `engine/lz4`, `-hc9`, `-fast8` are lz4 at levels 0, 9 (LZ4 HC) and -8 (acceleration 8);
//! `direct/lz4` is the library the engine's lz4 runs — C liblz4 through the `lz4` crate
//! (`block::compress(v, None, true)` / `decompress(v, None)`) by default, lz4_flex with
//! `--no-default-features`. The lz4 stored size at every level, against GLIDE's, is printed
//! before the benchmarks (stdout).
//! Then `passthrough` (values the engine returns untouched) and `dict-json-100-500B` (zstd
//! with and without a trained dictionary on small records).
//!
//! Run as a test (`cargo test --all-targets`), criterion executes each benchmark once, on
//! 64 KiB of text instead of 1 MiB, after checking every contender's round trip.

#[path = "codecs/ab.rs"]
mod ab;
#[path = "codecs/clock.rs"]
mod clock;
#[path = "codecs/contender.rs"]
mod contender;
#[path = "codecs/glide.rs"]
mod glide;
#[path = "codecs/inputs.rs"]
mod inputs;
#[path = "codecs/memory.rs"]
mod memory;
#[path = "codecs/ops.rs"]
mod ops;
#[path = "codecs/ratios.rs"]
mod ratios;
#[path = "codecs/results.rs"]
mod results;
#[path = "codecs/room.rs"]
mod room;
#[path = "codecs/scaling.rs"]
mod scaling;
#[path = "codecs/summary.rs"]
mod summary;
#[path = "codecs/time.rs"]
mod time;

use std::borrow::Cow;
use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::measurement::Measurement;
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use kvcodec::Engine;
use kvcodec_tests::json_value;

use clock::ThreadCpuTime;
use contender::{Contender, engine, glide_zstd_value, zstd};
use inputs::{DICT_GROUP, Dictionary, Input};

/// Dictionary training records: thousands when benchmarking, fewer for the one-shot test run
/// (an unoptimised build trains slowly).
const TRAINING_RECORDS: usize = 3000;
const TRAINING_RECORDS_TEST: usize = 300;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "ops") {
        return ops::main(&args[1..]);
    }
    if args.first().is_some_and(|a| a == "ab") {
        // The interleaved A/B alone (no criterion run): `cargo bench ... -- ab`.
        let p = Passthrough::new();
        let (inputs, mut all) = (inputs::inputs(true), Contender::all());
        return ab::run(&inputs, &mut all, &p.engine, &p.small, &p.plain);
    }
    let config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(1))
        .sample_size(20);
    match std::env::var("KVCODEC_BENCH_CLOCK").as_deref() {
        Ok("wall") | Err(_) => run(config, "wall time"),
        Ok("cpu") => run(config.with_measurement(ThreadCpuTime), "thread CPU time"),
        Ok(other) => panic!("KVCODEC_BENCH_CLOCK: expected `wall` or `cpu`, found `{other}`"),
    }
}

/// Prints the ratios, runs every group, then prints the summary (when benchmarking).
fn run<M: Measurement>(config: Criterion<M>, clock: &'static str) {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let benchmarking = has("--bench") && !has("--test") && !has("--list");
    let started = SystemTime::now();
    let load_at_start = results::load_average();
    let mut criterion = config.configure_from_args();

    let inputs = inputs::inputs(benchmarking);
    let mut contenders = Contender::all();
    let stored_plain = ratios::print_table(&inputs, &mut contenders);
    ratios::print_lz4_sizes(&inputs);
    let training = if benchmarking {
        TRAINING_RECORDS
    } else {
        TRAINING_RECORDS_TEST
    };
    let dictionary = Dictionary::train(training);
    let mut dict_contenders = dictionary.contenders();
    let savings = ratios::dictionary_savings(&dictionary, &mut dict_contenders);

    for input in &inputs {
        bench_input(&mut criterion, input, &mut contenders);
    }
    let passthrough = Passthrough::new();
    bench_passthrough(&mut criterion, &passthrough);
    bench_dictionary(&mut criterion, &dictionary, &mut dict_contenders);
    criterion.final_summary();

    if benchmarking {
        let run = summary::Run {
            started,
            clock,
            load_at_start,
            stored_plain,
            savings,
        };
        summary::print(&run);
        if std::env::var_os("KVCODEC_BENCH_AB").is_none_or(|v| v != "0") {
            let p = &passthrough;
            ab::run(&inputs, &mut contenders, &p.engine, &p.small, &p.plain);
        }
    }
}

/// Every contender's encode and decode, memcpy, and the engine reading a GLIDE value.
fn bench_input<M: Measurement>(c: &mut Criterion<M>, input: &Input, contenders: &mut [Contender]) {
    let data = &input.data[..];
    let n = data.len();
    let mut g = c.benchmark_group(&input.name);
    g.throughput(Throughput::Bytes(n as u64));
    if n >= 64 * 1024 {
        // One iteration takes tens of µs to tens of ms: equal-sized samples finish in time.
        g.sampling_mode(SamplingMode::Flat);
    }
    if n >= 1024 * 1024 {
        g.sample_size(10);
    }
    for c in contenders.iter_mut() {
        let stored = c.encode(data).into_owned();
        let name = c.name.clone();
        g.bench_function(BenchmarkId::new(&name, "encode"), |b| {
            b.iter(|| consume(c.encode(black_box(data))))
        });
        g.bench_function(BenchmarkId::new(&name, "decode"), |b| {
            b.iter(|| consume(c.decode(black_box(&stored), n)))
        });
    }
    let glide_value = glide_zstd_value(data);
    let zstd3 = engine(zstd(3));
    assert!(zstd3.decode(&glide_value).unwrap()[..] == *data);
    g.bench_function(
        BenchmarkId::new("engine/zstd-3", "decode-glide-frame"),
        |b| b.iter(|| consume(zstd3.decode(black_box(&glide_value)).unwrap())),
    );
    g.bench_function(BenchmarkId::new("memcpy/to_vec", "copy"), |b| {
        b.iter(|| black_box(data).to_vec())
    });
    let mut buf = vec![0u8; n];
    g.bench_function(BenchmarkId::new("memcpy/reused-buf", "copy"), |b| {
        b.iter(|| {
            buf.copy_from_slice(black_box(data));
            black_box(&buf);
        })
    });
    g.finish();
}

/// Makes the optimiser keep every byte of `out` (it may not skip writing it), then drops it.
fn consume(out: Cow<'_, [u8]>) -> usize {
    black_box(&*out);
    out.len()
}

/// Values the engine returns untouched: below the minimum size, or stored without header.
struct Passthrough {
    /// zstd-3, default policy (minimum size 64).
    engine: Engine,
    /// 32 bytes: below the minimum size.
    small: Vec<u8>,
    /// 1 KiB without header: a legacy or plain value.
    plain: Vec<u8>,
}

impl Passthrough {
    fn new() -> Self {
        let p = Passthrough {
            engine: engine(zstd(3)),
            small: json_value(32, 7),
            plain: json_value(1024, 8),
        };
        assert!(matches!(p.engine.encode(&p.small), Ok(Cow::Borrowed(_))));
        assert!(matches!(p.engine.decode(&p.plain), Ok(Cow::Borrowed(_))));
        p
    }
}

fn bench_passthrough<M: Measurement>(c: &mut Criterion<M>, p: &Passthrough) {
    let mut g = c.benchmark_group("passthrough");
    g.bench_function("engine/encode-below-min-size-32B", |b| {
        b.iter(|| consume(p.engine.encode(black_box(&p.small)).unwrap()))
    });
    g.bench_function("engine/decode-no-header-1KiB", |b| {
        b.iter(|| consume(p.engine.decode(black_box(&p.plain)).unwrap()))
    });
    g.finish();
}

/// zstd-3 with and without a trained dictionary, over a batch of small records per iteration.
fn bench_dictionary<M: Measurement>(
    c: &mut Criterion<M>,
    dict: &Dictionary,
    contenders: &mut [Contender],
) {
    let records = dict.bench_records();
    let mut g = c.benchmark_group(DICT_GROUP);
    g.throughput(Throughput::Bytes(
        records.iter().map(Vec::len).sum::<usize>() as u64,
    ));
    for c in contenders.iter_mut() {
        let stored: Vec<(Vec<u8>, usize)> = records
            .iter()
            .map(|r| (c.encode(r).into_owned(), r.len()))
            .collect();
        let name = c.name.clone();
        g.bench_function(BenchmarkId::new(&name, "encode"), |b| {
            b.iter(|| {
                let encoded = records.iter().map(|r| consume(c.encode(black_box(r))));
                encoded.sum::<usize>()
            })
        });
        g.bench_function(BenchmarkId::new(&name, "decode"), |b| {
            b.iter(|| {
                let decoded = stored
                    .iter()
                    .map(|(s, n)| consume(c.decode(black_box(s), *n)));
                decoded.sum::<usize>()
            })
        });
    }
    g.finish();
}
