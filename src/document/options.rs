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
use std::collections::BTreeMap;

use serde::Deserialize;

use super::model::{
    Beneficiary, BuyerTerms, DocOptions, InsurerProfiles, PartyDetails, ProductTerms,
};
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

/// A policy-options file (YAML): what one policy states beyond its quote. Every key is
/// optional; command-line options override the file's plan, issue date, dispute and
/// arbitration body, and add to its special clauses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyOptions {
    /// Payment plan code.
    #[serde(default)]
    pub plan: Option<String>,
    /// Issue date, `YYYY-MM-DD`.
    #[serde(default)]
    pub issue_date: Option<String>,
    /// `litigation` or `arbitration`.
    #[serde(default)]
    pub dispute: Option<String>,
    /// The arbitration commission.
    #[serde(default)]
    pub arbitration_body: Option<String>,
    /// Special clauses of this policy.
    #[serde(default)]
    pub special_clauses: Vec<String>,
    /// The policyholder's address and contact.
    #[serde(default)]
    pub policyholder: PartyDetails,
    /// Named beneficiaries of death cover.
    #[serde(default)]
    pub beneficiaries: Vec<Beneficiary>,
    /// Export credit: buyer country and credit limit by buyer name.
    #[serde(default)]
    pub buyers: BTreeMap<String, BuyerTerms>,
}

impl PolicyOptions {
    /// Reads a policy-options file; errors name the file, line and column.
    pub fn load(path: &Path) -> Result<PolicyOptions, String> {
        let text = crate::fsio::read_text(path, crate::fsio::MAX_DOCUMENT_BYTES)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        serde_saphyr::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// These options over `base`: a plan, issue date, dispute, arbitration body, address or
    /// contact given here replaces the base's; special clauses follow the base's; named
    /// beneficiaries given here replace the base's list; buyer terms given here replace the
    /// base's for the same buyer.
    pub fn over(self, base: PolicyOptions) -> PolicyOptions {
        let mut special_clauses = base.special_clauses;
        special_clauses.extend(self.special_clauses);
        let mut buyers = base.buyers;
        buyers.extend(self.buyers);
        PolicyOptions {
            plan: self.plan.or(base.plan),
            issue_date: self.issue_date.or(base.issue_date),
            dispute: self.dispute.or(base.dispute),
            arbitration_body: self.arbitration_body.or(base.arbitration_body),
            special_clauses,
            policyholder: PartyDetails {
                address: self.policyholder.address.or(base.policyholder.address),
                contact: self.policyholder.contact.or(base.policyholder.contact),
            },
            beneficiaries: if self.beneficiaries.is_empty() {
                base.beneficiaries
            } else {
                self.beneficiaries
            },
            buyers,
        }
    }

    /// Writes these options into the document options `o`; an issue date that is not
    /// `YYYY-MM-DD` or a dispute that is neither `litigation` nor `arbitration` is an error.
    pub fn apply(self, o: &mut DocOptions) -> Result<(), String> {
        o.plan = self.plan;
        o.issue_date = self
            .issue_date
            .map(|d| parse_date(&d).map_err(|e| format!("issue date: {e}")))
            .transpose()?;
        o.dispute = self
            .dispute
            .map(|d| d.parse().map_err(|e| format!("dispute: {e}")))
            .transpose()?;
        o.arbitration_body = self.arbitration_body;
        o.special_clauses = self.special_clauses;
        o.policyholder = self.policyholder;
        o.beneficiaries = self.beneficiaries;
        o.buyers = self.buyers;
        Ok(())
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
    file: Option<&Path>,
) -> Result<DocOptions, String> {
    let f = match file {
        Some(path) => PolicyOptions::load(path)?,
        None => PolicyOptions::default(),
    };
    let flags = PolicyOptions {
        plan: plan.map(str::to_string),
        issue_date: issue_date.map(str::to_string),
        dispute: dispute.map(str::to_string),
        arbitration_body: arbitration_body.map(str::to_string),
        special_clauses: special_clauses.to_vec(),
        ..PolicyOptions::default()
    };
    let lang: Lang = lang
        .parse()
        .map_err(|_| format!("unknown language `{lang}`; use zh or en"))?;
    let mut o = DocOptions::new(lang);
    flags.over(f).apply(&mut o)?;
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

/// The profile of a product's insurer, from the profiles file beside the product file
/// (`<folder of the product>/insurers/insurers.yaml`); `None` when there is no such file or
/// no profile of that insurer.
pub fn insurer_of(p: &Product) -> Option<super::model::InsurerProfile> {
    let file = p.file.parent()?.join(INSURERS_FILE);
    if !file.is_file() {
        return None;
    }
    InsurerProfiles::load(&file).ok()?.get(&p.insurer).cloned()
}

/// The profile of the insurer named `insurer` from `<products>/insurers/insurers.yaml`, as the
/// JSON a render context's `insurer` key takes; `null` when there is none.
pub fn insurer_json(insurer: &str, products: &Path) -> serde_json::Value {
    InsurerProfiles::load(&products.join(INSURERS_FILE))
        .ok()
        .and_then(|p| p.get(insurer).cloned())
        .and_then(|p| serde_json::to_value(p).ok())
        .unwrap_or(serde_json::Value::Null)
}
