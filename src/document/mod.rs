//! Documents: turning a priced quote or a policy into text a customer reads.
//!
//! This module owns everything between a render context (the quote or policy as JSON) and a
//! finished document: the formatting rules for money, capital numerals, dates, rates and coded
//! names in Chinese and English ([`format`]), the message catalogue that keeps the fixed texts
//! of both languages in step ([`catalogue`]), and the error type of the stage ([`error`]).

pub mod catalogue;
pub mod error;
pub mod format;

pub use catalogue::Catalogue;
pub use error::{MissingKey, RenderError};
pub use format::{FormatError, Lang};
