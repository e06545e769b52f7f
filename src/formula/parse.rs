//! Lexing and parsing formulas into a syntax tree with byte spans.
//!
//! Grammar (lowest precedence first):
//!
//! ```text
//! expr    := 'if' expr 'then' expr 'else' expr | or
//! or      := and ('or' and)*
//! and     := not ('and' not)*
//! not     := 'not' not | cmp
//! cmp     := add (('<' | '<=' | '>' | '>=' | '==' | '!=') add | 'in' '[' expr (',' expr)* ']')?
//! add     := mul (('+' | '-') mul)*
//! mul     := unary (('*' | '×' | '/' | '÷') unary)*
//! unary   := '-' unary | postfix
//! postfix := primary ('[' expr (',' expr)* ']' ('.' ident)?)?
//! primary := number ('%' | '‰')? | string | 'true' | 'false'
//!          | ident ('.' ident)* | ident '(' (expr (',' expr)*)? ')' | '(' expr ')'
//! ```
//!
//! Limits keep formulas sandboxed: at most [`MAX_FORMULA_LEN`] bytes, [`MAX_DEPTH`] levels of
//! nesting and [`MAX_NODES`] nodes. There are no loops and no user-defined functions.

use rust_decimal::Decimal;

pub const MAX_FORMULA_LEN: usize = 2_000;
pub const MAX_DEPTH: usize = 40;
pub const MAX_NODES: usize = 400;

/// A syntax error or a limit breach, with the byte range in the formula.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Ast {
    Num(Decimal),
    Str(String),
    Bool(bool),
    /// A name, possibly dotted (`add.sum_insured`).
    Name(String),
    Call(String, Vec<AstNode>),
    Lookup {
        table: String,
        keys: Vec<AstNode>,
        column: Option<String>,
    },
    Neg(Box<AstNode>),
    Not(Box<AstNode>),
    Binary(BinOp, Box<AstNode>, Box<AstNode>),
    If(Box<AstNode>, Box<AstNode>, Box<AstNode>),
    In(Box<AstNode>, Vec<AstNode>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct AstNode {
    pub ast: Ast,
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(Decimal),
    Str(String),
    Ident(String),
    Sym(&'static str),
    End,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn err(&self, message: impl Into<String>, start: usize, end: usize) -> ParseError {
        ParseError {
            message: message.into(),
            start,
            end: end.max(start),
        }
    }

    fn tokens(mut self) -> Result<Vec<(Tok, usize, usize)>, ParseError> {
        let mut out = Vec::new();
        loop {
            let rest = &self.src[self.pos..];
            let Some(c) = rest.chars().next() else {
                out.push((Tok::End, self.pos, self.pos));
                return Ok(out);
            };
            let start = self.pos;
            if c.is_whitespace() {
                self.pos += c.len_utf8();
                continue;
            }
            if c.is_ascii_digit() {
                let mut end = start;
                let mut seen_dot = false;
                for (i, ch) in rest.char_indices() {
                    if ch.is_ascii_digit() || ch == '_' {
                        end = start + i + 1;
                    } else if ch == '.' && !seen_dot {
                        seen_dot = true;
                        end = start + i + 1;
                    } else {
                        break;
                    }
                }
                let text: String = self.src[start..end].chars().filter(|c| *c != '_').collect();
                let mut value: Decimal = text.parse().map_err(|_| {
                    self.err(
                        format!("`{}` is not a number", &self.src[start..end]),
                        start,
                        end,
                    )
                })?;
                self.pos = end;
                if self.src[self.pos..].starts_with('%') {
                    value /= Decimal::ONE_HUNDRED;
                    self.pos += 1;
                } else if self.src[self.pos..].starts_with('‰') {
                    value /= Decimal::ONE_THOUSAND;
                    self.pos += '‰'.len_utf8();
                }
                out.push((Tok::Num(value), start, self.pos));
                continue;
            }
            if c.is_alphabetic() || c == '_' {
                let mut end = start;
                for (i, ch) in rest.char_indices() {
                    if ch.is_alphanumeric() || ch == '_' {
                        end = start + i + ch.len_utf8();
                    } else {
                        break;
                    }
                }
                out.push((Tok::Ident(self.src[start..end].to_string()), start, end));
                self.pos = end;
                continue;
            }
            if c == '"' || c == '\'' {
                let body = &rest[1..];
                match body.find(c) {
                    Some(i) => {
                        let end = start + 1 + i + 1;
                        out.push((Tok::Str(body[..i].to_string()), start, end));
                        self.pos = end;
                        continue;
                    }
                    None => {
                        return Err(self.err(
                            "this text has no closing quote",
                            start,
                            self.src.len(),
                        ));
                    }
                }
            }
            const SYMS: [&str; 18] = [
                "<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ",", ".",
                "×", "÷",
            ];
            match SYMS.iter().find(|s| rest.starts_with(**s)) {
                Some(s) => {
                    let sym = match *s {
                        "×" => "*",
                        "÷" => "/",
                        other => other,
                    };
                    self.pos += s.len();
                    out.push((Tok::Sym(sym), start, self.pos));
                }
                None => {
                    let hint = if c == '=' { " (compare with `==`)" } else { "" };
                    return Err(self.err(
                        format!("unexpected character `{c}`{hint}"),
                        start,
                        start + c.len_utf8(),
                    ));
                }
            }
        }
    }
}

struct Parser {
    toks: Vec<(Tok, usize, usize)>,
    pos: usize,
    depth: usize,
    nodes: usize,
}

/// Parses a formula.
pub fn parse(src: &str) -> Result<AstNode, ParseError> {
    if src.len() > MAX_FORMULA_LEN {
        return Err(ParseError {
            message: format!(
                "the formula is {} characters long; the limit is {MAX_FORMULA_LEN}",
                src.len()
            ),
            start: 0,
            end: 0,
        });
    }
    if src.trim().is_empty() {
        return Err(ParseError {
            message: "the formula is empty".into(),
            start: 0,
            end: 0,
        });
    }
    let toks = Lexer { src, pos: 0 }.tokens()?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
        nodes: 0,
    };
    let e = p.expr()?;
    match p.peek() {
        Tok::End => Ok(e),
        _ => {
            let (_, s, en) = p.toks[p.pos].clone();
            Err(ParseError {
                message: "unexpected text after the end of the formula".into(),
                start: s,
                end: en,
            })
        }
    }
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].0
    }

    fn span(&self) -> (usize, usize) {
        let t = &self.toks[self.pos.min(self.toks.len() - 1)];
        (t.1, t.2)
    }

    fn prev_end(&self) -> usize {
        if self.pos == 0 {
            0
        } else {
            self.toks[self.pos - 1].2
        }
    }

    fn bump(&mut self) -> Tok {
        let t = self.toks[self.pos.min(self.toks.len() - 1)].0.clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Tok::Sym(x) if *x == s)
    }

    fn is_kw(&self, k: &str) -> bool {
        matches!(self.peek(), Tok::Ident(x) if x == k)
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, ParseError> {
        let (s, e) = self.span();
        let found = match self.peek() {
            Tok::End => "the end of the formula".to_string(),
            Tok::Num(n) => format!("`{n}`"),
            Tok::Str(s) => format!("\"{s}\""),
            Tok::Ident(i) => format!("`{i}`"),
            Tok::Sym(s) => format!("`{s}`"),
        };
        Err(ParseError {
            message: format!("{}, found {found}", message.into()),
            start: s,
            end: e,
        })
    }

    fn expect_sym(&mut self, s: &str) -> Result<(), ParseError> {
        if self.is_sym(s) {
            self.bump();
            Ok(())
        } else {
            self.error(format!("expected `{s}`"))
        }
    }

    fn node(&mut self, ast: Ast, start: usize) -> Result<AstNode, ParseError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(ParseError {
                message: format!(
                    "the formula has more than {MAX_NODES} parts; split it into steps"
                ),
                start,
                end: self.prev_end(),
            });
        }
        Ok(AstNode {
            ast,
            start,
            end: self.prev_end(),
        })
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let (s, e) = self.span();
            return Err(ParseError {
                message: format!(
                    "the formula nests deeper than {MAX_DEPTH} levels; split it into steps"
                ),
                start: s,
                end: e,
            });
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<AstNode, ParseError> {
        self.enter()?;
        let r = if self.is_kw("if") {
            let start = self.span().0;
            self.bump();
            let c = self.expr()?;
            if !self.is_kw("then") {
                return self.error("expected `then`");
            }
            self.bump();
            let a = self.expr()?;
            if !self.is_kw("else") {
                return self.error("expected `else` (every `if` needs one)");
            }
            self.bump();
            let b = self.expr()?;
            self.node(Ast::If(Box::new(c), Box::new(a), Box::new(b)), start)
        } else {
            self.or()
        };
        self.depth -= 1;
        r
    }

    fn or(&mut self) -> Result<AstNode, ParseError> {
        let start = self.span().0;
        let mut l = self.and()?;
        while self.is_kw("or") {
            self.bump();
            let r = self.and()?;
            l = self.node(Ast::Binary(BinOp::Or, Box::new(l), Box::new(r)), start)?;
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<AstNode, ParseError> {
        let start = self.span().0;
        let mut l = self.not()?;
        while self.is_kw("and") {
            self.bump();
            let r = self.not()?;
            l = self.node(Ast::Binary(BinOp::And, Box::new(l), Box::new(r)), start)?;
        }
        Ok(l)
    }

    fn not(&mut self) -> Result<AstNode, ParseError> {
        if self.is_kw("not") {
            let start = self.span().0;
            self.bump();
            self.enter()?;
            let e = self.not()?;
            self.depth -= 1;
            return self.node(Ast::Not(Box::new(e)), start);
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<AstNode, ParseError> {
        let start = self.span().0;
        let l = self.add()?;
        let op = match self.peek() {
            Tok::Sym("<") => BinOp::Lt,
            Tok::Sym("<=") => BinOp::Le,
            Tok::Sym(">") => BinOp::Gt,
            Tok::Sym(">=") => BinOp::Ge,
            Tok::Sym("==") => BinOp::Eq,
            Tok::Sym("!=") => BinOp::Ne,
            Tok::Ident(k) if k == "in" => {
                self.bump();
                self.expect_sym("[")?;
                let items = self.list("]")?;
                return self.node(Ast::In(Box::new(l), items), start);
            }
            _ => return Ok(l),
        };
        self.bump();
        let r = self.add()?;
        self.node(Ast::Binary(op, Box::new(l), Box::new(r)), start)
    }

    fn add(&mut self) -> Result<AstNode, ParseError> {
        let start = self.span().0;
        let mut l = self.mul()?;
        loop {
            let op = match self.peek() {
                Tok::Sym("+") => BinOp::Add,
                Tok::Sym("-") => BinOp::Sub,
                _ => return Ok(l),
            };
            self.bump();
            let r = self.mul()?;
            l = self.node(Ast::Binary(op, Box::new(l), Box::new(r)), start)?;
        }
    }

    fn mul(&mut self) -> Result<AstNode, ParseError> {
        let start = self.span().0;
        let mut l = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Sym("*") => BinOp::Mul,
                Tok::Sym("/") => BinOp::Div,
                _ => return Ok(l),
            };
            self.bump();
            let r = self.unary()?;
            l = self.node(Ast::Binary(op, Box::new(l), Box::new(r)), start)?;
        }
    }

    fn unary(&mut self) -> Result<AstNode, ParseError> {
        if self.is_sym("-") {
            let start = self.span().0;
            self.bump();
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            return self.node(Ast::Neg(Box::new(e)), start);
        }
        self.postfix()
    }

    /// Comma-separated expressions up to the closing symbol (consumed).
    fn list(&mut self, close: &str) -> Result<Vec<AstNode>, ParseError> {
        let mut items = Vec::new();
        if self.is_sym(close) {
            self.bump();
            return Ok(items);
        }
        loop {
            items.push(self.expr()?);
            if self.is_sym(",") {
                self.bump();
                continue;
            }
            if self.is_sym(close) {
                self.bump();
                return Ok(items);
            }
            return self.error(format!("expected `,` or `{close}`"));
        }
    }

    fn ident(&mut self) -> Result<String, ParseError> {
        match self.peek().clone() {
            Tok::Ident(s) => {
                self.bump();
                Ok(s)
            }
            _ => self.error("expected a name"),
        }
    }

    fn postfix(&mut self) -> Result<AstNode, ParseError> {
        let start = self.span().0;
        let prim = self.primary()?;
        if self.is_sym("[") {
            let Ast::Name(table) = prim.ast else {
                return self.error("only a table can be looked up with `[...]`");
            };
            self.bump();
            let keys = self.list("]")?;
            if keys.is_empty() {
                return Err(ParseError {
                    message: format!("`{table}[]` needs at least one key"),
                    start,
                    end: self.prev_end(),
                });
            }
            let column = if self.is_sym(".") {
                self.bump();
                Some(self.ident()?)
            } else {
                None
            };
            return self.node(
                Ast::Lookup {
                    table,
                    keys,
                    column,
                },
                start,
            );
        }
        Ok(prim)
    }

    fn primary(&mut self) -> Result<AstNode, ParseError> {
        let start = self.span().0;
        match self.peek().clone() {
            Tok::Num(n) => {
                self.bump();
                self.node(Ast::Num(n), start)
            }
            Tok::Str(s) => {
                self.bump();
                self.node(Ast::Str(s), start)
            }
            Tok::Ident(id) => {
                const RESERVED: [&str; 7] = ["if", "then", "else", "and", "or", "not", "in"];
                if RESERVED.contains(&id.as_str()) {
                    return self.error("expected a value");
                }
                self.bump();
                if id == "true" || id == "false" {
                    return self.node(Ast::Bool(id == "true"), start);
                }
                if self.is_sym("(") {
                    self.bump();
                    self.enter()?;
                    let args = self.list(")")?;
                    self.depth -= 1;
                    return self.node(Ast::Call(id, args), start);
                }
                let mut name = id;
                while self.is_sym(".") {
                    self.bump();
                    name.push('.');
                    name.push_str(&self.ident()?);
                }
                self.node(Ast::Name(name), start)
            }
            Tok::Sym("(") => {
                self.bump();
                self.enter()?;
                let e = self.expr()?;
                self.depth -= 1;
                self.expect_sym(")")?;
                Ok(AstNode {
                    start,
                    end: self.prev_end(),
                    ..e
                })
            }
            _ => self.error("expected a value"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_filed_formula() {
        let e = parse("add.sum_insured / 1000 * ad_rate[occupation_class] * group_size[members]")
            .unwrap();
        assert!(matches!(e.ast, Ast::Binary(BinOp::Mul, _, _)));
    }

    #[test]
    fn percent_and_permille_literals() {
        let e = parse("0.35%").unwrap();
        assert_eq!(e.ast, Ast::Num("0.0035".parse().unwrap()));
        let e = parse("1.5‰").unwrap();
        assert_eq!(e.ast, Ast::Num("0.0015".parse().unwrap()));
    }

    #[test]
    fn reports_position_of_error() {
        let err = parse("a + * b").unwrap_err();
        assert_eq!((err.start, err.end), (4, 5));
        assert_eq!(err.message, "expected a value, found `*`");
        let err = parse("a = b").unwrap_err();
        assert!(err.message.contains("compare with `==`"));
    }

    #[test]
    fn limits_depth() {
        let f = format!("{}1{}", "(".repeat(100), ")".repeat(100));
        let err = parse(&f).unwrap_err();
        assert!(err.message.contains("nests deeper"), "{}", err.message);
    }

    #[test]
    fn if_needs_else() {
        let err = parse("if a then 1").unwrap_err();
        assert!(err.message.starts_with("expected `else`"));
    }
}
