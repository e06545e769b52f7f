//! Product change: what changed between two versions of a product, what the change does to
//! the premiums of a book, and which parts of a product its test cases (or a book) exercise.
//!
//! - [`diff`]: a structured diff of two checked products, grouped by what it affects
//!   (pricing, eligibility, cover, payment, wording), each entry located in both files;
//! - [`impact`]: a book re-rated under both versions through the batch readers, with the
//!   change attributed to each changed pricing item in rating-plan order (shares that add up
//!   exactly to the total change);
//! - [`coverage`]: table rows, rules, formula branches, coverages, options and plans the test
//!   cases (and a book) exercise, as text, JSON or lcov on the product file's lines;
//! - [`report_html`]: the impact report as one self-contained HTML page (inline SVG).
//!
//! Invariants: every amount is a `Decimal` from checked arithmetic; outputs are deterministic
//! (entries in file order, records in input order); a product whose file cannot be read or
//! checked is an error naming it, never a partial diff.

pub mod coverage;
pub mod diff;
pub mod impact;
pub mod report_html;

use std::path::{Path, PathBuf};

use crate::product::Product;
use crate::product::load::{LoadOptions, find, load_file, load_paths};

/// A product version with the text and node tree of its file (for locations).
pub struct Side {
    pub product: Product,
    pub source: String,
    pub root: crate::yaml::Node,
}

/// Why a side could not be resolved.
#[derive(Debug)]
pub enum SideError {
    /// An unknown product or version, or two sides of different products (usage).
    Usage(String),
    /// A product file that does not check.
    Invalid(Vec<crate::diagnostics::Diagnostic>),
    /// A product file that cannot be read (exit code 3).
    Io(String),
}

impl std::fmt::Display for SideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SideError::Usage(m) | SideError::Io(m) => f.write_str(m),
            SideError::Invalid(d) => {
                let first = d.first().map(|d| d.message.as_str()).unwrap_or("invalid");
                write!(f, "the product file is invalid: {first}")
            }
        }
    }
}

/// Resolves `spec`: a product file path (an existing file, or a name ending in `.yaml`/`.yml`)
/// or `CODE@VERSION` in the `products` folder.
pub fn resolve(spec: &str, products: &Path) -> Result<Side, SideError> {
    let as_path = PathBuf::from(spec);
    let product = if as_path.is_file() || spec.ends_with(".yaml") || spec.ends_with(".yml") {
        if !as_path.is_file() {
            return Err(SideError::Io(format!("`{spec}` is not a file")));
        }
        let (p, d) = load_file(&as_path, &LoadOptions::default());
        match p {
            Some(p) => p,
            None => return Err(SideError::Invalid(d.into_vec())),
        }
    } else {
        if !spec.contains('@') {
            return Err(SideError::Usage(format!(
                "`{spec}`: name a version as CODE@VERSION (e.g. GSM-SME@2024.1) or a product file"
            )));
        }
        if !products.is_dir() {
            return Err(SideError::Usage(format!(
                "the products folder `{}` does not exist",
                products.display()
            )));
        }
        let (all, d) = load_paths(&[products.to_path_buf()], &LoadOptions::default());
        let code = spec.split('@').next().unwrap_or_default();
        let d = d.into_vec();
        match find(&all, spec, chrono::NaiveDate::MIN) {
            Ok(p) => p.clone(),
            Err(_) if d.iter().any(|x| x.is_error()) && all.iter().all(|p| p.code != code) => {
                return Err(SideError::Invalid(d));
            }
            Err(e) => return Err(SideError::Usage(e)),
        }
    };
    let source = std::fs::read_to_string(&product.file)
        .map_err(|e| SideError::Io(format!("cannot read {}: {e}", product.file.display())))?;
    let root = crate::yaml::parse(&source).map_err(|d| SideError::Invalid(vec![d]))?;
    Ok(Side {
        product,
        source,
        root,
    })
}

/// Resolves both sides and checks they are versions of one product.
pub fn resolve_pair(old: &str, new: &str, products: &Path) -> Result<(Side, Side), SideError> {
    let a = resolve(old, products)?;
    let b = resolve(new, products)?;
    if a.product.code != b.product.code {
        return Err(SideError::Usage(format!(
            "{} and {} are different products ({} and {}): compare two versions of one product",
            a.product.id(),
            b.product.id(),
            a.product.code,
            b.product.code
        )));
    }
    Ok((a, b))
}
