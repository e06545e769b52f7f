//! The exit-code table (README, `coverwright --help`) for every command: success, invalid
//! input, a missing file and a usage error, each with its documented code; with
//! `--format json`, a failure leaves only JSON diagnostics on stdout.

use crate::quote::tempdir;
use crate::support::run;

const OK: i32 = 0;
const INVALID: i32 = 1;
const USAGE: i32 = 2;
const IO: i32 = 3;

/// One case a line: the expected exit code, then the arguments (none has a space). `{tmp}` is
/// a fresh folder holding `bad.jsonl`, a JSON Lines file whose one record is not JSON.
const TABLE: &str = "
0 validate
1 validate tests/fixtures/invalid/bad_date.yaml
3 validate no-such.yaml
2 validate --format xml
0 list
1 list tests/fixtures/invalid/bad_date.yaml
3 list no-such.yaml
2 list --format xml
0 test
1 test tests/fixtures/invalid/bad_date.yaml
3 test no-such.yaml
2 test --format xml
0 schema
2 schema --bogus
0 quote --product SP-ACC --request examples/sp-acc.yaml
1 quote --product GA-SME --request tests/fixtures/requests/ga-bad-type.yaml
3 quote --product SP-ACC --request no-such.yaml
2 quote --product SP-ACC --request examples/sp-acc.yaml --as-of 2025-13-01
0 render --quote examples/claims/ga-sme-quote.json --document quote --output {tmp}/q.html
1 render --quote examples/ga-sme.yaml --document quote --output {tmp}/q.html
3 render --quote no-such.json --document quote --output {tmp}/q.html
2 render --quote examples/claims/ga-sme-quote.json --document memo --output {tmp}/q.html
0 batch --product SP-ACC --input examples/sp-acc-requests.jsonl --output {tmp}/b.jsonl
1 batch --product SP-ACC --input {tmp}/bad.jsonl --output {tmp}/b.jsonl
3 batch --product SP-ACC --input no-such.jsonl --output {tmp}/b.jsonl
2 batch --product SP-ACC --input examples/sp-acc-requests.jsonl --output {tmp}/b.jsonl --threads 0
0 rules
1 rules --products tests/fixtures/regulation/bad-baseline
3 rules --products no-such-folder
2 rules --line life
0 schedule --product GA-SME --plan monthly --start 2024-01-31 --premium 1200.00
1 schedule --product GA-SME --plan monthly --start 2024-01-31 --premium 1200.00 --products tests/fixtures/invalid
3 schedule --product GA-SME --plan monthly --start 2024-01-31 --premium 1200.00 --products no-such-folder
2 schedule --product GA-SME --plan monthly --start 2024-01-31 --premium abc
0 claim --quote examples/claims/ga-sme-quote.json --claim examples/claims/accident-two-injuries.yaml
1 claim --quote examples/claims/ga-sme-quote.json --claim tests/fixtures/claims/bad-date.yaml
3 claim --quote examples/claims/ga-sme-quote.json --claim no-such.yaml
2 claim --quote examples/claims/ga-sme-quote.json --claim examples/claims/accident-two-injuries.yaml --format xml
0 declare --quote examples/claims/ec-sme-quote.json --declarations examples/ec-sme-declarations.csv
1 declare --quote examples/claims/ec-sme-quote.json --declarations examples/ga-sme-census.csv
3 declare --quote examples/claims/ec-sme-quote.json --declarations no-such.csv
2 declare --quote examples/claims/ec-sme-quote.json --declarations examples/ec-sme-declarations.csv --format xml
0 annuity --age 60 --interest 0.025 --table products/tables/cl_2010_2013_qx.csv --column CL5
1 annuity --age 60 --interest 0.025 --table tests/fixtures/actuarial/gap.csv
3 annuity --age 60 --interest 0.025 --table no-such.csv
2 annuity --age 60 --interest abc --table products/tables/cl_2010_2013_qx.csv --column CL5
0 diff GSM-SME@2024.1 GSM-SME@2024.1
1 diff GSM-SME@2024.1 tests/fixtures/invalid/bad_date.yaml
3 diff GSM-SME@2024.1 no-such.yaml
2 diff GSM-SME@2024.1 GSM-SME@9.9
0 impact --from GSM-SME@2024.1 --to GSM-SME@2025.9 --input examples/gsm-sme-book.csv --request examples/gsm-sme.yaml --group-column company
1 impact --from GSM-SME@2024.1 --to GSM-SME@2025.9 --input examples/gsm-sme-book.csv --request tests/fixtures/requests/ga-bad-type.yaml --group-column company
3 impact --from GSM-SME@2024.1 --to GSM-SME@2025.9 --input no-such.csv --request examples/gsm-sme.yaml --group-column company
2 impact --from GSM-SME@2024.1 --to GSM-SME@2025.9 --input examples/gsm-sme-book.csv --threads 0
0 completions bash
2 completions tcsh
0 man
2 man --bogus
";

/// (command, arguments, expected exit code) of every line of [`TABLE`].
fn cases() -> Vec<(&'static str, Vec<&'static str>, i32)> {
    TABLE
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut words = l.split(' ');
            let code = words.next().unwrap().parse().unwrap();
            let args: Vec<&str> = words.collect();
            (args[0], args, code)
        })
        .collect()
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
        "diff",
        "impact",
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
        "batch", "diff", "impact",
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
        // `batch --format` says how the records are written; its report format is `--report`.
        let flag = if cmd == "batch" {
            "--report"
        } else {
            "--format"
        };
        args.extend([flag.to_string(), "json".to_string()]);
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
    assert_eq!(checked, 28);
}
