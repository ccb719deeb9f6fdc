//! The `decode_any` target's check: the engine on arbitrary stored values.

use std::sync::LazyLock;

use kvcodec::header::{Header, has_header};
use kvcodec::{CodecId, Decoded, Engine, FailureKind, OnCorrupt};

use crate::{ENGINE_LIMIT, engine, engine_lz4_flex};

static ENGINES: LazyLock<[Engine; 3]> = LazyLock::new(|| {
    [engine(OnCorrupt::ReturnStored), engine(OnCorrupt::Error), engine_lz4_flex(OnCorrupt::Error)]
});

/// [`check_stored`] on `data`, then on `data[1..]` behind a valid header for the codec
/// `data[0]` picks (so the fuzzer reaches the payload decoders at once).
pub fn check_decode_any(data: &[u8]) {
    check_stored(data);
    if let Some((&pick, payload)) = data.split_first() {
        let mut stored = Header::new(CodecId(1 + pick % 5)).to_bytes().to_vec();
        stored.extend_from_slice(payload);
        check_stored(&stored);
    }
}

/// `Engine::decode_outcome` on `stored`, all four backends registered, under both `OnCorrupt`
/// settings: decoded output fits the limit; a value without header passes through; with
/// `OnCorrupt::Error` every failure is a decode error; with `OnCorrupt::ReturnStored` only the
/// failures `kvcodec::always_an_error` names surface, anything else is returned as stored (for the strict engine's
/// reason), and successes equal the strict engine's; an lz4 value that both liblz4 and
/// lz4_flex decode gives the same bytes.
pub fn check_stored(stored: &[u8]) {
    let [lenient, strict, flex] = &*ENGINES;
    let strict = strict.decode_outcome(stored);
    let lz4 = Header::parse(stored).is_some_and(|(h, _)| h.codec == CodecId::LZ4);
    if let (true, Ok(Decoded::Decompressed(a))) = (lz4, &strict) {
        if let Ok(Decoded::Decompressed(b)) = flex.decode_outcome(stored) {
            assert!(*a == b, "liblz4 and lz4_flex decode to different bytes");
        }
    }
    match &strict {
        Ok(Decoded::Decompressed(plain)) => {
            assert!(plain.len() <= ENGINE_LIMIT, "{} bytes", plain.len())
        }
        Ok(Decoded::Plain) => assert!(!has_header(stored), "a header was passed through"),
        Ok(Decoded::ReturnedAsStored(e)) => panic!("OnCorrupt::Error returned as stored: {e}"),
        Err(e) => assert!(has_header(stored) && e.failure_kind().is_some(), "{e}"),
    }
    // Errors under either setting: size limits, and what `always_an_error` names.
    let size_limit = |e: &kvcodec::Error| match (e.failure_kind(), Header::parse(stored)) {
        (Some(FailureKind::SizeLimit), _) => true,
        (Some(kind), Some((h, _))) => kvcodec::always_an_error(h, kind),
        _ => false,
    };
    match (lenient.decode_outcome(stored), strict) {
        (Ok(Decoded::ReturnedAsStored(why)), Err(e)) => {
            assert!(!size_limit(&e), "size-limit error swallowed: {e}");
            // The same kind of failure; not always the same words: zstd reports one corrupt
            // frame as "Destination buffer is too small" on a fresh context and as "Data
            // corruption detected" on one that has decoded a frame over 128 KiB before (its
            // buffers are sized by history, and they decide which check fails first).
            assert_eq!(
                why.failure_kind(),
                e.failure_kind(),
                "the reason given is the strict engine's kind of error: {why} vs {e}"
            );
        }
        (Err(e), strict) => assert!(size_limit(&e) && strict == Err(e.clone()), "surfaced: {e}"),
        (lenient, strict) => assert_eq!(lenient, strict),
    }
}
