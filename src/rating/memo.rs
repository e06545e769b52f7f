//! Step values and eligibility rule outcomes remembered across the requests of a batch.
//!
//! A step whose formula reads only references ([`crate::formula::eval::refs_read`]: no
//! `sum`/`count` over members, no policy year) has one value for each set of values of those
//! references: tables, constants and the rounding strategy belong to the product. A book of
//! thousands of requests reads few such sets (GA-SME: an occupation class, a group size
//! factor and a social insurance factor), so [`StepMemo`] keeps each value once evaluated
//! and hands it to every later member, or policy, reading the same values. Eligibility rules
//! (an age band, an occupation class, the policyholder's size) are remembered the same way,
//! per member or per policy. A formula reading one reference that holds a small whole
//! number or a truth value (an age, a class, the number of members) keeps its values in a row
//! indexed by that number, looked up without hashing.
//!
//! Invariants: values are compared in their exact form (a number's digits and scale), so a
//! remembered value is the very value evaluation would give; only successful evaluations are
//! remembered (a failure is evaluated, and reported, each time); a memo holds the values of
//! one product (it forgets everything when used with another) and at most
//! [`StepMemo::MAX_ENTRIES`] values (it starts again when full), so memory stays bounded.

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use crate::formula::{EvalError, Frame, Lookup, Ref, Rows, Value};
use crate::product::Product;

/// Most references a remembered step may read.
const MAX_READS: usize = 8;

/// A formula and the exact values of what it read: each value's code ([`code`]) in the first
/// `n` places, zeros after.
#[derive(Clone, Copy, Eq)]
struct Key {
    step: u16,
    n: u8,
    reads: [u128; MAX_READS],
}

/// Equal keys have equal first `n` codes (the places after are zeros in both).
impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.step == other.step
            && self.n == other.n
            && self
                .reads
                .iter()
                .zip(&other.reads)
                .take(self.n as usize)
                .all(|(a, b)| a == b)
    }
}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u16(self.step);
        for r in &self.reads[..self.n as usize] {
            state.write_u128(*r);
        }
    }
}

/// A value as one number, equal for two values exactly when they are the same value in the
/// same form: a number's 16 bytes (sign, scale and digits; a decimal's lowest 16 bits are
/// always zero), `true`/`false` as 1/257, a word as 2 and its index.
pub(super) fn code(v: &Value) -> u128 {
    match v {
        Value::Num(d) => u128::from_le_bytes(d.serialize()),
        Value::Bool(b) => 1 | (u128::from(*b) << 8),
        Value::Text(t) => 2 | (u128::from(*t) << 32),
    }
}

/// The code of no value (an input a member does not have): 3, which no value's [`code`] is
/// (a number's lowest 16 bits are zeros, a truth value's are 1 or 257, a word's are 2).
pub(super) const ABSENT: u128 = 3;

/// Member step values by step and the values the step read; see the module documentation.
#[derive(Default)]
pub struct StepMemo {
    /// The address of the product the values are for (products outlive a batch).
    product: usize,
    values: FxHashMap<Key, Value>,
    /// Formulas reading one reference that holds a small whole number or a truth value (an
    /// age, an occupation class, the number of members): their values by formula and
    /// [`small`] slot, looked up without hashing.
    small: Vec<Vec<Option<Value>>>,
    /// Values kept in `small`.
    small_len: usize,
    /// The request being rated, counted from 1 ([`StepMemo::for_request`]).
    request: u64,
    /// Member formulas reading one member input and values of the request: by formula, the
    /// request it was readied for ([`StepMemo::begin`]), with the member input and the row
    /// of `rows` for the request's values.
    current: Vec<(u64, Option<(Ref, usize)>)>,
    /// Rows by formula and the values of the request it read ([`Key`] of those alone).
    row_of: FxHashMap<Key, usize>,
    /// Each row: the member values met (their [`small`] slots) with the formula's value.
    rows: Vec<Vec<(u8, Value)>>,
    /// The memory of the last rating given back ([`StepMemo::recycle`]), for the next.
    pub(super) spare: Spare,
}

/// The memory of a rating's vectors, emptied, for the next rating on the thread.
#[derive(Default)]
pub(super) struct Spare {
    pub policy_steps: Vec<Value>,
    pub member_steps: Vec<Value>,
    pub annual: Vec<Decimal>,
    pub member_premiums: Vec<Decimal>,
    pub coverage_premiums: Vec<Decimal>,
    pub kinds: Vec<usize>,
    /// [`same_members`](super::same_members)' working vectors: each member's key, and the
    /// first member of each kind seen so far.
    pub keys: Vec<u128>,
    pub seen: Vec<usize>,
}

impl StepMemo {
    /// Takes back the memory of a rating made with this memo, for the next one.
    pub fn recycle(&mut self, rated: super::Rated) {
        let s = &mut self.spare;
        s.policy_steps = rated.policy_steps;
        s.member_steps = rated.member_steps.into_cells();
        s.annual = rated.annual.into_cells();
        s.member_premiums = rated.member_premiums.into_cells();
        s.coverage_premiums = rated.coverage_premiums;
        if let Some(k) = rated.kinds {
            s.kinds = k;
        }
    }
}

/// Most member values a row keeps (the member inputs of such formulas are a class, an age).
const ROW_VALUES: usize = 32;

/// Most rows kept at once.
const MAX_ROWS: usize = 4096;

/// Whether a reference has one value for the whole request (not a member's, nor a policy
/// year's).
fn request_wide(r: Ref) -> bool {
    matches!(
        r,
        Ref::Policy(_)
            | Ref::Term(_)
            | Ref::PolicyStep(_)
            | Ref::Members
            | Ref::TermMonths
            | Ref::TermYears
    )
}

/// Slots of a formula's row in [`StepMemo::small`]: whole numbers 0 to 253, then `false`
/// and `true`.
const SMALL: usize = 256;

/// The slot of a value read in [`StepMemo::small`]: a whole number of scale 0 from 0 to 253
/// (one exact form each: the digits are the number), or a truth value.
fn small(v: &Value) -> Option<usize> {
    match v {
        Value::Num(d) if d.scale() == 0 && !d.is_sign_negative() => usize::try_from(d.mantissa())
            .ok()
            .filter(|&m| m < SMALL - 2),
        Value::Bool(b) => Some(SMALL - 2 + usize::from(*b)),
        _ => None,
    }
}

impl std::fmt::Debug for StepMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StepMemo")
            .field("values", &self.values.len())
            .finish()
    }
}

impl StepMemo {
    /// Most values kept at once.
    pub const MAX_ENTRIES: usize = 1 << 16;

    /// An empty memo.
    pub fn new() -> StepMemo {
        StepMemo::default()
    }

    /// How many values are kept.
    pub fn len(&self) -> usize {
        self.values.len() + self.small_len
    }

    /// Whether no value is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Starts a request of product `p`: forgets the values of another product, and what
    /// [`StepMemo::begin`] readied for the last request.
    pub(super) fn for_request(&mut self, p: &Product) {
        self.request += 1;
        let at = p as *const Product as usize;
        if self.product != at {
            self.values.clear();
            self.small.clear();
            self.small_len = 0;
            self.row_of.clear();
            self.rows.clear();
            self.current.clear();
            self.product = at;
        }
    }

    /// Readies member formula `step`, reading `reads`, for the members of the current
    /// request. When it reads one member input and, besides, values the same for every
    /// member (the request's inputs and terms, policy steps, the number of members, the
    /// term), those values pick a row kept across requests, and each member's value is then
    /// looked up in the row by the member input alone ([`StepMemo::member_value`]).
    pub(super) fn begin<L: Lookup, I: Rows + ?Sized, S: Rows + ?Sized>(
        &mut self,
        step: usize,
        reads: &[Ref],
        frame: &Frame<'_, L, I, S>,
    ) {
        // A formula of one reference has its row in `small`, or its key is that one value.
        if reads.len() < 2 {
            return;
        }
        if self.current.len() <= step {
            self.current.resize(step + 1, (0, None));
        }
        self.current[step] = (self.request, None);
        let (Ok(step_no), true, true) = (
            u16::try_from(step),
            reads.len() <= MAX_READS,
            reads.iter().any(|r| request_wide(*r)),
        ) else {
            return;
        };
        let mut member = None;
        let mut key = Key {
            step: step_no,
            n: 0,
            reads: [0; MAX_READS],
        };
        for r in reads {
            match r {
                Ref::Member(_) if member.is_none_or(|m| m == *r) => member = Some(*r),
                r if request_wide(*r) => match frame.value_of(*r) {
                    Ok(v) => {
                        key.reads[key.n as usize] = code(&v);
                        key.n += 1;
                    }
                    // Evaluation reports what cannot be read, for each member.
                    Err(_) => return,
                },
                _ => return,
            }
        }
        let Some(member) = member else {
            return;
        };
        let row = match self.row_of.get(&key) {
            Some(&row) => row,
            None => {
                if self.rows.len() >= MAX_ROWS {
                    // Rows readied for this request are no longer valid either.
                    self.row_of.clear();
                    self.rows.clear();
                    self.current.fill((0, None));
                }
                self.rows.push(Vec::new());
                self.row_of.insert(key, self.rows.len() - 1);
                self.rows.len() - 1
            }
        };
        self.current[step] = (self.request, Some((member, row)));
    }

    /// [`StepMemo::value`] for the frame's member, looked up by the member input alone when
    /// [`StepMemo::begin`] readied the formula for this request.
    #[inline]
    pub(super) fn member_value<L: Lookup, I: Rows + ?Sized, S: Rows + ?Sized>(
        &mut self,
        step: usize,
        reads: &[Ref],
        frame: &Frame<'_, L, I, S>,
        eval: impl FnOnce() -> Result<Value, EvalError>,
    ) -> Result<Value, EvalError> {
        if reads.len() < 2 {
            return self.value(step, reads, frame, eval);
        }
        let at = match self.current.get(step) {
            Some(&(request, Some((member, row)))) if request == self.request => frame
                .value_of(member)
                .ok()
                .as_ref()
                .and_then(small)
                .map(|slot| (row, slot as u8)),
            _ => None,
        };
        if let Some((row, slot)) = at
            && let Some((_, v)) = self.rows[row].iter().find(|(s, _)| *s == slot)
        {
            return Ok(*v);
        }
        let v = self.value(step, reads, frame, eval)?;
        if let Some((row, slot)) = at
            && self.rows[row].len() < ROW_VALUES
        {
            self.rows[row].push((slot, v));
        }
        Ok(v)
    }

    /// The value of formula `step` for the frame's member (or the policy, at policy scope):
    /// remembered, or evaluated by `eval` and remembered. `step` is a step's index, or the number of steps plus a rule's
    /// index for an eligibility rule; `reads` is what the formula reads
    /// ([`Product::step_reads`], [`Product::rule_reads`]); formulas reading
    /// more than [`MAX_READS`] references are evaluated each time.
    #[inline(always)]
    pub(super) fn value<L: Lookup, I: Rows + ?Sized, S: Rows + ?Sized>(
        &mut self,
        step: usize,
        reads: &[Ref],
        frame: &Frame<'_, L, I, S>,
        eval: impl FnOnce() -> Result<Value, EvalError>,
    ) -> Result<Value, EvalError> {
        if let [one] = reads {
            // A member input (an age, a class) read in place.
            let read = match *one {
                Ref::Member(i) => frame.member_input(i),
                r => frame.value_of(r).ok(),
            };
            let Some(v) = read else {
                return eval();
            };
            if let Some(slot) = small(&v) {
                // Kept: the value without hashing.
                if let Some(Some(v)) = self.small.get(step).and_then(|row| row.get(slot)) {
                    return Ok(*v);
                }
                return self.small_value(step, slot, eval);
            }
        }
        self.keyed_value(step, reads, frame, eval)
    }

    /// [`StepMemo::value`] of a formula whose values are kept by [`Key`].
    fn keyed_value<L: Lookup, I: Rows + ?Sized, S: Rows + ?Sized>(
        &mut self,
        step: usize,
        reads: &[Ref],
        frame: &Frame<'_, L, I, S>,
        eval: impl FnOnce() -> Result<Value, EvalError>,
    ) -> Result<Value, EvalError> {
        let (Ok(step_no), true) = (u16::try_from(step), reads.len() <= MAX_READS) else {
            return eval();
        };
        let mut key = Key {
            step: step_no,
            n: reads.len() as u8,
            reads: [0; MAX_READS],
        };
        for (slot, r) in key.reads.iter_mut().zip(reads) {
            match frame.value_of(*r) {
                Ok(v) => *slot = code(&v),
                // Evaluation reports what cannot be read, where it reads it.
                Err(_) => return eval(),
            }
        }
        if let Some(v) = self.values.get(&key) {
            return Ok(*v);
        }
        let v = eval()?;
        if self.values.len() >= Self::MAX_ENTRIES {
            self.values.clear();
        }
        self.values.insert(key, v);
        Ok(v)
    }
}

impl StepMemo {
    /// The value of formula `step` in `slot` of its row of [`StepMemo::small`]: kept, or
    /// evaluated and kept.
    fn small_value(
        &mut self,
        step: usize,
        slot: usize,
        eval: impl FnOnce() -> Result<Value, EvalError>,
    ) -> Result<Value, EvalError> {
        if let Some(Some(v)) = self.small.get(step).and_then(|row| row.get(slot)) {
            return Ok(*v);
        }
        let v = eval()?;
        if self.small.len() <= step {
            self.small.resize_with(step + 1, Vec::new);
        }
        let row = &mut self.small[step];
        if row.is_empty() {
            row.resize(SMALL, None);
        }
        row[slot] = Some(v);
        self.small_len += 1;
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_differ_exactly_when_values_or_their_forms_differ() {
        let num = |s: &str| Value::Num(s.parse().expect("a number"));
        let values = [
            num("0"),
            num("-0"),
            num("0.0"),
            num("1"),
            num("1.0"),
            num("-1"),
            num("2"),
            num("65"),
            num("79228162514264337593543950335"),
            Value::Bool(false),
            Value::Bool(true),
            Value::Text(0),
            Value::Text(1),
            Value::Text(u32::MAX),
        ];
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate() {
                let same_form = match (a, b) {
                    (Value::Num(x), Value::Num(y)) => x.serialize() == y.serialize(),
                    _ => a == b,
                };
                assert_eq!(code(a) == code(b), same_form, "{i} {a:?} and {j} {b:?}");
                // Two values in one small slot are the same value in the same form.
                if let (Some(x), Some(y)) = (small(a), small(b)) {
                    assert_eq!(x == y, same_form, "{i} {a:?} and {j} {b:?}");
                }
            }
        }
        assert!(values.iter().all(|v| code(v) != ABSENT));
        let slots: Vec<Option<usize>> = values.iter().map(small).collect();
        assert_eq!(
            slots,
            [
                // "-0" reads as zero.
                Some(0),
                Some(0),
                None,
                Some(1),
                None,
                None,
                Some(2),
                Some(65),
                None,
                Some(254),
                Some(255),
                None,
                None,
                None
            ]
        );
        let mut negative_zero = rust_decimal::Decimal::ZERO;
        negative_zero.set_sign_negative(true);
        assert_eq!(small(&Value::Num(negative_zero)), None);
        assert_eq!(small(&num("253")), Some(253));
        assert_eq!(small(&num("254")), None);
    }
}
