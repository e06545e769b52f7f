//! Hostile input: the fuzz targets' reproducers, property tests over arbitrary and mutated
//! inputs, limits, invariants of quotes, and confinement of files and output.

mod harness;

use std::path::{Path, PathBuf};

use coverwright::diagnostics::Diagnostic;
use coverwright::product::check::Fs;
use coverwright::product::load::{LoadOptions, load_source};
use coverwright::product::{Choice, FieldType, InputGroup, Product, Rounding, RoundingLevel};
use coverwright::quote::{self, Outcome, QuoteError, QuoteOptions};
use coverwright::request;
use coverwright::yaml;
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::support::run;

fn root() -> PathBuf {
    harness::root()
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn dec(s: &str) -> Decimal {
    s.parse()
        .unwrap_or_else(|_| panic!("`{s}` is not a decimal"))
}

// ---------------------------------------------------------------------------------------------
// Reproducers found by the fuzz targets.

fn fixtures(target: &str) -> Vec<PathBuf> {
    let dir = root().join("tests/fixtures/fuzz").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8])) {
    for f in fixtures(target) {
        let data = std::fs::read(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let name = f.display().to_string();
        if let Err(e) = std::panic::catch_unwind(|| run(&data)) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("reproducer {name} fails again: {msg}");
        }
    }
}

#[test]
fn fuzz_reproducers_product() {
    replay("product", harness::product_file);
}

#[test]
fn fuzz_reproducers_request() {
    replay("request", harness::request_text);
}

#[test]
fn fuzz_reproducers_census() {
    replay("census", harness::census_bytes);
}

#[test]
fn fuzz_reproducers_formula() {
    replay("formula", harness::formula_text);
}

#[test]
fn fuzz_reproducers_render() {
    replay("render", harness::render_quote);
}

// ---------------------------------------------------------------------------------------------
// Mutations of shipped inputs.

/// One edit of a text: what to do, where (a fraction of the length), and what to insert.
#[derive(Clone, Debug)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ReplaceNumber(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let piece = prop_oneof![
        Just("\n".to_string()),
        Just(": ".to_string()),
        Just("- ".to_string()),
        Just("[".to_string()),
        Just("{".to_string()),
        Just("&a ".to_string()),
        Just("*a".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just(",".to_string()),
        Just("#".to_string()),
        Just("\t".to_string()),
        Just("  ".to_string()),
        Just("null".to_string()),
        Just("-1".to_string()),
        Just("1e30".to_string()),
        Just("79228162514264337593543950336".to_string()),
        Just("0000-00-00".to_string()),
        Just("9999-12-31".to_string()),
        Just("(".to_string()),
        Just("/ 0".to_string()),
        Just("../".to_string()),
        Just("\u{feff}".to_string()),
        Just("零".to_string()),
        "[ -~]{0,12}",
    ];
    prop_oneof![
        (0usize..10_000, 1usize..40).prop_map(|(a, n)| Edit::Delete(a, n)),
        (0usize..10_000, piece).prop_map(|(a, s)| Edit::Insert(a, s)),
        (0usize..10_000).prop_map(Edit::DuplicateLine),
        (0usize..10_000, 0usize..10_000).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        (
            0usize..10_000,
            prop_oneof![
                Just("0".to_string()),
                Just("-0.5".to_string()),
                Just("79228162514264337593543950335".to_string()),
                Just("0.0000000000000000000000000001".to_string()),
                Just("4294967296".to_string()),
                Just("1_000_000_000_000".to_string()),
                Just("100%".to_string()),
                Just("1e30".to_string()),
            ]
        )
            .prop_map(|(a, s)| Edit::ReplaceNumber(a, s)),
    ]
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Applies edits to a text; positions are taken modulo its length.
fn mutate(base: &str, edits: &[Edit]) -> String {
    let mut s = base.to_string();
    for e in edits {
        let len = s.len().max(1);
        match e {
            Edit::Delete(a, n) => {
                let a = floor_char(&s, a % len);
                let b = floor_char(&s, a + n);
                s.replace_range(a..b, "");
            }
            Edit::Insert(a, t) => {
                let a = floor_char(&s, a % len);
                s.insert_str(a, t);
            }
            Edit::DuplicateLine(i) => {
                let mut lines: Vec<&str> = s.split('\n').collect();
                let i = i % lines.len();
                lines.insert(i, lines[i]);
                s = lines.join("\n");
            }
            Edit::SwapLines(i, j) => {
                let mut lines: Vec<&str> = s.split('\n').collect();
                let n = lines.len();
                lines.swap(i % n, j % n);
                s = lines.join("\n");
            }
            Edit::ReplaceNumber(i, t) => {
                let starts: Vec<usize> = s
                    .char_indices()
                    .filter(|(k, c)| {
                        c.is_ascii_digit()
                            && (*k == 0 || !s.as_bytes()[k - 1].is_ascii_alphanumeric())
                    })
                    .map(|(k, _)| k)
                    .collect();
                if starts.is_empty() {
                    continue;
                }
                let a = starts[i % starts.len()];
                let b = a + s[a..]
                    .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
                    .unwrap_or(s.len() - a);
                s.replace_range(a..b, t);
            }
        }
    }
    s
}

fn texts(rels: &[&str]) -> Vec<(String, String)> {
    rels.iter().map(|r| (r.to_string(), read(r))).collect()
}

const PRODUCT_FILES: [&str; 9] = [
    "products/bo-ann-2024.yaml",
    "products/bo-ann-2025.yaml",
    "products/ec-sme-2025.yaml",
    "products/ga-sme-2024.yaml",
    "products/gig-med-2025.yaml",
    "products/gsm-sme-2024.yaml",
    "products/gsm-sme-2025.yaml",
    "products/pa-flex-2025.yaml",
    "products/sp-acc-2025.yaml",
];

const REQUEST_FILES: [&str; 8] = [
    "examples/bo-ann.yaml",
    "examples/ec-sme.yaml",
    "examples/gig-med.yaml",
    "examples/gsm-sme.yaml",
    "examples/pa-flex.yaml",
    "examples/sp-acc.yaml",
    "fuzz/seeds/ga-sme-inline.yaml",
    "tests/fixtures/requests/ga-bad-type.yaml",
];

const CENSUS_FILES: [&str; 5] = [
    "examples/ga-sme-census.csv",
    "examples/gsm-sme-census.csv",
    "products/census/gsm-sme-four.csv",
    "tests/fixtures/requests/census-utf8-bom.csv",
    "tests/fixtures/requests/census-missing-column.csv",
];

/// Formulas of the shipped products, one per step or rule.
fn shipped_formulas() -> Vec<String> {
    let mut out = Vec::new();
    for p in harness::products() {
        out.extend(p.steps.iter().map(|s| s.formula.clone()));
        out.extend(p.rules.iter().map(|r| r.formula.clone()));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// A shipped product file with a few edits loads, or is refused with errors that point
    /// at a line of it; never a panic.
    #[test]
    fn mutated_product_files_load_or_point_at_a_line(
        which in 0usize..PRODUCT_FILES.len(),
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let (_, text) = &texts(&PRODUCT_FILES)[which];
        harness::product_file(mutate(text, &edits).as_bytes());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    /// A shipped request with a few edits is checked against every shipped product: quoted,
    /// or refused with errors on its lines.
    #[test]
    fn mutated_requests_are_quoted_or_point_at_a_line(
        which in 0usize..REQUEST_FILES.len(),
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let (_, text) = &texts(&REQUEST_FILES)[which];
        harness::request_text(mutate(text, &edits).as_bytes());
    }

    /// A shipped census with a few edits gives members, or errors naming a row.
    #[test]
    fn mutated_census_lines_give_members_or_a_row(
        which in 0usize..CENSUS_FILES.len(),
        edits in proptest::collection::vec(edit(), 1..4),
    ) {
        let (_, text) = &texts(&CENSUS_FILES)[which];
        harness::census_bytes(mutate(text, &edits).as_bytes());
    }

    /// Arbitrary bytes as a request, a census and a product file.
    #[test]
    fn arbitrary_bytes_are_refused_with_a_location(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        harness::request_text(&data);
        harness::census_bytes(&data);
        harness::product_file(&data);
    }
}

/// Formula text from the grammar, with some noise.
fn formula_src() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        "[0-9]{1,4}(\\.[0-9]{1,3})?%?",
        Just("a".to_string()),
        Just("b".to_string()),
        Just("flag".to_string()),
        Just("kind".to_string()),
        Just("add.sum_insured".to_string()),
        Just("members".to_string()),
        Just("\"retail\"".to_string()),
        Just("true".to_string()),
        Just("rate[a]".to_string()),
        Just("grid[b, kind].high".to_string()),
        Just("79228162514264337593543950335".to_string()),
    ];
    leaf.prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            (
                inner.clone(),
                "[-+*/×÷]| and | or | < | <= | == | != ",
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
            inner.clone().prop_map(|a| format!("({a})")),
            inner.clone().prop_map(|a| format!("-{a}")),
            inner.clone().prop_map(|a| format!("not {a}")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("if {c} then {a} else {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("max({a}, {b})")),
            inner.clone().prop_map(|a| format!("round({a}, 2)")),
            inner.clone().prop_map(|a| format!("sum({a})")),
            inner.clone().prop_map(|a| format!("{a} in [1, 2, 3]")),
            inner.prop_map(|a| format!("annuity(male, {a}, 0, 0, 10, 12)")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    /// Generated formulas parse (or fail with a span inside the text), print back to the same
    /// tree, and compile and evaluate without panicking.
    #[test]
    fn generated_formulas_round_trip(src in formula_src()) {
        harness::formula_text(src.as_bytes());
    }

    /// Shipped formulas with edits: the same.
    #[test]
    fn mutated_formulas_round_trip(
        which in 0usize..64,
        edits in proptest::collection::vec(edit(), 0..3),
    ) {
        let all = shipped_formulas();
        let f = &all[which % all.len()];
        harness::formula_text(mutate(f, &edits).as_bytes());
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// Fuzzed names and ids in a quote render in every template, escaped in HTML.
    #[test]
    fn fuzzed_quote_strings_render_escaped(pieces in proptest::collection::vec("[ -~]{0,16}|<script>[a-z]{0,4}|\"&'<>", 1..10)) {
        harness::render_quote(pieces.join("\n").as_bytes());
    }
}

#[test]
fn every_shipped_formula_prints_back_to_the_same_tree() {
    let all = shipped_formulas();
    assert!(all.len() > 30, "{} formulas", all.len());
    for f in all {
        let ast = coverwright::formula::parse::parse(&f).unwrap_or_else(|e| panic!("{f}: {e:?}"));
        harness::check_round_trip(&ast, &f);
    }
}

// ---------------------------------------------------------------------------------------------
// Limits: each is an error with a location, never a hang or a crash.

fn product_path() -> PathBuf {
    root().join("products").join("limits.yaml")
}

/// Loads product text as if it were `products/limits.yaml`; returns the diagnostics.
fn load_text(src: &str) -> (Option<Product>, Vec<Diagnostic>) {
    let (p, d) = load_source(&product_path(), src, &LoadOptions::default(), &Fs);
    (p, d.into_vec())
}

fn first_error(diags: &[Diagnostic]) -> &Diagnostic {
    diags
        .iter()
        .find(|d| d.is_error())
        .unwrap_or_else(|| panic!("expected an error, got {diags:?}"))
}

#[test]
fn a_yaml_file_over_the_size_limit_is_refused_at_the_line_where_it_crosses_it() {
    let line = "# padding padding padding padding padding padding padding padding\n";
    let lines = yaml::MAX_YAML_BYTES / line.len() + 2;
    let src = format!("code: X\n{}", line.repeat(lines));
    let (p, d) = load_text(&src);
    assert!(p.is_none());
    let e = first_error(&d);
    assert_eq!(e.code, "E0002");
    assert!(e.message.contains("more than the 4194304"), "{}", e.message);
    assert_eq!(e.file.as_deref(), Some(product_path().as_path()));
    // Byte 4 MiB falls on this line: one `code: X` line, then padding lines.
    let expected = (yaml::MAX_YAML_BYTES - 8) / line.len() + 2;
    assert_eq!(e.span.line as usize, expected);
    // A file on disk that large is refused before it is read, naming the file.
    let dir = scratch("big");
    let f = dir.join("big.yaml");
    std::fs::write(&f, &src).expect("write");
    let (p, d) = coverwright::product::load::load_file(&f, &LoadOptions::default());
    assert!(p.is_none());
    let d = d.into_vec();
    assert_eq!(d[0].code, "E0002");
    assert_eq!(d[0].file.as_deref(), Some(f.as_path()));
}

#[test]
fn nesting_deeper_than_the_limit_is_refused_with_a_line() {
    let depth = yaml::MAX_DEPTH + 10;
    let src = format!(
        "code: X\nname: {}1{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let (_, d) = load_text(&src);
    let e = first_error(&d);
    assert_eq!(e.code, "E0001");
    assert!(e.message.contains("nests deeper than 32"), "{}", e.message);
    assert_eq!(e.span.line, 2);
    // Block style too.
    let mut block = String::from("code: X\nname:\n");
    for i in 0..depth {
        block.push_str(&format!("{}k{i}:\n", "  ".repeat(i + 1)));
    }
    let (_, d) = load_text(&block);
    let e = first_error(&d);
    assert!(e.message.contains("nests deeper"), "{}", e.message);
    assert!(e.span.line > 2);
}

#[test]
fn an_alias_bomb_is_refused_quickly_with_a_line() {
    // Ten levels of ten aliases each would expand to 10^10 nodes.
    let mut src = String::from("code: X\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        src.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            [prev.as_str(); 10].join(", ")
        ));
    }
    let started = std::time::Instant::now();
    let (p, d) = load_text(&src);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert!(p.is_none());
    let e = first_error(&d);
    assert_eq!(e.code, "E0001");
    assert!(
        e.message.contains("alias") || e.message.contains("nodes") || e.message.contains("budget"),
        "{}",
        e.message
    );
    assert!(e.span.is_known(), "{e:?}");
    // The same as a request.
    let err = yaml::parse(&src).expect_err("refused");
    assert!(err.span.is_known());
}

#[test]
fn a_request_with_more_members_than_yaml_allows_is_refused_with_a_line() {
    // Members of four values each, just over the node budget: far below `MAX_MEMBERS`.
    let mut src = String::from("start: 2025-03-01\npolicyholder: {name: x}\nmembers:\n");
    for _ in 0..(yaml::MAX_NODES / 4 + 1) {
        src.push_str("- [1, 2, 3]\n");
    }
    let e = yaml::parse(&src).expect_err("too many nodes");
    assert!(e.span.is_known(), "{e:?}");
}

#[test]
fn a_census_over_the_member_limit_is_refused_at_the_first_row_past_it() {
    // SP-ACC rates one insured, but its census reader takes any number up to the limit.
    let p = harness::product("SP-ACC");
    let mut text = String::with_capacity(request::MAX_MEMBERS * 14 + 64);
    text.push_str("name,age,gender,occupation_class\n");
    for _ in 0..=request::MAX_MEMBERS {
        text.push_str("a,30,male,1\n");
    }
    let path = root().join("examples/big.csv");
    let d = coverwright::census::read_members_bytes(p, &path, text.as_bytes(), None)
        .expect_err("one member too many")
        .into_vec();
    let e = &d[0];
    assert_eq!(e.code, "E0209");
    let row = request::MAX_MEMBERS + 2; // the header is row 1
    assert_eq!(e.message, format!("row {row}: more than 1000000 members"));
    assert_eq!(e.span.line as usize, row);
    assert_eq!(e.file.as_deref(), Some(path.as_path()));
}

#[test]
fn formulas_over_the_length_or_depth_limit_are_refused_at_their_line() {
    let p = read("products/sp-acc-2025.yaml");
    let long = format!("1{}", " + 1".repeat(600));
    let deep = format!("{}1{}", "(".repeat(60), ")".repeat(60));
    let wide = vec!["a"; 500].join(" + ");
    for (formula, message) in [
        (long.as_str(), "the limit is 2000"),
        (deep.as_str(), "nests deeper than 40 levels"),
        (wide.as_str(), "more than 400 parts"),
    ] {
        let src = p.replace(
            "formula: add.sum_insured / 1000 * ad_rate[occupation_class]",
            &format!("formula: {formula}"),
        );
        let line = src
            .lines()
            .position(|l| l.contains(formula))
            .expect("the formula is in the file")
            + 1;
        let (prod, d) = load_text(&src);
        assert!(prod.is_none());
        let e = first_error(&d);
        assert_eq!(e.code, "E0300");
        assert!(e.message.contains(message), "{}", e.message);
        assert_eq!(e.span.line as usize, line);
    }
}

/// SP-ACC with the AD&D step replaced by `formula`.
fn sp_acc_with(formula: &str) -> Product {
    let src = read("products/sp-acc-2025.yaml").replace(
        "formula: add.sum_insured / 1000 * ad_rate[occupation_class]",
        &format!("formula: {formula}"),
    );
    let (p, d) = load_source(
        &root().join("products/sp-acc-2025.yaml"),
        &src,
        &LoadOptions::default(),
        &Fs,
    );
    p.unwrap_or_else(|| panic!("{d:?}"))
}

fn sp_acc_request(p: &Product, sum_insured: &str) -> Result<request::Request, Vec<Diagnostic>> {
    let src = read("examples/sp-acc.yaml").replace(
        "add: {sum_insured: 300000}",
        &format!("add: {{sum_insured: {sum_insured}}}"),
    );
    let node = yaml::parse(&src).expect("request parses");
    request::check(p, &node, &root().join("examples/sp-acc.yaml"), None).map_err(|d| d.into_vec())
}

fn quote_of(p: &Product, r: &request::Request) -> Result<Outcome, QuoteError> {
    quote::quote(p, r, &QuoteOptions::default())
}

#[test]
fn decimal_overflow_in_a_step_names_the_step_and_the_member() {
    let p = sp_acc_with("add.sum_insured * 79228162514264337593543950335 * 1000");
    let r = sp_acc_request(&p, "300000").expect("valid request");
    match quote_of(&p, &r) {
        Err(QuoteError::Rating(e)) => {
            assert_eq!(e.step, "add_premium");
            assert_eq!(e.member, Some(0));
            assert!(e.message.contains("overflows"), "{}", e.message);
            assert!(
                e.to_string().starts_with("step `add_premium`, member 1: "),
                "{e}"
            );
        }
        other => panic!("expected an overflow, got {other:?}"),
    }
}

#[test]
fn an_overflowing_sum_of_premiums_names_its_step() {
    // Each premium fits, their sum over coverages does not.
    let p = sp_acc_with("79228162514264337593543950335 + add.sum_insured * 0");
    let src = read("examples/sp-acc.yaml");
    let node = yaml::parse(&src).expect("parses");
    let r = request::check(&p, &node, &root().join("examples/sp-acc.yaml"), None).expect("valid");
    match quote_of(&p, &r) {
        Err(QuoteError::Rating(e)) => {
            assert_eq!(e.step, "total");
            assert!(e.message.contains("overflows"), "{}", e.message);
        }
        other => panic!("expected an overflow, got {other:?}"),
    }
}

#[test]
fn absurd_sums_insured_are_refused_naming_the_value() {
    let p = harness::product("SP-ACC");
    let src = read("examples/sp-acc.yaml");
    for value in ["1e30", "1000000000000000000000000000000", "-300000", "3e5"] {
        let d = sp_acc_request(p, value).expect_err("refused");
        let e = first_error(&d);
        assert_eq!(e.code, "E0212");
        assert!(e.message.contains(value), "{value}: {}", e.message);
        let line = src
            .lines()
            .position(|l| l.contains("add: {sum_insured"))
            .unwrap()
            + 1;
        assert_eq!(e.span.line as usize, line);
    }
    // An allowed value, but not an option.
    let d = sp_acc_request(p, "79228162514264337593543950335").expect_err("refused");
    assert!(
        first_error(&d)
            .message
            .contains("79228162514264337593543950335")
    );
}

#[test]
fn absurd_declared_values_are_refused_or_overflow_naming_the_step() {
    // EC-SME declares invoice values with no upper bound.
    let p = harness::product("EC-SME");
    let src = read("examples/ec-sme.yaml");
    let path = root().join("examples/ec-sme.yaml");
    let huge = src.replacen("value: 300000", "value: 1e30", 1);
    let node = yaml::parse(&huge).expect("parses");
    let d = request::check(p, &node, &path, None)
        .expect_err("1e30 is not a decimal")
        .into_vec();
    let e = first_error(&d);
    assert!(e.message.contains("1e30"), "{}", e.message);
    assert!(e.span.is_known());
    // The largest decimal is a value the product allows: its premium is exact to the cent.
    let max = src.replacen("value: 300000", "value: 79228162514264337593543950335", 1);
    let node = yaml::parse(&max).expect("parses");
    let r = request::check(p, &node, &path, None).expect("the largest decimal is allowed");
    match quote_of(p, &r) {
        Ok(Outcome::Quoted(q, _)) => {
            // 79228162514264337593543950335 × 0.25% = 198070406285660843983859875.8375
            assert_eq!(
                q.members[0].premiums["credit"],
                "198070406285660843983859875.84"
            );
            assert_eq!(q.totals.premium, "198070406285660843983861190.84");
        }
        other => panic!("expected a quote, got {other:?}"),
    }
    // Two of them, at 0.25% and 0.45%: still exact.
    let two = max.replacen("value: 150000", "value: 79228162514264337593543950335", 1);
    let node = yaml::parse(&two).expect("parses");
    let r = request::check(p, &node, &path, None).expect("allowed");
    match quote_of(p, &r) {
        Ok(Outcome::Quoted(q, _)) => {
            assert_eq!(
                q.members[1].premiums["credit"],
                "356526731314189519170947776.51"
            );
            assert_eq!(q.totals.premium, "554597137599850363154808292.35");
        }
        other => panic!("expected a quote, got {other:?}"),
    }
}

#[test]
fn dates_out_of_range_are_errors_not_panics() {
    let p = harness::product("SP-ACC");
    let src = read("examples/sp-acc.yaml");
    let path = root().join("examples/sp-acc.yaml");
    for (start, what) in [
        ("0000-01-01", "not a date"),
        ("0000-02-29", "not a date"),
        ("-0001-01-01", "not a date"),
        ("+10000-01-01", "not a date"),
        ("262143-12-31", "not a date"),
        ("9999-12-31", "after 9999-12-31"),
        ("9999-01-02", "after 9999-12-31"),
    ] {
        let text = src.replace("start: 2025-03-01", &format!("start: {start}"));
        let node = yaml::parse(&text).expect("parses");
        let d = request::check(p, &node, &path, None)
            .expect_err(start)
            .into_vec();
        let e = first_error(&d);
        assert_eq!(e.code, "E0206", "{start}");
        assert!(e.message.contains(what), "{start}: {}", e.message);
        let line = src.lines().position(|l| l.starts_with("start:")).unwrap() + 1;
        assert_eq!(e.span.line as usize, line, "{start}");
    }
    // The last start whose 12 months end on 9999-12-31 is quoted.
    let text = src.replace("start: 2025-03-01", "start: 9999-01-01");
    let node = yaml::parse(&text).expect("parses");
    let r = request::check(p, &node, &path, None).expect("ends on 9999-12-31");
    match quote_of(p, &r) {
        Ok(Outcome::Quoted(q, _)) => assert_eq!(q.cover.end, "9999-12-31"),
        Err(QuoteError::Schedule(e)) => assert!(e.contains("9999"), "{e}"),
        other => panic!("{other:?}"),
    }
    // Product dates too.
    let prod = read("products/sp-acc-2025.yaml")
        .replace("effective_from: 2025-01-01", "effective_from: 0000-01-01");
    let (pr, d) = load_text(&prod);
    assert!(pr.is_none());
    let e = first_error(&d);
    assert_eq!(e.code, "E0102");
    assert_eq!(e.span.line, 16);
}

#[test]
fn a_long_term_request_ending_after_9999_is_refused() {
    let p = harness::product("PA-FLEX");
    let src = read("examples/pa-flex.yaml");
    let start_line = src.lines().position(|l| l.starts_with("start:")).unwrap() + 1;
    let text = src
        .lines()
        .map(|l| {
            if l.starts_with("start:") {
                "start: 9990-06-01"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let node = yaml::parse(&text).expect("parses");
    let d = request::check(p, &node, &root().join("examples/pa-flex.yaml"), None)
        .expect_err("ends after 9999")
        .into_vec();
    let e = first_error(&d);
    assert_eq!(e.code, "E0206");
    assert_eq!(e.span.line as usize, start_line);
}

// ---------------------------------------------------------------------------------------------
// Invariants over random valid requests for the shipped products.

/// A small deterministic generator, so that a failing case is reproduced from its seed.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }
}

fn whole(d: Decimal) -> i64 {
    i64::try_from(d.trunc().mantissa() / 10i128.pow(d.trunc().scale())).unwrap_or(0)
}

/// Where most applicants lie, for inputs the shipped eligibility rules narrow (so that most
/// generated requests are quoted rather than declined); always inside the declared range.
fn typical(name: &str) -> Option<(i64, i64)> {
    Some(match name {
        "age" => (18, 45),
        "occupation_class" => (1, 6),
        "employees" => (1, 8),
        "revenue" => (0, 50),
        _ => return None,
    })
}

/// A value the field allows, as request text.
fn field_value(p: &Product, name: &str, ty: &FieldType, g: &mut Gen) -> serde_json::Value {
    match ty {
        FieldType::Integer { min, max } => {
            let mut lo = min.map(whole).unwrap_or(0);
            let mut hi = max.map(whole).unwrap_or(lo + 200);
            if let Some((a, b)) = typical(name).filter(|_| g.below(8) != 0)
                && a.max(lo) <= b.min(hi)
            {
                (lo, hi) = (a.max(lo), b.min(hi));
            }
            serde_json::json!(g.range(lo, hi).to_string())
        }
        FieldType::Decimal { min, max } => {
            let lo = min.unwrap_or_default();
            let mut hi = max.unwrap_or(lo + Decimal::from(1_000_000));
            if let Some((_, b)) = typical(name)
                && Decimal::from(b) >= lo
                && g.below(8) != 0
            {
                hi = hi.min(Decimal::from(b));
            }
            let span = ((hi - lo) * Decimal::ONE_HUNDRED).trunc();
            let k = Decimal::from(g.below(whole(span).max(0) as u64 + 1));
            serde_json::json!((lo + k / Decimal::ONE_HUNDRED).normalize().to_string())
        }
        FieldType::Bool => serde_json::json!(g.below(2) == 0),
        FieldType::Enum(words) => {
            let w = words[g.below(words.len() as u64) as usize];
            serde_json::json!(p.interner.word(w))
        }
    }
}

fn term_value(c: &Choice, g: &mut Gen) -> Decimal {
    match c {
        Choice::Options(o) => o[g.below(o.len() as u64) as usize],
        Choice::Range { min, max, step } => {
            let st = step.unwrap_or(Decimal::ONE);
            let n = whole(((*max - *min) / st).trunc()).max(0);
            *min + st * Decimal::from(g.range(0, n.min(10_000)))
        }
    }
}

/// A request every input of which is inside what the product declares.
fn valid_request(p: &Product, seed: u64) -> serde_json::Value {
    let mut g = Gen(seed | 1);
    let mut ph = serde_json::Map::new();
    ph.insert("name".into(), "某某商行".into());
    let mut options = serde_json::Map::new();
    for f in &p.fields {
        match f.group {
            InputGroup::Policyholder => {
                ph.insert(f.name.clone(), field_value(p, &f.name, &f.ty, &mut g));
            }
            InputGroup::Options => {
                options.insert(f.name.clone(), field_value(p, &f.name, &f.ty, &mut g));
            }
            InputGroup::Member => {}
        }
    }
    let n = if p.group {
        g.range(1, 12).max(g.range(1, 12))
    } else {
        1
    };
    let members: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut m = serde_json::Map::new();
            m.insert("name".into(), format!("成员{i}").into());
            for f in p.fields.iter().filter(|f| f.group == InputGroup::Member) {
                m.insert(f.name.clone(), field_value(p, &f.name, &f.ty, &mut g));
            }
            serde_json::Value::Object(m)
        })
        .collect();
    let mut coverages = serde_json::Map::new();
    for (ci, c) in p.coverages.iter().enumerate() {
        if c.optional && g.below(3) == 0 {
            continue;
        }
        let mut terms = serde_json::Map::new();
        for t in p.terms.iter().filter(|t| t.coverage as usize == ci) {
            terms.insert(
                t.name.clone(),
                term_value(&t.choice, &mut g).normalize().to_string().into(),
            );
        }
        coverages.insert(c.code.clone(), serde_json::Value::Object(terms));
    }
    let days = g.below(300);
    let start = p.effective_from + chrono::Days::new(days);
    let term = g.range(
        i64::from(p.term.min),
        i64::from(p.term.max.min(p.term.min + 30)),
    );
    serde_json::json!({
        "start": start.to_string(),
        "term": term.to_string(),
        "policyholder": ph,
        "options": options,
        "members": members,
        "coverages": coverages,
    })
}

/// Checks a generated request; it must be valid.
fn check_valid(p: &Product, req: &serde_json::Value) -> request::Request {
    let text = serde_json::to_string_pretty(req).expect("json");
    let node = yaml::parse(&text).expect("JSON is YAML");
    match request::check(p, &node, Path::new("generated.json"), None) {
        Ok(r) => r,
        Err(d) => panic!(
            "{}: a valid request is refused: {:?}\n{text}",
            p.id(),
            d.into_vec()
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 120, failure_persistence: None, ..ProptestConfig::default() })]

    /// Over random valid requests for every shipped product: no premium, member premium, tax
    /// or instalment is negative; the coverages add up to the premium total; every payment
    /// option's instalments add up to its total; the quote JSON parses back.
    #[test]
    fn shipped_products_quote_valid_requests_without_negative_amounts(which in 0usize..9, seed in any::<u64>()) {
        let p = &harness::products()[which % harness::products().len()];
        let r = check_valid(p, &valid_request(p, seed));
        if let Some(q) = harness::quote_and_check(p, &r) {
            let zero = Decimal::ZERO;
            prop_assert!(dec(&q.totals.premium) >= zero);
            prop_assert!(dec(&q.totals.gross) >= zero);
            prop_assert!(dec(&q.totals.tax) >= zero);
            prop_assert!(dec(&q.totals.net) >= zero);
            for c in &q.coverages {
                prop_assert!(dec(&c.premium) >= zero, "{}: {}", c.code, c.premium);
                prop_assert!(dec(&c.vat_amount) >= zero);
            }
            for m in &q.members {
                for (code, x) in &m.premiums {
                    prop_assert!(dec(x) >= zero, "member {} {code}: {x}", m.number);
                }
            }
            for o in &q.payment_options {
                if let Some(s) = &o.schedule {
                    prop_assert!(s.instalments.iter().all(|i| i.amount >= zero));
                    let sum: Decimal = s.instalments.iter().map(|i| i.amount).sum();
                    prop_assert_eq!(sum, s.total);
                }
            }
        }
    }

    /// Where a coverage is rated in proportion to its sum insured (GA-SME and SP-ACC AD&D),
    /// a larger sum insured never gives a smaller premium, for the coverage or in total.
    #[test]
    fn premium_rises_with_the_sum_insured(which in 0usize..2, seed in any::<u64>()) {
        let p = harness::product(["GA-SME", "SP-ACC"][which]);
        let mut req = valid_request(p, seed);
        req["coverages"]["add"] = serde_json::json!({});
        let Some(slot) = p.terms.iter().find(|t| p.coverages[t.coverage as usize].code == "add" && t.name == "sum_insured") else {
            panic!("{} has add.sum_insured", p.id());
        };
        let Choice::Options(mut options) = slot.choice.clone() else { panic!("options") };
        options.sort();
        let mut last: Option<(Decimal, Decimal)> = None;
        for si in options {
            req["coverages"]["add"]["sum_insured"] = serde_json::json!(si.to_string());
            let r = check_valid(p, &req);
            match quote_of(p, &r) {
                Ok(Outcome::Quoted(q, _)) => {
                    let add = q.coverages.iter().find(|c| c.code == "add").map(|c| dec(&c.premium)).unwrap_or_default();
                    let total = dec(&q.totals.gross);
                    if let Some((a, t)) = last {
                        prop_assert!(add >= a, "add premium fell from {a} to {add} at sum insured {si}");
                        prop_assert!(total >= t, "total fell from {t} to {total} at sum insured {si}");
                    }
                    last = Some((add, total));
                }
                Ok(Outcome::Declined(_)) => break,
                Err(e) => panic!("{e}"),
            }
        }
    }

    /// Rounding twice changes nothing, for every mode and number of places.
    #[test]
    fn rounding_is_idempotent(
        mantissa in any::<i64>(),
        scale in 0u32..=28,
        places in 0u32..=8,
        half_even in any::<bool>(),
        level in 0usize..4,
    ) {
        let d = Decimal::from_i128_with_scale(i128::from(mantissa), scale);
        let r = Rounding {
            places,
            strategy: if half_even { RoundingStrategy::MidpointNearestEven } else { RoundingStrategy::MidpointAwayFromZero },
            mode_name: if half_even { "half_even" } else { "half_up" },
            level: [RoundingLevel::Step, RoundingLevel::Member, RoundingLevel::Coverage, RoundingLevel::Total][level],
        };
        let once = r.apply(d);
        prop_assert_eq!(r.apply(once), once);
        prop_assert!(once.scale() <= places.max(scale));
        prop_assert!((once - d).abs() <= Decimal::new(5, places));
    }
}

#[test]
fn rounding_the_largest_decimals_is_idempotent() {
    for d in [
        Decimal::MAX,
        Decimal::MIN,
        Decimal::new(1, 28),
        Decimal::new(-5, 1),
    ] {
        for places in 0..=8 {
            for strategy in [
                RoundingStrategy::MidpointAwayFromZero,
                RoundingStrategy::MidpointNearestEven,
            ] {
                let r = Rounding {
                    places,
                    strategy,
                    mode_name: "half_up",
                    level: RoundingLevel::Member,
                };
                let once = r.apply(d);
                assert_eq!(r.apply(once), once, "{d} at {places}");
            }
        }
    }
}

#[test]
fn outputs_are_byte_identical_across_runs() {
    for (code, file) in [
        ("GA-SME", "examples/ga-sme.yaml"),
        ("EC-SME", "examples/ec-sme.yaml"),
        ("PA-FLEX", "examples/pa-flex.yaml"),
    ] {
        let args = [
            "quote",
            "--product",
            code,
            "--request",
            file,
            "--format",
            "json",
        ];
        let first = run(&args);
        assert_eq!(first.0, 0, "{code}: {}", first.2);
        assert_eq!(run(&args), first, "{code}");
    }
    // A rendered quote, too.
    let q = harness::sample_quote();
    let renderer = coverwright::document::Renderer::new(&root().join("tests/fixtures/templates"))
        .expect("fixture templates");
    let mut ctx = serde_json::json!({
        "lang": "zh", "currency": "CNY", "policyholder": q["policyholder"]["name"],
        "premium": q["totals"]["gross"], "start": q["cover"]["start"], "end": q["cover"]["end"],
        "class": 2, "ratio": "0.9", "rate": "0.0015", "country": "A", "method": "O/A",
        "sex": "male", "mode": "annual",
    });
    let once = renderer.render("quote.html", &ctx).expect("renders");
    assert_eq!(renderer.render("quote.html", &ctx).expect("renders"), once);
    ctx["lang"] = "en".into();
    assert_ne!(renderer.render("quote.html", &ctx).expect("renders"), once);
}

// ---------------------------------------------------------------------------------------------
// Confinement and escaping.

/// A fresh scratch directory for this test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("coverwright-props-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

#[test]
fn csv_tables_resolve_inside_the_product_folder_only() {
    use coverwright::product::check::resolve_inside;
    let dir = scratch("resolve");
    let outside = scratch("resolve-outside");
    std::fs::write(outside.join("rates.csv"), "age,value\n1,1\n").expect("write");
    std::fs::create_dir_all(dir.join("tables")).expect("mkdir");
    std::fs::write(dir.join("tables/rates.csv"), "age,value\n1,1\n").expect("write");
    std::os::unix::fs::symlink(outside.join("rates.csv"), dir.join("tables/out.csv"))
        .expect("symlink");
    std::os::unix::fs::symlink(&outside, dir.join("elsewhere")).expect("symlink");
    assert_eq!(
        resolve_inside(&dir, "tables/rates.csv").expect("inside"),
        dir.join("tables/rates.csv")
    );
    for (name, why) in [
        (
            "../resolve-outside/rates.csv",
            "leaves the product's folder",
        ),
        ("tables/../../x.csv", "leaves the product's folder"),
        ("/etc/passwd", "absolute path"),
        ("\\etc\\passwd", "absolute path"),
        ("tables/out.csv", "links outside"),
        ("elsewhere/rates.csv", "links outside"),
    ] {
        let e = resolve_inside(&dir, name).expect_err(name);
        assert!(e.contains(why), "{name}: {e}");
    }
    // Through a product file: the error points at the `file:` value.
    let src = read("products/sp-acc-2025.yaml").replace(
        "  ad_rate:                            # AD&D, ‰ of sum insured per year, classes 1-6\n    keys: [occupation_class]\n    rows:\n      - [1, 1.0]\n      - [2, 1.5]\n      - [3, 2.0]\n      - [4, 3.0]\n      - [5, 5.0]\n      - [6, 8.0]\n",
        "  ad_rate:\n    keys: [occupation_class]\n    file: ../../etc/passwd\n",
    );
    assert!(src.contains("file: ../../etc/passwd"));
    let line = src
        .lines()
        .position(|l| l.contains("file: ../../etc/passwd"))
        .unwrap()
        + 1;
    let (p, d) = load_text(&src);
    assert!(p.is_none());
    let e = d.iter().find(|d| d.code == "E0120").expect("E0120");
    assert_eq!(e.span.line as usize, line);
    assert!(
        e.message.contains("leaves the product's folder"),
        "{}",
        e.message
    );
}

#[test]
fn templates_resolve_inside_their_folder_only() {
    use coverwright::document::{RenderError, Renderer};
    let dir = scratch("tpl");
    let outside = scratch("tpl-outside");
    std::fs::write(outside.join("secret.html"), "secret").expect("write");
    std::fs::write(dir.join("quote.html"), "<p>{{ policyholder }}</p>").expect("write");
    let r = Renderer::new(&dir).expect("loads");
    for name in [
        "../tpl-outside/secret.html",
        "/etc/passwd",
        "a/../../secret.html",
        "./quote.html",
    ] {
        match r.render(name, &serde_json::json!({})) {
            Err(RenderError::NameRefused { .. }) => {}
            other => panic!("{name}: expected a refusal, got {other:?}"),
        }
    }
    // A symbolic link out of the folder refuses the whole folder.
    std::os::unix::fs::symlink(outside.join("secret.html"), dir.join("link.html"))
        .expect("symlink");
    match Renderer::new(&dir) {
        Err(RenderError::PathRefused { path, reason }) => {
            assert_eq!(path, dir.join("link.html"));
            assert!(
                reason.contains("outside the template directory"),
                "{reason}"
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // An include that climbs out is refused too.
    let dir2 = scratch("tpl-include");
    std::fs::write(
        dir2.join("quote.html"),
        "{% include \"../tpl-outside/secret.html\" %}",
    )
    .expect("write");
    assert!(Renderer::new(&dir2).is_err());
    // Products name templates inside the templates folder only.
    let src = read("products/sp-acc-2025.yaml").replace(
        "payment_plans:",
        "documents:\n  quote: ../../etc/passwd\n\npayment_plans:",
    );
    let line = src
        .lines()
        .position(|l| l.contains("quote: ../../etc/passwd"))
        .unwrap()
        + 1;
    let opts = LoadOptions {
        templates: Some(dir.clone()),
    };
    let (p, d) = load_source(&product_path(), &src, &opts, &Fs);
    assert!(p.is_none());
    let e = d.iter().find(|d| d.code == "E0120").expect("E0120");
    assert_eq!(e.span.line as usize, line);
    assert!(e.message.contains("templates folder"), "{}", e.message);
}

#[test]
fn html_output_escapes_every_value_from_a_request_or_census() {
    use coverwright::document::{DocKind, Lang, OutFormat, Renderer, render_to_string};
    let hostile = "<script>alert(\"x\")</script> & \"Co\" <b>'";
    // A quote whose policyholder and member names are hostile, through the real pipeline.
    let p = harness::product("GA-SME");
    let mut src = read("fuzz/seeds/ga-sme-inline.yaml");
    src = src.replace(
        "name: 杭州某某餐饮有限公司",
        &format!("name: '{}'", hostile.replace('\'', "''")),
    );
    src = src.replace(
        "name: 张伟",
        &format!("name: '{}'", hostile.replace('\'', "''")),
    );
    let census = format!(
        "name,id,age,gender,occupation_class\n\"{}\",\"<i>1</i>\",30,male,1\na,b,31,female,2\nc,d,32,male,3\n",
        hostile.replace('"', "\"\"")
    );
    let members = coverwright::census::read_members_bytes(
        p,
        Path::new("census.csv"),
        census.as_bytes(),
        None,
    )
    .expect("census");
    assert_eq!(members[0].party.name, hostile);
    for m in [None, Some(members)] {
        let node = yaml::parse(&src).expect("parses");
        let r = request::check(p, &node, Path::new("req.yaml"), m).expect("valid");
        assert_eq!(r.policyholder.name, hostile);
        let q = harness::quote_and_check(p, &r).expect("quoted");
        let insurer =
            coverwright::document::options::insurer_json(&p.insurer, Path::new("products"));
        let ctx = serde_json::json!({ "quote": q, "insurer": insurer });
        let (renderer, _) = harness::shipped_renderer();
        let escaped =
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Co&quot; &lt;b&gt;&#39;";
        for kind in [
            DocKind::Quote,
            DocKind::Policy,
            DocKind::Schedule,
            DocKind::Worksheet,
        ] {
            for lang in [Lang::Zh, Lang::En] {
                let out = render_to_string(renderer, kind, lang, OutFormat::Html, &ctx)
                    .unwrap_or_else(|e| panic!("{kind:?}: {e}"));
                assert!(!out.contains("<script"), "{kind:?} {lang:?}: {out}");
                assert!(
                    !out.contains("<b>'") && !out.contains("<i>1"),
                    "{kind:?} {lang:?}"
                );
                assert!(!out.contains("& \"Co\""), "{kind:?} {lang:?}");
                if matches!(kind, DocKind::Quote | DocKind::Policy) {
                    assert!(
                        out.contains(escaped),
                        "{kind:?} {lang:?} names the policyholder"
                    );
                }
                if kind == DocKind::Policy {
                    // The member list: the first member is the hostile one.
                    assert!(out.matches(escaped).count() >= 2, "{lang:?}: {out}");
                }
            }
            // Markdown escapes the names by Markdown's rules: no tag opens.
            let md = render_to_string(renderer, kind, Lang::En, OutFormat::Md, &ctx).expect("md");
            assert!(!md.replace(r"\<", "").contains("<script>"), "{md}");
            assert!(md.contains(r"\<script\>") || kind != DocKind::Quote, "{md}");
        }
        // A template printing every name and id of the quote, in an attribute too.
        let dir = scratch("escape");
        std::fs::write(
            dir.join("names.html"),
            "<h1>{{ quote.policyholder.name }}</h1><p>{{ quote.policyholder.id }}</p>\
             {% for m in quote.members %}<li data-id=\"{{ m.id }}\">{{ m.name }}: {{ m.total }}</li>{% endfor %}\
             {% for w in quote.worksheet %}<tr><td>{{ w.scope }}</td></tr>{% endfor %}",
        )
        .expect("write");
        let out = Renderer::new(&dir)
            .expect("loads")
            .render("names.html", &ctx)
            .expect("renders");
        assert!(!out.contains("<script>"), "{out}");
        assert!(!out.contains("<b>"), "{out}");
        assert!(!out.contains("<i>"), "{out}");
        assert!(!out.contains("& \""), "{out}");
        assert!(out.starts_with(&format!("<h1>{escaped}</h1>")), "{out}");
        assert_eq!(
            out.matches("&lt;script&gt;").count(),
            out.matches("&lt;/script&gt;").count()
        );
    }
}

/// The PDF step runs the browser with flags and file paths only. A stand-in browser records
/// its arguments; the check runs in a child process so that changing `PATH` touches no other
/// test.
#[test]
fn the_pdf_step_passes_no_request_data_on_the_command_line() {
    let dir = scratch("pdf-args");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    let args_file = dir.join("args.txt");
    let fake = bin.join("chromium");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> '{}'; done\n\
             for a in \"$@\"; do case \"$a\" in --print-to-pdf=*) printf '%%PDF-1.4\\n' > \"${{a#--print-to-pdf=}}\";; esac; done\n",
            args_file.display()
        ),
    )
    .expect("write");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let html = dir.join("quote.html");
    let secret = "王建国 330106198503121234 <script>";
    std::fs::write(&html, format!("<p>{secret}</p>")).expect("write");
    let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "properties::pdf_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("PATH", &bin)
        .env("COVERWRIGHT_PDF_CHILD", &dir)
        .status()
        .expect("runs the child");
    assert!(status.success());
    let args = std::fs::read_to_string(&args_file).expect("the stand-in browser ran");
    let args: Vec<&str> = args.lines().collect();
    assert!(args.len() >= 3, "{args:?}");
    for a in &args {
        assert!(
            !a.contains("王建国") && !a.contains("330106") && !a.contains("<script"),
            "{a}"
        );
        let ok = (a.starts_with("--") && !a.contains('='))
            || a.starts_with("--user-data-dir=/")
            || a.starts_with("--print-to-pdf=/")
            || a.starts_with("file:///");
        assert!(ok, "not a flag or a file path: {a}");
    }
    assert!(args.contains(&format!("--print-to-pdf={}", dir.join("quote.pdf").display()).as_str()));
    let url = args
        .iter()
        .find(|a| a.starts_with("file://"))
        .expect("the HTML file");
    assert!(url.ends_with("/quote.html"), "{url}");
    // The source says the same: the command line is built from literals and paths only.
    let src = read("src/document/pdf.rs");
    let body = &src[src.find("fn run_browser").expect("run_browser")..];
    let body = &body[..body.find(".spawn()").expect("spawn")];
    for line in body.lines().filter(|l| l.trim_start().starts_with(".arg(")) {
        let arg = line
            .trim()
            .trim_start_matches(".arg(")
            .trim_end_matches(')');
        let ok = (arg.starts_with("\"--") && arg.ends_with('"'))
            || arg == "format!(\"--user-data-dir={}\", profile.display("
            || arg == "format!(\"--print-to-pdf={}\", pdf.display("
            || arg == "file_url(html";
        assert!(ok, "unexpected browser argument in pdf.rs: {line}");
    }
}

/// The child half of the PDF test: prints with the stand-in browser found on `PATH`.
#[test]
fn pdf_child() {
    let Some(dir) = std::env::var_os("COVERWRIGHT_PDF_CHILD") else {
        return;
    };
    let dir = PathBuf::from(dir);
    // The browser's route, by name: the typesetter is the default where it is built.
    coverwright::document::set_pdf_engine(coverwright::document::PdfEngine::Chromium);
    coverwright::document::html_to_pdf(&dir.join("quote.html"), &dir.join("quote.pdf"))
        .expect("the stand-in browser writes a PDF");
}

#[test]
fn nothing_reads_the_network() {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).expect("src").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("src"), &mut files);
    assert!(files.len() > 20);
    // The quoting service (`src/service/`, `src/cli/serve.rs`, cargo feature `service`) is the
    // one part that listens on the network; nothing else touches it.
    let service = root().join("src/service");
    let files = files
        .into_iter()
        .filter(|f| !f.starts_with(&service) && !f.ends_with("src/cli/serve.rs"));
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read");
        for word in [
            "TcpStream",
            "TcpListener",
            "UdpSocket",
            "std::net",
            "reqwest",
            "ureq",
            "hyper::",
            "curl",
        ] {
            assert!(!text.contains(word), "{} mentions {word}", f.display());
        }
    }
    let manifest = read("Cargo.toml");
    for word in ["reqwest", "ureq", "hyper", "curl"] {
        assert!(!manifest.contains(word), "Cargo.toml depends on {word}");
    }
    // The service's runtime only as an optional dependency of the `service` feature.
    for line in manifest.lines().filter(|l| l.contains("tokio")) {
        assert!(
            line.contains("optional = true") || line.trim_start().starts_with('"'),
            "Cargo.toml depends on tokio outside the `service` feature: {line}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Found by the actuarial property test: tiny interest rates.

#[test]
fn tiny_interest_rates_give_mthly_factors_continuous_with_larger_ones() {
    use coverwright::actuarial::{Frequency, Interest};
    for per_year in [2u32, 4, 12] {
        let f = Frequency::from_per_year(per_year).expect("frequency");
        let m = Decimal::from(per_year);
        let limit_beta = (m - Decimal::ONE) / (Decimal::TWO * m);
        for i in ["0.000000000000000001", "0.0000000000001", "0.000000999999"] {
            let rate = Interest::new(dec(i)).unwrap_or_else(|e| panic!("{i}: {e}"));
            let r = rate.mthly(f);
            assert!(
                (r.alpha - Decimal::ONE).abs() < dec("1e-12"),
                "{i}: α {}",
                r.alpha
            );
            assert!(
                (r.beta - limit_beta).abs() < dec("1e-6"),
                "{i}: β {}",
                r.beta
            );
            assert!(r.i_m <= dec(i) && r.d_m >= rate.d());
        }
        // Either side of the switch to the series, the factors agree to 1e-12.
        let below = *Interest::new(dec("0.00000099999999"))
            .expect("rate")
            .mthly(f);
        let above = *Interest::new(dec("0.000001")).expect("rate").mthly(f);
        assert!(
            (below.alpha - above.alpha).abs() < dec("1e-12"),
            "{below:?} {above:?}"
        );
        assert!(
            (below.beta - above.beta).abs() < dec("1e-12"),
            "{below:?} {above:?}"
        );
        assert!((below.i_m - above.i_m).abs() < dec("1e-13"));
        assert!((below.d_m - above.d_m).abs() < dec("1e-13"));
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile products: extreme bounds that the checks and rating do arithmetic on.

/// SP-ACC with `edits` (old, new) applied; each must be found.
fn sp_acc_edited(edits: &[(&str, &str)]) -> String {
    let mut src = read("products/sp-acc-2025.yaml");
    for (old, new) in edits {
        assert!(src.contains(old), "{old}");
        src = src.replacen(old, new, 1);
    }
    src
}

#[test]
fn extreme_bounds_in_a_product_are_checked_without_overflow() {
    const MAX: &str = "79228162514264337593543950335";
    let cases: Vec<Vec<(String, String)>> = vec![
        // An integer table key over the whole decimal range.
        vec![(
            "occupation_class: {type: integer, min: 0, max: 7}".into(),
            format!("occupation_class: {{type: integer, min: -{MAX}, max: {MAX}}}"),
        )],
        // A band bound at the largest decimal.
        vec![
            (
                "age: {type: integer, min: 0, max: 120}".into(),
                format!("age: {{type: decimal, min: 0, max: {MAX}}}"),
            ),
            (
                "deductible_factor:                  # by deductible per accident\n    keys: [deductible]".into(),
                format!("age_factor:\n    keys: [age]\n    rows:\n      - [\"[0, {MAX}]\", 1]\n  deductible_factor:\n    keys: [deductible]"),
            ),
            (
                "formula: add.sum_insured / 1000 * ad_rate[occupation_class]".into(),
                "formula: add.sum_insured / 1000 * ad_rate[occupation_class] * age_factor[age]".into(),
            ),
        ],
        // The longest term a year unit allows, with a short-period table.
        vec![
            ("unit: month".into(), "unit: year".into()),
            ("max: 12\n  default: 12".into(), "max: 4294967295\n  default: 1\n  short_period: ratio_factor".into()),
            ("min: 12                             # one year, fixed".into(), "min: 1".into()),
        ],
        // A charge rate far above 1 on a premium near the largest decimal.
        vec![
            (
                "vat_rate: 6%".into(),
                format!("vat_rate: 6%\n  charges:\n    - {{kind: fee, name: {{zh: 费, en: fee}}, rate: {MAX}, basis: added}}"),
            ),
        ],
        // Test cases expecting amounts at both ends of the range.
        vec![("total: 397.20".into(), format!("total: -{MAX}"))],
        // Every combination of several wide keys.
        vec![
            (
                "age: {type: integer, min: 0, max: 120}".into(),
                "age: {type: integer, min: 0, max: 1000}".into(),
            ),
            (
                "occupation_class: {type: integer, min: 0, max: 7}".into(),
                "occupation_class: {type: integer, min: 0, max: 1000}".into(),
            ),
            (
                "deductible_factor:                  # by deductible per accident\n    keys: [deductible]".into(),
                "wide:\n    keys: [age, occupation_class, social_insurance]\n    rows:\n      - [1, 1, \"true\", 1]\n  deductible_factor:\n    keys: [deductible]".into(),
            ),
            (
                "formula: add.sum_insured / 1000 * ad_rate[occupation_class]".into(),
                "formula: add.sum_insured / 1000 * wide[age, occupation_class, social_insurance]".into(),
            ),
        ],
    ];
    let mut outcomes = Vec::new();
    for edits in cases {
        let pairs: Vec<(&str, &str)> = edits
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let src = sp_acc_edited(&pairs);
        harness::product_file(src.as_bytes());
        let (p, d) = load_text(&src);
        let codes: Vec<&str> = d.iter().filter(|d| d.is_error()).map(|d| d.code).collect();
        let failed: Vec<String> = p
            .map(|p| {
                coverwright::cases::run_product(&p)
                    .into_iter()
                    .filter(|c| !c.passed)
                    .flat_map(|c| c.details)
                    .collect()
            })
            .unwrap_or_default();
        outcomes.push((codes.join(" "), failed.join("; ")));
    }
    // Keys too wide to enumerate are left to rating (a value without a row is an error there).
    assert_eq!(outcomes[0], (String::new(), String::new()));
    assert_eq!(outcomes[1], (String::new(), String::new()));
    // Short terms of a year-unit product need short-period rows for months 1 to 11.
    assert!(outcomes[2].0.starts_with("E0110"), "{:?}", outcomes[2]);
    assert!(
        outcomes[3]
            .1
            .contains("error: step `charge fee`: the amount overflows"),
        "{:?}",
        outcomes[3]
    );
    assert!(
        outcomes[4]
            .1
            .contains("total: expected -79228162514264337593543950335.00, got 397.20")
            || outcomes[4]
                .1
                .contains("total: expected -79228162514264337593543950335, got 397.20"),
        "{:?}",
        outcomes[4]
    );
    assert!(outcomes[5].0.contains("E0132"), "{:?}", outcomes[5]);
}

#[test]
fn a_member_total_that_overflows_names_the_member() {
    // Premiums that cancel over members but not within one member's coverages.
    // Member 2 (aged 50) pays 2x for each coverage, members 1 and 3 pay -x: each coverage
    // adds up to 0, member 2's two coverages to 1.4e29.
    let (big, half) = (
        "70000000000000000000000000000",
        "35000000000000000000000000000",
    );
    let src = read("products/ga-sme-2024.yaml")
        .replace(
            "formula: add.sum_insured / 1000 * ad_rate[occupation_class] * group_factor",
            &format!("formula: if age > 40 then {big} else -{half}"),
        )
        .replace(
            "formula: >-\n        medical.sum_insured / 1000 * medical_rate[occupation_class]",
            &format!("formula: >-\n        (if age > 40 then {big} else -{half}) + 0 * medical_rate[occupation_class]"),
        );
    let (p, d) = load_text(&src);
    let p = p.unwrap_or_else(|| panic!("{d:?}"));
    let req = read("fuzz/seeds/ga-sme-inline.yaml").replace("age: 35", "age: 50");
    let node = yaml::parse(&req).expect("parses");
    let r = request::check(&p, &node, Path::new("req.yaml"), None).expect("valid");
    match quote_of(&p, &r) {
        Err(QuoteError::Rating(e)) => {
            assert_eq!(e.step, "member total");
            assert_eq!(e.member, Some(1));
            assert_eq!(
                e.to_string(),
                "step `member total`, member 2: the amount overflows"
            );
        }
        other => panic!("expected an overflow, got {other:?}"),
    }
}

/// The generator behind the invariants above gives requests that every shipped product
/// quotes (so the invariants are not checked on declines alone), and no valid request makes
/// rating fail.
#[test]
fn generated_valid_requests_are_quoted_by_every_shipped_product() {
    for p in harness::products() {
        let (mut quoted, mut declined) = (0, 0);
        for seed in 0..40u64 {
            let r = check_valid(p, &valid_request(p, seed * 7919 + 1));
            match quote_of(p, &r) {
                Ok(Outcome::Quoted(..)) => quoted += 1,
                Ok(Outcome::Declined(..)) => declined += 1,
                Err(e) => panic!("{}: a valid request fails: {e}", p.id()),
            }
        }
        assert!(
            quoted >= 2,
            "{}: {quoted} quoted, {declined} declined",
            p.id()
        );
    }
}
