//! Product validation: one invalid fixture per check with its exact diagnostics, the shipped
//! products, the committed schema, JSON output, hostile inputs, and mutants of the shipped
//! products.
//!
//! Paths are given relative to the package root (cargo runs integration tests from there), so
//! the diagnostics in the snapshots name `tests/fixtures/...` on every machine.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use coverwright::diagnostics::{Diagnostic, render_all};
use coverwright::product::load::{LoadOptions, load_paths};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `path` relative to the package root.
fn relative(path: &Path) -> PathBuf {
    let root = root().canonicalize().unwrap_or_else(|_| root());
    path.strip_prefix(&root)
        .unwrap_or_else(|_| panic!("{} is outside the package", path.display()))
        .to_path_buf()
}

/// Runs the command line; returns the exit code, stdout and stderr.
fn cli(args: &[&str]) -> (i32, String, String) {
    crate::support::run(args)
}

/// Loads product files or folders with the library; returns every diagnostic.
fn load(paths: &[PathBuf]) -> (usize, Vec<Diagnostic>) {
    let (products, diags) = load_paths(paths, &LoadOptions { templates: None });
    (products.len(), diags.into_vec())
}

/// A scratch folder under cargo's target directory, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("validate")
        .join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove old scratch folder");
    }
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}

/// Whether a file holds no YAML at all: empty, blank or comments only.
fn is_blank(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(s) => s
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')),
        Err(_) => false,
    }
}

/// Whether a file is not text: not UTF-8, or holding a NUL byte.
fn is_binary(bytes: &[u8]) -> bool {
    bytes.contains(&0) || std::str::from_utf8(bytes).is_err()
}

/// Whether some error names `file`, and every error has a line and a column.
fn errors_located(diags: &[Diagnostic], file: &Path) -> bool {
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    errors.iter().any(|d| d.file.as_deref() == Some(file))
        && errors
            .iter()
            .all(|d| d.file.is_some() && d.span.line > 0 && d.span.column > 0)
}

fn describe(diags: &[Diagnostic]) -> String {
    diags.iter().map(|d| format!("  {d}\n")).collect::<String>()
}

// ---------------------------------------------------------------- one fixture per check

#[test]
fn minimal_product_is_valid() {
    let (code, out, err) = cli(&["validate", "tests/fixtures/valid/minimal.yaml"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "", "1 product version(s) valid\n")
    );
}

#[test]
fn valid_fixtures_are_valid() {
    let dir = root().join("tests/fixtures/valid");
    let (products, diags) = load(std::slice::from_ref(&dir));
    let files = std::fs::read_dir(&dir)
        .expect("valid fixtures")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        })
        .count();
    assert_eq!(products, files, "{}", describe(&diags));
    assert!(diags.is_empty(), "{}", describe(&diags));
}

#[test]
fn yen_products_round_to_whole_yen() {
    let (products, diags) = load_paths(
        &[PathBuf::from("tests/fixtures/valid/minimal_jpy.yaml")],
        &LoadOptions { templates: None },
    );
    assert!(!diags.has_errors(), "{}", describe(&diags.into_vec()));
    let p = &products[0];
    assert_eq!(p.currency.code(), "JPY");
    assert_eq!(p.currency.minor_unit(), 0);
    let amount: rust_decimal::Decimal = "10932.50".parse().unwrap();
    assert_eq!(p.round_money(amount).unwrap().to_string(), "10933");
    assert_eq!(p.format_money(amount), "10933");
    assert_eq!(p.currency.format_grouped(amount), "10,933");
}

#[test]
fn a_calendar_that_ends_before_the_version_is_a_warning() {
    let dir = scratch("calendar_years");
    let text = std::fs::read_to_string(root().join("tests/fixtures/valid/minimal.yaml"))
        .expect("minimal fixture");
    let product = format!(
        "{text}\npayment_plans:\n  - {{code: monthly, mode: monthly, modal_factor: 0.09, \
         collection_day: 15, business_day: following, calendar: cal.yaml}}\n"
    );
    std::fs::write(dir.join("p.yaml"), product).expect("write product");
    std::fs::write(
        dir.join("cal.yaml"),
        "years: {from: 2023, to: 2024}\nholidays: [2024-10-01]\nworkdays: [2024-10-12]\n",
    )
    .expect("write calendar");
    let (products, diags) = load(&[dir.join("p.yaml")]);
    assert_eq!(products, 1, "{}", describe(&diags));
    let messages: Vec<String> = diags
        .iter()
        .map(|d| format!("{} {}:{} {}", d.code, d.span.line, d.span.column, d.message))
        .collect();
    // minimal.yaml starts cover 2024-01-01 to 2024-12-31: covered, no warning.
    assert!(messages.is_empty(), "{messages:?}");

    std::fs::write(
        dir.join("cal.yaml"),
        "years: {from: 2025, to: 2025}\nholidays: [2025-10-01]\n",
    )
    .expect("write calendar");
    let (products, diags) = load(&[dir.join("p.yaml")]);
    assert_eq!(products, 1, "{}", describe(&diags));
    let messages: Vec<String> = diags
        .iter()
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert_eq!(
        messages,
        [
            "W0135 the calendar `cal.yaml` covers 2025-2025, but this version starts cover from 2024-01-01 to 2024-12-31"
        ]
    );

    std::fs::write(
        dir.join("cal.yaml"),
        "years: {from: 2025, to: 2025}\nholidays: [2024-10-01]\n",
    )
    .expect("write calendar");
    let (products, diags) = load(&[dir.join("p.yaml")]);
    assert_eq!(products, 0);
    assert!(
        diags.iter().any(|d| d.code == "E0136"
            && d.message
                .contains("2024-10-01 is outside the years 2025-2025")),
        "{}",
        describe(&diags)
    );
}

#[test]
fn shipped_calendar_covers_2024_to_2026() {
    use coverwright::schedule::HolidayCalendar;
    let path = root().join("products/calendars/cn-2024-2026.yaml");
    let text = std::fs::read_to_string(&path).expect("shipped calendar");
    let cal = HolidayCalendar::from_yaml("cn-2024-2026.yaml", &text).expect("valid calendar");
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(cal.years(), Some((2024, 2026)));
    assert!(cal.covers(d("2024-01-01")) && cal.covers(d("2026-12-31")));
    assert!(!cal.covers(d("2027-01-01")) && !cal.covers(d("2023-12-31")));
    // 2026 (State Council notice of 2025-11-04): Spring Festival 15-23 February with
    // Saturday 14 and Saturday 28 February worked; National Day 1-7 October with Sunday
    // 20 September and Saturday 10 October worked.
    for off in [
        "2026-02-16",
        "2026-05-05",
        "2026-06-19",
        "2026-09-25",
        "2026-10-07",
    ] {
        assert!(!cal.is_business_day(d(off)), "{off}");
    }
    for on in [
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ] {
        assert!(cal.is_business_day(d(on)), "{on}");
    }
    // 2024 (notice of 2023-10-25): Spring Festival 10-17 February, Sunday 4 and 18 worked.
    assert!(!cal.is_business_day(d("2024-02-15")));
    assert!(cal.is_business_day(d("2024-02-18")));
}

/// A product whose table `big` has 3,000 rows keyed by `occupation_class` (1..=3000), with
/// rows 2,001..=2,030 duplicating earlier keys.
fn product_with_a_big_table(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("tests/fixtures/valid/minimal.yaml"))
        .expect("minimal fixture");
    let mut rows = String::new();
    for i in 1..=3000u32 {
        let key = if (2001..=2030).contains(&i) {
            i - 2000
        } else {
            i
        };
        rows.push_str(&format!("      - [{key}, 1.0]\n"));
    }
    let text = text
        .replace(
            "occupation_class: {type: integer, min: 1, max: 3}",
            "occupation_class: {type: integer, min: 1, max: 3000}",
        )
        .replace(
            "      - [1, 1.0]\n      - [2, 1.5]\n      - [3, 2.0]\n",
            &rows,
        );
    let file = dir.join("big.yaml");
    std::fs::write(&file, text).expect("write product");
    file
}

#[test]
fn duplicate_rows_of_a_large_table_are_found_and_bounded() {
    let dir = scratch("big_table");
    let file = product_with_a_big_table(&dir);
    let (products, diags) = load(std::slice::from_ref(&file));
    assert_eq!(products, 0);
    let overlaps: Vec<String> = diags
        .iter()
        .filter(|d| d.code == "E0130")
        .map(|d| format!("{}: {}", d.span.line, d.message))
        .collect();
    // Rows start on line 31 of the generated file; row i is on line 30 + i.
    let mut want: Vec<String> = (2001..=2010u32)
        .map(|i| {
            format!(
                "{}: this row of `ad_rate` ({}) overlaps the row at line {}",
                30 + i,
                i - 2000,
                30 + i - 2000
            )
        })
        .collect();
    want.insert(
        0,
        "28: and 20 more overlapping row(s) in `ad_rate` (the first 10 are shown)".into(),
    );
    assert_eq!(overlaps, want, "{}", describe(&diags));
    // Besides the overlaps: the step using the refused table says so (E0305), once.
    assert_eq!(diags.len(), 12, "{}", describe(&diags));
    assert_eq!(diags.iter().filter(|d| d.code == "E0305").count(), 1);
}

#[test]
fn invalid_fixtures() {
    insta::glob!("../fixtures/invalid", "*.yaml", |path| {
        let file = relative(path);
        let name = file.to_str().expect("fixture path is UTF-8");
        let (code, out, err) = cli(&["validate", name]);
        assert_eq!(code, 1, "{name} must be invalid; it printed:\n{err}");
        assert_eq!(out, "", "{name}: text diagnostics go to stderr");
        insta::assert_snapshot!(err);

        let (products, diags) = load(std::slice::from_ref(&file));
        assert_eq!(products, 0, "{name} must not load");
        let bytes = std::fs::read(path).expect("read fixture");
        if is_blank(&bytes) || is_binary(&bytes) {
            // No line to point at: the diagnostic names the file alone.
            assert!(
                diags
                    .iter()
                    .any(|d| d.is_error() && d.file.as_deref() == Some(&*file)),
                "{name}: no error names the file:\n{}",
                describe(&diags)
            );
        } else {
            assert!(
                errors_located(&diags, &file),
                "{name}: no error names the file, or an error has no line and column:\n{}",
                describe(&diags)
            );
        }
    });
}

#[test]
fn test_case_requests_are_checked_by_validate() {
    insta::glob!("../fixtures/invalid/requests", "*.yaml", |path| {
        let file = relative(path);
        let name = file.to_str().expect("fixture path is UTF-8");
        let (code, out, err) = cli(&["validate", name]);
        assert_eq!((code, out.as_str()), (1, ""), "{name}: {err}");
        insta::assert_snapshot!(err);

        // The product itself loads: its test cases' requests are what is refused, each at
        // its line in the product file and with the message `test` gives.
        let (products, diags) = load_paths(std::slice::from_ref(&file), &LoadOptions::default());
        assert!(diags.is_empty(), "{}", describe(&diags.into_vec()));
        let refused = coverwright::cases::check_requests(&products[0]);
        assert!(!refused.is_empty(), "{name}");
        assert!(errors_located(&refused, &file), "{}", describe(&refused));
        let (code, tested, _) = cli(&["test", name]);
        assert_eq!(code, 1, "{name}: {tested}");
        for d in &refused {
            assert!(
                tested.contains(&d.message),
                "`test` does not say: {}",
                d.message
            );
        }
    });
}

#[test]
fn a_product_without_test_cases_is_a_warning() {
    let (code, out, err) = cli(&[
        "validate",
        "tests/fixtures/invalid/warnings/no_test_cases.yaml",
    ]);
    assert_eq!((code, out.as_str()), (0, ""));
    insta::assert_snapshot!(err);
}

#[test]
fn overlapping_versions_of_one_code() {
    let dir = "tests/fixtures/invalid/overlap";
    let (code, out, err) = cli(&["validate", dir]);
    assert_eq!((code, out.as_str()), (1, ""));
    insta::assert_snapshot!(err);

    let later = PathBuf::from(dir).join("min-acc-2024.2.yaml");
    let (products, diags) = load(&[PathBuf::from(dir)]);
    assert_eq!(products, 2, "each version is valid on its own");
    let overlap: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == "E0141").collect();
    assert_eq!(overlap.len(), 1, "{}", describe(&diags));
    assert_eq!(overlap[0].file.as_deref(), Some(&*later));
    assert_eq!((overlap[0].span.line, overlap[0].span.column), (10, 17));
}

// ---------------------------------------------------------------- shipped products, schema, JSON

#[test]
fn shipped_products_are_valid() {
    let (code, out, err) = cli(&["validate", "products"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "");
    assert!(!err.contains("error"), "{err}");

    let files = std::fs::read_dir(root().join("products"))
        .expect("products folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .filter(|e| !e.path().ends_with(coverwright::regulation::FILE_NAME))
        .count();
    assert!(files > 0, "no products shipped");
    assert_eq!(err, format!("{files} product version(s) valid\n"));
    let (products, diags) = load(&[PathBuf::from("products")]);
    assert_eq!(products, files);
    assert!(diags.is_empty(), "{}", describe(&diags));
}

/// The committed JSON Schema, compiled.
fn schema_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("products/product.schema.json"))
        .expect("products/product.schema.json");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&schema).expect("schema compiles")
}

/// What an editor's schema check reports for a YAML file: one line per error.
fn schema_errors(v: &jsonschema::Validator, file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).expect("read YAML");
    let value: serde_json::Value = match serde_saphyr::from_str(&text) {
        Ok(v) => v,
        Err(e) => return vec![format!("not YAML: {e}")],
    };
    v.iter_errors(&value)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The product files of a folder: its `.yaml` files but the regulatory baseline.
fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .expect("folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .filter(|p| p.file_name().is_none_or(|n| n != "regulation.yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn shipped_products_and_valid_fixtures_satisfy_the_schema() {
    let v = schema_validator();
    let files: Vec<PathBuf> = yaml_files("products")
        .into_iter()
        .chain(yaml_files("tests/fixtures/valid"))
        .collect();
    assert!(files.len() >= 10, "{files:?}");
    let mut failures = String::new();
    for f in &files {
        for e in schema_errors(&v, f) {
            failures.push_str(&format!("{}: {e}\n", relative(f).display()));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn invalid_fixtures_the_schema_can_see_fail_it() {
    let v = schema_validator();
    for name in [
        "unknown_line.yaml",
        "unknown_segment.yaml",
        "unknown_rounding_mode.yaml",
        "unknown_words.yaml",
        "term_unit.yaml",
        "unknown_key.yaml",
        "unknown_key_top_level.yaml",
        "missing_required_field.yaml",
        "missing_required_top_level.yaml",
        "wrong_type_bool.yaml",
        "wrong_type_integer.yaml",
    ] {
        let file = root().join("tests/fixtures/invalid").join(name);
        assert!(
            !schema_errors(&v, &file).is_empty(),
            "{name} satisfies the schema"
        );
    }
}

#[test]
fn every_product_names_the_schema_for_editors() {
    for f in yaml_files("products") {
        let text = std::fs::read_to_string(&f).expect("product");
        assert!(
            text.lines()
                .next()
                .is_some_and(|l| l == "# yaml-language-server: $schema=product.schema.json"),
            "{} lacks the modeline",
            f.display()
        );
    }
}

#[test]
fn committed_schema_is_current() {
    let (code, out, err) = cli(&["schema"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let committed = std::fs::read_to_string(root().join("products/product.schema.json"))
        .expect("products/product.schema.json");
    assert!(
        out == committed,
        "products/product.schema.json is out of date: run `coverwright schema > products/product.schema.json`"
    );
}

#[test]
fn json_format_gives_an_array_of_diagnostics() {
    let (code, out, err) = cli(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/invalid/unknown_key.yaml",
        "tests/fixtures/invalid/empty.yaml",
    ]);
    assert_eq!((code, err.as_str()), (1, ""));
    let got: serde_json::Value = serde_json::from_str(&out).expect("stdout is JSON");
    let want = serde_json::json!([
        {
            "code": "E0011",
            "severity": "error",
            "file": "tests/fixtures/invalid/unknown_key.yaml",
            "line": 25,
            "column": 5,
            "message": "unknown key `sum_insurd`",
            "help": "did you mean `sum_insured`?"
        },
        {
            "code": "E0003",
            "severity": "error",
            "file": "tests/fixtures/invalid/empty.yaml",
            "line": 1,
            "column": 1,
            "message": "the file is empty",
            "help": "a product file is a YAML mapping starting with `code:`"
        }
    ]);
    assert_eq!(got, want);
}

#[test]
fn json_format_of_valid_products_is_an_empty_array() {
    let (code, out, err) = cli(&["validate", "--format", "json", "products"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "[]\n", ""));
}

// ---------------------------------------------------------------- hostile inputs

/// The minimal product without its header comment.
fn minimal_body() -> String {
    let text = std::fs::read_to_string(root().join("tests/fixtures/valid/minimal.yaml"))
        .expect("minimal product");
    let start = text
        .find("code:")
        .expect("minimal product starts with `code:`");
    text[start..].to_string()
}

/// Runs `f` on a thread with the stack of a program's main thread (8 MB), where the command
/// line parses product files. Nesting up to the YAML depth limit takes more stack per level in
/// a debug build than a test thread's 2 MB allow.
fn with_main_thread_stack(f: impl FnOnce() + Send + 'static) {
    let thread = std::thread::Builder::new()
        .stack_size(8 * 1024 * 1024)
        .spawn(f)
        .expect("spawn thread");
    if let Err(panic) = thread.join() {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn hostile_inputs_give_errors() {
    with_main_thread_stack(hostile_inputs);
}

fn hostile_inputs() {
    let dir = scratch("hostile");
    let body = minimal_body();
    let mut bomb = String::from(
        "a0: &a0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n",
    );
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    bomb.push_str(&body);
    let mut big = body.clone();
    big.push_str("special_clauses:\n");
    let clause = "  - {zh: 特别约定, en: Special clause}\n";
    while big.len() < 20 * 1024 * 1024 {
        big.push_str(clause);
    }
    let cut = body.find("en: Accidental death").expect("coverage name") + 6;
    // Name, content, the error expected, and whether it can point at a line.
    let cases: Vec<(&str, Vec<u8>, &str, bool)> = vec![
        ("empty.yaml", Vec::new(), "E0003", false),
        (
            "blank.yaml",
            b"\n   \n# nothing but a comment\n".to_vec(),
            "E0003",
            false,
        ),
        (
            "nul.yaml",
            b"code: MIN-ACC\n\0\0\0\n".to_vec(),
            "E0002",
            false,
        ),
        (
            "not_utf8.yaml",
            vec![0xff, 0xfe, 0x00, 0x41, 0x80, 0x81],
            "E0002",
            false,
        ),
        (
            "truncated.yaml",
            body.as_bytes()[..cut].to_vec(),
            "E0001",
            true,
        ),
        ("alias_bomb.yaml", bomb.into_bytes(), "E0001", true),
        (
            "deep_lists.yaml",
            format!(
                "{body}special_clauses: {}{}\n",
                "[".repeat(10_000),
                "]".repeat(10_000)
            )
            .into_bytes(),
            "E0001",
            true,
        ),
        (
            "deep_maps.yaml",
            format!(
                "{body}special_clauses: {}1{}\n",
                "{a: ".repeat(10_000),
                "}".repeat(10_000)
            )
            .into_bytes(),
            "E0001",
            true,
        ),
        ("twenty_mb.yaml", big.clone().into_bytes(), "E0002", false),
    ];
    for (name, bytes, want, located) in &cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write hostile file");
        let (products, diags) = load(std::slice::from_ref(&path));
        assert_eq!(products, 0, "{name} loaded");
        assert!(
            diags
                .iter()
                .any(|d| d.code == *want && d.is_error() && d.file.as_deref() == Some(&*path)),
            "{name}: expected {want}, got:\n{}",
            describe(&diags)
        );
        if *located {
            assert!(
                errors_located(&diags, &path),
                "{name}: an error has no line:\n{}",
                describe(&diags)
            );
        }
        // Rendering reads the file again to show the line: it must not fail either.
        let text = render_all(&diags, &|p: &Path| std::fs::read_to_string(p).ok());
        assert!(text.contains(&format!("error[{want}]")), "{name}: {text}");
    }
    // The text itself, before any file size check.
    let parsed = coverwright::yaml::parse(&big).expect_err("20 MB of YAML is refused");
    assert_eq!(parsed.code, "E0002");
    std::fs::remove_dir_all(&dir).ok();
}

// ---------------------------------------------------------------- mutants of shipped products

/// Copies the folders beside a product (CSV tables, calendars, censuses) into `to`.
fn copy_folders(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from)
        .expect("read folder")
        .filter_map(|e| e.ok())
    {
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from)
        .expect("read folder")
        .filter_map(|e| e.ok())
    {
        let (src, dest) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_tree(&src, &dest);
        } else {
            std::fs::copy(&src, &dest).expect("copy file");
        }
    }
}

/// Single edits of a product file, each named.
fn mutants(text: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let join = |ls: &[String]| ls.join("\n") + "\n";
    let owned = || lines.iter().map(|l| l.to_string()).collect::<Vec<String>>();
    let is_key = |l: &str| {
        let t = l.trim_start();
        !t.starts_with('#') && !t.starts_with('-') && t.contains(':')
    };
    let top_keys: Vec<usize> = (0..lines.len())
        .filter(|&i| is_key(lines[i]) && !lines[i].starts_with(' '))
        .collect();
    let mut out = Vec::new();

    // Delete each top-level key's line.
    for &i in &top_keys {
        let mut ls = owned();
        ls.remove(i);
        out.push((format!("delete-line-{}", i + 1), join(&ls)));
    }
    // Duplicate each top-level key's line.
    for &i in &top_keys {
        let mut ls = owned();
        ls.insert(i + 1, lines[i].to_string());
        out.push((format!("duplicate-line-{}", i + 1), join(&ls)));
    }
    // Add an unknown key at the top and beside a sample of nested keys.
    let mut ls = owned();
    ls.insert(top_keys[0] + 1, "covrages: []".to_string());
    out.push(("unknown-top-key".to_string(), join(&ls)));
    let nested: Vec<usize> = (0..lines.len())
        .filter(|&i| is_key(lines[i]) && lines[i].starts_with(' '))
        .collect();
    for &i in nested.iter().step_by(7) {
        let indent = lines[i].len() - lines[i].trim_start().len();
        let mut ls = owned();
        ls.insert(i + 1, format!("{}zz_unknown: 1", " ".repeat(indent)));
        out.push((format!("unknown-key-after-{}", i + 1), join(&ls)));
    }
    // Turn the first number on a sample of lines into a word.
    let numbered: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            !lines[i].trim_start().starts_with('#')
                && lines[i].contains(|c: char| c.is_ascii_digit())
        })
        .collect();
    for &i in numbered.iter().step_by(4) {
        let line = lines[i];
        let start = line.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
        let end = line[start..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '%' || c == '‰'))
            .map_or(line.len(), |e| start + e);
        let mut ls = owned();
        ls[i] = format!("{}many{}", &line[..start], &line[end..]);
        out.push((format!("word-for-number-{}", i + 1), join(&ls)));
    }
    // Break the YAML: a bracket or brace left open.
    let bracketed: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].trim_end().ends_with(']') || lines[i].trim_end().ends_with('}'))
        .collect();
    for &i in bracketed.iter().step_by(5) {
        let mut ls = owned();
        let t = lines[i].trim_end();
        ls[i] = t[..t.len() - 1].to_string();
        out.push((format!("unclosed-bracket-{}", i + 1), join(&ls)));
    }
    let mut ls = owned();
    ls.insert(top_keys[0] + 1, "tags: [accident, group".to_string());
    out.push(("unclosed-bracket-new-key".to_string(), join(&ls)));
    // Truncate at several points: nothing left, then every eighth of the file moved a few
    // bytes on so that most cuts fall inside a line.
    for eighth in 0..8 {
        let mut at = (text.len() * eighth / 8 + 5 * eighth).min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        out.push((format!("truncate-at-{at}"), text[..at].to_string()));
    }
    out
}

#[test]
fn mutants_of_shipped_products_never_panic_and_point_at_a_line() {
    let products_dir = root().join("products");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&products_dir)
        .expect("products folder")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .filter(|p| !p.ends_with(coverwright::regulation::FILE_NAME))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no products shipped");

    let mut failures = Vec::new();
    let (mut total, mut invalid) = (0, 0);
    for file in &files {
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("file name");
        let dir = scratch(&format!("mutants-{stem}"));
        copy_folders(&products_dir, &dir);
        let text = std::fs::read_to_string(file).expect("read product");

        // The copy itself is valid beside the copied folders.
        let original = dir.join(format!("{stem}.yaml"));
        std::fs::write(&original, &text).expect("write copy");
        let (_, diags) = load(std::slice::from_ref(&original));
        assert!(
            diags.is_empty(),
            "{stem} is not valid when copied:\n{}",
            describe(&diags)
        );
        std::fs::remove_file(&original).expect("remove copy");

        for (name, mutant) in mutants(&text) {
            total += 1;
            let path = dir.join(format!("{stem}.{name}.yaml"));
            std::fs::write(&path, &mutant).expect("write mutant");
            let run = catch_unwind(AssertUnwindSafe(|| {
                let (_, diags) = load(std::slice::from_ref(&path));
                // Rendering must not panic either.
                let text = render_all(&diags, &|p: &Path| std::fs::read_to_string(p).ok());
                (diags, text)
            }));
            let Ok((diags, rendered)) = run else {
                failures.push(format!("{}: panicked", path.display()));
                continue;
            };
            if !diags.iter().any(Diagnostic::is_error) {
                continue;
            }
            invalid += 1;
            if is_blank(mutant.as_bytes()) {
                continue;
            }
            if !errors_located(&diags, &path) {
                failures.push(format!(
                    "{}: no error names the file, or an error has no line:\n{rendered}",
                    path.display()
                ));
            }
        }
        std::fs::remove_dir_all(&dir).ok();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Most single edits must be caught, or the mutants are not testing anything.
    assert!(total >= 60, "only {total} mutants");
    assert!(
        invalid * 10 >= total * 7,
        "only {invalid} of {total} mutants were reported invalid"
    );
}

/// A product without benefits that names a benefit illustration fails the template check, as
/// `render` refuses that document for its quotes.
#[test]
fn an_illustration_named_by_a_product_without_benefits_fails_the_template_check() {
    let (products, diags) = load_paths(
        &[root().join("products/sp-acc-2025.yaml")],
        &LoadOptions { templates: None },
    );
    assert!(!diags.has_errors(), "{}", describe(&diags.into_vec()));
    let mut p = products.into_iter().next().expect("SP-ACC");
    p.documents
        .insert("illustration".to_string(), "illustration.html".to_string());
    let out = coverwright::cases::check_templates(&p, &root().join("templates"));
    let refused: Vec<&Diagnostic> = out
        .iter()
        .filter(|d| d.is_error() && d.message.contains("a benefit illustration states"))
        .collect();
    // One diagnostic: the refusals of both languages and formats share its place.
    assert_eq!(refused.len(), 1, "{}", describe(&out));
    assert!(
        refused[0].message.ends_with("(SP-ACC@2025.1, zh)"),
        "{}",
        describe(&out)
    );
}
