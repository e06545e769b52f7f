//! Batch quoting: the same bytes for any thread count, every line equal to what `quote`
//! gives for that record, broken census rows and JSON Lines records reported by number while
//! the rest is quoted.

use std::path::{Path, PathBuf};

use crate::quote::tempdir;
use crate::support::run;

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).expect("JSON parses")
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("batch output")
        .lines()
        .map(str::to_string)
        .collect()
}

/// Runs `batch` with `args` and `--threads n`, writing to `dir/out-{tag}-{n}.jsonl`.
fn batch(dir: &Path, tag: &str, n: u32, args: &[&str]) -> (i32, PathBuf, String) {
    let out = dir.join(format!("out-{tag}-{n}.jsonl"));
    let threads = n.to_string();
    let mut argv = vec!["batch"];
    argv.extend_from_slice(args);
    argv.extend_from_slice(&["--threads", &threads, "--output", out.to_str().unwrap()]);
    let (code, stdout, err) = run(&argv);
    assert_eq!(stdout, "", "batch writes to its output file only");
    (code, out, err)
}

/// Runs `batch` with one and with two threads, checks the outputs are the same bytes, and
/// returns the exit code, the lines and stderr.
fn batch_both(dir: &Path, tag: &str, args: &[&str]) -> (i32, Vec<String>, String) {
    let (c1, o1, e1) = batch(dir, tag, 1, args);
    let (c2, o2, _) = batch(dir, tag, 2, args);
    assert_eq!(c1, c2);
    let (b1, b2) = (std::fs::read(&o1).unwrap(), std::fs::read(&o2).unwrap());
    assert!(!b1.is_empty());
    assert!(b1 == b2, "--threads 1 and --threads 2 give different bytes");
    (c1, lines(&o1), e1)
}

/// A census holding only `rows` at their original line numbers: rows of empty cells (which
/// a census skips) before each row keep `members[].row` the same as in the batch's census.
fn census_at(header: &str, rows: &[(usize, String)]) -> String {
    let empty = ",".repeat(header.matches(',').count());
    let mut s = format!("{header}\n");
    let mut line = 2;
    for (row, text) in rows {
        while line < *row {
            s.push_str(&empty);
            s.push('\n');
            line += 1;
        }
        s.push_str(text);
        s.push('\n');
        line += 1;
    }
    s
}

/// `quote --format json` for a request and census, parsed.
fn quote_json(
    product: &str,
    request: &str,
    census: Option<&Path>,
    plan: &str,
) -> serde_json::Value {
    let mut argv = vec![
        "quote",
        "--product",
        product,
        "--request",
        request,
        "--format",
        "json",
        "--plan",
        plan,
    ];
    if let Some(c) = census {
        argv.extend_from_slice(&["--census", c.to_str().unwrap()]);
    }
    let (_, out, err) = run(&argv);
    assert!(!out.is_empty(), "{err}");
    json(&out)
}

const CENSUS_HEADER: &str = "name,id,age,gender,occupation_class,social_insurance";

fn example_rows() -> Vec<String> {
    std::fs::read_to_string("examples/ga-sme-census.csv")
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[test]
fn census_per_member_is_the_same_for_any_thread_count_and_equals_quote() {
    let dir = tempdir("batch-member");
    // Twelve members: the example census, a member aged 70 (declined) and a class-6 member.
    let mut rows = example_rows();
    rows.push("老人,330111195001014133,70,male,1,true".into());
    rows.push("郑六,330111198001014134,45,female,6,false".into());
    let census = dir.join("members.csv");
    std::fs::write(&census, format!("{CENSUS_HEADER}\n{}\n", rows.join("\n"))).unwrap();
    let args = [
        "--product",
        "SP-ACC",
        "--input",
        census.to_str().unwrap(),
        "--request",
        "examples/sp-acc.yaml",
        "--plan",
        "monthly",
        "--explain",
    ];
    let (code, out, err) = batch_both(&dir, "m", &args);
    assert_eq!(code, 0, "declines are not failures: {err}");
    assert_eq!(out.len(), 12);
    assert!(
        err.contains("12 records: 11 quoted, 1 declined, 0 failed"),
        "{err}"
    );
    for (i, line) in out.iter().enumerate() {
        let row = i + 2;
        let one = dir.join(format!("one-{row}.csv"));
        std::fs::write(&one, census_at(CENSUS_HEADER, &[(row, rows[i].clone())])).unwrap();
        let want = quote_json("SP-ACC", "examples/sp-acc.yaml", Some(&one), "monthly");
        assert_eq!(json(line), want, "record {} (row {row})", i + 1);
    }
    // Hand-checked values: 张伟, class 1, add 300000/1000 × 1.0‰ = 300.00; medical 20000/1000
    // × 4.3 × 0.95 (deductible 200) × 0.80 (ratio 80%) × 0.90 (social insurance) = 58.824.
    let first = json(&out[0]);
    assert_eq!(first["members"][0]["row"], 2);
    assert_eq!(first["members"][0]["premiums"]["add"], "300.00");
    assert_eq!(first["members"][0]["premiums"]["medical"], "58.82");
    assert_eq!(first["totals"]["gross"], "358.82");
    let declined = json(&out[10]);
    assert_eq!(declined["declined"], true);
    assert_eq!(declined["failures"][0]["rule"], "entry_age");
    assert_eq!(declined["failures"][0]["row"], 12);

    // Without --explain the lines are the same quotes without the worksheet.
    let (_, plain, _) = batch(&dir, "plain", 2, &args[..8]);
    let mut want = json(&out[0]);
    want["worksheet"] = serde_json::json!([]);
    assert_eq!(json(&lines(&plain)[0]), want);
}

#[test]
fn census_per_group_quotes_each_run_of_rows_like_quote() {
    let dir = tempdir("batch-group");
    let rows = example_rows();
    // Three companies of 3, 4 and 3 members; the third has a member aged 70 (declined).
    let mut grouped: Vec<String> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let company = match i {
            0..=2 => "A",
            3..=6 => "B",
            _ => "C",
        };
        let r = if i == 9 {
            r.replace(",38,", ",70,")
        } else {
            r.clone()
        };
        grouped.push(format!("{company},{r}"));
    }
    let census = dir.join("groups.csv");
    std::fs::write(
        &census,
        format!("company,{CENSUS_HEADER}\n{}\n", grouped.join("\n")),
    )
    .unwrap();
    let (code, out, err) = batch_both(
        &dir,
        "g",
        &[
            "--product",
            "GA-SME",
            "--input",
            census.to_str().unwrap(),
            "--request",
            "examples/ga-sme.yaml",
            "--per",
            "group",
            "--group-column",
            "company",
            "--plan",
            "quarterly",
            "--explain",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.len(), 3);
    for (g, range) in [(0usize, 0..3usize), (1, 3..7), (2, 7..10)] {
        let members: Vec<(usize, String)> = range
            .map(|i| {
                let cells = grouped[i].split_once(',').unwrap().1.to_string();
                (i + 2, cells)
            })
            .collect();
        let one = dir.join(format!("group-{g}.csv"));
        std::fs::write(&one, census_at(CENSUS_HEADER, &members)).unwrap();
        let mut want = quote_json("GA-SME", "examples/ga-sme.yaml", Some(&one), "quarterly");
        if want.get("declined").is_none() {
            // A grouped quote carries its group's key.
            let key = ["A", "B", "C"][g];
            want["policyholder"]["fields"]["group"] = key.into();
        }
        assert_eq!(json(&out[g]), want, "group {g}");
    }
    // Company A: 张伟, 李娜 (class 1), 王芳 (class 1, no social insurance); three members, so
    // group factor 1.10 and social share 2/3 -> 0.93. add 500000/1000 × 1.0 × 1.10 = 550.00.
    let a = json(&out[0]);
    assert_eq!(a["members"].as_array().unwrap().len(), 3);
    assert_eq!(a["members"][0]["premiums"]["add"], "550.00");
    assert_eq!(a["members"][2]["row"], 4);
    assert_eq!(json(&out[1])["members"][0]["row"], 5);
    let c = json(&out[2]);
    assert_eq!(c["declined"], true);
    assert_eq!(c["failures"][0]["row"], 11);
}

#[test]
fn broken_census_rows_are_reported_by_row_and_the_rest_is_quoted() {
    let dir = tempdir("batch-broken");
    let rows = example_rows();
    let mut text = format!("{CENSUS_HEADER}\n");
    for (i, r) in rows.iter().enumerate() {
        let r = match i {
            2 => r.replace(",33,", ",abc,"),       // row 4: age is not a number
            5 => r.replace(",2,false", ",,false"), // row 7: occupation class empty
            8 => "周建军,330110196905033012,56".to_string(), // row 10: three cells
            _ => r.clone(),
        };
        text.push_str(&r);
        text.push('\n');
    }
    let census = dir.join("broken.csv");
    std::fs::write(&census, text).unwrap();
    let (code, out, err) = batch_both(
        &dir,
        "b",
        &[
            "--product",
            "SP-ACC",
            "--input",
            census.to_str().unwrap(),
            "--request",
            "examples/sp-acc.yaml",
            "--plan",
            "annual",
        ],
    );
    assert_eq!(code, 1, "a failed record makes the exit code 1");
    assert_eq!(out.len(), 10);
    assert!(
        err.contains("10 records: 7 quoted, 0 declined, 3 failed"),
        "{err}"
    );
    let errors: Vec<serde_json::Value> = out
        .iter()
        .map(|l| json(l))
        .filter(|v| v.get("error").is_some())
        .collect();
    assert_eq!(errors.len(), 3);
    assert_eq!(errors[0]["record"], 3);
    assert_eq!(errors[0]["row"], 4);
    assert_eq!(errors[0]["error"]["field"], "age");
    assert_eq!(errors[0]["error"]["message"], "`abc` is not a whole number");
    assert_eq!(errors[1]["record"], 6);
    assert_eq!(errors[1]["row"], 7);
    assert_eq!(errors[1]["error"]["field"], "occupation_class");
    assert_eq!(errors[1]["error"]["message"], "the cell is empty");
    assert_eq!(errors[2]["record"], 9);
    assert_eq!(errors[2]["row"], 10);
    assert_eq!(errors[2]["error"]["field"], serde_json::Value::Null);
    assert_eq!(
        errors[2]["error"]["message"],
        "the row has 3 cells, but the header has 6 columns"
    );
    // The rows after the broken ones are quoted: 吴刚 at row 11, class 4 without social
    // insurance: add 300000/1000 × 3.0 = 900.00.
    let last = json(&out[9]);
    assert_eq!(last["members"][0]["name"], "吴刚");
    assert_eq!(last["members"][0]["row"], 11);
    assert_eq!(last["members"][0]["premiums"]["add"], "900.00");
}

const GOOD: &str = r#"{"start": "2025-03-01", "term": 12, "policyholder": {"name": "周建华", "id": "92330105MA2XXXXXXA", "industry": "catering"}, "members": [{"name": "周建华", "id": "330105198206154312", "age": 43, "gender": "male", "occupation_class": 2, "social_insurance": true}], "coverages": {"add": {"sum_insured": 300000}, "medical": {"sum_insured": 20000, "deductible": 200, "ratio": 0.8}}}"#;

#[test]
fn json_lines_with_a_bad_line_report_its_record_and_go_on() {
    let dir = tempdir("batch-jsonl");
    let other = GOOD
        .replace("\"age\": 43", "\"age\": 30")
        .replace("300000", "500000");
    let bad_age = GOOD.replace("\"age\": 43", "\"age\": \"old\"");
    let input = dir.join("requests.jsonl");
    // Line 3 is blank: not a record.
    std::fs::write(
        &input,
        format!("{GOOD}\n{{\"start\": \"2025-03-01\", \n\n{bad_age}\n{other}\n"),
    )
    .unwrap();
    let (code, out, err) = batch_both(
        &dir,
        "j",
        &[
            "--product",
            "SP-ACC",
            "--input",
            input.to_str().unwrap(),
            "--plan",
            "monthly",
            "--explain",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(out.len(), 4);
    assert!(
        err.contains("4 records: 2 quoted, 0 declined, 2 failed"),
        "{err}"
    );
    let broken = json(&out[1]);
    assert_eq!(broken["record"], 2);
    assert_eq!(broken["row"], 2);
    assert!(
        broken["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid YAML"),
        "{broken}"
    );
    let bad = json(&out[2]);
    assert_eq!(bad["record"], 3);
    assert_eq!(bad["row"], 4);
    assert_eq!(bad["error"]["field"], "members[0].age");
    assert!(
        bad["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`old` is not a whole number"),
        "{bad}"
    );
    for (line, request) in [(&out[0], GOOD.to_string()), (&out[3], other)] {
        let file = dir.join("one.json");
        std::fs::write(&file, &request).unwrap();
        let want = quote_json("SP-ACC", file.to_str().unwrap(), None, "monthly");
        assert_eq!(json(line), want);
    }
    // examples/sp-acc.yaml: 450.00 + 73.87.
    assert_eq!(json(&out[0])["totals"]["gross"], "523.87");
}

#[test]
fn gbk_census_batches_like_utf8() {
    let dir = tempdir("batch-gbk");
    let go = |census: &str, tag: &str| {
        let (code, out, err) = batch(
            &dir,
            tag,
            2,
            &[
                "--product",
                "SP-ACC",
                "--input",
                census,
                "--request",
                "examples/sp-acc.yaml",
            ],
        );
        assert_eq!(code, 0, "{err}");
        std::fs::read(out).unwrap()
    };
    let gbk = go("tests/fixtures/requests/census-gbk.csv", "gbk");
    let bom = go("tests/fixtures/requests/census-utf8-bom.csv", "bom");
    assert_eq!(gbk, bom);
    let text = String::from_utf8(gbk).unwrap();
    assert_eq!(
        json(text.lines().next().unwrap())["members"][0]["name"],
        "张三"
    );
}

/// A census read as UTF-8 at once that turns out to be GBK past its first chunks is read
/// again from the start, its encoding found: the outputs are those of `--encoding gbk`, and
/// no temporary file of the first reading is left.
#[test]
fn a_gbk_census_found_late_is_read_again_and_leaves_no_scratch_file() {
    let dir = tempdir("batch-gbk-late");
    let mut text = String::from("company,name,id,age,gender,occupation_class,social_insurance\n");
    // Three chunks of records before the GBK row.
    for i in 0..30000 {
        text.push_str(&format!(
            "C{:05},Li Wei,1101011990{i:08},35,male,1,true\n",
            i / 5
        ));
    }
    text.push_str("C99999,张伟,110101199001011234,40,female,2,false\n");
    text.push_str("C99999,Li Na,110101199001011235,41,female,2,false\n");
    text.push_str("C99999,Wang Fang,110101199001011236,42,female,2,false\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let census = dir.join("late.csv");
    std::fs::write(&census, &gbk).unwrap();
    let go = |tag: &str, extra: &[&str]| {
        let out = dir.join(format!("{tag}.csv"));
        let quotes = dir.join(format!("{tag}-quotes.csv"));
        let mut argv = vec![
            "batch",
            "--product",
            "GA-SME",
            "--input",
            census.to_str().unwrap(),
            "--request",
            "examples/ga-sme.yaml",
            "--group-column",
            "company",
            "--plan",
            "monthly",
            "--format",
            "csv",
            "--output",
            out.to_str().unwrap(),
            "--quotes-output",
            quotes.to_str().unwrap(),
        ];
        argv.extend_from_slice(extra);
        let (code, _, err) = run(&argv);
        assert_eq!(code, 0, "{err}");
        (std::fs::read(out).unwrap(), std::fs::read(quotes).unwrap())
    };
    let found = go("found", &[]);
    let forced = go("forced", &["--encoding", "gbk"]);
    assert!(found == forced, "the census read again gives other bytes");
    let members = String::from_utf8(found.0).unwrap();
    assert_eq!(members.lines().count(), 30004);
    let zhang = members.lines().nth(30001).unwrap();
    assert!(zhang.contains(",1,张伟,110101199001011234,"), "{zhang}");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "forced-quotes.csv",
            "forced.csv",
            "found-quotes.csv",
            "found.csv",
            "late.csv"
        ]
    );
}

#[test]
fn a_census_needs_its_request_and_a_known_group_column() {
    let dir = tempdir("batch-usage");
    let (code, _, err) = batch(
        &dir,
        "u1",
        1,
        &[
            "--product",
            "SP-ACC",
            "--input",
            "examples/ga-sme-census.csv",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("needs --request"), "{err}");
    let (code, _, err) = batch(
        &dir,
        "u2",
        1,
        &[
            "--product",
            "GA-SME",
            "--input",
            "examples/ga-sme-census.csv",
            "--request",
            "examples/ga-sme.yaml",
            "--group-column",
            "company",
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("no column `company` to group by"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Who is who: the group key and the policyholder from census columns.

const BOOK: &str = "examples/ga-sme-book.csv";

fn book_args<'a>(book: &'a str, plan: &'a str) -> Vec<&'a str> {
    vec![
        "--product",
        "GA-SME",
        "--input",
        book,
        "--request",
        "examples/ga-sme.yaml",
        "--group-column",
        "company",
        "--plan",
        plan,
    ]
}

#[test]
fn grouped_lines_carry_the_group_key_and_the_policyholder_of_the_census() {
    let dir = tempdir("batch-holder");
    let (code, out, err) = batch_both(&dir, "h", &book_args(BOOK, "monthly"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.len(), 3);
    let (a, b, c) = (json(&out[0]), json(&out[1]), json(&out[2]));
    // MY01 names its policyholder on its first row.
    assert_eq!(a["policyholder"]["name"], "杭州明远餐饮有限公司");
    assert_eq!(a["policyholder"]["id"], "91330102MA2H00001A");
    assert_eq!(a["policyholder"]["fields"]["group"], "MY01");
    assert_eq!(
        a["policyholder"]["fields"]["address"],
        "杭州市上城区解放路 18 号"
    );
    assert_eq!(a["policyholder"]["fields"]["contact"], "0571-8700 0001");
    // The request's policyholder inputs stay (they are rated).
    assert_eq!(a["policyholder"]["fields"]["industry"], "catering");
    // HD02 repeats its name on a second row (the same name: one policyholder); its address
    // holds a comma.
    assert_eq!(b["policyholder"]["name"], "宁波海达物流有限公司");
    assert_eq!(b["policyholder"]["id"], "91330206MA2H00002B");
    assert_eq!(
        b["policyholder"]["fields"]["address"],
        "宁波市北仑区新碶街道, 明州路 9 号"
    );
    // JH03 names none: the request's policyholder, with the group key.
    assert_eq!(c["policyholder"]["name"], "杭州某某餐饮有限公司");
    assert_eq!(c["policyholder"]["id"], "91330100MA2XXXXXXX");
    assert_eq!(c["policyholder"]["fields"]["group"], "JH03");
    assert!(c["policyholder"]["fields"].get("address").is_none());
    // Different policyholders give different quote ids for the same members.
    assert_ne!(a["quote_id"], c["quote_id"]);
    // The premiums are those of the members: 张伟, class 1, add 500000/1000 × 1.0 × 1.10.
    assert_eq!(a["members"][0]["name"], "张伟");
    assert_eq!(a["members"][0]["premiums"]["add"], "550.00");
}

#[test]
fn a_group_naming_two_policyholders_is_an_error_line() {
    let dir = tempdir("batch-holder-two");
    let text = std::fs::read_to_string(BOOK).unwrap().replacen(
        "MY01,,,,,李娜",
        "MY01,杭州明远酒家,,,,李娜",
        1,
    );
    let book = dir.join("book.csv");
    std::fs::write(&book, text).unwrap();
    let (code, out, err) = batch_both(&dir, "t", &book_args(book.to_str().unwrap(), "monthly"));
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        json(&out[0]),
        serde_json::json!({"record": 1, "row": 2, "error": {
            "field": "policyholder_name",
            "message": "row 2 gives `杭州明远餐饮有限公司` and row 3 gives `杭州明远酒家`: the rows of one group have one policyholder"
        }})
    );
    assert_eq!(
        json(&out[1])["policyholder"]["name"],
        "宁波海达物流有限公司"
    );
}

#[test]
fn per_member_quotes_take_each_rows_policyholder() {
    let dir = tempdir("batch-holder-member");
    let census = dir.join("members.csv");
    std::fs::write(
        &census,
        "policyholder_name,policyholder_id,name,id,age,gender,occupation_class,social_insurance\n\
         周建华,92330105MA2XXXXXXA,周建华,330105198206154312,43,male,2,true\n\
         ,,吴刚,330111198707044133,38,male,4,false\n",
    )
    .unwrap();
    let (code, out, err) = batch_both(
        &dir,
        "m",
        &[
            "--product",
            "SP-ACC",
            "--input",
            census.to_str().unwrap(),
            "--request",
            "examples/sp-acc.yaml",
            "--plan",
            "annual",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (a, b) = (json(&out[0]), json(&out[1]));
    assert_eq!(a["policyholder"]["name"], "周建华");
    assert_eq!(a["policyholder"]["id"], "92330105MA2XXXXXXA");
    assert!(a["policyholder"]["fields"].get("group").is_none());
    let request = std::fs::read_to_string("examples/sp-acc.yaml").unwrap();
    let want = quote_json("SP-ACC", "examples/sp-acc.yaml", None, "annual");
    assert!(request.contains("policyholder"));
    assert_eq!(b["policyholder"], want["policyholder"]);
    // 吴刚, class 4 without social insurance: add 300000/1000 × 3.0 = 900.00.
    assert_eq!(b["members"][0]["premiums"]["add"], "900.00");
}

// ---------------------------------------------------------------------------------------------
// --format csv.

/// Runs a CSV batch with `--threads n`; returns the member and quote files' text.
fn csv_batch(dir: &Path, tag: &str, n: u32, args: &[&str]) -> (i32, String, String, String) {
    let (members, quotes) = (
        dir.join(format!("members-{tag}-{n}.csv")),
        dir.join(format!("quotes-{tag}-{n}.csv")),
    );
    let threads = n.to_string();
    let mut argv = vec!["batch"];
    argv.extend_from_slice(args);
    argv.extend_from_slice(&[
        "--format",
        "csv",
        "--threads",
        &threads,
        "--output",
        members.to_str().unwrap(),
        "--quotes-output",
        quotes.to_str().unwrap(),
    ]);
    let (code, stdout, err) = run(&argv);
    assert_eq!(stdout, "");
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    (code, read(&members), read(&quotes), err)
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("CSV row").iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn csv_gives_the_premiums_of_json_lines_for_every_member() {
    let dir = tempdir("batch-csv");
    // The sample book, a company of two (declined: fewer than three insured) and a row with a
    // bad age (an error).
    let mut text = std::fs::read_to_string(BOOK).unwrap();
    text.push_str("XS04,,,,,钱二,330111198707044144,38,male,1,true\n");
    text.push_str("XS04,,,,,孙三,330111198707044155,41,male,1,true\n");
    text.push_str("ER05,,,,,李四,330111198707044166,abc,male,1,true\n");
    let book = dir.join("book.csv");
    std::fs::write(&book, text).unwrap();
    let args = book_args(book.to_str().unwrap(), "monthly");
    let (_, jsonl, _) = batch_both(&dir, "j", &args);
    let (code, members, quotes, err) = csv_batch(&dir, "c", 1, &args);
    let (code2, members2, quotes2, _) = csv_batch(&dir, "c", 2, &args);
    assert_eq!((code, code2), (1, 1), "{err}");
    assert!(
        members == members2 && quotes == quotes2,
        "--threads 1 and 2 differ"
    );
    assert!(
        err.contains("5 records: 3 quoted, 1 declined, 1 failed"),
        "{err}"
    );

    let m = csv_rows(&members);
    assert_eq!(
        m[0],
        [
            "record",
            "group",
            "quote_id",
            "member",
            "name",
            "id",
            "add",
            "medical",
            "allowance",
            "total"
        ]
    );
    let q = csv_rows(&quotes);
    assert_eq!(q[0], coverwright::batch::QUOTE_COLUMNS);
    assert!(
        q.iter().all(|r| r.len() == q[0].len()),
        "every quote row has every column"
    );
    assert_eq!(q.len(), 1 + 5, "one row per record");

    // Every member row equals the member in the JSON line of its record.
    let mut n = 0;
    for row in &m[1..] {
        let record: usize = row[0].parse().unwrap();
        let line = json(&jsonl[record - 1]);
        assert_eq!(
            row[1],
            line["policyholder"]["fields"]["group"].as_str().unwrap()
        );
        assert_eq!(row[2], line["quote_id"].as_str().unwrap());
        let k: usize = row[3].parse().unwrap();
        let member = &line["members"][k - 1];
        assert_eq!(row[4], member["name"].as_str().unwrap());
        assert_eq!(row[5], member["id"].as_str().unwrap());
        for (i, code) in ["add", "medical", "allowance"].iter().enumerate() {
            assert_eq!(
                row[6 + i],
                member["premiums"][code].as_str().unwrap(),
                "{code}"
            );
        }
        assert_eq!(row[9], member["total"].as_str().unwrap());
        n += 1;
    }
    assert_eq!(n, 10, "the ten members of the three quoted companies");
    // 张伟 (MY01, class 1): add 550.00 as in JSON Lines.
    assert_eq!(m[1][4], "张伟");
    assert_eq!(m[1][6], "550.00");

    // Quote rows: the totals and the monthly plan of the JSON line.
    for (i, row) in q[1..4].iter().enumerate() {
        let line = json(&jsonl[i]);
        assert_eq!(row[3], "quoted");
        assert_eq!(
            row[4],
            line["members"].as_array().unwrap().len().to_string()
        );
        assert_eq!(row[5], line["totals"]["premium"].as_str().unwrap());
        assert_eq!(row[6], line["totals"]["gross"].as_str().unwrap());
        assert_eq!(row[7], line["totals"]["net"].as_str().unwrap());
        let schedule = &line["payment_options"][0]["schedule"];
        assert_eq!(row[10], "monthly");
        assert_eq!(row[11], "12");
        assert_eq!(
            row[12],
            schedule["instalments"][0]["amount"].as_str().unwrap()
        );
        assert_eq!(row[13], schedule["total"].as_str().unwrap());
        let vat: rust_decimal::Decimal = line["coverages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                c["vat_amount"]
                    .as_str()
                    .unwrap()
                    .parse::<rust_decimal::Decimal>()
                    .unwrap()
            })
            .sum();
        assert_eq!(row[8], vat.to_string());
    }
    assert_eq!(q[4][..4], ["4", "XS04", "", "declined"]);
    assert!(q[4][15].starts_with("min_members: "), "{}", q[4][15]);
    assert_eq!(q[5][..4], ["5", "ER05", "", "failed"]);
    assert_eq!(q[5][15], "row 14, age: `abc` is not a whole number");
}

#[test]
fn csv_is_for_a_census_and_quote_rows_for_csv() {
    let dir = tempdir("batch-csv-usage");
    let out = dir.join("o.csv");
    let (code, _, err) = run(&[
        "batch",
        "--product",
        "GA-SME",
        "--input",
        BOOK,
        "--request",
        "examples/ga-sme.yaml",
        "--group-column",
        "company",
        "--quotes-output",
        dir.join("q.csv").to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert_eq!(err, "error: --quotes-output is for --format csv\n");
    assert!(!out.exists());
}

/// A worker prices many records one after another, reusing one request's memory: groups of
/// varying size, with and without their own policyholder, declined, and with a bad row in
/// between. Each record's line is the line of a batch of that record alone.
#[test]
fn records_priced_one_after_another_are_priced_as_if_alone() {
    let dir = tempdir("batch-reuse");
    let header = std::fs::read_to_string(BOOK)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let mut groups: Vec<Vec<(usize, String)>> = Vec::new();
    let mut line = 2;
    for g in 0..40usize {
        let size = [5, 2, 7, 3, 1, 4][g % 6];
        let mut rows = Vec::new();
        for k in 0..size {
            let holder = if k == 0 && g % 3 == 0 {
                format!("某某{g}有限公司,91330102MA2H{g:05}A")
            } else {
                ",".to_string()
            };
            let age = if g % 7 == 3 && k == 1 {
                "abc".to_string()
            } else {
                (20 + (g * 7 + k * 5) % 40).to_string()
            };
            let class = 1 + (g + k) % 4;
            let si = (g + k) % 3 != 0;
            let gender = if k % 2 == 0 { "male" } else { "female" };
            rows.push((
                line,
                format!(
                    "G{g:03},{holder},,,成员{g}-{k},3301021985{g:04}{k:04},{age},{gender},{class},{si}"
                ),
            ));
            line += 1;
        }
        groups.push(rows);
    }
    let book = dir.join("book.csv");
    let all: Vec<(usize, String)> = groups.iter().flatten().cloned().collect();
    std::fs::write(&book, census_at(&header, &all)).unwrap();
    let args = book_args(book.to_str().unwrap(), "monthly");
    let (code, out, err) = batch_both(&dir, "book", &args);
    assert_eq!(code, 1, "the bad rows fail their records: {err}");
    assert_eq!(out.len(), 40);
    let (mut quoted, mut declined, mut failed) = (0, 0, 0);
    for (g, rows) in groups.iter().enumerate() {
        let got = json(&out[g]);
        if got.get("error").is_some() {
            // An error line names its record; alone it would be record 1.
            assert_eq!(g % 7, 3, "group {g}: {got}");
            assert_eq!(got["record"], g + 1);
            failed += 1;
            continue;
        }
        let one = dir.join(format!("alone-{g}.csv"));
        std::fs::write(&one, census_at(&header, rows)).unwrap();
        let alone_args = book_args(one.to_str().unwrap(), "monthly");
        let (_, alone, _) = batch(&dir, &format!("alone-{g}"), 1, &alone_args);
        assert_eq!(got, json(&lines(&alone)[0]), "group {g}");
        if got.get("declined").is_some() {
            assert!(rows.len() < 3, "group {g}");
            declined += 1;
        } else {
            assert_eq!(got["members"].as_array().unwrap().len(), rows.len());
            quoted += 1;
        }
    }
    // Groups of one or two are declined (12); a bad age fails groups 3, 17, 24, 31 and 38
    // (group 10 has one row, so no second row to break).
    assert_eq!((quoted, declined, failed), (23, 12, 5));
}
