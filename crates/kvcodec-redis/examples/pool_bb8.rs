//! A bb8 pool of multiplexed connections, each borrowed connection wrapped in place.
//!
//! ```text
//! REDIS_URL=redis://127.0.0.1:6379/ cargo run -p kvcodec-redis --example pool_bb8
//! ```

use std::sync::Arc;

use kvcodec_redis::Compression;
use redis::AsyncCommands;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Writes and reads a value through a pooled connection; returns what was read.
pub async fn run(url: &str) -> Result<Vec<u8>> {
    let config = kvcodec::Config {
        enabled: true,
        ..Default::default()
    };
    let engine = config.build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])?;
    let compression = Compression::new(Arc::new(engine));

    let manager = bb8_redis::RedisConnectionManager::new(url)?;
    let pool = bb8::Pool::builder().max_size(4).build(manager).await?;
    let mut pooled = pool.get().await?;
    // `PooledConnection` derefs to the connection: borrow it, no clone, no move.
    let mut con = compression.wrap_mut(&mut *pooled);
    let value = br#"{"pool":"bb8","note":"a value worth compressing"}"#.repeat(20);
    let _: () = con.set("example:bb8", &value).await?;
    Ok(con.get("example:bb8").await?)
}

#[tokio::main]
#[allow(dead_code)] // a test runs `run` against its own server
async fn main() -> Result<()> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".into());
    let read = run(&url).await?;
    println!("read back {} bytes", read.len());
    Ok(())
}
