//! The deflate codec's (level 6) `declared_len` and `decompress` on arbitrary payloads and on valid
//! payloads with one byte flipped, under `Exact` and `AtMost` bounds; each decode runs into a fresh
//! `Vec` and into a 0xFF-filled one, which must give the same result (see
//! `kvcodec_fuzz::check_codec` for the input layout and every check).
#![no_main]

use std::sync::LazyLock;

use kvcodec_deflate::DeflateCodec;
use libfuzzer_sys::fuzz_target;

static CODEC: LazyLock<DeflateCodec> = LazyLock::new(DeflateCodec::default);

fuzz_target!(|data: &[u8]| {
    kvcodec_fuzz::check_codec(&*CODEC, data, |value| kvcodec_fuzz::compress(&*CODEC, value));
});
