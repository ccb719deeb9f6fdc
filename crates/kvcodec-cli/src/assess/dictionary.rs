//! What a trained zstd dictionary would save, measured honestly: the dictionary is trained on
//! one half of the corpus and measured on the other half, which it has never seen.
//!
//! # The split
//!
//! Values at even positions are the training half, values at odd positions the test half
//! (sources yield values in an order unrelated to their content: SCAN order, file names,
//! the built-in mix). Training uses the training values of at most [`TRAIN_VALUE_MAX`] bytes
//! — dictionaries help small values, and big ones would only slow the trainer — up to
//! [`TRAIN_BYTES_MAX`] bytes in all.
//!
//! # The figures
//!
//! For each zstd candidate, real engines encode every test value with the dictionary — the
//! compact dictionary codec (`0x05`) at its own minimum size, as `kvcodec migrate --dictionary`
//! writes — and without it (GLIDE's write policy at the candidate's min size), and every
//! stored form is checked to decode back. *Small values* are the test values from the min size up to
//! [`SMALL_VALUE_MAX`] bytes; the recommendation mentions a dictionary when it saves at least
//! [`ADVANTAGE_PP`] percentage points more on them.

use std::sync::Arc;

use kvcodec::policy::DefaultPolicy;
use kvcodec::{CodecId, Engine};
use serde::Serialize;

use crate::assess::error::AssessError;
use crate::assess::sources::Corpus;
use crate::backends::CodecSpec;
use crate::units::pct;

/// Largest training value.
pub(crate) const TRAIN_VALUE_MAX: usize = 16 * 1024;
/// Most training bytes.
pub(crate) const TRAIN_BYTES_MAX: usize = 4 * 1024 * 1024;
/// Largest "small value".
pub(crate) const SMALL_VALUE_MAX: usize = 1024;
/// Percentage points a dictionary must add on small values to be recommended.
pub(crate) const ADVANTAGE_PP: f64 = 10.0;
/// Default largest dictionary trained by `assess` and `dict train`.
pub(crate) const DEFAULT_DICT_SIZE: usize = 16 * 1024;

/// Savings of a zstd candidate with a dictionary trained on the other half of the corpus.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DictionaryResult {
    /// Size of the trained dictionary.
    pub(crate) dict_bytes: usize,
    /// Values it was trained on.
    pub(crate) trained_on: usize,
    /// Values it was measured on (none of them trained on).
    pub(crate) tested_on: usize,
    /// Savings on the test values with the dictionary, in percent.
    pub(crate) savings_pct: f64,
    /// Savings on the same values without it (same codec and level), in percent.
    pub(crate) plain_savings_pct: f64,
    /// Test values from the min size up to [`SMALL_VALUE_MAX`].
    pub(crate) small_values: usize,
    /// Savings on those with the dictionary, in percent.
    pub(crate) small_savings_pct: f64,
    /// Savings on those without it, in percent.
    pub(crate) small_plain_savings_pct: f64,
}

/// A dictionary trained on the training half, and the test half's positions.
#[derive(Debug, Clone)]
pub(crate) struct Trained {
    /// The dictionary bytes.
    pub(crate) dictionary: Vec<u8>,
    /// Training values used.
    pub(crate) trained_on: usize,
    /// Positions of the test values in the corpus.
    pub(crate) test: Vec<usize>,
}

/// Trains a dictionary of at most `max_size` bytes on the training half of `corpus`;
/// `Err` says why none could be trained (too few or too small values, nothing to learn).
pub(crate) fn train(corpus: &Corpus, max_size: usize) -> Result<Trained, String> {
    let mut samples: Vec<&[u8]> = Vec::new();
    let mut bytes = 0;
    for s in corpus.samples.iter().step_by(2) {
        if s.bytes.len() <= TRAIN_VALUE_MAX && bytes + s.bytes.len() <= TRAIN_BYTES_MAX {
            bytes += s.bytes.len();
            samples.push(&s.bytes);
        }
    }
    let dictionary =
        kvcodec_zstd::train_dictionary(&samples, max_size).map_err(|e| e.to_string())?;
    Ok(Trained {
        dictionary,
        trained_on: samples.len(),
        test: test_half(corpus.samples.len()).collect(),
    })
}

/// Positions of the test half of a corpus of `len` values (the odd ones).
pub(crate) fn test_half(len: usize) -> impl Iterator<Item = usize> {
    (1..len).step_by(2)
}

/// Savings of `stored`, the stored forms of every value of `corpus` in order, over the test
/// half only, in percent: what a configuration without a dictionary saves on the values a
/// dictionary's savings are measured on.
pub(crate) fn test_half_savings(corpus: &Corpus, stored: &[Vec<u8>]) -> f64 {
    let (plain, kept) = test_half(corpus.samples.len()).fold((0u64, 0u64), |(p, k), i| {
        (
            p + corpus.samples[i].bytes.len() as u64,
            k + stored[i].len() as u64,
        )
    });
    pct(plain as f64 - kept as f64, plain as f64)
}

/// Stored bytes of the test values, all and small ones, through `engine` (checked to decode).
fn stored(
    engine: &Engine,
    corpus: &Corpus,
    t: &Trained,
    min_size: usize,
) -> Result<(u64, u64), AssessError> {
    let (mut all, mut small) = (0, 0);
    for &i in &t.test {
        let plain = &corpus.samples[i].bytes;
        let form = engine.encode(plain)?;
        if *engine.decode(&form)? != **plain {
            return Err(AssessError::DictionaryRoundTrip { index: i });
        }
        all += form.len() as u64;
        if is_small(plain.len(), min_size) {
            small += form.len() as u64;
        }
    }
    Ok((all, small))
}

fn is_small(len: usize, min_size: usize) -> bool {
    len >= min_size && len <= SMALL_VALUE_MAX
}

/// Measures zstd candidate `spec` at `min_size` on the test half, with and without `t`.
pub(crate) fn measure(
    t: &Trained,
    spec: &CodecSpec,
    corpus: &Corpus,
    min_size: usize,
) -> Result<DictionaryResult, AssessError> {
    let level = spec
        .effective_level()
        .unwrap_or(kvcodec_zstd::DEFAULT_LEVEL);
    // What `migrate --dictionary` writes: the compact form at its own minimum size, the
    // dictionary under a small id as `dict train --url` gives it.
    let mut bytes = t.dictionary.clone();
    kvcodec_zstd::set_dictionary_id(&mut bytes, 1).map_err(AssessError::DictionaryLoad)?;
    let set = kvcodec_zstd::Dictionaries::new();
    set.insert(&bytes).map_err(AssessError::DictionaryLoad)?;
    let codec =
        kvcodec_zstd::ZstdDictCodec::writer(set, 1, level).map_err(AssessError::DictionaryLoad)?;
    let with = Engine::builder()
        .policy(DefaultPolicy::new(kvcodec_zstd::DICT_MIN_SIZE, None))
        .codec(Arc::new(codec) as Arc<dyn kvcodec::Codec>)
        .build()?;
    let without = spec.engine(min_size)?;
    let (dict_all, dict_small) = stored(&with, corpus, t, min_size)?;
    let (plain_all, plain_small) = stored(&without, corpus, t, min_size)?;
    let lens = t.test.iter().map(|&i| corpus.samples[i].bytes.len());
    let total: u64 = lens.clone().map(|l| l as u64).sum();
    let small: Vec<usize> = lens.filter(|&l| is_small(l, min_size)).collect();
    let small_total: u64 = small.iter().map(|&l| l as u64).sum();
    let saved = |stored: u64, of: u64| pct(of as f64 - stored as f64, of as f64);
    Ok(DictionaryResult {
        dict_bytes: t.dictionary.len(),
        trained_on: t.trained_on,
        tested_on: t.test.len(),
        savings_pct: saved(dict_all, total),
        plain_savings_pct: saved(plain_all, total),
        small_values: small.len(),
        small_savings_pct: saved(dict_small, small_total),
        small_plain_savings_pct: saved(plain_small, small_total),
    })
}

/// `true` for the candidates a dictionary is measured for.
pub(crate) fn applies(spec: &CodecSpec) -> bool {
    spec.backend.id == CodecId::ZSTD
}

/// The recommendation's dictionary advice: for the chosen candidate if it is zstd, else for
/// the zstd candidate whose dictionary does best on small values, when the dictionary saves
/// at least [`ADVANTAGE_PP`] points more on small values than the same codec without it.
pub(crate) fn advice(
    chosen: Option<&DictionaryResult>,
    all: &[(&str, &DictionaryResult)],
    min_size: usize,
) -> Option<String> {
    let (codec, d) = match chosen {
        Some(d) => ("", d),
        None => all
            .iter()
            .max_by(|a, b| a.1.small_savings_pct.total_cmp(&b.1.small_savings_pct))
            .map(|(c, d)| (*c, *d))?,
    };
    let gain = d.small_savings_pct - d.small_plain_savings_pct;
    if d.small_values == 0 || gain < ADVANTAGE_PP {
        return None;
    }
    let with = if codec.is_empty() {
        String::new()
    } else {
        format!(" with {codec}")
    };
    Some(format!(
        "a zstd dictionary{with} would save {:.1} % instead of {:.1} % on values of {min_size} B–1 KiB \
         (trained on {} values, measured on {} others): `kvcodec dict train`, `kvcodec dict push`, \
         then `kvcodec migrate --dictionary ID`; GLIDE clients cannot read dictionary-compressed values",
        d.small_savings_pct, d.small_plain_savings_pct, d.trained_on, d.tested_on
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::sources::Sample;

    fn corpus(values: impl Iterator<Item = Vec<u8>>) -> Corpus {
        Corpus {
            source: "test".into(),
            samples: values
                .map(|bytes| Sample {
                    kind: "t",
                    bytes,
                    key: None,
                    stored: None,
                })
                .collect(),
            warnings: Vec::new(),
            server: None,
        }
    }

    fn record(i: usize) -> Vec<u8> {
        format!(
            r#"{{"id":{i},"user":"user-{i}","plan":"{}","country":"{}","visits":{},"flags":["beta","email"]}}"#,
            ["free", "pro", "team"][i % 3],
            ["FR", "DE", "US", "JP"][i % 4],
            i * 7 % 1000
        )
        .repeat(1 + i % 4)
        .into_bytes()
    }

    #[test]
    fn a_configuration_is_judged_on_the_half_the_dictionary_is_tested_on() {
        // Values 0 and 2 (the training half) would save nothing, 1 and 3 (the test half)
        // three quarters: rule 6 compares a dictionary with the latter, not the mix.
        let c = corpus(
            [
                vec![b'a'; 100],
                vec![b'b'; 100],
                vec![b'c'; 300],
                vec![b'd'; 300],
            ]
            .into_iter(),
        );
        let stored = vec![vec![0; 100], vec![0; 25], vec![0; 300], vec![0; 75]];
        assert_eq!(test_half(c.samples.len()).collect::<Vec<_>>(), vec![1, 3]);
        assert_eq!(test_half_savings(&c, &stored), 75.0);
        assert_eq!(
            train(&corpus((0..400).map(record)), 4096).unwrap().test,
            test_half(400).collect::<Vec<_>>()
        );
    }

    #[test]
    fn held_out_half_is_measured_with_and_without() {
        let c = corpus((0..400).map(record));
        let t = train(&c, 4096).unwrap();
        assert_eq!((t.trained_on, t.test.len()), (200, 200));
        assert!(t.test.iter().all(|i| i % 2 == 1));
        let spec = CodecSpec::parse("zstd:3").unwrap();
        let d = measure(&t, &spec, &c, 64).unwrap();
        assert_eq!((d.tested_on, d.dict_bytes), (200, t.dictionary.len()));
        assert!(d.small_values > 0 && d.small_values <= 200, "{d:?}");
        assert!(
            d.small_savings_pct > d.small_plain_savings_pct + ADVANTAGE_PP,
            "{d:?}"
        );
        assert!(d.savings_pct > d.plain_savings_pct, "{d:?}");
        let advice = advice(Some(&d), &[], 64).unwrap();
        assert!(
            advice.contains("dict train") && advice.contains("GLIDE clients cannot"),
            "{advice}"
        );
    }

    #[test]
    fn too_little_to_train_on_says_why() {
        let why = train(&corpus((0..6).map(record)), 4096).unwrap_err();
        assert!(why.contains("samples"), "{why}");
        assert!(!applies(&CodecSpec::parse("lz4").unwrap()));
    }

    #[test]
    fn advice_needs_ten_points_on_small_values() {
        let row = |no: f64, yes: f64, small: usize| DictionaryResult {
            dict_bytes: 1,
            trained_on: 1,
            tested_on: 1,
            savings_pct: 0.0,
            plain_savings_pct: 0.0,
            small_values: small,
            small_savings_pct: yes,
            small_plain_savings_pct: no,
        };
        assert!(advice(Some(&row(30.0, 39.9, 5)), &[], 64).is_none());
        assert!(advice(Some(&row(30.0, 40.0, 5)), &[], 64).is_some());
        assert!(advice(Some(&row(30.0, 90.0, 0)), &[], 64).is_none());
        // Not a zstd recommendation: the zstd row whose dictionary does best speaks.
        let (a, b) = (row(30.0, 35.0, 5), row(30.0, 60.0, 5));
        let text = advice(None, &[("zstd:1", &a), ("zstd:9", &b)], 64).unwrap();
        assert!(
            text.contains("with zstd:9") && text.contains("60.0 %"),
            "{text}"
        );
        assert!(advice(None, &[], 64).is_none());
    }
}
