//! coverwright: an insurance product configuration engine.
//!
//! Data flows one way through the modules of this crate:
//!
//! ```text
//! YAML files ─load─▶ raw model ─check─▶ Product
//!   request + census ─▶ rate ─▶ Quote ─▶ schedule ─▶ render
//! ```
//!
//! See `ARCHITECTURE.md` for the map.
//!
//! # Pricing a request from Rust
//!
//! Load the product files (every problem comes back as a located [`diagnostics::Diagnostic`]),
//! read the request once, let its cover start date pick the product version, check it against
//! that version and quote it:
//!
//! ```
//! use std::path::{Path, PathBuf};
//!
//! use coverwright::product::load::{LoadOptions, load_paths};
//! use coverwright::quote::{self, Outcome, QuoteOptions};
//! use coverwright::request::{self, RequestFile};
//!
//! let (products, diagnostics) =
//!     load_paths(&[PathBuf::from("products")], &LoadOptions::default());
//! assert!(!diagnostics.has_errors());
//!
//! let file = RequestFile::read(Path::new("examples/sp-acc.yaml"))?;
//! let header = file.header()?;
//! let product = request::pick(&products, "SP-ACC", &header, &file.path)?;
//! assert_eq!(product.id(), "SP-ACC@2025.1");
//!
//! let checked = request::check(product, &file.node, &file.path, None)?;
//! match quote::quote(product, &checked, &QuoteOptions::default())? {
//!     Outcome::Quoted(q, _) => {
//!         // Accidental death 450.00 + accident medical 73.87.
//!         assert_eq!(q.totals.gross, "523.87");
//!         // The JSON `coverwright quote --format json` prints, read back typed.
//!         let back = quote::Quote::from_json(&quote::to_json(&q))?;
//!         assert_eq!(back, *q);
//!     }
//!     Outcome::Declined(failures) => panic!("declined: {}", failures[0].rule),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Errors here are diagnostics that carry a file, a span, a message and a hint; they travel on
// cold paths only, so their size is not worth boxing.
#![allow(clippy::result_large_err)]
#![warn(missing_docs)]

#[allow(missing_docs)] // actuarial
pub mod actuarial;
#[allow(missing_docs)] // batch
pub mod batch;
pub mod cache;
pub mod cases;
#[allow(missing_docs)] // census
pub mod census;
#[allow(missing_docs)] // change
pub mod change;
#[allow(missing_docs)] // claims
pub mod claims;
#[allow(missing_docs)] // dates
pub mod dates;
pub mod declare;
pub mod diagnostics;
#[allow(missing_docs)] // document
pub mod document;
#[allow(missing_docs)] // formula
pub mod formula;
#[allow(missing_docs)] // fsio
pub mod fsio;
#[allow(missing_docs)] // money
pub mod money;
pub mod outcome;
#[allow(missing_docs)] // pension
pub mod pension;
#[allow(missing_docs)] // product
pub mod product;
pub mod quote;
pub mod rating;
#[allow(missing_docs)] // regulation
pub mod regulation;
pub mod request;
#[allow(missing_docs)] // schedule
pub mod schedule;
#[allow(missing_docs)] // schema
pub mod schema;
#[cfg(feature = "service")]
pub mod service;
pub mod text;
#[allow(missing_docs)] // yaml
pub mod yaml;
