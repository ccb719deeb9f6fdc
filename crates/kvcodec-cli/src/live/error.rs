//! [`LiveError`]: what can go wrong talking to a live server. Messages name the server by
//! `host:port` (never a password); `crate::error` decides the exit code of each.

use kvcodec_redis::migrate::MigrateError;
use redis::RedisError;

use crate::files::Unreadable;

/// An error of live-server access.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LiveError {
    /// A `--url` or TLS option that cannot be used as given (a usage error).
    #[error("{0}")]
    Options(String),
    /// The `--cacert` file cannot be read (a usage error).
    #[error(transparent)]
    Unreadable(#[from] Unreadable),
    /// The server does not accept a connection.
    #[error("cannot connect to {addr}: {err}")]
    Unreachable {
        /// `host:port[/db]`.
        addr: String,
        /// Why.
        err: RedisError,
    },
    /// A command failed on the server.
    #[error("{addr}: {what}: {err}")]
    Server {
        /// `host:port[/db]`.
        addr: String,
        /// What was being done.
        what: String,
        /// The server's or the connection's error.
        err: RedisError,
    },
    /// Discovering or connecting to the primaries failed (a usage error for a bad option,
    /// a failure otherwise: [`MigrateError::is_usage`]).
    #[error(transparent)]
    Topology(#[from] MigrateError),
    /// The server's dictionaries do not load; a usage error when one was asked for by id
    /// (`for_writing`), a failure otherwise.
    #[error("{addr}: cannot load the dictionaries of {key}: {err}")]
    Dictionaries {
        /// `host:port[/db]`.
        addr: String,
        /// The hash holding them.
        key: &'static str,
        /// Why.
        err: Box<dyn std::error::Error + Send + Sync>,
        /// `true` if the caller asked to write with one of them.
        for_writing: bool,
    },
    /// The key, hash field or list element does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The key holds another type than the location asks for (a usage error).
    #[error("{0}")]
    WrongType(String),
    /// The reader engine does not build.
    #[error(transparent)]
    Engine(#[from] kvcodec::Error),
}
