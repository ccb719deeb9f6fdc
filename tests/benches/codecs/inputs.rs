//! The benchmark inputs: deterministic values, and the small-record set for the dictionary
//! comparison. Same bytes on every machine and every run.

use std::sync::Arc;

use kvcodec_tests::{SplitMix64, html_page, incompressible, json_value};
use kvcodec_zstd::ZstdCodec;

use crate::contender::{Contender, zstd};

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// One benchmark group's value.
pub struct Input {
    /// Group name, e.g. `json-1KiB`.
    pub name: String,
    pub data: Vec<u8>,
}

/// JSON records of 100 B, 1 KiB and 64 KiB, a 128 KiB HTML page, 1 MiB of text, 16 KiB of
/// noise. `full = false`
/// (the one-shot test run, an unoptimised build) takes 64 KiB of text instead of 1 MiB.
pub fn inputs(full: bool) -> Vec<Input> {
    let (text_name, text_len) = if full {
        ("text-1MiB", MIB)
    } else {
        ("text-64KiB", 64 * KIB)
    };
    let input = |name: &str, data| Input {
        name: name.to_owned(),
        data,
    };
    vec![
        input("json-100B", json_value(100, 1)),
        input("json-1KiB", json_value(KIB, 2)),
        input("json-64KiB", json_value(64 * KIB, 3)),
        input(HTML, html_page(128 * KIB, 6)),
        input(text_name, kvcodec::conformance::text(text_len, 4)),
        input("random-16KiB", incompressible(16 * KIB, 5)),
    ]
}

/// The values of one named input: the groups of [`inputs`] (one value each, `text-1MiB` in
/// full), `text-16MiB`, and `json-60-300B`, [`SMALL_JSON`] values of 60 to 300 bytes.
pub fn values(name: &str) -> Vec<Vec<u8>> {
    match name {
        SMALL => small_json(),
        "text-1MiB" => vec![kvcodec::conformance::text(MIB, 4)],
        "text-16MiB" => vec![kvcodec::conformance::text(16 * MIB, 4)],
        _ => {
            let one = inputs(false).into_iter().find(|i| i.name == name);
            vec![one.unwrap_or_else(|| panic!("no input named {name}")).data]
        }
    }
}

/// Name of the small-JSON set.
pub const SMALL: &str = "json-60-300B";

/// Values in the small-JSON set: 60, 76, …, 300 bytes.
pub const SMALL_JSON: usize = 16;

/// JSON values of 60 to 300 bytes, the size of most cached records.
pub fn small_json() -> Vec<Vec<u8>> {
    (0..SMALL_JSON)
        .map(|i| json_value(60 + 16 * i, 100 + i as u64))
        .collect()
}

/// Group name of the large HTML page.
pub const HTML: &str = "html-128KiB";

/// Group name of the dictionary comparison.
pub const DICT_GROUP: &str = "dict-json-100-500B";

/// Records of 100–500 B, and a zstd dictionary trained on *other* records of the same shape.
pub struct Dictionary {
    /// The records whose savings are reported (seeds not used for training); the benchmarks
    /// time the first [`BENCH_RECORDS`] of them.
    pub records: Vec<Vec<u8>>,
    pub bytes: Vec<u8>,
    pub id: u32,
}

/// Records whose savings are reported.
const RECORDS: usize = 400;
/// Records compressed per iteration of the dictionary benchmarks.
pub const BENCH_RECORDS: usize = 64;
/// Dictionary size: zstd advises ~1/100 of the training data.
const DICT_SIZE: usize = 8 * KIB;

/// `count` JSON records of 100–500 B, seeds from `first_seed`.
fn records(count: usize, first_seed: u64) -> Vec<Vec<u8>> {
    let mut rng = SplitMix64::new(first_seed);
    (0..count as u64)
        .map(|i| json_value(100 + rng.below(401) as usize, first_seed + i))
        .collect()
}

impl Dictionary {
    /// Trains on `training` records (a few thousand for a useful dictionary).
    pub fn train(training: usize) -> Dictionary {
        let samples = records(training, 1_000_000);
        let bytes = kvcodec_zstd::train_dictionary(&samples, DICT_SIZE).expect("train dictionary");
        let id = kvcodec_zstd::dictionary_id(&bytes).expect("trained dictionaries have an id");
        Dictionary {
            records: records(RECORDS, 2_000_000),
            bytes,
            id,
        }
    }

    /// The records the benchmarks time.
    pub fn bench_records(&self) -> &[Vec<u8>] {
        &self.records[..BENCH_RECORDS]
    }

    /// zstd-3 with and without the dictionary, through the engine and called directly.
    pub fn contenders(&self) -> Vec<Contender> {
        let with_dict = ZstdCodec::builder()
            .level(3)
            .dictionary(&self.bytes)
            .map(|b| b.write_with_dictionary(self.id))
            .and_then(|b| b.build())
            .expect("zstd codec with dictionary");
        vec![
            Contender::engine("zstd-3", zstd(3)),
            Contender::engine("zstd-3-dict", Arc::new(with_dict)),
            Contender::zstd_bulk("direct/zstd-3", 3, None),
            Contender::zstd_bulk("direct/zstd-3-dict", 3, Some(&self.bytes)),
        ]
    }
}
