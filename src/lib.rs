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
pub mod actuarial;
pub mod cli;
pub mod diagnostics;
pub mod document;
pub mod formula;
pub mod product;
pub mod schedule;
pub mod schema;
pub mod yaml;
pub mod request;
pub mod cases;
pub mod quote;
pub mod rating;
pub mod declare;
