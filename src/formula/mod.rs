//! The formula language: a small, typed, exact-decimal expression language.
//!
//! Owns parsing ([`parse`]), checking and compiling ([`compile`]) and evaluation ([`eval`]).
//! Product steps and eligibility rules are written in it, e.g.
//! `add.sum_insured / 1000 * ad_rate[occupation_class] * group_factor`.
//!
//! Invariants:
//! - a compiled [`Expr`] has every name resolved to a slot and every type checked: evaluation
//!   never meets an unknown name or a type mismatch;
//! - arithmetic is `rust_decimal::Decimal` with checked operations: an overflow or a division
//!   by zero is an [`EvalError`], never a panic;
//! - formulas are sandboxed: no loops, bounded length, depth and node count (see [`parse`]);
//! - evaluation can record a trace of every operand and table row it used, for the worksheet.

pub mod compile;
pub mod eval;
pub mod grid;
pub mod parse;

pub use compile::{CompileError, Compiler, Expr, Func, Ref, Resolve, TableSig};
pub use eval::{EvalError, Frame, Lookup, Trace, TraceItem, record_branches};
pub use grid::{Grid, NO_ROWS, Rows};
pub use parse::{Ast, AstNode, BinOp, ParseError};

use rust_decimal::Decimal;

/// The type of a formula value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Num,
    Bool,
    Text,
}

impl Ty {
    pub fn name(self) -> &'static str {
        match self {
            Ty::Num => "a number",
            Ty::Bool => "true/false",
            Ty::Text => "a word",
        }
    }
}

/// An interned word (enum input values, text table keys, string literals).
pub type Sym = u32;

/// A formula value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    Num(Decimal),
    Bool(bool),
    Text(Sym),
}

impl Value {
    pub fn ty(&self) -> Ty {
        match self {
            Value::Num(_) => Ty::Num,
            Value::Bool(_) => Ty::Bool,
            Value::Text(_) => Ty::Text,
        }
    }

    pub fn num(&self) -> Option<Decimal> {
        match self {
            Value::Num(d) => Some(*d),
            _ => None,
        }
    }
}

/// Where a formula is evaluated: once per policy, or once per member (or declared item).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Policy,
    Member,
}

/// Words interned for the whole product, so that comparisons are integer comparisons.
#[derive(Clone, Debug, Default)]
pub struct Interner {
    words: Vec<String>,
    index: std::collections::HashMap<String, Sym>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.words.len() as Sym;
        self.words.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }

    pub fn get(&self, s: &str) -> Option<Sym> {
        self.index.get(s).copied()
    }

    pub fn word(&self, sym: Sym) -> &str {
        self.words
            .get(sym as usize)
            .map(String::as_str)
            .unwrap_or("?")
    }

    /// A value as text for people: numbers as written, words as words.
    pub fn show(&self, v: &Value) -> String {
        match v {
            Value::Num(d) => crate::money::format_plain(d.normalize()),
            Value::Bool(b) => b.to_string(),
            Value::Text(s) => self.word(*s).to_string(),
        }
    }
}
