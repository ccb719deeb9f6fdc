#![cfg_attr(docsrs, feature(doc_cfg))]
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
//! replies hold values. Every command Redis 7 and Valkey 9 know is classified (a live test asks
//! both servers), as value-aware, refused, or passed through for a reviewed reason:
//!
//! | value type | written by (compressed when the type is in [`kvcodec::ValueTypes`]) | read by (always decoded) |
//! |---|---|---|
//! | strings | SET (all options), SETEX, PSETEX, SETNX, MSET, MSETNX, MSETEX, GETSET | GET, MGET, GETEX, GETDEL, GETSET, SET … GET |
//! | hash values | HSET, HMSET, HSETNX, HSETEX | HGET, HMGET, HVALS, HGETALL, HGETEX, HGETDEL, HRANDFIELD … WITHVALUES, HSCAN (not with NOVALUES) |
//! | list elements | LPUSH, RPUSH, LPUSHX, RPUSHX, LSET | LRANGE, LINDEX, LPOP, RPOP, BLPOP, BRPOP, LMPOP, BLMPOP, LMOVE, BLMOVE, RPOPLPUSH, BRPOPLPUSH |
//! | keys, fields, set/sorted-set members, HyperLogLog, geo, stream entries, pub/sub messages, script arguments and replies | never touched | never touched |
//!
//! Which types are compressed on write is the engine's [`kvcodec::ValueTypes`] (config
//! `value_types`, environment `COMPRESSION_VALUE_TYPES`); the default, strings only, is what
//! GLIDE 2.6 reads: GLIDE decodes string values only, so a GLIDE client reading a hash value or
//! a list element kvcodec compressed gets the compressed bytes. Reads decode every type.
//!
//! A value that starts with the header magic (`00 01 02`, 5 bytes or more) is always stored
//! encoded, whatever its type, size or the policy: that is the format's escape, so it reads
//! back byte-exact through kvcodec and GLIDE (see [`kvcodec::Engine::encode_outcome`]). A plain
//! value written by *another* client that starts with the magic stays ambiguous: it is decoded
//! if it happens to be a valid compressed value.
//!
//! Each command in a pipeline or MULTI/EXEC transaction is handled by its own entry — replies
//! are never decoded because they "look compressed".
//!
//! Commands that read or modify value bytes on the server (APPEND, SETRANGE, GETRANGE, SUBSTR,
//! STRLEN, LCS, INCR/DECR and friends, bit commands, HINCRBY, HINCRBYFLOAT, HSTRLEN, LREM,
//! LPOS, LINSERT, SORT, SORT_RO, SET IFEQ/IFNE, DELIFEQ) are refused with an error naming the
//! command, before anything is sent; [`Compression::allow_incompatible`] lets chosen ones
//! through (`INCR` allows the counter family redis-rs's `incr`/`decr` send).
//!
//! Scripts and functions (EVAL, FCALL, …) pass through: a script that reads a compressed value
//! sees it compressed, and its reply is returned as the server sends it. Keep scripts off
//! compressed keys, or decode in the application with [`kvcodec::Engine::decode`].
//!
//! # Transactions
//!
//! MULTI … EXEC sent command by command is followed by what the server answers: a MULTI the
//! server refuses (NOPERM, nested) opens nothing; a queued command is remembered only when the
//! server answers `QUEUED`; EXEC and DISCARD end the transaction whatever their outcome
//! (EXECABORT, errors); a transport error or a reply that shows the connection was replaced (a
//! `ConnectionManager` reconnect) ends it too. The EXEC reply is decoded per queued command.
//!
//! # Errors
//!
//! A stored value that does not decode (with [`kvcodec::OnCorrupt::Error`], or over
//! `max_decompressed_size`) is a `RedisError` with code [`errors::DECODE_ERROR_CODE`] naming the
//! command, the codec and the sizes — never the key or the value ([`errors`]).
//!
//! # Limits
//!
//! - The sync cluster client's `cluster::ClusterPipeline` takes the concrete
//!   `ClusterConnection` rather than a `ConnectionLike`, so it cannot pass through a wrapper:
//!   use `redis::pipe()` over the async cluster connection (wrapped) for cluster pipelines.
//! - Commands in no list (a module's, or one a future server adds) pass through untouched: a
//!   value written by one of them is stored plain (still readable), and a value read by one
//!   of them comes back as stored.
//! - Commands sent around the wrapper (`inner_mut()`) are not seen: do not split a MULTI …
//!   EXEC between the wrapper and the inner connection.
//!
//! # Rewriting what is already stored
//!
//! With the `migrate` feature, [`migrate`] compresses the values already stored, decodes them
//! back (rollback) and verifies the result, on a server or every primary of a cluster, without
//! losing a concurrent write: the library behind `kvcodec migrate`, `rollback` and `verify`.
//!
//! # Modes
//!
//! The engine's [`kvcodec::Mode`]: `On` compresses and decodes; `DecompressOnly` (the default
//! when nothing is configured) writes plain values and still decodes compressed ones — the
//! safe rollback; `Off` is a plain client, chosen only explicitly.

#[cfg(any(feature = "tokio-comp", feature = "smol-comp"))]
mod aio;
mod borrowed;
mod compression;
mod connection;
pub mod dictionaries;
pub mod errors;
#[cfg(feature = "zstd")]
pub mod fetch;
#[cfg(feature = "migrate")]
pub mod migrate;
pub mod resp;
pub mod table;
mod transaction;

pub use borrowed::Borrowed;
pub use compression::Compression;
pub use connection::Compressed;

/// The core crate, re-exported: `kvcodec_redis::kvcodec::Config`, `Engine`, …
pub use kvcodec;
/// The deflate backend (feature `deflate`).
#[cfg(feature = "deflate")]
pub use kvcodec_deflate;
/// The lz4 backend (feature `lz4`).
#[cfg(feature = "lz4")]
pub use kvcodec_lz4;
/// The snappy backend (feature `snappy`).
#[cfg(feature = "snappy")]
pub use kvcodec_snappy;
/// The zstd backend (feature `zstd`, on by default).
#[cfg(feature = "zstd")]
pub use kvcodec_zstd;

/// Internal entry points for kvcodec's fuzz targets; not part of the API.
#[doc(hidden)]
pub mod internal {
    use std::sync::Arc;

    use redis::{RedisResult, Value};

    use crate::{Compressed, Compression};

    /// Plans `commands` as a pipeline, then reads `replies` as the answers to
    /// `commands[offset..]` (transaction state and decoding), on a wrapper that starts with
    /// no transaction. A refused command is an error, as when sending.
    pub fn read_replies(
        compression: &Arc<Compression>,
        commands: &[Vec<&[u8]>],
        offset: usize,
        replies: Vec<Value>,
    ) -> RedisResult<Vec<Value>> {
        let mut con = Compressed::new((), compression.clone());
        let plans = con.plan_all(commands.iter().cloned())?;
        con.read(&plans, offset, Ok(replies))
    }
}
