//! The lz4 codec's `declared_len` and `decompress` on arbitrary payloads and on valid payloads
//! with one byte flipped, under `Exact` and `AtMost` bounds, for both implementations: liblz4
//! (the default) and lz4_flex. Each decode runs into a fresh `Vec` and into a 0xFF-filled one,
//! which must give the same result (see `kvcodec_fuzz::check_codec` for the input layout and
//! every check); the two implementations must agree whenever both decode. The payloads are
//! written by liblz4 at a level the input's length picks (default, fast, HC, HC optimal).
#![no_main]

use std::sync::LazyLock;

use kvcodec_fuzz::{check_agree, check_codec, compress, lz4_flex};
use kvcodec_lz4::Lz4Codec;
use libfuzzer_sys::fuzz_target;

static LIBLZ4: LazyLock<Lz4Codec> = LazyLock::new(Lz4Codec::default);
static LZ4_FLEX: LazyLock<Lz4Codec> = LazyLock::new(lz4_flex);
static WRITERS: LazyLock<Vec<Lz4Codec>> = LazyLock::new(|| {
    [0, -8, 3, 9, 12].iter().map(|&l| Lz4Codec::new(l).expect("lz4 level")).collect()
});

fuzz_target!(|data: &[u8]| {
    let writer = &WRITERS[data.len() % WRITERS.len()];
    let write = |value: &[u8]| compress(writer, value);
    check_codec(&*LIBLZ4, data, write);
    check_codec(&*LZ4_FLEX, data, write);
    check_agree(&*LIBLZ4, &*LZ4_FLEX, data, write);
});
