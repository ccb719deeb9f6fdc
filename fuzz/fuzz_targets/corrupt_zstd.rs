//! The zstd codec's `declared_len` and `decompress` on arbitrary payloads and on valid frames
//! with one byte flipped, under `Exact` and `AtMost` bounds; each decode runs into a fresh
//! `Vec` and into a 0xFF-filled one, which must give the same result (see
//! `kvcodec_fuzz::check_codec` for the input layout and every check).
//!
//! Valid frames are kvcodec's (with content size) or, when the value's first byte is odd,
//! GLIDE's (`zstd::encode_all`: no content size), which take the bounded streaming path.
#![no_main]

use std::sync::LazyLock;

use kvcodec_zstd::ZstdCodec;
use libfuzzer_sys::fuzz_target;

static CODEC: LazyLock<ZstdCodec> = LazyLock::new(ZstdCodec::default);

fuzz_target!(|data: &[u8]| {
    kvcodec_fuzz::check_codec(&*CODEC, data, |value| match value.first() {
        Some(b) if b & 1 == 1 => kvcodec_zstd::glide_frame(value, 1).expect("in-memory encode"),
        _ => kvcodec_fuzz::compress(&*CODEC, value),
    });
});
