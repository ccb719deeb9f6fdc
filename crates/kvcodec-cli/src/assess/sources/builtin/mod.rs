//! The built-in corpus `assess` runs on when no source is given: a few hundred values that
//! look like what a Redis/Valkey cache holds, generated from a seed (no data files), so every
//! run and every machine sees the same bytes.
//!
//! # The mix ([`MIX`])
//!
//! | kind (key prefix) | values | sizes | what |
//! |---|---|---|---|
//! | `json-api` (`api:`) | 120 | ~200 B – 64 KiB, log-uniform | API responses: users, orders, products; ids, ISO timestamps, names, nested objects and arrays |
//! | `session` (`session:`) | 60 | ~250 B – 5 KiB | session blobs: random tokens, CSRF, preferences, sometimes a cart or a JWT |
//! | `html` (`page:`) | 40 | ~500 B – 16 KiB, log-uniform | cached HTML fragments (product cards) |
//! | `log` (`log:`) | 60 | ~150 B – 6 KiB | batches of 1–20 log lines (access log and app messages) |
//! | `small` (`counter:`) | 80 | < 64 B | counters, floats, flags, UUIDs, tokens, timestamps, emails |
//! | `binary` (`blob:`) | 40 | 200 B – 48 KiB, log-uniform | already-compressed data (gzip/PNG/JPEG signature + random bytes) |
//!
//! 400 values, about 2 MiB. Each kind draws from its own generator seeded from
//! [`DEFAULT_SEED`] and the kind's position, so changing one kind's count leaves the others'
//! bytes unchanged.

mod json;
mod non_json;
pub(crate) mod rng;
mod words;

use self::rng::Rng;
use crate::assess::sources::{Sample, SourceError, ValueSource};

/// The seed of the built-in corpus.
pub(crate) const DEFAULT_SEED: u64 = 0x6b76_636f_6465_6321; // "kvcodec!"

/// One kind of value in the built-in corpus.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Kind {
    /// Label used in reports.
    pub(crate) name: &'static str,
    /// The key prefix of its values: keys are `prefix:N` (for `--group-by-prefix :`).
    pub(crate) prefix: &'static str,
    /// How many values of this kind.
    pub(crate) count: usize,
    /// Generates one value.
    pub(crate) generate: fn(&mut Rng) -> Vec<u8>,
}

/// The built-in mix (see the module docs).
pub(crate) const MIX: [Kind; 6] = [
    Kind {
        name: "json-api",
        prefix: "api",
        count: 120,
        generate: |r| json::api_response(r, 200, 64 * 1024),
    },
    Kind {
        name: "session",
        prefix: "session",
        count: 60,
        generate: json::session,
    },
    Kind {
        name: "html",
        prefix: "page",
        count: 40,
        generate: |r| non_json::html(r, 500, 16 * 1024),
    },
    Kind {
        name: "log",
        prefix: "log",
        count: 60,
        generate: non_json::logs,
    },
    Kind {
        name: "small",
        prefix: "counter",
        count: 80,
        generate: non_json::small,
    },
    Kind {
        name: "binary",
        prefix: "blob",
        count: 40,
        generate: |r| non_json::binary(r, 200, 48 * 1024),
    },
];

/// The built-in corpus as a [`ValueSource`]: the kinds of [`MIX`] one after another.
#[derive(Debug, Clone)]
pub(crate) struct Builtin {
    seed: u64,
    kind: usize,
    done: usize,
    rng: Rng,
}

impl Builtin {
    /// The corpus for `seed` ([`DEFAULT_SEED`] for the documented one).
    pub(crate) fn new(seed: u64) -> Self {
        Builtin {
            seed,
            kind: 0,
            done: 0,
            rng: Self::rng_for(seed, 0),
        }
    }

    fn rng_for(seed: u64, kind: usize) -> Rng {
        Rng::new(seed ^ (kind as u64 + 1).wrapping_mul(0xA076_1D64_78BD_642F))
    }
}

impl Iterator for Builtin {
    type Item = Result<Sample, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let kind = MIX.get(self.kind)?;
            if self.done < kind.count {
                self.done += 1;
                let bytes = (kind.generate)(&mut self.rng);
                return Some(Ok(Sample {
                    kind: kind.name,
                    bytes,
                    key: Some(format!("{}:{}", kind.prefix, self.done)),
                    stored: None,
                }));
            }
            self.kind += 1;
            self.done = 0;
            self.rng = Self::rng_for(self.seed, self.kind);
        }
    }
}

impl ValueSource for Builtin {
    fn describe(&self) -> String {
        if self.seed == DEFAULT_SEED {
            "built-in corpus (synthetic cache values, default seed)".to_owned()
        } else {
            format!(
                "built-in corpus (synthetic cache values, seed {:#x})",
                self.seed
            )
        }
    }
}

/// The documented built-in corpus, collected (for tests).
#[cfg(test)]
pub(crate) fn builtin() -> crate::assess::sources::Corpus {
    let source = Builtin::new(DEFAULT_SEED);
    crate::assess::sources::Corpus {
        source: source.describe(),
        // The generators cannot fail: every item is `Ok`.
        samples: source.flatten().collect(),
        warnings: Vec::new(),
        server: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::sources::Corpus;

    #[test]
    fn same_seed_same_bytes() {
        let a = builtin();
        let b = builtin();
        assert_eq!(a.samples, b.samples);
        let other = Corpus::gather(Builtin::new(1)).unwrap();
        assert_ne!(a.samples, other.samples);
    }

    #[test]
    fn mix_matches_the_documentation() {
        let corpus = builtin();
        assert_eq!(corpus.samples.len(), 400);
        let total = corpus.total_bytes();
        assert!((1_000_000..4_000_000).contains(&total), "total {total}");
        for kind in MIX {
            let sizes: Vec<usize> = corpus
                .samples
                .iter()
                .filter(|s| s.kind == kind.name)
                .map(|s| s.bytes.len())
                .collect();
            assert_eq!(sizes.len(), kind.count, "{}", kind.name);
            let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            let (lo, hi) = match kind.name {
                "json-api" => (150, 64 * 1024),
                "session" => (200, 6 * 1024),
                "html" => (400, 16 * 1024),
                "log" => (100, 8 * 1024),
                "small" => (1, 63),
                _ => (200, 48 * 1024),
            };
            assert!(lo <= *min && *max <= hi, "{}: {min}..={max}", kind.name);
        }
    }

    #[test]
    fn text_kinds_are_utf8_and_json_parses() {
        for s in builtin().samples {
            match s.kind {
                "json-api" | "session" => {
                    serde_json::from_slice::<serde_json::Value>(&s.bytes).unwrap();
                }
                "binary" => {}
                _ => assert!(std::str::from_utf8(&s.bytes).is_ok(), "{}", s.kind),
            }
        }
    }
}
