//! Runs `kvcodec assess` from the built binary: JSON, text, HTML report, directory source.

mod common;

use std::process::Command;

use common::{json, ok, sample_value, temp_path};

#[test]
fn assess_json_has_a_recommendation() {
    let out = ok(
        &[
            "assess", "--json", "--levels", "zstd:1,lz4", "--passes", "1",
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
    // Provenance and a configuration to copy.
    assert_eq!(a["schema_version"], 1);
    let p = &a["provenance"];
    assert_eq!(p["sample_size"], 400, "{p}");
    assert!(p["server"].is_null(), "{p}");
    assert!(
        p["command_line"]
            .as_str()
            .unwrap()
            .starts_with("kvcodec assess --json"),
        "{p}"
    );
    let env = a["configuration"]["env"].as_str().unwrap();
    assert!(
        env.contains(&format!("MIN_COMPRESSION_SIZE={}", r["min_size"])),
        "{env}"
    );
    let py = a["configuration"]["glide_python"].as_str().unwrap();
    assert!(
        py.contains("CompressionConfiguration(") && py.contains("enabled=True"),
        "{py}"
    );
}

/// The text output and the HTML report, which headless chromium then renders.
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
    // Polish: no literal backticks (they become <code>), numbers never wrap in their cells,
    // print styles, provenance in the footer.
    assert!(!html.contains('`'), "a literal backtick in the report");
    assert!(html.contains("<code>kvcodec dict train</code>"), "{html}");
    // The dictionary recommendation is in the report whenever the text gives one.
    assert_eq!(
        html.contains("with a trained dictionary"),
        text.contains("with a trained dictionary"),
        "{html}"
    );
    assert!(html.contains("td,th{white-space:nowrap}"));
    assert!(html.contains("@media print{"));
    assert!(html.contains("<footer><p class=\"prov\">Provenance: kvcodec "));
    match chromium() {
        Some(chromium) => renders_in_chromium(chromium, &report),
        None => {
            eprintln!("chromium not on PATH: the report was not rendered (its text checks ran)")
        }
    }
    std::fs::remove_file(&report).unwrap();
}

/// `--group-by-prefix :` on the built-in corpus: its six named prefixes, in JSON, text, HTML.
#[test]
fn assess_groups_by_key_prefix() {
    let report = temp_path("prefix-report.html");
    let args = [
        "assess",
        "--json",
        "--levels",
        "zstd:1,lz4",
        "--passes",
        "1",
        "--group-by-prefix",
        ":",
        "--report",
        report.to_str().unwrap(),
    ];
    let a = json(&ok(&args, b""));
    let p = &a["prefixes"];
    assert_eq!(p["separator"], ":");
    assert_eq!(p["codec"], a["recommendation"]["codec"]);
    let groups = p["groups"].as_array().unwrap();
    let mut names: Vec<(&str, u64)> = groups
        .iter()
        .map(|g| (g["prefix"].as_str().unwrap(), g["values"].as_u64().unwrap()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("api", 120),
            ("blob", 40),
            ("counter", 80),
            ("log", 60),
            ("page", 40),
            ("session", 60)
        ]
    );
    // Most bytes first; the shares add up; random binary saves nothing.
    let bytes: Vec<u64> = groups
        .iter()
        .map(|g| g["plain_bytes"].as_u64().unwrap())
        .collect();
    assert!(bytes.windows(2).all(|w| w[0] >= w[1]), "{p}");
    assert_eq!(bytes.iter().sum::<u64>(), a["sizes"]["total_bytes"]);
    let share: f64 = groups
        .iter()
        .map(|g| g["bytes_share_pct"].as_f64().unwrap())
        .sum();
    assert!((share - 100.0).abs() < 1e-6, "{share}");
    let blob = groups.iter().find(|g| g["prefix"] == "blob").unwrap();
    assert_eq!(blob["savings_pct"], 0.0, "{blob}");
    let api = groups.iter().find(|g| g["prefix"] == "api").unwrap();
    assert!(api["savings_pct"].as_f64().unwrap() > 50.0, "{api}");

    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("<h2>Key prefixes</h2>") && html.contains(">session<"),
        "{html}"
    );
    let text_args: Vec<&str> = args.iter().copied().filter(|a| *a != "--json").collect();
    let text = String::from_utf8(ok(&text_args, b"")).unwrap();
    assert!(
        text.contains("By key prefix (the part before the first `:`)"),
        "{text}"
    );
    assert!(
        text.lines().any(|l| l.trim_start().starts_with("counter")),
        "{text}"
    );
    std::fs::remove_file(&report).unwrap();
    // Without the option there is no `prefixes` member.
    let plain = json(&ok(
        &["assess", "--json", "--levels", "lz4", "--passes", "1"],
        b"",
    ));
    assert!(plain.get("prefixes").is_none());
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

/// Issue 13's keyspace (small JSON, ~78 B, half under 64 B): a dictionary wins, so the
/// recommendation is the dictionary configuration, measured on held-out values, with GLIDE's
/// trade-off stated; the configuration without one is still given.
#[test]
fn assess_recommends_a_dictionary_on_small_json() {
    let dir = temp_path("small-json");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..2000u64 {
        std::fs::write(dir.join(format!("v{i:04}")), kvcodec_tests::small_json(i)).unwrap();
    }
    let args = [
        "assess",
        "--dir",
        dir.to_str().unwrap(),
        "--levels",
        "zstd:3,lz4,deflate:1",
        "--passes",
        "1",
    ];
    let a = json(&ok(&[&args[..], &["--json"]].concat(), b""));
    let r = &a["recommendation"];
    let d = &r["with_dictionary"];
    assert_eq!(d["codec"], "zstd:3", "{r}");
    assert_eq!(d["min_size"], kvcodec_zstd::DICT_MIN_SIZE);
    assert_eq!(d["tested_on"], 1000, "the held-out half");
    // Rule 6 compares the dictionary with the recommendation without one on the same
    // held-out values (not with the whole corpus's projection).
    let saved = d["held_out_savings_pct"].as_f64().unwrap();
    let without = d["held_out_without_pct"].as_f64().unwrap();
    assert!(saved >= without + 10.0 && saved >= 40.0, "{r}");
    assert!(
        d["trade_off"]
            .as_str()
            .unwrap()
            .contains("GLIDE clients cannot read")
    );
    assert!(d["steps"].as_str().unwrap().contains("--dictionary ID"));
    let report = temp_path("small-json-report.html");
    let with_report = [&args[..], &["--report", report.to_str().unwrap()]].concat();
    let text = String::from_utf8(ok(&with_report, b"")).unwrap();
    assert!(
        text.contains("Recommended: zstd:3 with a trained dictionary")
            && text.contains(" without (dictionary trained on the other half)")
            && text.contains("Without a dictionary: "),
        "{text}"
    );
    // The report says the same.
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("<h2>Recommended: zstd:3 with a trained dictionary, min size 32 B</h2>")
            && html.contains("<h2>Without a dictionary: "),
        "{html}"
    );
    std::fs::remove_file(&report).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `chromium`, if installed (Debian package `chromium`). `KVCODEC_REQUIRE_CHROMIUM=1` makes its
/// absence a failure.
fn chromium() -> Option<&'static str> {
    let found = Command::new("chromium")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("KVCODEC_REQUIRE_CHROMIUM").is_some_and(|v| v == "1") {
        panic!("chromium not on PATH and KVCODEC_REQUIRE_CHROMIUM=1: apt-get install chromium");
    }
    found.then_some("chromium")
}

/// Runs headless chromium on `page` with `args`, in a profile directory of its own.
fn headless(chromium: &str, page: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let profile = temp_path(&format!("chromium-profile-{}", args.len()));
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        out.status.success(),
        "chromium {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The report as headless chromium renders it.
fn renders_in_chromium(chromium: &str, report: &std::path::Path) {
    // The DOM chromium built from the page: both charts and the histogram as SVG elements,
    // with their points and bars, and the recommendation.
    let dom = String::from_utf8(headless(chromium, report, &["--dump-dom"])).unwrap();
    assert_eq!(dom.matches("<svg").count(), 3, "{dom}");
    assert!(
        dom.matches("<circle").count() >= 4,
        "two codecs on two charts: {dom}"
    );
    assert!(dom.contains("<rect"), "histogram bars: {dom}");
    assert!(dom.contains("Recommended: "), "{dom}");
    // A screenshot of the rendered page: a PNG of the asked size with content on it (here a
    // blank 1100×1600 page came to 8.5 KB, two lines of text to 17 KB, the report to 170 KB).
    let png = temp_path("chromium-report.png");
    let shot = format!("--screenshot={}", png.display());
    headless(
        chromium,
        report,
        &[&shot, "--window-size=1100,1600", "--hide-scrollbars"],
    );
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let size = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!((size(16), size(20)), (1100, 1600), "IHDR width and height");
    assert!(
        bytes.len() > 50_000,
        "{} bytes: the page rendered blank?",
        bytes.len()
    );
    std::fs::remove_file(&png).unwrap();
}
