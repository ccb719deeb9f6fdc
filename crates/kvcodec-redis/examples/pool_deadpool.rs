//! A deadpool-redis pool; a pooled connection wrapped in place.
//!
//! ```text
//! REDIS_URL=redis://127.0.0.1:6379/ cargo run -p kvcodec-redis --example pool_deadpool
//! ```

use std::sync::Arc;

use deadpool_redis::{Config, Runtime};
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

    let pool = Config::from_url(url).create_pool(Some(Runtime::Tokio1))?;
    let mut pooled = pool.get().await?;
    let mut con = compression.wrap_mut(&mut pooled);
    let value = br#"{"pool":"deadpool","note":"a value worth compressing"}"#.repeat(20);
    let _: () = con.set("example:deadpool", &value).await?;
    Ok(con.get("example:deadpool").await?)
}

#[tokio::main]
#[allow(dead_code)] // a test runs `run` against its own server
async fn main() -> Result<()> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".into());
    let read = run(&url).await?;
    println!("read back {} bytes", read.len());
    Ok(())
}
