//! A 3-master Valkey cluster through one node's URL: migrate, get, rollback, assess.

use kvcodec_tests::{Cluster, ServerKind};
use redis::Commands;

use crate::{doc, figure, ok_json};

#[test]
fn cluster_migrate_through_one_node() {
    let cluster = Cluster::start(ServerKind::Valkey);
    let mut con = cluster.connection();
    for i in 0..60u64 {
        let _: () = con.set_ex(format!("k:{i}"), doc(i), 3000).unwrap();
    }
    let urls = cluster.urls();
    let report = ok_json(&["migrate", "--url", &urls[1], "--to", "lz4", "--json"]);
    assert_eq!(
        (
            figure(&report, "keys_scanned"),
            figure(&report, "rewritten")
        ),
        (60, 60),
        "{report}"
    );
    for i in 0..60u64 {
        let raw: Vec<u8> = con.get(format!("k:{i}")).unwrap();
        assert_eq!(&raw[..5], &[0, 1, 2, 0, 2], "k:{i} not lz4");
        assert!(con.ttl::<_, i64>(format!("k:{i}")).unwrap() > 2900);
        // Any node's URL reads any key.
        let url = &urls[i as usize % 3];
        assert_eq!(
            crate::ok(&["get", &format!("k:{i}"), "--url", url], b""),
            doc(i)
        );
    }
    let report = ok_json(&["rollback", "--url", &urls[0], "--json"]);
    assert_eq!(figure(&report, "rewritten"), 60, "{report}");
    for i in 0..60u64 {
        assert_eq!(con.get::<_, Vec<u8>>(format!("k:{i}")).unwrap(), doc(i));
    }
    // assess samples every primary.
    let a = ok_json(&[
        "assess", "--url", &urls[2], "--json", "--levels", "lz4", "--passes", "1",
    ]);
    assert_eq!(a["sizes"]["count"], 60, "{}", a["source"]);
    assert!(
        a["source"].as_str().unwrap().contains("3 primaries"),
        "{}",
        a["source"]
    );
}
