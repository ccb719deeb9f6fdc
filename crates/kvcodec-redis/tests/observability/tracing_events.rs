//! What kvcodec logs through `tracing`: one rate-limited, key-free WARN for a flood of
//! undecodable values; DEBUG per skipped value; nothing at INFO or above for ordinary traffic.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use kvcodec::export::MetricsExporter;
use kvcodec_redis::Compression;
use kvcodec_tests::{Server, ServerKind, json_value};
use redis::Commands;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

use crate::{engine, lookalike, serial};

/// One event with its fields rendered as text.
#[derive(Debug, Clone)]
struct Captured {
    level: Level,
    target: String,
    fields: BTreeMap<String, String>,
}

/// A layer keeping every event, structured.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Captured>>>);

struct Fields(BTreeMap<String, String>);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields(BTreeMap::new());
        event.record(&mut fields);
        self.0.lock().unwrap().push(Captured {
            level: *event.metadata().level(),
            target: event.metadata().target().to_owned(),
            fields: fields.0,
        });
    }
}

/// The formatted log text, as an application's `fmt` subscriber would write it.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Buffer {
        self.clone()
    }
}

/// Runs `f` with every event of this thread captured, structured and as formatted text.
fn capture<T>(f: impl FnOnce() -> T) -> (T, Vec<Captured>, String) {
    let (events, text) = (Capture::default(), Buffer::default());
    let subscriber = tracing_subscriber::registry()
        .with(events.clone())
        .with(tracing_subscriber::fmt::layer().with_writer(text.clone()));
    let out = tracing::subscriber::with_default(subscriber, f);
    let events = events.0.lock().unwrap().clone();
    let text = String::from_utf8(text.0.lock().unwrap().clone()).unwrap();
    (out, events, text)
}

fn at_info_or_above(e: &Captured) -> bool {
    matches!(e.level, Level::INFO | Level::WARN | Level::ERROR)
}

#[test]
fn a_thousand_corrupt_reads_give_one_key_free_warn() {
    let _serial = serial();
    let server = Server::start(ServerKind::Valkey);
    let mut plain = server.connection();
    let keys: Vec<String> = (0..10).map(|i| format!("secret-key-{i}")).collect();
    let values: Vec<Vec<u8>> = (0..10)
        .map(|i| lookalike(&format!("SECRET-PAYLOAD-{i}")))
        .collect();
    for (k, v) in keys.iter().zip(&values) {
        let _: () = plain.set(k, v).unwrap();
    }
    let engine = engine("zstd", 1 << 20, &Arc::new(MetricsExporter::new()));
    let mut con = Compression::new(engine.clone()).wrap(server.connection());

    let ((), events, text) = capture(|| {
        for i in 0..1000 {
            let back: Vec<u8> = con.get(&keys[i % 10]).unwrap();
            assert_eq!(back, values[i % 10], "returned as stored");
        }
    });

    let m = engine.counters().snapshot();
    assert_eq!((m.failures(), m.raw_fallbacks()), (1000, 1000));
    let warns: Vec<&Captured> = events.iter().filter(|e| e.level == Level::WARN).collect();
    assert!(
        (1..=2).contains(&warns.len()),
        "expected 1 or 2 WARN events for 1000 failures, found {}: {warns:?}",
        warns.len()
    );
    assert!(
        !events.iter().any(|e| e.level == Level::ERROR),
        "{events:?}"
    );
    let allowed: BTreeSet<&str> = [
        "message", "codec", "kind", "stored_len", "returned_as_stored", "similar_suppressed",
    ]
    .into();
    let secrets = ["secret-key", "SECRET-PAYLOAD", "not zstd at all"];
    for warn in &warns {
        assert!(warn.target.starts_with("kvcodec"), "{warn:?}");
        let names: BTreeSet<&str> = warn.fields.keys().map(String::as_str).collect();
        assert_eq!(names, allowed, "WARN fields");
        assert_eq!(warn.fields["kind"], "corrupt");
        assert_eq!(warn.fields["returned_as_stored"], "true");
        assert_eq!(warn.fields["stored_len"], values[0].len().to_string());
        for (field, value) in &warn.fields {
            for secret in secrets {
                assert!(
                    !value.contains(secret),
                    "field {field} = {value:?} holds {secret:?}"
                );
            }
            // Nor the stored bytes as a byte list: `[0, 1, 2, 0, 1, 110, …]`.
            assert!(
                !value.contains("0, 1, 2, 0, 1"),
                "field {field} = {value:?}"
            );
        }
    }
    assert!(
        text.contains("kvcodec: stored value failed to decode"),
        "{text}"
    );
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "the log text holds {secret:?}:\n{text}"
        );
    }
}

#[test]
fn ordinary_values_log_nothing_at_info_or_above() {
    let _serial = serial();
    let server = Server::start(ServerKind::Valkey);
    let engine = engine("zstd", 1 << 20, &Arc::new(MetricsExporter::new()));
    let mut con = Compression::new(engine.clone()).wrap(server.connection());

    let ((), events, text) = capture(|| {
        for i in 0..20 {
            let doc = json_value(1024 + 100 * i, i as u64);
            let _: () = con.set(format!("doc:{i}"), &doc).unwrap();
            assert_eq!(con.get::<_, Vec<u8>>(format!("doc:{i}")).unwrap(), doc);
        }
        for i in 0..5 {
            let _: () = con.set(format!("flag:{i}"), "on").unwrap();
            assert_eq!(con.get::<_, String>(format!("flag:{i}")).unwrap(), "on");
        }
        let pairs = [
            ("m:0", json_value(2048, 1)),
            ("m:1", b"short".to_vec()),
            ("m:2", json_value(4096, 2)),
            ("m:3", b"also short".to_vec()),
        ];
        let _: () = con.mset(&pairs).unwrap();
        let back: Vec<Vec<u8>> = con.mget(&["m:0", "m:1", "m:2", "m:3"]).unwrap();
        assert_eq!(
            back,
            pairs.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>()
        );
    });

    let loud: Vec<&Captured> = events.iter().filter(|e| at_info_or_above(e)).collect();
    assert!(
        loud.is_empty(),
        "expected no event at INFO or above, found {loud:?}\n{text}"
    );
    // One DEBUG event per value stored plain (5 flags + 2 short MSET values), and no other
    // kvcodec event: nothing per compressed or decoded value.
    let ours: Vec<&Captured> = events
        .iter()
        .filter(|e| e.target.starts_with("kvcodec"))
        .collect();
    assert_eq!(ours.len(), 7, "{ours:?}");
    for e in ours {
        assert_eq!(e.level, Level::DEBUG);
        assert_eq!(
            e.fields.get("reason").map(String::as_str),
            Some("too_small"),
            "{e:?}"
        );
    }
    assert_eq!(engine.counters().snapshot().compressed(), 22);
}
