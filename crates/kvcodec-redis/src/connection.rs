//! [`Compressed`]: a redis-rs connection that compresses values and decodes replies.

use std::borrow::Cow;
use std::sync::Arc;

use redis::{Arg, Cmd, ErrorKind, RedisError, RedisResult, Value};

use crate::Compression;
use crate::compression::Plan;
use crate::resp;
use crate::transaction::{Transaction, is_transport_error};

/// A wrapped connection. It implements redis-rs' sync `ConnectionLike` when `C` does and its
/// async `aio::ConnectionLike` when `C` does, so `redis::Commands` / `redis::AsyncCommands`,
/// `redis::cmd(..)` and `redis::pipe()` work on it unchanged.
///
/// Works over `redis::Connection`, `aio::MultiplexedConnection`, `aio::ConnectionManager`,
/// `cluster::ClusterConnection` and `cluster_async::ClusterConnection`. Cloning (where `C`
/// is `Clone`) shares the engine and starts with no open MULTI.
///
/// MULTI … EXEC sent command by command is tracked by what the server answers (see
/// [Transactions](crate#transactions)): a refused MULTI, an EXEC or DISCARD of any outcome, a
/// transport error or a reconnect all end the transaction as the server sees it.
#[derive(Debug)]
pub struct Compressed<C> {
    pub(crate) inner: C,
    pub(crate) compression: Arc<Compression>,
    pub(crate) tx: Transaction,
}

impl<C: Clone> Clone for Compressed<C> {
    fn clone(&self) -> Self {
        Compressed::new(self.inner.clone(), self.compression.clone())
    }
}

impl<C> Compressed<C> {
    /// Wraps `inner`.
    pub fn new(inner: C, compression: Arc<Compression>) -> Self {
        Compressed {
            inner,
            compression,
            tx: Transaction::default(),
        }
    }

    /// The wrapped connection (commands sent through it bypass compression).
    pub fn inner_mut(&mut self) -> &mut C {
        &mut self.inner
    }

    /// Unwraps.
    pub fn into_inner(self) -> C {
        self.inner
    }

    /// The shared settings.
    pub fn compression(&self) -> &Arc<Compression> {
        &self.compression
    }

    /// `true` while a MULTI sent through this wrapper is open on the server, as far as the
    /// server's replies tell.
    pub fn in_transaction(&self) -> bool {
        self.tx.is_open()
    }

    /// Plans the commands of a pipeline (MULTI/EXEC included as sent). A refused command
    /// refuses the whole pipeline, and nothing is sent.
    pub(crate) fn plan_all<'a>(
        &self,
        commands: impl Iterator<Item = Vec<&'a [u8]>>,
    ) -> RedisResult<Vec<Plan<'a>>> {
        commands.map(|args| self.compression.plan(&args)).collect()
    }

    /// Reads the outcome of sending `plans`, whose replies are `plans[offset..]` (the earlier
    /// ones hidden by the caller's offset): follows the transaction state through every reply
    /// in order, then decodes the values in the visible ones.
    pub(crate) fn read(
        &mut self,
        plans: &[Plan],
        offset: usize,
        replies: RedisResult<Vec<Value>>,
    ) -> RedisResult<Vec<Value>> {
        let replies = match replies {
            Ok(replies) => replies,
            Err(e) => {
                if is_transport_error(&e) {
                    self.tx.reset();
                } else {
                    // The server ran the pipeline (an aborted transaction, say).
                    plans.iter().for_each(|p| self.tx.on_hidden(p.role));
                }
                return Err(e);
            }
        };
        let mut how = Vec::with_capacity(replies.len());
        for (i, plan) in plans.iter().enumerate() {
            match i.checked_sub(offset).and_then(|at| replies.get(at)) {
                Some(reply) => how.push(self.tx.on_reply(plan.role, reply)),
                None => self.tx.on_hidden(plan.role),
            }
        }
        let visible = plans.iter().skip(offset);
        let mut out = Vec::with_capacity(replies.len());
        let mut replies = replies.into_iter();
        for ((plan, how), reply) in visible.zip(&how).zip(replies.by_ref()) {
            out.push(self.compression.decode(how, reply, plan.name)?);
        }
        out.extend(replies);
        Ok(out)
    }

    /// The dictionary ids to fetch before decoding `replies` (to plans `plans[offset..]`):
    /// those the engine lacks and the fetch admits now, none when no fetch is configured or
    /// when the server holds a MULTI for this connection after these replies (a command sent
    /// now would be queued).
    pub(crate) fn to_fetch(&self, plans: &[Plan], offset: usize, replies: &[Value]) -> Vec<u32> {
        #[cfg(feature = "zstd")]
        if let Some(fetch) = &self.compression.fetch {
            let ids = fetch.missing(replies);
            if ids.is_empty() {
                return ids;
            }
            let mut tx = self.tx.clone();
            for (i, plan) in plans.iter().enumerate() {
                match i.checked_sub(offset).and_then(|at| replies.get(at)) {
                    Some(reply) => {
                        tx.on_reply(plan.role, reply);
                    }
                    None => tx.on_hidden(plan.role),
                }
            }
            if tx.is_open() {
                return Vec::new();
            }
            return fetch.admit(ids);
        }
        let _ = (plans, offset, replies);
        Vec::new()
    }

    /// [`read`](Self::read) for one command; `no_response`: it was sent with
    /// `Cmd::set_no_response`, so the reply is redis-rs' stand-in, not the server's.
    pub(crate) fn read_one(
        &mut self,
        plan: &Plan,
        no_response: bool,
        reply: RedisResult<Value>,
    ) -> RedisResult<Value> {
        match reply {
            Ok(reply) if no_response => {
                self.tx.on_hidden(plan.role);
                Ok(reply)
            }
            Ok(reply) => {
                let how = self.tx.on_reply(plan.role, &reply);
                self.compression.decode(&how, reply, plan.name)
            }
            Err(e) => {
                self.tx.on_error(plan.role, &e);
                Err(e)
            }
        }
    }
}

/// The arguments of a `Cmd`, for planning. A scan cursor (`Cmd::cursor_arg`, which redis-rs
/// fills in when it sends the command), and any argument kind a later redis-rs adds, reads as
/// `0`: cursors only appear in SCAN-family commands, which have no value argument, so such a
/// command is never rebuilt.
pub(crate) fn cmd_args(cmd: &Cmd) -> Vec<&[u8]> {
    cmd.args_iter()
        .map(|a| match a {
            Arg::Simple(bytes) => bytes,
            _ => &b"0"[..], // Arg::Cursor (the enum is non-exhaustive)
        })
        .collect()
}

/// A `Cmd` with these arguments, keeping `cmd`'s no-response flag.
pub(crate) fn rebuild(args: &[Cow<'_, [u8]>], like: &Cmd) -> Cmd {
    let len = args.iter().map(|a| a.len()).sum();
    let mut cmd = Cmd::with_capacity(args.len(), len);
    for a in args {
        cmd.arg(&a[..]);
    }
    cmd.set_no_response(like.is_no_response());
    cmd
}

impl<C: redis::ConnectionLike> Compressed<C> {
    /// Fetches these dictionaries on this connection (see [`crate::fetch`]).
    fn fetch_sync(&mut self, ids: Vec<u32>) {
        #[cfg(feature = "zstd")]
        if let Some(fetch) = self.compression.fetch.clone() {
            use crate::fetch::{DictionaryFetch, Step};
            for id in ids {
                let size = self.inner.req_command(&DictionaryFetch::size_command(id));
                if fetch.on_size(id, size) == Step::Get {
                    let bytes = self.inner.req_command(&DictionaryFetch::get_command(id));
                    fetch.on_bytes(id, bytes);
                }
            }
        }
        #[cfg(not(feature = "zstd"))]
        let _ = ids;
    }
}

impl<C: redis::ConnectionLike> redis::ConnectionLike for Compressed<C> {
    fn req_command(&mut self, cmd: &Cmd) -> RedisResult<Value> {
        let plan = self.compression.plan(&cmd_args(cmd))?;
        let reply = match &plan.args {
            None => self.inner.req_command(cmd),
            Some(args) => self.inner.req_command(&rebuild(args, cmd)),
        };
        if let Ok(r) = &reply
            && !cmd.is_no_response()
        {
            let ids = self.to_fetch(std::slice::from_ref(&plan), 0, std::slice::from_ref(r));
            self.fetch_sync(ids);
        }
        self.read_one(&plan, cmd.is_no_response(), reply)
    }

    fn req_packed_command(&mut self, packed: &[u8]) -> RedisResult<Value> {
        let mut replies = self.req_packed_commands(packed, 0, 1)?;
        replies.pop().ok_or_else(|| {
            RedisError::from((ErrorKind::Client, "kvcodec: no reply to a packed command"))
        })
    }

    fn req_packed_commands(
        &mut self,
        packed: &[u8],
        offset: usize,
        count: usize,
    ) -> RedisResult<Vec<Value>> {
        let ranges = resp::parse_commands(packed).map_err(|e| {
            RedisError::from((
                ErrorKind::Client,
                "kvcodec could not read a packed command",
                e.to_string(),
            ))
        })?;
        let plans = self.plan_all(
            ranges
                .iter()
                .map(|cmd| cmd.iter().map(|r| &packed[r.clone()]).collect()),
        )?;
        let replies = if plans.iter().all(|p| p.args.is_none()) {
            self.inner.req_packed_commands(packed, offset, count)
        } else {
            let mut repacked = Vec::with_capacity(packed.len());
            for (plan, cmd) in plans.iter().zip(&ranges) {
                match &plan.args {
                    Some(args) => resp::write_command(args, &mut repacked),
                    None => {
                        let args: Vec<&[u8]> = cmd.iter().map(|r| &packed[r.clone()]).collect();
                        resp::write_command(&args, &mut repacked);
                    }
                }
            }
            self.inner.req_packed_commands(&repacked, offset, count)
        };
        if let Ok(r) = &replies {
            let ids = self.to_fetch(&plans, offset, r);
            self.fetch_sync(ids);
        }
        self.read(&plans, offset, replies)
    }

    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }

    fn supports_pipelining(&self) -> bool {
        self.inner.supports_pipelining()
    }

    fn check_connection(&mut self) -> bool {
        self.inner.check_connection()
    }

    fn is_open(&self) -> bool {
        self.inner.is_open()
    }
}
