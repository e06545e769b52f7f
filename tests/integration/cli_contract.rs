//! The command line as its users meet it: run from any folder of the project, shell
//! completions and the manual page, help for every option, colour only on request or on a
//! terminal, the quote as a statement, `test --format json`, and declarations over the
//! maximum liability flagged.

use std::path::Path;
use std::process::Command;

use crate::quote::tempdir;
use crate::support::run;

/// Runs the binary in `dir` with `env` set (and `COVERWRIGHT_ROOT`, `NO_COLOR` removed unless
/// given).
fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_coverwright"));
    c.args(args)
        .current_dir(dir)
        .env_remove("COVERWRIGHT_ROOT")
        .env_remove("NO_COLOR")
        .env("XDG_CACHE_HOME", crate::support::CACHE_HOME);
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().expect("the binary runs");
    (
        o.status.code().expect("an exit code"),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The product files `list --format json` shows.
fn listed_files(out: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(out).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| p["file"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn from_a_subfolder_the_project_folder_is_found_upwards() {
    let (code, out, err) = run_in(&root().join("docs"), &["list", "--format", "json"], &[]);
    assert_eq!(code, 0, "{err}");
    let files = listed_files(&out);
    assert!(files.len() >= 9, "{files:?}");
    assert!(
        files.iter().all(|f| f.starts_with("../products/")),
        "{files:?}"
    );
    // A path the user gives stays relative to the current folder; `products/` is found above.
    let (code, out, err) = run_in(
        &root().join("docs"),
        &[
            "quote",
            "--product",
            "SP-ACC",
            "--request",
            "../examples/sp-acc.yaml",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let q: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(q["product"]["code"], "SP-ACC");
    // And validate finds both `products/` and `templates/` there.
    let (code, _, err) = run_in(&root().join("docs"), &["validate"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("product version(s) valid"), "{err}");
}

#[test]
fn from_outside_the_project_root_and_env_var_name_it() {
    let outside = tempdir("root-outside");
    let r = root().to_str().unwrap();
    let (code, _, err) = run_in(&outside, &["list"], &[]);
    assert_eq!(code, 3, "{err}");
    assert_eq!(
        err,
        "error: `products` does not exist (run from a project folder, or give --root DIR)\n"
    );
    let (code, out, err) = run_in(&outside, &["--root", r, "list", "--format", "json"], &[]);
    assert_eq!(code, 0, "{err}");
    let files = listed_files(&out);
    assert!(
        files
            .iter()
            .all(|f| f.starts_with(&format!("{r}/products/"))),
        "{files:?}"
    );
    // The global option may follow the command too.
    let (code, out_after, _) = run_in(&outside, &["list", "--format", "json", "--root", r], &[]);
    assert_eq!((code, &out_after), (0, &out));
    let (code, out_env, err) = run_in(
        &outside,
        &["list", "--format", "json"],
        &[("COVERWRIGHT_ROOT", r)],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out_env, out);
    // The flag wins over the variable.
    let (code, _, err) = run_in(
        &outside,
        &["--root", outside.to_str().unwrap(), "list"],
        &[("COVERWRIGHT_ROOT", r)],
    );
    assert_eq!(code, 3, "{err}");
    // A quote from outside: the request by its own path, products and templates from the root.
    let request = root().join("examples/bo-ann.yaml");
    let html = outside.join("illustration.html");
    let (code, _, err) = run_in(
        &outside,
        &[
            "quote",
            "--product",
            "BO-ANN",
            "--request",
            request.to_str().unwrap(),
            "--render",
            "illustration",
            "--lang",
            "en",
            "--output",
            "illustration.html",
        ],
        &[("COVERWRIGHT_ROOT", r)],
    );
    assert_eq!(code, 0, "{err}");
    assert!(html.is_file(), "{err}");
}

const SUBCOMMANDS: &[&str] = &[
    "validate",
    "list",
    "schema",
    "quote",
    "render",
    "batch",
    "rules",
    "test",
    "schedule",
    "claim",
    "declare",
    "annuity",
    "completions",
    "man",
];

#[test]
fn completions_name_every_subcommand_for_every_shell() {
    let (code, bash, err) = run(&["completions", "bash"]);
    assert_eq!(code, 0, "{err}");
    assert!(bash.contains("complete -F _coverwright"), "{bash}");
    for s in SUBCOMMANDS {
        assert!(
            bash.contains(&format!("cmd=\"coverwright__subcmd__{s}\"")),
            "bash: no {s}"
        );
    }
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        for s in SUBCOMMANDS {
            assert!(out.contains(s), "{shell}: no {s}");
        }
    }
}

#[test]
fn the_man_page_is_roff_with_a_section_per_subcommand() {
    let (code, out, err) = run(&["man"]);
    assert_eq!(code, 0, "{err}");
    // After roff's apostrophe set-up (`.ie`/`.el`), the page opens with its title.
    let first = out
        .lines()
        .find(|l| !l.starts_with(".ie ") && !l.starts_with(".el "))
        .unwrap();
    assert!(first.starts_with(".TH coverwright 1"), "{first}");
    assert_eq!(out.matches(".TH ").count(), 1);
    for s in SUBCOMMANDS {
        assert!(
            out.contains(&format!(".SH \"COVERWRIGHT {}\"", s.to_uppercase())),
            "no section for {s}"
        );
    }
    assert!(out.contains("Exit codes:"), "{out}");
}

#[test]
fn every_argument_of_every_command_has_help() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if ["help", "version"].contains(&id) {
                continue;
            }
            if a.get_help().is_none() && a.get_long_help().is_none() {
                missing.push(format!("{path} {id}"));
            }
        }
        for s in cmd.get_subcommands() {
            walk(s, &format!("{path} {}", s.get_name()), missing);
        }
    }
    let cmd = crate::cli::Cli::command();
    cmd.clone().debug_assert();
    let mut missing = Vec::new();
    walk(&cmd, "coverwright", &mut missing);
    assert!(missing.is_empty(), "arguments without help: {missing:?}");
    // Closed sets list their values in the help.
    let (_, out, _) = run(&["annuity", "--help"]);
    assert!(out.contains("[possible values: woolhouse2, udd]"), "{out}");
    assert!(out.contains("[possible values: 1, 2, 4, 12]"), "{out}");
    let (_, out, _) = run(&["quote", "--help"]);
    assert!(
        out.contains("Possible values:\n          - text: "),
        "{out}"
    );
    assert!(out.contains("\n          - json: "), "{out}");
    let (_, out, _) = run(&["--help"]);
    assert!(out.contains("\n          - always: "), "{out}");
    assert!(out.contains("Exit codes:\n  0    done"), "{out}");
}

#[test]
fn colour_only_when_asked_for_or_on_a_terminal() {
    let bad = ["validate", "tests/fixtures/invalid/bad_date.yaml"];
    let (code, _, err) = run(&[&["--color", "always"], &bad[..]].concat());
    assert_eq!(code, 1);
    assert!(err.contains("\x1b["), "{err}");
    assert!(err.contains("error[E0102]"), "{err}");
    // Through a pipe (as here), with NO_COLOR, or with --color never: plain.
    let (_, _, err) = run(&bad);
    assert!(!err.contains('\x1b'), "{err}");
    let (_, _, err) = run_in(root(), &bad, &[("NO_COLOR", "1")]);
    assert!(!err.contains('\x1b'), "{err}");
    let (_, _, err) = run(&[&["--color", "never"], &bad[..]].concat());
    assert!(!err.contains('\x1b'), "{err}");
    // The quote's headers in bold.
    let quote = [
        "quote",
        "--product",
        "SP-ACC",
        "--request",
        "examples/sp-acc.yaml",
    ];
    let (_, out, _) = run(&[&quote[..], &["--color", "always"]].concat());
    assert!(out.starts_with("\x1b[1mQuote Q-SP-ACC-"), "{out}");
    let (_, out, _) = run(&quote);
    assert!(out.starts_with("Quote Q-SP-ACC-"), "{out}");
    // A one-line failure too.
    let (_, _, err) = run(&["--color", "always", "rules", "--products", "no-such-folder"]);
    assert!(err.starts_with("\x1b[1m\x1b[31merror\x1b[0m: "), "{err:?}");
}

#[test]
fn the_text_quote_reads_like_a_statement() {
    let (code, out, err) = run(&[
        "quote",
        "--product",
        "GA-SME",
        "--request",
        "examples/ga-sme.yaml",
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("quote_text_ga_sme", out);
    assert!(
        out.contains("Total CNY 10,932.36  (net 10,313.55, tax 618.81)"),
        "{out}"
    );
    assert!(
        out.contains("deductible 100.00, ratio 90%, sum insured 20,000.00"),
        "{out}"
    );
    assert!(!out.contains("ratio=0.9"), "{out}");
}

#[test]
fn test_as_json_gives_every_case_with_its_outcome_and_comparisons() {
    let (code, out, err) = run(&["test", "products/ga-sme-2024.yaml", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["failed"], 0);
    let cases = v["cases"].as_array().unwrap();
    assert_eq!(v["passed"].as_u64().unwrap() as usize, cases.len());
    let first = &cases[0];
    assert_eq!(first["product"], "GA-SME");
    assert_eq!(first["version"], "2024.1");
    assert_eq!(first["outcome"], "pass");
    assert!(
        first["location"]
            .as_str()
            .unwrap()
            .starts_with("products/ga-sme-2024.yaml:"),
        "{first}"
    );
    let total = first["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["what"] == "total")
        .expect("a total compared");
    assert_eq!(total["expected"], total["actual"]);
}

#[test]
fn declarations_over_the_maximum_liability_are_flagged() {
    let dir = tempdir("declare-over-maximum");
    let csv = dir.join("declarations.csv");
    std::fs::write(
        &csv,
        "date,buyer,country_class,payment_method,credit_days,value\n\
         2025-03-05,Acme GmbH,A,O/A,90,100000\n\
         2025-03-18,Borealis Oy,B,O/A,90,40000\n\
         2025-04-02,Cimarron SA,C,D/A,60,20000\n",
    )
    .unwrap();
    let args = [
        "declare",
        "--quote",
        "examples/claims/ec-sme-quote.json",
        "--declarations",
        csv.to_str().unwrap(),
    ];
    let (code, out, err) = run(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, 0, "{err}");
    let b: serde_json::Value = serde_json::from_str(&out).unwrap();
    let lines: Vec<(String, String, String, bool)> = b["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["lines"].as_array().unwrap().clone())
        .map(|l| {
            (
                l["buyer"].as_str().unwrap().to_string(),
                l["premium"].as_str().unwrap().to_string(),
                l["cumulative_value"].as_str().unwrap().to_string(),
                l["exceeds_maximum_liability"].as_bool().unwrap(),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        lines,
        [
            (s("Acme GmbH"), s("250.00"), s("100000"), false),
            (s("Borealis Oy"), s("180.00"), s("140000"), false),
            // 160,000 is over the product's 150,000 a policy year: flagged, still billed.
            (s("Cimarron SA"), s("120.00"), s("160000"), true),
        ]
    );
    assert_eq!(b["totals"]["lines_over_maximum_liability"], 1);
    assert_eq!(b["totals"]["declared_premium"], "550.00");
    assert_eq!(b["totals"]["total_billed"], "2000.00");
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "2025-04-02  Cimarron SA  20,000.00  0.006   120.00  160,000 over maximum liability\n"
        ),
        "{out}"
    );
    assert!(
        out.ends_with("1 declaration(s) exceed the maximum liability\n"),
        "{out}"
    );
}

#[test]
fn a_bad_request_with_json_is_a_json_diagnostic_on_stdout() {
    let (code, out, err) = run(&[
        "quote",
        "--product",
        "GA-SME",
        "--request",
        "tests/fixtures/requests/ga-bad-type.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    assert_eq!(err, "");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v,
        serde_json::json!([{
            "code": "E0214",
            "severity": "error",
            "file": "tests/fixtures/requests/ga-bad-type.yaml",
            "line": 2,
            "column": 63,
            "message": "`employees`: `twelve` is not a whole number",
            "help": null
        }])
    );
    let (code, out, err) = run(&[
        "quote",
        "--product",
        "NO-SUCH",
        "--request",
        "examples/ga-sme.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    assert_eq!(err, "");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["code"], "E0250");
    assert!(
        v[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("no product `NO-SUCH`"),
        "{v}"
    );
}

#[test]
fn a_batch_summary_as_json_goes_to_stdout_unless_the_lines_do() {
    let dir = tempdir("batch-json-summary");
    let output = dir.join("lines.jsonl");
    let args = [
        "batch",
        "--product",
        "SP-ACC",
        "--input",
        "examples/sp-acc-requests.jsonl",
    ];
    let (code, out, err) = run(&[
        &args[..],
        &["--output", output.to_str().unwrap(), "--report", "json"],
    ]
    .concat());
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "{\"declined\":0,\"failed\":0,\"quoted\":3,\"records\":3}\n"
    );
    assert_eq!(std::fs::read_to_string(&output).unwrap().lines().count(), 3);
    // With `--output -` stdout holds only the lines; the summary moves to stderr.
    let (code, out, err) = run(&[&args[..], &["--output", "-", "--report", "json"]].concat());
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 3);
    assert!(out.lines().all(|l| l.contains("\"quote_id\"")), "{out}");
    assert_eq!(
        err,
        "{\"declined\":0,\"failed\":0,\"quoted\":3,\"records\":3}\n"
    );
}
