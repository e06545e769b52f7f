//! CSV records from raw bytes, streamed: fields as bytes (decoded later), each with the byte
//! offset, line and column where it starts.
//!
//! Syntax: fields separated by `,`, records by `\n`, `\r\n` or a lone `\r` (all three count
//! as one line, so CRLF and LF files number their rows the same); a field that starts with
//! `"` is quoted, may hold separators and line breaks, and writes a `"` as `""`. Empty lines
//! are skipped. Every structural byte is ASCII, and no byte of a multi-byte UTF-8 or GBK
//! character is, so records are found before any decoding.
//!
//! Invariants: a record's row is the line where it starts; no field longer than
//! [`MAX_FIELD_BYTES`] and no record of more than [`MAX_FIELDS`] fields is kept (the rest of
//! such a record is skipped, not stored, and the record is an error); a quoted field that is
//! never closed, or closed with text after it, is an error at the row where it opened, and
//! reading goes on at the line after the opening quote (by seeking back), so a stray quote
//! does not swallow the rest of the file.

use std::io::{Read, Seek, SeekFrom};

/// Longest field, in bytes.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;
/// Most fields in one record.
pub const MAX_FIELDS: usize = 4096;

/// Where a field starts: byte offset in the file, line (1-based) and column (1-based,
/// counted in characters for UTF-8 text).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub offset: u64,
    pub line: usize,
    pub column: usize,
}

/// One record: its row and its fields' bytes and positions.
#[derive(Clone, Debug, Default)]
pub struct RawRecord {
    /// The line where the record starts.
    pub row: usize,
    bytes: Vec<u8>,
    ends: Vec<usize>,
    starts: Vec<Pos>,
}

impl RawRecord {
    /// How many fields the record has.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The bytes of field `i`.
    pub fn field(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes[start..self.ends[i]]
    }

    /// The bytes of every field, one after the other.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Where each field ends in [`RawRecord::bytes`].
    pub fn ends(&self) -> &[usize] {
        &self.ends
    }

    /// Where field `i` starts.
    pub fn pos(&self, i: usize) -> Pos {
        self.starts[i]
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
        self.starts.clear();
    }
}

/// What is wrong with a record's syntax.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyntaxKind {
    /// A quoted field is not closed before the end of the file.
    UnclosedQuote,
    /// A quoted field's closing quote is followed by text instead of `,` or a line break.
    TextAfterQuote,
    /// A field is longer than [`MAX_FIELD_BYTES`].
    FieldTooLong,
    /// The record has more than [`MAX_FIELDS`] fields.
    TooManyFields,
}

/// A record that cannot be read: its row, the field (1-based) and where that field starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub row: usize,
    pub column: usize,
    pub pos: Pos,
    pub kind: SyntaxKind,
}

impl SyntaxError {
    /// The problem without its row, e.g. "column 2: a quoted cell is never closed".
    pub fn message(&self) -> String {
        let c = self.column;
        match self.kind {
            SyntaxKind::UnclosedQuote => format!(
                "column {c}: the quote that opens this cell (line {}) is never closed",
                self.pos.line
            ),
            SyntaxKind::TextAfterQuote => format!(
                "column {c}: text after the closing quote of a quoted cell (a quote inside a quoted cell is written \"\")"
            ),
            SyntaxKind::FieldTooLong => {
                format!("column {c}: the cell is longer than {MAX_FIELD_BYTES} bytes")
            }
            SyntaxKind::TooManyFields => {
                format!("the row has more than {MAX_FIELDS} cells")
            }
        }
    }
}

/// Reads records from a seekable byte source.
pub struct RecordReader<R> {
    inner: R,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    /// The bytes of `buf` from `text_at` on that were checked as UTF-8, up to the first that
    /// is not (or the end of the buffer, less a character cut there): plain lines are read
    /// from here as text, checked once per buffer rather than once per line. Emptied
    /// whenever `buf` is filled again.
    text: String,
    text_at: usize,
    /// Offset in the file of `buf[start]`.
    offset: u64,
    line: usize,
    column: usize,
}

/// Where a quoted field opened, and where reading resumes should it turn out broken.
#[derive(Clone, Copy)]
struct Opened {
    column: usize,
    pos: Pos,
    /// The offset and line just after the first line break inside the quotes.
    resume: Option<(u64, usize)>,
}

enum FieldEnd {
    Separator,
    RecordEnd,
}

impl<R: Read + Seek> RecordReader<R> {
    /// A reader starting at byte `offset` of `inner` (past a BOM, say), at line 1.
    pub fn new(inner: R, offset: u64) -> std::io::Result<RecordReader<R>> {
        RecordReader::with_buffer(inner, offset, 1 << 16)
    }

    fn with_buffer(mut inner: R, offset: u64, size: usize) -> std::io::Result<RecordReader<R>> {
        inner.seek(SeekFrom::Start(offset))?;
        Ok(RecordReader {
            inner,
            buf: vec![0u8; size].into_boxed_slice(),
            start: 0,
            end: 0,
            text: String::new(),
            text_at: 0,
            offset,
            line: 1,
            column: 1,
        })
    }

    /// Bytes consumed so far (the offset of the next byte).
    pub fn offset(&self) -> u64 {
        self.offset
    }

    #[inline]
    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        if self.start == self.end {
            let n = loop {
                match self.inner.read(&mut self.buf) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            self.start = 0;
            self.end = n;
            self.text.clear();
            if n == 0 {
                return Ok(None);
            }
        }
        Ok(Some(self.buf[self.start]))
    }

    /// Consumes one byte that is not a line break.
    #[inline]
    fn bump(&mut self, b: u8) {
        self.start += 1;
        self.offset += 1;
        if b & 0xC0 != 0x80 {
            self.column += 1;
        }
    }

    /// Consumes a line break starting with `b` (`\n`, `\r` or `\r\n`); returns its bytes.
    fn newline(&mut self, b: u8) -> std::io::Result<&'static [u8]> {
        self.start += 1;
        self.offset += 1;
        let text: &'static [u8] = if b == b'\r' && self.peek()? == Some(b'\n') {
            self.start += 1;
            self.offset += 1;
            b"\r\n"
        } else if b == b'\r' {
            b"\r"
        } else {
            b"\n"
        };
        self.line += 1;
        self.column = 1;
        Ok(text)
    }

    fn here(&self) -> Pos {
        Pos {
            offset: self.offset,
            line: self.line,
            column: self.column,
        }
    }

    fn seek_to(&mut self, offset: u64, line: usize) -> std::io::Result<()> {
        self.inner.seek(SeekFrom::Start(offset))?;
        self.start = 0;
        self.end = 0;
        self.text.clear();
        self.offset = offset;
        self.line = line;
        self.column = 1;
        Ok(())
    }

    /// Skips empty lines (no records); `false` at the end of the input.
    fn skip_empty_lines(&mut self) -> std::io::Result<bool> {
        loop {
            match self.peek()? {
                None => return Ok(false),
                Some(b @ (b'\n' | b'\r')) => {
                    self.newline(b)?;
                }
                Some(_) => return Ok(true),
            }
        }
    }

    /// Where the next record starts, and the text from there to the end of what the buffer
    /// holds of UTF-8 text: the caller finds whether a plain line is there (whole, ending in
    /// `\n`, with no quote and no `\r`, so that its fields are the runs between its commas)
    /// and takes it with [`RecordReader::consume_line`], or reads the record the general way
    /// with [`RecordReader::read`]. Consumes nothing but the empty lines before the record.
    /// `None` at the end, and where the next bytes are not UTF-8.
    pub fn plain_text(&mut self) -> std::io::Result<Option<(Pos, &str)>> {
        if !self.skip_empty_lines()? {
            return Ok(None);
        }
        if self.start < self.text_at || self.start >= self.text_at + self.text.len() {
            // Check the rest of the buffer at once (many bytes at a time), up to its first
            // byte that is not UTF-8.
            self.text.clear();
            self.text_at = self.start;
            let avail = &self.buf[self.start..self.end];
            let valid = match simdutf8::compat::from_utf8(avail) {
                Ok(text) => text,
                Err(e) => simdutf8::basic::from_utf8(&avail[..e.valid_up_to()]).unwrap_or(""),
            };
            self.text.push_str(valid);
        }
        let at = Pos {
            offset: self.offset,
            line: self.line,
            column: self.column,
        };
        Ok(self.text.get(self.start - self.text_at..).map(|t| (at, t)))
    }

    /// Consumes a plain line of `len` bytes at the start of the text
    /// [`RecordReader::plain_text`] gave, and its `\n`.
    pub fn consume_line(&mut self, len: usize) {
        self.start += len + 1;
        self.offset += len as u64 + 1;
        self.line += 1;
        self.column = 1;
    }

    /// Skips to the end of the current line (quotes ignored), consuming the line break.
    fn skip_line(&mut self) -> std::io::Result<()> {
        while let Some(b) = self.peek()? {
            if b == b'\n' || b == b'\r' {
                self.newline(b)?;
                return Ok(());
            }
            self.bump(b);
        }
        Ok(())
    }

    /// Reads the next record into `rec`. `None` at the end of the input; `Some(Err(_))` for
    /// a record that cannot be read (reading can go on).
    pub fn read(
        &mut self,
        rec: &mut RawRecord,
    ) -> std::io::Result<Option<Result<(), SyntaxError>>> {
        rec.clear();
        if !self.skip_empty_lines()? {
            return Ok(None);
        }
        rec.row = self.line;
        let mut error: Option<SyntaxError> = None;
        loop {
            let column = rec.ends.len() + 1;
            let pos = self.here();
            if rec.ends.len() >= MAX_FIELDS && error.is_none() {
                error = Some(SyntaxError {
                    row: rec.row,
                    column,
                    pos,
                    kind: SyntaxKind::TooManyFields,
                });
            }
            let keep = error.is_none();
            let field_start = rec.bytes.len();
            let end = if self.peek()? == Some(b'"') {
                self.bump(b'"');
                match self.quoted(rec, keep, column, pos)? {
                    Ok(end) => end,
                    Err(e) => {
                        rec.clear();
                        return Ok(Some(Err(e)));
                    }
                }
            } else {
                self.unquoted(rec, keep)?
            };
            if keep && rec.bytes.len() - field_start > MAX_FIELD_BYTES {
                rec.bytes.truncate(field_start);
                error = Some(SyntaxError {
                    row: rec.row,
                    column,
                    pos,
                    kind: SyntaxKind::FieldTooLong,
                });
            }
            if error.is_none() {
                rec.ends.push(rec.bytes.len());
                rec.starts.push(pos);
            }
            if let FieldEnd::RecordEnd = end {
                break;
            }
        }
        Ok(Some(match error {
            Some(e) => {
                rec.clear();
                Err(e)
            }
            None => Ok(()),
        }))
    }

    /// Reads an unquoted field up to `,` or the end of the line (consumed). Bytes are kept
    /// while `keep` and the field is within the limit (one byte over marks it too long).
    fn unquoted(&mut self, rec: &mut RawRecord, keep: bool) -> std::io::Result<FieldEnd> {
        let start = rec.bytes.len();
        loop {
            match self.peek()? {
                None => return Ok(FieldEnd::RecordEnd),
                Some(b',') => {
                    self.bump(b',');
                    return Ok(FieldEnd::Separator);
                }
                Some(b @ (b'\n' | b'\r')) => {
                    self.newline(b)?;
                    return Ok(FieldEnd::RecordEnd);
                }
                Some(_) => {
                    // Copy the run of plain bytes in the buffer at once.
                    let avail = &self.buf[self.start..self.end];
                    let run = avail
                        .iter()
                        .position(|c| matches!(c, b',' | b'\n' | b'\r'))
                        .unwrap_or(avail.len());
                    if keep && rec.bytes.len() - start <= MAX_FIELD_BYTES {
                        let room = MAX_FIELD_BYTES + 1 - (rec.bytes.len() - start);
                        rec.bytes.extend_from_slice(&avail[..run.min(room)]);
                    }
                    let chars = avail[..run].iter().filter(|c| **c & 0xC0 != 0x80).count();
                    self.start += run;
                    self.offset += run as u64;
                    self.column += chars;
                }
            }
        }
    }

    /// Reads a quoted field after its opening quote, through the closing quote and the `,` or
    /// line break after it. On a broken field, reading resumes at the line after the
    /// opening quote (or after the current line when the field did not span lines).
    fn quoted(
        &mut self,
        rec: &mut RawRecord,
        keep: bool,
        column: usize,
        pos: Pos,
    ) -> std::io::Result<Result<FieldEnd, SyntaxError>> {
        let start = rec.bytes.len();
        let mut opened = Opened {
            column,
            pos,
            resume: None,
        };
        let row = rec.row;
        let fail = |o: &Opened, kind| SyntaxError {
            row,
            column: o.column,
            pos: o.pos,
            kind,
        };
        loop {
            let Some(b) = self.peek()? else {
                let e = fail(&opened, SyntaxKind::UnclosedQuote);
                if let Some((offset, line)) = opened.resume {
                    self.seek_to(offset, line)?;
                }
                return Ok(Err(e));
            };
            let room = keep && rec.bytes.len() - start <= MAX_FIELD_BYTES;
            match b {
                b'"' => {
                    self.bump(b);
                    if self.peek()? == Some(b'"') {
                        self.bump(b'"');
                        if room {
                            rec.bytes.push(b'"');
                        }
                        continue;
                    }
                    return Ok(match self.peek()? {
                        None => Ok(FieldEnd::RecordEnd),
                        Some(b',') => {
                            self.bump(b',');
                            Ok(FieldEnd::Separator)
                        }
                        Some(n @ (b'\n' | b'\r')) => {
                            self.newline(n)?;
                            Ok(FieldEnd::RecordEnd)
                        }
                        Some(_) => {
                            let e = fail(&opened, SyntaxKind::TextAfterQuote);
                            match opened.resume {
                                Some((offset, line)) => self.seek_to(offset, line)?,
                                None => self.skip_line()?,
                            }
                            Err(e)
                        }
                    });
                }
                b'\n' | b'\r' => {
                    let text = self.newline(b)?;
                    if opened.resume.is_none() {
                        opened.resume = Some((self.offset, self.line));
                    }
                    if room {
                        rec.bytes.extend_from_slice(text);
                    }
                }
                _ => {
                    self.bump(b);
                    if room {
                        rec.bytes.push(b);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every record of `text`: `Ok((row, fields))` or the error.
    fn all(text: &[u8]) -> Vec<Result<(usize, Vec<String>), SyntaxError>> {
        let mut r = RecordReader::new(std::io::Cursor::new(text), 0).unwrap();
        let mut rec = RawRecord::default();
        let mut out = Vec::new();
        while let Some(x) = r.read(&mut rec).unwrap() {
            out.push(x.map(|()| {
                (
                    rec.row,
                    (0..rec.len())
                        .map(|i| String::from_utf8_lossy(rec.field(i)).into_owned())
                        .collect(),
                )
            }));
        }
        out
    }

    fn ok(row: usize, fields: &[&str]) -> Result<(usize, Vec<String>), SyntaxError> {
        Ok((row, fields.iter().map(|s| s.to_string()).collect()))
    }

    #[test]
    fn crlf_lf_and_cr_number_rows_alike() {
        let lf = all(b"a,b\n1,2\n\n3,\"x\ny\"\n4,5\n");
        let crlf = all(b"a,b\r\n1,2\r\n\r\n3,\"x\r\ny\"\r\n4,5\r\n");
        assert_eq!(
            lf,
            [
                ok(1, &["a", "b"]),
                ok(2, &["1", "2"]),
                ok(4, &["3", "x\ny"]),
                ok(6, &["4", "5"])
            ]
        );
        assert_eq!(crlf[3], ok(6, &["4", "5"]));
        assert_eq!(crlf[2], ok(4, &["3", "x\r\ny"]));
    }

    #[test]
    fn an_unclosed_quote_is_an_error_at_its_row_and_the_rest_is_read() {
        let got = all(b"a,b\n1,\"2\n3,4\n5,6\n");
        assert_eq!(got.len(), 4);
        let Err(e) = &got[1] else { panic!("{got:?}") };
        assert_eq!((e.row, e.column, e.kind), (2, 2, SyntaxKind::UnclosedQuote));
        assert_eq!(e.pos.offset, 6);
        assert_eq!(got[2], ok(3, &["3", "4"]));
        assert_eq!(got[3], ok(4, &["5", "6"]));
        // Closed by a later quote, with text after it.
        let got = all(b"n\n\"abc\nx,\"y\"z\nlast\n");
        let Err(e) = &got[1] else { panic!("{got:?}") };
        assert_eq!((e.row, e.kind), (2, SyntaxKind::TextAfterQuote));
        let Err(e) = &got[2] else { panic!("{got:?}") };
        assert_eq!(
            (e.row, e.column, e.kind),
            (3, 2, SyntaxKind::TextAfterQuote)
        );
        assert_eq!(got[3], ok(4, &["last"]));
    }

    #[test]
    fn long_fields_and_wide_rows_are_errors_and_skipped() {
        let mut text = b"a,b\n1,".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_FIELD_BYTES + 1));
        text.extend_from_slice(b"\n\"");
        text.extend(std::iter::repeat_n(b'y', 10 * MAX_FIELD_BYTES));
        text.extend_from_slice(b"\",2\n3,4\n");
        text.extend_from_slice(",".repeat(MAX_FIELDS).as_bytes());
        text.extend_from_slice(b"\n5,6");
        let got = all(&text);
        let kinds: Vec<_> = got
            .iter()
            .map(|r| {
                r.as_ref()
                    .map(|x| x.0)
                    .map_err(|e| (e.row, e.column, e.kind))
            })
            .collect();
        assert_eq!(
            kinds,
            [
                Ok(1),
                Err((2, 2, SyntaxKind::FieldTooLong)),
                Err((3, 1, SyntaxKind::FieldTooLong)),
                Ok(4),
                Err((5, MAX_FIELDS + 1, SyntaxKind::TooManyFields)),
                Ok(6)
            ]
        );
        // Exactly the limit is allowed.
        let mut text = b"a\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_FIELD_BYTES));
        assert_eq!(all(&text)[1].as_ref().unwrap().1[0].len(), MAX_FIELD_BYTES);
    }

    #[test]
    fn positions_count_characters() {
        let mut r = RecordReader::new(std::io::Cursor::new("张伟,40\r\n李娜,\"35\"".as_bytes()), 0)
            .unwrap();
        let mut rec = RawRecord::default();
        r.read(&mut rec).unwrap().unwrap().unwrap();
        assert_eq!(
            rec.pos(1),
            Pos {
                offset: 7,
                line: 1,
                column: 4
            }
        );
        r.read(&mut rec).unwrap().unwrap().unwrap();
        assert_eq!((rec.row, rec.pos(1).offset, rec.pos(1).column), (2, 18, 4));
        assert_eq!(rec.field(1), b"35");
    }
}
