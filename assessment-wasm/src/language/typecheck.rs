//! Name resolution and type checking: turns a parsed [`Expr`] into an
//! evaluable [`Node`] in the scope of one assessment, or explains what is
//! wrong with it. Every problem in an expression is reported, not only the
//! first: a sub-expression that fails gets the type [`Ty::Error`], which
//! is accepted everywhere so that one mistake is reported once.

use crate::definition::QuestionType;
use crate::language::eval::{ArithOp, CmpOp, Node, QSet};
use crate::language::expr::{BinOp, Expr, ExprKind, Span};
use std::collections::BTreeMap;

/// The type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Bool,
    Num,
    /// An option of single-choice question `i`.
    Sym(usize),
    /// A set of options of multi-choice question `i`.
    Set(usize),
    Text,
    Time,
    /// Already reported; accepted everywhere.
    Error,
}

/// What the checker needs to know about a question.
pub struct QInfo<'a> {
    pub id: &'a str,
    pub qtype: QuestionType,
    pub options: Vec<&'a str>,
}

/// The names an expression can use, with what is known about them so far.
pub struct Scope<'a> {
    pub questions: Vec<QInfo<'a>>,
    pub q_index: BTreeMap<&'a str, usize>,
    /// `let` id → its index in evaluation order.
    pub let_index: BTreeMap<&'a str, usize>,
    /// By evaluation index: the type, once checked (`None` while unchecked
    /// or when it is part of a cycle).
    pub let_types: Vec<Option<Ty>>,
    /// By evaluation index: the questions it depends on, transitively.
    pub let_qdeps: Vec<QSet>,
}

impl Scope<'_> {
    fn question_ty(&self, i: usize) -> Ty {
        match self.questions[i].qtype {
            QuestionType::YesNo | QuestionType::YesNoUnknown => Ty::Bool,
            QuestionType::Single => Ty::Sym(i),
            QuestionType::Multi => Ty::Set(i),
            QuestionType::Number => Ty::Num,
            QuestionType::Datetime => Ty::Time,
            QuestionType::Text => Ty::Text,
        }
    }

    /// The questions a checked node depends on, through `let`s.
    pub fn qdeps(&self, node: &Node) -> QSet {
        let mut deps = QSet::new();
        node.walk(&mut |n| match n {
            Node::Q(i) => deps.insert(*i as usize),
            Node::Let(i) => {
                if let Some(d) = self.let_qdeps.get(*i as usize) {
                    deps.union_with(d);
                }
            }
            _ => {}
        });
        deps
    }
}

/// A problem in one expression, located by a span in its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub span: Span,
    pub message: String,
    pub hint: Option<String>,
}

/// Checks a condition (`show_if`, `when`): it must be yes/no. `before`
/// limits it to questions earlier than that index (for `show_if`); `what`
/// names it in messages ("a `when` condition").
pub fn check_condition(
    scope: &Scope<'_>,
    expr: &Expr,
    before: Option<usize>,
    what: &str,
) -> Result<Node, Vec<ExprError>> {
    let mut c = Checker { scope, errors: Vec::new(), before };
    let t = c.check(expr);
    if !matches!(t.ty, Ty::Bool | Ty::Error) {
        c.error(expr.span, format!("{what} must be yes/no, but this is {}", c.describe(&t)), None);
    }
    if c.errors.is_empty() {
        Ok(t.node)
    } else {
        Err(c.errors)
    }
}

/// Checks a `let` value of any type.
pub fn check_value(scope: &Scope<'_>, expr: &Expr) -> Result<(Ty, Node), Vec<ExprError>> {
    let mut c = Checker { scope, errors: Vec::new(), before: None };
    let t = c.check(expr);
    if c.errors.is_empty() {
        Ok((t.ty, t.node))
    } else {
        Err(c.errors)
    }
}

/// The closest candidate to a misspelt name, if one is close enough.
pub fn suggest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    // Characters counted by their first bytes: `chars().count()` is large in wasm.
    let limit = (name.bytes().filter(|b| b & 0xc0 != 0x80).count() / 3).max(1);
    // Ids are ASCII; ASCII case folding keeps Unicode tables out of the wasm.
    let lower = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Edit distance counting a swap of two neighbours as one edit.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// Formats "did you mean `x`?" when there is an `x`.
pub fn did_you_mean(s: Option<&str>) -> String {
    s.map(|s| format!("; did you mean `{s}`?")).unwrap_or_default()
}

/// A checked sub-expression.
struct Typed {
    ty: Ty,
    node: Node,
    /// How to name it in messages when it is a question or `let`:
    /// "`subjects` (a number)".
    label: Option<String>,
}

impl Typed {
    fn plain(ty: Ty, node: Node) -> Typed {
        Typed { ty, node, label: None }
    }

    fn error() -> Typed {
        Typed::plain(Ty::Error, Node::Bool(false))
    }
}

/// A name whose meaning depends on what it is compared with: an option of
/// the question on the other side, or a question, `let` or yes/no word.
enum Operand {
    Typed(Typed),
    Name { text: String, span: Span, quoted: bool },
}

struct Checker<'s, 'a> {
    scope: &'s Scope<'a>,
    errors: Vec<ExprError>,
    before: Option<usize>,
}

impl Checker<'_, '_> {
    fn error(&mut self, span: Span, message: String, hint: Option<String>) {
        self.errors.push(ExprError { span, message, hint });
    }

    fn qid(&self, i: usize) -> &str {
        self.scope.questions[i].id
    }

    fn noun(&self, ty: Ty) -> String {
        match ty {
            Ty::Bool => "a yes/no value".into(),
            Ty::Num => "a number".into(),
            Ty::Sym(q) => format!("an option of `{}`", self.qid(q)),
            Ty::Set(q) => format!("the options chosen for `{}`", self.qid(q)),
            Ty::Text => "a text".into(),
            Ty::Time => "a date and time".into(),
            Ty::Error => "not valid".into(),
        }
    }

    fn describe(&self, t: &Typed) -> String {
        match &t.label {
            Some(label) => label.clone(),
            None => self.noun(t.ty),
        }
    }

    fn question_label(&self, i: usize) -> String {
        let kind = match self.scope.questions[i].qtype {
            QuestionType::YesNo | QuestionType::YesNoUnknown => "a yes/no answer",
            QuestionType::Single => "a single choice",
            QuestionType::Multi => "a multiple choice",
            QuestionType::Number => "a number",
            QuestionType::Datetime => "a date and time",
            QuestionType::Text => "a text answer",
        };
        format!("`{}` ({kind})", self.qid(i))
    }

    fn options_list(&self, q: usize) -> String {
        let opts = &self.scope.questions[q].options;
        if opts.is_empty() {
            "(none)".into()
        } else {
            opts.join(", ")
        }
    }

    fn check(&mut self, e: &Expr) -> Typed {
        match self.operand(e) {
            Operand::Typed(t) => t,
            Operand::Name { text, span, quoted } => self.settle(&text, span, quoted),
        }
    }

    /// Identifiers and strings are kept unresolved until their context is known.
    fn operand(&mut self, e: &Expr) -> Operand {
        match &e.kind {
            ExprKind::Ident(name) => Operand::Name { text: name.clone(), span: e.span, quoted: false },
            ExprKind::Str(s) => Operand::Name { text: s.clone(), span: e.span, quoted: true },
            _ => Operand::Typed(self.check_compound(e)),
        }
    }

    /// Resolves a name without context: a question, a `let`, a yes/no word,
    /// or (quoted) a text.
    fn settle(&mut self, name: &str, span: Span, quoted: bool) -> Typed {
        if quoted {
            return Typed::plain(Ty::Text, Node::Text(name.to_string()));
        }
        if let Some(&q) = self.scope.q_index.get(name) {
            if let Some(limit) = self.before {
                if q == limit {
                    self.error(span, format!("the `show_if` of `{name}` cannot depend on `{name}` itself"), None);
                } else if q > limit {
                    let current = self.qid(limit).to_string();
                    self.error(
                        span,
                        format!(
                            "`{name}` is asked after `{current}`, so the `show_if` of `{current}` cannot depend on it"
                        ),
                        Some(format!("move `{name}` above `{current}` in the list of questions")),
                    );
                }
            }
            return Typed {
                ty: self.scope.question_ty(q),
                node: Node::Q(q as u32),
                label: Some(self.question_label(q)),
            };
        }
        if let Some(&l) = self.scope.let_index.get(name) {
            let Some(ty) = self.scope.let_types.get(l).copied().flatten() else {
                // A `let` in a cycle; the cycle is reported on its own.
                return Typed::error();
            };
            if let Some(limit) = self.before {
                if let Some(late) = self.scope.let_qdeps[l].max().filter(|m| *m >= limit) {
                    let current = self.qid(limit).to_string();
                    let late = self.qid(late).to_string();
                    self.error(
                        span,
                        format!(
                            "`{name}` depends on `{late}`, which is not asked before `{current}`, so the `show_if` of `{current}` cannot use it"
                        ),
                        None,
                    );
                }
            }
            let label = (ty != Ty::Error).then(|| format!("`{name}` ({})", self.noun(ty)));
            return Typed { ty, node: Node::Let(l as u32), label };
        }
        match name {
            "yes" | "true" => return Typed::plain(Ty::Bool, Node::Bool(true)),
            "no" | "false" => return Typed::plain(Ty::Bool, Node::Bool(false)),
            _ => {}
        }
        let names = self.scope.q_index.keys().chain(self.scope.let_index.keys()).copied();
        let suggestion = suggest(name, names);
        let hint = if suggestion.is_none() {
            let owners: Vec<usize> =
                (0..self.scope.questions.len()).filter(|&q| self.scope.questions[q].options.contains(&name)).collect();
            owners.first().map(|&q| {
                let qid = self.qid(q);
                let example = match self.scope.questions[q].qtype {
                    QuestionType::Multi => format!("{qid} contains {name}"),
                    _ => format!("{qid} = {name}"),
                };
                format!("`{name}` is an option of `{qid}`; compare it with that question, as in `{example}`")
            })
        } else {
            None
        };
        self.error(span, format!("unknown name `{name}`{}", did_you_mean(suggestion)), hint);
        Typed::error()
    }

    /// Resolves a name against the type of the other side of a comparison.
    fn resolve(&mut self, op: Operand, other: Ty) -> Typed {
        let (text, span, quoted) = match op {
            Operand::Typed(t) => return t,
            Operand::Name { text, span, quoted } => (text, span, quoted),
        };
        match other {
            Ty::Sym(q) | Ty::Set(q) => {
                if let Some(i) = self.scope.questions[q].options.iter().position(|o| *o == text) {
                    return Typed::plain(Ty::Sym(q), Node::Sym(i as u32));
                }
                let names_something = !quoted
                    && (self.scope.q_index.contains_key(text.as_str())
                        || self.scope.let_index.contains_key(text.as_str())
                        || matches!(text.as_str(), "yes" | "no" | "true" | "false"));
                if names_something {
                    return self.settle(&text, span, quoted);
                }
                let options = self.scope.questions[q].options.clone();
                let hint = suggest(&text, options.iter().copied()).map(|s| format!("did you mean `{s}`?"));
                self.error(
                    span,
                    format!(
                        "`{text}` is not an option of `{}`; the options are: {}",
                        self.qid(q),
                        self.options_list(q)
                    ),
                    hint,
                );
                Typed::error()
            }
            Ty::Bool if quoted => match text.as_str() {
                "yes" | "true" => Typed::plain(Ty::Bool, Node::Bool(true)),
                "no" | "false" => Typed::plain(Ty::Bool, Node::Bool(false)),
                _ => self.settle(&text, span, quoted),
            },
            // The other side is already wrong; a name that means nothing
            // here may be right there, so say nothing more.
            Ty::Error
                if !quoted
                    && !self.scope.q_index.contains_key(text.as_str())
                    && !self.scope.let_index.contains_key(text.as_str()) =>
            {
                Typed::error()
            }
            _ => self.settle(&text, span, quoted),
        }
    }

    /// Resolves the two sides of a comparison against each other.
    fn pair(&mut self, l: &Expr, r: &Expr) -> (Typed, Typed) {
        let (lo, ro) = (self.operand(l), self.operand(r));
        match (lo, ro) {
            (Operand::Typed(lt), ro) => {
                let rt = self.resolve(ro, lt.ty);
                (lt, rt)
            }
            (lo, Operand::Typed(rt)) => {
                let lt = self.resolve(lo, rt.ty);
                (lt, rt)
            }
            (lo, ro) => {
                // Two bare names: the one naming a question or `let` gives
                // the context the other (perhaps an option) is read in.
                if !self.names_value(&lo) && self.names_value(&ro) {
                    let rt = self.check_operand(ro);
                    let lt = self.resolve(lo, rt.ty);
                    (lt, rt)
                } else {
                    let lt = self.check_operand(lo);
                    let rt = self.resolve(ro, lt.ty);
                    (lt, rt)
                }
            }
        }
    }

    fn names_value(&self, op: &Operand) -> bool {
        match op {
            Operand::Name { text, quoted: false, .. } => {
                self.scope.q_index.contains_key(text.as_str()) || self.scope.let_index.contains_key(text.as_str())
            }
            _ => false,
        }
    }

    fn check_operand(&mut self, op: Operand) -> Typed {
        match op {
            Operand::Typed(t) => t,
            Operand::Name { text, span, quoted } => self.settle(&text, span, quoted),
        }
    }

    /// Whether values of these types can be tested for equality.
    fn comparable(a: Ty, b: Ty) -> bool {
        match (a, b) {
            (Ty::Error, _) | (_, Ty::Error) => true,
            (Ty::Sym(x), Ty::Sym(y)) | (Ty::Set(x), Ty::Set(y)) => x == y,
            (Ty::Sym(_) | Ty::Set(_), _) | (_, Ty::Sym(_) | Ty::Set(_)) => false,
            _ => a == b,
        }
    }

    fn mismatch_hint(&self, a: Ty, b: Ty) -> Option<String> {
        match (a, b) {
            (Ty::Set(q), Ty::Sym(p)) | (Ty::Sym(p), Ty::Set(q)) if p == q => {
                let qid = self.qid(q);
                Some(format!(
                    "`{qid}` can have several options; test one with `{qid} contains …`, or any of several with `{qid} in [a, b]`"
                ))
            }
            _ => None,
        }
    }

    fn check_compound(&mut self, e: &Expr) -> Typed {
        match &e.kind {
            ExprKind::Ident(_) | ExprKind::Str(_) => self.check(e),
            ExprKind::Num(n) => Typed::plain(Ty::Num, Node::Num(*n)),
            ExprKind::List(_) => {
                self.error(
                    e.span,
                    "a list can only stand on the right of `in`, as in `cause in [phishing, malware]`".into(),
                    None,
                );
                Typed::error()
            }
            ExprKind::Not(inner) => {
                let t = self.boolean(inner, "`not`");
                Typed::plain(Ty::Bool, Node::Not(Box::new(t)))
            }
            ExprKind::And(items) | ExprKind::Or(items) => {
                let is_and = matches!(e.kind, ExprKind::And(_));
                let word = if is_and { "`and`" } else { "`or`" };
                let nodes = items.iter().map(|i| self.boolean(i, word)).collect();
                let node = if is_and { Node::And(nodes) } else { Node::Or(nodes) };
                Typed::plain(Ty::Bool, node)
            }
            ExprKind::Neg(inner) => {
                let t = self.check(inner);
                if !matches!(t.ty, Ty::Num | Ty::Error) {
                    let d = self.describe(&t);
                    self.error(inner.span, format!("`-` needs a number, but this is {d}"), None);
                    return Typed::error();
                }
                // Fold so that `-3` is a constant (lists accept only constants).
                let node = match t.node {
                    Node::Num(n) => Node::Num(-n),
                    other => Node::Neg(Box::new(other)),
                };
                Typed::plain(t.ty, node)
            }
            ExprKind::Binary(op, l, r) => self.binary(e, *op, l, r),
            ExprKind::Call(name, args) => self.call(e, name, args),
        }
    }

    fn boolean(&mut self, e: &Expr, word: &str) -> Node {
        let t = self.check(e);
        if !matches!(t.ty, Ty::Bool | Ty::Error) {
            let d = self.describe(&t);
            self.error(e.span, format!("{word} needs yes/no values, but this is {d}"), None);
        }
        t.node
    }

    fn binary(&mut self, e: &Expr, op: BinOp, l: &Expr, r: &Expr) -> Typed {
        match op {
            BinOp::Eq | BinOp::Ne => {
                let (lt, rt) = self.pair(l, r);
                if !Self::comparable(lt.ty, rt.ty) {
                    let hint = self.mismatch_hint(lt.ty, rt.ty);
                    let (ld, rd) = (self.describe(&lt), self.describe(&rt));
                    self.error(e.span, format!("cannot compare {ld} with {rd}"), hint);
                    return Typed::plain(Ty::Bool, Node::Bool(false));
                }
                let cop = if op == BinOp::Eq { CmpOp::Eq } else { CmpOp::Ne };
                Typed::plain(Ty::Bool, Node::Cmp(cop, Box::new(lt.node), Box::new(rt.node)))
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let (lt, rt) = (self.check(l), self.check(r));
                let ordered = |t: Ty| matches!(t, Ty::Num | Ty::Time | Ty::Error);
                let mut ok = true;
                for (t, side, span) in [(&lt, "left", l.span), (&rt, "right", r.span)] {
                    if !ordered(t.ty) {
                        let d = self.describe(t);
                        self.error(
                            span,
                            format!("`{}` needs numbers on both sides, but the {side} side is {d}", op.symbol()),
                            None,
                        );
                        ok = false;
                    }
                }
                if ok && lt.ty != rt.ty && lt.ty != Ty::Error && rt.ty != Ty::Error {
                    let (ld, rd) = (self.describe(&lt), self.describe(&rt));
                    self.error(e.span, format!("cannot compare {ld} with {rd}"), None);
                }
                let cop = match op {
                    BinOp::Lt => CmpOp::Lt,
                    BinOp::Le => CmpOp::Le,
                    BinOp::Gt => CmpOp::Gt,
                    _ => CmpOp::Ge,
                };
                Typed::plain(Ty::Bool, Node::Cmp(cop, Box::new(lt.node), Box::new(rt.node)))
            }
            BinOp::In => self.membership(e, l, r),
            BinOp::Contains => self.contains(l, r),
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                let (lt, rt) = (self.check(l), self.check(r));
                for (t, side, span) in [(&lt, "left", l.span), (&rt, "right", r.span)] {
                    if !matches!(t.ty, Ty::Num | Ty::Error) {
                        let d = self.describe(t);
                        self.error(
                            span,
                            format!("`{}` needs numbers on both sides, but the {side} side is {d}", op.symbol()),
                            None,
                        );
                    }
                }
                let aop = match op {
                    BinOp::Add => ArithOp::Add,
                    BinOp::Sub => ArithOp::Sub,
                    BinOp::Mul => ArithOp::Mul,
                    _ => ArithOp::Div,
                };
                Typed::plain(Ty::Num, Node::Arith(aop, Box::new(lt.node), Box::new(rt.node)))
            }
        }
    }

    fn membership(&mut self, e: &Expr, l: &Expr, r: &Expr) -> Typed {
        let ExprKind::List(items) = &r.kind else {
            let rt = self.check(r);
            let hint = match (rt.ty, &l.kind) {
                (Ty::Set(q), ExprKind::Ident(v) | ExprKind::Str(v)) => {
                    Some(format!("to test whether `{v}` was chosen, write `{} contains {v}`", self.qid(q)))
                }
                _ => {
                    self.check(l);
                    None
                }
            };
            self.error(r.span, "the right side of `in` must be a list, such as `[a, b]`".into(), hint);
            return Typed::plain(Ty::Bool, Node::Bool(false));
        };
        let lt = self.check(l);
        let mut consts = Vec::new();
        let mut mask = 0u64;
        for item in items {
            let op = self.operand(item);
            let it = self.resolve(op, lt.ty);
            if it.ty == Ty::Error || lt.ty == Ty::Error {
                continue;
            }
            if !matches!(it.node, Node::Bool(_) | Node::Num(_) | Node::Text(_) | Node::Sym(_)) {
                self.error(
                    item.span,
                    "the items of a list must be fixed values: options, numbers, texts or yes/no".into(),
                    None,
                );
                continue;
            }
            let compatible = match lt.ty {
                Ty::Set(q) => it.ty == Ty::Sym(q),
                _ => Self::comparable(lt.ty, it.ty),
            };
            if !compatible {
                let (ld, id) = (self.describe(&lt), self.describe(&it));
                self.error(item.span, format!("cannot compare {ld} with {id}"), None);
                continue;
            }
            if let (Ty::Set(_), Node::Sym(i)) = (lt.ty, &it.node) {
                // Multi-choice questions have at most 64 options (checked in compile).
                mask |= 1u64.checked_shl(*i).unwrap_or(0);
            }
            consts.push(it.node);
        }
        if matches!(lt.ty, Ty::Time) {
            self.error(e.span, "`in` cannot be used with a date and time; compare with `<` or `>`".into(), None);
        }
        let node = match lt.ty {
            Ty::Set(_) => Node::AnyOf(Box::new(lt.node), mask),
            _ => Node::In(Box::new(lt.node), consts),
        };
        Typed::plain(Ty::Bool, node)
    }

    fn contains(&mut self, l: &Expr, r: &Expr) -> Typed {
        let lt = self.check(l);
        let q = match lt.ty {
            Ty::Set(q) => q,
            Ty::Error => {
                // Still look at the right side for its own mistakes.
                if !matches!(r.kind, ExprKind::Ident(_) | ExprKind::Str(_) | ExprKind::List(_)) {
                    self.check(r);
                }
                return Typed::plain(Ty::Bool, Node::Bool(false));
            }
            other => {
                let d = self.describe(&lt);
                let hint = match (other, &l.kind) {
                    (Ty::Sym(_), ExprKind::Ident(name)) => {
                        Some(format!("`{name}` has one answer; write `{name} = …` or `{name} in [a, b]`"))
                    }
                    _ => None,
                };
                self.error(
                    l.span,
                    format!("`contains` needs a multiple-choice question on its left, but the left side is {d}"),
                    hint,
                );
                return Typed::plain(Ty::Bool, Node::Bool(false));
            }
        };
        if let ExprKind::List(_) = r.kind {
            let qid = self.qid(q).to_string();
            self.error(
                r.span,
                "`contains` takes one option, not a list".into(),
                Some(format!(
                    "for any of several, write `{qid} in [a, b]`; for all of them, join `{qid} contains a and {qid} contains b`"
                )),
            );
            return Typed::plain(Ty::Bool, Node::Bool(false));
        }
        let op = self.operand(r);
        let rt = self.resolve(op, Ty::Set(q));
        match rt.node {
            Node::Sym(i) if rt.ty == Ty::Sym(q) => Typed::plain(Ty::Bool, Node::Has(Box::new(lt.node), i)),
            _ => {
                if rt.ty != Ty::Error {
                    let d = self.describe(&rt);
                    self.error(
                        r.span,
                        format!("the right side of `contains` must be an option of `{}`, but this is {d}", self.qid(q)),
                        None,
                    );
                }
                Typed::plain(Ty::Bool, Node::Bool(false))
            }
        }
    }

    fn call(&mut self, e: &Expr, name: &str, args: &[Expr]) -> Typed {
        const FUNCTIONS: [&str; 4] = ["count", "if", "max", "min"];
        match name {
            "max" | "min" => {
                if args.is_empty() {
                    self.error(e.span, format!("`{name}` needs at least one number"), None);
                    return Typed::error();
                }
                let mut nodes = Vec::new();
                for a in args {
                    let t = self.check(a);
                    if !matches!(t.ty, Ty::Num | Ty::Error) {
                        let d = self.describe(&t);
                        self.error(a.span, format!("`{name}` needs numbers, but this is {d}"), None);
                    }
                    nodes.push(t.node);
                }
                let node = if name == "max" { Node::Max(nodes) } else { Node::Min(nodes) };
                Typed::plain(Ty::Num, node)
            }
            "count" => {
                if args.len() != 1 {
                    self.error(
                        e.span,
                        format!("`count` takes one multiple-choice question, but got {} arguments", args.len()),
                        None,
                    );
                    return Typed::error();
                }
                let t = self.check(&args[0]);
                if !matches!(t.ty, Ty::Set(_) | Ty::Error) {
                    let d = self.describe(&t);
                    self.error(
                        args[0].span,
                        format!("`count` needs a multiple-choice question, but this is {d}"),
                        None,
                    );
                    return Typed::error();
                }
                Typed::plain(Ty::Num, Node::Count(Box::new(t.node)))
            }
            "if" => {
                if args.len() != 3 {
                    self.error(
                        e.span,
                        format!("`if` takes three arguments, `if(condition, then, otherwise)`, but got {}", args.len()),
                        None,
                    );
                    return Typed::error();
                }
                let c = self.boolean(&args[0], "the condition of `if`");
                let (a, b) = self.pair(&args[1], &args[2]);
                let ty = match (a.ty, b.ty) {
                    (Ty::Error, t) | (t, Ty::Error) => t,
                    (x, y) if Self::comparable(x, y) => x,
                    _ => {
                        let (ad, bd) = (self.describe(&a), self.describe(&b));
                        self.error(
                            e.span,
                            format!(
                                "the two results of `if` must be of the same kind, but one is {ad} and the other {bd}"
                            ),
                            None,
                        );
                        Ty::Error
                    }
                };
                Typed::plain(ty, Node::If(Box::new(c), Box::new(a.node), Box::new(b.node)))
            }
            _ => {
                let s = suggest(name, FUNCTIONS);
                self.error(
                    e.span,
                    format!("unknown function `{name}`{}", did_you_mean(s)),
                    Some(format!("the functions are: {}", FUNCTIONS.join(", "))),
                );
                for a in args {
                    self.check(a);
                }
                Typed::error()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::language::expr::parse;

    fn scope() -> Scope<'static> {
        let qs = vec![
            ("personal_data", QuestionType::YesNoUnknown, vec![]),
            ("subjects", QuestionType::Number, vec![]),
            ("cause", QuestionType::Single, vec!["phishing", "ransomware", "lost_device"]),
            ("data_categories", QuestionType::Multi, vec!["contact", "health", "financial"]),
            ("found_at", QuestionType::Datetime, vec![]),
            ("notes", QuestionType::Text, vec![]),
        ];
        let q_index = qs.iter().enumerate().map(|(i, q)| (q.0, i)).collect();
        Scope {
            questions: qs.into_iter().map(|(id, qtype, options)| QInfo { id, qtype, options }).collect(),
            q_index,
            let_index: [("severity", 0)].into_iter().collect(),
            let_types: vec![Some(Ty::Num)],
            let_qdeps: vec![QSet::one(1)],
        }
    }

    fn errors(src: &str) -> Vec<String> {
        let s = scope();
        let e = parse(src).unwrap();
        match check_condition(&s, &e, None, "a `when` condition") {
            Ok(_) => vec![],
            Err(errs) => errs.into_iter().map(|e| e.message).collect(),
        }
    }

    fn one_error(src: &str) -> ExprError {
        let s = scope();
        let e = parse(src).unwrap();
        let errs = check_condition(&s, &e, None, "a `when` condition").unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        errs.into_iter().next().unwrap()
    }

    fn node(src: &str) -> Node {
        check_condition(&scope(), &parse(src).unwrap(), None, "a `when` condition")
            .unwrap_or_else(|e| panic!("{src}: {e:?}"))
    }

    #[test]
    fn accepts_well_typed_conditions() {
        for ok in [
            "personal_data = yes and (subjects >= 100 or data_categories in [health, financial])",
            "personal_data",
            "not personal_data or personal_data != 'no'",
            "cause = ransomware or cause in ['phishing', lost_device]",
            "data_categories contains health and count(data_categories) >= 2",
            "severity * 2 + max(subjects, 3) / 4 > min(1, -2)",
            "if(personal_data, subjects, 0) > 10",
            "if(personal_data, cause, phishing) = ransomware",
            "found_at < found_at",
            "notes = 'none' and subjects in [1, 2, -3]",
        ] {
            node(ok);
        }
    }

    #[test]
    fn resolves_options_to_indices() {
        assert_eq!(node("cause = ransomware"), Node::Cmp(CmpOp::Eq, Box::new(Node::Q(2)), Box::new(Node::Sym(1))));
        assert_eq!(node("data_categories in [health, financial]"), Node::AnyOf(Box::new(Node::Q(3)), 0b110));
        assert_eq!(node("data_categories contains contact"), Node::Has(Box::new(Node::Q(3)), 0));
        assert_eq!(node("subjects in [-1]"), Node::In(Box::new(Node::Q(1)), vec![Node::Num(-1.0)]));
    }

    #[test]
    fn unknown_names_suggest() {
        let e = one_error("subjetcs > 10");
        assert_eq!(e.message, "unknown name `subjetcs`; did you mean `subjects`?");
        assert_eq!(e.span, (0, 8));
        let e = one_error("health = yes");
        assert_eq!(e.message, "unknown name `health`");
        assert_eq!(
            e.hint.as_deref(),
            Some("`health` is an option of `data_categories`; compare it with that question, as in `data_categories contains health`")
        );
    }

    #[test]
    fn options_are_checked() {
        let e = one_error("data_categories contains helth");
        assert_eq!(
            e.message,
            "`helth` is not an option of `data_categories`; the options are: contact, health, financial"
        );
        assert_eq!(e.hint.as_deref(), Some("did you mean `health`?"));
        assert_eq!(e.span, (25, 30));
        let e = one_error("cause in [ransomware, 'fishing']");
        assert_eq!(
            e.message,
            "`fishing` is not an option of `cause`; the options are: phishing, ransomware, lost_device"
        );
        assert_eq!(e.hint.as_deref(), Some("did you mean `phishing`?"));
    }

    #[test]
    fn type_errors_have_exact_messages() {
        let cases = [
            (
                "personal_data = 3",
                "cannot compare `personal_data` (a yes/no answer) with a number",
            ),
            (
                "cause < 3",
                "`<` needs numbers on both sides, but the left side is `cause` (a single choice)",
            ),
            (
                "subjects + personal_data > 1",
                "`+` needs numbers on both sides, but the right side is `personal_data` (a yes/no answer)",
            ),
            (
                "cause contains ransomware",
                "`contains` needs a multiple-choice question on its left, but the left side is `cause` (a single choice)",
            ),
            (
                "personal_data and subjects",
                "`and` needs yes/no values, but this is `subjects` (a number)",
            ),
            ("not cause", "`not` needs yes/no values, but this is `cause` (a single choice)"),
            (
                "if(subjects, yes, no)",
                "the condition of `if` needs yes/no values, but this is `subjects` (a number)",
            ),
            (
                "count(cause) > 1",
                "`count` needs a multiple-choice question, but this is `cause` (a single choice)",
            ),
            ("subjects + 1", "a `when` condition must be yes/no, but this is a number"),
            ("severity", "a `when` condition must be yes/no, but this is `severity` (a number)"),
            (
                "data_categories = health",
                "cannot compare `data_categories` (a multiple choice) with an option of `data_categories`",
            ),
            (
                "health in data_categories",
                "the right side of `in` must be a list, such as `[a, b]`",
            ),
            ("maxx(1) > 0", "unknown function `maxx`; did you mean `max`?"),
            (
                "[a] = 1",
                "a list can only stand on the right of `in`, as in `cause in [phishing, malware]`",
            ),
            (
                "if(personal_data, 1, yes) = 1",
                "the two results of `if` must be of the same kind, but one is a number and the other a yes/no value",
            ),
            (
                "notes = 3",
                "cannot compare `notes` (a text answer) with a number",
            ),
            (
                "subjects in [1, yes]",
                "cannot compare `subjects` (a number) with a yes/no value",
            ),
        ];
        for (src, msg) in cases {
            assert_eq!(errors(src), vec![msg.to_string()], "{src}");
        }
        let e = one_error("data_categories = health");
        assert!(e.hint.unwrap().contains("data_categories contains"));
        let e = one_error("health in data_categories");
        assert_eq!(
            e.hint.as_deref(),
            Some("to test whether `health` was chosen, write `data_categories contains health`")
        );
    }

    #[test]
    fn reports_every_error_once() {
        assert_eq!(
            errors("subjetcs > 1 and cause = fishing and nothing"),
            vec![
                "unknown name `subjetcs`; did you mean `subjects`?".to_string(),
                "`fishing` is not an option of `cause`; the options are: phishing, ransomware, lost_device".to_string(),
                "unknown name `nothing`".to_string(),
            ]
        );
    }

    #[test]
    fn show_if_may_only_look_back() {
        let s = scope();
        let e = parse("personal_data = yes and cause = phishing").unwrap();
        assert!(check_condition(&s, &e, Some(3), "a `show_if`").is_ok());
        let errs = check_condition(&s, &e, Some(1), "a `show_if`").unwrap_err();
        assert_eq!(
            errs[0].message,
            "`cause` is asked after `subjects`, so the `show_if` of `subjects` cannot depend on it"
        );
        assert_eq!(errs[0].span, (24, 29));
        let e = parse("severity > 1").unwrap();
        let errs = check_condition(&s, &e, Some(1), "a `show_if`").unwrap_err();
        assert_eq!(
            errs[0].message,
            "`severity` depends on `subjects`, which is not asked before `subjects`, so the `show_if` of `subjects` cannot use it"
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("subjetcs", ["subjects", "cause"]), Some("subjects"));
        assert_eq!(suggest("isolate-sytems", ["isolate-systems"]), Some("isolate-systems"));
        assert_eq!(suggest("xyz", ["subjects"]), None);
        assert_eq!(suggest("Cause", ["cause"]), Some("cause"));
    }
}
