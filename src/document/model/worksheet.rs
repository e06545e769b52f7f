//! The worksheet a customer reads: each step's value, then the tie-out from coverage
//! premiums to the total.

use super::*;
use crate::product::StepUnit;

pub(super) fn tie(name: String, amount: Decimal, check: Decimal) -> TieRow {
    TieRow {
        name,
        amount: money(amount),
        check: money(check),
        ties: amount == check,
    }
}

/// A factor for display: at most six places, trailing zeros dropped.
pub(super) fn factor(d: Decimal) -> String {
    d.round_dp_with_strategy(6, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

/// An amount step's value to the currency's minor unit, rounded as the product rounds (the
/// quote's JSON keeps the full precision).
fn amount(v: Decimal, currency: &str, o: &DocOptions, step: &str) -> Result<String, ModelError> {
    let c = crate::money::Currency::from_code(currency)
        .ok_or_else(|| ModelError(format!("the quote's currency `{currency}` is not known")))?;
    let r = c
        .round(v, o.product.rounding)
        .ok_or_else(|| ModelError(format!("the amount of step `{step}` is too large")))?;
    Ok(crate::money::format_plain(r))
}

pub(super) fn worksheet_model(q: &QuoteView, o: &DocOptions) -> Result<WorksheetModel, ModelError> {
    let lang = o.lang;
    let cover_name = |code: &str| {
        q.coverages
            .iter()
            .find(|c| c.code == code)
            .and_then(|c| c.name.get(lang))
            .unwrap_or(code)
            .to_string()
    };
    let steps = q
        .worksheet
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let unit = match w.premium {
                Some(_) => StepUnit::Amount,
                None => o
                    .product
                    .step_units
                    .get(&w.step)
                    .copied()
                    .unwrap_or(StepUnit::Factor),
            };
            let value = match (w.premium, unit) {
                (Some(p), _) => money(p),
                (None, StepUnit::Amount) => amount(w.result, &q.currency, o, &w.step)?,
                (None, _) => factor(w.result),
            };
            Ok(StepModel {
                number: i + 1,
                step: w.step.clone(),
                label: o
                    .product
                    .step_labels
                    .get(&w.step)
                    .and_then(|b| b.get(lang))
                    .map(str::to_string),
                // The members of an export-credit quote are the declared buyers' shipments.
                scope: match w.scope.strip_prefix("member ") {
                    Some(rest) if q.product.line == "export_credit" => format!("buyer {rest}"),
                    _ => w.scope.clone(),
                },
                coverage: w.coverage.as_deref().map(cover_name),
                value,
                unit: unit.as_str(),
                is_premium: w.premium.is_some(),
                formula: w.formula.clone(),
                line: w.line.clone(),
                operands: w.operands.clone(),
            })
        })
        .collect::<Result<Vec<_>, ModelError>>()?;

    let mut coverages = Vec::new();
    let mut premium_sum = Decimal::ZERO;
    for c in &q.coverages {
        let mut sum = c.minimum_adjustment.unwrap_or_default();
        for w in q
            .worksheet
            .iter()
            .filter(|w| w.coverage.as_deref() == Some(&c.code))
        {
            sum = add(sum, w.premium.unwrap_or_default(), "worksheet sum")?;
        }
        // Without a worksheet (batch quotes) the coverage premium stands for itself.
        if q.worksheet.is_empty() {
            sum = c.premium;
        }
        premium_sum = add(premium_sum, c.premium, "premium total")?;
        coverages.push(tie(cover_name(&c.code), c.premium, sum));
    }
    let premium_total = tie(String::new(), q.totals.premium, premium_sum);
    let mut gross = q.totals.premium;
    let (mut added, mut contained) = (Vec::new(), Vec::new());
    let mut tax = Decimal::ZERO;
    for ch in q.charges.iter().filter(|c| c.kind != "premium") {
        let name = text_in(&ch.name, lang, "a charge name")?;
        if ch.included {
            tax = add(tax, ch.amount, "taxes")?;
            contained.push(tie(name, ch.amount, ch.amount));
        } else {
            gross = add(gross, ch.amount, "total")?;
            added.push(tie(name, ch.amount, ch.amount));
        }
    }
    let total = tie(String::new(), q.totals.gross, gross);
    let ties_out = coverages.iter().all(|r| r.ties)
        && premium_total.ties
        && total.ties
        && (contained.is_empty() || tax == q.totals.tax);
    Ok(WorksheetModel {
        actuary: o.actuary,
        steps,
        coverages,
        premium_total,
        added,
        contained,
        total,
        ties_out,
    })
}
