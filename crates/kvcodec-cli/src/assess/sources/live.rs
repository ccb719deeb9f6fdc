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

use std::collections::VecDeque;

use kvcodec::{Decoded, Engine, OnCorrupt};
use kvcodec_redis::migrate::cas::At;
use kvcodec_redis::migrate::{MigrateError, Reason, Visit, Walker};
use redis::Connection;

use crate::assess::sources::{Sample, SourceError, ValueSource};
use crate::live::error::LiveError;
use crate::live::server::ServerUrl;

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
}

/// The walker's visitor: keeps the plain form of each value while there is room.
struct Sampler {
    buffer: VecDeque<Sample>,
    room: usize,
    reader: Engine,
    undecodable: usize,
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
        let key = Some(String::from_utf8_lossy(key).into_owned());
        match self.reader.decode_outcome(&stored) {
            Ok(Decoded::Decompressed(plain)) => self.buffer.push_back(Sample {
                kind,
                bytes: plain,
                key,
            }),
            Ok(Decoded::Plain) => self.buffer.push_back(Sample {
                kind,
                bytes: stored,
                key,
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
            },
            finished: false,
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
