//! `Engine::encode` then `decode` gives the value back exactly, look-alikes included. The input
//! (`kvcodec_fuzz::RoundTrip`, built by `arbitrary`) picks the backend and level, the minimum
//! size, and whether the compressed form is kept only when strictly shorter (GLIDE's rule) or
//! always; the stored form must be exactly what that policy and the codec's own payload
//! predict (a value that starts with the header magic is always stored encoded: the format's
//! escape). See `kvcodec_fuzz::check_roundtrip`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: kvcodec_fuzz::RoundTrip<'_>| kvcodec_fuzz::check_roundtrip(input));
