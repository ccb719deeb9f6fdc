//! `assess --group-by-prefix SEP`: counts, bytes and savings of the recommended configuration
//! per key prefix (the part of each key before the first `SEP`), so an operator sees which part
//! of the keyspace the memory is in and which part the savings come from.

use serde::Serialize;

use super::sources::Corpus;
use crate::units::pct;

/// Most prefixes listed one by one; the smaller ones are summed in one row.
pub(crate) const MAX_PREFIXES: usize = 30;

/// The label of values whose key has no separator.
pub(crate) const NO_PREFIX: &str = "(no prefix)";

/// The label of the row summing the prefixes beyond [`MAX_PREFIXES`].
pub(crate) const OTHER: &str = "(other prefixes)";

/// The figures per key prefix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PrefixGroups {
    /// The separator (`:`).
    pub(crate) separator: String,
    /// The configuration the stored bytes are for (the recommended codec at its min size).
    pub(crate) codec: String,
    /// Its min size.
    pub(crate) min_size: usize,
    /// One row per prefix, most plain bytes first; at most [`MAX_PREFIXES`], then
    /// [`OTHER`].
    pub(crate) groups: Vec<PrefixGroup>,
}

/// One key prefix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PrefixGroup {
    /// The prefix without the separator, [`NO_PREFIX`] or [`OTHER`].
    pub(crate) prefix: String,
    /// Values sampled with it.
    pub(crate) values: usize,
    /// Their plain bytes.
    pub(crate) plain_bytes: u64,
    /// Their stored bytes under the configuration.
    pub(crate) stored_bytes: u64,
    /// Saved, in percent of `plain_bytes`.
    pub(crate) savings_pct: f64,
    /// This prefix's share of all plain bytes, in percent.
    pub(crate) bytes_share_pct: f64,
    /// This prefix's share of all bytes saved, in percent.
    pub(crate) savings_share_pct: f64,
}

/// The prefix of `key` before the first `sep`, or [`NO_PREFIX`].
pub(crate) fn prefix<'k>(key: Option<&'k str>, sep: &str) -> &'k str {
    match key.and_then(|k| k.split_once(sep)) {
        Some((p, _)) => p,
        None => NO_PREFIX,
    }
}

/// Groups `corpus` by key prefix; `stored[i]` is the stored length of value `i`.
pub(crate) fn group(
    corpus: &Corpus,
    stored: &[usize],
    sep: &str,
    codec: &str,
    min_size: usize,
) -> PrefixGroups {
    let mut rows: Vec<PrefixGroup> = Vec::new();
    for (sample, &stored) in corpus.samples.iter().zip(stored) {
        let p = prefix(sample.key.as_deref(), sep);
        let i = match rows.iter().position(|g| g.prefix == p) {
            Some(i) => i,
            None => {
                rows.push(PrefixGroup::new(p));
                rows.len() - 1
            }
        };
        let g = &mut rows[i];
        g.values += 1;
        g.plain_bytes += sample.bytes.len() as u64;
        g.stored_bytes += stored as u64;
    }
    rows.sort_by(|a, b| {
        b.plain_bytes
            .cmp(&a.plain_bytes)
            .then(a.prefix.cmp(&b.prefix))
    });
    if rows.len() > MAX_PREFIXES {
        let mut other = PrefixGroup::new(OTHER);
        for g in rows.drain(MAX_PREFIXES - 1..) {
            other.values += g.values;
            other.plain_bytes += g.plain_bytes;
            other.stored_bytes += g.stored_bytes;
        }
        rows.push(other);
    }
    let plain: u64 = rows.iter().map(|g| g.plain_bytes).sum();
    let saved: i64 = rows.iter().map(PrefixGroup::saved).sum();
    for g in &mut rows {
        g.savings_pct = pct(g.saved() as f64, g.plain_bytes as f64);
        g.bytes_share_pct = pct(g.plain_bytes as f64, plain as f64);
        g.savings_share_pct = pct(g.saved() as f64, saved as f64);
    }
    PrefixGroups {
        separator: sep.to_owned(),
        codec: codec.to_owned(),
        min_size,
        groups: rows,
    }
}

impl PrefixGroup {
    fn new(prefix: &str) -> Self {
        PrefixGroup {
            prefix: prefix.to_owned(),
            values: 0,
            plain_bytes: 0,
            stored_bytes: 0,
            savings_pct: 0.0,
            bytes_share_pct: 0.0,
            savings_share_pct: 0.0,
        }
    }

    fn saved(&self) -> i64 {
        self.plain_bytes as i64 - self.stored_bytes as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::sources::Sample;

    fn corpus(keys: &[Option<&str>]) -> Corpus {
        Corpus {
            source: "test".into(),
            samples: keys
                .iter()
                .map(|k| Sample {
                    kind: "t",
                    bytes: vec![b'a'; 100],
                    key: k.map(str::to_owned),
                    stored: None,
                })
                .collect(),
            warnings: Vec::new(),
            server: None,
        }
    }

    #[test]
    fn groups_by_the_part_before_the_first_separator() {
        let c = corpus(&[
            Some("user:1:a"),
            Some("user:2"),
            Some("sess:9"),
            Some("x"),
            None,
        ]);
        let g = group(&c, &[10, 20, 100, 50, 100], ":", "zstd:3", 64);
        let rows: Vec<(&str, usize, u64, u64)> = g
            .groups
            .iter()
            .map(|g| (g.prefix.as_str(), g.values, g.plain_bytes, g.stored_bytes))
            .collect();
        assert_eq!(
            rows,
            [
                ("(no prefix)", 2, 200, 150),
                ("user", 2, 200, 30),
                ("sess", 1, 100, 100)
            ]
        );
        let user = &g.groups[1];
        assert_eq!(user.savings_pct, 85.0);
        assert_eq!(user.bytes_share_pct, 40.0);
        assert_eq!(user.savings_share_pct, 170.0 / 220.0 * 100.0);
    }

    #[test]
    fn many_prefixes_end_in_one_other_row() {
        let keys: Vec<String> = (0..50).map(|i| format!("p{i:02}:x")).collect();
        let c = corpus(&keys.iter().map(|k| Some(k.as_str())).collect::<Vec<_>>());
        let g = group(&c, &[50; 50], ":", "lz4", 64);
        assert_eq!(g.groups.len(), MAX_PREFIXES);
        let other = g.groups.last().unwrap();
        assert_eq!((other.prefix.as_str(), other.values), (OTHER, 21));
    }
}
