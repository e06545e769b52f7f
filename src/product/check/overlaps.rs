//! Overlapping rows of a rate table, found by sorting rather than by comparing every pair.
//!
//! Rows are grouped by their exact key cells (in columns that hold no band); within a group,
//! when some column holds bands, rows are sorted by the lower bound of the first banded column
//! and swept: a row is compared only with the earlier rows whose band still reaches its lower
//! bound. A table of exact keys costs one sort; a table banded in one column costs a sort and
//! a sweep. At most [`MAX_OVERLAPS`] rows are reported per table, then one line counts the
//! rest.

use std::cmp::Ordering;

use super::tables::MAX_OVERLAPS;
use super::*;
use crate::product::table::Bound;

impl Checker<'_> {
    /// Reports rows that match the same keys as an earlier row. True when there are any.
    pub(super) fn overlaps(
        &mut self,
        name: &Sp<String>,
        rows: &[(Row, Span)],
        file: &Path,
    ) -> bool {
        let pairs = overlapping_pairs(rows);
        for &(i, j) in pairs.iter().take(MAX_OVERLAPS) {
            let (a, b) = (&rows[i].0, &rows[j].0);
            let shown: Vec<String> = b.keys.iter().map(|k| k.show(&self.interner)).collect();
            self.diags.push(
                Diagnostic::error(
                    crate::diagnostics::codes::E0130,
                    format!(
                        "this row of `{}` ({}) overlaps the row at line {}",
                        name.value,
                        shown.join(", "),
                        a.line
                    ),
                )
                .in_file(file)
                .at(rows[j].1)
                .with_help(
                    "each key value must match exactly one row; check the band bounds `[` `]` `(` `)`",
                ),
            );
        }
        if pairs.len() > MAX_OVERLAPS {
            let more = pairs.len() - MAX_OVERLAPS;
            self.err(
                crate::diagnostics::codes::E0130,
                name.span,
                format!(
                    "and {more} more overlapping row(s) in `{}` (the first {MAX_OVERLAPS} are shown)",
                    name.value
                ),
            )
            .help = Some("remove the duplicate rows, then validate again to see the rest".into());
        }
        !pairs.is_empty()
    }
}

/// Pairs `(earlier, later)` of row indices whose keys intersect, sorted by the later row.
/// Each later row appears at most once, with the first earlier row it overlaps.
fn overlapping_pairs(rows: &[(Row, Span)]) -> Vec<(usize, usize)> {
    let Some(width) = rows.first().map(|(r, _)| r.keys.len()) else {
        return Vec::new();
    };
    let banded: Vec<usize> = (0..width)
        .filter(|&k| {
            rows.iter()
                .any(|(r, _)| matches!(r.keys.get(k), Some(KeyCell::Band { .. })))
        })
        .collect();
    // Group by the exact cells of the other columns: sorting puts equal keys side by side.
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let exact_key = |i: usize| -> Vec<ExactKey> {
        (0..width)
            .filter(|k| !banded.contains(k))
            .map(|k| ExactKey::of(&rows[i].0.keys[k]))
            .collect()
    };
    let keys: Vec<Vec<ExactKey>> = (0..rows.len()).map(exact_key).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
    let mut pairs = Vec::new();
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && keys[order[end]] == keys[order[start]] {
            end += 1;
        }
        let group = &order[start..end];
        match banded.first() {
            None => pairs.extend(group[1..].iter().map(|&j| (group[0], j))),
            Some(&k) => sweep(rows, group, k, &mut pairs),
        }
        start = end;
    }
    pairs.sort_by_key(|&(i, j)| (j, i));
    pairs
}

/// Within a group of rows equal on their exact columns: sorts by the lower bound in banded
/// column `k` and compares each row with the earlier rows that still reach it.
fn sweep(rows: &[(Row, Span)], group: &[usize], k: usize, pairs: &mut Vec<(usize, usize)>) {
    let interval = |i: usize| -> (Option<Bound>, Option<Bound>) {
        match &rows[i].0.keys[k] {
            KeyCell::Band { lo, hi } => (*lo, *hi),
            KeyCell::Exact(Value::Num(d)) => {
                let b = Bound {
                    value: *d,
                    closed: true,
                };
                (Some(b), Some(b))
            }
            // Words in a numeric column are reported by the key-type check.
            KeyCell::Exact(_) => (None, None),
        }
    };
    let mut sorted: Vec<usize> = group.to_vec();
    sorted.sort_by(|&a, &b| cmp_lo(interval(a).0, interval(b).0).then(a.cmp(&b)));
    let mut active: Vec<usize> = Vec::new();
    for &j in &sorted {
        let lo = interval(j).0;
        active.retain(|&i| reaches(interval(i).1, lo));
        let hit = active
            .iter()
            .copied()
            .filter(|&i| {
                rows[i]
                    .0
                    .keys
                    .iter()
                    .zip(&rows[j].0.keys)
                    .all(|(x, y)| x.intersects(y))
            })
            .min();
        if let Some(i) = hit {
            pairs.push((i.min(j), i.max(j)));
        }
        active.push(j);
    }
}

/// Lower bounds in order: unbounded first, then by value, a closed bound before an open one.
fn cmp_lo(a: Option<Bound>, b: Option<Bound>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(x), Some(y)) => x.value.cmp(&y.value).then(y.closed.cmp(&x.closed)),
    }
}

/// Whether a band ending at `hi` reaches a band starting at `lo` (or beyond: later rows start
/// no lower).
fn reaches(hi: Option<Bound>, lo: Option<Bound>) -> bool {
    match (hi, lo) {
        (None, _) | (_, None) => true,
        (Some(h), Some(l)) => h.value > l.value || (h.value == l.value && h.closed && l.closed),
    }
}

/// An exact key cell as a sortable value (numbers, then booleans, then words by symbol).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ExactKey {
    Num(Decimal),
    Bool(bool),
    Text(u32),
    Band,
}

impl ExactKey {
    fn of(cell: &KeyCell) -> ExactKey {
        match cell {
            KeyCell::Exact(Value::Num(d)) => ExactKey::Num(d.normalize()),
            KeyCell::Exact(Value::Bool(b)) => ExactKey::Bool(*b),
            KeyCell::Exact(Value::Text(s)) => ExactKey::Text(*s),
            KeyCell::Band { .. } => ExactKey::Band,
        }
    }
}
