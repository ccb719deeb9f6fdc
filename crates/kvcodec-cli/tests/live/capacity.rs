//! `kvcodec assess --url` projects the server's `used_memory` after a migration; a real
//! `kvcodec migrate` with the recommended configuration then lands within 10 % of it.

use kvcodec_tests::{Server, ServerKind, incompressible, info_field, json_value};

use crate::ok_json;

const KEYS: u64 = 4000;

fn used_memory(server: &Server) -> u64 {
    info_field(&server.info("memory"), "used_memory")
        .and_then(|v| v.parse().ok())
        .expect("used_memory in INFO memory")
}

/// 4000 string keys: JSON documents of 300 B – 6 KiB, every 10th random bytes, every 20th a
/// short counter.
fn fill(con: &mut redis::Connection) {
    let mut pipe = redis::pipe();
    for i in 0..KEYS {
        let value = match i {
            _ if i % 20 == 0 => i.to_string().into_bytes(),
            _ if i % 10 == 0 => incompressible(1500, i),
            _ => json_value(300 + (i as usize * 1237) % 5800, i),
        };
        pipe.cmd("SET").arg(format!("doc:{i}")).arg(value).ignore();
        if i % 500 == 499 || i == KEYS - 1 {
            pipe.exec(con).unwrap();
            pipe = redis::pipe();
        }
    }
}

fn projection_lands_within_ten_percent(kind: ServerKind) {
    let server = Server::start(kind);
    let url = server.url();
    fill(&mut server.connection());

    // Half the keyspace sampled: the figures are extrapolated × 2.
    let a = ok_json(&[
        "assess", "--url", &url, "--sample", "2000", "--json", "--levels", "zstd:1,zstd:3,lz4",
        "--passes", "1", "--no-dictionary",
    ]);
    let c = &a["capacity"];
    let r = &a["recommendation"];
    assert_eq!(c["dbsize"], KEYS, "{c}");
    assert_eq!(c["keys_sampled"], 2000, "{c}");
    assert_eq!(c["codec"], r["codec"], "{c}");
    assert!(
        c["server"].as_str().unwrap().starts_with(kind.name()),
        "{c}"
    );
    assert!(
        c["sampled_memory_usage"].as_u64().unwrap() > 2000 * 300,
        "{c}"
    );
    let projected = c["projected_freed_bytes"].as_u64().unwrap() as f64;

    let before = used_memory(&server);
    let codec = r["codec"].as_str().unwrap();
    let min_size = r["min_size"].to_string();
    let m = ok_json(&[
        "migrate", "--url", &url, "--to", codec, "--min-size", &min_size, "--json",
    ]);
    assert_eq!(m["clean"], true, "{m}");
    let after = used_memory(&server);
    let actual = before as f64 - after as f64;
    let error = (projected - actual) / actual * 100.0;
    eprintln!(
        "{kind}: assess projected used_memory {} -> {} (freed {projected}); migrate --to {codec} \
         --min-size {min_size}: used_memory {before} -> {after} (freed {actual}); projection \
         error {error:+.1} %",
        c["used_memory"], c["used_memory_after"]
    );
    assert!(
        error.abs() <= 10.0,
        "{kind}: projected {projected} freed, actual {actual}: {error:+.1} %"
    );
}

kvcodec_tests::every_server!(projection_lands_within_ten_percent);
