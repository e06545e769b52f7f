//! Request resolution: the header (start date) read once with located errors, and the product
//! version picked by the cover start date, the same for `quote`, `batch` and `test`.

use crate::quote::tempdir;
use crate::support::run;

fn quote(product: &str, request: &str, extra: &[&str]) -> (i32, String, String) {
    let mut argv = vec!["quote", "--product", product, "--request", request];
    argv.extend_from_slice(extra);
    run(&argv)
}

#[test]
fn an_impossible_start_date_is_an_error_at_its_line_with_exit_code_1() {
    for (file, date) in [
        ("tests/fixtures/requests/sp-acc-feb-30.yaml", "2025-02-30"),
        ("tests/fixtures/requests/sp-acc-month-13.yaml", "2024-13-01"),
    ] {
        let (code, out, err) = quote("SP-ACC", file, &[]);
        assert_eq!(code, 1, "{err}");
        assert_eq!(out, "");
        let want = format!(
            "error[E0206]: `{date}` is not a date; write it as YYYY-MM-DD\n --> {file}:7:8\n  |\n7 | start: {date}\n  |        ^^^^^^^^^^\n  |\n  = help: the first day of cover, a real calendar date\n\n1 error(s) in the request\n"
        );
        assert_eq!(err, want);
        assert!(!err.contains("1970"), "no fallback date: {err}");
    }
}

#[test]
fn a_start_date_before_every_version_is_an_error_at_the_start_line() {
    let file = "tests/fixtures/requests/sp-acc-before-launch.yaml";
    let (code, out, err) = quote("SP-ACC", file, &[]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, "");
    insta::assert_snapshot!(err, @r"
    error[E0215]: no version of `SP-ACC` is in force on 2020-01-01; versions: 2025.1 (2025-01-01 to open)
     --> tests/fixtures/requests/sp-acc-before-launch.yaml:7:8
      |
    7 | start: 2020-01-01
      |        ^^^^^^^^^^
      |
      = help: the version in force on the cover start date prices the request; change `start`, or name a version with `--product CODE@VERSION`
    ");
}

#[test]
fn an_unknown_product_is_a_usage_error() {
    let (code, _, err) = quote("SP-ACX", "examples/sp-acc.yaml", &[]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err, "error: no product `SP-ACX`; did you mean `SP-ACC`?\n");
}

#[test]
fn the_cover_start_date_picks_the_version_and_as_of_only_dates_the_quote() {
    // examples/gsm-sme.yaml starts on 2025-10-01: version 2025.9 (from 2025-09-01) is in force;
    // 2024.1 ran to 2025-08-31, so a quote made on 2025-06-01 is still priced by 2025.9.
    let (code, out, err) = quote(
        "GSM-SME",
        "examples/gsm-sme.yaml",
        &["--as-of", "2025-06-01", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let q: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(q["product"]["version"], "2025.9");
    assert_eq!(q["as_of"], "2025-06-01");
    assert_eq!(q["valid_until"], "2025-07-01");
    assert_eq!(q["cover"]["start"], "2025-10-01");
    assert_eq!(q["totals"]["gross"], "5730.00");
}

#[test]
fn a_batch_record_with_an_impossible_date_gets_an_error_line_naming_record_and_field() {
    let dir = tempdir("request-batch-date");
    let good = std::fs::read_to_string("tests/fixtures/requests/sp-acc.jsonl").unwrap();
    let bad = good.trim_end().replace("2025-03-01", "2025-02-30");
    let input = dir.join("requests.jsonl");
    std::fs::write(&input, format!("{}\n{bad}\n", good.trim_end())).unwrap();
    let output = dir.join("out.jsonl");
    let (code, _, err) = run(&[
        "batch",
        "--product",
        "SP-ACC",
        "--input",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    let text = std::fs::read_to_string(&output).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["totals"]["gross"], "523.87");
    assert_eq!(lines[1]["record"], 2);
    assert_eq!(lines[1]["row"], 2);
    assert_eq!(lines[1]["error"]["field"], "start");
    assert_eq!(
        lines[1]["error"]["message"],
        "`2025-02-30` is not a date; write it as YYYY-MM-DD (the first day of cover, a real calendar date)"
    );
}

#[test]
fn a_census_batch_whose_request_has_an_impossible_date_quotes_nothing_and_exits_1() {
    let dir = tempdir("request-census-date");
    let output = dir.join("out.jsonl");
    let (code, _, err) = run(&[
        "batch",
        "--product",
        "SP-ACC",
        "--input",
        "tests/fixtures/requests/sp-acc-census.csv",
        "--request",
        "tests/fixtures/requests/sp-acc-feb-30.yaml",
        "--output",
        output.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("error[E0206]: `2025-02-30` is not a date"),
        "{err}"
    );
    assert!(
        err.contains("tests/fixtures/requests/sp-acc-feb-30.yaml:7:8"),
        "{err}"
    );
    assert!(err.ends_with("error: nothing was quoted\n"), "{err}");
}

/// The SP-ACC example request with `from` replaced by `to`.
fn sp_acc_with(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string("examples/sp-acc.yaml").unwrap();
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

#[test]
fn each_request_code_is_reported_at_its_problem() {
    let dir = tempdir("request-codes");
    let census = dir.join("census.csv");
    let bad_cell = dir.join("bad-cell.csv");
    let cases: Vec<(&str, String, Vec<String>, i32)> = vec![
        (
            "E0203",
            sp_acc_with("members:\n", "members: 5\nx:\n"),
            vec![],
            1,
        ),
        ("E0204", sp_acc_with("coverages:", "covrages:"), vec![], 1),
        (
            "E0205",
            sp_acc_with("start:", "product: GA-SME\nstart:"),
            vec![],
            1,
        ),
        (
            "E0207",
            sp_acc_with(
                "policyholder: {name: 周建华, id: 92330105MA2XXXXXXA, industry: catering}\n",
                "",
            ),
            vec![],
            1,
        ),
        ("E0208", sp_acc_with("term: 12", "term: 6"), vec![], 1),
        (
            "E0211",
            sp_acc_with("{sum_insured: 300000}", "{sum_insred: 300000}"),
            vec![],
            1,
        ),
        (
            "E0213",
            sp_acc_with("coverages:", "plan: weekly\ncoverages:"),
            vec![],
            1,
        ),
        (
            "E0220",
            sp_acc_with("", ""),
            vec![
                "--census".into(),
                dir.join("none.csv").display().to_string(),
            ],
            1,
        ),
        (
            "E0222",
            sp_acc_with("", ""),
            vec!["--census".into(), census.display().to_string()],
            1,
        ),
        (
            "E0224",
            sp_acc_with("", ""),
            vec!["--census".into(), bad_cell.display().to_string()],
            1,
        ),
    ];
    std::fs::write(&census, "name,agee\n周建华,43\n").unwrap();
    std::fs::write(
        &bad_cell,
        "name,id,age,gender,occupation_class,social_insurance\n周建华,330105198206154312,old,male,2,true\n",
    )
    .unwrap();
    for (code, text, extra, status) in cases {
        let file = dir.join(format!("{code}.yaml"));
        std::fs::write(&file, text).unwrap();
        let mut argv = vec![
            "quote",
            "--product",
            "SP-ACC",
            "--request",
            file.to_str().unwrap(),
        ];
        argv.extend(extra.iter().map(String::as_str));
        let (got, out, err) = run(&argv);
        assert_eq!(got, status, "{code}: {err}");
        assert_eq!(out, "", "{code}");
        assert!(err.contains(&format!("error[{code}]")), "{code}: {err}");
        assert!(
            err.contains(&format!("{}:", file.display())) || code.starts_with("E022"),
            "{code}: {err}"
        );
    }
}

#[test]
fn an_unreadable_request_is_an_io_error_and_a_non_utf8_one_invalid_input() {
    let dir = tempdir("request-io");
    let missing = dir.join("missing.yaml");
    let (code, _, err) = quote("SP-ACC", missing.to_str().unwrap(), &[]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.starts_with("error[E0201]: cannot read the request: "),
        "{err}"
    );
    let latin1 = dir.join("latin1.yaml");
    std::fs::write(
        &latin1,
        b"start: 2025-03-01\npolicyholder: {name: Jos\xe9}\n",
    )
    .unwrap();
    let (code, _, err) = quote("SP-ACC", latin1.to_str().unwrap(), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("error[E0202]: the request is not UTF-8 text"),
        "{err}"
    );
}

#[test]
fn declarations_under_a_product_without_them_are_refused() {
    let dir = tempdir("request-declare-codes");
    let (code, out, err) = quote("SP-ACC", "examples/sp-acc.yaml", &["--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let file = dir.join("quote.json");
    std::fs::write(&file, out).unwrap();
    let (code, _, err) = run(&[
        "declare",
        "--quote",
        file.to_str().unwrap(),
        "--declarations",
        "examples/ec-sme-declarations.csv",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with("error[E0231]: SP-ACC@2025.1 takes no declarations"),
        "{err}"
    );
}

/// Runs the binary with `stdin` as its standard input.
fn run_with_stdin(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_coverwright"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("XDG_CACHE_HOME", crate::support::CACHE_HOME)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_request_on_standard_input_quotes_like_the_file() {
    let text = std::fs::read("examples/sp-acc.yaml").unwrap();
    let (code, out, err) = run_with_stdin(
        &[
            "quote",
            "--product",
            "SP-ACC",
            "--request",
            "-",
            "--format",
            "json",
        ],
        &text,
    );
    assert_eq!(code, 0, "{err}");
    let (_, want, _) = quote("SP-ACC", "examples/sp-acc.yaml", &["--format", "json"]);
    assert_eq!(out, want);
    // `/dev/stdin` is read once, like any file.
    let (code, out, err) = run_with_stdin(
        &[
            "quote",
            "--product",
            "SP-ACC",
            "--request",
            "/dev/stdin",
            "--format",
            "json",
        ],
        &text,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, want);
}

#[test]
fn json_quotes_print_request_errors_as_json_diagnostics_on_stdout() {
    let (code, out, err) = quote(
        "SP-ACC",
        "tests/fixtures/requests/sp-acc-feb-30.yaml",
        &["--format", "json"],
    );
    assert_eq!(code, 1);
    assert_eq!(err, "");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{
            "code": "E0206",
            "severity": "error",
            "file": "tests/fixtures/requests/sp-acc-feb-30.yaml",
            "line": 7,
            "column": 8,
            "message": "`2025-02-30` is not a date; write it as YYYY-MM-DD",
            "help": "the first day of cover, a real calendar date"
        }])
    );
}

#[test]
fn batch_writes_its_lines_to_standard_output_for_dash() {
    let (code, out, err) = run(&[
        "batch",
        "--product",
        "SP-ACC",
        "--input",
        "tests/fixtures/requests/sp-acc.jsonl",
        "--output",
        "-",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1);
    let q: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(q["totals"]["gross"], "523.87");
    assert!(!std::path::Path::new("-").exists());
}

#[test]
fn a_test_case_must_start_while_its_version_is_in_force() {
    use coverwright::product::load::{LoadOptions, load_paths};
    use coverwright::yaml::NodeKind;
    let (products, d) = load_paths(
        &[std::path::PathBuf::from("products/sp-acc-2025.yaml")],
        &LoadOptions::default(),
    );
    assert!(!d.has_errors());
    let mut p = products[0].clone();
    let results = coverwright::cases::run_product(&p);
    assert!(results.iter().all(|r| r.passed));
    let NodeKind::Map(entries) = &mut p.tests[0].request.kind else {
        panic!("a test request is a mapping");
    };
    let start = entries
        .iter_mut()
        .find(|(k, _)| k.as_str() == Some("start"))
        .expect("a start date");
    start.1.kind = NodeKind::Scalar("2020-01-01".into());
    let r = &coverwright::cases::run_product(&p)[0];
    assert!(!r.passed);
    // The start date of the first case is at line 148, column 14 of the product file.
    assert_eq!(
        r.details,
        [
            "request: error[E0215]: no version of `SP-ACC` is in force on 2020-01-01; versions: 2025.1 (2025-01-01 to open) (products/sp-acc-2025.yaml:148:14)"
        ]
    );
}

#[test]
fn every_command_ends_with_the_documented_exit_code() {
    let dir = tempdir("exit-codes");
    let missing = dir.join("missing");
    let missing = missing.to_str().unwrap();
    let (_, quote_json, _) = quote("EC-SME", "examples/ec-sme.yaml", &["--format", "json"]);
    let quote_file = dir.join("quote.json");
    std::fs::write(&quote_file, quote_json).unwrap();
    let quote_file = quote_file.to_str().unwrap();
    let out = dir.join("out.jsonl");
    let out = out.to_str().unwrap();
    let blocked = format!("{missing}/out.jsonl");
    for (args, code) in [
        (vec!["validate", "products"], 0),
        (vec!["validate", "tests/fixtures/invalid/bad_date.yaml"], 1),
        (vec!["validate", missing], 3),
        (vec!["list", "products"], 0),
        (
            vec![
                "quote",
                "--product",
                "SP-ACC",
                "--request",
                "examples/sp-acc.yaml",
            ],
            0,
        ),
        (
            vec!["quote", "--product", "SP-ACC", "--request", missing],
            3,
        ),
        (
            vec![
                "quote",
                "--product",
                "SP-ACC",
                "--request",
                "examples/sp-acc.yaml",
                "--products",
                missing,
            ],
            3,
        ),
        (
            vec![
                "quote",
                "--product",
                "SP-ACC",
                "--request",
                "examples/sp-acc.yaml",
                "--as-of",
                "soon",
            ],
            2,
        ),
        (
            vec![
                "batch",
                "--product",
                "SP-ACC",
                "--input",
                "tests/fixtures/requests/sp-acc.jsonl",
                "--output",
                out,
            ],
            0,
        ),
        (
            vec![
                "batch",
                "--product",
                "SP-ACC",
                "--input",
                missing,
                "--output",
                out,
            ],
            3,
        ),
        (
            vec![
                "batch",
                "--product",
                "SP-ACC",
                "--input",
                "tests/fixtures/requests/sp-acc.jsonl",
                "--output",
                &blocked,
            ],
            3,
        ),
        (
            vec![
                "batch",
                "--product",
                "SP-ACC",
                "--input",
                "tests/fixtures/requests/sp-acc.jsonl",
                "--output",
                out,
                "--threads",
                "0",
            ],
            2,
        ),
        (
            vec![
                "schedule",
                "--product",
                "GA-SME",
                "--plan",
                "monthly",
                "--start",
                "2024-01-31",
                "--premium",
                "1200.00",
            ],
            0,
        ),
        (
            vec![
                "schedule",
                "--product",
                "GA-SME",
                "--plan",
                "monthly",
                "--start",
                "2024-02-30",
                "--premium",
                "1200.00",
            ],
            2,
        ),
        (
            vec![
                "declare",
                "--quote",
                quote_file,
                "--declarations",
                "examples/ec-sme-declarations.csv",
            ],
            0,
        ),
        (
            vec!["declare", "--quote", quote_file, "--declarations", missing],
            3,
        ),
        (
            vec![
                "declare",
                "--quote",
                missing,
                "--declarations",
                "examples/ec-sme-declarations.csv",
            ],
            3,
        ),
        (
            vec![
                "render",
                "--quote",
                missing,
                "--document",
                "quote",
                "--output",
                out,
            ],
            3,
        ),
        (
            vec![
                "render",
                "--quote",
                quote_file,
                "--document",
                "leaflet",
                "--output",
                out,
            ],
            2,
        ),
        (
            vec![
                "annuity",
                "--table",
                "products/tables/cl_2010_2013_qx.csv",
                "--column",
                "CL5",
                "--age",
                "60",
                "--interest",
                "0.025",
            ],
            0,
        ),
        (
            vec![
                "annuity",
                "--table",
                "products/tables/cl_2010_2013_qx.csv",
                "--column",
                "CL5",
                "--age",
                "60",
                "--interest",
                "2,5",
            ],
            2,
        ),
    ] {
        let (got, _, err) = run(&args);
        assert_eq!(got, code, "{args:?}: {err}");
    }
}
