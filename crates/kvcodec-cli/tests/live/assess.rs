//! `kvcodec assess --url`: samples strings, hash values and list elements, decodes values
//! that are already compressed, honours --match and --sample, measures a dictionary on a
//! held-out half, and gives the same figures twice.

use kvcodec_cli::backends::CodecSpec;
use kvcodec_tests::{Server, ServerKind, json_value};

use crate::ok_json;

#[test]
fn assess_a_live_server() {
    let server = Server::start(ServerKind::Valkey);
    let url = server.url();
    let mut con = server.connection();
    let zstd = CodecSpec::parse("zstd:1").unwrap().engine(64).unwrap();
    let mut plain_bytes = 0u64;
    let mut put = |cmd: &str, key: String, extra: Option<&str>, value: Vec<u8>, encode: bool| {
        plain_bytes += value.len() as u64;
        let stored = if encode {
            zstd.encode(&value).unwrap().into_owned()
        } else {
            value
        };
        let mut c = redis::cmd(cmd);
        c.arg(key);
        if let Some(x) = extra {
            c.arg(x);
        }
        c.arg(stored).exec(&mut con).unwrap();
    };
    // 240 small records, a third of them already compressed, 10 hashes × 8, 10 lists × 8.
    for i in 0..240u64 {
        put(
            "SET",
            format!("u:{i}"),
            None,
            json_value(120 + (i as usize * 31) % 700, i),
            i % 3 == 0,
        );
    }
    for h in 0..10u64 {
        for f in 0..8u64 {
            let field = format!("f{f}");
            put(
                "HSET",
                format!("h:{h}"),
                Some(&field),
                json_value(300 + f as usize * 40, 1000 + h * 8 + f),
                f == 0,
            );
        }
    }
    for l in 0..10u64 {
        for e in 0..8u64 {
            put(
                "RPUSH",
                format!("l:{l}"),
                None,
                json_value(200 + e as usize * 50, 2000 + l * 8 + e),
                e == 0,
            );
        }
    }
    redis::cmd("SADD")
        .arg("set")
        .arg("m")
        .exec(&mut con)
        .unwrap();

    let args = [
        "assess", "--url", &url, "--json", "--levels", "zstd:1,zstd:3,lz4", "--passes", "1",
    ];
    let a = ok_json(&args);
    let sizes = &a["sizes"];
    assert_eq!(sizes["count"], 400, "{sizes}");
    // Compressed values were decoded: the sample holds exactly the plain bytes.
    assert_eq!(sizes["total_bytes"], plain_bytes, "{sizes}");
    let kinds: Vec<(String, u64)> = a["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["kind"].as_str().unwrap().to_owned(),
                k["values"].as_u64().unwrap(),
            )
        })
        .collect();
    for (kind, n) in [("string", 240), ("hash value", 80), ("list element", 80)] {
        assert!(kinds.contains(&(kind.to_owned(), n)), "{kinds:?}");
    }
    assert!(
        a["source"].as_str().unwrap().contains("1 primary"),
        "{}",
        a["source"]
    );

    let r = &a["recommendation"];
    assert!(
        ["zstd:1", "zstd:3", "lz4"].contains(&r["codec"].as_str().unwrap()),
        "{r}"
    );
    assert!(r["projected_savings_pct"].as_f64().unwrap() > 30.0, "{r}");
    let rows = a["candidates"].as_array().unwrap();
    for row in rows {
        assert!(row["savings_pct"].as_f64().unwrap() > 30.0, "{row}");
        let d = &row["dictionary"];
        if row["backend"] == "zstd" {
            assert_eq!(d["tested_on"], 200, "{row}");
            assert!(d["trained_on"].as_u64().unwrap() >= 150, "{row}");
            let gain = d["small_savings_pct"].as_f64().unwrap()
                - d["small_plain_savings_pct"].as_f64().unwrap();
            assert!(gain > 10.0, "a dictionary helps small JSON records: {row}");
        } else {
            assert!(d.is_null(), "{row}");
        }
    }
    assert!(
        r["dictionary"].as_str().unwrap().contains("dict train"),
        "{r}"
    );

    // Per key prefix: u (240 strings), h (80 hash values), l (80 list elements).
    let mut grouped = args.to_vec();
    grouped.extend(["--group-by-prefix", ":", "--no-dictionary"]);
    let g = ok_json(&grouped);
    let groups: Vec<(String, u64)> = g["prefixes"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["prefix"].as_str().unwrap().to_owned(),
                g["values"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("u".to_owned(), 240),
            ("h".to_owned(), 80),
            ("l".to_owned(), 80)
        ],
        "{}",
        g["prefixes"]
    );

    // Same sample, same figures.
    let again = ok_json(&args);
    assert_eq!(again["sizes"], a["sizes"]);
    assert_eq!(again["kinds"], a["kinds"]);
    for (x, y) in rows.iter().zip(again["candidates"].as_array().unwrap()) {
        assert_eq!(
            (&x["stored_bytes"], &x["dictionary"]["savings_pct"]),
            (&y["stored_bytes"], &y["dictionary"]["savings_pct"])
        );
    }

    // --sample caps, --match filters.
    let capped = ok_json(&[
        "assess", "--url", &url, "--json", "--levels", "lz4", "--passes", "1", "--sample", "50",
    ]);
    assert_eq!(capped["sizes"]["count"], 50);
    let hashes = ok_json(&[
        "assess", "--url", &url, "--match", "h:*", "--json", "--levels", "lz4", "--passes", "1",
        "--no-dictionary",
    ]);
    assert_eq!(hashes["sizes"]["count"], 80);
    assert_eq!(hashes["kinds"][0]["kind"], "hash value");
    let none = [
        "assess", "--url", &url, "--match", "zz:*", "--levels", "lz4",
    ];
    crate::fails(&none, b"", 2, "no values to assess: server 127.0.0.1:");

    // Text and HTML carry the dictionary figures and the advice.
    let report = tempfile::NamedTempFile::new().unwrap();
    let text = crate::ok(
        &[
            "assess",
            "--url",
            &url,
            "--levels",
            "zstd:3",
            "--passes",
            "1",
            "--report",
            report.path().to_str().unwrap(),
        ],
        b"",
    );
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("held-out: no dict → dict") && text.contains("dictionary: a zstd dictionary"),
        "{text}"
    );
    let html = std::fs::read_to_string(report.path()).unwrap();
    assert!(
        html.contains("Dictionary: a zstd dictionary") && html.contains("zstd dictionary ("),
        "{html}"
    );
}
