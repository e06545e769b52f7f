//! Holding a quote request to the baseline (quoting): a request that the product's own rules
//! let through but a rule in force on the cover start forbids is declined, the decline naming
//! the rule (`regulation.<id>`) and citing its source.
//!
//! The rules decided per request are the group size, the occupation classes, the credit
//! periods, the yearly contribution cap and the relations of named beneficiaries; the others are properties of the product, held by
//! `validate` (see [`super::product`]).

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;

use super::product::{applies, member_slot, policy_slot};
use super::{Baseline, DECLINE_PREFIX, Limit, Rule, folder_of, for_folder};
use crate::formula::Value;
use crate::money::cmp_whole;
use crate::product::{PlanMode, Product};
use crate::rating::Failure;
use crate::request::Request;

thread_local! {
    /// The product file quoted from last on this thread and the baseline of its folder:
    /// quoting many requests against one product takes neither the folder cache's lock nor a
    /// shared reference count, nor works out the folder again.
    static LAST: RefCell<Option<(PathBuf, Arc<Baseline>)>> = const { RefCell::new(None) };
}

/// Runs `f` with the baseline for the product in file `file` (that of its folder).
fn with_baseline<T>(file: &Path, f: impl FnOnce(&Baseline) -> T) -> T {
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        // The same text, byte for byte (quicker than comparing components): a file named
        // two ways only has its folder's baseline looked up twice.
        if last
            .as_ref()
            .is_none_or(|(p, _)| p.as_os_str() != file.as_os_str())
        {
            *last = Some((file.to_path_buf(), for_folder(folder_of(file)).0));
        }
        match last.as_ref() {
            Some((_, b)) => f(b),
            None => f(&Baseline::default()),
        }
    })
}

/// Whether a kind of limit is decided per request.
fn per_request(l: &Limit) -> bool {
    matches!(
        l,
        Limit::MinMembers(_)
            | Limit::OccupationClasses { .. }
            | Limit::CreditPeriod { .. }
            | Limit::YearlyContributionCap(_)
            | Limit::BeneficiaryRelations(_)
    )
}

/// The baseline's declines of a request (empty when it meets every rule in force).
pub fn declines(p: &Product, r: &Request) -> Vec<Failure> {
    with_baseline(&p.file, |b| declines_by(b, p, r))
}

fn declines_by(baseline: &Baseline, p: &Product, r: &Request) -> Vec<Failure> {
    let mut out = Vec::new();
    for rule in baseline
        .for_line(p.line)
        .filter(|x| per_request(&x.limit) && x.in_force_on(r.start) && applies(x, p))
    {
        match &rule.limit {
            Limit::MinMembers(n) if r.members.len() < *n as usize => {
                out.push(failure(rule, None, r));
            }
            Limit::OccupationClasses { input, min, max } => {
                let Some(slot) = member_slot(p, input) else {
                    continue;
                };
                let (lo, hi) = (i64::from(*min), i64::from(*max));
                for (i, m) in r.members.iter().enumerate() {
                    if let Some(Value::Num(c)) = m.inputs.get(slot)
                        && (cmp_whole(*c, lo).is_lt() || cmp_whole(*c, hi).is_gt())
                    {
                        out.push(failure(rule, Some(i), r));
                    }
                }
            }
            Limit::CreditPeriod {
                input,
                approval,
                max_days,
                max_days_approved,
            } => {
                let Some(slot) = member_slot(p, input) else {
                    continue;
                };
                let approved = policy_slot(p, approval)
                    .and_then(|s| r.policy.get(s))
                    .is_some_and(|v| *v == Value::Bool(true));
                let limit = Decimal::from(if approved {
                    *max_days_approved
                } else {
                    *max_days
                });
                for (i, m) in r.members.iter().enumerate() {
                    if let Some(Value::Num(d)) = m.inputs.get(slot)
                        && *d > limit
                    {
                        out.push(failure(rule, Some(i), r));
                    }
                }
            }
            Limit::YearlyContributionCap(cap) => {
                if let Some(year) = planned_yearly(p, r)
                    && year > *cap
                {
                    out.push(failure(rule, None, r));
                }
            }
            Limit::BeneficiaryRelations(allowed) => {
                for (i, m) in r.members.iter().enumerate() {
                    if m.beneficiaries
                        .iter()
                        .any(|b| !allowed.contains(&b.relation))
                    {
                        out.push(failure(rule, Some(i), r));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The planned contribution of a year: `contribution` × payments a year by `frequency`, for a
/// product with a flexible-contribution plan.
fn planned_yearly(p: &Product, r: &Request) -> Option<Decimal> {
    if !p.plans.iter().any(|x| x.mode == PlanMode::Flexible) {
        return None;
    }
    let Value::Num(c) = *r.policy.get(policy_slot(p, "contribution")?)? else {
        return None;
    };
    let n = match policy_slot(p, "frequency").and_then(|s| r.policy.get(s)) {
        Some(v @ Value::Text(_)) => match p.interner.show(v).as_str() {
            "monthly" => 12,
            "quarterly" => 4,
            "semi_annual" => 2,
            _ => 1,
        },
        _ => 1,
    };
    c.checked_mul(Decimal::from(n))
}

fn failure(rule: &Rule, member: Option<usize>, r: &Request) -> Failure {
    Failure {
        rule: format!("{DECLINE_PREFIX}{}", rule.id),
        message_zh: format!("{}（监管要求：{}）", rule.name.zh, rule.source),
        message_en: format!("{} (regulatory baseline: {})", rule.name.en, rule.source),
        member: member.map(|m| m + 1),
        member_name: member.map(|m| r.members[m].party.name.clone()),
        row: member.and_then(|m| r.members[m].row),
    }
}
