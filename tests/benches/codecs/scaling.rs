//! Goal 2: one `Arc<Engine>` shared by every thread against one engine per thread, encode +
//! decode of a 1 KiB JSON value in a loop. The same worker threads run both configurations in
//! alternating rounds (order swapped every round), so both see the same load, and the ratio
//! is reported per round (median) and from each configuration's best round.
//!
//! ```text
//! cargo bench -p kvcodec-tests --bench codecs -- ops threads zstd-3 2 200
//! ```

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use kvcodec::Engine;
use kvcodec_tests::json_value;

use crate::contender::{codec, engine};

/// Rounds per codec (each runs both configurations once).
const ROUNDS: usize = 12;

/// Operations per second of shared and per-thread engines, round by round.
pub struct Scaling {
    pub shared: Vec<f64>,
    pub per_thread: Vec<f64>,
}

impl Scaling {
    fn best(v: &[f64]) -> f64 {
        v.iter().copied().fold(0.0, f64::max)
    }

    /// Median of the per-round ratios shared / per-thread.
    pub fn paired(&self) -> f64 {
        let mut r: Vec<f64> = self
            .shared
            .iter()
            .zip(&self.per_thread)
            .map(|(s, p)| s / p)
            .collect();
        r.sort_by(f64::total_cmp);
        r[r.len() / 2]
    }
}

/// Runs [`ROUNDS`] rounds of `ms` milliseconds per configuration on `threads` threads.
pub fn measure(codec_name: &str, threads: usize, ms: u64) -> Scaling {
    let value = json_value(1024, 2);
    let shared = Arc::new(engine(codec(codec_name)));
    let own: Vec<Engine> = (0..threads).map(|_| engine(codec(codec_name))).collect();
    let start = Barrier::new(threads + 1);
    let end = Barrier::new(threads + 1);
    let (config, stop, done, ops) = (
        AtomicUsize::new(0),
        AtomicBool::new(false),
        AtomicBool::new(false),
        AtomicU64::new(0),
    );
    let mut result = Scaling {
        shared: Vec::new(),
        per_thread: Vec::new(),
    };
    std::thread::scope(|s| {
        for own in &own {
            let (shared, value) = (&shared, &value);
            let (start, end, config, stop, done, ops) = (&start, &end, &config, &stop, &done, &ops);
            s.spawn(move || {
                loop {
                    start.wait();
                    if done.load(Relaxed) {
                        return;
                    }
                    let e: &Engine = if config.load(Relaxed) == 0 {
                        shared
                    } else {
                        own
                    };
                    let mut n = 0u64;
                    while !stop.load(Relaxed) {
                        let stored = e.encode(black_box(value)).unwrap();
                        black_box(e.decode(&stored).unwrap().len());
                        n += 1;
                    }
                    ops.fetch_add(n, Relaxed);
                    end.wait();
                }
            });
        }
        for round in 0..ROUNDS * 2 {
            // Order per round pair: shared first on even pairs, per-thread first on odd ones.
            let which = (round + round / 2) % 2;
            config.store(which, Relaxed);
            stop.store(false, Relaxed);
            ops.store(0, Relaxed);
            start.wait();
            let t = Instant::now();
            std::thread::sleep(Duration::from_millis(ms));
            stop.store(true, Relaxed);
            end.wait();
            let rate = ops.load(Relaxed) as f64 / t.elapsed().as_secs_f64();
            if round >= 2 {
                // The first pair warms contexts, caches and the scheduler up.
                [&mut result.shared, &mut result.per_thread][which].push(rate);
            }
        }
        done.store(true, Relaxed);
        start.wait();
    });
    result
}

/// Prints the table for `codecs` on `threads` threads, with one thread as the baseline.
pub fn print(codecs: &[String], threads: usize, ms: u64) {
    println!(
        "\n## Issue 12, goal 2: shared engine vs one engine per thread, {threads} threads, 1 KiB JSON encode + decode ({ROUNDS} rounds of {ms} ms)\n"
    );
    println!(
        "| codec | 1 thread ops/s | per-thread engines ops/s | shared engine ops/s | shared / per-thread (paired) | (best rounds) | shared scaling vs 1 thread |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for name in codecs {
        let one = measure(name, 1, ms);
        let many = measure(name, threads, ms);
        let (base, s, p) = (
            Scaling::best(&one.shared),
            Scaling::best(&many.shared),
            Scaling::best(&many.per_thread),
        );
        println!(
            "| {name} | {base:.0} | {p:.0} | {s:.0} | {:.3} | {:.3} | {:.2}× |",
            many.paired(),
            s / p,
            s / base
        );
    }
}
