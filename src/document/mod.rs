//! Documents: turning a priced quote or a policy into text a customer reads.
//!
//! This module owns everything between a render context (the quote or policy as JSON) and a
//! finished document: the formatting rules for money, capital numerals, dates, rates and coded
//! names in Chinese and English ([`format`](mod@format)), the document model that works out
//! every fact a document states from the quote ([`model`]), the message catalogue that keeps the fixed texts
//! of both languages in step ([`catalogue`]), the Tera template engine with those filters
//! ([`engine`]), printing HTML to PDF with the typesetter or one browser per run ([`pdf`], [`typeset`]), Word documents
//! ([`docx`]), many quotes in one run ([`bulk`]), whole documents of each kind in each format
//! with the context they expect ([`render`]), and the error type of the stage ([`error`]).

pub mod bulk;
pub mod catalogue;
pub mod docx;
pub mod engine;
pub mod error;
pub mod format;
pub mod model;
pub mod options;
pub mod pdf;
pub mod render;
#[cfg(feature = "typeset")]
pub mod typeset;

pub use catalogue::Catalogue;
pub use engine::{DEFAULT_TEMPLATE_DIR, Renderer};
pub use error::{MissingKey, RenderError};
pub use format::{FormatError, Lang};
pub use model::{DocOptions, DocumentModel, ModelError};
pub use pdf::{PdfEngine, PdfPrinter, html_to_pdf, print_html, set_pdf_engine};
pub use render::{DocKind, OutFormat, render_document, render_to_string};
