//! Property tests of the engine over every backend, several levels and policy settings:
//!
//! - `encode` then `decode` gives the value back;
//! - `encode` writes a header exactly when the policy admits the value and header + payload
//!   is strictly shorter (and saves `min_savings`, when set), and otherwise returns the value
//!   itself, with the matching skip reason counted;
//! - `decode` of arbitrary, mutated or oversized stored values never panics, never returns
//!   more than `max_decompressed_size` decoded bytes, and the two `OnCorrupt` settings agree.
//!
//! Case counts are kept moderate (64–256) so the suite stays quick on a small machine; set
//! `PROPTEST_CASES` to run more.

use std::borrow::Cow;

use kvcodec::header::has_header;
use kvcodec::{Config, Engine, Error, FailureKind, OnCorrupt, SkipReason};
use kvcodec_tests::{BACKENDS, json_value};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

/// Writer settings under test: `(backend, level)`.
const WRITERS: [(&str, Option<i32>); 9] = [
    ("zstd", Some(-3)),
    ("zstd", Some(1)),
    ("zstd", Some(3)),
    ("zstd", Some(9)),
    ("lz4", Some(0)),
    ("snappy", None),
    ("deflate", Some(1)),
    ("deflate", Some(6)),
    ("deflate", Some(9)),
];

/// The policy fields of a [`Config`].
#[derive(Debug, Clone)]
struct Settings {
    min: usize,
    max: Option<usize>,
    min_savings: Option<f64>,
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        select(vec![6usize, 64, 1024]),
        prop_oneof![Just(None), (1024usize..=70_000).prop_map(Some)],
        select(vec![None, Some(0.2)]),
    )
        .prop_map(|(min, max, min_savings)| Settings {
            min,
            max,
            min_savings,
        })
}

fn engine(backend: &str, level: Option<i32>, s: &Settings, on_corrupt: OnCorrupt) -> Engine {
    let config = Config {
        enabled: true,
        backend: backend.into(),
        compression_level: level,
        min_compression_size: s.min,
        max_compression_size: s.max,
        min_savings: s.min_savings,
        on_corrupt,
        ..Config::default()
    };
    config
        .build(&BACKENDS)
        .unwrap_or_else(|e| panic!("{config:?}: {e}"))
}

/// Lengths biased towards the policy boundaries (6, 64, 1024) as well as up to 64 KiB.
fn len() -> impl Strategy<Value = usize> {
    prop_oneof![0usize..16, 0usize..2048, 0usize..=65_536]
}

/// Values of every kind: noise, few-symbol data, a repeated chunk, JSON, partly compressible
/// data, and values that already start with a header.
fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => len().prop_flat_map(|n| vec(any::<u8>(), n)),
        2 => len().prop_flat_map(|n| vec(0u8..4, n)),
        2 => (vec(any::<u8>(), 1..48), len())
            .prop_map(|(unit, n)| unit.iter().cycle().take(n).copied().collect()),
        2 => (any::<u64>(), len()).prop_map(|(seed, n)| json_value(n, seed)),
        // Noise, then a run of one byte: saves roughly 0-30 %, around `min_savings`.
        2 => (len(), 0u32..30).prop_flat_map(|(n, pct)| {
            let run = n * pct as usize / 100;
            vec(any::<u8>(), n - run).prop_map(move |mut v| {
                v.resize(n, b'-');
                v
            })
        }),
        1 => (any::<u8>(), 0u8..6, len()).prop_map(|(version, id, n)| {
            let mut v = vec![0x00, 0x01, 0x02, version, id];
            v.extend(std::iter::repeat_n(b'z', n));
            v
        }),
    ]
}

/// What the default policy is expected to decide, computed from the settings and the length
/// the writer's codec actually produces.
fn expected_skip(s: &Settings, value: &[u8], stored_len: usize) -> Option<SkipReason> {
    let n = value.len();
    if has_header(value) {
        None // the format's escape: always stored encoded
    } else if n < s.min {
        Some(SkipReason::TooSmall)
    } else if s.max.is_some_and(|max| n > max) {
        Some(SkipReason::TooLarge)
    } else if stored_len >= n {
        Some(SkipReason::NotSmaller)
    } else if s
        .min_savings
        .is_some_and(|r| ((n - stored_len) as f64) < r * n as f64)
    {
        Some(SkipReason::LowSavings)
    } else {
        None
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn round_trip_and_header_iff_admitted_and_shorter(data in value(), s in settings()) {
        for (backend, level) in WRITERS {
            let engine = engine(backend, level, &s, OnCorrupt::Error);
            let codec = engine.writer().unwrap().clone();
            // The stored form the engine would build: header, then the codec's payload.
            let mut candidate = vec![0x00, 0x01, 0x02, 0x00, codec.id().0];
            codec.compress(&data, &mut candidate).unwrap();
            let skip = expected_skip(&s, &data, candidate.len());

            let stored = engine.encode(&data).unwrap();
            let m = engine.counters().snapshot();
            let what = format!("{backend} {level:?} {s:?}, {} bytes", data.len());
            match (&stored, skip) {
                (Cow::Owned(stored), None) => {
                    prop_assert_eq!(&stored[..5], &candidate[..5], "{}", what);
                    prop_assert!(stored.len() < data.len() || has_header(&data), "{}", what);
                    prop_assert!(stored == &candidate, "{}: not the codec's payload", what);
                    prop_assert_eq!(m.compressed(), 1);
                }
                (Cow::Borrowed(plain), Some(reason)) => {
                    prop_assert!(*plain == &data[..], "{}", what);
                    prop_assert_eq!(m.skipped_for(reason), 1, "{}: {:?}", what, reason);
                    prop_assert_eq!(m.compressed(), 0);
                }
                (stored, skip) => prop_assert!(
                    false,
                    "{}: expected skip {:?}, found {} stored bytes ({})",
                    what,
                    skip,
                    stored.len(),
                    if matches!(stored, Cow::Owned(_)) { "compressed" } else { "plain" },
                ),
            }
            // Every value reads back as written, look-alikes included (stored encoded).
            let back = engine.decode(&stored).unwrap();
            prop_assert!(*back == data[..], "{}: round trip differs", what);
            prop_assert_eq!(m.escaped(), u64::from(has_header(&data)), "{}", what);
        }
    }
}

/// A stored value to feed `decode`.
#[derive(Debug, Clone)]
enum Mutation {
    /// Flip these bits (index, bit), indices modulo the length.
    Flip(Vec<(usize, u8)>),
    /// Cut to this fraction (in 1/256) of the length.
    Truncate(u8),
    /// Append these bytes.
    Append(Vec<u8>),
    /// Leave it valid.
    None,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => vec((any::<usize>(), 0u8..8), 1..4).prop_map(Mutation::Flip),
        1 => any::<u8>().prop_map(Mutation::Truncate),
        1 => vec(any::<u8>(), 1..8).prop_map(Mutation::Append),
        2 => Just(Mutation::None),
    ]
}

fn mutate(mut v: Vec<u8>, m: &Mutation) -> Vec<u8> {
    match m {
        Mutation::Flip(flips) if !v.is_empty() => {
            for &(i, bit) in flips {
                let len = v.len();
                v[i % len] ^= 1 << bit;
            }
        }
        Mutation::Truncate(f) => v.truncate(v.len() * usize::from(*f) / 256),
        Mutation::Append(extra) => v.extend_from_slice(extra),
        _ => {}
    }
    v
}

/// Stored values: garbage, a header followed by garbage, and valid values of every writer
/// (plus GLIDE-style zstd frames without content size), possibly mutated.
fn stored() -> impl Strategy<Value = Vec<u8>> {
    let valid = (
        0..WRITERS.len() + 1,
        prop_oneof![
            vec(0u8..4, 0..16_384),
            (any::<u64>(), 0usize..16_384).prop_map(|(seed, n)| json_value(n, seed)),
        ],
    )
        .prop_map(|(w, data)| match WRITERS.get(w) {
            Some(&(backend, level)) => {
                let s = Settings {
                    min: 6,
                    max: None,
                    min_savings: None,
                };
                engine(backend, level, &s, OnCorrupt::Error)
                    .encode_vec(data)
                    .unwrap()
            }
            // GLIDE's zstd writer: streaming, no content size.
            None => {
                let frame = kvcodec_zstd::glide_frame(&data, 3).unwrap();
                [&[0x00, 0x01, 0x02, 0x00, 0x01][..], &frame].concat()
            }
        });
    prop_oneof![
        1 => vec(any::<u8>(), 0..4096),
        1 => (any::<u8>(), 0u8..8, vec(any::<u8>(), 0..4096)).prop_map(|(version, id, tail)| {
            let version = if version < 200 { 0 } else { version };
            [&[0x00, 0x01, 0x02, version, id][..], &tail].concat()
        }),
        3 => (valid, mutation()).prop_map(|(v, m)| mutate(v, &m)),
    ]
}

fn limit() -> impl Strategy<Value = usize> {
    prop_oneof![
        1 => 1usize..=256,
        1 => 1usize..=20_000,
        2 => Just(kvcodec::DEFAULT_MAX_DECOMPRESSED_SIZE),
    ]
}

/// Every backend, and the compact dictionary codec (0x05) knowing no dictionary: its values
/// fail as an unknown dictionary, an error under either setting (`kvcodec::always_an_error`).
fn reader(max: usize, on_corrupt: OnCorrupt) -> Engine {
    let mut builder = Engine::builder()
        .max_decompressed_size(max)
        .on_corrupt(on_corrupt);
    for backend in BACKENDS {
        builder = builder.codec(backend.codec(None).unwrap());
    }
    let dict = kvcodec_zstd::ZstdDictCodec::reader(kvcodec_zstd::Dictionaries::new());
    builder
        .codec(std::sync::Arc::new(dict) as std::sync::Arc<dyn kvcodec::Codec>)
        .build()
        .unwrap()
}

/// A failure `ReturnStored` surfaces as an error: a size limit, or one
/// [`kvcodec::always_an_error`] names for this header.
fn surfaces(e: &Error, stored: &[u8]) -> bool {
    let header = kvcodec::Header::parse(stored).map(|(h, _)| h);
    match (e.failure_kind(), header) {
        (Some(FailureKind::SizeLimit), _) => true,
        (Some(kind), Some(h)) => kvcodec::always_an_error(h, kind),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decode_never_panics_and_never_exceeds_the_limit(input in stored(), max in limit()) {
        let strict = reader(max, OnCorrupt::Error);
        let lenient = reader(max, OnCorrupt::ReturnStored);
        let r_strict = strict.decode(&input);
        let r_lenient = lenient.decode(&input);
        let framed = has_header(&input);

        match &r_strict {
            Ok(Cow::Owned(v)) => {
                prop_assert!(framed, "decoded a value without header");
                prop_assert!(v.len() <= max, "decoded {} bytes over a limit of {}", v.len(), max);
            }
            Ok(Cow::Borrowed(v)) => {
                prop_assert!(!framed, "OnCorrupt::Error passed a framed value through");
                prop_assert!(*v == &input[..]);
            }
            Err(e) => {
                prop_assert!(framed, "error on a value without header: {}", e);
                prop_assert!(e.failure_kind().is_some(), "not a decode error: {:?}", e);
            }
        }

        // ReturnStored differs only by giving back the stored bytes for the other failures.
        match (&r_strict, &r_lenient) {
            (Ok(a), Ok(b)) => prop_assert!(a == b, "the two settings decoded differently"),
            (Err(a), Err(b)) => {
                prop_assert_eq!(a, b);
                prop_assert!(surfaces(b, &input), "ReturnStored returned {:?}", b);
            }
            (Err(a), Ok(b)) => {
                prop_assert!(!surfaces(a, &input), "{} swallowed", a);
                prop_assert!(matches!(b, Cow::Borrowed(_)) && **b == input[..]);
            }
            (Ok(_), Err(b)) => prop_assert!(false, "only ReturnStored failed: {:?}", b),
        }

        let (ms, ml) = (strict.counters().snapshot(), lenient.counters().snapshot());
        prop_assert_eq!(ms.failures(), u64::from(r_strict.is_err()));
        prop_assert_eq!(ml.failures(), ms.failures());
        prop_assert_eq!(ms.raw_fallbacks(), 0);
        let fell_back = matches!((&r_strict, &r_lenient), (Err(_), Ok(_)));
        prop_assert_eq!(ml.raw_fallbacks(), u64::from(fell_back));
    }
}
