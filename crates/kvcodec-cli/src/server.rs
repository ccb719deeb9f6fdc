//! Talking to a live server: a checked `--url`, one-line errors, a standalone or cluster
//! connection with timeouts (`--timeout`), and a reader that knows the server's zstd
//! dictionaries.
//!
//! # Getting started
//!
//! ```no_run
//! use kvcodec_cli::server::ServerUrl;
//!
//! let server = ServerUrl::parse("redis://127.0.0.1:6379/0")?;
//! let mut con = server.connect()?; // cluster-routed when the server is a cluster node
//! let engine = server.reader(&mut *con, 1 << 20, kvcodec::OnCorrupt::ReturnStored)?;
//! # Ok::<(), kvcodec_cli::CliError>(())
//! ```
//!
//! Messages name the server by `host:port` (never the password of the URL).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use kvcodec::{Codec, CodecId, Engine, OnCorrupt};
use kvcodec_redis::migrate::{MigrateError, Node, Topology};
use redis::{ConnectionInfo, ConnectionLike, IntoConnectionInfo, RedisError};

use crate::backends;
use crate::error::CliError;

/// Default of `--timeout`: how long a connection, a read or a write may take before the
/// server counts as unreachable.
pub const DEFAULT_TIMEOUT: Duration = kvcodec_redis::migrate::DEFAULT_TIMEOUT;

static TIMEOUT_MS: AtomicU64 = AtomicU64::new(DEFAULT_TIMEOUT.as_millis() as u64);

/// Sets the connect, read and write timeout of every server connection (`--timeout`).
pub fn set_timeout(timeout: Duration) {
    TIMEOUT_MS.store(timeout.as_millis().max(1) as u64, Ordering::Relaxed);
}

/// The connect, read and write timeout of every server connection.
pub fn timeout() -> Duration {
    Duration::from_millis(TIMEOUT_MS.load(Ordering::Relaxed))
}

/// What `--url` accepts, for messages.
pub const URL_FORMS: &str = "redis://[user:password@]host[:port][/db] or unix:///path/to.sock";

/// A checked `--url`.
#[derive(Debug, Clone)]
pub struct ServerUrl {
    /// The URL as given (passed on to the migration, which connects itself).
    pub url: String,
    /// Its parsed form.
    pub info: ConnectionInfo,
}

impl ServerUrl {
    /// Parses `url`; a malformed one is a usage error.
    pub fn parse(url: &str) -> Result<Self, CliError> {
        let info = url.into_connection_info().map_err(|e| {
            CliError::usage(format!(
                "bad --url {:?}: expected {URL_FORMS} ({})",
                redact(url),
                e.detail().unwrap_or("does not parse")
            ))
        })?;
        Ok(ServerUrl {
            url: url.to_owned(),
            info,
        })
    }

    /// `host:port` and, when not 0, `/db`.
    pub fn addr(&self) -> String {
        match self.info.redis_settings().db() {
            0 => self.info.addr().to_string(),
            db => format!("{}/{db}", self.info.addr()),
        }
    }

    /// A server error while doing `what`, as a failure naming the server.
    pub fn error(&self, what: &str, err: &RedisError) -> CliError {
        CliError::failure(format!("{}: {what}: {err}", self.addr()))
    }

    /// Opens one direct connection with the connect, read and write [`timeout`].
    pub fn probe(&self) -> Result<redis::Connection, CliError> {
        let unreachable =
            |e: RedisError| CliError::failure(format!("cannot connect to {}: {e}", self.addr()));
        kvcodec_redis::migrate::topology::connect(&self.info, timeout()).map_err(unreachable)
    }

    /// `true` if the server runs in cluster mode.
    pub fn is_cluster(&self, con: &mut redis::Connection) -> Result<bool, CliError> {
        let info: String = redis::cmd("INFO")
            .arg("cluster")
            .query(con)
            .map_err(|e| self.error("INFO cluster", &e))?;
        Ok(info.contains("cluster_enabled:1"))
    }

    /// A connection for commands on named keys: direct to a standalone server, routed by slot
    /// on a cluster (the URL may name any node).
    pub fn connect(&self) -> Result<Box<dyn ConnectionLike>, CliError> {
        let mut con = self.probe()?;
        if !self.is_cluster(&mut con)? {
            return Ok(Box::new(con));
        }
        self.connect_to(true)
    }

    /// Like [`connect`](Self::connect) when it is already known whether the server is a
    /// cluster node (from [`ServerUrl::topology`]): no second probe.
    pub fn connect_to(&self, cluster: bool) -> Result<Box<dyn ConnectionLike>, CliError> {
        if !cluster {
            return Ok(Box::new(self.probe()?));
        }
        let cluster = redis::cluster::ClusterClient::builder(vec![self.info.clone()])
            .connection_timeout(timeout())
            .response_timeout(timeout())
            .retries(1)
            .build()
            .and_then(|c| c.get_connection())
            .map_err(|e| self.error("cannot open a cluster connection", &e))?;
        Ok(Box::new(cluster))
    }

    /// A migration library error as a CLI error: bad options and checkpoint files are usage
    /// errors (exit 2), everything else a failure (exit 1). The message names the node.
    pub fn run_error(&self, e: MigrateError) -> CliError {
        if e.is_usage() {
            CliError::usage(e.to_string())
        } else {
            CliError::failure(e.to_string())
        }
    }

    /// The servers behind the URL and a connection to every primary (the server itself when
    /// standalone): a cluster's every slot must be served by a primary that answers, or the
    /// error names the slots and nodes.
    pub fn topology(&self) -> Result<(Topology, Vec<Node>), CliError> {
        let topology =
            Topology::discover_info(self.info.clone(), timeout()).map_err(|e| self.run_error(e))?;
        let nodes = topology.connect().map_err(|e| self.run_error(e))?;
        Ok((topology, nodes))
    }

    /// An engine that decodes every compiled-in backend, zstd with every dictionary stored in
    /// the server's `kvcodec:dictionaries` hash.
    pub fn reader(
        &self,
        con: &mut dyn ConnectionLike,
        max_decompressed_size: usize,
        on_corrupt: OnCorrupt,
    ) -> Result<Engine, CliError> {
        let zstd = self.zstd_codec(con, kvcodec_zstd::DEFAULT_LEVEL, None)?;
        let mut builder = Engine::builder()
            .max_decompressed_size(max_decompressed_size)
            .on_corrupt(on_corrupt)
            .codec(zstd);
        for backend in backends::ALL.iter().filter(|b| b.id != CodecId::ZSTD) {
            let codec = backend
                .codec(None)
                .map_err(|e| CliError::failure(e.to_string()))?;
            builder = builder.codec(codec);
        }
        builder
            .build()
            .map_err(|e| CliError::failure(e.to_string()))
    }

    /// A zstd codec at `level` that decodes with the server's dictionaries and, with
    /// `write_with`, compresses with that one.
    pub fn zstd_codec(
        &self,
        con: &mut dyn ConnectionLike,
        level: i32,
        write_with: Option<u32>,
    ) -> Result<Arc<dyn Codec>, CliError> {
        let codec =
            kvcodec_redis::dictionaries::zstd_codec(con, level, write_with).map_err(|e| {
                let key = kvcodec_redis::dictionaries::KEY;
                let msg = format!(
                    "{}: cannot load the dictionaries of {key}: {e}",
                    self.addr()
                );
                if write_with.is_some() {
                    CliError::usage(msg)
                } else {
                    CliError::failure(msg)
                }
            })?;
        Ok(Arc::new(codec))
    }
}

/// `url` with the password (between `:` and `@` after the scheme) replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        Some((_, host)) => format!("{scheme}://***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_or_say_what_is_expected() {
        let s = ServerUrl::parse("redis://127.0.0.1:7001/2").unwrap();
        assert_eq!(s.addr(), "127.0.0.1:7001/2");
        assert_eq!(ServerUrl::parse("redis://h").unwrap().addr(), "h:6379");
        let e = ServerUrl::parse("http://nope").unwrap_err();
        assert_eq!(e.code, crate::error::EXIT_USAGE);
        assert!(
            e.message
                .starts_with("bad --url \"http://nope\": expected redis://"),
            "{e}"
        );
        let e = ServerUrl::parse("redis://u:secret@h:1/x").unwrap_err();
        assert!(!e.message.contains("secret"), "{e}");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("redis://u:pw@h:1"), "redis://u:***@h:1");
        assert_eq!(redact("redis://pw@h:1"), "redis://***@h:1");
        assert_eq!(redact("redis://h:1"), "redis://h:1");
        assert_eq!(redact("junk"), "junk");
    }
}
