//! Reads a [`Compiled`] assessment from parsed JSON by hand.
//!
//! The derived `Deserialize` impls of the compiled types cost about 100 KB
//! of WebAssembly; reading the assessment from a [`crate::wire::json::Value`],
//! which the page needs for its answers anyway, keeps the engine small.
//! The format is what `compile/write.rs` writes (round-trip tests hold the
//! two together, and hold both to the serde derives that exist only in
//! tests); unknown keys are ignored, as the derived reader would.
//!
//! The reader does not stop at the first problem: it notes it, goes on with
//! an empty value, and reports only that first problem at the end. The
//! result is the same as returning early, and without a `?` after every
//! field the code is a fraction of the size.

use crate::compile::{CAction, CArea, CLet, COption, CQuestion, CRule, CVariant, CVerdict, Compiled};
use crate::definition::{ContactInfo, Kind, PhaseInfo, QuestionType, SourceInfo, Track};
use crate::language::eval::{ArithOp, CmpOp, Node};
use crate::time::{parse_due, Due};
use crate::wire::json::{Object as Obj, Value};
use crate::wire::numfmt::parse_i64;

pub fn compiled(v: &Value) -> Result<Compiled, String> {
    let mut r = Reader { problem: None };
    let c = r.compiled(v);
    match r.problem {
        Some(p) => Err(p),
        None => Ok(c),
    }
}

/// What stands in for a value that is not an object.
static EMPTY: Obj = Obj::new();

struct Reader {
    /// The first problem found.
    problem: Option<String>,
}

impl Reader {
    fn fail(&mut self, problem: String) {
        if self.problem.is_none() {
            self.problem = Some(problem);
        }
    }

    fn compiled(&mut self, v: &Value) -> Compiled {
        let m = self.obj(v, "the compiled assessment");
        Compiled {
            id: self.string(m, "id"),
            kind: match self.string(m, "kind").as_str() {
                "triage" => Kind::Triage,
                "readiness" => Kind::Readiness,
                "training" => Kind::Training,
                other => {
                    self.fail(format!("unknown kind `{other}`"));
                    Kind::Triage
                }
            },
            lang: self.string(m, "lang"),
            title: self.string(m, "title"),
            intro: self.opt_string(m, "intro"),
            hash: self.string(m, "hash"),
            areas: self.list(m, "areas", |r, v| {
                let m = r.obj(v, "an area");
                CArea { id: r.string(m, "id"), title: r.string(m, "title") }
            }),
            questions: self.list(m, "questions", Reader::question),
            lets: self.list(m, "lets", |r, v| {
                let m = r.obj(v, "a let");
                CLet {
                    id: r.string(m, "id"),
                    label: r.opt_string(m, "label"),
                    expr: r.node_field(m, "expr"),
                    src: r.string(m, "src"),
                }
            }),
            verdicts: self.list(m, "verdicts", |r, v| {
                let m = r.obj(v, "a verdict");
                CVerdict {
                    id: r.string(m, "id"),
                    title: r.string(m, "title"),
                    yes: r.opt_string(m, "yes"),
                    no: r.opt_string(m, "no"),
                    due: r.opt_string(m, "due").map(|d| r.due(&d)),
                    window_ms: r.opt_i64(m, "window_ms"),
                    contact: r.opt_string(m, "contact"),
                    variants: r.list(m, "variants", |r, v| {
                        let m = r.obj(v, "a text variant");
                        CVariant {
                            when: r.node_field(m, "when"),
                            src: r.string(m, "src"),
                            yes: r.opt_string(m, "yes"),
                            no: r.opt_string(m, "no"),
                        }
                    }),
                }
            }),
            rules: self.list(m, "rules", |r, v| {
                let m = r.obj(v, "a rule");
                CRule {
                    id: r.string(m, "id"),
                    when: r.node_field(m, "when"),
                    src: r.string(m, "src"),
                    reason: r.opt_string(m, "reason"),
                    verdicts: r.list(m, "verdicts", |r, v| r.index(v, "verdicts")),
                    actions: r.list(m, "actions", |r, v| r.index(v, "actions")),
                }
            }),
            actions: self.list(m, "actions", Reader::action),
            contacts: self.list(m, "contacts", Reader::contact),
            phases: self.list(m, "phases", |r, v| {
                let m = r.obj(v, "a phase");
                PhaseInfo {
                    id: r.string(m, "id"),
                    title: r.string(m, "title"),
                    order: match r.field(m, "order").map(Value::as_i64) {
                        Some(Some(n)) => n,
                        Some(None) => {
                            r.fail("`order` must be a whole number".into());
                            0
                        }
                        None => 0,
                    },
                    url: r.string(m, "url"),
                }
            }),
            // Presets are for the page; the engine never reads them.
            presets: Vec::new(),
        }
    }

    fn question(&mut self, v: &Value) -> CQuestion {
        let m = self.obj(v, "a question");
        CQuestion {
            id: self.string(m, "id"),
            qtype: match self.string(m, "type").as_str() {
                "yes_no_unknown" => QuestionType::YesNoUnknown,
                "yes_no" => QuestionType::YesNo,
                "single" => QuestionType::Single,
                "multi" => QuestionType::Multi,
                "number" => QuestionType::Number,
                "datetime" => QuestionType::Datetime,
                "text" => QuestionType::Text,
                other => {
                    self.fail(format!("unknown question type `{other}`"));
                    QuestionType::Text
                }
            },
            text: self.string(m, "text"),
            help: self.opt_string(m, "help"),
            options: self.list(m, "options", |r, v| {
                let m = r.obj(v, "an option");
                COption {
                    value: r.string(m, "value"),
                    label: r.string(m, "label"),
                    help: r.opt_string(m, "help"),
                    score: r.opt_f64(m, "score"),
                    correct: r.opt_bool(m, "correct"),
                    feedback: r.opt_string(m, "feedback"),
                }
            }),
            allow_unknown: match self.field(m, "allow_unknown").map(Value::as_bool) {
                Some(Some(b)) => b,
                Some(None) => {
                    self.fail("`allow_unknown` must be true or false".into());
                    false
                }
                None => false,
            },
            min: self.opt_f64(m, "min"),
            max: self.opt_f64(m, "max"),
            unit: self.opt_string(m, "unit"),
            area: self.opt_string(m, "area"),
            scenario: self.opt_string(m, "scenario"),
            show_if: opt(m, "show_if").map(|v| self.node(v)),
            show_if_src: self.opt_string(m, "show_if_src"),
        }
    }

    fn action(&mut self, v: &Value) -> CAction {
        let m = self.obj(v, "an action");
        CAction {
            id: self.string(m, "id"),
            title: self.string(m, "title"),
            text: self.string(m, "text"),
            playbook: self.opt_string(m, "playbook"),
            phase: self.string(m, "phase"),
            track: match self.string(m, "track").as_str() {
                "admin" => Track::Admin,
                "technical" => Track::Technical,
                other => {
                    self.fail(format!("unknown track `{other}`"));
                    Track::Admin
                }
            },
            owner: self.string(m, "owner"),
            party: self.opt_string(m, "party"),
            due: {
                let d = self.string(m, "due");
                self.due(&d)
            },
            window_ms: self.opt_i64(m, "window_ms"),
            serves: self.opt_string(m, "serves"),
            when: opt(m, "when").map(|v| self.node(v)),
            url: self.opt_string(m, "url"),
            sources: self.list(m, "sources", |r, v| {
                let m = r.obj(v, "a source");
                SourceInfo { id: r.string(m, "id"), title: r.string(m, "title"), url: r.string(m, "url") }
            }),
        }
    }

    fn contact(&mut self, v: &Value) -> ContactInfo {
        let m = self.obj(v, "a contact");
        ContactInfo {
            role: self.string(m, "role"),
            name: self.string(m, "name"),
            title: self.opt_string(m, "title"),
            phone: self.opt_string(m, "phone"),
            email: self.opt_string(m, "email"),
            url: self.opt_string(m, "url"),
            form_url: self.opt_string(m, "form_url"),
            hours: self.opt_string(m, "hours"),
            window: self.opt_string(m, "window"),
        }
    }

    /// `Due` as its `Display` form; `…ms` for offsets that are not whole minutes.
    fn due(&mut self, s: &str) -> Due {
        if let Some(ms) = s.strip_suffix("ms").and_then(parse_i64) {
            return Due::After(ms);
        }
        parse_due(s).unwrap_or_else(|e| {
            self.fail(e);
            Due::Asap
        })
    }

    fn node_field(&mut self, m: &Obj, key: &str) -> Node {
        match self.field(m, key) {
            Some(v) => self.node(v),
            None => Node::Bool(false),
        }
    }

    /// A [`Node`] as serde writes it: `{"variant": content}`. The JSON parser
    /// limits nesting, so this recursion is bounded.
    fn node(&mut self, v: &Value) -> Node {
        let m = self.obj(v, "an expression");
        let Some((tag, c)) = m.iter().next().filter(|_| m.len() == 1) else {
            self.fail("an expression must have exactly one key".into());
            return Node::Bool(false);
        };
        let simple = match tag {
            "bool" => Some(Node::Bool(c.as_bool().unwrap_or_else(|| {
                self.fail("`bool` needs true or false".into());
                false
            }))),
            "num" => Some(Node::Num(c.as_f64().unwrap_or_else(|| {
                self.fail("`num` needs a number".into());
                0.0
            }))),
            "text" => Some(Node::Text(c.as_str().map(str::to_string).unwrap_or_else(|| {
                self.fail("`text` needs a string".into());
                String::new()
            }))),
            "sym" => Some(Node::Sym(self.index(c, tag))),
            "q" => Some(Node::Q(self.index(c, tag))),
            "let" => Some(Node::Let(self.index(c, tag))),
            "not" => Some(Node::Not(self.boxed(c))),
            "neg" => Some(Node::Neg(self.boxed(c))),
            "count" => Some(Node::Count(self.boxed(c))),
            "and" => Some(Node::And(self.nodes(c))),
            "or" => Some(Node::Or(self.nodes(c))),
            "max" => Some(Node::Max(self.nodes(c))),
            "min" => Some(Node::Min(self.nodes(c))),
            _ => None,
        };
        if let Some(n) = simple {
            return n;
        }
        // Tuple variants are arrays of their fields.
        let parts = match tag {
            "arith" | "cmp" | "if" => 3,
            "in" | "any_of" | "has" => 2,
            _ => {
                self.fail(format!("unknown expression `{tag}`"));
                return Node::Bool(false);
            }
        };
        let Some(p) = c.as_array().filter(|a| a.len() == parts) else {
            self.fail(format!("`{tag}` needs {parts} parts"));
            return Node::Bool(false);
        };
        match tag {
            "arith" => {
                let op = match p[0].as_str() {
                    Some("add") => ArithOp::Add,
                    Some("sub") => ArithOp::Sub,
                    Some("mul") => ArithOp::Mul,
                    Some("div") => ArithOp::Div,
                    _ => {
                        self.fail("unknown arithmetic operator".into());
                        ArithOp::Add
                    }
                };
                Node::Arith(op, self.boxed(&p[1]), self.boxed(&p[2]))
            }
            "cmp" => {
                let op = match p[0].as_str() {
                    Some("eq") => CmpOp::Eq,
                    Some("ne") => CmpOp::Ne,
                    Some("lt") => CmpOp::Lt,
                    Some("le") => CmpOp::Le,
                    Some("gt") => CmpOp::Gt,
                    Some("ge") => CmpOp::Ge,
                    _ => {
                        self.fail("unknown comparison".into());
                        CmpOp::Eq
                    }
                };
                Node::Cmp(op, self.boxed(&p[1]), self.boxed(&p[2]))
            }
            "in" => Node::In(self.boxed(&p[0]), self.nodes(&p[1])),
            "any_of" => {
                let of = self.boxed(&p[0]);
                Node::AnyOf(
                    of,
                    p[1].as_u64().unwrap_or_else(|| {
                        self.fail("`any_of` needs a mask".into());
                        0
                    }),
                )
            }
            "has" => Node::Has(self.boxed(&p[0]), self.index(&p[1], tag)),
            _ => Node::If(self.boxed(&p[0]), self.boxed(&p[1]), self.boxed(&p[2])),
        }
    }

    fn boxed(&mut self, v: &Value) -> Box<Node> {
        Box::new(self.node(v))
    }

    fn nodes(&mut self, v: &Value) -> Vec<Node> {
        match v.as_array() {
            Some(items) => items.iter().map(|v| self.node(v)).collect(),
            None => {
                self.fail("expected a list of expressions".into());
                Vec::new()
            }
        }
    }

    fn obj<'v>(&mut self, v: &'v Value, what: &str) -> &'v Obj {
        v.as_object().unwrap_or_else(|| {
            self.fail(format!("{what} must be an object"));
            &EMPTY
        })
    }

    fn field<'v>(&mut self, m: &'v Obj, key: &str) -> Option<&'v Value> {
        let v = m.get(key);
        if v.is_none() {
            self.fail(format!("missing `{key}`"));
        }
        v
    }

    fn string(&mut self, m: &Obj, key: &str) -> String {
        match self.field(m, key) {
            Some(v) => self.as_string(v, key),
            None => String::new(),
        }
    }

    fn as_string(&mut self, v: &Value, key: &str) -> String {
        match v.as_str() {
            Some(s) => s.to_string(),
            None => {
                self.fail(format!("`{key}` must be a string"));
                String::new()
            }
        }
    }

    fn opt_string(&mut self, m: &Obj, key: &str) -> Option<String> {
        opt(m, key).map(|v| self.as_string(v, key))
    }

    fn opt_f64(&mut self, m: &Obj, key: &str) -> Option<f64> {
        let v = opt(m, key)?;
        if v.as_f64().is_none() {
            self.fail(format!("`{key}` must be a number"));
        }
        v.as_f64()
    }

    fn opt_i64(&mut self, m: &Obj, key: &str) -> Option<i64> {
        let v = opt(m, key)?;
        if v.as_i64().is_none() {
            self.fail(format!("`{key}` must be a whole number"));
        }
        v.as_i64()
    }

    fn opt_bool(&mut self, m: &Obj, key: &str) -> Option<bool> {
        let v = opt(m, key)?;
        if v.as_bool().is_none() {
            self.fail(format!("`{key}` must be true or false"));
        }
        v.as_bool()
    }

    fn index(&mut self, v: &Value, what: &str) -> u32 {
        v.as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or_else(|| {
            self.fail(format!("`{what}` needs an index"));
            0
        })
    }

    /// A list that the writer may leave out when empty. `item` is a plain
    /// function, so every list shares one loop per item type.
    fn list<T>(&mut self, m: &Obj, key: &str, item: fn(&mut Reader, &Value) -> T) -> Vec<T> {
        match opt(m, key) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for v in items {
                    out.push(item(self, v));
                }
                out
            }
            Some(_) => {
                self.fail(format!("`{key}` must be a list"));
                Vec::new()
            }
        }
    }
}

/// Absent and `null` both mean "none" (the writer skips `None`).
fn opt<'v>(m: &'v Obj, key: &str) -> Option<&'v Value> {
    m.get(key).filter(|v| !v.is_null())
}
