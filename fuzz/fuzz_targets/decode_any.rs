//! `Engine::decode_outcome` on arbitrary stored values, with all four backends and the compact
//! dictionary codec (0x05, dictionary 1) registered and a
//! 1 MiB limit, under both `OnCorrupt` settings. Also with a valid header for the codec the
//! first byte picks, so the fuzzer reaches the payload decoders at once. lz4 values are also
//! read with lz4_flex in place of liblz4: whenever both decode, they give the same bytes.
#![no_main]

use std::sync::LazyLock;

use kvcodec::header::{Header, has_header};
use kvcodec::{CodecId, Decoded, Engine, FailureKind, OnCorrupt};
use kvcodec_fuzz::{ENGINE_LIMIT, engine, engine_lz4_flex};
use libfuzzer_sys::fuzz_target;

static ENGINES: LazyLock<[Engine; 3]> = LazyLock::new(|| {
    [engine(OnCorrupt::ReturnStored), engine(OnCorrupt::Error), engine_lz4_flex(OnCorrupt::Error)]
});

fn check(stored: &[u8]) {
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
    let size_limit = |e: &kvcodec::Error| e.failure_kind() == Some(FailureKind::SizeLimit);
    match (lenient.decode_outcome(stored), strict) {
        (Ok(Decoded::ReturnedAsStored(why)), Err(e)) => {
            assert!(!size_limit(&e), "size-limit error swallowed: {e}");
            assert_eq!(why, e, "the reason given is the strict engine's error");
        }
        (Err(e), strict) => assert!(size_limit(&e) && strict == Err(e.clone()), "surfaced: {e}"),
        (lenient, strict) => assert_eq!(lenient, strict),
    }
}

fuzz_target!(|data: &[u8]| {
    check(data);
    if let Some((&pick, payload)) = data.split_first() {
        let mut stored = Header::new(CodecId(1 + pick % 5)).to_bytes().to_vec();
        stored.extend_from_slice(payload);
        check(&stored);
    }
});
