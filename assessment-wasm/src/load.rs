//! Reads a [`Compiled`] assessment from parsed JSON by hand.
//!
//! The derived `Deserialize` impls of the compiled types cost about 100 KB
//! of WebAssembly; the page already parses answers into a
//! [`serde_json::Value`], so reading the assessment from one as well keeps
//! the engine small. The format is exactly what the derived `Serialize`
//! writes (a round-trip test holds the two together); unknown keys are
//! ignored, as the derived reader would.

use crate::compile::{CAction, CArea, CLet, COption, CQuestion, CRule, CVerdict, Compiled};
use crate::eval::{ArithOp, CmpOp, Node};
use crate::model::{ContactInfo, Kind, PhaseInfo, QuestionType, SourceInfo, Track};
use crate::time::{parse_due, Due};
use serde_json::{Map, Value};

type Obj = Map<String, Value>;
type R<T> = Result<T, String>;

pub fn compiled(v: &Value) -> R<Compiled> {
    let m = obj(v, "the compiled assessment")?;
    Ok(Compiled {
        id: string(m, "id")?,
        kind: match string(m, "kind")?.as_str() {
            "triage" => Kind::Triage,
            "readiness" => Kind::Readiness,
            "training" => Kind::Training,
            other => return Err(format!("unknown kind `{other}`")),
        },
        lang: string(m, "lang")?,
        title: string(m, "title")?,
        intro: opt_string(m, "intro")?,
        hash: string(m, "hash")?,
        areas: list(m, "areas", |v| {
            let m = obj(v, "an area")?;
            Ok(CArea { id: string(m, "id")?, title: string(m, "title")? })
        })?,
        questions: list(m, "questions", question)?,
        lets: list(m, "lets", |v| {
            let m = obj(v, "a let")?;
            Ok(CLet {
                id: string(m, "id")?,
                label: opt_string(m, "label")?,
                expr: node(field(m, "expr")?)?,
                src: string(m, "src")?,
            })
        })?,
        verdicts: list(m, "verdicts", |v| {
            let m = obj(v, "a verdict")?;
            Ok(CVerdict {
                id: string(m, "id")?,
                title: string(m, "title")?,
                yes: opt_string(m, "yes")?,
                no: opt_string(m, "no")?,
                due: opt_string(m, "due")?.map(|d| due(&d)).transpose()?,
                window_ms: opt_i64(m, "window_ms")?,
                contact: opt_string(m, "contact")?,
            })
        })?,
        rules: list(m, "rules", |v| {
            let m = obj(v, "a rule")?;
            Ok(CRule {
                id: string(m, "id")?,
                when: node(field(m, "when")?)?,
                src: string(m, "src")?,
                reason: opt_string(m, "reason")?,
                verdicts: list(m, "verdicts", |v| u32_of(v, "verdicts"))?,
                actions: list(m, "actions", |v| u32_of(v, "actions"))?,
            })
        })?,
        actions: list(m, "actions", action)?,
        contacts: list(m, "contacts", contact)?,
        phases: list(m, "phases", |v| {
            let m = obj(v, "a phase")?;
            Ok(PhaseInfo {
                id: string(m, "id")?,
                title: string(m, "title")?,
                order: field(m, "order")?.as_i64().ok_or("`order` must be a whole number")?,
                url: string(m, "url")?,
            })
        })?,
    })
}

fn question(v: &Value) -> R<CQuestion> {
    let m = obj(v, "a question")?;
    Ok(CQuestion {
        id: string(m, "id")?,
        qtype: match string(m, "type")?.as_str() {
            "yes_no_unknown" => QuestionType::YesNoUnknown,
            "yes_no" => QuestionType::YesNo,
            "single" => QuestionType::Single,
            "multi" => QuestionType::Multi,
            "number" => QuestionType::Number,
            "datetime" => QuestionType::Datetime,
            "text" => QuestionType::Text,
            other => return Err(format!("unknown question type `{other}`")),
        },
        text: string(m, "text")?,
        help: opt_string(m, "help")?,
        options: list(m, "options", |v| {
            let m = obj(v, "an option")?;
            Ok(COption {
                value: string(m, "value")?,
                label: string(m, "label")?,
                help: opt_string(m, "help")?,
                score: opt_f64(m, "score")?,
                correct: opt_bool(m, "correct")?,
                feedback: opt_string(m, "feedback")?,
            })
        })?,
        allow_unknown: field(m, "allow_unknown")?.as_bool().ok_or("`allow_unknown` must be true or false")?,
        min: opt_f64(m, "min")?,
        max: opt_f64(m, "max")?,
        unit: opt_string(m, "unit")?,
        area: opt_string(m, "area")?,
        scenario: opt_string(m, "scenario")?,
        show_if: m.get("show_if").filter(|v| !v.is_null()).map(node).transpose()?,
        show_if_src: opt_string(m, "show_if_src")?,
    })
}

fn action(v: &Value) -> R<CAction> {
    let m = obj(v, "an action")?;
    Ok(CAction {
        id: string(m, "id")?,
        title: string(m, "title")?,
        text: string(m, "text")?,
        playbook: opt_string(m, "playbook")?,
        phase: string(m, "phase")?,
        track: match string(m, "track")?.as_str() {
            "admin" => Track::Admin,
            "technical" => Track::Technical,
            other => return Err(format!("unknown track `{other}`")),
        },
        owner: string(m, "owner")?,
        party: opt_string(m, "party")?,
        due: due(&string(m, "due")?)?,
        window_ms: opt_i64(m, "window_ms")?,
        when: m.get("when").filter(|v| !v.is_null()).map(node).transpose()?,
        url: opt_string(m, "url")?,
        sources: list(m, "sources", |v| {
            let m = obj(v, "a source")?;
            Ok(SourceInfo { id: string(m, "id")?, title: string(m, "title")?, url: string(m, "url")? })
        })?,
    })
}

fn contact(v: &Value) -> R<ContactInfo> {
    let m = obj(v, "a contact")?;
    Ok(ContactInfo {
        role: string(m, "role")?,
        name: string(m, "name")?,
        title: opt_string(m, "title")?,
        phone: opt_string(m, "phone")?,
        email: opt_string(m, "email")?,
        url: opt_string(m, "url")?,
        form_url: opt_string(m, "form_url")?,
        hours: opt_string(m, "hours")?,
        window: opt_string(m, "window")?,
    })
}

/// `Due` as its `Display` form; `…ms` for offsets that are not whole minutes.
fn due(s: &str) -> R<Due> {
    if let Some(ms) = s.strip_suffix("ms").and_then(|n| n.parse().ok()) {
        return Ok(Due::After(ms));
    }
    parse_due(s)
}

/// A [`Node`] as serde writes it: `{"variant": content}`. serde_json limits
/// nesting when parsing, so this recursion is bounded.
fn node(v: &Value) -> R<Node> {
    let m = obj(v, "an expression")?;
    let (tag, c) = match m.iter().next() {
        Some(kv) if m.len() == 1 => kv,
        _ => return Err("an expression must have exactly one key".into()),
    };
    let boxed = |v: &Value| node(v).map(Box::new);
    let nodes = |v: &Value| -> R<Vec<Node>> {
        v.as_array().ok_or("expected a list of expressions")?.iter().map(node).collect()
    };
    // Tuple variants are arrays of their fields.
    let parts = |n: usize| -> R<&[Value]> {
        c.as_array().map(Vec::as_slice).filter(|a| a.len() == n).ok_or_else(|| format!("`{tag}` needs {n} parts"))
    };
    let index = |v: &Value| u32_of(v, tag);
    Ok(match tag.as_str() {
        "bool" => Node::Bool(c.as_bool().ok_or("`bool` needs true or false")?),
        "num" => Node::Num(c.as_f64().ok_or("`num` needs a number")?),
        "text" => Node::Text(c.as_str().ok_or("`text` needs a string")?.to_string()),
        "sym" => Node::Sym(index(c)?),
        "q" => Node::Q(index(c)?),
        "let" => Node::Let(index(c)?),
        "not" => Node::Not(boxed(c)?),
        "neg" => Node::Neg(boxed(c)?),
        "count" => Node::Count(boxed(c)?),
        "and" => Node::And(nodes(c)?),
        "or" => Node::Or(nodes(c)?),
        "max" => Node::Max(nodes(c)?),
        "min" => Node::Min(nodes(c)?),
        "arith" => {
            let p = parts(3)?;
            let op = match p[0].as_str() {
                Some("add") => ArithOp::Add,
                Some("sub") => ArithOp::Sub,
                Some("mul") => ArithOp::Mul,
                Some("div") => ArithOp::Div,
                _ => return Err("unknown arithmetic operator".into()),
            };
            Node::Arith(op, boxed(&p[1])?, boxed(&p[2])?)
        }
        "cmp" => {
            let p = parts(3)?;
            let op = match p[0].as_str() {
                Some("eq") => CmpOp::Eq,
                Some("ne") => CmpOp::Ne,
                Some("lt") => CmpOp::Lt,
                Some("le") => CmpOp::Le,
                Some("gt") => CmpOp::Gt,
                Some("ge") => CmpOp::Ge,
                _ => return Err("unknown comparison".into()),
            };
            Node::Cmp(op, boxed(&p[1])?, boxed(&p[2])?)
        }
        "in" => {
            let p = parts(2)?;
            Node::In(boxed(&p[0])?, nodes(&p[1])?)
        }
        "any_of" => {
            let p = parts(2)?;
            Node::AnyOf(boxed(&p[0])?, p[1].as_u64().ok_or("`any_of` needs a mask")?)
        }
        "has" => {
            let p = parts(2)?;
            Node::Has(boxed(&p[0])?, index(&p[1])?)
        }
        "if" => {
            let p = parts(3)?;
            Node::If(boxed(&p[0])?, boxed(&p[1])?, boxed(&p[2])?)
        }
        other => return Err(format!("unknown expression `{other}`")),
    })
}

fn obj<'v>(v: &'v Value, what: &str) -> R<&'v Obj> {
    v.as_object().ok_or_else(|| format!("{what} must be an object"))
}

fn field<'v>(m: &'v Obj, key: &str) -> R<&'v Value> {
    m.get(key).ok_or_else(|| format!("missing `{key}`"))
}

fn string(m: &Obj, key: &str) -> R<String> {
    field(m, key)?.as_str().map(str::to_string).ok_or_else(|| format!("`{key}` must be a string"))
}

/// Absent and `null` both mean "none" (the writer skips `None`).
fn opt<'v>(m: &'v Obj, key: &str) -> Option<&'v Value> {
    m.get(key).filter(|v| !v.is_null())
}

fn opt_string(m: &Obj, key: &str) -> R<Option<String>> {
    opt(m, key).map(|v| v.as_str().map(str::to_string).ok_or_else(|| format!("`{key}` must be a string"))).transpose()
}

fn opt_f64(m: &Obj, key: &str) -> R<Option<f64>> {
    opt(m, key).map(|v| v.as_f64().ok_or_else(|| format!("`{key}` must be a number"))).transpose()
}

fn opt_i64(m: &Obj, key: &str) -> R<Option<i64>> {
    opt(m, key).map(|v| v.as_i64().ok_or_else(|| format!("`{key}` must be a whole number"))).transpose()
}

fn opt_bool(m: &Obj, key: &str) -> R<Option<bool>> {
    opt(m, key).map(|v| v.as_bool().ok_or_else(|| format!("`{key}` must be true or false"))).transpose()
}

fn u32_of(v: &Value, what: &str) -> R<u32> {
    v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(|| format!("`{what}` needs an index"))
}

/// A list that the writer may leave out when empty.
fn list<T>(m: &Obj, key: &str, f: impl Fn(&Value) -> R<T>) -> R<Vec<T>> {
    match opt(m, key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items.iter().map(f).collect(),
        Some(_) => Err(format!("`{key}` must be a list")),
    }
}
