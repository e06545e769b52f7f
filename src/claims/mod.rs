//! Claims: settling a claim on a quoted policy from the same product file that priced it.
//!
//! Owns the checked claim rules of a product ([`ClaimRules`], built by
//! `product::check::claims` from the file's `claims:` section), reading claims ([`input`]),
//! the settlement itself ([`settle()`]: cover period, waiting and grace periods, conditions,
//! benefit steps, limits, path, documents and service dates), the running ledger of earlier
//! claims ([`Ledger`]), the text and JSON of a settlement ([`text`]), streaming many claims
//! ([`stream`]), the settlement notice ([`notice`]) and the claims test cases of product files
//! ([`cases`]).
//!
//! Invariants:
//! - amounts are `Decimal` with checked arithmetic; the payable of each coverage is rounded
//!   once, with the product's places and strategy, after its limits;
//! - the payable is never negative and never above any limit's remaining amount;
//! - a settlement depends only on the product, the quote, the claim and the claims settled
//!   before it on the same policy (the ledger): same input, same bytes;
//! - bad input (another policy, a malformed amount, date or grade) is a located error; an
//!   event outside cover, in a waiting period or for an undeclared shipment is a decline
//!   with its reason.

pub mod cases;
pub mod input;
pub mod ledger;
pub mod notice;
pub mod settle;
pub mod stream;
pub mod text;

use rust_decimal::Decimal;

use crate::formula::{Expr, Sym};
use crate::product::Names;
use crate::schedule::dates::HolidayCalendar;

pub use input::{Claim, read_claim};
pub use ledger::Ledger;
pub use settle::{Settlement, settle};

/// What a claim states for a coverage, typed.
#[derive(Clone, Debug, PartialEq)]
pub enum InputKind {
    Integer,
    Decimal,
    Bool,
    /// Days from the cover start in formulas.
    Date,
    Enum(Vec<Sym>),
    /// One grade on the coverage's scale; 0 means none.
    Grade,
    /// Several injuries from one event, combined into one grade.
    Grades,
}

/// One claim input of a benefit.
#[derive(Clone, Debug)]
pub struct ClaimInput {
    pub name: String,
    pub kind: InputKind,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    pub default: Option<String>,
    pub label: Option<Names>,
    /// First formula slot (grades take two: the grade and `NAME_share`).
    pub slot: u16,
}

/// A condition of a benefit.
#[derive(Clone, Debug)]
pub struct Condition {
    pub rule: String,
    pub formula: String,
    pub expr: Expr,
    pub refer: bool,
    pub message: Names,
}

/// A benefit step.
#[derive(Clone, Debug)]
pub struct BenefitStep {
    pub name: String,
    pub formula: String,
    pub expr: Expr,
    pub note: Option<String>,
    pub line: u32,
}

/// What a limit counts over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitPer {
    Claim,
    Event,
    Year,
    PolicyYear,
}

/// A limit on a benefit's payable.
#[derive(Clone, Debug)]
pub struct BenefitLimit {
    pub name: String,
    pub per: LimitPer,
    pub formula: String,
    pub expr: Expr,
}

/// Names the engine gives benefit formulas, in slot order after the inputs.
pub const BUILTINS: [&str; 4] = ["event_day", "claim_day", "policy_year", "death_benefit"];

/// The benefit of one coverage.
#[derive(Clone, Debug)]
pub struct Benefit {
    /// Coverage index in the product.
    pub coverage: u16,
    pub code: String,
    pub inputs: Vec<ClaimInput>,
    pub conditions: Vec<Condition>,
    pub steps: Vec<BenefitStep>,
    /// Index of the payable step.
    pub payable: usize,
    pub limits: Vec<BenefitLimit>,
    pub simple_allowed: bool,
    /// Slot of the first built-in (see [`BUILTINS`]).
    pub builtin_slot: u16,
    /// Slot of the first `STEP_before` value.
    pub before_slot: u16,
    /// Number of formula slots.
    pub slots: u16,
}

/// The simplified path.
#[derive(Clone, Debug)]
pub struct SimpleRule {
    pub max_payable: Decimal,
    pub coverages: Vec<String>,
    pub documents: Vec<String>,
}

/// A claims test case.
#[derive(Clone, Debug)]
pub struct ClaimCase {
    pub name: String,
    pub line: u32,
    pub request: crate::yaml::Node,
    pub history: Vec<crate::yaml::Node>,
    pub claim: crate::yaml::Node,
    pub decision: Option<String>,
    pub payable: Option<Decimal>,
    pub coverages: Vec<(String, Decimal)>,
    pub decline: Vec<String>,
    pub limited_by: Vec<String>,
    pub path: Option<String>,
}

/// A product's checked claim rules.
#[derive(Clone, Debug)]
pub struct ClaimRules {
    pub window_days: u32,
    pub calendar: HolidayCalendar,
    pub documents: Vec<String>,
    pub simple: Option<SimpleRule>,
    pub benefits: Vec<Benefit>,
    pub tests: Vec<ClaimCase>,
}

impl ClaimRules {
    pub fn benefit(&self, code: &str) -> Option<&Benefit> {
        self.benefits.iter().find(|b| b.code == code)
    }
}
