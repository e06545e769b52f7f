//! A census header checked against a product, and one row read into a member: the columns of
//! `name`, `id` and each member field found once per census, then every row's cells coerced to
//! the fields' types.
//!
//! Invariants: every member read has a value of its field's type and range for every member
//! input; every bad cell of a row is reported, with its column; an empty row is no member.

use rust_decimal::Decimal;

use crate::diagnostics::did_you_mean;
use crate::formula::Value;
use crate::product::check::coerce;
use crate::product::{FieldType, InputGroup, Product};
use crate::request::{Member, Party};

/// Most members a census may hold.
pub const MAX_MEMBERS: usize = 1_000_000;

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
        rec: &impl super::Cells,
        row: usize,
    ) -> Result<Option<Member>, Vec<RowProblem>> {
        let mut m = Member {
            party: Party::default(),
            inputs: Vec::with_capacity(self.fields.len()),
            row: None,
            beneficiaries: Vec::new(),
        };
        Ok(self.member_into(product, rec, row, &mut m)?.then_some(m))
    }

    /// [`Self::member`] into `m`, reusing its memory (its name, id and inputs): `Ok(false)`
    /// for a row of empty cells (`m` is then as it was). On an error `m` holds part of the
    /// row.
    pub fn member_into(
        &self,
        product: &Product,
        rec: &impl super::Cells,
        row: usize,
        m: &mut Member,
    ) -> Result<bool, Vec<RowProblem>> {
        if rec.all_blank() {
            return Ok(false);
        }
        if rec.count() != self.header.len() {
            return Err(vec![RowProblem::Cells {
                cells: rec.count(),
                columns: self.header.len(),
            }]);
        }
        m.party.name.clear();
        if let Some(c) = self.name {
            m.party
                .name
                .push_str(super::trim(rec.cell(c).unwrap_or("")));
        }
        match self.id.and_then(|c| rec.cell(c)).map(super::trim) {
            Some(id) if !id.is_empty() => match &mut m.party.id {
                Some(s) => {
                    s.clear();
                    s.push_str(id);
                }
                None => m.party.id = Some(id.to_string()),
            },
            _ => m.party.id = None,
        }
        m.inputs.clear();
        m.row = Some(row);
        m.beneficiaries.clear();
        let mut problems = Vec::new();
        for (f, col) in &self.fields {
            let cell = col.and_then(|c| rec.cell(c)).map(super::trim).unwrap_or("");
            // Each value is pushed where it is made: moved through an `Option` and a
            // `Result` first, it was stored in pieces and loaded whole, a stall per cell.
            if cell.is_empty() {
                match f.default {
                    Some(v) => m.inputs.push(v),
                    None => {
                        problems.push(RowProblem::Empty {
                            field: f.name.clone(),
                            column: col.unwrap_or(0),
                        });
                        m.inputs.push(Value::Bool(false));
                    }
                }
            } else if !fast_coerce(&f.ty, cell, &product.interner, &mut m.inputs) {
                match coerce(&f.ty, cell, &product.interner) {
                    Ok(v) => m.inputs.push(v),
                    Err(e) => {
                        problems.push(RowProblem::Invalid {
                            field: f.name.clone(),
                            column: col.unwrap_or(0),
                            message: e,
                        });
                        m.inputs.push(Value::Bool(false));
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(true)
    }
}

/// The common census cells (plain whole numbers, `true`/`false`, an enum's words) read
/// without the general parser and pushed onto `out`; `false` (nothing pushed) sends the cell
/// to [`coerce`], which gives the same value or the error.
#[inline(always)]
fn fast_coerce(
    ty: &FieldType,
    cell: &str,
    words: &crate::formula::Interner,
    out: &mut Vec<Value>,
) -> bool {
    match ty {
        FieldType::Integer { min, max } | FieldType::Decimal { min, max } => {
            let b = cell.as_bytes();
            if b.is_empty() || b.len() > 18 || !b.iter().all(u8::is_ascii_digit) {
                return false;
            }
            let n = b.iter().fold(0i64, |n, c| n * 10 + i64::from(c - b'0'));
            if min.is_some_and(|m| crate::money::cmp_whole(m, n).is_gt())
                || max.is_some_and(|m| crate::money::cmp_whole(m, n).is_lt())
            {
                return false;
            }
            out.push(Value::Num(Decimal::from(n)));
        }
        FieldType::Bool => match cell {
            "true" => out.push(Value::Bool(true)),
            "false" => out.push(Value::Bool(false)),
            _ => return false,
        },
        // The interner gives each word one symbol, so the word of a listed symbol is the
        // cell exactly when the cell's symbol is listed.
        FieldType::Enum(vals) => match vals.iter().find(|v| words.word(**v) == cell) {
            Some(v) => out.push(Value::Text(*v)),
            None => return false,
        },
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formula::Interner;

    /// [`fast_coerce`]'s value, if it takes the cell.
    fn fast_value(ty: &FieldType, cell: &str, words: &Interner) -> Option<Value> {
        let mut out = Vec::new();
        fast_coerce(ty, cell, words, &mut out).then(|| out[0])
    }

    proptest::proptest! {
        /// The fast path gives what the general reader gives, or leaves the cell to it.
        #[test]
        fn fast_coerce_gives_the_value_coerce_gives(
            cell in "(-?[0-9]{0,20}(\\.[0-9]{0,3})?|true|false|yes|male|female|Male|other| male|男)",
            bounds in 0u8..3,
        ) {
            let mut words = Interner::default();
            let vals = vec![words.intern("female"), words.intern("male")];
            words.intern("other");
            let (min, max) = match bounds {
                0 => (None, None),
                1 => (Some(Decimal::from(16)), Some(Decimal::from(65))),
                // Bounds with places, and of another scale than the cell.
                _ => (Some(Decimal::new(155, 1)), Some(Decimal::new(6500, 2))),
            };
            for ty in [
                FieldType::Integer { min, max },
                FieldType::Decimal { min, max },
                FieldType::Bool,
                FieldType::Enum(vals.clone()),
            ] {
                if let Some(fast) = fast_value(&ty, &cell, &words) {
                    let slow = coerce(&ty, &cell, &words);
                    proptest::prop_assert_eq!(Ok(fast), slow.clone(), "{:?} {:?}", ty, cell);
                    if let (Value::Num(a), Ok(Value::Num(b))) = (fast, slow) {
                        proptest::prop_assert_eq!(a.serialize(), b.serialize());
                    }
                }
            }
        }
    }

    #[test]
    fn whole_numbers_at_and_around_the_bounds_are_read_as_coerce_reads_them() {
        let words = Interner::default();
        for (min, max) in [
            (Decimal::from(16), Decimal::from(65)),
            (Decimal::new(155, 1), Decimal::new(6500, 2)),
            (Decimal::new(160, 1), Decimal::new(65, 0)),
        ] {
            let ty = FieldType::Integer {
                min: Some(min),
                max: Some(max),
            };
            for n in 0..100 {
                let cell = n.to_string();
                let fast = fast_value(&ty, &cell, &words);
                let slow = coerce(&ty, &cell, &words).ok();
                assert_eq!(
                    fast.is_some(),
                    (16..=65).contains(&n),
                    "{cell} in {min}..={max}"
                );
                if fast.is_some() {
                    assert_eq!(fast, slow, "{cell}");
                }
            }
        }
    }

    #[test]
    fn enum_cells_are_read_by_the_fast_path() {
        let mut words = Interner::default();
        let vals = vec![words.intern("female"), words.intern("male")];
        words.intern("other");
        let ty = FieldType::Enum(vals.clone());
        assert_eq!(fast_value(&ty, "male", &words), Some(Value::Text(vals[1])));
        assert_eq!(fast_value(&ty, "other", &words), None);
        assert_eq!(fast_value(&ty, "Male", &words), None);
    }
}
