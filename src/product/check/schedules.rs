//! Plans and calendars resolved at load: each instalment plan is built once through the
//! schedule module's validating constructor, and each holiday calendar is parsed from the very
//! text that went into the content hash. Whatever the schedule code would refuse is reported
//! here, at the line of the setting, so quoting never meets it.

use crate::money::{Currency, RoundingMode};
use crate::schedule::{
    self, BusinessDayRule, DownPayment, HolidayCalendar, InstalmentFee, InstalmentPlan,
    PaymentMode, PlanSpec, Pricing, RemainderRule,
};

use super::*;

/// What an instalment plan needs from the rest of the product.
#[derive(Clone, Copy)]
pub(super) struct PlanContext {
    pub currency: Currency,
    pub rounding: RoundingMode,
    pub grace_days: u32,
}

impl Checker<'_> {
    /// The validated instalment plan of `plan` (none for declaration and flexible plans).
    /// A setting the schedule module refuses is an error at its line.
    pub(super) fn instalment_plan(
        &mut self,
        plan: &PaymentPlan,
        rp: &raw::RawPaymentPlan,
        cx: PlanContext,
    ) -> Option<InstalmentPlan> {
        let spec = plan_spec(plan, cx)?;
        match InstalmentPlan::new(spec) {
            Ok(ip) => Some(ip),
            Err(e) => {
                // The product-wide grace period is checked with the regulatory periods.
                if e.field != "grace_days" {
                    let span = field_span(rp, e.field);
                    self.err(
                        crate::diagnostics::codes::E0135,
                        span,
                        format!("payment plan `{}`: {}", plan.code, plan_reason(&e, cx)),
                    )
                    .help = Some(plan_help(&e, cx));
                }
                None
            }
        }
    }

    /// Parses a holiday calendar from the text read (and hashed) for it.
    pub(super) fn holiday_calendar(
        &mut self,
        path: &Path,
        text: &str,
        name: &Sp<String>,
    ) -> Option<HolidayCalendar> {
        match HolidayCalendar::from_yaml(&path.display().to_string(), text) {
            Ok(c) => Some(c),
            Err(schedule::CalendarError::Syntax {
                line,
                column,
                message,
                ..
            }) => {
                self.diags.push(
                    Diagnostic::error(
                        crate::diagnostics::codes::E0136,
                        format!("holiday calendar: {message}"),
                    )
                    .in_file(path)
                    .at(Span::new(line as u32, column.max(1) as u32, 0, 0)),
                );
                None
            }
            Err(e) => {
                self.err(
                    crate::diagnostics::codes::E0136,
                    name.span,
                    format!("holiday calendar: {e}"),
                );
                None
            }
        }
    }
}

/// The schedule module's spec for `plan`, or `None` for plans without instalments.
fn plan_spec(plan: &PaymentPlan, cx: PlanContext) -> Option<PlanSpec> {
    let mode = match plan.mode {
        PlanMode::Single => PaymentMode::Single,
        PlanMode::Annual => PaymentMode::Annual,
        PlanMode::SemiAnnual => PaymentMode::SemiAnnual,
        PlanMode::Quarterly => PaymentMode::Quarterly,
        PlanMode::Monthly => PaymentMode::Monthly,
        PlanMode::Declaration | PlanMode::Flexible => return None,
    };
    let pricing = match (plan.modal_factor, plan.loading) {
        (Some(f), _) => Pricing::ModalFactor(f),
        (None, Some(l)) => Pricing::Loading(l),
        (None, None) => Pricing::Loading(Decimal::ZERO),
    };
    let mut spec = PlanSpec::new(mode, pricing);
    spec.fee = match (plan.fee_flat, plan.fee_percent) {
        (Some(f), _) => Some(InstalmentFee::Flat(f)),
        (None, Some(x)) => Some(InstalmentFee::PercentOfInstalment(x)),
        _ => None,
    };
    spec.waive_fee_on_first = plan.waive_first_fee;
    if plan.down_payment_percent.is_some() || plan.down_payment_at_least.is_some() {
        spec.down_payment = Some(DownPayment {
            percent: plan.down_payment_percent.unwrap_or_default(),
            minimum: plan.down_payment_at_least.unwrap_or_default(),
        });
    }
    spec.minimum_instalment = plan.minimum_instalment;
    spec.remainder = if plan.remainder_last {
        RemainderRule::Last
    } else {
        RemainderRule::First
    };
    spec.minor_unit = cx.currency.minor_unit();
    spec.rounding = cx.rounding;
    spec.grace_days = cx.grace_days;
    spec.collection_day = plan.collection_day;
    spec.business_day = plan.business_day.map(|b| match b {
        BusinessDay::Following => BusinessDayRule::Following,
        BusinessDay::ModifiedFollowing => BusinessDayRule::ModifiedFollowing,
        BusinessDay::Preceding => BusinessDayRule::Preceding,
    });
    Some(spec)
}

/// Where in the plan the spec field named by a [`schedule::PlanError`] was written.
fn field_span(rp: &raw::RawPaymentPlan, field: &str) -> Span {
    let fee = rp.fee.as_ref().and_then(|f| f.0.as_ref());
    let down = rp.down_payment.as_ref().and_then(|f| f.0.as_ref());
    let span = match field {
        "modal_factor" => rp.modal_factor.as_ref().map(|s| s.span),
        "loading" => rp.loading.as_ref().map(|s| s.span),
        "fee.amount" => fee.and_then(|f| f.flat.as_ref()).map(|s| s.span),
        "fee.percent" => fee.and_then(|f| f.percent.as_ref()).map(|s| s.span),
        "down_payment.percent" => down.and_then(|d| d.percent.as_ref()).map(|s| s.span),
        "down_payment.minimum" => down.and_then(|d| d.at_least.as_ref()).map(|s| s.span),
        "down_payment" => down
            .and_then(|d| d.percent.as_ref().or(d.at_least.as_ref()))
            .map(|s| s.span),
        "minimum_instalment" => rp.minimum_instalment.as_ref().map(|s| s.span),
        "collection_day" => rp.collection_day.as_ref().map(|s| s.span),
        _ => None,
    };
    span.unwrap_or(rp.code.span)
}

/// The schedule module's reason, in the product file's words.
fn plan_reason(e: &schedule::PlanError, cx: PlanContext) -> String {
    let field = match e.field {
        "fee.amount" => "fee.flat",
        "down_payment.minimum" => "down_payment.at_least",
        f => f,
    };
    let reason = e.reason.replace(
        "the currency's minor unit",
        &format!("the smallest unit of {}", cx.currency),
    );
    format!("`{field}` {reason}")
}

fn plan_help(e: &schedule::PlanError, cx: PlanContext) -> String {
    let places = cx.currency.minor_unit();
    match e.field {
        "down_payment" if !e.reason.contains("instalments a year") => {
            "give `percent` above 0, or an `at_least` amount".to_string()
        }
        "down_payment" => {
            "a down payment needs instalments: use it with `semi_annual`, `quarterly` or `monthly`"
                .to_string()
        }
        "minimum_instalment" | "fee.amount" | "down_payment.minimum" => format!(
            "write a positive amount in {} with at most {places} decimal place(s)",
            cx.currency
        ),
        "loading" | "fee.percent" | "down_payment.percent" => {
            "write a fraction from 0 to 1 (0.03 or 3%)".to_string()
        }
        _ => "correct the value the message names".to_string(),
    }
}
