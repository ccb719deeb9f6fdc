//! The `cluster_slots` target's check: the migration's `CLUSTER SLOTS` reader.

use kvcodec_redis::migrate::topology::{SLOTS, parse_slots, uncovered};

/// `parse_slots` and `uncovered` on a `CLUSTER SLOTS` reply parsed from arbitrary RESP bytes:
/// never panic; every range kept is `start <= end < 16384` under a `host:port` address; a slot
/// is reported uncovered exactly when no kept range holds it.
pub fn check_cluster_slots(data: &[u8]) {
    let Ok(reply) = redis::parse_redis_value(data) else { return };
    let primaries = parse_slots(&reply, "seed");
    let mut served = vec![false; SLOTS as usize];
    for (addr, ranges) in &primaries {
        assert!(addr.contains(':'), "{addr}");
        mark(&mut served, ranges);
    }
    let mut missing = vec![false; SLOTS as usize];
    mark(&mut missing, &uncovered(&primaries));
    for s in 0..SLOTS as usize {
        assert_ne!(served[s], missing[s], "slot {s}");
    }
}

/// Sets `slots[a..=b]` for each range, checking it is `a <= b < 16384`.
fn mark(slots: &mut [bool], ranges: &[(u16, u16)]) {
    for &(a, b) in ranges {
        assert!(a <= b && u32::from(b) < SLOTS, "{a}-{b}");
        slots[a as usize..=b as usize].iter_mut().for_each(|s| *s = true);
    }
}
