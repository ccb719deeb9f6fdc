//! The compact dictionary codec's (0x05) `declared_len` and `decompress` on arbitrary payloads
//! and on valid ones with one byte flipped — the varint dictionary id, the magicless frame
//! header and the blocks — under `Exact` and `AtMost` bounds, into a fresh `Vec` and into a
//! 0xFF-filled one (see `kvcodec_fuzz::check_codec`). Dictionary 1 is known; a valid payload
//! naming any other id is `UnknownDictionary` (`kvcodec_fuzz::check_other_dictionary`).
#![no_main]

use std::sync::LazyLock;

use kvcodec_zstd::ZstdDictCodec;
use libfuzzer_sys::fuzz_target;

static CODEC: LazyLock<ZstdDictCodec> = LazyLock::new(kvcodec_fuzz::dict_codec);

fuzz_target!(|data: &[u8]| {
    kvcodec_fuzz::check_codec(&*CODEC, data, |value| kvcodec_fuzz::compress(&*CODEC, value));
    kvcodec_fuzz::check_other_dictionary(&*CODEC, data);
});
