//! The one integration-test binary: each module tests one stage of the pipeline.

mod actuarial;
mod batch;
mod document;
mod document_output;
mod pension;
mod properties;
mod quote;
mod render;
mod schedule;
mod support;
mod validate;
