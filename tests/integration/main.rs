//! The one integration-test binary: each module tests one stage of the pipeline.

mod actuarial;
mod batch;
mod census;
mod document;
mod pension;
mod properties;
mod quote;
mod render;
mod safeio;
mod safeio_harness;
mod schedule;
mod support;
mod validate;
