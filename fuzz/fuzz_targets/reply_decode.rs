//! Replies a server could send, read through the wrapper: a pipeline of commands from a menu
//! (value-aware, transaction, pass-through), the offset redis-rs would skip, and RESP replies
//! parsed by redis-rs' own parser (`kvcodec_fuzz::Replies`, built by `arbitrary`). Reading
//! never panics; a reply holding no compressed value comes back unchanged (see
//! `kvcodec_fuzz::check_replies`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: kvcodec_fuzz::Replies<'_>| kvcodec_fuzz::check_replies(input));
