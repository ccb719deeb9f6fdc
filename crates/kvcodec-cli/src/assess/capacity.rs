//! The capacity question against a live server: what `kvcodec migrate` with the recommended
//! configuration would do to the server's own figures — `used_memory` now and after, from
//! `MEMORY USAGE` of the sampled keys and `DBSIZE`, extrapolated from the sample.
//!
//! # The projection
//!
//! A migration (`--types strings`, as GLIDE clients compress) replaces each plain string value
//! of `n` bytes that the policy compresses by one of `m` bytes. The server keeps a string value
//! longer than 44 bytes in an allocation of its own, an sds string: a header (3 bytes up to
//! 255, 5 up to 64 KiB, 9 beyond), the bytes and a terminating zero, rounded up by the
//! server's allocator (`mem_allocator` of `INFO memory`) to its size class — jemalloc: 8, 16,
//! …, 128, then four classes per doubling; glibc malloc (`libc`, e.g. Valkey builds without
//! jemalloc): 16-byte steps plus 8 bytes of chunk header. So the server frees
//! `class(sds(n)) − class(sds(m))` per value: [`freed`]. The sampled keys'
//! freed bytes, times `DBSIZE / sampled keys`, are taken off `used_memory` (with `--match`,
//! not extrapolated: DBSIZE also counts keys the pattern does not match). Hash values and list
//! elements (which a strings-only migration leaves alone) and values already compressed
//! count as freeing nothing.

use std::collections::HashMap;

use serde::Serialize;

use super::sources::Corpus;
use crate::units::pct;

/// What the live source measured on the server, after sampling.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ServerFigures {
    /// `redis 7.0.15`, `valkey 9.1.0` (the first primary's; `INFO server`).
    pub(crate) server: String,
    /// `mem_allocator` of `INFO memory` (`jemalloc-5.3.0`, `libc`).
    pub(crate) allocator: String,
    /// Sum of `used_memory` over the primaries (`INFO memory`), bytes.
    pub(crate) used_memory: u64,
    /// Sum of `DBSIZE` over the primaries.
    pub(crate) dbsize: u64,
    /// The keys the sample stands for: `dbsize`, or with `--match` (DBSIZE counts keys the
    /// pattern does not match) the sampled keys themselves.
    pub(crate) keys_in_scope: u64,
    /// `MEMORY USAGE` of each sampled key, bytes.
    #[serde(skip)]
    pub(crate) memory_usage: HashMap<String, u64>,
}

/// The projection ([module docs](self)).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Capacity {
    /// The server and version.
    pub(crate) server: String,
    /// Its allocator (`mem_allocator`), whose size classes the projection rounds to.
    pub(crate) allocator: String,
    /// The configuration projected (the recommended codec and min size).
    pub(crate) codec: String,
    /// Its min size.
    pub(crate) min_size: usize,
    /// Keys in the database now (sum of `DBSIZE`).
    pub(crate) dbsize: u64,
    /// Distinct keys the sample came from.
    pub(crate) keys_sampled: u64,
    /// `DBSIZE / keys_sampled` (1 with `--match`): what the sample's figures are multiplied by.
    pub(crate) extrapolation: f64,
    /// `MEMORY USAGE` of the sampled keys now, bytes.
    pub(crate) sampled_memory_usage: u64,
    /// The same keys after the migration, bytes.
    pub(crate) sampled_memory_usage_after: u64,
    /// `used_memory` now, bytes.
    pub(crate) used_memory: u64,
    /// `used_memory` projected after `kvcodec migrate --to CODEC --min-size MIN`, bytes.
    pub(crate) used_memory_after: u64,
    /// `used_memory − used_memory_after`.
    pub(crate) projected_freed_bytes: u64,
    /// Freed, in percent of `used_memory`.
    pub(crate) projected_freed_pct: f64,
    /// What is projected, in words.
    pub(crate) scope: &'static str,
}

/// What the projection covers.
pub(crate) const SCOPE: &str = "plain string values (kvcodec migrate --types strings, what GLIDE \
                                clients compress); hash values, list elements and values \
                                already compressed are counted as unchanged";

/// The bytes an allocation of `n` bytes takes under `allocator` (`mem_allocator`): glibc's
/// usable size for `libc`, else jemalloc's size class.
pub(crate) fn allocation(allocator: &str, n: u64) -> u64 {
    match allocator {
        "libc" => ((n + 8).div_ceil(16) * 16).max(32) - 8,
        _ => size_class(n),
    }
}

/// jemalloc's size class of an allocation of `n` bytes.
pub(crate) fn size_class(n: u64) -> u64 {
    match n {
        0..=8 => 8,
        9..=128 => n.div_ceil(16) * 16,
        _ => {
            let k = 63 - (n - 1).leading_zeros() as u64; // floor(log2(n - 1))
            let step = 1u64 << (k - 2);
            n.div_ceil(step) * step
        }
    }
}

/// Bytes of the allocation holding a string value of `len` bytes (sds header, bytes, NUL).
pub(crate) fn sds_alloc(allocator: &str, len: u64) -> u64 {
    let header = match len {
        0..256 => 3,
        256..65536 => 5,
        _ => 9,
    };
    allocation(allocator, header + len + 1)
}

/// Bytes the server frees when a string value of `now` bytes is replaced by one of `after`.
pub(crate) fn freed(allocator: &str, now: u64, after: u64) -> i64 {
    sds_alloc(allocator, now) as i64 - sds_alloc(allocator, after) as i64
}

/// The projection for `corpus` (sampled from the server of `figures`), whose values would
/// be stored in `after[i]` bytes under `codec` at `min_size`.
pub(crate) fn project(
    corpus: &Corpus,
    figures: &ServerFigures,
    after: &[usize],
    codec: &str,
    min_size: usize,
) -> Capacity {
    let mut freed_sample: i64 = 0;
    for (s, &after) in corpus.samples.iter().zip(after) {
        match &s.stored {
            Some(st) if s.kind == "string" && !st.compressed => {
                freed_sample += freed(&figures.allocator, st.len as u64, after as u64);
            }
            _ => {}
        }
    }
    let keys_sampled = figures.memory_usage.len() as u64;
    let sampled: u64 = figures.memory_usage.values().sum();
    let extrapolation = figures.keys_in_scope.max(keys_sampled) as f64 / keys_sampled.max(1) as f64;
    let freed_total = (freed_sample.max(0) as f64 * extrapolation).round() as u64;
    let freed_total = freed_total.min(figures.used_memory);
    Capacity {
        server: figures.server.clone(),
        allocator: figures.allocator.clone(),
        codec: codec.to_owned(),
        min_size,
        dbsize: figures.dbsize,
        keys_sampled,
        extrapolation,
        sampled_memory_usage: sampled,
        sampled_memory_usage_after: sampled.saturating_sub(freed_sample.max(0) as u64),
        used_memory: figures.used_memory,
        used_memory_after: figures.used_memory - freed_total,
        projected_freed_bytes: freed_total,
        projected_freed_pct: pct(freed_total as f64, figures.used_memory as f64),
        scope: SCOPE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::sources::{Sample, Stored};

    #[test]
    fn size_classes_are_jemallocs() {
        let classes: Vec<u64> = [1, 8, 9, 16, 17, 128, 129, 160, 161, 1024, 1025, 5000]
            .map(size_class)
            .to_vec();
        assert_eq!(
            classes,
            [8, 8, 16, 16, 32, 128, 160, 160, 192, 1024, 1280, 5120]
        );
        let je = "jemalloc-5.3.0";
        assert_eq!(sds_alloc(je, 1000), size_class(1006));
        assert_eq!(freed(je, 2000, 600), 2048 - 640);
        assert_eq!(freed(je, 100, 100), 0);
        // glibc: 16-byte chunks with an 8-byte header, 24 usable bytes at least.
        let usable: Vec<u64> = [1, 24, 25, 40, 41, 1006]
            .map(|n| allocation("libc", n))
            .to_vec();
        assert_eq!(usable, [24, 24, 40, 40, 56, 1016]);
    }

    #[test]
    fn projects_strings_and_extrapolates() {
        let sample = |kind, len, compressed| Sample {
            kind,
            bytes: vec![b'x'; len],
            key: Some(format!("k{len}")),
            stored: Some(Stored { len, compressed }),
        };
        let corpus = Corpus {
            source: "t".into(),
            samples: vec![
                sample("string", 2000, false),
                sample("string", 1000, true),
                sample("hash value", 3000, false),
            ],
            warnings: Vec::new(),
            server: None,
        };
        let figures = ServerFigures {
            server: "valkey 9.1.0".into(),
            allocator: "jemalloc-5.3.0".into(),
            used_memory: 1_000_000,
            dbsize: 30,
            keys_in_scope: 30,
            memory_usage: [("a", 2100), ("b", 1100), ("c", 3200)]
                .map(|(k, v)| (k.to_owned(), v))
                .into(),
        };
        let c = project(&corpus, &figures, &[600, 300, 900], "zstd:3", 64);
        let freed = (2048 - 640) as u64;
        assert_eq!(c.extrapolation, 10.0);
        assert_eq!(c.projected_freed_bytes, freed * 10);
        assert_eq!(c.used_memory_after, 1_000_000 - freed * 10);
        assert_eq!(c.sampled_memory_usage, 6400);
        assert_eq!(c.sampled_memory_usage_after, 6400 - freed);
        // With `--match`, the 3 sampled keys stand for themselves, not for DBSIZE's 30.
        let matched = ServerFigures {
            keys_in_scope: 3,
            ..figures
        };
        let c = project(&corpus, &matched, &[600, 300, 900], "zstd:3", 64);
        assert_eq!(c.extrapolation, 1.0);
        assert_eq!(c.projected_freed_bytes, freed);
    }
}
