//! Talking to a live server: a checked `--url`, one-line errors, a standalone or cluster
//! connection with timeouts (`--timeout`), and a reader that knows the server's zstd
//! dictionaries.
//!
//! # Getting started
//!
//! ```ignore
//! // (crate-internal; `kvcodec get` and `inspect --url` do this)
//! let server = ServerUrl::open("redis://127.0.0.1:6379/0", &TlsArgs::default())?;
//! let mut con = server.connect()?; // cluster-routed when the server is a cluster node
//! let engine = server.reader(&mut *con, 1 << 20, kvcodec::OnCorrupt::ReturnStored)?;
//! ```
//!
//! Messages name the server by `host:port` (never the password of the URL).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use kvcodec::{Codec, CodecId, Engine, OnCorrupt};
use kvcodec_redis::migrate::{Node, Topology};
use redis::{ConnectionInfo, ConnectionLike, RedisError, TlsCertificates};

use crate::backends;
use crate::live::args::{ServerArgs, Target, TlsArgs};
use crate::live::error::LiveError;

/// Default of `--timeout`: how long a connection, a read or a write may take before the
/// server counts as unreachable.
pub(crate) const DEFAULT_TIMEOUT: Duration = kvcodec_redis::migrate::DEFAULT_TIMEOUT;

static TIMEOUT_MS: AtomicU64 = AtomicU64::new(DEFAULT_TIMEOUT.as_millis() as u64);

/// Sets the connect, read and write timeout of every server connection (`--timeout`).
pub(crate) fn set_timeout(timeout: Duration) {
    TIMEOUT_MS.store(timeout.as_millis().max(1) as u64, Ordering::Relaxed);
}

/// The connect, read and write timeout of every server connection.
pub(crate) fn timeout() -> Duration {
    Duration::from_millis(TIMEOUT_MS.load(Ordering::Relaxed))
}

/// A checked `--url`, with the password from `REDISCLI_AUTH` and the TLS options applied
/// ([`crate::live::args`]).
#[derive(Debug, Clone)]
pub(crate) struct ServerUrl {
    /// Its parsed form (password and TLS settings included).
    pub(crate) info: ConnectionInfo,
    /// The CA of `--cacert`, for cluster connections (which take it separately).
    certificates: Option<TlsCertificates>,
}

impl ServerUrl {
    /// Parses `url` (no TLS options); a malformed one is a usage error (for tests).
    #[cfg(test)]
    pub(crate) fn parse(url: &str) -> Result<Self, LiveError> {
        Self::open(url, &TlsArgs::default())
    }

    /// Parses `url` and applies `REDISCLI_AUTH` and the TLS options.
    pub(crate) fn open(url: &str, tls: &TlsArgs) -> Result<Self, LiveError> {
        let target = Target::new(url, tls)?;
        Ok(ServerUrl {
            certificates: target.certificates(),
            info: target.info,
        })
    }

    /// `host:port` and, when not 0, `/db`.
    pub(crate) fn addr(&self) -> String {
        match self.info.redis_settings().db() {
            0 => self.info.addr().to_string(),
            db => format!("{}/{db}", self.info.addr()),
        }
    }

    /// A server error while doing `what`, naming the server.
    pub(crate) fn error(&self, what: &str, err: RedisError) -> LiveError {
        LiveError::Server {
            addr: self.addr(),
            what: what.to_owned(),
            err,
        }
    }

    /// Opens one direct connection with the connect, read and write [`timeout`].
    pub(crate) fn probe(&self) -> Result<redis::Connection, LiveError> {
        kvcodec_redis::migrate::topology::connect(&self.info, timeout()).map_err(|err| {
            LiveError::Unreachable {
                addr: self.addr(),
                err,
            }
        })
    }

    /// `true` if the server runs in cluster mode.
    pub(crate) fn is_cluster(&self, con: &mut redis::Connection) -> Result<bool, LiveError> {
        let info: String = redis::cmd("INFO")
            .arg("cluster")
            .query(con)
            .map_err(|e| self.error("INFO cluster", e))?;
        Ok(info.contains("cluster_enabled:1"))
    }

    /// A connection for commands on named keys: direct to a standalone server, routed by slot
    /// on a cluster (the URL may name any node).
    pub(crate) fn connect(&self) -> Result<Box<dyn ConnectionLike>, LiveError> {
        let mut con = self.probe()?;
        if !self.is_cluster(&mut con)? {
            return Ok(Box::new(con));
        }
        self.connect_to(true)
    }

    /// Like [`connect`](Self::connect) when it is already known whether the server is a
    /// cluster node (from [`ServerUrl::topology`]): no second probe.
    pub(crate) fn connect_to(&self, cluster: bool) -> Result<Box<dyn ConnectionLike>, LiveError> {
        if !cluster {
            return Ok(Box::new(self.probe()?));
        }
        let mut builder = redis::cluster::ClusterClient::builder(vec![self.info.clone()])
            .connection_timeout(timeout())
            .response_timeout(timeout())
            .retries(1);
        if let Some(certificates) = &self.certificates {
            builder = builder.certs(certificates.clone());
        }
        let cluster = builder
            .build()
            .and_then(|c| c.get_connection())
            .map_err(|e| self.error("cannot open a cluster connection", e))?;
        Ok(Box::new(cluster))
    }

    /// The servers behind the URL and a connection to every primary (the server itself when
    /// standalone): a cluster's every slot must be served by a primary that answers, or the
    /// error names the slots and nodes.
    pub(crate) fn topology(&self) -> Result<(Topology, Vec<Node>), LiveError> {
        let topology = Topology::discover_info(self.info.clone(), timeout())?;
        let nodes = topology.connect()?;
        Ok((topology, nodes))
    }

    /// An engine that decodes every compiled-in backend, zstd with every dictionary stored in
    /// the server's `kvcodec:dictionaries` hash.
    pub(crate) fn reader(
        &self,
        con: &mut dyn ConnectionLike,
        max_decompressed_size: usize,
        on_corrupt: OnCorrupt,
    ) -> Result<Engine, LiveError> {
        let zstd = self.zstd_codec(con, kvcodec_zstd::DEFAULT_LEVEL)?;
        let mut builder = Engine::builder()
            .max_decompressed_size(max_decompressed_size)
            .on_corrupt(on_corrupt)
            .codec(zstd)
            .codec(self.dict_reader(con)?);
        for backend in backends::ALL.iter().filter(|b| b.id != CodecId::ZSTD) {
            builder = builder.codec(backend.codec(None)?);
        }
        Ok(builder.build()?)
    }

    /// The compact dictionary codec (0x05), reading with every dictionary of the server.
    pub(crate) fn dict_reader(
        &self,
        con: &mut dyn ConnectionLike,
    ) -> Result<Arc<dyn Codec>, LiveError> {
        let set = self.shared_dictionaries(con, false)?;
        Ok(Arc::new(kvcodec_zstd::ZstdDictCodec::reader(set)))
    }

    /// The server's dictionaries, in a shared set.
    fn shared_dictionaries(
        &self,
        con: &mut dyn ConnectionLike,
        for_writing: bool,
    ) -> Result<Arc<kvcodec_zstd::Dictionaries>, LiveError> {
        kvcodec_redis::dictionaries::shared(con).map_err(|err| LiveError::Dictionaries {
            addr: self.addr(),
            key: kvcodec_redis::dictionaries::KEY,
            err,
            for_writing,
        })
    }

    /// The compact dictionary codec (header id 0x05) writing with dictionary `id` at `level`,
    /// decoding with every dictionary of the server.
    pub(crate) fn dict_codec(
        &self,
        con: &mut dyn ConnectionLike,
        level: i32,
        id: u32,
    ) -> Result<Arc<dyn Codec>, LiveError> {
        let set = self.shared_dictionaries(con, true)?;
        let codec = kvcodec_zstd::ZstdDictCodec::writer(set, id, level).map_err(|e| {
            LiveError::Dictionaries {
                addr: self.addr(),
                key: kvcodec_redis::dictionaries::KEY,
                err: Box::new(e),
                for_writing: true,
            }
        })?;
        Ok(Arc::new(codec))
    }

    /// A zstd codec at `level` that decodes with the server's dictionaries (0x01 values
    /// written with one).
    pub(crate) fn zstd_codec(
        &self,
        con: &mut dyn ConnectionLike,
        level: i32,
    ) -> Result<Arc<dyn Codec>, LiveError> {
        let codec = kvcodec_redis::dictionaries::zstd_codec(con, level, None).map_err(|err| {
            LiveError::Dictionaries {
                addr: self.addr(),
                key: kvcodec_redis::dictionaries::KEY,
                err,
                for_writing: false,
            }
        })?;
        Ok(Arc::new(codec))
    }
}

impl ServerArgs {
    /// The checked server address, credentials and TLS settings.
    pub(crate) fn server(&self) -> Result<ServerUrl, LiveError> {
        ServerUrl::open(&self.url, &self.tls)
    }
}

/// `valkey 9.1.2` or `redis 7.0.15`, from `INFO server`.
pub(crate) fn server_version(info: &redis::InfoDict) -> String {
    match (
        info.get::<String>("valkey_version"),
        info.get::<String>("redis_version"),
    ) {
        (Some(v), _) => format!("valkey {v}"),
        (None, Some(v)) => format!("redis {v}"),
        (None, None) => "unknown server".to_owned(),
    }
}

/// The server and version behind `con` (`INFO server`); `unknown server` if it does not say.
pub(crate) fn describe(con: &mut dyn ConnectionLike) -> String {
    redis::cmd("INFO")
        .arg("server")
        .query::<redis::InfoDict>(con)
        .map_or_else(|_| "unknown server".to_owned(), |i| server_version(&i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_or_say_what_is_expected() {
        let s = ServerUrl::parse("redis://127.0.0.1:7001/2").unwrap();
        assert_eq!(s.addr(), "127.0.0.1:7001/2");
        assert_eq!(ServerUrl::parse("redis://h").unwrap().addr(), "h:6379");
    }
}
