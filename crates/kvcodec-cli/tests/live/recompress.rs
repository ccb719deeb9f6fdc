//! `kvcodec migrate --recompress`: an lz4 keyspace, with an old lz4 client writing the whole
//! time, moved to zstd in place — no lost update, TTLs kept, counted by source — and then read
//! by the real Valkey GLIDE client (Python, zstd configured).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use kvcodec::CodecId;
use kvcodec::header::Header;
use kvcodec_cli::backends::CodecSpec;
use kvcodec_tests::{Server, ServerKind, run_python};
use redis::Commands;

use crate::{doc, figure, ok_json, skipped};

const KEYS: u64 = 300;

/// Reads `keys` with GLIDE 2.6.0 (zstd configured) and prints each value in hex, one a line.
const GLIDE_READ: &str = r#"
import asyncio, sys
from glide import (GlideClient, GlideClientConfiguration, NodeAddress,
                   CompressionConfiguration, CompressionBackend)

port, keys = int(sys.argv[1]), sys.argv[2:]

async def main():
    config = GlideClientConfiguration(
        [NodeAddress("127.0.0.1", port)],
        compression=CompressionConfiguration(enabled=True, backend=CompressionBackend.ZSTD))
    client = await GlideClient.create(config)
    for key in keys:
        value = await client.get(key)
        print(value.hex())
    await client.close()

asyncio.run(main())
"#;

fn lz4_engine() -> kvcodec::Engine {
    CodecSpec::parse("lz4").unwrap().engine(64).unwrap()
}

/// What a key holds at the start: an lz4 document, every 10th plain, every 3rd with a TTL.
fn fill(con: &mut redis::Connection) -> HashMap<String, Vec<u8>> {
    let lz4 = lz4_engine();
    let mut plain = HashMap::new();
    for i in 0..KEYS {
        let (key, value) = (format!("u:{i}"), doc(i));
        let stored = match i % 10 {
            0 => value.clone(),
            _ => lz4.encode_vec(value.clone()).unwrap(),
        };
        let _: () = con.set(&key, stored).unwrap();
        if i % 3 == 0 {
            let _: () = con.expire(&key, 5000).unwrap();
        }
        plain.insert(key, value);
    }
    plain
}

/// An old client writing lz4 documents to every 7th key (SET … KEEPTTL) until stopped, at least
/// three rounds: the last value written to each key.
struct Lz4Writer {
    stop: Arc<AtomicBool>,
    last: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    thread: std::thread::JoinHandle<()>,
}

impl Lz4Writer {
    fn start(mut con: redis::Connection) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let last: Arc<Mutex<HashMap<String, Vec<u8>>>> = Arc::default();
        let rounds = Arc::new(AtomicUsize::new(0));
        let (s, l) = (stop.clone(), last.clone());
        let thread = std::thread::spawn(move || {
            let lz4 = lz4_engine();
            let mut n = 0;
            while !s.load(Ordering::Relaxed) || rounds.load(Ordering::Relaxed) < 3 {
                for i in (0..KEYS).step_by(7) {
                    n += 1;
                    let (key, value) = (format!("u:{i}"), doc(50_000 + n));
                    redis::cmd("SET")
                        .arg(&key)
                        .arg(lz4.encode_vec(value.clone()).unwrap())
                        .arg("KEEPTTL")
                        .exec(&mut con)
                        .unwrap();
                    l.lock().unwrap().insert(key, value);
                }
                rounds.fetch_add(1, Ordering::Relaxed);
            }
        });
        Lz4Writer { stop, last, thread }
    }

    fn stop(self) -> HashMap<String, Vec<u8>> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().expect("writer thread panicked");
        std::mem::take(&mut *self.last.lock().unwrap())
    }
}

fn codec_of(stored: &[u8]) -> Option<CodecId> {
    Header::parse(stored).map(|(h, _)| h.codec)
}

fn recompress_with_writer(kind: ServerKind) {
    let server = Server::start(kind);
    let url = server.url();
    let mut con = server.connection();
    let mut expected = fill(&mut con);
    let keys: Vec<String> = (0..KEYS).map(|i| format!("u:{i}")).collect();
    let ttls: HashMap<&String, i64> = keys
        .iter()
        .map(|k| (k, redis::cmd("PEXPIRETIME").arg(k).query(&mut con).unwrap()))
        .collect();

    // A plain migration leaves lz4 values alone; `--from plain` selects plain values only.
    let dry = ok_json(&[
        "migrate", "--url", &url, "--to", "zstd:3", "--recompress", "--from", "plain", "--dry-run",
        "--json",
    ]);
    assert_eq!(figure(&dry, "rewritten"), KEYS / 10, "{kind}: {dry}");
    assert_eq!(
        skipped(&dry, "other_source"),
        KEYS - KEYS / 10,
        "{kind}: {dry}"
    );

    let writer = Lz4Writer::start(server.connection());
    let args = [
        "migrate", "--url", &url, "--to", "zstd:3", "--recompress", "--batch", "10", "--json",
    ];
    let first = ok_json(&args);
    let last = writer.stop();
    expected.extend(last);

    assert_eq!(first["completed"], true, "{kind}: {first}");
    assert_eq!(first["clean"], true, "{kind}: {first}");
    assert!(
        first["job"]
            .as_str()
            .unwrap()
            .starts_with("recompress zstd"),
        "{first}"
    );
    assert_eq!(first["verification"]["expect"], "recompressed", "{first}");
    let by_source = &first["summary"]["by_source"];
    let from_lz4 = by_source["lz4"]["rewritten"].as_u64().unwrap();
    let from_plain = by_source["plain"]["rewritten"].as_u64().unwrap();
    assert!(
        from_lz4 > KEYS / 2 && from_plain <= KEYS / 10,
        "{kind}: {first}"
    );
    assert_eq!(
        from_lz4 + from_plain,
        figure(&first, "rewritten"),
        "{first}"
    );
    let saved = first["savings_pct"].as_f64().unwrap();
    assert!(
        saved > 0.0,
        "{kind}: zstd stores lz4 documents shorter: {first}"
    );

    // No lost update, TTLs kept; whatever the writer wrote after the run passed is lz4 still.
    let reader = kvcodec_cli::backends::reader(1 << 30, kvcodec::OnCorrupt::Error).unwrap();
    for k in &keys {
        let stored: Vec<u8> = con.get(k).unwrap();
        assert!(
            reader.decode_vec(stored).unwrap() == expected[k],
            "{kind}: {k} lost an update"
        );
        let ttl: i64 = redis::cmd("PEXPIRETIME").arg(k).query(&mut con).unwrap();
        assert_eq!(ttl, ttls[k], "{kind}: {k} expiry changed");
    }
    // A second run rewrites at most the writer's late values; a third nothing at all.
    let second = ok_json(&args);
    assert!(
        figure(&second, "rewritten") <= KEYS / 7 + 1,
        "{kind}: {second}"
    );
    let third = ok_json(&args);
    assert_eq!(figure(&third, "rewritten"), 0, "{kind}: {third}");
    assert_eq!(skipped(&third, "already_target"), KEYS, "{kind}: {third}");
    for k in &keys {
        let stored: Vec<u8> = con.get(k).unwrap();
        assert_eq!(codec_of(&stored), Some(CodecId::ZSTD), "{kind}: {k}");
    }
    // A higher level of the same codec rewrites what it stores shorter, and only that.
    let higher = ok_json(&[
        "migrate", "--url", &url, "--to", "zstd:19", "--recompress", "--json",
    ]);
    assert_eq!(higher["clean"], true, "{kind}: {higher}");
    let moved = figure(&higher, "rewritten");
    assert!(
        moved > 0,
        "{kind}: zstd:19 saves on some documents: {higher}"
    );
    assert_eq!(skipped(&higher, "already_target"), KEYS - moved, "{higher}");
    assert!(higher["bytes_saved"].as_i64().unwrap() > 0, "{higher}");

    // The real GLIDE client, configured for zstd, reads every value.
    let port = server.port().to_string();
    let mut glide_args = vec![port.as_str()];
    glide_args.extend(keys.iter().map(String::as_str));
    let read = run_python(GLIDE_READ, &glide_args);
    let lines: Vec<&str> = read.lines().collect();
    assert_eq!(lines.len(), keys.len());
    for (k, line) in keys.iter().zip(lines) {
        let hex: String = expected[k].iter().map(|b| format!("{b:02x}")).collect();
        assert!(line == hex, "{kind}: GLIDE read {k} wrong");
    }
}

kvcodec_tests::every_server!(recompress_with_writer);
