//! The export-credit sections of a document: the buyer schedule, indemnity by peril and the
//! credit terms.

use super::*;

pub(super) fn buyers_model(
    q: &QuoteView,
    o: &DocOptions,
    line: LineKind,
) -> Result<Vec<BuyerModel>, ModelError> {
    if line != LineKind::ExportCredit {
        if !o.buyers.is_empty() {
            return refuse(format!(
                "buyer credit limits were given, but {} is not export credit insurance",
                q.product.code
            ));
        }
        return Ok(Vec::new());
    }
    let unknown: Vec<&str> = o
        .buyers
        .keys()
        .filter(|name| !q.members.iter().any(|m| &m.name == *name))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return refuse(format!(
            "credit limits were given for buyers the quote does not declare: {}",
            unknown.join(", ")
        ));
    }
    Ok(q.members
        .iter()
        .map(|m| {
            let mut b = buyer_model(m);
            if let Some(t) = o.buyers.get(&m.name) {
                b.country = b.country.or_else(|| t.country.clone());
                b.credit_limit = Some(money(t.credit_limit));
            }
            b
        })
        .collect())
}

pub(super) fn buyer_model(m: &MemberView) -> BuyerModel {
    let f = |k: &str| m.fields.get(k).cloned();
    let method = f("method").map(|code| match code.as_str() {
        "lc" => "L/C".to_string(),
        "dp" => "D/P".to_string(),
        "da" => "D/A".to_string(),
        "oa" => "O/A".to_string(),
        _ => code,
    });
    BuyerModel {
        number: m.number,
        name: m.name.clone(),
        country: f("country"),
        risk_class: f("country_class"),
        method,
        credit_days: f("credit_days"),
        credit_limit: f("credit_limit"),
        value: f("value"),
        premium: money(m.total),
        reference: m.id.clone(),
    }
}

pub(super) fn indemnity_model(q: &QuoteView) -> Vec<PerilModel> {
    let mut out = Vec::new();
    for c in &q.coverages {
        for (peril, ratio) in &c.indemnity {
            out.push(PerilModel {
                peril: peril.clone(),
                label: format!("peril.{peril}"),
                ratio: ratio.normalize().to_string(),
            });
        }
    }
    out
}

pub(super) fn credit_model(q: &QuoteView, o: &DocOptions) -> Result<CreditModel, ModelError> {
    let terms = o.product.credit.as_ref();
    let minimum = q.minimum_premium.as_ref().map(|m| m.amount);
    let deposit = match (terms.and_then(|t| t.deposit_share), minimum) {
        (Some(share), Some(min)) => Some(
            min.checked_mul(share)
                .ok_or_else(|| ModelError("the deposit overflows".into()))?
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
        ),
        _ => None,
    };
    let maximum = terms.map(|t| t.maximum_liability).or_else(|| {
        q.coverages
            .iter()
            .flat_map(|c| c.limits.first())
            .map(|l| l.amount)
            .next()
    });
    Ok(CreditModel {
        deposit: deposit.map(money),
        minimum_premium: minimum.map(money),
        maximum_liability: maximum.map(money),
        declare_by_day: terms.map(|t| t.declare_by_day),
        premium_due_day: terms.map(|t| t.premium_due_day),
    })
}
