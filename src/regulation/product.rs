//! Holding a checked product to the baseline of its line (`coverwright validate`).
//!
//! A rule applies to a product when it names the product's line, its `when` conditions hold,
//! and its period overlaps the product's effective period. A product looser than a rule is an
//! error at the line of the product file that makes it looser, naming the rule and its source.
//!
//! Where the product's declared values decide (a waiting period, a modal factor, an input's
//! range, a yearly cap), the check is static. Where only the product's own eligibility rules
//! can tell (does it decline 2 members? class 7? 181 credit days without approval?), the check
//! probes them: it takes the product's first test case that quotes, changes the one input to
//! the violating value and runs the product's eligibility; if no rule of the product declines
//! it, the product is looser than the baseline.
//!
//! A rule marked `acknowledgeable` (the law lets the contract differ) gives a warning instead,
//! which the product silences with an `acknowledge:` entry naming the rule and a reason.
//!
//! Pricing rates are held to the cap in force on the product's `effective_from` (its filing
//! date here); a lower cap that starts while the product is still effective is a warning.

use std::collections::HashSet;

use rust_decimal::Decimal;

use super::{Baseline, DECLINE_PREFIX, Limit, Rule, basis_name, folder_of, for_folder};
use crate::diagnostics::{Diagnostic, Span};
use crate::formula::Value;
use crate::product::{FieldType, InputGroup, Line, PlanMode, Product, TermUnit};
use crate::rating;
use crate::request::{self, Request};
use crate::yaml::{self, Node, NodeKind};

/// Holds every product to the baseline of its folder; also reports the problems of each
/// baseline file read, once.
pub fn check_products(products: &[Product]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for p in products {
        let dir = folder_of(&p.file);
        let (baseline, diags) = for_folder(dir);
        let broken = diags.has_errors();
        if seen.insert(dir.to_path_buf()) {
            out.extend(diags);
        }
        if !broken {
            out.extend(check_product(p, &baseline));
        }
    }
    out
}

/// The diagnostics of one product against a baseline.
pub fn check_product(p: &Product, baseline: &Baseline) -> Vec<Diagnostic> {
    let parsed = match &p.source {
        Some(_) => None,
        None => yaml::parse(
            &crate::fsio::read_text(&p.file, crate::fsio::MAX_DOCUMENT_BYTES).unwrap_or_default(),
        )
        .ok(),
    };
    let mut cx = Cx {
        p,
        node: p.source.as_deref().or(parsed.as_ref()),
        diags: Vec::new(),
        probe: None,
    };
    let acknowledged = cx.acknowledgements(baseline);
    let rules: Vec<&Rule> = baseline
        .for_line(p.line)
        .filter(|r| applies(r, p))
        .filter(|r| r.overlaps(p.effective_from, p.effective_to))
        .collect();
    for r in &rules {
        cx.rule(r, &acknowledged);
    }
    cx.diags.sort_by_key(|d| (d.span.line, d.span.column));
    cx.diags
}

/// Whether the `when` conditions of a rule hold for a product.
pub fn applies(r: &Rule, p: &Product) -> bool {
    r.when.group.is_none_or(|g| g == p.group)
        && r.when.long_term.is_none_or(|l| l == p.long_term())
        && r.when
            .instalments
            .is_none_or(|i| i == offers_instalments(p))
}

/// The product offers payment by instalments: several payments a year, or yearly premiums
/// over several years.
pub fn offers_instalments(p: &Product) -> bool {
    p.plans.iter().any(|plan| match plan.mode {
        PlanMode::SemiAnnual | PlanMode::Quarterly | PlanMode::Monthly => true,
        PlanMode::Annual => p.term.unit == TermUnit::Year && p.term.max > 1,
        _ => false,
    })
}

fn line_name(l: Line) -> &'static str {
    l.as_str()
}

/// Payments a year of an instalment mode.
fn per_year(mode: PlanMode) -> Option<u32> {
    match mode {
        PlanMode::SemiAnnual => Some(2),
        PlanMode::Quarterly => Some(4),
        PlanMode::Monthly => Some(12),
        _ => None,
    }
}

fn pct(d: Decimal) -> String {
    format!("{}%", (d * Decimal::ONE_HUNDRED).normalize())
}

struct Cx<'a> {
    p: &'a Product,
    node: Option<&'a Node>,
    diags: Vec<Diagnostic>,
    /// The request probes start from, once found (`Some(None)`: the product has none).
    probe: Option<Option<Request>>,
}

impl<'a> Cx<'a> {
    // ------------------------------------------------------------------ places in the file

    fn get(&self, path: &[&str]) -> Option<&'a Node> {
        let mut n = self.node?;
        for k in path {
            n = n.get(k)?;
        }
        Some(n)
    }

    fn span(&self, path: &[&str]) -> Option<Span> {
        self.get(path).map(|n| n.span)
    }

    /// The span of a key of the top-level mapping (for a section that should hold something).
    fn key_span(&self, key: &str) -> Option<Span> {
        match &self.node?.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, _)| k.span),
            _ => None,
        }
    }

    /// The item of a top-level list whose `field` is `value`.
    fn item(&self, list: &str, field: &str, value: &str) -> Option<&'a Node> {
        match &self.get(&[list])?.kind {
            NodeKind::Seq(items) => items
                .iter()
                .find(|i| i.get(field).and_then(Node::as_str) == Some(value)),
            _ => None,
        }
    }

    fn item_span(&self, list: &str, field: &str, value: &str, key: &[&str]) -> Option<Span> {
        let mut n = self.item(list, field, value)?;
        for k in key {
            n = n.get(k)?;
        }
        Some(n.span)
    }

    /// Where the product names its line: the place of last resort.
    fn fallback(&self) -> Span {
        self.span(&["line"]).unwrap_or_default()
    }

    /// The `require` of the first eligibility rule that reads `name`.
    fn rule_reading(&self, name: &str) -> Option<Span> {
        let NodeKind::Seq(items) = &self.get(&["eligibility"])?.kind else {
            return None;
        };
        items.iter().find_map(|i| {
            let req = i.get("require")?;
            reads(req.as_str()?, name).then_some(req.span)
        })
    }

    /// The declaration of an input (its `key` when given and present).
    fn input_span(&self, group: &str, name: &str, key: Option<&str>) -> Option<Span> {
        let f = self.get(&["inputs", group, name])?;
        Some(key.and_then(|k| f.get(k)).map(|n| n.span).unwrap_or(f.span))
    }

    // ------------------------------------------------------------------ reporting

    fn report(
        &mut self,
        code: &'static str,
        r: &Rule,
        span: Option<Span>,
        what: String,
        help: String,
    ) {
        let message = format!(
            "{what}: the baseline holds {} products to {}{} (rule {}, {})",
            line_name(self.p.line),
            r.limit.describe(),
            if r.acknowledgeable {
                " unless the contract provides otherwise"
            } else {
                ""
            },
            r.citation(),
            r.period(),
        );
        let d = if r.acknowledgeable {
            Diagnostic::warning(code, message)
        } else {
            Diagnostic::error(code, message)
        };
        self.diags.push(
            d.in_file(&self.p.file)
                .at(span.unwrap_or_else(|| self.fallback()))
                .with_help(help),
        );
    }

    // ------------------------------------------------------------------ acknowledgements

    /// Reads `acknowledge:` and checks each entry names an acknowledgeable rule of the line.
    fn acknowledgements(&mut self, baseline: &Baseline) -> HashSet<String> {
        let mut out = HashSet::new();
        let Some(NodeKind::Seq(items)) = self.get(&["acknowledge"]).map(|n| &n.kind) else {
            return out;
        };
        for item in items {
            let (Some(rule), reason) = (item.get("rule"), item.get("reason")) else {
                continue;
            };
            let id = rule.as_str().unwrap_or("");
            let known: Vec<&Rule> = baseline
                .for_line(self.p.line)
                .filter(|r| r.id == id)
                .collect();
            let problem = if known.is_empty() {
                Some(format!(
                    "`{id}` is not a rule of the {} baseline",
                    line_name(self.p.line)
                ))
            } else if !known.iter().any(|r| r.acknowledgeable) {
                Some(format!(
                    "rule `{id}` cannot be acknowledged: the law allows no contract to differ from it"
                ))
            } else if reason
                .and_then(Node::as_str)
                .is_none_or(|s| s.trim().is_empty())
            {
                Some(format!("the acknowledgement of `{id}` gives no reason"))
            } else {
                None
            };
            match problem {
                Some(m) => self.diags.push(
                    Diagnostic::error(crate::diagnostics::codes::E0630, m)
                        .in_file(&self.p.file)
                        .at(rule.span)
                        .with_help("`coverwright rules --line <line>` lists the rules; only those marked acknowledgeable can be"),
                ),
                None => {
                    out.insert(id.to_string());
                }
            }
        }
        out
    }

    // ------------------------------------------------------------------ the rules

    fn rule(&mut self, r: &Rule, acknowledged: &HashSet<String>) {
        if r.acknowledgeable && acknowledged.contains(&r.id) {
            return;
        }
        match &r.limit {
            Limit::MinMembers(n) => self.min_members(r, *n),
            Limit::OccupationClasses { input, min, max } => self.occupation(r, input, *min, *max),
            Limit::MaxWaitingPeriodDays(max) => self.waiting(r, *max),
            Limit::MinCoolingOffDays(min) => {
                if self.p.cooling_off_days < *min {
                    let span = self.span(&["cooling_off_days"]);
                    self.report(
                        crate::diagnostics::codes::E0613,
                        r,
                        span,
                        format!("a cooling-off period of {} days", self.p.cooling_off_days),
                        format!("set `cooling_off_days: {min}` (or more)"),
                    );
                }
            }
            Limit::GracePeriodDays(days) => {
                if self.p.grace_period_days != *days {
                    let span = self.span(&["grace_period_days"]);
                    self.report(
                        crate::diagnostics::codes::W0610,
                        r,
                        span,
                        format!("a grace period of {} days", self.p.grace_period_days),
                        format!(
                            "write `grace_period_days: {days}`, or, when the contract provides otherwise, add `acknowledge: [{{rule: {}, reason: ...}}]`",
                            r.id
                        ),
                    );
                }
            }
            Limit::CreditPeriod {
                input,
                approval,
                max_days,
                max_days_approved,
            } => self.credit(r, input, approval, *max_days, *max_days_approved),
            Limit::Indemnity(caps) => self.indemnity(r, caps),
            Limit::YearlyContributionCap(cap) => self.contributions(r, *cap),
            Limit::PricingRate { basis, max } => self.pricing(r, *basis, *max),
            Limit::IllustrationRate { basis, max } => self.illustration(r, *basis, *max),
            Limit::MortalityTables(allowed) => self.mortality(r, allowed),
            Limit::InstalmentYearAbove(share) => self.instalments(r, *share),
            Limit::Vat { exempt, rate } => self.vat(r, *exempt, *rate),
            // Decided per request: a product names no beneficiaries.
            Limit::BeneficiaryRelations(_) => {}
            Limit::ShortPeriodRule => {
                let t = &self.p.term;
                if t.unit == TermUnit::Month && t.min < 12 && t.short_period.is_none() {
                    let span = self.span(&["term", "min"]);
                    self.report(
                        crate::diagnostics::codes::E0621,
                        r,
                        span,
                        format!("terms from {} months without a short-period rule", t.min),
                        "add `short_period:` to `term` (a table name or `pro_rata`)".into(),
                    );
                }
            }
        }
    }

    fn waiting(&mut self, r: &Rule, max: u32) {
        if self.p.waiting_period_days > max {
            let span = self.span(&["waiting_period_days"]);
            self.report(
                crate::diagnostics::codes::E0612,
                r,
                span,
                format!("a waiting period of {} days", self.p.waiting_period_days),
                format!("shorten it to {max} days or fewer"),
            );
        }
        for c in &self.p.coverages {
            if let Some(w) = c.waiting_period_days.filter(|w| *w > max) {
                let span = self.item_span("coverages", "code", &c.code, &["waiting_period_days"]);
                self.report(
                    crate::diagnostics::codes::E0612,
                    r,
                    span,
                    format!("coverage `{}` has a waiting period of {w} days", c.code),
                    format!("shorten it to {max} days or fewer"),
                );
            }
        }
    }

    fn indemnity(&mut self, r: &Rule, caps: &std::collections::BTreeMap<String, Decimal>) {
        for c in &self.p.coverages {
            for (peril, share) in &c.indemnity {
                let Some(cap) = caps.get(peril) else { continue };
                if share > cap {
                    let span = self.item_span("coverages", "code", &c.code, &["indemnity", peril]);
                    self.report(
                        crate::diagnostics::codes::E0619,
                        r,
                        span,
                        format!(
                            "coverage `{}` indemnifies {} of a {peril} loss",
                            c.code,
                            pct(*share)
                        ),
                        format!("lower `{peril}` to {} or less", pct(*cap)),
                    );
                }
            }
        }
    }

    fn mortality(&mut self, r: &Rule, allowed: &[String]) {
        let Some(a) = &self.p.actuarial else { return };
        for (name, (_, column)) in a.table_names.iter().zip(&a.table_files) {
            let used = column.as_deref().unwrap_or(name);
            if allowed.iter().any(|t| t.eq_ignore_ascii_case(used)) {
                continue;
            }
            let key = if column.is_some() { "column" } else { "file" };
            let span = self.span(&["actuarial", "tables", name, key]);
            self.report(
                crate::diagnostics::codes::E0616,
                r,
                span,
                format!("life table `{name}` prices on `{used}`"),
                format!("use one of {}", allowed.join(", ")),
            );
        }
    }

    fn instalments(&mut self, r: &Rule, share: Decimal) {
        for plan in &self.p.plans {
            let Some(n) = per_year(plan.mode) else {
                continue;
            };
            let (total, key, what) = match (plan.modal_factor, plan.loading) {
                (Some(f), _) => (
                    f.checked_mul(Decimal::from(n)),
                    "modal_factor",
                    format!("{n} instalments of {} add up to", f.normalize()),
                ),
                (None, Some(l)) => (
                    Decimal::ONE.checked_add(l),
                    "loading",
                    format!("a loading of {} makes the instalments add up to", pct(l)),
                ),
                (None, None) => (
                    Some(Decimal::ONE),
                    "mode",
                    format!("{n} even instalments add up to"),
                ),
            };
            if total.is_some_and(|t| t > share) {
                continue;
            }
            let span = self.item_span("payment_plans", "code", &plan.code, &[key]);
            self.report(
                crate::diagnostics::codes::E0622,
                r,
                span,
                format!(
                    "plan `{}`: {what} {} of the annual premium",
                    plan.code,
                    total
                        .map(pct)
                        .unwrap_or_else(|| "more than can be computed".into())
                ),
                format!(
                    "give a modal factor whose {n} instalments add up to more than {} (e.g. {})",
                    pct(share),
                    match n {
                        2 => "0.52",
                        4 => "0.265",
                        _ => "0.09",
                    }
                ),
            );
        }
    }

    fn vat(&mut self, r: &Rule, exempt: bool, rate: Option<Decimal>) {
        let word = |e: bool| if e { "exempt" } else { "taxable" };
        for c in &self.p.coverages {
            if c.vat_exempt != exempt {
                let span = self.item_span("coverages", "code", &c.code, &["vat"]);
                self.report(
                    crate::diagnostics::codes::E0620,
                    r,
                    span,
                    format!("coverage `{}` is VAT-{}", c.code, word(c.vat_exempt)),
                    format!("write `vat: {}`", word(exempt)),
                );
            }
        }
        if let Some(rate) = rate
            && !exempt
            && self.p.coverages.iter().any(|c| !c.vat_exempt)
            && self.p.vat_rate != rate
        {
            let span = self.span(&["rating", "vat_rate"]);
            self.report(
                crate::diagnostics::codes::E0620,
                r,
                span,
                format!("VAT is charged at {}", pct(self.p.vat_rate)),
                format!("write `vat_rate: {}`", pct(rate)),
            );
        }
    }

    fn pricing(&mut self, r: &Rule, basis: crate::product::InterestBasis, max: Decimal) {
        // Rates this basis caps: the pricing rate of that basis, and for `universal` the
        // guaranteed crediting rate of flexible accounts.
        let mut rates: Vec<(Decimal, Option<Span>, String)> = Vec::new();
        if let Some(a) = &self.p.actuarial
            && a.basis == basis
        {
            rates.push((
                a.interest,
                self.span(&["actuarial", "interest"]),
                format!(
                    "a {} pricing rate of {}",
                    basis_name(basis),
                    pct(a.interest)
                ),
            ));
        }
        if basis == crate::product::InterestBasis::Universal {
            for plan in self.p.plans.iter().filter(|p| p.mode == PlanMode::Flexible) {
                if let Some(c) = plan.crediting_rate {
                    rates.push((
                        c,
                        self.item_span("payment_plans", "code", &plan.code, &["crediting_rate"]),
                        format!(
                            "plan `{}` guarantees a crediting rate of {}",
                            plan.code,
                            pct(c)
                        ),
                    ));
                }
            }
        }
        self.caps(r, max, rates, crate::diagnostics::codes::E0614);
    }

    /// Illustration scenario rates: each scenario of a universal account (the `pension:`
    /// section's `account.scenarios`) is a universal illustration rate.
    fn illustration(&mut self, r: &Rule, basis: crate::product::InterestBasis, max: Decimal) {
        if basis != crate::product::InterestBasis::Universal {
            return;
        }
        let Some(account) = self.p.pension.as_ref().and_then(|p| p.account()) else {
            return;
        };
        let items = match self
            .get(&["pension", "account", "scenarios"])
            .map(|n| &n.kind)
        {
            Some(NodeKind::Seq(items)) => items.as_slice(),
            _ => &[],
        };
        let rates = account
            .scenarios()
            .iter()
            .map(|s| {
                let span = items
                    .iter()
                    .find(|i| i.get("code").and_then(Node::as_str) == Some(s.code.as_str()))
                    .and_then(|i| i.get("rate"))
                    .map(|n| n.span);
                let what = format!(
                    "the `{}` illustration scenario credits {}",
                    s.code,
                    pct(s.rate)
                );
                (s.rate, span, what)
            })
            .collect();
        self.caps(r, max, rates, crate::diagnostics::codes::E0615);
    }

    /// Holds `rates` to a cap: an error (`code`) when the cap in force on the product's
    /// `effective_from` is exceeded; the warning W0611 when the cap is a later, lower one that
    /// starts while the product is still effective.
    fn caps(
        &mut self,
        r: &Rule,
        max: Decimal,
        rates: Vec<(Decimal, Option<Span>, String)>,
        code: &'static str,
    ) {
        let from = self.p.effective_from;
        // The cap in force on the filing date is binding; a later one only warns.
        let binding = r.in_force_on(from);
        for (rate, span, what) in rates {
            if rate <= max {
                continue;
            }
            if binding {
                self.report(
                    code,
                    r,
                    span,
                    format!("{what} for a product effective {from}"),
                    format!("lower it to {} or less", pct(max)),
                );
            } else {
                self.diags.push(
                    Diagnostic::warning(
                        crate::diagnostics::codes::W0611,
                        format!(
                            "{what}: the cap falls to {} from {} while the product is still effective (rule {}); new filings from then are held to it",
                            pct(max),
                            r.from,
                            r.citation()
                        ),
                    )
                    .in_file(&self.p.file)
                    .at(span.unwrap_or_else(|| self.fallback()))
                    .with_help(format!(
                        "end this version with `effective_to: {}` and file a successor priced at {} or less",
                        r.from.pred_opt().unwrap_or(r.from),
                        pct(max)
                    )),
                );
            }
        }
    }

    // ------------------------------------------------------------------ probed rules

    fn min_members(&mut self, r: &Rule, n: u32) {
        if n <= 1 {
            return;
        }
        let Some(base) = self.base(r) else { return };
        let Some(first) = base.members.first().cloned() else {
            return;
        };
        let mut probe = base.clone();
        probe.members = vec![first; (n - 1) as usize];
        if self.declined(&probe) {
            return;
        }
        let span = self
            .rule_reading("members")
            .or_else(|| self.key_span("eligibility"))
            .or_else(|| self.span(&["group"]));
        self.report(
            crate::diagnostics::codes::E0610,
            r,
            span,
            format!("a group of {} members is not declined", n - 1),
            format!("add an eligibility rule `require: members >= {n}` (e.g. `rule: min_members`)"),
        );
    }

    fn occupation(&mut self, r: &Rule, input: &str, min: u32, max: u32) {
        let Some((_, field)) = self.p.field(input) else {
            return;
        };
        if field.group != InputGroup::Member {
            return;
        }
        let (lo, hi) = match &field.ty {
            FieldType::Integer { min, max } | FieldType::Decimal { min, max } => (*min, *max),
            _ => return,
        };
        let mut bad = Vec::new();
        if min > 0 && lo.is_none_or(|l| l < Decimal::from(min)) {
            bad.push((Decimal::from(min - 1), "min"));
        }
        if hi.is_none_or(|h| h > Decimal::from(max)) {
            bad.push((Decimal::from(max + 1), "max"));
        }
        for (value, key) in bad {
            let Some(base) = self.base(r) else { return };
            let Some(probe) = with_member(self.p, &base, input, Value::Num(value)) else {
                continue;
            };
            if self.declined(&probe) {
                continue;
            }
            let span = self
                .rule_reading(input)
                .or_else(|| self.input_span("member", input, Some(key)));
            self.report(
                crate::diagnostics::codes::E0611,
                r,
                span,
                format!("a member of occupation class {value} is not declined"),
                format!(
                    "add a member rule `require: {input} >= {min} and {input} <= {max}`, or narrow the input to `min: {min}, max: {max}`"
                ),
            );
        }
    }

    fn credit(&mut self, r: &Rule, input: &str, approval: &str, max_days: u32, max_approved: u32) {
        if let Some(d) = &self.p.declarations {
            if d.max_credit_days > max_days {
                let span = self.span(&["declarations", "max_credit_days"]);
                self.report(
                    crate::diagnostics::codes::E0618,
                    r,
                    span,
                    format!(
                        "credit periods of {} days without approval",
                        d.max_credit_days
                    ),
                    format!("write `max_credit_days: {max_days}` or less"),
                );
            }
            if d.max_credit_days_approved > max_approved {
                let span = self.span(&["declarations", "max_credit_days_approved"]);
                self.report(
                    crate::diagnostics::codes::E0618,
                    r,
                    span,
                    format!(
                        "credit periods of {} days with approval",
                        d.max_credit_days_approved
                    ),
                    format!("write `max_credit_days_approved: {max_approved}` or less"),
                );
            }
        }
        let Some((_, field)) = self.p.field(input) else {
            return;
        };
        let hi = match &field.ty {
            FieldType::Integer { max, .. } | FieldType::Decimal { max, .. } => *max,
            _ => return,
        };
        for (days, approved, limit) in [
            (max_days + 1, false, max_days),
            (max_approved + 1, true, max_approved),
        ] {
            if hi.is_some_and(|h| h < Decimal::from(days)) {
                continue;
            }
            let Some(base) = self.base(r) else { return };
            let Some(mut probe) =
                with_member(self.p, &base, input, Value::Num(Decimal::from(days)))
            else {
                continue;
            };
            if let Some(slot) = policy_slot(self.p, approval) {
                probe.policy[slot] = Value::Bool(approved);
            }
            if self.declined(&probe) {
                continue;
            }
            let span = self
                .rule_reading(input)
                .or_else(|| self.input_span("member", input, Some("max")));
            self.report(
                crate::diagnostics::codes::E0618,
                r,
                span,
                format!(
                    "a credit period of {days} days {} is not declined",
                    if approved { "with approval" } else { "without approval" }
                ),
                format!(
                    "add a member rule `require: {input} <= {max_days} or ({approval} and {input} <= {max_approved})`; {limit} days is the longest allowed here"
                ),
            );
        }
    }

    fn contributions(&mut self, r: &Rule, cap: Decimal) {
        let flexible: Vec<_> = self
            .p
            .plans
            .iter()
            .filter(|p| p.mode == PlanMode::Flexible)
            .map(|p| (p.code.clone(), p.yearly_cap))
            .collect();
        if flexible.is_empty() {
            return;
        }
        for (code, yearly) in &flexible {
            match yearly {
                Some(y) if *y <= cap => {}
                Some(y) => {
                    let span = self.item_span("payment_plans", "code", code, &["yearly_cap"]);
                    self.report(
                        crate::diagnostics::codes::E0617,
                        r,
                        span,
                        format!("plan `{code}` takes up to {} a year", y.normalize()),
                        format!("write `yearly_cap: {}` or less", cap.normalize()),
                    );
                }
                None => {
                    let span = self.item_span("payment_plans", "code", code, &["mode"]);
                    self.report(
                        crate::diagnostics::codes::E0617,
                        r,
                        span,
                        format!("plan `{code}` takes contributions without a yearly cap"),
                        format!("add `yearly_cap: {}` to the plan", cap.normalize()),
                    );
                }
            }
        }
        self.probe_contribution(r, cap);
    }

    /// The planned contribution (`options.contribution` × payments a year by
    /// `options.frequency`) just over the cap must be declined by the product's own rules.
    fn probe_contribution(&mut self, r: &Rule, cap: Decimal) {
        let Some((_, amount)) = self.p.field("contribution") else {
            return;
        };
        let (lo, hi) = match &amount.ty {
            FieldType::Integer { min, max } | FieldType::Decimal { min, max } => (*min, *max),
            _ => return,
        };
        let freqs: Vec<(String, u32)> = match self.p.field("frequency").map(|(_, f)| &f.ty) {
            Some(FieldType::Enum(values)) => values
                .iter()
                .filter_map(|s| {
                    let word = self.p.interner.show(&Value::Text(*s));
                    let n = match word.as_str() {
                        "monthly" => 12,
                        "quarterly" => 4,
                        "semi_annual" => 2,
                        "yearly" | "annual" => 1,
                        _ => return None,
                    };
                    Some((word, n))
                })
                .collect(),
            _ => vec![(String::new(), 1)],
        };
        for (word, n) in freqs {
            let c = (cap / Decimal::from(n)).floor() + Decimal::ONE;
            if lo.is_some_and(|l| c < l) || hi.is_some_and(|h| c > h) {
                continue;
            }
            let Some(base) = self.base(r) else { return };
            let mut probe = base.clone();
            let Some(slot) = policy_slot(self.p, "contribution") else {
                return;
            };
            probe.policy[slot] = Value::Num(c);
            if !word.is_empty()
                && let (Some(fs), Some(sym)) =
                    (policy_slot(self.p, "frequency"), self.p.interner.get(&word))
            {
                probe.policy[fs] = Value::Text(sym);
            }
            if self.declined(&probe) {
                continue;
            }
            let span = self
                .rule_reading("contribution")
                .or_else(|| self.input_span("options", "contribution", Some("max")));
            let year = c * Decimal::from(n);
            self.report(
                crate::diagnostics::codes::E0617,
                r,
                span,
                format!(
                    "a planned contribution of {}{} ({} a year) is not declined",
                    c.normalize(),
                    if word.is_empty() {
                        String::new()
                    } else {
                        format!(" {word}")
                    },
                    year.normalize()
                ),
                format!(
                    "add a rule `require: contribution * (payments a year) <= {}`",
                    cap.normalize()
                ),
            );
            return;
        }
    }

    // ------------------------------------------------------------------ probing

    /// The request of the product's first test case that quotes and passes its own rules.
    fn base(&mut self, r: &Rule) -> Option<Request> {
        if self.probe.is_none() {
            let found = self
                .p
                .tests
                .iter()
                .filter(|t| t.decline.is_empty())
                .find_map(|t| {
                    let census = match &t.census {
                        Some(path) => Some(crate::census::read_members(self.p, path, None).ok()?),
                        None => None,
                    };
                    let req = request::check(self.p, &t.request, &self.p.file, census).ok()?;
                    (!self.declined(&req)).then_some(req)
                });
            self.probe = Some(found);
        }
        let found = self.probe.clone().flatten();
        if found.is_none() {
            self.diags.push(
                Diagnostic::warning(
                    crate::diagnostics::codes::W0620,
                    format!(
                        "rule {} cannot be checked: no test case of the product quotes",
                        r.citation()
                    ),
                )
                .in_file(&self.p.file)
                .at(self.key_span("tests").unwrap_or_else(|| self.fallback()))
                .with_help(
                    "add a test case that quotes; the check changes one input of its request",
                ),
            );
        }
        found
    }

    /// Whether the product's own rules decline a request (an evaluation error counts: the
    /// request gets no quote).
    fn declined(&self, req: &Request) -> bool {
        match rating::eligibility(self.p, req) {
            Ok(fails) => fails.iter().any(|f| !f.rule.starts_with(DECLINE_PREFIX)),
            Err(_) => true,
        }
    }
}

/// Whether a formula reads `name` (as a whole word).
fn reads(formula: &str, name: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    formula.match_indices(name).any(|(i, _)| {
        let before = formula[..i].chars().next_back();
        let after = formula[i + name.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// Slot of a member input in `Member::inputs`.
pub(crate) fn member_slot(p: &Product, name: &str) -> Option<usize> {
    p.fields
        .iter()
        .filter(|f| f.group == InputGroup::Member)
        .position(|f| f.name == name)
}

/// Slot of a policyholder input or option in `Request::policy`.
pub(crate) fn policy_slot(p: &Product, name: &str) -> Option<usize> {
    p.fields
        .iter()
        .filter(|f| f.group != InputGroup::Member)
        .position(|f| f.name == name)
}

/// The request with the first member's `input` set to `value`.
fn with_member(p: &Product, base: &Request, input: &str, value: Value) -> Option<Request> {
    let slot = member_slot(p, input)?;
    let mut probe = base.clone();
    let m = probe.members.first_mut()?;
    *m.inputs.get_mut(slot)? = value;
    Some(probe)
}

#[cfg(test)]
mod tests {
    use super::reads;

    #[test]
    fn a_formula_reads_a_name_only_as_a_whole_word() {
        assert!(reads("credit_days <= 180 or approved", "credit_days"));
        assert!(reads("members >= 3", "members"));
        assert!(reads("(occupation_class <= 6)", "occupation_class"));
        assert!(!reads("max_credit_days <= 180", "credit_days"));
        assert!(!reads("credit_days_total > 0", "credit_days"));
        assert!(!reads("add.members > 0", "members"));
        assert!(!reads("age >= 16", "members"));
    }
}
