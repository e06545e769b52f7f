//! The JSON of a schedule and of a declaration billing: what `coverwright schedule` and
//! `coverwright declare` print with `--format json` and what the quoting service answers
//! (`POST /v1/schedules`, `POST /v1/declarations`), from these functions, so both give the
//! same bytes. Pretty JSON ending in a newline; amounts are strings with every decimal place.

use super::{DeclarationBilling, Schedule};

fn pretty(v: &impl serde::Serialize) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// A payment schedule as JSON text.
pub fn schedule_json(s: &Schedule) -> String {
    pretty(s)
}

/// A declaration billing as JSON text.
pub fn billing_json(b: &DeclarationBilling) -> String {
    pretty(b)
}
