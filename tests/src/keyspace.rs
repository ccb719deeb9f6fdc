//! A keyspace for migrate/rollback tests: strings, hashes and lists with TTLs, a concurrent
//! writer, and a snapshot of every key's decoded contents and expiry to compare before/after.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use redis::{Commands, ConnectionLike};

use crate::json_value;

/// A JSON document of 800–2800 bytes, fixed by `seed`.
pub fn doc(seed: u64) -> Vec<u8> {
    json_value(800 + (seed as usize * 37) % 2000, seed)
}

/// Fills a keyspace: 120 strings (every 4th with a TTL, every 4th + 1 too short to compress),
/// 8 hashes of 6 fields (with TTLs), 8 lists of 6 elements and one set: 137 keys.
pub fn populate(con: &mut impl ConnectionLike) {
    for i in 0..120u64 {
        let key = format!("s:{i}");
        let mut set = redis::cmd("SET");
        match i % 4 {
            0 => set.arg(&key).arg(doc(i)).arg("EX").arg(5000 + i),
            1 => set.arg(&key).arg(b"short"),
            _ => set.arg(&key).arg(doc(i)),
        };
        set.exec(con).unwrap();
    }
    for h in 0..8u64 {
        for f in 0..6u64 {
            let value = doc(1000 + h * 10 + f);
            redis::cmd("HSET")
                .arg(format!("h:{h}"))
                .arg(format!("f{f}"))
                .arg(value)
                .exec(con)
                .unwrap();
        }
        redis::cmd("EXPIRE")
            .arg(format!("h:{h}"))
            .arg(7000)
            .exec(con)
            .unwrap();
    }
    for l in 0..8u64 {
        for e in 0..6u64 {
            let value = doc(2000 + l * 10 + e);
            redis::cmd("RPUSH")
                .arg(format!("l:{l}"))
                .arg(value)
                .exec(con)
                .unwrap();
        }
    }
    redis::cmd("SADD")
        .arg("set:1")
        .arg("member")
        .exec(con)
        .unwrap();
}

/// Keys of [`populate`].
pub const KEYS: u64 = 137;

/// Every key, sorted.
pub fn all_keys(con: &mut redis::Connection) -> Vec<String> {
    let mut keys: Vec<String> = con.keys("*").unwrap();
    keys.retain(|k| !k.starts_with("kvcodec:"));
    keys.sort();
    keys
}

/// Per key: its values as a plain client sees them (`raw`) or decoded by every codec, and its
/// absolute expiry (PEXPIRETIME).
/// Every key's contents (strings: the value; hashes: sorted field, value pairs; lists: the
/// elements; other types: the type name), each value passed through `decode`, and its
/// absolute expiry (`PEXPIRETIME`).
pub fn state(
    con: &mut redis::Connection,
    keys: &[String],
    decode: impl Fn(Vec<u8>) -> Vec<u8>,
) -> State {
    keys.iter()
        .map(|k| {
            let kind: String = redis::cmd("TYPE").arg(k).query(con).unwrap();
            let values: Vec<Vec<u8>> = match kind.as_str() {
                "string" => vec![decode(con.get(k).unwrap())],
                "hash" => {
                    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = con.hgetall(k).unwrap();
                    pairs.sort();
                    pairs
                        .into_iter()
                        .flat_map(|(f, v)| [f, decode(v)])
                        .collect()
                }
                "list" => {
                    let items: Vec<Vec<u8>> = con.lrange(k, 0, -1).unwrap();
                    items.into_iter().map(&decode).collect()
                }
                _ => vec![kind.into_bytes()],
            };
            let expiry: i64 = redis::cmd("PEXPIRETIME").arg(k).query(con).unwrap();
            (k.clone(), (values, expiry))
        })
        .collect()
}

/// What [`state`] returns: each key's values and absolute expiry.
pub type State = HashMap<String, (Vec<Vec<u8>>, i64)>;

/// After a run beside a [`Writer`] (`last`: what [`Writer::stop`] returned): every key kept its
/// expiry; a key the writer wrote holds its last value, any other key its value in `before`.
/// Each message starts with `what`.
pub fn assert_writer_kept(
    what: &str,
    before: &State,
    after: &State,
    last: &HashMap<String, Vec<u8>>,
) {
    for (k, (values, expiry)) in after {
        assert_eq!(*expiry, before[k].1, "{what}: {k} expiry changed");
        match last.get(k) {
            Some(v) => assert!(values[0] == *v, "{what}: {k} lost the writer's last value"),
            None => assert!(*values == before[k].0, "{what}: {k} changed"),
        }
    }
}

/// A client rewriting every 4th string key of [`populate`] (plain, `SET … KEEPTTL`) in a loop
/// until stopped, at least three rounds.
pub struct Writer {
    stop: Arc<AtomicBool>,
    last: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    thread: JoinHandle<()>,
}

impl Writer {
    /// Starts writing on `con`.
    pub fn start(mut con: redis::Connection) -> Writer {
        let stop = Arc::new(AtomicBool::new(false));
        let last: Arc<Mutex<HashMap<String, Vec<u8>>>> = Arc::default();
        let rounds = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (stop, last) = (stop.clone(), last.clone());
            std::thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) || rounds.load(Ordering::Relaxed) < 3 {
                    for i in (0..120u64).step_by(4) {
                        n += 1;
                        let (key, value) = (format!("s:{i}"), doc(10_000 + n));
                        redis::cmd("SET")
                            .arg(&key)
                            .arg(&value)
                            .arg("KEEPTTL")
                            .exec(&mut con)
                            .unwrap();
                        last.lock().unwrap().insert(key, value);
                    }
                    rounds.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        Writer { stop, last, thread }
    }

    /// Stops after the current round (and at least three rounds); the last value written to
    /// each key.
    pub fn stop(self) -> HashMap<String, Vec<u8>> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().expect("writer thread panicked");
        std::mem::take(&mut *self.last.lock().unwrap())
    }
}
