//! `Engine::decode_outcome` on arbitrary stored values, with all four backends and the compact
//! dictionary codec (0x05, dictionary 1) registered and a
//! 1 MiB limit, under both `OnCorrupt` settings. Also with a valid header for the codec the
//! first byte picks, so the fuzzer reaches the payload decoders at once. lz4 values are also
//! read with lz4_flex in place of liblz4: whenever both decode, they give the same bytes (see
//! `kvcodec_fuzz::check_decode_any`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kvcodec_fuzz::check_decode_any(data));
