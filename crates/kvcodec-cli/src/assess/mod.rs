//! `assess`: which codec, level and minimum size suit a set of values — measured on them,
//! not guessed.
//!
//! # Getting started
//!
//! ```ignore
//! // (crate-internal: `kvcodec assess` is this, plus rendering)
//! let corpus = Corpus::collect(Builtin::new(DEFAULT_SEED))?; // or DirSource, LiveSource
//! let assessment = assess(&corpus, &AssessOptions::default())?;
//! println!("{} at min size {}", assessment.recommendation.codec, assessment.recommendation.min_size);
//! ```
//!
//! # The layers
//!
//! [`assess()`] runs the pipeline; each step is its own module:
//!
//! 1. [`sources`]: where the values come from — the built-in corpus, a directory, a live
//!    server — collected into a [`Corpus`].
//! 2. [`measure`]: every candidate through a real engine (sizes and speeds), and
//!    [`dictionary`]: what a zstd dictionary trained on half the corpus saves on the other.
//! 3. [`recommend`]: the rule, pure functions over those measurements. Where the rule needs
//!    more figures (savings per size band of the chosen codec, the projection at the chosen
//!    minimum size), the pipeline measures them and hands them over; the rule never encodes.
//! 4. [`stats`]: the size distribution of the corpus.
//!
//! Errors are [`AssessError`]s; `crate::error` maps them to exit codes.

pub(crate) mod capacity;
pub(crate) mod dictionary;
pub(crate) mod error;
pub(crate) mod groups;
pub(crate) mod measure;
pub(crate) mod recommend;
#[cfg(test)]
mod reproducible;
pub(crate) mod sources;
pub(crate) mod stats;

use serde::Serialize;

pub(crate) use self::error::AssessError;
use self::measure::CandidateResult;
use self::recommend::{MIN_SIZE_STEPS, Recommendation};
use self::sources::Corpus;
use self::stats::{BelowMin, SizeStats};
use crate::backends::{self, CodecSpec};

/// What to measure.
#[derive(Debug, Clone)]
pub(crate) struct AssessOptions {
    /// `min_compression_size` of every candidate engine (GLIDE's default: 64).
    pub(crate) min_size: usize,
    /// The backends × levels to measure.
    pub(crate) candidates: Vec<CodecSpec>,
    /// Timed passes per candidate and direction; the fastest counts.
    pub(crate) passes: usize,
    /// Largest zstd dictionary to train and measure ([`dictionary`]); `None`: none.
    pub(crate) dictionary_size: Option<usize>,
    /// Separator of `--group-by-prefix` ([`groups`]); `None`: no grouping.
    pub(crate) group_by: Option<String>,
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
            dictionary_size: Some(dictionary::DEFAULT_DICT_SIZE),
            group_by: None,
        }
    }
}

/// The whole result of `assess`; what `--json` prints.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Assessment {
    /// Where the values came from.
    pub(crate) source: String,
    /// Values and bytes per kind of value.
    pub(crate) kinds: Vec<KindSummary>,
    /// Size distribution.
    pub(crate) sizes: SizeStats,
    /// Share stored plain because shorter than `min_size`.
    pub(crate) below_min: BelowMin,
    /// Timed passes per measurement.
    pub(crate) passes: usize,
    /// One row per candidate, in the order given.
    pub(crate) candidates: Vec<CandidateResult>,
    /// Why the zstd rows have no dictionary figures, when a dictionary was asked for but could
    /// not be trained.
    pub(crate) dictionary_note: Option<String>,
    /// The suggested configuration.
    pub(crate) recommendation: Recommendation,
    /// Figures per key prefix under the suggested configuration (`--group-by-prefix`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) prefixes: Option<groups::PrefixGroups>,
    /// A live server's `used_memory` now and projected after the migration (`--url`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) capacity: Option<capacity::Capacity>,
}

/// Values and bytes of one kind.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KindSummary {
    /// Kind label.
    pub(crate) kind: &'static str,
    /// Number of values.
    pub(crate) values: usize,
    /// Their bytes.
    pub(crate) bytes: u64,
}

/// Runs every candidate over `corpus` and recommends one.
pub(crate) fn assess(corpus: &Corpus, options: &AssessOptions) -> Result<Assessment, AssessError> {
    if options.candidates.is_empty() {
        return Err(AssessError::NoCandidates);
    }
    let passes = options.passes.max(1);
    let reference = measure::Reference::new(corpus, options.min_size)?;
    let mut candidates = options
        .candidates
        .iter()
        .map(|spec| measure::measure(spec, corpus, options.min_size, passes, &reference))
        .collect::<Result<Vec<_>, _>>()?;
    let dictionary_note = with_dictionaries(corpus, options, &mut candidates)?;
    let (recommendation, stored) = recommend_on(corpus, &options.candidates, &candidates)?;
    let r = &recommendation;
    let prefixes = (options.group_by.as_ref())
        .map(|sep| groups::group(corpus, &stored, sep, &r.codec, r.min_size));
    let capacity = (corpus.server.as_ref())
        .map(|f| capacity::project(corpus, f, &stored, &r.codec, r.min_size));
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
        prefixes,
        capacity,
    })
}

/// Fills the dictionary figures of the zstd candidates; returns why there are none when a
/// dictionary cannot be trained on this corpus.
fn with_dictionaries(
    corpus: &Corpus,
    options: &AssessOptions,
    rows: &mut [CandidateResult],
) -> Result<Option<String>, AssessError> {
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
                &trained, spec, corpus, options.min_size,
            )?);
        }
    }
    Ok(None)
}

/// The rule of [`recommend`] applied to measured `candidates` of `specs`, with the figures
/// its later steps need measured here: the chosen codec's stored sizes with every value from
/// the smallest step up tried (rule 3's bands), then the corpus at the chosen minimum size
/// (rule 4's projection, rule 6's comparison). Returns the recommendation and the stored
/// length of each value under it (the prefix groups and the capacity projection use them).
pub(crate) fn recommend_on(
    corpus: &Corpus,
    specs: &[CodecSpec],
    candidates: &[CandidateResult],
) -> Result<(Recommendation, Vec<usize>), AssessError> {
    let (index, met_speed_floors) =
        recommend::choose(candidates).ok_or(AssessError::NoCandidates)?;
    let spec = &specs[index];
    let bands = recommend::bands(&measure::lengths(spec, corpus, MIN_SIZE_STEPS[0])?);
    let min_size = recommend::choose_min_size(&bands);
    let stored = measure::encode_all(spec, corpus, min_size)?;
    let projected = measure::Totals::of(corpus, &stored);
    // Rule 6 compares a dictionary's savings on the held-out half with this configuration's
    // on the same values.
    let held_out = dictionary::test_half_savings(corpus, &stored);
    let recommendation = recommend::recommendation(
        &candidates[index], met_speed_floors, bands, projected, held_out, candidates,
    );
    Ok((recommendation, stored.iter().map(Vec::len).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_corpus_gets_a_useful_recommendation() {
        let corpus = sources::builtin::builtin();
        // The default candidates but zstd:19, which is slow in unoptimised test builds.
        let candidates = [
            "zstd:1", "zstd:3", "zstd:9", "lz4", "snappy", "deflate:1", "deflate:6",
        ];
        let options = AssessOptions {
            passes: 1,
            candidates: candidates
                .iter()
                .map(|s| CodecSpec::parse(s).unwrap())
                .collect(),
            ..Default::default()
        };
        let a = assess(&corpus, &options).unwrap();
        let r = &a.recommendation;
        assert!(r.projected_savings_pct > 30.0, "{r:?}");
        assert!(r.min_size >= 6, "{r:?}");
        assert!(a.candidates.iter().any(|c| c.codec == r.codec));
        // Random binary and tiny values stay plain: not every value is compressed.
        assert!(r.projected_compressed_pct < 100.0, "{r:?}");
        for c in &a.candidates {
            assert!(c.savings_pct > 0.0 && c.compress_mb_s > 0.0, "{c:?}");
        }
    }
}
