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
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::kind::{ServerKind, redis_cli};
use crate::server::{Server, info_field};

/// Number of master nodes [`Cluster::start`] starts ([`Cluster::add_primary`] adds more).
pub const CLUSTER_NODES: usize = 3;
/// How long `redis-cli --cluster create` may take.
pub(crate) const CREATE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the nodes may take to agree on `cluster_state:ok` after creation.
const CONVERGE_TIMEOUT: Duration = Duration::from_secs(30);

/// Three running master nodes forming one cluster; all are stopped on drop.
#[derive(Debug)]
pub struct Cluster {
    pub(crate) kind: ServerKind,
    pub(crate) nodes: Vec<Server>,
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
        let mut args: Vec<String> = vec!["create".into()];
        args.extend(self.nodes.iter().map(Server::addr));
        args.extend(["--cluster-replicas", "0", "--cluster-yes"].map(String::from));
        self.cluster_tool(&args);
    }

    /// Starts `redis-cli --cluster ARGS…` with its output in a log file beside node 0's.
    pub(crate) fn spawn_cluster_tool(&self, args: &[String]) -> (Child, PathBuf) {
        let cli = redis_cli();
        let log_path = self.nodes[0].dir().join(format!("cluster-{}.log", args[0]));
        let log = File::create(&log_path).expect("create the redis-cli log");
        let child = Command::new(cli)
            .arg("--cluster")
            .args(args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot spawn {}: {e}", cli.display()));
        (child, log_path)
    }

    /// Waits for a `redis-cli --cluster` child to succeed within 60 s; panics quoting its
    /// output and the node logs otherwise.
    pub(crate) fn wait_cluster_tool(&self, mut child: Child, log_path: &Path, what: &str) {
        let deadline = Instant::now() + CREATE_TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for redis-cli") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "`redis-cli --cluster {what}` for {} did not finish within {CREATE_TIMEOUT:?}\n\
                     --- output ---\n{}\n{}",
                    self.kind,
                    fs::read_to_string(log_path).unwrap_or_default(),
                    self.node_logs()
                );
            }
            thread::sleep(Duration::from_millis(50));
        };
        if !status.success() {
            panic!(
                "`redis-cli --cluster {what}` for {}: expected exit status 0, found {status}\n\
                 --- output ---\n{}\n{}",
                self.kind,
                fs::read_to_string(log_path).unwrap_or_default(),
                self.node_logs()
            );
        }
    }

    /// Runs `redis-cli --cluster ARGS…` to completion (60 s at most).
    pub(crate) fn cluster_tool(&self, args: &[String]) {
        let (child, log) = self.spawn_cluster_tool(args);
        self.wait_cluster_tool(child, &log, &args[0]);
    }

    /// Waits until every node reports the whole cluster healthy.
    pub(crate) fn wait_converged(&self) {
        let deadline = Instant::now() + CONVERGE_TIMEOUT;
        loop {
            let states: Vec<String> = self.nodes.iter().map(Server::cluster_info).collect();
            if states
                .iter()
                .all(|info| is_converged(info, self.nodes.len()))
            {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "{} cluster did not converge within {CONVERGE_TIMEOUT:?}: expected \
                     cluster_state:ok, 16384 slots assigned and {} known nodes on every \
                     node, found:\n{}\n{}",
                    self.kind,
                    self.nodes.len(),
                    states.join("\n"),
                    self.node_logs()
                );
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    pub(crate) fn node_logs(&self) -> String {
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

/// Whether a `CLUSTER INFO` reply says the node sees the full, healthy cluster of `nodes`.
fn is_converged(info: &str, nodes: usize) -> bool {
    let field = |name| info_field(info, name);
    field("cluster_state").as_deref() == Some("ok")
        && field("cluster_slots_assigned").as_deref() == Some("16384")
        && field("cluster_slots_ok").as_deref() == Some("16384")
        && field("cluster_known_nodes").as_deref() == Some(&nodes.to_string())
}
