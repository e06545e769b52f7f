//! Declaration-based billing for short-term export credit insurance.
//!
//! The exporter declares its shipments month by month; each declaration arrives here already
//! rated (the rating engine computes `rate × declared value`). This module owns turning those
//! declarations into invoices: one invoice per shipment month, the deposit taken at the start
//! of each policy year and the year-end adjustment against the minimum premium. It also reads
//! declarations from CSV.
//!
//! Rules (see `docs/payment-plans.md`):
//!
//! - **Policy years** run from the policy start on anniversaries (`start + 12k` months,
//!   clamped). Billing covers every policy year from the first to the one holding the latest
//!   shipment.
//! - **Monthly invoices.** Declarations are grouped by policy year and calendar month of
//!   shipment; each group is one invoice, the sum of its lines' premiums (each premium rounded
//!   to the minor unit first). Declarations are due on the plan's declaration day of the next
//!   month, the invoice on its invoice day of the next month (both clamped to the month's end).
//! - **Deposit.** The deposit (a fixed amount or a percentage of the minimum premium) is
//!   invoiced on the first day of each policy year and held until the year end; monthly
//!   invoices are not reduced by it.
//! - **Year-end adjustment.** `amount = max(minimum − declared premium, 0) − deposit`,
//!   due on the invoice day of the month after the policy year's last day. A positive amount
//!   is a true-up invoice; a negative one is a credit of the unused deposit. Over a policy
//!   year the policyholder therefore pays exactly `max(minimum premium, declared premium)`.
//! - **Maximum liability.** Declared values are accumulated per policy year in shipment order;
//!   a line whose cumulative value exceeds the maximum liability is flagged (it is still
//!   billed: the premium is due on the whole turnover).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::dates;
use super::error::{PlanError, ScheduleError};
use super::money::{self, MinorUnit, Rounding};
use super::text;

/// The deposit premium taken at the start of each policy year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositRule {
    /// A fixed amount, on the minor unit.
    Amount(Decimal),
    /// A fraction in `[0, 1]` of the minimum premium, rounded to the minor unit.
    PercentOfMinimum(Decimal),
}

/// The raw values of a declaration plan; validate with [`DeclarationPlan::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclarationPlanSpec {
    /// Deposit premium, if any.
    pub deposit: Option<DepositRule>,
    /// Day of the next month by which a month's shipments must be declared (1 to 31).
    pub declaration_due_day: u32,
    /// Day of the next month on which a month's invoice is due (1 to 31, not before the
    /// declaration day).
    pub invoice_due_day: u32,
    /// Minimum premium per policy year.
    pub minimum_premium: Decimal,
    /// Maximum liability per policy year (cumulative declared value), if any.
    pub maximum_liability: Option<Decimal>,
    /// Decimal places of the currency's minor unit, 0 to 4.
    pub minor_unit: u32,
    /// Rounding of line premiums and of a percentage deposit.
    pub rounding: Rounding,
}

/// A validated declaration plan. Obtainable only through [`DeclarationPlan::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclarationPlan {
    spec: DeclarationPlanSpec,
    deposit: Decimal,
    unit: MinorUnit,
}

impl DeclarationPlan {
    /// Validates `spec`: days 1 to 31 with the invoice day not before the declaration day,
    /// amounts non-negative and on the minor unit, a deposit percentage in `[0, 1]`, a
    /// positive maximum liability.
    pub fn new(spec: DeclarationPlanSpec) -> Result<Self, PlanError> {
        let unit = MinorUnit::new(spec.minor_unit)?;
        let mut spec = spec;
        for (field, day) in [
            ("declaration_due_day", spec.declaration_due_day),
            ("invoice_due_day", spec.invoice_due_day),
        ] {
            if !(1..=31).contains(&day) {
                return Err(PlanError::new(
                    field,
                    format!("must be a day of the month, 1 to 31, got {day}"),
                ));
            }
        }
        if spec.invoice_due_day < spec.declaration_due_day {
            return Err(PlanError::new(
                "invoice_due_day",
                format!(
                    "must not be before the declaration day ({}), got {}",
                    spec.declaration_due_day, spec.invoice_due_day
                ),
            ));
        }
        spec.minimum_premium = money::check_amount("minimum_premium", spec.minimum_premium, unit)?;
        if let Some(max) = spec.maximum_liability {
            let max = money::check_amount("maximum_liability", max, unit)?;
            if max.is_zero() {
                return Err(PlanError::new(
                    "maximum_liability",
                    "must be greater than 0",
                ));
            }
            spec.maximum_liability = Some(max);
        }
        let deposit = match spec.deposit {
            None => unit.zero(),
            Some(DepositRule::Amount(a)) => money::check_amount("deposit.amount", a, unit)?,
            Some(DepositRule::PercentOfMinimum(p)) => {
                let p = money::check_fraction("deposit.percent", p)?;
                let raw = spec
                    .minimum_premium
                    .checked_mul(p)
                    .ok_or_else(|| PlanError::new("deposit.percent", "deposit amount overflows"))?;
                unit.round(raw, spec.rounding)
                    .map_err(|e| PlanError::new("deposit.percent", e.to_string()))?
            }
        };
        Ok(Self {
            spec,
            deposit,
            unit,
        })
    }

    /// The validated spec.
    pub fn spec(&self) -> &DeclarationPlanSpec {
        &self.spec
    }

    /// The deposit taken at the start of each policy year.
    pub fn deposit(&self) -> Decimal {
        self.deposit
    }
}

/// One rated shipment declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Declaration {
    /// Shipment date (for a month-only declaration, the first day of the month).
    pub shipment_date: NaiveDate,
    /// Buyer name.
    pub buyer: String,
    /// Declared shipment value, on the minor unit, greater than 0.
    pub declared_value: Decimal,
    /// The rate used, as a fraction of the declared value (0.0025 = 0.25%).
    pub rate: Decimal,
    /// The rated premium; rounded to the minor unit when billed.
    pub premium: Decimal,
}

/// One line of a monthly invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceLine {
    /// Shipment date.
    pub shipment_date: NaiveDate,
    /// Buyer name.
    pub buyer: String,
    /// Declared value.
    pub declared_value: Decimal,
    /// Rate used.
    pub rate: Decimal,
    /// Premium, rounded to the minor unit.
    pub premium: Decimal,
    /// Declared value of the policy year so far, this line included.
    pub cumulative_value: Decimal,
    /// Whether `cumulative_value` exceeds the maximum liability.
    pub exceeds_maximum_liability: bool,
}

/// The invoice for one shipment month of one policy year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthlyInvoice {
    /// 1-based policy year.
    pub policy_year: u32,
    /// Shipment month, `YYYY-MM`.
    pub month: String,
    /// Date by which the month's shipments must be declared.
    pub declaration_due: NaiveDate,
    /// Date the invoice is due.
    pub due_date: NaiveDate,
    /// The month's declarations, in shipment order.
    pub lines: Vec<InvoiceLine>,
    /// Sum of the lines' premiums.
    pub amount: Decimal,
}

/// The deposit invoice of one policy year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepositInvoice {
    /// 1-based policy year.
    pub policy_year: u32,
    /// The first day of the policy year.
    pub due_date: NaiveDate,
    /// The deposit.
    pub amount: Decimal,
}

/// The settlement of one policy year against the minimum premium and the deposit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearEndAdjustment {
    /// 1-based policy year.
    pub policy_year: u32,
    /// First day of the policy year.
    pub year_start: NaiveDate,
    /// Last day of the policy year.
    pub year_end: NaiveDate,
    /// Premium of the year's declarations.
    pub declared_premium: Decimal,
    /// The minimum premium.
    pub minimum_premium: Decimal,
    /// `max(minimum − declared, 0)`.
    pub shortfall: Decimal,
    /// The deposit credited back.
    pub deposit_credit: Decimal,
    /// `shortfall − deposit_credit`: positive is a true-up invoice, negative a credit.
    pub amount: Decimal,
    /// Due date of the true-up invoice or value date of the credit.
    pub due_date: NaiveDate,
}

/// Totals of a billing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BillingTotals {
    /// Sum of declared values.
    pub declared_value: Decimal,
    /// Sum of monthly invoices.
    pub declared_premium: Decimal,
    /// Sum of deposits invoiced.
    pub deposits: Decimal,
    /// Sum of year-end adjustments (signed).
    pub adjustments: Decimal,
    /// `declared_premium + deposits + adjustments`: what the policyholder pays in all.
    pub total_billed: Decimal,
    /// Number of lines over the maximum liability.
    pub lines_over_maximum_liability: u32,
}

/// Everything billed for a set of declarations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeclarationBilling {
    /// Deposits, one per policy year (none when the deposit is zero).
    pub deposits: Vec<DepositInvoice>,
    /// Monthly invoices in month order.
    pub invoices: Vec<MonthlyInvoice>,
    /// Year-end adjustments, one per policy year.
    pub adjustments: Vec<YearEndAdjustment>,
    /// Totals.
    pub totals: BillingTotals,
}

/// The 0-based policy year holding `date` (on or after `start`).
fn policy_year_of(start: NaiveDate, date: NaiveDate) -> Result<u32, ScheduleError> {
    let mut k = u32::try_from(date.year() - start.year()).unwrap_or(0) + 1;
    while k > 0 && dates::anchored(start, k, 12, "policy year")? > date {
        k -= 1;
    }
    Ok(k)
}

/// Bills `declarations` under `spec` for a policy starting on `policy_start`.
pub fn bill_declarations(
    spec: &DeclarationPlan,
    policy_start: NaiveDate,
    declarations: &[Declaration],
) -> Result<DeclarationBilling, ScheduleError> {
    let unit = spec.unit;
    let s = &spec.spec;
    // Validate and order by shipment date (stable: ties keep the input order).
    let mut ordered: Vec<(usize, &Declaration)> = declarations.iter().enumerate().collect();
    for (i, dec) in &ordered {
        let n = i + 1;
        if dec.shipment_date < policy_start {
            return Err(ScheduleError::input(
                "declarations",
                format!(
                    "declaration {n}: shipment date {} is before the policy start {policy_start}",
                    dec.shipment_date
                ),
            ));
        }
        if dec.declared_value <= Decimal::ZERO || !unit.holds(dec.declared_value) {
            return Err(ScheduleError::input(
                "declarations",
                format!(
                    "declaration {n}: declared value must be greater than 0 and on the minor unit, got {}",
                    dec.declared_value
                ),
            ));
        }
        if dec.premium < Decimal::ZERO || dec.rate < Decimal::ZERO {
            return Err(ScheduleError::input(
                "declarations",
                format!("declaration {n}: premium and rate must not be negative"),
            ));
        }
    }
    ordered.sort_by_key(|(i, dec)| (dec.shipment_date, *i));

    // Group by (policy year, shipment month).
    let mut groups: BTreeMap<(u32, i32, u32), Vec<&Declaration>> = BTreeMap::new();
    let mut last_year = 0;
    for (_, dec) in &ordered {
        let y = policy_year_of(policy_start, dec.shipment_date)?;
        last_year = last_year.max(y);
        groups
            .entry((y, dec.shipment_date.year(), dec.shipment_date.month()))
            .or_default()
            .push(dec);
    }

    let mut invoices = Vec::new();
    let mut cumulative: BTreeMap<u32, Decimal> = BTreeMap::new();
    let mut over = 0u32;
    for ((y, year, month), decs) in groups {
        let mut lines = Vec::with_capacity(decs.len());
        for dec in decs {
            let cum = cumulative.entry(y).or_insert(unit.zero());
            *cum = money::add(*cum, dec.declared_value, "cumulative declared value")?;
            let exceeds = s.maximum_liability.is_some_and(|m| *cum > m);
            if exceeds {
                over += 1;
            }
            let mut value = dec.declared_value;
            value.rescale(unit.places());
            lines.push(InvoiceLine {
                shipment_date: dec.shipment_date,
                buyer: dec.buyer.clone(),
                declared_value: value,
                rate: dec.rate,
                premium: unit.round(dec.premium, s.rounding)?,
                cumulative_value: *cum,
                exceeds_maximum_liability: exceeds,
            });
        }
        let amount = money::sum(unit, lines.iter().map(|l| l.premium), "monthly invoice")?;
        let first = lines
            .first()
            .map(|l| l.shipment_date)
            .unwrap_or(policy_start);
        invoices.push(MonthlyInvoice {
            policy_year: y + 1,
            month: format!("{year:04}-{month:02}"),
            declaration_due: dates::day_of_next_month(
                first,
                s.declaration_due_day,
                "declaration due date",
            )?,
            due_date: dates::day_of_next_month(first, s.invoice_due_day, "invoice due date")?,
            lines,
            amount,
        });
    }

    let mut deposits = Vec::new();
    let mut adjustments = Vec::new();
    for y in 0..=last_year {
        let year_start = dates::anchored(policy_start, y, 12, "policy year start")?;
        let next_start = dates::anchored(policy_start, y + 1, 12, "policy year end")?;
        let year_end = next_start.pred_opt().ok_or(ScheduleError::DateOutOfRange {
            step: "policy year end",
            from: next_start,
        })?;
        if !spec.deposit.is_zero() {
            deposits.push(DepositInvoice {
                policy_year: y + 1,
                due_date: year_start,
                amount: spec.deposit,
            });
        }
        let declared = money::sum(
            unit,
            invoices
                .iter()
                .filter(|inv| inv.policy_year == y + 1)
                .map(|inv| inv.amount),
            "declared premium of the policy year",
        )?;
        let shortfall =
            money::sub(s.minimum_premium, declared, "minimum premium shortfall")?.max(unit.zero());
        let amount = money::sub(shortfall, spec.deposit, "year-end adjustment")?;
        adjustments.push(YearEndAdjustment {
            policy_year: y + 1,
            year_start,
            year_end,
            declared_premium: declared,
            minimum_premium: s.minimum_premium,
            shortfall,
            deposit_credit: spec.deposit,
            amount,
            due_date: dates::day_of_next_month(year_end, s.invoice_due_day, "adjustment due date")?,
        });
    }

    let declared_value = money::sum(
        unit,
        invoices
            .iter()
            .flat_map(|i| i.lines.iter().map(|l| l.declared_value)),
        "total declared value",
    )?;
    let declared_premium = money::sum(unit, invoices.iter().map(|i| i.amount), "total premium")?;
    let deposits_total = money::sum(unit, deposits.iter().map(|d| d.amount), "total deposits")?;
    let adjustments_total = money::sum(
        unit,
        adjustments.iter().map(|a| a.amount),
        "total adjustments",
    )?;
    let total_billed = money::add(
        money::add(declared_premium, deposits_total, "total billed")?,
        adjustments_total,
        "total billed",
    )?;
    Ok(DeclarationBilling {
        deposits,
        invoices,
        adjustments,
        totals: BillingTotals {
            declared_value,
            declared_premium,
            deposits: deposits_total,
            adjustments: adjustments_total,
            total_billed,
            lines_over_maximum_liability: over,
        },
    })
}

impl DeclarationBilling {
    /// A plain-text statement: deposits, monthly invoices with their lines, year-end
    /// adjustments and totals.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if !self.deposits.is_empty() {
            out.push_str("Deposits\n");
            let mut rows = vec![vec!["Year".into(), "Due".into(), "Amount".into()]];
            for d in &self.deposits {
                rows.push(vec![
                    d.policy_year.to_string(),
                    d.due_date.to_string(),
                    text::amount(d.amount),
                ]);
            }
            out.push_str(&text::table(&rows, &[0, 2]));
            out.push('\n');
        }
        for inv in &self.invoices {
            out.push_str(&format!(
                "Invoice {} (policy year {}): declare by {}, pay by {}\n",
                inv.month, inv.policy_year, inv.declaration_due, inv.due_date
            ));
            let mut rows = vec![vec![
                "Shipped".into(),
                "Buyer".into(),
                "Value".into(),
                "Rate".into(),
                "Premium".into(),
                "Year to date".into(),
            ]];
            for l in &inv.lines {
                let mut ytd = text::amount(l.cumulative_value);
                if l.exceeds_maximum_liability {
                    ytd.push_str(" over maximum liability");
                }
                rows.push(vec![
                    l.shipment_date.to_string(),
                    l.buyer.clone(),
                    text::amount(l.declared_value),
                    l.rate.to_string(),
                    text::amount(l.premium),
                    ytd,
                ]);
            }
            rows.push(vec![
                "Total".into(),
                String::new(),
                String::new(),
                String::new(),
                text::amount(inv.amount),
                String::new(),
            ]);
            out.push_str(&text::table(&rows, &[2, 3, 4]));
            out.push('\n');
        }
        out.push_str("Year-end adjustments\n");
        let mut rows = vec![vec![
            "Year".into(),
            "Period".into(),
            "Declared".into(),
            "Minimum".into(),
            "Shortfall".into(),
            "Deposit".into(),
            "Adjustment".into(),
            "Due".into(),
        ]];
        for a in &self.adjustments {
            rows.push(vec![
                a.policy_year.to_string(),
                format!("{} to {}", a.year_start, a.year_end),
                text::amount(a.declared_premium),
                text::amount(a.minimum_premium),
                text::amount(a.shortfall),
                text::amount(a.deposit_credit),
                text::amount(a.amount),
                a.due_date.to_string(),
            ]);
        }
        out.push_str(&text::table(&rows, &[0, 2, 3, 4, 5, 6]));
        out.push('\n');
        let t = &self.totals;
        out.push_str(&format!(
            "Declared value {}, premium {}, deposits {}, adjustments {}, total billed {}\n",
            text::amount(t.declared_value),
            text::amount(t.declared_premium),
            text::amount(t.deposits),
            text::amount(t.adjustments),
            text::amount(t.total_billed),
        ));
        if t.lines_over_maximum_liability > 0 {
            out.push_str(&format!(
                "{} declaration(s) exceed the maximum liability\n",
                t.lines_over_maximum_liability
            ));
        }
        out
    }
}

// ---------------------------------------------------------------- CSV

/// Payment method of a shipment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PaymentMethod {
    /// Letter of credit.
    #[serde(rename = "L/C")]
    LetterOfCredit,
    /// Documents against payment.
    #[serde(rename = "D/P")]
    DocumentsAgainstPayment,
    /// Documents against acceptance.
    #[serde(rename = "D/A")]
    DocumentsAgainstAcceptance,
    /// Open account.
    #[serde(rename = "O/A")]
    OpenAccount,
}

impl PaymentMethod {
    /// Parses `L/C`, `D/P`, `D/A`, `O/A` (also without the slash, any case).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_uppercase().replace('/', "").as_str() {
            "LC" => Some(Self::LetterOfCredit),
            "DP" => Some(Self::DocumentsAgainstPayment),
            "DA" => Some(Self::DocumentsAgainstAcceptance),
            "OA" => Some(Self::OpenAccount),
            _ => None,
        }
    }
}

/// A declaration as read from CSV, before rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawDeclaration {
    /// Line of the file the row came from (the header is line 1).
    pub row: u64,
    /// Shipment date.
    pub date: NaiveDate,
    /// Buyer name.
    pub buyer: String,
    /// Country risk class as written (e.g. `A`).
    pub country_class: String,
    /// Payment method.
    pub payment_method: PaymentMethod,
    /// Credit period in days, 0 to 360.
    pub credit_days: u32,
    /// Declared value, greater than 0.
    pub value: Decimal,
}

impl RawDeclaration {
    /// The declaration once the rating engine has given its `rate` and `premium`.
    pub fn rated(&self, rate: Decimal, premium: Decimal) -> Declaration {
        Declaration {
            shipment_date: self.date,
            buyer: self.buyer.clone(),
            declared_value: self.value,
            rate,
            premium,
        }
    }
}

/// The columns of a declarations file.
pub const DECLARATION_COLUMNS: [&str; 6] = [
    "date",
    "buyer",
    "country_class",
    "payment_method",
    "credit_days",
    "value",
];

/// A problem with a declarations header: the header cell (0-based, `None` for a missing
/// column), the column's name and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnProblem {
    pub cell: Option<usize>,
    pub column: String,
    pub message: String,
}

/// Where each of [`DECLARATION_COLUMNS`] sits in `header` (columns in any order); every
/// unknown, doubled or missing column is reported.
pub fn declaration_columns(header: &[String]) -> Result<[usize; 6], Vec<ColumnProblem>> {
    let mut problems = Vec::new();
    let mut index = [usize::MAX; 6];
    for (i, h) in header.iter().enumerate() {
        let h = h.trim();
        match DECLARATION_COLUMNS.iter().position(|c| *c == h) {
            Some(c) if index[c] != usize::MAX => problems.push(ColumnProblem {
                cell: Some(i),
                column: h.to_string(),
                message: "column appears twice".into(),
            }),
            Some(c) => index[c] = i,
            None => problems.push(ColumnProblem {
                cell: Some(i),
                column: h.to_string(),
                message: format!("unknown column; expected {}", DECLARATION_COLUMNS.join(",")),
            }),
        }
    }
    for (c, name) in DECLARATION_COLUMNS.iter().enumerate() {
        if index[c] == usize::MAX {
            problems.push(ColumnProblem {
                cell: None,
                column: name.to_string(),
                message: "column is missing".into(),
            });
        }
    }
    if problems.is_empty() {
        Ok(index)
    } else {
        Err(problems)
    }
}

impl RawDeclaration {
    /// A declaration from the row `row` whose cell for column `c` of [`DECLARATION_COLUMNS`]
    /// is `field(c)` (untrimmed). Every bad field is reported as (column index, message).
    pub fn from_cells<'a>(
        row: u64,
        field: impl Fn(usize) -> &'a str,
    ) -> Result<RawDeclaration, Vec<(usize, String)>> {
        let mut errors = Vec::new();
        let date = NaiveDate::parse_from_str(field(0).trim(), "%Y-%m-%d")
            .map_err(|_| {
                errors.push((
                    0,
                    format!("`{}` is not a date (YYYY-MM-DD)", field(0).trim()),
                ))
            })
            .ok();
        let buyer = field(1).trim().to_string();
        if buyer.is_empty() {
            errors.push((1, "is empty".into()));
        }
        let country_class = field(2).trim().to_string();
        if country_class.is_empty() {
            errors.push((2, "is empty".into()));
        }
        let payment_method = PaymentMethod::parse(field(3));
        if payment_method.is_none() {
            errors.push((
                3,
                format!("`{}` is not one of L/C, D/P, D/A, O/A", field(3).trim()),
            ));
        }
        let credit_days = match field(4).trim().parse::<u32>() {
            Ok(d) if d <= 360 => Some(d),
            _ => {
                errors.push((
                    4,
                    format!(
                        "`{}` is not a number of days from 0 to 360",
                        field(4).trim()
                    ),
                ));
                None
            }
        };
        let value = match field(5).trim().parse::<Decimal>() {
            Ok(v) if v > Decimal::ZERO => Some(v),
            _ => {
                errors.push((
                    5,
                    format!("`{}` is not an amount greater than 0", field(5).trim()),
                ));
                None
            }
        };
        match (date, payment_method, credit_days, value) {
            (Some(date), Some(payment_method), Some(credit_days), Some(value))
                if errors.is_empty() =>
            {
                Ok(RawDeclaration {
                    row,
                    date,
                    buyer,
                    country_class,
                    payment_method,
                    credit_days,
                    value,
                })
            }
            _ => Err(errors),
        }
    }
}
