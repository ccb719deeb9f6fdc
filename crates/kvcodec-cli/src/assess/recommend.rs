//! The configuration `assess` recommends, and the rule that picks it: pure functions over
//! measurements (`crate::assess::recommend_on` measures what each step needs and calls them).
//!
//! # The rule
//!
//! 1. **Speed floors.** Keep the candidates that compress at ≥ [`MIN_COMPRESS_REL`] and
//!    decompress at ≥ [`MIN_DECOMPRESS_REL`] times the speed of the reference codec (zstd:1)
//!    measured alongside them in the same run ([`crate::assess::measure::Reference`]): a
//!    cache client should not spend more time compressing than the network round trip it
//!    saves. Relative speeds do not move with the machine's load, so the same data gets the
//!    same recommendation on a busy and an idle machine (on an idle 2-core machine zstd:1
//!    compresses the built-in corpus at about 400 MB/s: the floors are about 50 and 200 MB/s
//!    there). If none passes, every candidate is kept and the recommendation says so
//!    (`met_speed_floors: false`).
//! 2. **Savings.** Among those, take the best savings. If a codec Valkey GLIDE clients can
//!    read (zstd, lz4) comes within [`GLIDE_MARGIN_PP`] percentage points of it, only those
//!    codecs stay in: sharing keys with GLIDE clients is worth that much. Every remaining
//!    candidate within [`SAVINGS_TIE_PP`] points of the best is as good, and of them the first
//!    in the candidate order wins unless another compresses more than [`SPEED_TIE`] times as
//!    fast (relative speeds again).
//! 3. **Minimum size.** With that codec, every value from 6 bytes up is tried and the values
//!    are grouped in size bands between the steps of [`MIN_SIZE_STEPS`]. The minimum size is
//!    the lower edge of the first band whose values save at least [`MIN_BAND_SAVINGS_PCT`] % of
//!    their bytes: below it, compression rarely pays for its header and its CPU time. If no band
//!    does, it is the last step.
//! 4. **Projection.** A real engine with that codec and minimum size encodes the corpus again
//!    ([`Totals`]); its savings are the projected savings.
//! 5. **Dictionary.** When a zstd dictionary trained on half the corpus saves at least
//!    [`crate::assess::dictionary::ADVANTAGE_PP`] points more on the other half's small values, the
//!    recommendation says so ([`crate::assess::dictionary::advice`]).
//! 6. **Dictionary wins.** When the best zstd dictionary (the compact dictionary codec at its own
//!    minimum size) saves at least [`crate::assess::dictionary::ADVANTAGE_PP`] points more of the
//!    held-out half's bytes than the projection of rules 1–4, the dictionary configuration is
//!    the recommendation ([`dictionary_config`]), its trade-off stated: GLIDE clients cannot
//!    read those values. The best is chosen among the candidates that meet rule 1's speed
//!    floors. Rules 1–4's configuration is still given, as the one without.

use serde::Serialize;

use crate::assess::dictionary;
use crate::assess::measure::{CandidateResult, REFERENCE, Totals};
use crate::units::pct;

/// Rule 1: slowest acceptable compression, relative to the reference codec's (zstd:1).
pub(crate) const MIN_COMPRESS_REL: f64 = 0.125;
/// Rule 1: slowest acceptable decompression, relative to the reference codec's (zstd:1).
pub(crate) const MIN_DECOMPRESS_REL: f64 = 0.2;
/// Rule 2: among candidates tied on savings, one must compress this many times as fast as
/// the earlier one to win over it.
pub(crate) const SPEED_TIE: f64 = 1.25;
/// Rule 2: GLIDE-readable codecs are preferred when this close to the best savings.
pub(crate) const GLIDE_MARGIN_PP: f64 = 2.0;
/// Rule 2: savings within this many percentage points of the best count as a tie.
pub(crate) const SAVINGS_TIE_PP: f64 = 0.5;
/// Rule 3: minimum sizes tried, ascending; the first is GLIDE's smallest allowed.
pub(crate) const MIN_SIZE_STEPS: [usize; 10] = [6, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];
/// Rule 3: savings a size band must reach for its values to be worth compressing.
pub(crate) const MIN_BAND_SAVINGS_PCT: f64 = 10.0;

/// The suggested configuration, as GLIDE-style settings plus what it is projected to save.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Recommendation {
    /// Codec spec (`"zstd:3"`).
    pub(crate) codec: String,
    /// `backend` setting.
    pub(crate) backend: &'static str,
    /// `compression_level` setting (`None`: the backend takes none).
    pub(crate) level: Option<i32>,
    /// `min_compression_size` setting.
    pub(crate) min_size: usize,
    /// Savings of a real engine with these settings over the corpus, in percent.
    pub(crate) projected_savings_pct: f64,
    /// Values it stores compressed, in percent.
    pub(crate) projected_compressed_pct: f64,
    /// `true` if GLIDE clients can read what it writes.
    pub(crate) glide_compatible: bool,
    /// Savings of this codec per size band (rule 3's input).
    pub(crate) bands: Vec<Band>,
    /// `false` if no candidate met the speed floors (rule 1 was dropped).
    pub(crate) met_speed_floors: bool,
    /// Rule 5: a trained zstd dictionary, when it would save ≥ 10 points more on small values.
    pub(crate) dictionary: Option<String>,
    /// Rule 6: the dictionary configuration, which is the recommendation when present.
    pub(crate) with_dictionary: Option<DictionaryConfig>,
    /// The rule, in one sentence.
    pub(crate) rule: String,
}

/// Rule 6: the recommended configuration when a trained dictionary wins.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DictionaryConfig {
    /// Codec spec to compress with (`"zstd:3"`), with `--dictionary`.
    pub(crate) codec: String,
    /// Minimum size: the dictionary codec's own.
    pub(crate) min_size: usize,
    /// Savings on the held-out half (the dictionary trained on the other half), in percent.
    pub(crate) held_out_savings_pct: f64,
    /// Savings of the recommendation without a dictionary on the same values, in percent.
    pub(crate) held_out_without_pct: f64,
    /// Values of the held-out half it was measured on.
    pub(crate) tested_on: usize,
    /// What to run.
    pub(crate) steps: String,
    /// What it costs.
    pub(crate) trade_off: &'static str,
}

/// What a dictionary costs, said wherever it is recommended.
pub(crate) const DICTIONARY_TRADE_OFF: &str = "Valkey GLIDE clients cannot read dictionary-compressed values \
     (they get the stored bytes); every kvcodec reader needs the dictionary (kvcodec-redis readers \
     fetch it from the server)";

/// Rule 6: the dictionary configuration, when the best zstd dictionary's savings on the
/// held-out half beat `without` (the recommendation without one, on the same values) by at
/// least [`dictionary::ADVANTAGE_PP`] points.
pub(crate) fn dictionary_config(
    candidates: &[CandidateResult],
    without: f64,
) -> Option<DictionaryConfig> {
    // The speed floors of rule 1 hold here too (a dictionary does not make zstd:19 fast),
    // judged as rule 1 judges them: over every candidate, not the zstd ones alone.
    let met = candidates.iter().any(meets_floors);
    let (codec, d) = candidates
        .iter()
        .filter(|c| !met || meets_floors(c))
        .filter_map(|c| Some((c.codec.as_str(), c.dictionary.as_ref()?)))
        .max_by(|a, b| a.1.savings_pct.total_cmp(&b.1.savings_pct))?;
    if d.savings_pct < without + dictionary::ADVANTAGE_PP {
        return None;
    }
    Some(DictionaryConfig {
        codec: codec.to_owned(),
        min_size: kvcodec_zstd::DICT_MIN_SIZE,
        held_out_savings_pct: d.savings_pct,
        held_out_without_pct: without,
        tested_on: d.tested_on,
        steps: format!(
            "kvcodec dict train --url URL --out my.dict; kvcodec dict push my.dict --url URL \
             (prints ID); kvcodec migrate --url URL --to {codec} --dictionary ID"
        ),
        trade_off: DICTIONARY_TRADE_OFF,
    })
}

/// Rule 1: compresses and decompresses fast enough, relative to the reference.
fn meets_floors(c: &CandidateResult) -> bool {
    c.compress_rel >= MIN_COMPRESS_REL && c.decompress_rel >= MIN_DECOMPRESS_REL
}

/// Rules 1 and 2: the index of the chosen candidate and whether it met the floors.
pub(crate) fn choose(candidates: &[CandidateResult]) -> Option<(usize, bool)> {
    let met = candidates.iter().any(meets_floors);
    let mut eligible: Vec<&CandidateResult> = candidates
        .iter()
        .filter(|c| !met || meets_floors(c))
        .collect();
    let best = |set: &[&CandidateResult]| {
        set.iter()
            .map(|c| c.savings_pct)
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let overall = best(&eligible);
    if eligible
        .iter()
        .any(|c| c.glide_compatible && c.savings_pct >= overall - GLIDE_MARGIN_PP)
    {
        eligible.retain(|c| c.glide_compatible);
    }
    let top = best(&eligible);
    let chosen = eligible
        .into_iter()
        .filter(|c| c.savings_pct >= top - SAVINGS_TIE_PP)
        .reduce(|best, c| {
            if c.compress_rel > best.compress_rel * SPEED_TIE {
                c
            } else {
                best
            }
        })?;
    let index = candidates.iter().position(|c| std::ptr::eq(c, chosen))?;
    Some((index, met))
}

/// Savings of the recommended codec on the values of one size band, everything from 6 bytes
/// up tried.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Band {
    /// Smallest size in the band.
    pub(crate) lo: usize,
    /// First size past the band (`None`: no upper edge).
    pub(crate) hi: Option<usize>,
    /// Values in the band.
    pub(crate) values: usize,
    /// Their plain bytes.
    pub(crate) plain_bytes: u64,
    /// Bytes saved on them, in percent of `plain_bytes`.
    pub(crate) savings_pct: f64,
}

/// The bands between the steps of [`MIN_SIZE_STEPS`], from `(plain length, stored length)`
/// per value; empty bands are left out.
pub(crate) fn bands(lengths: &[(usize, usize)]) -> Vec<Band> {
    let mut out = Vec::new();
    for (i, &lo) in MIN_SIZE_STEPS.iter().enumerate() {
        let hi = MIN_SIZE_STEPS.get(i + 1).copied();
        let inside = lengths
            .iter()
            .filter(|(p, _)| *p >= lo && hi.is_none_or(|h| *p < h));
        let (values, plain, saved) = inside.fold((0, 0u64, 0u64), |(n, plain, saved), &(p, s)| {
            (n + 1, plain + p as u64, saved + p.saturating_sub(s) as u64)
        });
        if values > 0 {
            let savings_pct = pct(saved as f64, plain as f64);
            out.push(Band {
                lo,
                hi,
                values,
                plain_bytes: plain,
                savings_pct,
            });
        }
    }
    out
}

/// Rule 3: the lower edge of the first band of `bands` that saves enough, else the last step.
pub(crate) fn choose_min_size(bands: &[Band]) -> usize {
    bands
        .iter()
        .find(|b| b.savings_pct >= MIN_BAND_SAVINGS_PCT)
        .map_or(MIN_SIZE_STEPS[MIN_SIZE_STEPS.len() - 1], |b| b.lo)
}

/// Rules 4 to 6 on top of 1–3: the recommendation of candidate `chosen` of `candidates`
/// (rules 1 and 2, [`choose`]), at `min_size` picked from its `bands` (rule 3,
/// [`choose_min_size`]), with `projected`, the corpus stored at that minimum size, and
/// `held_out_savings_pct`, what that saves on the held-out half a dictionary is measured on.
pub(crate) fn recommendation(
    chosen: &CandidateResult,
    met_speed_floors: bool,
    bands: Vec<Band>,
    projected: Totals,
    held_out_savings_pct: f64,
    candidates: &[CandidateResult],
) -> Recommendation {
    let min_size = choose_min_size(&bands);
    let plain = projected.plain_bytes as f64;
    let zstd_rows: Vec<_> = candidates
        .iter()
        .filter_map(|c| Some((c.codec.as_str(), c.dictionary.as_ref()?)))
        .collect();
    let dictionary = dictionary::advice(chosen.dictionary.as_ref(), &zstd_rows, chosen.min_size);
    let projected_savings_pct = pct(plain - projected.stored_bytes as f64, plain);
    let with_dictionary = dictionary_config(candidates, held_out_savings_pct);
    Recommendation {
        codec: chosen.codec.clone(),
        backend: chosen.backend,
        level: chosen.level,
        min_size,
        projected_savings_pct,
        projected_compressed_pct: pct(projected.compressed_values as f64, projected.values as f64),
        glide_compatible: chosen.glide_compatible,
        bands,
        met_speed_floors,
        dictionary,
        with_dictionary,
        rule: format!(
            "best savings among codecs compressing ≥ {MIN_COMPRESS_REL} × and decompressing ≥ \
             {MIN_DECOMPRESS_REL} × the speed of {REFERENCE} measured alongside them (relative \
             speeds: load does not move them), GLIDE-readable ones preferred within \
             {GLIDE_MARGIN_PP} pp, ties within {SAVINGS_TIE_PP} pp to the first candidate unless \
             another compresses {SPEED_TIE} × as fast; min size: first size band saving ≥ \
             {MIN_BAND_SAVINGS_PCT} %; a trained zstd dictionary instead when it saves \
             ≥ {} pp more on held-out values",
            dictionary::ADVANTAGE_PP
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        codec: &str,
        savings: f64,
        compress: f64,
        decompress: f64,
        glide: bool,
    ) -> CandidateResult {
        CandidateResult {
            codec: codec.into(),
            backend: "x",
            level: None,
            glide_compatible: glide,
            min_size: 64,
            plain_bytes: 100,
            stored_bytes: 100,
            savings_pct: savings,
            compressed_values: 0,
            compressed_pct: 0.0,
            compress_mb_s: compress * 400.0,
            decompress_mb_s: decompress * 1000.0,
            compress_rel: compress,
            decompress_rel: decompress,
            dictionary: None,
        }
    }

    #[test]
    fn floors_then_savings_then_speed() {
        let rows = [
            row("slow-best", 80.0, 0.01, 0.9, true),
            row("good", 70.0, 0.25, 0.9, true),
            row("good-faster", 69.8, 0.75, 0.9, true),
            row("fast-poor", 50.0, 2.0, 2.0, true),
            row("slow-decode", 75.0, 1.0, 0.1, true),
        ];
        assert_eq!(choose(&rows), Some((2, true)));
        // Tied on savings and about as fast: the earlier candidate, whatever the noise.
        let tied = [
            row("first", 70.0, 0.50, 1.0, true),
            row("second", 69.9, 0.60, 1.0, true),
        ];
        assert_eq!(choose(&tied), Some((0, true)));
        let slow = [
            row("a", 60.0, 0.001, 0.001, true),
            row("b", 70.0, 0.002, 0.002, true),
        ];
        assert_eq!(choose(&slow), Some((1, false)));
        assert_eq!(choose(&[]), None);
    }

    #[test]
    fn a_dictionary_does_not_lift_the_speed_floors() {
        let with_dict = |mut c: CandidateResult, savings: f64| {
            c.dictionary = Some(dictionary::DictionaryResult {
                dict_bytes: 16 * 1024,
                trained_on: 100,
                tested_on: 100,
                savings_pct: savings,
                plain_savings_pct: c.savings_pct,
                small_values: 40,
                small_savings_pct: savings,
                small_plain_savings_pct: c.savings_pct,
            });
            c
        };
        let rows = [
            with_dict(row("zstd:3", 58.0, 0.8, 1.0, true), 71.8),
            with_dict(row("zstd:9", 59.6, 0.19, 1.0, true), 73.8),
            with_dict(row("zstd:19", 60.3, 0.01, 1.0, true), 75.0),
        ];
        let config = dictionary_config(&rows, 59.6).expect("the dictionary wins");
        assert_eq!(
            config.codec, "zstd:9",
            "zstd:19 is below the compression floor"
        );
        assert_eq!(config.held_out_savings_pct, 73.8);
        assert!(
            dictionary_config(&rows, 70.0).is_none(),
            "not 10 points better"
        );
        // The floors are met by a codec without a dictionary (lz4), not by any zstd: no zstd
        // is eligible, with or without its dictionary, as rule 1 says.
        let only_lz4_fast = [
            with_dict(row("zstd:19", 60.3, 0.01, 1.0, true), 75.0),
            row("lz4", 45.0, 3.0, 3.0, true),
        ];
        assert_eq!(choose(&only_lz4_fast), Some((1, true)));
        assert!(
            dictionary_config(&only_lz4_fast, 45.0).is_none(),
            "zstd:19 is below the floors that lz4 meets"
        );
    }

    #[test]
    fn glide_readable_codecs_win_when_close() {
        let close = [
            row("other", 60.0, 0.25, 0.9, false),
            row("glide", 58.5, 0.22, 0.9, true),
        ];
        assert_eq!(choose(&close), Some((1, true)));
        let far = [
            row("other", 60.0, 0.25, 0.9, false),
            row("glide", 57.0, 0.22, 0.9, true),
        ];
        assert_eq!(choose(&far), Some((0, true)));
    }

    #[test]
    fn min_size_is_where_compression_starts_to_pay() {
        // Tiny values do not shrink, 40-byte ones save 7.5 %, 100-byte ones 50 %.
        let mut lengths = vec![(10, 10); 50];
        lengths.extend(vec![(40, 37); 50]);
        lengths.extend(vec![(100, 50); 5]);
        lengths.extend(vec![(5000, 4000); 5]);
        let b = bands(&lengths);
        assert_eq!(
            b.iter().map(|b| (b.lo, b.values)).collect::<Vec<_>>(),
            [(6, 50), (32, 50), (64, 5), (4096, 5)]
        );
        assert_eq!((b[1].savings_pct, b[3].hi), (7.5, None));
        assert_eq!(choose_min_size(&b), 64);
        lengths.push((20, 10));
        assert_eq!(choose_min_size(&bands(&lengths)), 16);
        assert_eq!(choose_min_size(&bands(&[(10, 10), (9000, 9000)])), 4096);
        assert_eq!(choose_min_size(&[]), 4096);
    }
}
