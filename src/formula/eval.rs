//! Evaluating compiled formulas in exact, checked decimal arithmetic, optionally recording a
//! trace of every operand and table row used.

use rust_decimal::{Decimal, RoundingStrategy};

use super::Value;
use super::compile::{Expr, Func, Ref};
use super::grid::Rows;
use super::parse::BinOp;

/// An evaluation failure (overflow, division by zero, no table row); the caller adds the step
/// and member it happened in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvalError {
    pub message: String,
}

impl EvalError {
    fn new(message: impl Into<String>) -> EvalError {
        EvalError {
            message: message.into(),
        }
    }
}

/// Table lookups and actuarial functions, supplied by the product.
pub trait Lookup {
    /// The value in `column` of the first row matching `keys`, and that row's index.
    fn table(&self, table: u16, column: u16, keys: &[Value]) -> Result<(Decimal, u32), EvalError>;
    /// An actuarial present value on life table `table`.
    fn actuarial(&self, func: Func, table: u16, args: &[Decimal]) -> Result<Decimal, EvalError>;
}

/// One thing a formula read, for the worksheet.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceItem {
    Ref(Ref, Value),
    Lookup {
        table: u16,
        column: u16,
        keys: Vec<Value>,
        row: u32,
        value: Decimal,
    },
    Aggregate(Func, Decimal),
    Actuarial(Func, u16, Vec<Decimal>, Decimal),
    /// Which arm of an `if` ran (0 then, 1 else), or which side of an `and`/`or` decided
    /// (0 left, 1 right); `at` is the address of the condition or left operand node, stable
    /// while the product lives. Recorded only under [`record_branches`] (coverage).
    Branch {
        at: usize,
        arm: u8,
    },
}

thread_local! {
    static BRANCHES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether traces on this thread record [`TraceItem::Branch`] items. Off by default; read
/// only while a trace is being recorded, so evaluation without a trace never looks at it.
pub fn record_branches(on: bool) {
    BRANCHES.with(|b| b.set(on));
}

fn branch(t: &mut Option<&mut Trace>, at: &Expr, arm: u8) {
    if let Some(tr) = t.as_mut()
        && BRANCHES.with(std::cell::Cell::get)
    {
        tr.push(TraceItem::Branch {
            at: at as *const Expr as usize,
            arm,
        });
    }
}

pub type Trace = Vec<TraceItem>;

/// Everything a formula can read. Members' inputs and step values are read by row
/// ([`Rows`]): a rating reads the request's members and a grid of step values in place.
pub struct Frame<'a, L: Lookup, I: Rows + ?Sized = [Vec<Value>], S: Rows + ?Sized = [Vec<Value>]> {
    pub policy: &'a [Value],
    pub terms: &'a [Value],
    pub policy_steps: &'a [Value],
    /// The member being rated, in member steps.
    pub member: Option<usize>,
    pub member_inputs: &'a I,
    pub member_steps: &'a S,
    pub term_months: u32,
    pub rounding: RoundingStrategy,
    pub lookup: &'a L,
    /// Policy year and premiums paid so far, in benefit illustrations.
    pub year: Option<(u32, Decimal)>,
}

impl<'a, L: Lookup, I: Rows + ?Sized, S: Rows + ?Sized> Frame<'a, L, I, S> {
    fn read(&self, r: Ref, member: Option<usize>) -> Result<Value, EvalError> {
        let missing = || EvalError::new("a value was read before it was computed");
        Ok(match r {
            Ref::Policy(i) => *self.policy.get(i as usize).ok_or_else(missing)?,
            Ref::Term(i) => *self.terms.get(i as usize).ok_or_else(missing)?,
            Ref::PolicyStep(i) => *self.policy_steps.get(i as usize).ok_or_else(missing)?,
            Ref::Member(i) => {
                let m = member.ok_or_else(missing)?;
                *self
                    .member_inputs
                    .row(m)
                    .and_then(|v| v.get(i as usize))
                    .ok_or_else(missing)?
            }
            Ref::MemberStep(i) => {
                let m = member.ok_or_else(missing)?;
                *self
                    .member_steps
                    .row(m)
                    .and_then(|v| v.get(i as usize))
                    .ok_or_else(missing)?
            }
            Ref::Members => Value::Num(Decimal::from(self.member_inputs.count())),
            Ref::TermMonths => Value::Num(Decimal::from(self.term_months)),
            Ref::TermYears => Value::Num(Decimal::from(self.term_months.div_ceil(12))),
            Ref::Year => Value::Num(Decimal::from(self.year.ok_or_else(missing)?.0)),
            Ref::PremiumsPaid => Value::Num(self.year.ok_or_else(missing)?.1),
        })
    }

    /// Member input `i` of the frame's member, when there is one: what reading
    /// `Ref::Member(i)` gives, without an error to build when there is none.
    #[inline]
    pub fn member_input(&self, i: u16) -> Option<Value> {
        self.member
            .and_then(|m| self.member_inputs.row(m))
            .and_then(|row| row.get(i as usize))
            .copied()
    }

    /// The value of reference `r` for the frame's member.
    #[inline]
    pub fn value_of(&self, r: Ref) -> Result<Value, EvalError> {
        self.read(r, self.member)
    }

    /// Evaluates `e`; with `trace`, records operands and table rows.
    pub fn eval(&self, e: &Expr, trace: Option<&mut Trace>) -> Result<Value, EvalError> {
        let mut t = trace;
        self.ev(e, self.member, &mut t)
    }

    fn num(
        &self,
        e: &Expr,
        m: Option<usize>,
        t: &mut Option<&mut Trace>,
    ) -> Result<Decimal, EvalError> {
        match self.ev(e, m, t)? {
            Value::Num(d) => Ok(d),
            _ => Err(EvalError::new("expected a number")),
        }
    }

    fn boolean(
        &self,
        e: &Expr,
        m: Option<usize>,
        t: &mut Option<&mut Trace>,
    ) -> Result<bool, EvalError> {
        match self.ev(e, m, t)? {
            Value::Bool(b) => Ok(b),
            _ => Err(EvalError::new("expected true/false")),
        }
    }

    fn ev(
        &self,
        e: &Expr,
        m: Option<usize>,
        t: &mut Option<&mut Trace>,
    ) -> Result<Value, EvalError> {
        match e {
            Expr::Const(v) => Ok(*v),
            Expr::Ref(r) => {
                let v = self.read(*r, m)?;
                if let Some(tr) = t.as_deref_mut()
                    && !tr
                        .iter()
                        .any(|x| matches!(x, TraceItem::Ref(r2, _) if r2 == r))
                {
                    tr.push(TraceItem::Ref(*r, v));
                }
                Ok(v)
            }
            Expr::Lookup {
                table,
                column,
                keys,
            } => {
                let mut ks = [Value::Bool(false); 4];
                let mut kv = Vec::new();
                let keys_slice: &[Value] = if keys.len() <= 4 {
                    for (i, k) in keys.iter().enumerate() {
                        ks[i] = self.ev(k, m, t)?;
                    }
                    &ks[..keys.len()]
                } else {
                    for k in keys.iter() {
                        kv.push(self.ev(k, m, t)?);
                    }
                    &kv
                };
                let (value, row) = self.lookup.table(*table, *column, keys_slice)?;
                if let Some(tr) = t.as_deref_mut() {
                    tr.push(TraceItem::Lookup {
                        table: *table,
                        column: *column,
                        keys: keys_slice.to_vec(),
                        row,
                        value,
                    });
                }
                Ok(Value::Num(value))
            }
            Expr::Neg(x) => {
                let v = self.num(x, m, t)?;
                Ok(Value::Num(-v))
            }
            Expr::Not(x) => Ok(Value::Bool(!self.boolean(x, m, t)?)),
            Expr::Bin(op, l, r) => self.bin(*op, l, r, m, t),
            Expr::If(c, a, b) => {
                let yes = self.boolean(c, m, t)?;
                branch(t, c, u8::from(!yes));
                if yes {
                    self.ev(a, m, t)
                } else {
                    self.ev(b, m, t)
                }
            }
            Expr::In(x, items) => {
                let v = self.ev(x, m, t)?;
                Ok(Value::Bool(items.contains(&v)))
            }
            Expr::Call(f, args) => self.call(*f, args, m, t),
            Expr::LifeTable(_) => Err(EvalError::new("a life table is not a value")),
        }
    }

    fn bin(
        &self,
        op: BinOp,
        l: &Expr,
        r: &Expr,
        m: Option<usize>,
        t: &mut Option<&mut Trace>,
    ) -> Result<Value, EvalError> {
        match op {
            BinOp::And | BinOp::Or => {
                // The left side decides when it is false (`and`) or true (`or`).
                let left = self.boolean(l, m, t)?;
                if left == (op == BinOp::Or) {
                    branch(t, l, 0);
                    return Ok(Value::Bool(left));
                }
                let right = self.boolean(r, m, t)?;
                branch(t, l, 1);
                return Ok(Value::Bool(right));
            }
            BinOp::Eq | BinOp::Ne => {
                let a = self.ev(l, m, t)?;
                let b = self.ev(r, m, t)?;
                return Ok(Value::Bool((a == b) == (op == BinOp::Eq)));
            }
            _ => {}
        }
        let a = self.num(l, m, t)?;
        let b = self.num(r, m, t)?;
        let overflow = || EvalError::new(format!("`{a} {} {b}` overflows", op.symbol()));
        Ok(match op {
            BinOp::Add => Value::Num(a.checked_add(b).ok_or_else(overflow)?),
            BinOp::Sub => Value::Num(a.checked_sub(b).ok_or_else(overflow)?),
            BinOp::Mul => Value::Num(a.checked_mul(b).ok_or_else(overflow)?),
            BinOp::Div => {
                if b.is_zero() {
                    return Err(EvalError::new(format!("division by zero (`{a} / 0`)")));
                }
                Value::Num(a.checked_div(b).ok_or_else(overflow)?)
            }
            BinOp::Lt => Value::Bool(a < b),
            BinOp::Le => Value::Bool(a <= b),
            BinOp::Gt => Value::Bool(a > b),
            BinOp::Ge => Value::Bool(a >= b),
            // Logical and equality operators returned above.
            BinOp::And | BinOp::Or | BinOp::Eq | BinOp::Ne => {
                return Err(EvalError::new(format!(
                    "`{}` is not arithmetic",
                    op.symbol()
                )));
            }
        })
    }

    /// `sum`/`count` of `e` over the members: numbers added in member order, each `true`
    /// counting one, other values nothing.
    ///
    /// Exactly the sum of `total = total + v` from zero in member order: until the first number
    /// the total is the count of `true`s so far (zero plus ones, scale 0), kept as an integer;
    /// from the first number on, each value is added to the total in turn. A plain reference
    /// is read without going through [`Frame::ev`].
    fn aggregate(&self, f: Func, e: &Expr) -> Result<Decimal, EvalError> {
        let overflow = || EvalError::new(format!("`{}` overflows", f.name()));
        // `true`s met before the first number; then `None` and the total is `total`.
        let mut trues: Option<u64> = Some(0);
        let mut total = Decimal::ZERO;
        for i in 0..self.member_inputs.count() {
            let v = match e {
                Expr::Ref(r) => self.read(*r, Some(i))?,
                _ => self.ev(e, Some(i), &mut None)?,
            };
            match (v, trues.as_mut()) {
                (Value::Bool(true), Some(n)) => *n += 1,
                (Value::Bool(true), None) => {
                    total = total.checked_add(Decimal::ONE).ok_or_else(overflow)?
                }
                (Value::Num(d), _) => {
                    if let Some(n) = trues.take() {
                        total = Decimal::from(n);
                    }
                    total = total.checked_add(d).ok_or_else(overflow)?
                }
                _ => {}
            }
        }
        Ok(match trues {
            Some(n) => Decimal::from(n),
            None => total,
        })
    }

    fn call(
        &self,
        f: Func,
        args: &[Expr],
        m: Option<usize>,
        t: &mut Option<&mut Trace>,
    ) -> Result<Value, EvalError> {
        match f {
            Func::Min | Func::Max => {
                let mut best = self.num(&args[0], m, t)?;
                for a in &args[1..] {
                    let v = self.num(a, m, t)?;
                    if (f == Func::Min && v < best) || (f == Func::Max && v > best) {
                        best = v;
                    }
                }
                Ok(Value::Num(best))
            }
            Func::Abs => Ok(Value::Num(self.num(&args[0], m, t)?.abs())),
            Func::Round | Func::RoundUp | Func::RoundDown => {
                let x = self.num(&args[0], m, t)?;
                let places = self.num(&args[1], m, t)?;
                let places = u32::try_from(places.trunc().mantissa()).unwrap_or(2);
                let strategy = match f {
                    Func::RoundUp => RoundingStrategy::ToPositiveInfinity,
                    Func::RoundDown => RoundingStrategy::ToNegativeInfinity,
                    _ => self.rounding,
                };
                Ok(Value::Num(crate::money::round_dp(x, places, strategy)))
            }
            Func::Sum | Func::Count => {
                let total = self.aggregate(f, &args[0])?;
                if let Some(tr) = t.as_deref_mut() {
                    tr.push(TraceItem::Aggregate(f, total));
                }
                Ok(Value::Num(total))
            }
            Func::Annuity | Func::Endowment | Func::Assurance | Func::PremiumReturn => {
                let table = match &args[0] {
                    Expr::LifeTable(i) => *i,
                    Expr::If(c, a, b) => {
                        let pick = if self.boolean(c, m, t)? { a } else { b };
                        match **pick {
                            Expr::LifeTable(i) => i,
                            _ => return Err(EvalError::new("expected a life table")),
                        }
                    }
                    _ => return Err(EvalError::new("expected a life table")),
                };
                let mut xs = Vec::with_capacity(args.len() - 1);
                for a in &args[1..] {
                    xs.push(self.num(a, m, t)?);
                }
                let v = self.lookup.actuarial(f, table, &xs)?;
                if let Some(tr) = t.as_deref_mut() {
                    tr.push(TraceItem::Actuarial(f, table, xs, v));
                }
                Ok(Value::Num(v))
            }
        }
    }
}

/// Every reference `e` reads, each once, in the order first read; `None` when its value also
/// depends on something a reference does not give: other members (`sum`, `count`), the
/// policy year or premiums paid. Tables, life tables and constants belong to the product.
/// So a formula of this kind gives the same value wherever these references hold the same
/// values (the rounding strategy being the product's).
pub fn refs_read(e: &Expr) -> Option<Vec<Ref>> {
    fn walk(e: &Expr, out: &mut Vec<Ref>) -> Option<()> {
        match e {
            Expr::Const(_) | Expr::LifeTable(_) => {}
            Expr::Ref(Ref::Year | Ref::PremiumsPaid) => return None,
            Expr::Ref(r) => {
                if !out.contains(r) {
                    out.push(*r);
                }
            }
            Expr::Lookup { keys: es, .. } => {
                for x in es.iter() {
                    walk(x, out)?;
                }
            }
            Expr::Neg(x) | Expr::Not(x) | Expr::In(x, _) => walk(x, out)?,
            Expr::Bin(_, l, r) => {
                walk(l, out)?;
                walk(r, out)?;
            }
            Expr::If(c, a, b) => {
                walk(c, out)?;
                walk(a, out)?;
                walk(b, out)?;
            }
            Expr::Call(Func::Sum | Func::Count, _) => return None,
            Expr::Call(_, args) => {
                for x in args.iter() {
                    walk(x, out)?;
                }
            }
        }
        Some(())
    }
    let mut out = Vec::new();
    walk(e, &mut out)?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    struct NoTables;

    impl Lookup for NoTables {
        fn table(&self, _: u16, _: u16, _: &[Value]) -> Result<(Decimal, u32), EvalError> {
            Err(EvalError::new("no tables"))
        }
        fn actuarial(&self, _: Func, _: u16, _: &[Decimal]) -> Result<Decimal, EvalError> {
            Err(EvalError::new("no life tables"))
        }
    }

    /// The general rule: `total = total + v` from zero, in member order, with `true` as one.
    fn folded(values: &[Value]) -> Option<Decimal> {
        values.iter().try_fold(Decimal::ZERO, |total, v| match v {
            Value::Num(d) => total.checked_add(*d),
            Value::Bool(true) => total.checked_add(Decimal::ONE),
            _ => Some(total),
        })
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<bool>().prop_map(Value::Bool),
            (any::<i64>(), 0u32..8).prop_map(|(m, s)| Value::Num(Decimal::new(m, s))),
            (any::<i128>(), 0u32..29).prop_map(|(m, s)| Value::Num(
                Decimal::try_from_i128_with_scale(m >> 32, s).unwrap_or(Decimal::MAX)
            )),
            Just(Value::Num(Decimal::new(-10, 1))),
            Just(Value::Text(3)),
        ]
    }

    proptest! {
        #[test]
        fn aggregate_is_the_sum_in_member_order(values in prop::collection::vec(value(), 0..12)) {
            let members: Vec<Vec<Value>> = values.iter().map(|v| vec![*v]).collect();
            let frame = Frame {
                policy: &[],
                terms: &[],
                policy_steps: &[],
                member: None,
                member_inputs: members.as_slice(),
                member_steps: super::super::NO_ROWS,
                term_months: 12,
                rounding: RoundingStrategy::MidpointAwayFromZero,
                lookup: &NoTables,
                year: None,
            };
            let want = folded(&values);
            // A plain reference, and the same through an `if` (the general evaluation).
            let plain = Expr::Ref(Ref::Member(0));
            let wrapped = Expr::If(
                Box::new(Expr::Const(Value::Bool(true))),
                Box::new(Expr::Ref(Ref::Member(0))),
                Box::new(Expr::Const(Value::Bool(false))),
            );
            for e in [plain, wrapped] {
                let got = frame.aggregate(Func::Sum, &e).ok();
                prop_assert_eq!(got.map(|d| d.serialize()), want.map(|d| d.serialize()));
            }
        }
    }
}
