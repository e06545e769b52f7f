//! `serve`: the quoting service over the products folder (`coverwright::service`).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::{ExitCode, Format, report};

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One line of text per event.
    Text,
    /// One JSON object per event.
    Json,
}

/// Arguments of `coverwright serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default; `0.0.0.0:8080` to take connections from
    /// other machines (behind a load balancer). Port 0 picks a free port; the address is
    /// printed as `listening on ADDR`.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: SocketAddr,
    /// Folder of product files (default: `products/` of the project folder). Reloaded on
    /// SIGHUP and `POST /admin/reload`.
    #[arg(long, default_value = "products")]
    pub products: PathBuf,
    /// Templates folder of `POST /v1/documents` (default: `templates/` of the project
    /// folder); compiled on the first document asked for.
    #[arg(long, default_value = "templates")]
    pub templates: PathBuf,
    /// Largest request body, in bytes (at most 4 MiB).
    #[arg(long, default_value_t = 1024 * 1024, value_parser = clap::value_parser!(u64).range(1..=4 * 1024 * 1024))]
    pub max_body_bytes: u64,
    /// Most members (inline or census rows) one quote may have.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_members: u64,
    /// Time a request may wait for a slot and run, in milliseconds; past it, a 503 problem.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: u64,
    /// Requests handled at once; more wait for a slot (within the timeout).
    #[arg(long, default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    pub concurrency: u64,
    /// Environment variable holding the bearer token `/v1` and `/admin` requests must carry
    /// (`Authorization: Bearer ...`). Without it, no token is asked for.
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
    /// An origin browsers may call the service from (repeatable). Without it, no CORS
    /// headers are sent.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origin: Vec<String>,
    /// Time in-flight requests get to finish after SIGTERM or SIGINT, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    pub drain_ms: u64,
    /// Worker threads; all cores by default.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub threads: Option<u64>,
    /// Log format on standard error: `text` or `json`.
    #[arg(long, value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Least severe log events written: error, warn, info (one line per request), debug.
    #[arg(long, default_value = "info", value_parser = ["error", "warn", "info", "debug"])]
    pub log_level: String,
}

fn init_logs(a: &ServeArgs) {
    let level = match a.log_level.as_str() {
        "error" => tracing::Level::ERROR,
        "warn" => tracing::Level::WARN,
        "debug" => tracing::Level::DEBUG,
        _ => tracing::Level::INFO,
    };
    let b = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let _ = match a.log_format {
        LogFormat::Json => b.json().flatten_event(true).try_init(),
        LogFormat::Text => b.try_init(),
    };
}

pub(super) fn serve_cmd(
    a: &ServeArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    use coverwright::service::{Config, Limits, ServeError, serve};
    let token = match &a.token_env {
        None => None,
        Some(var) => match std::env::var(var) {
            Ok(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
            _ => {
                let m = format!("--token-env: the environment variable `{var}` is not set");
                return super::fail(Format::Text, ExitCode::Usage, m, out, err);
            }
        },
    };
    init_logs(a);
    let config = Config {
        products: a.products.clone(),
        templates: a.templates.clone(),
        listen: a.listen,
        limits: Limits {
            max_body_bytes: a.max_body_bytes as usize,
            max_members: a.max_members as usize,
            timeout: Duration::from_millis(a.timeout_ms),
            concurrency: a.concurrency as usize,
            token,
        },
        cors_origins: a.cors_origin.clone(),
        drain: Duration::from_millis(a.drain_ms),
        threads: a.threads.map(|n| n as usize),
    };
    match serve(config) {
        Ok(()) => Ok(ExitCode::Success),
        Err(ServeError::Products(diags)) => {
            report(&diags, Format::Text, out, err)?;
            writeln!(
                err,
                "error: fix the product files first (`coverwright validate {}`)",
                a.products.display()
            )?;
            Ok(ExitCode::Invalid)
        }
        Err(ServeError::Io(e)) => super::fail(
            Format::Text,
            ExitCode::Io,
            format!("cannot serve on {}: {e}", a.listen),
            out,
            err,
        ),
    }
}
