//! The running totals of earlier claims on a policy: per insured, coverage and policy year
//! the sum of every benefit step and of the payable; per event and per policy year the
//! payable. Memory grows with insured × coverages × years and with distinct events, never
//! with the number of claims.

use std::collections::HashMap;

use rust_decimal::Decimal;

/// Totals of the claims settled so far.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    years: HashMap<(usize, String, u32), (Vec<Decimal>, Decimal)>,
    events: HashMap<(usize, String, String), Decimal>,
    policy_years: HashMap<(String, u32), Decimal>,
}

impl Ledger {
    /// Sum of each step over earlier claims of `member` on `coverage` in `year`.
    pub fn steps(&self, member: usize, coverage: &str, year: u32, n: usize) -> Vec<Decimal> {
        match self.years.get(&(member, coverage.to_string(), year)) {
            Some((v, _)) if v.len() == n => v.clone(),
            _ => vec![Decimal::ZERO; n],
        }
    }

    /// Paid to `member` on `coverage` in `year`.
    pub fn paid_year(&self, member: usize, coverage: &str, year: u32) -> Decimal {
        self.years
            .get(&(member, coverage.to_string(), year))
            .map(|x| x.1)
            .unwrap_or_default()
    }

    pub fn paid_event(&self, member: usize, coverage: &str, event: &str) -> Decimal {
        self.events
            .get(&(member, coverage.to_string(), event.to_string()))
            .copied()
            .unwrap_or_default()
    }

    pub fn paid_policy_year(&self, coverage: &str, year: u32) -> Decimal {
        self.policy_years
            .get(&(coverage.to_string(), year))
            .copied()
            .unwrap_or_default()
    }

    /// Records a settled coverage. Sums saturate rather than overflow: they only ever feed
    /// limits, which they then exhaust.
    pub fn record(
        &mut self,
        member: usize,
        coverage: &str,
        year: u32,
        event: &str,
        steps: &[Decimal],
        paid: Decimal,
    ) {
        let e = self
            .years
            .entry((member, coverage.to_string(), year))
            .or_insert_with(|| (vec![Decimal::ZERO; steps.len()], Decimal::ZERO));
        if e.0.len() != steps.len() {
            e.0 = vec![Decimal::ZERO; steps.len()];
        }
        for (acc, v) in e.0.iter_mut().zip(steps) {
            *acc = acc.saturating_add(*v);
        }
        e.1 = e.1.saturating_add(paid);
        let ev = self
            .events
            .entry((member, coverage.to_string(), event.to_string()))
            .or_default();
        *ev = ev.saturating_add(paid);
        let py = self
            .policy_years
            .entry((coverage.to_string(), year))
            .or_default();
        *py = py.saturating_add(paid);
    }
}
