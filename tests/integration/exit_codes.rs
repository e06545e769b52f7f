//! The exit-code table (README, `coverwright --help`) for every command: success, invalid
//! input, a missing file and a usage error, each with its documented code; with
//! `--format json`, a failure leaves only JSON diagnostics on stdout.

use crate::quote::tempdir;
use crate::support::run;

const OK: i32 = 0;
const INVALID: i32 = 1;
const USAGE: i32 = 2;
const IO: i32 = 3;

const QUOTE_REQ: &[&str] = &["quote", "--product", "SP-ACC", "--request"];
const SCHEDULE: &[&str] = &[
    "schedule",
    "--product",
    "GA-SME",
    "--plan",
    "monthly",
    "--start",
    "2024-01-31",
];
const CLAIM: &[&str] = &["claim", "--quote", "examples/claims/ga-sme-quote.json"];
const DECLARE: &[&str] = &["declare", "--quote", "examples/claims/ec-sme-quote.json"];
const ANNUITY: &[&str] = &["annuity", "--age", "60", "--interest"];
const TABLE: &str = "products/tables/cl_2010_2013_qx.csv";

/// (command, arguments after the command, expected exit code). `{tmp}` is a fresh folder.
fn cases() -> Vec<(&'static str, Vec<&'static str>, i32)> {
    let with = |a: &[&'static str], b: &[&'static str]| [a, b].concat();
    vec![
        ("validate", vec!["validate"], OK),
        (
            "validate",
            vec!["validate", "tests/fixtures/invalid/bad_date.yaml"],
            INVALID,
        ),
        ("validate", vec!["validate", "no-such.yaml"], IO),
        ("validate", vec!["validate", "--format", "xml"], USAGE),
        ("list", vec!["list"], OK),
        (
            "list",
            vec!["list", "tests/fixtures/invalid/bad_date.yaml"],
            INVALID,
        ),
        ("list", vec!["list", "no-such.yaml"], IO),
        ("list", vec!["list", "--format", "xml"], USAGE),
        ("test", vec!["test"], OK),
        (
            "test",
            vec!["test", "tests/fixtures/invalid/bad_date.yaml"],
            INVALID,
        ),
        ("test", vec!["test", "no-such.yaml"], IO),
        ("test", vec!["test", "--format", "xml"], USAGE),
        ("schema", vec!["schema"], OK),
        ("schema", vec!["schema", "--bogus"], USAGE),
        ("quote", with(QUOTE_REQ, &["examples/sp-acc.yaml"]), OK),
        (
            "quote",
            vec![
                "quote",
                "--product",
                "GA-SME",
                "--request",
                "tests/fixtures/requests/ga-bad-type.yaml",
            ],
            INVALID,
        ),
        ("quote", with(QUOTE_REQ, &["no-such.yaml"]), IO),
        (
            "quote",
            with(
                QUOTE_REQ,
                &["examples/sp-acc.yaml", "--as-of", "2025-13-01"],
            ),
            USAGE,
        ),
        (
            "render",
            vec![
                "render",
                "--quote",
                "examples/claims/ga-sme-quote.json",
                "--document",
                "quote",
                "--output",
                "{tmp}/q.html",
            ],
            OK,
        ),
        (
            "render",
            vec![
                "render",
                "--quote",
                "examples/ga-sme.yaml",
                "--document",
                "quote",
                "--output",
                "{tmp}/q.html",
            ],
            INVALID,
        ),
        (
            "render",
            vec![
                "render",
                "--quote",
                "no-such.json",
                "--document",
                "quote",
                "--output",
                "{tmp}/q.html",
            ],
            IO,
        ),
        (
            "render",
            vec![
                "render",
                "--quote",
                "examples/claims/ga-sme-quote.json",
                "--document",
                "memo",
                "--output",
                "{tmp}/q.html",
            ],
            USAGE,
        ),
        (
            "batch",
            vec![
                "batch",
                "--product",
                "SP-ACC",
                "--input",
                "examples/sp-acc-requests.jsonl",
                "--output",
                "{tmp}/b.jsonl",
            ],
            OK,
        ),
        (
            "batch",
            vec![
                "batch",
                "--product",
                "SP-ACC",
                "--input",
                "{tmp}/bad.jsonl",
                "--output",
                "{tmp}/b.jsonl",
            ],
            INVALID,
        ),
        (
            "batch",
            vec![
                "batch",
                "--product",
                "SP-ACC",
                "--input",
                "no-such.jsonl",
                "--output",
                "{tmp}/b.jsonl",
            ],
            IO,
        ),
        (
            "batch",
            vec![
                "batch",
                "--product",
                "SP-ACC",
                "--input",
                "examples/sp-acc-requests.jsonl",
                "--output",
                "{tmp}/b.jsonl",
                "--threads",
                "0",
            ],
            USAGE,
        ),
        ("rules", vec!["rules"], OK),
        (
            "rules",
            vec![
                "rules",
                "--products",
                "tests/fixtures/regulation/bad-baseline",
            ],
            INVALID,
        ),
        ("rules", vec!["rules", "--products", "no-such-folder"], IO),
        ("rules", vec!["rules", "--line", "life"], USAGE),
        ("schedule", with(SCHEDULE, &["--premium", "1200.00"]), OK),
        (
            "schedule",
            with(
                SCHEDULE,
                &[
                    "--premium",
                    "1200.00",
                    "--products",
                    "tests/fixtures/invalid",
                ],
            ),
            INVALID,
        ),
        (
            "schedule",
            with(
                SCHEDULE,
                &["--premium", "1200.00", "--products", "no-such-folder"],
            ),
            IO,
        ),
        ("schedule", with(SCHEDULE, &["--premium", "abc"]), USAGE),
        (
            "claim",
            with(
                CLAIM,
                &["--claim", "examples/claims/accident-two-injuries.yaml"],
            ),
            OK,
        ),
        (
            "claim",
            with(CLAIM, &["--claim", "tests/fixtures/claims/bad-date.yaml"]),
            INVALID,
        ),
        ("claim", with(CLAIM, &["--claim", "no-such.yaml"]), IO),
        (
            "claim",
            with(
                CLAIM,
                &[
                    "--claim",
                    "examples/claims/accident-two-injuries.yaml",
                    "--format",
                    "xml",
                ],
            ),
            USAGE,
        ),
        (
            "declare",
            with(
                DECLARE,
                &["--declarations", "examples/ec-sme-declarations.csv"],
            ),
            OK,
        ),
        (
            "declare",
            with(DECLARE, &["--declarations", "examples/ga-sme-census.csv"]),
            INVALID,
        ),
        (
            "declare",
            with(DECLARE, &["--declarations", "no-such.csv"]),
            IO,
        ),
        (
            "declare",
            with(
                DECLARE,
                &[
                    "--declarations",
                    "examples/ec-sme-declarations.csv",
                    "--format",
                    "xml",
                ],
            ),
            USAGE,
        ),
        (
            "annuity",
            with(ANNUITY, &["0.025", "--table", TABLE, "--column", "CL5"]),
            OK,
        ),
        (
            "annuity",
            with(
                ANNUITY,
                &["0.025", "--table", "tests/fixtures/actuarial/gap.csv"],
            ),
            INVALID,
        ),
        (
            "annuity",
            with(ANNUITY, &["0.025", "--table", "no-such.csv"]),
            IO,
        ),
        (
            "annuity",
            with(ANNUITY, &["abc", "--table", TABLE, "--column", "CL5"]),
            USAGE,
        ),
        ("completions", vec!["completions", "bash"], OK),
        ("completions", vec!["completions", "tcsh"], USAGE),
        ("man", vec!["man"], OK),
        ("man", vec!["man", "--bogus"], USAGE),
    ]
}

/// Runs every case, with `{tmp}` replaced by a fresh folder holding `bad.jsonl`.
fn run_cases(extra: &[&str]) -> Vec<(String, i32, i32, String, String)> {
    let tmp = tempdir(&format!("exit-codes{}", extra.len()));
    std::fs::write(tmp.join("bad.jsonl"), "this is not JSON\n").unwrap();
    let tmp = tmp.to_str().unwrap().to_string();
    cases()
        .into_iter()
        .map(|(_, args, want)| {
            let mut args: Vec<String> = args.iter().map(|a| a.replace("{tmp}", &tmp)).collect();
            args.extend(extra.iter().map(|s| s.to_string()));
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, out, err) = run(&refs);
            (args.join(" "), want, code, out, err)
        })
        .collect()
}

#[test]
fn every_command_ends_with_the_documented_exit_code() {
    let mut wrong = Vec::new();
    for (args, want, code, _, err) in run_cases(&[]) {
        if code != want {
            wrong.push(format!("`{args}`: {code}, expected {want}\n{err}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_command_is_in_the_table_with_each_outcome_it_can_have() {
    let cases = cases();
    let commands = [
        "validate",
        "list",
        "test",
        "schema",
        "quote",
        "render",
        "batch",
        "rules",
        "schedule",
        "claim",
        "declare",
        "annuity",
        "completions",
        "man",
    ];
    for c in commands {
        let codes: Vec<i32> = cases.iter().filter(|x| x.0 == c).map(|x| x.2).collect();
        assert!(
            codes.contains(&OK) && codes.contains(&USAGE),
            "{c}: {codes:?}"
        );
        if !["schema", "completions", "man"].contains(&c) {
            assert!(
                codes.contains(&INVALID) && codes.contains(&IO),
                "{c}: {codes:?}"
            );
        }
    }
    // And the help lists every command the table covers.
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for c in commands {
        assert!(out.contains(&format!("  {c} ")), "{c} not in --help");
    }
    assert!(out.contains("Exit codes:\n  0    done"), "{out}");
}

#[test]
fn with_json_a_failure_is_json_diagnostics_on_stdout_and_nothing_else() {
    // The commands that print results take --format json; their failures other than clap's
    // own usage errors (bad flag syntax, printed by clap on stderr) are JSON on stdout.
    let json_commands = [
        "validate", "list", "test", "quote", "rules", "schedule", "claim", "declare", "annuity",
        "batch",
    ];
    let tmp = tempdir("exit-codes-json");
    std::fs::write(tmp.join("bad.jsonl"), "this is not JSON\n").unwrap();
    let tmp = tmp.to_str().unwrap().to_string();
    let mut checked = 0;
    for (cmd, args, want) in cases() {
        if !json_commands.contains(&cmd) || args.contains(&"xml") || args.contains(&"--threads") {
            continue;
        }
        let mut args: Vec<String> = args.iter().map(|a| a.replace("{tmp}", &tmp)).collect();
        args.extend(["--format".to_string(), "json".to_string()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = run(&refs);
        assert_eq!(code, want, "{}: {err}", args.join(" "));
        let v: serde_json::Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{}: stdout is not JSON ({e}): {out}", args.join(" ")));
        // Results: a batch in which a record failed still gives its summary.
        if want == OK || (cmd == "batch" && want == INVALID) {
            assert!(v.is_object() || v.is_array(), "{}", args.join(" "));
            continue;
        }
        // The same objects `validate --format json` prints.
        let items = v
            .as_array()
            .unwrap_or_else(|| panic!("{}: {out}", args.join(" ")));
        assert!(!items.is_empty(), "{}", args.join(" "));
        for d in items {
            let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                keys,
                [
                    "code", "column", "file", "help", "line", "message", "severity"
                ],
                "{}",
                args.join(" ")
            );
        }
        let code_of = |d: &serde_json::Value| d["code"].as_str().unwrap().to_string();
        if want == IO {
            assert!(
                items
                    .iter()
                    .any(|d| ["E0251", "E0201", "E0240", "E0220"].contains(&code_of(d).as_str())),
                "{}: {out}",
                args.join(" ")
            );
        }
        if want == INVALID && cmd == "annuity" {
            // A failure with no code of its own.
            assert_eq!(code_of(&items[0]), "E0252", "{out}");
        }
        if want == USAGE {
            assert_eq!(code_of(&items[0]), "E0250", "{}", args.join(" "));
        }
        checked += 1;
    }
    assert_eq!(checked, 23);
}
