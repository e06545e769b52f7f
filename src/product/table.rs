//! Rate tables: rows of key cells (exact values or bands) and value cells, looked up by
//! formulas.
//!
//! Invariants of a checked [`Table`]: every row has one cell per key and per value column;
//! bands have explicit bounds with lower ≤ upper; no two rows can match the same keys
//! (checked at load); values are not negative. Lookup returns the first (and only) matching row
//! and that row's file line, for the worksheet.

use std::path::PathBuf;

use rust_decimal::Decimal;

use crate::formula::{Interner, Sym, Value};

/// One bound of a band.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bound {
    pub value: Decimal,
    pub closed: bool,
}

/// A key cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyCell {
    Exact(Value),
    Band {
        lo: Option<Bound>,
        hi: Option<Bound>,
    },
}

impl KeyCell {
    #[inline]
    pub fn matches(&self, v: &Value) -> bool {
        match self {
            KeyCell::Exact(x) => x == v,
            KeyCell::Band { lo, hi } => {
                let Value::Num(d) = v else { return false };
                let above = match lo {
                    None => true,
                    Some(b) => *d > b.value || (b.closed && *d == b.value),
                };
                let below = match hi {
                    None => true,
                    Some(b) => *d < b.value || (b.closed && *d == b.value),
                };
                above && below
            }
        }
    }

    /// Whether some value matches both cells.
    pub fn intersects(&self, other: &KeyCell) -> bool {
        match (self, other) {
            (KeyCell::Exact(a), _) => other.matches(a),
            (_, KeyCell::Exact(b)) => self.matches(b),
            (KeyCell::Band { lo: l1, hi: h1 }, KeyCell::Band { lo: l2, hi: h2 }) => {
                // The intersection's lower bound is the larger lower bound, upper the smaller.
                let lo = max_lo(*l1, *l2);
                let hi = min_hi(*h1, *h2);
                match (lo, hi) {
                    (Some(l), Some(h)) => {
                        l.value < h.value || (l.value == h.value && l.closed && h.closed)
                    }
                    _ => true,
                }
            }
        }
    }

    pub fn show(&self, interner: &Interner) -> String {
        match self {
            KeyCell::Exact(v) => interner.show(v),
            KeyCell::Band { lo, hi } => format!(
                "{}{}, {}{}",
                lo.map(|b| if b.closed { "[" } else { "(" }).unwrap_or("("),
                lo.map(|b| b.value.normalize().to_string())
                    .unwrap_or_default(),
                hi.map(|b| b.value.normalize().to_string())
                    .unwrap_or_default(),
                hi.map(|b| if b.closed { "]" } else { ")" }).unwrap_or(")"),
            ),
        }
    }
}

fn max_lo(a: Option<Bound>, b: Option<Bound>) -> Option<Bound> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(a), Some(b)) => Some(if a.value > b.value || (a.value == b.value && !a.closed) {
            a
        } else {
            b
        }),
    }
}

fn min_hi(a: Option<Bound>, b: Option<Bound>) -> Option<Bound> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(a), Some(b)) => Some(if a.value < b.value || (a.value == b.value && !a.closed) {
            a
        } else {
            b
        }),
    }
}

/// Parses a band written as `[a, b]`, `[a, b)`, `(a, b]`, `[a, )` or `(, b)`.
pub fn parse_band(s: &str) -> Option<Result<KeyCell, String>> {
    let t = s.trim();
    let open = t.chars().next()?;
    if open != '[' && open != '(' {
        return None;
    }
    let close = t.chars().last()?;
    if close != ']' && close != ')' {
        return Some(Err(format!(
            "the band `{s}` must end with `]` (closed) or `)` (open)"
        )));
    }
    let inner = &t[1..t.len() - 1];
    let Some((a, b)) = inner.split_once(',') else {
        return Some(Err(format!(
            "the band `{s}` needs two bounds separated by a comma, e.g. `[3, 10]`"
        )));
    };
    let num = |x: &str| -> Result<Option<Decimal>, String> {
        let x = x.trim();
        if x.is_empty() {
            return Ok(None);
        }
        crate::product::parse_decimal(x)
            .map(Some)
            .map_err(|e| format!("in the band `{s}`: {e}"))
    };
    let lo = match num(a) {
        Ok(v) => v.map(|value| Bound {
            value,
            closed: open == '[',
        }),
        Err(e) => return Some(Err(e)),
    };
    let hi = match num(b) {
        Ok(v) => v.map(|value| Bound {
            value,
            closed: close == ']',
        }),
        Err(e) => return Some(Err(e)),
    };
    if lo.is_none() && open == '[' {
        return Some(Err(format!(
            "the band `{s}` has no lower bound, so it must open with `(`"
        )));
    }
    if hi.is_none() && close == ']' {
        return Some(Err(format!(
            "the band `{s}` has no upper bound, so it must close with `)`"
        )));
    }
    if let (Some(l), Some(h)) = (lo, hi)
        && (l.value > h.value || (l.value == h.value && !(l.closed && h.closed)))
    {
        return Some(Err(format!(
            "the band `{s}` is empty: its lower bound is not below its upper bound"
        )));
    }
    Some(Ok(KeyCell::Band { lo, hi }))
}

/// A row of a table.
#[derive(Clone, Debug)]
pub struct Row {
    pub keys: Vec<KeyCell>,
    pub values: Vec<Decimal>,
    /// Line in `Table::file` where the row is written.
    pub line: u32,
}

/// A checked rate table.
#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    pub keys: Vec<String>,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    /// The file the rows are written in (the product file or a CSV beside it).
    pub file: PathBuf,
    pub source: Option<String>,
    /// For a single exact integer key with a compact range: row index by `key - base`.
    dense: Option<(i64, Vec<u32>)>,
}

impl Table {
    pub fn new(
        name: String,
        keys: Vec<String>,
        columns: Vec<String>,
        rows: Vec<Row>,
        file: PathBuf,
        source: Option<String>,
    ) -> Table {
        let mut t = Table {
            name,
            keys,
            columns,
            rows,
            file,
            source,
            dense: None,
        };
        t.dense = t.build_dense();
        t
    }

    fn build_dense(&self) -> Option<(i64, Vec<u32>)> {
        if self.keys.len() != 1 {
            return None;
        }
        let mut ints = Vec::new();
        for (i, r) in self.rows.iter().enumerate() {
            match &r.keys[0] {
                KeyCell::Exact(Value::Num(d)) if d.fract().is_zero() => ints.push((
                    i64::try_from(d.mantissa() / 10i128.pow(d.scale())).ok()?,
                    i as u32,
                )),
                _ => return None,
            }
        }
        let lo = ints.iter().map(|x| x.0).min()?;
        let hi = ints.iter().map(|x| x.0).max()?;
        if hi - lo > 4096 {
            return None;
        }
        let mut idx = vec![u32::MAX; (hi - lo + 1) as usize];
        for (k, i) in ints {
            idx[(k - lo) as usize] = i;
        }
        Some((lo, idx))
    }

    /// The index of the row matching `keys`.
    #[inline]
    pub fn find(&self, keys: &[Value]) -> Option<usize> {
        if let (Some((base, idx)), [Value::Num(d)]) = (&self.dense, keys) {
            if !d.fract().is_zero() {
                return None;
            }
            let k = i64::try_from(d.trunc().mantissa() / 10i128.pow(d.trunc().scale())).ok()?;
            let i = *idx.get(usize::try_from(k.checked_sub(*base)?).ok()?)?;
            return (i != u32::MAX).then_some(i as usize);
        }
        self.rows
            .iter()
            .position(|r| r.keys.iter().zip(keys).all(|(c, v)| c.matches(v)))
    }

    pub fn words(&self) -> Vec<Sym> {
        let mut out = Vec::new();
        for r in &self.rows {
            for k in &r.keys {
                if let KeyCell::Exact(Value::Text(s)) = k {
                    out.push(*s);
                }
            }
        }
        out
    }
}

/// Table lookups over a product's tables (no life tables): used while checking.
pub struct TableSet<'a>(pub &'a [Table]);

impl crate::formula::Lookup for TableSet<'_> {
    fn table(
        &self,
        table: u16,
        column: u16,
        keys: &[Value],
    ) -> Result<(Decimal, u32), crate::formula::EvalError> {
        lookup(self.0, table, column, keys)
    }

    fn actuarial(
        &self,
        _func: crate::formula::Func,
        _table: u16,
        _args: &[Decimal],
    ) -> Result<Decimal, crate::formula::EvalError> {
        Err(crate::formula::EvalError {
            message: "life tables are not loaded here".into(),
        })
    }
}

/// Looks up `column` of the row matching `keys` in `tables[table]`.
#[inline]
pub fn lookup(
    tables: &[Table],
    table: u16,
    column: u16,
    keys: &[Value],
) -> Result<(Decimal, u32), crate::formula::EvalError> {
    let t = tables
        .get(table as usize)
        .ok_or_else(|| crate::formula::EvalError {
            message: "unknown table".into(),
        })?;
    match t.find(keys) {
        Some(i) => Ok((t.rows[i].values[column as usize], i as u32)),
        None => Err(crate::formula::EvalError {
            message: format!("table `{}` has no row for {}", t.name, show_keys(keys)),
        }),
    }
}

fn show_keys(keys: &[Value]) -> String {
    keys.iter()
        .map(|k| match k {
            Value::Num(d) => d.normalize().to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Text(s) => format!("word #{s}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn bands_respect_open_and_closed_bounds() {
        let b = parse_band("[0.2, 0.5)").unwrap().unwrap();
        assert!(b.matches(&Value::Num(d("0.2"))));
        assert!(!b.matches(&Value::Num(d("0.5"))));
        let open = parse_band("[101, )").unwrap().unwrap();
        assert!(open.matches(&Value::Num(d("100000"))));
        assert!(!open.matches(&Value::Num(d("100.99"))));
    }

    #[test]
    fn band_errors() {
        assert!(parse_band("[10, 3]").unwrap().is_err());
        assert!(parse_band("[, 3]").unwrap().is_err());
        assert!(parse_band("3").is_none());
    }

    #[test]
    fn intersection() {
        let a = parse_band("[0, 10]").unwrap().unwrap();
        let b = parse_band("[10, 20]").unwrap().unwrap();
        let c = parse_band("(10, 20]").unwrap().unwrap();
        assert!(a.intersects(&b));
        assert!(!a.intersects(&c));
    }
}
