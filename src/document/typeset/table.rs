//! Tables: HTML `table` (with `thead`, `tbody`, `tfoot`, `colspan` and `rowspan`) as a Typst
//! `table`, full width as in the style sheet. Column widths: a width the template gives
//! (`style="width:19%"`, `.w-cover`, `.w-no`, the 17 % label columns of `.summary`), else
//! `auto` for columns of only unbroken cells (figures, centred or `.nowrap` values, no
//! heading), else a share of the width in proportion to the longest text of the column
//! (headings count, and wrap: a long heading never makes its column wider than the page); a
//! share too narrow for the column's widest unbreakable piece (a figure, a monospace id, a
//! `.nowrap` date, a word) is widened to it, in millimetres, so nothing runs over a cell's
//! edge. The header rows repeat on each page; the footer rows close the table. A row is not
//! split across pages (`tr { break-inside: avoid }`) unless it is longer than a page, and a
//! table of [`SMALL_TABLE_ROWS`] rows or fewer is kept on one page (no total or lone row
//! left over). `.pairs` tables (one short term a row) are laid out two terms a row.

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

/// The width of the text area of an A4 page with the document's margins (210 − 2 × 16 mm).
const TEXT_WIDTH_MM: f64 = 178.0;

/// Millimetres a unit of [`width_of`] takes at 10 pt (a little over half an em: a Latin
/// letter or a bold figure, half a CJK character; a lower bound must not fall short), and
/// the horizontal insets of a cell with a little room.
const MM_PER_UNIT: f64 = 1.95;
const CELL_INSETS_MM: f64 = 4.6;

/// Whether a cell's text is never broken across lines (`.nowrap`, a figure, a centred
/// value), so its column must be at least as wide as the text.
/// Header cells are labels: they wrap unless marked `.nowrap`, so no column is made wider
/// than the page by its heading (the browser would shrink the whole page instead).
fn unbroken(e: &Element) -> bool {
    if e.tag == "th" {
        return e.has_class("nowrap") && !e.has_class("wrap");
    }
    (e.has_class("nowrap") || e.has_class("num") || e.has_class("center")) && !e.has_class("wrap")
}

/// The width of the widest line of `e`'s text, lines ending at `<br>`.
fn widest_line(e: &Element) -> usize {
    fn collect(nodes: &[Node], out: &mut String) {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(b) if b.tag == "br" => out.push('\n'),
                Node::Element(c) => collect(&c.children, out),
            }
        }
    }
    let mut text = String::new();
    collect(&e.children, &mut text);
    text.split('\n').map(width_of).max().unwrap_or(0)
}

/// The widest piece of a cell's text that cannot be broken: the whole text of an unbroken
/// cell or a short Chinese heading, else its longest word or `.nowrap` span (a CJK character
/// is a piece of its own).
fn least_width(e: &Element) -> usize {
    if unbroken(e) {
        return widest_line(e);
    }
    // A short Chinese heading (保单年度) reads as one word: not broken.
    let text = e.text();
    let text = text.trim();
    if e.tag == "th" && !text.contains(char::is_whitespace) && width_of(text) <= 8 {
        return width_of(text);
    }
    fn spans(e: &Element, out: &mut usize) {
        for c in e.elements() {
            if c.has_class("nowrap") || style_value(c, "white-space") == Some("nowrap") {
                *out = (*out).max(width_of(&c.text()));
            } else {
                spans(c, out);
            }
        }
    }
    let mut widest = e
        .text()
        .split_ascii_whitespace()
        .map(|word| {
            // `.keep-all`: a Chinese word (a name) is not broken either.
            if word.chars().any(|c| (c as u32) >= 0x2E80) && !e.has_class("keep-all") {
                2
            } else {
                width_of(word)
            }
        })
        .max()
        .unwrap_or(0);
    spans(e, &mut widest);
    widest
}

/// The width (mm) each column is expected to take: its share of the text width for a
/// percentage, the text of its unbroken cells for `auto`, and for `fr` columns a share of
/// what the others leave.
fn estimate_mm(widths: &[String], unbroken_mm: &[Option<f64>]) -> Vec<f64> {
    let percent = |w: &str| w.strip_suffix('%').and_then(|n| n.parse::<f64>().ok());
    let fr = |w: &str| w.strip_suffix("fr").and_then(|n| n.parse::<f64>().ok());
    let fixed = |(w, auto): (&String, &Option<f64>)| match percent(w) {
        Some(p) => Some(p / 100.0 * TEXT_WIDTH_MM),
        None if w == "auto" => Some(auto.unwrap_or(0.0)),
        None => w.strip_suffix("mm").and_then(|n| n.parse::<f64>().ok()),
    };
    let taken: f64 = widths.iter().zip(unbroken_mm).filter_map(fixed).sum();
    let total_fr: f64 = widths.iter().filter_map(|w| fr(w)).sum();
    widths
        .iter()
        .zip(unbroken_mm)
        .map(|(w, auto)| {
            fixed((w, auto)).unwrap_or_else(|| {
                (TEXT_WIDTH_MM - taken).max(0.0) * fr(w).unwrap_or(0.0) / total_fr.max(1.0)
            })
        })
        .collect()
}

/// The width (mm) the widest piece of unbreakable text of column `c` needs, insets
/// included ([`least_width`]).
fn unbroken_width(rows: &[Row<'_>], c: usize, compact: bool) -> Option<f64> {
    rows.iter()
        .flat_map(|r| r.cells.iter())
        .filter(|cell| cell.column == c && cell.colspan == 1)
        .map(|cell| {
            // The monospace face is 8.5 pt in every table; compact tables set the rest so.
            let scale = if compact && !cell.element.has_class("mono") {
                0.85
            } else {
                1.0
            };
            least_width(cell.element) as f64 * MM_PER_UNIT * scale
        })
        .reduce(f64::max)
        .map(|text| text + CELL_INSETS_MM)
}

/// Widens the `fr` columns holding unbroken text (an id number in a monospace font, a
/// figure) to that text's width: a share too narrow would let it run over the cell's edge.
fn widen_for_unbroken(rows: &[Row<'_>], widths: &mut [String], compact: bool) {
    let needed: Vec<Option<f64>> = (0..widths.len())
        .map(|c| unbroken_width(rows, c, compact))
        .collect();
    widen(widths, &needed);
    // The widths the template gives are wishes, as in the browser: when the columns cannot
    // all have what they need, the percentage columns give up what they have beyond it.
    let taken: f64 = estimate_mm(widths, &needed)
        .iter()
        .zip(widths.iter())
        .zip(&needed)
        .map(|((share, w), least)| {
            if w.ends_with("fr") {
                least.unwrap_or(0.0)
            } else {
                *share
            }
        })
        .sum();
    let excess = taken - TEXT_WIDTH_MM;
    if excess <= 0.0 {
        return;
    }
    let room = |w: &String, least: &Option<f64>| {
        w.strip_suffix('%')
            .and_then(|p| p.parse::<f64>().ok())
            .map(|p| {
                (
                    p / 100.0 * TEXT_WIDTH_MM,
                    (p / 100.0 * TEXT_WIDTH_MM - least.unwrap_or(0.0)).max(0.0),
                )
            })
    };
    let spare: f64 = widths
        .iter()
        .zip(&needed)
        .filter_map(|(w, l)| room(w, l))
        .map(|(_, r)| r)
        .sum();
    if spare <= 0.0 {
        return;
    }
    let give = (excess / spare).min(1.0);
    for (w, least) in widths.iter_mut().zip(&needed) {
        if let Some((mm, r)) = room(w, least) {
            *w = format!("{:.1}mm", mm - r * give);
        }
    }
    widen(widths, &needed);
}

/// Turns each `fr` or percentage column whose share falls short of what it needs into that
/// width, again until none changes (each widened column leaves less to the others).
fn widen(widths: &mut [String], needed: &[Option<f64>]) {
    for _ in 0..widths.len() {
        let estimates = estimate_mm(widths, needed);
        let mut changed = false;
        for ((width, needed), share) in widths.iter_mut().zip(needed).zip(estimates) {
            if let Some(needed) = needed
                && (width.ends_with("fr") || width.ends_with('%'))
                && *needed > share + 0.05
            {
                *width = format!("{needed:.1}mm");
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// Whether a row is short enough to be kept on one page, as `tr { break-inside: avoid }`
/// asks: a rough count of its lines, the widest cell's text over its column.
fn row_fits_a_page(row: &Row<'_>) -> bool {
    row.cells
        .iter()
        .map(|cell| width_of(&cell.element.text()))
        .max()
        .unwrap_or(0)
        < 1500
}

/// Tables of this many rows or fewer are kept on one page (a split would leave a row or a
/// total alone).
pub(super) const SMALL_TABLE_ROWS: usize = 8;

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
            let flowing: Vec<usize> = cells
                .iter()
                .filter(|cell| !unbroken(cell.element))
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
        let keep = (e.has_class("keep") && rows.len() <= 30)
            || (rows.len() <= SMALL_TABLE_ROWS && width_of(&e.text()) < 2500);
        if e.has_class("pairs") {
            self.pairs(&rows);
        } else {
            let (placed, columns) = place(rows);
            let mut widths = column_widths(&placed, columns, e.has_class("summary"));
            widen_for_unbroken(&placed, &mut widths, e.has_class("compact"));
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
                let whole = row_fits_a_page(row);
                for cell in &row.cells {
                    let strong = part == "tfoot" || row.total;
                    self.cell(cell, compact, summary, strong, whole);
                }
            }
            if part != "tbody" {
                self.out.push_str("), ");
            }
        }
    }

    fn cell(&mut self, cell: &Cell<'_>, compact: bool, summary: bool, strong: bool, whole: bool) {
        let e = cell.element;
        self.styles(e);
        self.out.push_str("table.cell(");
        if whole {
            self.out.push_str("breakable: false, ");
        }
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
        if th {
            wraps.push("cw-th");
        } else if strong {
            wraps.push("strong");
        }
        // Innermost, so a compact table's header cells are its size too, as in the style sheet.
        if compact {
            wraps.push("cw-compact");
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
                self.cell(&placed, false, false, false, true);
                count += 1;
            }
        }
        for _ in 0..(4 - count % 4) % 4 {
            self.out.push_str("[], ");
        }
        self.out.push_str("))\n");
    }
}

#[cfg(test)]
mod tests {
    use super::super::markup::convert;

    /// The body of the converted document (after the preamble).
    fn body(html: &str) -> String {
        let source = convert(html).source;
        let at = source
            .rfind("#let cw-compact")
            .expect("the preamble's last style");
        source[at..].lines().skip(1).collect::<Vec<_>>().join("\n")
    }

    /// The column widths of the first table in `html`.
    fn columns(html: &str) -> Vec<String> {
        let body = body(html);
        let at = body.find("columns: (").expect("a table") + "columns: (".len();
        let end = at + body[at..].find(",)").expect("the widths");
        body[at..end].split(", ").map(str::to_string).collect()
    }

    /// The millimetres each column gets: `fr` columns share what the others leave of the
    /// 178 mm between the margins.
    fn shares(widths: &[String]) -> Vec<f64> {
        let fr = |w: &String| w.strip_suffix("fr").map(|n| n.parse::<f64>().unwrap());
        let fixed: f64 = widths
            .iter()
            .filter(|w| fr(w).is_none())
            .map(|w| match w.strip_suffix('%') {
                Some(p) => p.parse::<f64>().unwrap() / 100.0 * 178.0,
                None => mm(w),
            })
            .sum();
        let total: f64 = widths.iter().filter_map(fr).sum();
        widths
            .iter()
            .map(|w| match fr(w) {
                Some(f) => (178.0 - fixed) * f / total,
                None if w.ends_with('%') => w[..w.len() - 1].parse::<f64>().unwrap() * 1.78,
                None => mm(w),
            })
            .collect()
    }

    fn mm(width: &str) -> f64 {
        width
            .strip_suffix("mm")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{width} is not in mm"))
    }

    #[test]
    fn a_monospace_id_widens_its_column_of_the_summary_to_fit() {
        let html = r#"<html lang="en"><body><table class="summary"><tbody>
            <tr><th>Policyholder</th><td>Dedicated Commercial Pension, Flexible Contributions</td><th>ID number</th><td class="mono nowrap">330104199001015678</td></tr>
            <tr><th>Contact</th><td>—</td><th>Waiting period</th><td>—</td></tr>
            </tbody></table></body></html>"#;
        let widths = columns(html);
        assert_eq!(widths[0], "17%");
        assert_eq!(widths[2], "17%");
        assert_eq!(widths[1], "40fr");
        // 18 figures of DejaVu Sans Mono at 8.5 pt are 32.5 mm, and the cell's insets.
        assert!(mm(&widths[3]) >= 36.0, "{widths:?}");
    }

    #[test]
    fn headers_wrap_and_figures_and_unbroken_spans_keep_their_width() {
        let html = r#"<html lang="en"><body><table class="compact"><thead>
            <tr><th class="center">Policy year</th><th>Period</th><th class="num">Declared premium</th><th class="num">Shortfall against minimum</th><th class="num">Due (negative: credit)</th><th>Due date</th></tr>
            </thead><tbody>
            <tr><td class="center">1</td><td><span class="nowrap">1 March 2025</span> – <span class="nowrap">28 February 2026</span></td><td class="num">USD 2,065.00</td><td class="num">USD 0.00</td><td class="num">USD -1,000.00</td><td class="nowrap">15 March 2026</td></tr>
            </tbody></table></body></html>"#;
        let widths = columns(html);
        // No column is left to its natural width: a long heading would take the page.
        assert!(!widths.iter().any(|w| w == "auto"), "{widths:?}");
        let total: f64 = widths
            .iter()
            .filter(|w| w.ends_with("mm"))
            .map(|w| mm(w))
            .sum();
        assert!(total < 178.0, "{widths:?}");
        let shares = shares(&widths);
        // "28 February 2026" is one unbroken span: its column is at least that wide.
        assert!(shares[1] >= 16.0 * 1.95 * 0.85, "{widths:?}");
        // The figures and the unbroken date.
        assert!(shares[2] >= 12.0 * 1.95 * 0.85, "{widths:?}");
        assert!(shares[4] >= 14.0 * 1.95 * 0.85, "{widths:?}");
        assert!(shares[5] >= 13.0 * 1.95 * 0.85, "{widths:?}");
    }

    #[test]
    fn widths_the_template_gives_yield_to_what_the_other_columns_need() {
        // The export-credit buyer schedule in English: 58 % of the width is given to four
        // columns, and the figures need most of the rest.
        let html = r#"<html lang="en"><body><table class="compact"><thead>
            <tr><th class="center">No.</th><th style="width:22%">Buyer</th><th>Country or region</th><th class="center wrap" style="width:9%">Country risk class</th><th style="width:19%">Payment method</th><th class="num wrap" style="width:8%">Credit period</th><th class="num wrap">Buyer credit limit</th><th class="num wrap">Declared shipment value</th></tr>
            </thead><tbody>
            <tr><td class="center">3</td><td>Karachi Trading Co</td><td>Pakistan</td><td class="center">C</td><td>Documents against acceptance (D/A)</td><td class="num">60 days</td><td class="num">USD 250,000.00</td><td class="num">USD 300,000.00</td></tr>
            </tbody></table></body></html>"#;
        let widths = columns(html);
        let total: f64 = widths
            .iter()
            .map(|w| match w.strip_suffix('%') {
                Some(p) => p.parse::<f64>().unwrap() / 100.0 * 178.0,
                // A share takes what the others leave.
                None if w.ends_with("fr") => 0.0,
                None => mm(w),
            })
            .sum();
        assert!(total <= 178.5, "{total} mm: {widths:?}");
        let shares = shares(&widths);
        assert!(shares[2] >= 8.0 * 1.95 * 0.85, "Pakistan: {widths:?}");
        assert!(shares[7] >= 14.0 * 1.95 * 0.85, "{widths:?}");
    }

    #[test]
    fn a_short_chinese_heading_is_not_broken_in_a_narrow_column_the_template_gives() {
        let html = r#"<html lang="zh"><body><table class="compact"><thead>
            <tr><th>买方</th><th class="num wrap" style="width:8%">信用期限</th></tr>
            </thead><tbody><tr><td>Schmidt Handels GmbH</td><td class="num">90日</td></tr>
            </tbody></table></body></html>"#;
        let shares = shares(&columns(html));
        // 信用期限 at 8.5 pt: four characters, and the insets.
        assert!(shares[1] >= 8.0 * 1.95 * 0.85, "{shares:?}");
    }

    #[test]
    fn rows_are_not_split_and_small_tables_are_kept_whole() {
        let html = r#"<html lang="zh"><body><table class="compact"><thead>
            <tr><th>保险责任</th><th class="num">保险费</th></tr></thead>
            <tbody><tr><td>意外身故及伤残</td><td class="num">¥9,625.00</td></tr></tbody>
            <tfoot><tr><td>合计</td><td class="num">¥9,625.00</td></tr></tfoot>
            </table></body></html>"#;
        let body = body(html);
        assert!(body.trim_start().starts_with("#cw-table(true, "), "{body}");
        assert_eq!(
            body.matches("table.cell(breakable: false, ").count(),
            6,
            "{body}"
        );
        // A compact table's header cells are set in its size (the innermost style wins).
        assert!(body.contains("#cw-th[#cw-compact["), "{body}");

        let rows: String = (1..=12)
            .map(|n| format!("<tr><td>{n}</td><td class=\"num\">¥{n}.00</td></tr>"))
            .collect();
        let long = html.replace(
            "<tr><td>意外身故及伤残</td><td class=\"num\">¥9,625.00</td></tr>",
            &rows,
        );
        assert!(
            super::super::markup::convert(&long)
                .source
                .contains("#cw-table(false, ")
        );
    }
}
