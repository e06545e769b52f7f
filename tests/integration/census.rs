//! The census reader as people's files meet it: CRLF from Excel, GBK rows in a UTF-8 file,
//! unclosed quotes, repeated columns, huge cells; in `batch` and through
//! `census::read_members` (what `quote --census` and test cases read with).

use std::path::{Path, PathBuf};

use coverwright::census::{Encoding, read_members};
use coverwright::product::load::{LoadOptions, load_paths};

use crate::quote::tempdir;
use crate::support::run;

const HEADER: &str = "name,id,age,gender,occupation_class,social_insurance";

/// Runs an SP-ACC census batch; returns the exit code, the output lines parsed, and stderr.
fn batch(census: &Path, extra: &[&str]) -> (i32, Vec<serde_json::Value>, String) {
    let out = census.with_extension("jsonl");
    let mut argv = vec![
        "batch",
        "--product",
        "SP-ACC",
        "--input",
        census.to_str().unwrap(),
        "--request",
        "examples/sp-acc.yaml",
        "--plan",
        "annual",
        "--output",
        out.to_str().unwrap(),
    ];
    argv.extend_from_slice(extra);
    let (code, _, err) = run(&argv);
    let lines = std::fs::read_to_string(&out)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (code, lines, err)
}

/// What each output line says: the first member's name and row, or the error's row, field
/// and message.
fn summary(lines: &[serde_json::Value]) -> Vec<String> {
    lines
        .iter()
        .map(|l| match l.get("error") {
            Some(e) => format!("row {} error {} {}", l["row"], e["field"], e["message"]),
            None => format!(
                "row {} {}",
                l["members"][0]["row"],
                l["members"][0]["name"].as_str().unwrap()
            ),
        })
        .collect()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn crlf_and_lf_censuses_give_the_same_rows() {
    let dir = tempdir("census-crlf");
    let rows = [
        HEADER,
        "张伟,110101199001011234,35,male,1,true",
        "\"李\nna\",110101198505052345,40,female,2,false",
        "王五,110101199203033456,abc,male,3,true",
        "",
        "赵六,110101199203033457,33,male,3,true",
    ];
    let lf = write(&dir, "lf.csv", (rows.join("\n") + "\n").as_bytes());
    let crlf = write(&dir, "crlf.csv", (rows.join("\r\n") + "\r\n").as_bytes());
    let (c1, l1, _) = batch(&lf, &[]);
    let (c2, l2, _) = batch(&crlf, &[]);
    assert_eq!((c1, c2), (1, 1));
    let want = [
        "row 2 张伟",
        "row 3 李\nna",
        "row 5 error \"age\" \"`abc` is not a whole number\"",
        "row 7 赵六",
    ];
    assert_eq!(summary(&l1), want);
    assert_eq!(summary(&l2), want);
    // `read_members` reports the same row and column for both.
    let (products, _) = load_paths(&[PathBuf::from("products")], &LoadOptions::default());
    let sp = products.iter().find(|p| p.code == "SP-ACC").unwrap();
    let spans: Vec<_> = [&lf, &crlf]
        .iter()
        .map(|p| {
            let d = read_members(sp, p, None).unwrap_err().into_vec();
            assert_eq!(d.len(), 1);
            (d[0].message.clone(), d[0].span.line, d[0].span.column)
        })
        .collect();
    assert_eq!(
        spans[0],
        (
            "row 5, column 3 (`age`): `abc` is not a whole number".to_string(),
            5,
            23
        )
    );
    assert_eq!(spans[0], spans[1]);
}

#[test]
fn a_gbk_row_in_a_utf8_census_is_an_error_and_no_name_is_garbled() {
    let dir = tempdir("census-mixed");
    let mut text = format!(
        "{HEADER}\n张伟,110101199001011234,35,male,1,true\n李娜,110101198505052345,40,female,2,false\n"
    )
    .into_bytes();
    let offset = text.len();
    let (gbk, _, _) = encoding_rs::GBK.encode("王芳,110101199203033456,33,female,3,true\n");
    text.extend_from_slice(&gbk);
    text.extend_from_slice("赵六,110101199203033457,33,male,3,true\n".as_bytes());
    let census = write(&dir, "mixed.csv", &text);
    let (code, lines, _) = batch(&census, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        summary(&lines),
        [
            "row 2 张伟".to_string(),
            "row 3 李娜".into(),
            format!(
                "row 4 error \"name\" \"column 1: the cell is not UTF-8 text (byte offset {offset} of the file); save the census as UTF-8, or give --encoding gbk if the whole file is GBK\""
            ),
            "row 5 赵六".into(),
        ]
    );
    // A GBK file read as GBK, and refused cell by cell when forced to UTF-8.
    let text = format!("{HEADER}\r\n张伟,110101199001011234,35,male,1,true\r\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let census = write(&dir, "gbk.csv", &gbk);
    let (code, lines, err) = batch(&census, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(summary(&lines), ["row 2 张伟"]);
    let (code, lines, _) = batch(&census, &["--encoding", "utf-8"]);
    assert_eq!(code, 1);
    assert!(
        summary(&lines)[0]
            .starts_with("row 2 error \"name\" \"column 1: the cell is not UTF-8 text")
    );
}

#[test]
fn an_unclosed_quote_is_an_error_at_its_row_and_later_rows_are_quoted() {
    let dir = tempdir("census-quote");
    let text = format!(
        "{HEADER}\n张伟,110101199001011234,35,male,1,true\n\"李娜,110101198505052345,40,female,2,false\n赵六,110101199203033457,33,male,3,true\n"
    );
    let census = write(&dir, "quote.csv", text.as_bytes());
    let (code, lines, _) = batch(&census, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        summary(&lines),
        [
            "row 2 张伟",
            "row 3 error \"name\" \"column 1: the quote that opens this cell (line 3) is never closed\"",
            "row 4 赵六",
        ]
    );
}

#[test]
fn repeated_or_empty_column_names_and_huge_cells_are_errors() {
    let dir = tempdir("census-header");
    let census = write(
        &dir,
        "dup.csv",
        format!("{HEADER},age\n张伟,110101199001011234,35,male,1,true,36\n").as_bytes(),
    );
    let (code, lines, err) = batch(&census, &[]);
    assert_eq!((code, lines.len()), (1, 0));
    assert!(
        err.contains(
            "row 1, column 7: the column `age` is already column 3; each column may appear once"
        ),
        "{err}"
    );
    let census = write(&dir, "empty.csv", format!("{HEADER},\n").as_bytes());
    let (code, _, err) = batch(&census, &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("row 1, column 7: the column has no name"),
        "{err}"
    );
    // A 10 MB cell: an error at its row, the next row quoted.
    let mut text = format!("{HEADER}\n张伟,").into_bytes();
    text.extend(std::iter::repeat_n(b'1', 10 << 20));
    text.extend_from_slice(",35,male,1,true\n赵六,110101199203033457,33,male,3,true\n".as_bytes());
    let census = write(&dir, "huge.csv", &text);
    let (code, lines, _) = batch(&census, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        summary(&lines),
        [
            "row 2 error \"id\" \"column 2: the cell is longer than 65536 bytes\"",
            "row 3 赵六",
        ]
    );
    assert_eq!(Encoding::Gbk.name(), "GBK");
}

/// `quote --census` on an SP-ACC census: the exit code, each member's name, row and total
/// (or each error message with its line).
fn quote_census(census: &Path) -> (i32, Vec<String>) {
    let (code, out, _) = run(&[
        "quote",
        "--product",
        "SP-ACC",
        "--request",
        "examples/sp-acc.yaml",
        "--census",
        census.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let got = match v.get("members") {
        Some(m) => m
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                format!(
                    "row {} {} {}",
                    m["row"],
                    m["name"].as_str().unwrap(),
                    m["total"]
                )
            })
            .collect(),
        None => v
            .as_array()
            .unwrap_or_else(|| panic!("{out}"))
            .iter()
            .map(|d| format!("{} {}", d["message"].as_str().unwrap(), d["line"]))
            .collect(),
    };
    (code, got)
}

#[test]
fn quote_census_and_batch_read_a_bom_gbk_or_crlf_file_alike() {
    let dir = tempdir("census-same");
    let row = "张伟,110101199001011234,35,male,1,true";
    let bom_crlf = [
        &[0xEF, 0xBB, 0xBF][..],
        format!("{HEADER}\r\n\r\n{row}\r\n").as_bytes(),
    ]
    .concat();
    let text = format!("{HEADER}\r\n\r\n{row}\r\n");
    let (gbk_crlf, _, _) = encoding_rs::GBK.encode(&text);
    for (name, bytes) in [("bom.csv", &bom_crlf[..]), ("gbk.csv", &gbk_crlf[..])] {
        let census = write(&dir, name, bytes);
        let (qc, quoted) = quote_census(&census);
        let (bc, lines, err) = batch(&census, &[]);
        assert_eq!((qc, bc), (0, 0), "{name}: {err}");
        assert_eq!(quoted, ["row 3 张伟 \"358.82\""], "{name}");
        assert_eq!(summary(&lines), ["row 3 张伟"], "{name}");
        assert_eq!(lines[0]["totals"]["premium"], "358.82", "{name}");
    }
    // A GBK row in a UTF-8 file with a BOM and CRLF: the same error, at the same row, from
    // both; no name garbled.
    let mut mixed = bom_crlf.clone();
    let (gbk_row, _, _) = encoding_rs::GBK.encode("王芳,110101199203033456,33,female,3,true\r\n");
    let offset = mixed.len();
    mixed.extend_from_slice(&gbk_row);
    let census = write(&dir, "mixed.csv", &mixed);
    let want = format!(
        "row 4, column 1: the cell is not UTF-8 text (byte offset {offset} of the file); save the census as UTF-8, or give --encoding gbk if the whole file is GBK"
    );
    let (qc, quoted) = quote_census(&census);
    assert_eq!((qc, quoted), (1, vec![format!("{want} 4")]));
    let (bc, lines, _) = batch(&census, &[]);
    assert_eq!(bc, 1);
    assert_eq!(
        summary(&lines),
        [
            "row 3 张伟".to_string(),
            format!(
                "row 4 error \"name\" {:?}",
                want.trim_start_matches("row 4, ")
            )
        ]
    );
}
