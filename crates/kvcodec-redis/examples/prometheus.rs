//! Serve kvcodec's figures on a Prometheus `/metrics` endpoint.
//!
//! ```text
//! cargo run -p kvcodec-redis --example prometheus --features metrics -- [SECONDS] [PORT]
//! ```
//!
//! - `SECONDS` (default 30): how long to keep serving after the first workload; one small
//!   round of SET/GET runs every second meanwhile, so `rate()` has something to show.
//! - `PORT` (default `$KVCODEC_METRICS_PORT`, else 9091): the listener, on 127.0.0.1 only.
//! - `REDIS_URL` (default `redis://127.0.0.1:6379`): the server to write `kvcodec:example:*`
//!   keys to (deleted at the end).
//!
//! Then `curl -s 127.0.0.1:9091/metrics | grep kvcodec_`, or point a Prometheus at it with
//! `docs/alerts.yml` as a rule file.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kvcodec::export::MetricsExporter;
use kvcodec::{Engine, OnCorrupt};
use kvcodec_redis::Compression;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};
use redis::Commands;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Seconds buckets: 10 µs … 0.5 s (the latency alert's thresholds, 5 and 10 ms, are bounds).
const SECONDS_BUCKETS: [f64; 14] = [
    0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025,
    0.05, 0.1, 0.5,
];
/// Ratio buckets (the low-ratio alert's threshold, 1.2, is a bound).
const RATIO_BUCKETS: [f64; 11] = [1.0, 1.1, 1.2, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 20.0];

fn install_recorder(port: u16) -> Result<()> {
    PrometheusBuilder::new()
        .with_http_listener(([127, 0, 0, 1], port))
        .set_buckets_for_metric(
            Matcher::Full("kvcodec_compress_seconds".into()),
            &SECONDS_BUCKETS,
        )?
        .set_buckets_for_metric(
            Matcher::Full("kvcodec_decompress_seconds".into()),
            &SECONDS_BUCKETS,
        )?
        .set_buckets_for_metric(
            Matcher::Full("kvcodec_compression_ratio".into()),
            &RATIO_BUCKETS,
        )?
        .install()?; // spawns the listener on its own thread when no tokio runtime is running
    Ok(())
}

/// A JSON-ish document of about `size` bytes, which compresses like a cached API response.
fn document(size: usize, seed: usize) -> Vec<u8> {
    let mut doc = String::from("[");
    let mut i = 0;
    while doc.len() < size {
        let status = ["active", "pending", "closed"][(seed + i) % 3];
        doc.push_str(&format!(
            r#"{{"id":{},"user":"user-{}","status":"{status}","total":{}.{:02}}},"#,
            seed * 1000 + i,
            (seed * 7 + i * 13) % 97,
            (i * 31 + seed) % 500,
            i % 100
        ));
        i += 1;
    }
    doc.pop();
    doc.push(']');
    doc.into_bytes()
}

/// One round: SET and GET documents of several sizes and a few short values.
fn round(con: &mut impl Commands, n: usize) -> Result<()> {
    for i in 0..n {
        let key = format!("kvcodec:example:doc:{i}");
        let doc = document(256 << (i % 6), i);
        let _: () = con.set(&key, &doc)?;
        let back: Vec<u8> = con.get(&key)?;
        assert_eq!(back, doc);
    }
    for i in 0..n / 5 {
        let key = format!("kvcodec:example:flag:{i}");
        let _: () = con.set(&key, "on")?;
        let _: String = con.get(&key)?;
    }
    Ok(())
}

/// `GET /metrics` from our own listener, as Prometheus would.
fn scrape(port: u16) -> Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    Ok(response)
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(30);
    let port: u16 = match args
        .next()
        .or_else(|| std::env::var("KVCODEC_METRICS_PORT").ok())
    {
        Some(p) => p.parse()?,
        None => 9091,
    };
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());

    // 1. The recorder first: the exporter registers its series with the installed recorder.
    install_recorder(port)?;
    // 2. An engine reporting to it (extra constant label: which client this is), and the
    //    exporter publishing the engine's counters every second.
    let exporter = Arc::new(MetricsExporter::new().with_label("client", "example"));
    let engine = Engine::builder()
        .codec(kvcodec_zstd::BACKEND.codec(Some(3))?)
        .codec(kvcodec_lz4::BACKEND.codec(None)?)
        .on_corrupt(OnCorrupt::ReturnStored)
        .observer(exporter.clone())
        .build()?;
    exporter.publish_every(Duration::from_secs(1))?;
    let engine = Arc::new(engine);
    // 3. Wrap a connection and run a workload.
    let client = redis::Client::open(url.as_str())?;
    let mut plain = client.get_connection()?;
    let mut con = Compression::new(engine.clone()).wrap(client.get_connection()?);
    round(&mut con, 50)?;
    // A value that looks compressed but is not, written by a plain client: one decode failure.
    let _: () = plain.set(
        "kvcodec:example:lookalike",
        b"\x00\x01\x02\x00\x01 not zstd",
    )?;
    let _: Vec<u8> = con.get("kvcodec:example:lookalike")?;

    exporter.publish(); // not to wait for the next second
    let page = scrape(port)?;
    let ours: Vec<&str> = page.lines().filter(|l| l.starts_with("kvcodec_")).collect();
    println!(
        "http://127.0.0.1:{port}/metrics serves {} kvcodec series, e.g.:",
        ours.len()
    );
    for line in ours.iter().filter(|l| !l.contains("_bucket")).take(12) {
        println!("  {line}");
    }
    let m = engine.counters().snapshot();
    println!(
        "engine snapshot: {} compressed, {} decompressed, {} failures, {} bytes saved",
        m.compressed(),
        m.decompressed(),
        m.failures(),
        m.bytes_saved()
    );

    println!("serving for {seconds} s (one small round per second)…");
    let end = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < end {
        std::thread::sleep(Duration::from_secs(1).min(end - Instant::now()));
        round(&mut con, 5)?;
    }
    let keys: Vec<String> = plain.keys("kvcodec:example:*")?;
    if !keys.is_empty() {
        let _: () = plain.del(keys)?;
    }
    Ok(())
}
