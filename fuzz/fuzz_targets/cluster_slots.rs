//! `migrate::topology::parse_slots` and `uncovered` on a `CLUSTER SLOTS` reply parsed from
//! arbitrary RESP bytes: never panic; every range kept is `start <= end < 16384`; a slot is
//! reported uncovered exactly when no kept range holds it.
#![no_main]

use kvcodec_redis::migrate::topology::{SLOTS, parse_slots, uncovered};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(reply) = redis::parse_redis_value(data) else { return };
    let primaries = parse_slots(&reply, "seed");
    let mut served = vec![false; SLOTS as usize];
    for (addr, ranges) in &primaries {
        assert!(addr.contains(':'), "{addr}");
        for &(a, b) in ranges {
            assert!(a <= b && u32::from(b) < SLOTS, "{a}-{b}");
            served[a as usize..=b as usize].iter_mut().for_each(|s| *s = true);
        }
    }
    let gaps = uncovered(&primaries);
    let mut missing = vec![false; SLOTS as usize];
    for &(a, b) in &gaps {
        assert!(a <= b && u32::from(b) < SLOTS, "{a}-{b}");
        missing[a as usize..=b as usize].iter_mut().for_each(|s| *s = true);
    }
    for s in 0..SLOTS as usize {
        assert_ne!(served[s], missing[s], "slot {s}");
    }
});
