//! HTML pieces of the report: escaping, and a [`Table`] as an HTML table.

use std::fmt::Write as _;

use crate::render::table::Table;

/// Escapes text for HTML and SVG.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Escapes a sentence for HTML, its `backticked` spans set as `<code>` (never shown as
/// backticks); an unpaired backtick stays as it is.
pub(crate) fn prose(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return esc(s);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| match i % 2 {
            1 => format!("<code>{}</code>", esc(p)),
            _ => esc(p),
        })
        .collect()
}

/// Appends `t` as an HTML table: numeric columns right-aligned (class `n`), highlighted rows
/// in class `best`.
pub(crate) fn table(out: &mut String, t: &Table) {
    let class = |i: usize| {
        if t.numeric.get(i).copied().unwrap_or(false) {
            " class=\"n\""
        } else {
            ""
        }
    };
    out.push_str("<table><thead><tr>");
    for (i, h) in t.headers.iter().enumerate() {
        let _ = write!(out, "<th{}>{}</th>", class(i), esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        out.push_str(if row.highlight {
            "<tr class=\"best\">"
        } else {
            "<tr>"
        });
        for (i, cell) in row.cells.iter().enumerate() {
            let _ = write!(out, "<td{}>{}</td>", class(i), esc(&cell.text));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::table::{Cell, Row};

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn backticks_become_code() {
        assert_eq!(
            prose("run `kvcodec dict train` <now>"),
            "run <code>kvcodec dict train</code> &lt;now&gt;"
        );
        assert_eq!(prose("one ` only"), "one ` only");
    }

    #[test]
    fn highlighted_rows_and_numeric_cells() {
        let mut t = Table::new(&[("codec", false), ("savings", true)]);
        let mut row = Row::new(vec![Cell::text("zstd:3"), Cell::number("5.0 %", 5.0)]);
        row.highlight = true;
        t.rows.push(row);
        let mut out = String::new();
        table(&mut out, &t);
        assert_eq!(
            out,
            "<table><thead><tr><th>codec</th><th class=\"n\">savings</th></tr></thead><tbody>\
             <tr class=\"best\"><td>zstd:3</td><td class=\"n\">5.0 %</td></tr></tbody></table>\n"
        );
    }
}
