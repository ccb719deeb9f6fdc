//! An [`Assessment`] as [`Table`]s: the one place that decides the columns and cells of every
//! table and chart of the text and HTML reports (kinds, size percentiles, size buckets,
//! candidates, size bands), plus the cell formats and the dictionary sentence.

use crate::assess::Assessment;
use crate::assess::capacity::Capacity;
use crate::assess::dictionary::DictionaryResult;
use crate::assess::groups::PrefixGroups;
use crate::assess::recommend::Recommendation;
use crate::assess::stats::SizeStats;
use crate::render::table::{Cell, Row, Table};
use crate::units::human_bytes;

/// `"72.3 %"`.
pub(crate) fn percent(p: f64) -> String {
    format!("{p:.1} %")
}

/// `"1234.5"`, or `"12.3"`: MB/s with one decimal.
pub(crate) fn speed(mb_s: f64) -> String {
    format!("{mb_s:.1}")
}

/// `"best of 3 passes"`, or `"one pass"`.
pub(crate) fn passes(n: usize) -> String {
    if n == 1 {
        "one pass".to_owned()
    } else {
        format!("best of {n} passes")
    }
}

/// `"64 B–256 B"` for a band with an upper edge, `"4 KiB–∞"` without.
pub(crate) fn band_label(lo: usize, hi: Option<usize>) -> String {
    let hi = hi.map_or("∞".to_owned(), |h| human_bytes(h as u64));
    format!("{}–{hi}", human_bytes(lo as u64))
}

/// `"61.0 % → 74.2 %"`: savings on the held-out values without and with the dictionary.
pub(crate) fn dict_cell(d: &DictionaryResult) -> String {
    format!(
        "{} → {}",
        percent(d.plain_savings_pct),
        percent(d.savings_pct)
    )
}

/// A count, shown as it is.
fn count(n: usize) -> Cell {
    Cell::number(n.to_string(), n as f64)
}

/// Bytes, shown in binary units.
fn bytes(n: u64) -> Cell {
    Cell::number(human_bytes(n), n as f64)
}

/// Values and bytes per kind.
pub(crate) fn kinds(a: &Assessment) -> Table {
    let mut t = Table::new(&[("kind", false), ("values", true), ("bytes", true)]);
    for k in &a.kinds {
        let cells = vec![Cell::text(k.kind), count(k.values), bytes(k.bytes)];
        t.rows.push(Row::new(cells));
    }
    t
}

/// Smallest, median, 90th and 99th percentile, largest size: one row.
pub(crate) fn percentiles(s: &SizeStats) -> Table {
    let mut t = Table::new(&["min", "p50", "p90", "p99", "max"].map(|h| (h, true)));
    let row = [s.min, s.p50, s.p90, s.p99, s.max].map(|n| bytes(n as u64));
    t.rows.push(Row::new(row.to_vec()));
    t
}

/// Values and bytes per size bucket.
pub(crate) fn buckets(s: &SizeStats) -> Table {
    let mut t = Table::new(&[("size", false), ("values", true), ("bytes", true)]);
    for b in &s.buckets {
        let cells = vec![Cell::text(b.label.clone()), count(b.values), bytes(b.bytes)];
        t.rows.push(Row::new(cells));
    }
    t
}

/// One row per candidate (in `a.candidates` order), the recommended one highlighted, each in
/// its backend's series; the dictionary column only when a candidate has dictionary figures.
pub(crate) fn candidates(a: &Assessment) -> Table {
    let with_dict = a.candidates.iter().any(|c| c.dictionary.is_some());
    let mut columns = vec![
        ("codec", false),
        ("GLIDE", false),
        ("stored", true),
        ("savings", true),
        ("compressed", true),
        ("compress MB/s", true),
        ("decompress MB/s", true),
        ("compress ×ref", true),
        ("decompress ×ref", true),
    ];
    if with_dict {
        columns.push(("held-out: no dict → dict", true));
    }
    let mut t = Table::new(&columns);
    for c in &a.candidates {
        let mut cells = vec![
            Cell::text(c.codec.clone()),
            Cell::text(if c.glide_compatible { "yes" } else { "no" }),
            bytes(c.stored_bytes),
            Cell::number(percent(c.savings_pct), c.savings_pct),
            Cell::number(percent(c.compressed_pct), c.compressed_pct),
            Cell::number(speed(c.compress_mb_s), c.compress_mb_s),
            Cell::number(speed(c.decompress_mb_s), c.decompress_mb_s),
            Cell::number(format!("{:.2}", c.compress_rel), c.compress_rel),
            Cell::number(format!("{:.2}", c.decompress_rel), c.decompress_rel),
        ];
        if with_dict {
            cells.push(Cell::text(
                c.dictionary.as_ref().map_or("-".into(), dict_cell),
            ));
        }
        t.rows.push(Row {
            cells,
            highlight: c.codec == a.recommendation.codec,
            series: Some(c.backend),
        });
    }
    t
}

/// Values, bytes and savings per key prefix (`--group-by-prefix`).
pub(crate) fn prefixes(g: &PrefixGroups) -> Table {
    let mut t = Table::new(&[
        ("prefix", false),
        ("values", true),
        ("bytes", true),
        ("share", true),
        ("stored", true),
        ("savings", true),
        ("share of saved", true),
    ]);
    for p in &g.groups {
        t.rows.push(Row::new(vec![
            Cell::text(p.prefix.clone()),
            count(p.values),
            bytes(p.plain_bytes),
            Cell::number(percent(p.bytes_share_pct), p.bytes_share_pct),
            bytes(p.stored_bytes),
            Cell::number(percent(p.savings_pct), p.savings_pct),
            Cell::number(percent(p.savings_share_pct), p.savings_share_pct),
        ]));
    }
    t
}

/// The capacity projection as sentences: the headline, then how it was measured.
pub(crate) fn capacity_lines(c: &Capacity) -> [String; 3] {
    [
        format!(
            "{}: used_memory {} now, {} projected after kvcodec migrate --to {} --min-size {} ({} freed, {})",
            c.server,
            human_bytes(c.used_memory),
            human_bytes(c.used_memory_after),
            c.codec,
            c.min_size,
            human_bytes(c.projected_freed_bytes),
            percent(c.projected_freed_pct)
        ),
        format!(
            "DBSIZE {}, {} keys sampled (figures × {:.2}); MEMORY USAGE of the sampled keys {} now, {} after; allocator {}",
            c.dbsize,
            c.keys_sampled,
            c.extrapolation,
            human_bytes(c.sampled_memory_usage),
            human_bytes(c.sampled_memory_usage_after),
            c.allocator
        ),
        format!("projected: {}", c.scope),
    ]
}

/// One sentence introducing the prefix table.
pub(crate) fn prefixes_line(g: &PrefixGroups) -> String {
    format!(
        "By key prefix (the part before the first `{}`), stored with {} at min size {}",
        g.separator,
        g.codec,
        human_bytes(g.min_size as u64)
    )
}

/// The recommended codec's savings per size band, the band starting at the recommended
/// minimum size highlighted.
pub(crate) fn bands(r: &Recommendation) -> Table {
    let mut t = Table::new(&[
        ("size", false),
        ("values", true),
        ("bytes", true),
        ("savings", true),
    ]);
    for b in &r.bands {
        let cells = vec![
            Cell::text(band_label(b.lo, b.hi)),
            count(b.values),
            bytes(b.plain_bytes),
            Cell::number(percent(b.savings_pct), b.savings_pct),
        ];
        let mut row = Row::new(cells);
        row.highlight = b.lo == r.min_size;
        t.rows.push(row);
    }
    t
}

/// One sentence on the trained dictionary of `a`, or why there is none.
pub(crate) fn dictionary_line(a: &Assessment) -> Option<String> {
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
