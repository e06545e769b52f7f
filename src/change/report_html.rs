//! The impact report as HTML.
