//! Checking a raw product into a typed [`Product`]: every rule a product file must follow,
//! each failure reported with the file, line and column of the offending value.
//!
//! The checker keeps going after a problem so that one run reports all of them; it returns a
//! `Product` only when there was no error.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use super::raw::{self, Num, RawProduct};
use super::table::{KeyCell, Row, Table, parse_band};
use super::*;
use crate::diagnostics::{Diagnostic, Diagnostics, Span, did_you_mean};
use crate::formula::{self, Compiler, Expr, Interner, Ref, Resolve, Scope, TableSig, Ty, Value};
use crate::yaml::{Node, Recover, Sp};

/// ISO 4217 active currency codes.
const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL",
];

/// Regulatory caps on the pricing interest rate for new filings, by basis: before and from
/// 2025-09-01 (domain.md, "Pricing interest rate caps").
fn interest_cap(basis: InterestBasis, effective: NaiveDate) -> Decimal {
    let from_2025_09 = effective >= NaiveDate::from_ymd_opt(2025, 9, 1).unwrap_or(NaiveDate::MIN);
    let (before, after) = match basis {
        InterestBasis::Traditional => ("0.025", "0.020"),
        InterestBasis::Participating => ("0.020", "0.0175"),
        InterestBasis::Universal => ("0.015", "0.010"),
    };
    (if from_2025_09 { after } else { before })
        .parse()
        .unwrap_or(Decimal::ZERO)
}

/// Reads a file named by a product (CSV tables, calendars, life tables), relative to the
/// product's folder. Names must stay inside that folder.
pub trait FileSource {
    fn read(&self, path: &Path) -> Result<String, String>;
}

/// Reads from the file system.
pub struct Fs;

impl FileSource for Fs {
    fn read(&self, path: &Path) -> Result<String, String> {
        std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|b| {
                String::from_utf8(b).map_err(|_| "the file is not UTF-8 text".to_string())
            })
    }
}

/// Resolves `name` inside `dir`: no absolute paths, no `..`, and no symlink leading out.
pub fn resolve_inside(dir: &Path, name: &str) -> Result<PathBuf, String> {
    let p = Path::new(name);
    if p.is_absolute() || name.starts_with('/') || name.starts_with('\\') {
        return Err(format!(
            "`{name}` is an absolute path; name a file beside the product"
        ));
    }
    if p.components()
        .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(format!(
            "`{name}` leaves the product's folder (`..`); name a file beside the product"
        ));
    }
    let full = dir.join(p);
    if let (Ok(real), Ok(base)) = (full.canonicalize(), dir.canonicalize())
        && !real.starts_with(&base)
    {
        return Err(format!("`{name}` links outside the product's folder"));
    }
    Ok(full)
}

pub struct Checker<'a> {
    file: &'a Path,
    dir: &'a Path,
    src: &'a str,
    templates: Option<&'a Path>,
    files: &'a dyn FileSource,
    diags: Diagnostics,
    interner: Interner,
    /// Contents of every extra file read, for the content hash.
    pub read_files: Vec<(PathBuf, String)>,
}

struct Names2 {
    map: HashMap<String, (Ref, Ty, Scope)>,
    tables: HashMap<String, TableSig>,
    life: HashMap<String, u16>,
    /// Tables declared but rejected: formulas using them are not reported again.
    broken: HashSet<String>,
}

impl Resolve for Names2 {
    fn name(&self, name: &str) -> Option<(Ref, Ty, Scope)> {
        self.map.get(name).copied()
    }
    fn table(&self, name: &str) -> Option<&TableSig> {
        self.tables.get(name)
    }
    fn life_table(&self, name: &str) -> Option<u16> {
        self.life.get(name).copied()
    }
    fn candidates(&self) -> Vec<String> {
        let mut v: Vec<String> = self.map.keys().cloned().collect();
        v.sort();
        v
    }
    fn broken(&self, name: &str) -> bool {
        self.broken.contains(name)
    }
}

impl<'a> Checker<'a> {
    pub fn new(
        file: &'a Path,
        dir: &'a Path,
        src: &'a str,
        templates: Option<&'a Path>,
        files: &'a dyn FileSource,
    ) -> Checker<'a> {
        Checker {
            file,
            dir,
            src,
            templates,
            files,
            diags: Diagnostics::new(),
            interner: Interner::default(),
            read_files: Vec::new(),
        }
    }

    fn err(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(code, message).in_file(self.file).at(span));
        self.last()
    }

    fn warn(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diags.push(
            Diagnostic::warning(code, message)
                .in_file(self.file)
                .at(span),
        );
        self.last()
    }

    fn last(&mut self) -> &mut Diagnostic {
        self.diags.last_mut()
    }

    fn num(&mut self, n: &Sp<Num>) -> Option<Decimal> {
        match parse_decimal(&n.value.0) {
            Ok(d) => Some(d),
            Err(e) => {
                self.err("E0101", n.span, e).help =
                    Some("write a number such as 1000, 0.0015, 1.5‰ or 90%".into());
                None
            }
        }
    }

    fn date(&mut self, s: &Sp<String>) -> Option<NaiveDate> {
        match parse_date(&s.value) {
            Ok(d) => Some(d),
            Err(e) => {
                self.err("E0102", s.span, e);
                None
            }
        }
    }

    fn names(&self, n: &raw::Names) -> Names {
        Names {
            zh: n.zh.value.clone(),
            en: n.en.value.clone(),
        }
    }

    /// Where in the file a part of a formula is: `start..end` are byte offsets in `text`,
    /// which was read from the value at `span`.
    fn formula_span(&self, span: Span, text: &str, start: usize, end: usize) -> Span {
        let raw = self
            .src
            .get(span.start..span.start + span.len)
            .unwrap_or("");
        match raw.find(text) {
            Some(off) => {
                let before = &raw[..off];
                let line_breaks = before.matches('\n').count();
                if line_breaks > 0 || text.contains('\n') {
                    return span;
                }
                let chars_before = before.chars().count() as u32
                    + text[..start.min(text.len())].chars().count() as u32;
                span.shifted(off + start, chars_before, end.saturating_sub(start).max(1))
            }
            None => span,
        }
    }

    /// The path of a file named in the product, inside `dir`, when it exists; otherwise an
    /// error (`code`) at the name.
    fn existing_file(
        &mut self,
        dir: &Path,
        name: &Sp<String>,
        code: &'static str,
        what: &str,
    ) -> Option<PathBuf> {
        match resolve_inside(dir, &name.value) {
            Ok(p) if p.is_file() => Some(p),
            Ok(p) => {
                self.err(
                    code,
                    name.span,
                    format!("the {what} `{}` does not exist", name.value),
                )
                .help = Some(format!("expected it at {}", p.display()));
                None
            }
            Err(e) => {
                let e = if Some(dir) == self.templates {
                    e.replace("product's folder", "templates folder")
                } else {
                    e
                };
                self.err("E0120", name.span, e);
                None
            }
        }
    }

    /// An unknown word where one of `options` is expected (E0104, with "did you mean").
    fn unknown_word(&mut self, what: &str, word: &Sp<String>, options: &[&str]) {
        let help = suggest(word, options);
        self.err(
            "E0104",
            word.span,
            format!("unknown {what} `{}`", word.value),
        )
        .help = Some(help);
    }

    /// Reads a file named in the product, relative to the product's folder.
    fn read_beside(&mut self, name: &Sp<String>, what: &str) -> Option<(PathBuf, String)> {
        let path = match resolve_inside(self.dir, &name.value) {
            Ok(p) => p,
            Err(e) => {
                self.err("E0120", name.span, e);
                return None;
            }
        };
        match self.files.read(&path) {
            Ok(text) => {
                self.read_files.push((path.clone(), text.clone()));
                Some((path, text))
            }
            Err(e) => {
                self.err(
                    "E0121",
                    name.span,
                    format!("cannot read the {what} `{}`: {e}", name.value),
                )
                .help = Some(format!("create `{}` or correct the name", path.display()));
                None
            }
        }
    }

    pub fn check(
        mut self,
        raw: &RawProduct,
        root: &Node,
    ) -> (Option<Product>, Diagnostics, Vec<(PathBuf, String)>) {
        let p = self.check_inner(raw, root);
        let mut diags = self.diags;
        diags.sort();
        let product = if diags.has_errors() { None } else { p };
        (product, diags, self.read_files)
    }

    fn check_inner(&mut self, raw: &RawProduct, root: &Node) -> Option<Product> {
        // Sections read with a default, so that the rest of the file is still checked.
        for key in ["name", "term", "inputs", "coverages", "rating"] {
            if root.get(key).is_none() {
                let span = root_first_key(root);
                self.err("E0013", span, format!("missing key `{key}`")).help =
                    Some(format!("add `{key}:` to the product"));
            }
        }
        // Identity.
        let code_ok = !raw.code.is_empty()
            && raw
                .code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !code_ok {
            self.err(
                "E0103",
                raw.code.span,
                format!("`{}` is not a product code", raw.code.value),
            )
            .help = Some("use letters, digits, `-` and `_`, e.g. `GA-SME`".into());
        }
        if raw.version.trim().is_empty()
            || raw.version.contains(char::is_whitespace)
            || raw.version.contains('@')
        {
            self.err(
                "E0103",
                raw.version.span,
                format!("`{}` is not a version", raw.version.value),
            )
            .help = Some("write a version such as `2024.1`".into());
        }
        let line = Line::parse(&raw.line);
        if line.is_none() {
            self.unknown_word("line", &raw.line, &Line::ALL);
        }
        if !SEGMENTS.contains(&raw.segment.value.as_str()) {
            self.unknown_word("segment", &raw.segment, &SEGMENTS);
        }
        if !CURRENCIES.contains(&raw.currency.value.as_str()) {
            self.err(
                "E0105",
                raw.currency.span,
                format!("`{}` is not an ISO 4217 currency code", raw.currency.value),
            )
            .help = Some("use a code such as CNY, USD or EUR".into());
        }
        let from = self.date(&raw.effective_from);
        let to = raw.effective_to.as_ref().and_then(|t| self.date(t));
        if let (Some(f), Some(t), Some(ts)) = (from, to, raw.effective_to.as_ref())
            && t < f
        {
            self.err(
                "E0106",
                ts.span,
                format!("the version ends ({t}) before it starts ({f})"),
            );
        }
        let name = raw.name.0.as_ref().map(|n| self.names(n));
        let group = raw.group.as_ref().map(|g| g.value).unwrap_or(false);

        // Term.
        let mut short_table: Option<Sp<String>> = None;
        let term = raw.term.0.as_ref().and_then(|t| {
            let unit = match t.unit.as_str() {
                "month" => TermUnit::Month,
                "year" => TermUnit::Year,
                _ => {
                    self.err(
                        "E0107",
                        t.unit.span,
                        format!("unknown term unit `{}`", t.unit.value),
                    )
                    .help = Some("use `month` or `year`".into());
                    return None;
                }
            };
            if t.min.value == 0 || t.min.value > t.max.value {
                self.err(
                    "E0107",
                    t.min.span,
                    "the shortest term must be at least 1 and not above the longest",
                );
                return None;
            }
            if unit == TermUnit::Month && t.max.value > 12 {
                self.err(
                    "E0107",
                    t.max.span,
                    "a term in months is at most 12; use `unit: year` for longer cover",
                );
                return None;
            }
            if t.default.value < t.min.value || t.default.value > t.max.value {
                self.err(
                    "E0107",
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
                            "E0107",
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

        // Inputs.
        let mut fields: Vec<Field> = Vec::new();
        let mut field_spans: Vec<Span> = Vec::new();
        if let Some(inputs) = &raw.inputs.0 {
            for (group, map) in [
                (InputGroup::Policyholder, &inputs.policyholder),
                (InputGroup::Options, &inputs.options),
                (InputGroup::Member, &inputs.member),
            ] {
                for (fname, f) in map {
                    let Some(f) = &f.0 else { continue };
                    if let Some(field) = self.field(fname, group, f) {
                        if let Some(i) = fields.iter().position(|x| x.name == field.name) {
                            let prev = field_spans[i];
                            self.err(
                                "E0108",
                                fname.span,
                                format!("the input `{}` is declared twice", fname.value),
                            )
                            .help = Some(format!("it is also declared at line {}", prev.line));
                            continue;
                        }
                        fields.push(field);
                        field_spans.push(fname.span);
                    }
                }
            }
        }
        if group && !fields.iter().any(|f| f.group == InputGroup::Member) {
            self.err(
                "E0109",
                raw.group.as_ref().map(|g| g.span).unwrap_or(raw.code.span),
                "group cover needs member inputs (`inputs.member`)",
            );
        }

        // Tables.
        let mut tables: Vec<Table> = Vec::new();
        let mut table_spans: HashMap<String, Span> = HashMap::new();
        for (tname, t) in &raw.tables {
            let Some(t) = &t.0 else { continue };
            if let Some(table) = self.table(tname, t) {
                table_spans.insert(table.name.clone(), tname.span);
                tables.push(table);
            }
        }

        // Short-period table.
        let term = term.map(|mut term| {
            if let (Some(ShortPeriod::Table(_)), Some(s)) = (&term.short_period, &short_table) {
                match tables.iter().position(|t| t.name == s.value) {
                    Some(i) => {
                        term.short_period = Some(ShortPeriod::Table(i as u16));
                        let t = &tables[i];
                        for m in term.min..12.min(term.max.saturating_add(1)) {
                            if t.find(&[Value::Num(Decimal::from(m))]).is_none() {
                                self.err(
                                    "E0110",
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
                        self.err("E0111", s.span, format!("unknown table `{}`", s.value))
                            .help = Some(help);
                    }
                }
            }
            term
        });

        // Coverages and their term slots.
        let mut coverages: Vec<Coverage> = Vec::new();
        let mut slots: Vec<TermSlot> = Vec::new();
        let mut cov_spans: Vec<Span> = Vec::new();
        if raw.coverages.is_empty() && root.get("coverages").is_some() {
            self.err("E0112", raw.code.span, "the product has no coverages")
                .help = Some("add at least one coverage under `coverages:`".into());
        }
        for c in &raw.coverages {
            let Some(c) = &c.0 else { continue };
            if coverages.iter().any(|x| x.code == c.code.value) {
                self.err(
                    "E0108",
                    c.code.span,
                    format!("the coverage `{}` is declared twice", c.code.value),
                );
                continue;
            }
            let cov_index = coverages.len() as u16;
            let vat_exempt = match c.vat.as_str() {
                "taxable" => false,
                "exempt" => true,
                _ => {
                    self.err(
                        "E0104",
                        c.vat.span,
                        format!("unknown VAT treatment `{}`", c.vat.value),
                    )
                    .help = Some("use `taxable` or `exempt`".into());
                    false
                }
            };
            let mut term_ids = Vec::new();
            let mut add_slot = |this: &mut Self,
                                tname: &str,
                                choice: &Recover<raw::RawTermChoice>,
                                span: Span,
                                ratio: bool| {
                let Some(choice) = &choice.0 else { return };
                if let Some((ch, default)) = this.choice(choice, span, ratio) {
                    term_ids.push(slots.len() as u16);
                    slots.push(TermSlot {
                        coverage: cov_index,
                        name: tname.to_string(),
                        choice: ch,
                        default,
                    });
                }
            };
            if let Some(s) = &c.sum_insured {
                add_slot(self, "sum_insured", s, c.code.span, false);
            }
            if let Some(s) = &c.deductible {
                add_slot(self, "deductible", s, c.code.span, false);
            }
            if let Some(s) = &c.ratio {
                add_slot(self, "ratio", s, c.code.span, true);
            }
            for (tn, tc) in &c.terms {
                if ["sum_insured", "deductible", "ratio"].contains(&tn.value.as_str()) {
                    self.err(
                        "E0108",
                        tn.span,
                        format!(
                            "`{}` is a standard term; declare it beside `terms`, not in it",
                            tn.value
                        ),
                    );
                    continue;
                }
                add_slot(self, &tn.value, tc, tn.span, false);
            }
            let mut tiers = Vec::new();
            for t in c.tiers.iter().filter_map(|t| t.0.as_ref()) {
                let from = self.num(&t.from);
                let to = t.to.as_ref().and_then(|x| self.num(x));
                let ratio = self.num(&t.ratio);
                if let Some(r) = ratio
                    && !(Decimal::ZERO..=Decimal::ONE).contains(&r)
                {
                    self.err(
                        "E0113",
                        t.ratio.span,
                        format!("the ratio {r} is outside [0, 1]"),
                    )
                    .help = Some("write ratios as 0.6 or 60%".into());
                }
                if let (Some(from), Some(ratio)) = (from, ratio) {
                    if let Some(prev) = tiers.last().map(|x: &Tier| x.to)
                        && prev != Some(from)
                    {
                        self.err(
                            "E0114",
                            t.from.span,
                            "tiers must follow each other without gaps or overlaps",
                        );
                    }
                    tiers.push(Tier { from, to, ratio });
                }
            }
            let mut limits = Vec::new();
            for l in c.limits.iter().filter_map(|l| l.0.as_ref()) {
                if let Some(amount) = self.num(&l.amount) {
                    if amount < Decimal::ZERO {
                        self.err("E0115", l.amount.span, "a limit cannot be negative");
                    }
                    limits.push(Limit {
                        name: self.names(&l.name),
                        amount,
                    });
                }
            }
            let benefit_scale = c
                .benefit_scale
                .as_ref()
                .and_then(|b| b.0.as_ref())
                .map(|b| {
                    let mut grades = Vec::new();
                    for g in &b.grades {
                        if let Some(d) = self.num(g) {
                            if !(Decimal::ZERO..=Decimal::ONE).contains(&d) {
                                self.err(
                                    "E0113",
                                    g.span,
                                    format!("the benefit share {d} is outside [0, 1]"),
                                );
                            }
                            grades.push(d);
                        }
                    }
                    BenefitScale {
                        name: b.name.value.clone(),
                        grades,
                    }
                });
            let mut indemnity = BTreeMap::new();
            for (k, v) in &c.indemnity {
                if let Some(d) = self.num(v) {
                    if !(Decimal::ZERO..=Decimal::ONE).contains(&d) {
                        self.err(
                            "E0113",
                            v.span,
                            format!("the indemnity percentage {d} is outside [0, 1]"),
                        );
                    }
                    indemnity.insert(k.value.clone(), d);
                }
            }
            if let Some(w) = &c.waiting_period_days
                && line == Some(Line::Health)
                && w.value > 180
            {
                self.err(
                    "E0116",
                    w.span,
                    format!(
                        "a health waiting period of {} days exceeds the 180 days allowed",
                        w.value
                    ),
                );
            }
            cov_spans.push(c.code.span);
            coverages.push(Coverage {
                code: c.code.value.clone(),
                name: self.names(&c.name),
                vat_exempt,
                optional: c.optional.as_ref().is_some_and(|o| o.value),
                terms: term_ids,
                tiers,
                limits,
                waiting_period_days: c.waiting_period_days.as_ref().map(|w| w.value),
                benefit_scale,
                indemnity,
                clause: c.clause.as_ref().map(|c| c.value.clone()),
                premium_step: u16::MAX,
            });
        }

        // Names visible to formulas.
        let mut names = Names2 {
            map: HashMap::new(),
            tables: HashMap::new(),
            life: HashMap::new(),
            broken: raw
                .tables
                .keys()
                .map(|k| k.value.clone())
                .filter(|k| !tables.iter().any(|t| &t.name == k))
                .collect(),
        };
        let (mut npol, mut nmem) = (0u16, 0u16);
        let mut field_slot = Vec::new();
        for f in &fields {
            let ty = match f.ty {
                FieldType::Integer { .. } | FieldType::Decimal { .. } => Ty::Num,
                FieldType::Bool => Ty::Bool,
                FieldType::Enum(_) => Ty::Text,
            };
            let (r, scope) = if f.group == InputGroup::Member {
                nmem += 1;
                (Ref::Member(nmem - 1), Scope::Member)
            } else {
                npol += 1;
                (Ref::Policy(npol - 1), Scope::Policy)
            };
            field_slot.push(r);
            names.map.insert(f.name.clone(), (r, ty, scope));
        }
        for (i, s) in slots.iter().enumerate() {
            let code = &coverages[s.coverage as usize].code;
            names.map.insert(
                format!("{code}.{}", s.name),
                (Ref::Term(i as u16), Ty::Num, Scope::Policy),
            );
        }
        for (n, r) in [
            ("members", Ref::Members),
            ("term_months", Ref::TermMonths),
            ("term_years", Ref::TermYears),
        ] {
            if let Some(i) = fields.iter().position(|f| f.name == n) {
                let span = field_spans[i];
                self.err(
                    "E0108",
                    span,
                    format!("`{n}` is a built-in name; call the input something else"),
                );
            }
            names.map.insert(n.to_string(), (r, Ty::Num, Scope::Policy));
        }
        for (i, t) in tables.iter().enumerate() {
            let key_tys = (0..t.keys.len())
                .map(|k| match t.rows.first().map(|r| &r.keys[k]) {
                    Some(KeyCell::Exact(Value::Text(_))) => Ty::Text,
                    Some(KeyCell::Exact(Value::Bool(_))) => Ty::Bool,
                    _ => Ty::Num,
                })
                .collect();
            names.tables.insert(
                t.name.clone(),
                TableSig {
                    id: i as u16,
                    keys: t.keys.clone(),
                    key_tys,
                    columns: t.columns.clone(),
                },
            );
        }

        // Actuarial setup.
        let actuarial = raw.actuarial.as_ref().and_then(|a| a.0.as_ref()).and_then(|a| {
            let interest = self.num(&a.interest)?;
            let basis = match a.basis.as_str() {
                "traditional" => InterestBasis::Traditional,
                "participating" => InterestBasis::Participating,
                "universal" => InterestBasis::Universal,
                _ => {
                    self.err("E0104", a.basis.span, format!("unknown interest basis `{}`", a.basis.value))
                        .help = Some("use `traditional`, `participating` or `universal`".into());
                    return None;
                }
            };
            if let Some(f) = from {
                let cap = interest_cap(basis, f);
                if interest > cap {
                    self.err(
                        "E0117",
                        a.interest.span,
                        format!(
                            "the pricing interest rate {} is above the {} cap of {} for products effective {f}",
                            interest.normalize(),
                            a.basis.value,
                            cap.normalize()
                        ),
                    )
                    .help = Some("caps: traditional 2.5% before 2025-09-01, 2.0% from then; participating 2.0%/1.75%; universal 1.5%/1.0%".into());
                }
            }
            if interest < Decimal::ZERO {
                self.err("E0115", a.interest.span, "the interest rate cannot be negative");
            }
            let method = match a.monthly_method.as_str() {
                "woolhouse2" => crate::actuarial::Method::Woolhouse2,
                "udd" => crate::actuarial::Method::Udd,
                _ => {
                    self.err("E0104", a.monthly_method.span, format!("unknown method `{}`", a.monthly_method.value))
                        .help = Some("use `woolhouse2` or `udd`".into());
                    return None;
                }
            };
            let mut table_names = Vec::new();
            let mut table_files = Vec::new();
            let mut commutations = Vec::new();
            for (n, t) in &a.tables {
                let Some(t) = &t.0 else { continue };
                let Some((path, text)) = self.read_beside(&t.file, "life table") else { continue };
                let column = t.column.as_ref().map(|c| c.value.clone());
                match crate::actuarial::LifeTable::from_csv(&path, &text, column.as_deref()) {
                    Ok(table) => match crate::actuarial::Commutation::new(&table, interest) {
                        Ok(c) => {
                            names.life.insert(n.value.clone(), table_names.len() as u16);
                            table_names.push(n.value.clone());
                            table_files.push((path, column));
                            commutations.push(c);
                        }
                        Err(e) => {
                            self.err("E0134", t.file.span, format!("life table `{}`: {e}", n.value));
                        }
                    },
                    Err(errors) => {
                        for e in errors {
                            self.diags.push(
                                Diagnostic::error("E0134", format!("column `{}`: {}", e.column, e.message))
                                    .in_file(&e.file)
                                    .at(Span::new(e.line as u32, 1, 0, 0)),
                            );
                        }
                    }
                }
            }
            Some(Actuarial {
                table_names,
                table_files,
                interest,
                basis,
                method,
                commutations,
            })
        });
        if raw.actuarial.is_none() && line == Some(Line::Pension) {
            self.warn(
                "W0101",
                raw.line.span,
                "a pension product without an `actuarial` section is not priced on life tables",
            );
        }

        // Rules (before steps: eligibility is checked before rating and cannot read steps).
        let mut rules = Vec::new();
        let mut rule_refs: Vec<Vec<Ref>> = Vec::new();
        for r in raw.eligibility.iter().filter_map(|r| r.0.as_ref()) {
            let scope = self.scope(r.per.as_ref(), Scope::Policy);
            if rules.iter().any(|x: &Rule| x.name == r.rule.value) {
                self.err(
                    "E0108",
                    r.rule.span,
                    format!("the rule `{}` is declared twice", r.rule.value),
                );
            }
            if let Some((expr, refs)) =
                self.compile(&names, &r.require, scope, Ty::Bool, actuarial.is_some())
            {
                rule_refs.push(refs);
                rules.push(Rule {
                    name: r.rule.value.clone(),
                    scope,
                    formula: r.require.value.clone(),
                    expr,
                    message: self.names(&r.message),
                });
            }
        }

        // Steps, in order: each sees only the steps before it.
        let mut steps: Vec<Step> = Vec::new();
        let rating = raw.rating.0.as_ref();
        let mut step_spans: Vec<Span> = Vec::new();
        if let Some(rating) = rating {
            if rating.steps.is_empty() {
                self.err("E0112", raw.code.span, "the rating plan has no steps");
            }
            let later: HashSet<&str> = rating
                .steps
                .iter()
                .filter_map(|s| s.0.as_ref())
                .map(|s| s.step.value.as_str())
                .collect();
            for s in rating.steps.iter().filter_map(|s| s.0.as_ref()) {
                let name_ok = s.step.chars().all(|c| c.is_alphanumeric() || c == '_')
                    && s.step
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_alphabetic() || c == '_');
                if !name_ok {
                    self.err(
                        "E0103",
                        s.step.span,
                        format!("`{}` is not a step name", s.step.value),
                    )
                    .help = Some("use letters, digits and `_`, starting with a letter".into());
                    continue;
                }
                if names.map.contains_key(&s.step.value) {
                    self.err(
                        "E0108",
                        s.step.span,
                        format!(
                            "the name `{}` is already used by an input, a term or an earlier step",
                            s.step.value
                        ),
                    );
                    continue;
                }
                let scope = self.scope(Some(&s.per), Scope::Policy);
                let coverage = s.coverage.as_ref().and_then(|c| {
                    match coverages.iter().position(|x| x.code == c.value) {
                        Some(i) => {
                            if coverages[i].premium_step != u16::MAX {
                                self.err(
                                    "E0118",
                                    c.span,
                                    format!("coverage `{}` already has a premium step", c.value),
                                );
                                return None;
                            }
                            coverages[i].premium_step = steps.len() as u16;
                            Some(i as u16)
                        }
                        None => {
                            let help =
                                suggest_in(&c.value, coverages.iter().map(|x| x.code.as_str()));
                            self.err("E0111", c.span, format!("unknown coverage `{}`", c.value))
                                .help = Some(help);
                            None
                        }
                    }
                });
                let compiled =
                    self.compile_step(&names, &s.formula, scope, actuarial.is_some(), &later);
                let idx = steps.len() as u16;
                let r = if scope == Scope::Member {
                    Ref::MemberStep(idx)
                } else {
                    Ref::PolicyStep(idx)
                };
                names.map.insert(s.step.value.clone(), (r, Ty::Num, scope));
                step_spans.push(s.step.span);
                let Some(expr) = compiled else {
                    // Keep indices aligned; the product will not be built anyway.
                    steps.push(Step {
                        name: s.step.value.clone(),
                        scope,
                        coverage,
                        formula: s.formula.value.clone(),
                        expr: Expr::Const(Value::Num(Decimal::ZERO)),
                        note: None,
                        line: s.step.span.line,
                    });
                    continue;
                };
                steps.push(Step {
                    name: s.step.value.clone(),
                    scope,
                    coverage,
                    formula: s.formula.value.clone(),
                    expr,
                    note: s.note.as_ref().map(|n| n.value.clone()),
                    line: s.step.span.line,
                });
            }
            for (c, span) in coverages.iter().zip(&cov_spans) {
                if c.premium_step == u16::MAX {
                    self.err(
                        "E0118",
                        *span,
                        format!("coverage `{}` has no premium step", c.code),
                    )
                    .help = Some(format!(
                        "add a step with `coverage: {}` whose formula gives its annual premium",
                        c.code
                    ));
                }
            }
        }

        // Benefit illustration: member scope, all steps visible, plus `year` and `premiums_paid`.
        let illustration = raw
            .illustration
            .as_ref()
            .and_then(|i| i.0.as_ref())
            .and_then(|i| {
                let mut inames = Names2 {
                    map: names.map.clone(),
                    tables: names.tables.clone(),
                    life: names.life.clone(),
                    broken: names.broken.clone(),
                };
                inames
                    .map
                    .insert("year".into(), (Ref::Year, Ty::Num, Scope::Policy));
                let act = actuarial.is_some();
                let years = self.compile(&inames, &i.years, Scope::Member, Ty::Num, act);
                let age = self.compile(&inames, &i.age, Scope::Member, Ty::Num, act);
                let premium = self.compile(&inames, &i.premium, Scope::Member, Ty::Num, act);
                inames.map.insert(
                    "premiums_paid".into(),
                    (Ref::PremiumsPaid, Ty::Num, Scope::Policy),
                );
                let survival =
                    self.compile(&inames, &i.survival_benefit, Scope::Member, Ty::Num, act);
                let death = self.compile(&inames, &i.death_benefit, Scope::Member, Ty::Num, act);
                Some(Illustration {
                    years: years?.0,
                    age: age?.0,
                    premium: premium?.0,
                    survival_benefit: survival?.0,
                    death_benefit: death?.0,
                })
            });

        // Every value the inputs allow must have a table row.
        self.check_table_coverage(
            &fields,
            &field_slot,
            &slots,
            &tables,
            &steps,
            &rules,
            &rule_refs,
            &table_spans,
        );

        // Rounding, charges.
        let rounding = rating.and_then(|r| r.rounding.0.as_ref()).and_then(|r| {
            let (strategy, mode_name) = match r.mode.as_str() {
                "half_up" => (RoundingStrategy::MidpointAwayFromZero, "half_up"),
                "half_even" => (RoundingStrategy::MidpointNearestEven, "half_even"),
                _ => {
                    self.err(
                        "E0104",
                        r.mode.span,
                        format!("unknown rounding mode `{}`", r.mode.value),
                    )
                    .help = Some("use `half_up` or `half_even`".into());
                    return None;
                }
            };
            let level = match r.level.as_str() {
                "step" => RoundingLevel::Step,
                "member" => RoundingLevel::Member,
                "coverage" => RoundingLevel::Coverage,
                "total" => RoundingLevel::Total,
                _ => {
                    self.err(
                        "E0104",
                        r.level.span,
                        format!("unknown rounding level `{}`", r.level.value),
                    )
                    .help = Some("use `step`, `member`, `coverage` or `total`".into());
                    return None;
                }
            };
            if r.places.value > 8 {
                self.err("E0104", r.places.span, "round to at most 8 decimal places");
                return None;
            }
            Some(Rounding {
                places: r.places.value,
                strategy,
                mode_name,
                level,
            })
        });
        let minimum_premium = rating
            .and_then(|r| r.minimum_premium.as_ref())
            .and_then(|m| {
                let d = self.num(m)?;
                if d < Decimal::ZERO {
                    self.err("E0115", m.span, "the minimum premium cannot be negative");
                }
                Some(d)
            });
        let vat_rate = match rating.and_then(|r| r.vat_rate.as_ref()) {
            Some(v) => {
                let d = self.num(v).unwrap_or_default();
                if !(Decimal::ZERO..Decimal::ONE).contains(&d) {
                    self.err(
                        "E0113",
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
                        "E0119",
                        span,
                        "a coverage is VAT-taxable but the rating plan has no `vat_rate`",
                    )
                    .help = Some("add `vat_rate: 6%` under `rating:` (domain.md, Tax)".into());
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
            let kind = match c.kind.as_str() {
                "stamp_duty" => ChargeKind::StampDuty,
                "fee" => ChargeKind::Fee,
                _ => {
                    self.err(
                        "E0104",
                        c.kind.span,
                        format!("unknown charge kind `{}`", c.kind.value),
                    )
                    .help = Some("use `stamp_duty` or `fee`".into());
                    continue;
                }
            };
            let included = match c.basis.as_str() {
                "included" => true,
                "added" => false,
                _ => {
                    self.err(
                        "E0104",
                        c.basis.span,
                        format!("unknown basis `{}`", c.basis.value),
                    )
                    .help = Some("use `included` (in the premium) or `added` (on top)".into());
                    continue;
                }
            };
            let rate = c.rate.as_ref().and_then(|r| self.num(r));
            let amount = c.amount.as_ref().and_then(|r| self.num(r));
            if rate.is_some() == amount.is_some() {
                self.err(
                    "E0119",
                    c.kind.span,
                    "a charge needs either `rate` or `amount`",
                );
            }
            for (v, s) in [(rate, c.rate.as_ref()), (amount, c.amount.as_ref())] {
                if let (Some(v), Some(s)) = (v, s)
                    && v < Decimal::ZERO
                {
                    self.err("E0115", s.span, "a charge cannot be negative");
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

        // Regulatory periods.
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
                "E0116",
                w.span,
                format!(
                    "a health waiting period of {} days exceeds the 180 days allowed",
                    w.value
                ),
            )
            .help = Some("short-term health waiting periods are at most 180 days".into());
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
                .unwrap_or(raw.line.span);
            self.err(
                "E0122",
                span,
                format!(
                    "a long-term {} product needs a cooling-off period of at least 15 days",
                    raw.line.value
                ),
            )
            .help = Some("set `cooling_off_days: 15` (or more)".into());
        }

        // Payment plans and declarations.
        let mut plans = self.plans(raw);
        for (plan, rp) in plans
            .iter_mut()
            .zip(raw.payment_plans.iter().filter_map(|p| p.0.as_ref()))
        {
            if let Some(step) = &rp.payout_factor {
                match steps.iter().position(|s| s.name == step.value) {
                    Some(i) => plan.payout_factor = Some(i as u16),
                    None => {
                        let help = suggest_in(&step.value, steps.iter().map(|s| s.name.as_str()));
                        self.err("E0111", step.span, format!("unknown step `{}`", step.value))
                            .help = Some(help);
                    }
                }
            }
            if plan.mode == PlanMode::Flexible {
                if plan.crediting_rate.is_none() {
                    self.err(
                        "E0119",
                        rp.code.span,
                        "a flexible plan needs a `crediting_rate`",
                    );
                }
                // A flexible plan reads the planned contribution from these options.
                for (name, want) in [("contribution", "decimal"), ("frequency", "enum")] {
                    let ok = fields.iter().any(|f| {
                        f.name == name
                            && f.group == InputGroup::Options
                            && match (&f.ty, want) {
                                (FieldType::Decimal { .. }, "decimal")
                                | (FieldType::Integer { .. }, "integer") => true,
                                (FieldType::Enum(v), "enum") => v.iter().all(|s| {
                                    ["monthly", "quarterly", "yearly"]
                                        .contains(&self.interner.word(*s))
                                }),
                                _ => false,
                            }
                    });
                    if !ok {
                        self.err("E0119", rp.code.span, format!("a flexible plan needs an option `{name}` ({want})"))
                            .help = Some("declare `contribution` (decimal) and `frequency` (enum of monthly, quarterly, yearly) under `inputs.options`; the term in years is the contribution period".into());
                    }
                }
            }
        }
        let declarations = raw
            .declarations
            .as_ref()
            .and_then(|d| d.0.as_ref())
            .and_then(|d| {
                for day in [&d.declare_by_day, &d.premium_due_day] {
                    if day.value == 0 || day.value > 28 {
                        self.err(
                            "E0123",
                            day.span,
                            "a day of the month must be from 1 to 28 so that every month has it",
                        );
                    }
                }
                if d.max_credit_days.value > d.max_credit_days_approved.value {
                    self.err(
                        "E0123",
                        d.max_credit_days.span,
                        "the credit period without approval exceeds the one with approval",
                    );
                }
                let maximum_liability = self.num(&d.maximum_liability)?;
                let deposit_share = d.deposit_share.as_ref().and_then(|s| self.num(s));
                if let (Some(s), Some(sp)) = (deposit_share, d.deposit_share.as_ref())
                    && !(Decimal::ZERO..=Decimal::ONE).contains(&s)
                {
                    self.err(
                        "E0113",
                        sp.span,
                        format!("the deposit share {s} is outside [0, 1]"),
                    );
                }
                Some(Declarations {
                    declare_by_day: d.declare_by_day.value,
                    premium_due_day: d.premium_due_day.value,
                    deposit_share,
                    maximum_liability,
                    max_credit_days: d.max_credit_days.value,
                    max_credit_days_approved: d.max_credit_days_approved.value,
                })
            });
        if plans.iter().any(|p| p.mode == PlanMode::Declaration)
            && declarations.is_none()
            && raw.declarations.is_none()
        {
            self.err(
                "E0119",
                raw.code.span,
                "a declaration payment plan needs a `declarations:` section",
            );
        }

        // Documents.
        let mut documents = BTreeMap::new();
        for (kind, tpl) in &raw.documents {
            const KINDS: [&str; 6] = [
                "quote",
                "policy",
                "schedule",
                "worksheet",
                "invoice",
                "illustration",
            ];
            if !KINDS.contains(&kind.value.as_str()) {
                self.unknown_word("document", kind, &KINDS);
                continue;
            }
            if let Some(dir) = self.templates {
                self.existing_file(dir, tpl, "E0124", "template");
            }
            documents.insert(kind.value.clone(), tpl.value.clone());
        }

        // Tests.
        let tests = self.tests(raw, root);

        let special_clauses = raw
            .special_clauses
            .iter()
            .filter_map(|c| c.0.as_ref())
            .map(|c| self.names(c))
            .collect();

        let pension = super::pension_check::check(
            raw,
            &super::pension_check::Context {
                file: self.file,
                line,
                fields: &fields,
                steps: &steps,
                plans: &plans,
                actuarial: actuarial.as_ref(),
                interner: &self.interner,
            },
            &mut self.diags,
        );

        Some(Product {
            code: raw.code.value.clone(),
            version: raw.version.value.clone(),
            name: name?,
            line: line?,
            segment: raw.segment.value.clone(),
            insurer: raw.insurer.value.clone(),
            filing: raw.filing.value.clone(),
            currency: raw.currency.value.clone(),
            effective_from: from?,
            effective_to: to,
            group,
            term: term?,
            cooling_off_days,
            waiting_period_days,
            grace_period_days: raw
                .grace_period_days
                .as_ref()
                .map(|g| g.value)
                .unwrap_or(60),
            fields,
            rules,
            coverages,
            terms: slots,
            tables,
            steps,
            rounding: rounding?,
            minimum_premium,
            vat_rate,
            charges,
            actuarial,
            illustration,
            pension,
            plans,
            declarations,
            documents,
            special_clauses,
            tests,
            interner: std::mem::take(&mut self.interner),
            file: self.file.to_path_buf(),
            content_hash: String::new(),
        })
    }

    fn scope(&mut self, per: Option<&Sp<String>>, default: Scope) -> Scope {
        match per.map(|p| p.as_str()) {
            None => default,
            Some("policy") => Scope::Policy,
            Some("member") => Scope::Member,
            Some(other) => {
                let span = per.map(|p| p.span).unwrap_or_default();
                self.err("E0104", span, format!("unknown scope `{other}`"))
                    .help = Some(
                    "use `policy` (once) or `member` (for each member or declared item)".into(),
                );
                default
            }
        }
    }

    fn compile(
        &mut self,
        names: &Names2,
        f: &Sp<String>,
        scope: Scope,
        want: Ty,
        actuarial: bool,
    ) -> Option<(Expr, Vec<Ref>)> {
        let ast = match formula::parse::parse(&f.value) {
            Ok(a) => a,
            Err(e) => {
                let span = self.formula_span(f.span, &f.value, e.start, e.end);
                self.err("E0300", span, format!("formula syntax: {}", e.message));
                return None;
            }
        };
        let mut c = Compiler::new(names, &mut self.interner, scope);
        c.actuarial = actuarial;
        let out = c.compile_as(&ast, want);
        let errors = std::mem::take(&mut c.errors);
        let refs = std::mem::take(&mut c.refs);
        for e in errors {
            let span = self.formula_span(f.span, &f.value, e.start, e.end);
            let d = self.err(e.code, span, e.message);
            d.help = e.help;
        }
        out.map(|e| (e, refs))
    }

    fn compile_step(
        &mut self,
        names: &Names2,
        f: &Sp<String>,
        scope: Scope,
        actuarial: bool,
        later: &HashSet<&str>,
    ) -> Option<Expr> {
        let before = self.diags.len();
        let out = self.compile(names, f, scope, Ty::Num, actuarial);
        // A name that is a later step gets a clearer message.
        let items: Vec<Diagnostic> = std::mem::take(&mut self.diags).into_vec();
        let mut fixed = Diagnostics::new();
        for (i, mut d) in items.into_iter().enumerate() {
            if i >= before
                && d.code == "E0301"
                && let Some(name) = d
                    .message
                    .strip_prefix("unknown name `")
                    .and_then(|s| s.strip_suffix('`'))
                && later.contains(name)
            {
                d.message = format!("`{name}` is computed in a later step");
                d.help =
                    Some("steps may only use the steps above them; move this step down".into());
            }
            fixed.push(d);
        }
        self.diags = fixed;
        out.map(|(e, _)| e)
    }

    fn field(&mut self, name: &Sp<String>, group: InputGroup, f: &raw::RawField) -> Option<Field> {
        let name_ok = name.chars().all(|c| c.is_alphanumeric() || c == '_')
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_');
        if !name_ok {
            self.err(
                "E0103",
                name.span,
                format!("`{}` is not an input name", name.value),
            )
            .help = Some("use letters, digits and `_`, starting with a letter".into());
            return None;
        }
        if ["name", "id"].contains(&name.as_str()) {
            self.err(
                "E0108",
                name.span,
                format!(
                    "`{}` is a standard party field; it needs no declaration",
                    name.value
                ),
            );
            return None;
        }
        let min = f.min.as_ref().and_then(|m| self.num(m));
        let max = f.max.as_ref().and_then(|m| self.num(m));
        if let (Some(a), Some(b), Some(s)) = (min, max, f.max.as_ref())
            && a > b
        {
            self.err("E0125", s.span, format!("`max` ({b}) is below `min` ({a})"));
        }
        let ty = match f.ty.as_str() {
            "integer" => FieldType::Integer { min, max },
            "decimal" => FieldType::Decimal { min, max },
            "bool" => FieldType::Bool,
            "enum" => {
                if f.values.is_empty() {
                    self.err("E0125", f.ty.span, "an `enum` input needs `values: [...]`");
                    return None;
                }
                let mut seen = HashSet::new();
                for v in &f.values {
                    if !seen.insert(v.value.as_str()) {
                        self.err(
                            "E0108",
                            v.span,
                            format!("the value `{}` is listed twice", v.value),
                        );
                    }
                }
                FieldType::Enum(f.values.iter().map(|v| self.interner.intern(v)).collect())
            }
            other => {
                let help = suggest(&f.ty, &["integer", "decimal", "bool", "enum"]);
                self.err("E0104", f.ty.span, format!("unknown input type `{other}`"))
                    .help = Some(help);
                return None;
            }
        };
        if !matches!(ty, FieldType::Integer { .. } | FieldType::Decimal { .. })
            && (f.min.is_some() || f.max.is_some())
        {
            self.err(
                "E0125",
                f.ty.span,
                "`min` and `max` apply to `integer` and `decimal` inputs only",
            );
        }
        if !matches!(ty, FieldType::Enum(_)) && !f.values.is_empty() {
            self.err("E0125", f.ty.span, "`values` applies to `enum` inputs only");
        }
        let default = match &f.default {
            None => None,
            Some(d) => match coerce(&ty, &d.value, &self.interner) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.err(
                        "E0125",
                        d.span,
                        format!("the default does not fit the input: {e}"),
                    );
                    None
                }
            },
        };
        Some(Field {
            name: name.value.clone(),
            group,
            ty,
            default,
            label: f.label.as_ref().map(|l| self.names(l)),
        })
    }

    fn choice(
        &mut self,
        c: &raw::RawTermChoice,
        span: Span,
        ratio: bool,
    ) -> Option<(Choice, Option<Decimal>)> {
        let check_ratio = |this: &mut Self, d: Decimal, s: Span| {
            if ratio && !(Decimal::ZERO..=Decimal::ONE).contains(&d) {
                this.err("E0113", s, format!("the ratio {d} is outside [0, 1]"))
                    .help = Some("write ratios as 0.9 or 90%".into());
            } else if d < Decimal::ZERO {
                this.err("E0115", s, format!("{d} is negative; terms cannot be"));
            }
        };
        let default = c.default.as_ref().and_then(|d| self.num(d));
        let choice = if !c.options.is_empty() {
            if c.min.is_some() || c.max.is_some() || c.step.is_some() {
                self.err(
                    "E0125",
                    span,
                    "give either `options` or `min`/`max`, not both",
                );
            }
            let mut opts = Vec::new();
            for o in &c.options {
                if let Some(d) = self.num(o) {
                    check_ratio(self, d, o.span);
                    if opts.contains(&d) {
                        self.err("E0108", o.span, format!("the option {d} is listed twice"));
                    }
                    opts.push(d);
                }
            }
            Choice::Options(opts)
        } else {
            let (Some(mn), Some(mx)) = (c.min.as_ref(), c.max.as_ref()) else {
                self.err(
                    "E0125",
                    span,
                    "a term needs `options: [...]` or both `min` and `max`",
                );
                return None;
            };
            let (min, max) = (self.num(mn)?, self.num(mx)?);
            check_ratio(self, min, mn.span);
            check_ratio(self, max, mx.span);
            if min > max {
                self.err(
                    "E0125",
                    mx.span,
                    format!("`max` ({max}) is below `min` ({min})"),
                );
            }
            let step = c.step.as_ref().and_then(|s| self.num(s));
            if let (Some(st), Some(s)) = (step, c.step.as_ref())
                && st <= Decimal::ZERO
            {
                self.err("E0125", s.span, "`step` must be positive");
            }
            Choice::Range { min, max, step }
        };
        if let (Some(d), Some(ds)) = (default, c.default.as_ref())
            && !choice_allows(&choice, d)
        {
            self.err(
                "E0125",
                ds.span,
                format!("the default {d} is not one of the allowed values"),
            );
        }
        Some((choice, default))
    }

    fn table(&mut self, name: &Sp<String>, t: &raw::RawTable) -> Option<Table> {
        if t.keys.is_empty() {
            self.err(
                "E0126",
                name.span,
                format!("table `{}` has no key columns", name.value),
            )
            .help = Some("add `keys: [column, ...]`".into());
            return None;
        }
        let columns: Vec<String> = if t.values.is_empty() {
            vec!["value".to_string()]
        } else {
            t.values.iter().map(|v| v.value.clone()).collect()
        };
        let width = t.keys.len() + columns.len();
        // Rows as (cells with spans, line, row span) from YAML or CSV.
        type CellRow = (Vec<(String, Span)>, u32, Span);
        let mut cells_rows: Vec<CellRow> = Vec::new();
        let mut file = self.file.to_path_buf();
        match (&t.file, t.rows.is_empty()) {
            (Some(_), false) => {
                self.err(
                    "E0126",
                    name.span,
                    format!(
                        "table `{}` has both `rows` and `file`; keep one",
                        name.value
                    ),
                );
                return None;
            }
            (None, true) => {
                self.err(
                    "E0126",
                    name.span,
                    format!("table `{}` has no rows", name.value),
                )
                .help = Some("add `rows:` or `file:` (a CSV beside the product)".into());
                return None;
            }
            (None, false) => {
                for r in &t.rows {
                    // Point at the first key cell: the row's own span is only its `[`.
                    let at = r.value.first().map(|c| c.span).unwrap_or(r.span);
                    cells_rows.push((
                        r.value.iter().map(|c| (c.value.clone(), c.span)).collect(),
                        r.span.line,
                        at,
                    ));
                }
            }
            (Some(f), true) => {
                let (path, text) = self.read_beside(f, "table file")?;
                file = path.clone();
                let mut rdr = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .from_reader(text.as_bytes());
                let header: Vec<String> = match rdr.headers() {
                    Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
                    Err(e) => {
                        self.err("E0127", f.span, format!("{}: {e}", path.display()));
                        return None;
                    }
                };
                let mut idx = Vec::new();
                for col in t
                    .keys
                    .iter()
                    .map(|k| k.value.as_str())
                    .chain(columns.iter().map(String::as_str))
                {
                    match header.iter().position(|h| h == col) {
                        Some(i) => idx.push(i),
                        None => {
                            self.err(
                                "E0127",
                                f.span,
                                format!("{} has no column `{col}`", path.display()),
                            )
                            .help = Some(format!("its columns are: {}", header.join(", ")));
                            return None;
                        }
                    }
                }
                for rec in rdr.records() {
                    match rec {
                        Ok(rec) => {
                            let line = rec.position().map(|p| p.line() as u32).unwrap_or(0);
                            let cells = idx
                                .iter()
                                .map(|&i| (rec.get(i).unwrap_or("").trim().to_string(), f.span))
                                .collect();
                            cells_rows.push((cells, line, f.span));
                        }
                        Err(e) => {
                            let line = e.position().map(|p| p.line() as u32).unwrap_or(1);
                            self.diags.push(
                                Diagnostic::error("E0127", format!("{e}"))
                                    .in_file(&path)
                                    .at(Span::new(line, 1, 0, 0)),
                            );
                            return None;
                        }
                    }
                }
            }
        }
        let from_csv = t.file.is_some();
        let mut rows = Vec::new();
        let mut bad = false;
        for (cells, line, rspan) in &cells_rows {
            let here = |s: Span| {
                if from_csv {
                    Span::new(*line, 1, 0, 0)
                } else {
                    s
                }
            };
            if cells.len() != width {
                let d = Diagnostic::error(
                    "E0128",
                    format!(
                        "this row of `{}` has {} cells, but the table has {} key(s) and {} value column(s)",
                        name.value,
                        cells.len(),
                        t.keys.len(),
                        columns.len()
                    ),
                )
                .in_file(&file)
                .at(here(*rspan));
                self.diags.push(d);
                bad = true;
                continue;
            }
            let mut keys = Vec::new();
            for (text, span) in &cells[..t.keys.len()] {
                match parse_band(text) {
                    Some(Ok(b)) => keys.push(b),
                    Some(Err(e)) => {
                        self.diags
                            .push(Diagnostic::error("E0129", e).in_file(&file).at(here(*span)));
                        bad = true;
                    }
                    None => match parse_decimal(text) {
                        Ok(d) => keys.push(KeyCell::Exact(Value::Num(d))),
                        Err(_) => match text.as_str() {
                            "true" | "false" => {
                                keys.push(KeyCell::Exact(Value::Bool(text == "true")))
                            }
                            _ => keys.push(KeyCell::Exact(Value::Text(self.interner.intern(text)))),
                        },
                    },
                }
            }
            let mut values = Vec::new();
            for (text, span) in &cells[t.keys.len()..] {
                match parse_decimal(text) {
                    Ok(d) => {
                        if d < Decimal::ZERO {
                            self.diags.push(
                                Diagnostic::error(
                                    "E0115",
                                    format!("the rate {d} in `{}` is negative", name.value),
                                )
                                .in_file(&file)
                                .at(here(*span))
                                .with_help("rates and factors cannot be negative"),
                            );
                            bad = true;
                        }
                        values.push(d);
                    }
                    Err(e) => {
                        self.diags
                            .push(Diagnostic::error("E0101", e).in_file(&file).at(here(*span)));
                        bad = true;
                    }
                }
            }
            if keys.len() == t.keys.len() && values.len() == columns.len() {
                rows.push((
                    Row {
                        keys,
                        values,
                        line: *line,
                    },
                    here(*rspan),
                ));
            }
        }
        // Key types must agree down each column.
        for k in 0..t.keys.len() {
            let kinds: HashSet<u8> = rows
                .iter()
                .map(|(r, _)| match &r.keys[k] {
                    KeyCell::Exact(Value::Text(_)) => 0,
                    KeyCell::Exact(Value::Bool(_)) => 1,
                    _ => 2,
                })
                .collect();
            if kinds.len() > 1 {
                self.diags.push(
                    Diagnostic::error(
                        "E0129",
                        format!(
                            "key column `{}` of `{}` mixes words and numbers",
                            t.keys[k].value, name.value
                        ),
                    )
                    .in_file(&file)
                    .at(t.keys[k].span),
                );
                bad = true;
            }
        }
        // Overlaps: no two rows may match the same keys.
        for i in 0..rows.len() {
            for j in (i + 1)..rows.len() {
                let (a, b) = (&rows[i].0, &rows[j].0);
                if a.keys.iter().zip(&b.keys).all(|(x, y)| x.intersects(y)) {
                    let shown: Vec<String> =
                        b.keys.iter().map(|k| k.show(&self.interner)).collect();
                    self.diags.push(
                        Diagnostic::error(
                            "E0130",
                            format!("this row of `{}` ({}) overlaps the row at line {}", name.value, shown.join(", "), a.line),
                        )
                        .in_file(&file)
                        .at(rows[j].1)
                        .with_help("each key value must match exactly one row; check the band bounds `[` `]` `(` `)`"),
                    );
                    bad = true;
                }
            }
        }
        // Gaps between bands, for one-key banded tables.
        if t.keys.len() == 1 && !bad {
            let mut bands: Vec<(Option<table::Bound>, Option<table::Bound>, Span)> = rows
                .iter()
                .filter_map(|(r, s)| match &r.keys[0] {
                    KeyCell::Band { lo, hi } => Some((*lo, *hi, *s)),
                    _ => None,
                })
                .collect();
            bands.sort_by(|a, b| match (a.0, b.0) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, _) => std::cmp::Ordering::Less,
                (_, None) => std::cmp::Ordering::Greater,
                (Some(x), Some(y)) => x.value.cmp(&y.value),
            });
            for w in bands.windows(2) {
                let (hi, lo) = (w[0].1, w[1].0);
                let continuous = match (hi, lo) {
                    (Some(h), Some(l)) => h.value == l.value && (h.closed != l.closed),
                    _ => false,
                };
                if !continuous {
                    let gap = match (hi, lo) {
                        (Some(h), Some(l)) => format!(
                            "values between {} and {} match no row",
                            h.value.normalize(),
                            l.value.normalize()
                        ),
                        _ => "the bands leave a gap".to_string(),
                    };
                    self.diags.push(
                        Diagnostic::error("E0131", format!("the bands of `{}` leave a gap: {gap}", name.value))
                            .in_file(&file)
                            .at(w[1].2)
                            .with_help("make each band start where the one before ends, e.g. `[3, 11)` then `[11, 31)`"),
                    );
                    bad = true;
                }
            }
        }
        if bad {
            return None;
        }
        Some(Table::new(
            name.value.clone(),
            t.keys.iter().map(|k| k.value.clone()).collect(),
            columns,
            rows.into_iter().map(|(r, _)| r).collect(),
            file,
            t.source.as_ref().map(|s| s.value.clone()),
        ))
    }

    /// For lookups whose keys are inputs or coverage terms, checks that every value they allow
    /// has a row.
    #[allow(clippy::too_many_arguments)]
    fn check_table_coverage(
        &mut self,
        fields: &[Field],
        field_slot: &[Ref],
        slots: &[TermSlot],
        tables: &[Table],
        steps: &[Step],
        rules: &[Rule],
        rule_refs: &[Vec<Ref>],
        table_spans: &HashMap<String, Span>,
    ) {
        // Values an eligibility rule on that input alone declines need no row.
        let allowed = |r: Ref, v: Value| -> bool {
            rules.iter().zip(rule_refs).all(|(rule, refs)| {
                if refs.is_empty() || refs.iter().any(|x| *x != r) {
                    return true;
                }
                let (mut pol, mut mem) = (
                    vec![Value::Bool(false); field_slot.len()],
                    vec![Value::Bool(false); field_slot.len()],
                );
                match r {
                    Ref::Policy(i) => pol[i as usize] = v,
                    Ref::Member(i) => mem[i as usize] = v,
                    _ => return true,
                }
                let member_inputs = [mem];
                let lookup = table::TableSet(tables);
                let frame = formula::Frame {
                    policy: &pol,
                    terms: &[],
                    policy_steps: &[],
                    member: Some(0),
                    member_inputs: &member_inputs,
                    member_steps: &[],
                    term_months: 12,
                    rounding: RoundingStrategy::MidpointAwayFromZero,
                    lookup: &lookup,
                    year: None,
                };
                !matches!(frame.eval(&rule.expr, None), Ok(Value::Bool(false)))
            })
        };
        let mut sites: Vec<(u16, Vec<Expr>)> = Vec::new();
        fn walk(e: &Expr, out: &mut Vec<(u16, Vec<Expr>)>) {
            match e {
                Expr::Lookup { table, keys, .. } => {
                    out.push((*table, keys.to_vec()));
                    keys.iter().for_each(|k| walk(k, out));
                }
                Expr::Neg(x) | Expr::Not(x) => walk(x, out),
                Expr::Bin(_, a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
                Expr::If(a, b, c) => {
                    walk(a, out);
                    walk(b, out);
                    walk(c, out);
                }
                Expr::In(a, _) => walk(a, out),
                Expr::Call(_, xs) => xs.iter().for_each(|x| walk(x, out)),
                _ => {}
            }
        }
        for s in steps {
            walk(&s.expr, &mut sites);
        }
        for r in rules {
            walk(&r.expr, &mut sites);
        }
        let mut reported = HashSet::new();
        for (tid, keys) in sites {
            let Some(table) = tables.get(tid as usize) else {
                continue;
            };
            // Domain of each key: a list of sample values, or None when not enumerable.
            let mut domains: Vec<(Vec<Value>, String)> = Vec::new();
            for (k, key) in keys.iter().enumerate() {
                let dom = match key {
                    Expr::Ref(r @ (Ref::Policy(_) | Ref::Member(_))) => {
                        let Some(i) = field_slot.iter().position(|x| x == r) else {
                            break;
                        };
                        let f = &fields[i];
                        let vals = match &f.ty {
                            FieldType::Enum(vs) => vs.iter().map(|s| Value::Text(*s)).collect(),
                            FieldType::Bool => vec![Value::Bool(true), Value::Bool(false)],
                            FieldType::Integer {
                                min: Some(a),
                                max: Some(b),
                            } if b.checked_sub(*a).is_some_and(|w| w <= Decimal::from(1000)) => {
                                let mut v = Vec::new();
                                let mut x = *a;
                                while x <= *b {
                                    v.push(Value::Num(x));
                                    x += Decimal::ONE;
                                }
                                v
                            }
                            FieldType::Integer {
                                min: Some(a),
                                max: Some(b),
                            }
                            | FieldType::Decimal {
                                min: Some(a),
                                max: Some(b),
                            } => boundary_samples(table, k, *a, *b),
                            _ => break,
                        };
                        let vals: Vec<Value> =
                            vals.into_iter().filter(|v| allowed(*r, *v)).collect();
                        (vals, f.name.clone())
                    }
                    Expr::Ref(Ref::Term(i)) => {
                        let s = &slots[*i as usize];
                        let vals = match &s.choice {
                            Choice::Options(o) => o.iter().map(|d| Value::Num(*d)).collect(),
                            Choice::Range { min, max, .. } => {
                                boundary_samples(table, k, *min, *max)
                            }
                        };
                        (vals, s.name.clone())
                    }
                    _ => break,
                };
                domains.push(dom);
            }
            if domains.len() != keys.len() {
                continue;
            }
            // Nothing to check when a key allows no value; too much when the combinations are
            // many.
            let total = domains
                .iter()
                .try_fold(1usize, |acc, d| acc.checked_mul(d.0.len()));
            if total.is_none_or(|t| t == 0 || t > 20_000) {
                continue;
            }
            let mut combo = vec![0usize; domains.len()];
            'outer: loop {
                let vals: Vec<Value> = combo.iter().zip(&domains).map(|(i, d)| d.0[*i]).collect();
                if table.find(&vals).is_none() && reported.insert((tid, vals.clone())) {
                    let desc: Vec<String> = vals
                        .iter()
                        .zip(&domains)
                        .map(|(v, d)| format!("{} = {}", d.1, self.interner.show(v)))
                        .collect();
                    let span = table_spans.get(&table.name).copied().unwrap_or_default();
                    self.err(
                        "E0132",
                        span,
                        format!("table `{}` has no row for {}", table.name, desc.join(", ")),
                    )
                    .help = Some("add a row, or narrow the input's allowed values".into());
                }
                for i in (0..combo.len()).rev() {
                    combo[i] += 1;
                    if combo[i] < domains[i].0.len() {
                        continue 'outer;
                    }
                    combo[i] = 0;
                }
                break;
            }
        }
    }

    fn plans(&mut self, raw: &RawProduct) -> Vec<PaymentPlan> {
        let mut out: Vec<PaymentPlan> = Vec::new();
        for p in raw.payment_plans.iter().filter_map(|p| p.0.as_ref()) {
            if out.iter().any(|x| x.code == p.code.value) {
                self.err(
                    "E0108",
                    p.code.span,
                    format!("the payment plan `{}` is declared twice", p.code.value),
                );
                continue;
            }
            let Some(mode) = PlanMode::parse(&p.mode) else {
                self.unknown_word("payment mode", &p.mode, &PlanMode::ALL);
                continue;
            };
            let modal_factor = p.modal_factor.as_ref().and_then(|f| self.num(f));
            let loading = p.loading.as_ref().and_then(|f| self.num(f));
            if let (Some(f), Some(s)) = (modal_factor, p.modal_factor.as_ref())
                && (f <= Decimal::ZERO || f > Decimal::ONE)
            {
                self.err(
                    "E0113",
                    s.span,
                    format!("the modal factor {f} must be above 0 and at most 1"),
                );
            }
            if modal_factor.is_some() && loading.is_some() {
                self.err(
                    "E0125",
                    p.code.span,
                    "give a `modal_factor` or a `loading`, not both",
                );
            }
            if let (Some(l), Some(s)) = (loading, p.loading.as_ref())
                && l < Decimal::ZERO
            {
                self.err("E0115", s.span, "a loading cannot be negative");
            }
            let (mut fee_flat, mut fee_percent, mut waive) = (None, None, false);
            if let Some(f) = p.fee.as_ref().and_then(|f| f.0.as_ref()) {
                fee_flat = f.flat.as_ref().and_then(|x| self.num(x));
                fee_percent = f.percent.as_ref().and_then(|x| self.num(x));
                waive = f.waive_first.as_ref().is_some_and(|w| w.value);
                if fee_flat.is_some() == fee_percent.is_some() {
                    self.err(
                        "E0125",
                        p.code.span,
                        "an instalment fee needs either `flat` or `percent`",
                    );
                }
                if let (Some(x), Some(s)) = (fee_percent, f.percent.as_ref())
                    && !(Decimal::ZERO..=Decimal::ONE).contains(&x)
                {
                    self.err(
                        "E0113",
                        s.span,
                        format!("the fee percentage {x} is outside [0, 1]"),
                    );
                }
            }
            let (mut dp_pct, mut dp_min) = (None, None);
            if let Some(d) = p.down_payment.as_ref().and_then(|f| f.0.as_ref()) {
                dp_pct = d.percent.as_ref().and_then(|x| self.num(x));
                dp_min = d.at_least.as_ref().and_then(|x| self.num(x));
                if let (Some(x), Some(s)) = (dp_pct, d.percent.as_ref())
                    && !(Decimal::ZERO..=Decimal::ONE).contains(&x)
                {
                    self.err(
                        "E0113",
                        s.span,
                        format!("the down payment share {x} is outside [0, 1]"),
                    );
                }
            }
            let remainder_last = match p.remainder.as_ref().map(|r| r.as_str()) {
                None | Some("first") => false,
                Some("last") => true,
                Some(other) => {
                    let span = p.remainder.as_ref().map(|r| r.span).unwrap_or_default();
                    self.err("E0104", span, format!("unknown remainder rule `{other}`"))
                        .help = Some("use `first` or `last`".into());
                    false
                }
            };
            if let Some(d) = &p.collection_day
                && (d.value == 0 || d.value > 31)
            {
                self.err("E0123", d.span, "a collection day is from 1 to 31");
            }
            if let Some(b) = &p.business_day
                && !["following", "modified_following", "preceding"].contains(&b.as_str())
            {
                let help = suggest(b, &["following", "modified_following", "preceding"]);
                self.err(
                    "E0104",
                    b.span,
                    format!("unknown business-day rule `{}`", b.value),
                )
                .help = Some(help);
            }
            let calendar = p
                .calendar
                .as_ref()
                .and_then(|c| self.read_beside(c, "calendar").map(|(p, _)| p));
            let minimum_instalment = p.minimum_instalment.as_ref().and_then(|x| self.num(x));
            let yearly_cap = p.yearly_cap.as_ref().and_then(|x| self.num(x));
            let minimum_contribution = p.minimum_contribution.as_ref().and_then(|x| self.num(x));
            let crediting_rate = p.crediting_rate.as_ref().and_then(|x| self.num(x));
            let initial_charge = p.initial_charge.as_ref().and_then(|x| self.num(x));
            let management_charge = p.management_charge.as_ref().and_then(|x| self.num(x));
            for (v, s) in [
                (crediting_rate, p.crediting_rate.as_ref()),
                (initial_charge, p.initial_charge.as_ref()),
                (management_charge, p.management_charge.as_ref()),
            ] {
                if let (Some(v), Some(s)) = (v, s)
                    && !(Decimal::ZERO..Decimal::ONE).contains(&v)
                {
                    self.err("E0113", s.span, format!("{v} is outside [0, 1)"));
                }
            }
            out.push(PaymentPlan {
                code: p.code.value.clone(),
                name: p.name.as_ref().map(|n| self.names(n)),
                mode,
                modal_factor,
                loading,
                fee_flat,
                fee_percent,
                waive_first_fee: waive,
                down_payment_percent: dp_pct,
                down_payment_at_least: dp_min,
                minimum_instalment,
                remainder_last,
                collection_day: p.collection_day.as_ref().map(|d| d.value),
                business_day: p.business_day.as_ref().map(|b| b.value.clone()),
                calendar,
                premium_years: p.premium_years.as_ref().map(|y| y.value),
                yearly_cap,
                minimum_contribution,
                crediting_rate,
                initial_charge,
                management_charge,
                payout_factor: None,
            });
        }
        out
    }

    fn tests(&mut self, raw: &RawProduct, root: &Node) -> Vec<TestCase> {
        let mut out = Vec::new();
        let test_nodes = match root.get("tests").map(|n| &n.kind) {
            Some(crate::yaml::NodeKind::Seq(items)) => items.clone(),
            _ => Vec::new(),
        };
        for (i, t) in raw.tests.iter().enumerate() {
            let Some(t) = &t.0 else { continue };
            let Some(request) = test_nodes.get(i).and_then(|n| n.get("request")).cloned() else {
                continue;
            };
            let Some(e) = &t.expect.0 else { continue };
            let census = t
                .census
                .as_ref()
                .and_then(|c| self.existing_file(self.dir, c, "E0121", "census"));
            let total = e.total.as_ref().and_then(|x| self.num(x));
            let coverages = e
                .coverages
                .iter()
                .filter_map(|(k, v)| self.num(v).map(|d| (k.value.clone(), d)))
                .collect();
            let steps = e
                .steps
                .iter()
                .filter_map(|(k, v)| self.num(v).map(|d| (k.value.clone(), d)))
                .collect();
            let tolerance = e
                .tolerance
                .as_ref()
                .and_then(|x| self.num(x))
                .unwrap_or_default();
            if e.total.is_none()
                && e.coverages.is_empty()
                && e.steps.is_empty()
                && e.decline.is_empty()
            {
                self.err(
                    "E0133",
                    t.name.span,
                    format!("test `{}` expects nothing", t.name.value),
                )
                .help =
                    Some("add `total`, `coverages`, `steps` or `decline` under `expect`".into());
            }
            for d in &e.decline {
                if !raw
                    .eligibility
                    .iter()
                    .filter_map(|r| r.0.as_ref())
                    .any(|r| r.rule.value == d.value)
                {
                    self.err("E0111", d.span, format!("unknown rule `{}`", d.value));
                }
            }
            out.push(TestCase {
                name: t.name.value.clone(),
                line: t.name.span.line,
                request,
                census,
                total,
                coverages,
                steps,
                tolerance,
                decline: e.decline.iter().map(|d| d.value.clone()).collect(),
            });
        }
        out
    }
}

fn root_first_key(root: &Node) -> Span {
    match &root.kind {
        crate::yaml::NodeKind::Map(entries) => {
            entries.first().map(|(k, _)| k.span).unwrap_or(root.span)
        }
        _ => root.span,
    }
}

fn suggest(word: &Sp<String>, options: &[&str]) -> String {
    suggest_in(&word.value, options.iter().copied())
}

fn suggest_in<'a>(word: &str, options: impl Iterator<Item = &'a str> + Clone) -> String {
    match did_you_mean(word, options.clone()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => {
            let all: Vec<&str> = options.collect();
            if all.is_empty() {
                "nothing of that kind is declared".to_string()
            } else {
                format!("use one of: {}", all.join(", "))
            }
        }
    }
}

/// Sample values to probe a banded key over [min, max]: the ends and both sides of every band
/// bound inside the range.
fn boundary_samples(table: &Table, k: usize, min: Decimal, max: Decimal) -> Vec<Value> {
    let eps = Decimal::new(1, 6);
    let mut pts = vec![min, max];
    for r in &table.rows {
        if let KeyCell::Band { lo, hi } = &r.keys[k] {
            for b in lo.iter().chain(hi.iter()) {
                for p in [
                    b.value.checked_sub(eps),
                    Some(b.value),
                    b.value.checked_add(eps),
                ]
                .into_iter()
                .flatten()
                {
                    if p >= min && p <= max {
                        pts.push(p);
                    }
                }
            }
        }
    }
    pts.sort();
    pts.dedup();
    pts.into_iter().map(Value::Num).collect()
}

pub fn choice_allows(c: &Choice, d: Decimal) -> bool {
    match c {
        Choice::Options(o) => o.contains(&d),
        Choice::Range { min, max, step } => {
            d >= *min && d <= *max && step.is_none_or(|s| s.is_zero() || ((d - *min) % s).is_zero())
        }
    }
}

/// Converts request or default text into a value of a field's type.
pub fn coerce(ty: &FieldType, text: &str, interner: &Interner) -> Result<Value, String> {
    match ty {
        FieldType::Integer { min, max } => {
            let d = parse_decimal(text).map_err(|_| format!("`{text}` is not a whole number"))?;
            if !d.fract().is_zero() || text.contains('%') || text.contains('‰') {
                return Err(format!("`{text}` is not a whole number"));
            }
            range(d, *min, *max)?;
            Ok(Value::Num(d))
        }
        FieldType::Decimal { min, max } => {
            let d = parse_decimal(text)?;
            range(d, *min, *max)?;
            Ok(Value::Num(d))
        }
        FieldType::Bool => match text {
            "true" | "yes" | "是" | "1" | "Y" | "y" => Ok(Value::Bool(true)),
            "false" | "no" | "否" | "0" | "N" | "n" => Ok(Value::Bool(false)),
            _ => Err(format!("`{text}` is not true or false")),
        },
        FieldType::Enum(vals) => match interner.get(text) {
            Some(s) if vals.contains(&s) => Ok(Value::Text(s)),
            _ => {
                let words: Vec<String> =
                    vals.iter().map(|s| interner.word(*s).to_string()).collect();
                let hint = did_you_mean(text, words.iter().map(String::as_str))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_else(|| format!("; allowed: {}", words.join(", ")));
                Err(format!("`{text}` is not an allowed value{hint}"))
            }
        },
    }
}

fn range(d: Decimal, min: Option<Decimal>, max: Option<Decimal>) -> Result<(), String> {
    if let Some(m) = min
        && d < m
    {
        return Err(format!("{d} is below the minimum {m}"));
    }
    if let Some(m) = max
        && d > m
    {
        return Err(format!("{d} is above the maximum {m}"));
    }
    Ok(())
}
