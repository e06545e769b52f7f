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

// Errors here are diagnostics that carry a file, a span, a message and a hint; they travel on
// cold paths only, so their size is not worth boxing.
#![allow(clippy::result_large_err)]
pub mod actuarial;
pub mod batch;
pub mod cases;
pub mod cli;
pub mod dates;
pub mod declare;
pub mod diagnostics;
pub mod document;
pub mod formula;
pub mod money;
pub mod product;
pub mod quote;
pub mod rating;
pub mod request;
pub mod schedule;
pub mod schema;
pub mod yaml;
