//! The one error type of the document stage, [`RenderError`]: every failure to load templates
//! or the message catalogue, to render, or to print a PDF. Each variant names the file it is
//! about, and the line when there is one.

use std::fmt;
use std::path::PathBuf;

/// A key present in one catalogue file and missing from the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingKey {
    /// The dotted key, e.g. `label.premium`.
    pub key: String,
    /// The catalogue file that has the key.
    pub present_in: PathBuf,
    /// The line of the key in `present_in`.
    pub line: u64,
    /// The catalogue file that lacks the key.
    pub missing_from: PathBuf,
}

impl fmt::Display for MissingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: key `{}` has no text in {}",
            self.present_in.display(),
            self.line,
            self.key,
            self.missing_from.display()
        )
    }
}

fn join_missing(keys: &[MissingKey]) -> String {
    keys.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Everything that can go wrong between a template directory and a finished document.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template failed to parse or to render at a known place: an undefined variable, a
    /// filter given a value it cannot format, a missing catalogue key, a syntax error.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Template {
        /// The template's name inside the template directory, e.g. `quote.html`.
        template: String,
        /// The template file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What went wrong, without the source excerpt.
        message: String,
    },
    /// Problems the template engine reports for the set of templates as a whole (an unknown
    /// filter, function or included template, a circular include); `report` quotes each
    /// offending `file:line:column`.
    #[error("templates in {}: {report}", dir.display())]
    TemplateSet {
        /// The template directory.
        dir: PathBuf,
        /// The engine's report.
        report: String,
    },
    /// A template name that could point outside the template directory.
    #[error("template name `{name}` refused: {reason}")]
    NameRefused {
        /// The name asked for.
        name: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// No template of that name was loaded.
    #[error("template `{name}` not found in {}", dir.display())]
    NotFound {
        /// The name asked for.
        name: String,
        /// The template directory.
        dir: PathBuf,
    },
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A path inside the template directory that is refused, such as a symbolic link
    /// pointing outside it.
    #[error("{}: {reason}", path.display())]
    PathRefused {
        /// The offending path.
        path: PathBuf,
        /// Why it was refused.
        reason: String,
    },
    /// A catalogue file that cannot be read as a map of keys to texts.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Catalogue {
        /// The catalogue file.
        path: PathBuf,
        /// 1-based line (0 when unknown).
        line: u64,
        /// 1-based column (0 when unknown).
        column: u64,
        /// What went wrong.
        message: String,
    },
    /// Keys present in one language and not in the other.
    #[error("message catalogue out of sync:\n{}", join_missing(.0))]
    CatalogueOutOfSync(Vec<MissingKey>),
    /// The render context is not usable (it must be a JSON object).
    #[error("render context for `{template}`: {message}")]
    Context {
        /// The template being rendered.
        template: String,
        /// What is wrong with the context.
        message: String,
    },
    /// A document that would state something false, or one the product does not offer.
    #[error("the {document} document is refused: {reason}")]
    Refused {
        /// The document asked for, e.g. `policy`.
        document: String,
        /// Why.
        reason: String,
    },
    /// PDF asked of a function that returns text (`render_to_string`).
    #[error(
        "the {document} document as PDF or Word is not text; write it to a file with render_document"
    )]
    NotText {
        /// The document asked for, e.g. `policy`.
        document: String,
    },
    /// No headless browser to print PDFs with.
    #[error(
        "cannot print {} to PDF: none of {} found on PATH; install Chromium (package `chromium`)",
        html.display(),
        programs.join(", ")
    )]
    PdfProgramMissing {
        /// The HTML file to print.
        html: PathBuf,
        /// The program names looked for.
        programs: Vec<&'static str>,
    },
    /// The headless browser failed to print.
    #[error("{program} could not print {} to {}: {detail}", html.display(), pdf.display())]
    Pdf {
        /// The program run.
        program: PathBuf,
        /// The HTML file.
        html: PathBuf,
        /// The PDF wanted.
        pdf: PathBuf,
        /// What went wrong (exit status and the end of its error output).
        detail: String,
    },
}
