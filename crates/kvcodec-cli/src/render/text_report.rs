//! The plain-text rendering of an [`Assessment`]: its tables ([`crate::render::assessment`])
//! aligned for a terminal, with the sentences around them.

use std::fmt::Write as _;

use crate::assess::Assessment;
use crate::provenance::Provenance;
use crate::render::assessment::{self as tables, passes, percent};
use crate::render::configuration;
use crate::render::table::Cell;
use crate::units::human_bytes;

/// The full plain-text report.
pub(crate) fn render(a: &Assessment, provenance: &Provenance) -> String {
    let mut out = String::new();
    let s = &a.sizes;
    let _ = writeln!(out, "kvcodec assess: {}", a.source);
    let _ = writeln!(out, "{} values, {}", s.count, human_bytes(s.total_bytes));
    if a.kinds.len() > 1 {
        out.push_str(&tables::kinds(a).to_text());
    }

    let _ = writeln!(out, "\nSize distribution");
    out.push_str(&tables::percentiles(s).to_text());
    let most = s.buckets.iter().map(|b| b.values).max().unwrap_or(0).max(1);
    let bars = s
        .buckets
        .iter()
        .map(|b| Cell::text("█".repeat((b.values * 30).div_ceil(most))));
    out.push('\n');
    out.push_str(&tables::buckets(s).with_column("", false, bars).to_text());
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
        "\nCandidates (min size {}, GLIDE write policy; MB/s of plain data on this machine, {}; ×ref: speed relative to zstd:1 measured alongside, what the rule uses)",
        human_bytes(min_size as u64),
        passes(a.passes)
    );
    out.push_str(&tables::candidates(a).to_text());
    if let Some(line) = tables::dictionary_line(a) {
        let _ = writeln!(out, "  {line}");
    }

    let r = &a.recommendation;
    if let Some(d) = &r.with_dictionary {
        let _ = writeln!(
            out,
            "\nRecommended: {} with a trained dictionary, min size {} -> {} saved on {} held-out \
             values, {} without (dictionary trained on the other half), not readable by GLIDE \
             clients",
            d.codec,
            human_bytes(d.min_size as u64),
            percent(d.held_out_savings_pct),
            d.tested_on,
            percent(d.held_out_without_pct)
        );
        let _ = writeln!(out, "  steps: {}", d.steps);
        let _ = writeln!(out, "  trade-off: {}", d.trade_off);
    }
    let _ = writeln!(
        out,
        "\n{}: {} with min size {} -> projected savings {} ({} of values compressed){}",
        if r.with_dictionary.is_some() {
            "Without a dictionary"
        } else {
            "Recommended"
        },
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
    let _ = writeln!(
        out,
        "  {} savings by value size (every value from 6 B tried):",
        r.codec
    );
    out.push_str(&tables::bands(r).to_text());
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
    let _ = writeln!(out, "\nConfiguration to copy");
    for line in configuration::lines(&configuration::configuration(r)) {
        let _ = writeln!(out, "  {line}");
    }
    if let Some(c) = &a.capacity {
        let [head, how, scope] = tables::capacity_lines(c);
        let _ = writeln!(out, "\nCapacity on {head}\n  {how}\n  {scope}");
    }
    if let Some(g) = &a.prefixes {
        let _ = writeln!(out, "\n{}", tables::prefixes_line(g));
        out.push_str(&tables::prefixes(g).to_text());
    }
    let _ = writeln!(out, "\nProvenance: {}", provenance.line());
    out
}
