//! [`LiveSource`]: values sampled from a live server, for `assess --url` and `dict train --url`.
//!
//! It never blocks the server: it is the migration's pipelined value walker
//! (`kvcodec_redis::migrate::Walker`: `SCAN … COUNT`, never `KEYS`; hash values from `HSCAN`,
//! list elements from `LRANGE` chunks). On a cluster every primary is visited over a direct
//! connection, one SCAN batch from each in turn, so the sample spreads over all of them.
//! Sampling stops after `limit` values. Values that are already compressed (any compiled-in
//! codec, zstd with the server's dictionaries) are decoded, so the sample is plain data; one
//! that does not decode is left out and counted in a warning ([`ValueSource::warnings`]).
//! kvcodec's own key (the dictionaries, `kvcodec:dictionaries`) is skipped.

use std::collections::{HashMap, HashSet, VecDeque};

use kvcodec::{Decoded, Engine, OnCorrupt};
use kvcodec_redis::migrate::cas::At;
use kvcodec_redis::migrate::{MigrateError, Reason, Visit, Walker};
use redis::Connection;

use crate::assess::capacity::ServerFigures;
use crate::assess::sources::{Sample, SourceError, Stored, ValueSource};
use crate::live::error::LiveError;
use crate::live::server::{self, ServerUrl};

/// Largest decoded value read into a sample.
pub(crate) const MAX_VALUE: usize = 64 * 1024 * 1024;

/// Values of a live server, as a [`ValueSource`].
pub(crate) struct LiveSource {
    description: String,
    walkers: Vec<Walker>,
    turn: usize,
    limit: usize,
    yielded: usize,
    sampler: Sampler,
    finished: bool,
    /// `--match` given: the projection covers the sampled keys only.
    matched: bool,
}

/// The walker's visitor: keeps the plain form of each value while there is room.
struct Sampler {
    buffer: VecDeque<Sample>,
    room: usize,
    reader: Engine,
    undecodable: usize,
    /// The walker being walked.
    walker: usize,
    /// The distinct keys sampled, with the walker (primary) each came from.
    keys: Vec<(usize, Vec<u8>)>,
    seen: HashSet<Vec<u8>>,
}

impl Visit for Sampler {
    fn begin_key(&mut self) -> bool {
        self.room > 0
    }

    fn skip_key(&mut self, _: Reason) {}

    fn peek(&mut self, _: &[u8], _: u64) -> bool {
        self.room > 0
    }

    fn value(
        &mut self,
        _: &mut Connection,
        key: &[u8],
        at: At,
        stored: Vec<u8>,
    ) -> Result<(), MigrateError> {
        if self.room == 0 {
            return Ok(());
        }
        let kind = match at {
            At::String => "string",
            At::Field(_) => "hash value",
            At::Index(_) => "list element",
        };
        if self.seen.insert(key.to_vec()) {
            self.keys.push((self.walker, key.to_vec()));
        }
        let key = Some(String::from_utf8_lossy(key).into_owned());
        let len = stored.len();
        match self.reader.decode_outcome(&stored) {
            Ok(Decoded::Decompressed(plain)) => self.buffer.push_back(Sample {
                kind,
                bytes: plain,
                key,
                stored: Some(Stored {
                    len,
                    compressed: true,
                }),
            }),
            Ok(Decoded::Plain) => self.buffer.push_back(Sample {
                kind,
                bytes: stored,
                key,
                stored: Some(Stored {
                    len,
                    compressed: false,
                }),
            }),
            Ok(Decoded::ReturnedAsStored(_)) | Err(_) => {
                self.undecodable += 1;
                return Ok(());
            }
        }
        self.room -= 1;
        Ok(())
    }
}

impl LiveSource {
    /// Connects to every primary of `server`; samples at most `limit` values of keys matching
    /// `pattern`, `count` keys per SCAN call.
    pub(crate) fn open(
        server: &ServerUrl,
        pattern: Option<String>,
        limit: usize,
        count: usize,
    ) -> Result<Self, LiveError> {
        let (topology, nodes) = server.topology()?;
        let mut con = server.connect_to(topology.cluster)?;
        let reader = server.reader(&mut *con, MAX_VALUE, OnCorrupt::Error)?;
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
            walkers: nodes
                .into_iter()
                .map(|node| Walker::new(node, 0, pattern.clone(), count.max(1)))
                .collect(),
            turn: 0,
            limit,
            yielded: 0,
            sampler: Sampler {
                buffer: VecDeque::new(),
                room: limit,
                reader,
                undecodable: 0,
                walker: 0,
                keys: Vec::new(),
                seen: HashSet::new(),
            },
            finished: false,
            matched: pattern.is_some(),
        })
    }

    fn finish(&mut self) -> Option<Result<Sample, SourceError>> {
        self.finished = true;
        None
    }
}

impl Iterator for LiveSource {
    type Item = Result<Sample, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.finished || self.yielded >= self.limit {
                return self.finish();
            }
            if let Some(sample) = self.sampler.buffer.pop_front() {
                self.yielded += 1;
                return Some(Ok(sample));
            }
            if self.sampler.room == 0 {
                return self.finish();
            }
            let len = self.walkers.len();
            let Some(i) = (0..len)
                .map(|k| (self.turn + k) % len)
                .find(|&i| !self.walkers[i].done)
            else {
                return self.finish();
            };
            self.turn = i + 1;
            self.sampler.walker = i;
            if let Err(e) = self.walkers[i].batch(&mut self.sampler) {
                self.finished = true;
                return Some(Err(SourceError::Sampling(e)));
            }
        }
    }
}

impl ValueSource for LiveSource {
    fn describe(&self) -> String {
        self.description.clone()
    }

    /// `INFO server` and `INFO memory` of every primary, `DBSIZE`, and `MEMORY USAGE` of
    /// every sampled key (pipelined per primary).
    fn server_figures(&mut self) -> Result<Option<ServerFigures>, SourceError> {
        let mut figures = ServerFigures {
            server: String::new(),
            allocator: String::new(),
            used_memory: 0,
            dbsize: 0,
            keys_in_scope: 0,
            memory_usage: HashMap::new(),
        };
        for (i, walker) in self.walkers.iter_mut().enumerate() {
            let node = &mut walker.node;
            let addr = node.addr.clone();
            let fail = |source| {
                let node = addr.clone();
                SourceError::Sampling(MigrateError::Node { node, source })
            };
            let info: redis::InfoDict = redis::cmd("INFO")
                .arg("server")
                .arg("memory")
                .query(&mut node.con)
                .map_err(fail)?;
            if figures.server.is_empty() {
                figures.server = server::server_version(&info);
                figures.allocator = info.get("mem_allocator").unwrap_or_default();
            }
            figures.used_memory += info.get::<u64>("used_memory").unwrap_or(0);
            let dbsize: u64 = redis::cmd("DBSIZE").query(&mut node.con).map_err(fail)?;
            let keys: Vec<&Vec<u8>> = (self.sampler.keys.iter())
                .filter(|(w, _)| *w == i)
                .map(|(_, k)| k)
                .collect();
            let mut pipe = redis::pipe();
            for k in &keys {
                pipe.cmd("MEMORY").arg("USAGE").arg(k.as_slice());
            }
            let usage: Vec<Option<u64>> = match keys.is_empty() {
                true => Vec::new(),
                false => pipe.query(&mut node.con).map_err(fail)?,
            };
            figures.dbsize += dbsize;
            for (k, n) in keys.into_iter().zip(usage) {
                // `None`: the key is gone since it was sampled (it uses nothing now).
                let key = String::from_utf8_lossy(k).into_owned();
                figures.memory_usage.insert(key, n.unwrap_or(0));
            }
        }
        // DBSIZE counts keys a `--match` pattern does not match: extrapolate to it only
        // without one.
        figures.keys_in_scope = match self.matched {
            false => figures.dbsize,
            true => figures.memory_usage.len() as u64,
        };
        Ok(Some(figures))
    }

    /// How many compressed values did not decode and were left out, when any did.
    fn warnings(&self) -> Vec<String> {
        match self.sampler.undecodable {
            0 => Vec::new(),
            n => vec![format!(
                "{n} compressed values did not decode (unknown codec or dictionary, corrupt, or over {} MiB) and were left out",
                MAX_VALUE >> 20
            )],
        }
    }
}
