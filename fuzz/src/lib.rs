//! The fuzz targets' shared code: the same harness the integration tests run, included by
//! path so that a reproducer found here runs through identical code in `cargo test`.

#[path = "../../tests/integration/properties/harness.rs"]
pub mod harness;

#[path = "../../tests/integration/safeio_harness.rs"]
pub mod safeio_harness;
