//! The async side: `redis::aio::ConnectionLike` for [`Compressed`].

use redis::aio::ConnectionLike;
use redis::{Cmd, Pipeline, RedisFuture, Value};

use crate::Compressed;
use crate::connection::{cmd_args, rebuild};

const MULTI: &[u8] = b"MULTI";
const EXEC: &[u8] = b"EXEC";

impl<C: ConnectionLike + Send> Compressed<C> {
    /// Fetches these dictionaries on this connection (see [`crate::fetch`]).
    async fn fetch_async(&mut self, ids: Vec<u32>) {
        #[cfg(feature = "zstd")]
        if let Some(fetch) = self.compression.fetch.clone() {
            use crate::fetch::{DictionaryFetch, Step};
            for id in ids {
                let size = self
                    .inner
                    .req_packed_command(&DictionaryFetch::size_command(id))
                    .await;
                if fetch.on_size(id, size) == Step::Get {
                    let get = DictionaryFetch::get_command(id);
                    let bytes = self.inner.req_packed_command(&get).await;
                    fetch.on_bytes(id, bytes);
                }
            }
        }
        #[cfg(not(feature = "zstd"))]
        let _ = ids;
    }
}

impl<C: ConnectionLike + Send> ConnectionLike for Compressed<C> {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        Box::pin(async move {
            let plan = self.compression.plan(&cmd_args(cmd))?;
            let reply = match &plan.args {
                None => self.inner.req_packed_command(cmd).await,
                Some(args) => self.inner.req_packed_command(&rebuild(args, cmd)).await,
            };
            if let Ok(r) = &reply
                && !cmd.is_no_response()
            {
                let ids = self.to_fetch(std::slice::from_ref(&plan), 0, std::slice::from_ref(r));
                self.fetch_async(ids).await;
            }
            self.read_one(&plan, cmd.is_no_response(), reply)
        })
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        Box::pin(async move {
            // An atomic pipeline is sent as MULTI, its commands, EXEC; `offset` counts those.
            let atomic = pipeline.is_transaction();
            let mut sent: Vec<Vec<&[u8]>> = Vec::with_capacity(pipeline.len() + 2);
            if atomic {
                sent.push(vec![MULTI]);
            }
            for cmd in pipeline.cmd_iter() {
                sent.push(cmd_args(cmd));
            }
            if atomic {
                sent.push(vec![EXEC]);
            }
            let plans = self.plan_all(sent.into_iter())?;
            let replies = if plans.iter().all(|p| p.args.is_none()) {
                self.inner
                    .req_packed_commands(pipeline, offset, count)
                    .await
            } else {
                let mut rebuilt = Pipeline::with_capacity(pipeline.len());
                if atomic {
                    rebuilt.atomic();
                }
                let own_plans = &plans[usize::from(atomic)..];
                for (cmd, plan) in pipeline.cmd_iter().zip(own_plans) {
                    match &plan.args {
                        Some(args) => rebuilt.add_command(rebuild(args, cmd)),
                        None => rebuilt.add_command(cmd.clone()),
                    };
                }
                self.inner
                    .req_packed_commands(&rebuilt, offset, count)
                    .await
            };
            if let Ok(r) = &replies {
                let ids = self.to_fetch(&plans, offset, r);
                self.fetch_async(ids).await;
            }
            self.read(&plans, offset, replies)
        })
    }

    fn get_db(&self) -> i64 {
        self.inner.get_db()
    }
}
