//! Checking and compiling a syntax tree into an [`Expr`]: names resolved to slots, types
//! checked, scopes checked (member values only in member steps or inside `sum`/`count`),
//! constant divisions by zero refused.

use rust_decimal::Decimal;

use super::parse::{Ast, AstNode, BinOp};
use super::{Interner, Scope, Ty, Value};

/// What a name refers to, resolved at load time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ref {
    /// A policy-level input (policyholder field or option), by slot.
    Policy(u16),
    /// A member input, by slot.
    Member(u16),
    /// A policy step result, by step index.
    PolicyStep(u16),
    /// A member step result, by step index.
    MemberStep(u16),
    /// A coverage term (`add.sum_insured`), by slot.
    Term(u16),
    /// Number of members (or declared items).
    Members,
    /// The term in months.
    TermMonths,
    /// The term in whole years (rounded up).
    TermYears,
    /// The policy year (1, 2, ...), in benefit illustrations.
    Year,
    /// Premiums paid up to and including the policy year, in benefit illustrations.
    PremiumsPaid,
}

/// Built-in functions beyond arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    Min,
    Max,
    Abs,
    /// `round(x, places)` with the product's rounding mode.
    Round,
    /// `round_up(x, places)`: towards +infinity.
    RoundUp,
    /// `round_down(x, places)`: towards -infinity.
    RoundDown,
    /// `sum(expr)`: over members, in a policy step.
    Sum,
    /// `count(condition)`: members for which it holds, in a policy step.
    Count,
    /// Actuarial present values on the product's life tables (see `actuarial`).
    Annuity,
    Endowment,
    Assurance,
    /// `premium_return(table, age, defer, premium_years)`: value of returning the annual
    /// premiums paid (1 a year) on death before payments start.
    PremiumReturn,
}

impl Func {
    fn by_name(name: &str) -> Option<Func> {
        Some(match name {
            "min" => Func::Min,
            "max" => Func::Max,
            "abs" => Func::Abs,
            "round" => Func::Round,
            "round_up" => Func::RoundUp,
            "round_down" => Func::RoundDown,
            "sum" => Func::Sum,
            "count" => Func::Count,
            "annuity" => Func::Annuity,
            "endowment" => Func::Endowment,
            "assurance" => Func::Assurance,
            "premium_return" => Func::PremiumReturn,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Func::Min => "min",
            Func::Max => "max",
            Func::Abs => "abs",
            Func::Round => "round",
            Func::RoundUp => "round_up",
            Func::RoundDown => "round_down",
            Func::Sum => "sum",
            Func::Count => "count",
            Func::Annuity => "annuity",
            Func::Endowment => "endowment",
            Func::Assurance => "assurance",
            Func::PremiumReturn => "premium_return",
        }
    }

    pub const ALL: [&'static str; 12] = [
        "min",
        "max",
        "abs",
        "round",
        "round_up",
        "round_down",
        "sum",
        "count",
        "annuity",
        "endowment",
        "assurance",
        "premium_return",
    ];
}

/// A compiled, type-checked formula.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Const(Value),
    Ref(Ref),
    Lookup {
        table: u16,
        column: u16,
        keys: Box<[Expr]>,
    },
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Box<[Value]>),
    Call(Func, Box<[Expr]>),
    /// A life-table name passed to an actuarial function, resolved to its index.
    LifeTable(u16),
}

/// What a table looks like to the compiler.
#[derive(Clone, Debug)]
pub struct TableSig {
    pub id: u16,
    pub keys: Vec<String>,
    /// Key types, when known from the rows (`None` for a key column with mixed cells).
    pub key_tys: Vec<Ty>,
    pub columns: Vec<String>,
}

/// Name resolution supplied by the product checker.
pub trait Resolve {
    /// Resolves a plain or dotted name to a slot, its type and the scope it lives in.
    fn name(&self, name: &str) -> Option<(Ref, Ty, Scope)>;
    fn table(&self, name: &str) -> Option<&TableSig>;
    fn life_table(&self, name: &str) -> Option<u16>;
    /// Names that could have been meant, for "did you mean" hints.
    fn candidates(&self) -> Vec<String>;
    /// Tables that could have been meant, for "did you mean" hints.
    fn table_candidates(&self) -> Vec<String> {
        Vec::new()
    }
    /// Life tables that could have been meant, for "did you mean" hints.
    fn life_table_candidates(&self) -> Vec<String> {
        Vec::new()
    }
    /// Whether `name` is declared but had errors of its own (already reported).
    fn broken(&self, _name: &str) -> bool {
        false
    }
}

/// A compile error with the byte range in the formula.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
    pub start: usize,
    pub end: usize,
}

pub struct Compiler<'a, R: Resolve> {
    pub resolve: &'a R,
    pub interner: &'a mut Interner,
    /// Scope of the step or rule being compiled.
    pub scope: Scope,
    /// Whether actuarial functions are available (the product has an `actuarial` section).
    pub actuarial: bool,
    pub errors: Vec<CompileError>,
    /// References used, for dependency checks.
    pub refs: Vec<Ref>,
}

type Out = Option<(Expr, Ty)>;

impl<'a, R: Resolve> Compiler<'a, R> {
    pub fn new(resolve: &'a R, interner: &'a mut Interner, scope: Scope) -> Self {
        Compiler {
            resolve,
            interner,
            scope,
            actuarial: false,
            errors: Vec::new(),
            refs: Vec::new(),
        }
    }

    fn err(
        &mut self,
        code: &'static str,
        n: &AstNode,
        message: String,
        help: Option<String>,
    ) -> Out {
        self.err_range(code, n.start, n.end, message, help)
    }

    fn err_range(
        &mut self,
        code: &'static str,
        start: usize,
        end: usize,
        message: String,
        help: Option<String>,
    ) -> Out {
        self.errors.push(CompileError {
            code,
            message,
            help,
            start,
            end,
        });
        None
    }

    /// The help for an unknown life table.
    fn life_table_help(&self, name: &str) -> Option<String> {
        let tables = self.resolve.life_table_candidates();
        Some(crate::diagnostics::suggest(
            name,
            tables.iter().map(String::as_str),
        ))
    }

    /// Compiles a formula that must have type `want`.
    pub fn compile_as(&mut self, n: &AstNode, want: Ty) -> Option<Expr> {
        let (e, ty) = self.expr(n, false)?;
        if ty != want {
            self.err(
                crate::diagnostics::codes::E0302,
                n,
                format!(
                    "this formula gives {}, but {} is needed here",
                    ty.name(),
                    want.name()
                ),
                None,
            );
            return None;
        }
        Some(e)
    }

    fn expect_type(&mut self, n: &AstNode, in_agg: bool, want: Ty, what: &str) -> Option<Expr> {
        let (e, ty) = self.expr(n, in_agg)?;
        if ty != want {
            self.err(
                crate::diagnostics::codes::E0302,
                n,
                format!("{what} needs {}, found {}", want.name(), ty.name()),
                None,
            );
            return None;
        }
        Some(e)
    }

    fn expr(&mut self, n: &AstNode, in_agg: bool) -> Out {
        match &n.ast {
            Ast::Num(d) => Some((Expr::Const(Value::Num(*d)), Ty::Num)),
            Ast::Bool(b) => Some((Expr::Const(Value::Bool(*b)), Ty::Bool)),
            Ast::Str(s) => {
                let sym = self.interner.intern(s);
                Some((Expr::Const(Value::Text(sym)), Ty::Text))
            }
            Ast::Name(name) => {
                let Some((r, ty, scope)) = self.resolve.name(name) else {
                    let cands = self.resolve.candidates();
                    let help = crate::diagnostics::did_you_mean(name, cands.iter().map(String::as_str))
                        .map(|s| format!("did you mean `{s}`?"))
                        .or_else(|| {
                            Some("a formula may use inputs, coverage terms (`code.term`), earlier steps, tables (`name[key]`) and `members`, `term_months`, `term_years`".to_string())
                        });
                    return self.err(
                        crate::diagnostics::codes::E0301,
                        n,
                        format!("unknown name `{name}`"),
                        help,
                    );
                };
                if scope == Scope::Member && self.scope == Scope::Policy && !in_agg {
                    return self.err(
                        crate::diagnostics::codes::E0303,
                        n,
                        format!("`{name}` has a value per member, but this is a policy step"),
                        Some(format!("aggregate it: `sum({name})`, `count(...)`, or make this step `per: member`")),
                    );
                }
                self.refs.push(r);
                Some((Expr::Ref(r), ty))
            }
            Ast::Lookup {
                table,
                keys,
                column,
            } => self.lookup(n, table, keys, column.as_deref(), in_agg),
            Ast::Neg(e) => {
                let x = self.expect_type(e, in_agg, Ty::Num, "`-`")?;
                Some((Expr::Neg(Box::new(x)), Ty::Num))
            }
            Ast::Not(e) => {
                let x = self.expect_type(e, in_agg, Ty::Bool, "`not`")?;
                Some((Expr::Not(Box::new(x)), Ty::Bool))
            }
            Ast::Binary(op, l, r) => self.binary(n, *op, l, r, in_agg),
            Ast::If(c, a, b) => {
                let c = self.expect_type(c, in_agg, Ty::Bool, "the condition of `if`");
                let a = self.expr(a, in_agg);
                let bb = self.expr(b, in_agg);
                let (c, (a, ta), (b2, tb)) = (c?, a?, bb?);
                if ta != tb {
                    return self.err(
                        crate::diagnostics::codes::E0302,
                        b,
                        format!("`then` gives {} but `else` gives {}", ta.name(), tb.name()),
                        None,
                    );
                }
                Some((Expr::If(Box::new(c), Box::new(a), Box::new(b2)), ta))
            }
            Ast::In(x, items) => {
                let (x, tx) = self.expr(x, in_agg)?;
                let mut vals = Vec::new();
                for it in items {
                    match &it.ast {
                        Ast::Num(d) if tx == Ty::Num => vals.push(Value::Num(*d)),
                        Ast::Str(s) if tx == Ty::Text => {
                            vals.push(Value::Text(self.interner.intern(s)))
                        }
                        _ => {
                            self.err(
                                crate::diagnostics::codes::E0302,
                                it,
                                format!(
                                    "the list after `in` must hold constants of the same type ({})",
                                    tx.name()
                                ),
                                None,
                            );
                        }
                    }
                }
                if vals.len() != items.len() {
                    return None;
                }
                Some((Expr::In(Box::new(x), vals.into_boxed_slice()), Ty::Bool))
            }
            Ast::Call(name, args) => self.call(n, name, args, in_agg),
        }
    }

    fn binary(&mut self, n: &AstNode, op: BinOp, l: &AstNode, r: &AstNode, in_agg: bool) -> Out {
        let lo = self.expr(l, in_agg);
        let ro = self.expr(r, in_agg);
        let ((le, lt), (re, rt)) = (lo?, ro?);
        let ty = match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                if lt != Ty::Num || rt != Ty::Num {
                    let bad = if lt != Ty::Num { l } else { r };
                    return self.err(
                        crate::diagnostics::codes::E0302,
                        bad,
                        format!(
                            "`{}` needs numbers, found {}",
                            op.symbol(),
                            if lt != Ty::Num { lt.name() } else { rt.name() }
                        ),
                        None,
                    );
                }
                if op == BinOp::Div && re == Expr::Const(Value::Num(Decimal::ZERO)) {
                    return self.err(
                        crate::diagnostics::codes::E0304,
                        r,
                        "division by zero".to_string(),
                        None,
                    );
                }
                Ty::Num
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                if lt != Ty::Num || rt != Ty::Num {
                    return self.err(
                        crate::diagnostics::codes::E0302,
                        n,
                        format!(
                            "`{}` compares numbers, found {} and {}",
                            op.symbol(),
                            lt.name(),
                            rt.name()
                        ),
                        None,
                    );
                }
                Ty::Bool
            }
            BinOp::Eq | BinOp::Ne => {
                if lt != rt {
                    return self.err(
                        crate::diagnostics::codes::E0302,
                        n,
                        format!(
                            "`{}` compares values of one type, found {} and {}",
                            op.symbol(),
                            lt.name(),
                            rt.name()
                        ),
                        None,
                    );
                }
                Ty::Bool
            }
            BinOp::And | BinOp::Or => {
                if lt != Ty::Bool || rt != Ty::Bool {
                    return self.err(
                        crate::diagnostics::codes::E0302,
                        n,
                        format!(
                            "`{}` joins true/false values, found {} and {}",
                            op.symbol(),
                            lt.name(),
                            rt.name()
                        ),
                        None,
                    );
                }
                Ty::Bool
            }
        };
        Some((Expr::Bin(op, Box::new(le), Box::new(re)), ty))
    }

    fn lookup(
        &mut self,
        n: &AstNode,
        table: &str,
        keys: &[AstNode],
        column: Option<&str>,
        in_agg: bool,
    ) -> Out {
        let Some(sig) = self.resolve.table(table).cloned() else {
            if self.resolve.broken(table) {
                return self.err(
                    crate::diagnostics::codes::E0305,
                    n,
                    format!("table `{table}` has errors (reported at the table)"),
                    None,
                );
            }
            let tables = self.resolve.table_candidates();
            let help = if self.resolve.name(table).is_some() {
                format!("`{table}` is a value, not a table")
            } else if tables.is_empty() {
                "declare the table under `tables:`".to_string()
            } else {
                crate::diagnostics::suggest(table, tables.iter().map(String::as_str))
            };
            // Underline the table's name, not the keys after it.
            return self.err_range(
                crate::diagnostics::codes::E0305,
                n.start,
                (n.start + table.len()).min(n.end),
                format!("unknown table `{table}`"),
                Some(help),
            );
        };
        if keys.len() != sig.keys.len() {
            return self.err(
                crate::diagnostics::codes::E0306,
                n,
                format!(
                    "table `{table}` has {} key(s) ({}), but {} were given",
                    sig.keys.len(),
                    sig.keys.join(", "),
                    keys.len()
                ),
                None,
            );
        }
        let col = match column {
            None if sig.columns.len() == 1 => 0,
            None => {
                return self.err(
                    crate::diagnostics::codes::E0306,
                    n,
                    format!("table `{table}` has several value columns; pick one"),
                    Some(format!("write `{table}[...].{}`", sig.columns[0])),
                );
            }
            Some(c) => match sig.columns.iter().position(|x| x == c) {
                Some(i) => i,
                None => {
                    return self.err(
                        crate::diagnostics::codes::E0306,
                        n,
                        format!("table `{table}` has no column `{c}`"),
                        Some(format!("its columns are: {}", sig.columns.join(", "))),
                    );
                }
            },
        };
        let mut out = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            let (e, ty) = self.expr(k, in_agg)?;
            if let Some(kt) = sig.key_tys.get(i)
                && *kt != ty
            {
                self.err(
                    crate::diagnostics::codes::E0302,
                    k,
                    format!(
                        "key `{}` of table `{table}` is {}, found {}",
                        sig.keys[i],
                        kt.name(),
                        ty.name()
                    ),
                    None,
                );
                return None;
            }
            out.push(e);
        }
        Some((
            Expr::Lookup {
                table: sig.id,
                column: col as u16,
                keys: out.into_boxed_slice(),
            },
            Ty::Num,
        ))
    }

    fn call(&mut self, n: &AstNode, name: &str, args: &[AstNode], in_agg: bool) -> Out {
        let Some(f) = Func::by_name(name) else {
            let help = crate::diagnostics::did_you_mean(name, Func::ALL)
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| format!("the functions are: {}", Func::ALL.join(", ")));
            return self.err(
                crate::diagnostics::codes::E0307,
                n,
                format!("unknown function `{name}`"),
                Some(help),
            );
        };
        let arity_err = |this: &mut Self, want: &str| {
            this.err(
                crate::diagnostics::codes::E0308,
                n,
                format!("`{name}` takes {want}, but {} were given", args.len()),
                None,
            )
        };
        match f {
            Func::Min | Func::Max => {
                if args.len() < 2 {
                    return arity_err(self, "two or more numbers");
                }
                let mut xs = Vec::new();
                for a in args {
                    xs.push(self.expect_type(a, in_agg, Ty::Num, name));
                }
                let xs: Option<Vec<Expr>> = xs.into_iter().collect();
                Some((Expr::Call(f, xs?.into_boxed_slice()), Ty::Num))
            }
            Func::Abs => {
                if args.len() != 1 {
                    return arity_err(self, "one number");
                }
                let x = self.expect_type(&args[0], in_agg, Ty::Num, name)?;
                Some((Expr::Call(f, vec![x].into_boxed_slice()), Ty::Num))
            }
            Func::Round | Func::RoundUp | Func::RoundDown => {
                if args.len() != 2 {
                    return arity_err(self, "a number and a count of decimal places");
                }
                let x = self.expect_type(&args[0], in_agg, Ty::Num, name);
                let places = match &args[1].ast {
                    Ast::Num(d)
                        if d.fract().is_zero()
                            && *d >= Decimal::ZERO
                            && *d <= Decimal::from(12) =>
                    {
                        *d
                    }
                    _ => {
                        return self.err(
                            crate::diagnostics::codes::E0308,
                            &args[1],
                            "the number of decimal places must be a whole number from 0 to 12"
                                .into(),
                            None,
                        );
                    }
                };
                Some((
                    Expr::Call(
                        f,
                        vec![x?, Expr::Const(Value::Num(places))].into_boxed_slice(),
                    ),
                    Ty::Num,
                ))
            }
            Func::Sum | Func::Count => {
                if self.scope == Scope::Member || in_agg {
                    return self.err(
                        crate::diagnostics::codes::E0303,
                        n,
                        format!("`{name}` adds up over members, so it belongs in a policy step"),
                        None,
                    );
                }
                if args.len() != 1 {
                    return arity_err(self, "one argument");
                }
                let want = if f == Func::Sum { Ty::Num } else { Ty::Bool };
                let x = self.expect_type(&args[0], true, want, name)?;
                Some((Expr::Call(f, vec![x].into_boxed_slice()), Ty::Num))
            }
            Func::Annuity | Func::Endowment | Func::Assurance | Func::PremiumReturn => {
                if !self.actuarial {
                    return self.err(
                        crate::diagnostics::codes::E0309,
                        n,
                        format!("`{name}` needs life tables"),
                        Some("declare them in an `actuarial:` section".into()),
                    );
                }
                // annuity(table, age, defer, term, guaranteed, frequency)
                // endowment(table, age, years) ; assurance(table, age, years)
                let (want, sig) = match f {
                    Func::Annuity => (6, "(table, age, defer, term, guaranteed, frequency)"),
                    Func::PremiumReturn => (4, "(table, age, defer, premium_years)"),
                    _ => (3, "(table, age, years)"),
                };
                if args.len() != want {
                    return arity_err(self, &format!("{want} arguments {sig}"));
                }
                let table = match &args[0].ast {
                    Ast::Name(t) => match self.resolve.life_table(t) {
                        Some(i) => Expr::LifeTable(i),
                        None => {
                            let help = self.life_table_help(t);
                            return self.err(
                                crate::diagnostics::codes::E0305,
                                &args[0],
                                format!("unknown life table `{t}`"),
                                help,
                            );
                        }
                    },
                    Ast::If(c, a, b) => {
                        // A choice between tables, e.g. by gender.
                        let c = self.expect_type(c, in_agg, Ty::Bool, "the condition of `if`")?;
                        let pick = |this: &mut Self, x: &AstNode| -> Option<Expr> {
                            match &x.ast {
                                Ast::Name(t) => match this.resolve.life_table(t) {
                                    Some(i) => Some(Expr::LifeTable(i)),
                                    None => {
                                        let help = this.life_table_help(t);
                                        this.err(
                                            crate::diagnostics::codes::E0305,
                                            x,
                                            format!("unknown life table `{t}`"),
                                            help,
                                        );
                                        None
                                    }
                                },
                                _ => {
                                    this.err(
                                        crate::diagnostics::codes::E0305,
                                        x,
                                        "expected a life table name".into(),
                                        None,
                                    );
                                    None
                                }
                            }
                        };
                        let a = pick(self, a)?;
                        let b = pick(self, b)?;
                        Expr::If(Box::new(c), Box::new(a), Box::new(b))
                    }
                    _ => {
                        return self.err(
                            crate::diagnostics::codes::E0305,
                            &args[0],
                            "expected a life table name".into(),
                            None,
                        );
                    }
                };
                let mut xs = vec![table];
                for a in &args[1..] {
                    xs.push(self.expect_type(a, in_agg, Ty::Num, name)?);
                }
                Some((Expr::Call(f, xs.into_boxed_slice()), Ty::Num))
            }
        }
    }
}
