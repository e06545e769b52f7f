//! `schedule`, `declare` and `annuity`: payment schedules, declaration billing and annuity
//! values.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{ExitCode, Format, fail, load_products_as, report};

/// Arguments of `coverwright schedule`.
#[derive(clap::Args, Debug)]
pub struct ScheduleArgs {
    /// Product code, optionally with `@VERSION`.
    #[arg(long)]
    pub product: String,
    /// Payment plan code of the product (e.g. annual, monthly).
    #[arg(long)]
    pub plan: String,
    /// Cover start date (YYYY-MM-DD).
    #[arg(long)]
    pub start: String,
    /// Annual premium, 0 or more, written exactly (e.g. 1200.00).
    #[arg(long)]
    pub premium: String,
    /// Years of premium (long-term products); the plan's premium years when absent.
    #[arg(long)]
    pub years: Option<u32>,
    /// Output format: `text` (a table of instalments) or `json`.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Folder of product files (default: `products/` of the project folder).
    #[arg(long, default_value = "products")]
    pub products: PathBuf,
}

pub(super) fn schedule_cmd(
    a: &ScheduleArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    let (product, plan, format, dir, years) = (
        a.product.as_str(),
        a.plan.as_str(),
        a.format,
        a.products.as_path(),
        a.years,
    );
    let (start, premium) = (a.start.as_str(), a.premium.as_str());
    let start = match coverwright::product::parse_date(start) {
        Ok(d) => d,
        Err(e) => {
            return fail(format, ExitCode::Usage, format!("--start: {e}"), out, err);
        }
    };
    let premium = match coverwright::product::parse_decimal(premium) {
        Ok(d) if d >= rust_decimal::Decimal::ZERO => d,
        Ok(_) => {
            return fail(
                format,
                ExitCode::Usage,
                "--premium cannot be negative",
                out,
                err,
            );
        }
        Err(e) => {
            return fail(format, ExitCode::Usage, format!("--premium: {e}"), out, err);
        }
    };
    let products = match load_products_as(dir, format, out, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let p = match coverwright::product::load::find(&products, product, start) {
        Ok(p) => p,
        Err(e) => {
            return fail(format, ExitCode::Usage, e, out, err);
        }
    };
    use coverwright::product::plan_schedule::{PlanScheduleError, plan_schedule};
    match plan_schedule(p, plan, start, premium, years) {
        Ok(s) => {
            match format {
                Format::Json => write!(out, "{}", coverwright::schedule::json::schedule_json(&s))?,
                Format::Text => write!(out, "{}", s.to_text())?,
            }
            Ok(ExitCode::Success)
        }
        Err(
            e @ (PlanScheduleError::UnknownPlan { .. } | PlanScheduleError::NoInstalments { .. }),
        ) => fail(format, ExitCode::Usage, e.to_string(), out, err),
        Err(PlanScheduleError::Schedule(e)) => fail(format, ExitCode::Invalid, e, out, err),
    }
}

pub(super) fn declare_cmd(
    quote: &Path,
    decls: &Path,
    format: Format,
    dir: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    let q = match coverwright::quote::read_quote_file(quote) {
        Ok(q) => q,
        Err(d) => {
            let code = super::exit_code_of(&d);
            report(&[d], format, out, err)?;
            return Ok(code);
        }
    };
    let products = match load_products_as(dir, format, out, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    // The quote names its version; its cover start date is the header's start.
    let spec = format!("{}@{}", q.product.code, q.product.version);
    let header = match coverwright::product::parse_date(&q.cover.start) {
        Ok(start) => coverwright::request::Header {
            product: Some(spec.clone()),
            start,
            start_span: coverwright::diagnostics::Span::default(),
        },
        Err(e) => {
            return fail(
                format,
                ExitCode::Invalid,
                format!("the quote's cover start: {e}"),
                out,
                err,
            );
        }
    };
    let p = match coverwright::request::pick(&products, &spec, &header, quote) {
        Ok(p) => p,
        Err(e) => {
            return fail(
                format,
                ExitCode::Invalid,
                format!("the quote's product: {e}"),
                out,
                err,
            );
        }
    };
    if q.product.content_hash != p.content_hash {
        writeln!(
            err,
            "warning: {spec} has changed since the quote was made (content hash differs)"
        )?;
    }
    match coverwright::declare::declare_file(p, &q, decls) {
        Ok(b) => {
            match format {
                Format::Json => write!(out, "{}", coverwright::schedule::json::billing_json(&b))?,
                Format::Text => write!(out, "{}", coverwright::text::printable(&b.to_text()))?,
            }
            Ok(ExitCode::Success)
        }
        Err(Ok(d)) => {
            report(&d.into_vec(), format, out, err)?;
            Ok(ExitCode::Invalid)
        }
        Err(Err(e)) => fail(format, ExitCode::Io, e.to_string(), out, err),
    }
}

pub(super) fn annuity_cmd(
    q: coverwright::actuarial::AnnuityQuery,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    if let Err(e) = std::fs::File::open(&q.table) {
        let m = format!("cannot read {}: {e}", q.table.display());
        return fail(format, ExitCode::Io, m, out, err);
    }
    match coverwright::actuarial::annuity_report(&q) {
        Ok(r) => {
            match format {
                Format::Json => write!(out, "{}", coverwright::actuarial::annuity_json(&r))?,
                Format::Text => write!(out, "{r}")?,
            }
            Ok(ExitCode::Success)
        }
        Err(e) => fail(format, ExitCode::Invalid, e, out, err),
    }
}
