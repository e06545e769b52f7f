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
use crate::money::Currency;
use crate::yaml::{Node, Recover, Sp};

mod actuarial;
mod cases;
mod charges;
mod claims;
mod completeness;
mod coverages;
mod documents;
mod files;
mod identity;
mod inputs;
mod overlaps;
mod plans;
mod regulatory;
mod rules;
mod schedules;
mod scope;
mod tables;
mod term;

pub use coverages::choice_allows;
pub use files::{FileSource, Fs, resolve_inside};
pub use inputs::coerce;
use scope::Names2;

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
    /// Whether reading the file into the raw model already found errors.
    read_errors: bool,
}

/// What the phases have built so far; the last phase turns it into a [`Product`].
#[derive(Default)]
struct Draft {
    line: Option<Line>,
    segment: Option<Segment>,
    currency: Option<Currency>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    name: Option<Names>,
    group: bool,
    term: Option<Term>,
    short_table: Option<Sp<String>>,
    fields: Vec<Field>,
    field_spans: Vec<Span>,
    field_slot: Vec<Ref>,
    tables: Vec<Table>,
    table_spans: HashMap<String, Span>,
    coverages: Vec<Coverage>,
    slots: Vec<TermSlot>,
    cov_spans: Vec<Span>,
    names: Names2,
    actuarial: Option<Actuarial>,
    rules: Vec<Rule>,
    rule_refs: Vec<Vec<Ref>>,
    steps: Vec<Step>,
    step_spans: Vec<Span>,
    illustration: Option<Illustration>,
    rounding: Option<Rounding>,
    minimum_premium: Option<Decimal>,
    vat_rate: Decimal,
    charges: Vec<Charge>,
    cooling_off_days: u32,
    waiting_period_days: u32,
    plans: Vec<PaymentPlan>,
    declarations: Option<Declarations>,
    documents: BTreeMap<String, String>,
    claims: Option<crate::claims::ClaimRules>,
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
            read_errors: false,
        }
    }

    /// Tells the checker that reading the file found errors (unknown keys, wrong shapes), so
    /// that warnings about a complete product are held back.
    pub fn after_read_errors(mut self, errors: bool) -> Self {
        self.read_errors = errors;
        self
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
                self.err(crate::diagnostics::codes::E0101, n.span, e).help =
                    Some("write a number such as 1000, 0.0015, 1.5‰ or 90%".into());
                None
            }
        }
    }

    fn date(&mut self, s: &Sp<String>) -> Option<NaiveDate> {
        match parse_date(&s.value) {
            Ok(d) => Some(d),
            Err(e) => {
                self.err(crate::diagnostics::codes::E0102, s.span, e);
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

    /// An unknown word where one of `options` is expected (E0104, with "did you mean").
    fn unknown_word(&mut self, what: &str, word: &Sp<String>, options: &[&str]) {
        let help = suggest(word, options);
        self.err(
            crate::diagnostics::codes::E0104,
            word.span,
            format!("unknown {what} `{}`", word.value),
        )
        .help = Some(help);
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

    /// The phases in order; each reports what it finds and records what it built.
    fn check_inner(&mut self, raw: &RawProduct, root: &Node) -> Option<Product> {
        let mut d = Draft::default();
        self.sections(root);
        self.identity(raw, &mut d);
        self.term(raw, &mut d);
        self.inputs(raw, &mut d);
        self.tables(raw, &mut d);
        self.short_period(&mut d);
        self.coverages(raw, root, &mut d);
        self.formula_scope(raw, &mut d);
        self.actuarial(raw, &mut d);
        self.rules(raw, &mut d);
        self.steps(raw, &mut d);
        self.illustration(raw, &mut d);
        self.check_table_coverage(&d);
        self.charges(raw, &mut d);
        self.regulatory(raw, &mut d);
        self.payment_plans(raw, &mut d);
        self.documents(raw, &mut d);
        self.claims(raw, root, &mut d);
        let tests = self.tests(raw, root);
        let product = self.finish(raw, d, tests);
        self.no_tests(raw, root);
        product
    }

    /// The product, when every part of it was built.
    fn finish(&mut self, raw: &RawProduct, d: Draft, tests: Vec<TestCase>) -> Option<Product> {
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
                line: d.line,
                fields: &d.fields,
                steps: &d.steps,
                plans: &d.plans,
                actuarial: d.actuarial.as_ref(),
                interner: &self.interner,
            },
            &mut self.diags,
        );

        let step_reads: Vec<_> = d.steps.iter().map(|s| reads(&s.expr)).collect();
        Some(Product {
            code: raw.code.value.clone(),
            version: raw.version.value.clone(),
            name: d.name?,
            line: d.line?,
            segment: d.segment?.as_str().to_string(),
            insurer: raw.insurer.value.clone(),
            filing: raw.filing.value.clone(),
            currency: d.currency?,
            effective_from: d.from?,
            effective_to: d.to,
            group: d.group,
            term: d.term?,
            cooling_off_days: d.cooling_off_days,
            waiting_period_days: d.waiting_period_days,
            grace_period_days: raw
                .grace_period_days
                .as_ref()
                .map(|g| g.value)
                .unwrap_or(60),
            fields: d.fields,
            rule_reads: d.rules.iter().map(|r| reads(&r.expr)).collect(),
            rules: d.rules,
            coverages: d.coverages,
            terms: d.slots,
            tables: d.tables,
            member_step_inputs: member_step_inputs(&d.steps, &step_reads),
            step_reads,
            steps: d.steps,
            rounding: d.rounding?,
            minimum_premium: d.minimum_premium,
            vat_rate: d.vat_rate,
            charges: d.charges,
            actuarial: d.actuarial,
            illustration: d.illustration,
            pension,
            plans: d.plans,
            declarations: d.declarations,
            documents: d.documents,
            special_clauses,
            tests,
            claims: d.claims,
            interner: std::mem::take(&mut self.interner),
            file: self.file.to_path_buf(),
            content_hash: String::new(),
            source: None,
        })
    }
}

/// The word of a keyword that was read (an unknown one was reported while reading).
fn word<T: Copy>(w: &raw::Word<T>) -> Option<T> {
    w.0.as_ref().map(|s| s.value)
}

/// Where a keyword was written (nowhere when it was unknown).
fn wspan<T>(w: &raw::Word<T>) -> Span {
    w.0.as_ref().map(|s| s.span).unwrap_or_default()
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
    crate::diagnostics::suggest(&word.value, options.iter().copied())
}

fn suggest_in<'a>(word: &str, options: impl Iterator<Item = &'a str>) -> String {
    crate::diagnostics::suggest(word, options)
}

/// What a member formula reads, when that is all its value depends on
/// ([`crate::formula::eval::refs_read`]); `None` for policy formulas and the others.
fn reads(e: &crate::formula::Expr) -> Option<Box<[crate::formula::Ref]>> {
    crate::formula::eval::refs_read(e).map(Vec::into_boxed_slice)
}

/// The member input slots the member steps read, when each member step's value depends on its
/// own member only (see [`Product::member_step_inputs`]): from what each step reads.
fn member_step_inputs(
    steps: &[Step],
    reads: &[Option<Box<[crate::formula::Ref]>>],
) -> Option<Vec<usize>> {
    let mut slots = Vec::new();
    for (s, r) in steps.iter().zip(reads) {
        if s.scope != Scope::Member {
            continue;
        }
        for r in r.as_deref()? {
            if let crate::formula::Ref::Member(i) = r {
                slots.push(usize::from(*i));
            }
        }
    }
    slots.sort_unstable();
    slots.dedup();
    Some(slots)
}
