//! A small CSV file (a declarations file) read whole as text under the census's encoding
//! rules: UTF-8 with or without a byte order mark, else GBK when the bytes are GBK, or the
//! encoding forced. Bytes that are not text are an error naming the line and byte offset;
//! nothing is replaced.
//!
//! Invariants: only a regular file within the limit is read; the text returned is exactly
//! the file's characters (no byte order mark, no replacement characters added).

use std::path::Path;

use super::{Encoding, detect};
use crate::fsio::FsError;

/// Why a text file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// Not readable: missing, not a regular file, too large, an I/O error.
    #[error(transparent)]
    File(#[from] FsError),
    /// Bytes that are not text in the file's encoding.
    #[error(
        "{}: line {line}: the text is not {} (byte offset {offset} of the file); save the file as UTF-8",
        path.display(),
        encoding.name()
    )]
    Encoding {
        path: std::path::PathBuf,
        encoding: Encoding,
        line: usize,
        offset: usize,
    },
}

/// Reads `path` (a regular file of at most `limit` bytes) as text.
pub fn read_text(path: &Path, forced: Option<Encoding>, limit: u64) -> Result<String, TextError> {
    let bytes = crate::fsio::read_input(path, limit)?;
    decode_text(path, &bytes, forced)
}

/// Decodes file bytes as [`read_text`] does; `path` names them in the error.
pub fn decode_text(
    path: &Path,
    bytes: &[u8],
    forced: Option<Encoding>,
) -> Result<String, TextError> {
    let (body, bom) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(b) => (b, 3),
        None => (bytes, 0),
    };
    let encoding = match forced {
        Some(e) => e,
        None if bom > 0 => Encoding::Utf8,
        None => detect(&mut std::io::Cursor::new(body)).map_err(|source| FsError::Read {
            path: path.to_path_buf(),
            source,
        })?,
    };
    let decoded = match encoding {
        Encoding::Utf8 => std::str::from_utf8(body)
            .map(str::to_string)
            .map_err(|e| e.valid_up_to()),
        Encoding::Gbk => {
            let mut decoder = encoding_rs::GBK.new_decoder_without_bom_handling();
            let mut out = String::with_capacity(body.len() * 3 / 2 + 4);
            let (result, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
            match result {
                encoding_rs::DecoderResult::InputEmpty => Ok(out),
                encoding_rs::DecoderResult::Malformed(bad, extra) => {
                    Err(read.saturating_sub(usize::from(bad) + usize::from(extra)))
                }
                encoding_rs::DecoderResult::OutputFull => Err(read),
            }
        }
    };
    decoded.map_err(|at| TextError::Encoding {
        path: path.to_path_buf(),
        encoding,
        line: line_of(body, at),
        offset: at + bom,
    })
}

/// The line (1-based) holding byte `at`: CRLF, LF and a lone CR each end a line.
fn line_of(bytes: &[u8], at: usize) -> usize {
    let before = &bytes[..at.min(bytes.len())];
    let mut line = 1;
    let mut i = 0;
    while i < before.len() {
        match before[i] {
            b'\n' => line += 1,
            b'\r' if before.get(i + 1) != Some(&b'\n') => line += 1,
            _ => {}
        }
        i += 1;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_utf8_or_gbk_and_never_replaced() {
        let p = Path::new("d.csv");
        let utf8 = "date,buyer\r\n2025-01-02,张伟\r\n";
        assert_eq!(decode_text(p, utf8.as_bytes(), None).unwrap(), utf8);
        let bom = [&[0xEF, 0xBB, 0xBF][..], utf8.as_bytes()].concat();
        assert_eq!(decode_text(p, &bom, None).unwrap(), utf8);
        let (gbk, _, _) = encoding_rs::GBK.encode(utf8);
        assert_eq!(decode_text(p, &gbk, None).unwrap(), utf8);
        let e = decode_text(p, &gbk, Some(Encoding::Utf8)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.csv: line 2: the text is not UTF-8 (byte offset 23 of the file); save the file as UTF-8"
        );
        let mut bad = bom.clone();
        bad.extend_from_slice(b"2025-01-03,\xff\r\n");
        let e = decode_text(p, &bad, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.csv: line 3: the text is not UTF-8 (byte offset 45 of the file); save the file as UTF-8"
        );
    }
}
