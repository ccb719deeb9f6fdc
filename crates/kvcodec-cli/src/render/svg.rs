//! Inline SVG charts for the HTML report, drawn from the same [`Table`]s as the text and
//! HTML tables (the cells' values): no scripts, no external assets.

use std::fmt::Write as _;

use crate::render::html::esc;
use crate::render::table::{Row, Table};

const W: f64 = 640.0;
const H: f64 = 300.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 48.0;

/// Colours per series (backend), in `crate::backends::ALL` order; others get grey.
fn colour(series: Option<&str>) -> &'static str {
    match series.unwrap_or("") {
        "zstd" => "#2563eb",
        "lz4" => "#16a34a",
        "snappy" => "#d97706",
        "deflate" => "#9333ea",
        _ => "#6b7280",
    }
}

fn open(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" role=\"img\" aria-label=\"{}\" font-family=\"sans-serif\" font-size=\"11\">",
        esc(title)
    );
    let (x0, y0, y1) = (LEFT, TOP, H - BOTTOM);
    let _ = write!(
        out,
        "<line x1=\"{x0}\" y1=\"{y1}\" x2=\"{}\" y2=\"{y1}\" stroke=\"#444\"/><line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x0}\" y2=\"{y1}\" stroke=\"#444\"/>",
        W - RIGHT
    );
}

/// A round step for about four intervals up to `max`: 1, 2 or 5 times a power of ten.
fn nice_step(max: f64) -> f64 {
    let raw = (max / 4.0).max(1e-9);
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * power)
}

/// Draws grid lines and labels from 0 to the returned top (a multiple of a round step ≥ `max`).
fn y_axis(out: &mut String, max: f64, min_step: f64, fmt: impl Fn(f64) -> String) -> f64 {
    let step = nice_step(max).max(min_step);
    let intervals = (max / step).ceil().max(1.0);
    let top = step * intervals;
    for i in 0..=(intervals as u32) {
        let v = step * f64::from(i);
        let y = H - BOTTOM - (H - TOP - BOTTOM) * v / top;
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 4.0,
            y + 4.0,
            esc(&fmt(v))
        );
    }
    top
}

/// The value of column `col` of `row` (0 when the cell holds no number).
fn value(row: &Row, col: usize) -> f64 {
    row.cells[col].value.unwrap_or(0.0)
}

/// Bar chart of values per size bucket: one bar per row of `buckets`, labelled by its column
/// `label`, as high as its column `count`.
pub(crate) fn histogram(buckets: &Table, label: &str, count: &str) -> String {
    let (label, count) = (buckets.column(label), buckets.column(count));
    let mut out = String::new();
    open(&mut out, "Values per size bucket");
    let most = buckets
        .rows
        .iter()
        .map(|b| value(b, count))
        .fold(0.0, f64::max)
        .max(1.0);
    let max = y_axis(&mut out, most, 1.0, |v| format!("{v:.0}"));
    let slot = (W - LEFT - RIGHT) / buckets.rows.len().max(1) as f64;
    for (i, b) in buckets.rows.iter().enumerate() {
        let (name, values) = (&b.cells[label].text, &b.cells[count].text);
        let h = (H - TOP - BOTTOM) * value(b, count) / max;
        let x = LEFT + slot * i as f64 + slot * 0.15;
        let y = H - BOTTOM - h;
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"#2563eb\"><title>{}: {values} values</title></rect>",
            slot * 0.7,
            esc(name),
        );
        let cx = x + slot * 0.35;
        let _ = write!(
            out,
            "<text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{values}</text><text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            y - 3.0,
            H - BOTTOM + 16.0,
            esc(name)
        );
    }
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">value size</text></svg>",
        W / 2.0,
        H - 8.0
    );
    out
}

/// A box on the chart: left, top, width, height.
type Boxed = (f64, f64, f64, f64);

/// Approximate width of `label` at the charts' 11 px sans-serif (generous, so real glyphs
/// fit inside).
fn label_width(label: &str) -> f64 {
    7.0 * label.chars().count() as f64
}

fn overlap(a: Boxed, b: Boxed) -> bool {
    a.0 < b.0 + b.2 && b.0 < a.0 + a.2 && a.1 < b.1 + b.3 && b.1 < a.1 + a.3
}

/// The box a point of radius 5 (ringed: 10) takes around `(x, y)`.
pub(crate) fn point_box(x: f64, y: f64) -> Boxed {
    (x - 7.0, y - 7.0, 14.0, 14.0)
}

/// Picks a position for `label` next to the point `(x, y)` that overlaps neither the labels
/// already `placed` nor any of the `points` (their boxes), inside the plot; tries right and left
/// of the point, then further up and down. Records it in `placed` and returns its left edge and
/// baseline.
fn place_label(
    placed: &mut Vec<Boxed>,
    points: &[Boxed],
    x: f64,
    y: f64,
    label: &str,
) -> (f64, f64) {
    let width = label_width(label);
    let free = |b: Boxed| {
        b.0 >= LEFT
            && b.0 + b.2 <= W
            && b.1 >= 0.0
            && b.1 + b.3 <= H - BOTTOM
            && !placed.iter().chain(points).any(|&o| overlap(o, b))
    };
    // Baseline offsets: beside the point first, then stepping away from it.
    let dys = [
        4.0, -8.0, 16.0, -20.0, 28.0, -32.0, 40.0, -44.0, 52.0, -56.0, 64.0, -68.0,
    ];
    let found = dys.iter().find_map(|&dy| {
        [9.0, -9.0 - width].into_iter().find_map(|dx| {
            let b = (x + dx, y + dy - 10.0, width, 13.0);
            free(b).then_some(b)
        })
    });
    let b = found.unwrap_or((x + 9.0, y - 6.0, width, 13.0));
    placed.push(b);
    (b.0, b.1 + 10.0)
}

/// The columns a [`scatter`] plots: each point is a row, named by column `label`, at column
/// `x` (a speed, log scale) across and column `y` (savings, percent) up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Axes<'a> {
    /// Header of the column naming the point.
    pub(crate) label: &'a str,
    /// Header of the column plotted across.
    pub(crate) x: &'a str,
    /// Header of the column plotted up.
    pub(crate) y: &'a str,
    /// Words for the x axis (`"compress speed"`).
    pub(crate) x_label: &'a str,
}

/// Savings (y) against a speed (x, log scale) per row of `candidates`, one colour per series
/// (backend); highlighted rows (the recommended codec) are ringed.
pub(crate) fn scatter(candidates: &Table, axes: Axes<'_>) -> String {
    let x_label = axes.x_label;
    let (label, x_col, y_col) = (
        candidates.column(axes.label),
        candidates.column(axes.x),
        candidates.column(axes.y),
    );
    let speed = |c: &Row| value(c, x_col);
    let savings = |c: &Row| value(c, y_col);
    let candidates = &candidates.rows;
    let mut out = String::new();
    open(&mut out, &format!("Savings against {x_label}"));
    let max_savings = candidates.iter().map(savings).fold(0.0, f64::max);
    let y_max = y_axis(&mut out, max_savings.clamp(1.0, 100.0), 1.0, |v| {
        format!("{v:.0} %")
    });
    let speeds = candidates.iter().map(|c| speed(c).max(0.01));
    let lo = speeds.clone().fold(f64::INFINITY, f64::min).log10().floor();
    let hi = speeds.fold(0.0, f64::max).log10().ceil().max(lo + 1.0);
    let x_of = |v: f64| LEFT + (W - LEFT - RIGHT) * (v.max(0.01).log10() - lo) / (hi - lo);
    let y_of = |p: f64| H - BOTTOM - (H - TOP - BOTTOM) * p.clamp(0.0, y_max) / y_max;
    for decade in (lo as i32)..=(hi as i32) {
        let x = x_of(10f64.powi(decade));
        let _ = write!(
            out,
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            H - BOTTOM + 16.0,
            match decade {
                3.. => format!("{}k", 10u64.pow(decade as u32 - 3)),
                0.. => 10u64.pow(decade as u32).to_string(),
                _ => 10f64.powi(decade).to_string(),
            }
        );
    }
    let points: Vec<Boxed> = candidates
        .iter()
        .map(|c| point_box(x_of(speed(c)), y_of(savings(c))))
        .collect();
    let mut placed: Vec<Boxed> = Vec::new();
    for c in candidates {
        let codec = &c.cells[label].text;
        let (x, y) = (x_of(speed(c)), y_of(savings(c)));
        let fill = colour(c.series);
        if c.highlight {
            let _ = write!(
                out,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"10\" fill=\"none\" stroke=\"#111\" stroke-width=\"2\"/>"
            );
        }
        let _ = write!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"{fill}\"><title>{}: {:.1} % saved, {:.1} MB/s</title></circle>",
            esc(codec),
            savings(c),
            speed(c),
        );
        let (lx, ly) = place_label(&mut placed, &points, x, y, codec);
        if (ly - 4.0 - y).abs() > 10.0 {
            // Moved away from its point: a leader line says whose label it is.
            let ex = if lx > x { lx } else { lx + label_width(codec) };
            let _ = write!(
                out,
                "<line x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{ex:.1}\" y2=\"{:.1}\" stroke=\"{fill}\" stroke-width=\"0.7\"/>",
                ly - 4.0
            );
        }
        let _ = write!(
            out,
            "<text x=\"{lx:.1}\" y=\"{ly:.1}\" fill=\"{fill}\">{}</text>",
            esc(codec)
        );
    }
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} (MB/s, log scale)</text></svg>",
        W / 2.0,
        H - 8.0,
        esc(x_label)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_axis_steps() {
        assert_eq!(nice_step(124.0), 50.0);
        assert_eq!(nice_step(60.3), 20.0);
        assert_eq!(nice_step(4.0), 1.0);
        let mut out = String::new();
        assert_eq!(y_axis(&mut out, 124.0, 1.0, |v| v.to_string()), 150.0);
        assert_eq!(out.matches("<line").count(), 4);
    }

    #[test]
    fn labels_overlap_neither_labels_nor_points() {
        // A cluster as the built-in corpus gives: zstd:1 and zstd:3 almost on one spot,
        // deflate:1 between lz4 and snappy.
        let at = [
            ("zstd:1", 300.0, 120.0),
            ("zstd:3", 296.0, 118.0),
            ("zstd:9", 250.0, 112.0),
            ("lz4", 520.0, 150.0),
            ("snappy", 505.0, 149.0),
            ("deflate:1", 512.0, 146.0),
            ("deflate:6", 180.0, 114.0),
        ];
        let points: Vec<Boxed> = at.iter().map(|&(_, x, y)| point_box(x, y)).collect();
        let mut placed = Vec::new();
        for &(label, x, y) in &at {
            place_label(&mut placed, &points, x, y, label);
        }
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(!overlap(*a, *b), "labels {a:?} and {b:?} overlap");
            }
            for p in &points {
                assert!(!overlap(*a, *p), "label {a:?} covers point {p:?}");
            }
        }
    }

    #[test]
    fn histogram_has_one_bar_per_bucket() {
        let sizes = crate::assess::stats::SizeStats::of(&[1, 100, 1000, 5000]);
        let buckets = crate::render::assessment::buckets(&sizes);
        let svg = histogram(&buckets, "size", "values");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), buckets.rows.len());
    }
}
