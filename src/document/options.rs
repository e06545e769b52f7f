//! Document options from the command line: the plan, issue date, dispute resolution and
//! special clauses the user gives, the product's document terms, and the insurer's profile
//! from `<products>/insurers/insurers.yaml` ([`INSURERS_FILE`]).
//!
//! A quote read back from JSON names its product by code and version; [`quote_product`]
//! finds that product in the products folder so its `documents:` list and declaration terms
//! apply to the documents of the quote.

use std::path::Path;

use serde_json::Value;

use super::format::{Lang, parse_date};
use super::model::{DocOptions, InsurerProfiles, ProductTerms};
use crate::product::Product;

/// The insurer profiles file, relative to the products folder.
pub const INSURERS_FILE: &str = "insurers/insurers.yaml";

/// The product a quote JSON names (`product.code` and `product.version`), loaded from the
/// products folder; `None` when the folder does not exist. A product the folder lacks, or a
/// folder with errors, is an error.
pub fn quote_product(quote: &Value, products: &Path) -> Result<Option<Product>, String> {
    if !products.is_dir() {
        return Ok(None);
    }
    let code = quote["product"]["code"].as_str().unwrap_or_default();
    let version = quote["product"]["version"].as_str().unwrap_or_default();
    let (found, diags) = crate::product::load::load_paths(
        &[products.to_path_buf()],
        &crate::product::load::LoadOptions::default(),
    );
    let found = found
        .into_iter()
        .find(|p| p.code == code && p.version == version);
    match found {
        Some(p) => Ok(Some(p)),
        None if diags.into_vec().iter().any(|d| d.is_error()) => Err(format!(
            "the products in `{}` have errors; run `coverwright validate {}`",
            products.display(),
            products.display()
        )),
        None => Err(format!(
            "the quote's product {code}@{version} is not in `{}` (use --products)",
            products.display()
        )),
    }
}

/// Builds the options of one document.
#[allow(clippy::too_many_arguments)]
pub fn options_for(
    lang: &str,
    plan: Option<&str>,
    issue_date: Option<&str>,
    dispute: Option<&str>,
    arbitration_body: Option<&str>,
    special_clauses: &[String],
    product: Option<&Product>,
    products: &Path,
) -> Result<DocOptions, String> {
    let lang: Lang = lang
        .parse()
        .map_err(|_| format!("unknown language `{lang}`; use zh or en"))?;
    let mut o = DocOptions::new(lang);
    o.plan = plan.map(str::to_string);
    o.issue_date = issue_date
        .map(|d| parse_date(d).map_err(|e| format!("--issue-date: {e}")))
        .transpose()?;
    o.dispute = dispute
        .map(|d| d.parse().map_err(|e| format!("--dispute: {e}")))
        .transpose()?;
    o.arbitration_body = arbitration_body.map(str::to_string);
    o.special_clauses = special_clauses.to_vec();
    if let Some(p) = product {
        o.product = ProductTerms::of(p);
        let file = products.join(INSURERS_FILE);
        if file.is_file() {
            let profiles = InsurerProfiles::load(&file)?;
            o.insurer = profiles.get(&p.insurer).cloned();
        }
    }
    Ok(o)
}
