//! Completeness of tables: every value the inputs and coverage terms allow finds a row in
//! each table a formula looks it up in.

use super::*;

impl Checker<'_> {
    /// For lookups whose keys are inputs or coverage terms, checks that every value they allow
    /// has a row.
    pub(super) fn check_table_coverage(&mut self, d: &Draft) {
        let Draft {
            fields,
            field_slot,
            slots,
            tables,
            steps,
            rules,
            rule_refs,
            table_spans,
            ..
        } = d;
        // Values an eligibility rule on that input alone declines need no row.
        let allowed = |r: Ref, v: Value| -> bool {
            rules.iter().zip(rule_refs).all(|(rule, refs)| {
                if refs.is_empty() || refs.iter().any(|x| *x != r) {
                    return true;
                }
                let (mut pol, mut mem) = (
                    vec![Value::Bool(false); field_slot.len()],
                    vec![Value::Bool(false); field_slot.len()],
                );
                match r {
                    Ref::Policy(i) => pol[i as usize] = v,
                    Ref::Member(i) => mem[i as usize] = v,
                    _ => return true,
                }
                let lookup = table::TableSet(tables);
                let frame = formula::Frame {
                    policy: &pol,
                    terms: &[],
                    policy_steps: &[],
                    member: Some(0),
                    member_inputs: std::slice::from_ref(&mem),
                    member_steps: formula::NO_ROWS,
                    term_months: 12,
                    rounding: RoundingStrategy::MidpointAwayFromZero,
                    lookup: &lookup,
                    year: None,
                };
                !matches!(frame.eval(&rule.expr, None), Ok(Value::Bool(false)))
            })
        };
        let mut sites: Vec<(u16, Vec<Expr>)> = Vec::new();
        for s in steps {
            walk(&s.expr, &mut sites);
        }
        for r in rules {
            walk(&r.expr, &mut sites);
        }
        let mut reported = HashSet::new();
        for (tid, keys) in sites {
            let Some(table) = tables.get(tid as usize) else {
                continue;
            };
            // Domain of each key: a list of sample values, or None when not enumerable.
            let mut domains: Vec<(Vec<Value>, String)> = Vec::new();
            for (k, key) in keys.iter().enumerate() {
                let dom = match key {
                    Expr::Ref(r @ (Ref::Policy(_) | Ref::Member(_))) => {
                        let Some(i) = field_slot.iter().position(|x| x == r) else {
                            break;
                        };
                        let f = &fields[i];
                        let Some(vals) = field_samples(&f.ty, table, k) else {
                            break;
                        };
                        let vals: Vec<Value> =
                            vals.into_iter().filter(|v| allowed(*r, *v)).collect();
                        (vals, f.name.clone())
                    }
                    Expr::Ref(Ref::Term(i)) => {
                        let s = &slots[*i as usize];
                        let vals = match &s.choice {
                            Choice::Options(o) => o.iter().map(|d| Value::Num(*d)).collect(),
                            Choice::Range { min, max, .. } => {
                                boundary_samples(table, k, *min, *max)
                            }
                        };
                        (vals, s.name.clone())
                    }
                    _ => break,
                };
                domains.push(dom);
            }
            if domains.len() != keys.len() {
                continue;
            }
            // Nothing to check when a key allows no value; too much when the combinations are
            // many.
            let total = domains
                .iter()
                .try_fold(1usize, |acc, d| acc.checked_mul(d.0.len()));
            if total.is_none_or(|t| t == 0 || t > 20_000) {
                continue;
            }
            let mut combo = vec![0usize; domains.len()];
            'outer: loop {
                let vals: Vec<Value> = combo.iter().zip(&domains).map(|(i, d)| d.0[*i]).collect();
                if table.find(&vals).is_none() && reported.insert((tid, vals.clone())) {
                    let desc: Vec<String> = vals
                        .iter()
                        .zip(&domains)
                        .map(|(v, d)| format!("{} = {}", d.1, self.interner.show(v)))
                        .collect();
                    let span = table_spans.get(&table.name).copied().unwrap_or_default();
                    self.err(
                        crate::diagnostics::codes::E0132,
                        span,
                        format!("table `{}` has no row for {}", table.name, desc.join(", ")),
                    )
                    .help = Some("add a row, or narrow the input's allowed values".into());
                }
                for i in (0..combo.len()).rev() {
                    combo[i] += 1;
                    if combo[i] < domains[i].0.len() {
                        continue 'outer;
                    }
                    combo[i] = 0;
                }
                break;
            }
        }
    }
}

/// Sample values to probe a banded key over [min, max]: the ends and both sides of every band
/// bound inside the range.
pub(super) fn boundary_samples(table: &Table, k: usize, min: Decimal, max: Decimal) -> Vec<Value> {
    let eps = Decimal::new(1, 6);
    let mut pts = vec![min, max];
    for r in &table.rows {
        if let KeyCell::Band { lo, hi } = &r.keys[k] {
            for b in lo.iter().chain(hi.iter()) {
                for p in [
                    b.value.checked_sub(eps),
                    Some(b.value),
                    b.value.checked_add(eps),
                ]
                .into_iter()
                .flatten()
                {
                    if p >= min && p <= max {
                        pts.push(p);
                    }
                }
            }
        }
    }
    pts.sort();
    pts.dedup();
    pts.into_iter().map(Value::Num).collect()
}

/// Every table lookup in `e`, with its key expressions.
pub(super) fn walk(e: &Expr, out: &mut Vec<(u16, Vec<Expr>)>) {
    match e {
        Expr::Lookup { table, keys, .. } => {
            out.push((*table, keys.to_vec()));
            keys.iter().for_each(|k| walk(k, out));
        }
        Expr::Neg(x) | Expr::Not(x) => walk(x, out),
        Expr::Bin(_, a, b) => {
            walk(a, out);
            walk(b, out);
        }
        Expr::If(a, b, c) => {
            walk(a, out);
            walk(b, out);
            walk(c, out);
        }
        Expr::In(a, _) => walk(a, out),
        Expr::Call(_, xs) => xs.iter().for_each(|x| walk(x, out)),
        _ => {}
    }
}

/// The values to try for an input used as key `k` of `table`: every word, both booleans,
/// every whole number of a narrow range, or the band edges of a wide one. `None` when the
/// input is unbounded.
fn field_samples(ty: &FieldType, table: &Table, k: usize) -> Option<Vec<Value>> {
    Some(match ty {
        FieldType::Enum(vs) => vs.iter().map(|s| Value::Text(*s)).collect(),
        FieldType::Bool => vec![Value::Bool(true), Value::Bool(false)],
        FieldType::Integer {
            min: Some(a),
            max: Some(b),
        } if b.checked_sub(*a).is_some_and(|w| w <= Decimal::from(1000)) => {
            let mut v = Vec::new();
            let mut x = *a;
            while x <= *b {
                v.push(Value::Num(x));
                x += Decimal::ONE;
            }
            v
        }
        FieldType::Integer {
            min: Some(a),
            max: Some(b),
        }
        | FieldType::Decimal {
            min: Some(a),
            max: Some(b),
        } => boundary_samples(table, k, *a, *b),
        _ => return None,
    })
}
