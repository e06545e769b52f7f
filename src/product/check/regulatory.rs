//! Regulatory checks: waiting periods and cooling-off periods by line and term.

use super::*;

impl Checker<'_> {
    /// Waiting and cooling-off periods.
    pub(super) fn regulatory(&mut self, raw: &RawProduct, d: &mut Draft) {
        let line = d.line;
        let term = &d.term;
        let cooling_off_days = raw.cooling_off_days.as_ref().map(|c| c.value).unwrap_or(0);
        let waiting_period_days = raw
            .waiting_period_days
            .as_ref()
            .map(|c| c.value)
            .unwrap_or(0);
        if line == Some(Line::Health)
            && let Some(w) = &raw.waiting_period_days
            && w.value > 180
        {
            self.err(
                crate::diagnostics::codes::E0116,
                w.span,
                format!(
                    "a health waiting period of {} days exceeds the 180 days allowed",
                    w.value
                ),
            )
            .help = Some("short-term health waiting periods are at most 180 days".into());
        }
        if let Some(g) = &raw.grace_period_days
            && g.value > crate::schedule::plan::MAX_GRACE_DAYS
        {
            self.err(
                crate::diagnostics::codes::E0135,
                g.span,
                format!(
                    "a grace period of {} days is over a year; the schedule allows at most {}",
                    g.value,
                    crate::schedule::plan::MAX_GRACE_DAYS
                ),
            )
            .help = Some("the statutory grace period is 60 days (Insurance Law art. 36)".into());
        }
        let long_term = line == Some(Line::Pension)
            || term
                .as_ref()
                .is_some_and(|t| t.unit == TermUnit::Year && t.max > 1);
        if long_term
            && matches!(line, Some(Line::Health) | Some(Line::Pension))
            && cooling_off_days < 15
        {
            let span = raw
                .cooling_off_days
                .as_ref()
                .map(|c| c.span)
                .unwrap_or(wspan(&raw.line));
            self.err(
                crate::diagnostics::codes::E0122,
                span,
                format!(
                    "a long-term {} product needs a cooling-off period of at least 15 days",
                    line.map(Line::as_str).unwrap_or_default()
                ),
            )
            .help = Some("set `cooling_off_days: 15` (or more)".into());
        }
        d.cooling_off_days = cooling_off_days;
        d.waiting_period_days = waiting_period_days;
    }
}
