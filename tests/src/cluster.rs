//! A throw-away three-master Redis or Valkey cluster on loopback ports.
//!
//! [`Cluster::start`] starts three cluster-enabled [`Server`]s (each with its own data port and
//! cluster-bus port), joins them with `redis-cli --cluster create … --cluster-replicas 0`, and
//! waits until every node reports `cluster_state:ok`, all 16384 slots assigned and all three
//! nodes known. Dropping the `Cluster` stops every node.
//!
//! ```no_run
//! use kvcodec_tests::{Cluster, ServerKind};
//!
//! let cluster = Cluster::start(ServerKind::Redis);
//! let mut con = cluster.connection();
//! redis::cmd("SET").arg("{a}k").arg("v").exec(&mut con).unwrap();
//! ```

use std::fs::{self, File};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::kind::{ServerKind, redis_cli};
use crate::server::{Server, info_field};

/// Number of master nodes.
pub const CLUSTER_NODES: usize = 3;
/// How long `redis-cli --cluster create` may take.
const CREATE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the nodes may take to agree on `cluster_state:ok` after creation.
const CONVERGE_TIMEOUT: Duration = Duration::from_secs(30);

/// Three running master nodes forming one cluster; all are stopped on drop.
#[derive(Debug)]
pub struct Cluster {
    kind: ServerKind,
    nodes: Vec<Server>,
}

impl Cluster {
    /// Starts a three-master cluster of `kind` and waits until it is fully up.
    ///
    /// # Panics
    /// If a node does not start, `redis-cli --cluster create` fails or hangs (60 s), or the
    /// nodes do not converge within 30 s; the message quotes the relevant output.
    pub fn start(kind: ServerKind) -> Cluster {
        let nodes: Vec<Server> = (0..CLUSTER_NODES)
            .map(|_| Server::start_cluster_node(kind))
            .collect();
        let cluster = Cluster { kind, nodes };
        cluster.create();
        cluster.wait_converged();
        cluster
    }

    /// Runs `redis-cli --cluster create` over the nodes.
    fn create(&self) {
        let cli = redis_cli();
        let log_path = self.nodes[0].dir().join("cluster-create.log");
        let log = File::create(&log_path).expect("create cluster-create.log");
        let mut child = Command::new(cli)
            .arg("--cluster")
            .arg("create")
            .args(self.nodes.iter().map(Server::addr))
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot spawn {}: {e}", cli.display()));
        let deadline = Instant::now() + CREATE_TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for redis-cli") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "`redis-cli --cluster create` for {} did not finish within {CREATE_TIMEOUT:?}\n\
                     --- output ---\n{}\n{}",
                    self.kind,
                    fs::read_to_string(&log_path).unwrap_or_default(),
                    self.node_logs()
                );
            }
            thread::sleep(Duration::from_millis(50));
        };
        if !status.success() {
            panic!(
                "`redis-cli --cluster create` for {}: expected exit status 0, found {status}\n\
                 --- output ---\n{}\n{}",
                self.kind,
                fs::read_to_string(&log_path).unwrap_or_default(),
                self.node_logs()
            );
        }
    }

    /// Waits until every node reports the whole cluster healthy.
    fn wait_converged(&self) {
        let deadline = Instant::now() + CONVERGE_TIMEOUT;
        loop {
            let states: Vec<String> = self.nodes.iter().map(Server::cluster_info).collect();
            if states.iter().all(|info| is_converged(info)) {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "{} cluster did not converge within {CONVERGE_TIMEOUT:?}: expected \
                     cluster_state:ok, 16384 slots assigned and {CLUSTER_NODES} known nodes on every \
                     node, found:\n{}\n{}",
                    self.kind,
                    states.join("\n"),
                    self.node_logs()
                );
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    fn node_logs(&self) -> String {
        self.nodes
            .iter()
            .map(|n| format!("--- log of node {} ---\n{}", n.addr(), n.log()))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Which server the nodes run.
    pub fn kind(&self) -> ServerKind {
        self.kind
    }

    /// The nodes, in the order given to `redis-cli --cluster create` (node 0 owns the lowest slots).
    pub fn nodes(&self) -> &[Server] {
        &self.nodes
    }

    /// `redis://127.0.0.1:PORT/` of every node.
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(Server::url).collect()
    }

    /// A cluster client seeded with every node.
    pub fn client(&self) -> redis::cluster::ClusterClient {
        redis::cluster::ClusterClient::builder(self.urls())
            .connection_timeout(Duration::from_secs(5))
            .response_timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_else(|e| panic!("cannot build a cluster client for {:?}: {e}", self.urls()))
    }

    /// A new synchronous cluster connection.
    ///
    /// # Panics
    /// If the cluster does not accept it.
    pub fn connection(&self) -> redis::cluster::ClusterConnection {
        self.client().get_connection().unwrap_or_else(|e| {
            panic!(
                "cannot connect to the {} cluster {:?}: {e}",
                self.kind,
                self.urls()
            )
        })
    }
}

/// Whether a `CLUSTER INFO` reply says the node sees the full, healthy cluster.
fn is_converged(info: &str) -> bool {
    let field = |name| info_field(info, name);
    field("cluster_state").as_deref() == Some("ok")
        && field("cluster_slots_assigned").as_deref() == Some("16384")
        && field("cluster_slots_ok").as_deref() == Some("16384")
        && field("cluster_known_nodes").as_deref() == Some(&CLUSTER_NODES.to_string())
}
