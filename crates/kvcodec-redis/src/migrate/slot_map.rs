//! [`SlotMap`]: which primary serves which hash slots, taken when a pass starts and when it
//! ends. A pass walks each primary's keys; keys whose slot moves to another primary while the
//! pass runs (a resharding, a failover) may never be seen, so a pass during which the map
//! changed cannot vouch for the keyspace: the run fails saying which slots moved, and the
//! same command resumes (primaries whose slots or config epoch changed are rescanned).
//!
//! Two views are compared: the seed's `CLUSTER SLOTS` (every primary's slots, so a primary
//! that joined and took slots shows), and each walked primary's own line of `CLUSTER NODES`
//! (its config epoch, which a primary bumps when it takes slots, and slots it is migrating
//! or importing — keys already moved to a primary that does not own their slot yet).

use std::collections::BTreeMap;

use super::error::ranges_text;
use super::topology::SLOTS;

/// One primary's own account of itself (its `myself` line of `CLUSTER NODES`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Myself {
    /// Node id.
    pub id: String,
    /// Config epoch.
    pub epoch: u64,
    /// Flagged `master`.
    pub primary: bool,
    /// Slot ranges it serves, sorted.
    pub slots: Vec<(u16, u16)>,
    /// Slots on the move: `(slot, importing, other node id)` — `importing` is `false` for a
    /// slot this node is migrating away.
    pub moving: Vec<(u16, bool, String)>,
}

/// `CLUSTER NODES` text: this node's own line, or `None` if there is none that parses.
/// Slot fields that do not parse are left out.
pub fn parse_myself(nodes: &str) -> Option<Myself> {
    let line = nodes.lines().find(|l| {
        l.split_whitespace()
            .nth(2)
            .is_some_and(|f| flag(f, "myself"))
    })?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    let mut me = Myself {
        id: fields.first()?.to_string(),
        epoch: fields.get(6)?.parse().ok()?,
        primary: flag(fields.get(2)?, "master"),
        ..Myself::default()
    };
    for field in fields.iter().skip(8) {
        if let Some(inner) = field.strip_prefix('[').and_then(|f| f.strip_suffix(']')) {
            let (slot, importing, other) = match (inner.split_once("->-"), inner.split_once("-<-"))
            {
                (Some((s, o)), _) => (s, false, o),
                (None, Some((s, o))) => (s, true, o),
                _ => continue,
            };
            if let Ok(slot) = slot.parse::<u16>()
                && u32::from(slot) < SLOTS
            {
                me.moving.push((slot, importing, other.to_owned()));
            }
            continue;
        }
        let (a, b) = field.split_once('-').unwrap_or((field, field));
        if let (Ok(a), Ok(b)) = (a.parse::<u16>(), b.parse::<u16>())
            && a <= b
            && u32::from(b) < SLOTS
        {
            me.slots.push((a, b));
        }
    }
    me.slots.sort_unstable();
    Some(me)
}

fn flag(flags: &str, name: &str) -> bool {
    flags.split(',').any(|f| f == name)
}

/// `id → host:port` of every line of `CLUSTER NODES` text (an empty host is `host`).
pub fn node_addrs(nodes: &str, host: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in nodes.lines() {
        let mut fields = line.split_whitespace();
        let (Some(id), Some(addr)) = (fields.next(), fields.next()) else {
            continue;
        };
        let addr = addr.split(['@', ',']).next().unwrap_or_default();
        let Some((h, port)) = addr.rsplit_once(':') else {
            continue;
        };
        let h = if h.is_empty() { host } else { h };
        out.insert(id.to_owned(), format!("{h}:{port}"));
    }
    out
}

/// The slot map of a cluster at one moment (empty for a standalone server).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlotMap {
    /// `CLUSTER SLOTS` of the seed: each primary's slot ranges.
    pub owners: BTreeMap<String, Vec<(u16, u16)>>,
    /// Each walked primary's own account, by `host:port`.
    pub selves: BTreeMap<String, Myself>,
    /// Node ids of the selves' `CLUSTER NODES`, to name the other end of a moving slot.
    pub addrs: BTreeMap<String, String>,
}

impl SlotMap {
    /// What makes this map unfit for a pass: slots on the move. `None` if there are none.
    pub fn unsettled(&self) -> Option<String> {
        let mut moves = Vec::new();
        for (addr, me) in &self.selves {
            for (slot, importing, other) in &me.moving {
                let other = self.addrs.get(other).unwrap_or(other);
                moves.push(if *importing {
                    format!("slot {slot} is moving from {other} to {addr}")
                } else {
                    format!("slot {slot} is moving from {addr} to {other}")
                });
            }
        }
        list(moves)
    }

    /// How `self` differs from `before`, `None` if it does not: slots that changed primary
    /// (or moved now), primaries whose config epoch changed or that are no longer primaries.
    pub fn changes_since(&self, before: &SlotMap) -> Option<String> {
        if let Some(moving) = self.unsettled() {
            return Some(moving);
        }
        let mut changes = moved_slots(&before.owners, &self.owners);
        for (addr, was) in &before.selves {
            match self.selves.get(addr) {
                Some(now) if !now.primary => changes.push(format!("{addr} is no longer a primary")),
                Some(now) if now.slots != was.slots && changes.is_empty() => changes.push(format!(
                    "{addr} now serves slots {} (was {})",
                    ranges_text(&now.slots),
                    ranges_text(&was.slots)
                )),
                Some(now) if now.epoch != was.epoch && changes.is_empty() => changes.push(format!(
                    "the config epoch of {addr} changed from {} to {} (slots moved to it)",
                    was.epoch, now.epoch
                )),
                Some(_) => {}
                None => changes.push(format!("{addr} was not asked")),
            }
        }
        list(changes)
    }
}

/// Up to three items, then how many more.
fn list(items: Vec<String>) -> Option<String> {
    match items.len() {
        0 => None,
        n if n <= 3 => Some(items.join("; ")),
        n => Some(format!("{}; and {} more", items[..3].join("; "), n - 3)),
    }
}

/// `slots A-B moved from X to Y` for each run of slots whose primary changed.
fn moved_slots(
    before: &BTreeMap<String, Vec<(u16, u16)>>,
    after: &BTreeMap<String, Vec<(u16, u16)>>,
) -> Vec<String> {
    fn owner(map: &BTreeMap<String, Vec<(u16, u16)>>) -> Vec<Option<&str>> {
        let mut of: Vec<Option<&str>> = vec![None; SLOTS as usize];
        for (addr, ranges) in map {
            for &(a, b) in ranges {
                for slot in &mut of[a as usize..=b as usize] {
                    *slot = Some(addr.as_str());
                }
            }
        }
        of
    }
    let (was, now) = (owner(before), owner(after));
    let mut runs: Vec<(u16, u16, Option<&str>, Option<&str>)> = Vec::new();
    for s in 0..SLOTS as usize {
        if was[s] == now[s] {
            continue;
        }
        let s16 = s as u16;
        match runs.last_mut() {
            Some((_, end, from, to)) if *end + 1 == s16 && *from == was[s] && *to == now[s] => {
                *end = s16
            }
            _ => runs.push((s16, s16, was[s], now[s])),
        }
    }
    runs.into_iter()
        .map(|(a, b, from, to)| {
            let slots = ranges_text(&[(a, b)]);
            let word = if a == b { "slot" } else { "slots" };
            format!(
                "{word} {slots} moved from {} to {}",
                from.unwrap_or("no primary"),
                to.unwrap_or("no primary")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NODES: &str = "\
07c3 127.0.0.1:30004@40004 master - 0 1700000000000 4 connected\n\
e7d1 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460 [5461->-07c3] [16000-<-ab12]\n\
ab12 :30003@40003,host3 master - 0 1700000000000 3 connected 10923-16383\n";

    #[test]
    fn myself_and_addresses_parse() {
        let me = parse_myself(NODES).unwrap();
        assert_eq!((me.id.as_str(), me.epoch, me.primary), ("e7d1", 1, true));
        assert_eq!(me.slots, vec![(0, 5460)]);
        assert_eq!(
            me.moving,
            vec![(5461, false, "07c3".into()), (16000, true, "ab12".into())]
        );
        let addrs = node_addrs(NODES, "seed");
        assert_eq!(addrs["ab12"], "seed:30003");
        assert_eq!(addrs["07c3"], "127.0.0.1:30004");
        assert_eq!(parse_myself("garbage"), None);
        assert_eq!(parse_myself("a b myself c d e notanumber"), None);
    }

    #[test]
    fn changes_are_named() {
        let mut before = SlotMap::default();
        before.owners.insert("a:1".into(), vec![(0, 8191)]);
        before.owners.insert("b:2".into(), vec![(8192, 16383)]);
        let mut after = before.clone();
        assert_eq!(after.changes_since(&before), None);
        after.owners.insert("a:1".into(), vec![(300, 8191)]);
        after.owners.insert("d:4".into(), vec![(0, 299)]);
        assert_eq!(
            after.changes_since(&before).unwrap(),
            "slots 0-299 moved from a:1 to d:4"
        );
        let mut epoch = before.clone();
        before.selves.insert(
            "a:1".into(),
            Myself {
                epoch: 1,
                primary: true,
                ..Myself::default()
            },
        );
        epoch.selves.insert(
            "a:1".into(),
            Myself {
                epoch: 7,
                primary: true,
                ..Myself::default()
            },
        );
        assert!(
            epoch
                .changes_since(&before)
                .unwrap()
                .contains("from 1 to 7")
        );
        let mut moving = before.clone();
        moving
            .selves
            .get_mut("a:1")
            .unwrap()
            .moving
            .push((5, false, "x".into()));
        moving.addrs.insert("x".into(), "d:4".into());
        assert_eq!(
            moving.unsettled().unwrap(),
            "slot 5 is moving from a:1 to d:4"
        );
    }
}
