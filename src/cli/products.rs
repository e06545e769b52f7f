//! `validate`, `list` and `test`: the commands about product files.

use std::io::Write;
use std::path::{Path, PathBuf};

use coverwright::product::load::{LoadOptions, load_paths};

use super::{ExitCode, Format, fail, report};

pub(super) fn validate(
    paths: &[PathBuf],
    format: Format,
    templates: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    if let Some(code) = missing(paths, format, out, err)? {
        return Ok(code);
    }
    let inputs = super::validate_cache::Inputs {
        paths,
        templates,
        format: match format {
            Format::Text => "text",
            Format::Json => "json",
        },
    };
    let key = super::validate_cache::key(&inputs);
    if let Some(done) = key.clone().and_then(super::validate_cache::read) {
        out.write_all(&done.stdout)?;
        err.write_all(&done.stderr)?;
        return Ok(done.code);
    }
    let Some(key) = key else {
        return check_products(paths, format, templates, out, err);
    };
    let mut run = super::validate_cache::Output {
        code: ExitCode::Success,
        stdout: Vec::new(),
        stderr: Vec::new(),
    };
    run.code = check_products(paths, format, templates, &mut run.stdout, &mut run.stderr)?;
    out.write_all(&run.stdout)?;
    err.write_all(&run.stderr)?;
    super::validate_cache::write(key, &run);
    Ok(run.code)
}

/// Loads and checks the products under `paths`: every diagnostic, then a count.
fn check_products(
    paths: &[PathBuf],
    format: Format,
    templates: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    let opts = LoadOptions {
        templates: Some(templates.to_path_buf()),
    };
    let mut cache = coverwright::cases::TemplateCache::new(templates);
    let ((products, diags), ()) = rayon::join(|| load_paths(paths, &opts), || cache.compile());
    let mut diags = diags.into_vec();
    for p in &products {
        diags.extend(coverwright::cases::check_requests(p));
        diags.extend(coverwright::cases::check_templates_cached(p, &mut cache));
        diags.extend(coverwright::pension::check_cash_values(p));
    }
    diags.extend(coverwright::regulation::check_products(&products));
    report(&diags, format, out, err)?;
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if format == Format::Text {
        if errors == 0 {
            writeln!(
                err,
                "{} product version(s) valid{}",
                products.len(),
                plural_warnings(warnings)
            )?;
        } else {
            writeln!(err, "{errors} error(s){}", plural_warnings(warnings))?;
        }
    }
    Ok(if errors > 0 {
        ExitCode::Invalid
    } else {
        ExitCode::Success
    })
}

/// The I/O failure of the first path that does not exist, reported in `format`.
fn missing(
    paths: &[PathBuf],
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<Option<ExitCode>> {
    match paths.iter().find(|p| !p.exists()) {
        Some(p) => {
            let m = format!(
                "`{}` does not exist (run from a project folder, or give --root DIR)",
                p.display()
            );
            fail(format, ExitCode::Io, m, out, err).map(Some)
        }
        None => Ok(None),
    }
}

fn plural_warnings(n: usize) -> String {
    if n == 0 {
        String::new()
    } else {
        format!(", {n} warning(s)")
    }
}

pub(super) fn list(
    paths: &[PathBuf],
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    if let Some(code) = missing(paths, format, out, err)? {
        return Ok(code);
    }
    let (products, diags) = load_paths(paths, &LoadOptions::default());
    let diags = diags.into_vec();
    if diags.iter().any(|d| d.is_error()) {
        report(&diags, format, out, err)?;
        if format == Format::Json {
            return Ok(ExitCode::Invalid);
        }
    }
    match format {
        Format::Json => {
            let rows: Vec<serde_json::Value> = products
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "code": p.code,
                        "version": p.version,
                        "line": p.line.as_str(),
                        "segment": p.segment,
                        "effective_from": p.effective_from.to_string(),
                        "effective_to": p.effective_to.map(|d| d.to_string()),
                        "name": {"zh": p.name.zh, "en": p.name.en},
                        "file": p.file.display().to_string(),
                    })
                })
                .collect();
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&rows).unwrap_or_default()
            )?;
        }
        Format::Text => {
            let mut rows = vec![[
                "CODE".to_string(),
                "VERSION".into(),
                "LINE".into(),
                "SEGMENT".into(),
                "FROM".into(),
                "TO".into(),
                "NAME".into(),
            ]];
            for p in &products {
                rows.push([
                    p.code.clone(),
                    p.version.clone(),
                    p.line.as_str().into(),
                    p.segment.clone(),
                    p.effective_from.to_string(),
                    p.effective_to
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "-".into()),
                    format!("{} / {}", p.name.zh, p.name.en),
                ]);
            }
            write!(out, "{}", coverwright::quote::table(&rows))?;
        }
    }
    Ok(if diags.iter().any(|d| d.is_error()) {
        ExitCode::Invalid
    } else {
        ExitCode::Success
    })
}

/// `test`: runs every pricing and claims case of the products; a line per case, or with
/// `json` one object per case (product, version, name, location, outcome, comparisons).
pub(super) fn test_cmd(
    paths: &[PathBuf],
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    if let Some(code) = missing(paths, format, out, err)? {
        return Ok(code);
    }
    let (products, diags) = load_paths(paths, &LoadOptions::default());
    let diags = diags.into_vec();
    if diags.iter().any(|d| d.is_error()) {
        report(&diags, format, out, err)?;
        return Ok(ExitCode::Invalid);
    }
    let results: Vec<coverwright::cases::CaseResult> = products
        .iter()
        .flat_map(|p| {
            coverwright::cases::run_product(p)
                .into_iter()
                .chain(coverwright::claims::cases::run_product(p))
        })
        .collect();
    let failed = results.iter().filter(|r| !r.passed).count();
    let passed = results.len() - failed;
    match format {
        Format::Json => {
            let cases: Vec<serde_json::Value> = results.iter().map(case_json).collect();
            let v = serde_json::json!({"passed": passed, "failed": failed, "cases": cases});
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            )?;
        }
        Format::Text => {
            for r in &results {
                if r.passed {
                    writeln!(out, "pass  {}  {}", r.product, r.name)?;
                } else {
                    writeln!(out, "FAIL  {}  {}  ({})", r.product, r.name, r.location)?;
                    for d in &r.details {
                        writeln!(out, "        {d}")?;
                    }
                }
            }
            writeln!(out, "{passed} passed, {failed} failed")?;
        }
    }
    Ok(if failed > 0 {
        ExitCode::Invalid
    } else {
        ExitCode::Success
    })
}

/// One case as JSON. A detail written `what: expected E, got A` is also a comparison with
/// its expected and actual values; every detail is kept as written.
fn case_json(r: &coverwright::cases::CaseResult) -> serde_json::Value {
    let (code, version) = r.product.split_once('@').unwrap_or((&r.product, ""));
    let comparisons: Vec<serde_json::Value> = r
        .details
        .iter()
        .filter_map(|d| {
            let (what, rest) = d.split_once(": expected ")?;
            let (expected, actual) = rest.split_once(", got ")?;
            Some(serde_json::json!({"what": what, "expected": expected, "actual": actual}))
        })
        .collect();
    serde_json::json!({
        "product": code,
        "version": version,
        "name": r.name,
        "location": r.location,
        "outcome": if r.passed { "pass" } else { "fail" },
        "comparisons": comparisons,
        "details": r.details,
    })
}
