//! A TLS connection (`rediss://`) wraps like any other: the library does not care how the
//! bytes travel. Trusts a private CA given as a PEM file; with a publicly trusted certificate
//! `redis::Client::open("rediss://…")` alone is enough.
//!
//! ```text
//! REDIS_URL=rediss://cache.example:6380/ REDIS_CA=ca.crt \
//!     cargo run -p kvcodec-redis --example tls
//! ```

use std::sync::Arc;

use kvcodec_redis::Compression;
use redis::{AsyncCommands, TlsCertificates};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Connects to `url` trusting `ca_pem`, writes and reads a value; returns what was read.
pub async fn run(url: &str, ca_pem: Vec<u8>) -> Result<Vec<u8>> {
    // redis-rs builds rustls without a crypto provider: pick one (here ring) once per process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = kvcodec::Config {
        enabled: true,
        ..Default::default()
    };
    let engine = config.build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])?;
    let compression = Compression::new(Arc::new(engine));

    let certificates = TlsCertificates {
        client_tls: None,
        root_cert: Some(ca_pem),
    };
    let client = redis::Client::build_with_tls(url, certificates)?;
    let mut con = compression.wrap(client.get_multiplexed_async_connection().await?);
    let value = br#"{"transport":"tls","note":"a value worth compressing"}"#.repeat(20);
    let _: () = con.set("example:tls", &value).await?;
    Ok(con.get("example:tls").await?)
}

#[tokio::main]
#[allow(dead_code)] // a test runs `run` against its own TLS server
async fn main() -> Result<()> {
    let url = std::env::var("REDIS_URL").unwrap_or_else(|_| "rediss://localhost:6380/".into());
    let ca = std::fs::read(std::env::var("REDIS_CA").unwrap_or_else(|_| "ca.crt".into()))?;
    let read = run(&url, ca).await?;
    println!("read back {} bytes over TLS", read.len());
    Ok(())
}
