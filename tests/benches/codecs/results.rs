//! Reading back what criterion wrote (`<target>/criterion/**/new/`): each benchmark's median
//! and throughput, for the summary. Only files written since the run started count, so a
//! filtered run never mixes in stale figures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Median time and throughput bytes of one benchmark.
pub struct Measured {
    pub median_ns: f64,
    pub bytes: Option<u64>,
}

/// Medians by criterion's full id (`json-1KiB/engine/zstd-3/encode`).
pub struct Results(pub BTreeMap<String, Measured>);

impl Results {
    pub fn ns(&self, id: &str) -> Option<f64> {
        self.0.get(id).map(|m| m.median_ns)
    }
}

/// `/proc/loadavg`'s three load averages, or `unknown`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Where criterion writes: `$CRITERION_HOME`, `$CARGO_TARGET_DIR/criterion`, else the
/// `criterion` folder of the target directory this executable was built in.
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Path::new(&target).join("criterion");
    }
    // <target>/<profile>/deps/<bench binary>
    let exe = std::env::current_exe().unwrap_or_default();
    match exe.ancestors().nth(3) {
        Some(target) => target.join("criterion"),
        None => PathBuf::from("target/criterion"),
    }
}

fn read_json(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Every `new/` result under `dir` written at or after `since`.
pub fn collect(dir: &Path, since: SystemTime, out: &mut BTreeMap<String, Measured>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "new") {
            let estimates = path.join("estimates.json");
            let fresh = std::fs::metadata(&estimates)
                .and_then(|m| m.modified())
                .is_ok_and(|t| t >= since);
            let (Some(bench), Some(est), true) = (
                read_json(&path.join("benchmark.json")),
                read_json(&estimates),
                fresh,
            ) else {
                continue;
            };
            let (Some(id), Some(median_ns)) = (
                bench["full_id"].as_str(),
                est["median"]["point_estimate"].as_f64(),
            ) else {
                continue;
            };
            let bytes = bench["throughput"]["Bytes"].as_u64();
            out.insert(id.to_owned(), Measured { median_ns, bytes });
        } else {
            collect(&path, since, out);
        }
    }
}

pub fn time(ns: f64) -> String {
    match ns {
        n if n < 1e3 => format!("{n:.1} ns"),
        n if n < 1e6 => format!("{:.2} µs", n / 1e3),
        n => format!("{:.2} ms", n / 1e6),
    }
}

pub fn opt_time(ns: Option<f64>) -> String {
    ns.map_or_else(|| "not run".into(), time)
}
