//! Census files: a CSV of members (UTF-8, UTF-8 with BOM, or GBK as Excel saves it in China)
//! checked row by row against the product's member inputs.
//!
//! Invariants: every member read has a value of its field's type and range for every member
//! input; every bad cell is reported with its row and column; at most [`MAX_MEMBERS`] members.

use std::path::Path;

use rust_decimal::Decimal;

use super::{Member, Party};
use crate::diagnostics::codes::*;
use crate::diagnostics::{Diagnostic, Diagnostics, Span, did_you_mean};
use crate::formula::Value;
use crate::product::check::coerce;
use crate::product::{FieldType, InputGroup, Product};

/// Most members a census may hold.
pub const MAX_MEMBERS: usize = 1_000_000;

/// Decodes census bytes: UTF-8 (with or without BOM) or GBK as Excel saves it in China.
pub fn decode_census(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GBK.decode(bytes);
            (text.into_owned(), "GBK")
        }
    }
}

/// Reads a census CSV file.
pub fn read_census_file(product: &Product, path: &Path) -> Result<Vec<Member>, Diagnostics> {
    let bytes = super::read_input(path).map_err(|e| {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error(E0220, format!("cannot read the census: {e}")).in_file(path));
        d
    })?;
    let (text, _) = decode_census(&bytes);
    read_census(product, path, &text)
}

/// A census header checked against the product: the column of `name`, `id` and of each
/// member field. Built once per census, then used for every row.
#[derive(Clone, Debug)]
pub struct CensusLayout {
    /// The header cells, trimmed.
    pub header: Vec<String>,
    name: Option<usize>,
    id: Option<usize>,
    /// Each member field (in the product's order) with its column, if the census has one.
    fields: Vec<(crate::product::Field, Option<usize>)>,
}

/// A problem with a header cell: the column (0-based), the message and a hint.
#[derive(Clone, Debug, PartialEq)]
pub struct HeaderProblem {
    /// The column (0-based).
    pub column: usize,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

/// What is wrong with one census row.
#[derive(Clone, Debug, PartialEq)]
pub enum RowProblem {
    /// The row has `cells` cells, the header `columns`.
    Cells {
        /// Cells in the row.
        cells: usize,
        /// Columns in the header.
        columns: usize,
    },
    /// A required cell is empty.
    Empty {
        /// The member field.
        field: String,
        /// Its column (0-based).
        column: usize,
    },
    /// A cell's value is not one the field allows.
    Invalid {
        /// The member field.
        field: String,
        /// Its column (0-based).
        column: usize,
        /// Why the value does not fit.
        message: String,
    },
}

impl RowProblem {
    /// The member field the problem is in, if it is in one cell.
    pub fn field(&self) -> Option<&str> {
        match self {
            RowProblem::Cells { .. } => None,
            RowProblem::Empty { field, .. } | RowProblem::Invalid { field, .. } => Some(field),
        }
    }

    /// The problem without its row, e.g. "the cell is empty".
    pub fn message(&self) -> String {
        match self {
            RowProblem::Cells { cells, columns } => {
                format!("the row has {cells} cells, but the header has {columns} columns")
            }
            RowProblem::Empty { .. } => "the cell is empty".to_string(),
            RowProblem::Invalid { message, .. } => message.clone(),
        }
    }
}

impl CensusLayout {
    /// Checks a header row: every column is a member field, `name`, `id` or one of `extra`
    /// (columns the caller reads itself); every field without a default has a column.
    pub fn new(
        product: &Product,
        header: Vec<String>,
        extra: &[&str],
    ) -> Result<CensusLayout, Vec<HeaderProblem>> {
        let mut problems = Vec::new();
        let member_fields: Vec<&crate::product::Field> = product
            .fields
            .iter()
            .filter(|f| f.group == InputGroup::Member)
            .collect();
        for (i, h) in header.iter().enumerate() {
            if h != "name"
                && h != "id"
                && !extra.contains(&h.as_str())
                && !member_fields.iter().any(|f| &f.name == h)
            {
                let names: Vec<&str> = member_fields
                    .iter()
                    .map(|f| f.name.as_str())
                    .chain(["name", "id"])
                    .collect();
                let help = did_you_mean(h, names.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("census columns: {}", names.join(", ")));
                problems.push(HeaderProblem {
                    column: i,
                    message: format!("row 1, column {}: unknown column `{h}`", i + 1),
                    help,
                });
            }
        }
        let col_of = |name: &str| header.iter().position(|h| h == name);
        for f in &member_fields {
            if col_of(&f.name).is_none() && f.default.is_none() {
                problems.push(HeaderProblem {
                    column: 0,
                    message: format!("row 1: the census has no column `{}`", f.name),
                    help: format!("add a `{}` column", f.name),
                });
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(CensusLayout {
            name: col_of("name"),
            id: col_of("id"),
            fields: member_fields
                .into_iter()
                .map(|f| (f.clone(), col_of(&f.name)))
                .collect(),
            header,
        })
    }

    /// The column named `name`, if the header has it.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// Reads one row into a member. `Ok(None)` for a row whose cells are all empty (skipped).
    /// Every bad cell of the row is reported, in column order of the product's fields.
    pub fn member(
        &self,
        product: &Product,
        rec: &csv::StringRecord,
        row: usize,
    ) -> Result<Option<Member>, Vec<RowProblem>> {
        if rec.iter().all(|c| c.trim().is_empty()) {
            return Ok(None);
        }
        if rec.len() != self.header.len() {
            return Err(vec![RowProblem::Cells {
                cells: rec.len(),
                columns: self.header.len(),
            }]);
        }
        let mut party = Party::default();
        if let Some(c) = self.name {
            party.name = rec.get(c).unwrap_or("").trim().to_string();
        }
        if let Some(c) = self.id {
            party.id = rec
                .get(c)
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
        }
        let mut inputs = Vec::with_capacity(self.fields.len());
        let mut problems = Vec::new();
        for (f, col) in &self.fields {
            let cell = col.and_then(|c| rec.get(c)).map(str::trim).unwrap_or("");
            let v = if cell.is_empty() {
                match f.default {
                    Some(v) => v,
                    None => {
                        problems.push(RowProblem::Empty {
                            field: f.name.clone(),
                            column: col.unwrap_or(0),
                        });
                        Value::Bool(false)
                    }
                }
            } else {
                match fast_coerce(&f.ty, cell)
                    .map_or_else(|| coerce(&f.ty, cell, &product.interner), Ok)
                {
                    Ok(v) => v,
                    Err(e) => {
                        problems.push(RowProblem::Invalid {
                            field: f.name.clone(),
                            column: col.unwrap_or(0),
                            message: e,
                        });
                        Value::Bool(false)
                    }
                }
            };
            inputs.push(v);
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Some(Member {
            party,
            inputs,
            row: Some(row),
        }))
    }
}

/// The common census cells (plain whole numbers, `true`/`false`) read without the general
/// parser; `None` sends the cell to [`coerce`], which gives the same value or the error.
#[inline]
fn fast_coerce(ty: &FieldType, cell: &str) -> Option<Value> {
    match ty {
        FieldType::Integer { min, max } | FieldType::Decimal { min, max } => {
            let b = cell.as_bytes();
            if b.is_empty() || b.len() > 18 || !b.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let n = b.iter().fold(0i64, |n, c| n * 10 + i64::from(c - b'0'));
            let d = Decimal::from(n);
            if min.is_some_and(|m| d < m) || max.is_some_and(|m| d > m) {
                return None;
            }
            Some(Value::Num(d))
        }
        FieldType::Bool => match cell {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        FieldType::Enum(_) => None,
    }
}

/// Reads census text: a header row naming member fields (plus `name` and `id`), then one row
/// per member. Every bad cell is reported with its row and column.
pub fn read_census(product: &Product, path: &Path, text: &str) -> Result<Vec<Member>, Diagnostics> {
    let mut d = Diagnostics::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            d.push(
                Diagnostic::error(E0221, format!("cannot read the header row: {e}")).in_file(path),
            );
            return Err(d);
        }
    };
    // Byte offset where each line starts, to point at a row and, for plain rows, at a cell.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let at = |row: usize, col: usize| -> Span {
        let Some(&start) = line_starts.get(row.saturating_sub(1)) else {
            return Span::new(row as u32, col as u32 + 1, 0, 0);
        };
        let line = text[start..].lines().next().unwrap_or("");
        if line.contains('"') {
            return Span::new(row as u32, 1, start, line.len());
        }
        let mut offset = 0;
        for (i, cell) in line.split(',').enumerate() {
            if i == col {
                let chars = line[..offset].chars().count() as u32;
                return Span::new(row as u32, chars + 1, start + offset, cell.len().max(1));
            }
            offset += cell.len() + 1;
        }
        Span::new(
            row as u32,
            line.chars().count() as u32 + 1,
            start + line.len(),
            0,
        )
    };
    let layout = match CensusLayout::new(product, header, &[]) {
        Ok(l) => l,
        Err(problems) => {
            for p in problems {
                d.push(
                    Diagnostic::error(E0222, p.message)
                        .in_file(path)
                        .at(at(1, p.column))
                        .with_help(p.help),
                );
            }
            return Err(d);
        }
    };
    let mut members = Vec::new();
    // Rows read as members, bad ones included, for the size limit.
    let mut count = 0usize;
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let row = e.position().map(|p| p.line() as usize).unwrap_or(0);
                d.push(
                    Diagnostic::error(E0223, format!("row {row}: {e}"))
                        .in_file(path)
                        .at(at(row, 0)),
                );
                continue;
            }
        };
        let row = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if count >= MAX_MEMBERS {
            d.push(
                Diagnostic::error(E0209, format!("row {row}: more than {MAX_MEMBERS} members"))
                    .in_file(path)
                    .at(at(row, 0)),
            );
            break;
        }
        match layout.member(product, &rec, row) {
            Ok(Some(m)) => {
                count += 1;
                members.push(m);
            }
            Ok(None) => {}
            Err(problems) => {
                if !matches!(problems.first(), Some(RowProblem::Cells { .. })) {
                    count += 1;
                }
                for p in problems {
                    let diag = match &p {
                        RowProblem::Cells { cells, columns } => Diagnostic::error(
                            E0223,
                            format!("row {row} has {cells} cells, but the header has {columns} columns"),
                        )
                        .in_file(path)
                        .at(at(row, (*cells).min(*columns)))
                        .with_help("every row needs a cell for every column (an empty cell is allowed where a default exists)"),
                        RowProblem::Empty { field, column } => Diagnostic::error(
                            E0224,
                            format!("row {row}, column `{field}`: the cell is empty"),
                        )
                        .in_file(path)
                        .at(at(row, *column)),
                        RowProblem::Invalid {
                            field,
                            column,
                            message,
                        } => Diagnostic::error(
                            E0224,
                            format!("row {row}, column `{field}`: {message}"),
                        )
                        .in_file(path)
                        .at(at(row, *column)),
                    };
                    d.push(diag);
                }
            }
        }
    }
    if d.has_errors() { Err(d) } else { Ok(members) }
}
