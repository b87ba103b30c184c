//! The expression language of `show_if`, `let`, rule `when` and step `when`:
//! its lexer, parser and canonical printer. Names are not resolved here;
//! [`crate::language::typecheck`] gives them meaning and types.
//!
//! Grammar, lowest precedence first:
//!
//! ```text
//! or      := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not" not | cmp
//! cmp     := add (("=" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "contains") add)?
//! add     := mul (("+" | "-") mul)*
//! mul     := unary (("*" | "/") unary)*
//! unary   := "-" unary | primary
//! primary := number | string | name | name "(" args ")" | "[" args "]" | "(" or ")"
//! ```
//!
//! There is deliberately no way to ask whether an answer is unknown: a rule
//! that could test for it could let an unknown answer lower the outcome.

use std::fmt;

/// A byte range `(start, end)` in the expression's source string.
pub type Span = (usize, usize);

/// Deeper nesting is refused so that checking, evaluating and dropping an
/// expression can never exhaust the stack (in the browser it is small).
pub const MAX_DEPTH: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

/// A node of the syntax tree with the span of source it came from.
/// Equality compares structure only: spans are positions, not meaning.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    depth: u32,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Num(f64),
    Str(String),
    /// A question, `let`, `yes`/`no`/`true`/`false`, or an option value.
    Ident(String),
    List(Vec<Expr>),
    Call(String, Vec<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    /// Two or more operands; chains are flat so long conditions stay shallow.
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Contains,
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Contains => "contains",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    pub fn is_comparison(self) -> bool {
        !matches!(self, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div)
    }

    fn prec(self) -> u8 {
        match self {
            BinOp::Add | BinOp::Sub => PREC_ADD,
            BinOp::Mul | BinOp::Div => PREC_MUL,
            _ => PREC_CMP,
        }
    }
}

const PREC_OR: u8 = 1;
const PREC_AND: u8 = 2;
const PREC_NOT: u8 = 3;
const PREC_CMP: u8 = 4;
const PREC_ADD: u8 = 5;
const PREC_MUL: u8 = 6;
const PREC_NEG: u8 = 7;
const PREC_PRIMARY: u8 = 8;

impl Expr {
    /// Builds a node; its depth is derived from its children.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        let child_depth = match &kind {
            ExprKind::Num(_) | ExprKind::Str(_) | ExprKind::Ident(_) => 0,
            ExprKind::List(items) | ExprKind::Call(_, items) | ExprKind::And(items) | ExprKind::Or(items) => {
                items.iter().map(|e| e.depth).max().unwrap_or(0)
            }
            ExprKind::Not(e) | ExprKind::Neg(e) => e.depth,
            ExprKind::Binary(_, l, r) => l.depth.max(r.depth),
        };
        Expr { kind, span, depth: child_depth + 1 }
    }

    /// Levels of nesting, 1 for a leaf.
    pub fn depth(&self) -> u32 {
        self.depth
    }

    fn prec(&self) -> u8 {
        match &self.kind {
            ExprKind::Or(_) => PREC_OR,
            ExprKind::And(_) => PREC_AND,
            ExprKind::Not(_) => PREC_NOT,
            ExprKind::Binary(op, _, _) => op.prec(),
            ExprKind::Neg(_) => PREC_NEG,
            _ => PREC_PRIMARY,
        }
    }
}

// ---------------------------------------------------------------- lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    And,
    Or,
    Not,
    Op(BinOp),
    LParen,
    RParen,
    LBrack,
    RBrack,
    Comma,
    Eof,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    span: Span,
}

fn describe(t: &Token, src: &str) -> String {
    match &t.tok {
        Tok::Eof => "the end".to_string(),
        _ => format!("`{}`", &src[t.span.0..t.span.1]),
    }
}

fn err(span: Span, message: impl Into<String>, hint: Option<String>) -> ParseError {
    ParseError { span, message: message.into(), hint }
}

fn lex(src: &str) -> Result<Vec<Token>, ParseError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let one = |tok| Token { tok, span: (start, start + 1) };
        let two = |tok| Token { tok, span: (start, start + 2) };
        let next = b.get(i + 1).copied();
        let token = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'(' => one(Tok::LParen),
            b')' => one(Tok::RParen),
            b'[' => one(Tok::LBrack),
            b']' => one(Tok::RBrack),
            b',' => one(Tok::Comma),
            b'+' => one(Tok::Op(BinOp::Add)),
            b'-' => one(Tok::Op(BinOp::Sub)),
            b'*' => one(Tok::Op(BinOp::Mul)),
            b'/' => one(Tok::Op(BinOp::Div)),
            b'=' => match next {
                Some(b'=') => two(Tok::Op(BinOp::Eq)),
                Some(b'>') => return Err(err((start, start + 2), "`=>` is not an operator; did you mean `>=`?", None)),
                Some(b'<') => return Err(err((start, start + 2), "`=<` is not an operator; did you mean `<=`?", None)),
                _ => one(Tok::Op(BinOp::Eq)),
            },
            b'!' => match next {
                Some(b'=') => two(Tok::Op(BinOp::Ne)),
                _ => {
                    return Err(err(
                        (start, start + 1),
                        "`!` is not an operator; write `not`, or `!=` for \"is not equal to\"",
                        None,
                    ))
                }
            },
            b'<' => match next {
                Some(b'=') => two(Tok::Op(BinOp::Le)),
                Some(b'>') => return Err(err((start, start + 2), "`<>` is not an operator; did you mean `!=`?", None)),
                _ => one(Tok::Op(BinOp::Lt)),
            },
            b'>' => match next {
                Some(b'=') => two(Tok::Op(BinOp::Ge)),
                _ => one(Tok::Op(BinOp::Gt)),
            },
            b'&' | b'|' => {
                let (word, len) = match (c, next) {
                    (b'&', Some(b'&')) => ("and", 2),
                    (b'|', Some(b'|')) => ("or", 2),
                    (b'&', _) => ("and", 1),
                    _ => ("or", 1),
                };
                let text = &src[start..start + len];
                return Err(err((start, start + len), format!("`{text}` is not an operator; write `{word}`"), None));
            }
            b'\'' | b'"' => {
                let quote = c;
                let mut s = String::new();
                let mut j = i + 1;
                loop {
                    let Some(ch) = src[j..].chars().next() else {
                        return Err(err(
                            (start, start + 1),
                            "unclosed text: this quote has no closing quote",
                            Some(format!("end the text with {}", quote as char)),
                        ));
                    };
                    j += ch.len_utf8();
                    if ch as u32 == u32::from(quote) {
                        break;
                    }
                    if ch == '\\' {
                        // A backslash takes the next character literally.
                        if let Some(escaped) = src[j..].chars().next() {
                            s.push(escaped);
                            j += escaped.len_utf8();
                            continue;
                        }
                    }
                    s.push(ch);
                }
                i = j;
                out.push(Token { tok: Tok::Str(s), span: (start, j) });
                continue;
            }
            b'0'..=b'9' | b'.' => {
                let mut j = i;
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                if c == b'.' {
                    let mut k = i + 1;
                    while k < b.len() && b[k].is_ascii_digit() {
                        k += 1;
                    }
                    if k == i + 1 {
                        return Err(err((start, k), "unexpected character `.`", None));
                    }
                    let text = &src[start..k];
                    return Err(err((start, k), format!("`{text}` is not a number"), Some(format!("write `0{text}`"))));
                }
                if j < b.len() && b[j] == b'.' {
                    let frac_start = j + 1;
                    let mut k = frac_start;
                    while k < b.len() && b[k].is_ascii_digit() {
                        k += 1;
                    }
                    if k == frac_start {
                        return Err(err(
                            (start, j + 1),
                            format!("`{}` is not a number", &src[start..j + 1]),
                            Some("write digits after the decimal point, such as `2.5`".into()),
                        ));
                    }
                    j = k;
                }
                let text = &src[start..j];
                let value: f64 =
                    text.parse().map_err(|_| err((start, j), format!("`{text}` is not a number"), None))?;
                if !value.is_finite() {
                    return Err(err((start, j), format!("the number `{text}` is too large"), None));
                }
                i = j;
                out.push(Token { tok: Tok::Num(value), span: (start, j) });
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = i;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                let word = &src[start..j];
                let tok = match word {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    "in" => Tok::Op(BinOp::In),
                    "contains" => Tok::Op(BinOp::Contains),
                    _ => Tok::Ident(word.to_string()),
                };
                i = j;
                out.push(Token { tok, span: (start, j) });
                continue;
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                let end = i + ch.len_utf8();
                let hint = match ch {
                    '≥' => Some("write `>=`".to_string()),
                    '≤' => Some("write `<=`".to_string()),
                    '≠' => Some("write `!=`".to_string()),
                    '‘' | '’' | '“' | '”' => Some("write text between plain quotes: 'x'".into()),
                    _ => None,
                };
                return Err(err((start, end), format!("unexpected character `{ch}`"), hint));
            }
        };
        i = token.span.1;
        out.push(token);
    }
    out.push(Token { tok: Tok::Eof, span: (b.len(), b.len()) });
    Ok(out)
}

// ---------------------------------------------------------------- parser

/// Parses one expression; the whole string must be used.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let toks = lex(src)?;
    if matches!(toks[0].tok, Tok::Eof) {
        return Err(err(
            (0, src.len()),
            "empty expression",
            Some("write a condition, such as `personal_data = yes`".into()),
        ));
    }
    let mut p = Parser { toks, pos: 0, src, nesting: 0 };
    let e = p.parse_or()?;
    let t = p.peek().clone();
    if !matches!(t.tok, Tok::Eof) {
        let hint = match &t.tok {
            Tok::RParen => Some("there is no `(` for this `)` to close".to_string()),
            Tok::Ident(w) if is_keyword(&w.to_ascii_lowercase()) => {
                Some(format!("write `{}` in lower case", w.to_ascii_lowercase()))
            }
            Tok::Ident(_) | Tok::Num(_) | Tok::Str(_) | Tok::LParen | Tok::Not => {
                Some("join two conditions with `and` or `or`".to_string())
            }
            Tok::Op(op) if op.is_comparison() => {
                Some("comparisons cannot be chained; join them with `and`, as in `a < b and b < c`".to_string())
            }
            _ => None,
        };
        return Err(err(t.span, format!("unexpected {} after a complete expression", describe(&t, src)), hint));
    }
    Ok(e)
}

fn is_keyword(w: &str) -> bool {
    matches!(w, "and" | "or" | "not" | "in" | "contains")
}

struct Parser<'s> {
    toks: Vec<Token>,
    pos: usize,
    src: &'s str,
    nesting: u32,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn text(&self, t: &Token) -> &str {
        &self.src[t.span.0..t.span.1]
    }

    fn node(&self, kind: ExprKind, span: Span) -> Result<Expr, ParseError> {
        let e = Expr::new(kind, span);
        if e.depth > MAX_DEPTH {
            return Err(self.too_deep(span));
        }
        Ok(e)
    }

    fn too_deep(&self, span: Span) -> ParseError {
        err(
            span,
            format!("this expression is nested too deeply (more than {MAX_DEPTH} levels)"),
            Some("split it into named `let` values".into()),
        )
    }

    fn enter(&mut self, span: Span) -> Result<(), ParseError> {
        self.nesting += 1;
        if self.nesting > MAX_DEPTH {
            return Err(self.too_deep(span));
        }
        Ok(())
    }

    /// Checks that a value follows the operator `op` before parsing it.
    fn operand_after(
        &mut self,
        op: &Token,
        allow_not: bool,
        f: fn(&mut Self) -> Result<Expr, ParseError>,
    ) -> Result<Expr, ParseError> {
        let next = self.peek();
        let starts_value = match next.tok {
            Tok::Num(_) | Tok::Str(_) | Tok::Ident(_) | Tok::LParen | Tok::LBrack | Tok::Op(BinOp::Sub) => true,
            Tok::Not => allow_not,
            _ => false,
        };
        if !starts_value {
            let hint = match next.tok {
                Tok::Not => Some("put `not …` in parentheses: `(not …)`".to_string()),
                Tok::Eof => None,
                _ => Some(format!("found {} there", describe(next, self.src))),
            };
            return Err(err(op.span, format!("expected a value after `{}`", self.text(op)), hint));
        }
        f(self)
    }

    fn parse_or(&mut self) -> Result<Expr, ParseError> {
        self.parse_chain(true)
    }

    fn parse_and(&mut self) -> Result<Expr, ParseError> {
        self.parse_chain(false)
    }

    /// `or` chains of `and` chains, each collected into one flat node.
    fn parse_chain(&mut self, is_or: bool) -> Result<Expr, ParseError> {
        let sub: fn(&mut Self) -> Result<Expr, ParseError> = if is_or { Self::parse_and } else { Self::parse_not };
        let first = sub(self)?;
        let mut items = vec![first];
        loop {
            let is_op = if is_or { matches!(self.peek().tok, Tok::Or) } else { matches!(self.peek().tok, Tok::And) };
            if !is_op {
                break;
            }
            let op = self.bump();
            items.push(self.operand_after(&op, true, sub)?);
        }
        if items.len() == 1 {
            return Ok(items.pop().expect("one item"));
        }
        let span = (items[0].span.0, items[items.len() - 1].span.1);
        let kind = if is_or { ExprKind::Or(items) } else { ExprKind::And(items) };
        self.node(kind, span)
    }

    fn parse_not(&mut self) -> Result<Expr, ParseError> {
        if matches!(self.peek().tok, Tok::Not) {
            let op = self.bump();
            self.enter(op.span)?;
            let inner = self.operand_after(&op, true, Self::parse_not)?;
            self.nesting -= 1;
            let span = (op.span.0, inner.span.1);
            return self.node(ExprKind::Not(Box::new(inner)), span);
        }
        self.parse_cmp()
    }

    fn parse_cmp(&mut self) -> Result<Expr, ParseError> {
        let lhs = self.parse_add()?;
        let op = match self.peek().tok {
            Tok::Op(op) if op.is_comparison() => op,
            _ => return Ok(lhs),
        };
        let op_tok = self.bump();
        let rhs = self.operand_after(&op_tok, false, Self::parse_add)?;
        if let Tok::Op(next) = self.peek().tok {
            if next.is_comparison() {
                let t = self.peek().clone();
                return Err(err(
                    t.span,
                    format!("comparisons cannot be chained: `{}` follows `{}`", next.symbol(), op.symbol()),
                    Some("join them with `and`, as in `a < b and b < c`".into()),
                ));
            }
        }
        let span = (lhs.span.0, rhs.span.1);
        self.node(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span)
    }

    fn parse_add(&mut self) -> Result<Expr, ParseError> {
        self.parse_arith(&[BinOp::Add, BinOp::Sub], Self::parse_mul)
    }

    fn parse_mul(&mut self) -> Result<Expr, ParseError> {
        self.parse_arith(&[BinOp::Mul, BinOp::Div], Self::parse_unary)
    }

    fn parse_arith(
        &mut self,
        ops: &[BinOp],
        sub: fn(&mut Self) -> Result<Expr, ParseError>,
    ) -> Result<Expr, ParseError> {
        let mut lhs = sub(self)?;
        while let Tok::Op(op) = self.peek().tok {
            if !ops.contains(&op) {
                break;
            }
            let op_tok = self.bump();
            let rhs = self.operand_after(&op_tok, false, sub)?;
            let span = (lhs.span.0, rhs.span.1);
            lhs = self.node(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span)?;
        }
        Ok(lhs)
    }

    fn parse_unary(&mut self) -> Result<Expr, ParseError> {
        if matches!(self.peek().tok, Tok::Op(BinOp::Sub)) {
            let op = self.bump();
            self.enter(op.span)?;
            let inner = self.operand_after(&op, false, Self::parse_unary)?;
            self.nesting -= 1;
            let span = (op.span.0, inner.span.1);
            return self.node(ExprKind::Neg(Box::new(inner)), span);
        }
        self.parse_primary()
    }

    /// Comma-separated expressions up to `close`; the opener is already taken.
    fn parse_items(&mut self, open: &Token, close: Tok) -> Result<(Vec<Expr>, usize), ParseError> {
        let (open_ch, close_ch) = if close == Tok::RParen { ("(", ")") } else { ("[", "]") };
        self.enter(open.span)?;
        let mut items = Vec::new();
        if self.peek().tok == close {
            let end = self.bump().span.1;
            self.nesting -= 1;
            return Ok((items, end));
        }
        loop {
            if matches!(self.peek().tok, Tok::Eof) {
                return Err(self.unclosed(open, open_ch, close_ch));
            }
            items.push(self.parse_or()?);
            let t = self.peek().clone();
            match &t.tok {
                Tok::Comma => {
                    self.bump();
                }
                tok if *tok == close => {
                    self.bump();
                    self.nesting -= 1;
                    return Ok((items, t.span.1));
                }
                _ => return Err(self.unclosed(open, open_ch, close_ch)),
            }
        }
    }

    fn unclosed(&self, open: &Token, open_ch: &str, close_ch: &str) -> ParseError {
        let found = self.peek();
        let hint = match found.tok {
            Tok::Eof => format!("add `{close_ch}` at the end"),
            _ => format!("found {} where `,` or `{close_ch}` was expected", describe(found, self.src)),
        };
        err(open.span, format!("unclosed `{open_ch}` opened here"), Some(hint))
    }

    fn parse_primary(&mut self) -> Result<Expr, ParseError> {
        let t = self.bump();
        match t.tok {
            Tok::Num(n) => self.node(ExprKind::Num(n), t.span),
            Tok::Str(s) => self.node(ExprKind::Str(s), t.span),
            Tok::Ident(name) => {
                if matches!(self.peek().tok, Tok::LParen) {
                    let open = self.bump();
                    let (args, end) = self.parse_items(&open, Tok::RParen)?;
                    return self.node(ExprKind::Call(name, args), (t.span.0, end));
                }
                self.node(ExprKind::Ident(name), t.span)
            }
            Tok::LParen => {
                self.enter(t.span)?;
                if matches!(self.peek().tok, Tok::Eof) {
                    return Err(self.unclosed(&t, "(", ")"));
                }
                let mut inner = self.parse_or()?;
                if !matches!(self.peek().tok, Tok::RParen) {
                    return Err(self.unclosed(&t, "(", ")"));
                }
                let close = self.bump();
                self.nesting -= 1;
                // The parentheses belong to the inner node's source range.
                inner.span = (t.span.0, close.span.1);
                Ok(inner)
            }
            Tok::LBrack => {
                let (items, end) = self.parse_items(&t, Tok::RBrack)?;
                self.node(ExprKind::List(items), (t.span.0, end))
            }
            Tok::RParen => Err(err(
                t.span,
                "unexpected `)`",
                Some("there is no `(` for it to close, or a value is missing before it".into()),
            )),
            Tok::Eof => Err(err(t.span, "expected a value at the end", None)),
            _ => Err(err(t.span, format!("expected a value, found {}", describe(&t, self.src)), None)),
        }
    }
}

// ---------------------------------------------------------------- printer

impl fmt::Display for Expr {
    /// The canonical form: single spaces, `=` for equality, single quotes,
    /// and only the parentheses that precedence requires. Parsing it gives
    /// back an equal tree.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Num(n) => write!(f, "{n}"),
            ExprKind::Str(s) => {
                f.write_str("'")?;
                for ch in s.chars() {
                    if ch == '\'' || ch == '\\' {
                        f.write_str("\\")?;
                    }
                    write!(f, "{ch}")?;
                }
                f.write_str("'")
            }
            ExprKind::Ident(name) => f.write_str(name),
            ExprKind::List(items) => {
                f.write_str("[")?;
                write_list(f, items)?;
                f.write_str("]")
            }
            ExprKind::Call(name, args) => {
                write!(f, "{name}(")?;
                write_list(f, args)?;
                f.write_str(")")
            }
            ExprKind::Not(e) => {
                f.write_str("not ")?;
                write_operand(f, e, e.prec() < PREC_NOT)
            }
            ExprKind::Neg(e) => {
                f.write_str("-")?;
                write_operand(f, e, e.prec() < PREC_NEG)
            }
            ExprKind::And(items) | ExprKind::Or(items) => {
                let (word, prec) =
                    if matches!(self.kind, ExprKind::And(_)) { (" and ", PREC_AND) } else { (" or ", PREC_OR) };
                for (i, e) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(word)?;
                    }
                    // A nested chain of the same kind keeps its parentheses.
                    write_operand(f, e, e.prec() <= prec)?;
                }
                Ok(())
            }
            ExprKind::Binary(op, l, r) => {
                let p = op.prec();
                let left_parens = l.prec() < p || (p == PREC_CMP && l.prec() == PREC_CMP);
                write_operand(f, l, left_parens)?;
                write!(f, " {} ", op.symbol())?;
                write_operand(f, r, r.prec() <= p)
            }
        }
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, e: &Expr, parens: bool) -> fmt::Result {
    if parens {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{e}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Expr {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn canon(s: &str) -> String {
        p(s).to_string()
    }

    fn perr(s: &str) -> ParseError {
        parse(s).expect_err(s)
    }

    #[test]
    fn precedence_and_canonical_form() {
        assert_eq!(
            canon("personal_data = yes and (subjects >= 100 or special in [health, financial])"),
            "personal_data = yes and (subjects >= 100 or special in [health, financial])"
        );
        assert_eq!(canon("a or b and c"), "a or b and c");
        assert_eq!(canon("(a or b) and c"), "(a or b) and c");
        assert_eq!(canon("not a = b"), "not a = b");
        assert_eq!(canon("(not a) = b"), "(not a) = b");
        assert_eq!(canon("1 + 2 * 3"), "1 + 2 * 3");
        assert_eq!(canon("(1 + 2) * 3"), "(1 + 2) * 3");
        assert_eq!(canon("1 - (2 - 3)"), "1 - (2 - 3)");
        assert_eq!(canon("1 - 2 - 3"), "1 - 2 - 3");
        assert_eq!(canon("-x * 2"), "-x * 2");
        assert_eq!(canon("-(x * 2)"), "-(x * 2)");
    }

    #[test]
    fn structure_of_precedence() {
        let e = p("not a = 1 + 2 * 3 and b");
        let ExprKind::And(items) = &e.kind else { panic!("{e:?}") };
        let ExprKind::Not(inner) = &items[0].kind else { panic!() };
        let ExprKind::Binary(BinOp::Eq, _, rhs) = &inner.kind else { panic!() };
        let ExprKind::Binary(BinOp::Add, _, mul) = &rhs.kind else { panic!() };
        assert!(matches!(mul.kind, ExprKind::Binary(BinOp::Mul, _, _)));
        // Chains are flat; parenthesised chains stay nested.
        assert!(matches!(&p("a and b and c").kind, ExprKind::And(v) if v.len() == 3));
        assert!(matches!(&p("(a and b) and c").kind, ExprKind::And(v) if v.len() == 2));
        assert_eq!(canon("(a and b) and c"), "(a and b) and c");
    }

    #[test]
    fn spans_point_into_the_source() {
        let src = "cause = ransomware and count(data) >= 2";
        let e = p(src);
        let ExprKind::And(items) = &e.kind else { panic!() };
        assert_eq!(&src[items[0].span.0..items[0].span.1], "cause = ransomware");
        assert_eq!(&src[items[1].span.0..items[1].span.1], "count(data) >= 2");
        let ExprKind::Binary(_, call, _) = &items[1].kind else { panic!() };
        assert_eq!(&src[call.span.0..call.span.1], "count(data)");
        let e = p(" ( a ) ");
        assert_eq!(e.span, (1, 6));
    }

    #[test]
    fn literals_and_calls() {
        assert_eq!(p("2.5").kind, ExprKind::Num(2.5));
        assert_eq!(p("\"x y\"").kind, ExprKind::Str("x y".into()));
        assert_eq!(p(r"'it\'s'").kind, ExprKind::Str("it's".into()));
        assert_eq!(canon(r#""it's""#), r"'it\'s'");
        assert_eq!(canon("if(a,max(1,2,x),min(y))"), "if(a, max(1, 2, x), min(y))");
        assert_eq!(canon("x in []"), "x in []");
        assert_eq!(canon("a==b"), "a = b");
    }

    #[test]
    fn error_messages_and_spans() {
        let e = perr("a and");
        assert_eq!(e.message, "expected a value after `and`");
        assert_eq!(e.span, (2, 5));
        let e = perr("x = (a or b");
        assert_eq!(e.message, "unclosed `(` opened here");
        assert_eq!(e.span, (4, 5));
        assert_eq!(e.hint.as_deref(), Some("add `)` at the end"));
        let e = perr("subjects => 100");
        assert_eq!(e.message, "`=>` is not an operator; did you mean `>=`?");
        assert_eq!(e.span, (9, 11));
        let e = perr("a =< 1");
        assert_eq!(e.message, "`=<` is not an operator; did you mean `<=`?");
        let e = perr("a && b");
        assert_eq!(e.message, "`&&` is not an operator; write `and`");
        let e = perr("!a");
        assert!(e.message.starts_with("`!` is not an operator; write `not`"));
        let e = perr("1 < a < 3");
        assert_eq!(e.message, "comparisons cannot be chained: `<` follows `<`");
        assert_eq!(e.span, (6, 7));
        let e = perr("a b");
        assert_eq!(e.message, "unexpected `b` after a complete expression");
        assert_eq!(e.hint.as_deref(), Some("join two conditions with `and` or `or`"));
        let e = perr("a AND b");
        assert_eq!(e.hint.as_deref(), Some("write `and` in lower case"));
        let e = perr("a = 'open");
        assert_eq!(e.message, "unclosed text: this quote has no closing quote");
        assert_eq!(e.span, (4, 5));
        let e = perr("   ");
        assert_eq!(e.message, "empty expression");
        let e = perr("a = .5");
        assert_eq!(e.message, "`.5` is not a number");
        assert_eq!(e.hint.as_deref(), Some("write `0.5`"));
        let e = perr("a ≥ 3");
        assert_eq!(e.message, "unexpected character `≥`");
        assert_eq!(e.span, (2, 5));
        let e = perr("a)");
        assert_eq!(e.message, "unexpected `)` after a complete expression");
        let e = perr("max(1, 2");
        assert_eq!(e.message, "unclosed `(` opened here");
        assert_eq!(e.span, (3, 4));
        let e = perr("x in [a b]");
        assert_eq!(e.message, "unclosed `[` opened here");
        assert_eq!(e.hint.as_deref(), Some("found `b` where `,` or `]` was expected"));
        let e = perr("a = not b");
        assert_eq!(e.message, "expected a value after `=`");
        let e = perr("()");
        assert_eq!(e.message, "unexpected `)`");
    }

    #[test]
    fn refuses_deep_nesting_without_overflowing() {
        let deep = "(".repeat(5000) + "a" + &")".repeat(5000);
        assert!(perr(&deep).message.contains("nested too deeply"));
        let chain = vec!["1"; 5000].join(" + ");
        assert!(perr(&chain).message.contains("nested too deeply"));
        let nots = "not ".repeat(5000) + "a";
        assert!(perr(&nots).message.contains("nested too deeply"));
        // Flat chains of `and`/`or` are not nesting.
        let wide = vec!["a"; 5000].join(" or ");
        assert!(parse(&wide).is_ok());
    }

    fn ident() -> impl Strategy<Value = String> {
        "[a-z_][a-z0-9_]{0,6}".prop_filter("not a keyword", |s| !is_keyword(s))
    }

    fn arb_expr() -> impl Strategy<Value = Expr> {
        let leaf = prop_oneof![
            (0u32..100_000, 0u32..4).prop_map(|(n, d)| ExprKind::Num(f64::from(n) / f64::from(10u32.pow(d)))),
            "[a-z '\"\\\\]{0,5}".prop_map(ExprKind::Str),
            ident().prop_map(ExprKind::Ident),
        ]
        .prop_map(|k| Expr::new(k, (0, 0)));
        leaf.prop_recursive(5, 40, 4, |inner| {
            let ops = prop_oneof![
                Just(BinOp::Eq),
                Just(BinOp::Ne),
                Just(BinOp::Lt),
                Just(BinOp::Le),
                Just(BinOp::Gt),
                Just(BinOp::Ge),
                Just(BinOp::In),
                Just(BinOp::Contains),
                Just(BinOp::Add),
                Just(BinOp::Sub),
                Just(BinOp::Mul),
                Just(BinOp::Div),
            ];
            prop_oneof![
                (ops, inner.clone(), inner.clone()).prop_map(|(op, l, r)| ExprKind::Binary(
                    op,
                    Box::new(l),
                    Box::new(r)
                )),
                prop::collection::vec(inner.clone(), 2..4).prop_map(ExprKind::And),
                prop::collection::vec(inner.clone(), 2..4).prop_map(ExprKind::Or),
                inner.clone().prop_map(|e| ExprKind::Not(Box::new(e))),
                inner.clone().prop_map(|e| ExprKind::Neg(Box::new(e))),
                prop::collection::vec(inner.clone(), 0..3).prop_map(ExprKind::List),
                (ident(), prop::collection::vec(inner, 0..3)).prop_map(|(n, a)| ExprKind::Call(n, a)),
            ]
            .prop_map(|k| Expr::new(k, (0, 0)))
        })
    }

    proptest! {
        #[test]
        fn display_reparses_to_the_same_tree(e in arb_expr()) {
            let shown = e.to_string();
            let back = parse(&shown).map_err(|err| TestCaseError::fail(format!("{shown}: {err}")))?;
            prop_assert_eq!(&back, &e, "{}", shown);
            prop_assert_eq!(back.to_string(), shown);
        }

        #[test]
        fn parser_never_panics(s in "[a-z0-9 ()\\[\\],'\"=<>!+*/.-]{0,40}") {
            let _ = parse(&s);
        }
    }
}
