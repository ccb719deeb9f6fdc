//! SET+GET against a live local Valkey (and Redis) server: plain vs lz4 vs zstd-3, on 1 KiB and
//! 64 KiB JSON values. Prints ops/s, p50/p95/p99 latency of one SET+GET pair, and the server's
//! stored bytes (STRLEN, MEMORY USAGE).
//!
//! Run: `cargo bench -p kvcodec-redis --bench server` (`KVCODEC_BENCH_SECONDS` per cell, default 2;
//! under `cargo test` it runs for 0.05 s per cell as a smoke test).
//! Configurations run interleaved, round by round, so machine noise hits them alike.

use std::sync::Arc;
use std::time::{Duration, Instant};

use kvcodec::{Config, Mode};
use kvcodec_redis::Compression;
use kvcodec_tests::{Server, ServerKind, json_value};
use redis::{Commands, ConnectionLike};

const ROUNDS: usize = 3;
const KEYS: usize = 256;

struct Cell {
    samples: Vec<Duration>,
    elapsed: Duration,
    pairs: usize,
    strlen: u64,
    memory: u64,
}

fn wrapped(server: &Server, backend: Option<(&str, i32)>) -> Box<dyn ConnectionLike> {
    let con = server.connection();
    match backend {
        None => Box::new(con),
        Some((name, level)) => {
            let config = Config {
                backend: name.into(),
                compression_level: Some(level),
                mode: Some(Mode::On),
                ..Config::default()
            };
            let engine = config
                .build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])
                .unwrap();
            Box::new(Compression::new(Arc::new(engine)).wrap(con))
        }
    }
}

fn run(con: &mut dyn ConnectionLike, values: &[Vec<u8>], budget: Duration, cell: &mut Cell) {
    let start = Instant::now();
    let mut i = 0;
    while start.elapsed() < budget {
        let key = format!("bench:{}", i % KEYS);
        let value = &values[i % values.len()];
        let t = Instant::now();
        let _: () = redis::cmd("SET").arg(&key).arg(value).query(con).unwrap();
        let back: Vec<u8> = redis::cmd("GET").arg(&key).query(con).unwrap();
        cell.samples.push(t.elapsed());
        assert_eq!(back.len(), value.len());
        i += 1;
    }
    cell.elapsed += start.elapsed();
    cell.pairs += i;
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx].as_secs_f64() * 1e6
}

fn main() {
    let secs: f64 = std::env::var("KVCODEC_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let budget = Duration::from_secs_f64(secs / ROUNDS as f64);
    let configs: [(&str, Option<(&str, i32)>); 3] = [
        ("plain", None),
        ("lz4", Some(("lz4", 0))),
        ("zstd-3", Some(("zstd", 3))),
    ];
    println!(
        "| server | value | config | SET+GET pairs/s | vs plain | p50 µs | p95 µs | p99 µs | STRLEN B | MEMORY USAGE B |"
    );
    println!("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for kind in [ServerKind::Valkey, ServerKind::Redis] {
        let server = Server::start(kind);
        for size in [1024usize, 64 * 1024] {
            let values: Vec<Vec<u8>> = (0..16).map(|s| json_value(size, s)).collect();
            let mut cons: Vec<Box<dyn ConnectionLike>> =
                configs.iter().map(|(_, b)| wrapped(&server, *b)).collect();
            let mut cells: Vec<Cell> = configs
                .iter()
                .map(|_| Cell {
                    samples: Vec::new(),
                    elapsed: Duration::ZERO,
                    pairs: 0,
                    strlen: 0,
                    memory: 0,
                })
                .collect();
            for _ in 0..ROUNDS {
                for (con, cell) in cons.iter_mut().zip(cells.iter_mut()) {
                    run(con.as_mut(), &values, budget, cell);
                }
            }
            let mut plain = server.connection();
            for ((_, backend), cell) in configs.iter().zip(cells.iter_mut()) {
                let mut con = wrapped(&server, *backend);
                let _: () = redis::cmd("SET")
                    .arg("bench:size")
                    .arg(&values[0])
                    .query(con.as_mut())
                    .unwrap();
                cell.strlen = plain.strlen("bench:size").unwrap();
                cell.memory = redis::cmd("MEMORY")
                    .arg("USAGE")
                    .arg("bench:size")
                    .query(&mut plain)
                    .unwrap();
            }
            let plain_rate = cells[0].pairs as f64 / cells[0].elapsed.as_secs_f64();
            for ((name, _), cell) in configs.iter().zip(cells.iter_mut()) {
                cell.samples.sort();
                let rate = cell.pairs as f64 / cell.elapsed.as_secs_f64();
                println!(
                    "| {kind} | {} KiB | {name} | {rate:.0} | {:.1} % | {:.1} | {:.1} | {:.1} | {} | {} |",
                    size / 1024,
                    100.0 * rate / plain_rate,
                    pct(&cell.samples, 0.50),
                    pct(&cell.samples, 0.95),
                    pct(&cell.samples, 0.99),
                    cell.strlen,
                    cell.memory,
                );
            }
        }
    }
}
