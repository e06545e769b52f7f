//! The choice of PDF engine and the printer every PDF goes through.
//!
//! Two engines make a PDF from the same HTML: the native typesetter
//! ([`super::super::typeset`], feature `typeset`, the default where it is built) and one
//! headless Chromium kept for the run (the default of builds without the typesetter; see
//! [`PdfEngine::DEFAULT`]). The process's engine is set once by the command line
//! ([`set_pdf_engine`], `--pdf-engine`) and read by [`PdfPrinter::start`] (many documents)
//! and by [`print_html`] and [`html_to_pdf`] (one document, from its text or its file).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};

use super::super::error::RenderError;
use super::{Browser, chromium_html_to_pdf};

/// A way of making PDFs from the HTML documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PdfEngine {
    /// The native typesetter (Typst), no browser: fast, in parallel on every core.
    Typst,
    /// One headless Chromium kept for the run, printing over the DevTools protocol.
    Chromium,
}

impl PdfEngine {
    /// The engine used unless another is set: the typesetter in builds that have it (the
    /// cargo feature `typeset`, on by default), Chromium in builds without it.
    #[cfg(feature = "typeset")]
    pub const DEFAULT: PdfEngine = PdfEngine::Typst;
    /// The engine used unless another is set: the typesetter in builds that have it (the
    /// cargo feature `typeset`, on by default), Chromium in builds without it.
    #[cfg(not(feature = "typeset"))]
    pub const DEFAULT: PdfEngine = PdfEngine::Chromium;
}

/// The process's engine: 0 the default, 1 typst, 2 chromium.
static ENGINE: AtomicU8 = AtomicU8::new(0);

/// Sets the engine of every PDF this process makes from now on.
pub fn set_pdf_engine(engine: PdfEngine) {
    let code = match engine {
        PdfEngine::Typst => 1,
        PdfEngine::Chromium => 2,
    };
    ENGINE.store(code, Ordering::Relaxed);
}

/// The engine PDFs are made with ([`PdfEngine::DEFAULT`] unless [`set_pdf_engine`] chose).
pub fn pdf_engine() -> PdfEngine {
    match ENGINE.load(Ordering::Relaxed) {
        1 => PdfEngine::Typst,
        2 => PdfEngine::Chromium,
        _ => PdfEngine::DEFAULT,
    }
}

/// Typesets one HTML document with the process's typesetter.
#[cfg(feature = "typeset")]
fn typeset(html: &str) -> Result<Vec<u8>, RenderError> {
    super::super::typeset::Typesetter::shared()?.pdf(html)
}

/// Without the `typeset` feature there is no typesetter.
#[cfg(not(feature = "typeset"))]
fn typeset(_html: &str) -> Result<Vec<u8>, RenderError> {
    Err(no_typesetter())
}

#[cfg(not(feature = "typeset"))]
fn no_typesetter() -> RenderError {
    RenderError::Pdf {
        program: std::path::PathBuf::from("typst"),
        html: std::path::PathBuf::from("<document>"),
        pdf: std::path::PathBuf::from("<pdf>"),
        detail: "this build has no typesetter: use --pdf-engine chromium, or rebuild with the cargo feature `typeset` (a default feature: `cargo build --release`)"
            .to_string(),
    }
}

enum Engine {
    Browser(Box<Browser>),
    #[cfg(feature = "typeset")]
    Typeset(&'static super::super::typeset::Typesetter),
}

/// Makes PDFs from HTML documents for a whole run, with the engine chosen at
/// [`PdfPrinter::start`]: the typesetter (fonts loaded once) or one headless Chromium
/// (started once, its profile removed when the printer is dropped).
pub struct PdfPrinter {
    engine: Engine,
    /// A browser started on demand for [`PdfPrinter::overflow_at_a4`] (typesetter only).
    #[cfg_attr(not(feature = "typeset"), allow(dead_code))]
    measurer: Option<Box<Browser>>,
}

impl std::fmt::Debug for PdfPrinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let engine = match &self.engine {
            Engine::Browser(b) => format!("{b:?}"),
            #[cfg(feature = "typeset")]
            Engine::Typeset(t) => format!("{t:?}"),
        };
        f.debug_struct("PdfPrinter")
            .field("engine", &engine)
            .finish_non_exhaustive()
    }
}

impl PdfPrinter {
    /// Starts a printer with the process's engine ([`pdf_engine`]).
    pub fn start() -> Result<PdfPrinter, RenderError> {
        PdfPrinter::start_with(pdf_engine())
    }

    /// Starts a printer with `engine`: loads the typesetter's fonts, or starts the browser
    /// and opens the page documents are printed on.
    ///
    /// Fails with [`RenderError::PdfProgramMissing`] when Chromium is asked for and not
    /// installed, and with [`RenderError::Pdf`] when a font is missing or the browser cannot
    /// be started or does not answer.
    pub fn start_with(engine: PdfEngine) -> Result<PdfPrinter, RenderError> {
        let engine = match engine {
            PdfEngine::Chromium => Engine::Browser(Box::new(Browser::start()?)),
            #[cfg(feature = "typeset")]
            PdfEngine::Typst => Engine::Typeset(super::super::typeset::Typesetter::shared()?),
            #[cfg(not(feature = "typeset"))]
            PdfEngine::Typst => return Err(no_typesetter()),
        };
        Ok(PdfPrinter {
            engine,
            measurer: None,
        })
    }

    /// The engine this printer uses.
    pub fn engine(&self) -> PdfEngine {
        match self.engine {
            Engine::Browser(_) => PdfEngine::Chromium,
            #[cfg(feature = "typeset")]
            Engine::Typeset(_) => PdfEngine::Typst,
        }
    }

    /// Makes the PDF of one self-contained HTML document.
    pub fn print(&mut self, html: &str) -> Result<Vec<u8>, RenderError> {
        match &mut self.engine {
            Engine::Browser(b) => b.print(html),
            #[cfg(feature = "typeset")]
            Engine::Typeset(t) => t.pdf(html),
        }
    }

    /// Makes the PDF of the HTML file at `html` (an absolute path).
    pub fn print_file(&mut self, html: &Path) -> Result<Vec<u8>, RenderError> {
        match &mut self.engine {
            Engine::Browser(b) => b.print_file(html),
            #[cfg(feature = "typeset")]
            Engine::Typeset(t) => {
                let text = std::fs::read_to_string(html).map_err(|source| RenderError::Io {
                    path: html.to_path_buf(),
                    source,
                })?;
                t.pdf(&text)
            }
        }
    }

    /// Makes the PDFs of several documents at once, in the order given: the typesetter on
    /// every core, the browser on several pages ([`super::pdf_pages`]).
    pub fn print_all(&mut self, htmls: &[String]) -> Vec<Result<Vec<u8>, RenderError>> {
        match &mut self.engine {
            Engine::Browser(b) => b.print_all(htmls),
            #[cfg(feature = "typeset")]
            Engine::Typeset(t) => t.pdf_all(htmls),
        }
    }

    /// Chromium's layout of `html` at the width of an A4 page: the elements that stick out
    /// (see the browser's `overflow_at_a4`). Starts a browser for it when the printer has
    /// none.
    pub fn overflow_at_a4(&mut self, html: &str) -> Result<Vec<String>, RenderError> {
        #[cfg_attr(
            not(feature = "typeset"),
            allow(clippy::infallible_destructuring_match)
        )]
        let browser = match &mut self.engine {
            Engine::Browser(b) => b,
            #[cfg(feature = "typeset")]
            Engine::Typeset(_) => match &mut self.measurer {
                Some(b) => b,
                None => self.measurer.insert(Box::new(Browser::start()?)),
            },
        };
        browser.overflow_at_a4(html)
    }
}

/// Prints the HTML document `html` to `pdf_path` with the process's engine
/// ([`pdf_engine`]): the typesetter typesets the text as it is; Chromium prints it from a
/// temporary file beside `pdf_path` ([`temp_html_path`]), removed afterwards.
///
/// Fails as [`html_to_pdf`] does, and when the temporary file cannot be written.
pub fn print_html(html: &str, pdf_path: &Path) -> Result<(), RenderError> {
    match pdf_engine() {
        PdfEngine::Typst => typeset_to_file(html, Path::new("<document>"), pdf_path),
        PdfEngine::Chromium => {
            let temp = temp_html_path(pdf_path)?;
            std::fs::write(&temp, html).map_err(|source| RenderError::Io {
                path: temp.clone(),
                source,
            })?;
            let printed = chromium_html_to_pdf(&temp, pdf_path);
            let removed = std::fs::remove_file(&temp).map_err(|source| RenderError::Io {
                path: temp.clone(),
                source,
            });
            printed?;
            removed
        }
    }
}

/// The temporary HTML file a browser prints `output` from: hidden, beside it, named after it
/// and this process.
pub fn temp_html_path(output: &Path) -> Result<PathBuf, RenderError> {
    let Some(file_name) = output.file_name() else {
        return Err(RenderError::PathRefused {
            path: output.to_path_buf(),
            reason: "the output must name a file".to_string(),
        });
    };
    let name = format!(
        ".{}.{}.html",
        file_name.to_string_lossy(),
        std::process::id()
    );
    Ok(output.with_file_name(name))
}

/// Prints the HTML file `html_path` to `pdf_path` with the process's engine
/// ([`pdf_engine`]).
///
/// The typesetter reads the file and writes the PDF. Chromium is started for this one
/// document (`--print-to-pdf`; use a [`PdfPrinter`] for many), with the same font
/// configuration, and its dates and ids are fixed ([`super::make_reproducible`]).
///
/// Fails with [`RenderError::PdfProgramMissing`] when no browser is installed, and with
/// [`RenderError::Pdf`] when the engine fails (a missing font, a browser that times out or
/// writes no PDF).
pub fn html_to_pdf(html_path: &Path, pdf_path: &Path) -> Result<(), RenderError> {
    match pdf_engine() {
        PdfEngine::Chromium => chromium_html_to_pdf(html_path, pdf_path),
        PdfEngine::Typst => {
            let html = std::fs::read_to_string(html_path).map_err(|source| RenderError::Io {
                path: html_path.to_path_buf(),
                source,
            })?;
            typeset_to_file(&html, html_path, pdf_path)
        }
    }
}

/// Typesets `html` (named `html_label` in errors) into the file `pdf_path`.
fn typeset_to_file(html: &str, html_label: &Path, pdf_path: &Path) -> Result<(), RenderError> {
    let bytes = typeset(html).map_err(|e| match e {
        RenderError::Pdf {
            program, detail, ..
        } => RenderError::Pdf {
            program,
            html: html_label.to_path_buf(),
            pdf: pdf_path.to_path_buf(),
            detail,
        },
        other => other,
    })?;
    std::fs::write(pdf_path, bytes).map_err(|source| RenderError::Io {
        path: pdf_path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_temporary_html_sits_beside_the_output() {
        let p = match temp_html_path(Path::new("/out/policy.pdf")) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            p,
            PathBuf::from(format!("/out/.policy.pdf.{}.html", std::process::id()))
        );
        assert!(temp_html_path(Path::new("/")).is_err());
    }
}
