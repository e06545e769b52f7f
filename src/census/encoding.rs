//! The encoding of a census: found from the whole file (see the module documentation of
//! [`crate::census`]), or assumed UTF-8 until a row says otherwise ([`is_not_utf8`]); cells
//! decoded without replacing a byte.
//!
//! Invariant: the rule of [`detect`] is that of the module documentation, line by line,
//! whatever the reads' sizes (a proptest in `census` checks it against a plain count).

use std::io::{Read, Seek, SeekFrom};

/// The text encoding of a census file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    #[value(name = "gbk")]
    Gbk,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Gbk => "GBK",
        }
    }
}

/// The error of a reader opened with
/// [`CensusReader::open_as_utf8`](super::CensusReader::open_as_utf8) at bytes that are not
/// UTF-8.
#[derive(Debug)]
struct NotUtf8;

impl std::fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the census is not UTF-8 throughout; its encoding is to be found first")
    }
}

impl std::error::Error for NotUtf8 {}

/// Whether `e` is the stop of a reader opened with
/// [`CensusReader::open_as_utf8`](super::CensusReader::open_as_utf8) at bytes that are not
/// UTF-8.
pub fn is_not_utf8(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<NotUtf8>())
}

pub(super) fn not_utf8() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, NotUtf8)
}

/// Decodes a cell; `Err(i)` is the offset in `bytes` of the first byte that is not text.
pub(super) fn decode(encoding: Encoding, bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, usize> {
    if bytes.is_ascii() {
        // ASCII is the same in both, and the common case.
        return std::str::from_utf8(bytes)
            .map(std::borrow::Cow::Borrowed)
            .map_err(|e| e.valid_up_to());
    }
    match encoding {
        Encoding::Utf8 => std::str::from_utf8(bytes)
            .map(std::borrow::Cow::Borrowed)
            .map_err(|e| e.valid_up_to()),
        Encoding::Gbk => {
            let mut decoder = encoding_rs::GBK.new_decoder_without_bom_handling();
            let mut out = String::with_capacity(bytes.len() * 3 / 2 + 4);
            let (result, read) =
                decoder.decode_to_string_without_replacement(bytes, &mut out, true);
            match result {
                encoding_rs::DecoderResult::InputEmpty => Ok(std::borrow::Cow::Owned(out)),
                encoding_rs::DecoderResult::Malformed(bad, extra) => {
                    Err(read.saturating_sub(usize::from(bad) + usize::from(extra)))
                }
                // The string was given room for every character.
                encoding_rs::DecoderResult::OutputFull => Err(read),
            }
        }
    }
}

/// Finds a census's encoding from its bytes (see the module documentation), then rewinds.
pub(crate) fn detect<R: Read + Seek>(r: &mut R) -> std::io::Result<Encoding> {
    // A file that is UTF-8 as a whole is UTF-8 line by line (a line break is ASCII, so it
    // never falls inside a character): the common case, settled without counting lines.
    let whole = all_utf8(r)?;
    r.seek(SeekFrom::Start(0))?;
    if whole {
        return Ok(Encoding::Utf8);
    }
    let mut buf = vec![0u8; 1 << 16];
    let mut lines = LineCount::default();
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        for block in buf[..n].chunks(16) {
            if lines.need == 0 && block.is_ascii() {
                // Between characters, ASCII changes nothing but the first line end.
                if block.contains(&b'\n') {
                    lines.end_line();
                }
            } else {
                for &b in block {
                    lines.byte(b);
                }
            }
        }
    }
    lines.end_line();
    r.seek(SeekFrom::Start(0))?;
    Ok(if lines.other == 0 || lines.utf8 > lines.other {
        Encoding::Utf8
    } else {
        Encoding::Gbk
    })
}

/// Whether everything `r` gives from where it is is UTF-8 text.
fn all_utf8<R: Read>(r: &mut R) -> std::io::Result<bool> {
    let mut buf = vec![0u8; 1 << 16];
    // Bytes of a character cut by the end of the previous read, moved to the front.
    let mut kept = 0;
    loop {
        let n = match r.read(&mut buf[kept..]) {
            Ok(0) => return Ok(kept == 0),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let have = kept + n;
        // `simdutf8` checks many bytes at a time; its `compat` errors say what `std`'s do.
        kept = match simdutf8::compat::from_utf8(&buf[..have]) {
            Ok(_) => 0,
            // Cut at the end: the rest of the character comes with the next read.
            Err(e) if e.error_len().is_none() => {
                let at = e.valid_up_to();
                buf.copy_within(at..have, 0);
                have - at
            }
            Err(_) => return Ok(false),
        };
    }
}

/// Lines counted by whether they are UTF-8 with non-ASCII text, or not UTF-8.
#[derive(Default)]
struct LineCount {
    /// Continuation bytes still expected in the current character.
    need: u8,
    /// The current line has non-ASCII text.
    non_ascii: bool,
    /// The current line is not UTF-8.
    bad: bool,
    utf8: u64,
    other: u64,
}

impl LineCount {
    fn end_line(&mut self) {
        self.bad |= self.need > 0;
        if self.bad {
            self.other += 1;
        } else if self.non_ascii {
            self.utf8 += 1;
        }
        (self.need, self.non_ascii, self.bad) = (0, false, false);
    }

    fn byte(&mut self, b: u8) {
        if b == b'\n' {
            self.end_line();
        } else if b < 0x80 {
            self.bad |= self.need > 0;
            self.need = 0;
        } else {
            self.non_ascii = true;
            if self.need > 0 {
                if b & 0xC0 == 0x80 {
                    self.need -= 1;
                } else {
                    self.bad = true;
                    self.need = 0;
                }
            } else {
                self.need = match b {
                    0xC2..=0xDF => 1,
                    0xE0..=0xEF => 2,
                    0xF0..=0xF4 => 3,
                    _ => {
                        self.bad = true;
                        0
                    }
                };
            }
        }
    }
}
