//! `render --quotes`: one document per quote of a JSON Lines file (or standard input), in one
//! process with the templates compiled once; a bad record is reported by line while the rest
//! render.

use std::io::Write;
use std::path::Path;

use super::ExitCode;
use super::quote::RenderArgs;

pub(super) fn render_bulk_cmd(
    a: &RenderArgs,
    quotes: &Path,
    dir: &Path,
    err: &mut dyn Write,
) -> std::io::Result<ExitCode> {
    use coverwright::document::bulk::{BulkHooks, BulkJob, render_bulk};
    use std::io::IsTerminal;
    let (Ok(kind), Ok(lang), Ok(format)) = (
        a.document.parse(),
        a.lang.parse::<coverwright::document::Lang>(),
        a.format.parse(),
    ) else {
        writeln!(
            err,
            "error: unknown --document, --lang or --format; documents: quote, policy, schedule, worksheet, invoice, illustration; languages: zh, en; formats: html, md, pdf, docx"
        )?;
        return Ok(ExitCode::Usage);
    };
    let renderer = match coverwright::document::Renderer::new(&a.templates) {
        Ok(r) => r,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(ExitCode::Invalid);
        }
    };
    let stdin = std::io::stdin();
    let (mut input, size): (Box<dyn std::io::BufRead>, Option<u64>) = if quotes == Path::new("-") {
        (Box::new(stdin.lock()), None)
    } else {
        match coverwright::fsio::open_input(quotes, coverwright::fsio::MAX_STREAM_BYTES) {
            Ok((f, size)) => (
                Box::new(std::io::BufReader::with_capacity(1 << 20, f)),
                Some(size),
            ),
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(ExitCode::Io);
            }
        }
    };
    let bar = match size {
        Some(len) if std::io::stderr().is_terminal() => coverwright::batch::progress_bar(len),
        _ => None,
    };
    let (products, _) = coverwright::product::load::load_paths(
        std::slice::from_ref(&a.products),
        &coverwright::product::load::LoadOptions::default(),
    );
    let documents =
        match coverwright::document::bulk::options_by_product(&products, &a.products, lang) {
            Ok(d) => d,
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(ExitCode::Invalid);
            }
        };
    let file = match &a.policy.policy_options {
        Some(path) => match coverwright::document::options::PolicyOptions::load(path) {
            Ok(f) => f,
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(ExitCode::Invalid);
            }
        },
        None => Default::default(),
    };
    let policy = coverwright::document::bulk::BulkPolicyOptions {
        file,
        flags: coverwright::document::options::PolicyOptions {
            plan: a.plan.clone(),
            issue_date: a.policy.issue_date.clone(),
            dispute: a.policy.dispute.clone(),
            arbitration_body: a.policy.arbitration_body.clone(),
            special_clauses: a.policy.special_clause.clone(),
            ..Default::default()
        },
        dir: a.policy_options_dir.clone(),
    };
    let job = BulkJob {
        kind,
        lang,
        format,
        output_dir: dir.to_path_buf(),
        options: serde_json::Map::new(),
        documents,
        policy,
    };
    let result = render_bulk(
        &renderer,
        &mut *input,
        &job,
        BulkHooks {
            problem: &mut |p| {
                let _ = match &bar {
                    Some(b) => b.suspend(|| writeln!(err, "error: {p}")),
                    None => writeln!(err, "error: {p}"),
                };
            },
            progress: &mut |n| {
                if let Some(b) = &bar {
                    b.set_position(n);
                }
            },
        },
    );
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    match result {
        Ok(summary) => {
            writeln!(err, "render: {summary} in {}", dir.display())?;
            Ok(if summary.failed > 0 || summary.unmatched > 0 {
                ExitCode::Invalid
            } else {
                ExitCode::Success
            })
        }
        Err(e) => {
            writeln!(err, "error: {e}")?;
            Ok(ExitCode::Invalid)
        }
    }
}
