//! [`DictionaryFetch`]: readers learn dictionaries pushed after they started, without a
//! restart.
//!
//! A wrapped connection with a fetch configured ([`crate::Compression::fetch_dictionaries`])
//! looks at each reply before decoding it. A compact dictionary value (header id `0x05`) naming
//! an id its shared [`Dictionaries`] set lacks makes it ask the server, on the same connection,
//! once the reply is in:
//!
//! 1. `HSTRLEN kvcodec:dictionaries <id>` — 0 means no such dictionary; more than
//!    [`max_size`](DictionaryFetch::max_size) is refused without reading it;
//! 2. `HGET kvcodec:dictionaries <id>` — checked to be a zstd dictionary with that id, then
//!    added to the set, where every codec sharing it finds it;
//!
//! then decodes the reply. What keeps this cheap and safe:
//!
//! - **cached**: a fetched dictionary stays in the set for the life of the process;
//! - **negative-cached**: an id the server lacks (or whose dictionary is too large or not a
//!   dictionary) is not asked for again for [`retry_after`](DictionaryFetch::retry_after)
//!   (default 1 s); its values fail to decode with the usual error meanwhile;
//! - **rate-limited**: at most [`MAX_FETCHES_PER_SECOND`] fetches per second per
//!   `DictionaryFetch`, over all connections, so garbage ids cannot flood the server;
//! - **not blocking others**: the fetch is two commands on the connection that needs it; no
//!   lock is held while they run, so other connections' traffic is never held up. A connection
//!   inside MULTI (as its replies tell) does not fetch: its commands would be queued.
//!
//! Values of the older dictionary form (id `0x01`) are not fetched for: their readers load
//! the server's dictionaries when they start.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kvcodec::CodecId;
use kvcodec::header::Header;
use kvcodec_zstd::{Dictionaries, compact_dictionary_id};
use redis::{Cmd, RedisResult, Value};

use crate::dictionaries::KEY;

/// Most fetch attempts one [`DictionaryFetch`] makes per second.
pub const MAX_FETCHES_PER_SECOND: u32 = 10;

/// Default [`DictionaryFetch::max_size`]: 4 MiB (zstd's trainer makes 110 KiB by default).
pub const DEFAULT_MAX_DICTIONARY_SIZE: usize = 4 << 20;

/// Fetches unknown dictionaries from the server into a shared set. See the [module
/// docs](self).
#[derive(Debug)]
pub struct DictionaryFetch {
    set: Arc<Dictionaries>,
    max_size: usize,
    retry_after: Duration,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// Ids that failed, and when.
    failed: HashMap<u32, Instant>,
    /// Start of the current one-second window, and attempts in it.
    window: (Instant, u32),
}

/// How a fetch of one id went (for tests and counters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// Go on and read it.
    Get,
    /// Stop: fetched, or failed (negative-cached).
    Done,
}

impl DictionaryFetch {
    /// Fetches into `set`, which must be the one the engine's `ZstdDictCodec` decodes with
    /// ([`for_codec`](Self::for_codec) takes it from the codec).
    pub fn new(set: Arc<Dictionaries>) -> DictionaryFetch {
        DictionaryFetch {
            set,
            max_size: DEFAULT_MAX_DICTIONARY_SIZE,
            retry_after: Duration::from_secs(1),
            state: Mutex::new(State {
                failed: HashMap::new(),
                window: (Instant::now(), 0),
            }),
        }
    }

    /// Fetches into the set `codec` decodes with: the codec and the fetch cannot end up with
    /// different sets (a fetch into another set would leave the codec's values undecodable).
    pub fn for_codec(codec: &kvcodec_zstd::ZstdDictCodec) -> DictionaryFetch {
        DictionaryFetch::new(codec.dictionaries().clone())
    }

    /// Largest dictionary read from the server (default [`DEFAULT_MAX_DICTIONARY_SIZE`]),
    /// checked with HSTRLEN before reading it.
    pub fn max_size(mut self, bytes: usize) -> DictionaryFetch {
        self.max_size = bytes;
        self
    }

    /// How long an id that could not be fetched is not asked for again (default 1 s).
    pub fn retry_after(mut self, wait: Duration) -> DictionaryFetch {
        self.retry_after = wait;
        self
    }

    /// The set fetched into.
    pub fn dictionaries(&self) -> &Arc<Dictionaries> {
        &self.set
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The ids `replies` need that the set lacks and that may be fetched now (each one counts
    /// against the rate limit).
    #[cfg(test)]
    pub(crate) fn wanted(&self, replies: &[Value]) -> Vec<u32> {
        self.admit(self.missing(replies))
    }

    /// The ids `replies` need that the set lacks, ascending, once each.
    pub(crate) fn missing(&self, replies: &[Value]) -> Vec<u32> {
        let mut ids = Vec::new();
        for v in replies {
            self.collect(v, &mut ids);
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Those of `ids` that may be fetched now: not negative-cached, within the rate limit
    /// (each one returned counts against it).
    pub(crate) fn admit(&self, mut ids: Vec<u32>) -> Vec<u32> {
        if ids.is_empty() {
            return ids;
        }
        let now = Instant::now();
        let mut state = self.state();
        state
            .failed
            .retain(|_, at| now.duration_since(*at) < self.retry_after);
        if now.duration_since(state.window.0) >= Duration::from_secs(1) {
            state.window = (now, 0);
        }
        ids.retain(|id| !state.failed.contains_key(id));
        let room = MAX_FETCHES_PER_SECOND.saturating_sub(state.window.1) as usize;
        ids.truncate(room);
        state.window.1 += ids.len() as u32;
        ids
    }

    fn collect(&self, v: &Value, ids: &mut Vec<u32>) {
        match v {
            Value::BulkString(b) => {
                if let Some((header, payload)) = Header::parse(b)
                    && header.codec == CodecId::ZSTD_DICT
                    && let Some(id) = compact_dictionary_id(payload)
                    && !self.set.contains(id)
                {
                    ids.push(id);
                }
            }
            Value::Array(items) | Value::Set(items) => {
                items.iter().for_each(|i| self.collect(i, ids))
            }
            Value::Map(pairs) => pairs.iter().for_each(|(_, v)| self.collect(v, ids)),
            Value::Attribute { data, .. } => self.collect(data, ids),
            _ => {}
        }
    }

    /// `HSTRLEN kvcodec:dictionaries <id>`.
    pub(crate) fn size_command(id: u32) -> Cmd {
        let mut cmd = redis::cmd("HSTRLEN");
        cmd.arg(KEY).arg(id);
        cmd
    }

    /// `HGET kvcodec:dictionaries <id>`.
    pub(crate) fn get_command(id: u32) -> Cmd {
        let mut cmd = redis::cmd("HGET");
        cmd.arg(KEY).arg(id);
        cmd
    }

    /// The server's answer to [`size_command`](Self::size_command).
    pub(crate) fn on_size(&self, id: u32, reply: RedisResult<Value>) -> Step {
        match reply {
            Ok(Value::Int(n)) if n > 0 && (n as u64) <= self.max_size as u64 => Step::Get,
            Ok(_) => self.failed(id),
            // A timeout or a server busy loading says nothing about the dictionary: not cached.
            Err(_) => Step::Done,
        }
    }

    /// The server's answer to [`get_command`](Self::get_command).
    pub(crate) fn on_bytes(&self, id: u32, reply: RedisResult<Value>) -> Step {
        match reply {
            Ok(Value::BulkString(bytes))
                if bytes.len() <= self.max_size
                    && kvcodec_zstd::dictionary_id(&bytes) == Some(id)
                    && self.set.insert(&bytes).is_ok() =>
            {
                Step::Done
            }
            Err(_) => Step::Done,
            _ => self.failed(id),
        }
    }

    /// Remembers a definite answer (no such dictionary, too large, not a dictionary) for
    /// `retry_after`.
    fn failed(&self, id: u32) -> Step {
        self.state().failed.insert(id, Instant::now());
        Step::Done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(id: u32) -> Value {
        let mut v = vec![0, 1, 2, 0, 5];
        let mut id = id;
        loop {
            let low = (id & 0x7F) as u8;
            id >>= 7;
            if id == 0 {
                v.push(low);
                break;
            }
            v.push(low | 0x80);
        }
        v.extend_from_slice(&[0x20, 0x00, 0x01, 0x00, 0x00]);
        Value::BulkString(v)
    }

    #[test]
    fn for_codec_fetches_into_the_codecs_own_set() {
        let codec = kvcodec_zstd::ZstdDictCodec::reader(Dictionaries::new());
        let fetch = DictionaryFetch::for_codec(&codec);
        assert!(Arc::ptr_eq(fetch.dictionaries(), codec.dictionaries()));
    }

    #[test]
    fn wanted_ids_are_negative_cached_and_rate_limited() {
        let fetch = DictionaryFetch::new(Dictionaries::new()).retry_after(Duration::from_secs(60));
        let reply = Value::Array(vec![compact(3), compact(3), Value::Nil, compact(300)]);
        assert_eq!(fetch.wanted(std::slice::from_ref(&reply)), vec![3, 300]);
        assert_eq!(fetch.on_size(3, Ok(Value::Int(0))), Step::Done);
        assert_eq!(
            fetch.on_size(300, Ok(Value::Int(1 << 30))),
            Step::Done,
            "too large"
        );
        assert!(fetch.wanted(&[reply]).is_empty(), "both negative-cached");
        let many: Vec<Value> = (1000..1100).map(compact).collect();
        assert_eq!(
            fetch.wanted(&many).len(),
            MAX_FETCHES_PER_SECOND as usize - 2,
            "the rest of this second's budget"
        );
        assert!(fetch.wanted(&many).is_empty());
        assert_eq!(fetch.on_size(5, Ok(Value::Int(100))), Step::Get);
        assert_eq!(
            fetch.on_bytes(5, Ok(Value::BulkString(b"junk".to_vec()))),
            Step::Done
        );
        // Bytes that are not dictionary 5 leave the set as it was and cache the failure.
        assert!(!fetch.dictionaries().contains(5));
        assert!(
            fetch.state().failed.contains_key(&5),
            "junk is negative-cached"
        );
        // A transient error (a timeout) is not cached: the next reply may fetch it again.
        assert_eq!(fetch.on_size(6, Err(timeout())), Step::Done);
        assert_eq!(fetch.on_bytes(7, Err(timeout())), Step::Done);
        let state = fetch.state();
        assert!(!state.failed.contains_key(&6) && !state.failed.contains_key(&7));
    }

    fn timeout() -> redis::RedisError {
        redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::TimedOut))
    }
}
