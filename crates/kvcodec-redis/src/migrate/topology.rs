//! Which servers hold the keyspace: the one server, or every primary of a cluster — found
//! once per run from the URL, with every one of the 16384 hash slots accounted for.
//!
//! A cluster's primaries come from `CLUSTER SLOTS` on the node the URL names. Every slot must
//! be served by a primary that answers within the timeout, or the run fails naming the slots
//! no primary serves and the primaries it could not reach: a keyspace is never half-walked
//! in silence. Every connection has connect, read and write timeouts.

use std::collections::BTreeMap;
use std::time::Duration;

use redis::{Client, Connection, ConnectionAddr, ConnectionInfo, IntoConnectionInfo, Value};

use super::error::{MigrateError, Unreached, ranges_text};
use super::slot_map::{Myself, SlotMap, node_addrs, parse_myself};

/// Hash slots of a cluster.
pub const SLOTS: u32 = 16384;

/// One primary to walk, with a direct connection to it (never cluster-routed: every key it
/// scans lives on it).
pub struct Node {
    /// `host:port`, the checkpoint's key for this node.
    pub addr: String,
    /// The connection, with read and write timeouts set.
    pub con: Connection,
    /// `run_id` of `INFO server`: changes when the server restarts (and its SCAN cursors
    /// lose their meaning).
    pub run_id: String,
    /// The database walked.
    pub db: i64,
    /// Slot ranges served (empty for a standalone server).
    pub slots: Vec<(u16, u16)>,
    /// Config epoch (0 for a standalone server): a primary bumps it when it takes slots.
    pub epoch: u64,
}

/// The servers behind a URL.
#[derive(Debug, Clone)]
pub struct Topology {
    info: ConnectionInfo,
    timeout: Duration,
    /// `true` if the URL names a cluster node.
    pub cluster: bool,
    /// `host:port` of each primary and the slot ranges it serves, sorted by address.
    pub primaries: BTreeMap<String, Vec<(u16, u16)>>,
}

impl Topology {
    /// Parses `url`, connects to the server it names within `timeout`, and finds the
    /// primaries: the server itself, or every primary of the cluster with full slot coverage.
    pub fn discover(url: &str, timeout: Duration) -> Result<Topology, MigrateError> {
        let info = url.into_connection_info().map_err(MigrateError::Url)?;
        Topology::discover_info(info, timeout)
    }

    /// [`discover`](Self::discover) from a parsed URL.
    pub fn discover_info(
        info: ConnectionInfo,
        timeout: Duration,
    ) -> Result<Topology, MigrateError> {
        let seed_addr = info.addr().to_string();
        let unreached = |e: redis::RedisError| {
            MigrateError::Unreachable(vec![Unreached {
                node: seed_addr.clone(),
                slots: String::new(),
                error: e.to_string(),
            }])
        };
        let mut seed = connect(&info, timeout).map_err(unreached)?;
        let cluster_info: String = redis::cmd("INFO")
            .arg("cluster")
            .query(&mut seed)
            .map_err(|e| unreached(timed_out(e)))?;
        let mut topology = Topology {
            info,
            timeout,
            cluster: cluster_info.contains("cluster_enabled:1"),
            primaries: BTreeMap::new(),
        };
        if !topology.cluster {
            topology.primaries.insert(seed_addr, Vec::new());
            return Ok(topology);
        }
        let slots: Value = redis::cmd("CLUSTER")
            .arg("SLOTS")
            .query(&mut seed)
            .map_err(MigrateError::node(&seed_addr))?;
        let host = match topology.info.addr() {
            ConnectionAddr::Tcp(h, _) | ConnectionAddr::TcpTls { host: h, .. } => h.clone(),
            _ => "127.0.0.1".to_owned(),
        };
        topology.primaries = parse_slots(&slots, &host);
        let uncovered = uncovered(&topology.primaries);
        if !uncovered.is_empty() {
            return Err(MigrateError::Uncovered {
                slots: ranges_text(&uncovered),
            });
        }
        Ok(topology)
    }

    /// Connects to every primary, reading its `run_id`. Fails naming every primary (and its
    /// slots) that does not answer within the timeout.
    pub fn connect(&self) -> Result<Vec<Node>, MigrateError> {
        let db = self.info.redis_settings().db();
        let mut nodes = Vec::new();
        let mut unreached = Vec::new();
        for (addr, slots) in &self.primaries {
            match self.connect_node(addr) {
                Ok((con, run_id, epoch)) => nodes.push(Node {
                    addr: addr.clone(),
                    con,
                    run_id,
                    db,
                    slots: slots.clone(),
                    epoch,
                }),
                Err(e) => unreached.push(Unreached {
                    node: addr.clone(),
                    slots: ranges_text(slots),
                    error: e.to_string(),
                }),
            }
        }
        if unreached.is_empty() {
            Ok(nodes)
        } else {
            Err(MigrateError::Unreachable(unreached))
        }
    }

    fn connect_node(&self, addr: &str) -> redis::RedisResult<(Connection, String, u64)> {
        let info = match addr
            .rsplit_once(':')
            .and_then(|(h, p)| Some((h, p.parse().ok()?)))
        {
            Some((host, port)) if self.cluster => with_addr(&self.info, host, port),
            _ => self.info.clone(),
        };
        let mut con = connect(&info, self.timeout)?;
        let server: String = redis::cmd("INFO")
            .arg("server")
            .query(&mut con)
            .map_err(timed_out)?;
        let run_id = server
            .lines()
            .find_map(|l| l.trim_end().strip_prefix("run_id:"))
            .unwrap_or_default()
            .to_owned();
        let epoch = match self.cluster {
            true => myself(&mut con)?.map_or(0, |(me, _)| me.epoch),
            false => 0,
        };
        Ok((con, run_id, epoch))
    }

    /// The slot map now: the seed's `CLUSTER SLOTS` (asked again) and each of `nodes`' own
    /// account of itself. Empty for a standalone server.
    pub fn slot_map(&self, nodes: &mut [Node]) -> Result<SlotMap, MigrateError> {
        let mut map = SlotMap::default();
        if !self.cluster {
            return Ok(map);
        }
        map.owners = Topology::discover_info(self.info.clone(), self.timeout)?.primaries;
        for node in nodes {
            let (me, text) = myself(&mut node.con)
                .map_err(MigrateError::node(&node.addr))?
                .ok_or_else(|| MigrateError::Node {
                    node: node.addr.clone(),
                    source: redis::RedisError::from((
                        redis::ErrorKind::Parse,
                        "CLUSTER NODES",
                        "expected a line flagged `myself`".to_owned(),
                    )),
                })?;
            let host = node.addr.rsplit_once(':').map_or("", |(h, _)| h);
            map.addrs.extend(node_addrs(&text, host));
            map.selves.insert(node.addr.clone(), me);
        }
        Ok(map)
    }
}

/// This node's own line of `CLUSTER NODES`, parsed, and the whole text.
fn myself(con: &mut Connection) -> redis::RedisResult<Option<(Myself, String)>> {
    let text: String = redis::cmd("CLUSTER")
        .arg("NODES")
        .query(con)
        .map_err(timed_out)?;
    Ok(parse_myself(&text).map(|me| (me, text)))
}

/// A direct connection with connect, read and write timeouts: set up within `timeout` (the
/// handshake's two reads get half each), then every read and write within `timeout`.
pub fn connect(info: &ConnectionInfo, timeout: Duration) -> redis::RedisResult<Connection> {
    let setup = (timeout / 2).max(Duration::from_millis(1));
    let con = Client::open(info.clone())?
        .get_connection_with_timeout(setup)
        .map_err(timed_out)?;
    con.set_read_timeout(Some(timeout))?;
    con.set_write_timeout(Some(timeout))?;
    Ok(con)
}

/// An I/O timeout, said plainly (the OS says "Resource temporarily unavailable").
pub fn timed_out(e: redis::RedisError) -> redis::RedisError {
    if e.is_timeout() {
        redis::RedisError::from(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "no answer within the timeout (the server is frozen, overloaded or unreachable)",
        ))
    } else {
        e
    }
}

fn with_addr(info: &ConnectionInfo, host: &str, port: u16) -> ConnectionInfo {
    let mut addr = info.addr().clone();
    match &mut addr {
        ConnectionAddr::Tcp(h, p)
        | ConnectionAddr::TcpTls {
            host: h, port: p, ..
        } => {
            *h = host.to_owned();
            *p = port;
        }
        _ => addr = ConnectionAddr::Tcp(host.to_owned(), port),
    }
    info.clone().set_addr(addr)
}

/// Primaries (`host:port` → sorted slot ranges) of a `CLUSTER SLOTS` reply; an empty host is
/// the seed's `host`. Entries that are not `[start, end, [host, port, …], …]` with
/// `start <= end < 16384` are left out (their slots then count as not served).
pub fn parse_slots(reply: &Value, host: &str) -> BTreeMap<String, Vec<(u16, u16)>> {
    let mut out: BTreeMap<String, Vec<(u16, u16)>> = BTreeMap::new();
    let Value::Array(entries) = reply else {
        return out;
    };
    for entry in entries {
        let Value::Array(fields) = entry else {
            continue;
        };
        let (Some(start), Some(end), Some(Value::Array(primary))) =
            (int(fields.first()), int(fields.get(1)), fields.get(2))
        else {
            continue;
        };
        let h = match primary.first() {
            Some(Value::BulkString(b)) if !b.is_empty() => String::from_utf8_lossy(b).into_owned(),
            Some(Value::SimpleString(s)) if !s.is_empty() => s.clone(),
            _ => host.to_owned(),
        };
        let (Some(port), Ok(start), Ok(end)) = (
            int(primary.get(1)),
            u16::try_from(start),
            u16::try_from(end),
        ) else {
            continue;
        };
        if start > end || u32::from(end) >= SLOTS {
            continue;
        }
        out.entry(format!("{h}:{port}"))
            .or_default()
            .push((start, end));
    }
    for ranges in out.values_mut() {
        ranges.sort_unstable();
    }
    out
}

fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Int(i) => Some(*i),
        Value::BulkString(b) => std::str::from_utf8(b).ok()?.parse().ok(),
        _ => None,
    }
}

/// The slot ranges no primary serves.
pub fn uncovered(primaries: &BTreeMap<String, Vec<(u16, u16)>>) -> Vec<(u16, u16)> {
    let mut served = vec![false; SLOTS as usize];
    for &(a, b) in primaries.values().flatten() {
        for s in a..=b.min((SLOTS - 1) as u16) {
            served[s as usize] = true;
        }
    }
    let mut out: Vec<(u16, u16)> = Vec::new();
    for (s, ok) in served.iter().enumerate() {
        if *ok {
            continue;
        }
        let s = s as u16;
        match out.last_mut() {
            Some((_, end)) if *end + 1 == s => *end = s,
            _ => out.push((s, s)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(s.as_bytes().to_vec())
    }

    #[test]
    fn slots_parse_and_gaps_show() {
        let reply = Value::Array(vec![
            Value::Array(vec![
                Value::Int(0),
                Value::Int(5460),
                Value::Array(vec![bulk("10.0.0.1"), Value::Int(7001), bulk("id")]),
            ]),
            Value::Array(vec![
                Value::Int(5461),
                Value::Int(10922),
                Value::Array(vec![bulk(""), Value::Int(7002)]),
                Value::Array(vec![bulk("10.0.0.9"), Value::Int(7009)]),
            ]),
        ]);
        let p = parse_slots(&reply, "seed");
        assert_eq!(p["10.0.0.1:7001"], vec![(0, 5460)]);
        assert_eq!(p["seed:7002"], vec![(5461, 10922)]);
        assert_eq!(p.len(), 2, "replicas are not primaries");
        assert_eq!(uncovered(&p), vec![(10923, 16383)]);
        assert_eq!(ranges_text(&uncovered(&p)), "10923-16383");
        let mut full = p.clone();
        full.insert("x:1".into(), vec![(10923, 16383)]);
        assert!(uncovered(&full).is_empty());
    }
}
