//! [`LiveSource`]: values sampled from a live server, for `assess --url` and `dict train --url`.
//!
//! It never blocks the server: keys come from `SCAN … COUNT` (never `KEYS`), hash values from
//! `HSCAN … COUNT`, list elements from `LRANGE` in chunks, and the key types and string values
//! of each SCAN batch are fetched in one pipeline. On a cluster every primary is visited over
//! a direct connection, one SCAN batch from each in turn, so the sample spreads over all of
//! them. Sampling stops after `limit` values. Values that are already compressed (any
//! compiled-in codec, zstd with the server's dictionaries) are decoded, so the sample is plain
//! data; one that does not decode is left out and counted in a warning. kvcodec's own
//! `kvcodec:` keys are skipped.

use std::collections::VecDeque;

use kvcodec::{Engine, OnCorrupt};
use kvcodec_redis::dictionaries::RESERVED_PREFIX;
use kvcodec_redis::migrate::nodes::Node;
use redis::{Connection, RedisResult};

use crate::error::CliError;
use crate::server::ServerUrl;
use crate::source::{Sample, ValueSource};

/// One HSCAN reply: the next cursor and `(field, value)` pairs.
type HscanPage = (u64, Vec<(Vec<u8>, Vec<u8>)>);

/// Largest decoded value read into a sample.
pub const MAX_VALUE: usize = 64 * 1024 * 1024;

struct NodeScan {
    node: Node,
    cursor: u64,
    done: bool,
}

/// Values of a live server, as a [`ValueSource`].
pub struct LiveSource {
    description: String,
    nodes: Vec<NodeScan>,
    turn: usize,
    pattern: Option<String>,
    count: usize,
    limit: usize,
    yielded: usize,
    buffer: VecDeque<Sample>,
    reader: Engine,
    undecodable: usize,
    finished: bool,
}

impl LiveSource {
    /// Connects to every primary of `server`; samples at most `limit` values of keys matching
    /// `pattern`, `count` keys per SCAN call.
    pub fn open(
        server: &ServerUrl,
        pattern: Option<String>,
        limit: usize,
        count: usize,
    ) -> Result<Self, CliError> {
        let mut con = server.connect()?;
        let reader = server.reader(&mut *con, MAX_VALUE, OnCorrupt::Error)?;
        let nodes = server.primaries()?;
        let description = format!(
            "server {} ({} primar{}), keys matching `{}`, up to {limit} values in SCAN order \
             (strings, hash values, list elements; compressed values decoded)",
            server.addr(),
            nodes.len(),
            if nodes.len() == 1 { "y" } else { "ies" },
            pattern.as_deref().unwrap_or("*"),
        );
        Ok(LiveSource {
            description,
            nodes: nodes
                .into_iter()
                .map(|node| NodeScan {
                    node,
                    cursor: 0,
                    done: false,
                })
                .collect(),
            turn: 0,
            pattern,
            count: count.max(1),
            limit,
            yielded: 0,
            buffer: VecDeque::new(),
            reader,
            undecodable: 0,
            finished: false,
        })
    }

    /// Values that had a header but did not decode, left out so far.
    pub fn undecodable(&self) -> usize {
        self.undecodable
    }

    /// Values still wanted.
    fn room(&self) -> usize {
        self.limit.saturating_sub(self.yielded + self.buffer.len())
    }

    /// Keeps the plain form of a stored value.
    fn push(&mut self, kind: &'static str, stored: Vec<u8>) {
        if self.room() == 0 {
            return;
        }
        match self.reader.decompress(&stored) {
            Ok(Some(plain)) => self.buffer.push_back(Sample { kind, bytes: plain }),
            Ok(None) => self.buffer.push_back(Sample {
                kind,
                bytes: stored,
            }),
            Err(_) => self.undecodable += 1,
        }
    }

    /// One SCAN batch of node `i` into the buffer.
    fn scan(&mut self, i: usize) -> RedisResult<()> {
        let n = &mut self.nodes[i];
        let mut scan = redis::cmd("SCAN");
        scan.arg(n.cursor);
        if let Some(p) = &self.pattern {
            scan.arg("MATCH").arg(p);
        }
        let (next, keys): (u64, Vec<Vec<u8>>) =
            scan.arg("COUNT").arg(self.count).query(&mut n.node.con)?;
        n.cursor = next;
        n.done = next == 0;
        let keys: Vec<Vec<u8>> = keys
            .into_iter()
            .filter(|k| !k.starts_with(RESERVED_PREFIX))
            .collect();
        if keys.is_empty() {
            // SCAN MATCH often returns no key in a batch; an empty pipeline is an error.
            return Ok(());
        }
        let mut types = redis::pipe();
        for k in &keys {
            types.cmd("TYPE").arg(k);
        }
        let types: Vec<String> = types.query(&mut n.node.con)?;
        let strings: Vec<&Vec<u8>> = keys
            .iter()
            .zip(&types)
            .filter(|(_, t)| *t == "string")
            .map(|(k, _)| k)
            .collect();
        let mut gets = redis::pipe();
        for k in &strings {
            gets.cmd("GET").arg(*k);
        }
        let values: Vec<Option<Vec<u8>>> = if strings.is_empty() {
            Vec::new()
        } else {
            gets.query(&mut n.node.con)?
        };
        for value in values.into_iter().flatten() {
            self.push("string", value);
        }
        for (key, kind) in keys.iter().zip(&types) {
            match kind.as_str() {
                "hash" => self.hash(i, key)?,
                "list" => self.list(i, key)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn con(&mut self, i: usize) -> &mut Connection {
        &mut self.nodes[i].node.con
    }

    fn hash(&mut self, i: usize, key: &[u8]) -> RedisResult<()> {
        let mut cursor = 0u64;
        while self.room() > 0 {
            let count = self.count;
            let (next, pairs): HscanPage = redis::cmd("HSCAN")
                .arg(key)
                .arg(cursor)
                .arg("COUNT")
                .arg(count)
                .query(self.con(i))?;
            for (_, value) in pairs {
                self.push("hash value", value);
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
        Ok(())
    }

    fn list(&mut self, i: usize, key: &[u8]) -> RedisResult<()> {
        let mut start = 0i64;
        while self.room() > 0 {
            let end = start + self.room().min(self.count) as i64 - 1;
            let chunk: Vec<Vec<u8>> = redis::cmd("LRANGE")
                .arg(key)
                .arg(start)
                .arg(end)
                .query(self.con(i))?;
            let got = chunk.len() as i64;
            for value in chunk {
                self.push("list element", value);
            }
            if got < end - start + 1 {
                break;
            }
            start = end + 1;
        }
        Ok(())
    }

    fn finish(&mut self) -> Option<Result<Sample, CliError>> {
        if !self.finished && self.undecodable > 0 {
            eprintln!(
                "kvcodec: warning: {} compressed values did not decode (unknown codec or dictionary, corrupt, or over {} MiB) and were left out",
                self.undecodable,
                MAX_VALUE >> 20
            );
        }
        self.finished = true;
        None
    }
}

impl Iterator for LiveSource {
    type Item = Result<Sample, CliError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.finished || self.yielded >= self.limit {
                return self.finish();
            }
            if let Some(sample) = self.buffer.pop_front() {
                self.yielded += 1;
                return Some(Ok(sample));
            }
            let len = self.nodes.len();
            let Some(i) = (0..len)
                .map(|k| (self.turn + k) % len)
                .find(|&i| !self.nodes[i].done)
            else {
                return self.finish();
            };
            self.turn = i + 1;
            if let Err(e) = self.scan(i) {
                self.finished = true;
                let addr = self.nodes[i].node.addr.clone();
                return Some(Err(CliError::failure(format!(
                    "{addr}: sampling values failed: {e}"
                ))));
            }
        }
    }
}

impl ValueSource for LiveSource {
    fn describe(&self) -> String {
        self.description.clone()
    }
}
