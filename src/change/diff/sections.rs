//! The diff of eligibility, cover, payment and wording.

use super::*;

fn show_choice(c: &Choice) -> String {
    match c {
        Choice::Options(o) => format!(
            "options [{}]",
            o.iter()
                .map(|d| show_dec(*d))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Choice::Range { min, max, step } => format!(
            "{} to {}{}",
            show_dec(*min),
            show_dec(*max),
            step.map(|s| format!(" step {}", show_dec(s)))
                .unwrap_or_default()
        ),
    }
}

/// Widened, narrowed or changed: the old set of values against the new.
fn direction_choice(a: &Choice, b: &Choice) -> &'static str {
    match (a, b) {
        (Choice::Options(x), Choice::Options(y)) => direction_sets(x, y),
        (
            Choice::Range {
                min: a0, max: a1, ..
            },
            Choice::Range {
                min: b0, max: b1, ..
            },
        ) => direction_range(Some(*a0), Some(*a1), Some(*b0), Some(*b1)),
        _ => "changed",
    }
}

fn direction_sets<T: PartialEq>(a: &[T], b: &[T]) -> &'static str {
    let gained = b.iter().any(|x| !a.contains(x));
    let lost = a.iter().any(|x| !b.contains(x));
    match (gained, lost) {
        (true, false) => "widened",
        (false, true) => "narrowed",
        _ => "changed",
    }
}

/// Whether `[b0, b1]` contains `[a0, a1]` (widened), the reverse (narrowed), or neither.
fn direction_range(
    a0: Option<Decimal>,
    a1: Option<Decimal>,
    b0: Option<Decimal>,
    b1: Option<Decimal>,
) -> &'static str {
    let lo_wider = match (a0, b0) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(x), Some(y)) => y <= x,
    };
    let lo_narrower = match (a0, b0) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(x), Some(y)) => y >= x,
    };
    let hi_wider = match (a1, b1) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some(x), Some(y)) => y >= x,
    };
    let hi_narrower = match (a1, b1) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(x), Some(y)) => y <= x,
    };
    if lo_wider && hi_wider {
        "widened"
    } else if lo_narrower && hi_narrower {
        "narrowed"
    } else {
        "changed"
    }
}

/// The path of a key of a coverage.
fn cov_at<'s>(code: &'s str, key: &'s str) -> [Seg<'s>; 3] {
    [
        Seg::Key("coverages"),
        Seg::Item("code", code),
        Seg::Key(key),
    ]
}

/// Whether two `claims:` sections settle alike: equal but for their test cases.
fn same_claims(a: &Node, b: &Node) -> bool {
    let rules = |n: &Node| -> Vec<(Node, Node)> {
        match &n.kind {
            NodeKind::Map(e) => e
                .iter()
                .filter(|(k, _)| k.as_str() != Some("tests"))
                .cloned()
                .collect(),
            _ => Vec::new(),
        }
    };
    let (x, y) = (rules(a), rules(b));
    x.len() == y.len()
        && x.iter()
            .zip(&y)
            .all(|((k1, v1), (k2, v2))| same_node(k1, k2) && same_node(v1, v2))
}

/// Structural equality of two nodes, spans aside.
fn same_node(a: &Node, b: &Node) -> bool {
    match (&a.kind, &b.kind) {
        (NodeKind::Seq(x), NodeKind::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_node(p, q))
        }
        (NodeKind::Map(x), NodeKind::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| same_node(k1, k2) && same_node(v1, v2))
        }
        (x, y) => x == y,
    }
}

impl Differ<'_> {
    // -----------------------------------------------------------------------------------------
    // Eligibility.

    pub(super) fn eligibility(&mut self) {
        let (pa, pb) = (self.pa(), self.pb());
        let g = Group::Eligibility;
        for rb in &pb.rules {
            let atb = [Seg::Key("eligibility"), Seg::Item("rule", &rb.name)];
            let subject = format!("rule {}", rb.name);
            match pa.rules.iter().find(|r| r.name == rb.name) {
                None => self.push(
                    g,
                    subject,
                    "added",
                    None,
                    Some(rb.formula.clone()),
                    (&[], &atb),
                    None,
                ),
                Some(ra) => {
                    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                    let ata = [Seg::Key("eligibility"), Seg::Item("rule", &ra.name)];
                    self.value(
                        g,
                        &subject,
                        "require",
                        (norm(&ra.formula), norm(&rb.formula)),
                        (&ata, &atb),
                        None,
                    );
                    let per = |s: crate::formula::Scope| format!("{s:?}").to_lowercase();
                    self.value(
                        g,
                        &subject,
                        "per",
                        (per(ra.scope), per(rb.scope)),
                        (&ata, &atb),
                        None,
                    );
                    let msg =
                        |r: &crate::product::Rule| format!("{} / {}", r.message.zh, r.message.en);
                    self.value(
                        Group::Wording,
                        &subject,
                        "message",
                        (msg(ra), msg(rb)),
                        (&ata, &atb),
                        None,
                    );
                }
            }
        }
        for ra in &pa.rules {
            if !pb.rules.iter().any(|r| r.name == ra.name) {
                let ata = [Seg::Key("eligibility"), Seg::Item("rule", &ra.name)];
                self.removed(
                    g,
                    format!("rule {}", ra.name),
                    Some(ra.formula.clone()),
                    &ata,
                );
            }
        }
        self.fields();
        let t = |p: &Product| format!("{} to {} {}", p.term.min, p.term.max, p.term.unit.as_str());
        let at = [Seg::Key("term")];
        self.value(g, "term", "range", (t(pa), t(pb)), (&at, &at), None);
        if t(pa) != t(pb) {
            let d = direction_range(
                Some(pa.term.min.into()),
                Some(pa.term.max.into()),
                Some(pb.term.min.into()),
                Some(pb.term.max.into()),
            );
            self.set_direction(d);
        }
    }

    fn fields(&mut self) {
        let (pa, pb) = (self.pa(), self.pb());
        let g = Group::Eligibility;
        let group_key = |f: &crate::product::Field| match f.group {
            crate::product::InputGroup::Policyholder => "policyholder",
            crate::product::InputGroup::Options => "options",
            crate::product::InputGroup::Member => "member",
        };
        for fb in &pb.fields {
            let atb = [
                Seg::Key("inputs"),
                Seg::Key(group_key(fb)),
                Seg::Key(&fb.name),
            ];
            let subject = format!("input {}", fb.name);
            let Some(fa) = pa.fields.iter().find(|f| f.name == fb.name) else {
                self.push(g, subject, "added", None, None, (&[], &atb), None);
                continue;
            };
            let ata = [
                Seg::Key("inputs"),
                Seg::Key(group_key(fa)),
                Seg::Key(&fa.name),
            ];
            match (&fa.ty, &fb.ty) {
                (
                    FieldType::Integer { min: a0, max: a1 }
                    | FieldType::Decimal { min: a0, max: a1 },
                    FieldType::Integer { min: b0, max: b1 }
                    | FieldType::Decimal { min: b0, max: b1 },
                ) => {
                    let r = |lo: &Option<Decimal>, hi: &Option<Decimal>| {
                        format!("{} to {}", opt_dec(*lo), opt_dec(*hi))
                    };
                    if r(a0, a1) != r(b0, b1) {
                        self.value(
                            g,
                            &subject,
                            "range",
                            (r(a0, a1), r(b0, b1)),
                            (&ata, &atb),
                            None,
                        );
                        self.set_direction(direction_range(*a0, *a1, *b0, *b1));
                    }
                }
                (FieldType::Enum(a), FieldType::Enum(b)) => {
                    let words = |p: &Product, v: &[crate::formula::Sym]| -> Vec<String> {
                        v.iter().map(|s| p.interner.word(*s).to_string()).collect()
                    };
                    let (wa, wb) = (words(pa, a), words(pb, b));
                    if wa != wb {
                        self.value(
                            g,
                            &subject,
                            "values",
                            (wa.join(", "), wb.join(", ")),
                            (&ata, &atb),
                            None,
                        );
                        self.set_direction(direction_sets(&wa, &wb));
                    }
                }
                (a, b) => {
                    let ty = |t: &FieldType| match t {
                        FieldType::Integer { .. } => "integer",
                        FieldType::Decimal { .. } => "decimal",
                        FieldType::Bool => "bool",
                        FieldType::Enum(_) => "enum",
                    };
                    self.value(
                        g,
                        &subject,
                        "type",
                        (ty(a).into(), ty(b).into()),
                        (&ata, &atb),
                        None,
                    );
                }
            }
            let dflt = |p: &Product, f: &crate::product::Field| {
                f.default
                    .map(|v: Value| p.interner.show(&v))
                    .unwrap_or_else(|| "required".into())
            };
            self.value(
                g,
                &subject,
                "default",
                (dflt(pa, fa), dflt(pb, fb)),
                (&ata, &atb),
                None,
            );
        }
        for fa in &pa.fields {
            if !pb.fields.iter().any(|f| f.name == fa.name) {
                let ata = [
                    Seg::Key("inputs"),
                    Seg::Key(group_key(fa)),
                    Seg::Key(&fa.name),
                ];
                self.removed(g, format!("input {}", fa.name), None, &ata);
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Cover.

    pub(super) fn cover(&mut self) {
        let (pa, pb) = (self.pa(), self.pb());
        let g = Group::Cover;
        for cb in &pb.coverages {
            let atb = [Seg::Key("coverages"), Seg::Item("code", &cb.code)];
            let subject = format!("coverage {}", cb.code);
            let Some(ca) = pa.coverages.iter().find(|c| c.code == cb.code) else {
                self.push(g, subject, "added", None, None, (&[], &atb), None);
                continue;
            };
            let ata = [Seg::Key("coverages"), Seg::Item("code", &ca.code)];
            self.value(
                g,
                &subject,
                "optional",
                (ca.optional.to_string(), cb.optional.to_string()),
                (&ata, &atb),
                None,
            );
            for &tb in &cb.terms {
                let sb = &pb.terms[tb as usize];
                let key = match sb.name.as_str() {
                    n @ ("sum_insured" | "deductible" | "ratio") => n,
                    _ => "terms",
                };
                let atb2 = [
                    Seg::Key("coverages"),
                    Seg::Item("code", &cb.code),
                    Seg::Key(key),
                ];
                let ata2 = [
                    Seg::Key("coverages"),
                    Seg::Item("code", &ca.code),
                    Seg::Key(key),
                ];
                let what = format!("{} {}", subject, sb.name);
                match ca
                    .terms
                    .iter()
                    .map(|&i| &pa.terms[i as usize])
                    .find(|s| s.name == sb.name)
                {
                    None => self.push(
                        g,
                        what,
                        "added",
                        None,
                        Some(show_choice(&sb.choice)),
                        (&ata, &atb2),
                        None,
                    ),
                    Some(sa) => {
                        if sa.choice != sb.choice {
                            self.value(
                                g,
                                &what,
                                "choice",
                                (show_choice(&sa.choice), show_choice(&sb.choice)),
                                (&ata2, &atb2),
                                None,
                            );
                            self.set_direction(direction_choice(&sa.choice, &sb.choice));
                        }
                        self.value(
                            g,
                            &what,
                            "default",
                            (opt_dec(sa.default), opt_dec(sb.default)),
                            (&ata2, &atb2),
                            None,
                        );
                    }
                }
            }
            for &ta in &ca.terms {
                let sa = &pa.terms[ta as usize];
                if !cb
                    .terms
                    .iter()
                    .any(|&i| pb.terms[i as usize].name == sa.name)
                {
                    self.push(
                        g,
                        format!("{} {}", subject, sa.name),
                        "removed",
                        None,
                        None,
                        (&ata, &atb),
                        None,
                    );
                }
            }
            let tiers = |c: &crate::product::Coverage| {
                c.tiers
                    .iter()
                    .map(|t| {
                        format!(
                            "{}..{} at {}",
                            show_dec(t.from),
                            opt_dec(t.to),
                            show_dec(t.ratio)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let at = cov_at;
            self.value(
                g,
                &subject,
                "tiers",
                (tiers(ca), tiers(cb)),
                (&at(&ca.code, "tiers"), &at(&cb.code, "tiers")),
                None,
            );
            self.limits(ca, cb, &subject);
            let wp = |c: &crate::product::Coverage| {
                c.waiting_period_days
                    .map(|d| format!("{d} days"))
                    .unwrap_or_else(|| "none".into())
            };
            self.value(
                g,
                &subject,
                "waiting period",
                (wp(ca), wp(cb)),
                (
                    &at(&ca.code, "waiting_period_days"),
                    &at(&cb.code, "waiting_period_days"),
                ),
                None,
            );
            let scale = |c: &crate::product::Coverage| {
                c.benefit_scale
                    .as_ref()
                    .map(|s| {
                        format!(
                            "{}: {}",
                            s.name,
                            s.grades
                                .iter()
                                .map(|d| show_dec(*d))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
                    .unwrap_or_else(|| "none".into())
            };
            self.value(
                g,
                &subject,
                "benefit scale",
                (scale(ca), scale(cb)),
                (
                    &at(&ca.code, "benefit_scale"),
                    &at(&cb.code, "benefit_scale"),
                ),
                None,
            );
            let ind = |c: &crate::product::Coverage| {
                c.indemnity
                    .iter()
                    .map(|(k, v)| format!("{k} {}", show_dec(*v)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            self.value(
                g,
                &subject,
                "indemnity",
                (ind(ca), ind(cb)),
                (&at(&ca.code, "indemnity"), &at(&cb.code, "indemnity")),
                None,
            );
            let names = |c: &crate::product::Coverage| format!("{} / {}", c.name.zh, c.name.en);
            self.value(
                Group::Wording,
                &subject,
                "name",
                (names(ca), names(cb)),
                (&at(&ca.code, "name"), &at(&cb.code, "name")),
                None,
            );
            let clause =
                |c: &crate::product::Coverage| c.clause.clone().unwrap_or_else(|| "none".into());
            self.value(
                Group::Wording,
                &subject,
                "clause",
                (clause(ca), clause(cb)),
                (&at(&ca.code, "clause"), &at(&cb.code, "clause")),
                None,
            );
        }
        for ca in &pa.coverages {
            if !pb.coverages.iter().any(|c| c.code == ca.code) {
                let ata = [Seg::Key("coverages"), Seg::Item("code", &ca.code)];
                self.removed(g, format!("coverage {}", ca.code), None, &ata);
            }
        }
        let days = |d: u32| format!("{d} days");
        let at = [Seg::Key("waiting_period_days")];
        self.value(
            g,
            "waiting period",
            "changed",
            (days(pa.waiting_period_days), days(pb.waiting_period_days)),
            (&at, &at),
            None,
        );
        let at = [Seg::Key("cooling_off_days")];
        self.value(
            g,
            "cooling-off period",
            "changed",
            (days(pa.cooling_off_days), days(pb.cooling_off_days)),
            (&at, &at),
            None,
        );
        let (ca, cb) = (self.a.root.get("claims"), self.b.root.get("claims"));
        let same = match (ca, cb) {
            (Some(x), Some(y)) => same_claims(x, y),
            (None, None) => true,
            _ => false,
        };
        if !same {
            let at = [Seg::Key("claims")];
            self.push(
                g,
                "claims rules".into(),
                "changed",
                None,
                None,
                (&at, &at),
                None,
            );
        }
    }

    fn limits(
        &mut self,
        ca: &crate::product::Coverage,
        cb: &crate::product::Coverage,
        subject: &str,
    ) {
        let (ata, atb) = (cov_at(&ca.code, "limits"), cov_at(&cb.code, "limits"));
        for lb in &cb.limits {
            let what = format!("{subject} limit {}", lb.name.en);
            match ca.limits.iter().find(|l| l.name.en == lb.name.en) {
                None => {
                    self.push(
                        Group::Cover,
                        what,
                        "added",
                        None,
                        Some(show_dec(lb.amount)),
                        (&ata, &atb),
                        None,
                    );
                    self.set_direction("narrowed");
                }
                Some(la) => {
                    self.value(
                        Group::Cover,
                        &what,
                        "amount",
                        (show_dec(la.amount), show_dec(lb.amount)),
                        (&ata, &atb),
                        None,
                    );
                }
            }
        }
        for la in &ca.limits {
            if !cb.limits.iter().any(|l| l.name.en == la.name.en) {
                let what = format!("{subject} limit {}", la.name.en);
                self.push(
                    Group::Cover,
                    what,
                    "removed",
                    Some(show_dec(la.amount)),
                    None,
                    (&ata, &atb),
                    None,
                );
                self.set_direction("widened");
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Payment.

    pub(super) fn payment(&mut self) {
        let (pa, pb) = (self.pa(), self.pb());
        let g = Group::Payment;
        let show = |p: &crate::product::PaymentPlan| -> Vec<(&'static str, String)> {
            vec![
                ("mode", p.mode.as_str().to_string()),
                ("modal factor", opt_dec(p.modal_factor)),
                ("loading", opt_dec(p.loading)),
                ("fee flat", opt_dec(p.fee_flat)),
                ("fee percent", opt_dec(p.fee_percent)),
                ("first fee waived", p.waive_first_fee.to_string()),
                ("down payment percent", opt_dec(p.down_payment_percent)),
                ("down payment at least", opt_dec(p.down_payment_at_least)),
                ("minimum instalment", opt_dec(p.minimum_instalment)),
                (
                    "remainder",
                    if p.remainder_last { "last" } else { "first" }.to_string(),
                ),
                (
                    "collection day",
                    p.collection_day
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "none".into()),
                ),
                (
                    "business day",
                    p.business_day
                        .map(|b| b.as_str().to_string())
                        .unwrap_or_else(|| "none".into()),
                ),
                (
                    "calendar",
                    p.calendar
                        .as_ref()
                        .map(|c| c.display().to_string())
                        .unwrap_or_else(|| "none".into()),
                ),
                (
                    "premium years",
                    p.premium_years
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "none".into()),
                ),
                ("yearly cap", opt_dec(p.yearly_cap)),
                ("minimum contribution", opt_dec(p.minimum_contribution)),
                ("crediting rate", opt_dec(p.crediting_rate)),
                ("initial charge", opt_dec(p.initial_charge)),
                ("management charge", opt_dec(p.management_charge)),
            ]
        };
        for b in &pb.plans {
            let atb = [Seg::Key("payment_plans"), Seg::Item("code", &b.code)];
            let subject = format!("plan {}", b.code);
            let Some(a) = pa.plans.iter().find(|p| p.code == b.code) else {
                self.push(g, subject, "added", None, None, (&[], &atb), None);
                continue;
            };
            let ata = [Seg::Key("payment_plans"), Seg::Item("code", &a.code)];
            for ((what, va), (_, vb)) in show(a).into_iter().zip(show(b)) {
                self.value(g, &subject, what, (va, vb), (&ata, &atb), None);
            }
            let name = |p: &crate::product::PaymentPlan| {
                p.name
                    .as_ref()
                    .map(|n| format!("{} / {}", n.zh, n.en))
                    .unwrap_or_else(|| "none".into())
            };
            self.value(
                Group::Wording,
                &subject,
                "name",
                (name(a), name(b)),
                (&ata, &atb),
                None,
            );
        }
        for a in &pa.plans {
            if !pb.plans.iter().any(|p| p.code == a.code) {
                let ata = [Seg::Key("payment_plans"), Seg::Item("code", &a.code)];
                self.removed(g, format!("plan {}", a.code), None, &ata);
            }
        }
        let days = |d: u32| format!("{d} days");
        let at = [Seg::Key("grace_period_days")];
        self.value(
            g,
            "grace period",
            "changed",
            (days(pa.grace_period_days), days(pb.grace_period_days)),
            (&at, &at),
            None,
        );
    }

    // -----------------------------------------------------------------------------------------
    // Wording.

    pub(super) fn wording(&mut self) {
        let (pa, pb) = (self.pa(), self.pb());
        let g = Group::Wording;
        let at = [Seg::Key("name")];
        self.value(
            g,
            "product name",
            "changed",
            (
                format!("{} / {}", pa.name.zh, pa.name.en),
                format!("{} / {}", pb.name.zh, pb.name.en),
            ),
            (&at, &at),
            None,
        );
        let at = [Seg::Key("filing")];
        self.value(
            g,
            "filing",
            "changed",
            (pa.filing.clone(), pb.filing.clone()),
            (&at, &at),
            None,
        );
        let at = [Seg::Key("insurer")];
        self.value(
            g,
            "insurer",
            "changed",
            (pa.insurer.clone(), pb.insurer.clone()),
            (&at, &at),
            None,
        );
        for (kind, tb) in &pb.documents {
            let atb = [Seg::Key("documents"), Seg::Key(kind)];
            match pa.documents.get(kind) {
                None => self.push(
                    g,
                    format!("document {kind}"),
                    "added",
                    None,
                    Some(tb.clone()),
                    (&[], &atb),
                    None,
                ),
                Some(ta) => self.value(
                    g,
                    &format!("document {kind}"),
                    "template",
                    (ta.clone(), tb.clone()),
                    (&atb, &atb),
                    None,
                ),
            }
        }
        for (kind, ta) in &pa.documents {
            if !pb.documents.contains_key(kind) {
                let ata = [Seg::Key("documents"), Seg::Key(kind)];
                self.removed(g, format!("document {kind}"), Some(ta.clone()), &ata);
            }
        }
        let n = pa.special_clauses.len().max(pb.special_clauses.len());
        for i in 0..n {
            let (a, b) = (pa.special_clauses.get(i), pb.special_clauses.get(i));
            let at = [Seg::Key("special_clauses"), Seg::Index(i)];
            let subject = format!("special clause {}", i + 1);
            match (a, b) {
                (Some(a), Some(b)) => self.value(
                    g,
                    &subject,
                    "text",
                    (a.zh.clone(), b.zh.clone()),
                    (&at, &at),
                    None,
                ),
                (None, Some(b)) => self.push(
                    g,
                    subject,
                    "added",
                    None,
                    Some(b.zh.clone()),
                    (&at, &at),
                    None,
                ),
                (Some(a), None) => self.push(
                    g,
                    subject,
                    "removed",
                    Some(a.zh.clone()),
                    None,
                    (&at, &at),
                    None,
                ),
                (None, None) => {}
            }
        }
    }
}
