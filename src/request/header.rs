//! The request header: the part of a request read before the product version is known (the
//! product it names and the cover start date), and the choice of product version from it.
//!
//! A request file is read and parsed once ([`RequestFile`]); its header is checked with the
//! same located errors the full check gives; then [`pick`] chooses the product version. Every
//! command that prices a request (`quote`, `batch`, `declare`, `test`) goes through these.
//!
//! The version is picked by the **cover start date**: the version in force on the first day of
//! cover prices it. The quote date (`--as-of`) only dates the quote and starts its validity.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diagnostics::{Diagnostic, Diagnostics, Span, codes};
use crate::product::{Product, parse_date};
use crate::yaml::{self, Node, NodeKind};

/// A request file read once: its path and its text parsed into a node tree.
#[derive(Clone, Debug)]
pub struct RequestFile {
    /// The file the request was read from (diagnostics name it).
    pub path: PathBuf,
    /// The parsed request.
    pub node: Node,
}

/// Why a request file could not be read.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("{}", .0.message)]
    Io(Diagnostic),
    /// The file was read but is not a request: not UTF-8, or not YAML/JSON.
    #[error("{} problem(s) in the request", .0.len())]
    Invalid(Diagnostics),
}

impl ReadError {
    /// The diagnostics to report.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        match self {
            ReadError::Io(d) => vec![d],
            ReadError::Invalid(d) => d.into_vec(),
        }
    }
}

/// Reads an input file whole (a regular file within [`crate::fsio::MAX_DOCUMENT_BYTES`]);
/// `-` (or `/dev/stdin`) is standard input, read with the same bound; any other pipe or
/// device is refused.
pub fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    let limit = crate::fsio::MAX_DOCUMENT_BYTES;
    if path == Path::new("-") || path == Path::new("/dev/stdin") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::io::stdin().lock(), limit + 1),
            &mut bytes,
        )?;
        if bytes.len() as u64 > limit {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("standard input is more than the {limit} bytes allowed"),
            ));
        }
        Ok(bytes)
    } else {
        crate::fsio::read_input(path, limit).map_err(crate::fsio::FsError::into_io)
    }
}

impl RequestFile {
    /// Reads and parses the request file at `path` (the only read of that file); `-` is
    /// standard input.
    pub fn read(path: &Path) -> Result<RequestFile, ReadError> {
        let bytes = read_input(path).map_err(|e| {
            ReadError::Io(
                Diagnostic::error(codes::E0201, format!("cannot read the request: {e}"))
                    .in_file(path),
            )
        })?;
        let Ok(text) = String::from_utf8(bytes) else {
            let mut d = Diagnostics::new();
            d.push(Diagnostic::error(codes::E0202, "the request is not UTF-8 text").in_file(path));
            return Err(ReadError::Invalid(d));
        };
        RequestFile::parse(path, &text)
    }

    /// Parses request text read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<RequestFile, ReadError> {
        match yaml::parse(text) {
            Ok(node) => Ok(RequestFile {
                path: path.to_path_buf(),
                node,
            }),
            Err(d) => {
                let mut ds = Diagnostics::new();
                ds.push(d.in_file(path));
                Err(ReadError::Invalid(ds))
            }
        }
    }

    /// The request's header, checked.
    pub fn header(&self) -> Result<Header, Diagnostics> {
        header(&self.node, &self.path)
    }
}

/// The header of a request: what is needed to choose the product version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The `product:` the request names, as written (`CODE` or `CODE@VERSION`), if any.
    pub product: Option<String>,
    /// The first day of cover.
    pub start: NaiveDate,
    /// Where the start date is written (the whole request when it is missing).
    pub start_span: Span,
}

/// Reads the header of a parsed request: a mapping with a valid `start` date. A missing or
/// impossible date (`2025-02-30`, `2024-13-01`) is an error at its line and column.
pub fn header(node: &Node, file: &Path) -> Result<Header, Diagnostics> {
    let mut d = Diagnostics::new();
    if !matches!(node.kind, NodeKind::Map(_)) {
        d.push(
            Diagnostic::error(
                codes::E0203,
                "a request is a mapping with `start`, `policyholder`, `members`, `coverages`",
            )
            .in_file(file)
            .at(node.span),
        );
        return Err(d);
    }
    let start = start_date(node, file, &mut d);
    match start {
        Some((start, start_span)) => Ok(Header {
            product: node
                .get("product")
                .and_then(|p| p.as_str())
                .map(str::to_string),
            start,
            start_span,
        }),
        None => Err(d),
    }
}

/// The request's `start` date and its span; a located error in `d` when it is missing or bad.
pub(crate) fn start_date(
    node: &Node,
    file: &Path,
    d: &mut Diagnostics,
) -> Option<(NaiveDate, Span)> {
    use codes::{E0206, E0207};
    match node.get("start") {
        Some(n) => match n.as_str().map(parse_date) {
            Some(Ok(date)) => Some((date, n.span)),
            Some(Err(e)) => {
                d.push(
                    Diagnostic::error(E0206, e)
                        .in_file(file)
                        .at(n.span)
                        .with_help("the first day of cover, a real calendar date"),
                );
                None
            }
            None => {
                d.push(
                    Diagnostic::error(E0206, "`start` is a date, YYYY-MM-DD")
                        .in_file(file)
                        .at(n.span),
                );
                None
            }
        },
        None => {
            d.push(
                Diagnostic::error(E0207, "missing key `start`")
                    .in_file(file)
                    .at(node.span)
                    .with_help("add `start: YYYY-MM-DD`, the first day of cover"),
            );
            None
        }
    }
}

/// Why no product version could be picked for a request.
#[derive(Clone, Debug, thiserror::Error)]
pub enum PickError {
    /// The product code or the version asked for does not exist (a usage error).
    #[error("{0}")]
    Unknown(String),
    /// No version of the product is in force on the request's start date: an error at the
    /// `start` line of the request.
    #[error("{}", .0.message)]
    NotInForce(Diagnostic),
}

/// Picks the product version that prices a request. `spec` is `CODE` or `CODE@VERSION`; without
/// a version, the version in force on the cover start date of `header`.
pub fn pick<'a>(
    products: &'a [Product],
    spec: &str,
    header: &Header,
    file: &Path,
) -> Result<&'a Product, PickError> {
    let (code, version) = match spec.split_once('@') {
        Some((c, v)) => (c, Some(v)),
        None => (spec, None),
    };
    let found = crate::product::load::find(products, spec, header.start);
    match found {
        Ok(p) => Ok(p),
        Err(e) if version.is_some() || !products.iter().any(|p| p.code == code) => {
            Err(PickError::Unknown(e))
        }
        Err(e) => Err(PickError::NotInForce(
            Diagnostic::error(codes::E0215, e)
                .in_file(file)
                .at(header.start_span)
                .with_help(
                    "the version in force on the cover start date prices the request; \
                     change `start`, or name a version with `--product CODE@VERSION`",
                ),
        )),
    }
}
