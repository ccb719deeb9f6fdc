//! The scale-out paths: sync and async cluster connections, and many tasks sharing one
//! multiplexed wrapped connection.

use std::collections::HashSet;

use kvcodec_tests::{Cluster, Server, ServerKind, every_server, json_value};
use redis::{AsyncCommands, Commands};

use crate::{is_compressed, wrap};

fn doc(seed: u64) -> Vec<u8> {
    json_value(1024 + (seed as usize % 512), seed)
}

/// How many of the three masters (equal slot ranges) `keys` land on.
fn slot_spread(con: &mut redis::cluster::ClusterConnection, keys: &[String]) -> usize {
    keys.iter()
        .map(|k| {
            redis::cmd("CLUSTER")
                .arg("KEYSLOT")
                .arg(k)
                .query::<u16>(con)
                .unwrap()
                / 5462
        })
        .collect::<HashSet<_>>()
        .len()
}

async fn cluster(kind: ServerKind) {
    let cluster = Cluster::start(kind);
    let keys: Vec<String> = (0..30).map(|i| format!("c:{i}")).collect();
    assert_eq!(
        slot_spread(&mut cluster.connection(), &keys),
        3,
        "keys should land on all three masters"
    );

    // Sync cluster connection.
    let mut con = wrap(cluster.connection());
    for (i, k) in keys.iter().enumerate() {
        let _: () = con.set_ex(k, doc(i as u64), 300).unwrap();
    }
    for (i, k) in keys.iter().enumerate() {
        assert_eq!(
            con.get::<_, Vec<u8>>(k).unwrap(),
            doc(i as u64),
            "{kind}: {k}"
        );
    }
    let mut raw = cluster.connection();
    for k in &keys {
        let stored: Vec<u8> = raw.get(k).unwrap();
        assert!(is_compressed(&stored), "{kind}: {k} not compressed");
        assert!(
            raw.ttl::<_, i64>(k).unwrap() > 0,
            "{kind}: {k} lost its TTL"
        );
    }
    // Async cluster connection: multi-slot MGET / MSET are split by the cluster client.
    let client = cluster.client();
    let mut acon = wrap(client.get_async_connection().await.unwrap());
    let got: Vec<Vec<u8>> = acon.mget(&keys).await.unwrap();
    let want: Vec<Vec<u8>> = (0..keys.len() as u64).map(doc).collect();
    assert_eq!(got, want, "{kind}: multi-slot MGET");
    let pairs: Vec<(String, Vec<u8>)> = keys.iter().map(|k| (k.clone(), doc(999))).collect();
    let _: () = acon.mset(&pairs).await.unwrap();
    for k in &keys {
        let stored: Vec<u8> = raw.get(k).unwrap();
        assert!(
            is_compressed(&stored),
            "{kind}: multi-slot MSET left {k} plain"
        );
        assert_eq!(acon.get::<_, Vec<u8>>(k).await.unwrap(), doc(999));
    }
    // Pipelines (sync ClusterConnection has its own ClusterPipeline type, which takes the
    // concrete connection, so cluster pipelines go through the async cluster client).
    let (l, h): (Vec<Vec<u8>>, Vec<u8>) = redis::pipe()
        .rpush("{t}l", doc(100))
        .ignore()
        .hset("{t}h", "f", doc(101))
        .ignore()
        .lrange("{t}l", 0, -1)
        .hget("{t}h", "f")
        .query_async(&mut acon)
        .await
        .unwrap();
    assert_eq!((l, h), (vec![doc(100)], doc(101)));
    let (a, b): (Vec<u8>, Vec<u8>) = redis::pipe()
        .atomic()
        .set("{u}a", doc(200))
        .ignore()
        .set("{u}b", doc(201))
        .ignore()
        .get("{u}a")
        .get("{u}b")
        .query_async(&mut acon)
        .await
        .unwrap();
    assert_eq!((a, b), (doc(200), doc(201)));
}

async fn concurrency(kind: ServerKind) {
    let server = Server::start(kind);
    let client = server.client();
    let con = wrap(client.get_multiplexed_async_connection().await.unwrap());
    let mut tasks = Vec::new();
    for t in 0..64u64 {
        let mut con = con.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..40u64 {
                let key = format!("conc:{t}:{i}");
                let value = [format!("{key}|").into_bytes(), doc(t * 1000 + i)].concat();
                let _: () = con.set(&key, &value).await.unwrap();
                let back: Vec<u8> = con.get(&key).await.unwrap();
                assert_eq!(back, value, "value for {key} came back wrong");
                let both: Vec<Vec<u8>> = con.mget(&[&key, &format!("conc:{t}:0")]).await.unwrap();
                assert!(both[0] == value && both[1].starts_with(format!("conc:{t}:0|").as_bytes()));
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let m = con.compression().engine().counters().snapshot();
    assert_eq!(m.compressed(), 64 * 40, "{kind}: {m:?}");
    assert_eq!(m.decompressed(), 64 * 40 * 3);
}

every_server!(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async cluster);

every_server!(#[tokio::test(flavor = "multi_thread", worker_threads = 4)] async concurrency);
