//! Dates: anchored month arithmetic, fixed collection days, business-day calendars and
//! adjustment rules.
//!
//! Invariants: `due_k = start + k × step` months, computed from the start date every time and
//! clamped to the last day of the target month (31 Jan + 1 month = 28/29 Feb, + 2 months =
//! 31 Mar); a date is never derived from the previous due date. Every date computation is
//! checked: a date before 0001-01-01 or after 9999-12-31 (the range `YYYY-MM-DD` can write)
//! is a [`ScheduleError::DateOutOfRange`], never a panic.
//!
//! A [`HolidayCalendar`] treats Saturday and Sunday as rest days, except the listed make-up
//! working days (调休), and every listed holiday as a rest day. It is read from YAML:
//!
//! ```yaml
//! holidays: [2024-10-01, 2024-10-02, 2024-10-03, 2024-10-04, 2024-10-07]
//! workdays: [2024-09-29, 2024-10-12]
//! ```

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::error::ScheduleError;

/// The furthest a business-day adjustment searches before giving up.
const MAX_ADJUSTMENT_DAYS: u32 = 366;

/// The first and last dates a schedule may contain.
pub use crate::dates::{FIRST_DATE, LAST_DATE};

/// `date` when it lies between [`FIRST_DATE`] and [`LAST_DATE`], else an error naming `step`.
pub(crate) fn in_range(
    date: Option<NaiveDate>,
    step: &'static str,
    from: NaiveDate,
) -> Result<NaiveDate, ScheduleError> {
    match date {
        Some(d) if (FIRST_DATE..=LAST_DATE).contains(&d) => Ok(d),
        _ => Err(ScheduleError::DateOutOfRange { step, from }),
    }
}

/// `start + months`, clamped to the last day of the target month; `None` outside chrono's
/// date range.
pub fn add_months_clamped(start: NaiveDate, months: u32) -> Option<NaiveDate> {
    start.checked_add_months(Months::new(months))
}

/// The `k`-th anchored date `start + k × step` months (clamped), or an error naming `step_name`.
pub(crate) fn anchored(
    start: NaiveDate,
    k: u32,
    step_months: u32,
    step_name: &'static str,
) -> Result<NaiveDate, ScheduleError> {
    let date = k
        .checked_mul(step_months)
        .and_then(|months| add_months_clamped(start, months));
    in_range(date, step_name, start)
}

/// `date + days`, or an error naming `step`.
pub(crate) fn add_days(
    date: NaiveDate,
    days: u32,
    step: &'static str,
) -> Result<NaiveDate, ScheduleError> {
    in_range(
        date.checked_add_days(Days::new(u64::from(days))),
        step,
        date,
    )
}

/// The number of days in the month of `date`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            if leap { 29 } else { 28 }
        }
    }
}

/// The given day of `date`'s month, clamped to the month's last day (the 31st of April is
/// the 30th).
pub(crate) fn day_of_month(
    date: NaiveDate,
    day: u32,
    step: &'static str,
) -> Result<NaiveDate, ScheduleError> {
    let d = day.clamp(1, days_in_month(date.year(), date.month()));
    date.with_day(d)
        .ok_or(ScheduleError::DateOutOfRange { step, from: date })
}

/// The given day of the month after `date`'s month, clamped to that month's last day.
pub(crate) fn day_of_next_month(
    date: NaiveDate,
    day: u32,
    step: &'static str,
) -> Result<NaiveDate, ScheduleError> {
    let first = date
        .with_day(1)
        .ok_or(ScheduleError::DateOutOfRange { step, from: date })?;
    let next = in_range(add_months_clamped(first, 1), step, date)?;
    day_of_month(next, day, step)
}

/// How a due date that falls on a rest day moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BusinessDayRule {
    /// The next business day.
    Following,
    /// The next business day, unless that is in the next month: then the previous one.
    ModifiedFollowing,
    /// The previous business day.
    Preceding,
}

/// Rest days and make-up working days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
    /// The calendar years whose holidays are listed (first, last); `None` for weekends only.
    years: Option<(i32, i32)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    /// The calendar years the lists are complete for.
    #[serde(default)]
    years: Option<CalendarYears>,
    holidays: Vec<NaiveDate>,
    #[serde(default)]
    workdays: Vec<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarYears {
    from: i32,
    to: i32,
}

/// A holiday calendar file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    /// The YAML is malformed or does not match the calendar format.
    #[error("{file}:{line}:{column}: {message}")]
    Syntax {
        /// The file name.
        file: String,
        /// 1-based line (0 when unknown).
        line: u64,
        /// 1-based column (0 when unknown).
        column: u64,
        /// What is wrong.
        message: String,
    },
    /// A date is listed both as a holiday and as a make-up working day.
    #[error("{file}: {date} is listed both under holidays and under workdays")]
    Both {
        /// The file name.
        file: String,
        /// The date.
        date: NaiveDate,
    },
    /// The declared years are reversed, or a listed date lies outside them.
    #[error("{file}: {message}")]
    Years {
        /// The file name.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// A make-up working day is not a Saturday or a Sunday.
    #[error(
        "{file}: workday {date} is a {weekday}; only a Saturday or Sunday can be a make-up working day"
    )]
    WorkdayNotWeekend {
        /// The file name.
        file: String,
        /// The date.
        date: NaiveDate,
        /// Its day of the week.
        weekday: Weekday,
    },
}

impl HolidayCalendar {
    /// Saturdays and Sundays are rest days; no holidays, no make-up working days.
    pub fn weekends_only() -> Self {
        Self::default()
    }

    /// A calendar from lists of holidays and make-up working days (weekend days worked).
    /// `file` names the source in errors.
    pub fn new(
        file: &str,
        holidays: impl IntoIterator<Item = NaiveDate>,
        workdays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Self, CalendarError> {
        let holidays: BTreeSet<NaiveDate> = holidays.into_iter().collect();
        let workdays: BTreeSet<NaiveDate> = workdays.into_iter().collect();
        if let Some(date) = holidays.intersection(&workdays).next() {
            return Err(CalendarError::Both {
                file: file.to_string(),
                date: *date,
            });
        }
        if let Some(date) = workdays.iter().find(|d| !is_weekend(**d)) {
            return Err(CalendarError::WorkdayNotWeekend {
                file: file.to_string(),
                date: *date,
                weekday: date.weekday(),
            });
        }
        let years = holidays.iter().chain(&workdays).map(|d| d.year()).fold(
            None,
            |acc: Option<(i32, i32)>, y| match acc {
                None => Some((y, y)),
                Some((a, b)) => Some((a.min(y), b.max(y))),
            },
        );
        Ok(Self {
            holidays,
            workdays,
            years,
        })
    }

    /// Declares the calendar years `from..=to` the lists are complete for; every listed date
    /// must lie in them.
    pub fn with_years(mut self, file: &str, from: i32, to: i32) -> Result<Self, CalendarError> {
        if from > to {
            return Err(CalendarError::Years {
                file: file.to_string(),
                message: format!("`years` runs from {from} back to {to}"),
            });
        }
        if let Some(d) = self
            .holidays
            .iter()
            .chain(&self.workdays)
            .find(|d| !(from..=to).contains(&d.year()))
        {
            return Err(CalendarError::Years {
                file: file.to_string(),
                message: format!("{d} is outside the years {from}-{to} the calendar covers"),
            });
        }
        self.years = Some((from, to));
        Ok(self)
    }

    /// The first and last calendar year the holidays are listed for (declared with `years`,
    /// or those of the listed dates); `None` for a weekends-only calendar.
    pub fn years(&self) -> Option<(i32, i32)> {
        self.years
    }

    /// Whether the calendar lists the holidays of `date`'s year. A weekends-only calendar
    /// covers every date; any other calendar treats a date outside its years as a working
    /// day unless it is a weekend, which callers should warn about.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.years
            .is_none_or(|(from, to)| (from..=to).contains(&date.year()))
    }

    /// Reads a calendar from the YAML `text` of the file `file` (`holidays: [...]`,
    /// optional `workdays: [...]`, nothing else). Errors name the file, line and column.
    pub fn from_yaml(file: &str, text: &str) -> Result<Self, CalendarError> {
        let parsed: CalendarFile = serde_saphyr::from_str(text).map_err(|e| {
            let (line, column) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((0, 0));
            let rendered = e.without_snippet().to_string();
            let first = rendered.lines().next().unwrap_or_default();
            // The location is reported separately; drop the rendered " at line …" suffix.
            let message = match first.rfind(" at line ") {
                Some(at) => &first[..at],
                None => first,
            }
            .to_string();
            CalendarError::Syntax {
                file: file.to_string(),
                line,
                column,
                message,
            }
        })?;
        let cal = Self::new(file, parsed.holidays, parsed.workdays)?;
        match parsed.years {
            Some(y) => cal.with_years(file, y.from, y.to),
            None => Ok(cal),
        }
    }

    /// Whether payments are collected on `date`.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        if self.workdays.contains(&date) {
            return true;
        }
        !is_weekend(date) && !self.holidays.contains(&date)
    }

    /// Moves `date` to a business day by `rule` (unchanged when it already is one).
    pub fn adjust(
        &self,
        date: NaiveDate,
        rule: BusinessDayRule,
    ) -> Result<NaiveDate, ScheduleError> {
        match rule {
            BusinessDayRule::Following => self.search(date, true),
            BusinessDayRule::Preceding => self.search(date, false),
            BusinessDayRule::ModifiedFollowing => {
                let next = self.search(date, true)?;
                if next.month() == date.month() {
                    Ok(next)
                } else {
                    self.search(date, false)
                }
            }
        }
    }

    fn search(&self, date: NaiveDate, forward: bool) -> Result<NaiveDate, ScheduleError> {
        let mut d = date;
        for _ in 0..=MAX_ADJUSTMENT_DAYS {
            if self.is_business_day(d) {
                return Ok(d);
            }
            let next = if forward { d.succ_opt() } else { d.pred_opt() };
            d = in_range(next, "business-day adjustment", date)?;
        }
        Err(ScheduleError::NoBusinessDay {
            date,
            days: MAX_ADJUSTMENT_DAYS,
        })
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}
