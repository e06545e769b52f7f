//! The CSV rows of a quoted census record made straight from the rating result: the figures
//! the quote document would hold (`crate::quote`), without building the document (no product
//! text copied, no member field maps, only the chosen payment plan).
//!
//! Invariant: every figure is the one `quote --format json` gives for the record, computed by
//! the same functions in the same order (so a failure is the same failure); products with a
//! benefit illustration or a pension section take the full quote instead.

use rust_decimal::Decimal;

use crate::formula::Scope;
use crate::product::{ChargeKind, Product};
use crate::quote::{QuoteError, QuoteOptions};
use crate::rating::{self, Rated, RatingError};
use crate::request::Request;

use super::Out;
use super::csv_out::{cell, lead, push_money};
use super::members_json::push_int;

/// Whether [`write_quoted`] gives the rows of `p`'s quotes (else the full quote is built).
pub(super) fn applies(p: &Product) -> bool {
    p.illustration.is_none() && p.pension.is_none()
}

/// Writes the member rows and the quote row of a rated request.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_quoted(
    out: &mut Out,
    dates: &mut crate::schedule::DueDates,
    p: &Product,
    r: &Request,
    rated: &Rated,
    opts: &QuoteOptions,
    record: u64,
    group: Option<&str>,
) -> Result<(), QuoteError> {
    let overflow = |what: &str| QuoteError::Rating(rating::overflow(what));
    let (gross, premium) = crate::quote::gross_premiums(rated)?;
    let split = rating::vat_split(p, &gross);
    let mut vat = Decimal::ZERO;
    for (ci, s) in split.iter().enumerate() {
        if r.selected[ci] {
            vat += s.vat;
        }
    }
    let (mut added, mut tax, mut other) = (Decimal::ZERO, vat, Decimal::ZERO);
    for (i, amount) in rating::other_charges(p, premium).map_err(QuoteError::Rating)? {
        let c = &p.charges[i];
        if !c.included {
            added = added
                .checked_add(amount)
                .ok_or_else(|| overflow("charges"))?;
        }
        if rating::is_tax(c.kind) {
            tax = tax.checked_add(amount).ok_or_else(|| overflow("tax"))?;
        }
        if matches!(c.kind, ChargeKind::StampDuty | ChargeKind::Fee) {
            other += amount;
        }
    }
    let gross_total = premium
        .checked_add(added)
        .ok_or_else(|| overflow("gross premium"))?;
    let as_of = opts.as_of.unwrap_or(r.start);
    let id = crate::quote::quote_id(p, r, as_of);
    let start = out.main.len();
    if let Err(e) = member_rows(out, p, r, rated, record, group, &id) {
        out.main.truncate(start);
        return Err(e);
    }
    if r.end().is_none() {
        out.main.truncate(start);
        return Err(QuoteError::Schedule(
            "the cover end date is out of range".into(),
        ));
    }
    // The asked instalment plan's figures, without listing its instalments; any other
    // choice from the options made whole.
    let options;
    let chosen = match crate::quote::asked_plan_summary(p, r, gross_total, opts, Some(dates)) {
        Some(Ok(chosen)) => Some(chosen),
        Some(Err(e)) => {
            out.main.truncate(start);
            return Err(e);
        }
        None => {
            options = match crate::quote::payment_options_with(
                p,
                r,
                rated,
                gross_total,
                opts,
                Some(dates),
            ) {
                Ok(o) => o,
                Err(e) => {
                    out.main.truncate(start);
                    return Err(e);
                }
            };
            let plan = opts.plan.as_deref().or(r.plan.as_deref());
            super::csv_out::chosen_plan(&options, plan)
        }
    };
    let b = &mut out.quotes;
    lead(b, record, group);
    cell(b, &id);
    b.extend_from_slice(b",quoted,");
    push_int(b, r.members.len() as u128);
    for amount in [premium, gross_total, gross_total - tax, vat, other] {
        b.push(b',');
        push_money(b, amount);
    }
    b.push(b',');
    super::csv_out::plan_cells(b, chosen);
    b.push(b'\n');
    Ok(())
}

/// One row per member: premiums by coverage and the member's total, as the quote's members.
fn member_rows(
    out: &mut Out,
    p: &Product,
    r: &Request,
    rated: &Rated,
    record: u64,
    group: Option<&str>,
    id: &str,
) -> Result<(), QuoteError> {
    if r.members.is_empty() {
        return Ok(());
    }
    let m = &mut out.main;
    let mut kinds = KindBytes::new(rated);
    // Every row starts with the record, the group and the quote id: written once, copied.
    let lead_at = m.len();
    lead(m, record, group);
    cell(m, id);
    m.push(b',');
    let lead_bytes = lead_at..m.len();
    for (k, mem) in r.members.iter().enumerate() {
        if k > 0 {
            m.extend_from_within(lead_bytes.clone());
        }
        push_int(m, k as u128 + 1);
        m.push(b',');
        cell(m, &mem.party.name);
        m.push(b',');
        cell(m, mem.party.id.as_deref().unwrap_or(""));
        if kinds.copied(k, m) {
            continue;
        }
        let first = m.len();
        let mut total = Decimal::ZERO;
        for (ci, c) in p.coverages.iter().enumerate() {
            m.push(b',');
            if r.selected[ci] && p.steps[c.premium_step as usize].scope == Scope::Member {
                let x = rated.member_premiums[k][ci];
                push_money(m, x);
                total = total.checked_add(x).ok_or_else(|| {
                    QuoteError::Rating(RatingError {
                        member: Some(k),
                        ..rating::overflow("member total")
                    })
                })?;
            }
        }
        m.push(b',');
        push_money(m, total);
        m.push(b'\n');
        kinds.wrote(first, m);
    }
    Ok(())
}

/// Where each member's premiums are written in an output buffer, so that a member of an
/// earlier member's kind ([`Rated::kinds`]), who has that member's premiums, gets a copy of
/// its bytes.
pub(super) struct KindBytes<'a> {
    kinds: Option<&'a [usize]>,
    spans: Vec<std::ops::Range<usize>>,
}

impl<'a> KindBytes<'a> {
    pub(super) fn new(rated: &'a Rated) -> KindBytes<'a> {
        let kinds = rated.kinds.as_deref();
        KindBytes {
            kinds,
            spans: Vec::with_capacity(kinds.map_or(0, <[_]>::len)),
        }
    }

    /// Appends to `buf` the premium bytes of member `m`'s kind when an earlier member wrote
    /// them; `false` when `m` is to write its own.
    pub(super) fn copied(&mut self, m: usize, buf: &mut Vec<u8>) -> bool {
        let Some(first) = self.kinds.map(|k| k[m]).filter(|&e| e < m) else {
            return false;
        };
        let Some(span) = self.spans.get(first).cloned() else {
            return false;
        };
        buf.extend_from_within(span.clone());
        self.spans.push(span);
        true
    }

    /// Records that the member just written has its premium bytes from `start` to the end
    /// of `buf`.
    pub(super) fn wrote(&mut self, start: usize, buf: &[u8]) {
        if self.kinds.is_some() {
            self.spans.push(start..buf.len());
        }
    }
}
