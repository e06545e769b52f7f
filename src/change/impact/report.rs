//! The impact report: counts, totals, distribution, largest changes and attribution, gathered
//! line by line from the records the pipeline writes, and written as text.

use super::*;

/// A record and what each version gave it.
#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    pub record: u64,
    pub row: usize,
    /// Rules failed, or the error.
    pub reason: String,
}

/// A record's change of premium.
#[derive(Clone, Debug, Serialize)]
pub struct Change {
    pub record: u64,
    pub row: usize,
    pub old: Decimal,
    pub new: Decimal,
    pub change: Decimal,
    /// Percent, two places; none when the old premium is zero.
    pub relative: Option<Decimal>,
}

/// One link of the attribution chain.
#[derive(Clone, Debug, Serialize)]
pub struct Share {
    /// The pricing item(s) put in at this link.
    pub item: String,
    pub change: Decimal,
    /// Percent of the total change, two places.
    pub percent: Option<Decimal>,
}

/// A bin of the histogram of relative change, `[from, to)` percent.
#[derive(Clone, Debug, Serialize)]
pub struct Bin {
    pub from: Option<Decimal>,
    pub to: Option<Decimal>,
    pub records: u64,
}

/// The impact of a change on a book.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub old: String,
    pub new: String,
    pub records: u64,
    pub rated_both: u64,
    pub newly_declined: u64,
    pub newly_eligible: u64,
    pub declined_both: u64,
    pub errors: u64,
    pub total_old: Decimal,
    pub total_new: Decimal,
    pub total_change: Decimal,
    pub total_relative: Option<Decimal>,
    /// Percentiles of the relative change (percent): 0, 5, 25, 50, 75, 95, 100.
    pub percentiles: Vec<(u8, Decimal)>,
    pub histogram: Vec<Bin>,
    pub largest: Vec<Change>,
    /// The order the items were applied in, and each one's share.
    pub attribution: Vec<Share>,
    pub newly_declined_records: Vec<Listed>,
    pub newly_eligible_records: Vec<Listed>,
    pub error_records: Vec<Listed>,
}

/// Gathers the lines [`Rater::one`] writes.
pub(super) struct Aggregate {
    partial: Vec<u8>,
    report: Report,
    shares: Vec<Decimal>,
    relative: Vec<Decimal>,
    overflow: bool,
}

impl Aggregate {
    pub(super) fn new(chain: &Chain, old: &Side, new: &Side) -> Aggregate {
        Aggregate {
            partial: Vec::new(),
            report: Report {
                old: old.product.id(),
                new: new.product.id(),
                records: 0,
                rated_both: 0,
                newly_declined: 0,
                newly_eligible: 0,
                declined_both: 0,
                errors: 0,
                total_old: Decimal::ZERO,
                total_new: Decimal::ZERO,
                total_change: Decimal::ZERO,
                total_relative: None,
                percentiles: Vec::new(),
                histogram: Vec::new(),
                largest: Vec::new(),
                attribution: chain
                    .labels
                    .iter()
                    .map(|l| Share {
                        item: l.clone(),
                        change: Decimal::ZERO,
                        percent: None,
                    })
                    .collect(),
                newly_declined_records: Vec::new(),
                newly_eligible_records: Vec::new(),
                error_records: Vec::new(),
            },
            shares: vec![Decimal::ZERO; chain.labels.len()],
            relative: Vec::new(),
            overflow: false,
        }
    }

    fn line(&mut self, line: &str) {
        let mut parts = line.split('\t');
        let record: u64 = parts.next().and_then(|x| x.parse().ok()).unwrap_or(0);
        let row: usize = parts.next().and_then(|x| x.parse().ok()).unwrap_or(0);
        let outs: Vec<Outcome> = parts
            .map(|p| match p.split_at(1) {
                ("R", d) => d
                    .parse()
                    .map(Outcome::Rated)
                    .unwrap_or(Outcome::Error(d.into())),
                ("D", r) => Outcome::Declined(vec![r.to_string()]),
                (_, e) => Outcome::Error(e.to_string()),
            })
            .collect();
        let r = &mut self.report;
        r.records += 1;
        let (Some(first), Some(last)) = (outs.first(), outs.last()) else {
            return;
        };
        let reason = |o: &Outcome| match o {
            Outcome::Declined(r) => r.join(", "),
            Outcome::Error(e) => e.clone(),
            Outcome::Rated(_) => String::new(),
        };
        let listed = |v: &mut Vec<Listed>, o: &Outcome| {
            if v.len() < LISTED {
                v.push(Listed {
                    record,
                    row,
                    reason: reason(o),
                });
            }
        };
        match (first, last) {
            (Outcome::Rated(a), Outcome::Rated(b)) => {
                r.rated_both += 1;
                self.rated(record, row, *a, *b, &outs);
            }
            (Outcome::Rated(_), o @ Outcome::Declined(_)) => {
                r.newly_declined += 1;
                listed(&mut r.newly_declined_records, o);
            }
            (o @ Outcome::Declined(_), Outcome::Rated(_)) => {
                r.newly_eligible += 1;
                listed(&mut r.newly_eligible_records, o);
            }
            (Outcome::Declined(_), Outcome::Declined(_)) => r.declined_both += 1,
            (o, Outcome::Error(_)) | (o @ Outcome::Error(_), _) => {
                r.errors += 1;
                let o = if matches!(o, Outcome::Error(_)) {
                    o
                } else {
                    last
                };
                listed(&mut r.error_records, o);
            }
        }
    }

    fn rated(&mut self, record: u64, row: usize, a: Decimal, b: Decimal, outs: &[Outcome]) {
        let r = &mut self.report;
        match (r.total_old.checked_add(a), r.total_new.checked_add(b)) {
            (Some(x), Some(y)) => {
                r.total_old = x;
                r.total_new = y;
            }
            _ => self.overflow = true,
        }
        // Values along the chain; a point that cannot rate takes the next point's value.
        let mut v: Vec<Decimal> = vec![b; outs.len()];
        for i in (0..outs.len()).rev() {
            v[i] = match outs[i] {
                Outcome::Rated(d) => d,
                _ => v.get(i + 1).copied().unwrap_or(b),
            };
        }
        for (k, s) in self.shares.iter_mut().enumerate() {
            match v[k + 1].checked_sub(v[k]).and_then(|d| s.checked_add(d)) {
                Some(x) => *s = x,
                None => self.overflow = true,
            }
        }
        let change = b - a;
        let relative = (!a.is_zero()).then(|| percent(change / a));
        if let Some(rel) = relative {
            self.relative.push(rel);
        }
        let c = Change {
            record,
            row,
            old: a,
            new: b,
            change,
            relative,
        };
        let big = &mut r.largest;
        let pos = big
            .iter()
            .position(|x| x.change.abs() < change.abs())
            .unwrap_or(big.len());
        if pos < LARGEST {
            big.insert(pos, c);
            big.truncate(LARGEST);
        }
    }

    pub(super) fn finish(mut self) -> Result<Report, ImpactError> {
        if !self.partial.is_empty() {
            let l = String::from_utf8_lossy(&std::mem::take(&mut self.partial)).into_owned();
            self.line(&l);
        }
        if self.overflow {
            return Err(ImpactError::Usage(
                "the total premium of the book overflows a decimal".into(),
            ));
        }
        let mut r = self.report;
        if r.rated_both == 0 && r.records > 0 {
            return Err(ImpactError::Usage(format!(
                "no record of the book is rated under both {} and {} ({} newly declined, {} newly eligible, {} declined by both, {} errors)",
                r.old, r.new, r.newly_declined, r.newly_eligible, r.declined_both, r.errors
            )));
        }
        r.total_change = r.total_new - r.total_old;
        r.total_relative = (!r.total_old.is_zero()).then(|| percent(r.total_change / r.total_old));
        for (s, v) in r.attribution.iter_mut().zip(&self.shares) {
            s.change = *v;
            s.percent = (!r.total_change.is_zero()).then(|| percent(*v / r.total_change));
        }
        let mut rel = self.relative;
        rel.sort();
        if !rel.is_empty() {
            for q in [0u8, 5, 25, 50, 75, 95, 100] {
                // Nearest rank.
                let idx = ((q as usize * rel.len()).div_ceil(100)).saturating_sub(1);
                r.percentiles.push((q, rel[idx.min(rel.len() - 1)]));
            }
        }
        r.histogram = histogram(&rel);
        Ok(r)
    }
}

/// Bins of 5 points from -25% to +25%, with open bins below and above.
fn histogram(rel: &[Decimal]) -> Vec<Bin> {
    let edges: Vec<Decimal> = (-5..=5).map(|i| Decimal::from(i * 5)).collect();
    let mut bins = vec![Bin {
        from: None,
        to: Some(edges[0]),
        records: 0,
    }];
    for w in edges.windows(2) {
        bins.push(Bin {
            from: Some(w[0]),
            to: Some(w[1]),
            records: 0,
        });
    }
    bins.push(Bin {
        from: edges.last().copied(),
        to: None,
        records: 0,
    });
    for x in rel {
        let i = bins
            .iter()
            .position(|b| b.from.is_none_or(|f| *x >= f) && b.to.is_none_or(|t| *x < t))
            .unwrap_or(0);
        bins[i].records += 1;
    }
    bins
}

impl Write for Aggregate {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = rest.iter().position(|b| *b == b'\n') {
            let mut line = std::mem::take(&mut self.partial);
            line.extend_from_slice(&rest[..i]);
            self.line(&String::from_utf8_lossy(&line));
            rest = &rest[i + 1..];
        }
        self.partial.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn pct(x: Option<Decimal>) -> String {
    match x {
        Some(d) if d > Decimal::ZERO => format!("+{d:.2}%"),
        Some(d) => format!("{d:.2}%"),
        None => "-".into(),
    }
}

/// The report as text.
pub fn text(r: &Report, money: &dyn Fn(Decimal) -> String) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "impact of {} → {}: {} records", r.old, r.new, r.records);
    let _ = writeln!(
        s,
        "  rated under both {}, newly declined {}, newly eligible {}, declined by both {}, errors {}",
        r.rated_both, r.newly_declined, r.newly_eligible, r.declined_both, r.errors
    );
    let _ = writeln!(
        s,
        "  total premium {} → {}, change {} ({})",
        money(r.total_old),
        money(r.total_new),
        money(r.total_change),
        pct(r.total_relative)
    );
    let _ = writeln!(s, "\nchange per record (percent)");
    let ps: Vec<String> = r
        .percentiles
        .iter()
        .map(|(q, v)| format!("p{q} {}", pct(Some(*v))))
        .collect();
    let _ = writeln!(s, "  {}", ps.join("  "));
    for b in &r.histogram {
        if b.records > 0 {
            let label = match (b.from, b.to) {
                (None, Some(t)) => format!("below {t}%"),
                (Some(f), None) => format!("{f}% and above"),
                (Some(f), Some(t)) => format!("{f}% to {t}%"),
                _ => String::new(),
            };
            let _ = writeln!(s, "  {label:>16}  {}", b.records);
        }
    }
    let _ = writeln!(
        s,
        "\nattribution (items applied one at a time in rating-plan order; each share depends on the order)"
    );
    for (i, a) in r.attribution.iter().enumerate() {
        let _ = writeln!(
            s,
            "  {}. {}: {} ({} of the change)",
            i + 1,
            a.item,
            money(a.change),
            a.percent
                .map(|p| format!("{p:.2}%"))
                .unwrap_or_else(|| "-".into())
        );
    }
    let _ = writeln!(s, "\nlargest changes");
    for c in &r.largest {
        let _ = writeln!(
            s,
            "  record {} (row {}): {} → {} ({}, {})",
            c.record,
            c.row,
            money(c.old),
            money(c.new),
            money(c.change),
            pct(c.relative)
        );
    }
    for (title, list, n) in [
        (
            "newly declined",
            &r.newly_declined_records,
            r.newly_declined,
        ),
        (
            "newly eligible",
            &r.newly_eligible_records,
            r.newly_eligible,
        ),
        ("errors", &r.error_records, r.errors),
    ] {
        if n == 0 {
            continue;
        }
        let _ = writeln!(
            s,
            "\n{title} ({n}{})",
            if n as usize > list.len() {
                format!(", the first {}", list.len())
            } else {
                String::new()
            }
        );
        for l in list {
            let _ = writeln!(s, "  record {} (row {}): {}", l.record, l.row, l.reason);
        }
    }
    s
}
