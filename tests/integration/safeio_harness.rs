//! What the `census_rows` and `batch_record` fuzz targets feed hostile input to, and what they
//! check. Shared by the integration tests and the fuzz targets in `fuzz/` (included by path),
//! so that a reproducer runs through the same code in `cargo test`.
//!
//! - `census_rows`: census bytes through `census::CensusReader`; every row number and cell
//!   position agrees with the line breaks counted independently in the input, rows go
//!   forward, and no replacement character appears that was not in the input.
//! - `batch_record`: one JSON Lines record through `batch::json_lines_record`; exactly one
//!   line of JSON comes out, an error line names the record and row it was given, and no
//!   file outside the input's folder is echoed.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use coverwright::batch::{BatchOptions, Per, json_lines_record};
use coverwright::census::{CensusReader, Encoding, Opened, Pos};
use coverwright::product::Product;
use coverwright::product::load::{LoadOptions, load_paths};

/// The repository root (this file is compiled by the root crate and by `fuzz/`).
fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    if here.ends_with("fuzz") {
        here.parent().unwrap_or(here).to_path_buf()
    } else {
        here.to_path_buf()
    }
}

fn products() -> &'static [Product] {
    static P: OnceLock<Vec<Product>> = OnceLock::new();
    P.get_or_init(|| {
        let (p, d) = load_paths(&[root().join("products")], &LoadOptions::default());
        assert!(!d.has_errors(), "the shipped products load");
        p
    })
}

/// Line (1-based) and column (1-based, counting characters as the reader does) of `offset`,
/// found by counting line breaks (`\n`, `\r\n`, lone `\r`) from the start.
fn line_of(data: &[u8], offset: usize) -> (usize, usize) {
    let (mut line, mut col) = (1, 1);
    let mut i = 0;
    while i < offset.min(data.len()) {
        match data[i] {
            b'\r' if data.get(i + 1) == Some(&b'\n') && i + 1 < offset => {
                line += 1;
                col = 1;
                i += 2;
                continue;
            }
            b'\n' | b'\r' => {
                line += 1;
                col = 1;
            }
            b if b & 0xC0 != 0x80 => col += 1,
            _ => {}
        }
        i += 1;
    }
    (line, col)
}

fn check_pos(data: &[u8], p: Pos, what: &str) {
    let (line, column) = line_of(data, p.offset as usize);
    assert_eq!(
        (p.line, p.column),
        (line, column),
        "{what}: position at byte {} is line {line}, column {column}",
        p.offset
    );
}

/// Reads fuzzed bytes as a census, in each encoding and found from the bytes.
pub fn census_rows(data: &[u8]) {
    for forced in [None, Some(Encoding::Utf8), Some(Encoding::Gbk)] {
        let mut r = match CensusReader::new(std::io::Cursor::new(data), forced) {
            Ok(r) => r,
            Err(Opened::Io(e)) => panic!("reading memory failed: {e}"),
            Err(Opened::Census(_)) => continue,
        };
        let mut last = 0usize;
        let lines = line_of(data, data.len()).0;
        while let Some(row) = r.next_row().expect("reading memory cannot fail") {
            match row {
                Ok(row) => {
                    assert!(row.row > last, "rows go forward: {} after {last}", row.row);
                    assert!(row.row <= lines);
                    last = row.row;
                    assert_eq!(row.cells.len(), row.starts.len());
                    let first = row.starts[0];
                    check_pos(data, first, "first cell");
                    assert_eq!(
                        first.line, row.row,
                        "a row is the line its first cell is on"
                    );
                    for (cell, pos) in row.cells.iter().zip(&row.starts) {
                        check_pos(data, *pos, "cell");
                        assert!(cell.len() <= 4 * coverwright::census::MAX_FIELD_BYTES);
                        if cell.contains('\u{FFFD}') {
                            assert!(
                                data.windows(3).any(|w| w == [0xEF, 0xBF, 0xBD]),
                                "a replacement character that was not in the input"
                            );
                        }
                    }
                }
                Err(e) => {
                    assert!(e.row > last, "rows go forward: {} after {last}", e.row);
                    assert!(e.row <= lines);
                    last = e.row;
                    if let Some(p) = e.pos {
                        check_pos(data, p, "error");
                        assert!(p.line >= e.row);
                    }
                    assert!(e.column.is_some(), "every row error names a column: {e}");
                }
            }
        }
    }
}

fn batch_opts() -> &'static BatchOptions {
    static O: OnceLock<BatchOptions> = OnceLock::new();
    O.get_or_init(|| BatchOptions {
        product: "GA-SME".into(),
        input: root().join("examples").join("fuzzed.jsonl"),
        request: None,
        per: Per::Member,
        group_column: None,
        plan: None,
        explain: false,
        threads: Some(1),
        encoding: None,
        assume_utf8: false,
    })
}

/// Prices one fuzzed JSON Lines record.
pub fn batch_record(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.contains('\n') {
        return;
    }
    let (kind, out) = json_lines_record(products(), batch_opts(), 7, text, 3);
    assert_eq!(out.last(), Some(&b'\n'), "a line ends with a newline");
    assert_eq!(
        out.iter().filter(|b| **b == b'\n').count(),
        1,
        "one line per record"
    );
    let v: serde_json::Value = serde_json::from_slice(&out).expect("the line is JSON");
    match kind {
        coverwright::batch::Kind::Failed => {
            assert_eq!(v["record"], 3, "{v}");
            assert!(v["row"] == 7 || v["row"].as_u64().is_some(), "{v}");
            assert!(v["error"]["message"].is_string(), "{v}");
        }
        coverwright::batch::Kind::Declined => assert_eq!(v["declined"], true),
        coverwright::batch::Kind::Quoted => assert!(v["totals"]["gross"].is_string(), "{v}"),
    }
    let s = String::from_utf8_lossy(&out);
    assert!(
        !s.contains("root:x:0:0"),
        "a file outside the folder was read"
    );
}
