//! The one integration-test binary: each module tests one stage of the pipeline.

mod actuarial;
mod batch;
mod census;
mod change;
mod codes;

mod docmodel;

mod claims;
mod document;
mod layering;

mod document_output;
mod pension;
mod properties;
mod quote;
mod regulation;
mod render;
mod request;
mod safeio;
mod safeio_harness;
mod schedule;
mod support;
mod validate;
