//! The native PDF typesetter: the HTML a template renders, typeset with Typst.
//!
//! One layout stays the HTML templates: [`html`] parses the rendered document, [`markup`]
//! writes it as Typst markup (each element and class of the templates mapped to a Typst style
//! in one table, [`markup::CLASSES`]; tables in [`table`]), and [`Typesetter::pdf`] compiles
//! that with `typst` and writes the PDF with `typst-pdf`.
//!
//! # Fonts
//!
//! The fonts are read once per process ([`Typesetter::shared`]) from the system font folders
//! ([`FONT_DIRS`], and `$HOME/.local/share/fonts`, `$HOME/.fonts`): Noto Serif CJK SC (body)
//! and Noto Sans CJK SC (headings, labels), package `fonts-noto-cjk`, which also carry the
//! Latin letters and figures; DejaVu Sans Mono (document numbers, ids), package
//! `fonts-dejavu-core`. A missing font is an error naming its file and package. Typst embeds
//! the CFF outlines of Noto CJK as real CID fonts (never Type 3), subset to the glyphs used,
//! with a ToUnicode map, so the text extracts.
//!
//! # Invariants
//!
//! - Each document is its own compilation (its own page numbers "第 x 页 共 y 页"), from a
//!   world shared read-only by every thread: documents can be typeset in parallel.
//! - The same HTML gives the same bytes: the creation date is [`FIXED_DATE`], the document
//!   id a hash of the HTML, and nothing reads the clock or the environment.
//! - Text from the document never becomes markup ([`markup`] passes it as Typst strings).
//! - Markup with no Typst mapping is typeset as plain text and named by
//!   [`unsupported_markup`] (the tests require none in the project's templates).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use super::error::RenderError;

pub mod html;
pub mod markup;
mod table;

/// The creation date written into every typeset PDF (2000-01-01 00:00 UTC), the same as
/// the browser route's.
pub const FIXED_DATE: (i32, u8, u8) = (2000, 1, 1);

/// Font folders searched, in order, before the user's own.
pub const FONT_DIRS: [&str; 2] = ["/usr/share/fonts", "/usr/local/share/fonts"];

/// A font family the typesetter needs: its family name, its files and the Debian package
/// that installs them.
#[derive(Debug, Clone, Copy)]
pub struct FontNeed {
    /// The family name the preamble asks for.
    pub family: &'static str,
    /// The font files (regular, bold).
    pub files: [&'static str; 2],
    /// The package that installs them.
    pub package: &'static str,
}

/// The fonts of every typeset document.
pub const FONTS: [FontNeed; 3] = [
    FontNeed {
        family: "Noto Serif CJK SC",
        files: ["NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"],
        package: "fonts-noto-cjk",
    },
    FontNeed {
        family: "Noto Sans CJK SC",
        files: ["NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"],
        package: "fonts-noto-cjk",
    },
    FontNeed {
        family: "DejaVu Sans Mono",
        files: ["DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf"],
        package: "fonts-dejavu-core",
    },
];

/// What the typesetter names itself as in errors.
const PROGRAM: &str = "typst";

/// The elements, classes and style properties of `html` that have no Typst mapping and are
/// typeset as plain text; empty for the project's templates.
pub fn unsupported_markup(html: &str) -> Vec<String> {
    markup::convert(html).unknown
}

/// The fonts and the standard library, loaded once and shared by every document.
pub struct Typesetter {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

impl std::fmt::Debug for Typesetter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Typesetter")
            .field("fonts", &self.fonts.len())
            .finish()
    }
}

fn font_error(detail: String) -> RenderError {
    RenderError::Pdf {
        program: PathBuf::from(PROGRAM),
        html: PathBuf::from("<document>"),
        pdf: PathBuf::from("<pdf>"),
        detail,
    }
}

/// The font folders searched: [`FONT_DIRS`], then the user's.
pub fn font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = FONT_DIRS.iter().map(PathBuf::from).collect();
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        dirs.push(home.join(".local/share/fonts"));
        dirs.push(home.join(".fonts"));
    }
    dirs
}

/// Finds the file named `name` below `dir` (depth first, names sorted).
fn find_file(dir: &Path, name: &str, depth: usize) -> Option<PathBuf> {
    let candidate = dir.join(name);
    if candidate.is_file() {
        return Some(candidate);
    }
    if depth == 0 {
        return None;
    }
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    subdirs.sort();
    subdirs.iter().find_map(|d| find_file(d, name, depth - 1))
}

impl Typesetter {
    /// Loads the fonts ([`FONTS`]) and the standard library. Fails naming the font file and
    /// the package to install when one is missing.
    pub fn new() -> Result<Typesetter, RenderError> {
        let dirs = font_dirs();
        let mut fonts = Vec::new();
        for need in FONTS {
            for file in need.files {
                let Some(path) = dirs.iter().find_map(|d| find_file(d, file, 4)) else {
                    return Err(font_error(format!(
                        "font file {file} ({}) not found under {}; install the package `{}`",
                        need.family,
                        dirs.iter()
                            .map(|d| d.display().to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                        need.package
                    )));
                };
                let data = std::fs::read(&path)
                    .map_err(|e| font_error(format!("{}: {e}", path.display())))?;
                let before = fonts.len();
                fonts.extend(
                    Font::iter(Bytes::new(data))
                        .filter(|f| f.info().family.eq_ignore_ascii_case(need.family)),
                );
                if fonts.len() == before {
                    return Err(font_error(format!(
                        "{} holds no face of {}; reinstall the package `{}`",
                        path.display(),
                        need.family,
                        need.package
                    )));
                }
            }
        }
        let book = FontBook::from_fonts(&fonts);
        Ok(Typesetter {
            library: LazyHash::new(Library::builder().build()),
            book: LazyHash::new(book),
            fonts,
        })
    }

    /// The process's typesetter, loaded on first use.
    pub fn shared() -> Result<&'static Typesetter, RenderError> {
        static SHARED: OnceLock<Result<Typesetter, String>> = OnceLock::new();
        match SHARED.get_or_init(|| Typesetter::new().map_err(|e| e.to_string())) {
            Ok(t) => Ok(t),
            Err(message) => Err(font_error(message.clone())),
        }
    }

    /// Typesets the HTML of a rendered document to PDF bytes, on a thread of the
    /// typesetter's pool ([`STACK_SIZE`]: the caller's stack, a service worker's say, may be
    /// too small for layout).
    pub fn pdf(&self, html: &str) -> Result<Vec<u8>, RenderError> {
        match pool() {
            Some(pool) => pool.install(|| self.pdf_here(html)),
            None => self.pdf_here(html),
        }
    }

    /// Typesets on the calling thread.
    fn pdf_here(&self, html: &str) -> Result<Vec<u8>, RenderError> {
        let converted = markup::convert(html);
        let world = DocWorld {
            shared: self,
            main: Source::detached(converted.source),
            today: Datetime::from_ymd(FIXED_DATE.0, FIXED_DATE.1, FIXED_DATE.2),
        };
        let document: PagedDocument = typst::compile(&world)
            .output
            .map_err(|errors| compile_error(&world, &errors))?;
        let date = Datetime::from_ymd_hms(FIXED_DATE.0, FIXED_DATE.1, FIXED_DATE.2, 0, 0, 0);
        let options = PdfOptions {
            ident: Smart::Custom(ident(html)),
            timestamp: date.map(Timestamp::new_utc),
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&document, &options).map_err(|errors| compile_error(&world, &errors))
    }

    /// Typesets many documents on a pool of one thread per processor, each with a stack of
    /// [`STACK_SIZE`] (layout recurses deeply; a default 2 MiB worker stack overflows on a
    /// policy); results in input order.
    pub fn pdf_all(&self, htmls: &[String]) -> Vec<Result<Vec<u8>, RenderError>> {
        use rayon::prelude::*;
        let pool = pool();
        let mut out = Vec::with_capacity(htmls.len());
        // Typst memoises layouts across compilations: what two groups in a row did not use is
        // forgotten, so memory stays bounded by a group, not by the chunk.
        for group in htmls.chunks(EVICT_EVERY) {
            let run = || {
                group
                    .par_iter()
                    .map(|h| self.pdf_here(h))
                    .collect::<Vec<_>>()
            };
            out.extend(match pool {
                Some(pool) => pool.install(run),
                None => group.iter().map(|h| self.pdf_here(h)).collect(),
            });
            typst::comemo::evict(2);
        }
        out
    }
}

/// The typesetting threads: one per processor, each with a stack of [`STACK_SIZE`]; `None`
/// when no thread can be started (documents are then typeset on the caller's thread).
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(STACK_SIZE)
            .thread_name(|i| format!("typeset-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// How many documents [`Typesetter::pdf_all`] typesets between two evictions of Typst's
/// memoised layouts.
pub const EVICT_EVERY: usize = 16;

/// The stack of each typesetting thread: the main thread's usual 8 MiB, doubled.
pub const STACK_SIZE: usize = 16 << 20;

/// A stable document id from the HTML (the PDF's `/ID` is a hash of it).
fn ident(html: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(html.as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

fn compile_error(world: &DocWorld<'_>, errors: &[SourceDiagnostic]) -> RenderError {
    let detail = errors
        .iter()
        .map(|d| {
            let at = world
                .range(d.span)
                .map(|r| {
                    let text = world.main.text();
                    let line = text[..r.start.min(text.len())].lines().count();
                    format!(" (generated line {line})")
                })
                .unwrap_or_default();
            format!("{}{at}", d.message)
        })
        .collect::<Vec<_>>()
        .join("; ");
    font_error(format!("typesetting failed: {detail}"))
}

/// The world of one document: the shared fonts and library, and its own source.
struct DocWorld<'a> {
    shared: &'a Typesetter,
    main: Source,
    today: Option<Datetime>,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}
