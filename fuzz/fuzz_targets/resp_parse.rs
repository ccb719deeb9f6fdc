//! `resp::parse_commands` on arbitrary bytes: never panics, returns in-bounds, ordered argument
//! ranges, and re-packing the commands with `resp::write_command` parses to the same arguments
//! (see `kvcodec_fuzz::check_resp_parse`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kvcodec_fuzz::check_resp_parse(data));
