//! The one census reader: a census CSV file streamed as rows of text, for `quote --census`,
//! `batch`, and the test cases of product files.
//!
//! - **Encoding** ([`Encoding`]): a file with a UTF-8 byte order mark is UTF-8; otherwise
//!   UTF-8 when every line is UTF-8, or when more of its lines with non-ASCII text are UTF-8
//!   than are not (the others are then row errors); otherwise GBK, as Excel saves in China.
//!   `--encoding` forces one. A cell whose bytes are not text in the file's encoding is an
//!   error naming its row, column and byte offset: bytes are never replaced. A reader opened
//!   with [`CensusReader::open_as_utf8`] skips the look at the whole file: it reads UTF-8 and
//!   stops with an error [`is_not_utf8`] tells at the first row that is not (the caller
//!   then starts again with the encoding found the usual way).
//! - **Syntax** ([`records`]): CRLF, LF and CR number rows alike; quoted cells; an unclosed
//!   quote is an error at the row where it opened, and the rows after it are still read;
//!   cells over 64 KiB are errors.
//! - **Header**: names trimmed; an empty or repeated name is an error.
//! - **Rows**: [`CensusReader::next_row`] gives each row with its row number (the line it
//!   starts on, the header being row 1) and its cells; blank lines are skipped.
//!   [`read_members`] reads a whole census into members through
//!   [`CensusLayout`] ([`layout`]), every bad cell a diagnostic with row and column.
//!
//! Invariants: memory is bounded by one row (no file is read whole); every error names the
//! row and, where it is about one cell, the column.

pub mod block;
pub mod layout;
pub mod records;

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics, Span};
use crate::product::Product;
use crate::request::Member;
pub use block::{Cells, RowBlock, RowRef};
pub use layout::{CensusLayout, HeaderProblem, MAX_MEMBERS, RowProblem};
pub use records::{MAX_FIELD_BYTES, MAX_FIELDS, Pos};
use records::{RawRecord, RecordReader};

mod encoding;
pub(crate) use encoding::detect;
pub use encoding::{Encoding, is_not_utf8};
use encoding::{decode, not_utf8};

/// A problem with one row (or the header): its row, the column (1-based) when it is about
/// one cell, where in the file, and what is wrong (without the row).
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    pub row: usize,
    pub column: Option<usize>,
    pub pos: Option<Pos>,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}, {}", self.row, self.message)
    }
}

/// Why a census cannot be read at all.
#[derive(Debug)]
pub enum CensusError {
    /// The file cannot be opened or read (not a regular file, too large, an I/O error).
    File(crate::fsio::FsError),
    /// The file has no header row.
    NoHeader,
    /// The header row is invalid.
    Header(Vec<RowError>),
}

/// `cell.trim()`: a cell that starts and ends with a visible character (nearly every census
/// cell) is returned without looking further. Visible here is printable ASCII, or a
/// character from U+4000 up (a CJK name): no white space lies there, and in UTF-8 such a
/// character starts with a byte from `E4` up.
#[inline]
pub fn trim(cell: &str) -> &str {
    let b = cell.as_bytes();
    let starts = b.first().is_some_and(|&c| starts_visible(c));
    // The last character: one visible ASCII byte, or three or four bytes led by `E4` and up.
    let ends = match b {
        [.., c] if c.is_ascii_graphic() => true,
        [.., lead, _, _] if (0xE4..0xF0).contains(lead) => true,
        [.., lead, _, _, _] if *lead >= 0xF0 => true,
        _ => false,
    };
    if starts && ends { cell } else { cell.trim() }
}

/// `cell.trim().is_empty()`: a cell that starts with a visible character is not blank.
#[inline]
pub fn is_blank(cell: &str) -> bool {
    match cell.as_bytes().first() {
        None => true,
        Some(&b) if starts_visible(b) => false,
        Some(_) => cell.trim().is_empty(),
    }
}

/// Whether a character starting with byte `b` is visible (see [`trim`]): printable ASCII, or
/// a character from U+4000 up.
#[inline]
fn starts_visible(b: u8) -> bool {
    b.is_ascii_graphic() || b >= 0xE4
}

/// One row: its row number, its cells (decoded and untrimmed) and where each cell starts
/// (empty after [`CensusReader::without_positions`]).
#[derive(Clone, Debug)]
pub struct CensusRow {
    pub row: usize,
    pub cells: csv::StringRecord,
    pub starts: Vec<Pos>,
}

/// A census being read row by row.
pub struct CensusReader<R> {
    records: RecordReader<R>,
    encoding: Encoding,
    header: Vec<String>,
    header_starts: Vec<Pos>,
    raw: RawRecord,
    /// The block [`CensusReader::next_row`] reads its one row into.
    one: RowBlock,
    /// Where the last row read started, when it was read as a plain line.
    plain_at: Option<Pos>,
    /// Whether plain lines are read at once ([`RecordReader::plain_text`]); off only to test
    /// that both ways read the same rows.
    plain: bool,
    /// Whether rows carry where each cell starts ([`CensusRow::starts`]).
    positions: bool,
    /// Read as UTF-8 without a look at the whole file ([`CensusReader::open_as_utf8`]).
    assumed: bool,
}

/// Largest census file read (bytes).
pub const MAX_CENSUS_BYTES: u64 = crate::fsio::MAX_STREAM_BYTES;

impl CensusReader<BufReader<File>> {
    /// Opens a census file (a regular file of at most `limit` bytes), finds its encoding
    /// unless `forced`, and reads its header.
    pub fn open(
        path: &Path,
        forced: Option<Encoding>,
        limit: u64,
    ) -> Result<CensusReader<BufReader<File>>, CensusError> {
        CensusReader::open_with(path, forced, false, limit)
    }

    /// Opens a census file as [`CensusReader::open`] does, but reads it as UTF-8 without
    /// first looking at the whole file: the first row whose bytes are not UTF-8 (or a header
    /// that is not) gives an I/O error that [`is_not_utf8`] tells, and the rows read until
    /// then may have to be read again with the encoding [`CensusReader::open`] finds. For a
    /// caller that can start its output again; a file with a byte order mark is UTF-8 as
    /// usual.
    pub fn open_as_utf8(path: &Path, limit: u64) -> Result<Self, CensusError> {
        CensusReader::open_with(path, None, true, limit)
    }

    fn open_with(
        path: &Path,
        forced: Option<Encoding>,
        assume: bool,
        limit: u64,
    ) -> Result<Self, CensusError> {
        let (file, _) = crate::fsio::open_input(path, limit).map_err(CensusError::File)?;
        let io = |source| {
            CensusError::File(crate::fsio::FsError::Read {
                path: path.to_path_buf(),
                source,
            })
        };
        let inner = BufReader::with_capacity(1 << 16, file);
        CensusReader::with_encoding(inner, forced, assume).map_err(|e| match e {
            Opened::Io(e) => io(e),
            Opened::Census(c) => c,
        })
    }
}

/// What opening a census from a reader can fail with.
pub enum Opened {
    Io(std::io::Error),
    Census(CensusError),
}

impl From<std::io::Error> for Opened {
    fn from(e: std::io::Error) -> Opened {
        Opened::Io(e)
    }
}

impl<R: Read + Seek> CensusReader<R> {
    /// Reads a census from `inner` (see [`CensusReader::open`]).
    pub fn new(inner: R, forced: Option<Encoding>) -> Result<CensusReader<R>, Opened> {
        CensusReader::with_encoding(inner, forced, false)
    }

    /// [`CensusReader::new`]; without `forced`, reads UTF-8 when `assume`
    /// ([`CensusReader::open_as_utf8`]), else finds the encoding first.
    fn with_encoding(
        mut inner: R,
        forced: Option<Encoding>,
        assume: bool,
    ) -> Result<CensusReader<R>, Opened> {
        let mut head = [0u8; 3];
        let mut got = 0;
        while got < 3 {
            let n = inner.read(&mut head[got..])?;
            if n == 0 {
                break;
            }
            got += n;
        }
        let bom = head[..got] == [0xEF, 0xBB, 0xBF];
        let assumed = forced.is_none() && !bom && assume;
        let encoding = match forced {
            Some(e) => e,
            None if bom || assume => Encoding::Utf8,
            None => {
                inner.seek(SeekFrom::Start(0))?;
                detect(&mut inner)?
            }
        };
        let records = RecordReader::new(inner, if bom { 3 } else { 0 })?;
        let mut r = CensusReader {
            records,
            encoding,
            header: Vec::new(),
            header_starts: Vec::new(),
            raw: RawRecord::default(),
            one: RowBlock::default(),
            plain_at: None,
            plain: true,
            positions: true,
            assumed,
        };
        (r.header, r.header_starts) = r.read_header()?;
        Ok(r)
    }

    fn read_header(&mut self) -> Result<(Vec<String>, Vec<Pos>), Opened> {
        let row = match self.next_row()? {
            None => return Err(Opened::Census(CensusError::NoHeader)),
            Some(Err(e)) => return Err(Opened::Census(CensusError::Header(vec![e]))),
            Some(Ok(r)) => r,
        };
        let header: Vec<String> = row.cells.iter().map(|s| s.trim().to_string()).collect();
        let mut problems = Vec::new();
        for (i, h) in header.iter().enumerate() {
            let at = |message: String| RowError {
                row: row.row,
                column: Some(i + 1),
                pos: row.starts.get(i).copied(),
                message,
            };
            if h.is_empty() {
                problems.push(at(format!(
                    "column {}: the column has no name (remove it or name it)",
                    i + 1
                )));
            } else if let Some(first) = header[..i].iter().position(|x| x == h) {
                problems.push(at(format!(
                    "column {}: the column `{h}` is already column {}; each column may appear once",
                    i + 1,
                    first + 1
                )));
            }
        }
        if problems.is_empty() {
            Ok((header, row.starts))
        } else {
            Err(Opened::Census(CensusError::Header(problems)))
        }
    }

    /// Rows read from now on carry no cell positions (an empty [`CensusRow::starts`]): for
    /// callers that report problems by row and column only, and read many rows.
    pub fn without_positions(&mut self) {
        self.positions = false;
    }

    /// The header's names, trimmed.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Where each header cell starts.
    pub fn header_starts(&self) -> &[Pos] {
        &self.header_starts
    }

    /// The encoding the census is read in.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Bytes read so far (for progress).
    pub fn offset(&self) -> u64 {
        self.records.offset()
    }

    /// The next row, `None` at the end. A row that cannot be read is an error that names
    /// it; the rows after it can still be read.
    pub fn next_row(&mut self) -> std::io::Result<Option<Result<CensusRow, RowError>>> {
        let mut one = std::mem::take(&mut self.one);
        one.clear();
        let read = self.next_row_into(&mut one);
        let row = match read {
            Ok(Some(Ok(()))) => {
                let r = one.row(0);
                let mut cells =
                    csv::StringRecord::with_capacity(r.iter().map(str::len).sum(), r.len());
                for c in r.iter() {
                    cells.push_field(c);
                }
                let raw = &self.raw;
                let starts: Vec<Pos> = match self.plain_at {
                    _ if !self.positions => Vec::new(),
                    // A plain line: each cell starts after the characters before it.
                    Some(at) => (0..r.len())
                        .map(|i| {
                            let before = r.start(i).unwrap_or(0);
                            let text = r.text().get(..before).unwrap_or_default();
                            Pos {
                                offset: at.offset + before as u64,
                                line: at.line,
                                column: at.column + text.chars().count(),
                            }
                        })
                        .collect(),
                    None => (0..raw.len()).map(|i| raw.pos(i)).collect(),
                };
                Ok(Some(Ok(CensusRow {
                    row: r.row,
                    cells,
                    starts,
                })))
            }
            Ok(Some(Err(e))) => Ok(Some(Err(e))),
            Ok(None) => Ok(None),
            Err(e) => Err(e),
        };
        self.one = one;
        row
    }

    /// Reads the next row onto the end of `block` (see [`CensusReader::next_row`]); nothing
    /// is added for a row that cannot be read.
    pub fn next_row_into(
        &mut self,
        block: &mut RowBlock,
    ) -> std::io::Result<Option<Result<(), RowError>>> {
        // The common row: a plain line of text, its cells the runs between commas.
        if self.plain
            && let Some((at, text)) = self.records.plain_text()?
        {
            let rows = block.len();
            if let Some(len) = block.push_line(at.line, text, MAX_FIELDS, MAX_FIELD_BYTES) {
                if self.encoding == Encoding::Utf8 || text.as_bytes()[..len].is_ascii() {
                    self.records.consume_line(len);
                    self.plain_at = Some(at);
                    return Ok(Some(Ok(())));
                }
                // Not ASCII, so to be decoded as GBK.
                block.truncate(rows);
            }
        }
        self.plain_at = None;
        let r = match self.records.read(&mut self.raw)? {
            None => return Ok(None),
            Some(r) => r,
        };
        if let Err(e) = r {
            return Ok(Some(Err(RowError {
                row: e.row,
                column: Some(e.column),
                pos: Some(e.pos),
                message: e.message(),
            })));
        }
        let raw = &self.raw;
        // The common case: the whole row is text, and every cell ends between characters.
        if let Ok(text) = simdutf8::basic::from_utf8(raw.bytes())
            && (self.encoding == Encoding::Utf8 || text.is_ascii())
            && raw.ends().iter().all(|&e| text.is_char_boundary(e))
        {
            block.push_joined(raw.row, text, raw.ends());
            return Ok(Some(Ok(())));
        }
        let mut cells = Vec::with_capacity(raw.len());
        for i in 0..raw.len() {
            let bytes = raw.field(i);
            match decode(self.encoding, bytes) {
                Ok(text) => cells.push(text),
                Err(_) if self.assumed => return Err(not_utf8()),
                Err(bad) => {
                    let pos = raw.pos(i);
                    return Ok(Some(Err(RowError {
                        row: raw.row,
                        column: Some(i + 1),
                        pos: Some(pos),
                        message: format!(
                            "column {}: the cell is not {} text (byte offset {} of the file); save the census as UTF-8{}",
                            i + 1,
                            self.encoding.name(),
                            pos.offset + bad as u64,
                            match self.encoding {
                                Encoding::Utf8 =>
                                    ", or give --encoding gbk if the whole file is GBK",
                                Encoding::Gbk => "",
                            }
                        ),
                    })));
                }
            }
        }
        block.push_cells(raw.row, cells.iter().map(|c| &**c));
        Ok(Some(Ok(())))
    }
}

/// A diagnostic span for a row error (the cell it is about, or the row).
fn span_of(e: &RowError, len: usize) -> Span {
    match e.pos {
        Some(p) => Span::new(
            p.line as u32,
            p.column as u32,
            p.offset as usize,
            len.max(1),
        ),
        None => Span::new(e.row as u32, 1, 0, 0),
    }
}

/// The diagnostics for a census that cannot be read at all.
pub fn census_error_diagnostics(path: &Path, e: CensusError) -> Vec<Diagnostic> {
    match e {
        CensusError::File(e) => {
            vec![Diagnostic::error(crate::diagnostics::codes::E0220, e.to_string()).in_file(path)]
        }
        CensusError::NoHeader => vec![
            Diagnostic::error(
                crate::diagnostics::codes::E0221,
                "the census is empty: it has no header row",
            )
            .in_file(path)
            .at(Span::new(1, 1, 0, 0))
            .with_help("the first row names the columns, e.g. name,id,age,gender"),
        ],
        CensusError::Header(problems) => problems
            .iter()
            .map(|p| {
                Diagnostic::error(crate::diagnostics::codes::E0221, p.to_string())
                    .in_file(path)
                    .at(span_of(p, 1))
            })
            .collect(),
    }
}

/// Reads a whole census file into members, with a [`CensusLayout`] built from its header:
/// every bad cell reported with row and column; blank rows skipped; at most [`MAX_MEMBERS`]
/// members. Only a regular file within [`crate::fsio::MAX_NAMED_CENSUS_BYTES`] is read.
pub fn read_members(
    product: &Product,
    path: &Path,
    forced: Option<Encoding>,
) -> Result<Vec<Member>, Diagnostics> {
    let reader = CensusReader::open(path, forced, crate::fsio::MAX_NAMED_CENSUS_BYTES)
        .map_err(|e| diagnostics_of(census_error_diagnostics(path, e)))?;
    members_of(product, path, reader)
}

/// [`read_members`] for census bytes already in memory; `path` names them in diagnostics.
pub fn read_members_bytes(
    product: &Product,
    path: &Path,
    bytes: &[u8],
    forced: Option<Encoding>,
) -> Result<Vec<Member>, Diagnostics> {
    let reader = match CensusReader::new(std::io::Cursor::new(bytes), forced) {
        Ok(r) => r,
        Err(Opened::Census(e)) => return Err(diagnostics_of(census_error_diagnostics(path, e))),
        Err(Opened::Io(e)) => {
            return Err(diagnostics_of(vec![
                Diagnostic::error(
                    crate::diagnostics::codes::E0220,
                    format!("cannot read the census: {e}"),
                )
                .in_file(path),
            ]));
        }
    };
    members_of(product, path, reader)
}

fn diagnostics_of(diags: Vec<Diagnostic>) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.extend(diags);
    d
}

/// The members of an opened census (see [`read_members`]).
fn members_of<R: Read + Seek>(
    product: &Product,
    path: &Path,
    mut reader: CensusReader<R>,
) -> Result<Vec<Member>, Diagnostics> {
    let mut d = Diagnostics::new();
    let fail = diagnostics_of;
    let header = reader.header().to_vec();
    let layout = CensusLayout::new(product, header, &[])
        .map_err(|problems| fail(header_diagnostics(path, &reader, problems)))?;
    let mut members = Vec::new();
    loop {
        let row = match reader.next_row() {
            Ok(None) => break,
            Ok(Some(Ok(r))) => r,
            Ok(Some(Err(e))) => {
                d.push(
                    Diagnostic::error(crate::diagnostics::codes::E0223, e.to_string())
                        .in_file(path)
                        .at(span_of(&e, 1)),
                );
                continue;
            }
            Err(e) => {
                d.push(
                    Diagnostic::error(
                        crate::diagnostics::codes::E0220,
                        format!("cannot read the census: {e}"),
                    )
                    .in_file(path),
                );
                break;
            }
        };
        if row.cells.iter().all(is_blank) {
            continue;
        }
        if members.len() >= MAX_MEMBERS {
            d.push(
                Diagnostic::error(
                    crate::diagnostics::codes::E0209,
                    format!("row {}: more than {MAX_MEMBERS} members", row.row),
                )
                .in_file(path)
                .at(Span::new(
                    row.row as u32,
                    1,
                    row.starts[0].offset as usize,
                    1,
                )),
            );
            break;
        }
        match layout.member(product, &row.cells, row.row) {
            Ok(Some(m)) => members.push(m),
            Ok(None) => {}
            Err(problems) => {
                for p in problems {
                    let e = row_problem_error(&row, &p);
                    let len = e
                        .column
                        .and_then(|c| row.cells.get(c - 1))
                        .map_or(1, str::len);
                    let code = if matches!(p, RowProblem::Cells { .. }) {
                        crate::diagnostics::codes::E0223
                    } else {
                        crate::diagnostics::codes::E0224
                    };
                    d.push(
                        Diagnostic::error(code, e.to_string())
                            .in_file(path)
                            .at(span_of(&e, len)),
                    );
                }
            }
        }
    }
    if d.has_errors() { Err(d) } else { Ok(members) }
}

/// The diagnostics for a header that does not fit the product, each at its header cell.
pub fn header_diagnostics<R: Read + Seek>(
    path: &Path,
    reader: &CensusReader<R>,
    problems: Vec<HeaderProblem>,
) -> Vec<Diagnostic> {
    problems
        .into_iter()
        .map(|p| {
            let span = match reader.header_starts().get(p.column) {
                Some(s) => {
                    let len = reader.header().get(p.column).map_or(1, |h| h.len().max(1));
                    Span::new(s.line as u32, s.column as u32, s.offset as usize, len)
                }
                None => Span::new(1, 1, 0, 0),
            };
            Diagnostic::error(crate::diagnostics::codes::E0222, p.message)
                .in_file(path)
                .at(span)
                .with_help(p.help)
        })
        .collect()
}

/// A row problem found by [`CensusLayout::member`] as a [`RowError`] naming row and column.
pub fn row_problem_error(row: &CensusRow, p: &RowProblem) -> RowError {
    let (column, message) = match p {
        RowProblem::Cells { cells, columns } => {
            let c = (*cells).min(*columns) + 1;
            (
                c,
                format!(
                    "column {c}: the row has {cells} cells, but the header has {columns} columns"
                ),
            )
        }
        RowProblem::Empty { field, column } | RowProblem::Invalid { field, column, .. } => (
            column + 1,
            format!("column {} (`{field}`): {}", column + 1, p.message()),
        ),
    };
    RowError {
        row: row.row,
        column: Some(column),
        pos: row.starts.get(column - 1).copied(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The encoding rule applied line by line, the plain way.
    fn detect_by_lines(bytes: &[u8]) -> Encoding {
        let (mut utf8, mut other) = (0, 0);
        for line in bytes.split(|&b| b == b'\n') {
            if std::str::from_utf8(line).is_err() {
                other += 1;
            } else if !line.is_ascii() {
                utf8 += 1;
            }
        }
        if other == 0 || utf8 > other {
            Encoding::Utf8
        } else {
            Encoding::Gbk
        }
    }

    #[test]
    fn trim_and_blank_are_those_of_str() {
        for cell in [
            "",
            " ",
            "\t",
            "a",
            " a",
            "a ",
            "张伟",
            " 张伟\u{3000}",
            "\u{3000}",
            "\u{3000}x",
            "x\u{a0}",
            "330102198503071234",
            "true",
            "\r",
        ] {
            assert_eq!(trim(cell), cell.trim(), "{cell:?}");
            assert_eq!(is_blank(cell), cell.trim().is_empty(), "{cell:?}");
        }
    }

    proptest::proptest! {
        /// Around the fast path's edges: white space up to U+3000, the characters either
        /// side of U+4000, CJK, four-byte characters and ASCII.
        #[test]
        fn trim_is_that_of_str_for_any_cell(chars in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(vec![' ', '\t', '\u{85}', '\u{a0}', '\u{1680}',
                    '\u{2000}', '\u{202f}', '\u{3000}', '\u{3fff}', '\u{4000}', '张',
                    '\u{ffff}', '😀', 'a', '~', '\u{7f}']),
                proptest::prelude::any::<char>(),
            ],
            0..6,
        )) {
            let cell: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(trim(&cell), cell.trim());
            proptest::prop_assert_eq!(is_blank(&cell), cell.trim().is_empty());
        }
    }

    proptest::proptest! {
        /// Skipping ASCII runs finds what reading every byte finds, wherever the runs, line
        /// ends and cut characters fall.
        #[test]
        fn detection_skipping_ascii_runs_agrees_with_the_rule(
            pieces in proptest::collection::vec(0usize..7, 0..120)
        ) {
            let parts: [&[u8]; 7] = [
                b"0123456789abcdefghij,",
                b"\n",
                "张伟".as_bytes(),
                &[0xD5, 0xC5, 0xCE, 0xB0],
                &[0xE5, 0xBC],
                b"x",
                b"a,b,c\r\n0123456789012345",
            ];
            let bytes: Vec<u8> = pieces.iter().flat_map(|&i| parts[i].iter().copied()).collect();
            let got = detect(&mut std::io::Cursor::new(&bytes)).unwrap();
            proptest::prop_assert_eq!(got, detect_by_lines(&bytes));
            // Reads of a few bytes cut characters between reads.
            for step in [1, 2, 5] {
                let got = detect(&mut Trickle(std::io::Cursor::new(&bytes), step)).unwrap();
                proptest::prop_assert_eq!(got, detect_by_lines(&bytes));
            }
        }
    }

    /// Every row of `text` after its header, with its cells and positions.
    fn all_rows(text: &[u8], step: usize, plain: bool) -> Vec<Result<CensusRow, RowError>> {
        let mut r = match CensusReader::new(Trickle(std::io::Cursor::new(text), step), None) {
            Ok(r) => r,
            Err(_) => return Vec::new(),
        };
        r.plain = plain;
        std::iter::from_fn(|| r.next_row().unwrap()).collect()
    }

    proptest::proptest! {
        /// Plain lines read at once give the rows, cells and positions read byte by byte,
        /// however the reads cut the text.
        #[test]
        fn plain_lines_read_at_once_are_the_rows_read_byte_by_byte(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    &b"a"[..], b"12", "张伟".as_bytes(), b",", b",", b"\"", b"\n", b"\n", b"\r\n",
                    b"\r", b" ", &[0xE5][..], b"-", b"+",
                ]),
                0..60,
            ),
            step in proptest::sample::select(vec![1usize, 3, 7, 64, 1 << 20]),
        ) {
            let text = [&b"h1,h2\n"[..], &pieces.concat()].concat();
            let fast = all_rows(&text, step, true);
            let slow = all_rows(&text, step, false);
            proptest::prop_assert_eq!(fast.len(), slow.len());
            for (f, s) in fast.iter().zip(&slow) {
                match (f, s) {
                    (Ok(f), Ok(s)) => {
                        proptest::prop_assert_eq!(f.row, s.row);
                        proptest::prop_assert_eq!(&f.cells, &s.cells);
                        proptest::prop_assert_eq!(&f.starts, &s.starts);
                    }
                    (f, s) => proptest::prop_assert_eq!(
                        f.as_ref().err().map(|e| (e.row, e.column, e.pos, &e.message)),
                        s.as_ref().err().map(|e| (e.row, e.column, e.pos, &e.message))
                    ),
                }
            }
        }
    }

    /// A reader giving at most `.1` bytes a read.
    struct Trickle<R>(R, usize);

    impl<R: Read> Read for Trickle<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.1);
            self.0.read(&mut buf[..n])
        }
    }

    impl<R: Seek> Seek for Trickle<R> {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.0.seek(to)
        }
    }

    fn rows(bytes: &[u8], forced: Option<Encoding>) -> (Encoding, Vec<String>) {
        let mut r = match CensusReader::new(std::io::Cursor::new(bytes), forced) {
            Ok(r) => r,
            Err(_) => panic!("opens"),
        };
        let mut out = Vec::new();
        while let Some(x) = r.next_row().unwrap() {
            out.push(match x {
                Ok(row) => format!(
                    "{}: {}",
                    row.row,
                    row.cells.iter().collect::<Vec<_>>().join("|")
                ),
                Err(e) => e.to_string(),
            });
        }
        (r.encoding(), out)
    }

    #[test]
    fn utf8_with_a_gbk_row_is_utf8_with_that_row_an_error() {
        let mut text = "name,age\n张伟,40\n李娜,35\n".as_bytes().to_vec();
        let (gbk, _, _) = encoding_rs::GBK.encode("王芳");
        text.extend_from_slice(&gbk);
        text.extend_from_slice(b",30\n");
        let (enc, got) = rows(&text, None);
        assert_eq!(enc, Encoding::Utf8);
        assert_eq!(
            got,
            [
                "2: 张伟|40",
                "3: 李娜|35",
                "row 4, column 1: the cell is not UTF-8 text (byte offset 29 of the file); save the census as UTF-8, or give --encoding gbk if the whole file is GBK"
            ]
        );
    }

    #[test]
    fn a_gbk_file_is_gbk_and_a_bom_file_is_utf8() {
        let (gbk, _, _) = encoding_rs::GBK.encode("name,age\r\n张伟,40\r\n李娜,35\r\n");
        let (enc, got) = rows(&gbk, None);
        assert_eq!(
            (enc, got),
            (
                Encoding::Gbk,
                vec!["2: 张伟|40".to_string(), "3: 李娜|35".into()]
            )
        );
        let bom = "\u{feff}name,age\n张伟,40\n".as_bytes();
        assert_eq!(
            rows(bom, None),
            (Encoding::Utf8, vec!["2: 张伟|40".to_string()])
        );
        // Forced UTF-8 on GBK bytes: errors, never mojibake.
        let (_, got) = rows(&gbk, Some(Encoding::Utf8));
        assert!(
            got.iter().all(|l| l.contains("is not UTF-8 text")),
            "{got:?}"
        );
    }

    #[test]
    fn empty_and_repeated_header_names_are_errors() {
        for (text, want) in [
            (
                &b"name,,age\n"[..],
                "row 1, column 2: the column has no name (remove it or name it)",
            ),
            (
                &b"name,age, age\n"[..],
                "row 1, column 3: the column `age` is already column 2; each column may appear once",
            ),
        ] {
            match CensusReader::new(std::io::Cursor::new(text), None) {
                Err(Opened::Census(CensusError::Header(p))) => assert_eq!(p[0].to_string(), want),
                _ => panic!("refused"),
            }
        }
    }
}
