//! Loading product files from disk: read, parse, deserialize, check, and the checks that span
//! files (two versions of one code with overlapping effective dates).
//!
//! A products folder holds one YAML file per product version directly inside it; its
//! subfolders hold what the products name (CSV tables, calendars, censuses). The folder's
//! regulatory baseline, [`BASELINE_FILE`], is not a product and is skipped.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::Product;
use super::check::{Checker, FileSource, Fs};
use super::raw::RawProduct;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::yaml;

/// Name of the regulatory baseline file in a products folder (read by `regulation`), which
/// product loading skips.
pub const BASELINE_FILE: &str = "regulation.yaml";

/// Where to find what products refer to.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Templates folder; when set, templates named by products must exist in it.
    pub templates: Option<PathBuf>,
}

/// Loads and checks one product file.
pub fn load_file(path: &Path, opts: &LoadOptions) -> (Option<Product>, Diagnostics) {
    load_with(path, opts, &Fs)
}

pub fn load_with(
    path: &Path,
    opts: &LoadOptions,
    files: &dyn FileSource,
) -> (Option<Product>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let bytes = match std::fs::metadata(path) {
        Ok(m) if m.len() > yaml::MAX_YAML_BYTES as u64 => {
            diags.push(
                Diagnostic::error(
                    crate::diagnostics::codes::E0002,
                    format!(
                        "the file is {} bytes, more than the {} a product file may have",
                        m.len(),
                        yaml::MAX_YAML_BYTES
                    ),
                )
                .in_file(path)
                .with_help(
                    "keep large rate tables in CSV files beside the product (`file:` in a table)",
                ),
            );
            return (None, diags);
        }
        _ => match crate::fsio::read_input(path, yaml::MAX_YAML_BYTES as u64) {
            Ok(b) => b,
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        crate::diagnostics::codes::E0005,
                        format!("cannot read the file: {e}"),
                    )
                    .in_file(path),
                );
                return (None, diags);
            }
        },
    };
    let src = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let msg = if e.as_bytes()[..at.min(e.as_bytes().len())].contains(&0)
                || e.as_bytes().contains(&0)
            {
                "the file is binary, not YAML text".to_string()
            } else {
                format!("the file is not UTF-8 text (invalid byte at offset {at})")
            };
            diags.push(
                Diagnostic::error(crate::diagnostics::codes::E0002, msg)
                    .in_file(path)
                    .with_help("save product files as UTF-8"),
            );
            return (None, diags);
        }
    };
    let (p, d) = load_source(path, &src, opts, files);
    diags.extend(d);
    (p, diags)
}

/// Loads a product from its text (the path names it in diagnostics and anchors relative
/// file names).
pub fn load_source(
    path: &Path,
    src: &str,
    opts: &LoadOptions,
    files: &dyn FileSource,
) -> (Option<Product>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let node = match yaml::parse_cached(src) {
        Ok(n) => n,
        Err(d) => {
            diags.push(d.in_file(path));
            return (None, diags);
        }
    };
    let (raw, errors) = yaml::from_node::<RawProduct>(&node);
    for e in errors {
        diags.push(e.into_diagnostic().in_file(path));
    }
    let Some(raw) = raw else {
        diags.sort();
        return (None, diags);
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let checker = Checker::new(path, dir, src, opts.templates.as_deref(), files)
        .after_read_errors(diags.has_errors());
    let (product, d, read) = checker.check(&raw, &node);
    diags.extend(d);
    diags.sort();
    if diags.has_errors() {
        return (None, diags);
    }
    let product = product.map(|mut p| {
        p.content_hash = content_hash(src, &read);
        p.source = Some(std::sync::Arc::new(node));
        p
    });
    (product, diags)
}

fn content_hash(src: &str, read: &[(PathBuf, String)]) -> String {
    let mut h = Sha256::new();
    h.update(src.as_bytes());
    for (p, text) in read {
        if let Some(name) = p.file_name() {
            h.update(name.as_encoded_bytes());
        }
        h.update([0]);
        h.update(text.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The product files a path names: the file itself, or the `*.yaml` files directly in a
/// folder, with an error for each `*.yaml` entry of the folder that is refused unread: a
/// symbolic link that leads out of the folder, or anything but a regular file (a named pipe
/// is never opened, so it cannot hang the run).
pub fn product_files(path: &Path) -> Result<(Vec<PathBuf>, Vec<Diagnostic>), Diagnostic> {
    if path.is_file() {
        return Ok((vec![path.to_path_buf()], Vec::new()));
    }
    let rd = std::fs::read_dir(path).map_err(|e| {
        Diagnostic::error(
            crate::diagnostics::codes::E0005,
            format!("cannot read `{}`: {e}", path.display()),
        )
        .with_help("name a product file or a folder of them")
    })?;
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .filter(|p| p.file_name().is_none_or(|n| n != BASELINE_FILE))
        .collect();
    files.sort();
    let mut refused = Vec::new();
    files.retain(|f| match listed_file(path, f) {
        Ok(()) => true,
        Err(d) => {
            refused.push(d);
            false
        }
    });
    Ok((files, refused))
}

/// Refuses an entry `file` of the products folder `dir` that is a symbolic link leading out
/// of the folder or not a regular file, from its metadata (nothing is opened).
fn listed_file(dir: &Path, file: &Path) -> Result<(), Diagnostic> {
    let refuse = |message: String, help: &str| {
        Err(Diagnostic::error(crate::diagnostics::codes::E0005, message)
            .in_file(file)
            .with_help(help))
    };
    let link = std::fs::symlink_metadata(file).is_ok_and(|m| m.file_type().is_symlink());
    if link {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        if let Err(e) = crate::fsio::resolve_confined(dir, &name) {
            return refuse(
                format!("the product file is not read: {e}"),
                "keep product files in the products folder; link only to files inside it",
            );
        }
    }
    match std::fs::metadata(file) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(m) => refuse(
            format!(
                "the product file is not read: it is {}, not a regular file",
                crate::fsio::kind_of(&m)
            ),
            "a product file must be a regular YAML file",
        ),
        Err(e) => refuse(
            format!("cannot read the file: {e}"),
            "a product file must be a regular YAML file",
        ),
    }
}

/// Loads every product under the given paths and runs the checks that span files.
pub fn load_paths(paths: &[PathBuf], opts: &LoadOptions) -> (Vec<Product>, Diagnostics) {
    load_files_where(paths, opts, |_| true)
}

/// Loads the product files under `paths` that `keep` accepts, then runs the checks that span
/// files and sorts the products by code, start date and version.
fn load_files_where(
    paths: &[PathBuf],
    opts: &LoadOptions,
    keep: impl Fn(&Path) -> bool,
) -> (Vec<Product>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut products = Vec::new();
    for p in paths {
        match product_files(p) {
            Ok((files, refused)) => {
                diags.extend(refused);
                // Files are read and checked on every core; their results are taken in the
                // files' order, so the output does not depend on the thread count.
                // One file (a quote's product) is loaded on this thread: no pool is started.
                let kept: Vec<&PathBuf> = files.iter().filter(|f| keep(f)).collect();
                let loaded: Vec<_> = if kept.len() > 1 {
                    kept.par_iter().map(|f| load_file(f, opts)).collect()
                } else {
                    kept.iter().map(|f| load_file(f, opts)).collect()
                };
                for (prod, d) in loaded {
                    diags.extend(d);
                    products.extend(prod);
                }
            }
            Err(d) => diags.push(d),
        }
    }
    check_versions(&products, &mut diags);
    products.sort_by(|a, b| {
        (&a.code, a.effective_from, &a.version).cmp(&(&b.code, b.effective_from, &b.version))
    });
    (products, diags)
}

/// Loads the products of one code (`CODE` or `CODE@VERSION`) under the given paths, as
/// [`load_paths`] does, without parsing the files that name another code on a plain top-level
/// `code:` line (one `quote` need not check every product of the folder). A file whose code
/// that line does not show is loaded. When no file is of that code, every product is loaded,
/// so that the caller's "no such product" message lists them all.
pub fn load_paths_for(
    paths: &[PathBuf],
    opts: &LoadOptions,
    code: &str,
) -> (Vec<Product>, Diagnostics) {
    let code = code.split('@').next().unwrap_or(code);
    let (products, diags) =
        load_files_where(paths, opts, |f| declared_code(f).is_none_or(|c| c == code));
    if !diags.has_errors() && !products.iter().any(|p| p.code == code) {
        return load_paths(paths, opts);
    }
    (products, diags)
}

/// The code a product file names on a plain top-level `code: VALUE` line, if it has exactly
/// one such line (no flow style, anchors or escapes); `None` when that cannot be told.
fn declared_code(file: &Path) -> Option<String> {
    let text = crate::fsio::read_text(file, yaml::MAX_YAML_BYTES as u64).ok()?;
    let mut found = None;
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("code:") else {
            continue;
        };
        if found.is_some() {
            return None;
        }
        let v = rest.split(" #").next().unwrap_or("").trim();
        let v = v
            .strip_prefix('"')
            .and_then(|x| x.strip_suffix('"'))
            .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
            .unwrap_or(v);
        if v.is_empty()
            || !v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return None;
        }
        found = Some(v.to_string());
    }
    found
}

/// Two versions of one code must not both apply to a start date, and a code+version is
/// unique.
fn check_versions(products: &[Product], diags: &mut Diagnostics) {
    for (i, a) in products.iter().enumerate() {
        for b in &products[i + 1..] {
            if a.code != b.code {
                continue;
            }
            if a.version == b.version {
                diags.push(
                    Diagnostic::error(
                        crate::diagnostics::codes::E0140,
                        format!("{} is defined twice", b.id()),
                    )
                    .in_file(&b.file)
                    .with_help(format!("the other definition is {}", a.file.display())),
                );
                continue;
            }
            let a_end = a.effective_to.unwrap_or(NaiveDate::MAX);
            let b_end = b.effective_to.unwrap_or(NaiveDate::MAX);
            if a.effective_from <= b_end && b.effective_from <= a_end {
                let (later, earlier) = if b.effective_from >= a.effective_from {
                    (b, a)
                } else {
                    (a, b)
                };
                let span = effective_from_span(&later.file);
                diags.push(
                    Diagnostic::error(
                        crate::diagnostics::codes::E0141,
                        format!(
                            "versions {} and {} of {} are both in force from {}",
                            earlier.version,
                            later.version,
                            later.code,
                            later.effective_from.max(earlier.effective_from)
                        ),
                    )
                    .in_file(&later.file)
                    .at(span)
                    .with_help(format!(
                        "end version {} (`effective_to`) before {} starts, in {}",
                        earlier.version,
                        later.effective_from,
                        earlier.file.display()
                    )),
                );
            }
        }
    }
}

fn effective_from_span(file: &Path) -> crate::diagnostics::Span {
    crate::fsio::read_text(file, crate::fsio::MAX_DOCUMENT_BYTES)
        .ok()
        .and_then(|src| yaml::parse(&src).ok())
        .and_then(|n| n.get("effective_from").map(|v| v.span))
        .unwrap_or_default()
}

/// Error finding a product for a quote.
pub fn find<'a>(
    products: &'a [Product],
    spec: &str,
    date: NaiveDate,
) -> Result<&'a Product, String> {
    let (code, version) = match spec.split_once('@') {
        Some((c, v)) => (c, Some(v)),
        None => (spec, None),
    };
    let same: Vec<&Product> = products.iter().filter(|p| p.code == code).collect();
    if same.is_empty() {
        let codes: Vec<&str> = products.iter().map(|p| p.code.as_str()).collect();
        let hint = crate::diagnostics::did_you_mean(code, codes.iter().copied())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_else(|| format!("; the products are: {}", dedup(&codes).join(", ")));
        return Err(format!("no product `{code}`{hint}"));
    }
    match version {
        Some(v) => same.into_iter().find(|p| p.version == v).ok_or_else(|| {
            let vs: Vec<&str> = products
                .iter()
                .filter(|p| p.code == code)
                .map(|p| p.version.as_str())
                .collect();
            format!(
                "product `{code}` has no version `{v}`; its versions are: {}",
                vs.join(", ")
            )
        }),
        None => same
            .into_iter()
            .find(|p| p.in_force_on(date))
            .ok_or_else(|| {
                let vs: Vec<String> = products
                    .iter()
                    .filter(|p| p.code == code)
                    .map(|p| {
                        format!(
                            "{} ({} to {})",
                            p.version,
                            p.effective_from,
                            p.effective_to
                                .map(|d| d.to_string())
                                .unwrap_or_else(|| "open".into())
                        )
                    })
                    .collect();
                format!(
                    "no version of `{code}` is in force on {date}; versions: {}",
                    vs.join(", ")
                )
            }),
    }
}

fn dedup<'a>(v: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = v.to_vec();
    out.sort();
    out.dedup();
    out
}
