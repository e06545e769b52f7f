//! Tables: HTML `table` (with `thead`, `tbody`, `tfoot`, `colspan` and `rowspan`) as a Typst
//! `table`, full width as in the style sheet. Column widths: a width the template gives
//! (`style="width:19%"`, `.w-cover`, `.w-no`, the 17 % label columns of `.summary`), else
//! `auto` for columns of figures, centred or unbroken cells, else a share of the width in
//! proportion to the longest text of the column. The header rows repeat on each page; the
//! footer rows close the table. `.pairs` tables (one short term a row) are laid out two terms
//! a row.

use std::fmt::Write as _;

use super::html::{Element, Node};
use super::markup::{CLASSES, Writer, is_length, style_value};

/// A cell placed on the grid.
struct Cell<'a> {
    element: &'a Element,
    column: usize,
    colspan: usize,
    rowspan: usize,
}

/// A row and the part of the table it is in.
struct Row<'a> {
    part: &'a str,
    total: bool,
    cells: Vec<Cell<'a>>,
}

fn span(e: &Element, name: &str) -> usize {
    e.attr(name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, 64)
}

/// Places the rows' cells on the grid (taking row spans into account); returns the rows and
/// the number of columns.
fn place<'a>(rows: Vec<(&'a str, &'a Element)>) -> (Vec<Row<'a>>, usize) {
    let mut taken: Vec<Vec<bool>> = Vec::new();
    let mut out = Vec::new();
    let mut columns = 0;
    for (r, (part, tr)) in rows.into_iter().enumerate() {
        if taken.len() <= r {
            taken.resize(r + 1, Vec::new());
        }
        let mut cells = Vec::new();
        let mut column = 0;
        for cell in tr
            .elements()
            .filter(|c| matches!(c.tag.as_str(), "td" | "th"))
        {
            while taken[r].get(column).copied().unwrap_or(false) {
                column += 1;
            }
            let (colspan, rowspan) = (span(cell, "colspan"), span(cell, "rowspan"));
            for rr in r..r + rowspan {
                if taken.len() <= rr {
                    taken.resize(rr + 1, Vec::new());
                }
                let row = &mut taken[rr];
                if row.len() < column + colspan {
                    row.resize(column + colspan, false);
                }
                for slot in &mut row[column..column + colspan] {
                    *slot = true;
                }
            }
            cells.push(Cell {
                element: cell,
                column,
                colspan,
                rowspan,
            });
            column += colspan;
        }
        columns = columns.max(taken[r].len());
        out.push(Row {
            part,
            total: tr.has_class("total"),
            cells,
        });
    }
    (out, columns.max(1))
}

/// Display width of a text: CJK and other wide characters count two.
fn width_of(s: &str) -> usize {
    s.split_ascii_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

fn explicit_width(cell: &Element) -> Option<String> {
    if cell.has_class("w-cover") {
        return Some("23%".to_string());
    }
    if cell.has_class("w-no") {
        return Some("6%".to_string());
    }
    let w = style_value(cell, "width")?;
    is_length(w).then(|| w.to_string())
}

/// The Typst column widths of the table.
fn column_widths(rows: &[Row<'_>], columns: usize, summary: bool) -> Vec<String> {
    (0..columns)
        .map(|c| {
            let cells: Vec<&Cell<'_>> = rows
                .iter()
                .flat_map(|r| r.cells.iter())
                .filter(|cell| cell.column == c && cell.colspan == 1)
                .collect();
            if let Some(w) = cells.iter().find_map(|cell| explicit_width(cell.element)) {
                return w;
            }
            if summary
                && rows
                    .first()
                    .and_then(|r| r.cells.iter().find(|cell| cell.column == c))
                    .is_some_and(|cell| cell.element.tag == "th")
            {
                return "17%".to_string();
            }
            let fixed =
                |e: &Element| e.has_class("num") || e.has_class("center") || e.has_class("nowrap");
            let flowing: Vec<usize> = cells
                .iter()
                .filter(|cell| !fixed(cell.element))
                .map(|cell| width_of(&cell.element.text()))
                .collect();
            match flowing.iter().max() {
                Some(&w) if w > 0 => format!("{}fr", w.clamp(6, 40)),
                _ => "auto".to_string(),
            }
        })
        .collect()
}

impl Writer {
    /// Writes a table.
    pub(super) fn table(&mut self, e: &Element) {
        for class in e.classes() {
            if !CLASSES.iter().any(|(n, _)| *n == class) {
                self.unknown.insert(format!("table.{class}"));
            }
        }
        let mut rows: Vec<(&str, &Element)> = Vec::new();
        let mut stray: Vec<Node> = Vec::new();
        for child in &e.children {
            match child {
                Node::Element(part) if matches!(part.tag.as_str(), "thead" | "tbody" | "tfoot") => {
                    for tr in part.elements() {
                        if tr.tag == "tr" {
                            rows.push((part.tag.as_str(), tr));
                        } else {
                            self.unknown
                                .insert(format!("<{}> in <{}>", tr.tag, part.tag));
                            stray.push(Node::Element(tr.clone()));
                        }
                    }
                }
                Node::Element(tr) if tr.tag == "tr" => rows.push(("tbody", tr)),
                Node::Element(x) if matches!(x.tag.as_str(), "colgroup" | "col") => {}
                Node::Element(x) if x.tag == "caption" => stray.push(child.clone()),
                Node::Element(x) => {
                    self.unknown.insert(format!("<{}> in <table>", x.tag));
                    stray.push(child.clone());
                }
                Node::Text(t) if t.trim_ascii().is_empty() => {}
                Node::Text(_) => stray.push(child.clone()),
            }
        }
        let keep = e.has_class("keep") && rows.len() <= 30;
        if e.has_class("pairs") {
            self.pairs(&rows);
        } else {
            let (placed, columns) = place(rows);
            let widths = column_widths(&placed, columns, e.has_class("summary"));
            let summary = e.has_class("summary");
            let frame = if summary {
                "block(stroke: 1.5pt + black, "
            } else {
                ""
            };
            let _ = write!(
                self.out,
                "#cw-table({keep}, {frame}table(columns: ({},), ",
                widths.join(", ")
            );
            self.rows(&placed, e.has_class("compact"), summary);
            self.out.push_str(if summary { ")))\n" } else { "))\n" });
        }
        if !stray.is_empty() {
            self.blocks(&stray);
        }
    }

    /// The rows of a table by part: header, body, footer.
    fn rows(&mut self, rows: &[Row<'_>], compact: bool, summary: bool) {
        for part in ["thead", "tbody", "tfoot"] {
            let of_part: Vec<&Row<'_>> = rows.iter().filter(|r| r.part == part).collect();
            if of_part.is_empty() {
                continue;
            }
            match part {
                "thead" => self.out.push_str("table.header(repeat: true, "),
                "tfoot" => self.out.push_str("table.footer(repeat: false, "),
                _ => {}
            }
            for row in of_part {
                for cell in &row.cells {
                    let strong = part == "tfoot" || row.total;
                    self.cell(cell, compact, summary, strong);
                }
            }
            if part != "tbody" {
                self.out.push_str("), ");
            }
        }
    }

    fn cell(&mut self, cell: &Cell<'_>, compact: bool, summary: bool, strong: bool) {
        let e = cell.element;
        self.styles(e);
        self.out.push_str("table.cell(");
        if cell.colspan > 1 {
            let _ = write!(self.out, "colspan: {}, ", cell.colspan);
        }
        if cell.rowspan > 1 {
            let _ = write!(self.out, "rowspan: {}, ", cell.rowspan);
        }
        let align = style_value(e, "text-align");
        if e.has_class("num") || align == Some("right") {
            self.out.push_str("align: right + top, ");
        } else if e.has_class("center") || align == Some("center") {
            self.out.push_str("align: center + top, ");
        }
        let th = e.tag == "th";
        if th {
            self.out.push_str(if summary {
                "fill: cw-summary-th-fill, "
            } else {
                "fill: cw-th-fill, "
            });
        } else if strong {
            self.out.push_str("fill: cw-total-fill, ");
        }
        if compact {
            self.out.push_str("inset: (x: 1.2mm, y: 1mm), ");
        }
        self.out.push_str(")[");
        let mut wraps: Vec<&str> = Vec::new();
        if compact {
            wraps.push("cw-compact");
        }
        if th {
            wraps.push("cw-th");
        } else if strong {
            wraps.push("strong");
        }
        wraps.extend(self.wrappers(e));
        for f in &wraps {
            let _ = write!(self.out, "#{f}[");
        }
        self.out.push('\n');
        self.blocks(&e.children);
        for _ in &wraps {
            self.out.push(']');
        }
        self.out.push_str("], ");
    }

    /// A `.pairs` table: each row is a term (label and value); two terms a row.
    fn pairs(&mut self, rows: &[(&str, &Element)]) {
        self.out
            .push_str("#cw-table(false, table(columns: (1.24fr, 0.76fr, 1.24fr, 0.76fr), ");
        let mut count = 0;
        for (_, tr) in rows {
            for cell in tr
                .elements()
                .filter(|c| matches!(c.tag.as_str(), "td" | "th"))
            {
                let placed = Cell {
                    element: cell,
                    column: 0,
                    colspan: 1,
                    rowspan: 1,
                };
                self.cell(&placed, false, false, false);
                count += 1;
            }
        }
        for _ in 0..(4 - count % 4) % 4 {
            self.out.push_str("[], ");
        }
        self.out.push_str("))\n");
    }
}
