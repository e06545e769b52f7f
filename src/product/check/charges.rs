//! Rounding, minimum premium, VAT and charges.

use super::*;

impl Checker<'_> {
    /// Rounding, minimum premium, VAT rate and charges.
    pub(super) fn charges(&mut self, raw: &RawProduct, d: &mut Draft) {
        let rating = raw.rating.0.as_ref();
        let currency = d.currency;
        let coverages = &d.coverages;
        let cov_spans = &d.cov_spans;
        let rounding = rating.and_then(|r| r.rounding.0.as_ref()).and_then(|r| {
            let mode = word(&r.mode)?;
            let level = word(&r.level)?;
            if let Some(c) = currency
                && r.places.value > c.minor_unit()
            {
                self.err(
                    crate::diagnostics::codes::E0105,
                    r.places.span,
                    format!(
                        "premiums are rounded to {} decimal places, finer than the smallest unit of {c} ({} places)",
                        r.places.value,
                        c.minor_unit()
                    ),
                )
                .help = Some(format!("round to at most `places: {}`", c.minor_unit()));
                return None;
            }
            if r.places.value > 8 {
                self.err(crate::diagnostics::codes::E0104, r.places.span, "round to at most 8 decimal places");
                return None;
            }
            Some(Rounding {
                places: r.places.value,
                strategy: mode.strategy(),
                mode_name: mode.as_str(),
                level,
            })
        });
        let minimum_premium = rating
            .and_then(|r| r.minimum_premium.as_ref())
            .and_then(|m| {
                let d = self.num(m)?;
                if d < Decimal::ZERO {
                    self.err(
                        crate::diagnostics::codes::E0115,
                        m.span,
                        "the minimum premium cannot be negative",
                    );
                }
                Some(d)
            });
        let vat_rate = match rating.and_then(|r| r.vat_rate.as_ref()) {
            Some(v) => {
                let d = self.num(v).unwrap_or_default();
                if !(Decimal::ZERO..Decimal::ONE).contains(&d) {
                    self.err(
                        crate::diagnostics::codes::E0113,
                        v.span,
                        format!("the VAT rate {d} is outside [0, 1)"),
                    );
                }
                d
            }
            None => {
                if coverages.iter().any(|c| !c.vat_exempt) {
                    let span = cov_spans.first().copied().unwrap_or_default();
                    self.err(
                        crate::diagnostics::codes::E0119,
                        span,
                        "a coverage is VAT-taxable but the rating plan has no `vat_rate`",
                    )
                    .help = Some("add `vat_rate: 6%` under `rating:` (VAT on insurance services: Caishui [2016] No. 36)".into());
                }
                Decimal::ZERO
            }
        };
        let mut charges = Vec::new();
        for c in rating
            .map(|r| r.charges.as_slice())
            .unwrap_or(&[])
            .iter()
            .filter_map(|c| c.0.as_ref())
        {
            let (Some(kind), Some(basis)) = (word(&c.kind), word(&c.basis)) else {
                continue;
            };
            let included = basis == ChargeBasis::Included;
            let rate = c.rate.as_ref().and_then(|r| self.num(r));
            let amount = c.amount.as_ref().and_then(|r| self.num(r));
            if rate.is_some() == amount.is_some() {
                self.err(
                    crate::diagnostics::codes::E0119,
                    wspan(&c.kind),
                    "a charge needs either `rate` or `amount`",
                );
            }
            for (v, s) in [(rate, c.rate.as_ref()), (amount, c.amount.as_ref())] {
                if let (Some(v), Some(s)) = (v, s)
                    && v < Decimal::ZERO
                {
                    self.err(
                        crate::diagnostics::codes::E0115,
                        s.span,
                        "a charge cannot be negative",
                    );
                }
            }
            charges.push(Charge {
                kind,
                name: self.names(&c.name),
                rate,
                amount,
                included,
            });
        }
        d.rounding = rounding;
        d.minimum_premium = minimum_premium;
        d.vat_rate = vat_rate;
        d.charges = charges;
    }
}
