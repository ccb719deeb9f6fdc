//! `assess --report FILE.html`: one self-contained HTML page (inline CSS and SVG, no
//! scripts, no external assets) with the charts and the tables of an [`Assessment`] — the
//! same tables as the text report ([`crate::render::assessment`]).

use std::fmt::Write as _;

use crate::assess::Assessment;
use crate::provenance::Provenance;
use crate::render::assessment::{self as tables, passes, percent};
use crate::render::configuration;
use crate::render::html::{self, esc, prose};
use crate::render::svg::{self, Axes};
use crate::units::human_bytes;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#111}\
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{padding:.3em .6em;border-bottom:1px solid #ddd}\
td,th{white-space:nowrap}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\
tr.best{background:#eef4ff;font-weight:600}svg{max-width:100%;height:auto}pre{background:#f2f2f2;padding:.5em;overflow-x:auto}\
footer{margin-top:2em;color:#555;font-size:.85em}\
.rec{border:2px solid #2563eb;border-radius:8px;padding:.5em 1em;background:#f5f8ff}\
.charts{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}figcaption{font-size:.9em;color:#555}\
code{background:#f2f2f2;padding:0 .3em;border-radius:3px}\
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}.charts{display:block}\
figure,table,.rec,pre{break-inside:avoid}h2,h3{break-after:avoid}\
tr.best,.rec{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/// The report page.
pub(crate) fn render(a: &Assessment, provenance: &Provenance) -> String {
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
        prose(&a.source),
        s.count,
        esc(&human_bytes(s.total_bytes))
    );

    if let Some(d) = &r.with_dictionary {
        let _ = writeln!(
            out,
            "<div class=\"rec\"><h2>Recommended: {} with a trained dictionary, min size {}</h2><p>Saved <b>{}</b> on {} held-out values, {} without a dictionary (the dictionary trained on the other half); not readable by Valkey GLIDE clients.</p><p>Steps: {}.</p><p>Trade-off: {}.</p></div>",
            esc(&d.codec),
            esc(&human_bytes(d.min_size as u64)),
            esc(&percent(d.held_out_savings_pct)),
            d.tested_on,
            esc(&percent(d.held_out_without_pct)),
            prose(&d.steps),
            prose(d.trade_off)
        );
    }
    let level = r
        .level
        .map_or(String::new(), |l| format!(" compression_level={l}"));
    let _ = writeln!(
        out,
        "<div class=\"rec\"><h2>{}: {} with min size {}</h2><p>Projected savings <b>{}</b>, {} of values compressed; {}.</p><p>Settings: <code>backend={}{} min_compression_size={}</code></p>{}{}<p><small>Rule: {}</small></p></div>",
        if r.with_dictionary.is_some() {
            "Without a dictionary"
        } else {
            "Recommended"
        },
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
        r.dictionary.as_ref().map_or(String::new(), |d| format!(
            "<p>Dictionary: {}.</p>",
            prose(d)
        )),
        prose(&r.rule)
    );

    if let Some(c) = &a.capacity {
        let [head, how, scope] = tables::capacity_lines(c);
        let _ = writeln!(
            out,
            "<h2>Capacity</h2><p><b>{}</b></p><p>{}.</p><p><small>{}.</small></p>",
            prose(&head),
            prose(&how),
            prose(&scope)
        );
    }

    let config = configuration::configuration(r);
    let _ = writeln!(
        out,
        "<h3>Configuration to copy</h3><pre>{}</pre>{}",
        esc(&config.env),
        config.glide_python.as_ref().map_or_else(
            || "<p>Valkey GLIDE clients cannot read this codec: kvcodec clients only.</p>"
                .to_owned(),
            |py| format!("<p>Valkey GLIDE (Python):</p><pre>{}</pre>", esc(py))
        )
    );

    let candidates = tables::candidates(a);
    let axes = |x, x_label| Axes {
        label: "codec",
        x,
        y: "savings",
        x_label,
    };
    out.push_str("<h2>Codecs</h2><div class=\"charts\">");
    let _ = writeln!(
        out,
        "<figure>{}<figcaption>Savings against compression speed</figcaption></figure><figure>{}<figcaption>Savings against decompression speed</figcaption></figure></div>",
        svg::scatter(&candidates, axes("compress MB/s", "compress speed")),
        svg::scatter(&candidates, axes("decompress MB/s", "decompress speed")),
    );
    let min_size = a.candidates.first().map_or(0, |c| c.min_size);
    let _ = writeln!(
        out,
        "<p>Each codec through a real engine with GLIDE's write policy at min size {}: header counted, compressed form kept only if smaller. Speeds: MB/s of plain data on this machine, {}; ×ref: the speed relative to zstd:1 measured alongside each candidate in the same run, what the rule uses (load does not move it).</p>",
        esc(&human_bytes(min_size as u64)),
        passes(a.passes)
    );
    html::table(&mut out, &candidates);
    if let Some(line) = tables::dictionary_line(a) {
        let _ = writeln!(out, "<p>{}.</p>", prose(&line));
    }

    let _ = writeln!(
        out,
        "<h3>{} savings by value size</h3><p>Every value from 6 B tried; the recommended min size is the lower edge of the first band saving enough.</p>",
        esc(&r.codec)
    );
    html::table(&mut out, &tables::bands(r));

    if let Some(g) = &a.prefixes {
        let _ = writeln!(
            out,
            "<h2>Key prefixes</h2><p>{}.</p>",
            prose(&tables::prefixes_line(g))
        );
        html::table(&mut out, &tables::prefixes(g));
    }

    let buckets = tables::buckets(s);
    let _ = writeln!(
        out,
        "<h2>Sizes</h2><figure>{}<figcaption>Values per size bucket</figcaption></figure>",
        svg::histogram(&buckets, "size", "values")
    );
    html::table(&mut out, &tables::percentiles(s));
    html::table(&mut out, &buckets);
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
    out.push_str("<h2>Kinds of values</h2>");
    html::table(&mut out, &tables::kinds(a));
    let _ = writeln!(
        out,
        "<footer><p class=\"prov\">Provenance: {}</p></footer>",
        esc(&provenance.line())
    );
    out.push_str("</body></html>\n");
    out
}
