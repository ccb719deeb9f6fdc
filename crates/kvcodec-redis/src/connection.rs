//! [`Compressed`]: a redis-rs connection that compresses values and decodes replies.

use std::borrow::Cow;
use std::sync::Arc;

use redis::{Arg, Cmd, ErrorKind, RedisError, RedisResult, Value};

use crate::Compression;
use crate::compression::{Decode, Plan, Transaction};
use crate::resp;

/// A wrapped connection. It implements redis-rs' sync `ConnectionLike` when `C` does and its
/// async `aio::ConnectionLike` when `C` does, so `redis::Commands` / `redis::AsyncCommands`,
/// `redis::cmd(..)` and `redis::pipe()` work on it unchanged.
///
/// Works over `redis::Connection`, `aio::MultiplexedConnection`, `aio::ConnectionManager`,
/// `cluster::ClusterConnection` and `cluster_async::ClusterConnection`. Cloning (where `C`
/// is `Clone`) shares the engine and starts with no open MULTI.
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

    /// Plans the commands of a pipeline (MULTI/EXEC included as sent); commits the MULTI
    /// state only if every command is accepted, so a refused pipeline changes nothing.
    pub(crate) fn plan_all<'a>(
        &mut self,
        commands: impl Iterator<Item = Vec<&'a [u8]>>,
    ) -> RedisResult<Vec<Plan<'a>>> {
        let mut tx = self.tx.clone();
        let plans = commands
            .map(|args| self.compression.plan(&args, &mut tx))
            .collect::<RedisResult<Vec<_>>>()?;
        self.tx = tx;
        Ok(plans)
    }

    /// Decodes `values`, which answer `plans[offset..]`.
    pub(crate) fn decode_all(
        &self,
        plans: &[Plan],
        offset: usize,
        values: Vec<Value>,
    ) -> RedisResult<Vec<Value>> {
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| match plans.get(offset + i) {
                Some(plan) => self.compression.decode(&plan.decode, v),
                None => Ok(v),
            })
            .collect()
    }
}

/// The arguments of a `Cmd`, or `None` if it holds a scan cursor (never a value command).
pub(crate) fn cmd_args(cmd: &Cmd) -> Option<Vec<&[u8]>> {
    cmd.args_iter()
        .map(|a| match a {
            Arg::Simple(bytes) => Some(bytes),
            _ => None, // scan cursor (and any future non-byte argument)
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

/// The plan for a command whose arguments can't be read (scan cursor): sent as it is.
pub(crate) fn pass_plan() -> Plan<'static> {
    Plan {
        args: None,
        decode: Decode::Shape(crate::table::ReplyShape::None),
    }
}

impl<C: redis::ConnectionLike> redis::ConnectionLike for Compressed<C> {
    fn req_command(&mut self, cmd: &Cmd) -> RedisResult<Value> {
        let plan = match cmd_args(cmd) {
            Some(args) => self.plan_all(std::iter::once(args))?.remove(0),
            None => pass_plan(),
        };
        let reply = match &plan.args {
            None => self.inner.req_command(cmd)?,
            Some(args) => self.inner.req_command(&rebuild(args, cmd))?,
        };
        self.compression.decode(&plan.decode, reply)
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
            self.inner.req_packed_commands(packed, offset, count)?
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
            self.inner.req_packed_commands(&repacked, offset, count)?
        };
        self.decode_all(&plans, offset, replies)
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
