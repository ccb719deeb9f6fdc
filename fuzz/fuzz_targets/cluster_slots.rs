//! `migrate::topology::parse_slots` and `uncovered` on a `CLUSTER SLOTS` reply parsed from
//! arbitrary RESP bytes: never panic; every range kept is `start <= end < 16384`; a slot is
//! reported uncovered exactly when no kept range holds it (see
//! `kvcodec_fuzz::check_cluster_slots`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| kvcodec_fuzz::check_cluster_slots(data));
