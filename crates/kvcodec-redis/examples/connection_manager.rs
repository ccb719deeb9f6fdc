//! A `ConnectionManager` (reconnecting multiplexed connection), wrapped once and cloned per task.
//!
//! ```text
//! REDIS_URL=redis://127.0.0.1:6379/ cargo run -p kvcodec-redis --example connection_manager
//! ```

use std::sync::Arc;

use kvcodec_redis::Compression;
use redis::AsyncCommands;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Writes from two tasks sharing one manager, reads back; returns what was read.
pub async fn run(url: &str) -> Result<Vec<Vec<u8>>> {
    let config = kvcodec::Config {
        enabled: true,
        ..Default::default()
    };
    let engine = config.build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])?;
    let compression = Compression::new(Arc::new(engine));

    let manager = redis::Client::open(url)?.get_connection_manager().await?;
    let con = compression.wrap(manager); // clones share the connection and the engine
    let mut tasks = Vec::new();
    for i in 0..2 {
        let mut con = con.clone();
        tasks.push(tokio::spawn(async move {
            let value = format!(r#"{{"task":{i},"note":"a value worth compressing"}}"#).repeat(20);
            let key = format!("example:manager:{i}");
            let _: () = con.set(&key, value).await?;
            con.get::<_, Vec<u8>>(&key).await
        }));
    }
    let mut read = Vec::new();
    for task in tasks {
        read.push(task.await??);
    }
    Ok(read)
}

#[tokio::main]
#[allow(dead_code)] // a test runs `run` against its own server
async fn main() -> Result<()> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".into());
    for value in run(&url).await? {
        println!("read back {} bytes", value.len());
    }
    Ok(())
}
