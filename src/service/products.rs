//! The product set a service answers from, and its reload.
//!
//! A [`ProductSet`] is every product of the products folder, checked, with the set's hash (the
//! SHA-256 of each version's id and content hash, in order) and the catalogue answers made
//! once at load. [`Products`] holds the current set behind an atomic pointer: a request takes
//! the set once (`current`) and finishes on it, whatever reload happens meanwhile; `reload`
//! loads the folder anew and swaps the set in only when the whole folder is valid, otherwise
//! it keeps the old set and returns the diagnostics.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use sha2::{Digest, Sha256};

use crate::diagnostics::Diagnostic;
use crate::product::Product;
use crate::product::load::{LoadOptions, load_paths};

/// A loaded, valid product set.
pub struct ProductSet {
    products: Vec<Product>,
    hash: String,
    list_json: String,
    details: Vec<(String, String, String)>,
}

impl ProductSet {
    /// Loads the products folder; every error diagnostic when any product is invalid.
    pub fn load(dir: &Path) -> Result<ProductSet, Vec<Diagnostic>> {
        if !dir.is_dir() {
            return Err(vec![
                Diagnostic::error(
                    crate::diagnostics::codes::E0251,
                    format!("the products folder `{}` does not exist", dir.display()),
                )
                .with_help("give --root DIR (a project folder holding `products/`)"),
            ]);
        }
        let (products, diags) = load_paths(&[dir.to_path_buf()], &LoadOptions::default());
        let diags = diags.into_vec();
        if diags.iter().any(Diagnostic::is_error) {
            return Err(diags.into_iter().filter(Diagnostic::is_error).collect());
        }
        Ok(ProductSet::new(products))
    }

    /// A set of checked products.
    pub fn new(products: Vec<Product>) -> ProductSet {
        let mut h = Sha256::new();
        for p in &products {
            h.update(p.id().as_bytes());
            h.update(b"\0");
            h.update(p.content_hash.as_bytes());
            h.update(b"\0");
        }
        let hash: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let list: Vec<serde_json::Value> = products.iter().map(super::catalogue::summary).collect();
        let list_json = pretty(&serde_json::json!({ "product_set": hash, "products": list }));
        let details = products
            .iter()
            .map(|p| {
                (
                    p.code.clone(),
                    p.version.clone(),
                    pretty(&super::catalogue::detail(p)),
                )
            })
            .collect();
        ProductSet {
            products,
            hash,
            list_json,
            details,
        }
    }

    /// The products, in load order.
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// The set's hash (hex SHA-256).
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// `GET /v1/products`, made at load.
    pub fn list_json(&self) -> &str {
        &self.list_json
    }

    /// `GET /v1/products/{code}/{version}`, made at load.
    pub fn detail_json(&self, code: &str, version: &str) -> Option<&str> {
        self.details
            .iter()
            .find(|(c, v, _)| c == code && v == version)
            .map(|(_, _, j)| j.as_str())
    }

    /// The product version `code`/`version`.
    pub fn get(&self, code: &str, version: &str) -> Option<&Product> {
        self.products
            .iter()
            .find(|p| p.code == code && p.version == version)
    }
}

/// Pretty JSON text with a trailing newline.
pub fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// The current product set, swapped atomically on reload.
pub struct Products {
    dir: PathBuf,
    current: ArcSwap<ProductSet>,
    reload_lock: std::sync::Mutex<()>,
}

impl Products {
    /// Loads the folder once; its diagnostics when it is not valid.
    pub fn open(dir: &Path) -> Result<Products, Vec<Diagnostic>> {
        let set = ProductSet::load(dir)?;
        Ok(Products {
            dir: dir.to_path_buf(),
            current: ArcSwap::from_pointee(set),
            reload_lock: std::sync::Mutex::new(()),
        })
    }

    /// The set a request is answered from (kept by the request until it ends).
    pub fn current(&self) -> Arc<ProductSet> {
        self.current.load_full()
    }

    /// Loads the folder anew. A valid set replaces the current one (its hash is returned); an
    /// invalid one is refused with its diagnostics and the current set keeps serving.
    /// Reloads run one at a time.
    pub fn reload(&self) -> Result<Arc<ProductSet>, Vec<Diagnostic>> {
        let _one = self
            .reload_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let set = Arc::new(ProductSet::load(&self.dir)?);
        self.current.store(Arc::clone(&set));
        Ok(set)
    }

    /// The products folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}
