//! The one integration-test binary: each module tests one stage of the pipeline.

mod actuarial;
mod batch;
mod claims;
mod document;
mod pension;
mod properties;
mod quote;
mod render;
mod request;
mod schedule;
mod support;
mod validate;
