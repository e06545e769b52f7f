//! The cache of `validate` results and parsed product files: a run that reads the cache
//! prints the same bytes and exits with the same code as a run without it, a changed product
//! or template is checked again, and a cache that cannot be used is ignored.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs the binary in `dir` with the cache folder `cache` (`XDG_CACHE_HOME`); returns the
/// exit code and the exact bytes of stdout and stderr.
fn run(dir: &Path, cache: &Path, args: &[&str]) -> (i32, Vec<u8>, Vec<u8>) {
    let o = Command::new(env!("CARGO_BIN_EXE_coverwright"))
        .args(args)
        .current_dir(dir)
        .env("XDG_CACHE_HOME", cache)
        .env_remove("COVERWRIGHT_ROOT")
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs");
    (o.status.code().expect("an exit code"), o.stdout, o.stderr)
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("startup_cache")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A project folder with copies of the shipped products and templates.
fn project(name: &str) -> PathBuf {
    let dir = scratch(name);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&root.join("products"), &dir.join("products"));
    copy_tree(&root.join("templates"), &dir.join("templates"));
    dir
}

/// The files of the cache folder `kind` (`validate` or `yaml`).
fn entries(cache: &Path, kind: &str) -> Vec<PathBuf> {
    match std::fs::read_dir(cache.join("coverwright").join(kind)) {
        Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// `validate` with and without the cache, cold and warm, in both formats: the same output.
fn assert_validate_same(dir: &Path, cache: &Path) -> (i32, Vec<u8>, Vec<u8>) {
    let mut first = None;
    for format in ["text", "json"] {
        let plain = run(dir, cache, &["validate", "--format", format, "--no-cache"]);
        let cold = run(dir, cache, &["validate", "--format", format]);
        let warm = run(dir, cache, &["validate", "--format", format]);
        assert_eq!(cold, plain, "{format}: the run that fills the cache");
        assert_eq!(warm, plain, "{format}: the run from the cache");
        first.get_or_insert(plain);
    }
    first.unwrap()
}

#[test]
fn validate_from_the_cache_prints_what_validate_without_it_prints() {
    let dir = project("validate");
    let cache = dir.join("cache");
    let (code, _, err) = assert_validate_same(&dir, &cache);
    assert_eq!(code, 0);
    assert_eq!(
        String::from_utf8(err).unwrap(),
        "9 product version(s) valid\n"
    );
    // One entry per format, and one parsed tree per product file and the baseline.
    assert_eq!(entries(&cache, "validate").len(), 2);
    assert_eq!(entries(&cache, "yaml").len(), 10);

    // A changed product is checked again: its error is reported, from the cache too.
    let file = dir.join("products/ga-sme-2024.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}unknown_key: 1\n")).unwrap();
    let (code, _, err) = assert_validate_same(&dir, &cache);
    assert_eq!(code, 1);
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("unknown key `unknown_key`"), "{err}");
    assert!(err.contains("products/ga-sme-2024.yaml"), "{err}");
    std::fs::write(&file, text).unwrap();

    // So is a changed template.
    let template = dir.join("templates/quote.md");
    let text = std::fs::read_to_string(&template).unwrap();
    std::fs::write(
        &template,
        format!("{text}\n{{{{ quote.no_such_field.x }}}}\n"),
    )
    .unwrap();
    let (code, _, err) = assert_validate_same(&dir, &cache);
    assert_eq!(code, 1);
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("templates/quote.md"), "{err}");
}

#[test]
fn a_damaged_or_unwritable_cache_is_ignored() {
    let dir = project("damaged");
    let cache = dir.join("cache");
    let plain = run(&dir, &cache, &["validate", "--no-cache"]);
    assert_eq!(run(&dir, &cache, &["validate"]), plain);
    // Every entry cut short or overwritten: ignored, and written again whole.
    let all: Vec<PathBuf> = ["validate", "yaml"]
        .iter()
        .flat_map(|k| entries(&cache, k))
        .collect();
    assert_eq!(all.len(), 11);
    for (i, e) in all.iter().enumerate() {
        let bytes = std::fs::read(e).unwrap();
        let damaged = if i % 2 == 0 {
            bytes[..bytes.len() / 2].to_vec()
        } else {
            let mut b = bytes.clone();
            let last = b.len() - 1;
            b[last] ^= 1;
            b
        };
        std::fs::write(e, damaged).unwrap();
    }
    assert_eq!(run(&dir, &cache, &["validate"]), plain);
    assert_eq!(run(&dir, &cache, &["validate"]), plain);
    // A cache folder that is a file: nothing can be written, the run is the same.
    let file = dir.join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    assert_eq!(run(&dir, &file, &["validate"]), plain);
    let quote = ["quote", "--product", "SP-ACC", "--request", "sp-acc.yaml"];
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sp-acc.yaml"),
        dir.join("sp-acc.yaml"),
    )
    .unwrap();
    let (code, out, _) = run(&dir, &file, &quote);
    assert_eq!((code, out), {
        let (c, o, _) = run(&dir, &cache, &[&quote[..], &["--no-cache"]].concat());
        (c, o)
    });
}

#[test]
fn every_example_quotes_to_the_same_bytes_from_the_cache() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = scratch("quote").join("cache");
    let mut quoted = 0;
    for e in std::fs::read_dir(root.join("examples")).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".yaml") else {
            continue;
        };
        if stem.ends_with("-policy") {
            continue;
        }
        let product = stem.to_uppercase();
        let request = format!("examples/{name}");
        let args = [
            "quote",
            "--product",
            &product,
            "--request",
            &request,
            "--format",
            "json",
        ];
        let plain = run(root, &cache, &[&args[..], &["--no-cache"]].concat());
        assert_eq!(plain.0, 0, "{name}: {}", String::from_utf8_lossy(&plain.2));
        assert_eq!(run(root, &cache, &args), plain, "{name}: cold");
        assert_eq!(run(root, &cache, &args), plain, "{name}: warm");
        quoted += 1;
    }
    assert_eq!(quoted, 7);
    // The products' files (two versions of BO-ANN and GSM-SME) and the baseline were
    // parsed once each and kept.
    assert_eq!(entries(&cache, "yaml").len(), 10);
}
