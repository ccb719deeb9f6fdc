#![forbid(unsafe_code)]
#![warn(missing_docs)]
//! Transparent kvcodec compression for redis-rs connections.
//!
//! # Getting started
//!
//! Wrap the connection you already have; code that uses `redis::Commands`,
//! `redis::AsyncCommands`, `redis::cmd(..)` or `redis::pipe()` keeps working and gains
//! compression:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use redis::AsyncCommands;
//!
//! let config = kvcodec::Config::from_env()?; // COMPRESSION_ENABLED=true, COMPRESSION_BACKEND=zstd, …
//! let engine = config.build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])?;
//! let compression = kvcodec_redis::Compression::new(Arc::new(engine));
//!
//! let client = redis::Client::open("redis://127.0.0.1/")?;
//! let mut con = compression.wrap(client.get_multiplexed_async_connection().await?);
//! let _: () = con.set_ex("page:/", "<html>…</html>", 60).await?;
//! let page: String = con.get("page:/").await?;
//! # Ok(()) }
//! ```
//!
//! # What is compressed and decoded
//!
//! A command table ([`table`]) says, per command, which arguments are values and which
//! replies hold values: strings (SET and its options, SETEX, PSETEX, SETNX, MSET, MSETNX,
//! MSETEX, GETSET; GET, MGET, GETEX, GETDEL, SET … GET), hashes (HSET, HSETNX, HMSET, HSETEX;
//! HGET, HMGET, HGETALL, HVALS, HGETEX, HGETDEL, HRANDFIELD … WITHVALUES) and lists (LPUSH, RPUSH, LPUSHX, RPUSHX, LSET;
//! LRANGE, LINDEX, LPOP, RPOP, BLPOP, BRPOP, LMPOP, BLMPOP, LMOVE, BLMOVE, RPOPLPUSH).
//! Keys, fields, set members, stream entries and script arguments are never touched; other
//! commands pass through unchanged. Each command in a pipeline or MULTI/EXEC transaction is
//! handled by its own entry — replies are never decoded because they "look compressed".
//!
//! Commands that read or modify value bytes on the server (APPEND, SETRANGE, GETRANGE, SUBSTR,
//! STRLEN, LCS, INCR/DECR and friends, bit commands, HINCRBY, HINCRBYFLOAT, HSTRLEN, LREM,
//! LPOS, LINSERT, SET IFEQ/IFNE, DELIFEQ) are refused with an error naming the command,
//! before anything is sent; [`Compression::allow_incompatible`] lets chosen ones through.
//!
//! # Limits
//!
//! - The sync cluster client's `cluster::ClusterPipeline` takes the concrete
//!   `ClusterConnection` rather than a `ConnectionLike`, so it cannot pass through a wrapper:
//!   use `redis::pipe()` over the async cluster connection (wrapped) for cluster pipelines.
//! - Commands missing from the table pass through untouched: a value written by one of them is
//!   stored plain (still readable), and a value read by one of them comes back as stored.
//!
//! # Rewriting what is already stored
//!
//! With the `migrate` feature, [`migrate`] compresses the values already stored, decodes them
//! back (rollback) and verifies the result, on a server or every primary of a cluster, without
//! losing a concurrent write: the library behind `kvcodec migrate`, `rollback` and `verify`.
//!
//! # Modes
//!
//! The engine's [`kvcodec::Mode`]: `On` compresses and decodes; `DecompressOnly` writes plain
//! values and still decodes compressed ones (the safe rollback); `Off` is a plain client.

#[cfg(feature = "aio")]
mod aio;
mod compression;
mod connection;
pub mod dictionaries;
#[cfg(feature = "migrate")]
pub mod migrate;
pub mod resp;
pub mod table;

pub use compression::Compression;
pub use connection::Compressed;
