//! Measure every candidate codec on a corpus, as the engine would store it.
//!
//! For each candidate (backend × level) a real [`kvcodec::Engine`] with GLIDE's write policy
//! (`min_compression_size`, header counted, compressed form kept only if strictly smaller)
//! encodes every value; savings are the bytes saved over all plain bytes. Speeds are plain
//! megabytes (10⁶ bytes) per second through `Engine::encode` / `Engine::decode` over the
//! whole corpus, best of [`AssessOptions::passes`](crate::assess::AssessOptions::passes)
//! passes, measured on this machine. Every stored form is checked to decode back.
//!
//! MB/s move with the machine's load, so the rule does not use them: each pass of a candidate
//! is paired with a pass of the [`Reference`] (zstd level 1 through the same engine code) over
//! the same corpus, right before it, and the candidate's speed is its speed relative to the
//! reference's in the same moment (`compress_rel`, `decompress_rel`: 0.5 = half as fast as
//! zstd:1). A load that slows both slows neither ratio.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::assess::dictionary::DictionaryResult;
use crate::assess::error::AssessError;
use crate::assess::sources::Corpus;
use crate::backends::{self, CodecSpec};
use crate::units::pct;

/// One candidate's figures.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CandidateResult {
    /// The spec, as given (`"zstd:3"`, `"lz4"`).
    pub(crate) codec: String,
    /// Backend name.
    pub(crate) backend: &'static str,
    /// Level the codec ran at (`None` for backends without levels).
    pub(crate) level: Option<i32>,
    /// `true` if Valkey GLIDE clients can read what it writes.
    pub(crate) glide_compatible: bool,
    /// `min_compression_size` used.
    pub(crate) min_size: usize,
    /// Plain bytes of the corpus.
    pub(crate) plain_bytes: u64,
    /// Stored bytes (headers included, plain values as they are).
    pub(crate) stored_bytes: u64,
    /// `(plain - stored) / plain`, in percent.
    pub(crate) savings_pct: f64,
    /// Values stored compressed.
    pub(crate) compressed_values: usize,
    /// As a percentage of all values.
    pub(crate) compressed_pct: f64,
    /// Plain MB/s through `Engine::encode`.
    pub(crate) compress_mb_s: f64,
    /// Plain MB/s through `Engine::decode`.
    pub(crate) decompress_mb_s: f64,
    /// Compression speed relative to the [`Reference`]'s, measured alongside.
    pub(crate) compress_rel: f64,
    /// Decompression speed relative to the [`Reference`]'s, measured alongside.
    pub(crate) decompress_rel: f64,
    /// zstd only: savings with a dictionary trained on the other half of the corpus
    /// ([`crate::assess::dictionary`]); reports show the column only when set.
    pub(crate) dictionary: Option<DictionaryResult>,
}

/// The stored form of every value of `corpus` under `spec` at `min_size`, checked to decode
/// back to the value.
pub(crate) fn encode_all(
    spec: &CodecSpec,
    corpus: &Corpus,
    min_size: usize,
) -> Result<Vec<Vec<u8>>, AssessError> {
    let engine = spec.engine(min_size)?;
    let mut stored = Vec::with_capacity(corpus.samples.len());
    for (i, sample) in corpus.samples.iter().enumerate() {
        let fail = |what: String| AssessError::RoundTrip {
            codec: spec.to_string(),
            index: i,
            kind: sample.kind,
            what,
        };
        let form = engine
            .encode(&sample.bytes)
            .map_err(|e| fail(e.to_string()))?
            .into_owned();
        let back = engine.decode(&form).map_err(|e| fail(e.to_string()))?;
        if *back != *sample.bytes {
            return Err(fail("does not decode to the original".into()));
        }
        stored.push(form);
    }
    Ok(stored)
}

/// `(plain length, stored length)` of every value of `corpus` under `spec` at `min_size`.
pub(crate) fn lengths(
    spec: &CodecSpec,
    corpus: &Corpus,
    min_size: usize,
) -> Result<Vec<(usize, usize)>, AssessError> {
    let stored = encode_all(spec, corpus, min_size)?;
    Ok(corpus
        .samples
        .iter()
        .zip(&stored)
        .map(|(plain, stored)| (plain.bytes.len(), stored.len()))
        .collect())
}

/// The whole corpus stored under one configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Totals {
    /// Values in the corpus.
    pub(crate) values: usize,
    /// Their plain bytes.
    pub(crate) plain_bytes: u64,
    /// Their stored bytes (headers included, plain values as they are).
    pub(crate) stored_bytes: u64,
    /// Values stored compressed.
    pub(crate) compressed_values: usize,
}

impl Totals {
    /// The totals of `stored`, the stored forms of the values of `corpus` in order.
    pub(crate) fn of(corpus: &Corpus, stored: &[Vec<u8>]) -> Self {
        Totals {
            values: corpus.samples.len(),
            plain_bytes: corpus.total_bytes(),
            stored_bytes: stored.iter().map(|s| s.len() as u64).sum(),
            compressed_values: corpus
                .samples
                .iter()
                .zip(stored)
                .filter(|(plain, form)| *plain.bytes != **form)
                .count(),
        }
    }
}

/// The fastest of `passes` runs of `f`.
fn best_of(passes: usize, mut f: impl FnMut()) -> Duration {
    (0..passes)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn mb_per_s(bytes: u64, took: Duration) -> f64 {
    bytes as f64 / 1e6 / took.as_secs_f64().max(1e-9)
}

/// The codec every candidate's speed is measured against, in the same run.
pub(crate) const REFERENCE: &str = "zstd:1";

/// The [`REFERENCE`] codec's engine and the corpus stored with it.
pub(crate) struct Reference {
    engine: kvcodec::Engine,
    stored: Vec<Vec<u8>>,
}

impl Reference {
    /// The reference for `corpus` at `min_size`.
    pub(crate) fn new(corpus: &Corpus, min_size: usize) -> Result<Self, AssessError> {
        let spec = CodecSpec::parse(REFERENCE).expect("the reference spec parses");
        Ok(Reference {
            engine: spec.engine(min_size)?,
            stored: encode_all(&spec, corpus, min_size)?,
        })
    }
}

/// `passes` pairs of runs, `reference` then `candidate`: the fastest of each.
fn paired(
    passes: usize,
    mut reference: impl FnMut(),
    mut candidate: impl FnMut(),
) -> (Duration, Duration) {
    let (mut r, mut c) = (Duration::MAX, Duration::MAX);
    for _ in 0..passes {
        r = r.min(best_of(1, &mut reference));
        c = c.min(best_of(1, &mut candidate));
    }
    (r, c)
}

/// Measures one candidate, its speeds also relative to `reference`'s.
pub(crate) fn measure(
    spec: &CodecSpec,
    corpus: &Corpus,
    min_size: usize,
    passes: usize,
    reference: &Reference,
) -> Result<CandidateResult, AssessError> {
    let engine = spec.engine(min_size)?;
    let stored = encode_all(spec, corpus, min_size)?;
    let Totals {
        plain_bytes,
        stored_bytes,
        compressed_values,
        ..
    } = Totals::of(corpus, &stored);
    // Errors were ruled out by `encode_all`; the results are only kept alive for timing.
    let encode = |engine: &kvcodec::Engine| {
        for sample in &corpus.samples {
            let _ = black_box(engine.encode(black_box(&sample.bytes)));
        }
    };
    let decode = |engine: &kvcodec::Engine, stored: &[Vec<u8>]| {
        for form in stored {
            let _ = black_box(engine.decode(black_box(form)));
        }
    };
    let (ref_compress, compress) = paired(passes, || encode(&reference.engine), || encode(&engine));
    let (ref_decompress, decompress) = paired(
        passes,
        || decode(&reference.engine, &reference.stored),
        || decode(&engine, &stored),
    );
    let rel = |r: Duration, c: Duration| r.as_secs_f64() / c.as_secs_f64().max(1e-9);
    Ok(CandidateResult {
        codec: spec.to_string(),
        backend: spec.backend.name,
        level: spec.effective_level(),
        glide_compatible: backends::is_glide_compatible(spec.backend),
        min_size,
        plain_bytes,
        stored_bytes,
        savings_pct: pct(plain_bytes as f64 - stored_bytes as f64, plain_bytes as f64),
        compressed_values,
        compressed_pct: pct(compressed_values as f64, corpus.samples.len() as f64),
        compress_mb_s: mb_per_s(plain_bytes, compress),
        decompress_mb_s: mb_per_s(plain_bytes, decompress),
        compress_rel: rel(ref_compress, compress),
        decompress_rel: rel(ref_decompress, decompress),
        dictionary: None,
    })
}
