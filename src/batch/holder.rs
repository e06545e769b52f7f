//! Who is who in a census batch: the policyholder of each record's quote and the group key.
//!
//! A census may name the policyholder of each record in the columns of [`HOLDER_COLUMNS`]:
//! `policyholder_name`, `policyholder_id`, `policyholder_address`, `policyholder_contact`.
//! A record whose `policyholder_name` cell is filled is that policyholder: its id is the
//! `policyholder_id` cell (none when empty, never the request's); otherwise the record keeps the
//! request's policyholder. `address` and `contact` go into the quote's `policyholder.fields`
//! when their cells are filled, and a grouped record's key (its `--group-column` value) goes
//! there as `group`.
//!
//! Invariants: every row of a group names the same policyholder (a group whose rows disagree
//! is an error line naming both rows, never a silent pick); a policyholder field that the
//! product itself declares as an input is refused at the header, so a census never overrides a
//! rated value.

use super::Problem;
use crate::census::RowRef;
use crate::product::{InputGroup, Product};
use crate::request::Party;

/// Census columns naming the policyholder, and the field of the quote each fills.
pub const HOLDER_COLUMNS: [(&str, &str); 4] = [
    ("policyholder_name", "name"),
    ("policyholder_id", "id"),
    ("policyholder_address", "address"),
    ("policyholder_contact", "contact"),
];

/// The key of a grouped record's group in the quote's `policyholder.fields`.
pub const GROUP_FIELD: &str = "group";

/// The census columns of the policyholder and of the group, found once per census.
#[derive(Clone, Debug, Default)]
pub(super) struct HolderColumns {
    /// Column of each of [`HOLDER_COLUMNS`], in that order.
    columns: [Option<usize>; 4],
    /// The group column.
    group: Option<usize>,
}

/// Who a record's quote is for: the policyholder and the text fields added to the quote.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Holder {
    /// The policyholder from the census, when the record names one.
    pub party: Option<Party>,
    /// `address`, `contact` and `group`, in that order, when given.
    pub fields: Vec<(&'static str, String)>,
}

impl HolderColumns {
    /// Finds the columns in `header`; refuses one whose field the product declares as a
    /// policyholder input (its value is rated and comes from the request).
    pub fn new(
        product: &Product,
        header: &[String],
        group: Option<usize>,
    ) -> Result<HolderColumns, String> {
        let mut columns = [None; 4];
        for (i, (col, field)) in HOLDER_COLUMNS.iter().enumerate() {
            columns[i] = header.iter().position(|h| h == col);
            let declared = product
                .fields
                .iter()
                .any(|f| f.group == InputGroup::Policyholder && f.name == *field);
            if columns[i].is_some() && declared {
                return Err(format!(
                    "row 1: column `{col}`: {} declares the policyholder input `{field}`, which is \
                     rated; give it in the request file instead",
                    product.id()
                ));
            }
        }
        Ok(HolderColumns { columns, group })
    }

    /// The holder of a record made of `rows`.
    pub fn holder<'r>(
        &self,
        header: &[String],
        rows: impl Iterator<Item = RowRef<'r>> + Clone,
    ) -> Result<Holder, Problem> {
        let mut cells: [Option<&str>; 4] = [None; 4];
        for (i, col) in self.columns.iter().enumerate() {
            if let Some(c) = *col {
                cells[i] = agreed(header, rows.clone(), c)?;
            }
        }
        let [name, id, address, contact] = cells;
        let party = name.map(|n| Party {
            name: n.to_string(),
            id: id.map(str::to_string),
        });
        let mut fields = Vec::new();
        for (key, v) in [("address", address), ("contact", contact)] {
            if let Some(v) = v {
                fields.push((key, v.to_string()));
            }
        }
        if let Some(g) = self.group
            && let Some(key) = rows
                .clone()
                .next()
                .and_then(|r| r.get(g))
                .map(crate::census::trim)
        {
            fields.push((GROUP_FIELD, key.to_string()));
        }
        Ok(Holder { party, fields })
    }
}

/// The one filled value of column `c` over the rows of a record; an error when two rows give
/// different values.
fn agreed<'r>(
    header: &[String],
    rows: impl Iterator<Item = RowRef<'r>>,
    c: usize,
) -> Result<Option<&'r str>, Problem> {
    let mut found: Option<(&str, usize)> = None;
    for r in rows {
        let v = r.get(c).map(crate::census::trim).unwrap_or("");
        if v.is_empty() {
            continue;
        }
        match found {
            None => found = Some((v, r.row)),
            Some((first, row)) if first != v => {
                return Err(Problem {
                    field: header.get(c).cloned(),
                    message: format!(
                        "row {row} gives `{first}` and row {} gives `{v}`: the rows of one group \
                         have one policyholder",
                        r.row
                    ),
                });
            }
            Some(_) => {}
        }
    }
    Ok(found.map(|(v, _)| v))
}
