//! [`Walker`]: every value of one primary, in pipelined SCAN batches — the one walk behind
//! `migrate`, `rollback`, `verify` and sampling (`assess --url`, `dict train --url`).
//!
//! Per SCAN batch, one pipeline asks `TYPE`, `STRLEN` and `GETRANGE 0 4` of every key. The
//! [`Visit`]or sees each string's length and first 5 bytes and says whether it wants the whole
//! value (a rollback does not read plain values; a migration does not read compressed ones).
//! Wanted strings are then read with `GET` in pipelines of at most [`GROUP_BYTES`]; a longer
//! value is read alone ([`cas::read_string`]: `GETRANGE` in chunks into one buffer), under
//! the process-wide permit for big values ([`BigValue`]), held until the visitor is done
//! with it. Hash values come from `HSCAN` pages of `batch` values.
//!
//! List elements come from `LRANGE` chunks of `batch` values, by position. An element popped
//! or removed meanwhile shifts the others, so an element can slip into the part already
//! walked and a compare-and-set by position then meets another element. So a list is
//! walked again when its length, first or last element differ after the walk from before
//! it, or a compare-and-set on it found its element changed — up to [`LIST_WALKS`] times,
//! then it is counted `changed` (not in the promised state). Locating an element by position
//! (`LINDEX`, `LSET`) costs time linear in the list's length, so rewriting most elements of
//! a list of n elements costs O(n²) server work.
//!
//! A key that vanishes or changes type between the commands (`WRONGTYPE`) is a concurrent
//! change like any other: reported to the visitor, never an error. Only the dictionaries'
//! key ([`crate::dictionaries::KEY`]) is skipped (`reserved_key`).

use redis::{Connection, RedisError, RedisResult, Value};

use super::budget::BigValue;
use super::cas::{self, At};
use super::error::MigrateError;
use super::reason::Reason;
use super::topology::Node;
use crate::dictionaries::KEY as DICTIONARIES;
use kvcodec::{ValueType, ValueTypes};

/// One HSCAN reply: the next cursor and `(field, value)` pairs.
type HscanPage = (u64, Vec<(Vec<u8>, Vec<u8>)>);

/// Wanted strings are fetched in pipelines holding at most this many bytes of values.
pub const GROUP_BYTES: u64 = 4 * 1024 * 1024;

/// How many times a list that changes while it is walked is walked at most.
pub const LIST_WALKS: usize = 4;

/// A list's length, first and last element (or why there is no list).
#[derive(Debug, PartialEq, Eq)]
enum Shape {
    List(i64, Option<Vec<u8>>, Option<Vec<u8>>),
    Gone,
    OtherType,
}

fn reserved(key: &[u8]) -> bool {
    key == DICTIONARIES.as_bytes()
}

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
    /// A list's walk begins: `attempt` 0, or 1, 2, … when it is walked again because it
    /// changed during the walk before. Forget what was counted of that walk (but not the
    /// values it rewrote: those writes happened).
    fn list_walk(&mut self, attempt: usize) {
        let _ = attempt;
    }
    /// How many compare-and-sets so far found their value changed (a list with any during
    /// its walk is walked again).
    fn changes(&self) -> u64 {
        0
    }
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
        for k in keys.iter().filter(|k| !reserved(k)) {
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
            if reserved(key) {
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

    /// Reads one long string under the big-value permit and hands it to the visitor.
    fn long(&mut self, key: &[u8], len: u64, visit: &mut dyn Visit) -> Result<(), MigrateError> {
        let _permit = BigValue::take();
        match cas::read_string(&mut self.node.con, key, len) {
            Ok(Some(value)) => visit.value(&mut self.node.con, key, At::String, value),
            Ok(None) => {
                visit.skip_key(Reason::Vanished);
                Ok(())
            }
            Err(e) if wrong_type(&e) => {
                visit.skip_key(Reason::TypeChanged);
                Ok(())
            }
            Err(e) => Err(self.err()(e)),
        }
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

    /// Walks a list until a walk meets no change ([`LIST_WALKS`] at most; then `changed`).
    fn list(&mut self, key: &[u8], visit: &mut dyn Visit) -> Result<(), MigrateError> {
        for attempt in 0..LIST_WALKS {
            let before = match self.shape(key)? {
                Shape::Gone => {
                    visit.skip_key(Reason::Vanished);
                    return Ok(());
                }
                Shape::OtherType => {
                    visit.skip_key(Reason::TypeChanged);
                    return Ok(());
                }
                shape => shape,
            };
            visit.list_walk(attempt);
            let changes = visit.changes();
            if !self.list_once(key, visit)? {
                return Ok(());
            }
            if visit.changes() == changes && self.shape(key)? == before {
                return Ok(());
            }
        }
        visit.skip_key(Reason::Changed);
        Ok(())
    }

    /// The list's length, first and last element, read in one transaction.
    fn shape(&mut self, key: &[u8]) -> Result<Shape, MigrateError> {
        let reply: RedisResult<Vec<RedisResult<Value>>> = redis::pipe()
            .atomic()
            .ignore_errors()
            .cmd("LLEN")
            .arg(key)
            .cmd("LINDEX")
            .arg(key)
            .arg(0)
            .cmd("LINDEX")
            .arg(key)
            .arg(-1)
            .query(&mut self.node.con);
        let mut replies = reply.map_err(self.err())?.into_iter();
        let mut next = || -> RedisResult<Value> { replies.next().unwrap_or(Ok(Value::Nil)) };
        let (len, first, last) = (next(), next(), next());
        let element = |v: RedisResult<Value>| -> RedisResult<Option<Vec<u8>>> {
            redis::from_redis_value(v?).map_err(Into::into)
        };
        let shape = (|| {
            let len: i64 = redis::from_redis_value(len?)?;
            Ok::<_, RedisError>((len, element(first)?, element(last)?))
        })();
        match shape {
            Ok((0, _, _)) => Ok(Shape::Gone),
            Ok((len, first, last)) => Ok(Shape::List(len, first, last)),
            Err(e) if wrong_type(&e) => Ok(Shape::OtherType),
            Err(e) => Err(self.err()(e)),
        }
    }

    /// One walk of a list by position; `false` if it changed type meanwhile (reported).
    fn list_once(&mut self, key: &[u8], visit: &mut dyn Visit) -> Result<bool, MigrateError> {
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
                    return Ok(false);
                }
                Err(e) => return Err(self.err()(e)),
            };
            let got = chunk.len() as i64;
            for (i, value) in chunk.into_iter().enumerate() {
                visit.value(&mut self.node.con, key, At::Index(start + i as i64), value)?;
            }
            if got < step {
                return Ok(true);
            }
            start += step;
        }
    }
}
