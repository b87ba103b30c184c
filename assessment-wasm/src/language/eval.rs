//! Three-valued evaluation of checked expressions.
//!
//! [`Node`] is the resolved form the type checker ([`crate::language::typecheck`]) produces
//! and [`crate::compile::Compiled`] stores: names are indices, option values
//! are option indices, so evaluation does no lookups. Every operation is
//! monotone in the information order (replacing a known value by
//! [`Val::Unknown`] can only turn a definite result into `Unknown`), which is
//! what makes "an unknown answer never lowers the outcome" hold.
//!
//! Alongside each value the evaluator keeps the *witnesses* (the questions
//! whose answers decided it) and, for unknown results, the unknown questions
//! that would decide it.

#[cfg(test)]
use serde::{Deserialize, Serialize};

/// A checked expression. Indices refer to the compiled assessment:
/// `Q(i)` its i-th question, `Let(i)` its i-th `let` (in evaluation order),
/// `Sym(i)` the i-th option of the question it is compared with.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
#[cfg_attr(test, serde(rename_all = "snake_case"))]
pub enum Node {
    Bool(bool),
    Num(f64),
    Text(String),
    Sym(u32),
    Q(u32),
    Let(u32),
    Not(Box<Node>),
    And(Vec<Node>),
    Or(Vec<Node>),
    Neg(Box<Node>),
    Arith(ArithOp, Box<Node>, Box<Node>),
    Cmp(CmpOp, Box<Node>, Box<Node>),
    /// Membership of a single value in a list of constants.
    In(Box<Node>, Vec<Node>),
    /// A multi-choice value has at least one of the options in the mask.
    AnyOf(Box<Node>, u64),
    /// A multi-choice value has the option.
    Has(Box<Node>, u32),
    Count(Box<Node>),
    Max(Vec<Node>),
    Min(Vec<Node>),
    If(Box<Node>, Box<Node>, Box<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
#[cfg_attr(test, serde(rename_all = "snake_case"))]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
#[cfg_attr(test, serde(rename_all = "snake_case"))]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Node {
    /// Calls `f` on every direct child.
    pub fn for_each_child<'n>(&'n self, mut f: impl FnMut(&'n Node)) {
        match self {
            Node::Bool(_) | Node::Num(_) | Node::Text(_) | Node::Sym(_) => {}
            Node::Q(_) | Node::Let(_) => {}
            Node::Not(a) | Node::Neg(a) | Node::AnyOf(a, _) | Node::Has(a, _) | Node::Count(a) => f(a),
            Node::And(v) | Node::Or(v) | Node::Max(v) | Node::Min(v) => v.iter().for_each(f),
            Node::Arith(_, a, b) | Node::Cmp(_, a, b) => {
                f(a);
                f(b)
            }
            Node::In(a, v) => {
                f(a);
                v.iter().for_each(f)
            }
            Node::If(c, a, b) => {
                f(c);
                f(a);
                f(b)
            }
        }
    }

    /// Calls `f` on this node and every node below it.
    pub fn walk<'n>(&'n self, f: &mut impl FnMut(&'n Node)) {
        f(self);
        self.for_each_child(|c| c.walk(f));
    }
}

/// A set of question indices: inline for the first 128 questions, so the
/// common case never allocates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QSet {
    small: u128,
    big: Vec<u64>,
}

impl QSet {
    pub fn new() -> QSet {
        QSet::default()
    }

    pub fn one(i: usize) -> QSet {
        let mut s = QSet::new();
        s.insert(i);
        s
    }

    pub fn insert(&mut self, i: usize) {
        if i < 128 {
            self.small |= 1 << i;
        } else {
            let (w, b) = ((i - 128) / 64, (i - 128) % 64);
            if self.big.len() <= w {
                self.big.resize(w + 1, 0);
            }
            self.big[w] |= 1 << b;
        }
    }

    pub fn contains(&self, i: usize) -> bool {
        if i < 128 {
            self.small >> i & 1 == 1
        } else {
            let (w, b) = ((i - 128) / 64, (i - 128) % 64);
            self.big.get(w).is_some_and(|x| x >> b & 1 == 1)
        }
    }

    pub fn union_with(&mut self, other: &QSet) {
        self.small |= other.small;
        if self.big.len() < other.big.len() {
            self.big.resize(other.big.len(), 0);
        }
        for (a, b) in self.big.iter_mut().zip(&other.big) {
            *a |= b;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.small == 0 && self.big.iter().all(|w| *w == 0)
    }

    /// The members in increasing order.
    pub fn iter(&self) -> QSetIter<'_> {
        QSetIter { set: self, at: 0 }
    }

    /// The largest member, if any.
    pub fn max(&self) -> Option<usize> {
        for (w, bits) in self.big.iter().enumerate().rev() {
            if *bits != 0 {
                return Some(128 + w * 64 + 63 - bits.leading_zeros() as usize);
            }
        }
        (self.small != 0).then(|| 127 - self.small.leading_zeros() as usize)
    }
}

/// The members of a [`QSet`] in increasing order. A plain scan: the
/// adapter chain it replaced cost over 2 KB of WebAssembly per use.
pub struct QSetIter<'a> {
    set: &'a QSet,
    at: usize,
}

impl Iterator for QSetIter<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let end = 128 + self.set.big.len() * 64;
        while self.at < end {
            let i = self.at;
            self.at += 1;
            if self.set.contains(i) {
                return Some(i);
            }
        }
        None
    }
}

/// A runtime value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val<'a> {
    Bool(bool),
    Num(f64),
    /// The chosen option of a single-choice question, by index.
    Sym(u32),
    /// The chosen options of a multi-choice question, as a bit mask.
    Set(u64),
    Text(&'a str),
    /// Unix milliseconds.
    Time(i64),
    /// The question was not asked (its `show_if` is false): a definite value
    /// that equals nothing.
    Absent,
    /// Not known (yet); see [`Ev::unknown_on`].
    Unknown,
}

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown,
}

/// A value with its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Ev<'a> {
    pub val: Val<'a>,
    /// The questions whose (known) answers decided the value.
    pub witnesses: QSet,
    /// For an unknown value: the unknown questions it depends on.
    pub unknown_on: QSet,
}

impl<'a> Ev<'a> {
    pub fn known(val: Val<'a>, witnesses: QSet) -> Ev<'a> {
        Ev { val, witnesses, unknown_on: QSet::new() }
    }

    pub fn constant(val: Val<'a>) -> Ev<'a> {
        Ev::known(val, QSet::new())
    }

    pub fn unknown(unknown_on: QSet, witnesses: QSet) -> Ev<'a> {
        Ev { val: Val::Unknown, witnesses, unknown_on }
    }

    /// The value read as a condition: not asked counts as false. Values of
    /// other types never reach a condition in checked code; they read as
    /// unknown so that nothing is ever decided on a malformed input.
    pub fn truth(&self) -> Tri {
        match self.val {
            Val::Bool(true) => Tri::True,
            Val::Bool(false) | Val::Absent => Tri::False,
            _ => Tri::Unknown,
        }
    }
}

/// The values of one evaluation: question values set by the caller, `let`
/// values computed on first use and remembered.
pub struct Env<'a> {
    lets: Vec<&'a Node>,
    questions: Vec<Ev<'a>>,
    cache: Vec<Option<Ev<'a>>>,
}

impl<'a> Env<'a> {
    /// `lets` in evaluation order: a `let` may refer only to earlier ones.
    /// Every question starts unknown.
    pub fn new(lets: Vec<&'a Node>, question_count: usize) -> Env<'a> {
        let cache = vec![None; lets.len()];
        let questions = (0..question_count).map(|i| Ev::unknown(QSet::one(i), QSet::new())).collect();
        Env { lets, questions, cache }
    }

    pub fn set_question(&mut self, i: usize, ev: Ev<'a>) {
        if let Some(slot) = self.questions.get_mut(i) {
            *slot = ev;
        }
    }

    pub fn question(&self, i: usize) -> Option<&Ev<'a>> {
        self.questions.get(i)
    }

    /// Forgets remembered `let` values (after questions changed).
    pub fn clear_lets(&mut self) {
        self.cache.iter_mut().for_each(|c| *c = None);
    }

    pub fn eval(&mut self, node: &'a Node) -> Ev<'a> {
        match node {
            Node::Bool(b) => Ev::constant(Val::Bool(*b)),
            Node::Num(n) => Ev::constant(Val::Num(*n)),
            Node::Text(s) => Ev::constant(Val::Text(s)),
            Node::Sym(i) => Ev::constant(Val::Sym(*i)),
            Node::Q(i) => {
                self.questions.get(*i as usize).cloned().unwrap_or_else(|| Ev::unknown(QSet::new(), QSet::new()))
            }
            Node::Let(i) => self.eval_let(*i as usize),
            Node::Not(a) => {
                let mut e = self.eval(a);
                e.val = match e.truth() {
                    Tri::True => Val::Bool(false),
                    Tri::False => Val::Bool(true),
                    Tri::Unknown => Val::Unknown,
                };
                e
            }
            Node::And(items) => self.junction(items, Tri::False),
            Node::Or(items) => self.junction(items, Tri::True),
            Node::Neg(a) => {
                let mut e = self.eval(a);
                e.val = match e.val {
                    Val::Num(n) => Val::Num(-n),
                    Val::Absent => Val::Absent,
                    _ => Val::Unknown,
                };
                e
            }
            Node::Arith(op, a, b) => {
                let (ea, eb) = (self.eval(a), self.eval(b));
                combine(ea, eb, |x, y| match (x, y) {
                    (Val::Absent, _) | (_, Val::Absent) => Some(Val::Absent),
                    (Val::Num(x), Val::Num(y)) => Some(Val::Num(match op {
                        ArithOp::Add => x + y,
                        ArithOp::Sub => x - y,
                        ArithOp::Mul => x * y,
                        ArithOp::Div => x / y,
                    })),
                    _ => None,
                })
            }
            Node::Cmp(op, a, b) => {
                let (ea, eb) = (self.eval(a), self.eval(b));
                let op = *op;
                combine(ea, eb, |x, y| {
                    if x == Val::Absent || y == Val::Absent {
                        return Some(Val::Bool(op == CmpOp::Ne));
                    }
                    compare(op, x, y).map(Val::Bool)
                })
            }
            Node::In(a, items) => {
                let ea = self.eval(a);
                let mut found = false;
                for item in items {
                    let ei = self.eval(item);
                    if compare(CmpOp::Eq, ea.val, ei.val) == Some(true) {
                        found = true;
                        break;
                    }
                }
                map_value(ea, |v| match v {
                    Val::Absent => Some(Val::Bool(false)),
                    Val::Unknown => None,
                    _ => Some(Val::Bool(found)),
                })
            }
            Node::AnyOf(a, mask) => {
                let mask = *mask;
                map_value(self.eval(a), |v| match v {
                    Val::Set(s) => Some(Val::Bool(s & mask != 0)),
                    Val::Absent => Some(Val::Bool(false)),
                    _ => None,
                })
            }
            Node::Has(a, i) => {
                let i = *i;
                map_value(self.eval(a), |v| match v {
                    Val::Set(s) => Some(Val::Bool(i < 64 && s >> i & 1 == 1)),
                    Val::Absent => Some(Val::Bool(false)),
                    _ => None,
                })
            }
            Node::Count(a) => map_value(self.eval(a), |v| match v {
                Val::Set(s) => Some(Val::Num(f64::from(s.count_ones()))),
                Val::Absent => Some(Val::Num(0.0)),
                _ => None,
            }),
            Node::Max(items) => self.extremum(items, f64::max),
            Node::Min(items) => self.extremum(items, f64::min),
            Node::If(c, a, b) => {
                let ec = self.eval(c);
                match ec.truth() {
                    Tri::True => with_witnesses(self.eval(a), &ec),
                    Tri::False => with_witnesses(self.eval(b), &ec),
                    Tri::Unknown => {
                        let (ea, eb) = (self.eval(a), self.eval(b));
                        let mut w = ec.witnesses.clone();
                        w.union_with(&ea.witnesses);
                        w.union_with(&eb.witnesses);
                        // Either branch could be taken; only agreement decides.
                        if ea.val != Val::Unknown && ea.val == eb.val {
                            return Ev::known(ea.val, w);
                        }
                        let mut u = ec.unknown_on;
                        u.union_with(&ea.unknown_on);
                        u.union_with(&eb.unknown_on);
                        Ev::unknown(u, w)
                    }
                }
            }
        }
    }

    fn eval_let(&mut self, i: usize) -> Ev<'a> {
        if let Some(Some(e)) = self.cache.get(i) {
            return e.clone();
        }
        let Some(node) = self.lets.get(i).copied() else {
            return Ev::unknown(QSet::new(), QSet::new());
        };
        let e = self.eval(node);
        self.cache[i] = Some(e.clone());
        e
    }

    /// `and` (`decisive` = false) and `or` (`decisive` = true), Kleene style:
    /// one decisive operand decides, and is the only witness.
    fn junction(&mut self, items: &'a [Node], decisive: Tri) -> Ev<'a> {
        let mut witnesses = QSet::new();
        let mut unknown_on = QSet::new();
        let mut any_unknown = false;
        for item in items {
            let e = self.eval(item);
            match e.truth() {
                t if t == decisive => {
                    return Ev::known(Val::Bool(decisive == Tri::True), e.witnesses);
                }
                Tri::Unknown => {
                    any_unknown = true;
                    unknown_on.union_with(&e.unknown_on);
                    witnesses.union_with(&e.witnesses);
                }
                _ => witnesses.union_with(&e.witnesses),
            }
        }
        if any_unknown {
            Ev::unknown(unknown_on, witnesses)
        } else {
            Ev::known(Val::Bool(decisive != Tri::True), witnesses)
        }
    }

    fn extremum(&mut self, items: &'a [Node], pick: fn(f64, f64) -> f64) -> Ev<'a> {
        let mut acc: Option<Ev<'a>> = None;
        for item in items {
            let e = self.eval(item);
            acc = Some(match acc {
                None => map_value(e, |v| match v {
                    Val::Num(_) | Val::Absent => Some(v),
                    _ => None,
                }),
                Some(prev) => combine(prev, e, |x, y| match (x, y) {
                    (Val::Absent, _) | (_, Val::Absent) => Some(Val::Absent),
                    (Val::Num(x), Val::Num(y)) => Some(Val::Num(pick(x, y))),
                    _ => None,
                }),
            });
        }
        acc.unwrap_or_else(|| Ev::unknown(QSet::new(), QSet::new()))
    }
}

/// Compares two known values; `None` when they cannot be compared.
fn compare(op: CmpOp, x: Val<'_>, y: Val<'_>) -> Option<bool> {
    use std::cmp::Ordering;
    let ord = match (x, y) {
        (Val::Num(a), Val::Num(b)) => a.partial_cmp(&b),
        (Val::Time(a), Val::Time(b)) => Some(a.cmp(&b)),
        (Val::Bool(a), Val::Bool(b)) => return eq_only(op, a == b),
        (Val::Sym(a), Val::Sym(b)) => return eq_only(op, a == b),
        (Val::Set(a), Val::Set(b)) => return eq_only(op, a == b),
        (Val::Text(a), Val::Text(b)) => return eq_only(op, a == b),
        _ => return None,
    };
    // NaN (from 0 / 0) is equal to nothing and unordered.
    let Some(ord) = ord else {
        return Some(op == CmpOp::Ne);
    };
    Some(match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::Ne => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::Le => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::Ge => ord != Ordering::Less,
    })
}

fn eq_only(op: CmpOp, equal: bool) -> Option<bool> {
    match op {
        CmpOp::Eq => Some(equal),
        CmpOp::Ne => Some(!equal),
        _ => None,
    }
}

/// Applies a binary operation. `Absent` on either side decides the result
/// whatever the other side is (so `f` is asked even if the other side is
/// unknown); otherwise an unknown side makes the result unknown.
fn combine<'a>(a: Ev<'a>, b: Ev<'a>, f: impl FnOnce(Val<'a>, Val<'a>) -> Option<Val<'a>>) -> Ev<'a> {
    let (a_absent, b_absent) = (a.val == Val::Absent, b.val == Val::Absent);
    if a_absent || b_absent {
        // Only the absent side(s) explain the result.
        let mut w = QSet::new();
        if a_absent {
            w.union_with(&a.witnesses);
        }
        if b_absent {
            w.union_with(&b.witnesses);
        }
        return match f(a.val, b.val) {
            Some(v) => Ev::known(v, w),
            None => Ev::unknown(QSet::new(), w),
        };
    }
    let mut w = a.witnesses;
    w.union_with(&b.witnesses);
    if a.val == Val::Unknown || b.val == Val::Unknown {
        let mut u = a.unknown_on;
        u.union_with(&b.unknown_on);
        return Ev::unknown(u, w);
    }
    match f(a.val, b.val) {
        Some(v) => Ev::known(v, w),
        None => Ev::unknown(QSet::new(), w),
    }
}

fn map_value<'a>(e: Ev<'a>, f: impl FnOnce(Val<'a>) -> Option<Val<'a>>) -> Ev<'a> {
    let val = if e.val == Val::Unknown { None } else { f(e.val) };
    match val {
        Some(v) => Ev::known(v, e.witnesses),
        None => {
            let u = if e.val == Val::Unknown { e.unknown_on } else { QSet::new() };
            Ev::unknown(u, e.witnesses)
        }
    }
}

fn with_witnesses<'a>(mut e: Ev<'a>, cond: &Ev<'a>) -> Ev<'a> {
    e.witnesses.union_with(&cond.witnesses);
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(i: u32) -> Box<Node> {
        Box::new(Node::Q(i))
    }

    fn set(i: usize) -> QSet {
        QSet::one(i)
    }

    /// An environment with these question values, each its own witness.
    fn env(values: &[Val<'static>]) -> Env<'static> {
        let mut e = Env::new(Vec::new(), values.len());
        for (i, v) in values.iter().enumerate() {
            let ev = match v {
                Val::Unknown => Ev::unknown(set(i), QSet::new()),
                // Not asked: explained by what hid it, here nothing.
                Val::Absent => Ev::known(Val::Absent, QSet::new()),
                v => Ev::known(*v, set(i)),
            };
            e.set_question(i, ev);
        }
        e
    }

    fn eval_with(values: &[Val<'static>], node: &Node) -> Ev<'static> {
        // Leak so the node outlives the environment in these small tests.
        let node: &'static Node = Box::leak(Box::new(node.clone()));
        env(values).eval(node)
    }

    const T: Val<'static> = Val::Bool(true);
    const F: Val<'static> = Val::Bool(false);
    const U: Val<'static> = Val::Unknown;

    #[test]
    fn kleene_truth_tables() {
        let and = Node::And(vec![Node::Q(0), Node::Q(1)]);
        let or = Node::Or(vec![Node::Q(0), Node::Q(1)]);
        let not = Node::Not(q(0));
        let cases = [
            (T, T, Val::Bool(true), Val::Bool(true)),
            (T, F, Val::Bool(false), Val::Bool(true)),
            (F, T, Val::Bool(false), Val::Bool(true)),
            (F, F, Val::Bool(false), Val::Bool(false)),
            (T, U, Val::Unknown, Val::Bool(true)),
            (U, T, Val::Unknown, Val::Bool(true)),
            (F, U, Val::Bool(false), Val::Unknown),
            (U, F, Val::Bool(false), Val::Unknown),
            (U, U, Val::Unknown, Val::Unknown),
            // Not asked reads as false in a condition.
            (Val::Absent, T, Val::Bool(false), Val::Bool(true)),
            (Val::Absent, U, Val::Bool(false), Val::Unknown),
        ];
        for (a, b, want_and, want_or) in cases {
            assert_eq!(eval_with(&[a, b], &and).val, want_and, "{a:?} and {b:?}");
            assert_eq!(eval_with(&[a, b], &or).val, want_or, "{a:?} or {b:?}");
        }
        assert_eq!(eval_with(&[T], &not).val, F);
        assert_eq!(eval_with(&[F], &not).val, T);
        assert_eq!(eval_with(&[U], &not).val, U);
        assert_eq!(eval_with(&[Val::Absent], &not).val, T);
    }

    #[test]
    fn witnesses_follow_what_decided() {
        let and = Node::And(vec![Node::Q(0), Node::Q(1), Node::Q(2)]);
        let or = Node::Or(vec![Node::Q(0), Node::Q(1), Node::Q(2)]);
        let all: QSet = [0, 1, 2].into_iter().fold(QSet::new(), |mut s, i| {
            s.insert(i);
            s
        });
        // `and` true: every operand; false: the (first) false one.
        assert_eq!(eval_with(&[T, T, T], &and).witnesses, all);
        assert_eq!(eval_with(&[T, F, F], &and).witnesses, set(1));
        // `or` true: the true one; false: every operand.
        assert_eq!(eval_with(&[F, T, T], &or).witnesses, set(1));
        assert_eq!(eval_with(&[F, F, F], &or).witnesses, all);
        // Unknown: the unknown questions that matter, and what is known.
        let e = eval_with(&[T, U, U], &and);
        assert_eq!(e.val, Val::Unknown);
        let mut u = set(1);
        u.insert(2);
        assert_eq!(e.unknown_on, u);
        assert_eq!(e.witnesses, set(0));
        // A definite result has no unknowns, even if some operand was one.
        let e = eval_with(&[U, F, U], &and);
        assert_eq!(e.val, F);
        assert!(e.unknown_on.is_empty());
        // Comparisons: both sides.
        let cmp = Node::Cmp(CmpOp::Ge, Box::new(Node::Arith(ArithOp::Add, q(0), q(1))), Box::new(Node::Num(3.0)));
        let e = eval_with(&[Val::Num(1.0), Val::Num(2.0)], &cmp);
        assert_eq!(e.val, T);
        let mut both = set(0);
        both.insert(1);
        assert_eq!(e.witnesses, both);
    }

    #[test]
    fn witnesses_pass_through_lets() {
        let lets = [Node::Arith(ArithOp::Mul, q(0), q(1))];
        let cond = Node::Cmp(CmpOp::Gt, Box::new(Node::Let(0)), Box::new(Node::Num(5.0)));
        let mut e = Env::new(lets.iter().collect(), 3);
        e.set_question(0, Ev::known(Val::Num(2.0), set(0)));
        e.set_question(1, Ev::known(Val::Num(3.0), set(1)));
        let r = e.eval(&cond);
        assert_eq!(r.val, T);
        assert_eq!(r.witnesses.iter().collect::<Vec<_>>(), vec![0, 1]);
    }

    #[test]
    fn absent_equals_nothing() {
        let a = Val::Absent;
        let cases: Vec<(Node, Val<'static>)> = vec![
            (Node::Cmp(CmpOp::Eq, q(0), Box::new(Node::Sym(1))), F),
            (Node::Cmp(CmpOp::Ne, q(0), Box::new(Node::Sym(1))), T),
            (Node::Cmp(CmpOp::Lt, q(0), Box::new(Node::Num(1.0))), F),
            (Node::Cmp(CmpOp::Gt, q(0), Box::new(Node::Num(1.0))), F),
            (Node::In(q(0), vec![Node::Sym(0), Node::Sym(1)]), F),
            (Node::Has(q(0), 0), F),
            (Node::AnyOf(q(0), 0b11), F),
            (Node::Count(q(0)), Val::Num(0.0)),
            (Node::Arith(ArithOp::Add, q(0), Box::new(Node::Num(1.0))), Val::Absent),
            (Node::Neg(q(0)), Val::Absent),
            (Node::Max(vec![Node::Num(1.0), Node::Q(0)]), Val::Absent),
        ];
        for (node, want) in cases {
            assert_eq!(eval_with(&[a], &node).val, want, "{node:?}");
            // Absent decides even when the other side is unknown.
            if let Node::Cmp(op, _, _) = &node {
                let other = Node::Cmp(*op, q(0), q(1));
                assert_eq!(eval_with(&[a, U], &other).val, want, "{node:?} with unknown");
            }
        }
    }

    #[test]
    fn unknown_propagates_through_values() {
        for node in [
            Node::Cmp(CmpOp::Eq, q(0), Box::new(Node::Num(1.0))),
            Node::Arith(ArithOp::Mul, q(0), Box::new(Node::Num(0.0))),
            Node::Count(q(0)),
            Node::Has(q(0), 1),
            Node::In(q(0), vec![Node::Sym(0)]),
            Node::Max(vec![Node::Num(1.0), Node::Q(0)]),
        ] {
            let e = eval_with(&[U], &node);
            assert_eq!(e.val, U, "{node:?}");
            assert_eq!(e.unknown_on, set(0));
        }
    }

    #[test]
    fn choices_and_counts() {
        let chosen = Val::Set(0b101);
        assert_eq!(eval_with(&[chosen], &Node::Has(q(0), 2)).val, T);
        assert_eq!(eval_with(&[chosen], &Node::Has(q(0), 1)).val, F);
        assert_eq!(eval_with(&[chosen], &Node::AnyOf(q(0), 0b010)).val, F);
        assert_eq!(eval_with(&[chosen], &Node::AnyOf(q(0), 0b110)).val, T);
        assert_eq!(eval_with(&[chosen], &Node::Count(q(0))).val, Val::Num(2.0));
        let single = Node::In(q(0), vec![Node::Sym(0), Node::Sym(2)]);
        assert_eq!(eval_with(&[Val::Sym(2)], &single).val, T);
        assert_eq!(eval_with(&[Val::Sym(1)], &single).val, F);
    }

    #[test]
    fn if_with_unknown_condition_needs_agreement() {
        let same = Node::If(q(0), Box::new(Node::Num(1.0)), Box::new(Node::Num(1.0)));
        assert_eq!(eval_with(&[U], &same).val, Val::Num(1.0));
        let differ = Node::If(q(0), Box::new(Node::Num(1.0)), Box::new(Node::Num(2.0)));
        let e = eval_with(&[U], &differ);
        assert_eq!(e.val, U);
        assert_eq!(e.unknown_on, set(0));
        assert_eq!(eval_with(&[T], &differ).val, Val::Num(1.0));
        assert_eq!(eval_with(&[F], &differ).val, Val::Num(2.0));
    }

    #[test]
    fn arithmetic_and_division_by_zero() {
        let div = Node::Arith(ArithOp::Div, q(0), q(1));
        assert_eq!(eval_with(&[Val::Num(6.0), Val::Num(4.0)], &div).val, Val::Num(1.5));
        // 0 / 0 is NaN: equal to nothing, not greater or smaller.
        let nan_eq = Node::Cmp(CmpOp::Eq, Box::new(div.clone()), Box::new(Node::Num(0.0)));
        let nan_ne = Node::Cmp(CmpOp::Ne, Box::new(div.clone()), Box::new(Node::Num(0.0)));
        let zero = [Val::Num(0.0), Val::Num(0.0)];
        assert_eq!(eval_with(&zero, &nan_eq).val, F);
        assert_eq!(eval_with(&zero, &nan_ne).val, T);
    }

    #[test]
    fn qset_beyond_128() {
        let mut s = QSet::new();
        for i in [0, 127, 128, 300, 5] {
            s.insert(i);
        }
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 5, 127, 128, 300]);
        assert!(s.contains(300) && !s.contains(299));
        assert_eq!(s.max(), Some(300));
        let mut t = QSet::one(700);
        t.union_with(&s);
        assert_eq!(t.max(), Some(700));
        assert_eq!(QSet::new().max(), None);
    }

    // Questions of the random expressions: 0, 1 yes/no; 2 number;
    // 3 single with three options; 4 multi with three options.
    fn arb_num(bools: BoxedStrategy<Node>) -> BoxedStrategy<Node> {
        let leaf =
            prop_oneof![Just(Node::Q(2)), (0u8..6).prop_map(|n| Node::Num(f64::from(n))), Just(Node::Count(q(4))),];
        leaf.prop_recursive(2, 8, 3, move |inner| {
            let ops = prop_oneof![Just(ArithOp::Add), Just(ArithOp::Sub), Just(ArithOp::Mul)];
            prop_oneof![
                (ops, inner.clone(), inner.clone()).prop_map(|(op, a, b)| Node::Arith(op, Box::new(a), Box::new(b))),
                prop::collection::vec(inner.clone(), 1..3).prop_map(Node::Max),
                prop::collection::vec(inner.clone(), 1..3).prop_map(Node::Min),
                inner.clone().prop_map(|a| Node::Neg(Box::new(a))),
                (bools.clone(), inner.clone(), inner).prop_map(|(c, a, b)| Node::If(
                    Box::new(c),
                    Box::new(a),
                    Box::new(b)
                )),
            ]
        })
        .boxed()
    }

    fn arb_bool() -> impl Strategy<Value = Node> {
        let cmp_op = prop_oneof![
            Just(CmpOp::Eq),
            Just(CmpOp::Ne),
            Just(CmpOp::Lt),
            Just(CmpOp::Le),
            Just(CmpOp::Gt),
            Just(CmpOp::Ge),
        ];
        let leaf = prop_oneof![
            Just(Node::Q(0)),
            Just(Node::Q(1)),
            (0u32..3).prop_map(|i| Node::Cmp(CmpOp::Eq, q(3), Box::new(Node::Sym(i)))),
            (0u32..3).prop_map(|i| Node::Cmp(CmpOp::Ne, q(3), Box::new(Node::Sym(i)))),
            (0u32..3).prop_map(|i| Node::Has(q(4), i)),
            (0u64..8).prop_map(|m| Node::AnyOf(q(4), m)),
            prop::collection::vec((0u32..3).prop_map(Node::Sym), 0..3).prop_map(|v| Node::In(q(3), v)),
            (cmp_op.clone(), 0u8..6).prop_map(|(op, n)| Node::Cmp(op, q(2), Box::new(Node::Num(f64::from(n))))),
            any::<bool>().prop_map(Node::Bool),
        ];
        leaf.prop_recursive(4, 24, 3, move |inner| {
            let num = arb_num(inner.clone().boxed());
            prop_oneof![
                inner.clone().prop_map(|a| Node::Not(Box::new(a))),
                prop::collection::vec(inner.clone(), 2..4).prop_map(Node::And),
                prop::collection::vec(inner.clone(), 2..4).prop_map(Node::Or),
                (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, a, b)| Node::If(
                    Box::new(c),
                    Box::new(a),
                    Box::new(b)
                )),
                (cmp_op.clone(), num.clone(), num).prop_map(|(op, a, b)| Node::Cmp(op, Box::new(a), Box::new(b))),
                (inner.clone(), inner).prop_map(|(a, b)| Node::Cmp(CmpOp::Eq, Box::new(a), Box::new(b))),
            ]
        })
    }

    fn arb_values() -> impl Strategy<Value = Vec<Val<'static>>> {
        let absent_or = |s: BoxedStrategy<Val<'static>>| prop_oneof![4 => s, 1 => Just(Val::Absent)];
        (
            absent_or(any::<bool>().prop_map(Val::Bool).boxed()),
            absent_or(any::<bool>().prop_map(Val::Bool).boxed()),
            absent_or((0u8..7).prop_map(|n| Val::Num(f64::from(n))).boxed()),
            absent_or((0u32..3).prop_map(Val::Sym).boxed()),
            absent_or((0u64..8).prop_map(Val::Set).boxed()),
        )
            .prop_map(|(a, b, c, d, e)| vec![a, b, c, d, e])
    }

    proptest! {
        /// Replacing one known value by unknown never changes a definite
        /// result into another definite result: it stays or becomes unknown.
        #[test]
        fn evaluation_is_monotone(node in arb_bool(), values in arb_values(), which in 0usize..5) {
            let before = eval_with(&values, &node);
            let mut less = values.clone();
            less[which] = Val::Unknown;
            let after = eval_with(&less, &node);
            prop_assert!(
                after.val == Val::Unknown || after.val == before.val,
                "{node:?}: {:?} became {:?}", before.val, after.val
            );
            if before.val == Val::Unknown {
                prop_assert_eq!(after.val, Val::Unknown);
            }
        }
    }
}
