//! Documents: turning a priced quote or a policy into text a customer reads.
//!
//! This module owns everything between a render context (the quote or policy as JSON) and a
//! finished document: the formatting rules for money, capital numerals, dates, rates and coded
//! names in Chinese and English ([`format`]).

pub mod format;

pub use format::{FormatError, Lang};
