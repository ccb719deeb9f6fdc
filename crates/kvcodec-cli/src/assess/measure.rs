//! `assess`: measure every candidate codec on a corpus, as the engine would store it.
//!
//! For each candidate (backend × level) a real [`kvcodec::Engine`] with GLIDE's write policy
//! (`min_compression_size`, header counted, compressed form kept only if strictly smaller)
//! encodes every value; savings are the bytes saved over all plain bytes. Speeds are plain
//! megabytes (10⁶ bytes) per second through `Engine::encode` / `Engine::decode` over the
//! whole corpus, best of [`AssessOptions::passes`] passes, measured on this machine.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::Serialize;

pub use crate::assess::dictionary::DictionaryResult;
use crate::assess::dictionary::{self, DEFAULT_DICT_SIZE};
use crate::assess::recommend::{self, Recommendation};
use crate::assess::sources::Corpus;
use crate::assess::stats::{BelowMin, SizeStats, pct};
use crate::backends::{self, CodecSpec};
use crate::error::CliError;

/// What to measure.
#[derive(Debug, Clone)]
pub struct AssessOptions {
    /// `min_compression_size` of every candidate engine (GLIDE's default: 64).
    pub min_size: usize,
    /// The backends × levels to measure.
    pub candidates: Vec<CodecSpec>,
    /// Timed passes per candidate and direction; the fastest counts.
    pub passes: usize,
    /// Largest zstd dictionary to train and measure ([`crate::assess::dictionary`]); `None`: none.
    pub dictionary_size: Option<usize>,
}

impl Default for AssessOptions {
    fn default() -> Self {
        AssessOptions {
            min_size: kvcodec::DEFAULT_MIN_COMPRESSION_SIZE,
            candidates: backends::DEFAULT_CANDIDATES
                .iter()
                .filter_map(|s| CodecSpec::parse(s).ok())
                .collect(),
            passes: 3,
            dictionary_size: Some(DEFAULT_DICT_SIZE),
        }
    }
}

/// The whole result of `assess`; what `--json` prints.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    /// Where the values came from.
    pub source: String,
    /// Values and bytes per kind of value.
    pub kinds: Vec<KindSummary>,
    /// Size distribution.
    pub sizes: SizeStats,
    /// Share stored plain because shorter than `min_size`.
    pub below_min: BelowMin,
    /// Timed passes per measurement.
    pub passes: usize,
    /// One row per candidate, in the order given.
    pub candidates: Vec<CandidateResult>,
    /// Why the zstd rows have no dictionary figures, when a dictionary was asked for but could
    /// not be trained.
    pub dictionary_note: Option<String>,
    /// The suggested configuration.
    pub recommendation: Recommendation,
}

/// Values and bytes of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindSummary {
    /// Kind label.
    pub kind: &'static str,
    /// Number of values.
    pub values: usize,
    /// Their bytes.
    pub bytes: u64,
}

/// One candidate's figures.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateResult {
    /// The spec, as given (`"zstd:3"`, `"lz4"`).
    pub codec: String,
    /// Backend name.
    pub backend: &'static str,
    /// Level the codec ran at (`None` for backends without levels).
    pub level: Option<i32>,
    /// `true` if Valkey GLIDE clients can read what it writes.
    pub glide_compatible: bool,
    /// `min_compression_size` used.
    pub min_size: usize,
    /// Plain bytes of the corpus.
    pub plain_bytes: u64,
    /// Stored bytes (headers included, plain values as they are).
    pub stored_bytes: u64,
    /// `(plain - stored) / plain`, in percent.
    pub savings_pct: f64,
    /// Values stored compressed.
    pub compressed_values: usize,
    /// As a percentage of all values.
    pub compressed_pct: f64,
    /// Plain MB/s through `Engine::encode`.
    pub compress_mb_s: f64,
    /// Plain MB/s through `Engine::decode`.
    pub decompress_mb_s: f64,
    /// zstd only: savings with a dictionary trained on the other half of the corpus
    /// ([`crate::assess::dictionary`]); reports show the column only when set.
    pub dictionary: Option<DictionaryResult>,
}

/// Runs every candidate over `corpus` and recommends one.
pub fn assess(corpus: &Corpus, options: &AssessOptions) -> Result<Assessment, CliError> {
    if options.candidates.is_empty() {
        return Err(CliError::usage("no candidate codecs to assess"));
    }
    let passes = options.passes.max(1);
    let mut candidates = options
        .candidates
        .iter()
        .map(|spec| measure(spec, corpus, options.min_size, passes))
        .collect::<Result<Vec<_>, _>>()?;
    let dictionary_note = with_dictionaries(corpus, options, &mut candidates)?;
    let recommendation = recommend::recommend(corpus, &options.candidates, &candidates)?;
    let lengths = corpus.lengths();
    Ok(Assessment {
        source: corpus.source.clone(),
        kinds: corpus
            .kinds()
            .into_iter()
            .map(|(kind, values, bytes)| KindSummary {
                kind,
                values,
                bytes,
            })
            .collect(),
        sizes: SizeStats::of(&lengths),
        below_min: BelowMin::of(&lengths, options.min_size),
        passes,
        candidates,
        dictionary_note,
        recommendation,
    })
}

/// Fills the dictionary figures of the zstd candidates; returns why there are none when a
/// dictionary cannot be trained on this corpus.
fn with_dictionaries(
    corpus: &Corpus,
    options: &AssessOptions,
    rows: &mut [CandidateResult],
) -> Result<Option<String>, CliError> {
    let Some(size) = options.dictionary_size else {
        return Ok(None);
    };
    if !options.candidates.iter().any(dictionary::applies) {
        return Ok(None);
    }
    let trained = match dictionary::train(corpus, size) {
        Ok(t) => t,
        Err(why) => return Ok(Some(format!("no zstd dictionary could be trained: {why}"))),
    };
    for (spec, row) in options.candidates.iter().zip(rows) {
        if dictionary::applies(spec) {
            row.dictionary = Some(dictionary::measure(
                &trained,
                spec,
                corpus,
                options.min_size,
            )?);
        }
    }
    Ok(None)
}

/// The stored form of every value of `corpus` under `spec` at `min_size`, checked to decode
/// back to the value.
pub fn encode_all(
    spec: &CodecSpec,
    corpus: &Corpus,
    min_size: usize,
) -> Result<Vec<Vec<u8>>, CliError> {
    let engine = spec.engine(min_size)?;
    let mut stored = Vec::with_capacity(corpus.samples.len());
    for (i, sample) in corpus.samples.iter().enumerate() {
        let fail = |what: String| {
            CliError::failure(format!("{spec}: value #{i} ({}): {what}", sample.kind))
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

/// `(stored bytes, values compressed)` of stored forms produced from `corpus`.
pub fn stored_totals(corpus: &Corpus, stored: &[Vec<u8>]) -> (u64, usize) {
    let bytes = stored.iter().map(|s| s.len() as u64).sum();
    let compressed = corpus
        .samples
        .iter()
        .zip(stored)
        .filter(|(plain, form)| *plain.bytes != **form)
        .count();
    (bytes, compressed)
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

/// Measures one candidate.
pub fn measure(
    spec: &CodecSpec,
    corpus: &Corpus,
    min_size: usize,
    passes: usize,
) -> Result<CandidateResult, CliError> {
    let engine = spec.engine(min_size)?;
    let stored = encode_all(spec, corpus, min_size)?;
    let plain_bytes = corpus.total_bytes();
    let (stored_bytes, compressed_values) = stored_totals(corpus, &stored);
    // Errors were ruled out by `encode_all`; the results are only kept alive for timing.
    let compress = best_of(passes, || {
        for sample in &corpus.samples {
            let _ = black_box(engine.encode(black_box(&sample.bytes)));
        }
    });
    let decompress = best_of(passes, || {
        for form in &stored {
            let _ = black_box(engine.decode(black_box(form)));
        }
    });
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
        dictionary: None,
    })
}
