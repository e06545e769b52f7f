//! The regulatory baseline: the rules the regulator sets for every product of a line, as data
//! (`products/regulation.yaml`), and holding products and requests to them whatever the
//! product's own rules say.
//!
//! - [`raw`] is the file format (the source of `products/regulation.schema.json`);
//! - this module checks it into a [`Baseline`] (located diagnostics, every problem reported);
//! - [`product`] holds a checked product to its line's baseline (`coverwright validate`):
//!   statically where the product's declared values decide it, otherwise by probing the
//!   product's own eligibility rules with its first quoting test case;
//! - [`request`] declines, at quote time, a request that the product's own rules let through
//!   but the baseline forbids;
//! - [`report`] lists the baseline for `coverwright rules` (the command itself is in the binary).
//!
//! Which baseline applies: the `regulation.yaml` in the product file's folder, or, when that
//! folder has none, the baseline built into the program (the shipped
//! `products/regulation.yaml`). Baselines read from disk are cached per folder for the run.
//!
//! Invariants of a [`Baseline`]: rule ids are names; every rule names at least one known line,
//! cites a source and has a start date not after its end; the periods of one id do not
//! overlap; rates and shares are in [0, 1]; all numbers are `Decimal` read from the text.

pub mod product;
pub mod raw;
pub mod report;
pub mod request;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::product::{InterestBasis, Line, Names, parse_date, parse_decimal};
use crate::yaml::{self, Sp};
use raw::{RawBaseline, RawLimit, RawRule};

pub use product::check_products;
pub use request::declines;

/// Name of the baseline file in a products folder. Product loading skips it.
pub const FILE_NAME: &str = crate::product::load::BASELINE_FILE;

/// Prefix of the rule name in a decline raised by the baseline (`regulation.group_min_members`).
pub const DECLINE_PREFIX: &str = "regulation.";

/// The shipped baseline, built into the program.
const BUILTIN: &str = include_str!("../../products/regulation.yaml");

/// A checked baseline.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    rules: Vec<Rule>,
    /// The file it was read from (`products/regulation.yaml` for the built-in one).
    file: PathBuf,
}

/// Which products a rule applies to, beyond the line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct When {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long_term: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instalments: Option<bool>,
}

/// A checked limit (see [`raw::RawLimit`] for the meaning of each kind).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Limit {
    MinMembers(u32),
    OccupationClasses {
        input: String,
        min: u32,
        max: u32,
    },
    MaxWaitingPeriodDays(u32),
    MinCoolingOffDays(u32),
    GracePeriodDays(u32),
    CreditPeriod {
        input: String,
        approval: String,
        max_days: u32,
        max_days_approved: u32,
    },
    Indemnity(BTreeMap<String, Decimal>),
    YearlyContributionCap(Decimal),
    PricingRate {
        basis: InterestBasis,
        max: Decimal,
    },
    IllustrationRate {
        basis: InterestBasis,
        max: Decimal,
    },
    MortalityTables(Vec<String>),
    InstalmentYearAbove(Decimal),
    Vat {
        exempt: bool,
        rate: Option<Decimal>,
    },
    ShortPeriodRule,
    BeneficiaryRelations(Vec<crate::request::Relation>),
}

impl Limit {
    /// The limit in a few words, for listings and messages.
    pub fn describe(&self) -> String {
        let pct = |d: &Decimal| format!("{}%", (*d * Decimal::ONE_HUNDRED).normalize());
        match self {
            Limit::MinMembers(n) => format!("at least {n} insured members"),
            Limit::OccupationClasses { input, min, max } => {
                format!("occupation classes {min} to {max} (input `{input}`)")
            }
            Limit::MaxWaitingPeriodDays(d) => format!("a waiting period of at most {d} days"),
            Limit::MinCoolingOffDays(d) => format!("a cooling-off period of at least {d} days"),
            Limit::GracePeriodDays(d) => format!("a grace period of {d} days"),
            Limit::CreditPeriod {
                max_days,
                max_days_approved,
                ..
            } => format!(
                "credit periods of at most {max_days} days ({max_days_approved} with approval)"
            ),
            Limit::Indemnity(m) => {
                let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k} {}", pct(v))).collect();
                format!("indemnities of at most {}", parts.join(", "))
            }
            Limit::YearlyContributionCap(c) => {
                format!("contributions of at most {} a calendar year", c.normalize())
            }
            Limit::PricingRate { basis, max } => {
                format!(
                    "a {} pricing rate of at most {}",
                    basis_name(*basis),
                    pct(max)
                )
            }
            Limit::IllustrationRate { basis, max } => {
                format!(
                    "{} illustration rates of at most {}",
                    basis_name(*basis),
                    pct(max)
                )
            }
            Limit::MortalityTables(t) => format!("the life tables {}", t.join(", ")),
            Limit::InstalmentYearAbove(s) => format!(
                "instalments adding up to more than {} of the annual premium in a year",
                pct(s)
            ),
            Limit::Vat { exempt: true, .. } => "exemption from VAT".into(),
            Limit::Vat { rate, .. } => match rate {
                Some(r) => format!("VAT at {}", pct(r)),
                None => "VAT".into(),
            },
            Limit::ShortPeriodRule => "a declared short-period rule for terms under a year".into(),
            Limit::BeneficiaryRelations(r) => {
                let words: Vec<&str> = r.iter().map(|x| x.word()).collect();
                format!(
                    "beneficiaries related to the insured as {}",
                    words.join(", ")
                )
            }
        }
    }
}

/// The word a product file uses for an interest basis.
pub fn basis_name(b: InterestBasis) -> &'static str {
    match b {
        InterestBasis::Traditional => "traditional",
        InterestBasis::Participating => "participating",
        InterestBasis::Universal => "universal",
    }
}

/// One rule of the baseline for one period.
#[derive(Clone, Debug, Serialize)]
pub struct Rule {
    pub id: String,
    pub name: Names,
    pub lines: Vec<Line>,
    pub when: When,
    pub limit: Limit,
    pub source: String,
    pub illustrative: bool,
    pub acknowledgeable: bool,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Line of the rule in the baseline file.
    #[serde(skip)]
    pub line: u32,
}

impl Rule {
    /// Whether the rule applies on `date`.
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        date >= self.from && self.to.is_none_or(|to| date <= to)
    }

    /// Whether the rule applies at some date of `from..=to` (open-ended when `to` is `None`).
    pub fn overlaps(&self, from: NaiveDate, to: Option<NaiveDate>) -> bool {
        to.is_none_or(|to| self.from <= to) && self.to.is_none_or(|end| end >= from)
    }

    /// `id` and source, as cited in diagnostics and declines.
    pub fn citation(&self) -> String {
        let mut s = format!("`{}`: {}", self.id, self.source);
        if self.illustrative {
            s.push_str(" [illustrative figure]");
        }
        s
    }

    /// The dates it applies, as text.
    pub fn period(&self) -> String {
        match self.to {
            Some(to) => format!("{} to {to}", self.from),
            None => format!("from {}", self.from),
        }
    }
}

impl Baseline {
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The rules of `line`, in file order.
    pub fn for_line(&self, line: Line) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(move |r| r.lines.contains(&line))
    }
}

/// Reads and checks a baseline file.
pub fn load_file(path: &Path) -> (Option<Baseline>, Diagnostics) {
    match crate::fsio::read_text(path, crate::fsio::MAX_DOCUMENT_BYTES) {
        Ok(src) => load_source(path, &src),
        Err(e) => {
            let mut d = Diagnostics::new();
            d.push(
                Diagnostic::error(
                    crate::diagnostics::codes::E0005,
                    format!("cannot read the file: {e}"),
                )
                .in_file(path),
            );
            (None, d)
        }
    }
}

/// Checks baseline text; `path` names it in diagnostics.
pub fn load_source(path: &Path, src: &str) -> (Option<Baseline>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let node = match yaml::parse_cached(src) {
        Ok(n) => n,
        Err(d) => {
            diags.push(d.in_file(path));
            return (None, diags);
        }
    };
    let (raw, errors) = yaml::from_node::<RawBaseline>(&node);
    for e in errors {
        diags.push(e.into_diagnostic().in_file(path));
    }
    let Some(raw) = raw else {
        diags.sort();
        return (None, diags);
    };
    let mut checker = Checker {
        file: path,
        diags: &mut diags,
    };
    let rules: Vec<Rule> = raw
        .rules
        .iter()
        .filter_map(|r| r.0.as_ref())
        .filter_map(|r| checker.rule(r))
        .collect();
    checker.overlaps(&rules, &raw);
    diags.sort();
    if diags.has_errors() {
        return (None, diags);
    }
    let baseline = Baseline {
        rules,
        file: path.to_path_buf(),
    };
    (Some(baseline), diags)
}

/// The baseline built into the program (the shipped `products/regulation.yaml`).
pub fn builtin() -> &'static Baseline {
    static BUILT: OnceLock<Baseline> = OnceLock::new();
    BUILT.get_or_init(|| {
        load_source(Path::new("products").join(FILE_NAME).as_path(), BUILTIN)
            .0
            .unwrap_or_default()
    })
}

/// The baseline for products in `dir`: its `regulation.yaml`, or the built-in one. The
/// diagnostics of a baseline file are returned each time its folder is asked for until it
/// reads cleanly; while it has errors, the built-in baseline stands in for it, so that a
/// broken file never lifts a rule (`validate` reports the errors and checks no product of the
/// folder).
pub fn for_folder(dir: &Path) -> (Arc<Baseline>, Diagnostics) {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Baseline>>>> = OnceLock::new();
    let path = dir.join(FILE_NAME);
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(map) = cache.lock()
        && let Some(b) = map.get(&path)
    {
        return (b.clone(), Diagnostics::new());
    }
    let (baseline, diags) = if path.is_file() {
        let (b, d) = load_file(&path);
        (Arc::new(b.unwrap_or_else(|| builtin().clone())), d)
    } else {
        (Arc::new(builtin().clone()), Diagnostics::new())
    };
    if !diags.has_errors()
        && let Ok(mut map) = cache.lock()
    {
        map.insert(path, baseline.clone());
    }
    (baseline, diags)
}

/// The folder of a product file (`.` for a bare file name).
pub fn folder_of(file: &Path) -> &Path {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

// ---------------------------------------------------------------------------------------------
// Checking the baseline file.

struct Checker<'a> {
    file: &'a Path,
    diags: &'a mut Diagnostics,
}

impl Checker<'_> {
    fn err(&mut self, span: Span, message: impl Into<String>, help: &str) {
        self.diags.push(
            Diagnostic::error(crate::diagnostics::codes::E0601, message)
                .in_file(self.file)
                .at(span)
                .with_help(help),
        );
    }

    fn date(&mut self, s: &Sp<String>) -> Option<NaiveDate> {
        match parse_date(&s.value) {
            Ok(d) => Some(d),
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(crate::diagnostics::codes::E0102, e)
                        .in_file(self.file)
                        .at(s.span),
                );
                None
            }
        }
    }

    /// A share or rate in [0, 1].
    fn share(&mut self, n: &Sp<crate::product::raw::Num>) -> Option<Decimal> {
        match parse_decimal(&n.value.0) {
            Ok(d) if d >= Decimal::ZERO && d <= Decimal::ONE => Some(d),
            Ok(d) => {
                self.err(
                    n.span,
                    format!("`{}` is not a share from 0 to 1", d.normalize()),
                    "write a rate such as 2.0% or 0.02",
                );
                None
            }
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(crate::diagnostics::codes::E0101, e)
                        .in_file(self.file)
                        .at(n.span)
                        .with_help("write a number such as 12000, 2.0% or 0.9"),
                );
                None
            }
        }
    }

    fn amount(&mut self, n: &Sp<crate::product::raw::Num>) -> Option<Decimal> {
        match parse_decimal(&n.value.0) {
            Ok(d) if d >= Decimal::ZERO => Some(d),
            Ok(_) => {
                self.err(n.span, "the amount cannot be negative", "write 12000");
                None
            }
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(crate::diagnostics::codes::E0101, e)
                        .in_file(self.file)
                        .at(n.span)
                        .with_help("write a number such as 12000"),
                );
                None
            }
        }
    }

    fn basis(&mut self, b: &Sp<String>) -> Option<InterestBasis> {
        match b.as_str() {
            "traditional" => Some(InterestBasis::Traditional),
            "participating" => Some(InterestBasis::Participating),
            "universal" => Some(InterestBasis::Universal),
            other => {
                self.diags.push(
                    Diagnostic::error(
                        crate::diagnostics::codes::E0104,
                        format!("unknown interest basis `{other}`"),
                    )
                    .in_file(self.file)
                    .at(b.span)
                    .with_help("use `traditional`, `participating` or `universal`"),
                );
                None
            }
        }
    }

    fn rule(&mut self, r: &RawRule) -> Option<Rule> {
        let mut ok = true;
        let id_ok = !r.id.is_empty()
            && r.id.starts_with(|c: char| c.is_ascii_alphabetic())
            && r.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !id_ok {
            self.err(
                r.id.span,
                format!("`{}` is not a rule name", r.id.value),
                "use letters, digits and `_`, starting with a letter",
            );
            ok = false;
        }
        let mut lines = Vec::new();
        for l in &r.lines {
            match Line::parse(l) {
                Some(x) if !lines.contains(&x) => lines.push(x),
                Some(_) => {
                    self.err(
                        l.span,
                        format!("line `{}` is named twice", l.value),
                        "name it once",
                    );
                    ok = false;
                }
                None => {
                    self.diags.push(
                        Diagnostic::error(
                            crate::diagnostics::codes::E0104,
                            format!("unknown line `{}`", l.value),
                        )
                        .in_file(self.file)
                        .at(l.span)
                        .with_help(format!("use one of: {}", Line::ALL.join(", "))),
                    );
                    ok = false;
                }
            }
        }
        if r.lines.is_empty() {
            self.err(
                r.id.span,
                format!("rule `{}` names no line", r.id.value),
                "add `lines: [accident]`",
            );
            ok = false;
        }
        if r.source.trim().is_empty() {
            self.err(
                r.source.span,
                format!("rule `{}` cites no source", r.id.value),
                "name the law, article or notice the rule comes from",
            );
            ok = false;
        }
        let from = self.date(&r.from);
        let to = r.to.as_ref().map(|t| self.date(t));
        if let (Some(f), Some(Some(t)), Some(ts)) = (from, to, r.to.as_ref())
            && t < f
        {
            self.err(
                ts.span,
                format!("`to` {t} is before `from` {f}"),
                "a period ends on or after it starts",
            );
            ok = false;
        }
        let limit = self.limit(&r.limit);
        let when = r.when.as_ref().map(|w| When {
            group: w.group.as_ref().map(|x| x.value),
            long_term: w.long_term.as_ref().map(|x| x.value),
            instalments: w.instalments.as_ref().map(|x| x.value),
        });
        let acknowledgeable = r.acknowledgeable.as_ref().is_some_and(|a| a.value);
        if !ok {
            return None;
        }
        Some(Rule {
            id: r.id.value.clone(),
            name: Names {
                zh: r.name.zh.value.clone(),
                en: r.name.en.value.clone(),
            },
            lines,
            when: when.unwrap_or_default(),
            limit: limit?,
            source: r.source.value.trim().to_string(),
            illustrative: r.illustrative.as_ref().is_some_and(|i| i.value),
            acknowledgeable,
            from: from?,
            to: match to {
                Some(t) => Some(t?),
                None => None,
            },
            note: r.note.as_ref().map(|n| n.value.trim().to_string()),
            line: r.id.span.line,
        })
    }

    fn limit(&mut self, l: &Sp<RawLimit>) -> Option<Limit> {
        Some(match &l.value {
            RawLimit::MinMembers(n) => Limit::MinMembers(n.value),
            RawLimit::OccupationClasses { input, min, max } => {
                if max.value < min.value {
                    self.err(
                        max.span,
                        "`max` is below `min`",
                        "write the lowest and highest insurable class",
                    );
                    return None;
                }
                Limit::OccupationClasses {
                    input: input.value.clone(),
                    min: min.value,
                    max: max.value,
                }
            }
            RawLimit::MaxWaitingPeriodDays(d) => Limit::MaxWaitingPeriodDays(d.value),
            RawLimit::MinCoolingOffDays(d) => Limit::MinCoolingOffDays(d.value),
            RawLimit::GracePeriodDays(d) => Limit::GracePeriodDays(d.value),
            RawLimit::CreditPeriod {
                input,
                approval,
                max_days,
                max_days_approved,
            } => {
                if max_days_approved.value < max_days.value {
                    self.err(
                        max_days_approved.span,
                        "`max_days_approved` is below `max_days`",
                        "approval allows a longer credit period, not a shorter one",
                    );
                    return None;
                }
                Limit::CreditPeriod {
                    input: input.value.clone(),
                    approval: approval.value.clone(),
                    max_days: max_days.value,
                    max_days_approved: max_days_approved.value,
                }
            }
            RawLimit::Indemnity(m) => {
                let mut out = BTreeMap::new();
                for (k, v) in m {
                    out.insert(k.value.clone(), self.share(v)?);
                }
                Limit::Indemnity(out)
            }
            RawLimit::YearlyContributionCap(c) => Limit::YearlyContributionCap(self.amount(c)?),
            RawLimit::PricingRate { basis, max } => {
                let (b, m) = (self.basis(basis), self.share(max));
                Limit::PricingRate { basis: b?, max: m? }
            }
            RawLimit::IllustrationRate { basis, max } => {
                let (b, m) = (self.basis(basis), self.share(max));
                Limit::IllustrationRate { basis: b?, max: m? }
            }
            RawLimit::MortalityTables(t) => {
                if t.is_empty() {
                    self.err(
                        l.span,
                        "no life table is allowed",
                        "list the tables, e.g. [CL5, CL6]",
                    );
                    return None;
                }
                Limit::MortalityTables(t.iter().map(|x| x.value.clone()).collect())
            }
            RawLimit::InstalmentYearAbove(s) => Limit::InstalmentYearAbove(self.share(s)?),
            RawLimit::Vat { treatment, rate } => {
                let exempt = match treatment.as_str() {
                    "exempt" => true,
                    "taxable" => false,
                    other => {
                        self.diags.push(
                            Diagnostic::error(
                                crate::diagnostics::codes::E0104,
                                format!("unknown VAT treatment `{other}`"),
                            )
                            .in_file(self.file)
                            .at(treatment.span)
                            .with_help("use `taxable` or `exempt`"),
                        );
                        return None;
                    }
                };
                let rate = match rate {
                    Some(r) => Some(self.share(r)?),
                    None => None,
                };
                Limit::Vat { exempt, rate }
            }
            RawLimit::ShortPeriodRule(b) => {
                if !b.value {
                    self.err(
                        b.span,
                        "`short_period_rule: false` requires nothing",
                        "write `true` or remove the rule",
                    );
                    return None;
                }
                Limit::ShortPeriodRule
            }
            RawLimit::BeneficiaryRelations(r) => {
                if r.is_empty() {
                    self.err(
                        l.span,
                        "no relation is allowed",
                        "list the relations, e.g. [spouse, child, parent]",
                    );
                    return None;
                }
                Limit::BeneficiaryRelations(r.iter().map(|x| x.value).collect())
            }
        })
    }

    /// Periods of one rule id must not overlap, and one id keeps one kind of limit.
    fn overlaps(&mut self, rules: &[Rule], raw: &RawBaseline) {
        for (i, a) in rules.iter().enumerate() {
            for b in &rules[i + 1..] {
                if a.id != b.id {
                    continue;
                }
                let span = raw
                    .rules
                    .iter()
                    .filter_map(|r| r.0.as_ref())
                    .find(|r| r.id.span.line == b.line)
                    .map(|r| r.from.span)
                    .unwrap_or_default();
                if std::mem::discriminant(&a.limit) != std::mem::discriminant(&b.limit) {
                    self.diags.push(
                        Diagnostic::error(
                            crate::diagnostics::codes::E0602,
                            format!(
                                "rule `{}` changes its kind of limit from one period to the next",
                                b.id
                            ),
                        )
                        .in_file(self.file)
                        .at(span)
                        .with_help(format!(
                            "the period at line {} has another kind; give this rule another id",
                            a.line
                        )),
                    );
                } else if a.overlaps(b.from, b.to) && a.lines.iter().any(|l| b.lines.contains(l)) {
                    self.diags.push(
                        Diagnostic::error(
                            crate::diagnostics::codes::E0602,
                            format!(
                                "two periods of rule `{}` both apply on {}",
                                b.id,
                                a.from.max(b.from)
                            ),
                        )
                        .in_file(self.file)
                        .at(span)
                        .with_help(format!(
                            "end the period at line {} the day before this one starts",
                            a.line
                        )),
                    );
                }
            }
        }
    }
}
