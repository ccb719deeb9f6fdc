//! [`MigrateError`]: why a migrate, rollback or verify run could not go on.

use std::path::PathBuf;

use redis::RedisError;

/// A node that could not be used, and the hash slots it serves (empty when standalone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreached {
    /// `host:port`.
    pub node: String,
    /// Slot ranges it serves (`0-5460`), empty for a standalone server.
    pub slots: String,
    /// What went wrong.
    pub error: String,
}

/// Why a run could not go on. Every variant names the node or the file concerned.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// The URL does not parse.
    #[error("bad URL: {0}")]
    Url(RedisError),
    /// An option is out of range.
    #[error("{0}")]
    Option(String),
    /// One or more primaries could not be reached (connect or read within the timeout).
    #[error("{}", unreached_text(.0))]
    Unreachable(Vec<Unreached>),
    /// Some hash slots are served by no primary (`CLUSTER SLOTS`).
    #[error(
        "slots {slots} are served by no primary: every one of the 16384 slots must be served by a reachable primary"
    )]
    Uncovered {
        /// The slot ranges no primary serves.
        slots: String,
    },
    /// A server did not answer within the timeout (frozen, overloaded or cut off).
    #[error(
        "{node}: no answer within the timeout (the server is frozen, overloaded or unreachable): {source}"
    )]
    TimedOut {
        /// `host:port`.
        node: String,
        /// The error.
        source: RedisError,
    },
    /// The cluster's slot map changed while a pass walked it (a resharding, a failover):
    /// keys may have moved past the walk. The same command resumes (rescanning the
    /// primaries whose slots changed).
    #[error(
        "slot map changed during the run: {detail}; rerun the same command to resume once the cluster is stable (a migrate or rollback resumes from its checkpoint)"
    )]
    SlotMapChanged {
        /// Which slots moved where, or which node answered MOVED or ASK.
        detail: String,
    },
    /// A server failed or refused a command.
    #[error("{node}: {source}")]
    Node {
        /// `host:port`.
        node: String,
        /// The error.
        source: RedisError,
    },
    /// The checkpoint file could not be read, parsed or written.
    #[error("cannot use the checkpoint {}: {detail}", path.display())]
    Checkpoint {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// The checkpoint belongs to another job.
    #[error("checkpoint {} is for job `{found}`, expected `{expected}`; use another file", path.display())]
    OtherJob {
        /// The file.
        path: PathBuf,
        /// This run's job.
        expected: String,
        /// The checkpoint's job.
        found: String,
    },
    /// The engine failed to compress a value.
    #[error(transparent)]
    Codec(#[from] kvcodec::Error),
}

impl MigrateError {
    /// `true` for errors in what the caller asked for (URL, options, checkpoint file), as
    /// opposed to failures while running.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            MigrateError::Url(_)
                | MigrateError::Option(_)
                | MigrateError::Checkpoint { .. }
                | MigrateError::OtherJob { .. }
        )
    }

    pub(crate) fn node(node: &str) -> impl FnOnce(RedisError) -> MigrateError + '_ {
        move |source| {
            let node = node.to_owned();
            if let Some((to, slot)) = source.redirect_node() {
                let how = match source.kind() {
                    redis::ErrorKind::Server(redis::ServerErrorKind::Ask) => "is moving",
                    _ => "moved",
                };
                let detail = format!(
                    "slot {slot} {how} from {node} to {to} (the server answered {})",
                    source.code().unwrap_or("MOVED")
                );
                MigrateError::SlotMapChanged { detail }
            } else if source.is_timeout() {
                MigrateError::TimedOut { node, source }
            } else {
                MigrateError::Node { node, source }
            }
        }
    }
}

fn unreached_text(nodes: &[Unreached]) -> String {
    let parts: Vec<String> = nodes
        .iter()
        .map(|u| {
            if u.slots.is_empty() {
                format!("cannot connect to {}: {}", u.node, u.error)
            } else {
                format!(
                    "cannot connect to {} (primary of slots {}): {}",
                    u.node, u.slots, u.error
                )
            }
        })
        .collect();
    parts.join("; ")
}

/// `0-5460,5462` for a sorted list of slot ranges.
pub(crate) fn ranges_text(ranges: &[(u16, u16)]) -> String {
    let parts: Vec<String> = ranges
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    parts.join(",")
}
