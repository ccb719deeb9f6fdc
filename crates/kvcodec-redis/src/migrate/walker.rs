//! [`Walker`]: every value of one primary, in pipelined SCAN batches — the one walk behind
//! `migrate`, `rollback`, `verify` and sampling (`assess --url`, `dict train --url`).
//!
//! Per SCAN batch, one pipeline asks `TYPE`, `STRLEN` and `GETRANGE 0 4` of every key. The
//! [`Visit`]or sees each string's length and first 5 bytes and says whether it wants the whole
//! value (a rollback does not read plain values; a migration does not read compressed ones).
//! Wanted strings are then read with `GET` in pipelines of at most [`GROUP_BYTES`]; a longer
//! value is read alone, with `GETRANGE` in chunks of [`GROUP_BYTES`] appended to one buffer
//! (a reply is parsed into a buffer of its own, so one `GET` of a 100 MiB value would cost
//! 200 MiB). A value that changes between two chunks gives a mix that no longer matches the
//! stored value, so its compare-and-set fails (`changed`): nothing mixed is ever written.
//! Hash values come from `HSCAN` pages and list elements from `LRANGE` chunks of `batch`
//! values each.
//!
//! A key that vanishes or changes type between the commands (`WRONGTYPE`) is a concurrent
//! change like any other: reported to the visitor, never an error.

use redis::{Connection, RedisError, RedisResult, Value};

use super::cas::At;
use super::error::MigrateError;
use super::reason::Reason;
use super::topology::Node;
use crate::dictionaries::RESERVED_PREFIX;
use kvcodec::{ValueType, ValueTypes};

/// One HSCAN reply: the next cursor and `(field, value)` pairs.
type HscanPage = (u64, Vec<(Vec<u8>, Vec<u8>)>);

/// Wanted strings are fetched in pipelines holding at most this many bytes of values.
pub const GROUP_BYTES: u64 = 4 * 1024 * 1024;

/// What a walk does with what it finds.
pub trait Visit {
    /// Before each key: `false` stops the walk here (the batch is not completed).
    fn begin_key(&mut self) -> bool;
    /// A key whose values are not read, and why.
    fn skip_key(&mut self, reason: Reason);
    /// A string of `len` bytes starting with `prefix` (up to 5 bytes): `true` to read it
    /// whole; when `false`, the visitor has counted it.
    fn peek(&mut self, prefix: &[u8], len: u64) -> bool;
    /// One whole value (a string, a hash value, a list element) at `at` of `key`.
    fn value(
        &mut self,
        con: &mut Connection,
        key: &[u8],
        at: At,
        bytes: Vec<u8>,
    ) -> Result<(), MigrateError>;
}

/// One primary's walk: where it is, what it reads.
pub struct Walker {
    /// The primary.
    pub node: Node,
    /// SCAN cursor of the next batch.
    pub cursor: u64,
    /// The walk has completed.
    pub done: bool,
    /// SCAN MATCH pattern.
    pub pattern: Option<String>,
    /// SCAN COUNT, HSCAN COUNT and LRANGE chunk.
    pub batch: usize,
    /// Which types' values are read (other keys are skipped as `not_selected`).
    pub types: ValueTypes,
}

fn wrong_type(e: &RedisError) -> bool {
    e.code() == Some("WRONGTYPE")
}

impl Walker {
    /// A walk of `node` from `cursor`.
    pub fn new(node: Node, cursor: u64, pattern: Option<String>, batch: usize) -> Self {
        Walker {
            node,
            cursor,
            done: false,
            pattern,
            batch: batch.max(1),
            types: ValueTypes::ALL,
        }
    }

    fn err(&self) -> impl FnOnce(RedisError) -> MigrateError + '_ {
        MigrateError::node(&self.node.addr)
    }

    /// Walks one SCAN batch. `Ok(false)` if the visitor stopped it (the cursor stays).
    pub fn batch(&mut self, visit: &mut dyn Visit) -> Result<bool, MigrateError> {
        let mut scan = redis::cmd("SCAN");
        scan.arg(self.cursor);
        if let Some(p) = &self.pattern {
            scan.arg("MATCH").arg(p);
        }
        let (next, keys): (u64, Vec<Vec<u8>>) = scan
            .arg("COUNT")
            .arg(self.batch)
            .query(&mut self.node.con)
            .map_err(self.err())?;
        if !self.keys(&keys, visit)? {
            return Ok(false);
        }
        self.cursor = next;
        self.done = next == 0;
        Ok(true)
    }

    fn keys(&mut self, keys: &[Vec<u8>], visit: &mut dyn Visit) -> Result<bool, MigrateError> {
        let keys: Vec<&Vec<u8>> = keys.iter().collect();
        let mut peeks = redis::pipe();
        peeks.ignore_errors();
        for k in keys.iter().filter(|k| !k.starts_with(RESERVED_PREFIX)) {
            peeks.cmd("TYPE").arg(k.as_slice());
            peeks.cmd("STRLEN").arg(k.as_slice());
            peeks.cmd("GETRANGE").arg(k.as_slice()).arg(0).arg(4);
        }
        let replies: Vec<RedisResult<Value>> = if peeks.is_empty() {
            Vec::new()
        } else {
            peeks.query(&mut self.node.con).map_err(self.err())?
        };
        let mut replies = replies.into_iter();
        let mut group: Vec<&[u8]> = Vec::new();
        let mut group_bytes = 0u64;
        for key in keys {
            if !visit.begin_key() {
                return Ok(false);
            }
            if key.starts_with(RESERVED_PREFIX) {
                visit.skip_key(Reason::ReservedKey);
                continue;
            }
            let (kind, len, prefix) = (replies.next(), replies.next(), replies.next());
            let kind = match kind {
                Some(Ok(Value::SimpleString(s))) => s,
                Some(Ok(Value::BulkString(b))) => String::from_utf8_lossy(&b).into_owned(),
                Some(Err(e)) => return Err(self.err()(e)),
                _ => String::new(),
            };
            match kind.as_str() {
                "string" => {
                    let (Some(Ok(Value::Int(len))), Some(Ok(prefix))) = (len, prefix) else {
                        visit.skip_key(Reason::TypeChanged);
                        continue;
                    };
                    let prefix: Vec<u8> = redis::from_redis_value(prefix).unwrap_or_default();
                    let len = len.max(0) as u64;
                    if !visit.peek(&prefix, len) {
                        continue;
                    }
                    if len > GROUP_BYTES {
                        self.long(key, len, visit)?;
                        continue;
                    }
                    if group_bytes + len > GROUP_BYTES && !group.is_empty() {
                        self.fetch(&group, visit)?;
                        (group, group_bytes) = (Vec::new(), 0);
                    }
                    group.push(key);
                    group_bytes += len;
                }
                "hash" if self.types.contains(ValueType::Hash) => self.hash(key, visit)?,
                "list" if self.types.contains(ValueType::List) => self.list(key, visit)?,
                "hash" | "list" => visit.skip_key(Reason::NotSelected),
                "none" => visit.skip_key(Reason::Vanished),
                _ => visit.skip_key(Reason::UnsupportedType),
            }
        }
        if !group.is_empty() {
            self.fetch(&group, visit)?;
        }
        Ok(true)
    }

    /// Reads whole strings in one pipeline.
    fn fetch(&mut self, keys: &[&[u8]], visit: &mut dyn Visit) -> Result<(), MigrateError> {
        let mut gets = redis::pipe();
        gets.ignore_errors();
        for k in keys {
            gets.cmd("GET").arg(*k);
        }
        let values: Vec<RedisResult<Option<Vec<u8>>>> =
            gets.query(&mut self.node.con).map_err(self.err())?;
        for (key, value) in keys.iter().zip(values) {
            match value {
                Ok(Some(bytes)) => visit.value(&mut self.node.con, key, At::String, bytes)?,
                Ok(None) => visit.skip_key(Reason::Vanished),
                Err(e) if wrong_type(&e) => visit.skip_key(Reason::TypeChanged),
                Err(e) => return Err(self.err()(e)),
            }
        }
        Ok(())
    }

    /// Reads one long string in [`GROUP_BYTES`] chunks into a buffer of its length.
    fn long(&mut self, key: &[u8], len: u64, visit: &mut dyn Visit) -> Result<(), MigrateError> {
        let mut value = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        loop {
            let start = value.len() as u64;
            let chunk: RedisResult<Vec<u8>> = redis::cmd("GETRANGE")
                .arg(key)
                .arg(start)
                .arg(start + GROUP_BYTES - 1)
                .query(&mut self.node.con);
            match chunk {
                Ok(chunk) => {
                    let last = (chunk.len() as u64) < GROUP_BYTES;
                    value.extend_from_slice(&chunk);
                    if last {
                        break;
                    }
                }
                Err(e) if wrong_type(&e) => {
                    visit.skip_key(Reason::TypeChanged);
                    return Ok(());
                }
                Err(e) => return Err(self.err()(e)),
            }
        }
        if value.is_empty() {
            visit.skip_key(Reason::Vanished);
            return Ok(());
        }
        visit.value(&mut self.node.con, key, At::String, value)
    }

    fn hash(&mut self, key: &[u8], visit: &mut dyn Visit) -> Result<(), MigrateError> {
        let mut cursor = 0u64;
        loop {
            let page: RedisResult<HscanPage> = redis::cmd("HSCAN")
                .arg(key)
                .arg(cursor)
                .arg("COUNT")
                .arg(self.batch)
                .query(&mut self.node.con);
            let (next, pairs) = match page {
                Ok(page) => page,
                Err(e) if wrong_type(&e) => {
                    visit.skip_key(Reason::TypeChanged);
                    return Ok(());
                }
                Err(e) => return Err(self.err()(e)),
            };
            for (field, value) in pairs {
                visit.value(&mut self.node.con, key, At::Field(field), value)?;
            }
            if next == 0 {
                return Ok(());
            }
            cursor = next;
        }
    }

    fn list(&mut self, key: &[u8], visit: &mut dyn Visit) -> Result<(), MigrateError> {
        let step = self.batch as i64;
        let mut start = 0i64;
        loop {
            let chunk: RedisResult<Vec<Vec<u8>>> = redis::cmd("LRANGE")
                .arg(key)
                .arg(start)
                .arg(start + step - 1)
                .query(&mut self.node.con);
            let chunk = match chunk {
                Ok(chunk) => chunk,
                Err(e) if wrong_type(&e) => {
                    visit.skip_key(Reason::TypeChanged);
                    return Ok(());
                }
                Err(e) => return Err(self.err()(e)),
            };
            let got = chunk.len() as i64;
            for (i, value) in chunk.into_iter().enumerate() {
                visit.value(&mut self.node.con, key, At::Index(start + i as i64), value)?;
            }
            if got < step {
                return Ok(());
            }
            start += step;
        }
    }
}
