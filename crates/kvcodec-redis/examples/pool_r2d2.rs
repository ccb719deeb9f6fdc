//! An r2d2 pool of sync connections (redis-rs' `r2d2` feature); a pooled connection wrapped in
//! place.
//!
//! ```text
//! REDIS_URL=redis://127.0.0.1:6379/ cargo run -p kvcodec-redis --example pool_r2d2
//! ```

use std::sync::Arc;

use kvcodec_redis::Compression;
use redis::Commands;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Writes and reads a value through a pooled connection; returns what was read.
pub fn run(url: &str) -> Result<Vec<u8>> {
    let config = kvcodec::Config {
        enabled: true,
        ..Default::default()
    };
    let engine = config.build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])?;
    let compression = Compression::new(Arc::new(engine));

    let pool = r2d2::Pool::builder()
        .max_size(4)
        .build(redis::Client::open(url)?)?;
    let mut pooled = pool.get()?;
    let mut con = compression.wrap_mut(&mut *pooled);
    let value = br#"{"pool":"r2d2","note":"a value worth compressing"}"#.repeat(20);
    let _: () = con.set("example:r2d2", &value)?;
    Ok(con.get("example:r2d2")?)
}

#[allow(dead_code)] // a test runs `run` against its own server
fn main() -> Result<()> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".into());
    let read = run(&url)?;
    println!("read back {} bytes", read.len());
    Ok(())
}
