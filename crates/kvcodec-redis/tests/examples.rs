//! The examples in `examples/`, run against real servers: a bb8, deadpool-redis and r2d2 pool,
//! a ConnectionManager, and a TLS connection to a Redis server with certificates made for it.
//! Each reads back what it wrote, and the stored bytes are compressed.

#[path = "../examples/connection_manager.rs"]
mod connection_manager;
#[path = "../examples/pool_bb8.rs"]
mod pool_bb8;
#[path = "../examples/pool_deadpool.rs"]
mod pool_deadpool;
#[path = "../examples/pool_r2d2.rs"]
mod pool_r2d2;
#[path = "../examples/tls.rs"]
mod tls;

use kvcodec_tests::{Server, ServerKind, TlsServer};

fn stored(server: &Server, key: &str) -> Vec<u8> {
    redis::cmd("GET")
        .arg(key)
        .query(&mut server.connection())
        .unwrap()
}

fn assert_compressed(server: &Server, key: &str, read: &[u8]) {
    let raw = stored(server, key);
    assert!(kvcodec::header::has_header(&raw), "{key}: stored plain");
    assert!(
        raw.len() < read.len(),
        "{key}: {} stored for {} read",
        raw.len(),
        read.len()
    );
}

#[tokio::test]
async fn pools_and_manager() {
    for kind in ServerKind::ALL {
        let server = Server::start(kind);
        let url = server.url();
        let read = pool_bb8::run(&url).await.unwrap();
        assert_compressed(&server, "example:bb8", &read);
        let read = pool_deadpool::run(&url).await.unwrap();
        assert_compressed(&server, "example:deadpool", &read);
        let read = connection_manager::run(&url).await.unwrap();
        assert_eq!(read.len(), 2);
        assert_compressed(&server, "example:manager:0", &read[0]);
        let url2 = url.clone();
        let read = tokio::task::spawn_blocking(move || pool_r2d2::run(&url2).unwrap())
            .await
            .unwrap();
        assert_compressed(&server, "example:r2d2", &read);
    }
}

#[tokio::test]
async fn tls_connection() {
    let server = TlsServer::start();
    let read = tls::run(&server.url(), server.ca_pem()).await.unwrap();
    assert!(read.starts_with(br#"{"transport":"tls""#));
    assert_compressed(server.plain(), "example:tls", &read);
    // Without the CA, the certificate is refused.
    let plain_client = redis::Client::open(server.url()).unwrap();
    assert!(
        plain_client
            .get_multiplexed_async_connection()
            .await
            .is_err()
    );
}
