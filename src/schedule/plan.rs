//! Instalment plans: splitting a premium into instalments with due dates, fees and grace
//! periods.
//!
//! A [`PlanSpec`] holds the raw values of a product's payment plan; [`InstalmentPlan::new`]
//! validates it, and only a validated [`InstalmentPlan`] can lay out a [`Schedule`].
//!
//! Rules (see `docs/payment-plans.md` for examples):
//!
//! - **Premium of a policy year.** With a modal factor `f`, one instalment is
//!   `round(annual premium × f)` and the year's premium is that instalment times the number of
//!   instalments in the year. With a loading `l`, the year's premium is
//!   `round(annual premium × (1 + l))`. A single-premium plan has one instalment for the whole
//!   term.
//! - **Split.** The year's premium is split into equal instalments in minor units; the odd
//!   minor units (`premium mod count`) go **one each** to the first instalments
//!   ([`RemainderRule::First`]) or to the last ones ([`RemainderRule::Last`]). With a down
//!   payment, the first instalment of each policy year is the larger of the down payment's
//!   minimum amount and its percentage of the year's premium (never more than the year's
//!   premium) and the rest is split evenly over the other instalments.
//! - **Minimum instalment.** Walking from the last instalment of a policy year back to the
//!   second, an instalment below the minimum (or of zero) is merged into the one before it:
//!   its amount is added to the previous instalment and its due date disappears. If the first
//!   instalment is still below the minimum, the instalments after it are pulled into it one
//!   by one until it reaches the minimum or is the only one. Instalments never merge across
//!   policy years. Numbers are then consecutive from 1.
//! - **Fees** are charged per remaining instalment (flat, or a percentage of the instalment
//!   rounded to the minor unit), optionally waived on instalment 1. Fees are listed
//!   separately: [`Schedule::total`] is the sum of the premium instalments only, and
//!   [`Schedule::fees_total`] the sum of the fees.
//! - **Due dates.** Instalment `j` (0-based over the whole term) falls due on
//!   `start + j × step` months, clamped to the month's last day. With a collection day, every
//!   instalment after the first moves to that day of its due month (clamped); the first is
//!   always due on the start date. With a business-day rule, every due date is then adjusted
//!   on the holiday calendar. The grace period ends `grace_days` after the (adjusted) due date.
//!
//! Invariant: the instalment amounts add up to `total` exactly, and `total` equals the year's
//! premium times the number of policy years.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::dates::{self, BusinessDayRule, HolidayCalendar};
use super::error::{PlanError, ScheduleError};
use super::money::{self, MinorUnit, Rounding};
use super::text;

/// The longest premium term, in years.
pub const MAX_TERM_YEARS: u32 = 100;
/// The longest grace period, in days.
pub const MAX_GRACE_DAYS: u32 = 366;
/// The grace period of Insurance Law art. 36: 60 days after the due date.
pub const STATUTORY_GRACE_DAYS: u32 = 60;

/// How often premiums fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMode {
    /// One premium for the whole term.
    Single,
    /// Once a year.
    Annual,
    /// Twice a year.
    SemiAnnual,
    /// Four times a year.
    Quarterly,
    /// Twelve times a year.
    Monthly,
}

impl PaymentMode {
    /// Months between two due dates (0 for a single premium).
    pub fn step_months(self) -> u32 {
        match self {
            PaymentMode::Single => 0,
            PaymentMode::Annual => 12,
            PaymentMode::SemiAnnual => 6,
            PaymentMode::Quarterly => 3,
            PaymentMode::Monthly => 1,
        }
    }

    /// Instalments per policy year (1 for a single premium).
    pub fn per_year(self) -> u32 {
        match self {
            PaymentMode::Single | PaymentMode::Annual => 1,
            PaymentMode::SemiAnnual => 2,
            PaymentMode::Quarterly => 4,
            PaymentMode::Monthly => 12,
        }
    }
}

/// How the instalments are priced from the annual premium.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pricing {
    /// Each instalment is `round(annual premium × factor)`; factor in `(0, 1]`
    /// (e.g. 0.52 semi-annual, 0.265 quarterly, 0.09 monthly).
    ModalFactor(Decimal),
    /// The year's premium is `round(annual premium × (1 + loading))`, split evenly;
    /// loading in `[0, 1]`.
    Loading(Decimal),
}

/// A charge added to each instalment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstalmentFee {
    /// The same amount on every instalment.
    Flat(Decimal),
    /// A fraction in `[0, 1]` of the instalment amount, rounded to the minor unit.
    PercentOfInstalment(Decimal),
}

/// The first instalment of each policy year: at least `minimum`, and at least `percent` of
/// the year's premium ("at least the larger of 100,000 and 30%": minimum 100,000, percent 0.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownPayment {
    /// Fraction in `[0, 1]` of the year's premium.
    pub percent: Decimal,
    /// Amount floor, on the minor unit.
    pub minimum: Decimal,
}

/// Where the odd minor units of an even split go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemainderRule {
    /// One minor unit each on the first instalments.
    #[default]
    First,
    /// One minor unit each on the last instalments.
    Last,
}

/// The raw values of a payment plan, as a product file states them. Turn it into an
/// [`InstalmentPlan`] with [`InstalmentPlan::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSpec {
    /// Payment frequency.
    pub mode: PaymentMode,
    /// Modal factor or loading.
    pub pricing: Pricing,
    /// Fee per instalment, if any.
    pub fee: Option<InstalmentFee>,
    /// Whether instalment 1 carries no fee.
    pub waive_fee_on_first: bool,
    /// Down payment rule, if any (needs at least two instalments a year).
    pub down_payment: Option<DownPayment>,
    /// Instalments below this amount are merged (see the module doc).
    pub minimum_instalment: Option<Decimal>,
    /// Where odd minor units go.
    pub remainder: RemainderRule,
    /// Decimal places of the currency's minor unit, 0 to 4.
    pub minor_unit: u32,
    /// Rounding of computed amounts (instalment, loaded premium, down payment, fee).
    pub rounding: Rounding,
    /// Days from a due date to the end of its grace period (0 to 366).
    pub grace_days: u32,
    /// Fixed day of the month on which instalments after the first are collected (1 to 31).
    pub collection_day: Option<u32>,
    /// Business-day adjustment of due dates, if any.
    pub business_day: Option<BusinessDayRule>,
}

impl PlanSpec {
    /// A spec with the given mode and pricing and the defaults: no fee, no down payment, no
    /// minimum instalment, remainder on the first instalments, two decimal places, half-up
    /// rounding, 60 days' grace, no collection day, no business-day adjustment.
    pub fn new(mode: PaymentMode, pricing: Pricing) -> Self {
        Self {
            mode,
            pricing,
            fee: None,
            waive_fee_on_first: false,
            down_payment: None,
            minimum_instalment: None,
            remainder: RemainderRule::First,
            minor_unit: 2,
            rounding: Rounding::HalfUp,
            grace_days: STATUTORY_GRACE_DAYS,
            collection_day: None,
            business_day: None,
        }
    }
}

/// A validated payment plan. Obtainable only through [`InstalmentPlan::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalmentPlan {
    spec: PlanSpec,
    unit: MinorUnit,
}

/// What to schedule: the premium, the start date and the premium term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleRequest {
    /// The annual premium (the single premium for [`PaymentMode::Single`]); greater than 0.
    pub premium: Decimal,
    /// The policy start date; instalment 1 is due on it.
    pub start: NaiveDate,
    /// Years of premium payment, 1 to 100 (ignored for a single premium).
    pub term_years: u32,
}

/// One instalment of a schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Instalment {
    /// 1-based, consecutive.
    pub number: u32,
    /// The date the instalment falls due.
    #[serde(serialize_with = "crate::dates::serialize_iso")]
    pub due_date: NaiveDate,
    /// The premium amount.
    #[serde(serialize_with = "crate::money::serialize_plain")]
    pub amount: Decimal,
    /// The instalment fee (zero when none).
    #[serde(serialize_with = "crate::money::serialize_plain")]
    pub fee: Decimal,
    /// The last day of the grace period.
    #[serde(serialize_with = "crate::dates::serialize_iso")]
    pub grace_end: NaiveDate,
}

/// What a schedule comes to without its list of instalments: their number, the first one's
/// amount, and the totals ([`InstalmentPlan::summary_with`], [`Schedule::summary`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleSummary {
    pub instalments: usize,
    /// The first instalment's amount (zero without instalments).
    pub first: Decimal,
    pub total: Decimal,
    pub fees_total: Decimal,
}

/// A payment schedule. `total` is the sum of the instalment amounts (fees excluded);
/// `fees_total` is the sum of the fees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Schedule {
    /// Sum of the instalment amounts, fees excluded.
    #[serde(serialize_with = "crate::money::serialize_plain")]
    pub total: Decimal,
    /// The instalments in due-date order.
    pub instalments: Vec<Instalment>,
    /// Sum of the instalment fees.
    #[serde(serialize_with = "crate::money::serialize_plain")]
    pub fees_total: Decimal,
}

impl InstalmentPlan {
    /// Validates `spec`: factor in `(0, 1]`, loading in `[0, 1]`, fee and down-payment
    /// percentages in `[0, 1]`, amounts non-negative and on the minor unit, a positive minimum
    /// instalment, a down payment only with at least two instalments a year, grace days up to
    /// 366, collection day 1 to 31.
    pub fn new(spec: PlanSpec) -> Result<Self, PlanError> {
        let unit = MinorUnit::new(spec.minor_unit)?;
        let mut spec = spec;
        match spec.pricing {
            Pricing::ModalFactor(f) => {
                if f <= Decimal::ZERO || f > Decimal::ONE {
                    return Err(PlanError::new(
                        "modal_factor",
                        format!("must be greater than 0 and at most 1, got {f}"),
                    ));
                }
            }
            Pricing::Loading(l) => {
                money::check_fraction("loading", l)?;
            }
        }
        spec.fee = match spec.fee {
            None => None,
            Some(InstalmentFee::Flat(a)) => Some(InstalmentFee::Flat(money::check_amount(
                "fee.amount",
                a,
                unit,
            )?)),
            Some(InstalmentFee::PercentOfInstalment(p)) => Some(
                InstalmentFee::PercentOfInstalment(money::check_fraction("fee.percent", p)?),
            ),
        };
        if let Some(dp) = spec.down_payment {
            if spec.mode.per_year() < 2 {
                return Err(PlanError::new(
                    "down_payment",
                    "needs a mode with at least two instalments a year",
                ));
            }
            let percent = money::check_fraction("down_payment.percent", dp.percent)?;
            let minimum = money::check_amount("down_payment.minimum", dp.minimum, unit)?;
            if percent.is_zero() && minimum.is_zero() {
                return Err(PlanError::new(
                    "down_payment",
                    "needs a percentage or a minimum amount greater than 0",
                ));
            }
            spec.down_payment = Some(DownPayment { percent, minimum });
        }
        if let Some(m) = spec.minimum_instalment {
            let m = money::check_amount("minimum_instalment", m, unit)?;
            if m.is_zero() {
                return Err(PlanError::new(
                    "minimum_instalment",
                    "must be greater than 0",
                ));
            }
            spec.minimum_instalment = Some(m);
        }
        if spec.grace_days > MAX_GRACE_DAYS {
            return Err(PlanError::new(
                "grace_days",
                format!("must be at most {MAX_GRACE_DAYS}, got {}", spec.grace_days),
            ));
        }
        if let Some(d) = spec.collection_day
            && !(1..=31).contains(&d)
        {
            return Err(PlanError::new(
                "collection_day",
                format!("must be a day of the month, 1 to 31, got {d}"),
            ));
        }
        Ok(Self { spec, unit })
    }

    /// The validated spec.
    pub fn spec(&self) -> &PlanSpec {
        &self.spec
    }

    /// The currency's minor unit.
    pub fn minor_unit(&self) -> MinorUnit {
        self.unit
    }

    /// The premium of one policy year under this plan's pricing.
    pub fn year_premium(&self, premium: Decimal) -> Result<Decimal, ScheduleError> {
        let per_year = Decimal::from(self.spec.mode.per_year());
        match self.spec.pricing {
            Pricing::ModalFactor(f) => {
                let instalment = self.unit.round(
                    money::mul(premium, f, "instalment = premium × modal factor")?,
                    self.spec.rounding,
                )?;
                money::mul(instalment, per_year, "year premium = instalment × count")
            }
            Pricing::Loading(l) => {
                let loaded = money::mul(
                    premium,
                    money::add(Decimal::ONE, l, "1 + loading")?,
                    "year premium = premium × (1 + loading)",
                )?;
                self.unit.round(loaded, self.spec.rounding)
            }
        }
    }

    /// Lays out the schedule for `request`. `calendar` is used for the business-day rule;
    /// without one, only Saturdays and Sundays are rest days.
    pub fn schedule(
        &self,
        request: &ScheduleRequest,
        calendar: Option<&HolidayCalendar>,
    ) -> Result<Schedule, ScheduleError> {
        self.schedule_with(request, calendar, None)
    }

    /// One year's instalments of a year of `year_units`: `(offset within the year, units)`,
    /// adding up to `year_units` (small ones merged into their neighbours).
    fn year_parts(&self, year_units: i128) -> Result<Vec<(usize, i128)>, ScheduleError> {
        Ok(merge_small(
            self.split_year(year_units)?,
            self.minimum_units()?,
        ))
    }

    /// The years a schedule runs and one policy year's premium in minor units, with the
    /// checks of the request.
    fn year_units(&self, request: &ScheduleRequest) -> Result<(u32, i128), ScheduleError> {
        let spec = &self.spec;
        if request.premium <= Decimal::ZERO {
            return Err(ScheduleError::input(
                "premium",
                format!("must be greater than 0, got {}", request.premium),
            ));
        }
        let years = if spec.mode == PaymentMode::Single {
            1
        } else {
            if !(1..=MAX_TERM_YEARS).contains(&request.term_years) {
                return Err(ScheduleError::input(
                    "term_years",
                    format!("must be 1 to {MAX_TERM_YEARS}, got {}", request.term_years),
                ));
            }
            request.term_years
        };
        let year_total = self.year_premium(request.premium)?;
        Ok((years, self.unit.to_units(year_total)?))
    }

    /// The first instalment, in minor units, of a year of `year_units` split evenly over
    /// [`PaymentMode::per_year`] instalments that all stay: no down payment, no minimum
    /// instalment, and at least one minor unit in each (so [`merge_small`] merges nothing and
    /// the year's instalments are at offsets `0..per_year`). `None` for any other year, which
    /// [`InstalmentPlan::year_parts`] lays out.
    fn even_first(&self, year_units: i128) -> Option<i128> {
        if self.spec.down_payment.is_some() || self.spec.minimum_instalment.is_some() {
            return None;
        }
        let n = i128::from(self.spec.mode.per_year());
        let base = year_units.div_euclid(n);
        // The odd units go one each to the first or the last instalments, and there are
        // fewer of them than instalments: the first has one only under `First`.
        let extra = year_units.rem_euclid(n) > 0 && self.spec.remainder == RemainderRule::First;
        (base >= 1).then_some(base + i128::from(extra))
    }

    /// What [`InstalmentPlan::schedule_with`] comes to ([`Schedule::summary`]), with the same
    /// checks and errors, without listing the instalments: every due date is still laid out
    /// (one may fall outside the calendar), but of the amounts only the first is made, when
    /// the plan charges no fee.
    pub fn summary_with(
        &self,
        request: &ScheduleRequest,
        calendar: Option<&HolidayCalendar>,
        mut dates: Option<&mut DueDates>,
    ) -> Result<ScheduleSummary, ScheduleError> {
        if self.spec.fee.is_some() {
            return self
                .schedule_with(request, calendar, dates)
                .map(|s| s.summary());
        }
        let (years, year_units) = self.year_units(request)?;
        let per_year = self.spec.mode.per_year();
        let (count, first_units) = match self.even_first(year_units) {
            Some(first) => {
                // Every instalment stays: the due dates are those of indices `0..count`.
                let count = per_year * years;
                match dates.as_deref_mut() {
                    Some(d) => d.lay_out(self, calendar, request.start, count)?,
                    None => {
                        for index in 0..count {
                            self.due(calendar, request.start, index)?;
                        }
                    }
                }
                (count as usize, Some(first))
            }
            None => {
                let parts = self.year_parts(year_units)?;
                for year in 0..years {
                    for &(offset, _) in &parts {
                        let index = year * per_year + offset as u32;
                        self.due_with(calendar, request.start, index, dates.as_deref_mut())?;
                    }
                }
                (parts.len() * years as usize, parts.first().map(|p| p.1))
            }
        };
        // The amounts are the minor units of parts of a year's premium, which fit.
        let first = match first_units {
            Some(units) => self.unit.amount_of_units(units)?,
            None => Decimal::ZERO,
        };
        match self.total_of_units(year_units, years) {
            Some(total) => Ok(ScheduleSummary {
                instalments: count,
                first,
                total,
                fees_total: self.unit.zero(),
            }),
            // The total summed as decimals, as the schedule does.
            None => self
                .schedule_with(request, calendar, dates)
                .map(|s| s.summary()),
        }
    }

    /// [`InstalmentPlan::schedule`], taking the due dates already laid out from `dates` and
    /// keeping the new ones there (a batch lays out the dates of a start day once).
    pub fn schedule_with(
        &self,
        request: &ScheduleRequest,
        calendar: Option<&HolidayCalendar>,
        mut dates: Option<&mut DueDates>,
    ) -> Result<Schedule, ScheduleError> {
        let spec = &self.spec;
        let (years, year_units) = self.year_units(request)?;
        let parts = self.year_parts(year_units)?;
        let per_year = spec.mode.per_year();
        let mut instalments = Vec::with_capacity(parts.len() * years as usize);
        for year in 0..years {
            for &(offset, units) in &parts {
                let index = year * per_year + offset as u32;
                let (due, grace_end) =
                    self.due_with(calendar, request.start, index, dates.as_deref_mut())?;
                let amount = self.unit.amount_of_units(units)?;
                let number = instalments.len() as u32 + 1;
                let fee = self.fee(amount, number)?;
                instalments.push(Instalment {
                    number,
                    due_date: due,
                    amount,
                    fee,
                    grace_end,
                });
            }
        }
        // Summed as decimals when the units' sum does not fit.
        let total = match self.total_of_units(year_units, years) {
            Some(t) => t,
            None => money::sum(
                self.unit,
                instalments.iter().map(|i| i.amount),
                "schedule total",
            )?,
        };
        let fees_total = match self.spec.fee {
            None => self.unit.zero(),
            Some(_) => money::sum(self.unit, instalments.iter().map(|i| i.fee), "fees total")?,
        };
        Ok(Schedule {
            total,
            instalments,
            fees_total,
        })
    }

    /// The due date and grace end of instalment `index` (0-based over the whole term) of a
    /// schedule starting on `start`.
    fn due(
        &self,
        calendar: Option<&HolidayCalendar>,
        start: NaiveDate,
        index: u32,
    ) -> Result<(NaiveDate, NaiveDate), ScheduleError> {
        let spec = &self.spec;
        let mut due = dates::anchored(start, index, spec.mode.step_months(), "due date")?;
        if index > 0
            && let Some(day) = spec.collection_day
        {
            due = dates::day_of_month(due, day, "collection day")?;
        }
        if let Some(rule) = spec.business_day {
            due = match calendar {
                Some(c) => c.adjust(due, rule)?,
                None => HolidayCalendar::weekends_only().adjust(due, rule)?,
            };
        }
        let grace_end = dates::add_days(due, spec.grace_days, "grace period end")?;
        Ok((due, grace_end))
    }

    /// [`InstalmentPlan::due`], taken from and kept in `dates` when given.
    fn due_with(
        &self,
        calendar: Option<&HolidayCalendar>,
        start: NaiveDate,
        index: u32,
        dates: Option<&mut DueDates>,
    ) -> Result<(NaiveDate, NaiveDate), ScheduleError> {
        match dates {
            Some(d) => d.get(self, calendar, start, index),
            None => self.due(calendar, start, index),
        }
    }

    /// The sum of `years` years of instalments, each year's adding up to `year_units`: the
    /// amounts all have the minor unit's places, so their sum is that of their units. `None`
    /// when that does not fit.
    fn total_of_units(&self, year_units: i128, years: u32) -> Option<Decimal> {
        year_units
            .checked_mul(i128::from(years))
            .and_then(|u| self.unit.amount_of_units(u).ok())
    }

    fn minimum_units(&self) -> Result<Option<i128>, ScheduleError> {
        self.spec
            .minimum_instalment
            .map(|m| self.unit.to_units(m))
            .transpose()
    }

    /// Splits one policy year's premium (in minor units) into the year's instalments.
    fn split_year(&self, year_units: i128) -> Result<Vec<i128>, ScheduleError> {
        let n = self.spec.mode.per_year() as usize;
        let extra_first = self.spec.remainder == RemainderRule::First;
        let Some(dp) = self.spec.down_payment else {
            return Ok(money::split_units(year_units, n, extra_first));
        };
        let year_total = self.unit.amount_of_units(year_units)?;
        let by_percent = self.unit.round(
            money::mul(year_total, dp.percent, "down payment percentage")?,
            self.spec.rounding,
        )?;
        let first = self
            .unit
            .to_units(by_percent.max(dp.minimum))?
            .min(year_units);
        let mut parts = vec![first];
        parts.extend(money::split_units(year_units - first, n - 1, extra_first));
        Ok(parts)
    }

    fn fee(&self, amount: Decimal, number: u32) -> Result<Decimal, ScheduleError> {
        if number == 1 && self.spec.waive_fee_on_first {
            return Ok(self.unit.zero());
        }
        match self.spec.fee {
            None => Ok(self.unit.zero()),
            Some(InstalmentFee::Flat(a)) => Ok(a),
            Some(InstalmentFee::PercentOfInstalment(p)) => self.unit.round(
                money::mul(amount, p, "fee = instalment × fee percentage")?,
                self.spec.rounding,
            ),
        }
    }
}

/// Due dates and grace ends already laid out, by plan, start date and instalment index: the
/// quotes of a batch mostly start on the same day, and their dates are the same whatever the
/// premium. Dates that could not be laid out are not kept (each schedule reports its error).
///
/// Invariant: an entry is used only for the plan and calendar it was laid out by (told apart
/// by address: both outlive the batch), and at most [`DueDates::PLANS`] plans with one start
/// date each are kept.
#[derive(Debug, Default)]
pub struct DueDates {
    plans: Vec<PlanDates>,
}

#[derive(Debug)]
struct PlanDates {
    plan: usize,
    calendar: usize,
    start: NaiveDate,
    /// By instalment index.
    dates: Vec<Option<(NaiveDate, NaiveDate)>>,
    /// How many of the first indices all have their dates in `dates`.
    laid: u32,
}

impl DueDates {
    /// Plans whose dates are kept at once.
    pub const PLANS: usize = 16;

    /// The dates kept for `plan` and `calendar` from `start` (none yet when they were kept
    /// from another start, or not at all).
    fn entry(
        &mut self,
        plan: &InstalmentPlan,
        calendar: Option<&HolidayCalendar>,
        start: NaiveDate,
    ) -> &mut PlanDates {
        let at = plan as *const InstalmentPlan as usize;
        let cal = calendar.map_or(0, |c| c as *const HolidayCalendar as usize);
        let k = match self
            .plans
            .iter()
            .position(|d| d.plan == at && d.calendar == cal)
        {
            Some(k) => k,
            None => {
                if self.plans.len() >= Self::PLANS {
                    self.plans.clear();
                }
                self.plans.push(PlanDates {
                    plan: at,
                    calendar: cal,
                    start,
                    dates: Vec::new(),
                    laid: 0,
                });
                self.plans.len() - 1
            }
        };
        let d = &mut self.plans[k];
        if d.start != start {
            d.start = start;
            d.dates.clear();
            d.laid = 0;
        }
        d
    }

    fn get(
        &mut self,
        plan: &InstalmentPlan,
        calendar: Option<&HolidayCalendar>,
        start: NaiveDate,
        index: u32,
    ) -> Result<(NaiveDate, NaiveDate), ScheduleError> {
        self.entry(plan, calendar, start).get(plan, calendar, index)
    }

    /// Lays out the dates of instalments `0..count` (those not kept yet), as many calls of
    /// [`InstalmentPlan::due`] in index order would: the first error is theirs.
    fn lay_out(
        &mut self,
        plan: &InstalmentPlan,
        calendar: Option<&HolidayCalendar>,
        start: NaiveDate,
        count: u32,
    ) -> Result<(), ScheduleError> {
        let d = self.entry(plan, calendar, start);
        for index in d.laid..count {
            d.get(plan, calendar, index)?;
        }
        d.laid = d.laid.max(count);
        Ok(())
    }
}

impl PlanDates {
    /// The dates of instalment `index`, kept or laid out (and then kept).
    fn get(
        &mut self,
        plan: &InstalmentPlan,
        calendar: Option<&HolidayCalendar>,
        index: u32,
    ) -> Result<(NaiveDate, NaiveDate), ScheduleError> {
        let i = index as usize;
        if let Some(Some(known)) = self.dates.get(i) {
            return Ok(*known);
        }
        let found = plan.due(calendar, self.start, index)?;
        if self.dates.len() <= i {
            self.dates.resize(i + 1, None);
        }
        self.dates[i] = Some(found);
        Ok(found)
    }
}

/// Merges instalments below `minimum` (and zero instalments) as described in the module doc.
/// Returns `(offset within the year, units)` pairs.
fn merge_small(parts: Vec<i128>, minimum: Option<i128>) -> Vec<(usize, i128)> {
    let small = |units: i128| units <= 0 || minimum.is_some_and(|m| units < m);
    let mut items: Vec<(usize, i128)> = parts.into_iter().enumerate().collect();
    let mut i = items.len().saturating_sub(1);
    while i >= 1 {
        if small(items[i].1) {
            let (_, units) = items.remove(i);
            items[i - 1].1 += units;
        }
        i -= 1;
    }
    while items.len() > 1 && small(items[0].1) {
        let (_, units) = items.remove(1);
        items[0].1 += units;
    }
    items
}

impl Schedule {
    /// The number of instalments, the first one's amount and the totals.
    pub fn summary(&self) -> ScheduleSummary {
        ScheduleSummary {
            instalments: self.instalments.len(),
            first: self
                .instalments
                .first()
                .map(|i| i.amount)
                .unwrap_or_default(),
            total: self.total,
            fees_total: self.fees_total,
        }
    }

    /// A table for a terminal: number, due date, amount, fee, grace end, and a total line.
    pub fn to_text(&self) -> String {
        let mut rows = vec![vec![
            "No.".to_string(),
            "Due date".to_string(),
            "Amount".to_string(),
            "Fee".to_string(),
            "Grace ends".to_string(),
        ]];
        for i in &self.instalments {
            rows.push(vec![
                i.number.to_string(),
                i.due_date.to_string(),
                text::amount(i.amount),
                text::amount(i.fee),
                i.grace_end.to_string(),
            ]);
        }
        rows.push(vec![
            "Total".to_string(),
            String::new(),
            text::amount(self.total),
            text::amount(self.fees_total),
            String::new(),
        ]);
        text::table(&rows, &[0, 2, 3])
    }
}
