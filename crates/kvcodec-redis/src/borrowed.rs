//! [`Borrowed`]: a connection borrowed from its owner (a pool's guard, say), so it can be
//! wrapped without being moved or cloned.
//!
//! ```no_run
//! # async fn run(pool: bb8::Pool<bb8_redis::RedisConnectionManager>) -> Result<(), Box<dyn std::error::Error>> {
//! # let compression: kvcodec_redis::Compression = todo!();
//! use redis::AsyncCommands;
//!
//! let mut pooled = pool.get().await?;              // a bb8 PooledConnection
//! let mut con = compression.wrap_mut(&mut *pooled); // borrows the connection inside
//! let _: () = con.set("k", "a large value …").await?;
//! # Ok(()) }
//! ```

use redis::{Cmd, RedisResult, Value};

/// A `&mut C` that implements redis-rs' sync and async `ConnectionLike` when `C` does, for
/// [`crate::Compression::wrap_mut`].
#[derive(Debug)]
pub struct Borrowed<'a, C: ?Sized>(pub &'a mut C);

impl<C: redis::ConnectionLike + ?Sized> redis::ConnectionLike for Borrowed<'_, C> {
    fn req_packed_command(&mut self, cmd: &[u8]) -> RedisResult<Value> {
        self.0.req_packed_command(cmd)
    }

    fn req_packed_commands(
        &mut self,
        cmd: &[u8],
        offset: usize,
        count: usize,
    ) -> RedisResult<Vec<Value>> {
        self.0.req_packed_commands(cmd, offset, count)
    }

    fn req_command(&mut self, cmd: &Cmd) -> RedisResult<Value> {
        self.0.req_command(cmd)
    }

    fn get_db(&self) -> i64 {
        self.0.get_db()
    }

    fn supports_pipelining(&self) -> bool {
        self.0.supports_pipelining()
    }

    fn check_connection(&mut self) -> bool {
        self.0.check_connection()
    }

    fn is_open(&self) -> bool {
        self.0.is_open()
    }
}

#[cfg(any(feature = "tokio-comp", feature = "smol-comp"))]
impl<C: redis::aio::ConnectionLike + Send + ?Sized> redis::aio::ConnectionLike for Borrowed<'_, C> {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> redis::RedisFuture<'a, Value> {
        self.0.req_packed_command(cmd)
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a redis::Pipeline,
        offset: usize,
        count: usize,
    ) -> redis::RedisFuture<'a, Vec<Value>> {
        self.0.req_packed_commands(pipeline, offset, count)
    }

    fn get_db(&self) -> i64 {
        self.0.get_db()
    }
}
