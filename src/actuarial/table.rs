//! Life tables: one-year death probabilities `q_x` read from CSV text.
//!
//! Owns [`LifeTable`] and its load-time checks. A table file has a header line
//! and one row per integer age: either two columns `age,qx` or several rate
//! columns (`age,CL1,CL2,…`) of which one is chosen by name.
//!
//! Invariants of a loaded [`LifeTable`]:
//!
//! - ages are contiguous and increasing integers, at least one of them;
//! - every `q_x` satisfies `0 ≤ q_x ≤ 1` and was parsed from its decimal text
//!   (never through binary floating point);
//! - the table is closed: `q = 1` at the last age and at no earlier age, so
//!   `l_x > 0` for every age in the table and `l = 0` just past it.
//!
//! Every problem in a file is reported, not only the first, each as a
//! [`TableError`] naming the file, the 1-based line number in the file and the
//! column.

use rust_decimal::Decimal;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// One problem found in a life table file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError {
    /// The file, as given by the caller for messages.
    pub file: PathBuf,
    /// 1-based line number in the file; 0 when the problem concerns the whole
    /// file (it could not be read).
    pub line: u64,
    /// The column concerned (`age`, the rate column's name, or empty when the
    /// problem is not about one column).
    pub column: String,
    /// What is wrong, in words.
    pub message: String,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file.display(), self.line)?;
        if !self.column.is_empty() {
            write!(f, "column `{}`: ", self.column)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for TableError {}

/// A checked life table: `q_x` for the contiguous ages `first_age..=last_age`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifeTable {
    source: PathBuf,
    column: String,
    first_age: u32,
    qx: Vec<Decimal>,
}

struct Collector<'a> {
    file: &'a Path,
    errors: Vec<TableError>,
}

impl Collector<'_> {
    fn push(&mut self, line: u64, column: &str, message: String) {
        self.errors.push(TableError {
            file: self.file.to_path_buf(),
            line,
            column: column.to_string(),
            message,
        });
    }
}

impl LifeTable {
    /// Reads a life table from CSV `text`; `path_for_messages` names the file
    /// in errors and is kept as the table's source.
    ///
    /// With `column = None` the file must have exactly two columns, `age` and
    /// one rate column. With `Some(name)` the rate column `name` is used and
    /// other columns are ignored.
    ///
    /// # Errors
    ///
    /// Every problem found, in file order: missing header, missing or
    /// ambiguous column, non-integer or non-contiguous ages (a gap is reported
    /// at the row after it), `q_x` that is not a decimal number in `[0, 1]`,
    /// `q_x = 1` before the last age, and a table not closed with `q = 1` at
    /// its last age (reported at the last row).
    pub fn from_csv(
        path_for_messages: &Path,
        text: &str,
        column: Option<&str>,
    ) -> Result<LifeTable, Vec<TableError>> {
        let mut out = Collector {
            file: path_for_messages,
            errors: Vec::new(),
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());

        let mut records = reader.records();
        let header = match records.next() {
            None => {
                out.push(
                    1,
                    "",
                    "empty file: expected a header line such as `age,qx`".into(),
                );
                return Err(out.errors);
            }
            Some(Err(e)) => {
                out.push(csv_line(&e), "", format!("unreadable CSV: {e}"));
                return Err(out.errors);
            }
            Some(Ok(h)) => h,
        };
        let header_line = header.position().map_or(1, |p| p.line());
        let names: Vec<String> = header.iter().map(str::to_string).collect();

        let Some(age_idx) = names.iter().position(|n| n.eq_ignore_ascii_case("age")) else {
            let first = names.first().map(String::as_str).unwrap_or("");
            let message = if first.parse::<i64>().is_ok() {
                "header missing: the first line holds data; expected a header such as `age,qx`"
                    .to_string()
            } else {
                format!("header has no `age` column (found: {})", names.join(", "))
            };
            out.push(header_line, "age", message);
            return Err(out.errors);
        };

        let rate_idx = match column {
            Some(wanted) => match names.iter().position(|n| n == wanted) {
                Some(i) if i != age_idx => i,
                _ => {
                    out.push(
                        header_line,
                        wanted,
                        format!(
                            "no rate column `{wanted}` in header (found: {})",
                            names.join(", ")
                        ),
                    );
                    return Err(out.errors);
                }
            },
            None => {
                let others: Vec<usize> = (0..names.len()).filter(|&i| i != age_idx).collect();
                match others.as_slice() {
                    [only] => *only,
                    [] => {
                        out.push(
                            header_line,
                            "",
                            "header has no rate column after `age`".into(),
                        );
                        return Err(out.errors);
                    }
                    _ => {
                        let list: Vec<&str> = others.iter().map(|&i| names[i].as_str()).collect();
                        out.push(
                            header_line,
                            "",
                            format!(
                                "several rate columns ({}); choose one by name",
                                list.join(", ")
                            ),
                        );
                        return Err(out.errors);
                    }
                }
            }
        };
        let age_name = names[age_idx].clone();
        let rate_name = names[rate_idx].clone();

        let mut first_age: Option<u32> = None;
        let mut previous_age: Option<u32> = None;
        let mut qx: Vec<Decimal> = Vec::new();
        // (line, q) of every row whose q parsed, to check closure afterwards.
        let mut parsed: Vec<(u64, Option<Decimal>)> = Vec::new();

        for record in records {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    out.push(csv_line(&e), "", format!("unreadable CSV: {e}"));
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line());
            if record.iter().all(str::is_empty) {
                continue;
            }

            let age = match record.get(age_idx) {
                None | Some("") => {
                    out.push(line, &age_name, "missing age".into());
                    previous_age = previous_age.map(|p| p.saturating_add(1));
                    None
                }
                Some(text) => match text.parse::<u32>() {
                    Ok(a) => Some(a),
                    Err(_) => {
                        out.push(
                            line,
                            &age_name,
                            format!("age `{text}` is not a non-negative integer"),
                        );
                        // Take the row as the expected age so that one bad
                        // age is not also reported as a gap at the next row.
                        previous_age = previous_age.map(|p| p.saturating_add(1));
                        None
                    }
                },
            };
            if let Some(age) = age {
                match previous_age {
                    None => first_age = Some(age),
                    Some(prev) => {
                        let expected = u64::from(prev) + 1;
                        if u64::from(age) != expected {
                            let what = if u64::from(age) > expected {
                                format!("gap in ages: {age} follows {prev} (expected {expected})")
                            } else {
                                format!(
                                    "ages must increase by one: {age} follows {prev} (expected {expected})"
                                )
                            };
                            out.push(line, &age_name, what);
                        }
                    }
                }
                previous_age = Some(age);
            }

            let q = match record.get(rate_idx) {
                None | Some("") => {
                    out.push(line, &rate_name, "missing qx".into());
                    None
                }
                Some(text) => match Decimal::from_str(text) {
                    Err(_) => {
                        out.push(
                            line,
                            &rate_name,
                            format!("qx `{text}` is not a decimal number"),
                        );
                        None
                    }
                    Ok(q) if q < Decimal::ZERO => {
                        out.push(line, &rate_name, format!("qx {text} is below 0"));
                        None
                    }
                    Ok(q) if q > Decimal::ONE => {
                        out.push(line, &rate_name, format!("qx {text} is above 1"));
                        None
                    }
                    Ok(q) => Some(q.normalize()),
                },
            };
            parsed.push((line, q));
            qx.push(q.unwrap_or(Decimal::ZERO));
        }

        match parsed.split_last() {
            None => out.push(header_line, "", "no data rows after the header".into()),
            Some(((last_line, last_q), earlier)) => {
                for (line, q) in earlier {
                    if *q == Some(Decimal::ONE) {
                        out.push(
                            *line,
                            &rate_name,
                            "qx = 1 before the last age: later ages would have no survivors".into(),
                        );
                    }
                }
                if let Some(q) = last_q
                    && *q != Decimal::ONE
                {
                    out.push(
                        *last_line,
                        &rate_name,
                        format!("table not closed: the last age must have qx = 1, found {q}"),
                    );
                }
            }
        }

        match (out.errors.is_empty(), first_age) {
            (true, Some(first_age)) => Ok(LifeTable {
                source: path_for_messages.to_path_buf(),
                column: rate_name,
                first_age,
                qx,
            }),
            _ => {
                if out.errors.is_empty() {
                    out.push(header_line, &age_name, "no valid age in the table".into());
                }
                Err(out.errors)
            }
        }
    }

    /// Reads and checks the life table file at `path`.
    ///
    /// # Errors
    ///
    /// A single error at line 0 when the file cannot be read or is not UTF-8;
    /// otherwise every problem found by [`LifeTable::from_csv`].
    pub fn load(path: &Path, column: Option<&str>) -> Result<LifeTable, Vec<TableError>> {
        match crate::fsio::read_text(path, crate::fsio::MAX_DATA_BYTES) {
            Ok(text) => LifeTable::from_csv(path, &text, column),
            Err(e) => Err(vec![TableError {
                file: path.to_path_buf(),
                line: 0,
                column: column.unwrap_or("").to_string(),
                message: format!("cannot read the file: {e}"),
            }]),
        }
    }

    /// The file the table was read from, as given.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The name of the rate column used.
    pub fn column(&self) -> &str {
        &self.column
    }

    /// The first age of the table.
    pub fn first_age(&self) -> u32 {
        self.first_age
    }

    /// The last age of the table (the age with `q = 1`).
    pub fn last_age(&self) -> u32 {
        // The loader guarantees at least one row and contiguous u32 ages, so
        // this cannot exceed u32::MAX; saturate rather than panic regardless.
        let extra = u32::try_from(self.qx.len().saturating_sub(1)).unwrap_or(u32::MAX);
        self.first_age.saturating_add(extra)
    }

    /// `q_x` at `age`, or `None` outside the table.
    pub fn qx(&self, age: u32) -> Option<Decimal> {
        let index = age.checked_sub(self.first_age)?;
        self.qx.get(usize::try_from(index).ok()?).copied()
    }

    /// All `q_x` from the first age to the last, in order.
    pub fn rates(&self) -> &[Decimal] {
        &self.qx
    }
}

fn csv_line(e: &csv::Error) -> u64 {
    e.position().map_or(0, |p| p.line())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn p() -> &'static Path {
        Path::new("t.csv")
    }

    #[test]
    fn reads_two_column_table() {
        let t = LifeTable::from_csv(p(), "age,qx\n3,0.5\n4,1\n", None).unwrap();
        assert_eq!(t.first_age(), 3);
        assert_eq!(t.last_age(), 4);
        assert_eq!(t.column(), "qx");
        assert_eq!(t.qx(3), Some(dec("0.5")));
        assert_eq!(t.qx(4), Some(Decimal::ONE));
        assert_eq!(t.qx(5), None);
        assert_eq!(t.qx(2), None);
    }

    #[test]
    fn picks_named_column_and_requires_a_choice() {
        let text = "age,A,B\n0,0.1,0.2\n1,1.0,1\n";
        let t = LifeTable::from_csv(p(), text, Some("B")).unwrap();
        assert_eq!(t.rates(), &[dec("0.2"), Decimal::ONE]);
        let e = LifeTable::from_csv(p(), text, None).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].line, 1);
        assert!(
            e[0].message.contains("several rate columns (A, B)"),
            "{}",
            e[0]
        );
        let e = LifeTable::from_csv(p(), text, Some("C")).unwrap_err();
        assert_eq!((e[0].line, e[0].column.as_str()), (1, "C"));
    }

    #[test]
    fn reports_every_problem_with_line_and_column() {
        let text = "age,qx\n0,0.1\n2,1.5\n3,abc\nx,0.2\n5,0.3\n";
        let e = LifeTable::from_csv(p(), text, None).unwrap_err();
        let got: Vec<(u64, &str)> = e.iter().map(|e| (e.line, e.column.as_str())).collect();
        assert_eq!(
            got,
            vec![(3, "age"), (3, "qx"), (4, "qx"), (5, "age"), (6, "qx")]
        );
        assert_eq!(
            e[0].to_string(),
            "t.csv:3: column `age`: gap in ages: 2 follows 0 (expected 1)"
        );
        assert!(e[4].message.contains("not closed"));
    }

    #[test]
    fn missing_header_and_empty_file() {
        let e = LifeTable::from_csv(p(), "0,0.1\n1,1\n", None).unwrap_err();
        assert_eq!(e[0].line, 1);
        assert!(e[0].message.starts_with("header missing"));
        let e = LifeTable::from_csv(p(), "", None).unwrap_err();
        assert_eq!(e[0].line, 1);
        let e = LifeTable::from_csv(p(), "age,qx\n", None).unwrap_err();
        assert!(e[0].message.contains("no data rows"));
    }

    #[test]
    fn early_closure_and_negative_rate() {
        let e = LifeTable::from_csv(p(), "age,qx\n0,1\n1,-0.1\n2,1\n", None).unwrap_err();
        let got: Vec<u64> = e.iter().map(|e| e.line).collect();
        assert_eq!(got, vec![3, 2]);
        assert!(e[0].message.contains("below 0"));
        assert!(e[1].message.contains("before the last age"));
    }

    #[test]
    fn byte_order_mark_and_blank_lines_are_tolerated() {
        let t = LifeTable::from_csv(p(), "\u{feff}age,qx\n0,0.25\n\n1,1\n", None).unwrap();
        assert_eq!(t.rates(), &[dec("0.25"), Decimal::ONE]);
    }
}
