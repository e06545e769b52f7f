//! The annuity report behind `coverwright annuity`: one annuity valued on one
//! life table at one rate, with the values a reviewer checks it against.
//!
//! Owns [`AnnuityQuery`], [`AnnuityReport`] and [`annuity_report`]. The
//! report echoes its inputs, serializes every Decimal as a string with all
//! the digits computed (trailing zeros removed), and prints the same content
//! as text. Nothing is rounded for output, so the JSON and the text are
//! reproducible digit for digit.

use super::ActuarialError;
use super::commutation::Commutation;
use super::interest::{Frequency, Method};
use super::table::LifeTable;
use super::values::AnnuitySpec;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;
use std::path::PathBuf;

/// What to value: a life annuity-due of 1 a year on a table column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnuityQuery {
    /// The life table file.
    pub table: PathBuf,
    /// The rate column (required when the file has several).
    pub column: Option<String>,
    /// Age at valuation.
    pub age: u32,
    /// Effective annual interest rate (0.025 for 2.5%).
    pub interest: Decimal,
    /// Years of deferral before the first payment.
    pub defer: u32,
    /// Years of payment; `None` for life.
    pub term: Option<u32>,
    /// Years certain at the start of payments.
    pub guaranteed: u32,
    /// Payments a year: 1, 2, 4 or 12.
    pub frequency: u32,
    /// How m-thly life annuities are valued.
    pub method: Method,
}

/// The value of the queried annuity and its related values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnnuityReport {
    /// The life table file, as given.
    pub table: String,
    /// The rate column used.
    pub column: String,
    /// Age at valuation.
    pub age: u32,
    /// Effective annual interest rate.
    pub interest: Decimal,
    /// Years of deferral.
    pub defer: u32,
    /// Years of payment, or none for life.
    pub term: Option<u32>,
    /// Years certain.
    pub guaranteed: u32,
    /// Payments a year.
    pub frequency: u32,
    /// The m-thly method.
    pub method: Method,
    /// Age at the first payment.
    pub payment_start_age: u64,
    /// The annuity's value (net single premium for 1 a year).
    pub value: Decimal,
    /// The same annuity paid once a year.
    pub annual_value: Decimal,
    /// Pure endowment to the start of payments, `ₐE_x`.
    pub pure_endowment: Decimal,
    /// Term assurance over the deferral, `A¹_{x:d}` (end of year of death).
    pub term_assurance: Decimal,
    /// Whole life annuity-due paid once a year, `ä_x`.
    pub whole_life_annuity: Decimal,
    /// Whole life annuity-due paid m-thly by the method, `ä^(m)_x`.
    pub whole_life_annuity_mthly: Decimal,
    /// Annuity-certain-due for the guaranteed years, paid m-thly (exact).
    pub annuity_certain: Decimal,
    /// The m-thly factor α (1 for Woolhouse).
    pub alpha: Decimal,
    /// The m-thly factor β.
    pub beta: Decimal,
    /// `D_x` at the valuation age.
    #[serde(rename = "Dx")]
    pub big_d: Decimal,
    /// `N_x` at the valuation age.
    #[serde(rename = "Nx")]
    pub big_n: Decimal,
}

/// Loads the table and values the queried annuity.
///
/// # Errors
///
/// [`ActuarialError::Table`] with every problem of the table file;
/// otherwise the first error of the valuation, naming its step.
pub fn annuity_report(q: &AnnuityQuery) -> Result<AnnuityReport, ActuarialError> {
    Frequency::from_per_year(q.frequency)?;
    let table = LifeTable::load(&q.table, q.column.as_deref()).map_err(ActuarialError::Table)?;
    annuity_report_on(q, &table)
}

/// Values the queried annuity on a table already read (the quoting service reads it from
/// the request body); `q.table` is only the name the report echoes.
///
/// # Errors
///
/// The first error of the valuation, naming its step.
pub fn annuity_report_on(
    q: &AnnuityQuery,
    table: &LifeTable,
) -> Result<AnnuityReport, ActuarialError> {
    let frequency = Frequency::from_per_year(q.frequency)?;
    let c = Commutation::new(table, q.interest)?;
    check_guaranteed(q, c.last_age())?;
    let spec = AnnuitySpec {
        defer: q.defer,
        term: q.term,
        guaranteed: q.guaranteed,
        frequency,
        method: q.method,
    };
    let value = c.annuity(q.age, &spec)?;
    let annual_value = c.annuity(
        q.age,
        &AnnuitySpec {
            frequency: Frequency::Annual,
            ..spec
        },
    )?;
    let (alpha, beta) = c.mthly_factors(frequency, q.method)?;
    Ok(AnnuityReport {
        table: q.table.display().to_string(),
        column: c.column().to_string(),
        age: q.age,
        interest: q.interest.normalize(),
        defer: q.defer,
        term: q.term,
        guaranteed: q.guaranteed,
        frequency: q.frequency,
        method: q.method,
        payment_start_age: u64::from(q.age) + u64::from(q.defer),
        value: value.normalize(),
        annual_value: annual_value.normalize(),
        pure_endowment: c.pure_endowment(q.age, q.defer)?.normalize(),
        term_assurance: c.term_assurance(q.age, q.defer)?.normalize(),
        whole_life_annuity: c
            .annuity_due(q.age, Frequency::Annual, q.method)?
            .normalize(),
        whole_life_annuity_mthly: c.annuity_due(q.age, frequency, q.method)?.normalize(),
        annuity_certain: c
            .interest()
            .annuity_certain_due(q.guaranteed, frequency)?
            .normalize(),
        alpha: alpha.normalize(),
        beta: beta.normalize(),
        big_d: c.big_d(q.age.into())?.normalize(),
        big_n: c.big_n(q.age.into())?.normalize(),
    })
}

/// The report as JSON text: what `coverwright annuity --format json` prints and
/// `POST /v1/annuities` answers (pretty, ending in a newline).
pub fn annuity_json(r: &AnnuityReport) -> String {
    let mut s = serde_json::to_string_pretty(r).unwrap_or_default();
    s.push('\n');
    s
}

/// Years certain run at most to the end of the table: from the age payments start, the
/// table has `last - start + 1` ages left.
fn check_guaranteed(q: &AnnuityQuery, last: u32) -> Result<(), ActuarialError> {
    let start = u64::from(q.age) + u64::from(q.defer);
    let remaining = (u64::from(last) + 1).saturating_sub(start);
    if u64::from(q.guaranteed) > remaining {
        return Err(ActuarialError::Invalid {
            step: "guaranteed years",
            message: format!(
                "{} years certain from age {start} go past the end of the life table (last age {last}); at most {remaining}",
                q.guaranteed
            ),
        });
    }
    Ok(())
}

impl fmt::Display for AnnuityReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let term = match self.term {
            Some(n) => format!("{n} years"),
            None => "life".to_string(),
        };
        writeln!(
            f,
            "life table        {} (column {})",
            self.table, self.column
        )?;
        writeln!(f, "age               {}", self.age)?;
        writeln!(f, "interest          {}", self.interest)?;
        writeln!(
            f,
            "deferral          {} years (first payment at age {})",
            self.defer, self.payment_start_age
        )?;
        writeln!(f, "payment term      {term}")?;
        writeln!(f, "years certain     {}", self.guaranteed)?;
        writeln!(
            f,
            "payments a year   {} (method {})",
            self.frequency, self.method
        )?;
        writeln!(f)?;
        writeln!(f, "value             {}", self.value)?;
        writeln!(f, "  paid yearly     {}", self.annual_value)?;
        writeln!(f, "pure endowment    {}", self.pure_endowment)?;
        writeln!(f, "term assurance    {}", self.term_assurance)?;
        writeln!(f, "whole life ä_x    {}", self.whole_life_annuity)?;
        writeln!(f, "whole life ä(m)_x {}", self.whole_life_annuity_mthly)?;
        writeln!(f, "annuity certain   {}", self.annuity_certain)?;
        writeln!(f, "alpha(m)          {}", self.alpha)?;
        writeln!(f, "beta(m)           {}", self.beta)?;
        writeln!(f, "D_x               {}", self.big_d)?;
        write!(f, "N_x               {}", self.big_n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn query() -> AnnuityQuery {
        AnnuityQuery {
            table: PathBuf::from("products/tables/cl_2010_2013_qx.csv"),
            column: Some("CL5".into()),
            age: 60,
            interest: Decimal::from_str("0.025").unwrap(),
            defer: 0,
            term: None,
            guaranteed: 0,
            frequency: 1,
            method: Method::Woolhouse2,
        }
    }

    #[test]
    fn whole_life_at_sixty_on_cl5() {
        let r = annuity_report(&query()).unwrap();
        assert_eq!(r.value.round_dp(4), Decimal::from_str("18.7878").unwrap());
        assert_eq!(r.value, r.whole_life_annuity);
        assert_eq!(r.pure_endowment, Decimal::ONE);
        assert_eq!(r.term_assurance, Decimal::ZERO);
        let json = serde_json::to_value(&r).unwrap();
        let text = json["value"].as_str().unwrap();
        let digits = text.chars().filter(char::is_ascii_digit).count();
        assert!(digits >= 12, "{text}");
        assert!(r.to_string().contains("\nvalue             18.78"));
    }

    #[test]
    fn bad_inputs_are_reported() {
        let mut q = query();
        q.frequency = 3;
        assert!(matches!(
            annuity_report(&q),
            Err(ActuarialError::UnsupportedFrequency { per_year: 3, .. })
        ));
        let mut q = query();
        q.column = None;
        let Err(ActuarialError::Table(errors)) = annuity_report(&q) else {
            panic!("expected table errors");
        };
        assert_eq!(errors[0].line, 1);
        let mut q = query();
        q.age = 106;
        assert!(matches!(
            annuity_report(&q),
            Err(ActuarialError::AgeOutsideTable { age: 106, .. })
        ));
    }
}
