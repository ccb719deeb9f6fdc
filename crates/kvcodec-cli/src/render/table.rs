//! [`Table`]: the one table model every rendering reads — columns with a header and an
//! alignment, rows of cells that carry their text (for text and HTML) and, for numbers,
//! their value (for SVG charts). [`Table::to_text`] lays one out for a terminal;
//! `crate::render::html` and `crate::render::svg` draw the same tables as HTML and charts.

/// One cell: the text shown, and the number behind it when there is one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell {
    /// As shown (`"72.3 %"`, `"1.5 KiB"`).
    pub(crate) text: String,
    /// The figure the text shows, unrounded (what charts plot).
    pub(crate) value: Option<f64>,
}

impl Cell {
    /// A cell of text only.
    pub(crate) fn text(text: impl Into<String>) -> Self {
        Cell {
            text: text.into(),
            value: None,
        }
    }

    /// A cell showing `text` for the figure `value`.
    pub(crate) fn number(text: impl Into<String>, value: f64) -> Self {
        Cell {
            text: text.into(),
            value: Some(value),
        }
    }
}

/// One row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// One cell per column.
    pub(crate) cells: Vec<Cell>,
    /// Stands out (the recommended codec, the chosen size band): a bold row in HTML, a ringed
    /// point in a chart; text tables show no difference.
    pub(crate) highlight: bool,
    /// The series the row belongs to (a backend name): one colour per series in charts.
    pub(crate) series: Option<&'static str>,
}

impl Row {
    /// A plain row of `cells`.
    pub(crate) fn new(cells: Vec<Cell>) -> Self {
        Row {
            cells,
            highlight: false,
            series: None,
        }
    }
}

/// Headers, alignments and rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    /// Column headers.
    pub(crate) headers: Vec<&'static str>,
    /// `true` for the columns of numbers: right-aligned in text and HTML.
    pub(crate) numeric: Vec<bool>,
    /// The rows, in order.
    pub(crate) rows: Vec<Row>,
}

impl Table {
    /// An empty table with these `(header, numeric)` columns.
    pub(crate) fn new(columns: &[(&'static str, bool)]) -> Self {
        Table {
            headers: columns.iter().map(|(h, _)| *h).collect(),
            numeric: columns.iter().map(|(_, n)| *n).collect(),
            rows: Vec::new(),
        }
    }

    /// The index of the column headed `header`.
    ///
    /// # Panics
    ///
    /// If there is none: the caller names columns of a table it built.
    pub(crate) fn column(&self, header: &str) -> usize {
        self.headers
            .iter()
            .position(|h| *h == header)
            .unwrap_or_else(|| panic!("no column `{header}` in {:?}", self.headers))
    }

    /// The table with one more column: `cells`, one per row in order (rows left without one
    /// get an empty cell).
    pub(crate) fn with_column(
        mut self,
        header: &'static str,
        numeric: bool,
        cells: impl IntoIterator<Item = Cell>,
    ) -> Self {
        self.headers.push(header);
        self.numeric.push(numeric);
        let mut cells = cells.into_iter();
        for row in &mut self.rows {
            row.cells
                .push(cells.next().unwrap_or_else(|| Cell::text("")));
        }
        self
    }

    /// The table laid out for a terminal: every line indented by two spaces, columns two
    /// spaces apart, numeric columns right-aligned. Widths count characters, not bytes.
    pub(crate) fn to_text(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(&row.cells) {
                *w = (*w).max(cell.text.chars().count());
            }
        }
        let header_row: Vec<&str> = self.headers.clone();
        let rows = self
            .rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.as_str()).collect::<Vec<_>>());
        let mut out = String::new();
        for row in std::iter::once(header_row).chain(rows) {
            let mut line = String::from("  ");
            for (i, cell) in row.iter().enumerate() {
                let pad = widths[i].saturating_sub(cell.chars().count());
                if self.numeric.get(i).copied().unwrap_or(false) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_by_characters() {
        let mut t = Table::new(&[("codec", false), ("–saved", true)]);
        t.rows
            .push(Row::new(vec![Cell::text("zstd:3"), Cell::text("1.5 %")]));
        t.rows
            .push(Row::new(vec![Cell::text("lz4"), Cell::text("10.25 %")]));
        let t = t.to_text();
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "  codec    –saved");
        assert_eq!(lines[1], "  zstd:3    1.5 %");
        assert_eq!(lines[2], "  lz4     10.25 %");
    }

    #[test]
    fn columns_by_header_and_added() {
        let mut t = Table::new(&[("size", false), ("values", true)]);
        t.rows
            .push(Row::new(vec![Cell::text("< 64 B"), Cell::number("3", 3.0)]));
        let t = t.with_column("", false, [Cell::text("█")]);
        assert_eq!(t.column("values"), 1);
        assert_eq!(t.rows[0].cells[2].text, "█");
        assert_eq!(t.numeric, [false, true, false]);
    }
}
