//! Changing a running [`Cluster`]: an empty primary joins ([`Cluster::add_primary`]) and slots
//! move between primaries ([`Cluster::reshard`]), the way an operator does it, with
//! `redis-cli --cluster add-node` and `redis-cli --cluster reshard`.
//!
//! ```no_run
//! use kvcodec_tests::{Cluster, ServerKind};
//!
//! let mut cluster = Cluster::start(ServerKind::Redis);
//! let new = cluster.add_primary();
//! // 300 slots from node 0 to the new node, while the test does something else.
//! let moving = cluster.reshard(0, new, 300);
//! moving.wait();
//! ```

use std::path::PathBuf;
use std::process::Child;

use crate::cluster::Cluster;
use crate::server::Server;

/// A `redis-cli --cluster reshard` running in the background; killed if dropped unfinished.
#[derive(Debug)]
pub struct Resharding<'a> {
    cluster: &'a Cluster,
    child: Option<Child>,
    log: PathBuf,
}

impl Resharding<'_> {
    /// `true` while the slots are still moving.
    pub fn is_running(&mut self) -> bool {
        match &mut self.child {
            Some(child) => child.try_wait().expect("wait for redis-cli").is_none(),
            None => false,
        }
    }

    /// Waits until every slot has moved (60 s at most) and every node agrees.
    ///
    /// # Panics
    /// If `redis-cli` fails or takes longer; the message quotes its output.
    pub fn wait(mut self) {
        let child = self.child.take().expect("waited once");
        self.cluster.wait_cluster_tool(child, &self.log, "reshard");
        self.cluster.wait_converged();
    }
}

impl Drop for Resharding<'_> {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Cluster {
    /// Starts one more node, joins it to the cluster as a primary with no slots
    /// (`redis-cli --cluster add-node`), waits until every node knows it, and returns its
    /// index in [`nodes`](Self::nodes).
    ///
    /// # Panics
    /// If the node does not start or join within 60 s.
    pub fn add_primary(&mut self) -> usize {
        let node = Server::start_cluster_node(self.kind);
        self.cluster_tool(&["add-node".to_owned(), node.addr(), self.nodes[0].addr()]);
        self.nodes.push(node);
        self.wait_converged();
        self.nodes.len() - 1
    }

    /// The cluster node id of node `index` (`CLUSTER MYID`).
    pub fn node_id(&self, index: usize) -> String {
        redis::cmd("CLUSTER")
            .arg("MYID")
            .query(&mut self.nodes[index].connection())
            .expect("CLUSTER MYID")
    }

    /// Starts moving `slots` hash slots, with their keys, from node `from` to node `to`
    /// (`redis-cli --cluster reshard … --cluster-yes`); [`Resharding::wait`] waits for it.
    pub fn reshard(&self, from: usize, to: usize, slots: u32) -> Resharding<'_> {
        let args = [
            "reshard".to_owned(),
            self.nodes[0].addr(),
            "--cluster-from".to_owned(),
            self.node_id(from),
            "--cluster-to".to_owned(),
            self.node_id(to),
            "--cluster-slots".to_owned(),
            slots.to_string(),
            "--cluster-yes".to_owned(),
        ];
        let (child, log) = self.spawn_cluster_tool(&args);
        Resharding {
            cluster: self,
            child: Some(child),
            log,
        }
    }
}
