//! Term: unit, bounds, default and the short-period rule.

use super::*;

impl Checker<'_> {
    /// Term rules.
    pub(super) fn term(&mut self, raw: &RawProduct, d: &mut Draft) {
        let mut short_table: Option<Sp<String>> = None;
        let term = raw.term.0.as_ref().and_then(|t| {
            let unit = word(&t.unit)?;
            if t.min.value == 0 || t.min.value > t.max.value {
                self.err(
                    crate::diagnostics::codes::E0107,
                    t.min.span,
                    "the shortest term must be at least 1 and not above the longest",
                );
                return None;
            }
            if unit == TermUnit::Month && t.max.value > 12 {
                self.err(
                    crate::diagnostics::codes::E0107,
                    t.max.span,
                    "a term in months is at most 12; use `unit: year` for longer cover",
                );
                return None;
            }
            if t.default.value < t.min.value || t.default.value > t.max.value {
                self.err(
                    crate::diagnostics::codes::E0107,
                    t.default.span,
                    "the default term is outside min..max",
                );
            }
            let short_period = match &t.short_period {
                Some(s) if s.value == "pro_rata" => Some(ShortPeriod::ProRata),
                Some(s) => {
                    short_table = Some(s.clone());
                    Some(ShortPeriod::Table(0))
                }
                None => {
                    if unit == TermUnit::Month && t.min.value < 12 {
                        self.err(
                            crate::diagnostics::codes::E0107,
                            t.min.span,
                            "terms under 12 months need a short-period rule",
                        )
                        .help =
                            Some("add `short_period: <table>` or `short_period: pro_rata`".into());
                    }
                    None
                }
            };
            Some(Term {
                unit,
                min: t.min.value,
                max: t.max.value,
                default: t.default.value,
                short_period,
            })
        });
        d.term = term;
        d.short_table = short_table;
    }

    /// The short-period table exists and has a row for every month the term allows.
    pub(super) fn short_period(&mut self, d: &mut Draft) {
        let term = d.term.take();
        let tables = &d.tables;
        let short_table = &d.short_table;
        let term = term.map(|mut term| {
            if let (Some(ShortPeriod::Table(_)), Some(s)) = (&term.short_period, &short_table) {
                match tables.iter().position(|t| t.name == s.value) {
                    Some(i) => {
                        term.short_period = Some(ShortPeriod::Table(i as u16));
                        let t = &tables[i];
                        for m in term.min..12.min(term.max.saturating_add(1)) {
                            if t.find(&[Value::Num(Decimal::from(m))]).is_none() {
                                self.err(
                                    crate::diagnostics::codes::E0110,
                                    s.span,
                                    format!(
                                        "the short-period table `{}` has no row for {m} month(s)",
                                        s.value
                                    ),
                                );
                            }
                        }
                    }
                    None => {
                        let help = suggest_in(&s.value, tables.iter().map(|t| t.name.as_str()));
                        self.err(
                            crate::diagnostics::codes::E0111,
                            s.span,
                            format!("unknown table `{}`", s.value),
                        )
                        .help = Some(help);
                    }
                }
            }
            term
        });
        d.term = term;
    }
}
