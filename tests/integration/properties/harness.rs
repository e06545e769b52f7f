//! What the fuzz targets and the property tests feed hostile input to, and what they check
//! about every answer. Shared by the integration tests (as `properties::harness`) and the
//! fuzz targets in `fuzz/` (included by path), so that a reproducer found by the fuzzer runs
//! through exactly the same code in `cargo test`.
//!
//! Each entry point panics when an invariant breaks (that is what the fuzzer reports):
//! - nothing the library is given makes it panic, hang or run out of memory;
//! - every error names its file, and its line (or census row) when it is about a file's text;
//! - what is accepted round-trips: a quote's JSON parses back, a formula printed and parsed
//!   again gives the same syntax tree.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use coverwright::diagnostics::{Diagnostic, Diagnostics};
use coverwright::formula::{
    self, Ast, AstNode, Compiler, EvalError, Frame, Func, Interner, Lookup, Ref, Resolve, Scope,
    TableSig, Ty, Value,
};
use coverwright::product::Product;
use coverwright::product::check::FileSource;
use coverwright::product::load::{LoadOptions, load_file, load_source};
use coverwright::quote::{self, Outcome, QuoteOptions};
use coverwright::request;
use rust_decimal::Decimal;

/// The repository root (this file is compiled by the root crate and by `fuzz/`).
pub fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    if here.ends_with("fuzz") {
        here.parent().unwrap_or(here).to_path_buf()
    } else {
        here.to_path_buf()
    }
}

/// Every shipped product, loaded once.
pub fn products() -> &'static [Product] {
    static P: OnceLock<Vec<Product>> = OnceLock::new();
    P.get_or_init(|| {
        let dir = root().join("products");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                    .filter(|p| !p.ends_with(coverwright::regulation::FILE_NAME))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        let mut out = Vec::new();
        for f in files {
            let (p, d) = load_file(&f, &LoadOptions::default());
            match p {
                Some(p) => out.push(p),
                None => panic!("{} does not load: {:?}", f.display(), d.into_vec()),
            }
        }
        out
    })
}

/// A shipped product by `CODE@VERSION` or by code (the first version).
pub fn product(id: &str) -> &'static Product {
    products()
        .iter()
        .find(|p| p.id() == id || p.code == id)
        .unwrap_or_else(|| panic!("no shipped product {id}"))
}

/// The shipped life table, served for every CSV a fuzzed product names.
pub const FIXED_CSV: &str = include_str!("../../../products/tables/cl_2010_2013_qx.csv");

/// Serves the fixed CSV for names ending in `.csv` and nothing else.
pub struct FixedFiles;

impl FileSource for FixedFiles {
    fn read(&self, path: &Path) -> Result<String, String> {
        if path.extension().is_some_and(|x| x == "csv") {
            Ok(FIXED_CSV.to_string())
        } else {
            Err("no such file".into())
        }
    }
}

/// Asserts that every diagnostic names a file, and that those about `file` (text with lines)
/// carry a line.
pub fn assert_located(diags: &[Diagnostic], file: &Path, what: &str) {
    for d in diags {
        let Some(f) = &d.file else {
            panic!("{what}: a diagnostic without a file: {d:?}");
        };
        if d.is_error() && f == file {
            assert!(
                d.span.is_known(),
                "{what}: an error in {} without a line: {d:?}",
                file.display()
            );
        }
    }
}

fn located(d: &Diagnostics, file: &Path, what: &str) {
    let v: Vec<Diagnostic> = d.iter().cloned().collect();
    assert_located(&v, file, what);
}

/// Quotes a checked request and checks what comes out: the JSON parses back, the coverage
/// premiums add up to the premium total, every instalment schedule adds up to its total.
pub fn quote_and_check(p: &Product, r: &request::Request) -> Option<quote::Quote> {
    let opts = QuoteOptions {
        worksheet: true,
        ..Default::default()
    };
    match quote::quote(p, r, &opts) {
        Err(e) => {
            // Rating and schedule errors name the step (and member) they happened in.
            let text = e.to_string();
            assert!(!text.is_empty());
            None
        }
        Ok(Outcome::Declined(f)) => {
            assert!(!f.is_empty(), "a decline names its rules");
            let _ = quote::decline_text(&f);
            None
        }
        Ok(Outcome::Quoted(q, _)) => {
            let json = quote::to_json(&q);
            let back: serde_json::Value = match serde_json::from_str(&json) {
                Ok(v) => v,
                Err(e) => panic!("the quote JSON does not parse back: {e}\n{json}"),
            };
            assert_eq!(back["quote_id"], serde_json::json!(q.quote_id));
            let _ = quote::to_text(&q, true);
            let dec = |s: &str| -> Decimal {
                s.parse()
                    .unwrap_or_else(|_| panic!("`{s}` in a quote is not a decimal"))
            };
            let sum: Decimal = q.coverages.iter().map(|c| dec(&c.premium)).sum();
            assert_eq!(
                sum,
                dec(&q.totals.premium),
                "coverage premiums add up to the premium total"
            );
            for opt in &q.payment_options {
                if let Some(s) = &opt.schedule {
                    let total: Decimal = s.instalments.iter().map(|i| i.amount).sum();
                    assert_eq!(total, s.total, "instalments of `{}` add up", opt.code);
                }
            }
            Some(*q)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Products.

/// Loads fuzzed text as a product file; runs its own test cases when it loads.
pub fn product_file(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let path = root().join("products").join("fuzzed.yaml");
    let (p, diags) = load_source(&path, src, &LoadOptions::default(), &FixedFiles);
    let v = diags.into_vec();
    assert_located(&v, &path, "product");
    if let Some(p) = p {
        assert!(!v.iter().any(Diagnostic::is_error));
        for c in coverwright::cases::run_product(&p) {
            assert!(!c.location.is_empty());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Requests.

/// Parses fuzzed text as a request and checks it against every shipped product; quotes it
/// where it is valid.
pub fn request_text(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let path = root().join("examples").join("fuzzed.yaml");
    let node = match coverwright::yaml::parse(src) {
        Ok(n) => n,
        Err(d) => {
            assert_located(&[d.in_file(&path)], &path, "request YAML");
            return;
        }
    };
    for p in products() {
        match request::check(p, &node, &path, None) {
            Err(d) => {
                assert!(d.has_errors(), "a refused request has an error");
                located(&d, &path, "request");
            }
            Ok(r) => {
                quote_and_check(p, &r);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Censuses.

/// The products a census is read against: those with member inputs.
fn census_products() -> Vec<&'static Product> {
    [
        "GA-SME",
        "GSM-SME@2025.9",
        "SP-ACC",
        "EC-SME",
        "BO-ANN@2025.9",
    ]
    .iter()
    .filter_map(|id| products().iter().find(|p| p.id() == *id || p.code == *id))
    .collect()
}

/// The shipped GA-SME example request, parsed once.
fn ga_request() -> &'static coverwright::yaml::Node {
    static N: OnceLock<coverwright::yaml::Node> = OnceLock::new();
    N.get_or_init(|| {
        let text = std::fs::read_to_string(root().join("examples/ga-sme.yaml"))
            .expect("examples/ga-sme.yaml");
        coverwright::yaml::parse(&text).expect("the example parses")
    })
}

/// Reads fuzzed bytes as a census for each product with members; quotes the GA-SME example
/// with the members when they are valid.
pub fn census_bytes(data: &[u8]) {
    let path = root().join("examples").join("fuzzed.csv");
    for p in census_products() {
        match coverwright::census::read_members_bytes(p, &path, data, None) {
            Err(d) => {
                assert!(d.has_errors());
                located(&d, &path, "census");
            }
            Ok(members) => {
                assert!(members.len() <= request::MAX_MEMBERS);
                if p.code == "GA-SME" && !members.is_empty() {
                    let req_path = root().join("examples/ga-sme.yaml");
                    match request::check(p, ga_request(), &req_path, Some(members)) {
                        Ok(r) => {
                            quote_and_check(p, &r);
                        }
                        Err(d) => located(&d, &req_path, "census request"),
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Formulas.

/// A small set of names, tables and life tables for compiling fuzzed formulas.
pub struct SmallResolver {
    tables: Vec<(String, TableSig)>,
}

impl SmallResolver {
    pub fn new() -> SmallResolver {
        SmallResolver {
            tables: vec![
                (
                    "rate".into(),
                    TableSig {
                        id: 0,
                        keys: vec!["class".into()],
                        key_tys: vec![Ty::Num],
                        columns: vec!["value".into()],
                    },
                ),
                (
                    "grid".into(),
                    TableSig {
                        id: 1,
                        keys: vec!["class".into(), "kind".into()],
                        key_tys: vec![Ty::Num, Ty::Text],
                        columns: vec!["low".into(), "high".into()],
                    },
                ),
            ],
        }
    }
}

impl Default for SmallResolver {
    fn default() -> Self {
        SmallResolver::new()
    }
}

impl Resolve for SmallResolver {
    fn name(&self, name: &str) -> Option<(Ref, Ty, Scope)> {
        Some(match name {
            "a" => (Ref::Policy(0), Ty::Num, Scope::Policy),
            "flag" => (Ref::Policy(1), Ty::Bool, Scope::Policy),
            "kind" => (Ref::Policy(2), Ty::Text, Scope::Policy),
            "b" => (Ref::Member(0), Ty::Num, Scope::Member),
            "add.sum_insured" => (Ref::Term(0), Ty::Num, Scope::Policy),
            "prev" => (Ref::PolicyStep(0), Ty::Num, Scope::Policy),
            "mstep" => (Ref::MemberStep(0), Ty::Num, Scope::Member),
            "members" => (Ref::Members, Ty::Num, Scope::Policy),
            "term_months" => (Ref::TermMonths, Ty::Num, Scope::Policy),
            "term_years" => (Ref::TermYears, Ty::Num, Scope::Policy),
            _ => return None,
        })
    }
    fn table(&self, name: &str) -> Option<&TableSig> {
        self.tables.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }
    fn life_table(&self, name: &str) -> Option<u16> {
        match name {
            "male" => Some(0),
            "female" => Some(1),
            _ => None,
        }
    }
    fn candidates(&self) -> Vec<String> {
        vec!["a".into(), "b".into(), "flag".into(), "kind".into()]
    }
}

/// Table lookups for [`SmallResolver`]'s tables; actuarial values from a shipped pension
/// product's life tables.
struct SmallLookup;

impl Lookup for SmallLookup {
    fn table(&self, table: u16, column: u16, keys: &[Value]) -> Result<(Decimal, u32), EvalError> {
        match keys.first() {
            Some(Value::Num(d)) if *d >= Decimal::ONE && *d <= Decimal::from(6) => Ok((
                *d / Decimal::from(10) + Decimal::from(table) + Decimal::from(column),
                0,
            )),
            _ => Err(EvalError {
                message: "no row".into(),
            }),
        }
    }
    fn actuarial(&self, func: Func, table: u16, args: &[Decimal]) -> Result<Decimal, EvalError> {
        coverwright::rating::ProductLookup(product("BO-ANN@2025.9")).actuarial(func, table, args)
    }
}

/// Values the names of [`SmallResolver`] take, picked by the formula's length so that every
/// input is reproducible.
const NUMBERS: [&str; 8] = [
    "0",
    "1",
    "-1",
    "12.5",
    "0.0000000000000000000000000001",
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "1000000",
];

/// Parses a fuzzed formula, prints it back and parses it again, compiles it in both scopes and
/// evaluates what compiles.
pub fn formula_text(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let ast = match formula::parse::parse(src) {
        Ok(a) => a,
        Err(e) => {
            assert!(e.start <= e.end && e.end <= src.len(), "{e:?} in {src:?}");
            assert!(src.is_char_boundary(e.start) && src.is_char_boundary(e.end));
            return;
        }
    };
    check_round_trip(&ast, src);
    let resolver = SmallResolver::new();
    let mut interner = Interner::default();
    let kind = interner.intern("retail");
    let num = |i: usize| -> Decimal { NUMBERS[i % NUMBERS.len()].parse().unwrap_or_default() };
    let pick = src.len();
    for scope in [Scope::Policy, Scope::Member] {
        for want in [Ty::Num, Ty::Bool] {
            let mut c = Compiler::new(&resolver, &mut interner, scope);
            c.actuarial = true;
            let out = c.compile_as(&ast, want);
            for e in &c.errors {
                assert!(e.start <= e.end && e.end <= src.len(), "{e:?} in {src:?}");
            }
            let Some(expr) = out else { continue };
            let policy = [
                Value::Num(num(pick)),
                Value::Bool(pick % 2 == 0),
                Value::Text(kind),
            ];
            let terms = [Value::Num(num(pick + 1))];
            let policy_steps = [Value::Num(num(pick + 2))];
            let member_inputs: Vec<Vec<Value>> = (0..3)
                .map(|m| vec![Value::Num(num(pick + 3 + m))])
                .collect();
            let member_steps: Vec<Vec<Value>> = (0..3)
                .map(|m| vec![Value::Num(num(pick + 5 + m))])
                .collect();
            let frame = Frame {
                policy: &policy,
                terms: &terms,
                policy_steps: &policy_steps,
                member: (scope == Scope::Member).then_some(1),
                member_inputs: member_inputs.as_slice(),
                member_steps: member_steps.as_slice(),
                term_months: 12,
                rounding: rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                lookup: &SmallLookup,
                year: None,
            };
            let mut trace = Vec::new();
            if let Ok(v) = frame.eval(&expr, Some(&mut trace)) {
                assert_eq!(v.ty(), want, "{src:?} evaluates to its compiled type");
            }
        }
    }
}

/// Binding strength of a node as the grammar sees it (higher binds tighter).
fn prec(a: &Ast) -> u8 {
    match a {
        Ast::If(..) => 0,
        Ast::Binary(formula::BinOp::Or, ..) => 1,
        Ast::Binary(formula::BinOp::And, ..) => 2,
        Ast::Not(_) => 3,
        Ast::In(..) => 4,
        Ast::Binary(op, ..) => match op {
            formula::BinOp::Add | formula::BinOp::Sub => 5,
            formula::BinOp::Mul | formula::BinOp::Div => 6,
            _ => 4,
        },
        Ast::Neg(_) => 7,
        _ => 8,
    }
}

/// Prints a syntax tree as formula text, with parentheses only where the grammar needs them.
pub fn print(n: &AstNode) -> String {
    fn at(n: &AstNode, min: u8) -> String {
        let s = print(n);
        if prec(&n.ast) < min {
            format!("({s})")
        } else {
            s
        }
    }
    fn list(xs: &[AstNode]) -> String {
        xs.iter().map(print).collect::<Vec<_>>().join(", ")
    }
    match &n.ast {
        Ast::Num(d) => d.to_string(),
        Ast::Str(s) => {
            if s.contains('"') {
                format!("'{s}'")
            } else {
                format!("\"{s}\"")
            }
        }
        Ast::Bool(b) => b.to_string(),
        Ast::Name(x) => x.clone(),
        Ast::Call(f, args) => format!("{f}({})", list(args)),
        Ast::Lookup {
            table,
            keys,
            column,
        } => match column {
            Some(c) => format!("{table}[{}].{c}", list(keys)),
            None => format!("{table}[{}]", list(keys)),
        },
        Ast::Neg(x) => format!("-{}", at(x, 7)),
        Ast::Not(x) => format!("not {}", at(x, 3)),
        Ast::Binary(op, l, r) => {
            let p = prec(&n.ast);
            let (lmin, rmin) = if p == 4 { (5, 5) } else { (p, p + 1) };
            format!("{} {} {}", at(l, lmin), op.symbol(), at(r, rmin))
        }
        Ast::If(c, a, b) => format!("if {} then {} else {}", print(c), print(a), print(b)),
        Ast::In(x, items) => format!("{} in [{}]", at(x, 5), list(items)),
    }
}

/// The tree without its spans, for comparing two parses.
pub fn unspan(n: &AstNode) -> AstNode {
    let b = |x: &AstNode| Box::new(unspan(x));
    let v = |xs: &[AstNode]| xs.iter().map(unspan).collect::<Vec<_>>();
    let ast = match &n.ast {
        Ast::Call(f, args) => Ast::Call(f.clone(), v(args)),
        Ast::Lookup {
            table,
            keys,
            column,
        } => Ast::Lookup {
            table: table.clone(),
            keys: v(keys),
            column: column.clone(),
        },
        Ast::Neg(x) => Ast::Neg(b(x)),
        Ast::Not(x) => Ast::Not(b(x)),
        Ast::Binary(op, l, r) => Ast::Binary(*op, b(l), b(r)),
        Ast::If(c, x, y) => Ast::If(b(c), b(x), b(y)),
        Ast::In(x, items) => Ast::In(b(x), v(items)),
        other => other.clone(),
    };
    AstNode {
        ast,
        start: 0,
        end: 0,
    }
}

/// A parsed formula printed and parsed again is the same tree.
pub fn check_round_trip(ast: &AstNode, src: &str) {
    let printed = print(ast);
    if printed.len() > formula::parse::MAX_FORMULA_LEN {
        return;
    }
    match formula::parse::parse(&printed) {
        Ok(again) => assert_eq!(
            unspan(&again),
            unspan(ast),
            "{src:?} printed as {printed:?} parses differently"
        ),
        Err(e) => panic!("{src:?} printed as {printed:?} does not parse: {e:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Documents.

/// A GA-SME quote for three members on a monthly plan (`fuzz/seeds/ga-sme-inline.yaml`), as
/// JSON.
pub fn sample_quote() -> &'static serde_json::Value {
    static Q: OnceLock<serde_json::Value> = OnceLock::new();
    Q.get_or_init(|| {
        let p = product("GA-SME");
        let path = root().join("fuzz/seeds/ga-sme-inline.yaml");
        let text = std::fs::read_to_string(&path).expect("the GA-SME seed request");
        let node = coverwright::yaml::parse(&text).expect("the seed parses");
        let r = request::check(p, &node, &path, None).expect("the GA-SME seed is valid");
        let q = quote_and_check(p, &r).expect("the GA-SME seed is quoted");
        serde_json::to_value(&q).expect("a quote is JSON")
    })
}

/// The shipped templates, loaded once, and all their text (to tell printed values from
/// template text).
pub fn shipped_renderer() -> &'static (coverwright::document::Renderer, String) {
    static R: OnceLock<(coverwright::document::Renderer, String)> = OnceLock::new();
    R.get_or_init(|| {
        let dir = root().join("templates");
        let r = match coverwright::document::Renderer::new(&dir) {
            Ok(r) => r,
            Err(e) => panic!("templates: {e}"),
        };
        let mut text = String::new();
        for name in r.template_names() {
            text.push_str(&std::fs::read_to_string(dir.join(name)).unwrap_or_default());
        }
        (r, text)
    })
}

/// Keys of string fields in a quote that come from a request, a census or a product's names.
const FUZZED_KEYS: [&str; 9] = [
    "name", "id", "zh", "en", "insurer", "filing", "clause", "scope", "formula",
];

fn replace_strings(v: &mut serde_json::Value, key: Option<&str>, pieces: &[String], i: &mut usize) {
    match v {
        serde_json::Value::String(s)
            if key.is_some_and(|k| FUZZED_KEYS.contains(&k)) && !pieces.is_empty() =>
        {
            *s = pieces[*i % pieces.len()].clone();
            *i += 1;
        }
        serde_json::Value::Array(items) => {
            for it in items {
                replace_strings(it, key, pieces, i);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                replace_strings(x, Some(k.as_str()), pieces, i);
            }
        }
        _ => {}
    }
}

/// Renders one shipped document (picked from the input) for a quote whose names and ids are
/// the fuzzed text, one piece per line; the context's own keys (`plan`, `issue_date`,
/// `dispute`, `arbitration_body`) are fuzzed too. HTML output must escape every piece.
pub fn render_quote(data: &[u8]) {
    use coverwright::document::Lang;
    use coverwright::document::render::{DocKind, OutFormat, render_to_string};
    let text = String::from_utf8_lossy(data);
    let pieces: Vec<String> = text.split('\n').map(str::to_string).collect();
    let mut q = sample_quote().clone();
    let mut i = 0;
    replace_strings(&mut q, None, &pieces, &mut i);
    let piece = |k: usize| pieces.get(k).cloned().unwrap_or_default();
    let pick = data.iter().fold(data.len(), |h, b| {
        h.wrapping_mul(31).wrapping_add(*b as usize)
    });
    let kind = DocKind::ALL[pick % DocKind::ALL.len()];
    let format = [OutFormat::Html, OutFormat::Md][(pick / 7) % 2];
    let lang = [Lang::Zh, Lang::En][(pick / 14) % 2];
    let insurer = q["product"]["insurer"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let insurer = coverwright::document::options::insurer_json(&insurer, Path::new("products"));
    let mut ctx = serde_json::json!({ "quote": q, "insurer": insurer });
    for (k, n) in [
        ("plan", 1),
        ("issue_date", 2),
        ("dispute", 3),
        ("arbitration_body", 4),
    ] {
        if pick / 28 % 5 == n {
            ctx[k] = piece(n).into();
        }
    }
    let (renderer, templates) = shipped_renderer();
    match render_to_string(renderer, kind, lang, format, &ctx) {
        Ok(out) => {
            if format == OutFormat::Html {
                for p in &pieces {
                    for tag in tags(p) {
                        if !templates.contains(tag) {
                            assert!(
                                !out.contains(tag),
                                "{kind:?} prints {tag:?} of {p:?} unescaped"
                            );
                        }
                    }
                }
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// The starts of elements in a text: `<` and the letters (or `/`, `!`) after it, as in
/// `<script` or `</b`. Printed as they are, they would open or close an HTML element.
fn tags(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for (i, _) in s.match_indices('<') {
        let rest = &s[i + 1..];
        let n = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '/' || c == '!'))
            .unwrap_or(rest.len());
        if n > 0 && rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            out.push(&s[i..i + 1 + n]);
        }
    }
    out
}
