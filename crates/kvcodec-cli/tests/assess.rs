//! Runs `kvcodec assess` from the built binary: JSON, text, HTML report, directory source.

mod common;

use common::{json, ok, sample_value, temp_path};

#[test]
fn assess_json_has_a_recommendation() {
    let out = ok(
        &[
            "assess",
            "--json",
            "--levels",
            "zstd:1,lz4",
            "--passes",
            "1",
        ],
        b"",
    );
    let a = json(&out);
    assert_eq!(a["candidates"].as_array().unwrap().len(), 2);
    assert_eq!(a["sizes"]["count"], 400);
    let r = &a["recommendation"];
    assert!(
        ["zstd:1", "lz4"].contains(&r["codec"].as_str().unwrap()),
        "{r}"
    );
    assert!(r["projected_savings_pct"].as_f64().unwrap() > 30.0, "{r}");
    assert!(r["min_size"].as_u64().unwrap() >= 6, "{r}");
    assert_eq!(r["glide_compatible"], true);
}

#[test]
fn assess_text_and_html_report() {
    let report = temp_path("report.html");
    let args = [
        "assess",
        "--levels",
        "zstd:3,snappy",
        "--passes",
        "1",
        "--report",
        report.to_str().unwrap(),
    ];
    let text = String::from_utf8(ok(&args, b"")).unwrap();
    assert!(
        text.contains("Size distribution") && text.contains("Recommended: "),
        "{text}"
    );
    assert!(text.contains("zstd:3") && text.contains("snappy"), "{text}");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<svg"),
        "{html}"
    );
    assert_eq!(html.matches("<svg").count(), 3);
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src=\""));
    std::fs::remove_file(&report).unwrap();
}

#[test]
fn assess_a_directory() {
    let dir = temp_path("dir");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..20 {
        std::fs::write(
            dir.join(format!("v{i:02}")),
            sample_value().repeat(i % 3 + 1),
        )
        .unwrap();
    }
    std::fs::write(dir.join("tiny"), b"42").unwrap();
    let a = json(&ok(
        &[
            "assess",
            "--json",
            "--dir",
            dir.to_str().unwrap(),
            "--levels",
            "lz4",
            "--passes",
            "1",
        ],
        b"",
    ));
    assert_eq!(a["sizes"]["count"], 21);
    assert_eq!(a["below_min"]["values"], 1);
    assert!(a["source"].as_str().unwrap().contains("directory"));
    assert_eq!(a["recommendation"]["codec"], "lz4");
    std::fs::remove_dir_all(&dir).unwrap();
}
