//! Which servers hold the keyspace: the one server, or every primary of a cluster.

use redis::{Client, Connection, ConnectionInfo, IntoConnectionInfo, RedisResult};

/// One server to scan, with a connection to it.
pub struct Node {
    /// `host:port`, the checkpoint's key for this node.
    pub addr: String,
    /// A direct connection (not cluster-routed): every key it scans lives on it.
    pub con: Connection,
}

/// Connects to `url` and returns every primary: the server itself when standalone, every
/// master of `CLUSTER NODES` when cluster mode is on. Auth, TLS and db settings of `url` are
/// kept for each node.
pub fn primaries(url: &str) -> RedisResult<Vec<Node>> {
    let info = url.into_connection_info()?;
    let mut seed = Client::open(info.clone())?.get_connection()?;
    let cluster_info: String = redis::cmd("INFO").arg("cluster").query(&mut seed)?;
    if !cluster_info.contains("cluster_enabled:1") {
        let addr = info.addr().to_string();
        return Ok(vec![Node { addr, con: seed }]);
    }
    let nodes: String = redis::cmd("CLUSTER").arg("NODES").query(&mut seed)?;
    let mut out = Vec::new();
    for (host, port) in parse_masters(&nodes) {
        let con = Client::open(with_addr(&info, &host, port))?.get_connection()?;
        out.push(Node {
            addr: format!("{host}:{port}"),
            con,
        });
    }
    out.sort_by(|a, b| a.addr.cmp(&b.addr));
    Ok(out)
}

fn with_addr(info: &ConnectionInfo, host: &str, port: u16) -> ConnectionInfo {
    let mut addr = info.addr().clone();
    match &mut addr {
        redis::ConnectionAddr::Tcp(h, p)
        | redis::ConnectionAddr::TcpTls {
            host: h, port: p, ..
        } => {
            *h = host.to_owned();
            *p = port;
        }
        _ => addr = redis::ConnectionAddr::Tcp(host.to_owned(), port),
    }
    info.clone().set_addr(addr)
}

/// `(host, port)` of each connected master in `CLUSTER NODES` output.
pub fn parse_masters(nodes: &str) -> Vec<(String, u16)> {
    nodes
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let flags = fields.get(2)?;
            if !flags.split(',').any(|f| f == "master") || flags.contains("fail") {
                return None;
            }
            // ip:port@cport[,hostname]
            let addr = fields.get(1)?.split('@').next()?;
            let (host, port) = addr.rsplit_once(':')?;
            Some((host.to_owned(), port.parse().ok()?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_cluster_nodes() {
        let out = "07c3 127.0.0.1:30004@40004 slave e7d1 0 1426238317239 4 connected\n\
                   67ed 127.0.0.1:30002@40002,host master - 0 1426238316232 2 connected 5461-10922\n\
                   e7d1 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460\n\
                   9999 127.0.0.1:30009@40009 master,fail - 0 0 1 disconnected\n";
        assert_eq!(
            super::parse_masters(out),
            vec![
                ("127.0.0.1".to_owned(), 30002),
                ("127.0.0.1".to_owned(), 30001)
            ]
        );
    }
}
