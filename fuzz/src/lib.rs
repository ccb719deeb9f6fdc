#![forbid(unsafe_code)]
//! kvcodec's fuzz checks: each target in `fuzz_targets/` is one call into a check here, with
//! structured inputs (`arbitrary`) where a target needs more than bytes. Also the four
//! backends, engines over them, and the per-codec decode checks the `corrupt_*` targets run.
//!
//! # Getting started
//!
//! See `fuzz/README.md`: `cargo +nightly fuzz run corrupt_lz4` from the repository root.

mod decode_any;
mod header;
mod replies;
mod resp;
mod roundtrip;
mod slots;

use std::sync::Arc;

pub use decode_any::{check_decode_any, check_stored};
pub use header::check_header;
pub use replies::{Command, Replies, check_replies};
pub use resp::check_resp_parse;
pub use roundtrip::{RoundTrip, check_roundtrip};
pub use slots::check_cluster_slots;

use arbitrary::{Arbitrary, Unstructured};
use kvcodec::codec::DecodeBound::{self, AtMost, Exact};
use kvcodec::{Backend, Codec, Engine, Error, OnCorrupt};
use kvcodec_lz4::{Implementation, Lz4Codec};

/// `max_decompressed_size` of the engines in `decode_any` and `roundtrip`.
pub const ENGINE_LIMIT: usize = 1 << 20;

/// The largest bound the `corrupt_*` targets decode under (smaller than [`ENGINE_LIMIT`]
/// because each input is decoded eight times).
pub const CODEC_LIMIT: usize = 1 << 17;

/// Bytes already in the output `Vec` before a codec appends; they must survive decoding.
const PREFIX: [u8; 3] = [0xA5; 3];

/// zstd, lz4, snappy and deflate at their default levels, built through their `BACKEND`s.
pub fn codecs() -> [Arc<dyn Codec>; 4] {
    [
        &kvcodec_zstd::BACKEND,
        &kvcodec_lz4::BACKEND,
        &kvcodec_snappy::BACKEND,
        &kvcodec_deflate::BACKEND,
    ]
    .map(|backend| backend.codec(None).expect("default level builds"))
}

/// Every backend at a few levels, for `roundtrip`: zstd at its fastest, a negative, 0, default
/// and a slow level; lz4 (liblz4) at both ends of GLIDE's range, its default and HC 9, and
/// lz4_flex; deflate stored, fastest and best; snappy.
pub fn codecs_at_levels() -> Vec<Arc<dyn Codec>> {
    let (zstd, lz4, deflate) =
        (&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND, &kvcodec_deflate::BACKEND);
    let levels: [(&Backend, Option<i32>); 13] = [
        (zstd, Some(-131_072)),
        (zstd, Some(-1)),
        (zstd, Some(0)),
        (zstd, Some(3)),
        (zstd, Some(19)),
        (lz4, Some(-128)),
        (lz4, Some(0)),
        (lz4, Some(9)),
        (lz4, Some(12)),
        (&kvcodec_snappy::BACKEND, None),
        (deflate, Some(0)),
        (deflate, Some(1)),
        (deflate, Some(9)),
    ];
    let mut all: Vec<Arc<dyn Codec>> = levels
        .iter()
        .map(|(backend, level)| backend.codec(*level).expect("level in range"))
        .collect();
    all.push(Arc::new(lz4_flex()));
    all
}

/// kvcodec-lz4's pure-Rust implementation (lz4_flex), next to its default (liblz4).
pub fn lz4_flex() -> Lz4Codec {
    Lz4Codec::with_implementation(0, Implementation::Lz4Flex).expect("level 0")
}

/// An engine reading all four backends, limited to [`ENGINE_LIMIT`] decoded bytes.
pub fn engine(on_corrupt: OnCorrupt) -> Engine {
    engine_with(codecs(), on_corrupt)
}

/// Like [`engine`], reading lz4 with lz4_flex instead of liblz4.
pub fn engine_lz4_flex(on_corrupt: OnCorrupt) -> Engine {
    let mut codecs = codecs();
    codecs[1] = Arc::new(lz4_flex());
    engine_with(codecs, on_corrupt)
}

fn engine_with(codecs: [Arc<dyn Codec>; 4], on_corrupt: OnCorrupt) -> Engine {
    let mut builder = Engine::builder();
    for codec in codecs {
        builder = builder.codec(codec);
    }
    // The compact dictionary codec (0x05), reading with dictionary 1 (never the writer).
    builder = builder.codec(Arc::new(dict_codec()) as Arc<dyn Codec>);
    builder
        .max_decompressed_size(ENGINE_LIMIT)
        .on_corrupt(on_corrupt)
        .build()
        .expect("writer is registered")
}

/// A dictionary trained on small JSON-like records, id 1, in a shared set, built once.
pub fn dictionaries() -> Arc<kvcodec_zstd::Dictionaries> {
    static SET: std::sync::LazyLock<Arc<kvcodec_zstd::Dictionaries>> =
        std::sync::LazyLock::new(|| {
            let samples: Vec<String> = (0..600u32)
                .map(|i| {
                    format!(
                        r#"{{"uid":{},"flag":"f{}","on":{},"plan":"p{}","ts":{}}}"#,
                        i.wrapping_mul(7919),
                        i % 13,
                        i % 2 == 0,
                        i % 4,
                        1_718_000_000 + i * 37
                    )
                })
                .collect();
            let mut dict = kvcodec_zstd::train_dictionary(&samples, 2048).expect("trains");
            kvcodec_zstd::set_dictionary_id(&mut dict, 1).expect("a dictionary");
            let set = kvcodec_zstd::Dictionaries::new();
            set.insert(&dict).expect("loads");
            set
        });
    SET.clone()
}

/// The compact dictionary codec (header id 0x05) writing and reading with [`dictionaries`].
pub fn dict_codec() -> kvcodec_zstd::ZstdDictCodec {
    kvcodec_zstd::ZstdDictCodec::writer(dictionaries(), 1, 3).expect("dictionary 1 is in the set")
}

/// `true` if `len` output bytes satisfy `bound`.
fn fits(len: usize, bound: DecodeBound) -> bool {
    match bound {
        Exact(n) => len == n,
        AtMost(n) => len <= n,
    }
}

/// Decodes `payload` twice — into a fresh `Vec`, and after [`PREFIX`] into a `Vec` whose spare
/// capacity is full of 0xFF (lz4_flex's leak check) — and asserts both give the same result,
/// the prefix is untouched, and an `Ok` output fits `bound`.
pub fn decode_twice(
    codec: &dyn Codec,
    payload: &[u8],
    bound: DecodeBound,
) -> Result<Vec<u8>, Error> {
    let mut fresh = Vec::new();
    let fresh = codec.decompress(payload, bound, &mut fresh).map(|()| fresh);
    // Room for the whole output, the codec's decode headroom and then some (so zstd and
    // deflate also take their paths for buffers larger than they ask for), without filling
    // the full bound on every run.
    let len = fresh.as_ref().map_or(4096, Vec::len).min(bound.limit());
    let room = kvcodec::codec::decode_capacity(codec, len) + 64;
    let mut dirty = vec![0xFF; PREFIX.len() + room];
    dirty.clear(); // keeps the 0xFF bytes in the spare capacity
    dirty.extend_from_slice(&PREFIX);
    let dirty = codec.decompress(payload, bound, &mut dirty).map(|()| {
        assert_eq!(
            dirty[..PREFIX.len()],
            PREFIX,
            "{}: bytes before the output changed",
            codec.name()
        );
        dirty.split_off(PREFIX.len())
    });
    // Identical outputs; errors of the same kind. (zstd's message for a corrupt frame can
    // depend on how much room the output has: "destination buffer is too small" when the
    // corrupt block overruns the room it is given, "data corruption" when it is caught first.)
    match (&fresh, &dirty) {
        (Err(a), Err(b)) => assert_eq!(
            a.failure_kind(),
            b.failure_kind(),
            "{} under {bound:?}: {a} vs {b}",
            codec.name()
        ),
        _ => assert_eq!(
            fresh,
            dirty,
            "{} under {bound:?}: fresh vs 0xFF-filled output",
            codec.name()
        ),
    }
    if let Ok(out) = &fresh {
        assert!(fits(out.len(), bound), "{}: {} bytes under {bound:?}", codec.name(), out.len());
    }
    fresh
}

/// Decodes an arbitrary `payload` under `AtMost(CODEC_LIMIT)`, `Exact(n)`, `AtMost(n)` and
/// `Exact(len)` of the first result, and checks the results agree with each other and with
/// [`Codec::declared_len`]. `n` must be at most [`CODEC_LIMIT`].
pub fn check_payload(codec: &dyn Codec, payload: &[u8], n: usize) {
    let name = codec.name();
    let declared = codec.declared_len(payload);
    let full = decode_twice(codec, payload, AtMost(CODEC_LIMIT));
    match (&declared, &full) {
        (Ok(Some(d)), Ok(out)) => assert_eq!(out.len() as u64, *d, "{name}: declared vs decoded"),
        (Err(e), Ok(_)) => panic!("{name}: declared_len fails ({e}) but the payload decodes"),
        _ => {}
    }
    let exact_len = full.as_ref().map_or(Exact(n), |out| Exact(out.len()));
    for bound in [Exact(n), AtMost(n), exact_len] {
        match (&full, decode_twice(codec, payload, bound)) {
            (Ok(x), Ok(y)) => assert_eq!(*x, y, "{name}: output under {bound:?} differs"),
            (Err(e), Ok(_)) => panic!("{name}: decodes under {bound:?}, not under the limit: {e}"),
            (Ok(x), Err(e)) if fits(x.len(), bound) => {
                panic!("{name}: {} bytes fit {bound:?}, yet: {e}", x.len())
            }
            _ => {}
        }
    }
}

/// The input of a `corrupt_*` target, built by `arbitrary` from the fuzzer's bytes (which are
/// also tried whole as a payload).
#[derive(Debug, Arbitrary)]
struct Case<'a> {
    /// A bound for `Exact(n)` / `AtMost(n)`.
    n: u16,
    /// Byte of the compressed payload to flip, modulo its length.
    pos: u16,
    /// What to xor it with (0: leave the payload valid).
    xor: u8,
    value: &'a [u8],
}

impl Case<'_> {
    fn parse(data: &[u8]) -> Option<Case<'_>> {
        Case::arbitrary_take_rest(Unstructured::new(data)).ok()
    }

    /// `compress(value)`, with byte `pos % len` xor-ed with `xor`.
    fn payload(&self, compress: impl Fn(&[u8]) -> Vec<u8>) -> Vec<u8> {
        let mut payload = compress(self.value);
        if !payload.is_empty() {
            let i = usize::from(self.pos) % payload.len();
            payload[i] ^= self.xor;
        }
        payload
    }
}

/// The body of a `corrupt_*` target. `data` is a `Case` (`n`, `pos`, `xor`, `value`, built by
/// `arbitrary`): `data` itself is checked as a payload; then `compress(value)` is decoded back
/// to `value` (when `xor` is 0) or checked with `xor` applied to its byte `pos % len`.
pub fn check_codec(codec: &dyn Codec, data: &[u8], compress: impl Fn(&[u8]) -> Vec<u8>) {
    let Some(case) = Case::parse(data) else { return };
    let n = usize::from(case.n);
    check_payload(codec, data, n);
    let payload = case.payload(compress);
    if case.xor == 0 && case.value.len() <= CODEC_LIMIT {
        let back = decode_twice(codec, &payload, AtMost(CODEC_LIMIT));
        assert_eq!(back.as_deref(), Ok(case.value), "{}: valid payload", codec.name());
    }
    check_payload(codec, &payload, n);
}

/// A valid compact payload (`codec` writes with dictionary 1, whose varint is the one byte
/// `0x01`) with its dictionary id replaced by another one-byte id taken from `data`: the answer
/// is [`kvcodec::FailureKind::UnknownDictionary`], never another error or a decode.
pub fn check_other_dictionary(codec: &dyn Codec, data: &[u8]) {
    let [id @ 2..=0x7F, value @ ..] = data else { return };
    let mut payload = compress(codec, value);
    assert_eq!(payload[0], 1, "written with dictionary 1");
    payload[0] = *id;
    let mut out = Vec::new();
    let result = codec.decompress(&payload, AtMost(CODEC_LIMIT.max(value.len())), &mut out);
    let kind = result.err().and_then(|e| e.failure_kind());
    assert_eq!(kind, Some(kvcodec::FailureKind::UnknownDictionary), "dictionary {id}");
}

/// Two decoders of one format (`a` and `b`, e.g. liblz4 and lz4_flex) on `data` and on
/// `compress(value)` with one byte flipped, as [`check_codec`] builds them: they declare the
/// same length, and whenever both decode, they give the same bytes. (They may disagree on
/// *whether* a corrupt payload decodes: the format leaves some end-of-block rules to readers.)
pub fn check_agree(a: &dyn Codec, b: &dyn Codec, data: &[u8], compress: impl Fn(&[u8]) -> Vec<u8>) {
    let Some(case) = Case::parse(data) else { return };
    for payload in [data.to_vec(), case.payload(compress)] {
        assert_eq!(a.declared_len(&payload), b.declared_len(&payload), "declared length");
        let n = usize::from(case.n);
        for bound in [AtMost(CODEC_LIMIT), Exact(n), AtMost(n)] {
            let (mut x, mut y) = (Vec::new(), Vec::new());
            if let (Ok(()), Ok(())) =
                (a.decompress(&payload, bound, &mut x), b.decompress(&payload, bound, &mut y))
            {
                assert!(x == y, "{bound:?}: both decode, to different bytes");
            }
        }
    }
}

/// `codec.compress(value)` into a new `Vec`.
pub fn compress(codec: &dyn Codec, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    codec.compress(value, &mut out).expect("compression succeeds");
    out
}
