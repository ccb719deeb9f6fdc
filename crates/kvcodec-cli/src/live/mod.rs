//! Live-server access: the `--url`/TLS/credentials options, checked URLs, standalone and
//! cluster connections with `--timeout`, one key's stored value, a reader that knows the
//! server's zstd dictionaries, and the default checkpoint file of a run.
//!
//! # Getting started
//!
//! ```ignore
//! // (crate-internal; `kvcodec get KEY --url URL` is this plus decoding)
//! let server = args.server.server()?;                 // ServerArgs -> ServerUrl
//! let mut con = server.connect()?;                    // routed by slot on a cluster
//! let stored = key::fetch(&server, &mut *con, "user:42", &Location::String)?;
//! let reader = server.reader(&mut *con, 1 << 20, OnCorrupt::Error)?;
//! ```
//!
//! - [`args`]: the options (`--url` or `REDIS_URL`, `--cacert`, `--insecure`,
//!   `REDISCLI_AUTH`) and password redaction; depends on nothing else here.
//! - [`server`]: [`server::ServerUrl`] — connections, topology, reader; the timeout.
//! - [`key`]: a string, hash field or list element as stored, with its TTL.
//! - [`checkpoint`]: where `migrate` and `rollback` keep their checkpoint by default.
//! - [`error`]: [`error::LiveError`]; messages name the server by `host:port`, never a
//!   password. `crate::error` decides the exit code of each.

pub(crate) mod args;
pub(crate) mod checkpoint;
pub(crate) mod error;
pub(crate) mod key;
pub(crate) mod server;
