//! `Header::parse`, `has_header` and `to_bytes` on arbitrary bytes: parse succeeds exactly when
//! `has_header` says so, splits at byte 5, and `to_bytes` gives the parsed bytes back (see
//! `kvcodec_fuzz::check_header`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kvcodec_fuzz::check_header(data));
