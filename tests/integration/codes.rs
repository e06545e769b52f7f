//! The diagnostic code registry: every code is documented in `docs/`, every documented code is
//! registered, and every code is exercised by a test or fixture.

use std::path::{Path, PathBuf};

use coverwright::diagnostics::codes::{self, ALL};

/// Codes no test or fixture produces yet. The list may only shrink: a code listed here that a
/// test does produce fails `every_code_is_exercised`.
const NOT_YET_EXERCISED: &[&str] = &[
    "E0005", "E0014", "E0108", "E0109", "E0112", "E0114", "E0123", "E0124", "E0125", "E0126",
    "E0127", "E0128", "E0133", "E0140", "E0230", "E0232", "E0233", "E0306", "E0307", "E0308",
    "E0309", "W0101", "W0150", "E0175", "E0612", "E0621", "W0620",
];

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn text_of(dir: &str, skip: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    files_under(&root.join(dir), &mut files);
    files
        .iter()
        .filter(|f| !f.ends_with(skip))
        .filter_map(|f| std::fs::read(f).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_code_is_documented_and_every_documented_code_is_registered() {
    let docs = text_of("docs", "-");
    let undocumented: Vec<&str> = ALL
        .iter()
        .map(|e| e.code)
        .filter(|c| !docs.contains(&format!("| {c} |")))
        .collect();
    assert!(
        undocumented.is_empty(),
        "not in a docs/ table: {undocumented:?}"
    );
    let unregistered: Vec<&str> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" |").next())
        .filter(|c| c.len() == 5 && (c.starts_with('E') || c.starts_with('W')))
        .filter(|c| codes::lookup(c).is_none())
        .collect();
    assert!(
        unregistered.is_empty(),
        "documented but not registered: {unregistered:?}"
    );
}

#[test]
fn every_code_is_exercised() {
    // This file counts, without the list of codes not yet exercised.
    let this = include_str!("codes.rs");
    let start = this.find("const NOT_YET_EXERCISED").expect("the list");
    let end = start + this[start..].find("];").expect("its end");
    let tests = text_of("tests", "codes.rs") + &this[..start] + &this[end..];
    let mut missing = Vec::new();
    let mut now_exercised = Vec::new();
    for e in ALL {
        let used = tests.contains(e.code);
        match (used, NOT_YET_EXERCISED.contains(&e.code)) {
            (false, false) => missing.push(e.code),
            (true, true) => now_exercised.push(e.code),
            _ => {}
        }
    }
    assert!(
        missing.is_empty(),
        "no test or fixture produces: {missing:?}"
    );
    assert!(
        now_exercised.is_empty(),
        "exercised now, take them off NOT_YET_EXERCISED: {now_exercised:?}"
    );
}

#[test]
fn codes_are_unique_with_a_summary_and_a_help() {
    for (i, e) in ALL.iter().enumerate() {
        assert!(
            !ALL[..i].iter().any(|x| x.code == e.code),
            "{} twice",
            e.code
        );
        assert!(!e.summary.is_empty() && !e.help.is_empty(), "{}", e.code);
        assert_eq!(codes::lookup(e.code), Some(e));
    }
    assert_eq!(codes::lookup("E9999"), None);
}

#[test]
fn the_placeholder_of_an_empty_list_has_the_internal_code() {
    let mut d = coverwright::diagnostics::Diagnostics::new();
    assert_eq!(d.last_mut().code, "E0000");
}

#[test]
fn no_code_is_written_as_a_literal_outside_the_registry() {
    // The product checker names its codes as literals until it moves to the registry.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    files_under(&root, &mut files);
    let mut found = Vec::new();
    for f in files {
        if f.ends_with("diagnostics/codes.rs") || f.ends_with("product/check.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let bytes = line.as_bytes();
            for i in 0..bytes.len().saturating_sub(6) {
                if bytes[i] == b'"'
                    && (bytes[i + 1] == b'E' || bytes[i + 1] == b'W')
                    && bytes[i + 2..i + 6].iter().all(u8::is_ascii_digit)
                    && bytes.get(i + 6) == Some(&b'"')
                {
                    found.push(format!("{}:{}", f.display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "code literals: {found:?}");
}
