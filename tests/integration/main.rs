//! The one integration-test binary: each module tests one stage of the pipeline.

mod actuarial;
mod batch;
mod beneficiaries;
mod census;
mod change;
mod codes;
mod currency;

mod docmodel;

mod claims;
mod document;
mod layering;

mod document_output;
mod docx_pages;
mod pension;
mod pension_docs;
mod properties;
mod quote;
mod rating_memo;
mod regulation;
mod render;
mod request;
mod safeio;
mod safeio_harness;
mod schedule;
mod schedule_summary;
#[cfg(feature = "service")]
mod service;
#[cfg(unix)]
mod startup_cache;
mod support;
mod typeset;
mod validate;
// The binary's command line, for the tests that walk its definition (help, completions).
#[allow(dead_code, unused_imports, clippy::result_large_err)]
#[path = "../../src/cli/mod.rs"]
mod cli;
mod cli_contract;
mod exit_codes;
