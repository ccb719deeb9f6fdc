//! The compression ratio of every contender on every input (criterion reports only time), and
//! the dictionary's savings. Each stored form is decoded and compared with the input first, so
//! every benchmark times a correct round trip.

use std::collections::BTreeSet;

use crate::contender::Contender;
use crate::inputs::{DICT_GROUP, Dictionary, Input};

/// Record sizes over which dictionary savings are reported: `lo..hi` bytes.
pub const BUCKETS: [(usize, usize); 5] =
    [(100, 200), (200, 300), (300, 400), (400, 501), (100, 501)];

/// Bytes in and out of one dictionary contender over the records of one size bucket.
#[derive(Default, Clone, Copy)]
pub struct Tally {
    pub records: usize,
    pub original: usize,
    /// Header included for engines.
    pub stored: usize,
    /// Records the engine's policy stored plain (compressed form not smaller).
    pub plain: usize,
}

impl Tally {
    /// Fraction of the bytes saved: 1 − stored / original.
    pub fn savings(&self) -> f64 {
        1.0 - self.stored as f64 / self.original as f64
    }
}

/// One dictionary contender's tallies, one per entry of [`BUCKETS`].
pub struct Savings {
    pub name: String,
    pub buckets: [Tally; BUCKETS.len()],
}

/// Encodes and decodes `input` with `c`, checking the round trip; the stored length.
fn stored_len(c: &mut Contender, input: &[u8]) -> usize {
    let stored = c.encode(input).into_owned();
    let decoded = c.decode(&stored, input.len());
    let (same, found) = (decoded[..] == input[..], decoded.len());
    assert!(
        same,
        "{}: expected the {}-byte input back, found {found} bytes that differ",
        c.name,
        input.len(),
    );
    stored.len()
}

/// Prints `original / stored` for every contender (rows) and input (columns) to stderr;
/// returns the `input/engine/codec` pairs whose engine stored the value plain.
pub fn print_table(inputs: &[Input], contenders: &mut [Contender]) -> BTreeSet<String> {
    let mut plain = BTreeSet::new();
    eprintln!(
        "\nCompression ratio = original / stored (engine: header included; 1.00 = stored plain)"
    );
    eprint!("{:<28}", "contender");
    for input in inputs {
        eprint!("{:>14}", input.name);
    }
    eprintln!();
    for c in contenders.iter_mut() {
        eprint!("{:<28}", c.name);
        for input in inputs {
            let stored = stored_len(c, &input.data);
            if c.as_engine().is_some() && stored == input.data.len() {
                plain.insert(format!("{}/{}", input.name, c.name));
            }
            eprint!("{:>14.2}", input.data.len() as f64 / stored as f64);
        }
        eprintln!();
    }
    plain
}

/// Prints and returns the savings of each dictionary contender on the records, by size.
pub fn dictionary_savings(dict: &Dictionary, contenders: &mut [Contender]) -> Vec<Savings> {
    eprintln!(
        "\n{DICT_GROUP}: savings = 1 - stored/original over {} records (engine: header \
         included); dictionary id {}, {} bytes",
        dict.records.len(),
        dict.id,
        dict.bytes.len()
    );
    eprint!("{:<26}", "contender");
    for (lo, hi) in BUCKETS {
        eprint!("{:>22}", format!("{lo}-{} B", hi - 1));
    }
    eprintln!();
    let mut all = Vec::new();
    for c in contenders.iter_mut() {
        let mut buckets = [Tally::default(); BUCKETS.len()];
        for record in &dict.records {
            let n = stored_len(c, record);
            let plain = c.as_engine().is_some() && n == record.len();
            for (t, (lo, hi)) in buckets.iter_mut().zip(BUCKETS) {
                if (lo..hi).contains(&record.len()) {
                    t.records += 1;
                    t.original += record.len();
                    t.stored += n;
                    t.plain += usize::from(plain);
                }
            }
        }
        eprint!("{:<26}", c.name);
        for t in &buckets {
            let cell = format!(
                "{:.1} % ({}/{} plain)",
                100.0 * t.savings(),
                t.plain,
                t.records
            );
            eprint!("{cell:>22}");
        }
        eprintln!();
        all.push(Savings {
            name: c.name.clone(),
            buckets,
        });
    }
    eprintln!();
    all
}

/// lz4 levels in the stored-size table: both ends of GLIDE's range and the levels between
/// where liblz4 changes strategy.
const LZ4_SIZE_LEVELS: [i32; 12] = [-128, -32, -8, -1, 0, 1, 3, 4, 9, 10, 11, 12];

/// Prints (stdout, Markdown) the stored size of every input at every lz4 level through the
/// engine and through GLIDE's path, header included; values stored plain count their length.
pub fn print_lz4_sizes(inputs: &[Input]) {
    println!(
        "\n## lz4 stored size per level: kvcodec's engine / GLIDE's path (bytes, header included; diff)\n"
    );
    print!("| level |");
    for input in inputs {
        print!(" {} |", input.name);
    }
    println!();
    println!("|---:|{}", "---:|".repeat(inputs.len()));
    for level in LZ4_SIZE_LEVELS {
        let codec = kvcodec_lz4::Lz4Codec::new(level).expect("lz4 level");
        let engine = crate::contender::engine(std::sync::Arc::new(codec));
        print!("| {level} |");
        for input in inputs {
            let ours = engine.encode(&input.data).expect("engine encode").len();
            let glide = crate::glide::lz4_compress_value(&input.data, level).len();
            let diff = 100.0 * (ours as f64 / glide as f64 - 1.0);
            print!(" {ours} / {glide} ({diff:+.2} %) |");
        }
        println!();
    }
}
