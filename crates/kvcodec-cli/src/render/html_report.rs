//! `assess --report FILE.html`: one self-contained HTML page (inline CSS and SVG, no
//! scripts, no external assets) with the charts and the tables of an [`Assessment`].

use std::fmt::Write as _;
use std::path::Path;

use crate::assess::measure::Assessment;
use crate::assess::stats::human_bytes;
use crate::error::CliError;
use crate::render::svg::{self, esc};
use crate::render::text_report::{band_label, candidate_table, dictionary_line, passes, percent};

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#111}\
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{padding:.3em .8em;border-bottom:1px solid #ddd}\
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tr.best{background:#eef4ff;font-weight:600}\
.rec{border:2px solid #2563eb;border-radius:8px;padding:.5em 1em;background:#f5f8ff}\
.charts{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}figcaption{font-size:.9em;color:#555}\
code{background:#f2f2f2;padding:0 .3em;border-radius:3px}";

/// An HTML table; cells of columns flagged in `numeric` are right-aligned.
fn html_table(out: &mut String, headers: &[&str], rows: &[(Vec<String>, bool)], numeric: &[bool]) {
    let class = |i: usize| {
        if numeric.get(i).copied().unwrap_or(false) {
            " class=\"n\""
        } else {
            ""
        }
    };
    out.push_str("<table><thead><tr>");
    for (i, h) in headers.iter().enumerate() {
        let _ = write!(out, "<th{}>{}</th>", class(i), esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for (row, highlight) in rows {
        out.push_str(if *highlight {
            "<tr class=\"best\">"
        } else {
            "<tr>"
        });
        for (i, cell) in row.iter().enumerate() {
            let _ = write!(out, "<td{}>{}</td>", class(i), esc(cell));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

/// The report page.
pub fn render(a: &Assessment) -> String {
    let mut out = String::new();
    let r = &a.recommendation;
    let s = &a.sizes;
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>kvcodec assess</title><style>{STYLE}</style></head><body>"
    );
    let _ = writeln!(
        out,
        "<h1>kvcodec assess</h1><p>Source: {}. {} values, {}.</p>",
        esc(&a.source),
        s.count,
        esc(&human_bytes(s.total_bytes))
    );

    let level = r
        .level
        .map_or(String::new(), |l| format!(" compression_level={l}"));
    let _ = writeln!(
        out,
        "<div class=\"rec\"><h2>Recommended: {} with min size {}</h2><p>Projected savings <b>{}</b>, {} of values compressed; {}.</p><p>Settings: <code>backend={}{} min_compression_size={}</code></p>{}{}<p><small>Rule: {}</small></p></div>",
        esc(&r.codec),
        esc(&human_bytes(r.min_size as u64)),
        esc(&percent(r.projected_savings_pct)),
        esc(&percent(r.projected_compressed_pct)),
        if r.glide_compatible {
            "readable by Valkey GLIDE clients"
        } else {
            "not readable by Valkey GLIDE clients"
        },
        esc(r.backend),
        esc(&level),
        r.min_size,
        if r.met_speed_floors {
            ""
        } else {
            "<p>No candidate met the speed floors on this machine.</p>"
        },
        r.dictionary
            .as_ref()
            .map_or(String::new(), |d| format!("<p>Dictionary: {}.</p>", esc(d))),
        esc(&r.rule)
    );

    out.push_str("<h2>Codecs</h2><div class=\"charts\">");
    let _ = writeln!(
        out,
        "<figure>{}<figcaption>Savings against compression speed</figcaption></figure><figure>{}<figcaption>Savings against decompression speed</figcaption></figure></div>",
        svg::scatter(
            &a.candidates,
            |c| c.compress_mb_s,
            "compress speed",
            &r.codec
        ),
        svg::scatter(
            &a.candidates,
            |c| c.decompress_mb_s,
            "decompress speed",
            &r.codec
        ),
    );
    let min_size = a.candidates.first().map_or(0, |c| c.min_size);
    let _ = writeln!(
        out,
        "<p>Each codec through a real engine with GLIDE's write policy at min size {}: header counted, compressed form kept only if smaller. Speeds: MB/s of plain data on this machine, {}.</p>",
        esc(&human_bytes(min_size as u64)),
        passes(a.passes)
    );
    let (headers, rows, numeric) = candidate_table(a);
    let rows: Vec<(Vec<String>, bool)> = rows
        .into_iter()
        .zip(&a.candidates)
        .map(|(row, c)| (row, c.codec == r.codec))
        .collect();
    html_table(&mut out, &headers, &rows, &numeric);
    if let Some(line) = dictionary_line(a) {
        let _ = writeln!(out, "<p>{}.</p>", esc(&line));
    }

    let _ = writeln!(
        out,
        "<h3>{} savings by value size</h3><p>Every value from 6 B tried; the recommended min size is the lower edge of the first band saving enough.</p>",
        esc(&r.codec)
    );
    let rows: Vec<(Vec<String>, bool)> = r
        .bands
        .iter()
        .map(|b| {
            let cells = vec![
                band_label(b.lo, b.hi),
                b.values.to_string(),
                human_bytes(b.plain_bytes),
                percent(b.savings_pct),
            ];
            (cells, b.lo == r.min_size)
        })
        .collect();
    html_table(
        &mut out,
        &["size", "values", "bytes", "savings"],
        &rows,
        &[false, true, true, true],
    );

    let _ = writeln!(
        out,
        "<h2>Sizes</h2><figure>{}<figcaption>Values per size bucket</figcaption></figure>",
        svg::histogram(&s.buckets)
    );
    let row = [s.min, s.p50, s.p90, s.p99, s.max]
        .map(|n| human_bytes(n as u64))
        .to_vec();
    html_table(
        &mut out,
        &["min", "p50", "p90", "p99", "max"],
        &[(row, false)],
        &[true; 5],
    );
    let rows: Vec<(Vec<String>, bool)> = s
        .buckets
        .iter()
        .map(|b| {
            (
                vec![b.label.clone(), b.values.to_string(), human_bytes(b.bytes)],
                false,
            )
        })
        .collect();
    html_table(
        &mut out,
        &["size", "values", "bytes"],
        &rows,
        &[false, true, true],
    );
    let b = &a.below_min;
    let _ = writeln!(
        out,
        "<p>Below the min size ({}): {} values ({}), {} ({} of bytes), stored plain.</p>",
        esc(&human_bytes(b.min_size as u64)),
        b.values,
        esc(&percent(b.values_pct)),
        esc(&human_bytes(b.bytes)),
        esc(&percent(b.bytes_pct))
    );
    let rows: Vec<(Vec<String>, bool)> = a
        .kinds
        .iter()
        .map(|k| {
            (
                vec![
                    k.kind.to_owned(),
                    k.values.to_string(),
                    human_bytes(k.bytes),
                ],
                false,
            )
        })
        .collect();
    out.push_str("<h2>Kinds of values</h2>");
    html_table(
        &mut out,
        &["kind", "values", "bytes"],
        &rows,
        &[false, true, true],
    );
    out.push_str("</body></html>\n");
    out
}

/// Writes the report to `path`.
pub fn write(path: &Path, a: &Assessment) -> Result<(), CliError> {
    std::fs::write(path, render(a))
        .map_err(|e| CliError::failure(format!("cannot write report `{}`: {e}", path.display())))
}
