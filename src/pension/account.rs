//! A universal account's terms and contributions, read from the product's flexible payment
//! plan and the request (options `contribution` and `frequency`, pauses and top-ups), in the
//! same way as the quote's flexible payment option.

use crate::formula::Value;
use crate::product::{InputGroup, PaymentPlan, Product, TermUnit};
use crate::request::Request;
use crate::schedule::{
    ContributionFrequency, ContributionPlan, PensionAccountTerms, PremiumHoliday, TopUp,
};

/// The account terms of `plan` at its guaranteed crediting rate.
pub(super) fn terms(p: &Product, plan: &PaymentPlan) -> Result<PensionAccountTerms, String> {
    let rounding = p.rounding.mode();
    PensionAccountTerms::new(
        plan.crediting_rate.unwrap_or_default(),
        plan.initial_charge.unwrap_or_default(),
        plan.management_charge.unwrap_or_default(),
        plan.yearly_cap,
        p.rounding.places,
        rounding,
    )
    .map_err(|e| e.to_string())
}

/// The planned contributions of the request over its term.
pub(crate) fn plan(p: &Product, r: &Request) -> Result<ContributionPlan, String> {
    let option = |name: &str| -> Option<Value> {
        p.fields
            .iter()
            .filter(|f| f.group != InputGroup::Member)
            .position(|f| f.name == name)
            .and_then(|i| r.policy.get(i).copied())
    };
    let amount = option("contribution")
        .and_then(|v| v.num())
        .unwrap_or_default();
    let frequency = match option("frequency").map(|v| p.interner.show(&v)).as_deref() {
        Some("monthly") => ContributionFrequency::Monthly,
        Some("quarterly") => ContributionFrequency::Quarterly,
        _ => ContributionFrequency::Yearly,
    };
    let years = if p.term.unit == TermUnit::Year {
        r.term
    } else {
        1
    };
    ContributionPlan::new(
        r.start,
        years,
        amount,
        frequency,
        r.pauses
            .iter()
            .map(|(from, to)| PremiumHoliday {
                from: *from,
                to: *to,
            })
            .collect(),
        r.top_ups
            .iter()
            .map(|(date, amount)| TopUp {
                date: *date,
                amount: *amount,
            })
            .collect(),
    )
    .map_err(|e| e.to_string())
}
