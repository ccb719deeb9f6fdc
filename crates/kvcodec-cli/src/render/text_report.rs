//! The plain-text rendering of an [`Assessment`]: aligned tables for a terminal.

use std::fmt::Write as _;

use crate::assess::measure::{Assessment, DictionaryResult};
use crate::assess::stats::human_bytes;

/// Lays out `rows` under `headers`, columns separated by two spaces; columns flagged in
/// `right` are right-aligned. Widths count characters, not bytes.
pub fn table(headers: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let header_row: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
    for row in std::iter::once(&header_row).chain(rows) {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            let pad = widths[i].saturating_sub(cell.chars().count());
            if right.get(i).copied().unwrap_or(false) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
            line.push_str("  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `"72.3 %"`.
pub fn percent(p: f64) -> String {
    format!("{p:.1} %")
}

/// `"1234.5"`, or `"12.3"`: MB/s with one decimal.
pub fn speed(mb_s: f64) -> String {
    format!("{mb_s:.1}")
}

/// `"best of 3 passes"`, or `"one pass"`.
pub fn passes(n: usize) -> String {
    if n == 1 {
        "one pass".to_owned()
    } else {
        format!("best of {n} passes")
    }
}

/// `"64 B–256 B"` for a band with an upper edge, `"4 KiB–∞"` without.
pub fn band_label(lo: usize, hi: Option<usize>) -> String {
    let hi = hi.map_or("∞".to_owned(), |h| human_bytes(h as u64));
    format!("{}–{hi}", human_bytes(lo as u64))
}

/// `"61.0 % → 74.2 %"`: savings on the held-out values without and with the dictionary.
pub fn dict_cell(d: &DictionaryResult) -> String {
    format!(
        "{} → {}",
        percent(d.plain_savings_pct),
        percent(d.savings_pct)
    )
}

/// One sentence on the trained dictionary of `a`, or why there is none.
pub fn dictionary_line(a: &Assessment) -> Option<String> {
    if let Some(note) = &a.dictionary_note {
        return Some(note.clone());
    }
    let rows: Vec<(&str, &DictionaryResult)> = a
        .candidates
        .iter()
        .filter_map(|c| Some((c.codec.as_str(), c.dictionary.as_ref()?)))
        .collect();
    let (_, d) = rows.first()?;
    let min_size = a.candidates.first().map_or(0, |c| c.min_size);
    let small: Vec<String> = rows
        .iter()
        .map(|(codec, d)| {
            let (no, yes) = (d.small_plain_savings_pct, d.small_savings_pct);
            format!("{codec} {} → {}", percent(no), percent(yes))
        })
        .collect();
    Some(format!(
        "zstd dictionary ({}) trained on {} values, measured on the {} others; on their {} small values ({}–1 KiB), no dict → dict: {}",
        human_bytes(d.dict_bytes as u64),
        d.trained_on,
        d.tested_on,
        d.small_values,
        human_bytes(min_size as u64),
        small.join(", ")
    ))
}

/// The candidates table shared by the text and HTML reports: headers, one row per candidate
/// (in `a.candidates` order), and which columns are right-aligned numbers.
pub fn candidate_table(a: &Assessment) -> (Vec<&'static str>, Vec<Vec<String>>, Vec<bool>) {
    let with_dict = a.candidates.iter().any(|c| c.dictionary.is_some());
    let mut headers = vec![
        "codec",
        "GLIDE",
        "stored",
        "savings",
        "compressed",
        "compress MB/s",
        "decompress MB/s",
    ];
    if with_dict {
        headers.push("held-out: no dict → dict");
    }
    let rows = a
        .candidates
        .iter()
        .map(|c| {
            let mut row = vec![
                c.codec.clone(),
                if c.glide_compatible { "yes" } else { "no" }.to_owned(),
                human_bytes(c.stored_bytes),
                percent(c.savings_pct),
                percent(c.compressed_pct),
                speed(c.compress_mb_s),
                speed(c.decompress_mb_s),
            ];
            if with_dict {
                row.push(c.dictionary.as_ref().map_or("-".into(), dict_cell));
            }
            row
        })
        .collect();
    let right = headers.iter().enumerate().map(|(i, _)| i >= 2).collect();
    (headers, rows, right)
}

/// The full plain-text report.
pub fn render(a: &Assessment) -> String {
    let mut out = String::new();
    let s = &a.sizes;
    let _ = writeln!(out, "kvcodec assess: {}", a.source);
    let _ = writeln!(out, "{} values, {}", s.count, human_bytes(s.total_bytes));
    if a.kinds.len() > 1 {
        let rows: Vec<Vec<String>> = a
            .kinds
            .iter()
            .map(|k| {
                vec![
                    k.kind.to_owned(),
                    k.values.to_string(),
                    human_bytes(k.bytes),
                ]
            })
            .collect();
        out.push_str(&table(
            &["kind", "values", "bytes"],
            &rows,
            &[false, true, true],
        ));
    }

    let _ = writeln!(out, "\nSize distribution");
    let row = [s.min, s.p50, s.p90, s.p99, s.max].map(|n| human_bytes(n as u64));
    out.push_str(&table(
        &["min", "p50", "p90", "p99", "max"],
        &[row.to_vec()],
        &[true; 5],
    ));
    let most = s.buckets.iter().map(|b| b.values).max().unwrap_or(0).max(1);
    let rows: Vec<Vec<String>> = s
        .buckets
        .iter()
        .map(|b| {
            let bar = "█".repeat((b.values * 30).div_ceil(most));
            vec![
                b.label.clone(),
                b.values.to_string(),
                human_bytes(b.bytes),
                bar,
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&table(
        &["size", "values", "bytes", ""],
        &rows,
        &[false, true, true, false],
    ));
    let b = &a.below_min;
    let _ = writeln!(
        out,
        "\nBelow the min size ({}): {} values ({}), {} ({} of bytes), stored plain",
        human_bytes(b.min_size as u64),
        b.values,
        percent(b.values_pct),
        human_bytes(b.bytes),
        percent(b.bytes_pct)
    );

    let min_size = a.candidates.first().map_or(0, |c| c.min_size);
    let _ = writeln!(
        out,
        "\nCandidates (min size {}, GLIDE write policy; MB/s of plain data on this machine, {})",
        human_bytes(min_size as u64),
        passes(a.passes)
    );
    let (headers, rows, right) = candidate_table(a);
    out.push_str(&table(&headers, &rows, &right));
    if let Some(line) = dictionary_line(a) {
        let _ = writeln!(out, "  {line}");
    }

    let r = &a.recommendation;
    let _ = writeln!(
        out,
        "\nRecommended: {} with min size {} -> projected savings {} ({} of values compressed){}",
        r.codec,
        human_bytes(r.min_size as u64),
        percent(r.projected_savings_pct),
        percent(r.projected_compressed_pct),
        if r.glide_compatible {
            ", readable by GLIDE clients"
        } else {
            ", not readable by GLIDE clients"
        }
    );
    let level = r
        .level
        .map_or(String::new(), |l| format!(" compression_level={l}"));
    let _ = writeln!(
        out,
        "  settings: backend={}{level} min_compression_size={}",
        r.backend, r.min_size
    );
    let rows: Vec<Vec<String>> = r
        .bands
        .iter()
        .map(|b| {
            let hi = b.hi.map_or("∞".to_owned(), |h| human_bytes(h as u64));
            let band = format!("{}–{hi}", human_bytes(b.lo as u64));
            vec![
                band,
                b.values.to_string(),
                human_bytes(b.plain_bytes),
                percent(b.savings_pct),
            ]
        })
        .collect();
    let _ = writeln!(
        out,
        "  {} savings by value size (every value from 6 B tried):",
        r.codec
    );
    out.push_str(&table(
        &["size", "values", "bytes", "savings"],
        &rows,
        &[false, true, true, true],
    ));
    if let Some(advice) = &r.dictionary {
        let _ = writeln!(out, "  dictionary: {advice}");
    }
    if !r.met_speed_floors {
        let _ = writeln!(
            out,
            "  note: no candidate met the speed floors on this machine"
        );
    }
    let _ = writeln!(out, "  rule: {}", r.rule);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_by_characters() {
        let rows = vec![
            vec!["zstd:3".to_owned(), "1.5 %".to_owned()],
            vec!["lz4".to_owned(), "10.25 %".to_owned()],
        ];
        let t = table(&["codec", "–saved"], &rows, &[false, true]);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "  codec    –saved");
        assert_eq!(lines[1], "  zstd:3    1.5 %");
        assert_eq!(lines[2], "  lz4     10.25 %");
    }
}
