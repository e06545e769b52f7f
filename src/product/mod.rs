//! Products: the file format ([`raw`]), loading ([`load`]), checking ([`check`]) and the
//! typed, resolved [`Product`] every later stage works on.
//!
//! Invariants of a [`Product`] (established by [`check`], relied on by rating and scheduling):
//! - every name in a formula is resolved to a slot and type-checked; steps only read earlier
//!   steps; every coverage has exactly one premium step;
//! - tables have no overlapping rows and a row for every value the inputs allow where the key
//!   is an input or a coverage term;
//! - all amounts, rates and factors are `Decimal` read from the file's text;
//! - ratios are in [0, 1]; rates and factors are not negative; the effective dates are ordered;
//!   the currency is an ISO 4217 code; regulatory limits (interest cap, waiting period,
//!   cooling-off) hold.

pub mod check;
pub mod claims_raw;
pub mod load;
pub mod pension_check;
pub mod pension_raw;
pub mod plan_schedule;
pub mod raw;
pub mod table;
pub mod words;

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::formula::{Expr, Interner, Scope, Value};
pub use table::Table;
pub use words::*;

/// Names in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Names {
    pub zh: String,
    pub en: String,
}

/// How a term under a year is priced.
#[derive(Clone, Debug, PartialEq)]
pub enum ShortPeriod {
    /// Share of the annual premium by number of months (1..=12), from a table.
    Table(u16),
    /// Months / 12, a part month counting as a whole month.
    ProRata,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    pub unit: TermUnit,
    pub min: u32,
    pub max: u32,
    pub default: u32,
    pub short_period: Option<ShortPeriod>,
}

impl Term {
    pub fn months(&self, n: u32) -> u32 {
        match self.unit {
            TermUnit::Month => n,
            TermUnit::Year => n.saturating_mul(12),
        }
    }
}

/// Which part of the request an input comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputGroup {
    Policyholder,
    Options,
    Member,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FieldType {
    Integer {
        min: Option<Decimal>,
        max: Option<Decimal>,
    },
    Decimal {
        min: Option<Decimal>,
        max: Option<Decimal>,
    },
    Bool,
    Enum(Vec<crate::formula::Sym>),
}

/// A declared input.
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub group: InputGroup,
    pub ty: FieldType,
    pub default: Option<Value>,
    pub label: Option<Names>,
}

/// An eligibility rule.
#[derive(Clone, Debug)]
pub struct Rule {
    pub name: String,
    pub scope: Scope,
    pub formula: String,
    pub expr: Expr,
    pub message: Names,
}

/// How a coverage term is chosen.
#[derive(Clone, Debug, PartialEq)]
pub enum Choice {
    Options(Vec<Decimal>),
    Range {
        min: Decimal,
        max: Decimal,
        step: Option<Decimal>,
    },
}

/// A coverage term slot (`add.sum_insured`).
#[derive(Clone, Debug)]
pub struct TermSlot {
    pub coverage: u16,
    pub name: String,
    pub choice: Choice,
    pub default: Option<Decimal>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Tier {
    pub from: Decimal,
    pub to: Option<Decimal>,
    pub ratio: Decimal,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Limit {
    pub name: Names,
    pub amount: Decimal,
    /// What `amount` counts; `None`: an amount in the product's currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<LimitUnit>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct BenefitScale {
    pub name: String,
    pub grades: Vec<Decimal>,
}

#[derive(Clone, Debug)]
pub struct Coverage {
    pub code: String,
    pub name: Names,
    pub vat_exempt: bool,
    pub optional: bool,
    /// Term slots of this coverage, in declaration order.
    pub terms: Vec<u16>,
    pub tiers: Vec<Tier>,
    pub limits: Vec<Limit>,
    pub waiting_period_days: Option<u32>,
    pub benefit_scale: Option<BenefitScale>,
    pub indemnity: BTreeMap<String, Decimal>,
    pub clause: Option<String>,
    /// The step whose result is this coverage's annual premium.
    pub premium_step: u16,
}

/// A rating step.
#[derive(Clone, Debug)]
pub struct Step {
    pub name: String,
    pub scope: Scope,
    pub coverage: Option<u16>,
    pub formula: String,
    pub expr: Expr,
    pub note: Option<String>,
    /// The customer label of the worksheet row.
    pub label: Option<Names>,
    /// What the value is, for the customer worksheet; `None` is a factor.
    pub unit: Option<StepUnit>,
    pub line: u32,
}

#[derive(Clone, Copy, Debug)]
pub struct Rounding {
    pub places: u32,
    pub strategy: RoundingStrategy,
    pub mode_name: &'static str,
    pub level: RoundingLevel,
}

impl Rounding {
    /// The declared rounding mode.
    pub fn mode(&self) -> crate::money::RoundingMode {
        if self.strategy == RoundingStrategy::MidpointNearestEven {
            crate::money::RoundingMode::HalfEven
        } else {
            crate::money::RoundingMode::HalfUp
        }
    }

    /// Rounds to `places` with the declared mode. Unlike [`crate::money::round`] the scale is
    /// not padded (`10.5` stays `10.5` at two places): steps and worksheets show it as computed.
    pub fn apply(&self, d: Decimal) -> Decimal {
        crate::money::round_dp(d, self.places, self.mode().strategy())
    }
}

#[derive(Clone, Debug)]
pub struct Charge {
    pub kind: ChargeKind,
    pub name: Names,
    pub rate: Option<Decimal>,
    pub amount: Option<Decimal>,
    /// Included in the premium (borne by the insurer) rather than added on top.
    pub included: bool,
}

/// A payment plan as declared; the schedule module turns it into instalments.
#[derive(Clone, Debug)]
pub struct PaymentPlan {
    pub code: String,
    pub name: Option<Names>,
    pub mode: PlanMode,
    pub modal_factor: Option<Decimal>,
    pub loading: Option<Decimal>,
    pub fee_flat: Option<Decimal>,
    pub fee_percent: Option<Decimal>,
    pub waive_first_fee: bool,
    pub down_payment_percent: Option<Decimal>,
    pub down_payment_at_least: Option<Decimal>,
    pub minimum_instalment: Option<Decimal>,
    pub remainder_last: bool,
    pub collection_day: Option<u32>,
    pub business_day: Option<BusinessDay>,
    pub calendar: Option<PathBuf>,
    /// The validated instalment plan (none for declaration and flexible plans), built at
    /// load from the settings above, the currency's minor unit, the rounding mode and the
    /// grace period.
    pub instalments: Option<crate::schedule::InstalmentPlan>,
    /// The holiday calendar, parsed at load from the bytes in the content hash.
    pub holidays: Option<crate::schedule::HolidayCalendar>,
    pub premium_years: Option<u32>,
    pub yearly_cap: Option<Decimal>,
    pub minimum_contribution: Option<Decimal>,
    pub crediting_rate: Option<Decimal>,
    pub initial_charge: Option<Decimal>,
    pub management_charge: Option<Decimal>,
    /// Step giving the annuity factor at payout (flexible contributions).
    pub payout_factor: Option<u16>,
}

#[derive(Clone, Debug)]
pub struct Declarations {
    pub declare_by_day: u32,
    pub premium_due_day: u32,
    pub deposit_share: Option<Decimal>,
    pub maximum_liability: Decimal,
    pub max_credit_days: u32,
    pub max_credit_days_approved: u32,
}

/// Life tables and interest for actuarial pricing.
#[derive(Clone, Debug)]
pub struct Actuarial {
    pub table_names: Vec<String>,
    pub table_files: Vec<(PathBuf, Option<String>)>,
    pub interest: Decimal,
    pub basis: InterestBasis,
    pub method: crate::actuarial::Method,
    /// Commutation values of each life table at the pricing interest, built at load.
    pub commutations: Vec<crate::actuarial::Commutation>,
}

/// A compiled benefit illustration (see `raw::RawIllustration`).
#[derive(Clone, Debug)]
pub struct Illustration {
    pub years: Expr,
    pub age: Expr,
    pub premium: Expr,
    pub survival_benefit: Expr,
    pub death_benefit: Expr,
}

/// A test case written in the product file.
#[derive(Clone, Debug)]
pub struct TestCase {
    pub name: String,
    pub line: u32,
    /// The request node, checked when the test runs.
    pub request: crate::yaml::Node,
    pub census: Option<PathBuf>,
    pub total: Option<Decimal>,
    pub coverages: Vec<(String, Decimal)>,
    pub steps: Vec<(String, Decimal)>,
    pub tolerance: Decimal,
    pub decline: Vec<String>,
}

/// A checked, resolved product version.
#[derive(Clone, Debug)]
pub struct Product {
    pub code: String,
    pub version: String,
    pub name: Names,
    pub line: Line,
    pub segment: String,
    pub insurer: String,
    pub filing: String,
    pub currency: crate::money::Currency,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub group: bool,
    pub term: Term,
    pub cooling_off_days: u32,
    pub waiting_period_days: u32,
    pub grace_period_days: u32,
    pub fields: Vec<Field>,
    pub rules: Vec<Rule>,
    pub coverages: Vec<Coverage>,
    pub terms: Vec<TermSlot>,
    pub tables: Vec<Table>,
    pub steps: Vec<Step>,
    /// The member input slots the member steps read, in order, when no member step reads
    /// other members, the policy year or premiums paid
    /// ([`crate::formula::eval::refs_read`]): members of one request with the same
    /// values in these slots get the same member step values. `None` otherwise. Found when
    /// the product is checked.
    pub member_step_inputs: Option<Vec<usize>>,
    /// For each step, what it reads when its value depends only on that
    /// ([`crate::formula::eval::refs_read`]): steps whose values a batch may remember across
    /// requests (`crate::rating::StepMemo`), per member or per policy. `None` for the others
    /// (a sum or count over members, the policy year).
    pub step_reads: Vec<Option<Box<[crate::formula::Ref]>>>,
    /// The same for each eligibility rule: rules a batch may remember the outcome of.
    pub rule_reads: Vec<Option<Box<[crate::formula::Ref]>>>,
    pub rounding: Rounding,
    pub minimum_premium: Option<Decimal>,
    pub vat_rate: Decimal,
    pub charges: Vec<Charge>,
    pub actuarial: Option<Actuarial>,
    pub illustration: Option<Illustration>,
    /// Pension benefits and cash values (`pension:`).
    pub pension: Option<crate::pension::PensionTerms>,
    pub plans: Vec<PaymentPlan>,
    pub declarations: Option<Declarations>,
    pub documents: BTreeMap<String, String>,
    pub special_clauses: Vec<Names>,
    pub tests: Vec<TestCase>,
    /// How claims are settled (the `claims:` section), when the product has one.
    pub claims: Option<crate::claims::ClaimRules>,
    pub interner: Interner,
    /// The product file.
    pub file: PathBuf,
    /// SHA-256 of the product file and every file it reads, in hex.
    pub content_hash: String,
    /// The product file's parsed YAML, kept from loading for later checks that point at a
    /// key of the file (`None` for a product not loaded from text).
    pub source: Option<std::sync::Arc<crate::yaml::Node>>,
}

impl Product {
    /// `CODE@VERSION`.
    pub fn id(&self) -> String {
        format!("{}@{}", self.code, self.version)
    }

    pub fn field(&self, name: &str) -> Option<(usize, &Field)> {
        self.fields.iter().enumerate().find(|(_, f)| f.name == name)
    }

    pub fn coverage(&self, code: &str) -> Option<(usize, &Coverage)> {
        self.coverages
            .iter()
            .enumerate()
            .find(|(_, c)| c.code == code)
    }

    /// Rounds an amount of money to the currency's minor unit (0 places for JPY, 2 for CNY)
    /// with the product's rounding mode, to exactly that many places. `None` when the amount
    /// is too large to hold that many places.
    pub fn round_money(&self, amount: Decimal) -> Option<Decimal> {
        self.currency.round(amount, self.rounding.mode())
    }

    /// An amount as the product's documents and quotes print it: to the currency's minor unit,
    /// rounded with the product's mode, without grouping (`10932.36`, `10932` for JPY).
    pub fn format_money(&self, amount: Decimal) -> String {
        crate::money::format_plain(self.printed_money(amount))
    }

    /// Appends an amount as [`Product::format_money`] writes it.
    pub fn push_money(&self, out: &mut Vec<u8>, amount: Decimal) {
        crate::money::push_plain_bytes(out, self.printed_money(amount));
    }

    /// The amount [`Product::format_money`] prints: rounded to the minor unit, or as it is
    /// when too large for that.
    fn printed_money(&self, amount: Decimal) -> Decimal {
        self.round_money(amount).unwrap_or(amount)
    }

    /// Whether the version applies to a cover starting on `date`.
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        date >= self.effective_from && self.effective_to.is_none_or(|to| date <= to)
    }

    /// Long-term cover: terms over a year, or pension.
    pub fn long_term(&self) -> bool {
        self.line == Line::Pension || (self.term.unit == TermUnit::Year && self.term.max > 1)
    }
}

/// Parses a decimal written in a product file: digits with an optional sign, fraction,
/// `_` separators and a `%` or `‰` suffix. Never goes through a float.
pub fn parse_decimal(s: &str) -> Result<Decimal, String> {
    let t = s.trim();
    let (body, div) = if let Some(b) = t.strip_suffix('%') {
        (b.trim_end(), Some(Decimal::ONE_HUNDRED))
    } else if let Some(b) = t.strip_suffix('‰') {
        (b.trim_end(), Some(Decimal::ONE_THOUSAND))
    } else {
        (t, None)
    };
    let cleaned: String = body.chars().filter(|c| *c != '_').collect();
    let ok = !cleaned.is_empty()
        && cleaned
            .trim_start_matches(['-', '+'])
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && cleaned.chars().filter(|c| *c == '.').count() <= 1
        && cleaned
            .trim_start_matches(['-', '+'])
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit());
    if !ok {
        return Err(format!("`{s}` is not a decimal number"));
    }
    let d: Decimal = cleaned
        .parse()
        .map_err(|_| format!("`{s}` is too large or too precise for a decimal"))?;
    Ok(match div {
        Some(x) => d / x,
        None => d,
    })
}

/// The first and last dates that `YYYY-MM-DD` can write: years 1 to 9999.
pub use crate::dates::{FIRST_DATE, LAST_DATE};

/// Parses a YYYY-MM-DD date, years 1 to 9999.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (FIRST_DATE..=LAST_DATE).contains(d))
        .ok_or_else(|| format!("`{s}` is not a date; write it as YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_parse_exactly() {
        assert_eq!(parse_decimal("0.0010").unwrap().to_string(), "0.0010");
        assert_eq!(parse_decimal("12_000").unwrap(), Decimal::from(12000));
        assert_eq!(parse_decimal("1.5‰").unwrap().to_string(), "0.0015");
        assert_eq!(parse_decimal("90%").unwrap().to_string(), "0.90");
        assert!(parse_decimal("1,5").is_err());
        assert!(parse_decimal("0.3.5").is_err());
        assert!(parse_decimal("1e5").is_err());
        assert!(parse_decimal("").is_err());
    }

    #[test]
    fn dates_are_years_1_to_9999() {
        assert_eq!(parse_date("9999-12-31"), Ok(LAST_DATE));
        assert_eq!(parse_date("0001-01-01"), Ok(FIRST_DATE));
        for s in [
            "0000-01-01",
            "+10000-01-01",
            "10000-01-01",
            "-0001-12-31",
            "2025-02-29",
        ] {
            assert!(parse_date(s).is_err(), "{s}");
        }
    }
}
