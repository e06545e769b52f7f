//! Rate tables: rows from the file or a CSV beside it, key cells (exact values or bands),
//! and rows that overlap or leave gaps.
//!
//! A table read from a CSV file is checked once per process: a table that passed is kept by
//! the content of its file and its key and value columns ([`checked_tables`]), so a second
//! product naming the same file (another version, the products of `impact`, a reload of the
//! service) takes the checked rows without reading them again. Only tables that passed every
//! check are kept (they give no diagnostics), so nothing is lost from a report.

use super::*;

/// The cells of one row with their spans, the row's line, and where to point at the row.
type CellRow = (Vec<(String, Span)>, u32, Span);

/// At most this many overlapping rows are reported for one table; the rest are counted.
pub(super) const MAX_OVERLAPS: usize = 10;

impl Checker<'_> {
    /// Every rate table.
    pub(super) fn tables(&mut self, raw: &RawProduct, d: &mut Draft) {
        let mut tables: Vec<Table> = Vec::new();
        let mut table_spans: HashMap<String, Span> = HashMap::new();
        for (tname, t) in &raw.tables {
            let Some(t) = &t.0 else { continue };
            if let Some(table) = self.table(tname, t) {
                table_spans.insert(table.name.clone(), tname.span);
                tables.push(table);
            }
        }
        d.tables = tables;
        d.table_spans = table_spans;
    }

    /// One rate table: its rows, key cells and values, without overlaps or gaps.
    pub(super) fn table(&mut self, name: &Sp<String>, t: &raw::RawTable) -> Option<Table> {
        if t.keys.is_empty() {
            self.err(
                crate::diagnostics::codes::E0126,
                name.span,
                format!("table `{}` has no key columns", name.value),
            )
            .help = Some("add `keys: [column, ...]`".into());
            return None;
        }
        let columns: Vec<String> = if t.values.is_empty() {
            vec!["value".to_string()]
        } else {
            t.values.iter().map(|v| v.value.clone()).collect()
        };
        let read = match (&t.file, t.rows.is_empty()) {
            (Some(f), true) => Some(self.read_beside(f, "table file")?),
            _ => None,
        };
        let key = read
            .as_ref()
            .map(|(path, text)| checked_key(path, text, t, &columns));
        if let Some(hit) = key.as_ref().and_then(checked_get) {
            let mut table = (*hit).clone();
            table.name = name.value.clone();
            table.source = t.source.as_ref().map(|s| s.value.clone());
            return Some(table);
        }
        let (cells_rows, file) = self.table_cells(name, t, &columns, read)?;
        let (rows, mut bad) = self.table_rows(name, t, &columns, &cells_rows, &file);
        bad |= self.key_kinds(name, t, &rows, &file);
        bad |= self.overlaps(name, &rows, &file);
        if t.keys.len() == 1 && !bad {
            bad |= self.gaps(name, &rows, &file);
        }
        if bad {
            return None;
        }
        let table = Table::new(
            name.value.clone(),
            t.keys.iter().map(|k| k.value.clone()).collect(),
            columns,
            rows.into_iter().map(|(r, _)| r).collect(),
            file,
            t.source.as_ref().map(|s| s.value.clone()),
        );
        if let Some(key) = key {
            checked_put(key, &table);
        }
        Some(table)
    }

    /// The cells of every row, from `rows:` or from the CSV file, and the file they are in.
    fn table_cells(
        &mut self,
        name: &Sp<String>,
        t: &raw::RawTable,
        columns: &[String],
        read: Option<(PathBuf, String)>,
    ) -> Option<(Vec<CellRow>, PathBuf)> {
        let mut cells_rows: Vec<CellRow> = Vec::new();
        let mut file = self.file.to_path_buf();
        match (&t.file, t.rows.is_empty()) {
            (Some(_), false) => {
                self.err(
                    crate::diagnostics::codes::E0126,
                    name.span,
                    format!(
                        "table `{}` has both `rows` and `file`; keep one",
                        name.value
                    ),
                );
                return None;
            }
            (None, true) => {
                self.err(
                    crate::diagnostics::codes::E0126,
                    name.span,
                    format!("table `{}` has no rows", name.value),
                )
                .help = Some("add `rows:` or `file:` (a CSV beside the product)".into());
                return None;
            }
            (None, false) => {
                for r in &t.rows {
                    // Point at the first key cell: the row's own span is only its `[`.
                    let at = r.value.first().map(|c| c.span).unwrap_or(r.span);
                    cells_rows.push((
                        r.value.iter().map(|c| (c.value.clone(), c.span)).collect(),
                        r.span.line,
                        at,
                    ));
                }
            }
            (Some(f), true) => {
                let (path, text) = read?;
                file = path.clone();
                let mut rdr = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .from_reader(text.as_bytes());
                let header: Vec<String> = match rdr.headers() {
                    Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
                    Err(e) => {
                        self.err(
                            crate::diagnostics::codes::E0127,
                            f.span,
                            format!("{}: {e}", path.display()),
                        );
                        return None;
                    }
                };
                let mut idx = Vec::new();
                for col in t
                    .keys
                    .iter()
                    .map(|k| k.value.as_str())
                    .chain(columns.iter().map(String::as_str))
                {
                    match header.iter().position(|h| h == col) {
                        Some(i) => idx.push(i),
                        None => {
                            self.err(
                                crate::diagnostics::codes::E0127,
                                f.span,
                                format!("{} has no column `{col}`", path.display()),
                            )
                            .help = Some(format!("its columns are: {}", header.join(", ")));
                            return None;
                        }
                    }
                }
                for rec in rdr.records() {
                    match rec {
                        Ok(rec) => {
                            let line = rec.position().map(|p| p.line() as u32).unwrap_or(0);
                            let cells = idx
                                .iter()
                                .map(|&i| (rec.get(i).unwrap_or("").trim().to_string(), f.span))
                                .collect();
                            cells_rows.push((cells, line, f.span));
                        }
                        Err(e) => {
                            let line = e.position().map(|p| p.line() as u32).unwrap_or(1);
                            self.diags.push(
                                Diagnostic::error(crate::diagnostics::codes::E0127, format!("{e}"))
                                    .in_file(&path)
                                    .at(Span::new(line, 1, 0, 0)),
                            );
                            return None;
                        }
                    }
                }
            }
        }
        Some((cells_rows, file))
    }

    /// Parses the cells of every row into key cells and values.
    fn table_rows(
        &mut self,
        name: &Sp<String>,
        t: &raw::RawTable,
        columns: &[String],
        cells_rows: &[CellRow],
        file: &Path,
    ) -> (Vec<(Row, Span)>, bool) {
        let width = t.keys.len() + columns.len();
        let from_csv = t.file.is_some();
        let mut rows = Vec::new();
        let mut bad = false;
        for (cells, line, rspan) in cells_rows {
            let here = |s: Span| {
                if from_csv {
                    Span::new(*line, 1, 0, 0)
                } else {
                    s
                }
            };
            if cells.len() != width {
                let d = Diagnostic::error(
                    crate::diagnostics::codes::E0128,
                    format!(
                        "this row of `{}` has {} cells, but the table has {} key(s) and {} value column(s)",
                        name.value,
                        cells.len(),
                        t.keys.len(),
                        columns.len()
                    ),
                )
                .in_file(file)
                .at(here(*rspan));
                self.diags.push(d);
                bad = true;
                continue;
            }
            let mut keys = Vec::new();
            for (text, span) in &cells[..t.keys.len()] {
                match parse_band(text) {
                    Some(Ok(b)) => keys.push(b),
                    Some(Err(e)) => {
                        self.diags.push(
                            Diagnostic::error(crate::diagnostics::codes::E0129, e)
                                .in_file(file)
                                .at(here(*span)),
                        );
                        bad = true;
                    }
                    None => match parse_decimal(text) {
                        Ok(d) => keys.push(KeyCell::Exact(Value::Num(d))),
                        Err(_) => match text.as_str() {
                            "true" | "false" => {
                                keys.push(KeyCell::Exact(Value::Bool(text == "true")))
                            }
                            _ => keys.push(KeyCell::Exact(Value::Text(self.interner.intern(text)))),
                        },
                    },
                }
            }
            let mut values = Vec::new();
            for (text, span) in &cells[t.keys.len()..] {
                match parse_decimal(text) {
                    Ok(d) => {
                        if d < Decimal::ZERO {
                            self.diags.push(
                                Diagnostic::error(
                                    crate::diagnostics::codes::E0115,
                                    format!("the rate {d} in `{}` is negative", name.value),
                                )
                                .in_file(file)
                                .at(here(*span))
                                .with_help("rates and factors cannot be negative"),
                            );
                            bad = true;
                        }
                        values.push(d);
                    }
                    Err(e) => {
                        self.diags.push(
                            Diagnostic::error(crate::diagnostics::codes::E0101, e)
                                .in_file(file)
                                .at(here(*span)),
                        );
                        bad = true;
                    }
                }
            }
            if keys.len() == t.keys.len() && values.len() == columns.len() {
                rows.push((
                    Row {
                        keys,
                        values,
                        line: *line,
                    },
                    here(*rspan),
                ));
            }
        }
        (rows, bad)
    }

    /// Key types must agree down each column. True when they do not.
    fn key_kinds(
        &mut self,
        name: &Sp<String>,
        t: &raw::RawTable,
        rows: &[(Row, Span)],
        file: &Path,
    ) -> bool {
        let mut bad = false;
        for k in 0..t.keys.len() {
            let kinds: HashSet<u8> = rows
                .iter()
                .map(|(r, _)| match &r.keys[k] {
                    KeyCell::Exact(Value::Text(_)) => 0,
                    KeyCell::Exact(Value::Bool(_)) => 1,
                    _ => 2,
                })
                .collect();
            if kinds.len() > 1 {
                self.diags.push(
                    Diagnostic::error(
                        crate::diagnostics::codes::E0129,
                        format!(
                            "key column `{}` of `{}` mixes words and numbers",
                            t.keys[k].value, name.value
                        ),
                    )
                    .in_file(file)
                    .at(t.keys[k].span),
                );
                bad = true;
            }
        }
        bad
    }

    /// Bands of a one-key table must follow each other without gaps. True when they do not.
    fn gaps(&mut self, name: &Sp<String>, rows: &[(Row, Span)], file: &Path) -> bool {
        let mut bad = false;
        let mut bands: Vec<(Option<table::Bound>, Option<table::Bound>, Span)> = rows
            .iter()
            .filter_map(|(r, s)| match &r.keys[0] {
                KeyCell::Band { lo, hi } => Some((*lo, *hi, *s)),
                _ => None,
            })
            .collect();
        bands.sort_by(|a, b| match (a.0, b.0) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, _) => std::cmp::Ordering::Less,
            (_, None) => std::cmp::Ordering::Greater,
            (Some(x), Some(y)) => x.value.cmp(&y.value),
        });
        for w in bands.windows(2) {
            let (hi, lo) = (w[0].1, w[1].0);
            let continuous = match (hi, lo) {
                (Some(h), Some(l)) => h.value == l.value && (h.closed != l.closed),
                _ => false,
            };
            if !continuous {
                let gap = match (hi, lo) {
                    (Some(h), Some(l)) => format!(
                        "values between {} and {} match no row",
                        h.value.normalize(),
                        l.value.normalize()
                    ),
                    _ => "the bands leave a gap".to_string(),
                };
                self.diags.push(
                    Diagnostic::error(crate::diagnostics::codes::E0131, format!("the bands of `{}` leave a gap: {gap}", name.value))
                        .in_file(file)
                        .at(w[1].2)
                        .with_help("make each band start where the one before ends, e.g. `[3, 11)` then `[11, 31)`"),
                );
                bad = true;
            }
        }
        bad
    }
}

/// What identifies a checked CSV table: its file's path and content, and the key and value
/// columns the product reads from it.
type CheckedKey = [u8; 32];

/// Most rows kept in [`checked_tables`] in all; past it, tables are checked again.
const MAX_CHECKED_ROWS: usize = 4_000_000;

/// The checked tables by [`CheckedKey`], and their rows in all.
type Checked = (HashMap<CheckedKey, std::sync::Arc<Table>>, usize);

/// The CSV tables this process has checked.
fn checked_tables() -> &'static std::sync::Mutex<Checked> {
    static TABLES: std::sync::OnceLock<std::sync::Mutex<Checked>> = std::sync::OnceLock::new();
    TABLES.get_or_init(Default::default)
}

fn checked_key(path: &Path, text: &str, t: &raw::RawTable, columns: &[String]) -> CheckedKey {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(path.as_os_str().as_encoded_bytes());
    h.update([0]);
    h.update(text.as_bytes());
    for k in &t.keys {
        h.update([0]);
        h.update(k.value.as_bytes());
    }
    h.update([1]);
    for c in columns {
        h.update([0]);
        h.update(c.as_bytes());
    }
    h.finalize().into()
}

fn checked_get(key: &CheckedKey) -> Option<std::sync::Arc<Table>> {
    let tables = checked_tables().lock().unwrap_or_else(|e| e.into_inner());
    tables.0.get(key).cloned()
}

fn checked_put(key: CheckedKey, table: &Table) {
    let mut tables = checked_tables().lock().unwrap_or_else(|e| e.into_inner());
    if tables.1 + table.rows.len() <= MAX_CHECKED_ROWS {
        tables.1 += table.rows.len();
        tables.0.insert(key, std::sync::Arc::new(table.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The minimal fixture with its `ad_rate` table moved to `rates.csv`.
    fn product_with_csv_table(dir: &Path, csv: &str) -> PathBuf {
        let text = include_str!("../../../tests/fixtures/valid/minimal.yaml").replace(
            "    rows:\n      - [1, 1.0]\n      - [2, 1.5]\n      - [3, 2.0]\n",
            "    file: rates.csv\n",
        );
        assert!(text.contains("file: rates.csv"));
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("rates.csv"), csv).unwrap();
        let file = dir.join("minimal.yaml");
        std::fs::write(&file, text).unwrap();
        file
    }

    fn key_of(dir: &Path) -> CheckedKey {
        let path = dir.join("rates.csv");
        let text = std::fs::read_to_string(&path).unwrap();
        let t = raw::RawTable {
            keys: vec![Sp {
                value: "occupation_class".to_string(),
                span: Span::default(),
            }],
            values: Vec::new(),
            rows: Vec::new(),
            file: None,
            source: None,
        };
        checked_key(&path, &text, &t, &["value".to_string()])
    }

    #[test]
    fn a_checked_csv_table_is_kept_by_content_and_checked_again_when_it_changes() {
        let dir = std::env::temp_dir().join(format!("cw-checked-{}", std::process::id()));
        let good = "occupation_class,value\n1,1.0\n2,1.5\n3,2.0\n";
        let file = product_with_csv_table(&dir, good);
        assert!(checked_get(&key_of(&dir)).is_none());
        let (p, d) = crate::product::load::load_file(&file, &Default::default());
        assert!(!d.has_errors(), "{d:?}");
        let kept = checked_get(&key_of(&dir)).expect("the checked table is kept");
        assert_eq!(kept.rows.len(), 3);
        // A second load takes the kept rows: the same table, the same content hash.
        let (again, _) = crate::product::load::load_file(&file, &Default::default());
        let (p, again) = (p.unwrap(), again.unwrap());
        assert_eq!(
            format!("{:?}", again.tables[0].rows),
            format!("{:?}", p.tables[0].rows)
        );
        assert_eq!(again.tables[0].name, "ad_rate");
        assert_eq!(again.content_hash, p.content_hash);
        // A changed file is checked again: its overlapping row is refused.
        std::fs::write(dir.join("rates.csv"), format!("{good}2,1.7\n")).unwrap();
        let (p, d) = crate::product::load::load_file(&file, &Default::default());
        assert!(p.is_none());
        assert!(
            d.iter().any(|d| d.code == crate::diagnostics::codes::E0130),
            "{d:?}"
        );
        assert!(checked_get(&key_of(&dir)).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
