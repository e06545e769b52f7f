//! Diagnostics: what every stage reports about bad input, and how it is shown.
//!
//! Owns [`Diagnostic`] (a code, a severity, a message, an optional location and an optional
//! `help:` line) and its two renderings: rustc-style text with the source line and a caret
//! under the offending value, and a JSON array for tools.
//!
//! Invariants:
//! - a diagnostic about a file names the file; when the offending value is known it also
//!   carries its 1-based line and column (characters, not bytes) and the byte range, so the
//!   text rendering can underline it;
//! - rendering is deterministic (plain text, no colours unless asked for) so snapshots pin it;
//! - stages collect diagnostics into a [`Diagnostics`] list and keep going: every problem is
//!   reported, not just the first.

pub mod codes;

use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// An error: the input is refused.
    Error,
    /// A warning: the input is accepted.
    Warning,
}

/// A place in a source file: 1-based line and column (in characters) and the byte range of
/// the value, when the source was text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// 1-based line (0 when unknown).
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Byte offset of the start in the source.
    pub start: usize,
    /// Length in bytes (0 for a point).
    pub len: usize,
}

impl Span {
    /// A span at `line`:`column`, `len` bytes from byte `start`.
    pub fn new(line: u32, column: u32, start: usize, len: usize) -> Span {
        Span {
            line,
            column,
            start,
            len,
        }
    }

    /// Whether the span points at a real place (line 0 means "somewhere in the file").
    pub fn is_known(&self) -> bool {
        self.line > 0
    }

    /// The span of a part of a value that starts `offset` bytes (and `chars` characters) into
    /// it, on the same line; used to point inside a formula or a band.
    pub fn shifted(&self, offset: usize, chars: u32, len: usize) -> Span {
        Span {
            line: self.line,
            column: self.column + chars,
            start: self.start + offset,
            len,
        }
    }
}

/// One problem found in an input, with where it is and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The registered code ([`codes`]).
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// The file it is in.
    pub file: Option<PathBuf>,
    /// Where in the file.
    pub span: Span,
    /// Row and column for tabular inputs (CSV), where there is no byte span to underline.
    pub label: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with a code from [`codes`].
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            file: None,
            span: Span::default(),
            label: None,
            help: None,
        }
    }

    /// A warning with a code from [`codes`].
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Names the file the problem is in.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Diagnostic {
        self.file = Some(file.into());
        self
    }

    /// Places the problem at a span of the file.
    pub fn at(mut self, span: Span) -> Diagnostic {
        self.span = span;
        self
    }

    /// Adds what to do about it.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a label shown at the span (row and column for tabular inputs).
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column`, or as much of it as is known.
    pub fn location(&self) -> String {
        let file = self
            .file
            .as_deref()
            .map(|f| f.display().to_string())
            .unwrap_or_else(|| "<input>".to_string());
        if self.span.is_known() {
            format!("{file}:{}:{}", self.span.line, self.span.column)
        } else {
            file
        }
    }

    /// Renders the diagnostic rustc-style. `source` is the text of the file it points into,
    /// when there is one; without it (or without a span) the location line stands alone.
    pub fn render(&self, source: Option<&str>) -> String {
        self.render_styled(source, false)
    }

    /// [`Diagnostic::render`], with ANSI colours for a terminal when `styled`: the header in
    /// the severity's colour, line numbers and carets as rustc colours them.
    pub fn render_styled(&self, source: Option<&str>, styled: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let path = self
            .file
            .as_deref()
            .map(|f| f.display().to_string())
            .unwrap_or_else(|| "<input>".to_string());
        // A span known only by line and column (CSV cells, templates): find its bytes.
        let mut span = self.span;
        if let Some(src) = source
            && span.is_known()
            && span.start == 0
            && span.len == 0
            && (span.line > 1 || span.column > 1)
        {
            span.start = byte_offset(src, span.line, span.column);
            span.len = src[span.start..]
                .chars()
                .next()
                .map(char::len_utf8)
                .unwrap_or(0);
        }
        let this = Diagnostic {
            span,
            ..self.clone()
        };
        let usable = source.filter(|s| {
            this.span.is_known()
                && this.span.start <= s.len()
                && s.is_char_boundary(this.span.start)
                && s.is_char_boundary((this.span.start + this.span.len).min(s.len()))
        });
        let title = level.primary_title(self.message.as_str()).id(self.code);
        let mut out = match usable {
            Some(src) => {
                let end = (this.span.start + this.span.len).min(src.len());
                let label = self.label.as_deref().unwrap_or("");
                let group = title.element(
                    Snippet::source(src)
                        .path(path.as_str())
                        .fold(true)
                        .annotation(
                            AnnotationKind::Primary
                                .span(this.span.start..end)
                                .label(label),
                        ),
                );
                let group = match &self.help {
                    Some(help) => group.element(Level::HELP.message(help.as_str())),
                    None => group,
                };
                let renderer = if styled {
                    Renderer::styled()
                } else {
                    Renderer::plain()
                };
                renderer.render(&[group])
            }
            None => {
                let header = format!("{}[{}]", severity_word(self.severity), self.code);
                let header = if styled {
                    let color = match self.severity {
                        Severity::Error => anstyle::AnsiColor::BrightRed,
                        Severity::Warning => anstyle::AnsiColor::BrightYellow,
                    };
                    let s = anstyle::Style::new().bold().fg_color(Some(color.into()));
                    format!("{s}{header}{s:#}")
                } else {
                    header
                };
                let mut text = format!("{header}: {}\n  --> {}", self.message, self.location());
                if let Some(label) = &self.label {
                    text.push_str(&format!(" ({label})"));
                }
                if let Some(help) = &self.help {
                    text.push_str(&format!("\n  = help: {help}"));
                }
                text
            }
        };
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out
    }
}

/// The byte offset of a 1-based line and column (in characters) in `src`, clamped to the end
/// of that line.
pub fn byte_offset(src: &str, line: u32, column: u32) -> usize {
    let mut start = 0;
    for (i, text) in src.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let body = text.trim_end_matches(['\n', '\r']);
            let col = body
                .char_indices()
                .nth(column.saturating_sub(1) as usize)
                .map(|(b, _)| b)
                .unwrap_or(body.len());
            return start + col;
        }
        start += text.len();
    }
    src.len()
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

impl std::error::Error for Diagnostic {}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {} ({})",
            severity_word(self.severity),
            self.code,
            self.message,
            self.location()
        )
    }
}

/// The JSON form of a diagnostic (`--format json`).
#[derive(Serialize)]
pub struct DiagnosticJson<'a> {
    /// The code.
    pub code: &'a str,
    /// `error` or `warning`.
    pub severity: Severity,
    /// The file, if known.
    pub file: Option<String>,
    /// 1-based line, if known.
    pub line: Option<u32>,
    /// 1-based column, if known.
    pub column: Option<u32>,
    /// What is wrong.
    pub message: &'a str,
    /// What to do about it.
    pub help: Option<&'a str>,
}

impl<'a> From<&'a Diagnostic> for DiagnosticJson<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        DiagnosticJson {
            code: d.code,
            severity: d.severity,
            file: d.file.as_ref().map(|f| f.display().to_string()),
            line: d.span.is_known().then_some(d.span.line),
            column: d.span.is_known().then_some(d.span.column),
            message: &d.message,
            help: d.help.as_deref(),
        }
    }
}

/// A list of diagnostics collected while a stage keeps going.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Diagnostics {
        Diagnostics::default()
    }

    /// Adds a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// The diagnostic pushed last, to add a help line to it. Pushes a placeholder if the
    /// list is empty, so callers never need to unwrap.
    pub fn last_mut(&mut self) -> &mut Diagnostic {
        if self.items.is_empty() {
            self.items
                .push(Diagnostic::error(codes::E0000, "internal: no diagnostic"));
        }
        let n = self.items.len() - 1;
        &mut self.items[n]
    }

    /// Adds several diagnostics.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// How many are errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The diagnostics in order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// The diagnostics as a vector.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    /// Orders diagnostics by file, then position, so output is stable whatever order the
    /// checks ran in.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.file, a.span.line, a.span.column, a.code, &a.message).cmp(&(
                &b.file,
                b.span.line,
                b.span.column,
                b.code,
                &b.message,
            ))
        });
        self.items.dedup();
    }
}

impl fmt::Display for Diagnostics {
    /// One diagnostic a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Renders diagnostics as text, reading each file once to show its source lines.
pub fn render_all(diags: &[Diagnostic], sources: &dyn Fn(&Path) -> Option<String>) -> String {
    render_all_styled(diags, sources, false)
}

/// [`render_all`], in colour for a terminal when `styled`.
pub fn render_all_styled(
    diags: &[Diagnostic],
    sources: &dyn Fn(&Path) -> Option<String>,
    styled: bool,
) -> String {
    let mut out = String::new();
    let mut cache: Vec<(PathBuf, Option<String>)> = Vec::new();
    for d in diags {
        let src = match &d.file {
            Some(f) => {
                if let Some((_, s)) = cache.iter().find(|(p, _)| p == f) {
                    s.clone()
                } else {
                    let s = sources(f);
                    cache.push((f.clone(), s.clone()));
                    s
                }
            }
            None => None,
        };
        out.push_str(&d.render_styled(src.as_deref(), styled));
        out.push('\n');
    }
    out
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a likely
/// typo: used for "did you mean" hints.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(word, c);
        let limit = (word.chars().count().max(c.chars().count()) / 3).max(1);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The help for a name that resolves to nothing, shared by every place a name is looked up
/// (keywords, keys, inputs, coverages, tables, rules, steps, plans, options): "did you mean
/// `x`?" for a likely typo, else the names there are (at most 12), or that none of that kind
/// is declared.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let all: Vec<&str> = candidates.into_iter().collect();
    if let Some(s) = did_you_mean(word, all.iter().copied()) {
        return format!("did you mean `{s}`?");
    }
    match all.len() {
        0 => "nothing of that kind is declared".to_string(),
        n if n <= 12 => format!("use one of: {}", all.join(", ")),
        n => format!("use one of: {}, … ({} more)", all[..12].join(", "), n - 12),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("covrages", ["coverages", "tables"]),
            Some("coverages")
        );
        assert_eq!(did_you_mean("zzz", ["coverages", "tables"]), None);
    }

    #[test]
    fn renders_caret_under_value() {
        let src = "code: GA\nversion: x1\n";
        let d = Diagnostic::error(codes::E0001, "bad version")
            .in_file("p.yaml")
            .at(Span::new(2, 10, 18, 2))
            .with_help("write a version like 2024.1");
        let text = d.render(Some(src));
        assert!(text.contains("error[E0001]: bad version"), "{text}");
        assert!(text.contains("--> p.yaml:2:10"), "{text}");
        assert!(text.contains("^^"), "{text}");
        assert!(text.contains("help: write a version like 2024.1"), "{text}");
    }
}
