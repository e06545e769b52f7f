//! Reading a claim (YAML or one JSON line) and typing it against the product's benefits and
//! the quoted policy. Every problem is a located diagnostic; all of them are reported.
//!
//! A claim:
//! ```yaml
//! claim_id: C-2025-001
//! policy: Q-GA-SME-…          # the quote id
//! product: GA-SME@2024.1
//! date: 2025-06-20            # the claim is made (and complete) on this date
//! event: {date: 2025-06-01, id: E1}
//! insured: 2                  # member number or id (a shipment's invoice for export credit)
//! documents: [id, invoice]
//! unpaid_premium: {due: 2025-05-01, amount: 120}
//! coverages:
//!   medical: {expenses: 2500}
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{Benefit, ClaimRules, InputKind};
use crate::diagnostics::codes::{E0203, E0205, E0206, E0207, E0210, E0214};
use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::formula::Value;
use crate::product::raw::AnyValue;
use crate::product::{Product, parse_decimal};
use crate::quote::Quote;
use crate::yaml::{Node, NodeKind, Recover, Sp};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    date: Sp<String>,
    #[serde(default)]
    id: Option<Sp<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnpaid {
    due: Sp<String>,
    amount: Sp<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    #[serde(default)]
    claim_id: Option<Sp<String>>,
    #[serde(default)]
    policy: Option<Sp<String>>,
    #[serde(default)]
    product: Option<Sp<String>>,
    date: Sp<String>,
    event: Recover<RawEvent>,
    #[serde(default)]
    insured: Option<Sp<String>>,
    #[serde(default)]
    documents: Vec<Sp<String>>,
    #[serde(default)]
    unpaid_premium: Option<Recover<RawUnpaid>>,
    coverages: BTreeMap<Sp<String>, AnyValue>,
}

/// A premium unpaid at the event: due on `due`, `amount` outstanding.
#[derive(Clone, Debug, PartialEq)]
pub struct Unpaid {
    pub due: NaiveDate,
    pub amount: Decimal,
}

/// A claim as read, before it is typed against a product.
#[derive(Clone, Debug)]
pub struct Claim {
    pub file: PathBuf,
    pub id: String,
    pub policy: Option<Sp<String>>,
    pub product: Option<Sp<String>>,
    pub date: NaiveDate,
    pub event_date: NaiveDate,
    pub event_id: String,
    pub insured: Option<Sp<String>>,
    pub documents: Vec<String>,
    pub unpaid: Option<Unpaid>,
    /// Coverage code and the mapping of its inputs, in the order written.
    pub coverages: Vec<(Sp<String>, Node)>,
}

fn err(file: &Path, span: Span, code: &'static str, m: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, m).in_file(file).at(span)
}

fn date(file: &Path, s: &Sp<String>, d: &mut Diagnostics) -> Option<NaiveDate> {
    match crate::product::parse_date(&s.value) {
        Ok(x) => Some(x),
        Err(e) => {
            d.push(err(file, s.span, E0206, e));
            None
        }
    }
}

/// Reads a claim from a parsed YAML or JSON node.
pub fn read_claim(node: &Node, file: &Path) -> Result<Claim, Diagnostics> {
    let mut d = Diagnostics::new();
    let (raw, errors) = crate::yaml::from_node::<RawClaim>(node);
    for e in errors {
        d.push(e.into_diagnostic().in_file(file));
    }
    let Some(raw) = raw else {
        if d.is_empty() {
            d.push(err(
                file,
                node.span,
                E0203,
                "a claim is a mapping with `date`, `event`, `coverages`",
            ));
        }
        return Err(d);
    };
    let claim_date = date(file, &raw.date, &mut d);
    let event = raw.event.0.as_ref();
    let event_date = event.and_then(|e| date(file, &e.date, &mut d));
    let unpaid = raw
        .unpaid_premium
        .as_ref()
        .and_then(|u| u.0.as_ref())
        .and_then(|u| {
            let due = date(file, &u.due, &mut d);
            let amount = amount(file, &u.amount, &mut d);
            Some(Unpaid {
                due: due?,
                amount: amount?,
            })
        });
    let mut coverages = Vec::new();
    if let Some(NodeKind::Map(entries)) = node.get("coverages").map(|n| &n.kind) {
        for (k, v) in entries {
            let code = Sp::new(k.as_str().unwrap_or_default().to_string(), k.span);
            coverages.push((code, v.clone()));
        }
    }
    if raw.coverages.is_empty() {
        d.push(
            err(file, node.span, E0207, "the claim names no coverage")
                .with_help("add `coverages:` with the inputs of each coverage claimed"),
        );
    }
    if d.has_errors() {
        return Err(d);
    }
    let (Some(claim_date), Some(event_date)) = (claim_date, event_date) else {
        return Err(d);
    };
    Ok(Claim {
        file: file.to_path_buf(),
        id: raw.claim_id.map(|c| c.value).unwrap_or_default(),
        policy: raw.policy,
        product: raw.product,
        date: claim_date,
        event_date,
        event_id: event
            .and_then(|e| e.id.as_ref())
            .map(|i| i.value.clone())
            .unwrap_or_else(|| event_date.to_string()),
        insured: raw.insured,
        documents: raw.documents.into_iter().map(|x| x.value).collect(),
        unpaid,
        coverages,
    })
}

fn amount(file: &Path, s: &Sp<String>, d: &mut Diagnostics) -> Option<Decimal> {
    match parse_decimal(&s.value) {
        Ok(x) if x >= Decimal::ZERO => Some(x),
        Ok(_) => {
            d.push(err(
                file,
                s.span,
                E0214,
                format!("`{}` is negative; amounts are 0 or more", s.value),
            ));
            None
        }
        Err(e) => {
            d.push(
                err(file, s.span, E0214, e).with_help("write an amount such as 2500 or 2500.50"),
            );
            None
        }
    }
}

/// A claimed coverage typed against its benefit: formula slot values (inputs, grade shares).
#[derive(Clone, Debug)]
pub struct ClaimedCoverage {
    pub benefit: usize,
    pub values: Vec<Value>,
    /// Input values as text for the settlement (`expenses = 2500`, `injuries = 7, 7 → grade 6`).
    pub shown: Vec<(String, String)>,
}

/// Checks the claim belongs to the quote and types each coverage's inputs.
pub fn resolve(
    p: &Product,
    rules: &ClaimRules,
    q: &Quote,
    c: &Claim,
) -> Result<Vec<ClaimedCoverage>, Diagnostics> {
    let mut d = Diagnostics::new();
    let file = &c.file;
    if let Some(pol) = &c.policy
        && pol.value != q.quote_id
    {
        d.push(
            err(
                file,
                pol.span,
                E0205,
                format!(
                    "the claim is for policy `{}`, not `{}`",
                    pol.value, q.quote_id
                ),
            )
            .with_help("settle the claim against the quote of its own policy"),
        );
    }
    let spec = format!("{}@{}", q.product.code, q.product.version);
    if let Some(prod) = &c.product
        && prod.value != spec
        && prod.value != q.product.code
    {
        d.push(
            err(
                file,
                prod.span,
                E0205,
                format!(
                    "the claim is for `{}`, but the policy is `{spec}`",
                    prod.value
                ),
            )
            .with_help("a claim is settled by the product version that priced its policy"),
        );
    }
    let mut out = Vec::new();
    for (code, node) in &c.coverages {
        let Some(bi) = rules.benefits.iter().position(|b| b.code == code.value) else {
            let codes: Vec<&str> = rules.benefits.iter().map(|b| b.code.as_str()).collect();
            d.push(
                err(
                    file,
                    code.span,
                    E0210,
                    format!("`{}` has no benefit in {spec}", code.value),
                )
                .with_help(format!("claim one of: {}", codes.join(", "))),
            );
            continue;
        };
        let b = &rules.benefits[bi];
        match inputs(p, b, node, file, code) {
            Ok((values, shown)) => out.push(ClaimedCoverage {
                benefit: bi,
                values,
                shown,
            }),
            Err(e) => d.extend(e.into_vec()),
        }
    }
    if d.has_errors() { Err(d) } else { Ok(out) }
}

fn scalar(n: &Node) -> Option<String> {
    match &n.kind {
        NodeKind::Scalar(s) => Some(s.clone()),
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

type Typed = (Vec<Value>, Vec<(String, String)>);

fn inputs(
    p: &Product,
    b: &Benefit,
    node: &Node,
    file: &Path,
    code: &Sp<String>,
) -> Result<Typed, Diagnostics> {
    let mut d = Diagnostics::new();
    let mut values = vec![Value::Num(Decimal::ZERO); b.slots as usize];
    let mut shown = Vec::new();
    let entries: &[(Node, Node)] = match &node.kind {
        NodeKind::Map(e) => e,
        NodeKind::Null => &[],
        _ => {
            d.push(err(
                file,
                node.span,
                E0203,
                format!("the claim on `{}` is a mapping of its inputs", code.value),
            ));
            return Err(d);
        }
    };
    for (k, _) in entries {
        let name = k.as_str().unwrap_or_default();
        if !b.inputs.iter().any(|i| i.name == name) {
            let names: Vec<&str> = b.inputs.iter().map(|i| i.name.as_str()).collect();
            let help = crate::diagnostics::did_you_mean(name, names.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| {
                    format!("the inputs of `{}` are: {}", code.value, names.join(", "))
                });
            d.push(
                err(
                    file,
                    k.span,
                    crate::diagnostics::codes::E0204,
                    format!("unknown claim input `{name}`"),
                )
                .with_help(help),
            );
        }
    }
    let scale = p.coverages[b.coverage as usize].benefit_scale.as_ref();
    for input in &b.inputs {
        let given = entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(&input.name))
            .map(|(_, v)| v);
        let span = given.map(|v| v.span).unwrap_or(code.span);
        let bad = |m: String| err(file, span, E0214, format!("`{}`: {m}", input.name));
        let slot = input.slot as usize;
        if matches!(input.kind, InputKind::Grades | InputKind::Grade) {
            let grades: Vec<(String, Span)> = match given.map(|g| &g.kind) {
                Some(NodeKind::Seq(items)) => items
                    .iter()
                    .map(|i| (scalar(i).unwrap_or_default(), i.span))
                    .collect(),
                Some(_) => vec![(given.and_then(scalar).unwrap_or_default(), span)],
                None => input.default.iter().map(|x| (x.clone(), span)).collect(),
            };
            let top = scale.map(|s| s.grades.len()).unwrap_or(0);
            let mut parsed = Vec::new();
            for (g, sp) in &grades {
                match g.parse::<usize>() {
                    Ok(n) if n <= top && (n > 0 || input.kind == InputKind::Grade) => {
                        parsed.push(n)
                    }
                    _ => d.push(
                        err(
                            file,
                            *sp,
                            E0214,
                            format!("`{g}` is not a grade on the scale (1 to {top})"),
                        )
                        .with_help(format!(
                            "grade 1 is the most severe; the scale has {top} grades"
                        )),
                    ),
                }
            }
            let grade = combined_grade(&parsed);
            let share = if grade == 0 {
                Decimal::ZERO
            } else {
                scale.map(|s| s.grades[grade - 1]).unwrap_or_default()
            };
            values[slot] = Value::Num(Decimal::from(grade));
            values[slot + 1] = Value::Num(share);
            let list: Vec<String> = parsed.iter().map(|g| g.to_string()).collect();
            shown.push((
                input.name.clone(),
                format!(
                    "[{}] → grade {grade}, share {}",
                    list.join(", "),
                    share.normalize()
                ),
            ));
            continue;
        }
        let text = match given.map(scalar) {
            Some(Some(t)) => t,
            Some(None) => {
                d.push(bad("needs a single value".into()));
                continue;
            }
            None => match &input.default {
                Some(t) => t.clone(),
                None => {
                    d.push(err(
                        file,
                        code.span,
                        E0207,
                        format!("the claim on `{}` needs `{}`", code.value, input.name),
                    ));
                    continue;
                }
            },
        };
        let v = match &input.kind {
            InputKind::Integer | InputKind::Decimal => match parse_decimal(&text) {
                Ok(x) if input.kind == InputKind::Integer && !x.fract().is_zero() => {
                    Err(format!("`{text}` is not a whole number"))
                }
                Ok(x) if x < Decimal::ZERO => Err(format!("`{text}` is negative")),
                Ok(x) if input.min.is_some_and(|m| x < m) || input.max.is_some_and(|m| x > m) => {
                    Err(format!(
                        "{text} is outside {}..{}",
                        input.min.map(|m| m.to_string()).unwrap_or_default(),
                        input.max.map(|m| m.to_string()).unwrap_or_default()
                    ))
                }
                Ok(x) => Ok(Value::Num(x)),
                Err(e) => Err(e),
            },
            InputKind::Bool => match text.as_str() {
                "true" | "yes" | "是" | "1" | "Y" | "y" => Ok(Value::Bool(true)),
                "false" | "no" | "否" | "0" | "N" | "n" => Ok(Value::Bool(false)),
                _ => Err(format!("`{text}` is not true or false")),
            },
            InputKind::Date => Err(text.clone()),
            InputKind::Enum(vals) => match p.interner.get(&text) {
                Some(s) if vals.contains(&s) => Ok(Value::Text(s)),
                _ => Err(format!(
                    "`{text}` is not one of: {}",
                    vals.iter()
                        .map(|s| p.interner.word(*s))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            },
            InputKind::Grade | InputKind::Grades => continue,
        };
        match (v, &input.kind) {
            (Ok(v), _) => {
                values[slot] = v;
                shown.push((input.name.clone(), text));
            }
            // Dates are turned into day numbers once the cover start is known (settle).
            (Err(t), InputKind::Date) => match crate::product::parse_date(&t) {
                Ok(day) => {
                    values[slot] = Value::Num(Decimal::from(day.num_days_from_ce()));
                    shown.push((input.name.clone(), t));
                }
                Err(e) => d.push(err(file, span, E0206, format!("`{}`: {e}", input.name))),
            },
            (Err(m), _) => d.push(bad(m)),
        }
    }
    if d.has_errors() {
        Err(d)
    } else {
        Ok((values, shown))
    }
}

/// Several injuries from one event (JR/T 0083-2013): the most severe grade; two or more at
/// that same grade raise it by one, never above grade 1. No injury gives 0.
pub fn combined_grade(grades: &[usize]) -> usize {
    let present: Vec<usize> = grades.iter().copied().filter(|g| *g > 0).collect();
    let Some(best) = present.iter().copied().min() else {
        return 0;
    };
    let same = present.iter().filter(|g| **g == best).count();
    if same >= 2 { (best - 1).max(1) } else { best }
}

use chrono::Datelike;

#[cfg(test)]
mod tests {
    use super::combined_grade;

    #[test]
    fn injuries_combine_by_the_most_severe_grade() {
        assert_eq!(combined_grade(&[7, 7]), 6);
        assert_eq!(combined_grade(&[7, 9]), 7);
        assert_eq!(combined_grade(&[1, 1]), 1);
        assert_eq!(combined_grade(&[3, 3, 3, 5]), 2);
        assert_eq!(combined_grade(&[]), 0);
        assert_eq!(combined_grade(&[0]), 0);
    }
}
