//! The regulatory baseline: for each checklist item a fixture product or request that breaks
//! it with its exact diagnostic or decline, and one that sits on the limit and passes; copies
//! of the shipped products without their own rules; the baseline file's own checks, schema
//! and listing.
//!
//! Paths are relative to the package root, so diagnostics in snapshots name
//! `tests/fixtures/...` on every machine; scratch copies are shown as `<scratch>/...`.

use std::path::{Path, PathBuf};

use coverwright::regulation;

use crate::support::run;

const FIXTURES: &str = "tests/fixtures/regulation";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The product fixtures of one folder, sorted.
fn fixtures(folder: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(FIXTURES).join(folder))
        .expect("fixture folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

fn stem(p: &Path) -> String {
    p.file_stem()
        .and_then(|s| s.to_str())
        .expect("file name")
        .to_string()
}

// ---------------------------------------------------------------- the checklist, by fixture

/// Every fixture: a `-fail` file is refused (exit 1), a `-pass` or `-acknowledged` file is
/// valid with no diagnostic at all, a `-warn` file is valid with one warning; the exact
/// output is pinned by a snapshot per file.
#[test]
fn every_checklist_fixture_gets_its_exact_diagnostics() {
    let mut files = fixtures("products");
    files.extend(fixtures("own-checks"));
    assert_eq!(files.len(), 31, "fixtures: {files:?}");
    for file in files {
        let name = stem(&file);
        let rel = format!(
            "{FIXTURES}/{}/{name}.yaml",
            file.parent()
                .and_then(|p| p.file_name())
                .and_then(|s| s.to_str())
                .expect("folder")
        );
        let (code, out, err) = run(&["validate", &rel]);
        assert_eq!(out, "", "{name}");
        if name.ends_with("-pass") || name.ends_with("-acknowledged") {
            assert_eq!(
                (code, err.as_str()),
                (0, "1 product version(s) valid\n"),
                "{name}"
            );
            continue;
        }
        if name.ends_with("-warn") || name == "09-grace-fail" {
            assert_eq!(code, 0, "{name}: {err}");
            assert!(
                err.ends_with("1 product version(s) valid, 1 warning(s)\n"),
                "{name}: {err}"
            );
        } else {
            assert_eq!(code, 1, "{name}: {err}");
        }
        insta::assert_snapshot!(format!("validate-{name}"), err);
    }
}

/// A diagnostic's code, line and column.
type Place = (&'static str, u32, u32);

/// The checklist item each code stands for, and the line and column each fixture is refused
/// at: the line that makes the product looser.
#[test]
fn checklist_failures_point_at_the_line_that_makes_the_product_looser() {
    let cases: &[(&str, &[Place])] = &[
        ("products/01-min-members-fail", &[("E0610", 11, 8)]),
        ("products/02-occupation-fail", &[("E0611", 16, 52)]),
        ("own-checks/04-waiting-fail", &[("E0116", 12, 22)]),
        ("products/05-cooling-off-fail", &[("E0613", 13, 19)]),
        ("products/06-pricing-fail", &[("E0614", 81, 21)]),
        ("products/06-pricing-warn", &[("W0611", 61, 13)]),
        // The `rate` of the high scenario, in `pension.account.scenarios`.
        ("products/06-illustration-fail", &[("E0615", 96, 53)]),
        ("products/06-illustration-warn", &[("W0611", 96, 53)]),
        (
            "products/07-mortality-fail",
            &[("E0616", 59, 54), ("E0616", 60, 56)],
        ),
        (
            "products/08-contribution-fail",
            &[("E0617", 38, 14), ("E0617", 79, 17)],
        ),
        ("products/09-grace-fail", &[("W0610", 13, 20)]),
        (
            "products/09-grace-bad-acknowledgement",
            &[("E0630", 44, 11), ("E0630", 46, 11)],
        ),
        (
            "products/10-credit-fail",
            &[
                ("E0618", 45, 14),
                ("E0619", 53, 19),
                ("E0619", 55, 16),
                ("E0618", 137, 20),
            ],
        ),
        ("products/10-credit-rule-fail", &[("E0618", 34, 47)]),
        ("products/11-vat-fail", &[("E0620", 20, 10)]),
        ("products/11-vat-rate-fail", &[("E0620", 34, 13)]),
        ("own-checks/12-short-period-fail", &[("E0107", 12, 26)]),
        (
            "products/13-instalments-fail",
            &[("E0622", 42, 54), ("E0622", 43, 50)],
        ),
    ];
    for (file, want) in cases {
        let path = format!("{FIXTURES}/{file}.yaml");
        let (_, out, _) = run(&["validate", "--format", "json", &path]);
        let got: serde_json::Value = serde_json::from_str(&out).expect("JSON diagnostics");
        let got: Vec<(String, u64, u64)> = got
            .as_array()
            .expect("an array")
            .iter()
            .map(|d| {
                assert_eq!(d["file"], path.as_str());
                (
                    d["code"].as_str().expect("code").to_string(),
                    d["line"].as_u64().expect("line"),
                    d["column"].as_u64().expect("column"),
                )
            })
            .collect();
        let want: Vec<(String, u64, u64)> = want
            .iter()
            .map(|(c, l, col)| (c.to_string(), u64::from(*l), u64::from(*col)))
            .collect();
        assert_eq!(got, want, "{file}");
    }
}

// ---------------------------------------------------------------- quoting

/// A request the product's own rules let through but the baseline forbids is declined with
/// the regulatory reason; the request on the limit is quoted, to the fen.
#[test]
fn requests_the_product_lets_through_are_declined_by_the_baseline() {
    let products = format!("{FIXTURES}/products");
    let quote = |product: &str, request: &str| {
        let req = format!("{FIXTURES}/requests/{request}.yaml");
        run(&[
            "quote",
            "--products",
            &products,
            "--product",
            product,
            "--request",
            &req,
            "--format",
            "json",
        ])
    };
    for (product, request) in [
        ("REG-01F", "two-members"),
        ("REG-02F", "class-7"),
        ("REG-10R", "credit-181"),
        ("REG-08F", "contribution-1001"),
    ] {
        let (code, out, err) = quote(product, request);
        assert_eq!((code, err.as_str()), (1, ""), "{product} {request}");
        insta::assert_snapshot!(format!("decline-{request}"), out);
    }
    for (product, request, gross) in [
        // 3 members of classes 1, 6, 6: 100000 / 1000 × (1.0 + 8.0 + 8.0) = 1700.00
        ("REG-01F", "class-6", "1700.00"),
        ("REG-02F", "class-6", "1700.00"),
        // B, O/A, 180 days: 120000 × 0.60% = 720.00, raised to the minimum premium 2000.00
        ("REG-10R", "credit-180", "2000.00"),
        // 1000 a month: 12000.00 a year, exactly the cap
        ("REG-08F", "contribution-1000", "12000.00"),
    ] {
        let (code, out, err) = quote(product, request);
        assert_eq!((code, err.as_str()), (0, ""), "{product} {request}: {out}");
        let q: serde_json::Value = serde_json::from_str(&out).expect("quote JSON");
        assert_eq!(q["totals"]["gross"], gross, "{product} {request}");
    }
}

/// The shipped products' own test cases still pass: the baseline adds a decline only where
/// the product's rules let a request through.
#[test]
fn shipped_test_cases_still_pass() {
    let (code, _, err) = run(&["test", "products"]);
    assert_eq!(code, 0, "{err}");
}

// ---------------------------------------------------------------- copies of the shipped products

/// Removes the list item (`  - rule: <name>`) and every test case that expects it to decline.
fn drop_rule(text: &str, rule: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let starts_item =
        |l: &str| l.starts_with("  - ") || (!l.is_empty() && !l.starts_with([' ', '#']));
    let mut keep = vec![true; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        let is_rule = l.trim_end() == format!("  - rule: {rule}")
            || l.starts_with(&format!("  - rule: {rule} "));
        let declines = l.trim_start().starts_with("decline:") && l.contains(rule);
        if is_rule || declines {
            let mut s = i;
            while declines && !lines[s].starts_with("  - ") {
                s -= 1;
            }
            let mut e = i + 1;
            while e < lines.len() && !starts_item(lines[e]) {
                e += 1;
            }
            keep[s..e].iter_mut().for_each(|k| *k = false);
            i = e;
        } else {
            i += 1;
        }
    }
    let mut out: Vec<&str> = lines
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(l, _)| *l)
        .collect();
    out.push("");
    out.join("\n")
}

fn replace(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "`{from}` is not in the shipped product"
    );
    text.replacen(from, to, 1)
}

/// 1-based line of the first line containing `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` not found")) as u64
        + 1
}

/// A scratch folder holding copies of the products' subfolders.
fn scratch_products(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("regulation")
        .join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove old scratch folder");
    }
    for sub in ["census", "tables", "calendars", "insurers"] {
        let from = root().join("products").join(sub);
        let to = dir.join(sub);
        std::fs::create_dir_all(&to).expect("create scratch folder");
        for e in std::fs::read_dir(&from)
            .expect("products subfolder")
            .flatten()
        {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
        }
    }
    dir
}

/// Removing the `min_members`, `occupation_class`, credit-period and yearly-cap rules from
/// copies of the shipped products makes `validate` refuse them, at the lines that now let
/// the request through.
#[test]
fn shipped_products_without_their_own_rules_are_refused() {
    let dir = scratch_products("without-rules");
    let read = |f: &str| std::fs::read_to_string(root().join("products").join(f)).expect(f);

    // GA-SME: no group-size rule, no occupation rule; classes 0 and 7 get rates so that the
    // tables stay complete.
    let mut ga = drop_rule(
        &drop_rule(&read("ga-sme-2024.yaml"), "min_members"),
        "occupation_class",
    );
    for last in [
        "      - [6, 8.0]\n",
        "      - [6, 17.0]\n",
        "      - [6, 4.50]\n",
    ] {
        let row = last.trim_end();
        ga = replace(
            &ga,
            last,
            &format!("{row}\n      - [0, 1.0]\n      - [7, 20.0]\n"),
        );
    }
    // EC-SME: no credit-period rule.
    let ec = drop_rule(&read("ec-sme-2025.yaml"), "credit_period");
    let ec = replace(&ec, "eligibility:\n", "");
    // PA-FLEX: no yearly-cap rule and no cap on the plan.
    let pa = replace(
        &drop_rule(&read("pa-flex-2025.yaml"), "yearly_cap"),
        "    yearly_cap: 12000\n",
        "",
    );

    let mut want = Vec::new();
    for (file, text) in [("ga.yaml", &ga), ("ec.yaml", &ec), ("pa.yaml", &pa)] {
        std::fs::write(dir.join(file), text).expect("write copy");
        let at =
            |code: &str, needle: &str| (file.to_string(), code.to_string(), line_of(text, needle));
        match file {
            "ga.yaml" => {
                want.push(at("E0610", "eligibility:"));
                want.push(at(
                    "E0611",
                    "occupation_class: {type: integer, min: 0, max: 7}",
                ));
                want.push(at(
                    "E0611",
                    "occupation_class: {type: integer, min: 0, max: 7}",
                ));
            }
            "ec.yaml" => want.push(at("E0618", "credit_days: {type: integer, min: 0, max: 360")),
            _ => {
                want.push(at(
                    "E0617",
                    "contribution: {type: decimal, min: 100, max: 12000",
                ));
                want.push(at("E0617", "    mode: flexible"));
            }
        }
    }
    let dir_s = dir.to_str().expect("UTF-8 path").to_string();
    let (code, out, err) = run(&["validate", "--format", "json", &dir_s]);
    assert_eq!((code, err.as_str()), (1, ""));
    let got: serde_json::Value = serde_json::from_str(&out).expect("JSON diagnostics");
    let got: Vec<(String, String, u64)> = got
        .as_array()
        .expect("an array")
        .iter()
        .map(|d| {
            let file = Path::new(d["file"].as_str().expect("file"));
            (
                file.file_name()
                    .and_then(|s| s.to_str())
                    .expect("name")
                    .to_string(),
                d["code"].as_str().expect("code").to_string(),
                d["line"].as_u64().expect("line"),
            )
        })
        .collect();
    let (mut got, mut want) = (got, want);
    got.sort();
    want.sort();
    assert_eq!(got, want);

    let (_, _, text) = run(&["validate", &dir_s]);
    insta::assert_snapshot!("shipped-without-rules", text.replace(&dir_s, "<scratch>"));
}

// ---------------------------------------------------------------- the baseline file

#[test]
fn shipped_products_meet_the_baseline_without_a_warning() {
    let (products, diags) =
        coverwright::product::load::load_paths(&[root().join("products")], &Default::default());
    assert!(diags.is_empty());
    assert_eq!(products.len(), 9);
    let got = regulation::check_products(&products);
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn the_built_in_baseline_is_the_shipped_file() {
    let (file, diags) = regulation::load_file(&root().join("products/regulation.yaml"));
    assert!(diags.is_empty(), "{:?}", diags.into_vec());
    let file = file.expect("baseline");
    let ids = |b: &regulation::Baseline| -> Vec<(String, String)> {
        b.rules()
            .iter()
            .map(|r| (r.id.clone(), r.period()))
            .collect()
    };
    assert_eq!(ids(regulation::builtin()), ids(&file));
    assert_eq!(file.rules().len(), 28);
}

#[test]
fn a_bad_baseline_is_refused_with_every_problem_located() {
    let (code, out, err) = run(&["validate", &format!("{FIXTURES}/bad-baseline")]);
    assert_eq!((code, out.as_str()), (1, ""));
    insta::assert_snapshot!("bad-baseline", err);
}

#[test]
fn committed_regulation_schema_is_current() {
    let (code, out, err) = run(&["rules", "--schema"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let committed = std::fs::read_to_string(root().join("products/regulation.schema.json"))
        .expect("products/regulation.schema.json");
    assert!(
        out == committed,
        "products/regulation.schema.json is out of date: run `coverwright rules --schema > products/regulation.schema.json`"
    );
}

// ---------------------------------------------------------------- coverwright rules

#[test]
fn rules_lists_the_baseline_in_force_on_a_date() {
    let (code, out, err) = run(&["rules", "--line", "pension", "--on", "2025-10-01"]);
    assert_eq!((code, err.as_str()), (0, ""));
    insta::assert_snapshot!("rules-pension-2025-10-01", out);

    // Before 2025-09-01 the traditional cap is 2.5%, from then 2.0%.
    let cap = |on: &str| {
        let (code, out, _) = run(&["rules", "--line", "pension", "--on", on, "--format", "json"]);
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let rules = v["lines"][0]["rules"].as_array().expect("rules").clone();
        rules
            .iter()
            .find(|r| r["id"] == "pricing_rate_traditional")
            .map(|r| r["limit"]["pricing_rate"]["max"].clone())
            .expect("a traditional cap")
    };
    assert_eq!(cap("2025-08-31"), "0.025");
    assert_eq!(cap("2025-09-01"), "0.020");

    // The universal illustration cap falls from 3.5% to 3.0% with the pricing caps.
    let illustration = |on: &str| {
        let (code, out, _) = run(&["rules", "--line", "pension", "--on", on, "--format", "json"]);
        assert_eq!(code, 0);
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        v["lines"][0]["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .find(|r| r["id"] == "illustration_rate_universal")
            .map(|r| r["limit"]["illustration_rate"]["max"].clone())
            .expect("a universal illustration cap")
    };
    assert_eq!(illustration("2025-08-31"), "0.035");
    assert_eq!(illustration("2025-09-01"), "0.030");

    let (code, out, _) = run(&["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let lines: Vec<&str> = v["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["line"].as_str().expect("line"))
        .collect();
    assert_eq!(lines, ["accident", "health", "pension", "export_credit"]);
    assert_eq!(v["on"], serde_json::Value::Null);
}

#[test]
fn rules_refuses_an_unknown_line_or_date() {
    let (code, _, err) = run(&["rules", "--line", "life"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: --line: unknown line `life`; use one of: accident, health, pension, export_credit\n"
    );
    let (code, _, err) = run(&["rules", "--on", "2025-02-30"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: --on: `2025-02-30` is not a date; write it as YYYY-MM-DD\n"
    );
}
