//! `schedule`, `declare` and `annuity`: payment schedules, declaration billing and annuity
//! values.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{ExitCode, Format, load_products, report};

/// Arguments of `coverwright schedule`.
#[derive(clap::Args, Debug)]
pub struct ScheduleArgs {
    /// Product code, optionally with `@VERSION`.
    #[arg(long)]
    pub product: String,
    /// Payment plan code.
    #[arg(long)]
    pub plan: String,
    /// Cover start date (YYYY-MM-DD).
    #[arg(long)]
    pub start: String,
    /// Annual premium.
    #[arg(long)]
    pub premium: String,
    /// Years of premium (long-term products); the plan's premium years when absent.
    #[arg(long)]
    pub years: Option<u32>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
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
            writeln!(err, "error: --start: {e}")?;
            return Ok(ExitCode::Usage);
        }
    };
    let premium = match coverwright::product::parse_decimal(premium) {
        Ok(d) if d >= rust_decimal::Decimal::ZERO => d,
        Ok(_) => {
            writeln!(err, "error: --premium cannot be negative")?;
            return Ok(ExitCode::Usage);
        }
        Err(e) => {
            writeln!(err, "error: --premium: {e}")?;
            return Ok(ExitCode::Usage);
        }
    };
    let products = match load_products(dir, err)? {
        Ok(p) => p,
        Err(code) => return Ok(code),
    };
    let p = match coverwright::product::load::find(&products, product, start) {
        Ok(p) => p,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(ExitCode::Usage);
        }
    };
    let Some(pl) = p.plans.iter().find(|x| x.code == plan) else {
        let codes: Vec<&str> = p.plans.iter().map(|x| x.code.as_str()).collect();
        writeln!(
            err,
            "error: {} offers no payment plan `{plan}`; plans: {}",
            p.id(),
            codes.join(", ")
        )?;
        return Ok(ExitCode::Usage);
    };
    let Some(ip) = pl.instalments.as_ref() else {
        writeln!(
            err,
            "error: plan `{plan}` is {}; it has no instalment schedule",
            pl.mode.as_str()
        )?;
        return Ok(ExitCode::Usage);
    };
    let cal = pl.holidays.as_ref();
    let req = coverwright::schedule::ScheduleRequest {
        premium,
        start,
        term_years: years.or(pl.premium_years).unwrap_or(1).max(1),
    };
    match ip.schedule(&req, cal) {
        Ok(s) => {
            match format {
                Format::Json => writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&s).unwrap_or_default()
                )?,
                Format::Text => write!(out, "{}", s.to_text())?,
            }
            Ok(ExitCode::Success)
        }
        Err(e) => {
            writeln!(err, "error: {e}")?;
            Ok(ExitCode::Invalid)
        }
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
            report(&[d], Format::Text, out, err)?;
            return Ok(code);
        }
    };
    let products = match load_products(dir, err)? {
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
            writeln!(err, "error: the quote's cover start: {e}")?;
            return Ok(ExitCode::Invalid);
        }
    };
    let p = match coverwright::request::pick(&products, &spec, &header, quote) {
        Ok(p) => p,
        Err(e) => {
            writeln!(err, "error: the quote's product: {e}")?;
            return Ok(ExitCode::Invalid);
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
                Format::Json => writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&b).unwrap_or_default()
                )?,
                Format::Text => write!(out, "{}", coverwright::text::printable(&b.to_text()))?,
            }
            Ok(ExitCode::Success)
        }
        Err(Ok(d)) => {
            report(&d.into_vec(), Format::Text, out, err)?;
            Ok(ExitCode::Invalid)
        }
        Err(Err(e)) => {
            writeln!(err, "error: {e}")?;
            Ok(ExitCode::Io)
        }
    }
}

pub(super) fn annuity_cmd(
    q: coverwright::actuarial::AnnuityQuery,
    format: Format,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    match coverwright::actuarial::annuity_report(&q) {
        Ok(r) => {
            match format {
                Format::Json => writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&r).unwrap_or_default()
                )?,
                Format::Text => write!(out, "{r}")?,
            }
            Ok(ExitCode::Success)
        }
        Err(e) => {
            writeln!(err, "error: {e}")?;
            Ok(ExitCode::Invalid)
        }
    }
}
