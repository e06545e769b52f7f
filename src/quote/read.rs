//! Reading a quote back: the JSON written by `coverwright quote --format json`, checked so that
//! a quote of another format version or one edited by hand is refused before it is used.
//!
//! The format is identified by its shape: every field is required and no other field is
//! allowed, so a quote written by an engine whose format differs fails to read, naming the
//! first field that differs. A quote that reads is then tied out: coverage premiums, charges
//! and totals must agree exactly as [`build`](super::quote) made them.

use std::path::Path;

use rust_decimal::Decimal;

use crate::diagnostics::{Diagnostic, Span, codes};

use super::{ChargeLine, Quote};

/// Why a quote file was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuoteFileError {
    /// The text is not JSON.
    #[error("the quote is not valid JSON: {message}")]
    Json {
        /// What is wrong.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// JSON, but not a quote of this format: another version of the engine wrote it, or a
    /// field was added, removed or changed in type.
    #[error(
        "this is not a quote of this format (written by another version, or edited): {message}"
    )]
    Format {
        /// What differs.
        message: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A quote whose amounts no longer agree: every disagreement found.
    #[error("the quote does not tie out: {}", .0.join("; "))]
    Inconsistent(Vec<String>),
}

impl QuoteFileError {
    /// Line and column of the problem in the file, when it has one.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            QuoteFileError::Json { line, column, .. }
            | QuoteFileError::Format { line, column, .. } => Some((*line, *column)),
            QuoteFileError::Inconsistent(_) => None,
        }
    }
}

impl Quote {
    /// Reads a quote from the JSON `coverwright quote --format json` writes, refusing one of
    /// another format version or one whose amounts do not tie out.
    pub fn from_json(text: &str) -> Result<Quote, QuoteFileError> {
        let q: Quote = serde_json::from_str(text).map_err(|e| {
            let (message, line, column) = (e.to_string(), e.line(), e.column());
            // serde_json appends " at line L column C"; the position is kept apart.
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.clone(), |(m, _)| m.to_string());
            match e.classify() {
                serde_json::error::Category::Data => QuoteFileError::Format {
                    message,
                    line,
                    column,
                },
                _ => QuoteFileError::Json {
                    message,
                    line,
                    column,
                },
            }
        })?;
        q.tie_out()?;
        Ok(q)
    }

    /// Checks that the amounts agree: each coverage's premium is its net plus VAT; the
    /// coverage premiums add up to `totals.premium` and match the premium charges; the VAT
    /// charges match the coverages' VAT; `gross` = premium + charges added on top; `tax` is
    /// VAT plus stamp duty; `net` = gross − tax; each member's total is the sum of its
    /// premiums; each instalment schedule adds up to its total.
    pub fn tie_out(&self) -> Result<(), QuoteFileError> {
        let mut problems = Vec::new();
        // Amounts over 10^20 are refused, so the sums below cannot overflow.
        let limit = Decimal::from(10u128.pow(20));
        let mut amount = |what: &str, s: &str| -> Decimal {
            match s.parse::<Decimal>() {
                Ok(d) if d.abs() < limit => d,
                _ => {
                    problems.push(format!("{what} `{s}` is not an amount"));
                    Decimal::ZERO
                }
            }
        };
        let mut premium = Decimal::ZERO;
        let mut vat = Decimal::ZERO;
        let mut split = Vec::new();
        for c in &self.coverages {
            let (p, n, v) = (
                amount(&format!("coverage `{}` premium", c.code), &c.premium),
                amount(&format!("coverage `{}` net", c.code), &c.net),
                amount(&format!("coverage `{}` vat_amount", c.code), &c.vat_amount),
            );
            split.push((c.code.as_str(), p, n, v));
            premium += p;
            vat += v;
        }
        let mut charges = Vec::new();
        for c in &self.charges {
            charges.push((c, amount(&format!("{:?} charge", c.kind), &c.amount)));
        }
        let totals = [
            amount("totals.premium", &self.totals.premium),
            amount("totals.gross", &self.totals.gross),
            amount("totals.tax", &self.totals.tax),
            amount("totals.net", &self.totals.net),
        ];
        let mut members = Vec::new();
        for m in &self.members {
            let sum: Decimal = m
                .premiums
                .iter()
                .map(|(code, p)| amount(&format!("member {} `{code}` premium", m.number), p))
                .sum();
            members.push((
                m.number,
                sum,
                amount(&format!("member {} total", m.number), &m.total),
            ));
        }
        let [t_premium, t_gross, t_tax, t_net] = totals;
        for (code, p, n, v) in &split {
            if n + v != *p {
                problems.push(format!(
                    "coverage `{code}`: net {n} + VAT {v} is not its premium {p}"
                ));
            }
            let charged: Decimal = charges
                .iter()
                .filter(|(c, _)| {
                    c.kind == ChargeLine::Premium && c.coverage.as_deref() == Some(code)
                })
                .map(|(_, a)| *a)
                .sum();
            if charged != *p {
                problems.push(format!(
                    "coverage `{code}`: premium {p}, but its premium charge is {charged}"
                ));
            }
        }
        let sum_of = |kind: ChargeLine, added_only: bool| -> Decimal {
            charges
                .iter()
                .filter(|(c, _)| c.kind == kind && !(added_only && c.included))
                .map(|(_, a)| *a)
                .sum()
        };
        if premium != t_premium {
            problems.push(format!(
                "the coverage premiums add up to {premium}, not totals.premium {t_premium}"
            ));
        }
        if sum_of(ChargeLine::Premium, false) != premium {
            problems.push("the premium charges do not add up to the coverage premiums".into());
        }
        let vat_charged = sum_of(ChargeLine::Vat, false);
        if vat_charged != vat {
            problems.push(format!(
                "the VAT charges add up to {vat_charged}, the coverages' VAT to {vat}"
            ));
        }
        let added = sum_of(ChargeLine::StampDuty, true) + sum_of(ChargeLine::Fee, true);
        if t_premium + added != t_gross {
            problems.push(format!(
                "totals.gross {t_gross} is not premium {t_premium} + charges added {added}"
            ));
        }
        let tax = vat_charged + sum_of(ChargeLine::StampDuty, false);
        if tax != t_tax {
            problems.push(format!("totals.tax {t_tax} is not VAT + stamp duty {tax}"));
        }
        if t_gross - t_tax != t_net {
            problems.push(format!(
                "totals.net {t_net} is not gross {t_gross} − tax {t_tax}"
            ));
        }
        for (number, sum, total) in members {
            if sum != total {
                problems.push(format!(
                    "member {number}: premiums add up to {sum}, not its total {total}"
                ));
            }
        }
        for o in &self.payment_options {
            if let Some(s) = &o.schedule {
                let sum = s
                    .instalments
                    .iter()
                    .try_fold(Decimal::ZERO, |a, i| a.checked_add(i.amount));
                if sum != Some(s.total) {
                    problems.push(format!(
                        "plan `{}`: the instalments do not add up to its total {}",
                        o.code, s.total
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(QuoteFileError::Inconsistent(problems))
        }
    }
}

/// Reads a quote file: a located diagnostic when it cannot be read (E0240), is not a quote of
/// this format (E0241) or does not tie out (E0242). `-` is standard input.
pub fn read_quote_file(path: &Path) -> Result<Quote, Diagnostic> {
    let bytes = crate::request::read_input(path).map_err(|e| {
        Diagnostic::error(codes::E0240, format!("cannot read the quote: {e}")).in_file(path)
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Diagnostic::error(codes::E0241, "the quote is not UTF-8 text").in_file(path)
    })?;
    Quote::from_json(&text).map_err(|e| {
        let code = match e {
            QuoteFileError::Inconsistent(_) => codes::E0242,
            _ => codes::E0241,
        };
        let help = match e {
            QuoteFileError::Inconsistent(_) => {
                "quote the request again instead of editing the quote"
            }
            _ => "pass the JSON written by `coverwright quote --format json` of this version",
        };
        let d = Diagnostic::error(code, e.to_string())
            .in_file(path)
            .with_help(help);
        match e.position() {
            Some((line, column)) => d.at(Span::new(line as u32, column as u32, 0, 0)),
            None => d,
        }
    })
}
