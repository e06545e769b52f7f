//! `validate`, `list` and `test`: the commands about product files.

use std::io::Write;
use std::path::{Path, PathBuf};

use coverwright::product::load::{LoadOptions, load_paths};

use super::{ExitCode, Format, report};

pub(super) fn validate(
    paths: &[PathBuf],
    format: Format,
    templates: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    for p in paths {
        if !p.exists() {
            writeln!(err, "error: `{}` does not exist", p.display())?;
            return Ok(ExitCode::Io);
        }
    }
    let opts = LoadOptions {
        templates: Some(templates.to_path_buf()),
    };
    let (products, diags) = load_paths(paths, &opts);
    let mut diags = diags.into_vec();
    let mut cache = coverwright::product::check::TemplateCache::new(templates);
    for p in &products {
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
    let (products, diags) = load_paths(paths, &LoadOptions::default());
    let diags = diags.into_vec();
    if diags.iter().any(|d| d.is_error()) {
        report(&diags, Format::Text, out, err)?;
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

pub(super) fn test_cmd(
    paths: &[PathBuf],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    let (products, diags) = load_paths(paths, &LoadOptions::default());
    let diags = diags.into_vec();
    if diags.iter().any(|d| d.is_error()) {
        report(&diags, Format::Text, out, err)?;
        return Ok(ExitCode::Invalid);
    }
    let (mut passed, mut failed) = (0, 0);
    for p in &products {
        for r in coverwright::cases::run_product(p)
            .into_iter()
            .chain(coverwright::claims::cases::run_product(p))
        {
            if r.passed {
                passed += 1;
                writeln!(out, "pass  {}  {}", r.product, r.name)?;
            } else {
                failed += 1;
                writeln!(out, "FAIL  {}  {}  ({})", r.product, r.name, r.location)?;
                for d in &r.details {
                    writeln!(out, "        {d}")?;
                }
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed")?;
    Ok(if failed > 0 {
        ExitCode::Invalid
    } else {
        ExitCode::Success
    })
}
