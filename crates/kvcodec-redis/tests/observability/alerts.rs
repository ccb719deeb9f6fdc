//! `docs/alerts.yml` against what is really exported: every metric, label matcher and
//! grouping label the rules use must exist in a real Prometheus recorder's output after a
//! workload that touches every metric. With `promtool` on PATH, also `promtool check rules`
//! and the rule unit tests in `docs/alerts.test.yml`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use kvcodec::export::MetricsExporter;
use kvcodec_tests::{incompressible, json_value};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusRecorder};
use serde_yaml::Value;

use crate::{Scrape, engine, lookalike, lz4_stored, recorder, serial};

fn docs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs")
}

/// Renders `recorder` after encoding and decoding values that reach every metric.
fn scrape_after_full_workload() -> Scrape {
    scrape_after_workload_with(recorder())
}

fn scrape_after_workload_with(recorder: PrometheusRecorder) -> Scrape {
    metrics::with_local_recorder(&recorder, || {
        // Every value timed, so every histogram has samples after this short workload.
        let exporter = Arc::new(MetricsExporter::new().sample_one_in(1));
        let engine = engine("zstd", 64 * 1024, &exporter);
        let doc = json_value(4096, 1);
        let stored = engine.encode(&doc).unwrap().into_owned();
        assert!(kvcodec::header::has_header(&stored));
        assert_eq!(engine.decode(&stored).unwrap(), doc);
        assert!(!kvcodec::header::has_header(
            &engine.encode(b"tiny").unwrap()
        ));
        let noise = incompressible(512, 1);
        assert_eq!(engine.encode(&noise).unwrap(), noise);
        let corrupt = lookalike("alerts");
        assert_eq!(engine.decode(&corrupt).unwrap(), corrupt);
        assert!(
            engine
                .decode(&lz4_stored(&json_value(128 * 1024, 2)))
                .is_err()
        );
        let m = engine.counters().snapshot();
        assert_eq!(
            (
                m.compressed(),
                m.decompressed(),
                m.failures(),
                m.raw_fallbacks()
            ),
            (1, 1, 2, 1)
        );
        exporter.publish();
    });
    Scrape::of(&recorder)
}

/// Metric names without the histogram sample suffixes.
fn family(name: &str) -> &str {
    ["_bucket", "_sum", "_count"]
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name)
}

/// What one PromQL expression refers to.
#[derive(Debug, Default)]
struct Refs {
    /// `(metric as written, [(label, value)])` for every `kvcodec_*` selector.
    selectors: Vec<(String, Vec<(String, String)>)>,
    /// Labels named in `by (…)` / `without (…)`.
    grouping: BTreeSet<String>,
}

/// A small PromQL scanner: identifiers, string literals, `{…}` matchers, `by`/`without` lists.
fn refs(expr: &str) -> Refs {
    let mut out = Refs::default();
    let b = expr.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b':';
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'"' {
            i += 1 + expr[i + 1..].find('"').expect("closed string literal") + 1;
            continue;
        }
        if !ident(c) || c.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && ident(b[i]) {
            i += 1;
        }
        let word = &expr[start..i];
        let rest = expr[i..].trim_start();
        if word.starts_with("kvcodec_") {
            let mut matchers = Vec::new();
            if let Some(body) = rest.strip_prefix('{') {
                let body = &body[..body.find('}').expect("closed selector")];
                for m in body.split(',').map(str::trim).filter(|m| !m.is_empty()) {
                    let (k, v) = m.split_once('=').expect("label matcher");
                    if !k.ends_with('!') && !v.starts_with('~') {
                        matchers.push((k.trim().to_owned(), v.trim().trim_matches('"').to_owned()));
                    }
                }
            }
            out.selectors.push((word.to_owned(), matchers));
        } else if (word == "by" || word == "without")
            && let Some(body) = rest.strip_prefix('(')
        {
            let body = &body[..body.find(')').expect("closed label list")];
            out.grouping
                .extend(body.split(',').map(|l| l.trim().to_owned()));
        }
    }
    out
}

#[test]
fn alert_rules_use_only_exported_metrics_and_labels() {
    let _serial = serial();
    let text = std::fs::read_to_string(docs().join("alerts.yml")).unwrap();
    let file: Value = serde_yaml::from_str(&text).unwrap();
    let scrape = scrape_after_full_workload();

    let mut alerts = Vec::new();
    for group in file["groups"].as_sequence().expect("`groups` list") {
        for rule in group["rules"].as_sequence().expect("`rules` list") {
            let name = rule["alert"]
                .as_str()
                .expect("alerting rules only")
                .to_owned();
            let expr = rule["expr"].as_str().expect("`expr` string");
            assert!(rule["for"].as_str().is_some(), "{name}: a `for` duration");
            assert!(
                rule["labels"]["severity"].as_str().is_some(),
                "{name}: a severity"
            );
            let refs = refs(expr);
            assert!(
                !refs.selectors.is_empty(),
                "{name}: uses no kvcodec metric: {expr}"
            );
            let mut labels_seen: BTreeSet<&str> = BTreeSet::new();
            for (metric, matchers) in &refs.selectors {
                let base = family(metric);
                assert_eq!(
                    scrape.types.get(base).map(String::as_str),
                    Some(if base == metric {
                        "counter"
                    } else {
                        "histogram"
                    }),
                    "{name}: {metric} is not exported as used (families: {:?})",
                    scrape.types
                );
                assert!(
                    scrape.names().contains(metric.as_str()),
                    "{name}: no {metric} samples"
                );
                for (k, v) in matchers {
                    assert!(
                        scrape.series(metric).any(|s| s.labels.get(k) == Some(v)),
                        "{name}: no {metric} series with {k}=\"{v}\""
                    );
                }
                for s in scrape.series(metric) {
                    labels_seen.extend(s.labels.keys().map(String::as_str));
                }
            }
            // `job`/`instance` come from the scrape, `operation` may come from label_replace.
            let from_elsewhere = ["job", "instance", "operation"];
            for label in &refs.grouping {
                assert!(
                    labels_seen.contains(label.as_str())
                        || from_elsewhere.contains(&label.as_str()),
                    "{name}: groups by `{label}`, which its metrics do not carry ({labels_seen:?})"
                );
            }
            for annotation in rule["annotations"]
                .as_mapping()
                .expect("annotations")
                .values()
            {
                let annotation = annotation.as_str().unwrap();
                for part in annotation.split("$labels.").skip(1) {
                    let label: String = part
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    assert!(
                        labels_seen.contains(label.as_str())
                            || from_elsewhere.contains(&label.as_str()),
                        "{name}: annotation uses $labels.{label}"
                    );
                }
            }
            alerts.push(name);
        }
    }
    assert_eq!(
        alerts,
        [
            "KvcodecDecodeErrorRateHigh",
            "KvcodecLatencyHigh",
            "KvcodecCompressionRatioLow"
        ]
    );
}

#[test]
fn observability_doc_lists_exactly_the_exported_families() {
    let _serial = serial();
    let doc = std::fs::read_to_string(docs().join("observability.md")).unwrap();
    let documented: BTreeSet<&str> = doc
        .split('`')
        .filter(|w| {
            w.starts_with("kvcodec_") && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .map(family)
        .collect();
    let scrape = scrape_after_full_workload();
    let exported: BTreeSet<&str> = scrape.types.keys().map(String::as_str).collect();
    assert_eq!(documented, exported);
}

#[test]
fn names_survive_recommended_naming() {
    let _serial = serial();
    let plain = scrape_after_full_workload();
    let recommended = PrometheusBuilder::new()
        .with_recommended_naming(true)
        .build_recorder();
    let recommended = scrape_after_workload_with(recommended);
    // Without buckets the histograms render as summaries; the family names must not change.
    let names = |s: &Scrape| s.types.keys().cloned().collect::<BTreeSet<_>>();
    assert_eq!(names(&recommended), names(&plain));
}

/// `promtool`, if installed (Debian package `prometheus`). `KVCODEC_REQUIRE_PROMTOOL=1` makes
/// its absence a failure.
fn promtool() -> Option<&'static str> {
    let found = Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var_os("KVCODEC_REQUIRE_PROMTOOL").is_some_and(|v| v == "1") {
        panic!("promtool not on PATH and KVCODEC_REQUIRE_PROMTOOL=1: apt-get install prometheus");
    }
    found.then_some("promtool")
}

#[test]
fn promtool_accepts_and_unit_tests_the_rules() {
    let Some(promtool) = promtool() else {
        eprintln!("promtool not on PATH: `promtool check rules` not run (the YAML checks ran)");
        return;
    };
    for (what, file) in [("check", "alerts.yml"), ("test", "alerts.test.yml")] {
        let out = Command::new(promtool)
            .args([what, "rules"])
            .arg(docs().join(file))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "promtool {what} rules {file} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
